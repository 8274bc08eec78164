//! Speed at scale, against the emulator's generated instances (`offsetdeck emulator --large`: on each cloud 10,000
//! groups and 100,100 partitions, one topic of 100,000), with client pacing off:
//!
//! - the dashboard's engine and state (in this process; the emulator is its own process): time from start to the
//!   first screen of the big instances' groups and to their full lists, and the peak RSS once both are listed;
//! - frame and key-to-frame in the groups view with those 20,000 groups;
//! - `offsetdeck describe` of one group on the 100,000-partition topic (its own process): CPU seconds;
//! - `offsetdeck reset` of all 100,000 partitions, dry run and applied (plan, snapshot, calls, read-back, verify).
//!
//! Run: `cargo bench --bench scale`. Figures go to BENCHMARKS.md.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use offsetdeck::core::profile;
use offsetdeck::engine::session::{Session, Via};
use offsetdeck::engine::worker::{self, Command as WorkerCommand, EngineEvent};
use offsetdeck::providers::client::{Client, ClientConfig};
use offsetdeck::providers::credentials::SystemEnvironment;
use offsetdeck::tui::state::AppState;
use offsetdeck::tui::update::{Msg, update};
use offsetdeck::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

const BIN: &str = env!("CARGO_BIN_EXE_offsetdeck");

fn peak_rss_mb() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    u.ru_maxrss as f64 / 1024.0
}

fn children_cpu() -> f64 {
    // SAFETY: as above.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let profile_path = dir.path().join("big.toml");
    let mut emulator = Command::new(BIN)
        // The published limits off too: with the client's pacing off, they would measure the emulator's throttling
        // and the client's backoff, not offsetdeck (at the published limits, CKafka's 10,000 groups take about a
        // minute to list: 500 pages of DescribeGroup and 500 DescribeGroupInfo calls).
        .args(["emulator", "--large", "--no-limits", "--write-profile"])
        .arg(&profile_path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(emulator.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let audit = dir.path().join("audit.jsonl");
    // Pacing off, as the targets are stated: Huawei's learned rate may go to the profile's highest ceiling.
    let text = std::fs::read_to_string(&profile_path).unwrap().replacen(
        "[settings]\n",
        &format!("[settings]\naudit_log = {:?}\n", audit.display().to_string()),
        1,
    );
    let text = text.replace(
        "sk = \"demo-huawei-secret-key-not-real-0001\"\n",
        "sk = \"demo-huawei-secret-key-not-real-0001\"\nrate_limit_per_second = 1000\nrate_limit_ceiling_per_second = 1000\n",
    );
    std::fs::write(&profile_path, &text).unwrap();
    let p = profile::parse(&text, "big").unwrap().profile;

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (listing, state) = rt.block_on(dashboard_listing(p));
    for (instance, first, full, groups) in &listing {
        println!(
            "listing {instance}: first screen of groups {:.0} ms, full list ({groups} groups) {:.0} ms",
            first.as_secs_f64() * 1e3,
            full.as_secs_f64() * 1e3
        );
    }
    println!("dashboard engine + state with both big instances listed: peak RSS {:.0} MB", peak_rss_mb());
    frames(state);

    for (instance, group) in [("bulk-ck", "firehose-etl"), ("bulk-hw", "firehose-etl")] {
        let mut cpu = Vec::new();
        let mut wall = Vec::new();
        for _ in 0..3 {
            let before = children_cpu();
            let t = Instant::now();
            let o = Command::new(BIN)
                .arg("--profile")
                .arg(&profile_path)
                .args(["--output", "json", "describe", "--instance", instance, "--group", group])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            wall.push(t.elapsed().as_secs_f64());
            cpu.push(children_cpu() - before);
        }
        cpu.sort_by(f64::total_cmp);
        wall.sort_by(f64::total_cmp);
        println!(
            "describe {instance} {group} (100,000 partitions): CPU {:.2} s median of 3 ({:.2}..{:.2}), wall {:.2} s",
            cpu[1], cpu[0], cpu[2], wall[1]
        );
    }
    // The whole write pipeline on 100,000 partitions: plan, snapshot, journal, calls, read-back, verification.
    for args in [
        &[
            "reset",
            "--instance",
            "bulk-ck",
            "--group",
            "firehose-audit",
            "--topic",
            "firehose",
            "--to-earliest",
            "--dry-run",
        ][..],
        &[
            "reset",
            "--instance",
            "bulk-ck",
            "--group",
            "firehose-audit",
            "--topic",
            "firehose",
            "--to-earliest",
            "--yes",
        ][..],
    ] {
        let before = children_cpu();
        let t = Instant::now();
        let o = Command::new(BIN)
            .arg("--profile")
            .arg(&profile_path)
            .arg("--output")
            .arg("json")
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        println!(
            "{} on 100,000 partitions: CPU {:.2} s, wall {:.2} s",
            args[args.len() - 1],
            children_cpu() - before,
            t.elapsed().as_secs_f64()
        );
    }
    let _ = emulator.kill();
    let _ = emulator.wait();
}

/// The worker and the dashboard state, as `offsetdeck` runs them: discovery at start, then the first refresh's
/// listings. Returns per big instance (time to its first screen of rows, to its full list, its group count).
async fn dashboard_listing(p: profile::Profile) -> (Vec<(String, Duration, Duration, usize)>, AppState) {
    let client = Client::new(ClientConfig::default().unlimited()).unwrap();
    let session = Session::with_client(p.clone(), Arc::new(SystemEnvironment), "UTC".into(), Via::Dashboard, client);
    let mut state = AppState::new(p, (80, 24), true, false, "UTC".into());
    update(&mut state, Msg::Resize(80, 24));
    let start = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let w = worker::spawn(session, tx);
    w.commands.send(WorkerCommand::Refresh { asked: false }).unwrap();
    state.refreshing = true;
    update(&mut state, Msg::Key(KeyEvent::from(KeyCode::Char('v'))));
    let mut out = Vec::new();
    while let Some(e) = rx.recv().await {
        let listed = match &e {
            EngineEvent::Groups { instance, result: Ok(g) } if instance.starts_with("bulk-") => {
                Some((instance.clone(), g.len()))
            }
            _ => None,
        };
        let done = matches!(e, EngineEvent::RefreshDone);
        let step = update(&mut state, Msg::Engine { at: "12:00:00".into(), event: Box::new(e) });
        for eff in step.effects {
            if let offsetdeck::tui::update::Effect::Send(c) = eff {
                let _ = w.commands.send(c);
            }
        }
        if let Some((instance, n)) = listed {
            // The groups view shows rows from the listing as soon as it arrives; a listing arrives whole (its pages
            // are followed to the end first), so the first screen and the full list are the same moment.
            let rows = offsetdeck::tui::groups_view::rows(&state);
            assert!(rows.iter().filter(|r| r.instance == instance).count() >= n);
            out.push((instance, start.elapsed(), start.elapsed(), n));
        }
        if done {
            break;
        }
    }
    (out, state)
}

/// Frame and key-to-frame in the groups view with every listed group.
fn frames(mut s: AppState) {
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let rows = offsetdeck::tui::groups_view::rows(&s).len();
    let time = |s: &mut AppState, term: &mut Terminal<TestBackend>, key: Option<KeyCode>| {
        let n = 200;
        let t = Instant::now();
        for _ in 0..n {
            if let Some(k) = key {
                update(s, Msg::Key(KeyEvent::from(k)));
            }
            term.draw(|f| view::render(f, s)).unwrap();
        }
        t.elapsed().as_secs_f64() / n as f64 * 1e6
    };
    let frame = time(&mut s, &mut term, None);
    let down = time(&mut s, &mut term, Some(KeyCode::Char('j')));
    let sort = time(&mut s, &mut term, Some(KeyCode::Char('s')));
    println!(
        "groups view, {rows} rows at 80x24: frame {frame:.0} us, key j to frame {down:.0} us, sort key to frame {sort:.0} us"
    );
    // Moving over groups whose lag is unread: each key comes with one group's lag read arriving (the worst case of
    // the cursor's reads: one answer between every two keys), so a read must update its row, not rebuild them all.
    let unread: Vec<_> = offsetdeck::tui::groups_view::rows(&s)
        .iter()
        .filter(|r| r.lag_unread)
        .map(|r| offsetdeck::core::target::GroupRef::new(r.instance.clone(), r.group.clone()))
        .take(200)
        .collect();
    let n = unread.len().max(1);
    let t = Instant::now();
    for (i, group) in unread.into_iter().enumerate() {
        let event = Box::new(EngineEvent::GroupLag { group, lag: Ok(Some(i as i64)) });
        update(&mut s, Msg::Engine { at: "12:00:00".into(), event });
        update(&mut s, Msg::Key(KeyEvent::from(KeyCode::Char('j'))));
        term.draw(|f| view::render(f, &s)).unwrap();
    }
    println!(
        "groups view, {rows} rows: a lag read arriving, then key j, to frame {:.0} us ({n} reads)",
        t.elapsed().as_secs_f64() / n as f64 * 1e6
    );
}
