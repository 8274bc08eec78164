//! Finding, reading and checking the profile file.

use std::path::{Path, PathBuf};

use crate::core::diag::{Diagnostic, Severity};
use crate::core::profile::{self, Loaded, ProfileError};

/// Where the profile is, and how we decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The file.
    pub path: PathBuf,
    /// Why this file: `--profile`, `$OFFSETDECK_PROFILE` or the default location.
    pub origin: &'static str,
}

/// `--profile PATH`, else `$OFFSETDECK_PROFILE`, else `<config dir>/offsetdeck/profile.toml`.
pub fn locate(flag: Option<&Path>) -> Result<Located, String> {
    if let Some(p) = flag {
        return Ok(Located { path: p.to_owned(), origin: "--profile" });
    }
    if let Some(p) = std::env::var_os("OFFSETDECK_PROFILE").filter(|p| !p.is_empty()) {
        return Ok(Located { path: p.into(), origin: "$OFFSETDECK_PROFILE" });
    }
    let dirs = directories::ProjectDirs::from("", "", "offsetdeck")
        .ok_or("cannot find your home directory; pass --profile PATH")?;
    Ok(Located { path: dirs.config_dir().join("profile.toml"), origin: "the default location" })
}

/// The largest profile read: a generous bound for hand-written TOML, so a wrong path (a device, a log) is an error.
const MAX_PROFILE_BYTES: u64 = 8 << 20;

fn read_capped(path: &std::path::Path) -> Result<String, crate::engine::files::FileError> {
    crate::engine::files::read_text(path, MAX_PROFILE_BYTES, crate::engine::files::Links::Follow)
}

/// Reads and validates the profile, adding a warning when inline keys sit in a file others can read.
pub fn load(located: &Located) -> Result<Loaded, ProfileError> {
    let file = located.path.display().to_string();
    let text = read_capped(&located.path).map_err(|e| {
        use crate::engine::files::FileError;
        let help = if e.not_found() {
            format!(
                "the profile was looked for at {} (from {}); run `offsetdeck init` to write a starter profile there, or pass --profile PATH",
                file, located.origin
            )
        } else if matches!(e, FileError::Io { .. }) {
            "check the file's permissions".to_owned()
        } else {
            "pass the path of the profile file".to_owned()
        };
        let d = Diagnostic::at(Severity::Error, &file, "", None, "", format!("cannot read the profile: {e}")).help(help);
        ProfileError { diagnostics: vec![d] }
    })?;
    let mut loaded = profile::parse(&text, &file)?;
    if has_inline_keys(&loaded) && readable_by_others(&located.path) {
        let d = Diagnostic::at(
            Severity::Warning,
            &file,
            "",
            None,
            "",
            "the profile holds inline keys and is readable by group or others",
        )
        .help(format!("run `chmod 600 {file}`, or move the keys to environment variables or credential_process"));
        loaded.warnings.push(d);
    }
    Ok(loaded)
}

fn has_inline_keys(loaded: &Loaded) -> bool {
    let p = &loaded.profile;
    p.huawei.iter().any(|a| a.credentials.inline.is_some()) || p.tencent.iter().any(|a| a.credentials.inline.is_some())
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).map(|m| m.permissions().mode() & 0o077 != 0).unwrap_or(false)
}

#[cfg(not(unix))]
fn readable_by_others(_: &Path) -> bool {
    false
}
