//! `reset`: one group, or several under one confirmation (`--group` repeated or a glob, `--all-groups`).

use std::sync::atomic::AtomicBool;

use super::ops::{self, R, Stop, StrategyArgs, WriteMode, bad, exit};
use super::report::{CallPrinter, render_plan, report_value};
use crate::core::profile::Profile;
use crate::core::select::GroupSelect;
use crate::engine::batch::{self, Batch};
use crate::engine::discover;
use crate::engine::order::{Order, Topics};
use crate::engine::plan::PlanKind;

/// The reset's flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ResetArgs {
    /// A Huawei instance, CKafka instance or DTS subscription, by its profile name.
    #[arg(long)]
    pub instance: String,
    /// The group (for DTS, its short name). Repeat it, or give a glob ('etl-*'), for several groups in one plan.
    #[arg(long = "group", value_name = "GROUP", required_unless_present = "all_groups")]
    pub groups: Vec<String>,
    /// Every group the instance has live (in the profile's scope); narrow it with --exclude.
    #[arg(long)]
    pub all_groups: bool,
    /// A glob of groups to leave out of --all-groups or a --group pattern; repeat for several.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// The topic (may be left out for a DTS subscription, which has one); `TOPIC:0,1,5` also chooses partitions,
    /// as kafka-consumer-groups does.
    #[arg(long, conflicts_with = "all_topics")]
    pub topic: Option<String>,
    /// Every topic the group has committed offsets on, live.
    #[arg(long)]
    pub all_topics: bool,
    /// A partition; repeat for several, or list them: 0,3,5. Default: all partitions.
    #[arg(long = "partition", value_name = "N", value_delimiter = ',', allow_hyphen_values = true, value_parser = ops::parse_partition)]
    pub partitions: Vec<i32>,
    #[command(flatten)]
    pub strategy: StrategyArgs,
    /// With --from-group: the other group's instance (matched by topic name and partition number), on either
    /// cloud.
    #[arg(long, value_name = "INSTANCE", requires = "from_group")]
    pub from_instance: Option<String>,
    /// Print the planned targets as CSV (topic,partition,offset, as kafka-consumer-groups --export does; with
    /// several groups group,topic,partition,offset) and send nothing.
    #[arg(long, conflicts_with_all = ["yes", "plan_out"])]
    pub export: bool,
    #[command(flatten)]
    pub write: super::WriteFlags,
}

/// Plans and runs the reset.
pub fn run(p: &Profile, a: &ResetArgs, mode: WriteMode<'_>) -> R<u8> {
    let mode = WriteMode { export: a.export, ..mode };
    let select = GroupSelect { patterns: a.groups.clone(), all: a.all_groups, exclude: a.exclude.clone() };
    let (tz, zone_name) = ops::zone(p);
    let (named, partitions) = ops::topic_spec(a.topic.as_deref(), &a.partitions)?;
    let topics = if a.all_topics { Topics::Committed } else { Topics::Named(named) };
    let several = select.single().is_none();
    let order = |group: &str| -> R<Order> {
        Ok(Order::Reset {
            instance: a.instance.clone(),
            group: group.to_owned(),
            topics: topics.clone(),
            partitions: partitions.clone(),
            strategy: ops::parse_strategy(&a.strategy, (group, several, a.from_instance.as_deref()), &tz, &zone_name)?,
        })
    };
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
    let batch = rt.block_on(Batch::plan(&session, &orders));
    if mode.json || mode.export {
        for line in batch.left_out_lines() {
            ops::warn(&line);
        }
    }
    if let Some(code) = batch.nothing_code() {
        return Err(Stop(code, format!("nothing to reset: none of the {} group(s) can be written", groups.len())));
    }
    if mode.export {
        for plan in &batch.plans {
            let group = plan.group.clone().unwrap_or_default();
            let rows = plan.rows.iter().filter_map(|r| Some((r.topic.clone(), r.partition, r.target?)));
            sayn!("{}", crate::core::offsets_csv::write(rows, Some(&group)));
        }
        return Ok(if batch.left_out.is_empty() { exit::OK } else { exit::FAILED });
    }
    let changes = batch.plans.iter().any(|p| p.rows.iter().any(|r| r.target.is_none() || r.target != r.current));
    let dry_code = if mode.detailed && changes { exit::BAD_INPUT } else { exit::OK };
    if mode.json && mode.dry_run {
        say_json!(serde_json::json!({"batch": batch, "dry_run": true, "changes": changes}));
        return Ok(dry_code);
    }
    if !mode.json {
        sayn!("{}", render_batch(&batch));
    }
    if mode.dry_run {
        say!("dry run: nothing was sent{}", if changes { "" } else { " (and it would change nothing)" });
        return Ok(dry_code);
    }
    ops::confirm(&batch.confirmation, mode)?;
    let left_out = batch.left_out.clone();
    let mut printer = CallPrinter { json: mode.json };
    let reports = rt.block_on(batch::run(&session, batch, &AtomicBool::new(false), &mut printer));
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
