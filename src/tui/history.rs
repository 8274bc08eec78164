//! The `:` line's history file, next to the audit trail: one line per command, newest last, private to the user.

use std::io::Write;
use std::path::Path;

use super::command_line::HISTORY;

/// The newest lines of the file (none when it is missing or unreadable: history is a convenience).
pub fn load(path: &Path) -> Vec<String> {
    let text = read(path).unwrap_or_default();
    let lines: Vec<String> = text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect();
    lines[lines.len().saturating_sub(HISTORY)..].to_vec()
}

/// The history is small: a file larger than this is not one.
const MAX_BYTES: u64 = 4 << 20;

fn read(path: &Path) -> Result<String, crate::engine::files::FileError> {
    crate::engine::files::read_text(path, MAX_BYTES, crate::engine::files::Links::Refuse)
}

/// Appends a line; past twice the kept length the file is rewritten with the newest lines only.
pub fn append(path: &Path, line: &str) -> std::io::Result<()> {
    // Stored inert: `tail` on the file, or a line recalled from it, shows escapes, never a raw control character.
    let line = crate::core::inert::inert(&line.replace(['\n', '\r'], " ")).into_owned();
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NOFOLLOW | libc::O_NONBLOCK);
    let mut f = opts.open(path)?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::other(format!("{} is not a regular file", path.display())));
    }
    writeln!(f, "{line}")?;
    let all = read(path).map_err(std::io::Error::other)?;
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

    #[test]
    fn lines_are_stored_inert_and_a_planted_link_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history");
        super::append(&path, "reset --group \u{1b}]0;owned\u{7}x").unwrap();
        let raw = std::fs::read_to_string(&path).unwrap();
        assert!(!raw.contains('\u{1b}') && raw.contains("\\x1b]0;owned"), "{raw:?}");
        let (victim, link) = (dir.path().join("victim"), dir.path().join("link"));
        std::fs::write(&victim, "keep\n").unwrap();
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(super::append(&link, "reset").is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
        assert!(super::load(&link).is_empty());
    }
}
