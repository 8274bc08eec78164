//! The headless commands, as a user runs them, against `offsetdeck emulator` running as its own process.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

struct Emulator {
    child: Child,
    url: String,
    profile: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Emulator {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("emu.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .args(["emulator", "--listen", "127.0.0.1:0", "--write-profile"])
        .arg(&profile)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let v: Value = serde_json::from_str(&line).expect("one JSON line on stdout");
    assert_eq!(v["huawei"], v["ckafka"]);
    let url = v["huawei"].as_str().unwrap().to_owned();
    // Keep the audit trail in the test's own directory, never the real home.
    let audit = dir.path().join("audit.jsonl");
    let text = std::fs::read_to_string(&profile).unwrap().replacen(
        "[settings]\n",
        &format!("[settings]\naudit_log = {:?}\n", audit.display().to_string()),
        1,
    );
    std::fs::write(&profile, text).unwrap();
    Emulator { child, url, profile, _dir: dir }
}

fn run(e: &Emulator, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .arg("--profile")
        .arg(&e.profile)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn committed(e: &Emulator, instance: &str, group: &str, topic: &str) -> Vec<Option<i64>> {
    let o = run(e, &["--output", "json", "describe", "--instance", instance, "--group", group, "--topic", topic]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["partitions"].as_array().unwrap().iter().map(|p| p["committed"].as_i64()).collect()
}

fn admin(e: &Emulator, route: &str, body: &str) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/_admin/{route}", e.url))
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
}

#[test]
fn describe_shows_state_members_and_lag() {
    let e = start();
    let o = run(&e, &["describe", "--instance", "orders", "--group", "fraud-check"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("state Stable") && out.contains("member fraud-check-1 /10.0.3.17"), "{out}");
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
    assert_eq!(v["results"][0]["ok"], true);
    assert!(v["results"][0]["request_id"].is_string());
    assert_eq!(committed(&e, "mysql-sub", "etl", "account-subs-635ns8r71g-1"), vec![Some(0); 4]);
    let o = run(&e, &["reset", "--instance", "mysql-sub", "--group", "etl", "--to-offset", "5", "--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("DTS subscriptions support only --to-earliest, --to-latest and a time"), "{}", text(&o));
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
    assert_eq!(o.status.code(), Some(2));
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
    assert!(text(&o).contains("it has: orders (huawei hw-demo), clickstream-hw"), "{}", text(&o));
    let o =
        run(&e, &["reset", "--instance", "orders", "--group", "nobody", "--topic", "orders", "--to-latest", "--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("it has: billing, fraud-check, audit, reporting"), "{}", text(&o));
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
    assert!(out.contains("reset group `billing`") && out.contains("ok ResetMessageOffset [request id "), "{out}");
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
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("message deletion cannot be undone"), "{}", text(&o));
    let o = run(&e, &["reset", "--instance", "mysql-sub", "--group", "etl", "--to-latest", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&e, &["undo", "--yes"]);
    assert_eq!(o.status.code(), Some(2));
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
    std::thread::sleep(std::time::Duration::from_millis(900));
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
        out.contains("INTERRUPTED job") && out.contains(&format!("{} of 12 call(s) finished", calls.len())),
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
        if p.screen().contents().contains("INTERRUPTED job") {
            break;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(15), "{}", p.screen().contents());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::io::Write::write_all(&mut writer, b"q").unwrap();
    let _ = dash.wait();
}
