//! The plan's numbers, per provider, against the emulator's known offsets: replayed, skipped, lag after, clamping.

mod common;

use offsetdeck::core::strategy::ResetStrategy;
use offsetdeck::engine::plan::{self, Plan, ResetRequest};
use offsetdeck::engine::target::Target;
use offsetdeck::engine::{run, verify, worker};
use offsetdeck::providers::client::{Client, ClientConfig};

async fn plan_for(
    instance: &str,
    group: &str,
    topic: Option<&str>,
    partitions: &[i32],
    strategy: ResetStrategy,
) -> Result<Plan, String> {
    let (_emu, profile) = common::emulator_and_profile().await;
    let client = Client::new(ClientConfig::default().unlimited()).unwrap();
    let target = Target::find(&profile, instance).unwrap();
    let creds = common::creds(target.credentials());
    let group = target.api_group(group).unwrap();
    let topic = target.topic(topic).unwrap();
    let snap = run::describe(&client, &creds, &target, &group, std::slice::from_ref(&topic)).await.unwrap();
    worker::refuse_active(&snap)?;
    let req = ResetRequest {
        group: &group,
        topic: &topic,
        partitions,
        strategy: &strategy,
        now_ms: 0,
        zone_name: "UTC",
        time_targets: &[],
    };
    plan::reset(&target, &snap, &req).map_err(|e| e.to_string())
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
    assert_eq!(p.calls.len(), 1, "one ModifyGroupOffsets with Strategy 2");
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
    let client = Client::new(ClientConfig::default().unlimited()).unwrap();
    let plan = {
        let target = Target::find(&profile, instance).unwrap();
        let creds = common::creds(target.credentials());
        let group = target.api_group(group).unwrap();
        let topic = target.topic(topic).unwrap();
        let snap = run::describe(&client, &creds, &target, &group, std::slice::from_ref(&topic)).await.unwrap();
        let strategy = ResetStrategy::ToTimestamp(at_ms);
        let (targets, problem) = run::time_targets(&client, &creds, &target, &snap, &topic, &[], Some(at_ms)).await;
        assert_eq!(problem, None);
        let req = ResetRequest {
            group: &group,
            topic: &topic,
            partitions: &[],
            strategy: &strategy,
            now_ms: 0,
            zone_name: "UTC",
            time_targets: &targets,
        };
        plan::reset(&target, &snap, &req).unwrap()
    };
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
    assert_eq!(p.calls.len(), 1, "still one native timestamp call for all partitions");
    // The service's own choice matches the preview, so verification is exact.
    let client = Client::new(ClientConfig::default().unlimited()).unwrap();
    let target = Target::find(&profile, "orders").unwrap();
    let creds = common::creds(target.credentials());
    run::execute(&client, &creds, &p, |_| {}).await;
    let checks = verify::verify(&client, &creds, &target, &p).await.unwrap();
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
