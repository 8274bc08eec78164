//! One read of a group kept as a sample: per partition the committed offset and the log's bounds, at a time.

use crate::core::live::{GroupSnapshot, state_word};

/// A partition of a topic.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartitionKey {
    pub topic: String,
    pub partition: i32,
}

impl std::fmt::Display for PartitionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}[{}]", self.topic, self.partition)
    }
}

/// One partition in a sample: the live read's own partition state (`None` is "not read", never 0), so a sample
/// keeps exactly what a read gave and the lag rule is `PartitionState::lag`.
pub use crate::core::live::PartitionState as PartitionSample;

impl PartitionSample {
    pub fn key(&self) -> PartitionKey {
        PartitionKey { topic: self.topic.clone(), partition: self.partition }
    }

    pub fn get(&self, which: Offset) -> Option<i64> {
        match which {
            Offset::Committed => self.committed,
            Offset::Start => self.start,
            Offset::End => self.end,
        }
    }
}

/// Which of a partition's three offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offset {
    Committed,
    Start,
    End,
}

/// The group's state in the one vocabulary of [`state_word`], as a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupState {
    Empty,
    Active,
    Rebalancing,
    Dead,
    Unknown,
}

impl GroupState {
    /// From the state as the API spells it.
    pub fn of(api_state: &str) -> Self {
        match state_word(api_state) {
            "EMPTY" => Self::Empty,
            "ACTIVE" => Self::Active,
            "REBALANCING" => Self::Rebalancing,
            "DEAD" => Self::Dead,
            _ => Self::Unknown,
        }
    }

    /// The word the tree, the detail and the CLI show.
    pub fn word(self) -> &'static str {
        match self {
            Self::Empty => "EMPTY",
            Self::Active => "ACTIVE",
            Self::Rebalancing => "REBALANCING",
            Self::Dead => "DEAD",
            Self::Unknown => "UNKNOWN",
        }
    }
}

/// A group as read at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// When it was read, Unix ms.
    pub at_ms: i64,
    /// How many members it had; `None` when the read did not say (Huawei's listing gives lag without members).
    pub members: Option<usize>,
    pub state: GroupState,
    /// Sorted by topic, then partition.
    pub partitions: Vec<PartitionSample>,
}

impl Sample {
    /// A sample of a live read taken at `at_ms`. `members` is passed apart from the snapshot because a listing's
    /// snapshot has no member list: an empty list there is "not read", not "no members".
    pub fn of(snapshot: &GroupSnapshot, at_ms: i64, members: Option<usize>) -> Self {
        Self::new(at_ms, members, GroupState::of(&snapshot.state), snapshot.partitions.clone())
    }

    /// A sample with its partitions put in order (the lookups below rely on it); a partition listed twice keeps
    /// its first reading.
    pub fn new(at_ms: i64, members: Option<usize>, state: GroupState, mut partitions: Vec<PartitionSample>) -> Self {
        partitions.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
        partitions.dedup_by(|b, a| a.topic == b.topic && a.partition == b.partition);
        Self { at_ms, members, state, partitions }
    }

    /// The partition, if this read had it.
    pub fn get(&self, key: &PartitionKey) -> Option<&PartitionSample> {
        self.partitions
            .binary_search_by(|p| (p.topic.as_str(), p.partition).cmp(&(key.topic.as_str(), key.partition)))
            .ok()
            .map(|i| &self.partitions[i])
    }

    /// The group's lag over the partitions with a committed offset and a known end; `None` when there are none,
    /// as [`GroupSnapshot::total_lag`] says it.
    pub fn lag(&self) -> Option<i64> {
        let lags: Vec<i64> = self.partitions.iter().filter_map(PartitionSample::lag).collect();
        (!lags.is_empty()).then(|| lags.iter().sum())
    }

    /// No consumer is in the group: zero members read, or, when members were not read, a state that has none.
    pub fn has_no_members(&self) -> bool {
        match self.members {
            Some(n) => n == 0,
            None => matches!(self.state, GroupState::Empty | GroupState::Dead),
        }
    }
}

/// The known values of one offset of one partition over a series: (time, value), oldest first. A sample that
/// lacks the partition, or did not read that offset, leaves a gap rather than a value.
pub fn values(series: &[Sample], key: &PartitionKey, which: Offset) -> Vec<(i64, i64)> {
    series.iter().filter_map(|s| Some((s.at_ms, s.get(key)?.get(which)?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::live::{MemberInfo, PartitionState};

    #[test]
    fn a_sample_keeps_what_was_read_and_no_more() {
        let p = |topic: &str, partition, committed| PartitionState {
            topic: topic.into(),
            partition,
            committed,
            start: Some(0),
            end: Some(10),
        };
        let snap = GroupSnapshot {
            group: "g".into(),
            state: "PreparingRebalance".into(),
            members: vec![MemberInfo { client_id: "c".into(), host: "h".into() }],
            partitions: vec![p("b", 0, Some(4)), p("a", 1, None), p("a", 0, Some(10))],
        };
        let s = Sample::of(&snap, 1_000, Some(1));
        assert_eq!(s.state, GroupState::Rebalancing);
        assert_eq!(s.partitions.iter().map(|p| p.key().to_string()).collect::<Vec<_>>(), ["a[0]", "a[1]", "b[0]"]);
        assert_eq!(s.get(&PartitionKey { topic: "a".into(), partition: 1 }).unwrap().committed, None);
        assert_eq!(s.lag(), Some(6), "the uncommitted partition has no lag, not 10");
        let listing = Sample::of(&GroupSnapshot { members: vec![], state: "Stable".into(), ..snap }, 1_000, None);
        assert!(!listing.has_no_members(), "members not read and a stable group: someone is there");
        let empty = Sample { state: GroupState::Empty, ..listing.clone() };
        assert!(empty.has_no_members());
        assert!(Sample { members: Some(0), ..listing }.has_no_members());
    }
}
