//! Verify after: the state is read back and compared with the plan; an accepted call that changed nothing fails, a
//! failed call says so, and a call whose answer was lost is known applied or not.

use crate::common;

use offsetdeck::core::profile::Profile;
use offsetdeck::core::strategy::ResetStrategy;
use offsetdeck::emulator::state::GroupState;
use offsetdeck::emulator::{FaultKind, Handle};
use offsetdeck::engine::job::{self, JobEnd, JobEvent, Observer};
use offsetdeck::engine::order::Order;
use offsetdeck::engine::outcome::Outcome;
use offsetdeck::engine::plan::Plan;
use offsetdeck::engine::session::{Session, Via};
use offsetdeck::engine::verify::{self, Check};
use offsetdeck::engine::{planner, reads};

struct Quiet;
impl Observer for Quiet {
    fn on(&mut self, _: JobEvent<'_>) {}
}

fn reset(instance: &str, group: &str, topic: Option<&str>, partitions: &[i32], strategy: ResetStrategy) -> Order {
    Order::Reset {
        group: offsetdeck::core::target::GroupRef::new(instance, group),
        topics: topic.into_iter().map(str::to_owned).collect::<Vec<_>>().into(),
        partitions: partitions.to_vec(),
        strategy,
    }
}

/// Sends a plan's calls directly (no pre-run re-check), then reads back and judges: the window between the last
/// check and the call, which no client can close.
async fn send_and_judge(session: &Session, plan: &Plan) -> (Vec<Outcome>, Vec<Check>) {
    let target = session.target(&plan.target).unwrap();
    let creds = session.credentials(&target).unwrap();
    let mut outcomes = Vec::new();
    for call in &plan.calls {
        outcomes.push(Outcome::of(call, session.client.send(call, &creds).await));
    }
    let back = reads::read_back(&session.client, &creds, &target, plan).await.unwrap();
    let checks = verify::judge(plan, &outcomes, &back);
    (outcomes, checks)
}

async fn setup() -> (Handle, Profile, Session) {
    let (emu, profile) = common::emulator_and_profile().await;
    let session = common::session(profile.clone(), Via::Cli);
    (emu, profile, session)
}

#[tokio::test]
async fn dts_silent_no_op_is_caught_for_latest_and_earliest() {
    for strategy in [ResetStrategy::Latest, ResetStrategy::Earliest] {
        let (emu, _, session) = setup().await;
        let plan = planner::plan(&session, &reset("mysql-sub", "etl", None, &[], strategy.clone())).await.unwrap();
        // Consumers start between the check and the call: DTS answers success and does nothing.
        assert!(emu.set_group_state(plan.group.as_deref().unwrap(), GroupState::Stable));
        let (outcomes, checks) = send_and_judge(&session, &plan).await;
        assert!(outcomes.iter().all(Outcome::is_ok), "the service reported success");
        assert_eq!(checks.len(), 4);
        for c in &checks {
            assert!(!c.ok, "{strategy:?}: {c:?}");
            let note = c.note.as_deref().unwrap();
            assert!(note.contains("the offset did not change") && note.contains("it was not applied"), "{note}");
        }
    }
}

#[tokio::test]
async fn the_job_re_reads_the_group_and_refuses_one_that_became_active() {
    let (emu, _, session) = setup().await;
    let plan = planner::plan(&session, &reset("mysql-sub", "etl", None, &[], ResetStrategy::Latest)).await.unwrap();
    assert!(emu.set_group_state(plan.group.as_deref().unwrap(), GroupState::Stable));
    let report = job::run(&session, plan, &Default::default(), &mut Quiet).await;
    assert!(matches!(&report.end, JobEnd::Refused { why } if why.to_string().contains("Stable")), "{:?}", report.end);
    assert!(report.outcomes.is_empty() && report.exit_code() == 3);
}

#[tokio::test]
async fn a_plan_whose_group_moved_since_is_refused_as_stale() {
    let (_emu, _, session) = setup().await;
    let order = reset("orders", "billing", Some("payments"), &[1], ResetStrategy::ShiftBy(-20));
    let first = planner::plan(&session, &order).await.unwrap();
    let stale = first.clone();
    assert_eq!(job::run(&session, first, &Default::default(), &mut Quiet).await.exit_code(), 0);
    let report = job::run(&session, stale, &Default::default(), &mut Quiet).await;
    assert!(
        matches!(&report.end, JobEnd::Refused { why } if why.to_string().contains("moved since the plan")),
        "{:?}",
        report.end
    );
    assert!(report.outcomes.is_empty(), "nothing sent");
}

#[tokio::test]
async fn huawei_reset_is_verified_as_planned() {
    let (_emu, _, session) = setup().await;
    let order = reset("orders", "billing", Some("payments"), &[1], ResetStrategy::ShiftBy(-20));
    let plan = planner::plan(&session, &order).await.unwrap();
    let report = job::run(&session, plan, &Default::default(), &mut Quiet).await;
    let checks = report.verification.clone().unwrap().unwrap();
    assert_eq!(checks.len(), 1);
    assert!(checks[0].ok, "{:?}", checks[0]);
    assert_eq!((checks[0].before, checks[0].now), (Some(8773), Some(8753)));
    assert_eq!(report.exit_code(), 0);
}

#[tokio::test]
async fn a_failed_call_is_named_with_its_real_tries() {
    let (emu, _, session) = setup().await;
    let plan = planner::plan(&session, &reset("orders", "billing", Some("payments"), &[1], ResetStrategy::Earliest))
        .await
        .unwrap();
    emu.inject("ResetMessageOffset", FaultKind::ServerError, 3);
    let report = job::run(&session, plan, &Default::default(), &mut Quiet).await;
    assert_eq!(report.outcomes[0].tries, 3, "three tries were made");
    let checks = report.verification.clone().unwrap().unwrap();
    let note = checks[0].note.as_deref().unwrap();
    assert!(!checks[0].ok && note.starts_with("not changed: its call failed") && note.contains("500"), "{note}");
    assert!(!note.contains("probably active"), "{note}");
    assert_eq!(report.exit_code(), 1);
}

#[tokio::test]
async fn a_lost_answer_is_read_back_and_said_applied_or_not() {
    // The connection drops after the service applied the call: the read-back says it took effect.
    let (emu, _, session) = setup().await;
    let plan = planner::plan(&session, &reset("events", "etl", Some("clicks"), &[0], ResetStrategy::ShiftBy(-5)))
        .await
        .unwrap();
    emu.inject("ModifyGroupOffsets", FaultKind::DropAfterApply, 3);
    let (outcomes, checks) = send_and_judge(&session, &plan).await;
    assert!(!outcomes[0].is_ok() && outcomes[0].may_have_applied(), "{:?}", outcomes[0]);
    assert!(checks[0].ok, "{:?}", checks[0]);
    assert!(checks[0].note.as_deref().unwrap().contains("the read-back shows it took effect"), "{:?}", checks[0]);

    // The connection drops before the service applied it: two read-backs say it did not move, and the answer is
    // still "unknown", never that a re-run is safe.
    let (emu, _, session) = setup().await;
    let plan = planner::plan(&session, &reset("events", "etl", Some("clicks"), &[0], ResetStrategy::ShiftBy(-5)))
        .await
        .unwrap();
    emu.inject("ModifyGroupOffsets", FaultKind::Drop, 3);
    let (_, checks) = send_and_judge(&session, &plan).await;
    assert!(!checks[0].ok, "{:?}", checks[0]);
    let note = checks[0].note.as_deref().unwrap();
    assert!(note.starts_with("unknown") && note.contains("may still be applied"), "{:?}", checks[0]);
}

#[tokio::test]
async fn delete_offsets_and_messages_are_verified() {
    let (_emu, _, session) = setup().await;
    let order = Order::DeleteOffsets {
        group: offsetdeck::core::target::GroupRef::new("orders", "audit"),
        topics: vec!["audit-log".into()],
    };
    let p = planner::plan(&session, &order).await.unwrap();
    let report = job::run(&session, p, &Default::default(), &mut Quiet).await;
    assert!(report.verification.unwrap().unwrap().iter().all(|c| c.ok));
    let order = Order::DeleteMessages {
        topic: offsetdeck::core::target::TopicRef::new("orders", "audit-log"),
        partitions: vec![(0, Some(700))],
    };
    let p = planner::plan(&session, &order).await.unwrap();
    let report = job::run(&session, p, &Default::default(), &mut Quiet).await;
    let checks = report.verification.unwrap().unwrap();
    assert!(checks[0].ok && checks[0].now == Some(700), "{checks:?}");
}

#[tokio::test]
async fn a_lost_answer_that_reads_unapplied_is_read_again_before_it_is_called_unknown() {
    let (emu, _, session) = setup().await;
    let plan = planner::plan(&session, &reset("events", "etl", Some("clicks"), &[0], ResetStrategy::ShiftBy(-5)))
        .await
        .unwrap();
    emu.inject("ModifyGroupOffsets", FaultKind::Drop, 3);
    let began = std::time::Instant::now();
    let report =
        offsetdeck::engine::job::run(&session, plan, &std::sync::atomic::AtomicBool::new(false), &mut Quiet).await;
    assert!(began.elapsed() >= std::time::Duration::from_secs(2), "read again after a pause: {:?}", began.elapsed());
    let checks = report.verification.unwrap().unwrap();
    let note = checks[0].note.as_deref().unwrap();
    assert!(note.starts_with("unknown") && !note.contains("safe"), "{note}");
}
