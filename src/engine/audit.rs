//! The audit trail: one JSON line per write, appended and fsynced, never rewritten, never holding a secret.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::job::JobEnd;
use super::outcome::Outcome;
use super::plan::Plan;
use super::verify::Check;
use crate::core::target::{TargetKey, TargetKind};

/// Who wrote a record, from where, when, and on what: shared by every line of a job.
#[derive(Debug, Clone, Serialize)]
pub struct Origin<'a> {
    /// When the record was written, UTC, RFC 3339.
    pub time: String,
    /// The local user.
    pub user: String,
    /// The local host.
    pub host: String,
    /// `huawei`, `ckafka` or `dts`.
    pub kind: TargetKind,
    /// Account (profile name).
    pub account: &'a str,
    /// Instance or subscription (profile name).
    pub instance: &'a str,
    /// Where it came from: `cli` or `dashboard`.
    pub via: &'a str,
}

impl<'a> Origin<'a> {
    /// Stamped now, for this user and host.
    pub fn now(target: &'a TargetKey, via: &'a str) -> Self {
        Self {
            time: now(),
            user: user(),
            host: hostname(),
            kind: target.kind,
            account: &target.account,
            instance: &target.instance,
            via,
        }
    }
}

/// One write, as recorded when it ends: the same record whichever front end ran it.
#[derive(Debug, Clone, Serialize)]
pub struct Record<'a> {
    /// Always `write`: the line that closes a job.
    pub event: &'static str,
    /// The job this closes (its `start` line has the same id).
    pub job: &'a str,
    #[serde(flatten)]
    pub origin: Origin<'a>,
    /// The whole plan: summary, per-partition rows, notes, and every call planned (no secrets).
    pub plan: &'a Plan,
    /// Each call sent, with its outcome and request id.
    pub results: &'a [Outcome],
    /// How the job ended (cancelled, stopped because a journal line failed).
    #[serde(flatten)]
    pub end: &'a JobEnd,
    /// The read-back comparison with the plan, when it was made.
    pub verification: Option<&'a [Check]>,
    /// The snapshot written before the first call.
    pub snapshot: &'a str,
}

impl<'a> Record<'a> {
    /// A record stamped now, for this user and host.
    pub fn new(
        job: &'a str,
        via: &'a str,
        plan: &'a Plan,
        results: &'a [Outcome],
        end: &'a JobEnd,
        verification: Option<&'a [Check]>,
        snapshot: &'a str,
    ) -> Self {
        Self { event: "write", job, origin: Origin::now(&plan.target, via), plan, results, end, verification, snapshot }
    }
}

/// The local user: `$USER`, `$LOGNAME`, else the name of this process's uid.
pub fn user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(uid_name)
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(unix)]
fn uid_name() -> Option<String> {
    // SAFETY: getpwuid returns a pointer into static storage or null; the name is copied before any other call.
    unsafe {
        let pw = libc::getpwuid(libc::getuid());
        if pw.is_null() || (*pw).pw_name.is_null() {
            return None;
        }
        Some(std::ffi::CStr::from_ptr((*pw).pw_name).to_string_lossy().into_owned())
    }
}

#[cfg(not(unix))]
fn uid_name() -> Option<String> {
    None
}

fn now() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A new job id: unique across processes.
pub fn job_id() -> String {
    format!("{}-{:08x}", jiff::Timestamp::now().as_millisecond(), fastrand::u32(..))
}

/// The line that opens a job, written before its first call.
#[derive(Debug, Clone, Serialize)]
pub struct Start<'a> {
    /// Always `start`.
    pub event: &'static str,
    /// The job id.
    pub job: &'a str,
    /// Who, where, when and on what.
    #[serde(flatten)]
    pub origin: Origin<'a>,
    /// The write in words.
    pub summary: &'a str,
    /// The group it writes (none for message deletes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<&'a str>,
    /// How many calls it will send.
    pub calls: usize,
    /// The snapshot taken before it.
    pub snapshot: &'a str,
    /// The SHA-256 of the plan file it applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_file: Option<&'a str>,
}

impl<'a> Start<'a> {
    /// A start line, stamped now.
    pub fn new(job: &'a str, via: &'a str, plan: &'a Plan, snapshot: &'a str) -> Self {
        let origin = Origin::now(&plan.target, via);
        let plan_file = plan.plan_file.as_deref();
        Self {
            event: "start",
            job,
            origin,
            summary: &plan.summary,
            group: plan.group.as_deref(),
            calls: plan.calls.len(),
            snapshot,
            plan_file,
        }
    }
}

/// One finished call of a job, written (and fsynced) as soon as it ends.
#[derive(Debug, Clone, Serialize)]
pub struct Call<'a> {
    /// Always `call`.
    pub event: &'static str,
    /// The job id.
    pub job: &'a str,
    /// When, UTC.
    pub time: String,
    /// 1-based position in the job.
    pub n: usize,
    /// How the call ended.
    pub outcome: &'a Outcome,
}

impl<'a> Call<'a> {
    /// A call line, stamped now.
    pub fn new(job: &'a str, n: usize, outcome: &'a Outcome) -> Self {
        Self { event: "call", job, time: now(), n, outcome }
    }
}

/// A call about to be sent, written (and fsynced) before it leaves: a job killed while the call is in flight leaves
/// a `sent` line with no `call` line, so the journal tells "in flight, may have been applied" from "not sent".
#[derive(Debug, Clone, Serialize)]
pub struct Sent<'a> {
    /// Always `sent`.
    pub event: &'static str,
    pub job: &'a str,
    pub time: String,
    /// 1-based position in the job.
    pub n: usize,
}

impl<'a> Sent<'a> {
    pub fn new(job: &'a str, n: usize) -> Self {
        Self { event: "sent", job, time: now(), n }
    }
}

/// A job that started but never wrote its closing record: killed, or the machine went down.
#[derive(Debug, Clone, PartialEq)]
pub struct Interrupted {
    /// The job id.
    pub job: String,
    /// Its start line.
    pub start: serde_json::Value,
    /// The calls that finished, in order.
    pub calls: Vec<serde_json::Value>,
    /// The calls sent that never finished: in flight when it stopped, so they may have been applied.
    pub in_flight: usize,
}

impl Interrupted {
    /// The number of calls the job planned.
    pub fn total(&self) -> usize {
        self.start["calls"].as_u64().unwrap_or(0) as usize
    }

    /// The calls never sent.
    pub fn not_sent(&self) -> usize {
        self.total().saturating_sub(self.calls.len() + self.in_flight)
    }
}

/// The interrupted jobs in an audit log's text. Lines that are not whole JSON are skipped.
pub fn interrupted(text: &str) -> Vec<Interrupted> {
    let lines: Vec<serde_json::Value> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let closed: std::collections::HashSet<&str> =
        lines.iter().filter(|v| v["event"] == "write").filter_map(|v| v["job"].as_str()).collect();
    lines
        .iter()
        .filter(|v| v["event"] == "start")
        .filter_map(|v| v["job"].as_str())
        .filter(|job| !closed.contains(job))
        .map(|job| {
            let calls: Vec<serde_json::Value> =
                lines.iter().filter(|v| v["event"] == "call" && v["job"] == job).cloned().collect();
            let finished: std::collections::HashSet<u64> = calls.iter().filter_map(|c| c["n"].as_u64()).collect();
            let in_flight = lines
                .iter()
                .filter(|v| v["event"] == "sent" && v["job"] == job)
                .filter_map(|v| v["n"].as_u64())
                .filter(|n| !finished.contains(n))
                .count();
            Interrupted {
                job: job.to_owned(),
                start: lines.iter().find(|v| v["event"] == "start" && v["job"] == job).cloned().unwrap_or_default(),
                calls,
                in_flight,
            }
        })
        .collect()
}

/// The last `max_bytes` of an audit log, from the first whole line: enough to find recent interrupted jobs without
/// reading a log that only ever grows.
pub fn read_tail(path: &Path, max_bytes: u64) -> Option<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NONBLOCK);
    let mut f = opts.open(path).ok()?;
    let meta = f.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let len = meta.len();
    let start = len.saturating_sub(max_bytes);
    f.seek(SeekFrom::Start(start)).ok()?;
    let mut bytes = Vec::new();
    f.take(max_bytes).read_to_end(&mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Some(if start == 0 { text } else { text.split_once('\n').map_or(String::new(), |(_, rest)| rest.to_owned()) })
}

/// One line per interrupted job, for the dashboard's log and `offsetdeck audit`.
pub fn describe_interrupted(i: &Interrupted) -> String {
    // Older journals said `"ok": true`; newer ones `"status": "ok"`.
    let ok = i.calls.iter().filter(|c| c["outcome"]["status"] == "ok" || c["outcome"]["ok"] == true).count();
    let flight = match i.in_flight {
        0 => String::new(),
        n => format!(", {n} in flight (may have been applied)"),
    };
    format!(
        "INTERRUPTED job {} ({}/{}, started {}): {}; of {} call(s), {} finished ({ok} ok){flight}, {} not sent; snapshot {}",
        i.job,
        i.start["account"].as_str().unwrap_or("?"),
        i.start["instance"].as_str().unwrap_or("?"),
        i.start["time"].as_str().unwrap_or("?"),
        i.start["summary"].as_str().unwrap_or(""),
        i.total(),
        i.calls.len(),
        i.not_sent(),
        i.start["snapshot"].as_str().unwrap_or("-"),
    )
}

/// This machine's name.
pub fn hostname() -> String {
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

/// Kept for the dashboard's log file (`tui/log_file.rs`), which is outside this branch's reach; the rule itself is
/// [`super::paths::private_dir`].
pub use super::paths::private_dir;

/// Appends one record as a JSON line and fsyncs it before returning.
pub fn append(path: &Path, record: &impl Serialize) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        private_dir(dir)?;
    }
    // Stored inert: text a server chose (a client id, an error message) cannot act on a terminal that prints it.
    let text = serde_json::to_string(record).map_err(std::io::Error::other)?;
    let mut line = crate::core::inert::inert_json(&text).into_owned().into_bytes();
    line.push(b'\n');
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.read(true);
    // Not through a link planted in its place, and never blocking on a FIFO put there.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NOFOLLOW | libc::O_NONBLOCK);
    let mut f = opts.open(path)?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::other(format!("{} is not a regular file", path.display())));
    }
    // A line torn by a crash or a full disk is ended first, so this record starts on a line of its own.
    if ends_torn(&mut f)? {
        line.insert(0, b'\n');
    }
    // One write call per record, so a crash leaves whole lines (or none) behind.
    f.write_all(&line)?;
    f.sync_all()
}

fn ends_torn(f: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if f.metadata()?.len() == 0 {
        return Ok(false);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_last_line_is_ended_before_the_next_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        std::fs::write(&path, "{\"event\":\"start\",\"job\":\"a\",\"calls\":2}\n{\"event\":\"call\",\"jo").unwrap();
        append(&path, &serde_json::json!({"event": "start", "job": "b", "calls": 1})).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(serde_json::from_str::<serde_json::Value>(lines[2]).is_ok(), "the new record is whole: {text}");
        let open: Vec<String> = interrupted(&text).into_iter().map(|i| i.job).collect();
        assert_eq!(open, ["a", "b"], "both jobs are still seen as interrupted");
    }

    #[test]
    fn the_tail_starts_at_a_whole_line_and_still_finds_interrupted_jobs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&format!(
                "{{\"event\":\"write\",\"job\":\"old-{i}\",\"padding\":\"{}\"}}\n",
                "x".repeat(100)
            ));
        }
        text.push_str("{\"event\":\"start\",\"job\":\"cut\",\"calls\":3,\"summary\":\"reset\"}\n");
        text.push_str("{\"event\":\"call\",\"job\":\"cut\",\"n\":1,\"outcome\":{\"ok\":true}}\n");
        std::fs::write(&path, &text).unwrap();
        let tail = read_tail(&path, 1000).unwrap();
        assert!(tail.len() < 1000 && tail.starts_with("{\"event\""), "{}", &tail[..40]);
        let found = interrupted(&tail);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].job.as_str(), found[0].calls.len()), ("cut", 1));
        assert_eq!(read_tail(&path, 1 << 20).unwrap(), text, "a short file is read whole");
    }
}
