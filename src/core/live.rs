//! What the live reads tell us about a group, in one shape for every provider.

/// One partition as seen by a group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PartitionState {
    /// Topic.
    pub topic: String,
    /// Partition index.
    pub partition: i32,
    /// Committed offset; `None` when the group has none.
    pub committed: Option<i64>,
    /// Log start offset, when the API tells it.
    pub start: Option<i64>,
    /// Log end offset, when the API tells it.
    pub end: Option<i64>,
}

impl PartitionState {
    /// End minus committed, when both are known.
    pub fn lag(&self) -> Option<i64> {
        Some(self.end? - self.committed?)
    }
}

/// A partition's log, read from the topic itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TopicPartition {
    /// Partition index.
    pub partition: i32,
    /// Log start offset.
    pub start: i64,
    /// Log end offset.
    pub end: i64,
    /// Time of the newest message, Unix ms, when the API tells it.
    pub last_message_ms: Option<i64>,
}

/// One message as a peek shows it: the cloud's text, to be made inert before it reaches a terminal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Message {
    pub offset: i64,
    /// When it was written, Unix ms.
    pub timestamp_ms: Option<i64>,
    pub key: Option<String>,
    pub value: Option<String>,
    /// Its size in bytes, as the cloud says (else the value's length).
    pub size: Option<u64>,
}

/// How much of a message's key and value a peek keeps: enough to recognise it, never enough that a 60 MB value
/// slows every key press. Its size says how much there was.
pub const PEEK_KEEP: usize = 4 << 10;

impl Message {
    /// A message as read, its key and value cut to [`PEEK_KEEP`] bytes (at a character boundary); `size` is the
    /// cloud's figure, else the value's full length before the cut.
    pub fn kept(
        offset: i64,
        timestamp_ms: Option<i64>,
        key: Option<String>,
        value: Option<String>,
        size: Option<u64>,
    ) -> Self {
        let size = size.or(value.as_ref().map(|v| v.len() as u64));
        Self { offset, timestamp_ms, key: key.map(cut), value: value.map(cut), size }
    }
}

fn cut(mut s: String) -> String {
    if s.len() > PEEK_KEEP {
        let mut at = PEEK_KEEP;
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        s.truncate(at);
    }
    s
}

/// Where a time lands in each partition that could be read, and why each other one could not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeLookup {
    pub found: Vec<TimeTarget>,
    /// (partition, why its target is unknown).
    pub unknown: Vec<(i32, String)>,
}

/// One partition to look a time up in: its index and log bounds where known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub partition: i32,
    pub start: Option<i64>,
    pub end: Option<i64>,
}

/// Where a time lands in one partition, as the cloud's own time-to-offset API says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TimeTarget {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: i32,
    /// The offset the time maps to (the log end when no message is that new).
    pub offset: i64,
    /// When the message at that offset was written, Unix ms, if the API says.
    pub message_ms: Option<i64>,
}

/// A consumer in the group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MemberInfo {
    /// Client id.
    pub client_id: String,
    /// Host.
    pub host: String,
}

/// A group's live state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupSnapshot {
    /// Group name as the API knows it.
    pub group: String,
    /// State as the API spells it.
    pub state: String,
    /// Members.
    pub members: Vec<MemberInfo>,
    /// Partitions, sorted by topic then partition.
    pub partitions: Vec<PartitionState>,
}

/// Normalises a state spelling: `PREPARING_REBALANCE` and `PreparingRebalance` compare equal.
pub fn normalise_state(s: &str) -> String {
    s.chars().filter(|c| *c != '_' && *c != '-' && !c.is_whitespace()).collect::<String>().to_ascii_lowercase()
}

/// One state vocabulary everywhere (tree, detail, CLI), whatever the API's spelling: EMPTY, ACTIVE, REBALANCING,
/// DEAD, or UNKNOWN.
pub fn state_word(state: &str) -> &'static str {
    match normalise_state(state).as_str() {
        "empty" => "EMPTY",
        "dead" => "DEAD",
        "stable" => "ACTIVE",
        "preparingrebalance" | "completingrebalance" | "rebalancing" => "REBALANCING",
        _ => "UNKNOWN",
    }
}

/// Who is given a long listing's groups as its pages arrive (the dashboard shows them before the listing ends).
pub type Parts<'a> = &'a (dyn Fn(Vec<GroupSummary>) + Sync);

/// How much a group listing reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Names (and, where the listing itself says so, state and lag): one call per page.
    Names,
    /// State and lag for triage, without a read per group where that is what members cost (Huawei's listing says
    /// state and lag itself; members are then unknown, not zero).
    Lag,
    /// Members, topics and lag too, at a call or more per group.
    Full,
}

/// A group as an instance's group listing shows it: enough to triage without reading every partition.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupSummary {
    /// The group as the API names it.
    pub group: String,
    /// The state as the API spells it.
    pub state: String,
    /// How many members it has, when read.
    pub members: Option<usize>,
    /// Total lag over its partitions, when the API tells it.
    pub lag: Option<i64>,
    /// The topics it has committed offsets on (empty when not read).
    pub topics: Vec<String>,
}

impl GroupSnapshot {
    /// Whether offsets may be changed: the group is Empty or Dead.
    pub fn is_inactive(&self) -> bool {
        matches!(normalise_state(&self.state).as_str(), "empty" | "dead")
    }

    /// The group's lag (on one topic, or all), over the partitions with a committed offset; `None` when it has
    /// none there (after its offsets were deleted, or before its first commit): never 0, which says "caught up".
    pub fn total_lag(&self, topic: Option<&str>) -> Option<i64> {
        let parts = self.partitions.iter().filter(|p| topic.is_none_or(|t| p.topic == t));
        let committed: Vec<&PartitionState> = parts.filter(|p| p.committed.is_some()).collect();
        (!committed.is_empty()).then(|| committed.iter().filter_map(|p| p.lag()).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peeked_value_keeps_its_first_bytes_and_its_size() {
        let huge = "é".repeat(3 << 20);
        let m = Message::kept(7, None, Some("k".repeat(10_000)), Some(huge.clone()), None);
        let v = m.value.unwrap();
        assert!(v.len() <= PEEK_KEEP && v.len() > PEEK_KEEP - 4 && huge.starts_with(&v), "cut at a char boundary");
        assert_eq!(m.size, Some(huge.len() as u64), "the size is the whole value's");
        assert_eq!(m.key.unwrap().len(), PEEK_KEEP);
        assert_eq!(Message::kept(1, None, None, Some("v".into()), Some(900)).size, Some(900), "the cloud's size wins");
    }

    #[test]
    fn no_committed_offset_is_no_lag_not_zero() {
        let p = |topic: &str, committed| PartitionState {
            topic: topic.into(),
            partition: 0,
            committed,
            start: Some(0),
            end: Some(10),
        };
        let g = |partitions| GroupSnapshot { group: "g".into(), state: "Empty".into(), members: vec![], partitions };
        assert_eq!(g(vec![]).total_lag(None), None, "CKafka lists no partition once the offsets are deleted");
        assert_eq!(g(vec![p("a", None)]).total_lag(None), None, "Huawei lists them uncommitted");
        assert_eq!(g(vec![p("a", Some(4)), p("b", None)]).total_lag(None), Some(6));
        assert_eq!(g(vec![p("a", Some(4)), p("b", None)]).total_lag(Some("b")), None);
        assert_eq!(g(vec![p("a", Some(10))]).total_lag(None), Some(0), "caught up is 0");
    }

    #[test]
    fn one_word_per_state_whatever_the_spelling() {
        assert_eq!(state_word("PREPARING_REBALANCE"), "REBALANCING");
        assert_eq!(state_word("Stable"), "ACTIVE");
        assert_eq!(state_word("EMPTY"), "EMPTY");
        assert_eq!(state_word("weird"), "UNKNOWN");
    }

    #[test]
    fn states_compare_loosely() {
        assert_eq!(normalise_state("PREPARING_REBALANCE"), normalise_state("PreparingRebalance"));
        let g = |s: &str| GroupSnapshot { group: "g".into(), state: s.into(), members: vec![], partitions: vec![] };
        assert!(g("EMPTY").is_inactive() && g("Dead").is_inactive() && !g("STABLE").is_inactive());
    }
}
