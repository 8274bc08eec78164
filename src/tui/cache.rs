//! What the engine last said about each group, topic and instance: the dashboard's copy of the live data, keyed by
//! typed identity, so every view reads the same facts and none re-derives them.

use std::collections::{HashMap, HashSet};

use crate::core::live::{GroupSnapshot, GroupSummary, TopicPartition};
use crate::core::target::{GroupRef, TopicRef};

#[derive(Debug, Clone, Default)]
pub struct LiveCache {
    /// Each group's newest read, or why it failed.
    pub groups: HashMap<GroupRef, Result<GroupSnapshot, String>>,
    /// Each pinned topic's partitions and log offsets, or why the read failed.
    pub topics: HashMap<TopicRef, Result<Vec<TopicPartition>, String>>,
    /// Each instance's groups as the cloud lists them, by instance.
    pub listed: HashMap<String, Result<Vec<GroupSummary>, String>>,
    /// Groups the cloud has that the profile does not list.
    pub discovered: HashSet<GroupRef>,
    /// Pinned topics the instance does not have live.
    pub topics_missing: HashSet<TopicRef>,
    /// Every listed group's state and lag from its instance's listing.
    pub summaries: HashMap<GroupRef, GroupSummary>,
    /// Groups only the cloud lists whose detail was asked for since the last refresh.
    pub detail_asked: HashSet<GroupRef>,
    /// Each group's total lag at the read before the newest, for the trend.
    pub previous_lag: HashMap<GroupRef, i64>,
    /// Groups whose lag the engine read in the background (it may have found none committed).
    pub lags_read: HashSet<GroupRef>,
    /// What each group's lag samples say after its newest read (the engine keeps the samples).
    pub figures: HashMap<GroupRef, Box<crate::core::lag::Figures>>,
    /// Groups whose summary so far is a page of a listing still being read.
    pub from_part: HashSet<GroupRef>,
    /// Large groups only the cloud lists whose detail is held, oldest read first (see [`LiveCache::hold_group`]).
    recent_large: std::collections::VecDeque<GroupRef>,
}

/// The partitions of detail held for large groups only the cloud lists: the one just read always, older ones while
/// they fit. A 100,000-partition group's detail is about 10 MB; looking at six of them must not keep 60.
pub const DETAIL_BUDGET: usize = 150_000;
/// A group with this many partitions or more is large.
const LARGE: usize = 1_000;

impl LiveCache {
    /// Keeps a group's newest read. When large groups only the cloud lists hold more than [`DETAIL_BUDGET`]
    /// partitions, the oldest read give their detail back, keeping what the read said of the whole group (state,
    /// members, lag) as their summary; looking at one again reads it again. Returns the groups let go.
    pub fn hold_group(&mut self, key: GroupRef, result: Result<GroupSnapshot, String>) -> Vec<GroupRef> {
        let size = result.as_ref().map_or(0, |s| s.partitions.len());
        self.recent_large.retain(|k| *k != key);
        if size >= LARGE && self.discovered.contains(&key) {
            self.recent_large.push_back(key.clone());
        }
        self.groups.insert(key, result);
        let held = |c: &Self| -> usize {
            c.recent_large.iter().filter_map(|k| c.groups.get(k)?.as_ref().ok()).map(|s| s.partitions.len()).sum()
        };
        let mut dropped = Vec::new();
        while self.recent_large.len() > 1 && held(self) > DETAIL_BUDGET {
            let Some(old) = self.recent_large.pop_front() else { break };
            if let Some(Ok(snap)) = self.groups.remove(&old) {
                let lags: Vec<Option<i64>> = snap.partitions.iter().map(|p| p.lag()).collect();
                let lag = lags.iter().all(Option::is_some).then(|| lags.iter().flatten().sum());
                let mut topics: Vec<String> = Vec::new();
                for p in snap.partitions.iter().filter(|p| p.committed.is_some()) {
                    if !topics.contains(&p.topic) {
                        topics.push(p.topic.clone());
                    }
                }
                self.summaries.insert(
                    old.clone(),
                    GroupSummary {
                        group: snap.group,
                        state: snap.state,
                        members: Some(snap.members.len()),
                        lag,
                        topics,
                    },
                );
            }
            self.detail_asked.remove(&old);
            dropped.push(old);
        }
        dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::live::PartitionState;

    fn big(name: &str, parts: usize, committed: Option<i64>) -> GroupSnapshot {
        GroupSnapshot {
            group: name.into(),
            state: "Empty".into(),
            members: vec![],
            partitions: (0..parts)
                .map(|p| PartitionState {
                    topic: "firehose".into(),
                    partition: p as i32,
                    committed,
                    start: Some(0),
                    end: Some(10),
                })
                .collect(),
        }
    }

    #[test]
    fn large_groups_only_the_cloud_lists_give_their_detail_back_oldest_first_keeping_a_summary() {
        let mut c = LiveCache::default();
        let key = |g: &str| GroupRef::new("bulk".to_owned(), g.to_owned());
        for g in ["a", "b", "c"] {
            c.discovered.insert(key(g));
        }
        c.detail_asked.insert(key("a"));
        assert!(c.hold_group(key("a"), Ok(big("a", 60_000, Some(4)))).is_empty());
        assert!(c.hold_group(key("b"), Ok(big("b", 60_000, None))).is_empty(), "120,000 fit");
        assert_eq!(c.hold_group(key("c"), Ok(big("c", 60_000, Some(9)))), [key("a")], "the oldest goes");
        assert!(!c.groups.contains_key(&key("a")) && c.groups.contains_key(&key("c")));
        let a = &c.summaries[&key("a")];
        assert_eq!(
            (a.lag, a.members, a.state.as_str(), a.topics.clone()),
            (Some(360_000), Some(0), "Empty", vec!["firehose".to_owned()])
        );
        assert!(!c.detail_asked.contains(&key("a")), "looking at it again reads it again");
        // Read again, b is the newest: c is now the oldest and goes next.
        assert_eq!(c.hold_group(key("a"), Ok(big("a", 60_000, Some(4)))), [key("b")]);
        assert_eq!(c.summaries[&key("b")].lag, None, "nothing committed: no lag to keep");
        // One group alone above the budget is kept: it is the one being looked at.
        assert_eq!(c.hold_group(key("b"), Ok(big("b", 200_000, None))), [key("c"), key("a")]);
        assert!(c.groups.contains_key(&key("b")));
    }

    #[test]
    fn profile_groups_and_small_groups_are_always_held() {
        let mut c = LiveCache::default();
        let key = |g: &str| GroupRef::new("bulk".to_owned(), g.to_owned());
        c.discovered.insert(key("small"));
        for g in ["pinned-1", "pinned-2", "pinned-3"] {
            assert!(c.hold_group(key(g), Ok(big(g, 100_000, Some(1)))).is_empty());
        }
        assert!(c.hold_group(key("small"), Ok(big("small", 999, Some(1)))).is_empty());
        assert_eq!(c.groups.len(), 4);
    }
}
