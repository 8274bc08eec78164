//! Trust under adversity: a wrong key never locks the right one, and a full disk stops a job instead of losing
//! its record.

use crate::common;

use std::time::Duration;

use offsetdeck::core::secret::Secret;
use offsetdeck::engine::reads;
use offsetdeck::engine::session::Via;
use offsetdeck::engine::worker::{self, Command, EngineEvent};
use tokio::sync::mpsc::UnboundedReceiver;

/// Collects a refresh's events; returns how many accounts' keys were refused.
async fn refresh(w: &worker::Worker, events: &mut UnboundedReceiver<EngineEvent>, asked: bool) -> usize {
    w.commands.send(Command::Refresh { asked }).unwrap();
    let mut refused = 0;
    loop {
        match tokio::time::timeout(Duration::from_secs(20), events.recv()).await.expect("refresh ends").unwrap() {
            EngineEvent::RefreshDone => return refused,
            EngineEvent::AuthFailed { .. } => refused += 1,
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_tried_once_per_refresh_asked_for_and_never_locks_the_right_key() {
    let (_emu, right) = common::emulator_and_profile().await;
    let mut wrong = right.clone();
    let keys = wrong.huawei[0].credentials.inline.as_mut().unwrap();
    keys.secret = Secret::new("not-the-secret-key-at-all-000000000");
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let w = worker::spawn(common::paced_session(wrong, "UTC"), tx);
    // The start lists the account's instances: that one call is the probe, and nothing follows it, not even the
    // dashboard's first refresh.
    assert_eq!(refresh(&w, &mut events, false).await, 1, "the start probes the Huawei account once and stops");
    for _ in 0..5 {
        assert_eq!(refresh(&w, &mut events, false).await, 0, "timer refreshes send nothing with a refused key");
    }
    assert_eq!(refresh(&w, &mut events, true).await, 1, "R probes again, with one call");
    // Two failed signatures in all: the service has not locked the AK, so the right secret still works.
    let session = common::session(right, Via::Cli);
    let t = session.find("orders").unwrap();
    let creds = session.credentials(&t).unwrap();
    let snap = reads::describe(&session.client, &creds, &t, "billing", &["payments".into()]).await;
    assert!(snap.is_ok(), "the right key is accepted: {snap:?}");
}

#[cfg(unix)]
fn run_with_file_limit(e: &common::cli::Emulator, limit: u64, args: &[&str]) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_offsetdeck"));
    c.arg("--profile").arg(&e.profile).args(args).stdin(std::process::Stdio::null());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        c.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit { rlim_cur: limit, rlim_max: limit };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    c.output().unwrap()
}

#[cfg(unix)]
#[test]
fn a_full_disk_mid_job_stops_the_calls_and_says_which_ran() {
    use common::cli::{run, start, text};
    let reset = ["reset", "--instance", "orders", "--group", "billing", "--topic", "orders", "--to-earliest", "--yes"];
    // How big the journal gets for this job, on a disk with room.
    let e = start();
    let o = run(&e, &reset);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let audit = e.profile.with_file_name("audit.jsonl");
    let full = std::fs::read_to_string(&audit).unwrap();
    let lines: Vec<usize> = full.lines().map(|l| l.len() + 1).collect();
    assert_eq!(lines.len(), 1 + 2 * 12 + 1, "start, 12 calls each sent and ended, the closing record");
    // Room for the start line, three calls, and the fourth's `sent` line, not the line saying how it ended.
    let room = lines[..8].iter().sum::<usize>() + lines[8] / 2;
    // The limit is per file and must leave room for the snapshot: the journal is padded so that only `room` is left.
    let limit = 1 << 16;
    let e = start();
    let audit = e.profile.with_file_name("audit.jsonl");
    let pad = format!("{{\"event\":\"note\",\"pad\":\"{}\"}}\n", "x".repeat(limit - room - 26));
    std::fs::write(&audit, pad).unwrap();
    let before = common::cli::committed(&e, "orders", "billing", "orders");
    let o = run_with_file_limit(&e, limit as u64, &reset);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("call 4 ran but could not be journaled") && out.contains("the remaining 8 call(s) were not sent"),
        "{out}"
    );
    let after = common::cli::committed(&e, "orders", "billing", "orders");
    let moved = before.iter().zip(&after).filter(|(b, a)| b != a).count();
    assert_eq!(moved, 4, "exactly the four calls that ran moved their partitions: {before:?} -> {after:?}");
    // The torn line is ended, and the journal still tells an interrupted job.
    let o = run(&e, &["audit"]);
    assert!(text(&o).contains("INTERRUPTED"), "{}", text(&o));
    let o = run(&e, &reset);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let journal = std::fs::read_to_string(&audit).unwrap();
    let last: serde_json::Value =
        serde_json::from_str(journal.lines().last().unwrap()).expect("the next record is whole");
    assert_eq!(last["event"], "write");
}

#[cfg(unix)]
#[test]
fn no_snapshot_is_left_behind_or_offered_when_the_journal_cannot_start() {
    use common::cli::{run, start, text};
    let e = start();
    let audit = e.profile.with_file_name("audit.jsonl");
    // A journal already at the file-size limit; the snapshot (well under it) can still be written.
    let pad = format!("{{\"event\":\"note\",\"pad\":\"{}\"}}\n", "x".repeat(4096 - 26));
    assert_eq!(pad.len(), 4096);
    std::fs::write(&audit, pad).unwrap();
    let reset =
        ["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-earliest", "--yes"];
    let o = run_with_file_limit(&e, 4096, &reset);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("cannot be written") && text(&o).contains("nothing was sent"), "{}", text(&o));
    let snaps = e.profile.with_file_name("snapshots");
    let left: Vec<_> = std::fs::read_dir(&snaps).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "no snapshot (or .tmp) of a job that never started: {left:?}");
    let o = run(&e, &["undo", "--yes"]);
    assert_eq!(o.status.code(), Some(2), "nothing to undo: {}", text(&o));
}

#[test]
fn a_second_process_writing_the_same_group_is_refused_and_told_who_holds_it() {
    use common::cli::{admin, run, start, text};
    let e = start();
    admin(&e, "faults", r#"{"op": "ResetMessageOffset", "latency_ms": 300}"#);
    let reset = ["reset", "--instance", "orders", "--group", "billing", "--topic", "orders", "--to-earliest", "--yes"];
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .arg("--profile")
        .arg(&e.profile)
        .args(reset)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the first job has journaled its start: it holds the lock from before then.
    let audit = e.profile.with_file_name("audit.jsonl");
    let t0 = std::time::Instant::now();
    while !std::fs::read_to_string(&audit).unwrap_or_default().contains("\"event\":\"start\"") {
        assert!(t0.elapsed() < Duration::from_secs(20), "the first job never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = run(&e, &reset);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(3), "{out}");
    assert!(out.contains(&format!("is being written by pid {}", first.id())) && out.contains("job "), "{out}");
    // Another group of the same instance is not held up.
    let other = ["reset", "--instance", "orders", "--group", "audit", "--topic", "audit-log", "--to-latest", "--yes"];
    let o = run(&e, &other);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(first.wait().unwrap().success(), "the first job finishes");
    // Released when it ended.
    let o =
        run(&e, &["reset", "--instance", "orders", "--group", "billing", "--topic", "orders", "--to-latest", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[cfg(unix)]
#[test]
fn a_snapshot_that_cannot_be_written_leaves_no_partial_file_and_sends_nothing() {
    use common::cli::{start, text};
    let e = start();
    let before = common::cli::committed(&e, "orders", "billing", "payments");
    let reset =
        ["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-earliest", "--yes"];
    let o = run_with_file_limit(&e, 400, &reset);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("the snapshot could not be written"), "{}", text(&o));
    let snaps = e.profile.with_file_name("snapshots");
    let left: Vec<_> = std::fs::read_dir(&snaps).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "no .tmp left behind: {left:?}");
    assert_eq!(common::cli::committed(&e, "orders", "billing", "payments"), before, "nothing was sent");
}

#[cfg(unix)]
#[test]
fn a_plan_file_that_cannot_be_written_leaves_nothing_behind() {
    use common::cli::{start, text};
    let e = start();
    let file = e._dir.path().join("plan.json");
    let f = file.display().to_string();
    let args =
        ["reset", "--instance", "orders", "--group", "billing", "--topic", "orders", "--to-earliest", "--plan-out", &f];
    // 2 KiB: the 12-partition plan is larger, so the disk "fills" while it is written.
    let o = run_with_file_limit(&e, 2048, &args);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("cannot write the plan file"), "{}", text(&o));
    let left: Vec<_> = std::fs::read_dir(e._dir.path()).unwrap().flatten().map(|d| d.file_name()).collect();
    assert!(left.iter().all(|n| !n.to_string_lossy().starts_with("plan.json")), "nothing half-written: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_costs_one_failed_signature_over_a_batch_listings_and_user_plans() {
    use offsetdeck::engine::batch::Batch;
    use offsetdeck::engine::order::{Order, Topics};
    let (emu, right) = common::emulator_and_profile().await;
    let mut wrong = right.clone();
    let ak = wrong.huawei[0].credentials.inline.as_ref().unwrap().id.expose().to_owned();
    wrong.huawei[0].credentials.inline.as_mut().unwrap().secret = Secret::new("not-the-secret-key-at-all-000000000");
    let session = common::session(wrong, Via::Cli);
    let order = |g: &str| Order::Reset {
        group: offsetdeck::core::target::GroupRef::new("orders", g),
        topics: Topics::Committed,
        partitions: Vec::new(),
        strategy: offsetdeck::core::strategy::ResetStrategy::Earliest,
    };
    // Six groups planned at once: the first call goes alone, its refusal stops the rest before they are sent.
    let groups = ["billing", "audit", "reporting", "fraud-check", "billing", "audit"];
    let orders: Vec<Order> = groups.iter().map(|g| order(g)).collect();
    let batch = Batch::plan(&session, &orders).await;
    assert!(batch.plans.is_empty() && batch.left_out.len() == 6, "{:?}", batch.left_out_lines());
    assert!(batch.left_out_lines().iter().all(|l| l.contains("authentication failed")), "{:?}", batch.left_out_lines());
    let t = session.find("orders").unwrap();
    let c = session.credentials(&t).unwrap();
    for _ in 0..3 {
        assert!(reads::list_groups(&session.client, &c, &t, offsetdeck::core::live::Listing::Names).await.is_err());
    }
    assert_eq!(emu.state().gate.failed_signatures(&ak), 1, "one failed signature for the key, over every path");
    // Asked to retry (R), it probes once more: one more failed signature, and again nothing after it.
    session.retry_keys();
    let again = futures_util::future::join_all(orders.iter().map(|o| offsetdeck::engine::planner::plan(&session, o)));
    assert!(again.await.iter().all(Result::is_err));
    assert_eq!(emu.state().gate.failed_signatures(&ak), 2);
}

/// A dashboard session with a wrong key: the start's refresh and listings, a form's plan, a six-group `:reset` and
/// timer refreshes cost one failed signature; R probes once more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_costs_one_failed_signature_over_a_dashboard_session() {
    use common::dashboard::{App, down};
    use ratatui::crossterm::event::KeyCode;
    let wrong = |t: String| {
        let at = t.find("sk = \"").unwrap() + "sk = \"".len();
        let end = at + t[at..].find('"').unwrap();
        format!("{}not-the-secret-key-at-all-000000000{}", &t[..at], &t[end..])
    };
    let mut app = App::with_profile(80, 24, wrong).await;
    let ak = app.state.profile.huawei[0].credentials.inline.as_ref().unwrap().id.expose().to_owned();
    let failed = |app: &App| app.emu.state().gate.failed_signatures(&ak);
    assert_eq!(failed(&app), 1, "the start: {:?}", app.state.log.lines.back());
    // A form's plan, a six-group reset on the line, and the timer's refreshes: nothing more is sent with the key.
    app.keys(&down(2));
    app.key(KeyCode::Char(':'));
    app.typed("reset --group billing --topic payments --to-earliest");
    app.key(KeyCode::Enter);
    app.settle().await;
    app.key(KeyCode::Esc);
    app.key(KeyCode::Char(':'));
    app.typed("reset --group billing --group audit --group reporting --group fraud-check --group x --group y --all-topics --to-earliest");
    app.key(KeyCode::Enter);
    app.settle().await;
    app.key(KeyCode::Esc);
    for _ in 0..3 {
        app.apply(offsetdeck::tui::update::Msg::RefreshTick);
        app.settle().await;
    }
    assert_eq!(failed(&app), 1, "one failed signature over the session");
    // R: one probe, one more failed signature.
    app.key(KeyCode::Char('R'));
    app.settle().await;
    assert_eq!(failed(&app), 2, "R probes once");
}
