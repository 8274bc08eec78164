//! Soak: the demo with live refresh every second. Memory stays flat and refreshes do not slow down. Its own test
//! binary: it measures its process's memory, which other tests would share.
//! CI runs it for 20 s; `OFFSETDECK_SOAK_SECONDS=600 cargo test --release --test soak -- --nocapture` is the long form.

#[path = "it/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use offsetdeck::core::profile;
use offsetdeck::emulator;
use offsetdeck::engine::worker::{self, EngineEvent};
use offsetdeck::tui::state::{AppState, LOG_CAPACITY};
use offsetdeck::tui::update::{Effect, Msg, update};
use offsetdeck::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_refresh_every_second_stays_flat() {
    let seconds: u64 = std::env::var("OFFSETDECK_SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let world = emulator::data::parse(emulator::data::DEMO, jiff::Timestamp::now().as_millisecond()).unwrap();
    let emu = emulator::spawn(world, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let text = emulator::write_profile(&emu.state().world, &emu.url()).replacen(
        "[settings]\n",
        &format!("[settings]\naudit_log = {:?}\n", dir.path().join("audit.jsonl").display().to_string()),
        1,
    );
    let profile = profile::parse(&text, "soak").unwrap().profile;
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let w = worker::spawn(common::paced_session(profile.clone(), "UTC"), tx);
    let mut state = AppState::new(profile, (80, 24), true, false, "UTC".into());
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut durations = Vec::new();
    let mut rss = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut refresh_started: Option<Instant> = None;
    let mut up = false;
    while Instant::now() < end {
        tokio::select! {
            _ = tick.tick() => {
                for e in update(&mut state, Msg::RefreshTick).effects {
                    if let Effect::Send(cmd) = e {
                        refresh_started = Some(Instant::now());
                        w.commands.send(cmd).unwrap();
                    }
                }
                update(&mut state, Msg::Key(KeyEvent::from(if up { KeyCode::Up } else { KeyCode::Down })));
                up = !up;
                term.draw(|f| view::render(f, &state)).unwrap();
                rss.push(rss_kb());
            }
            Some(event) = events.recv() => {
                if matches!(event, EngineEvent::RefreshDone) && let Some(t) = refresh_started.take() {
                    durations.push(t.elapsed());
                }
                update(&mut state, Msg::Engine { at: "t".into(), event: Box::new(event) });
            }
        }
    }
    assert!(
        durations.len() as u64 >= seconds * 8 / 10,
        "refreshes keep completing: {} in {seconds} s",
        durations.len()
    );
    let third = durations.len() / 3;
    let (early, late) = (median(durations[..third].to_vec()), median(durations[durations.len() - third..].to_vec()));
    assert!(late <= early * 2 + Duration::from_millis(20), "refreshes slowed down: {early:?} -> {late:?}");
    let warm = rss[rss.len().min(5) - 1];
    let last = *rss.last().unwrap();
    assert!(last <= warm + 4096, "memory grew from {warm} kB to {last} kB");
    assert!(state.log.lines.len() <= LOG_CAPACITY);
    eprintln!(
        "soak {seconds} s: {} refreshes, median {early:?} early / {late:?} late; RSS {warm} kB -> {last} kB",
        durations.len()
    );
}
