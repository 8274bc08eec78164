//! What the engine's plans and jobs do to the dashboard: a plan opens its confirmation (or goes back where it was
//! asked from), a job's calls stream into the log, and a job refused because the group moved is planned again.

use super::state::{AppState, Confirm, Level, Modal};
use super::update::Step;
use crate::engine::job::JobEnd;
use crate::engine::outcome::CallResult;

/// What a job's end counts: calls failed, partitions not as planned, calls sent, calls in all.
pub(super) struct Counts {
    pub failed: usize,
    pub unverified: usize,
    pub sent: usize,
    pub total: usize,
}

pub(super) fn planned(
    s: &mut AppState,
    at: String,
    request: u64,
    result: Result<crate::engine::plan::Plan, crate::engine::error::EngineError>,
) -> Step {
    if !matches!(&s.modal, Some(Modal::Planning { request: r, .. }) if *r == request) {
        return Step::default();
    }
    match result {
        Ok(plan) => {
            let mut c = Confirm::new(plan);
            c.view_only = s.asked.as_ref().is_some_and(|a| a.view_only);
            c.back = s.asked.as_ref().is_some_and(|a| a.from.is_some());
            c.replanned = s.replanning.take();
            // Read the group again now, whatever the refresh timer says: a move shows as STALE before `y`.
            let read = c.plan.group_ref.clone().map(|group| crate::engine::worker::Command::Describe { group });
            s.modal = Some(Modal::Confirm(c));
            if let Some(cmd) = read {
                return Step::send(cmd);
            }
        }
        Err(e) => {
            // Back in the form or on the line it was asked from, the value kept and the error under it.
            s.modal = None;
            s.push_log(at, Level::Error, format!("nothing was sent: {e}"));
            crate::tui::update::go_back(s, Some(e.to_string()));
        }
    }
    Step::redraw()
}

pub(super) fn batch_planned(s: &mut AppState, at: String, request: u64, batch: crate::engine::batch::Batch) -> Step {
    if !matches!(&s.modal, Some(Modal::Planning { request: r, .. }) if *r == request) {
        return Step::default();
    }
    for line in batch.left_out_lines() {
        s.push_log(at.clone(), Level::Error, line);
    }
    s.modal = if batch.plans.is_empty() {
        let text = if batch.left_out.is_empty() {
            "nothing was sent: every group is already where it was asked to go".to_owned()
        } else {
            "nothing was sent: none of the groups can be written".to_owned()
        };
        s.push_log(at, Level::Error, text.clone());
        s.modal = None;
        crate::tui::update::go_back(s, Some(text));
        s.modal.take()
    } else {
        let mut c = crate::tui::state::BatchConfirm::new(batch);
        c.view_only = s.asked.as_ref().is_some_and(|a| a.view_only);
        Some(Modal::ConfirmBatch(c))
    };
    Step::redraw()
}

pub(super) fn call_done(
    s: &mut AppState,
    at: String,
    job: u64,
    outcome: crate::engine::outcome::Outcome,
    done: usize,
    total: usize,
) -> Step {
    let mut label = String::new();
    if let Some(j) = s.job.as_mut().filter(|j| j.id == job) {
        j.done = done;
        j.total = total;
        j.failed += usize::from(!outcome.is_ok());
        label = j.label.clone();
    }
    let id = outcome.request_id().unwrap_or("-");
    let (level, word) = match &outcome.result {
        CallResult::Failed { .. } => (Level::Error, "FAILED"),
        CallResult::Ok { .. } => (Level::Ok, "ok"),
        CallResult::Partial { .. } => (Level::Error, "PARTIAL"),
    };
    let body = super::engine_events::compact_target(&outcome.request.body);
    let mut text = format!("{label} [{done}/{total}] {word} {} {body} req {id}", outcome.op());
    if let Some(why) = outcome.failure() {
        text.push_str(&format!(" — {why}"));
    }
    s.push_log(at, level, text);
    Step::redraw()
}

pub(super) fn job_done(s: &mut AppState, at: String, job: u64, end: JobEnd, counts: Counts) -> Step {
    let Counts { failed, unverified, sent, total } = counts;

    let asked = s.job.take().and_then(|j| j.asked);
    // The group moved between the confirmation and the job's own read: nothing was sent, and the request is
    // planned again from the live state, its confirmation saying why (never an empty form).
    if let (JobEnd::Refused { why: crate::engine::safety::Refusal::Stale(why) }, Some(asked), None) =
        (&end, asked, &s.modal)
    {
        s.push_log(at, Level::Error, format!("job {job} not run: nothing was sent: {why}"));
        s.asked = Some(asked);
        s.replanning = Some(why.clone());
        let (modal, effects) = crate::tui::update::ask(s);
        s.modal = modal;
        return Step { redraw: true, effects };
    }
    let (level, text) = match end {
        JobEnd::Cancelled { .. } => (
            Level::Error,
            format!(
                "job {job} cancelled: {sent} of {total} call(s) sent, {failed} failed; the rest were not sent. u restores the snapshot taken before it"
            ),
        ),
        JobEnd::Refused { .. } | JobEnd::NotStarted { .. } => {
            (Level::Error, format!("job {job} not run: nothing was sent"))
        }
        JobEnd::Unjournaled { .. } => (
            Level::Error,
            format!("job {job} stopped: {sent} of {total} call(s) sent; a journal line could not be written"),
        ),
        JobEnd::Completed if failed > 0 || unverified > 0 => (
            Level::Error,
            format!(
                "job {job} finished with failures: {} of {total} call(s) succeeded, {unverified} partition(s) not as planned",
                total - failed
            ),
        ),
        JobEnd::Completed => (Level::Ok, format!("job {job} done: {total} of {total} call(s) succeeded")),
    };
    s.push_log(at, level, text);
    Step::redraw()
}
