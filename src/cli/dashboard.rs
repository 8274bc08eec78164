//! `offsetdeck` and `offsetdeck --demo`: the edge that builds the worker (and, for the demo, the emulator) and hands
//! the dashboard its channels.

use std::path::Path;
use std::time::Duration;

use super::ops::{self, Stop};
use crate::core::profile::{self, Profile};
use crate::emulator;
use crate::engine::audit;
use crate::engine::paths::DataPaths;
use crate::engine::session::{Session, Via};
use crate::engine::worker;
use crate::providers::credentials::SystemEnvironment;
use crate::tui::state::Level;
use crate::tui::{app, state::AppState};
use std::sync::Arc;

/// Which demo: the built-in data, and whether the generated large instances join it.
#[derive(Debug, Clone, Copy)]
pub struct Demo {
    pub large: bool,
}

/// Runs the dashboard (on the emulator when `demo` is given); returns the exit code.
pub fn run(profile_flag: Option<&Path>, demo: Option<Demo>, plan_file: Option<&Path>) -> u8 {
    // A profile error is printed the way `check` prints it, before the screen is taken.
    let profile = if demo.is_some() { None } else { Some(ops::profile(profile_flag)) };
    let profile = match profile.transpose() {
        Ok(p) => p,
        Err(Stop(code, msg)) => {
            esay!("{msg}");
            return code;
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            esay!("error: {e}");
            return 1;
        }
    };
    let result = rt.block_on(async move {
        let (profile, _emulator) = match profile {
            Some(p) => (p, None),
            None => {
                let (p, h) = demo_profile(demo.is_some_and(|d| d.large)).await?;
                (p, Some(h))
            }
        };
        let (tz_name, refresh) = {
            let (_, name) = ops::zone(&profile);
            (name, profile.settings.refresh_seconds)
        };
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let session = Session::new(profile.clone(), Arc::new(SystemEnvironment), tz_name.clone(), Via::Dashboard)
            .map_err(|e| e.to_string())?;
        let w = worker::spawn(session, tx);
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let mut state = AppState::new(profile, (80, 24), demo.is_some(), color, tz_name).with_profile_keys();
        let paths = DataPaths::of(&state.profile);
        state.history_file = paths.as_ref().map(DataPaths::command_history);
        if let Some(path) = &state.history_file {
            state.history = crate::tui::history::load(path);
        }
        // Jobs a crash or kill left unfinished in the last week are the first thing the user sees.
        if let Some(text) = paths.as_ref().and_then(|p| audit::read_tail(p.audit_log(), 4 << 20)) {
            let week_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * 7);
            for i in audit::interrupted(&text).iter().rev().take(5) {
                let recent = i.start["time"]
                    .as_str()
                    .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                    .is_some_and(|t| t > week_ago);
                if recent {
                    state.push_log(String::new(), Level::Error, audit::describe_interrupted(i));
                    state.interrupted.push(crate::tui::interrupted::Interrupted::of(i));
                }
            }
            if !state.interrupted.is_empty() {
                state.modal = Some(crate::tui::state::Modal::Interrupted(Default::default()));
            }
        }
        if let Some(path) = plan_file {
            let request = state.take_id();
            let what = format!("reading the plan file {} and the live state…", path.display());
            state.modal = Some(crate::tui::state::Modal::Planning { request, what, progress: None });
            let _ = w.commands.send(worker::Command::OpenPlan { request, path: path.to_owned() });
        }
        let refresh = (refresh > 0).then(|| Duration::from_secs(refresh));
        // The full log goes next to the audit trail; the pane keeps only the newest lines.
        let log_file = paths.as_ref().map(DataPaths::dashboard_log);
        app::run(state, w.commands, rx, refresh, log_file).await.map_err(|e| e.to_string())
    });
    rt.shutdown_timeout(Duration::from_millis(200));
    if demo.is_some() {
        let _ = std::fs::remove_dir_all(demo_dir());
    }
    match result {
        Ok(exit) => {
            if let Some(m) = &exit.message {
                esay!("{m}");
            }
            u8::from(exit.interrupted)
        }
        Err(e) => {
            esay!("error: {e}");
            1
        }
    }
}

/// The demo's own directory for its audit trail, snapshots and log: the emulator starts fresh each run, so nothing
/// it writes means anything later, and none of it may mix with the user's real trail.
///
/// Made atomically with a random name and owner-only (mkdtemp), so another user cannot pre-create it (with
/// symlinks in it) and receive the demo's writes.
pub fn demo_dir() -> std::path::PathBuf {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        tempfile::Builder::new()
            .prefix(&format!("offsetdeck-demo-{}-", std::process::id()))
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .tempdir()
            .map(tempfile::TempDir::keep)
            // No temporary directory at all: a path that cannot be created makes the demo's writes fail loudly.
            .unwrap_or_else(|_| std::path::PathBuf::from("/nonexistent/offsetdeck-demo"))
    })
    .clone()
}

/// The emulator with the demo data, and a profile pointing at it. The large instances are added after the profile
/// is written, so the dashboard discovers them as it would a real account's.
pub async fn demo_profile(large: bool) -> Result<(Profile, emulator::Handle), String> {
    let world = emulator::data::parse(emulator::data::DEMO, jiff::Timestamp::now().as_millisecond())?;
    let handle =
        emulator::spawn(world, ([127, 0, 0, 1], 0).into()).await.map_err(|e| format!("starting the emulator: {e}"))?;
    let mut text = emulator::write_profile(&handle.state().world, &handle.url());
    if large {
        emulator::large::add_to(&mut handle.state().world);
        // The emulator is local: Huawei's unpublished default of 10 calls/s would make 200 listing pages take 20 s.
        text = text.replacen(
            "[huawei.hw-demo]\n",
            "[huawei.hw-demo]\nrate_limit_per_second = 1000\nrate_limit_ceiling_per_second = 1000\n",
            1,
        );
    }
    // The demo moves (consumers commit, retention deletes), and its status window is the shortest allowed, so
    // every lag status shows within a minute or two.
    emulator::living::demo(&mut handle.state().world, jiff::Timestamp::now().as_millisecond());
    text = text.replacen("[settings]\n", "[settings]\nlag_window_seconds = 60\n", 1);
    text = text.replacen("[settings]\n", "[settings]\nrefresh_seconds = 5\n", 1);
    // The demo shows a protected account too: the Tencent one.
    text = text.replacen("[tencent.tc-demo]\n", "[tencent.tc-demo]\nprotected = true\n", 1);
    let audit = demo_dir().join("audit.jsonl");
    text = text.replacen("[settings]\n", &format!("[settings]\naudit_log = {:?}\n", audit.display().to_string()), 1);
    let profile = profile::parse(&text, "demo profile").map_err(|e| e.to_string())?.profile;
    Ok((profile, handle))
}

#[cfg(test)]
mod tests {
    use super::demo_dir;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_demo_directory_is_fresh_private_and_unguessable() {
        let dir = demo_dir();
        let meta = std::fs::symlink_metadata(&dir).unwrap();
        assert!(meta.is_dir() && !meta.file_type().is_symlink());
        assert_eq!(meta.permissions().mode() & 0o777, 0o700, "owner-only");
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let predictable = format!("offsetdeck-demo-{}", std::process::id());
        assert!(name.starts_with(&format!("{predictable}-")) && name.len() > predictable.len() + 4, "{name}");
        assert_eq!(demo_dir(), dir, "one directory per process");
        let _ = std::fs::remove_dir_all(dir);
    }
}
