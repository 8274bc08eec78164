//! Plans: from the live state and what the user asked, the exact calls to make and what each partition will become.
//! Pure: the reads happen before (`planner`), the calls after (`job`).

mod delete;
pub mod drift;
mod reset;

pub use delete::{delete_messages, delete_offsets};
pub use reset::{ResetRequest, describe_strategy, reset};

use serde::{Deserialize, Serialize};

use super::safety::Confirmation;
use crate::core::live::{GroupSnapshot, PartitionState};
use crate::core::target::{RealTarget, TargetKey};
use crate::providers::request::ApiRequest;

/// One partition in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub topic: String,
    pub partition: i32,
    /// Committed offset now.
    pub current: Option<i64>,
    /// Log start now.
    pub start: Option<i64>,
    /// Log end now.
    pub end: Option<i64>,
    /// The committed offset (reset) or new log start (delete messages) after the call, when computable.
    pub target: Option<i64>,
    /// Whether the target was clamped to the log's bounds.
    pub clamped: bool,
    /// When the message at the target was written (Unix ms), where the cloud's API tells it.
    pub target_time_ms: Option<i64>,
    /// Why the target is not known before the call, when a read it needed failed (it is then counted nowhere).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
    /// The index in `Plan::calls` of the call that moves this partition.
    pub call: usize,
}

impl Row {
    pub fn lag_now(&self) -> Option<i64> {
        Some(self.end? - self.current?)
    }

    pub fn lag_after(&self) -> Option<i64> {
        Some(self.end? - self.target?)
    }

    /// Messages consumed again (target below the committed offset) as a negative number, or skipped as a positive one.
    pub fn moves_by(&self) -> Option<i64> {
        Some(self.target? - self.current?)
    }

    /// The move in words: `replay 120`, `skip 40`, `no change`, or `?` when not known before the call.
    pub fn effect(&self) -> String {
        match self.moves_by() {
            Some(0) => "no change".into(),
            Some(n) if n < 0 => format!("replay {}", -n),
            Some(n) => format!("skip {n}"),
            None => "?".into(),
        }
    }

    /// After its committed offset is deleted, a group restarts from its `auto.offset.reset`: messages consumed again
    /// if that is earliest (committed back to the log start).
    pub fn replays_if_earliest(&self) -> Option<i64> {
        Some(self.resumes_at()? - self.start?)
    }

    /// Messages skipped if the group's `auto.offset.reset` is latest (committed up to the log end).
    pub fn skips_if_latest(&self) -> Option<i64> {
        Some(self.end? - self.resumes_at()?)
    }

    /// Where the group would go on from: its committed offset, inside the log (retention may have deleted past a
    /// slow group's offset, and then it goes on from the log start; the messages in between are already gone).
    fn resumes_at(&self) -> Option<i64> {
        let (c, start) = (self.current?, self.start?);
        Some(clamp(c, Some(start), self.end).0)
    }

    /// A row for a partition as it is now, with no target yet.
    fn from_live(p: &PartitionState) -> Self {
        Self {
            topic: p.topic.clone(),
            partition: p.partition,
            current: p.committed,
            start: p.start,
            end: p.end,
            target: None,
            clamped: false,
            target_time_ms: None,
            unknown: None,
            call: 0,
        }
    }
}

/// What will run.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub kind: PlanKind,
    /// Exactly which instance or subscription, of which account and cloud.
    pub target: TargetKey,
    /// The same target as the cloud knows it: what snapshots, locks and plan files are keyed by.
    pub real: RealTarget,
    /// The group as the API names it (none for message deletes).
    pub group: Option<String>,
    /// The same group as listings, live reads and the dashboard name it (a DTS group's short name), with its
    /// instance: a plan and a read are of one group only when these are equal.
    #[serde(skip)]
    pub group_ref: Option<crate::core::target::GroupRef>,
    /// One line in plain words.
    pub summary: String,
    /// What the user must do to confirm it, as the safety rules decide.
    pub confirmation: Confirmation,
    /// Where a partition whose exact target is unknown must move for the write to count as applied.
    pub expect: Direction,
    /// The calls, in order.
    #[serde(serialize_with = "calls_as_views")]
    pub calls: Vec<ApiRequest>,
    pub rows: Vec<Row>,
    /// Things the user should know.
    pub notes: Vec<String>,
    /// What it was planned from beyond its rows (a plan file pins these).
    pub seen: Seen,
    /// The SHA-256 of the plan file this plan applies, when it came from one (the audit trail names it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_file: Option<String>,
    /// When this plan restores a snapshot: the snapshot's time (the confirmation then says "confirm undo").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undoes: Option<String>,
}

/// The live state a plan was made from, beyond its rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// The group's state as the cloud spelled it (empty for message deletes).
    pub group_state: String,
    pub members: usize,
    /// Each topic of the plan with the partition count it had.
    pub partitions: Vec<(String, u32)>,
}

impl Seen {
    /// From a group's live read, for the plan's topics.
    pub fn of_group(snap: &GroupSnapshot, topics: &[String]) -> Self {
        let partitions = topics
            .iter()
            .map(|t| (t.clone(), snap.partitions.iter().filter(|p| &p.topic == t).count() as u32))
            .collect();
        Self { group_state: snap.state.clone(), members: snap.members.len(), partitions }
    }
}

/// The kinds of write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    /// Move committed offsets.
    Reset,
    /// Forget committed offsets.
    DeleteOffsets,
    /// Delete messages before an offset.
    DeleteMessages,
}

/// Which way an offset must move when the exact target is not known before the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Earliest: down, or already at the log start.
    Down,
    /// Latest: up, or already at the log end.
    Up,
    /// A time: it must change (either way).
    Changed,
}

/// What a planner decided, before the safety rules say how it is confirmed.
pub(crate) struct Draft {
    pub kind: PlanKind,
    pub group: Option<String>,
    pub summary: String,
    pub expect: Direction,
    pub calls: Vec<ApiRequest>,
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
}

impl Plan {
    /// The one way a plan is made: its confirmation always comes from the safety rules, by the name each kind is
    /// confirmed with (the group, or the topic whose messages go).
    pub(crate) fn new(target: &crate::engine::target::Target<'_>, d: Draft) -> Result<Self, super::error::EngineError> {
        let name = match d.kind {
            PlanKind::Reset | PlanKind::DeleteOffsets => d.group.clone(),
            PlanKind::DeleteMessages => d.rows.first().map(|r| r.topic.clone()),
        }
        .ok_or_else(|| super::error::EngineError::Input("a plan needs the group (or topic) it writes".into()))?;
        let plan = Self {
            kind: d.kind,
            target: target.key(),
            real: target.real(),
            confirmation: Confirmation::required(target, d.kind, &name),
            group_ref: d.group.as_deref().map(|g| target.group_ref(g)),
            group: d.group,
            summary: d.summary,
            expect: d.expect,
            calls: d.calls,
            rows: d.rows,
            notes: d.notes,
            seen: Default::default(),
            plan_file: None,
            undoes: None,
        };
        Ok(plan)
    }

    /// The plan as it is shown and run, once every topic is in it: a plan that moves nothing says so first and sends
    /// nothing (its calls would only write what is there). Only the whole plan can say so: a topic that moves
    /// nothing may share the plan with one that does, and its calls are what its rows point at.
    pub fn finish(mut self) -> Self {
        if !self.changes() {
            self.calls.clear();
            self.summary = format!("NOTHING TO CHANGE, nothing will be sent: {}", self.summary);
        }
        self
    }
}

impl Plan {
    /// Total lag before and after, when every partition's is known.
    pub fn lag_totals(&self) -> Option<(i64, i64)> {
        lag_totals(&self.rows)
    }

    /// Messages replayed and skipped in all, over the partitions whose target is known.
    pub fn totals(&self) -> (i64, i64) {
        totals(&self.rows)
    }

    /// Whether running it would change anything: a reset's partition whose target differs from where it is (or is
    /// not known before the call); any row of a delete.
    pub fn changes(&self) -> bool {
        match self.kind {
            PlanKind::Reset => self.rows.iter().any(|r| r.target.is_none() || r.target != r.current),
            _ => !self.rows.is_empty(),
        }
    }

    /// Appends another plan of the same group (another topic): its calls follow, its rows point at them.
    pub fn absorb(&mut self, other: Plan, topic: &str) {
        let base = self.calls.len();
        self.summary = format!("{}; and topic `{topic}`", self.summary);
        self.calls.extend(other.calls);
        self.rows.extend(other.rows.into_iter().map(|r| Row { call: r.call + base, ..r }));
        for n in other.notes {
            if !self.notes.contains(&n) {
                self.notes.push(n);
            }
        }
    }
}

fn calls_as_views<S: serde::Serializer>(calls: &[ApiRequest], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(calls.iter().map(ApiRequest::view))
}

/// What deleting these rows' committed offsets does, in all: consumed again if the group restarts from earliest,
/// skipped if from latest (partitions whose numbers are unknown are left out).
pub fn restart_outcomes(rows: &[Row]) -> (i64, i64) {
    rows.iter()
        .fold((0, 0), |(e, l), r| (e + r.replays_if_earliest().unwrap_or(0), l + r.skips_if_latest().unwrap_or(0)))
}

/// Partition numbers as short ranges: `0-5, 7, 9-10`.
pub fn partition_ranges(parts: &[i32]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        out.push(if j > i { format!("{}-{}", sorted[i], sorted[j]) } else { sorted[i].to_string() });
        i = j + 1;
    }
    out.join(", ")
}

/// Total lag of rows before and after, when every one's is known.
pub fn lag_totals(rows: &[Row]) -> Option<(i64, i64)> {
    rows.iter().try_fold((0, 0), |(n, a), r| Some((n + r.lag_now()?, a + r.lag_after()?)))
}

/// Messages replayed and skipped over rows whose target is known.
/// What the totals leave out: "K of N partition(s) have an unknown target and are not counted", when any has.
pub fn unknown_note(rows: &[Row]) -> Option<String> {
    let k = rows.iter().filter(|r| r.unknown.is_some()).count();
    (k > 0).then(|| {
        format!("{k} of {} partition(s) have an unknown target and are not counted (see the notes)", rows.len())
    })
}

/// Messages consumed again and skipped over the rows whose target and committed offset are known.
pub fn totals(rows: &[Row]) -> (i64, i64) {
    rows.iter().filter_map(Row::moves_by).fold((0, 0), |(r, k), n| if n < 0 { (r - n, k) } else { (r, k + n) })
}

/// Clamps to the log's bounds where known; says whether it clamped.
pub(super) fn clamp(v: i64, start: Option<i64>, end: Option<i64>) -> (i64, bool) {
    let lo = start.unwrap_or(i64::MIN);
    let hi = end.unwrap_or(i64::MAX);
    let c = v.clamp(lo, hi.max(lo));
    (c, c != v)
}

/// The partitions to act on: the chosen ones (each must exist live), or all.
fn select(snapshot: &GroupSnapshot, topic: &str, chosen: &[i32]) -> Result<Vec<Row>, super::error::EngineError> {
    use super::error::EngineError;
    let live: Vec<Row> = snapshot.partitions.iter().filter(|p| p.topic == topic).map(Row::from_live).collect();
    if live.is_empty() {
        return Err(EngineError::Input(format!("the group has no partitions of topic `{topic}` live")));
    }
    if chosen.is_empty() {
        return Ok(live);
    }
    let at: std::collections::HashMap<i32, &Row> = live.iter().map(|r| (r.partition, r)).collect();
    chosen
        .iter()
        .map(|c| {
            at.get(c).map(|r| (*r).clone()).ok_or_else(|| {
                let have: Vec<String> = live.iter().map(|r| r.partition.to_string()).collect();
                EngineError::Input(format!("topic `{topic}` has no partition {c}; it has {}", have.join(", ")))
            })
        })
        .collect()
}
