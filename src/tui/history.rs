//! The `:` line's history file, next to the audit trail: one line per command, newest last, private to the user.

use std::io::Write;
use std::path::Path;

use super::command_line::HISTORY;

/// The newest lines of the file (none when it is missing or unreadable: history is a convenience).
pub fn load(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<String> = text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect();
    lines[lines.len().saturating_sub(HISTORY)..].to_vec()
}

/// Appends a line; past twice the kept length the file is rewritten with the newest lines only.
pub fn append(path: &Path, line: &str) -> std::io::Result<()> {
    let line = line.replace(['\n', '\r'], " ");
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    writeln!(opts.open(path)?, "{line}")?;
    let all = std::fs::read_to_string(path)?;
    if all.lines().count() > 2 * HISTORY {
        let keep = load(path).join("\n") + "\n";
        crate::engine::durable::write(path, keep.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_newest_lines_and_one_line_per_command() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history");
        for i in 0..(2 * super::HISTORY + 5) {
            super::append(&path, &format!("reset --group g{i}")).unwrap();
        }
        super::append(&path, "a\nb").unwrap();
        let lines = super::load(&path);
        assert_eq!(lines.len(), super::HISTORY);
        assert_eq!(lines.last().unwrap(), "a b");
        assert_eq!(lines[0], format!("reset --group g{}", super::HISTORY + 6));
    }
}
