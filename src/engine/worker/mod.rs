//! The worker: typed commands in, events out, on tokio; never touches UI state. It plans and runs through the same
//! planner and job pipeline as the command line, and reports through an observer.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::mpsc;

use super::job::JobEnd;

mod jobs;
mod lags;
mod refresh;

use refresh::Read;
mod samples;

use super::error::EngineError;
use super::order::Order;
use super::outcome::Outcome;
use super::plan::Plan;
use super::planner;
use super::session::Session;
use super::target::Target;
use crate::core::live::{GroupSnapshot, TopicPartition};
use crate::core::target::{AccountKey, GroupRef, TopicRef};
use crate::providers::error::CallError;

/// What the dashboard asks of the engine.
#[derive(Debug, Clone)]
pub enum Command {
    /// Read every profile group live. `asked` is true when the user asked (R): an account whose key was refused is
    /// then probed again with one call; a timer refresh leaves it alone.
    Refresh { asked: bool },
    /// Plan an order.
    Plan { request: u64, order: Order },
    /// Read one group's live detail (the dashboard asks for the group under the cursor: listings give every
    /// group's state and lag, per-partition detail is read only for what is looked at).
    Describe { group: GroupRef },
    /// Run a confirmed plan.
    Run { job: u64, plan: Plan },
    /// Save a plan as a plan file (pinned per partition) under the data dir, valid for an hour.
    SavePlan { plan: Plan },
    /// Read a plan file and plan it again from its pins; the result comes back as `Planned`.
    OpenPlan { request: u64, path: std::path::PathBuf },
    /// Plan one order per group (marked groups), under one confirmation.
    PlanBatch { request: u64, orders: Vec<Order> },
    /// Run a confirmed batch: each group's plan in turn, as one job.
    RunBatch { job: u64, batch: super::batch::Batch },
    /// Write a batch's targets as one CSV (group,topic,partition,offset) under the data dir.
    ExportBatch { batch: super::batch::Batch },
    /// Read the messages around one partition's target, for a peek from the confirmation.
    Peek { request: u64, topic: TopicRef, partition: i32, target: i64 },
    /// The instance's restorable snapshots, newest first; `all`: those of other real targets of the same name too.
    ListSnapshots { instance: String, all: bool },
    /// Stop sending the rest of a job (calls in flight finish).
    Cancel { job: u64 },
    /// Stop planning (or peeking) the request: its reads send nothing more, and no result comes back.
    CancelPlan { request: u64 },
}

impl Command {
    /// The request a plan-like command answers: what [`Command::CancelPlan`] names.
    fn request(&self) -> Option<u64> {
        match self {
            Self::Plan { request, .. }
            | Self::OpenPlan { request, .. }
            | Self::PlanBatch { request, .. }
            | Self::Peek { request, .. } => Some(*request),
            _ => None,
        }
    }
}

/// What the engine tells the dashboard.
#[derive(Debug, Clone)]
pub enum EngineEvent {
    /// A group's live state, or why it could not be read.
    Live { group: GroupRef, result: Result<GroupSnapshot, String> },
    /// A topic's partitions as the topic itself reports them, or why they could not be read.
    TopicLog { topic: TopicRef, result: Result<Vec<TopicPartition>, String> },
    /// A topic the profile pins is not on the instance live.
    TopicMissing { topic: TopicRef },
    /// The account's key was refused (`code` as the service said it): nothing more is sent for it until the user
    /// refreshes.
    AuthFailed { account: AccountKey, code: String, error: String },
    /// The account's key works again.
    AuthOk { account: AccountKey },
    /// What a group's samples say after its newest read (status, ETA, time lag, rates, trend).
    Figures { group: GroupRef, figures: Box<crate::core::lag::Figures> },
    /// A group's total lag read in the background because its listing did not say it (`None`: nothing committed).
    GroupLag { group: GroupRef, lag: Result<Option<i64>, String> },
    /// A page of an instance's groups while its listing is still being read (CKafka's without a state yet).
    GroupsPart { instance: String, groups: Vec<crate::core::live::GroupSummary> },
    /// An instance's groups as the cloud lists them (profile names for instances; DTS short group names).
    Groups { instance: String, result: Result<Vec<crate::core::live::GroupSummary>, String> },
    /// Instances or subscriptions an account has that the profile does not pin, as listed at start; the dashboard
    /// merges them into its profile the way the worker did (`Profile::add_found`), so both know the same names.
    Discovered { account: AccountKey, what: &'static str, result: Result<Vec<crate::core::profile::Found>, String> },
    /// A refresh finished.
    RefreshDone,
    /// A plan, or why none could be made.
    Planned { request: u64, result: Result<Plan, EngineError> },
    /// The plans of several groups, and the groups left out.
    BatchPlanned { request: u64, batch: super::batch::Batch },
    /// The messages around a target, or why they could not be read.
    Peeked { request: u64, result: Result<super::peek::Peek, String> },
    /// The restorable snapshots of an instance, newest first (message deletes cannot be undone and are left out).
    Snapshots { instance: String, items: Vec<super::snapshot::Listed> },
    /// One call of a job ended.
    CallDone { job: u64, outcome: Outcome, done: usize, total: usize },
    /// A job ended.
    JobDone { job: u64, end: JobEnd, failed: usize, unverified: usize, sent: usize, total: usize },
    /// A line for the log pane.
    Note(String),
    /// How far slow work got, or what it is waiting out ("finding where … lands: 3 of 12 partitions, about 9 s
    /// left"): logged, and shown in the open planning modal.
    Progress(String),
    /// How far a long listing got: shown in the open planning modal (a refresh's listings are not logged).
    Listing(String),
    /// Something went wrong that the user must see (shown as an error).
    Problem(String),
}

/// A running worker's handle.
pub struct Worker {
    /// Where commands go.
    pub commands: mpsc::UnboundedSender<Command>,
}

struct Shared {
    session: Session,
    events: mpsc::UnboundedSender<EngineEvent>,
    cancels: std::sync::Mutex<HashMap<u64, Arc<AtomicBool>>>,
    /// Plans being made, by request: cancelling one aborts its reads.
    planning: std::sync::Mutex<HashMap<u64, tokio::task::AbortHandle>>,
    said_missing: std::sync::Mutex<std::collections::HashSet<AccountKey>>,
    /// Accounts whose key the service refused, with the refusal.
    refused: std::sync::Mutex<HashMap<AccountKey, CallError>>,
    /// When the instances' groups were last listed.
    listed_at: std::sync::Mutex<Option<std::time::Instant>>,
    /// Instances whose lags are being read in the background (one sweep each at a time).
    sweeping: std::sync::Mutex<std::collections::HashSet<String>>,
    /// The lags those sweeps read, by instance and group: the next sweep reads the laggiest first.
    known_lags: std::sync::Mutex<HashMap<String, HashMap<String, i64>>>,
    /// Where each group read is kept as a lag sample; `None` without a data directory.
    samples: Option<super::history::SampleStore>,
    /// The store could not be written, and that was said.
    samples_failed: std::sync::atomic::AtomicBool,
}

/// How often a timer refresh lists every instance's groups again (a refresh the user asks for always does).
const LISTING_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Starts the worker on the current tokio runtime. Every account's keys are resolved once, off the dashboard's path
/// (a credential helper may take seconds; the first frame does not wait for it), before the first command runs.
pub fn spawn(session: Session, events: mpsc::UnboundedSender<EngineEvent>) -> Worker {
    let tx = events.clone();
    // A back-off is said in the log; speeding up again (a step a second while calls succeed) is not, or it would
    // drown the log during a long job.
    session.client.watch_rates(crate::providers::client::RateWatcher(Arc::new(move |op, endpoint, before, after| {
        if after < before {
            let text = format!("pacing {op} at {endpoint}: throttled, backing off {before} -> {after} calls/s");
            let _ = tx.send(EngineEvent::Note(text));
        }
    })));
    let tx = events.clone();
    session.client.watch_waits(crate::providers::client::WaitWatcher(Arc::new(move |w| {
        let _ = tx.send(EngineEvent::Progress(w.to_string()));
    })));
    let tx = events.clone();
    session.client.watch_listings(crate::providers::progress::ListingWatcher(Arc::new(move |l| {
        let _ = tx.send(EngineEvent::Listing(l.to_string()));
    })));
    let tx = events.clone();
    session.on_progress(Arc::new(move |text| {
        let _ = tx.send(EngineEvent::Progress(text.to_owned()));
    }));
    let (tx, mut rx) = mpsc::unbounded_channel::<Command>();
    tokio::spawn(async move {
        let Ok(mut session) = tokio::task::spawn_blocking(move || {
            session.resolve_all();
            session
        })
        .await
        else {
            return;
        };
        let refused = discover_at_start(&mut session, &events).await;
        let samples = super::paths::DataPaths::of(&session.profile).map(|p| super::history::SampleStore::of(&p));
        let shared = Arc::new(Shared {
            session,
            events,
            cancels: Default::default(),
            planning: Default::default(),
            said_missing: Default::default(),
            refused: std::sync::Mutex::new(refused),
            listed_at: Default::default(),
            sweeping: Default::default(),
            known_lags: Default::default(),
            samples,
            samples_failed: Default::default(),
        });
        while let Some(cmd) = rx.recv().await {
            let s = shared.clone();
            match cmd {
                Command::Cancel { job } => {
                    if let Some(flag) = s.cancels.lock().unwrap_or_else(|e| e.into_inner()).get(&job) {
                        flag.store(true, Ordering::SeqCst);
                    }
                }
                Command::CancelPlan { request } => {
                    if let Some(task) = s.planning.lock().unwrap_or_else(|e| e.into_inner()).remove(&request) {
                        task.abort();
                    }
                }
                other => {
                    let request = other.request();
                    let done = s.clone();
                    let task = tokio::spawn(async move {
                        s.handle(other).await;
                        if let Some(r) = request {
                            done.planning.lock().unwrap_or_else(|e| e.into_inner()).remove(&r);
                        }
                    });
                    if let Some(r) = request {
                        shared.planning.lock().unwrap_or_else(|e| e.into_inner()).insert(r, task.abort_handle());
                    }
                }
            }
        }
    });
    Worker { commands: tx }
}

/// Lists what every account with discovery on has, before the first command is handled (commands wait in the
/// channel; the first frame does not). A refused key is remembered so that nothing more is signed with it.
async fn discover_at_start(
    session: &mut Session,
    events: &mpsc::UnboundedSender<EngineEvent>,
) -> HashMap<AccountKey, CallError> {
    let mut refused = HashMap::new();
    for key in super::discover::accounts(session) {
        for listed in super::discover::list(session, &key).await {
            super::discover::merge(session, &listed);
            if let Err(e) = &listed.result
                && e.is_auth()
            {
                let code = match e {
                    CallError::Auth { code, .. } => code.clone(),
                    other => other.to_string(),
                };
                let _ = events.send(EngineEvent::AuthFailed { account: key.clone(), code, error: e.to_string() });
                refused.insert(key.clone(), e.clone());
            }
            let result = listed.result.map_err(|e| e.to_string());
            let _ = events.send(EngineEvent::Discovered { account: listed.account, what: listed.what, result });
        }
    }
    refused
}

impl Shared {
    fn send(&self, e: EngineEvent) {
        let _ = self.events.send(e);
    }

    async fn handle(self: &Arc<Self>, cmd: Command) {
        match cmd {
            Command::Refresh { asked } => self.refresh(asked).await,
            Command::Plan { request, order } => {
                let result = planner::plan(&self.session, &order).await;
                self.send(EngineEvent::Planned { request, result });
            }
            Command::Run { job, plan } => self.run_job(job, plan).await,
            Command::SavePlan { plan } => self.save_plan(plan).await,
            Command::PlanBatch { request, orders } => {
                let batch = super::batch::Batch::plan(&self.session, &orders).await;
                self.send(EngineEvent::BatchPlanned { request, batch });
            }
            Command::RunBatch { job, batch } => self.run_batch(job, batch).await,
            Command::ExportBatch { batch } => self.export(&batch),
            Command::Peek { request, topic, partition, target } => {
                let result =
                    super::peek::around(&self.session, &topic.instance, (&topic.topic, partition, target)).await;
                self.send(EngineEvent::Peeked { request, result: result.map_err(|e| e.to_string()) });
            }
            Command::OpenPlan { request, path } => {
                let result = match super::planfile::load(&path) {
                    Ok(f) => super::planfile::replan(&self.session, &f).await,
                    Err(e) => Err(e),
                };
                self.send(EngineEvent::Planned { request, result });
            }
            Command::Describe { group } => {
                let Ok(t) = self.session.find(&group.instance) else { return };
                if !self.usable(&t, false) {
                    return;
                }
                let _ = self.read(Read::Detail(group)).await;
            }
            Command::ListSnapshots { instance, all } => {
                let dir = super::paths::DataPaths::of(&self.session.profile).map(|p| p.snapshots());
                let real = self.session.find(&instance).map(|t| t.real());
                let items = match (dir, real) {
                    (Some(d), Ok(real)) => super::snapshot::restorable(&d, &instance, &real, all),
                    _ => Vec::new(),
                };
                self.send(EngineEvent::Snapshots { instance, items });
            }
            Command::Cancel { .. } | Command::CancelPlan { .. } => {}
        }
    }

    /// Whether an instance's account can be read now: it has keys (missing ones are said once), and its key was
    /// not refused (unless the user asked to try again).
    fn usable(&self, t: &Target<'_>, asked: bool) -> bool {
        let key = t.account_key();
        if let Err(e) = self.session.credentials_of(&key) {
            let mut said = self.said_missing.lock().unwrap_or_else(|e| e.into_inner());
            if said.insert(key.clone()) {
                self.send(EngineEvent::Problem(format!(
                    "account `{}` has no credentials, so its live data cannot be read and writes are refused: {e}",
                    t.account()
                )));
            }
            return false;
        }
        asked || !self.refused.lock().unwrap_or_else(|e| e.into_inner()).contains_key(&key)
    }
}
