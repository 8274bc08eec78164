//! Plans as files: planned now, reviewed, applied later only if nothing they depend on moved (Terraform's "saved
//! plan is stale", for offsets). A file pins an absolute target per partition and records what it was planned from;
//! a SHA-256 over all of it refuses an edited file. Applying it plans again from the pins through the same planner,
//! compares the live state with the recorded one, and runs the one job pipeline.

use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::error::EngineError;
use super::order::Order;
use super::plan::{Plan, PlanKind, Seen};
use super::safety::Refusal;
use super::session::Session;
use crate::core::strategy::{Pin, ResetStrategy};
use crate::core::target::{RealTarget, TargetKey};
use crate::providers::request::RequestView;

/// The largest plan file read.
const MAX_FILE_BYTES: u64 = 64 << 20;

/// The file format's version.
pub const FORMAT: u32 = 1;

/// Where the plan applies, as the cloud knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Where {
    pub key: TargetKey,
    pub region: String,
    /// Huawei's project id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// The instance id (DTS: the subscription id).
    pub instance_id: String,
    /// The API endpoint (files written before it was recorded lack it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub endpoint: String,
}

impl Where {
    /// The real target the file was planned for.
    pub fn real(&self) -> RealTarget {
        RealTarget::new(self.key.kind, &self.endpoint, &self.region, self.project_id.as_deref(), &self.instance_id)
    }
}

/// One partition as planned: what it was, and the target it is pinned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedRow {
    pub topic: String,
    pub partition: i32,
    pub committed: Option<i64>,
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub target: Option<i64>,
}

/// Whether a plan can be pinned per partition: the target resets to exact offsets, and every target is known (a
/// row without one would be dropped from the pins).
fn pinnable(plan: &Plan) -> Result<(), EngineError> {
    if let Some(why) = crate::core::strategy::StrategyKind::Pinned.refusal(plan.target.kind) {
        return Err(Refusal::Unsupported(format!("a plan file pins exact offsets: {why}")).into());
    }
    let unread: Vec<String> =
        plan.rows.iter().filter(|r| r.unknown.is_some()).map(|r| format!("{} {}", r.topic, r.partition)).collect();
    if !unread.is_empty() {
        return Err(EngineError::Unread(format!(
            "a plan file pins exact offsets, but the targets of {} could not be read from the service (see the notes); plan again when it answers",
            unread.join(", ")
        )));
    }
    if plan.kind == PlanKind::Reset && plan.rows.iter().any(|r| r.target.is_none()) {
        return Err(EngineError::Input(
            "this plan has partitions whose target only the service decides, so a file cannot pin it (give --to-offset, or plan again once the time lookup works)".into(),
        ));
    }
    Ok(())
}

/// A plan's rows as a file pins them.
fn pinned_rows(plan: &Plan) -> Vec<PinnedRow> {
    plan.rows
        .iter()
        .map(|r| PinnedRow {
            topic: r.topic.clone(),
            partition: r.partition,
            committed: r.current,
            start: r.start,
            end: r.end,
            target: r.target,
        })
        .collect()
}

/// A saved plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanFile {
    pub format: u32,
    pub tool_version: String,
    /// `user@host`.
    pub planned_by: String,
    /// RFC 3339, UTC.
    pub planned_at: String,
    pub expires_at: String,
    pub target: Where,
    pub kind: PlanKind,
    pub group: Option<String>,
    pub summary: String,
    pub notes: Vec<String>,
    pub seen: Seen,
    pub rows: Vec<PinnedRow>,
    /// Exactly what will be sent.
    pub requests: Vec<RequestView>,
    /// SHA-256 (hex) of the file with this field empty.
    pub sha256: String,
}

/// The longest a plan file may be applied for: a plan is a statement about the live state when it was made, and
/// a week-old one describes a cluster that has moved on. A file claiming longer is refused as read.
pub const MAX_VALID: jiff::SignedDuration = jiff::SignedDuration::from_hours(7 * 24);

impl PlanFile {
    /// A plan as a file, stamped now, expiring after `valid`.
    pub fn of(session: &Session, plan: &Plan, valid: jiff::SignedDuration) -> Result<Self, EngineError> {
        Self::for_target(plan, session.target(&plan.target)?.real(), valid)
    }

    /// [`PlanFile::of`], for a target already found.
    pub(crate) fn for_target(
        plan: &Plan,
        real: crate::core::target::RealTarget,
        valid: jiff::SignedDuration,
    ) -> Result<Self, EngineError> {
        pinnable(plan)?;
        if valid > MAX_VALID || valid <= jiff::SignedDuration::ZERO {
            return Err(EngineError::Input(format!(
                "--expires {valid:#}: a plan file is valid for a moment up to 7 days (168h); give a shorter time"
            )));
        }
        let now = jiff::Timestamp::now();
        let expires = now.checked_add(valid).map_err(|e| EngineError::Input(format!("--expires: {e}")))?;
        let mut f = Self {
            format: FORMAT,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            planned_by: format!("{}@{}", super::audit::user(), super::audit::hostname()),
            planned_at: now.round(jiff::Unit::Second).unwrap_or(now).to_string(),
            expires_at: expires.round(jiff::Unit::Second).unwrap_or(expires).to_string(),
            target: Where {
                key: plan.target.clone(),
                region: real.region,
                project_id: real.project_id,
                instance_id: real.id,
                endpoint: real.endpoint,
            },
            kind: plan.kind,
            group: plan.group.clone(),
            summary: plan.summary.clone(),
            notes: plan.notes.clone(),
            seen: plan.seen.clone(),
            rows: pinned_rows(plan),
            requests: plan.calls.iter().map(|c| c.view()).collect(),
            sha256: String::new(),
        };
        f.reseal();
        Ok(f)
    }

    /// Sets the hash over the file as it now is. Anyone with the file can do the same after editing it, which is
    /// why the hash proves a file was not changed by accident, never that it was not changed on purpose.
    pub fn reseal(&mut self) {
        self.sha256 = self.digest();
    }

    fn digest(&self) -> String {
        let mut bare = self.clone();
        bare.sha256.clear();
        let text = serde_json::to_string(&bare).unwrap_or_default();
        hex::encode(sha2::Sha256::digest(text.as_bytes()))
    }

    /// Reads a plan file, refusing one that was edited, is of another format, or has expired (`now`).
    pub fn read(text: &str, path: &str, now: jiff::Timestamp) -> Result<Self, EngineError> {
        let f: Self = serde_json::from_str(text)
            .map_err(|e| EngineError::Input(format!("{path} is not an offsetdeck plan file: {e}")))?;
        if f.format != FORMAT {
            return Err(EngineError::Input(format!(
                "{path} is plan format {}; this offsetdeck reads format {FORMAT}: plan it again",
                f.format
            )));
        }
        if f.digest() != f.sha256 {
            return Err(Refusal::Stale(format!(
                "{path} was changed after it was planned (its SHA-256 does not match): plan it again rather than edit it"
            ))
            .into());
        }
        let expires: jiff::Timestamp = f
            .expires_at
            .parse()
            .map_err(|e| EngineError::Input(format!("{path}: expires_at {:?}: {e}", f.expires_at)))?;
        let planned: jiff::Timestamp = f
            .planned_at
            .parse()
            .map_err(|e| EngineError::Input(format!("{path}: planned_at {:?}: {e}", f.planned_at)))?;
        if expires.duration_since(planned) > MAX_VALID {
            return Err(EngineError::Input(format!(
                "{path} says it is valid from {} to {}, longer than the 7 days a plan file may be: plan it again",
                f.planned_at, f.expires_at
            )));
        }
        let mut seen = std::collections::HashMap::new();
        for (i, r) in f.rows.iter().enumerate() {
            if let Some(first) = seen.insert((r.topic.as_str(), r.partition), i + 1) {
                return Err(EngineError::Input(format!(
                    "{path}: row {} gives {} partition {} again (first in row {first}); each partition is given once",
                    i + 1,
                    crate::core::inert::inert(&r.topic),
                    r.partition
                )));
            }
        }
        if now > expires {
            return Err(Refusal::Stale(format!(
                "{path} expired at {} (planned {} by {}): plan it again",
                f.expires_at, f.planned_at, f.planned_by
            ))
            .into());
        }
        Ok(f)
    }

    /// The order that plans the same write again from the pins.
    pub fn order(&self) -> Result<Order, EngineError> {
        let instance = self.target.key.instance.clone();
        let group = || self.group.clone().ok_or_else(|| EngineError::Input("the plan file names no group".into()));
        let mut topics: Vec<String> = Vec::new();
        for r in &self.rows {
            if !topics.contains(&r.topic) {
                topics.push(r.topic.clone());
            }
        }
        Ok(match self.kind {
            PlanKind::Reset => Order::Reset {
                group: crate::core::target::GroupRef::new(instance, group()?),
                topics: topics.clone().into(),
                partitions: Vec::new(),
                strategy: ResetStrategy::Pinned(
                    self.rows
                        .iter()
                        .filter_map(|r| {
                            Some(Pin { topic: r.topic.clone(), partition: r.partition, offset: r.target?, line: None })
                        })
                        .collect(),
                ),
            },
            PlanKind::DeleteOffsets => {
                Order::DeleteOffsets { group: crate::core::target::GroupRef::new(instance, group()?), topics }
            }
            PlanKind::DeleteMessages => Order::DeleteMessages {
                topic: crate::core::target::TopicRef::new(instance, topics.first().cloned().unwrap_or_default()),
                partitions: self.rows.iter().map(|r| (r.partition, r.target)).collect(),
            },
        })
    }

    /// What moved since the plan was made, per partition, in words; empty when nothing it depends on did.
    pub fn diff(&self, now: &Plan) -> Vec<String> {
        let mut out = Vec::new();
        if now.target != self.target.key {
            out.push(format!("the target is now {} (the plan is for {})", now.target, self.target.key));
        }
        // The same names in another profile may be another cluster: the file names the one it was planned on.
        let mut planned = self.target.real();
        if planned.endpoint.is_empty() {
            planned.endpoint.clone_from(&now.real.endpoint);
        }
        if let Some((field, was, is)) = planned.differs(&now.real) {
            out.push(format!("the plan is for {field} {was:?}, but this profile's target has {field} {is:?}"));
        }
        for (topic, count) in &self.seen.partitions {
            let live = now.seen.partitions.iter().find(|(t, _)| t == topic).map(|(_, c)| *c);
            match live {
                Some(c) if c > *count => out.push(format!("topic {topic}: partitions were added ({count} -> {c})")),
                Some(c) if c < *count => out.push(format!("topic {topic}: partitions are gone ({count} -> {c})")),
                _ => {}
            }
        }
        // The same rule as the job's re-read and the dashboard's STALE line, against the partitions as read now.
        let live: Vec<crate::core::live::PartitionState> = now
            .rows
            .iter()
            .map(|r| crate::core::live::PartitionState {
                topic: r.topic.clone(),
                partition: r.partition,
                committed: r.current,
                start: r.start,
                end: r.end,
            })
            .collect();
        let planned = self.rows.iter().map(|r| super::plan::drift::Planned {
            topic: &r.topic,
            partition: r.partition,
            committed: r.committed,
            target: r.target,
        });
        out.extend(super::plan::drift::drift(self.kind, planned, &live).iter().map(ToString::to_string));
        let sent: Vec<RequestView> = now.calls.iter().map(|c| c.view()).collect();
        if out.is_empty() && sent != self.requests {
            out.push(
                "the requests would differ from the plan's (another offsetdeck version or profile endpoint)".into(),
            );
        }
        out
    }
}

/// The plan as a file will hold it: a reset is planned again from its own targets, so the requests saved are the
/// exact per-partition ones `apply` sends (a strategy such as "all partitions to offset 40" or a time becomes an
/// offset per partition, resolved now). Other writes already name exact partitions.
pub async fn pinned(session: &Session, plan: Plan) -> Result<Plan, EngineError> {
    if plan.kind != PlanKind::Reset {
        return Ok(plan);
    }
    let rows = pinned_rows(&plan);
    let probe = PlanFile { rows, kind: plan.kind, group: plan.group.clone(), ..PlanFile::empty(plan.target.clone()) };
    let mut again = super::planner::plan(session, &probe.order()?).await?;
    again.summary = format!("{}, pinned per partition", plan.summary);
    for n in plan.notes {
        if !again.notes.contains(&n) {
            again.notes.push(n);
        }
    }
    Ok(again)
}

impl PlanFile {
    fn empty(key: TargetKey) -> Self {
        Self {
            format: FORMAT,
            tool_version: String::new(),
            planned_by: String::new(),
            planned_at: String::new(),
            expires_at: String::new(),
            target: Where {
                key,
                region: String::new(),
                project_id: None,
                instance_id: String::new(),
                endpoint: String::new(),
            },
            kind: PlanKind::Reset,
            group: None,
            summary: String::new(),
            notes: Vec::new(),
            seen: Seen::default(),
            rows: Vec::new(),
            requests: Vec::new(),
            sha256: String::new(),
        }
    }
}

/// Writes a plan file only its owner can read (it names accounts, groups and request URLs).
pub fn write(path: &std::path::Path, file: &PlanFile) -> Result<(), EngineError> {
    let text = serde_json::to_string_pretty(file).map_err(|e| EngineError::Input(e.to_string()))?;
    super::durable::write(path, text.as_bytes())
        .map_err(|e| EngineError::Input(format!("cannot write the plan file {}: {e}", path.display())))
}

/// Where the dashboard saves plan files: `plans/` next to the snapshots, named by time, instance and group.
pub fn default_path(session: &Session, plan: &Plan) -> Option<std::path::PathBuf> {
    let dir = default_dir(session)?;
    let clean =
        |t: &str| t.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect::<String>();
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let group = plan.group.as_deref().unwrap_or("messages");
    Some(dir.join(format!("{stamp}-{}-{}.json", clean(&plan.target.instance), clean(group))))
}

/// The directory plans and exports are saved in (beside the snapshots), created private.
pub fn default_dir(session: &Session) -> Option<std::path::PathBuf> {
    let dir = super::paths::DataPaths::of(&session.profile)?.plans();
    super::paths::private_dir(&dir).ok()?;
    Some(dir)
}

/// Saves a plan as a file (pinned per partition, as `--plan-out` does): the file and where it went.
pub async fn save(
    session: &Session,
    plan: Plan,
    path: &std::path::Path,
    valid: jiff::SignedDuration,
) -> Result<PlanFile, EngineError> {
    pinnable(&plan)?;
    let plan = pinned(session, plan).await?;
    let file = PlanFile::of(session, &plan, valid)?;
    write(path, &file)?;
    Ok(file)
}

/// Reads a plan file from disk, checked (hash, format, expiry).
pub fn load(path: &std::path::Path) -> Result<PlanFile, EngineError> {
    // Bounded like every other input: a plan of 100,000 partitions is ~30 MiB.
    let text = super::files::read_text(path, MAX_FILE_BYTES, super::files::Links::Follow)
        .map_err(|e| EngineError::Input(e.to_string()))?;
    PlanFile::read(&text, &path.display().to_string(), jiff::Timestamp::now())
}

/// Plans a saved plan again from its pins and checks nothing moved: the plan to run (naming the file's hash), or a
/// refusal (exit 3) listing every difference. The group must still be inactive (the planner refuses otherwise).
pub async fn replan(session: &Session, file: &PlanFile) -> Result<Plan, EngineError> {
    let mut plan = super::planner::plan(session, &file.order()?).await?;
    let moved = file.diff(&plan);
    if !moved.is_empty() {
        return Err(Refusal::Stale(format!(
            "the live state moved since the plan was made, so nothing was sent:\n  {}",
            moved.join("\n  ")
        ))
        .into());
    }
    plan.plan_file = Some(file.sha256.clone());
    plan.summary = format!("{} (plan file {}…)", plan.summary, &file.sha256[..12]);
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::strategy::ResetStrategy;
    use crate::engine::fixtures::{group, profile, reset_plan};

    #[test]
    fn a_plan_file_is_read_until_its_expiry_and_refused_a_second_after() {
        let p = profile();
        let t = crate::engine::target::Target::find(&p, "orders").unwrap();
        let plan = reset_plan(&group("EMPTY", &[(Some(5), Some(0), Some(9))]), ResetStrategy::Earliest);
        let f = PlanFile::for_target(&plan, t.real(), jiff::SignedDuration::from_hours(1)).unwrap();
        let text = serde_json::to_string(&f).unwrap();
        let expires: jiff::Timestamp = f.expires_at.parse().unwrap();
        assert!(PlanFile::read(&text, "p.json", expires).is_ok(), "valid up to its expiry");
        let late = expires.checked_add(jiff::SignedDuration::from_secs(1)).unwrap();
        let e = PlanFile::read(&text, "p.json", late).unwrap_err().to_string();
        assert!(e.contains(&format!("p.json expired at {}", f.expires_at)) && e.contains("plan it again"), "{e}");
    }
}
