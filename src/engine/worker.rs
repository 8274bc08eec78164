//! The worker: typed commands in, events out, on tokio; never touches UI state.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::mpsc;

use super::audit;
use super::plan::{self, Plan, ResetRequest};
use super::run::{self, Outcome};
use super::snapshot;
use super::target::Target;
use super::verify;
use crate::core::credentials::{self, Credentials, Environment};
use crate::core::live::{GroupSnapshot, TopicPartition};
use crate::core::profile::Profile;
use crate::core::strategy::ResetStrategy;
use crate::providers::client::{Client, ClientConfig};

/// What the dashboard asks of the engine.
#[derive(Debug, Clone)]
pub enum Command {
    /// Read every profile group live.
    Refresh,
    /// Plan a reset of `group` on each of `topics`.
    PlanReset {
        request: u64,
        instance: String,
        group: String,
        topics: Vec<String>,
        partitions: Vec<i32>,
        strategy: ResetStrategy,
    },
    /// Plan deleting the group's committed offsets.
    PlanDeleteOffsets { request: u64, instance: String, group: String, topics: Vec<String> },
    /// Plan deleting messages before an offset (`None` = to the end).
    PlanDeleteMessages { request: u64, instance: String, topic: String, partitions: Vec<(i32, Option<i64>)> },
    /// Plan undoing the newest write on an instance, from its snapshot.
    PlanUndo { request: u64, instance: String },
    /// Run a confirmed plan.
    Run { job: u64, instance: String, plan: Plan },
    /// Stop sending the rest of a job (calls in flight finish).
    Cancel { job: u64 },
}

/// What the engine tells the dashboard.
#[derive(Debug, Clone)]
pub enum EngineEvent {
    /// A group's live state, or why it could not be read.
    Live { instance: String, group: String, result: Result<GroupSnapshot, String> },
    /// A topic's partitions as the topic itself reports them, or why they could not be read.
    TopicLog { instance: String, topic: String, result: Result<Vec<TopicPartition>, String> },
    /// A refresh finished.
    RefreshDone,
    /// A plan, or why none could be made.
    Planned { request: u64, result: Result<Plan, String> },
    /// One call of a job ended.
    CallDone { job: u64, outcome: Outcome, done: usize, total: usize },
    /// A job ended.
    JobDone { job: u64, cancelled: bool, failed: usize, sent: usize, total: usize },
    /// A line for the log pane.
    Note(String),
    /// Something went wrong that the user must see (shown as an error).
    Problem(String),
}

/// A running worker's handle.
pub struct Worker {
    /// Where commands go.
    pub commands: mpsc::UnboundedSender<Command>,
}

struct Shared {
    profile: Profile,
    client: Client,
    creds: HashMap<String, Result<Credentials, String>>,
    zone_name: String,
    events: mpsc::UnboundedSender<EngineEvent>,
    cancels: std::sync::Mutex<HashMap<u64, Arc<AtomicBool>>>,
    said_missing: std::sync::Mutex<std::collections::HashSet<String>>,
}

/// Starts the worker on the current tokio runtime.
pub fn spawn(
    profile: Profile,
    env: &dyn Environment,
    zone_name: String,
    events: mpsc::UnboundedSender<EngineEvent>,
) -> Worker {
    let mut creds = HashMap::new();
    for a in &profile.huawei {
        creds.insert(a.name.clone(), credentials::resolve(&a.credentials, env).map(|c| c.0).map_err(|e| e.to_string()));
    }
    for a in &profile.tencent {
        creds.insert(a.name.clone(), credentials::resolve(&a.credentials, env).map(|c| c.0).map_err(|e| e.to_string()));
    }
    let config = ClientConfig {
        connect_timeout: std::time::Duration::from_secs(profile.settings.connect_timeout_seconds),
        request_timeout: std::time::Duration::from_secs(profile.settings.request_timeout_seconds),
        ..ClientConfig::default()
    };
    let client = match Client::new(config) {
        Ok(c) => c,
        Err(e) => {
            let _ = events.send(EngineEvent::Note(format!("cannot build the HTTP client: {e}")));
            Client::new(ClientConfig::default().unlimited()).expect("a default client builds")
        }
    };
    let shared = Arc::new(Shared {
        profile,
        client,
        creds,
        zone_name,
        events,
        cancels: Default::default(),
        said_missing: Default::default(),
    });
    let (tx, mut rx) = mpsc::unbounded_channel::<Command>();
    tokio::spawn(async move {
        while let Some(cmd) = rx.recv().await {
            let s = shared.clone();
            match cmd {
                Command::Cancel { job } => {
                    if let Some(flag) = s.cancels.lock().unwrap_or_else(|e| e.into_inner()).get(&job) {
                        flag.store(true, Ordering::SeqCst);
                    }
                }
                other => {
                    tokio::spawn(async move { s.handle(other).await });
                }
            }
        }
    });
    Worker { commands: tx }
}

impl Shared {
    fn send(&self, e: EngineEvent) {
        let _ = self.events.send(e);
    }

    fn target_and_creds(&self, instance: &str) -> Result<(Target<'_>, &Credentials), String> {
        let target = Target::find(&self.profile, instance)?;
        match self.creds.get(target.account()) {
            Some(Ok(c)) => Ok((target, c)),
            Some(Err(e)) => Err(format!("account `{}` has no credentials: {e}", target.account())),
            None => Err(format!("account `{}` is unknown", target.account())),
        }
    }

    async fn handle(&self, cmd: Command) {
        match cmd {
            Command::Refresh => self.refresh().await,
            Command::PlanReset { request, instance, group, topics, partitions, strategy } => {
                let result = self.plan_reset(&instance, &group, &topics, &partitions, &strategy).await;
                self.send(EngineEvent::Planned { request, result });
            }
            Command::PlanDeleteOffsets { request, instance, group, topics } => {
                let result = async {
                    let (t, c) = self.target_and_creds(&instance)?;
                    let api_group = t.api_group(&group)?;
                    let snap =
                        run::describe(&self.client, c, &t, &api_group, &topics).await.map_err(|e| e.to_string())?;
                    refuse_active(&snap)?;
                    plan::delete_offsets(&t, &api_group, &snap, &topics).map_err(|e| e.to_string())
                }
                .await;
                self.send(EngineEvent::Planned { request, result });
            }
            Command::PlanDeleteMessages { request, instance, topic, partitions } => {
                let result = async {
                    let (t, c) = self.target_and_creds(&instance)?;
                    let bounds = run::topic_bounds(&self.client, c, &t, &topic).await.map_err(|e| e.to_string())?;
                    let mut p = plan::delete_messages(&t, &topic, &bounds, &partitions).map_err(|e| e.to_string())?;
                    p.notes.extend(run::groups_left_behind(&self.client, c, &t, &p).await);
                    Ok(p)
                }
                .await;
                self.send(EngineEvent::Planned { request, result });
            }
            Command::PlanUndo { request, instance } => {
                let result = self.plan_undo(&instance).await;
                self.send(EngineEvent::Planned { request, result });
            }
            Command::Run { job, instance, plan } => self.run_job(job, &instance, plan).await,
            Command::Cancel { .. } => {}
        }
    }

    /// Accounts whose credentials are missing: said once, then their reads are skipped instead of failing one by one.
    fn usable(&self, instance: &str) -> bool {
        let Ok(t) = Target::find(&self.profile, instance) else { return false };
        match self.creds.get(t.account()) {
            Some(Ok(_)) => true,
            Some(Err(e)) => {
                let mut said = self.said_missing.lock().unwrap_or_else(|e| e.into_inner());
                if said.insert(t.account().to_owned()) {
                    self.send(EngineEvent::Problem(format!(
                        "account `{}` has no credentials, so its live data cannot be read and writes are refused: {e}",
                        t.account()
                    )));
                }
                false
            }
            None => false,
        }
    }

    async fn refresh(&self) {
        let mut work = Vec::new();
        for a in &self.profile.huawei {
            for i in &a.instances {
                work.extend(i.groups.iter().map(|g| (i.name.clone(), g.name.clone(), g.topics.clone())));
            }
        }
        for a in &self.profile.tencent {
            for i in &a.ckafka {
                work.extend(i.groups.iter().map(|g| (i.name.clone(), g.name.clone(), g.topics.clone())));
            }
            for d in &a.dts {
                work.extend(d.groups.iter().map(|g| (d.name.clone(), g.clone(), vec![d.topic.clone()])));
            }
        }
        work.retain(|(instance, _, _)| self.usable(instance));
        let reads = work.into_iter().map(|(instance, group, topics)| async move {
            let result = async {
                let (t, c) = self.target_and_creds(&instance)?;
                let api_group = t.api_group(&group)?;
                run::describe(&self.client, c, &t, &api_group, &topics).await.map_err(|e| e.to_string())
            }
            .await;
            self.send(EngineEvent::Live { instance, group, result });
        });
        let mut topics = Vec::new();
        for a in &self.profile.huawei {
            for i in &a.instances {
                topics.extend(i.topics.iter().map(|t| (i.name.clone(), t.name.clone())));
            }
        }
        for a in &self.profile.tencent {
            for i in &a.ckafka {
                topics.extend(i.topics.iter().map(|t| (i.name.clone(), t.name.clone())));
            }
        }
        topics.retain(|(instance, _)| self.usable(instance));
        let logs = topics.into_iter().map(|(instance, topic)| async move {
            let result = async {
                let (t, c) = self.target_and_creds(&instance)?;
                run::topic_log(&self.client, c, &t, &topic).await.map_err(|e| e.to_string())
            }
            .await;
            self.send(EngineEvent::TopicLog { instance, topic, result });
        });
        futures_util::future::join(futures_util::future::join_all(reads), futures_util::future::join_all(logs)).await;
        self.send(EngineEvent::RefreshDone);
    }

    async fn plan_reset(
        &self,
        instance: &str,
        group: &str,
        topics: &[String],
        partitions: &[i32],
        strategy: &ResetStrategy,
    ) -> Result<Plan, String> {
        let (t, c) = self.target_and_creds(instance)?;
        let api_group = t.api_group(group)?;
        run::check_topics_exist(&self.client, c, &t, topics).await?;
        let snap = run::describe(&self.client, c, &t, &api_group, topics).await.map_err(|e| e.to_string())?;
        refuse_active(&snap)?;
        let now_ms = jiff::Timestamp::now().as_millisecond();
        let mut merged: Option<Plan> = None;
        for topic in topics {
            let req = ResetRequest {
                group: &api_group,
                topic,
                partitions,
                strategy,
                now_ms,
                zone_name: &self.zone_name,
                time_targets: &[],
            };
            let ms = plan::strategy_time_ms(strategy, now_ms);
            let (targets, problem) = run::time_targets(&self.client, c, &t, &snap, topic, partitions, ms).await;
            let req = ResetRequest { time_targets: &targets, ..req };
            let mut p = plan::reset(&t, &snap, &req).map_err(|e| e.to_string())?;
            p.notes.extend(problem);
            merged = Some(match merged {
                None => p,
                Some(mut m) => {
                    m.summary = format!("{}; and topic `{topic}`", m.summary);
                    m.calls.extend(p.calls);
                    m.rows.extend(p.rows);
                    m.notes.extend(p.notes.into_iter().filter(|n| !m.notes.contains(n)).collect::<Vec<_>>());
                    m
                }
            });
        }
        merged.ok_or_else(|| "no topic to reset".to_owned())
    }

    async fn plan_undo(&self, instance: &str) -> Result<Plan, String> {
        let dir = snapshot::dir(self.profile.settings.audit_log.as_deref()).ok_or("no home directory for snapshots")?;
        let (t, c) = self.target_and_creds(instance)?;
        // Account and instance both match: an instance name alone may belong to another profile's account.
        let newest = snapshot::list(&dir)
            .into_iter()
            .rev()
            .filter_map(|(_, s)| s.ok())
            .find(|s| s.instance == instance && s.account == t.account());
        let saved = newest.ok_or_else(|| format!("no snapshot of `{instance}` (account {}) to undo", t.account()))?;
        let group = saved.group.clone().ok_or("the newest write here deleted messages, which cannot be undone")?;
        let mut topics: Vec<String> = saved.partitions.iter().map(|p| p.topic.clone()).collect();
        topics.dedup();
        let live = run::describe(&self.client, c, &t, &group, &topics).await.map_err(|e| e.to_string())?;
        refuse_active(&live)?;
        super::undo::restore(&t, &saved, &live).map_err(|e| e.to_string())
    }

    async fn run_job(&self, job: u64, instance: &str, plan: Plan) {
        let cancel = Arc::new(AtomicBool::new(false));
        self.cancels.lock().unwrap_or_else(|e| e.into_inner()).insert(job, cancel.clone());
        let total = plan.calls.len();
        let (t, c) = match self.target_and_creds(instance) {
            Ok(x) => x,
            Err(e) => {
                self.send(EngineEvent::Note(e));
                self.send(EngineEvent::JobDone { job, cancelled: false, failed: 0, sent: 0, total });
                return;
            }
        };
        // The snapshot is on disk before the first call leaves; without it, nothing is sent.
        let saved = snapshot::Snapshot::of(t.account(), t.name(), &plan);
        let snapshot_path =
            match snapshot::dir(self.profile.settings.audit_log.as_deref()).map(|d| snapshot::write(&d, &saved)) {
                Some(Ok(p)) => p,
                other => {
                    let why = match other {
                        Some(Err(e)) => e.to_string(),
                        _ => "no home directory; set settings.audit_log".into(),
                    };
                    self.send(EngineEvent::Problem(format!(
                        "job {job} refused: the snapshot could not be written ({why}); nothing was sent"
                    )));
                    self.send(EngineEvent::JobDone { job, cancelled: true, failed: 0, sent: 0, total });
                    return;
                }
            };
        self.send(EngineEvent::Note(format!("job {job}: snapshot {}", snapshot_path.display())));
        // The start and each finished call are journaled as they happen, so a kill leaves a true record.
        let audit_path = audit::path(self.profile.settings.audit_log.as_deref());
        let journal = audit::job_id();
        let snapshot_text = snapshot_path.display().to_string();
        let journaled = audit_path.as_ref().map(|p| {
            audit::append(p, &audit::Start::new(&journal, t.account(), t.name(), "dashboard", &plan, &snapshot_text))
        });
        if !matches!(journaled, Some(Ok(()))) {
            self.send(EngineEvent::Problem(format!(
                "job {job} refused: the audit log cannot be written; nothing was sent"
            )));
            self.send(EngineEvent::JobDone { job, cancelled: true, failed: 0, sent: 0, total });
            return;
        }
        let mut failed = 0;
        let mut done = 0;
        let mut outcomes = Vec::new();
        for call in &plan.calls {
            if cancel.load(Ordering::SeqCst) {
                break;
            }
            let outcome = run::call_outcome(&self.client, c, call).await;
            done += 1;
            failed += usize::from(!outcome.ok);
            let journaled = audit_path.as_ref().map(|p| audit::append(p, &audit::Call::new(&journal, done, &outcome)));
            if let Some(Err(e)) = journaled {
                self.send(EngineEvent::Problem(format!("job {job}: call {done} could not be journaled: {e}")));
            }
            outcomes.push(outcome.clone());
            self.send(EngineEvent::CallDone { job, outcome, done, total });
        }
        let cancelled = done < total;
        let sent = Plan { calls: plan.calls[..done].to_vec(), ..plan.clone() };
        let checks = match outcomes.iter().any(|o| o.error.is_none()) {
            true => match verify::verify(&self.client, c, &t, &plan).await {
                Ok(checks) => Some(checks),
                Err(e) => {
                    self.send(EngineEvent::Problem(format!(
                        "job {job}: the result could not be read back to verify it: {e}"
                    )));
                    None
                }
            },
            false => None,
        };
        if let Some(checks) = &checks {
            // A cancelled job left partitions alone on purpose; only those its sent calls covered are judged.
            let judged: Vec<&verify::Check> = if cancelled { Vec::new() } else { checks.iter().collect() };
            let bad: Vec<&&verify::Check> = judged.iter().filter(|c| !c.ok).collect();
            for c in &bad {
                self.send(EngineEvent::Problem(format!(
                    "job {job}: NOT AS PLANNED {} partition {}: {}",
                    c.topic,
                    c.partition,
                    c.note.as_deref().unwrap_or("")
                )));
            }
            if !cancelled && bad.is_empty() {
                self.send(EngineEvent::Note(format!("job {job}: verified, {} partition(s) as planned", judged.len())));
            }
        }
        let mut record = audit::Record::new(t.account(), t.name(), "dashboard", &sent, &outcomes, cancelled);
        record.verification = checks.as_deref();
        record.snapshot = Some(snapshot_text.clone());
        record.job = journal.clone();
        match audit::path(self.profile.settings.audit_log.as_deref()) {
            Some(path) => {
                if let Err(e) = audit::append(&path, &record) {
                    self.send(EngineEvent::Problem(format!(
                        "the audit record could not be appended to {}: {e}",
                        path.display()
                    )));
                }
            }
            None => {
                self.send(EngineEvent::Problem("no home directory for the audit log: set settings.audit_log".into()))
            }
        }
        self.cancels.lock().unwrap_or_else(|e| e.into_inner()).remove(&job);
        self.send(EngineEvent::JobDone { job, cancelled, failed, sent: done, total });
        self.refresh().await;
    }
}

/// Refuses a write on a group with live members, naming them.
pub fn refuse_active(snap: &GroupSnapshot) -> Result<(), String> {
    if snap.is_inactive() {
        return Ok(());
    }
    let members: Vec<String> =
        snap.members.iter().map(|m| format!("{} {}", m.client_id, m.host).trim().to_owned()).collect();
    Err(format!(
        "group `{}` is {} with {} member(s): {}. Stop them and wait out the session timeout",
        snap.group,
        snap.state,
        snap.members.len(),
        if members.is_empty() { "(not listed)".to_owned() } else { members.join(", ") }
    ))
}
