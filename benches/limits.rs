//! Listings at scale with default settings, the emulator's published limits on (its default), against its generated
//! instances (`offsetdeck emulator --large`):
//!
//! - `offsetdeck groups --instance bulk-hw` (10,000 groups, 200 ListGroups pages) as its own process, cold (no
//!   remembered rate: Huawei starts at the profile's 10/s and learns up to 50/s) and warm (starting from the rate the
//!   cold run remembered), next to the floor the client's own pacing allows: its schedule simulated call by call
//!   with the same rate rule and window (`Rate`, `slot_wait`) and no network time;
//! - the dashboard (engine and state in this process, `Session::new` as `offsetdeck --demo-large` builds it): time
//!   to its first full screen of groups at 80x24 and to each big instance's list.
//!
//! Run: `cargo bench --bench limits`. Figures go to BENCHMARKS.md.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use offsetdeck::core::profile;
use offsetdeck::engine::session::{Session, Via};
use offsetdeck::engine::worker::{self, Command as WorkerCommand, EngineEvent};
use offsetdeck::providers::adaptive::Rate;
use offsetdeck::providers::credentials::SystemEnvironment;
use offsetdeck::providers::pacing::slot_wait;
use offsetdeck::tui::state::AppState;
use offsetdeck::tui::update::{Msg, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

const BIN: &str = env!("CARGO_BIN_EXE_offsetdeck");

/// The shared window's length (`providers::pacing`): a little over the service's second.
const WINDOW: Duration = Duration::from_millis(1030);

/// The least time `calls` sequential calls take under the client's pacing, starting at `start` calls/s and learning
/// up to `ceiling` while nothing is throttled, with zero network time.
fn paced_floor(calls: usize, start: u32, ceiling: u32) -> Duration {
    let mut rate = Rate::new(start, ceiling);
    let mut sent: Vec<Duration> = Vec::new();
    let mut now = Duration::ZERO;
    for _ in 0..calls {
        loop {
            let limit = rate.limit();
            let allowed = (limit - limit / 50).max(1) as usize;
            let mut ages: Vec<Duration> = sent.iter().filter(|t| now - **t < WINDOW).map(|t| now - *t).collect();
            let wait = slot_wait(&mut ages, allowed, WINDOW);
            if wait.is_zero() {
                break;
            }
            now += wait;
        }
        sent.push(now);
        rate.succeeded();
    }
    now
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let profile_path = dir.path().join("big.toml");
    let mut emulator = Command::new(BIN)
        .args(["emulator", "--large", "--write-profile"])
        .arg(&profile_path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(emulator.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let audit = dir.path().join("audit.jsonl");
    let text = std::fs::read_to_string(&profile_path).unwrap().replacen(
        "[settings]\n",
        &format!("[settings]\naudit_log = {:?}\n", audit.display().to_string()),
        1,
    );
    std::fs::write(&profile_path, &text).unwrap();

    let pages = 200;
    for (run, floor) in [("cold", paced_floor(pages, 10, 50)), ("warm", paced_floor(pages, 50, 50))] {
        let began = Instant::now();
        let out = Command::new(BIN)
            .arg("--profile")
            .arg(&profile_path)
            .args(["groups", "--instance", "bulk-hw"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let took = began.elapsed();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let rows = out.stdout.iter().filter(|b| **b == b'\n').count();
        let progress = String::from_utf8_lossy(&out.stderr).lines().filter(|l| l.contains("ListGroups")).count();
        println!(
            "groups --instance bulk-hw, {run}: {:.2} s for {rows} lines ({progress} progress lines on stderr); \
             paced floor {:.2} s; {:+.1}%",
            took.as_secs_f64(),
            floor.as_secs_f64(),
            (took.as_secs_f64() / floor.as_secs_f64() - 1.0) * 100.0
        );
    }

    let p = profile::parse(&text, "big").unwrap().profile;
    // A fresh data directory: the dashboard starts as a first run would, with nothing remembered.
    let mut p = p;
    p.settings.audit_log = Some(dir.path().join("fresh").join("audit.jsonl").display().to_string());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(first_screen(p));
    let _ = emulator.kill();
    let _ = emulator.wait();
}

/// The dashboard as it starts: time to a full 80x24 screen of groups with their state, and to each big list.
async fn first_screen(p: profile::Profile) {
    let session = Session::new(p.clone(), Arc::new(SystemEnvironment), "UTC".into(), Via::Dashboard).unwrap();
    let mut state = AppState::new(p, (80, 24), true, false, "UTC".into());
    update(&mut state, Msg::Resize(80, 24));
    let start = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let w = worker::spawn(session, tx);
    w.commands.send(WorkerCommand::Refresh { asked: false }).unwrap();
    state.refreshing = true;
    update(&mut state, Msg::Key(KeyEvent::from(KeyCode::Char('v'))));
    let screen_rows = 24 - 5;
    let mut first: Option<Duration> = None;
    let mut big = 0;
    while let Some(e) = tokio::time::timeout(Duration::from_secs(120), rx.recv()).await.ok().flatten() {
        let listed = match &e {
            EngineEvent::Groups { instance, result: Ok(g) } if instance.starts_with("bulk-") => {
                Some((instance.clone(), g.len()))
            }
            _ => None,
        };
        let step = update(&mut state, Msg::Engine { at: "12:00:00".into(), event: Box::new(e) });
        for eff in step.effects {
            if let offsetdeck::tui::update::Effect::Send(c) = eff {
                let _ = w.commands.send(c);
            }
        }
        let known = state.groups.all.iter().filter(|r| r.state != "…").count();
        if first.is_none() && known >= screen_rows {
            first = Some(start.elapsed());
            let mut states: Vec<&str> = state.groups.all.iter().map(|r| r.state.as_str()).collect();
            states.sort();
            states.dedup();
            println!(
                "dashboard, default settings: first full screen of groups (80x24) after {:.0} ms ({} rows, states \
                 {states:?})",
                start.elapsed().as_secs_f64() * 1e3,
                state.groups.all.len()
            );
        }
        if let Some((instance, n)) = listed {
            println!(
                "dashboard, default settings: {instance} listed ({n} groups) after {:.2} s",
                start.elapsed().as_secs_f64()
            );
            big += 1;
            if big == 2 {
                break;
            }
        }
    }
}
