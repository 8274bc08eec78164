//! The plan's numbers, per provider, against the emulator's known offsets: replayed, skipped, lag after, clamping.

use crate::common;

use offsetdeck::core::strategy::ResetStrategy;
use offsetdeck::engine::order::Order;
use offsetdeck::engine::outcome::Outcome;
use offsetdeck::engine::plan::Plan;
use offsetdeck::engine::session::Via;
use offsetdeck::engine::{planner, reads, verify};

async fn plan_for(
    instance: &str,
    group: &str,
    topic: Option<&str>,
    partitions: &[i32],
    strategy: ResetStrategy,
) -> Result<Plan, String> {
    let (_emu, profile) = common::emulator_and_profile().await;
    let session = common::session(profile, Via::Cli);
    let order = Order::Reset {
        group: offsetdeck::core::target::GroupRef::new(instance, group),
        topics: topic.into_iter().map(str::to_owned).collect::<Vec<_>>().into(),
        partitions: partitions.to_vec(),
        strategy,
    };
    planner::plan(&session, &order).await.map_err(|e| e.to_string())
}

#[tokio::test]
async fn huawei_shift_skips_and_clamps_at_the_end() {
    // billing/payments: end 9120 + 3p, committed end - 350.
    let p = plan_for("orders", "billing", Some("payments"), &[0, 2], ResetStrategy::ShiftBy(500)).await.unwrap();
    assert_eq!(p.rows.len(), 2);
    let r = &p.rows[0];
    assert_eq!((r.current, r.target, r.clamped), (Some(8770), Some(9120), true), "shift past the end clamps");
    assert_eq!((r.effect().as_str(), r.lag_after()), ("skip 350", Some(0)));
    assert_eq!(p.totals(), (0, 700));
    assert_eq!(p.calls.len(), 2, "one call per partition, each an absolute offset");
}

#[tokio::test]
async fn ckafka_to_offset_replays_and_clamps_at_the_start() {
    // old-batch/orders-cdc: start 500, end 7000 + 3p, committed end - 6000.
    let p = plan_for("events", "old-batch", Some("orders-cdc"), &[], ResetStrategy::ToOffset(100)).await.unwrap();
    let r = &p.rows[1];
    assert_eq!((r.current, r.target, r.clamped), (Some(1003), Some(500), true));
    assert_eq!((r.effect().as_str(), r.lag_now(), r.lag_after()), ("replay 503", Some(6000), Some(6503)));
    assert_eq!(p.totals(), (500 + 503 + 506 + 509, 0));
    assert_eq!(p.calls.len(), 1, "every partition lands on 500: one ModifyGroupOffsets, Strategy 2, exactly that");
    let body = String::from_utf8_lossy(&p.calls[0].body).into_owned();
    assert!(body.contains("\"Strategy\":2") && body.contains("\"Offset\":500"), "{body}");
}

#[tokio::test]
async fn dts_latest_skips_the_lag() {
    // mysql-sub/etl: end 15000 + 3p, committed end - 300; DTS reports no log start.
    let p = plan_for("mysql-sub", "etl", None, &[], ResetStrategy::Latest).await.unwrap();
    assert!(p.rows.iter().all(|r| r.effect() == "skip 300" && r.lag_after() == Some(0) && r.start.is_none()));
    assert_eq!(p.totals(), (0, 1200));
}

#[tokio::test]
async fn active_groups_are_refused_with_members_named_on_every_provider() {
    for (instance, group, topic, member) in [
        ("orders", "fraud-check", Some("orders"), "fraud-check-1"),
        ("events", "cdc-sink", Some("orders-cdc"), "cdc-sink-a"),
        ("mysql-sub", "audit", None, "dts-audit-1"),
    ] {
        let err = plan_for(instance, group, topic, &[], ResetStrategy::Earliest).await.unwrap_err();
        assert!(err.contains("Stable") && err.contains(member) && err.contains("session timeout"), "{instance}: {err}");
    }
}

/// Plans a time-based reset the way the commands do: the cloud's own time-to-offset read first.
async fn time_plan(
    instance: &str,
    group: &str,
    topic: Option<&str>,
    at_ms: i64,
) -> (Plan, offsetdeck::emulator::Handle, offsetdeck::core::profile::Profile) {
    let (emu, profile) = common::emulator_and_profile().await;
    let session = common::session(profile.clone(), Via::Cli);
    let order = Order::Reset {
        group: offsetdeck::core::target::GroupRef::new(instance, group),
        topics: topic.into_iter().map(str::to_owned).collect::<Vec<_>>().into(),
        partitions: vec![],
        strategy: ResetStrategy::ToTimestamp(at_ms),
    };
    let plan = planner::plan(&session, &order).await.unwrap();
    assert!(!plan.notes.iter().any(|n| n.contains("could not be read")), "{:?}", plan.notes);
    (plan, emu, profile)
}

/// Static demo topics: offset o of every partition was written at 2025-01-01T00:00:00Z + o * interval.
const EPOCH_MS: i64 = 1_735_689_600_000;

#[tokio::test]
async fn time_based_previews_name_the_target_and_its_message_time() {
    // Huawei billing/orders, interval 400 ms: the first message at or after offset 30000's time is 30000 itself.
    let (p, _emu, profile) = time_plan("orders", "billing", Some("orders"), EPOCH_MS + 30_000 * 400).await;
    assert!(
        p.rows.iter().all(|r| r.target == Some(30_000) && r.target_time_ms == Some(EPOCH_MS + 30_000 * 400)),
        "{:?}",
        p.rows[0]
    );
    assert!(
        p.notes.iter().any(|n| n.contains("the messages at the targets were written 2025-01-01 03:20:00 UTC")),
        "{:?}",
        p.notes
    );
    assert_eq!(p.calls.len(), p.rows.len(), "the previewed offsets are what is sent, one call per partition");
    assert!(p.calls.iter().all(|c| String::from_utf8_lossy(&c.body).contains("\"message_offset\":30000")));
    // What is sent is what was previewed, so verification is exact.
    let session = common::session(profile, Via::Cli);
    let target = session.target(&p.target).unwrap();
    let creds = session.credentials(&target).unwrap();
    let mut outcomes = Vec::new();
    for call in &p.calls {
        outcomes.push(Outcome::of(call, session.client.send(call, &creds).await));
    }
    let back = reads::read_back(&session.client, &creds, &target, &p).await.unwrap();
    let checks = verify::judge(&p, &outcomes, &back);
    assert!(checks.iter().all(|c| c.ok && c.now == Some(30_000)), "{checks:?}");

    // CKafka etl/clicks, interval 300 ms, a time between two messages: the next one is the target.
    let (p, _emu, _) = time_plan("events", "etl", Some("clicks"), EPOCH_MS + 1_000 * 300 + 1).await;
    assert!(
        p.rows.iter().all(|r| r.target == Some(1_001) && r.target_time_ms == Some(EPOCH_MS + 1_001 * 300)),
        "{:?}",
        p.rows[0]
    );

    // DTS, interval 700 ms: DescribeOffsetByTime gives the checkpoint at or before the time; no message time.
    let (p, _emu, _) = time_plan("mysql-sub", "etl", None, EPOCH_MS + 100 * 700 + 1).await;
    assert!(p.rows.iter().all(|r| r.target == Some(100) && r.target_time_ms.is_none()), "{:?}", p.rows[0]);
    assert_eq!(p.totals().1, 0);
}

#[tokio::test]
async fn a_time_before_the_oldest_message_lands_on_the_log_start_whatever_its_age() {
    // billing/orders keeps offsets 1000.. (written from EPOCH_MS + 1000 * 400 on): any older time is the log start.
    for days in [1, 365, 600, 3_000] {
        let (p, _emu, _) = time_plan("orders", "billing", Some("orders"), EPOCH_MS - days * 86_400_000).await;
        for r in &p.rows {
            assert_eq!(r.target, r.start, "{days} days before the oldest message: the log start, {r:?}");
            assert!(r.effect().starts_with("replay"), "{days} days: {}", r.effect());
        }
    }
    // A time after the newest message is the log end.
    let (p, _emu, _) = time_plan("orders", "billing", Some("orders"), EPOCH_MS + 3_000 * 86_400_000).await;
    assert!(p.rows.iter().all(|r| r.target == r.end && r.lag_after() == Some(0)), "{:?}", p.rows[0]);
}

#[tokio::test]
async fn dts_earliest_has_an_exact_target() {
    let p = plan_for("mysql-sub", "etl", None, &[], ResetStrategy::Earliest).await.unwrap();
    assert!(p.rows.iter().all(|r| r.target.is_some()), "the oldest checkpoint per partition: {:?}", p.rows);
}

#[tokio::test]
async fn a_partition_or_topic_given_twice_is_planned_once() {
    let p = plan_for("orders", "billing", Some("payments"), &[0, 0, 1], ResetStrategy::ShiftBy(-1)).await.unwrap();
    assert_eq!((p.rows.len(), p.calls.len()), (2, 2), "{:?}", p.rows);
    let (_emu, profile) = common::emulator_and_profile().await;
    let session = common::session(profile, Via::Cli);
    let order = Order::DeleteOffsets {
        group: offsetdeck::core::target::GroupRef::new("orders", "audit"),
        topics: vec!["audit-log".into(), "audit-log".into()],
    };
    let p = planner::plan(&session, &order).await.unwrap();
    assert_eq!(p.rows.len(), 1, "{:?}", p.rows);
    assert!(String::from_utf8_lossy(&p.calls[0].body).matches("audit-log").count() == 1);
}
