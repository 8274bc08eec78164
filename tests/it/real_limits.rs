//! The clouds' published read limits, met as the clouds enforce them (the emulator's default): time lookups at
//! 1 call a second, a topic's bounds at 5, and a time lookup that does not depend on the listing's order.

use crate::common;

use std::time::Instant;

use common::cli::{self, Emulator};
use serde_json::Value;

fn start(extra: &[&str]) -> Emulator {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/limits.toml");
    let mut args = vec!["--data", data];
    args.extend_from_slice(extra);
    cli::start_with(&args)
}

/// 2025-01-01T04:00:00Z: offset 14,400 of every test topic.
const FOUR_AM: &str = "1735704000000";

fn json_of(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", cli::text(o)))
}

#[test]
fn a_12_partition_ckafka_time_reset_finds_every_target_at_one_lookup_a_second_and_verifies() {
    let e = start(&[]);
    let began = Instant::now();
    let o = cli::run(
        &e,
        &[
            "reset",
            "--instance",
            "ck-events",
            "--group",
            "replayer",
            "--topic",
            "events12",
            "--to-timestamp",
            FOUR_AM,
            "--yes",
        ],
    );
    let took = began.elapsed();
    let out = cli::text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    // Every target known, and the true replay count: committed (end - 100, ends 20000 + 3p) minus 14,400.
    let expected: i64 = (0..12).map(|p| 20_000 + 3 * p - 100 - 14_400).sum();
    assert!(out.contains(&format!("in all: {expected} message(s) will be consumed again")), "{out}");
    assert_eq!(out.matches(" 14400 ").count(), 12, "{out}");
    assert!(!out.contains("UNKNOWN") && !out.contains("service picks"), "{out}");
    assert!(out.contains("of 12 partitions"), "slow lookups say how far they got: {out}");
    assert!(out.contains("verified"), "{out}");
    assert!(!out.contains("could not be read back"), "{out}");
    // 12 lookups at the published 1 call a second cannot take less than 11 s.
    assert!(took.as_secs_f64() >= 11.0, "{took:?}");
    assert_eq!(cli::committed(&e, "ck-events", "replayer", "events12"), vec![Some(14_400); 12]);
}

#[test]
fn a_huawei_time_reset_is_right_when_the_listing_is_newest_first() {
    for order in [&[][..], &["--newest-first"][..]] {
        let e = start(order);
        let o = cli::run(
            &e,
            &[
                "--output",
                "json",
                "reset",
                "--instance",
                "hw-orders",
                "--group",
                "billing",
                "--topic",
                "orders",
                "--to-timestamp",
                FOUR_AM,
                "--dry-run",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", cli::text(&o));
        let v = json_of(&o);
        let targets: Vec<i64> =
            v["plan"]["rows"].as_array().unwrap().iter().map(|r| r["target"].as_i64().unwrap()).collect();
        assert_eq!(targets, vec![14_400; 3], "{order:?}: {v}");
    }
}

#[test]
fn an_unreadable_lookup_is_named_never_counted_as_zero_and_cannot_be_pinned() {
    let e = start(&[]);
    // ShowMessages is a GET: three failures in a row spend its retries, for the first partition looked up.
    cli::admin(&e, "faults", r#"{"op": "ShowMessages", "kind": "server_error", "count": 3}"#);
    let args =
        ["reset", "--instance", "hw-orders", "--group", "billing", "--topic", "orders", "--to-timestamp", FOUR_AM];
    let o = cli::run(&e, &[&args[..], &["--dry-run"]].concat());
    let out = cli::text(&o);
    assert!(out.contains("UNKNOWN"), "the headline says so: {out}");
    assert!(out.contains("NOT COUNTED: 1 of 3 partition(s)"), "{out}");
    assert!(out.contains("partition(s) 0:"), "the partition is named with why: {out}");
    let counted: i64 = (1..3).map(|p| 20_000 + 3 * p - 100 - 14_400).sum();
    assert!(out.contains(&format!("in all: {counted} message(s)")), "only what is known is counted: {out}");
    cli::admin(&e, "faults", r#"{"op": "ShowMessages", "kind": "server_error", "count": 3}"#);
    let plan = e._dir.path().join("p.json");
    let o = cli::run(&e, &[&args[..], &["--plan-out", plan.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(1), "a service failure, not bad input: {}", cli::text(&o));
    assert!(cli::text(&o).contains("could not be read from the service"), "{}", cli::text(&o));
    assert!(!plan.exists());
}

#[test]
fn a_1000_partition_ckafka_group_is_described_within_the_bounds_limit() {
    let e = start(&[]);
    let o = cli::run(&e, &["--output", "json", "describe", "--instance", "ck-events", "--group", "wide-reader"]);
    assert_eq!(o.status.code(), Some(0), "{}", cli::text(&o));
    assert_eq!(json_of(&o)["partitions"].as_array().unwrap().len(), 1000);
}

#[test]
fn huawei_groups_triage_from_the_listing_alone_and_read_members_only_when_asked() {
    let e = cli::start();
    // Any per-group detail read would fail: the triage list must not send one.
    cli::admin(&e, "faults", r#"{"op": "ShowGroupDetail", "kind": "server_error", "count": 1000}"#);
    let o = cli::run(&e, &["--output", "json", "groups", "--instance", "orders"]);
    assert_eq!(o.status.code(), Some(0), "{}", cli::text(&o));
    let rows = json_of(&o);
    let billing = rows.as_array().unwrap().iter().find(|r| r["group"] == "billing").unwrap();
    assert_eq!(billing["state"], "EMPTY");
    assert!(billing["lag"].as_i64().is_some(), "{billing}");
    assert!(billing["members"].is_null(), "members unread are unknown, not 0: {billing}");
    let o = cli::run(&e, &["--output", "json", "groups", "--instance", "orders", "--members"]);
    assert_ne!(o.status.code(), Some(0), "--members reads each group's detail: {}", cli::text(&o));
    cli::admin(&e, "clear-faults", "{}");
    let o = cli::run(&e, &["--output", "json", "groups", "--instance", "orders", "--members"]);
    let rows = json_of(&o);
    let fraud = rows.as_array().unwrap().iter().find(|r| r["group"] == "fraud-check").unwrap();
    assert_eq!(fraud["members"], 2, "{fraud}");
}

#[test]
fn a_big_plan_says_how_long_its_write_takes_at_the_pace() {
    let e = cli::start();
    let o = cli::run(
        &e,
        &[
            "reset",
            "--instance",
            "clickstream-hw",
            "--group",
            "sessionizer",
            "--topic",
            "clicks",
            "--to-earliest",
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", cli::text(&o));
    // 24 per-partition calls at Huawei's unpublished default of 10 calls/s: 2.3 s at least.
    assert!(
        cli::text(&o).contains("the write sends 24 call(s) of ResetMessageOffset: about 2 s at 10 calls/s"),
        "{}",
        cli::text(&o)
    );
    let small = cli::run(
        &e,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-earliest", "--dry-run"],
    );
    assert!(!cli::text(&small).contains("the write sends"), "a quick write says nothing: {}", cli::text(&small));
}

#[tokio::test]
async fn the_ckafka_peek_reads_its_five_messages_at_one_a_second() {
    let (_emu, profile) = common::emulator_and_profile().await;
    let session = common::session(profile, offsetdeck::engine::session::Via::Dashboard);
    let began = Instant::now();
    let peek = offsetdeck::engine::peek::around(&session, "events", ("orders-cdc", 0, 1000)).await.unwrap();
    let offsets: Vec<i64> = peek.messages.iter().map(|m| m.offset).collect();
    assert_eq!(offsets, [998, 999, 1000, 1001, 1002], "every message shown, none lost to a throttle");
    assert!(peek.messages.iter().all(|m| m.value.is_some()));
    assert!(began.elapsed().as_secs_f64() >= 4.0, "five reads at the published 1/s: {:?}", began.elapsed());
}

#[tokio::test]
async fn the_ckafka_peek_at_the_log_end_fetches_only_the_messages_that_exist() {
    let (emu, profile) = common::emulator_and_profile().await;
    let end = {
        let s = emu.state();
        let t = s.world.tencent[0].ckafka[0].topic("orders-cdc").expect("the demo's topic").partitions[0];
        t.end
    };
    let session = common::session(profile, offsetdeck::engine::session::Via::Dashboard);
    let peek = offsetdeck::engine::peek::around(&session, "events", ("orders-cdc", 0, end - 1)).await.unwrap();
    let offsets: Vec<i64> = peek.messages.iter().map(|m| m.offset).collect();
    assert_eq!(offsets, [end - 3, end - 2, end - 1], "the last message and the two before it");
    let g = &emu.state().gate;
    assert_eq!(g.calls_to("FetchMessageListByOffset"), 1, "one list says which offsets exist");
    assert_eq!(g.calls_to("FetchMessageByOffset"), 3, "no call for the two offsets past the log end");
}
