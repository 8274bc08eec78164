//! The worker's writes: a job, a batch of groups as one job, and saving a plan or a batch's targets to a file.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use tokio::sync::mpsc;

use super::{EngineEvent, Shared};
use crate::engine::batch::{self, Batch};
use crate::engine::job::{self, JobEnd, JobEvent, JobReport, Observer};
use crate::engine::plan::Plan;

/// The dashboard's observer of a job: each step becomes an event. The calls of a batch count on from the groups
/// before (`base`, the calls sent by them; `last`, the current group's so far), out of the batch's `total`.
struct Events<'a> {
    job: u64,
    tx: &'a mpsc::UnboundedSender<EngineEvent>,
    base: usize,
    last: usize,
    total: Option<usize>,
}

impl Observer for Events<'_> {
    fn on(&mut self, event: JobEvent<'_>) {
        let e = match event {
            JobEvent::Snapshot(p) => EngineEvent::Note(format!("job {}: snapshot {}", self.job, p.display())),
            JobEvent::Call { outcome, done, total } => {
                self.last = done;
                EngineEvent::CallDone {
                    job: self.job,
                    outcome: outcome.clone(),
                    done: self.base + done,
                    total: self.total.unwrap_or(total),
                }
            }
            JobEvent::Problem(text) => EngineEvent::Problem(format!("job {}: {text}", self.job)),
            JobEvent::Group { group, index, of } => {
                self.base += std::mem::take(&mut self.last);
                EngineEvent::Note(format!("job {}: group {index} of {of}: `{group}`", self.job))
            }
        };
        let _ = self.tx.send(e);
    }
}

impl Shared {
    pub(super) async fn run_job(self: &Arc<Self>, job: u64, plan: Plan) {
        let cancel = self.cancel_flag(job);
        let total = plan.calls.len();
        let mut obs = Events { job, tx: &self.events, base: 0, last: 0, total: None };
        let report = job::run(&self.session, plan, &cancel, &mut obs).await;
        self.tell(job, &report);
        self.finish(job, std::slice::from_ref(&report), total).await;
    }

    /// Each group's plan in turn through the engine's batch run, as one job: one progress count, one cancel, one
    /// end.
    pub(super) async fn run_batch(self: &Arc<Self>, job: u64, batch: Batch) {
        let cancel = self.cancel_flag(job);
        let total: usize = batch.plans.iter().map(|p| p.calls.len()).sum();
        let mut obs = Events { job, tx: &self.events, base: 0, last: 0, total: Some(total) };
        let reports = batch::run(&self.session, batch, &cancel, &mut obs).await;
        for report in &reports {
            self.tell(job, report);
        }
        self.finish(job, &reports, total).await;
    }

    fn cancel_flag(&self, job: u64) -> Arc<AtomicBool> {
        let cancel = Arc::new(AtomicBool::new(false));
        self.cancels.lock().unwrap_or_else(|e| e.into_inner()).insert(job, cancel.clone());
        cancel
    }

    /// What a finished plan's verification and end tell the user.
    fn tell(&self, job: u64, report: &JobReport) {
        if let Some(Ok(checks)) = &report.verification {
            // Partitions a cancelled job never reached were left alone on purpose; only those it sent are judged.
            let sent: Vec<&crate::engine::verify::Check> = checks
                .iter()
                .zip(&report.plan.rows)
                .filter(|(_, r)| r.call < report.outcomes.len())
                .map(|(c, _)| c)
                .collect();
            for c in sent.iter().filter(|c| !c.ok) {
                self.send(EngineEvent::Problem(format!(
                    "job {job}: NOT AS PLANNED {} partition {}: {}",
                    c.topic,
                    c.partition,
                    c.note.as_deref().unwrap_or("")
                )));
            }
            if sent.iter().all(|c| c.ok) && !sent.is_empty() {
                self.send(EngineEvent::Note(format!("job {job}: verified, {} partition(s) as planned", sent.len())));
            }
        }
        if let JobEnd::Refused { why } = &report.end {
            self.send(EngineEvent::Problem(format!("job {job} refused: {why}")));
        }
        if let JobEnd::NotStarted { error } = &report.end {
            self.send(EngineEvent::Problem(format!("job {job} not started: {error}; nothing was sent")));
        }
    }

    /// The job's end, over all its plans: the first that did not complete says how it ended.
    async fn finish(self: &Arc<Self>, job: u64, reports: &[JobReport], total: usize) {
        self.cancels.lock().unwrap_or_else(|e| e.into_inner()).remove(&job);
        let end = reports.iter().map(|r| r.end.clone()).find(|e| *e != JobEnd::Completed).unwrap_or(JobEnd::Completed);
        self.send(EngineEvent::JobDone {
            job,
            failed: reports.iter().map(JobReport::failed).sum(),
            unverified: reports.iter().map(JobReport::unverified).sum(),
            sent: reports.iter().map(|r| r.outcomes.len()).sum(),
            total,
            end,
        });
        self.refresh(false).await;
    }

    pub(super) async fn save_plan(&self, plan: Plan) {
        let Some(path) = crate::engine::planfile::default_path(&self.session, &plan) else {
            return self
                .send(EngineEvent::Problem("no data directory to save the plan in: set settings.audit_log".into()));
        };
        match crate::engine::planfile::save(&self.session, plan, &path, jiff::SignedDuration::from_hours(1)).await {
            Ok(f) => self.send(EngineEvent::Note(format!(
                "plan saved to {} (sha256 {}…, expires {}); apply it with: offsetdeck apply {}",
                path.display(),
                &f.sha256[..12],
                f.expires_at,
                path.display()
            ))),
            Err(e) => self.send(EngineEvent::Problem(format!("the plan was not saved: {e}"))),
        }
    }

    /// The batch's targets as one CSV (group,topic,partition,offset), which `reset --from-file` reads back.
    pub(super) fn export(&self, batch: &Batch) {
        let Some(path) = crate::engine::planfile::default_dir(&self.session).map(|d| {
            let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ");
            d.join(format!("offsets-{}-groups-{stamp}.csv", batch.plans.len()))
        }) else {
            return self.send(EngineEvent::Problem("no data directory to export to: set settings.audit_log".into()));
        };
        let plans: Vec<&crate::engine::plan::Plan> = batch.plans.iter().collect();
        let text = match crate::engine::export::csv(&plans, true) {
            Ok(t) => t,
            Err(e) => return self.send(EngineEvent::Problem(e.to_string())),
        };
        match crate::engine::durable::write(&path, text.as_bytes()) {
            Ok(()) => {
                // A command that runs as printed: every group named, every word quoted for the shell.
                let q = |w: &str| shlex::try_quote(w).map_or_else(|_| format!("{w:?}"), |c| c.into_owned());
                let path_text = path.display().to_string();
                let mut words = vec!["offsetdeck reset --instance".to_owned()];
                words.push(q(batch.plans.first().map_or("", |p| p.target.instance.as_str())));
                for p in &batch.plans {
                    let short = self.session.find(&p.target.instance).map_or_else(
                        |_| p.group.clone().unwrap_or_default(),
                        |t| t.short_group(p.group.as_deref().unwrap_or_default()),
                    );
                    words.push(format!("--group {}", q(&short)));
                }
                words.push(format!("--from-file {}", q(&path_text)));
                self.send(EngineEvent::Note(format!(
                    "exported {} group(s) to {path_text}; restore with: {}",
                    batch.plans.len(),
                    words.join(" ")
                )))
            }
            Err(e) => self.send(EngineEvent::Problem(format!("the export was not written: {e}"))),
        }
    }
}
