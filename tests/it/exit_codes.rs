//! The README's exit-code table, command by command and failure class by failure class: the same failure gives
//! the same code from every command.

use crate::common;

use common::cli::{Emulator, admin, run, start, text};

const DESCRIBE: &[&str] = &["describe", "--instance", "orders", "--group", "billing"];
const RESET: &[&str] =
    &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-earliest", "--yes"];
const DELETE_OFFSETS: &[&str] =
    &["delete-offsets", "--instance", "orders", "--group", "audit", "--topic", "audit-log", "--yes"];
const DELETE_MESSAGES: &[&str] =
    &["delete-messages", "--instance", "orders", "--topic", "audit-log", "--partition", "0:300", "--yes"];
const UNDO: &[&str] = &["undo", "--yes"];

/// An emulator whose audit trail already holds a snapshot of `orders` (so `undo` has something to restore).
fn with_snapshot() -> Emulator {
    let e = start();
    let o =
        run(&e, &["reset", "--instance", "orders", "--group", "billing", "--topic", "orders", "--to-latest", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    e
}

fn edit_profile(e: &Emulator, f: impl Fn(String) -> String) {
    let text = std::fs::read_to_string(&e.profile).unwrap();
    std::fs::write(&e.profile, f(text)).unwrap();
}

fn expect(e: &Emulator, args: &[&str], code: i32, says: &str) {
    let o = run(e, args);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {out}");
    assert!(out.contains(says), "{args:?} should say {says:?}: {out}");
}

#[test]
fn zero_when_everything_succeeded() {
    for args in [DESCRIBE, RESET, DELETE_OFFSETS, DELETE_MESSAGES, UNDO] {
        let e = with_snapshot();
        expect(&e, args, 0, "");
    }
}

#[test]
fn one_when_the_key_is_refused_whatever_the_command() {
    for args in [DESCRIBE, RESET, DELETE_OFFSETS, DELETE_MESSAGES, UNDO] {
        let e = with_snapshot();
        edit_profile(&e, |t| t.replace("demo-huawei-secret-key-not-real-0001", "a-wrong-secret-key-000000000000000"));
        expect(&e, args, 1, "authentication failed");
    }
}

#[test]
fn one_when_the_service_fails_during_the_pre_flight_whatever_the_command() {
    for args in [DESCRIBE, RESET, DELETE_OFFSETS, DELETE_MESSAGES, UNDO] {
        let e = with_snapshot();
        admin(&e, "faults", r#"{"op": "*", "kind": "server_error", "count": 3}"#);
        expect(&e, args, 1, "server error HTTP 503");
    }
}

#[test]
fn one_when_a_call_or_a_partition_failed() {
    let e = start();
    admin(&e, "faults", r#"{"op": "ResetMessageOffset", "kind": "server_error", "count": 3}"#);
    expect(&e, RESET, 1, "NOT AS PLANNED payments partition 0: not changed: its call failed");
}

#[test]
fn two_for_bad_input_whatever_the_command() {
    let e = with_snapshot();
    for args in [DESCRIBE, RESET, DELETE_OFFSETS, DELETE_MESSAGES] {
        let mut bad: Vec<&str> = args.to_vec();
        bad[2] = "no-such-instance";
        expect(&e, &bad, 2, "no instance or subscription named `no-such-instance`");
    }
    expect(&e, &["undo", "no-such-snapshot.json", "--yes"], 2, "no-such-snapshot.json");
    expect(
        &e,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-offset", "-5"],
        2,
        "--to-offset",
    );
    expect(
        &e,
        &["delete-messages", "--instance", "orders", "--topic", "audit-log", "--partition", "7:1", "--yes"],
        2,
        "no partition 7",
    );
    edit_profile(&e, |t| t.replace("region = \"cn-north-4\"", "region = 4"));
    for args in [DESCRIBE, RESET, DELETE_OFFSETS, DELETE_MESSAGES, UNDO] {
        expect(&e, args, 2, "region");
    }
}

#[test]
fn three_when_a_safety_rule_refuses_whatever_the_command() {
    let e = with_snapshot();
    edit_profile(&e, |t| {
        t.replacen("[huawei.hw-demo.instances.orders]\n", "[huawei.hw-demo.instances.orders]\nread_only = true\n", 1)
    });
    for args in [RESET, DELETE_OFFSETS, DELETE_MESSAGES, UNDO] {
        expect(&e, args, 3, "read_only");
    }
    expect(&e, DESCRIBE, 0, "");
    let e = with_snapshot();
    edit_profile(&e, |t| {
        t.replacen("[huawei.hw-demo.instances.orders]\n", "[huawei.hw-demo.instances.orders]\nprotected = true\n", 1)
    });
    for args in [RESET, DELETE_OFFSETS, DELETE_MESSAGES, UNDO] {
        expect(&e, args, 3, "--confirm");
    }
    let e = start();
    admin(&e, "group-state", r#"{"group": "billing", "state": "Stable"}"#);
    admin(&e, "group-state", r#"{"group": "audit", "state": "Stable"}"#);
    expect(&e, RESET, 3, "Stop these consumers");
    expect(&e, DELETE_OFFSETS, 3, "Stop these consumers");
    expect(
        &e,
        &[
            "delete-offsets",
            "--instance",
            "mysql-sub",
            "--group",
            "etl",
            "--topic",
            "account-subs-635ns8r71g-1",
            "--yes",
        ],
        3,
        "Huawei DMS and CKafka API",
    );
    expect(
        &e,
        &["reset", "--instance", "mysql-sub", "--group", "etl", "--shift-by", "5", "--yes"],
        3,
        "DTS subscription supports",
    );
}

#[test]
fn found_by_probing_as_a_user_would() {
    let e = with_snapshot();
    // A message delete that would remove nothing is not sent.
    let o =
        run(&e, &["delete-messages", "--instance", "orders", "--topic", "audit-log", "--partition", "0:1", "--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("nothing to delete before offset 1"), "{}", text(&o));
    // Partitions: negative is explained, a list works.
    expect(
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
            "-1",
            "--to-latest",
            "--dry-run",
        ],
        2,
        "0 to 2147483647",
    );
    let o = run(
        &e,
        &[
            "--output",
            "json",
            "reset",
            "--instance",
            "orders",
            "--group",
            "billing",
            "--topic",
            "orders",
            "--partition",
            "0,3",
            "--to-latest",
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["plan"]["rows"].as_array().unwrap().len(), 2);
    // A duration past any sense is bad input, said so; a negative one reaches the parser.
    expect(
        &e,
        &[
            "reset",
            "--instance",
            "orders",
            "--group",
            "billing",
            "--topic",
            "orders",
            "--by-duration",
            "99999999d",
            "--dry-run",
        ],
        2,
        "at most 100 years",
    );
    expect(
        &e,
        &[
            "reset",
            "--instance",
            "orders",
            "--group",
            "billing",
            "--topic",
            "orders",
            "--by-duration",
            "-6h",
            "--dry-run",
        ],
        2,
        "positive",
    );
    // An undo of a snapshot that is not there says where to look.
    expect(&e, &["undo", "nonexistent.json", "--yes"], 2, "`offsetdeck snapshots` lists them");
    // --confirm is not --yes; a protected DTS group is confirmed by its short name.
    edit_profile(&e, |t| {
        t.replacen("[tencent.tc-demo.dts.mysql-sub]\n", "[tencent.tc-demo.dts.mysql-sub]\nprotected = true\n", 1)
    });
    let dts = ["reset", "--instance", "mysql-sub", "--group", "etl", "--to-latest"];
    expect(&e, &[&dts[..], &["--confirm", "etl"]].concat(), 2, "without --yes");
    expect(&e, &[&dts[..], &["--yes", "--confirm", "etl"]].concat(), 0, "");
}
