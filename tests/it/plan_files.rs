//! Plans as files and offsets as CSV, through the real binary against the emulator: a plan applied unchanged sets
//! exactly its pinned offsets; one whose group moved, whose log start passed a target, or whose group became active
//! is refused with the difference and sends nothing; an expired or edited file is refused; a `--to-current --export`
//! backup restores the exact offsets on Huawei and CKafka.

use crate::common;

use common::cli::{Emulator, admin, committed, run, start, text};

fn plan_out(e: &Emulator, file: &std::path::Path, args: &[&str]) {
    let mut all = args.to_vec();
    let f = file.display().to_string();
    all.extend(["--plan-out", &f]);
    let o = run(e, &all);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("nothing was sent"), "{}", text(&o));
}

fn apply(e: &Emulator, file: &std::path::Path) -> std::process::Output {
    run(e, &["apply", &file.display().to_string(), "--yes"])
}

const RESET_PAYMENTS: [&str; 7] = ["reset", "--instance", "orders", "--group", "billing", "--topic", "payments"];

#[test]
fn a_plan_applied_unchanged_sets_exactly_its_pinned_offsets_and_is_recorded_by_its_hash() {
    let e = start();
    let file = e._dir.path().join("plan.json");
    let mut args = RESET_PAYMENTS.to_vec();
    args.extend(["--to-offset", "40"]);
    plan_out(&e, &file, &args);
    assert_eq!(committed(&e, "orders", "billing", "payments"), [Some(8770), Some(8773), Some(8776)], "nothing sent");
    let shown = text(&run(&e, &["show", &file.display().to_string()]));
    assert!(
        shown.contains("-> target")
            && shown.contains("planned by")
            && shown.contains("sha256")
            && shown.contains("detects accidental edits, not deliberate ones"),
        "{shown}"
    );
    let o = apply(&e, &file);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("verified: 3 of 3"), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), [Some(40); 3]);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let audit = std::fs::read_to_string(e._dir.path().join("audit.jsonl")).unwrap();
    assert!(audit.contains(&format!("\"plan_file\":\"{}\"", v["sha256"].as_str().unwrap())), "{audit}");
}

#[test]
fn a_plan_whose_group_moved_or_whose_log_passed_a_target_or_became_active_is_refused_with_the_diff() {
    let e = start();
    let moved = e._dir.path().join("moved.json");
    let mut args = RESET_PAYMENTS.to_vec();
    args.extend(["--to-offset", "40"]);
    plan_out(&e, &moved, &args);
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
            "--to-offset",
            "7",
            "--yes",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = apply(&e, &moved);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("payments partition 1: committed offset moved 8773 -> 7"), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), [Some(8770), Some(7), Some(8776)], "nothing sent");

    // Retention (here: a message delete) moves the log start past a pinned target.
    let passed = e._dir.path().join("passed.json");
    plan_out(&e, &passed, &args);
    let o =
        run(&e, &["delete-messages", "--instance", "orders", "--topic", "payments", "--partition", "2:100", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = apply(&e, &passed);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("payments partition 2: the log start 100 passed the target 40"), "{}", text(&o));

    let active = e._dir.path().join("active.json");
    plan_out(&e, &active, &args);
    admin(&e, "group-state", r#"{"group": "billing", "state": "Stable"}"#);
    let o = apply(&e, &active);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("group `billing` is ACTIVE [Stable] with 1 member(s)"), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), [Some(8770), Some(7), Some(8776)], "nothing sent");
}

#[test]
fn an_expired_or_edited_plan_is_refused() {
    let e = start();
    let mut args = RESET_PAYMENTS.to_vec();
    args.extend(["--to-earliest"]);
    let edited = e._dir.path().join("edited.json");
    plan_out(&e, &edited, &args);
    let t = std::fs::read_to_string(&edited).unwrap().replacen("\"target\": 0", "\"target\": 1", 1);
    std::fs::write(&edited, t).unwrap();
    let o = apply(&e, &edited);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("was changed after it was planned"), "{}", text(&o));
    // Expired: the same plan, planned and expiring a second later long ago (resealed, so only the time refuses it).
    let expired = e._dir.path().join("expired.json");
    args.extend(["--expires", "1s"]);
    plan_out(&e, &expired, &args);
    let mut old = offsetdeck::engine::planfile::load(&expired).unwrap();
    (old.planned_at, old.expires_at) = ("2026-01-01T00:00:00Z".into(), "2026-01-01T00:00:01Z".into());
    old.reseal();
    offsetdeck::engine::planfile::write(&expired, &old).unwrap();
    let o = apply(&e, &expired);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("expired at"), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), [Some(8770), Some(8773), Some(8776)], "nothing sent");
    let o = run(&e, &["show", "/nonexistent/plan.json"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_csv_backup_restores_the_exact_offsets_on_huawei_and_ckafka() {
    let e = start();
    for (instance, group, topic) in [("orders", "billing", "payments"), ("events", "etl", "clicks")] {
        let before = committed(&e, instance, group, topic);
        let base = ["reset", "--instance", instance, "--group", group, "--topic", topic];
        let o = run(&e, &[&base[..], &["--to-current", "--export"]].concat());
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let csv = String::from_utf8(o.stdout).unwrap();
        assert_eq!(csv.lines().count(), before.len(), "{csv}");
        assert!(csv.lines().all(|l| l.starts_with(&format!("{topic},")) && l.split(',').count() == 3), "{csv}");
        let file = e._dir.path().join(format!("{group}.csv"));
        std::fs::write(&file, &csv).unwrap();
        let o = run(&e, &[&base[..], &["--to-earliest", "--yes"]].concat());
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert_ne!(committed(&e, instance, group, topic), before);
        let restore = ["reset", "--instance", instance, "--group", group, "--from-file", file.to_str().unwrap()];
        let o = run(&e, &[&restore[..], &["--dry-run", "--detailed-exitcode"]].concat());
        assert_eq!(o.status.code(), Some(4), "would change something: {}", text(&o));
        let o = run(&e, &[&restore[..], &["--yes"]].concat());
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert_eq!(committed(&e, instance, group, topic), before, "{instance}: restored exactly");
        let o = run(&e, &[&restore[..], &["--dry-run", "--detailed-exitcode"]].concat());
        assert_eq!(o.status.code(), Some(0), "now it changes nothing: {}", text(&o));
    }
}

#[test]
fn a_csv_with_a_duplicate_an_unknown_partition_or_another_group_is_refused_by_line() {
    let e = start();
    let dir = e._dir.path();
    let base = ["reset", "--instance", "events", "--group", "etl", "--dry-run", "--from-file"];
    for (content, says) in [
        ("clicks,0,5\nclicks,0,6\n", "line 2: clicks partition 0 is already given on line 1"),
        ("clicks,0,5\n\nclicks,99,6\n", "line 3: topic `clicks` has no partition 99 live"),
        ("etl,clicks,0,5\nother,clicks,1,5\n", "line 2: the group column says `other`"),
    ] {
        let f = dir.join("bad.csv");
        std::fs::write(&f, content).unwrap();
        let o = run(&e, &[&base[..], &[f.to_str().unwrap()]].concat());
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains(says), "{}", text(&o));
    }
}

#[test]
fn a_dts_plan_cannot_be_pinned_to_a_file() {
    let e = start();
    let f = e._dir.path().join("dts.json");
    let o = run(
        &e,
        &["reset", "--instance", "mysql-sub", "--group", "etl", "--to-earliest", "--plan-out", f.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(!f.exists());
}

#[test]
fn from_group_copies_another_groups_offsets_on_the_same_instance_and_across_clouds() {
    let e = start();
    let o = run(
        &e,
        &[
            "reset",
            "--instance",
            "orders",
            "--group",
            "audit",
            "--topic",
            "payments",
            "--from-group",
            "billing",
            "--yes",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("to group `billing`'s committed offsets"), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "audit", "payments"), committed(&e, "orders", "billing", "payments"));
    // From CKafka `events` (clicks: 6 partitions) to Huawei `clickstream-hw` (clicks: 24), by topic and partition.
    let o = run(
        &e,
        &[
            "reset",
            "--instance",
            "clickstream-hw",
            "--group",
            "sessionizer",
            "--from-group",
            "etl",
            "--from-instance",
            "events",
            "--yes",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let copied = committed(&e, "clickstream-hw", "sessionizer", "clicks");
    assert_eq!(&copied[..6], &committed(&e, "events", "etl", "clicks")[..]);
    let o = run(
        &e,
        &[
            "reset",
            "--instance",
            "orders",
            "--group",
            "audit",
            "--from-group",
            "nobody",
            "--topic",
            "payments",
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn topic_colon_partitions_and_all_topics_choose_what_kafka_consumer_groups_would() {
    let e = start();
    let o = run(
        &e,
        &[
            "reset",
            "--instance",
            "orders",
            "--group",
            "billing",
            "--topic",
            "payments:0,2",
            "--to-offset",
            "5",
            "--yes",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), [Some(5), Some(8773), Some(5)]);
    let o =
        run(&e, &["reset", "--instance", "orders", "--group", "billing", "--all-topics", "--to-current", "--export"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let csv = String::from_utf8(o.stdout).unwrap();
    assert_eq!(csv.lines().filter(|l| l.starts_with("orders,")).count(), 12, "{csv}");
    assert_eq!(csv.lines().filter(|l| l.starts_with("payments,")).count(), 3, "{csv}");
}

/// The hash catches accidental edits only: a file edited on purpose and resealed passes it. What the file may say
/// is bounded anyway: each partition once, and valid for at most 7 days.
#[test]
fn a_resealed_plan_with_a_partition_twice_or_a_long_life_is_refused() {
    use offsetdeck::engine::planfile;
    let e = start();
    let mut args = RESET_PAYMENTS.to_vec();
    args.extend(["--to-earliest"]);
    let path = e._dir.path().join("plan.json");
    plan_out(&e, &path, &args);
    let mut twice = planfile::load(&path).unwrap();
    twice.rows.push(twice.rows[0].clone());
    twice.reseal();
    planfile::write(&path, &twice).unwrap();
    let o = apply(&e, &path);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("gives payments partition 0 again (first in row 1)"), "{}", text(&o));
    plan_out(&e, &path, &args);
    let mut long = planfile::load(&path).unwrap();
    long.expires_at = "2099-01-01T00:00:00Z".into();
    long.reseal();
    planfile::write(&path, &long).unwrap();
    let o = apply(&e, &path);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("longer than the 7 days a plan file may be"), "{}", text(&o));
    let o = run(&e, &[&args[..], &["--plan-out", path.to_str().unwrap(), "--expires", "30d"]].concat());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("up to 7 days"), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), [Some(8770), Some(8773), Some(8776)], "nothing sent");
}
