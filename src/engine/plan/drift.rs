//! Whether a plan still holds: the one rule that the job's re-read before writing, the plan file's diff and the
//! dashboard's STALE line all use, so the three cannot disagree about what moved.

use std::fmt;

use super::{Plan, PlanKind};
use crate::core::live::PartitionState;

/// One partition of a plan as it was planned.
#[derive(Debug, Clone, Copy)]
pub struct Planned<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub committed: Option<i64>,
    pub target: Option<i64>,
}

/// What moved under a plan since it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// The group committed elsewhere: the preview's "from" is wrong.
    Committed { topic: String, partition: i32, was: Option<i64>, now: Option<i64> },
    /// The partition is not there any more.
    Gone { topic: String, partition: i32 },
    /// Retention deleted past the target: the write would land elsewhere.
    StartPassed { topic: String, partition: i32, start: i64, target: i64 },
    /// The log is now shorter than the target.
    EndBelow { topic: String, partition: i32, end: i64, target: i64 },
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Option<i64>| v.map_or("none".to_owned(), |x| x.to_string());
        match self {
            Self::Committed { topic, partition, was, now } => {
                write!(f, "{topic} partition {partition}: committed offset moved {} -> {}", show(was), show(now))
            }
            Self::Gone { topic, partition } => write!(f, "{topic} partition {partition}: gone"),
            Self::StartPassed { topic, partition, start, target } => {
                write!(f, "{topic} partition {partition}: the log start {start} passed the target {target}")
            }
            Self::EndBelow { topic, partition, end, target } => {
                write!(f, "{topic} partition {partition}: the log end {end} is now below the target {target}")
            }
        }
    }
}

/// Every way the live partitions moved under what was planned. A message delete does not depend on the group's
/// commits; everything else does.
pub fn drift<'a>(
    kind: PlanKind,
    planned: impl IntoIterator<Item = Planned<'a>>,
    live: &[PartitionState],
) -> Vec<Drift> {
    let at: std::collections::HashMap<(&str, i32), &PartitionState> =
        live.iter().map(|p| ((p.topic.as_str(), p.partition), p)).collect();
    let mut out = Vec::new();
    for r in planned {
        let (topic, partition) = (r.topic.to_owned(), r.partition);
        let Some(now) = at.get(&(r.topic, r.partition)) else {
            out.push(Drift::Gone { topic, partition });
            continue;
        };
        if kind != PlanKind::DeleteMessages && now.committed != r.committed {
            out.push(Drift::Committed { topic: topic.clone(), partition, was: r.committed, now: now.committed });
        }
        if let Some(target) = r.target {
            if let Some(start) = now.start.filter(|s| target < *s) {
                out.push(Drift::StartPassed { topic: topic.clone(), partition, start, target });
            }
            if let Some(end) = now.end.filter(|e| target > *e) {
                out.push(Drift::EndBelow { topic, partition, end, target });
            }
        }
    }
    out
}

impl Plan {
    /// What moved under this plan, by [`drift`].
    pub fn drift(&self, live: &[PartitionState]) -> Vec<Drift> {
        let planned = self.rows.iter().map(|r| Planned {
            topic: &r.topic,
            partition: r.partition,
            committed: r.current,
            target: r.target,
        });
        drift(self.kind, planned, live)
    }
}

/// The drifts in one line: the first, and how many more.
pub fn in_short(d: &[Drift]) -> Option<String> {
    match d.len() {
        0 => None,
        1 => Some(d[0].to_string()),
        n => Some(format!("{}, and {} more", d[0], n - 1)),
    }
}
