//! A headless job stopped from outside, through the real binary against the emulator: killed with a call in flight,
//! the journal says that call may have been applied; stopped by SIGINT, a batch finishes its call in flight, reads
//! back, records, and says which groups ran, stopped and were not started; a closed stdout ends a read quietly and
//! a peer that hangs up kills neither side.

use crate::common;

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::cli::{Emulator, admin, committed, run, start, start_with, text};

fn spawn(e: &Emulator, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .arg("--profile")
        .arg(&e.profile)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn audit_text(e: &Emulator) -> String {
    std::fs::read_to_string(e._dir.path().join("audit.jsonl")).unwrap_or_default()
}

/// Waits until the journal holds `n` `sent` lines.
fn wait_for_sent(e: &Emulator, n: usize) {
    let start = Instant::now();
    while audit_text(e).matches("\"event\":\"sent\"").count() < n {
        assert!(start.elapsed() < Duration::from_secs(20), "no call was sent: {}", audit_text(e));
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: signalling our own child.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

#[test]
fn a_job_killed_with_a_call_in_flight_is_journaled_as_in_flight_not_as_not_sent() {
    let e = start();
    admin(&e, "faults", r#"{"op": "ResetMessageOffset", "latency_ms": 3000}"#);
    let mut child =
        spawn(&e, &["reset", "--instance", "orders", "--group", "billing", "--all-topics", "--to-earliest", "--yes"]);
    wait_for_sent(&e, 1);
    signal(&child, libc::SIGKILL);
    child.wait().unwrap();
    let o = run(&e, &["audit"]);
    let said = text(&o);
    assert!(
        said.contains("of 15 call(s), 0 finished (0 ok), 1 in flight (may have been applied), 14 not sent"),
        "{said}"
    );
}

#[test]
fn sigint_stops_a_batch_after_its_call_in_flight_and_says_which_groups_ran_stopped_and_were_not_started() {
    let e = start();
    admin(&e, "faults", r#"{"op": "ResetMessageOffset", "latency_ms": 1500}"#);
    let mut child = spawn(
        &e,
        &[
            "reset",
            "--instance",
            "orders",
            "--all-groups",
            "--all-topics",
            "--to-earliest",
            "--yes",
            "--confirm",
            "2 groups",
        ],
    );
    wait_for_sent(&e, 1);
    signal(&child, libc::SIGINT);
    let status = child.wait().unwrap();
    let (mut out, mut err) = (String::new(), String::new());
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(status.code(), Some(1), "{out}{err}");
    assert!(err.contains("stopping: the call in flight ends, nothing more is sent"), "{err}");
    // The batch runs `audit` (one call) first: its call in flight ends it, and `billing` is not begun.
    assert!(err.contains("stopped: ran 1 group(s) (`audit`); stopped 0 (none); not started 1 (`billing`)"), "{err}");
    let journal = audit_text(&e);
    assert_eq!(journal.matches("\"event\":\"write\"").count(), 1, "audit's closing record: {journal}");
    assert_eq!(committed(&e, "orders", "audit", "audit-log"), [Some(200)], "its call in flight was applied");
    assert_eq!(committed(&e, "orders", "billing", "payments"), [Some(8770), Some(8773), Some(8776)], "not begun");
    // One job stopped part way: it verifies and records what it sent.
    let mut child =
        spawn(&e, &["reset", "--instance", "orders", "--group", "billing", "--all-topics", "--to-earliest", "--yes"]);
    wait_for_sent(&e, 2);
    signal(&child, libc::SIGINT);
    let status = child.wait().unwrap();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert_eq!(status.code(), Some(1), "{out}");
    assert!(out.contains("stopped after 1 call(s) had finished; the rest were not sent"), "{out}");
    assert_eq!(audit_text(&e).matches("\"event\":\"write\"").count(), 2, "billing's closing record");
}

#[test]
fn a_closed_stdout_ends_a_read_quietly_and_a_write_before_it_sends_anything() {
    let e = start();
    for args in [
        &["describe", "--instance", "orders", "--group", "billing"][..],
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-earliest", "--yes"],
    ] {
        let mut child = spawn(&e, args);
        drop(child.stdout.take());
        let status = child.wait().unwrap();
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert_eq!(status.signal(), Some(libc::SIGPIPE), "{args:?}: {status:?} {err}");
        assert!(!err.contains("panicked") && !err.contains("failed printing"), "{err}");
    }
    assert_eq!(committed(&e, "orders", "billing", "payments"), [Some(8770), Some(8773), Some(8776)], "nothing sent");
}

/// Whether the process ignores SIGPIPE (bit 13 of `SigIgn` in /proc): a socket write to a peer that left is then
/// an error on that call, not the end of the process.
fn ignores_sigpipe(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let mask = status.lines().find_map(|l| l.strip_prefix("SigIgn:")).unwrap().trim();
    u64::from_str_radix(mask, 16).unwrap() & (1 << (libc::SIGPIPE - 1)) != 0
}

#[test]
fn a_peer_that_hangs_up_mid_answer_kills_neither_the_emulator_nor_the_client() {
    let e = start_with(&["--large"]);
    assert!(ignores_sigpipe(e.child.id()), "the emulator");
    for wait in [150, 400, 900] {
        let mut child = spawn(&e, &["describe", "--instance", "bulk-hw", "--group", "firehose-etl"]);
        std::thread::sleep(Duration::from_millis(wait));
        if child.try_wait().unwrap().is_none() {
            assert!(ignores_sigpipe(child.id()), "the client");
        }
        let _ = child.kill();
        child.wait().unwrap();
    }
    let mut emulator = e;
    assert!(emulator.child.try_wait().unwrap().is_none(), "the emulator is still running");
    let o = run(&emulator, &["describe", "--instance", "orders", "--group", "billing"]);
    assert_eq!(o.status.code(), Some(0), "and still answers: {}", text(&o));
}
