//! Targets are the cloud's, not the profile's: undo, plan files and locks know the endpoint, region, project and id,
//! so the same names in another profile are not taken for the same cluster, and other names for one cluster are.

use crate::common;

use std::process::{Command, Stdio};

use common::cli::{Emulator, admin, committed, run, start, text};

/// Points `b`'s profile at `a`'s data directory: two profiles, same account and instance names, two clusters.
fn share_data_dir(a: &Emulator, b: &Emulator) {
    let audit = a._dir.path().join("audit.jsonl");
    let text = std::fs::read_to_string(&b.profile).unwrap();
    let line = text.lines().find(|l| l.starts_with("audit_log = ")).unwrap().to_owned();
    let text = text.replacen(&line, &format!("audit_log = {:?}", audit.display().to_string()), 1);
    std::fs::write(&b.profile, text).unwrap();
}

const RESET: [&str; 7] = ["reset", "--instance", "orders", "--group", "billing", "--topic", "payments"];

#[test]
fn undo_and_apply_refuse_a_profile_whose_same_names_point_at_another_cluster() {
    let (a, b) = (start(), start());
    share_data_dir(&a, &b);
    let b_before = committed(&b, "orders", "billing", "payments");
    let o = run(&a, &[&RESET[..], &["--to-earliest", "--yes"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let o = run(&b, &["undo", "--yes"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("endpoint"), "it says which field differs: {}", text(&o));
    assert_eq!(committed(&b, "orders", "billing", "payments"), b_before, "nothing was restored onto B");

    let plan = a._dir.path().join("plan.json");
    let o = run(&a, &[&RESET[..], &["--to-offset", "40", "--plan-out", plan.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&b, &["apply", plan.to_str().unwrap(), "--yes"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("endpoint"), "{}", text(&o));
    assert_eq!(committed(&b, "orders", "billing", "payments"), b_before);

    // The profile that made them still undoes and applies.
    let o = run(&a, &["apply", plan.to_str().unwrap(), "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn two_profile_names_for_one_instance_share_its_group_lock() {
    let a = start();
    // A second profile on the same cluster that calls the instance `orders-prod`.
    let renamed = a._dir.path().join("renamed.toml");
    let original = std::fs::read_to_string(&a.profile).unwrap();
    let header = original.lines().find(|l| l.contains(".instances.orders]")).unwrap().to_owned();
    std::fs::write(&renamed, original.replacen(&header, &header.replace(".orders]", ".orders-prod]"), 1)).unwrap();
    // Each of the three per-partition calls takes a while, so the first job holds the lock when the second starts.
    admin(&a, "faults", r#"{"op": "ResetMessageOffset", "latency_ms": 700}"#);
    let first = Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .arg("--profile")
        .arg(&a.profile)
        .args([&RESET[..], &["--to-earliest", "--yes"]].concat())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The lock is taken before the first call: once a call arrives, the first job holds it.
    common::cli::wait_for_calls(&a, "ResetMessageOffset", 1);
    let second = Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .arg("--profile")
        .arg(&renamed)
        .args([
            "reset",
            "--instance",
            "orders-prod",
            "--group",
            "billing",
            "--topic",
            "payments",
            "--to-latest",
            "--yes",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let first = first.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    assert_eq!(second.status.code(), Some(3), "{}", text(&second));
    assert!(text(&second).contains("is being written by"), "{}", text(&second));
}
