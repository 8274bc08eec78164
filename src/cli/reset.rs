//! `reset`: one group, or several under one confirmation (`--group` repeated or a glob, `--all-groups`).

use super::args::ResetArgs;
use super::ops::{self, R, Stop, WriteMode, bad, exit};
use super::report::{CallPrinter, render_plan, report_value};
use crate::core::profile::Profile;
use crate::engine::batch::{self, Batch};
use crate::engine::discover;
use crate::engine::order::Order;
use crate::engine::plan::PlanKind;
use crate::engine::planner;

/// Plans and runs the reset.
pub fn run(p: &Profile, a: &ResetArgs, mode: WriteMode<'_>) -> R<u8> {
    let mode = WriteMode { export: a.export || a.export_file.is_some(), export_file: a.export_file.as_deref(), ..mode };
    let select = a.select();
    let (tz, zone_name) = ops::zone(p);
    let several = select.single().is_none();
    let order = |group: &str| -> R<Order> { a.order(group, several, &tz, &zone_name).map_err(bad) };
    if let Some(one) = select.single() {
        return ops::write(p, order(one)?, mode);
    }
    if mode.plan_out.is_some() {
        return Err(bad("--plan-out: a plan file holds one group; write one file per group (--group NAME)"));
    }
    let mut session = ops::session(p)?;
    let rt = ops::runtime()?;
    rt.block_on(discover::ensure(&mut session, &a.instance))?;
    if let Some(from) = &a.from_instance {
        rt.block_on(discover::ensure(&mut session, from))?;
    }
    let groups = rt.block_on(batch::groups(&session, &a.instance, &select))?;
    let orders = groups.iter().map(|g| order(g)).collect::<R<Vec<_>>>()?;
    let purpose = if mode.export { planner::Purpose::Export } else { planner::Purpose::Write };
    let batch = rt.block_on(Batch::plan_for(&session, &orders, purpose));
    if mode.json || mode.export {
        for line in batch.left_out_lines() {
            ops::warn(&line);
        }
    }
    if batch.plans.is_empty() && batch.left_out.is_empty() && !batch.unchanged.is_empty() {
        if mode.json {
            say_json!(serde_json::json!({"batch": batch, "changes": false}));
        } else {
            for line in batch.left_out_lines() {
                say!("{line}");
            }
        }
        return Ok(exit::OK);
    }
    if let Some(code) = batch.nothing_code() {
        // A dry run ends as the export of the same plan would: a group that could not be read fails it.
        let code = if mode.dry_run && !batch.unread().is_empty() { exit::FAILED } else { code };
        return Err(Stop(code, format!("nothing to reset: none of the {} group(s) can be written", groups.len())));
    }
    // A group that could not be read makes the plan incomplete: an export of it prints nothing, and a dry run of
    // it ends as the export would.
    let unread: Vec<String> = batch.unread().iter().map(|l| format!("`{}`", l.group)).collect();
    if mode.export {
        if !unread.is_empty() {
            return Err(Stop(
                exit::FAILED,
                format!("nothing exported: {} could not be read, so the backup would be incomplete", unread.join(", ")),
            ));
        }
        let plans: Vec<&crate::engine::plan::Plan> = batch.plans.iter().collect();
        ops::emit_export(mode, &plans, true)?;
        return Ok(exit::OK);
    }
    let changes = batch.plans.iter().any(crate::engine::plan::Plan::changes);
    if let Some(code) = ops::preview(mode, changes, || serde_json::json!({"batch": batch}), || render_batch(&batch)) {
        return Ok(if unread.is_empty() { code } else { exit::FAILED });
    }
    ops::confirm(&batch.confirmation, mode)?;
    let left_out = batch.left_out.clone();
    let mut printer = CallPrinter { json: mode.json };
    let reports = super::out::run_job(&rt, batch::run(&session, batch, &super::out::STOP, &mut printer));
    if super::out::stopped() {
        esay!("{}", stopped_batch(&reports));
    }
    if mode.json {
        let jobs: Vec<serde_json::Value> = reports.iter().map(report_value).collect();
        say_json!(serde_json::json!({"jobs": jobs, "left_out": left_out}));
    } else {
        for r in &reports {
            say!("group `{}`:", r.plan.group.as_deref().unwrap_or_default());
            super::report::report(r, false);
        }
    }
    Ok(batch::exit_code(&reports))
}

/// Which groups of a stopped batch ran to the end, which stopped part way, and which were not started.
fn stopped_batch(reports: &[crate::engine::job::JobReport]) -> String {
    use crate::engine::job::JobEnd;
    let name = |r: &crate::engine::job::JobReport| format!("`{}`", r.plan.group.as_deref().unwrap_or_default());
    let (mut ran, mut stopped, mut not_started) = (Vec::new(), Vec::new(), Vec::new());
    for r in reports {
        match r.end {
            JobEnd::Cancelled { .. } if r.snapshot.is_none() => not_started.push(name(r)),
            JobEnd::Cancelled { sent } => {
                stopped.push(format!("{} after {sent} of {} call(s)", name(r), r.plan.calls.len()))
            }
            _ => ran.push(name(r)),
        }
    }
    let list = |v: &[String]| if v.is_empty() { "none".to_owned() } else { v.join(", ") };
    format!(
        "stopped: ran {} group(s) ({}); stopped {} ({}); not started {} ({})",
        ran.len(),
        list(&ran),
        stopped.len(),
        list(&stopped),
        not_started.len(),
        list(&not_started)
    )
}

/// Each group's table in turn, the groups left out, and the totals.
pub fn render_batch(batch: &Batch) -> String {
    let mut out = String::new();
    let n = batch.plans.len();
    for (i, plan) in batch.plans.iter().enumerate() {
        out.push_str(&format!("== group {} of {n}: `{}`\n", i + 1, plan.group.as_deref().unwrap_or_default()));
        out.push_str(&render_plan(plan));
    }
    for line in batch.left_out_lines() {
        out.push_str(&format!("{}\n", line.replacen("left out", "LEFT OUT", 1)));
    }
    let (partitions, replayed, skipped) = batch.totals();
    let kind = batch.plans.first().map_or(PlanKind::Reset, |p| p.kind);
    if kind == PlanKind::Reset {
        out.push_str(&format!(
            "{n} group(s), {partitions} partition(s): {replayed} message(s) will be consumed again, {skipped} skipped\n"
        ));
    }
    out
}
