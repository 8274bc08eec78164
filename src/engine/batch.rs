//! Several groups in one order: the groups a selection names on an instance, one plan per group under one
//! confirmation, and the plans run one after another through the one job pipeline (one client, so one pace).

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::error::{EngineError, exit};
use super::job::{self, JobEnd, JobEvent, JobReport, Observer};
use super::order::Order;
use super::plan::Plan;
use super::planner;
use super::reads;
use super::safety::Confirmation;
use super::session::Session;
use crate::core::select::GroupSelect;

/// The groups a selection names on an instance: listed live (in the instance's scope) when it has a pattern or
/// `--all-groups`.
pub async fn groups(session: &Session, instance: &str, select: &GroupSelect) -> Result<Vec<String>, EngineError> {
    let live: Vec<String> = if select.needs_listing() {
        let t = session.find(instance)?;
        let c = session.credentials(&t)?;
        reads::list_groups(&session.client, &c, &t, crate::core::live::Listing::Names)
            .await
            .map_err(EngineError::reading("listing the instance's groups"))?
            .into_iter()
            .map(|g| g.group)
            .collect()
    } else {
        Vec::new()
    };
    select.pick(&live).map_err(EngineError::Input)
}

/// A group the batch will not write, and why (an active group names its members).
#[derive(Debug, Clone, Serialize)]
pub struct LeftOut {
    pub group: String,
    #[serde(serialize_with = "as_text")]
    pub why: EngineError,
}

fn as_text<S: serde::Serializer>(e: &EngineError, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&e.to_string())
}

/// One plan per group that can be written, the groups that cannot, and the one confirmation for all of them.
#[derive(Debug, Clone, Serialize)]
pub struct Batch {
    pub plans: Vec<Plan>,
    pub left_out: Vec<LeftOut>,
    /// Groups already where they were asked to go: nothing is sent for them.
    pub unchanged: Vec<String>,
    pub confirmation: Confirmation,
}

impl Batch {
    /// Plans each order (concurrently; the client paces them), leaving out by name each that cannot be planned.
    pub async fn plan(session: &Session, orders: &[Order]) -> Self {
        Self::plan_for(session, orders, planner::Purpose::Write).await
    }

    /// [`Batch::plan`], for a purpose (an export plans active groups too).
    pub async fn plan_for(session: &Session, orders: &[Order], purpose: planner::Purpose) -> Self {
        let planned =
            futures_util::future::join_all(orders.iter().map(|o| planner::plan_for(session, o, purpose))).await;
        let mut plans = Vec::new();
        let mut left_out = Vec::new();
        let mut unchanged = Vec::new();
        for (order, result) in orders.iter().zip(planned) {
            match result {
                // An export backs up where every group is, moved or not; a write skips what would not move.
                Ok(p) if !p.changes() && purpose == planner::Purpose::Write => {
                    unchanged.push(p.group.clone().unwrap_or_default())
                }
                Ok(p) => plans.push(p),
                Err(why) => {
                    left_out.push(LeftOut { group: order.group().map(|g| g.group.clone()).unwrap_or_default(), why })
                }
            }
        }
        let confirmation = Confirmation::several(&plans, left_out.len());
        Self { plans, left_out, unchanged, confirmation }
    }

    /// When nothing can be written, the exit code of the gravest reason: a refusal (3) over bad input (2) over a
    /// failed read (1).
    pub fn nothing_code(&self) -> Option<u8> {
        if !self.plans.is_empty() {
            return None;
        }
        let none = if self.unchanged.is_empty() { exit::BAD_INPUT } else { exit::OK };
        self.left_out.iter().map(|l| l.why.exit_code()).max().or(Some(none))
    }

    /// The groups left out because a read failed (the service, not the input): a backup missing them is not
    /// complete.
    pub fn unread(&self) -> Vec<&LeftOut> {
        self.left_out.iter().filter(|l| l.why.exit_code() == exit::FAILED).collect()
    }

    /// The groups left out, one line each.
    pub fn left_out_lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self.left_out.iter().map(|l| format!("left out `{}`: {}", l.group, l.why)).collect();
        if !self.unchanged.is_empty() {
            let names: Vec<String> = self.unchanged.iter().map(|g| format!("`{g}`")).collect();
            out.push(format!(
                "nothing to change for {} group(s), so nothing is sent for them: {}",
                names.len(),
                names.join(", ")
            ));
        }
        out
    }

    /// Partitions in all, and replayed and skipped messages in all.
    pub fn totals(&self) -> (usize, i64, i64) {
        self.plans.iter().fold((0, 0, 0), |(n, r, k), p| {
            let (pr, pk) = p.totals();
            (n + p.rows.len(), r + pr, k + pk)
        })
    }
}

/// Runs a confirmed batch: each plan through the job pipeline in turn (each re-reads its group, locks it, takes its
/// own snapshot and audit record, so each undoes alone). After a cancel, the plans not begun are not begun.
pub async fn run(session: &Session, batch: Batch, cancel: &AtomicBool, obs: &mut dyn Observer) -> Vec<JobReport> {
    let of = batch.plans.len();
    let mut reports = Vec::with_capacity(of);
    for (i, plan) in batch.plans.into_iter().enumerate() {
        if cancel.load(Ordering::SeqCst) {
            reports.push(not_begun(plan));
            continue;
        }
        obs.on(JobEvent::Group { group: plan.group.as_deref().unwrap_or_default(), index: i + 1, of });
        reports.push(job::run(session, plan, cancel, obs).await);
    }
    reports
}

/// The report of a plan a cancelled batch did not begin: nothing sent, nothing recorded.
pub fn not_begun(plan: Plan) -> JobReport {
    JobReport {
        plan,
        outcomes: Vec::new(),
        verification: None,
        end: JobEnd::Cancelled { sent: 0 },
        snapshot: None,
        recorded: false,
    }
}

/// A batch's exit code: 0 when every group written succeeded, 3 when none was sent because of refusals, else 1.
pub fn exit_code(reports: &[JobReport]) -> u8 {
    let codes: Vec<u8> = reports.iter().map(JobReport::exit_code).collect();
    if codes.iter().all(|c| *c == exit::OK) {
        exit::OK
    } else if codes.iter().all(|c| *c == exit::REFUSED) {
        exit::REFUSED
    } else {
        exit::FAILED
    }
}
