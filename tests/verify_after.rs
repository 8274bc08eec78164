//! Verify after: the state is read back and compared with the plan; an accepted call that changed nothing fails.

mod common;

use offsetdeck::core::strategy::ResetStrategy;
use offsetdeck::emulator::state::GroupState;
use offsetdeck::engine::plan::{self, ResetRequest};
use offsetdeck::engine::target::Target;
use offsetdeck::engine::{run, verify};
use offsetdeck::providers::client::{Client, ClientConfig};

#[tokio::test]
async fn dts_silent_no_op_is_caught() {
    let (emu, profile) = common::emulator_and_profile().await;
    let client = Client::new(ClientConfig::default().unlimited()).unwrap();
    let target = Target::find(&profile, "mysql-sub").unwrap();
    let creds = common::creds(target.credentials());
    let group = target.api_group("etl").unwrap();
    let topic = target.topic(None).unwrap();
    let snap = run::describe(&client, &creds, &target, &group, std::slice::from_ref(&topic)).await.unwrap();
    assert!(snap.is_inactive(), "the pre-flight check passes: the group is Empty");
    let req = ResetRequest {
        group: &group,
        topic: &topic,
        partitions: &[],
        strategy: &ResetStrategy::Latest,
        now_ms: 0,
        zone_name: "UTC",
        time_targets: &[],
    };
    let plan = plan::reset(&target, &snap, &req).unwrap();
    // Consumers start between the check and the call: DTS answers success and does nothing.
    assert!(emu.set_group_state(&group, GroupState::Stable));
    let outcomes = run::execute(&client, &creds, &plan, |_| {}).await;
    assert!(outcomes.iter().all(|o| o.ok), "the service reported success");
    let checks = verify::verify(&client, &creds, &target, &plan).await.unwrap();
    assert_eq!(checks.len(), 4);
    for c in &checks {
        assert!(!c.ok, "{c:?}");
        let note = c.note.as_deref().unwrap();
        assert!(
            note.contains("the service accepted the call but the offset did not change")
                && note.contains("probably active"),
            "{note}"
        );
    }
}

#[tokio::test]
async fn huawei_reset_is_verified_as_planned() {
    let (_emu, profile) = common::emulator_and_profile().await;
    let client = Client::new(ClientConfig::default().unlimited()).unwrap();
    let target = Target::find(&profile, "orders").unwrap();
    let creds = common::creds(target.credentials());
    let snap = run::describe(&client, &creds, &target, "billing", &["payments".into()]).await.unwrap();
    let req = ResetRequest {
        group: "billing",
        topic: "payments",
        partitions: &[1],
        strategy: &ResetStrategy::ShiftBy(-20),
        now_ms: 0,
        zone_name: "UTC",
        time_targets: &[],
    };
    let plan = plan::reset(&target, &snap, &req).unwrap();
    run::execute(&client, &creds, &plan, |_| {}).await;
    let checks = verify::verify(&client, &creds, &target, &plan).await.unwrap();
    assert_eq!(checks.len(), 1);
    assert!(checks[0].ok, "{:?}", checks[0]);
    assert_eq!((checks[0].before, checks[0].now), (Some(8773), Some(8753)));
}

#[tokio::test]
async fn delete_offsets_and_messages_are_verified() {
    let (_emu, profile) = common::emulator_and_profile().await;
    let client = Client::new(ClientConfig::default().unlimited()).unwrap();
    let target = Target::find(&profile, "orders").unwrap();
    let creds = common::creds(target.credentials());
    let topics = vec!["audit-log".to_owned()];
    let snap = run::describe(&client, &creds, &target, "audit", &topics).await.unwrap();
    let p = plan::delete_offsets(&target, "audit", &snap, &topics).unwrap();
    run::execute(&client, &creds, &p, |_| {}).await;
    assert!(verify::verify(&client, &creds, &target, &p).await.unwrap().iter().all(|c| c.ok));
    let bounds = run::topic_bounds(&client, &creds, &target, "audit-log").await.unwrap();
    let p = plan::delete_messages(&target, "audit-log", &bounds, &[(0, Some(700))]).unwrap();
    run::execute(&client, &creds, &p, |_| {}).await;
    let checks = verify::verify(&client, &creds, &target, &p).await.unwrap();
    assert!(checks[0].ok && checks[0].now == Some(700), "{checks:?}");
}
