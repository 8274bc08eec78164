//! The safety trail from the command line: audit journal, snapshots, undo, and what a crash or a kill leaves behind.

use crate::common;

use std::process::{Command, Stdio};

use common::cli::*;
use serde_json::Value;

#[test]
fn audit_trail_has_one_record_per_write_with_request_ids_and_no_secret() {
    let e = start();
    let audit_path = e._dir.path().join("audit.jsonl");
    let o = run(
        &e,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-earliest", "--dry-run"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(!audit_path.exists(), "a dry run writes no record");
    for args in [
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-latest", "--yes"][..],
        &["reset", "--instance", "mysql-sub", "--group", "etl", "--to-earliest", "--yes"][..],
        &["delete-messages", "--instance", "orders", "--topic", "audit-log", "--partition", "0:300", "--yes"][..],
    ] {
        let o = run(&e, args);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let o = run(
        &e,
        &["reset", "--instance", "events", "--group", "cdc-sink", "--topic", "orders-cdc", "--to-latest", "--yes"],
    );
    assert_eq!(o.status.code(), Some(3), "refused writes send nothing and record nothing");
    let trail = std::fs::read_to_string(&audit_path).unwrap();
    let all: Vec<Value> = trail.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let records: Vec<Value> = all.iter().filter(|r| r["event"] == "write").cloned().collect();
    assert_eq!(records.len(), 3, "{trail}");
    assert_eq!(all.iter().filter(|r| r["event"] == "start").count(), 3, "each write opens with a start line");
    assert_eq!(all.iter().filter(|r| r["event"] == "call").count(), 3 + 1 + 1, "and journals each call");
    assert_eq!(records[0]["results"].as_array().unwrap().len(), 3, "one result per call");
    for r in &records {
        for result in r["results"].as_array().unwrap() {
            assert!(result["request_id"].as_str().is_some_and(|id| id.len() > 8), "{result}");
        }
        assert!(r["time"].as_str().unwrap().ends_with('Z'));
        assert!(r["verification"].as_array().is_some_and(|v| !v.is_empty()), "{r}");
        assert_eq!(r["via"], "cli");
    }
    let profile = std::fs::read_to_string(&e.profile).unwrap();
    for key in ["ak", "sk", "secret_id", "secret_key"] {
        let secret =
            profile.lines().find_map(|l| l.strip_prefix(&format!("{key} = \""))).unwrap().trim_end_matches('"');
        assert!(!trail.contains(secret), "{key} leaked into the audit trail");
    }
    let o = run(&e, &["audit"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("reset group `billing`") && out.contains("ok ResetMessageOffset payments p0 [request id "),
        "{out}"
    );
    assert!(out.contains("delete 100 messages"), "{out}");
    let o = run(&e, &["audit", "--since", "2099-01-01 00:00"]);
    assert!(!text(&o).contains("reset group"), "--since filters");
}

#[test]
fn snapshot_then_undo_restores_the_exact_offsets() {
    let e = start();
    let before = committed(&e, "orders", "billing", "payments");
    let o = run(
        &e,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-earliest", "--yes"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("snapshot: "), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), vec![Some(0); 3]);
    let o = run(&e, &["snapshots"]);
    assert!(text(&o).contains("hw-demo/orders: 3 partition(s) before: reset group `billing`"), "{}", text(&o));
    let o = run(&e, &["undo", "--dry-run"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("undo: restore group `billing`") && out.contains("dry run: nothing was sent"), "{out}");
    assert_eq!(committed(&e, "orders", "billing", "payments"), vec![Some(0); 3]);
    let o = run(&e, &["undo", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("verified: 3 of 3 partition(s) as planned"), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), before, "undo restores the exact offsets");
    // CKafka too: one Strategy 2 call per partition.
    let before = committed(&e, "events", "etl", "clicks");
    run(&e, &["reset", "--instance", "events", "--group", "etl", "--topic", "clicks", "--to-latest", "--yes"]);
    let o = run(&e, &["undo", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(committed(&e, "events", "etl", "clicks"), before);
}

#[test]
fn undo_refuses_what_cannot_be_undone() {
    let e = start();
    let o =
        run(&e, &["delete-messages", "--instance", "orders", "--topic", "audit-log", "--partition", "0:300", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&e, &["undo", "--yes"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).contains("message deletion cannot be undone"), "{}", text(&o));
    let o = run(&e, &["reset", "--instance", "mysql-sub", "--group", "etl", "--to-latest", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&e, &["undo", "--yes"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).contains("DTS cannot reset to an offset"), "{}", text(&o));
}

#[test]
fn a_snapshot_stays_usable_when_the_calls_fail() {
    let e = start();
    let before = committed(&e, "orders", "billing", "orders");
    admin(&e, "faults", r#"{"op": "ResetMessageOffset", "kind": "server_error", "count": 3}"#);
    // Per-partition calls: the first fails three times over, the other eleven apply.
    let o = run(
        &e,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "orders", "--to-earliest", "--yes"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let half = committed(&e, "orders", "billing", "orders");
    assert_eq!(half[0], before[0]);
    assert!(half[1..].iter().all(|c| *c == Some(1000)), "{half:?}");
    let o = run(&e, &["snapshots"]);
    let name = text(&o).lines().next().unwrap().trim().to_owned();
    let o = run(&e, &["undo", &name, "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "orders"), before);
}

#[test]
fn a_crash_between_snapshot_and_call_leaves_a_usable_snapshot() {
    let e = start();
    let before = committed(&e, "events", "etl", "clicks");
    let o = Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .arg("--profile")
        .arg(&e.profile)
        .args(["reset", "--instance", "events", "--group", "etl", "--topic", "clicks", "--to-latest", "--yes"])
        .env("OFFSETDECK_INJECT_CRASH", "after-snapshot")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!o.status.success(), "the process died");
    assert_eq!(committed(&e, "events", "etl", "clicks"), before, "no call was sent");
    // Move the offsets by other means, then restore from the crashed run's snapshot.
    let o =
        run(&e, &["reset", "--instance", "events", "--group", "etl", "--topic", "clicks", "--to-earliest", "--yes"]);
    assert_eq!(o.status.code(), Some(0));
    let list = text(&run(&e, &["snapshots"]));
    let first = list.lines().next().unwrap().trim().to_owned();
    let o = run(&e, &["undo", &first, "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(committed(&e, "events", "etl", "clicks"), before);
}

#[test]
fn killed_mid_job_the_journal_and_snapshot_tell_what_happened() {
    let e = start();
    admin(&e, "faults", r#"{"op": "ResetMessageOffset", "latency_ms": 150}"#);
    let mut child = Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .arg("--profile")
        .arg(&e.profile)
        .args(["reset", "--instance", "orders", "--group", "billing", "--topic", "orders", "--to-earliest", "--yes"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once a call has finished (not after a fixed time: a loaded machine may not have started the job).
    let journal = e._dir.path().join("audit.jsonl");
    let waited = std::time::Instant::now();
    while !std::fs::read_to_string(&journal).unwrap_or_default().contains("\"event\":\"call\"") {
        assert!(waited.elapsed() < std::time::Duration::from_secs(20), "no call finished");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    admin(&e, "faults", r#"{"op": "ResetMessageOffset", "latency_ms": 0}"#);
    let trail = std::fs::read_to_string(e._dir.path().join("audit.jsonl")).unwrap();
    let lines: Vec<Value> =
        trail.lines().map(|l| serde_json::from_str(l).expect("every line is a whole record")).collect();
    assert_eq!(lines[0]["event"], "start");
    assert_eq!(lines[0]["calls"], 12);
    let calls: Vec<&Value> = lines.iter().filter(|l| l["event"] == "call").collect();
    assert!(!calls.is_empty() && calls.len() < 12, "killed mid-job: {} calls journaled", calls.len());
    assert!(calls.iter().all(|c| c["outcome"]["request_id"].is_string()));
    assert!(!lines.iter().any(|l| l["event"] == "write"), "no closing record");
    let snapshot = lines[0]["snapshot"].as_str().unwrap();
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(snapshot).unwrap()).unwrap();
    assert_eq!(saved["partitions"].as_array().unwrap().len(), 12, "the snapshot is complete");
    let out = text(&run(&e, &["audit"]));
    assert!(
        out.contains("INTERRUPTED job") && out.contains(&format!("of 12 call(s), {} finished", calls.len())),
        "{out}"
    );
    // The dashboard says so on its first screen.
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 100, pixel_width: 0, pixel_height: 0 }).unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_offsetdeck"));
    cmd.arg("--profile");
    cmd.arg(&e.profile);
    cmd.env("TERM", "xterm-256color");
    let mut dash = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut writer = pty.master.take_writer().unwrap();
    let bytes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = bytes.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = std::io::Read::read(&mut reader, &mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let started = std::time::Instant::now();
    loop {
        let mut p = vt100::Parser::new(std::num::NonZero::new(24).unwrap(), std::num::NonZero::new(100).unwrap(), 0);
        p.process(&bytes.lock().unwrap());
        // A modal at start lists it, and q still quits from there.
        if p.screen().contents().contains("INTERRUPTED job") && p.screen().contents().contains("1 interrupted job(s)") {
            break;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(15), "{}", p.screen().contents());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::io::Write::write_all(&mut writer, b"q").unwrap();
    let _ = dash.wait();
    // The killed job held billing's lock; the system dropped it with the process, so the group is writable again.
    let o =
        run(&e, &["reset", "--instance", "orders", "--group", "billing", "--topic", "orders", "--to-latest", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!text(&o).contains("is being written by"), "{}", text(&o));
}

#[test]
fn undo_refuses_a_snapshot_of_another_account() {
    let e = start();
    let o = run(
        &e,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-earliest", "--yes"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Same instance name, now under another account.
    let renamed = std::fs::read_to_string(&e.profile).unwrap().replace("huawei.hw-demo", "huawei.hw-other");
    std::fs::write(&e.profile, renamed).unwrap();
    let o = run(&e, &["undo", "--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("the snapshot is of account `hw-demo`") && text(&o).contains("refusing to apply it"),
        "{}",
        text(&o)
    );
}

#[test]
fn an_audit_log_others_can_read_is_warned_about_and_new_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let e = start();
    let o = run(
        &e,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-earliest", "--yes"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let audit = e.profile.with_file_name("audit.jsonl");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&audit), 0o600);
    assert_eq!(mode(&e.profile.with_file_name("snapshots")), 0o700, "the snapshot directory is the user's alone");
    assert!(!text(&o).contains("can be read by other users"));
    std::fs::set_permissions(&audit, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = run(&e, &["snapshots"]);
    assert!(text(&o).contains("can be read by other users (mode 644); run: chmod 600"), "{}", text(&o));
}

#[test]
fn audit_since_a_duration_beyond_the_calendar_is_an_error_not_a_panic() {
    let e = start();
    let o = run(&e, &["audit", "--since", "99999999d"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--since") && !text(&o).contains("panicked"), "{}", text(&o));
}
