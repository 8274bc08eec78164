//! The loop: terminal input, engine events, the refresh timer and signals feed `update`; the screen is redrawn only
//! when something changed, so an idle dashboard uses no CPU.

use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyEventKind};
use tokio::sync::mpsc;

use super::state::AppState;
use super::update::{Effect, Msg, update};
use super::view;
use crate::engine::worker::{Command, EngineEvent};

/// How the session ended, for the message printed after the terminal is restored.
#[derive(Debug, PartialEq, Eq)]
pub struct Exit {
    /// Printed on stderr once the screen is given back, when set.
    pub message: Option<String>,
    /// Whether a job was still running: the dashboard then exits non-zero.
    pub interrupted: bool,
}

impl Exit {
    /// How a session with this state ends.
    pub fn of(state: &AppState) -> Self {
        let message = state.job.as_ref().map(|j| {
            format!(
                "offsetdeck quit while job {} ({}) was running: {} of {} call(s) had finished and the rest were not sent; `offsetdeck audit` shows it as INTERRUPTED, and `offsetdeck undo` restores its snapshot",
                j.id, j.label, j.done, j.total
            )
        });
        Self { interrupted: message.is_some(), message }
    }
}

/// Runs the dashboard until the user quits or a signal arrives. The terminal is restored on every path, including
/// panics (ratatui's hook restores it, then prints the panic).
pub async fn run(
    mut state: AppState,
    commands: mpsc::UnboundedSender<Command>,
    mut events: mpsc::UnboundedReceiver<EngineEvent>,
    refresh: Option<Duration>,
    log_file: Option<std::path::PathBuf>,
) -> std::io::Result<Exit> {
    let mut file_log = log_file.map(super::log_file::LogFile::new);
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, &mut state, &commands, &mut events, refresh, &mut file_log).await;
    ratatui::restore();
    result?;
    Ok(Exit::of(&state))
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut AppState,
    commands: &mpsc::UnboundedSender<Command>,
    events: &mut mpsc::UnboundedReceiver<EngineEvent>,
    refresh: Option<Duration>,
    file_log: &mut Option<super::log_file::LogFile>,
) -> std::io::Result<()> {
    let size = terminal.size()?;
    update(state, Msg::Resize(size.width, size.height));
    let (key_tx, mut keys) = mpsc::unbounded_channel();
    // Terminal input blocks, so it gets its own thread; it ends with the process.
    std::thread::spawn(move || {
        while let Ok(ev) = event::read() {
            if key_tx.send(ev).is_err() {
                break;
            }
        }
    });
    // Not "asked": the worker's start-up listing has already probed every account once, and an account whose key
    // it refused is not tried again until the user presses R.
    let _ = commands.send(Command::Refresh { asked: false });
    state.refreshing = true;
    let mut ticker = refresh.map(|d| tokio::time::interval_at(tokio::time::Instant::now() + d, d));
    let mut clock = tokio::time::interval(std::time::Duration::from_secs(1));
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut signals = Signals::new();
    let mut dirty = true;
    // Fault injection for the robustness tests: panic on the first key, in update or in render.
    let inject = std::env::var("OFFSETDECK_INJECT_PANIC").unwrap_or_default();
    let mut keys_seen = 0;
    let mut rest_at = tokio::time::Instant::now();
    let mut resting = false;
    loop {
        if let Some(f) = file_log.as_mut() {
            f.catch_up(state);
        }
        if dirty {
            // The keys judge a confirmation by the layout at the state's size: it is the size drawn at.
            let now = terminal.size()?;
            if (now.width, now.height) != state.size {
                update(state, Msg::Resize(now.width, now.height));
            }
            let boom = inject == "render" && keys_seen > 0;
            terminal.draw(|f| {
                assert!(!boom, "injected panic in render (OFFSETDECK_INJECT_PANIC=render)");
                view::render(f, state)
            })?;
            dirty = false;
        }
        if state.quit {
            return Ok(());
        }
        let msg = tokio::select! {
            // The cursor rested: the row it is on may be read (a run of keys reads nothing on the way).
            _ = tokio::time::sleep_until(rest_at), if resting => {
                resting = false;
                Msg::Rested
            }
            Some(ev) = keys.recv() => match ev {
                Event::Key(k) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Event::Resize(w, h) => Msg::Resize(w, h),
                _ => continue,
            },
            Some(event) = events.recv() => Msg::Engine { at: now_label(&state.zone_name), event: Box::new(event) },
            _ = tick(&mut ticker) => Msg::RefreshTick,
            _ = clock.tick() => Msg::Clock(jiff::Timestamp::now().as_millisecond()),
            _ = signals.next() => return Ok(()),
        };
        if let Msg::Key(_) = msg {
            rest_at = tokio::time::Instant::now() + super::update::REST;
            resting = true;
            keys_seen += 1;
            assert!(inject != "update", "injected panic in update (OFFSETDECK_INJECT_PANIC=update)");
        }
        // Engine events that are already waiting are applied with this one before the next frame: a refresh's
        // thousands of reads are drawn a few times, not once each.
        let mut burst = vec![msg];
        if matches!(burst[0], Msg::Engine { .. }) {
            while burst.len() < 512 {
                let Ok(event) = events.try_recv() else { break };
                burst.push(Msg::Engine { at: now_label(&state.zone_name), event: Box::new(event) });
            }
        }
        let step = super::update::update_all(state, burst);
        dirty |= step.redraw;
        for effect in step.effects {
            match effect {
                Effect::Send(cmd) => {
                    let _ = commands.send(cmd);
                }
                Effect::Copy(text) => {
                    use std::io::Write;
                    let mut out = std::io::stdout();
                    let _ = out.write_all(super::copy::osc52(&text).as_bytes());
                    let _ = out.flush();
                }
                Effect::Remember(line) => {
                    if let Some(path) = &state.history_file
                        && let Err(e) = super::history::append(path, &line)
                    {
                        let text = format!("the command history could not be kept in {}: {e}", path.display());
                        state.push_log(String::new(), super::state::Level::Error, text);
                        state.history_file = None;
                        dirty = true;
                    }
                }
            }
        }
    }
}

async fn tick(ticker: &mut Option<tokio::time::Interval>) {
    match ticker {
        Some(t) => {
            t.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// `HH:MM:SS` now, in the profile's zone.
pub fn now_label(zone_name: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone_name).unwrap_or_else(|_| jiff::tz::TimeZone::system());
    jiff::Timestamp::now().to_zoned(tz).strftime("%H:%M:%S").to_string()
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT from outside end the session cleanly (raw mode keeps Ctrl-C and Ctrl-\\ from
/// sending them, so these come from `kill`, tmux or a closing SSH session).
struct Signals {
    #[cfg(unix)]
    streams: Vec<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let kinds = [SignalKind::terminate(), SignalKind::hangup(), SignalKind::interrupt(), SignalKind::quit()];
            Self { streams: kinds.into_iter().filter_map(|k| signal(k).ok()).collect() }
        }
        #[cfg(not(unix))]
        Self {}
    }

    async fn next(&mut self) {
        #[cfg(unix)]
        {
            if self.streams.is_empty() {
                return std::future::pending().await;
            }
            let any = self.streams.iter_mut().map(|s| Box::pin(s.recv()));
            futures_util::future::select_all(any).await;
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::state::Job;

    #[test]
    fn quitting_with_a_job_running_is_a_failure_that_says_how_far_it_got() {
        let mut s = AppState::new(crate::engine::fixtures::profile(), (80, 24), false, false, "UTC".into());
        assert_eq!(Exit::of(&s), Exit { message: None, interrupted: false });
        s.job = Some(Job {
            id: 3,
            label: "hw/orders".into(),
            done: 9,
            total: 15,
            failed: 0,
            cancelling: false,
            asked: None,
        });
        let e = Exit::of(&s);
        assert!(e.interrupted);
        assert!(e.message.unwrap().contains("job 3 (hw/orders) was running: 9 of 15 call(s)"));
    }
}
