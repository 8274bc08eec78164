//! The plan's numbers, per provider, against the emulator's known offsets: replayed, skipped, lag after, clamping.

mod common;

use offsetdeck::core::strategy::ResetStrategy;
use offsetdeck::engine::plan::{self, Plan, ResetRequest};
use offsetdeck::engine::target::Target;
use offsetdeck::engine::{run, worker};
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
    let req =
        ResetRequest { group: &group, topic: &topic, partitions, strategy: &strategy, now_ms: 0, zone_name: "UTC" };
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
