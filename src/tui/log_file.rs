//! The full log, in a file: the log pane keeps only the newest lines in memory.

use std::io::Write;
use std::path::PathBuf;

use super::state::{AppState, Level};

/// Past this size the file is renamed to `.1` and a new one started.
const ROTATE_BYTES: u64 = 10 * 1024 * 1024;

/// Appends the dashboard's log lines to a file as they are pushed.
pub struct LogFile {
    path: PathBuf,
    written: u64,
    failed: bool,
}

impl LogFile {
    /// A writer for `path` (created on the first line).
    pub fn new(path: PathBuf) -> Self {
        Self { path, written: 0, failed: false }
    }

    /// Writes the lines pushed since the last call. A failure is said once in the log pane, then the file is left.
    pub fn catch_up(&mut self, state: &mut AppState) {
        if self.failed || state.log.pushed == self.written {
            return;
        }
        let new = (state.log.pushed - self.written).min(state.log.lines.len() as u64) as usize;
        let mut text = String::new();
        for l in state.log.lines.iter().skip(state.log.lines.len() - new) {
            text.push_str(&line(l));
        }
        self.written = state.log.pushed;
        if let Err(e) = self.append(&text) {
            self.failed = true;
            state.push_log(
                String::new(),
                Level::Error,
                format!("the log file {} cannot be written: {e}", self.path.display()),
            );
            self.written = state.log.pushed;
        }
    }

    fn append(&self, text: &str) -> std::io::Result<()> {
        let text = crate::core::inert::inert_lines(text);
        if let Some(dir) = self.path.parent() {
            crate::engine::audit::private_dir(dir)?;
        }
        if std::fs::metadata(&self.path).is_ok_and(|m| m.len() > ROTATE_BYTES) {
            std::fs::rename(&self.path, self.path.with_extension("log.1"))?;
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.create(true).append(true);
        // The log holds request ids, group names and server messages: the user's own, like the audit trail.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&self.path)?;
        // Inert: `tail -f dashboard.log` must not obey what a server put in a message.
        f.write_all(text.as_bytes())
    }
}

/// One log entry as the file holds it: time, mark, text, on exactly one line (a line break inside the text is
/// shown escaped, so an entry can never forge the next).
pub fn line(l: &super::state::LogLine) -> String {
    let mark = if l.level == Level::Error { "!" } else { " " };
    let text = crate::core::inert::one_line(&l.text);
    format!("{} {mark} {text}\n", if l.time.is_empty() { "--:--:--" } else { &l.time })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_every_line_once_even_past_the_pane_capacity() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dashboard.log");
        let text = include_str!("../../config.example.toml");
        let profile = crate::core::profile::parse(text, "x").unwrap().profile;
        let mut state = AppState::new(profile, (80, 24), false, false, "UTC".into());
        let mut f = LogFile::new(path.clone());
        for i in 0..(super::super::state::LOG_CAPACITY + 10) {
            state.push_log("12:00:00".into(), Level::Info, format!("line {i}"));
            if i % 100 == 0 {
                f.catch_up(&mut state);
            }
        }
        f.catch_up(&mut state);
        f.catch_up(&mut state);
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(written.lines().count(), super::super::state::LOG_CAPACITY + 10);
        assert!(written.starts_with("12:00:00   line 0\n"));
        assert_eq!(state.log.lines.len(), super::super::state::LOG_CAPACITY, "memory stays bounded");
    }

    #[test]
    fn the_log_is_private_and_inert() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("dashboard.log");
        let text = include_str!("../../config.example.toml");
        let profile = crate::core::profile::parse(text, "x").unwrap().profile;
        let mut state = AppState::new(profile, (80, 24), false, false, "UTC".into());
        let mut f = LogFile::new(path.clone());
        state.push_log("12:00:00".into(), Level::Error, "member \u{1b}]52;c;ZXZpbA==\u{7} joined \u{202e}".into());
        f.catch_up(&mut state);
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(!written.contains('\u{1b}') && !written.contains('\u{202e}'), "{written:?}");
        assert!(written.contains("\\x1b]52"), "{written}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        }
    }
}
