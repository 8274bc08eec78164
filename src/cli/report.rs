//! How the headless commands print plans and results.

use super::table::{Align::*, Table};
use crate::engine::job::{JobEnd, JobEvent, JobReport, Observer};
use crate::engine::outcome::{CallResult, Outcome};
use crate::engine::plan::{Plan, PlanKind, Row};

/// Shows the plan: summary, rows, notes, and the calls.
pub fn render_plan(plan: &Plan) -> String {
    let calls: Vec<String> = plan.calls.iter().map(ToString::to_string).collect();
    render_rows(plan.kind, &plan.summary, &plan.rows, &plan.notes, &calls)
}

/// The confirmation's table, notes and calls, for a plan or a plan file.
pub fn render_rows(kind: PlanKind, summary: &str, rows: &[Row], notes: &[String], calls: &[String]) -> String {
    // Exhaustive: a new kind of plan must say here how its preview reads.
    let mut out = format!("{summary}\n");
    let show = |v: Option<i64>| v.map_or("-".to_owned(), |x| x.to_string());
    match kind {
        PlanKind::Reset => {
            let mut table = Table::new(&[
                ("topic", Left),
                ("part", Right),
                ("committed", Right),
                ("start", Right),
                ("end", Right),
                ("-> target", Right),
                ("effect", Right),
                ("lag now", Right),
                ("lag after", Right),
            ]);
            let timed = rows.iter().any(|r| r.target_time_ms.is_some());
            for r in rows {
                let mut mark = if r.clamped { " (clamped to the log)".to_owned() } else { String::new() };
                if let Some(at) =
                    r.target_time_ms.filter(|_| timed).and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
                {
                    mark.push_str(&format!("  target written {}", at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")));
                }
                table.row_then(
                    vec![
                        r.topic.clone(),
                        r.partition.to_string(),
                        show(r.current),
                        show(r.start),
                        show(r.end),
                        show(r.target),
                        r.effect(),
                        show(r.lag_now()),
                        show(r.lag_after()),
                    ],
                    mark,
                );
            }
            out.push_str(&table.render());
            let (replayed, skipped) = crate::engine::plan::totals(rows);
            out.push_str(&format!("in all: {replayed} message(s) will be consumed again, {skipped} skipped\n"));
            if let Some(u) = crate::engine::plan::unknown_note(rows) {
                out.push_str(&format!("NOT COUNTED: {u}\n"));
            }
            if let Some((now, after)) = crate::engine::plan::lag_totals(rows) {
                out.push_str(&format!("lag in all: {now} now, {after} after\n"));
            }
        }
        PlanKind::DeleteOffsets => {
            let mut table = Table::new(&[
                ("topic", Left),
                ("part", Right),
                ("committed", Right),
                ("start", Right),
                ("end", Right),
                ("if earliest", Right),
                ("if latest", Right),
            ]);
            for r in rows {
                let earliest = r.replays_if_earliest().map_or("-".to_owned(), |n| format!("replay {n}"));
                let latest = r.skips_if_latest().map_or("-".to_owned(), |n| format!("skip {n}"));
                table.row(vec![
                    r.topic.clone(),
                    r.partition.to_string(),
                    show(r.current),
                    show(r.start),
                    show(r.end),
                    earliest,
                    latest,
                ]);
            }
            out.push_str(&table.render());
            let (earliest, latest) = crate::engine::plan::restart_outcomes(rows);
            out.push_str(&format!(
            "then the group starts from its auto.offset.reset: earliest replays {earliest} message(s), latest skips {latest}\n"
        ));
        }
        PlanKind::DeleteMessages => {
            let mut table =
                Table::new(&[("topic", Left), ("part", Right), ("start", Right), ("end", Right), ("committed", Right)]);
            for r in rows {
                // The deletion is said on the partition's own line, after its columns.
                let deleted = match (r.target, r.start) {
                    (Some(t), Some(s)) => format!("  new log start {t}: {} message(s) deleted", t - s),
                    _ => String::new(),
                };
                table.row_then(
                    vec![r.topic.clone(), r.partition.to_string(), show(r.start), show(r.end), show(r.current)],
                    deleted,
                );
            }
            out.push_str(&table.render());
        }
    }
    for n in notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out.push_str("calls:\n");
    for c in calls {
        out.push_str(&format!("  {c}\n"));
    }
    out
}

/// Prints each call as it ends (text), and what the job says along the way.
pub struct CallPrinter {
    pub json: bool,
}

impl Observer for CallPrinter {
    fn on(&mut self, event: JobEvent<'_>) {
        match event {
            JobEvent::Snapshot(p) if !self.json => say!("snapshot: {}", p.display()),
            JobEvent::Snapshot(_) => {}
            JobEvent::Call { outcome, .. } if !self.json => sayn!("{}", outcome_line(outcome)),
            JobEvent::Call { .. } => {}
            JobEvent::Problem(text) => esay!("error: {text}"),
            JobEvent::Group { group, index, of } if !self.json => say!("== group {index} of {of}: `{group}`"),
            JobEvent::Group { .. } => {}
        }
    }
}

fn outcome_line(o: &Outcome) -> String {
    let id = o.request_id().unwrap_or("-");
    match &o.result {
        CallResult::Ok { .. } => format!("ok {} [request id {id}]\n", o.op()),
        CallResult::Failed { error, .. } => {
            format!("FAILED {} [request id {id}] after {} tries: {error}\n", o.op(), o.tries)
        }
        CallResult::Partial { failed, .. } => {
            let mut s = format!("PARTIAL {} [request id {id}]:\n", o.op());
            for f in failed {
                s.push_str(&format!("  {}: failed ({})\n", f.item, f.code));
            }
            s
        }
    }
}

/// A job's end as JSON: the plan, each call's result, the verification, how it ended and the snapshot.
pub fn report_value(done: &JobReport) -> serde_json::Value {
    let checks = done.verification.as_ref().and_then(|v| v.as_ref().ok());
    serde_json::json!({
        "plan": done.plan,
        "results": done.outcomes,
        "verification": checks,
        "end": done.end,
        "snapshot": done.snapshot,
    })
}

/// Prints how the job ended: JSON as one document, or the totals and the verification in words.
pub fn report(done: &JobReport, json: bool) {
    let checks = done.verification.as_ref().and_then(|v| v.as_ref().ok());
    if json {
        say_json!(report_value(done));
        return;
    }
    match &done.end {
        JobEnd::Refused { why } => return esay!("refused: {why}"),
        JobEnd::NotStarted { error } => return esay!("error: {error}; nothing was sent"),
        JobEnd::Cancelled { sent } => say!("stopped after {sent} call(s) had finished; the rest were not sent"),
        JobEnd::Unjournaled { sent, error } => {
            esay!("error: {error}; stopped after {sent} of {} call(s)", done.plan.calls.len())
        }
        JobEnd::Completed => {}
    }
    let n = done.outcomes.len();
    say!("{} of {n} call(s) succeeded", n - done.failed());
    if let Some(checks) = checks {
        for c in checks.iter().filter(|c| !c.ok) {
            say!("NOT AS PLANNED {} partition {}: {}", c.topic, c.partition, c.note.as_deref().unwrap_or(""));
        }
        say!("verified: {} of {} partition(s) as planned", checks.len() - done.unverified(), checks.len());
    }
}
