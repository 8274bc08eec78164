//! How the headless commands print plans and results.

use super::ops::exit;
use crate::engine::plan::{Plan, PlanKind};
use crate::engine::run::Outcome;
use crate::engine::verify::Check;

/// Shows the plan: summary, rows, notes, and the calls.
pub fn render_plan(plan: &Plan) -> String {
    let reset = plan.kind == PlanKind::Reset;
    let mut out = format!("{}\n", plan.summary);
    let show = |v: Option<i64>| v.map_or("-".to_owned(), |x| x.to_string());
    if reset {
        out.push_str(&format!(
            "{:<24} {:>5} {:>12} {:>12} {:>12} {:>12} {:>14} {:>10} {:>10}\n",
            "topic", "part", "committed", "start", "end", "-> target", "effect", "lag now", "lag after"
        ));
        let timed = plan.rows.iter().any(|r| r.target_time_ms.is_some());
        for r in &plan.rows {
            let mut mark = if r.clamped { " (clamped to the log)".to_owned() } else { String::new() };
            if let Some(at) =
                r.target_time_ms.filter(|_| timed).and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
            {
                mark.push_str(&format!("  target written {}", at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")));
            }
            out.push_str(&format!(
                "{:<24} {:>5} {:>12} {:>12} {:>12} {:>12} {:>14} {:>10} {:>10}{mark}\n",
                r.topic,
                r.partition,
                show(r.current),
                show(r.start),
                show(r.end),
                show(r.target),
                r.effect(),
                show(r.lag_now()),
                show(r.lag_after())
            ));
        }
        let (replayed, skipped) = plan.totals();
        out.push_str(&format!("in all: {replayed} message(s) will be consumed again, {skipped} skipped\n"));
        if let Some((now, after)) = plan.lag_totals() {
            out.push_str(&format!("lag in all: {now} now, {after} after\n"));
        }
    } else {
        out.push_str(&format!("{:<24} {:>5} {:>12} {:>12} {:>14}\n", "topic", "part", "start", "end", "committed"));
        for r in &plan.rows {
            out.push_str(&format!(
                "{:<24} {:>5} {:>12} {:>12} {:>14}\n",
                r.topic,
                r.partition,
                show(r.start),
                show(r.end),
                show(r.current)
            ));
            if let (Some(t), Some(s)) = (r.target, r.start) {
                out.push_str(&format!("{:<24} {:>5}   new log start {t}: {} message(s) deleted\n", "", "", t - s));
            }
        }
    }
    for n in &plan.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out.push_str("calls:\n");
    for c in &plan.calls {
        out.push_str(&format!("  {c}\n"));
    }
    out
}

/// Prints outcomes and returns the exit code.
pub fn report(plan: &Plan, outcomes: &[Outcome], checks: Option<&[Check]>, json: bool) -> u8 {
    let failed = outcomes.iter().filter(|o| !o.ok).count();
    let unverified = checks.map_or(0, |c| c.iter().filter(|c| !c.ok).count());
    if json {
        println!("{}", serde_json::json!({"plan": plan, "results": outcomes, "verification": checks}));
    } else {
        for o in outcomes {
            let id = o.request_id.as_deref().unwrap_or("-");
            match (&o.error, o.ok) {
                (Some(e), _) => println!("FAILED {} [request id {id}]: {e}", o.op),
                (None, true) => println!("ok {} [request id {id}]", o.op),
                (None, false) => {
                    println!("PARTIAL {} [request id {id}]:", o.op);
                    for (item, code) in &o.failed_items {
                        println!("  {item}: failed ({code})");
                    }
                }
            }
        }
        println!("{} of {} call(s) succeeded", outcomes.len() - failed, outcomes.len());
        if let Some(checks) = checks {
            for c in checks.iter().filter(|c| !c.ok) {
                println!("NOT AS PLANNED {} partition {}: {}", c.topic, c.partition, c.note.as_deref().unwrap_or(""));
            }
            println!("verified: {} of {} partition(s) as planned", checks.len() - unverified, checks.len());
        }
    }
    if failed == 0 && unverified == 0 { exit::OK } else { exit::FAILED }
}
