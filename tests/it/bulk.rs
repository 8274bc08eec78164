//! Several groups in one plan, through the real binary against the emulator: a glob or `--all-groups --exclude`
//! plans each group, refuses the active one by name, and writes the rest only when their count is confirmed; one
//! CSV backs up several groups and restores them.

use crate::common;

use common::cli::{admin, committed, run, start, text};

#[test]
fn a_three_group_glob_plan_refuses_the_active_group_by_name_and_writes_the_rest_only_when_confirmed() {
    let e = start();
    let before_fraud = committed(&e, "orders", "fraud-check", "orders");
    let before_billing = committed(&e, "orders", "billing", "payments");
    let args = ["reset", "--instance", "orders", "--group", "[abf]*", "--all-topics", "--to-earliest", "--yes"];
    let o = run(&e, &args);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(3), "{out}");
    for g in ["== group 1 of 2: `audit`", "== group 2 of 2: `billing`", "LEFT OUT `fraud-check`", "fraud-check-1"] {
        assert!(out.contains(g), "{g}: {out}");
    }
    assert!(out.contains("--confirm '2 groups'"), "{out}");
    assert_eq!(committed(&e, "orders", "billing", "payments"), before_billing, "nothing sent");

    let mut confirmed = args.to_vec();
    confirmed.extend(["--confirm", "2 groups"]);
    let o = run(&e, &confirmed);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("group `audit`:") && text(&o).contains("group `billing`:"), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), [Some(0); 3], "to the log start");
    assert_eq!(committed(&e, "orders", "audit", "audit-log"), [Some(200)]);
    assert_eq!(committed(&e, "orders", "fraud-check", "orders"), before_fraud, "the active group is untouched");
    // Each group is its own job: its own snapshot and audit record, so each undoes alone.
    let audit = std::fs::read_to_string(e._dir.path().join("audit.jsonl")).unwrap();
    assert_eq!(audit.lines().filter(|l| l.contains("\"snapshot\"") && l.contains("\"end\"")).count(), 2, "{audit}");

    let o = run(&e, &["reset", "--instance", "orders", "--group", "web-*", "--topic", "orders", "--to-latest"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("\"web-*\" matches no group") && text(&o).contains("billing"), "{}", text(&o));
}

#[test]
fn all_groups_but_the_excluded_plan_as_one_json_document_and_one_csv_restores_several_groups() {
    let e = start();
    let o = run(
        &e,
        &[
            "--output",
            "json",
            "reset",
            "--instance",
            "orders",
            "--all-groups",
            "--exclude",
            "r*",
            "--exclude",
            "f*",
            "--all-topics",
            "--to-latest",
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    let groups: Vec<&str> =
        v["batch"]["plans"].as_array().unwrap().iter().map(|p| p["group"].as_str().unwrap()).collect();
    assert_eq!(groups, ["audit", "billing"]);
    assert_eq!(v["batch"]["confirmation"]["name"], "2 groups");

    let csv = e._dir.path().join("backup.csv");
    let select = ["--instance", "orders", "--group", "audit", "--group", "billing"];
    let mut export = vec!["reset"];
    export.extend(select);
    export.extend(["--all-topics", "--to-current", "--export"]);
    let o = run(&e, &export);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let lines = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(lines.lines().all(|l| l.starts_with("audit,") || l.starts_with("billing,")), "{lines}");
    assert_eq!(lines.lines().count(), 16, "15 billing partitions, 1 audit: {lines}");
    std::fs::write(&csv, &lines).unwrap();
    let before = (committed(&e, "orders", "billing", "payments"), committed(&e, "orders", "audit", "audit-log"));

    let mut moved = vec!["reset"];
    moved.extend(select);
    moved.extend(["--all-topics", "--to-latest", "--yes", "--confirm", "2 groups"]);
    assert_eq!(run(&e, &moved).status.code(), Some(0));
    assert_ne!(committed(&e, "orders", "billing", "payments"), before.0);

    let file = csv.display().to_string();
    let mut restore = vec!["reset"];
    restore.extend(select);
    restore.extend(["--from-file", &file, "--yes"]);
    let o = run(&e, &restore);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!((committed(&e, "orders", "billing", "payments"), committed(&e, "orders", "audit", "audit-log")), before);

    let o = run(&e, &["reset", "--instance", "orders", "--group", "b*", "--to-latest", "--plan-out", "x.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("a plan file holds one group"), "{}", text(&o));
}

#[test]
fn a_backup_of_every_group_is_complete_or_absent() {
    let e = start();
    let all = ["reset", "--instance", "orders", "--all-groups", "--all-topics", "--to-current"];
    // Exporting is a read: the active and rebalancing groups are backed up too.
    let o = run(&e, &[&all[..], &["--export"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let csv = String::from_utf8_lossy(&o.stdout).to_string();
    for g in ["billing", "fraud-check", "audit", "reporting"] {
        assert!(csv.lines().any(|l| l.starts_with(&format!("{g},"))), "{g} missing: {csv}");
    }
    let file = e._dir.path().join("backup.csv");
    let path = file.display().to_string();
    let o = run(&e, &[&all[..], &["--export-file", &path]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(o.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), csv, "the file holds what stdout would");
    assert!(text(&o).contains(&format!("line(s) to {path}")), "{}", text(&o));

    // One group's read fails for good (a GET's three tries): nothing is printed, the group is named, exit 1; the
    // dry run of the same plan ends alike.
    std::fs::remove_file(&file).unwrap();
    for flags in [&["--export"][..], &["--export-file", &path][..], &["--dry-run"][..]] {
        admin(
            &e,
            "faults",
            r#"{"op": "ShowGroupDetail", "kind": "server_error", "count": 3, "only": "/groups/audit"}"#,
        );
        let o = run(&e, &[&all[..], flags].concat());
        assert_eq!(o.status.code(), Some(1), "{flags:?}: {}", text(&o));
        if flags[0] != "--dry-run" {
            assert!(o.stdout.is_empty(), "{flags:?}: {}", String::from_utf8_lossy(&o.stdout));
            assert!(text(&o).contains("`audit` could not be read, so the backup would be incomplete"), "{}", text(&o));
        }
        assert!(!file.exists(), "no partial file");
        admin(&e, "clear-faults", "{}");
    }
}

/// On a protected instance the count names the instance: `2 groups` typed for another instance confirms nothing.
#[test]
fn on_a_protected_instance_the_batch_count_names_the_instance() {
    let e = start();
    let text_of = std::fs::read_to_string(&e.profile).unwrap();
    let protected = text_of.replacen(
        "[huawei.hw-demo.instances.orders]\n",
        "[huawei.hw-demo.instances.orders]\nprotected = true\n",
        1,
    );
    std::fs::write(&e.profile, protected).unwrap();
    let before = committed(&e, "orders", "billing", "payments");
    let args = ["reset", "--instance", "orders", "--group", "[ab]*", "--all-topics", "--to-earliest", "--yes"];
    let o = run(&e, &[&args[..], &["--confirm", "2 groups"]].concat());
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("does not match `orders: 2 groups`"), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), before, "nothing sent");
    let o = run(&e, &[&args[..], &["--confirm", "orders: 2 groups"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), [Some(0); 3]);
}
