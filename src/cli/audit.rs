//! `offsetdeck audit`: the trail, readably.

use super::ops::{R, Stop, bad, exit, zone};
use crate::core::profile::Profile;
use crate::core::strategy;
use crate::engine::audit;
use crate::engine::paths::DataPaths;

/// `audit`: the trail, readably, optionally only since a time (`6h`, `2d`, or a datetime).
pub fn audit_trail(p: &Profile, since: Option<&str>, json: bool) -> R<u8> {
    let (tz, zone_name) = zone(p);
    let since = match since {
        None => None,
        Some(v) => Some(match strategy::parse_duration(v) {
            Ok(d) => jiff::Timestamp::now().checked_sub(d).map_err(|_| {
                bad(format!("--since {v:?} reaches back before the year -9999; give a shorter duration or a datetime"))
            })?,
            Err(_) => strategy::parse_datetime(v, &tz).map_err(|_| {
                bad(format!("--since {v:?}: write a duration (6h, 2d) or a datetime (2025-01-02 11:04)"))
            })?,
        }),
    };
    let path = DataPaths::of(p)
        .map(|d| d.audit_log().to_owned())
        .ok_or_else(|| bad("no home directory: set settings.audit_log"))?;
    // The trail only grows; a year of busy use is tens of MiB.
    let text = match crate::engine::files::read_text(&path, 512 << 20, crate::engine::files::Links::Follow) {
        Ok(t) => t,
        Err(e) if e.not_found() => {
            if json {
                say_json!(serde_json::json!({"audit_log": path, "records": [], "interrupted": []}));
            } else {
                say!("no audit records yet ({} does not exist)", path.display());
            }
            return Ok(exit::OK);
        }
        Err(e) => return Err(Stop(exit::FAILED, format!("reading the audit trail: {e}"))),
    };
    // As JSON: one document, the closing records (each with its plan, results and verification) and the jobs the
    // journal shows were interrupted.
    let mut records: Vec<serde_json::Value> = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            esay!("{}:{}: not a whole record (an interrupted write?); skipped", path.display(), n + 1);
            continue;
        };
        // Start, sent and call lines are the journal; the write line tells the whole story.
        if v["event"] == "start" || v["event"] == "sent" || v["event"] == "call" {
            continue;
        }
        let at = v["time"].as_str().and_then(|t| t.parse::<jiff::Timestamp>().ok());
        if since.zip(at).is_some_and(|(since, at)| at < since) {
            continue;
        }
        if json {
            records.push(v);
            continue;
        }
        let when = at.map_or_else(|| "?".to_owned(), |a| strategy::echo_time(a, &tz, &zone_name));
        say!(
            "{when}  {}@{}  {}/{} via {}",
            v["user"].as_str().unwrap_or("?"),
            v["host"].as_str().unwrap_or("?"),
            v["account"].as_str().unwrap_or("?"),
            v["instance"].as_str().unwrap_or("?"),
            v["via"].as_str().unwrap_or("?")
        );
        say!("  {}", v["plan"]["summary"].as_str().unwrap_or(""));
        for r in v["results"].as_array().into_iter().flatten() {
            let id = r["request_id"].as_str().unwrap_or("-");
            let err = r["error"].as_str().map(|e| format!(": {e}")).unwrap_or_default();
            say!("  {} {}{} [request id {id}]{err}", state(r), op(r), call_target(r));
        }
        match v["end"].as_str() {
            Some("cancelled") => say!("  cancelled: the rest of the calls were not sent"),
            Some("unjournaled") => {
                say!("  stopped: {}; the rest were not sent", v["error"].as_str().unwrap_or("a call was not journaled"))
            }
            _ if v["cancelled"].as_bool() == Some(true) => say!("  cancelled: the rest of the calls were not sent"),
            _ => {}
        }
        if let Some(checks) = v["verification"].as_array() {
            let bad: Vec<&serde_json::Value> = checks.iter().filter(|c| c["ok"] != true).collect();
            for c in &bad {
                say!(
                    "  NOT AS PLANNED {} partition {}: {}",
                    c["topic"].as_str().unwrap_or("?"),
                    c["partition"],
                    c["note"].as_str().unwrap_or("")
                );
            }
            say!("  verified: {} of {} partition(s) as planned", checks.len() - bad.len(), checks.len());
        }
    }
    let mut interrupted: Vec<serde_json::Value> = Vec::new();
    for i in audit::interrupted(&text) {
        let at = i.start["time"].as_str().and_then(|t| t.parse::<jiff::Timestamp>().ok());
        if since.zip(at).is_some_and(|(since, at)| at < since) {
            continue;
        }
        if json {
            interrupted.push(serde_json::json!({"start": i.start, "calls": i.calls}));
            continue;
        }
        say!("{}", audit::describe_interrupted(&i));
        for c in &i.calls {
            let o = &c["outcome"];
            say!("  {} {} [request id {}]", state(o), op(o), o["request_id"].as_str().unwrap_or("-"));
        }
    }
    if json {
        say_json!(serde_json::json!({"audit_log": path, "records": records, "interrupted": interrupted}));
    }
    Ok(exit::OK)
}

/// A journaled outcome's word: `ok`, `PARTIAL` or `FAILED` (older journals wrote `"ok": true`).
fn state(o: &serde_json::Value) -> &'static str {
    match o["status"].as_str() {
        Some("ok") => "ok",
        Some("partial") => "PARTIAL",
        None if o["ok"] == true => "ok",
        _ => "FAILED",
    }
}

/// What a journaled call moved, from its request body: ` orders p3`, or nothing when the body does not say.
fn call_target(o: &serde_json::Value) -> String {
    let b = &o["request"]["body"];
    let topic = b["topic"].as_str().or_else(|| b["Topic"].as_str()).or_else(|| b["TopicName"].as_str());
    let partition = b["partition"].as_i64().or_else(|| b["Partition"].as_i64());
    match (topic, partition) {
        (Some(t), Some(-1)) => format!(" {t} (all partitions)"),
        (Some(t), Some(p)) => format!(" {t} p{p}"),
        (Some(t), None) => format!(" {t}"),
        (None, Some(p)) => format!(" p{p}"),
        (None, None) => String::new(),
    }
}

/// A journaled outcome's operation (older journals had it at the top).
fn op(o: &serde_json::Value) -> &str {
    o["request"]["op"].as_str().or_else(|| o["op"].as_str()).unwrap_or("?")
}

/// `snapshots`: every snapshot, oldest first.
pub fn list_snapshots(p: &Profile, json: bool) -> R<u8> {
    let dir =
        DataPaths::of(p).map(|d| d.snapshots()).ok_or_else(|| bad("no home directory: set settings.audit_log"))?;
    let all = crate::engine::snapshot::list(&dir);
    if json {
        let items: Vec<serde_json::Value> = all
            .iter()
            .map(|(path, s)| match s {
                Ok(s) => serde_json::json!({
                    "file": path, "time": s.time, "account": s.account, "instance": s.instance,
                    "partitions": s.partitions.len(), "summary": s.summary,
                }),
                Err(e) => serde_json::json!({"file": path, "error": e.to_string()}),
            })
            .collect();
        say_json!(serde_json::json!({"dir": dir, "snapshots": items}));
        return Ok(exit::OK);
    }
    if all.is_empty() {
        say!("no snapshots in {}", dir.display());
    }
    for (path, s) in all {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match s {
            Ok(s) => say!(
                "{name}\n  {} {}/{}: {} partition(s) before: {}",
                s.time,
                s.account,
                s.instance,
                s.partitions.len(),
                s.summary
            ),
            Err(e) => say!("{name}\n  unreadable: {e}"),
        }
    }
    Ok(exit::OK)
}
