//! `--plan-out FILE`, `offsetdeck show FILE` and `offsetdeck apply FILE`: the edges of the engine's plan files.

use std::path::Path;

use super::ops::{R, WriteMode, bad, exit, run_plan, runtime, session};
use super::report::render_rows;
use crate::core::profile::Profile;
use crate::engine::discover;
use crate::engine::plan::{Plan, Row};
use crate::engine::planfile::{self, PlanFile};
use crate::engine::session::Session;

/// Writes a plan as a file only its owner can read, and says how to apply it.
pub fn save(
    session: &Session,
    rt: &tokio::runtime::Runtime,
    plan: Plan,
    path: &Path,
    valid: &str,
    json: bool,
) -> R<u8> {
    let valid = crate::core::strategy::parse_duration(valid).map_err(|e| bad(format!("--expires: {e}")))?;
    let file = rt.block_on(planfile::save(session, plan, path, valid))?;
    if json {
        say_json!(
            serde_json::json!({"plan_file": path.display().to_string(), "sha256": file.sha256, "expires_at": file.expires_at})
        );
    } else {
        sayn!("{}", render(&file));
        say!(
            "wrote the plan to {} (sha256 {}), nothing was sent; it expires at {}. Apply it with: offsetdeck apply {}",
            path.display(),
            file.sha256,
            file.expires_at,
            path.display()
        );
    }
    Ok(exit::OK)
}

/// The file as the confirmation shows a plan, with who planned it and when.
fn render(f: &PlanFile) -> String {
    let rows: Vec<Row> = f
        .rows
        .iter()
        .map(|r| Row {
            topic: r.topic.clone(),
            partition: r.partition,
            current: r.committed,
            start: r.start,
            end: r.end,
            target: r.target,
            clamped: false,
            target_time_ms: None,
            unknown: None,
            call: 0,
        })
        .collect();
    let calls: Vec<String> = f.requests.iter().map(|v| format!("{} {} {}", v.method, v.url, v.body)).collect();
    let mut out = render_rows(f.kind, &f.summary, &rows, &f.notes, &calls);
    out.push_str(&format!(
        "planned by {} at {} from group state {} with {} member(s); expires at {}\nsha256 {} (it detects accidental edits, not deliberate ones)\n",
        f.planned_by,
        f.planned_at,
        if f.seen.group_state.is_empty() { "-" } else { &f.seen.group_state },
        f.seen.members,
        f.expires_at,
        f.sha256
    ));
    out
}

/// `show FILE`.
pub fn show(path: &Path, json: bool) -> R<u8> {
    let f = planfile::load(path)?;
    if json {
        say_json!(serde_json::to_value(&f).unwrap_or_default());
    } else {
        sayn!("{}", render(&f));
    }
    Ok(exit::OK)
}

/// `apply FILE`: the file's pins planned again, refused with a diff when anything moved, else the usual
/// confirmation and job.
pub fn apply(p: &Profile, path: &Path, mode: WriteMode<'_>) -> R<u8> {
    let f = planfile::load(path)?;
    let mut session = session(p)?;
    let rt = runtime()?;
    rt.block_on(discover::ensure(&mut session, &f.target.key.instance))?;
    let plan = rt.block_on(planfile::replan(&session, &f))?;
    run_plan(&session, &rt, plan, WriteMode { plan_out: None, export: false, ..mode })
}
