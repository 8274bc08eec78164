//! The headless commands, as a user runs them, against `offsetdeck emulator` running as its own process.

use crate::common;

use common::cli::*;
use serde_json::Value;

#[test]
fn describe_shows_state_members_and_lag() {
    let e = start();
    let o = run(&e, &["describe", "--instance", "orders", "--group", "fraud-check"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("state ACTIVE [Stable]") && out.contains("member fraud-check-1 /10.0.3.17"), "{out}");
    assert!(out.contains("total lag"), "{out}");
}

#[test]
fn reset_dry_run_sends_nothing_then_yes_applies() {
    let e = start();
    let before = committed(&e, "orders", "billing", "payments");
    let o = run(
        &e,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-earliest", "--dry-run"],
    );
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("PUT http://127.0.0.1")
            && out.contains("\"message_offset\":0")
            && out.contains("dry run: nothing was sent"),
        "{out}"
    );
    assert!(!out.contains("demo-huawei-secret"), "no secret in the dry run");
    assert_eq!(committed(&e, "orders", "billing", "payments"), before);
    let o = run(
        &e,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-earliest", "--yes"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), vec![Some(0); 3]);
    let o = run(
        &e,
        &[
            "reset",
            "--instance",
            "orders",
            "--group",
            "billing",
            "--topic",
            "payments",
            "--partition",
            "1",
            "--shift-by",
            "+25",
            "--yes",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), vec![Some(0), Some(25), Some(0)]);
}

#[test]
fn ckafka_and_dts_resets() {
    let e = start();
    let o = run(
        &e,
        &["reset", "--instance", "events", "--group", "etl", "--topic", "clicks", "--to-offset", "10", "--yes"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(committed(&e, "events", "etl", "clicks"), vec![Some(10); 6]);
    let o =
        run(&e, &["reset", "--instance", "mysql-sub", "--group", "etl", "--to-earliest", "--yes", "--output", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["results"][0]["status"], "ok");
    assert!(v["results"][0]["request_id"].is_string());
    assert_eq!(committed(&e, "mysql-sub", "etl", "account-subs-635ns8r71g-1"), vec![Some(0); 4]);
    let o = run(&e, &["reset", "--instance", "mysql-sub", "--group", "etl", "--to-offset", "5", "--yes"]);
    assert_eq!(o.status.code(), Some(3), "the provider lacks it: a refusal");
    assert!(text(&o).contains("a DTS subscription supports --to-earliest, --to-latest and a time"), "{}", text(&o));
}

#[test]
fn safety_refusals() {
    let e = start();
    let o = run(
        &e,
        &["reset", "--instance", "events", "--group", "cdc-sink", "--topic", "orders-cdc", "--to-latest", "--yes"],
    );
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).contains("cdc-sink-a on /172.16.0.4"), "{}", text(&o));
    let o = run(&e, &["reset", "--instance", "orders", "--group", "billing", "--topic", "orders", "--to-latest"]);
    assert_eq!(o.status.code(), Some(2), "no --yes and no terminal");
    assert!(text(&o).contains("stdin is not a terminal"));
    // Make the profile protected, then read-only.
    let original = std::fs::read_to_string(&e.profile).unwrap();
    let protected = original.replacen("[huawei.hw-demo]\n", "[huawei.hw-demo]\nprotected = true\n", 1);
    std::fs::write(&e.profile, &protected).unwrap();
    let args = ["reset", "--instance", "orders", "--group", "billing", "--topic", "orders", "--to-latest", "--yes"];
    let o = run(&e, &args);
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).contains("is protected; add --confirm billing"), "{}", text(&o));
    let o = run(&e, &[&args[..], &["--confirm", "billin"]].concat());
    assert_eq!(o.status.code(), Some(3));
    let o = run(&e, &[&args[..], &["--confirm", "billing"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    std::fs::write(&e.profile, original.replacen("[huawei.hw-demo]\n", "[huawei.hw-demo]\nread_only = true\n", 1))
        .unwrap();
    let o = run(&e, &args);
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).contains("read_only"), "{}", text(&o));
}

#[test]
fn deletes_and_partial_failure() {
    let e = start();
    let o = run(&e, &["delete-offsets", "--instance", "orders", "--group", "audit", "--topic", "audit-log", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "audit", "audit-log"), vec![None]);
    let o =
        run(&e, &["delete-messages", "--instance", "orders", "--topic", "audit-log", "--partition", "0:1200", "--yes"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("delete 1000 messages") && out.contains("cannot be undone"), "{out}");
    // payments: billing is at end - 350 on each partition; deleting up to 9000 leaves it behind on p0 only.
    let o = run(
        &e,
        &[
            "delete-messages",
            "--instance",
            "orders",
            "--topic",
            "payments",
            "--partition",
            "0:8800",
            "--partition",
            "1:100",
            "--dry-run",
        ],
    );
    let out = text(&o);
    assert!(out.contains("group `billing` is at 8770 on partition 0, below the new log start 8800: it will jump to 8800 on its next poll, skipping 30 message(s)"), "{out}");
    assert!(!out.contains("on partition 1,"), "{out}");
    let o = run(
        &e,
        &["delete-messages", "--instance", "orders", "--topic", "audit-log", "--partition", "0:99999", "--yes"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("beyond the log end"), "{}", text(&o));
    let o = run(&e, &["delete-messages", "--instance", "events", "--topic", "clicks", "--partition", "0:1", "--yes"]);
    assert_eq!(o.status.code(), Some(3), "CKafka has no message delete: a refusal");
    // Three per-partition calls; the first fails three times over (5xx, retried), the rest succeed: exit 1.
    admin(&e, "faults", r#"{"op": "ResetMessageOffset", "kind": "server_error", "count": 3}"#);
    let o = run(
        &e,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-latest", "--yes"],
    );
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("FAILED ResetMessageOffset") && out.contains("2 of 3 call(s) succeeded"), "{out}");
}

#[test]
fn names_that_match_nothing_list_what_exists() {
    let e = start();
    let o = run(&e, &["describe", "--instance", "ordrs", "--group", "billing"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("known: orders (huawei hw-demo), clickstream-hw"), "{}", text(&o));
    let o =
        run(&e, &["reset", "--instance", "orders", "--group", "nobody", "--topic", "orders", "--to-latest", "--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("no group `nobody` on `orders` live; it has: billing, fraud-check, audit, reporting"),
        "{}",
        text(&o)
    );
    let o = run(
        &e,
        &[
            "reset",
            "--instance",
            "orders",
            "--group",
            "billing",
            "--topic",
            "orders",
            "--partition",
            "40",
            "--to-latest",
            "--yes",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("no partition 40"), "{}", text(&o));
    let o = run(
        &e,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "orders", "--shift-by", "0", "--yes"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("non-zero"), "{}", text(&o));
}

#[test]
fn a_topic_missing_live_is_refused_with_the_live_list() {
    let e = start();
    let text_before = std::fs::read_to_string(&e.profile).unwrap();
    let edited = text_before.replacen("topics = { orders = 12,", "topics = { ghost = 3, orders = 12,", 1);
    assert_ne!(edited, text_before);
    std::fs::write(&e.profile, edited).unwrap();
    for args in [
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "ghost", "--to-latest", "--yes"][..],
        &["delete-offsets", "--instance", "orders", "--group", "billing", "--topic", "ghost", "--yes"][..],
    ] {
        let o = run(&e, args);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(
            text(&o).contains("topic `ghost` does not exist live on `orders`; it has: orders, payments, audit-log"),
            "{}",
            text(&o)
        );
    }
}

#[test]
fn ckafka_offsets_are_deleted_with_delete_group_subscribe_topic_and_verified() {
    let e = start();
    let o = run(
        &e,
        &[
            "--output",
            "json",
            "delete-offsets",
            "--instance",
            "events",
            "--group",
            "etl",
            "--topic",
            "clicks",
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["plan"]["calls"][0]["op"], "DeleteGroupSubscribeTopic");
    assert_eq!(v["plan"]["confirmation"]["by"], "type_name", "a delete asks for the name");
    let o = run(&e, &["delete-offsets", "--instance", "events", "--group", "etl", "--topic", "clicks", "--yes"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("verified: 6 of 6 partition(s) as planned"), "{out}");
    // An active group is refused, naming its members.
    let o =
        run(&e, &["delete-offsets", "--instance", "events", "--group", "cdc-sink", "--topic", "orders-cdc", "--yes"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("cdc-sink-a"), "{}", text(&o));
}

#[test]
fn a_group_the_profile_does_not_list_is_found_live_everywhere() {
    let e = start();
    let before = std::fs::read_to_string(&e.profile).unwrap();
    let edited = before.replacen("groups = { billing = [\"orders\", \"payments\"], ", "groups = { ", 1);
    assert_ne!(edited, before, "billing is no longer in the profile");
    std::fs::write(&e.profile, edited).unwrap();
    // describe takes it, with its topics read live.
    let o = run(&e, &["--output", "json", "describe", "--instance", "orders", "--group", "billing"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["partitions"].as_array().unwrap().len(), 15, "orders (12) and payments (3), found live");
    // So do the writes.
    let o = run(
        &e,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-latest", "--yes"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // `groups` lists it, marked.
    let o = run(&e, &["--output", "json", "groups", "--instance", "orders"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let rows: Value = serde_json::from_slice(&o.stdout).unwrap();
    let billing = rows.as_array().unwrap().iter().find(|r| r["group"] == "billing").unwrap();
    for key in ["account", "instance", "group", "state", "members", "lag", "topics", "in_profile"] {
        assert!(billing.get(key).is_some(), "{key} in {billing}");
    }
    assert_eq!((billing["in_profile"].as_bool(), billing["state"].as_str()), (Some(false), Some("EMPTY")));
    let lags: Vec<i64> = rows.as_array().unwrap().iter().filter_map(|r| r["lag"].as_i64()).collect();
    assert!(lags.windows(2).all(|w| w[0] >= w[1]), "laggiest first: {lags:?}");
    let o = run(&e, &["groups", "--instance", "orders"]);
    assert!(text(&o).contains("billing") && text(&o).contains("(not in the profile)"), "{}", text(&o));
    let o = run(&e, &["--output", "json", "groups", "--state", "active"]);
    let active: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        active.as_array().unwrap().iter().all(|r| r["state"] == "ACTIVE") && !active.as_array().unwrap().is_empty()
    );
    // A name the cloud does not have lists what it has, live.
    let o = run(&e, &["describe", "--instance", "orders", "--group", "nobody"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no group `nobody` on `orders` live; it has: billing"), "{}", text(&o));
    let o = run(&e, &["groups", "--state", "sleepy"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
