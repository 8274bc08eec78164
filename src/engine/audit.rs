//! The audit trail: one JSON line per write, appended and fsynced, never rewritten, never holding a secret.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::plan::Plan;
use super::run::Outcome;
use super::verify::Check;

/// One write, as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Record<'a> {
    /// When the record was written, UTC, RFC 3339.
    pub time: String,
    /// The local user.
    pub user: String,
    /// The local host.
    pub host: String,
    /// Account (profile name).
    pub account: &'a str,
    /// Instance or subscription (profile name).
    pub instance: &'a str,
    /// Where it came from: `cli` or `dashboard`.
    pub via: &'a str,
    /// The plan: summary, per-partition rows, notes, and the calls as sent (no secrets).
    pub plan: &'a Plan,
    /// Each call's outcome with its request id.
    pub results: &'a [Outcome],
    /// Whether the job was cancelled before all calls were sent.
    pub cancelled: bool,
    /// The read-back comparison with the plan, when it was made.
    pub verification: Option<&'a [Check]>,
    /// The snapshot written before the first call.
    pub snapshot: Option<String>,
}

impl<'a> Record<'a> {
    /// A record stamped now, for this user and host.
    pub fn new(
        account: &'a str,
        instance: &'a str,
        via: &'a str,
        plan: &'a Plan,
        results: &'a [Outcome],
        cancelled: bool,
    ) -> Self {
        Self {
            time: jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            user: std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "unknown".into()),
            host: hostname(),
            account,
            instance,
            via,
            plan,
            results,
            cancelled,
            verification: None,
            snapshot: None,
        }
    }
}

fn hostname() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length, and gethostname NUL-terminates within it on success.
        if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0 {
            let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
            return String::from_utf8_lossy(&buf[..end]).into_owned();
        }
    }
    "unknown".into()
}

/// The audit log's path: the profile's `audit_log`, else `<data dir>/offsetdeck/audit.jsonl`.
pub fn path(configured: Option<&str>) -> Option<PathBuf> {
    match configured {
        Some(p) => Some(PathBuf::from(p)),
        None => directories::ProjectDirs::from("", "", "offsetdeck").map(|d| d.data_dir().join("audit.jsonl")),
    }
}

/// Appends one record as a JSON line and fsyncs it before returning.
pub fn append(path: &Path, record: &Record<'_>) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path)?;
    // One write call per record, so a crash leaves whole lines (or none) behind.
    f.write_all(&line)?;
    f.sync_all()
}
