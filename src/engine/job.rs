//! The one job pipeline: every write, from the command line or the dashboard, runs here. Safety gate again,
//! snapshot fsynced, journal start, each call journaled as it ends, verification, closing record. The front ends
//! only observe.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::audit;
use super::error::{EngineError, exit};
use super::lock;
use super::outcome::Outcome;
use super::paths::DataPaths;
use super::plan::{Plan, PlanKind};
use super::reads;
use super::safety::{self, Refusal};
use super::session::Session;
use super::snapshot;
use super::verify::{self, Check, ReadBack};
use crate::providers::error::CallError;

/// What a job tells its observer as it goes.
#[derive(Debug)]
pub enum JobEvent<'a> {
    /// One group of several begins (`index` from 1).
    Group { group: &'a str, index: usize, of: usize },
    /// The snapshot is on disk; calls follow.
    Snapshot(&'a std::path::Path),
    /// One call ended.
    Call { outcome: &'a Outcome, done: usize, total: usize },
    /// Something the user must see.
    Problem(String),
}

/// The command line prints these; the dashboard turns them into its events.
pub trait Observer: Send {
    fn on(&mut self, event: JobEvent<'_>);
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "end", rename_all = "snake_case")]
pub enum JobEnd {
    /// Every call was sent.
    Completed,
    /// The user cancelled; the calls after `sent` were not sent.
    Cancelled { sent: usize },
    /// Nothing was sent: a safety rule, or the snapshot or journal could not be written.
    Refused {
        #[serde(serialize_with = "as_text")]
        why: Refusal,
    },
    /// A call's journal line could not be written, so no further call was sent.
    Unjournaled { sent: usize, error: String },
    /// The job could not start (its target or keys are gone from the profile, or the read before the first call
    /// failed); nothing was sent. The error keeps its own exit code: bad input 2, a failed read 1.
    NotStarted {
        #[serde(serialize_with = "error_text")]
        error: EngineError,
    },
}

fn error_text<S: serde::Serializer>(e: &EngineError, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&e.to_string())
}

fn as_text<S: serde::Serializer>(r: &Refusal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&r.to_string())
}

/// Everything a job did.
#[derive(Debug, Clone)]
pub struct JobReport {
    pub plan: Plan,
    /// One per call sent, in order.
    pub outcomes: Vec<Outcome>,
    /// The read-back comparison, or why it could not be read (`None`: nothing may have been applied).
    pub verification: Option<Result<Vec<Check>, CallError>>,
    pub end: JobEnd,
    pub snapshot: Option<PathBuf>,
    /// Whether the closing audit record was written.
    pub recorded: bool,
}

impl JobReport {
    /// Calls that did not fully succeed.
    pub fn failed(&self) -> usize {
        self.outcomes.iter().filter(|o| !o.is_ok()).count()
    }

    /// Partitions the verification found not as planned.
    pub fn unverified(&self) -> usize {
        match &self.verification {
            Some(Ok(checks)) => checks.iter().filter(|c| !c.ok).count(),
            _ => 0,
        }
    }

    /// The exit code: 0 when every call succeeded and every partition verified, 3 when nothing was sent because a
    /// rule refused it, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match &self.end {
            JobEnd::Refused { .. } => exit::REFUSED,
            JobEnd::NotStarted { error } => error.exit_code(),
            JobEnd::Completed
                if self.failed() == 0
                    && self.unverified() == 0
                    && !matches!(self.verification, Some(Err(_)))
                    && self.recorded =>
            {
                exit::OK
            }
            _ => exit::FAILED,
        }
    }
}

/// How long after a read-back that shows a lost call unapplied it is read again.
const LOST_RECHECK: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs a confirmed plan. `cancel` is checked before each call.
pub async fn run(session: &Session, plan: Plan, cancel: &AtomicBool, obs: &mut dyn Observer) -> JobReport {
    let mut report = JobReport {
        plan,
        outcomes: Vec::new(),
        verification: None,
        end: JobEnd::Completed,
        snapshot: None,
        recorded: false,
    };
    let refuse = |mut report: JobReport, why: Refusal| {
        report.end = JobEnd::Refused { why };
        report
    };
    // The rules again, at run time: a plan handed straight to the engine is held to them too.
    let not_started = |mut report: JobReport, error: EngineError| {
        report.end = JobEnd::NotStarted { error };
        report
    };
    let target = match session.target(&report.plan.target) {
        Ok(t) => t,
        Err(e) => return not_started(report, e),
    };
    if let Err(why) = safety::gate(&target, report.plan.kind) {
        return refuse(report, why);
    }
    let creds = match session.credentials(&target) {
        Ok(c) => c,
        Err(e) => return not_started(report, e),
    };
    let Some(paths) = DataPaths::of(&session.profile) else {
        return refuse(
            report,
            Refusal::Unrecorded("there is no home directory for the audit log; set settings.audit_log".into()),
        );
    };
    let audit_path = paths.audit_log();
    // One writer per group, from the last pre-flight read to the closing record, across processes.
    let job = audit::job_id();
    let what = match (&report.plan.group, report.plan.kind) {
        (Some(g), PlanKind::Reset | PlanKind::DeleteOffsets) => format!("group `{g}`"),
        _ => format!("topic `{}`", reads::plan_topics(&report.plan).join(", ")),
    };
    let holder = lock::Holder {
        pid: std::process::id(),
        host: audit::hostname(),
        user: audit::user(),
        job: job.clone(),
        since: jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    };
    let _lock = match lock::acquire(&lock::path(&paths.locks(), &report.plan.real, &what), &holder, &what) {
        Ok(l) => l,
        Err(why) => return refuse(report, why),
    };
    // The group is read again just before the first call: the confirmation may have waited for minutes.
    if report.plan.kind != PlanKind::DeleteMessages
        && let Some(group) = report.plan.group.clone()
    {
        let topics = reads::plan_topics(&report.plan);
        match reads::describe(&session.client, &creds, &target, &group, &topics).await {
            Err(e) => {
                let error = EngineError::Call { during: "reading the group again before the first call", error: e };
                return not_started(report, error);
            }
            Ok(live) => {
                if let Err(why) = safety::inactive(&live).and_then(|()| unmoved(&report.plan, &live)) {
                    return refuse(report, why);
                }
            }
        }
    }
    // The snapshot is on disk before the first call leaves; without it, nothing is sent.
    let dir = paths.snapshots();
    let written =
        snapshot::write(&dir, &snapshot::Snapshot::of(&report.plan)).map_err(|e| format!("{}: {e}", dir.display()));
    let snapshot_path = match written {
        Ok(p) => p,
        Err(e) => return refuse(report, Refusal::Unrecorded(format!("the snapshot could not be written ({e})"))),
    };
    obs.on(JobEvent::Snapshot(&snapshot_path));
    // Fault injection for the crash test: die between the snapshot and the first call.
    if std::env::var("OFFSETDECK_INJECT_CRASH").is_ok_and(|v| v == "after-snapshot") {
        std::process::abort();
    }
    let snapshot_text = snapshot_path.display().to_string();
    let via = session.via.word();
    if let Err(e) = audit::append(audit_path, &audit::Start::new(&job, via, &report.plan, &snapshot_text)) {
        snapshot::withdraw(&snapshot_path);
        return refuse(
            report,
            Refusal::Unrecorded(format!("the audit log {} cannot be written ({e})", audit_path.display())),
        );
    }
    report.snapshot = Some(snapshot_path);
    let total = report.plan.calls.len();
    for (i, call) in report.plan.calls.iter().enumerate() {
        if cancel.load(Ordering::SeqCst) {
            report.end = JobEnd::Cancelled { sent: i };
            break;
        }
        // Journaled before it leaves: if the process dies with the call in flight, the record says it may have
        // been applied rather than that it was not sent.
        if let Err(e) = audit::append(audit_path, &audit::Sent::new(&job, i + 1)) {
            let error =
                format!("call {} could not be journaled in {} before sending ({e})", i + 1, audit_path.display());
            obs.on(JobEvent::Problem(format!("{error}; it and the remaining {} call(s) were not sent", total - i - 1)));
            report.end = JobEnd::Unjournaled { sent: i, error };
            break;
        }
        let outcome = Outcome::of(call, session.client.send(call, &creds).await);
        let journaled = audit::append(audit_path, &audit::Call::new(&job, i + 1, &outcome));
        obs.on(JobEvent::Call { outcome: &outcome, done: i + 1, total });
        report.outcomes.push(outcome);
        if let Err(e) = journaled {
            // What is not journaled did not happen as far as the record goes: send nothing more.
            let error = format!("call {} ran but could not be journaled in {} ({e})", i + 1, audit_path.display());
            obs.on(JobEvent::Problem(format!("{error}; the remaining {} call(s) were not sent", total - i - 1)));
            report.end = JobEnd::Unjournaled { sent: i + 1, error };
            break;
        }
    }
    // Read back whatever may have reached the service, so an accepted call that changed nothing is caught and a
    // call whose answer was lost is known applied or not.
    if report.outcomes.iter().any(Outcome::may_have_applied) {
        let mut back = reads::read_back(&session.client, &creds, &target, &report.plan).await;
        // A call whose answer was lost may land seconds later: one that reads as not applied is looked at again
        // after a pause before anything is said of it.
        let lost_unchanged = |b: &ReadBack| {
            verify::judge(&report.plan, &report.outcomes, b)
                .iter()
                .any(|c| !c.ok && c.note.as_deref().is_some_and(|n| n.starts_with("unknown")))
        };
        if back.as_ref().is_ok_and(lost_unchanged) {
            tokio::time::sleep(LOST_RECHECK).await;
            back = reads::read_back(&session.client, &creds, &target, &report.plan).await;
        }
        report.verification = Some(match back {
            Ok(back) => Ok(verify::judge(&report.plan, &report.outcomes, &back)),
            Err(e) => {
                obs.on(JobEvent::Problem(format!("the result could not be read back to verify it: {e}")));
                Err(e)
            }
        });
    }
    let checks = report.verification.as_ref().and_then(|v| v.as_ref().ok()).map(Vec::as_slice);
    let record = audit::Record::new(&job, via, &report.plan, &report.outcomes, &report.end, checks, &snapshot_text);
    match audit::append(audit_path, &record) {
        Ok(()) => report.recorded = true,
        Err(e) => obs.on(JobEvent::Problem(format!(
            "the calls ran, but the closing audit record could not be written to {}: {e}",
            audit_path.display()
        ))),
    }
    report
}

/// Refuses a plan whose group's committed offsets moved since it was made: the preview no longer says what would
/// happen.
pub(crate) fn unmoved(plan: &Plan, live: &crate::core::live::GroupSnapshot) -> Result<(), Refusal> {
    let moved = plan.drift(&live.partitions);
    if moved.is_empty() {
        return Ok(());
    }
    let moved: Vec<String> = moved.iter().map(ToString::to_string).collect();
    Err(Refusal::Stale(format!("the group moved since the plan was made ({}); plan it again", moved.join("; "))))
}
