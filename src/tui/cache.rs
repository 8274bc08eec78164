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
    /// Groups whose summary so far is a page of a listing still being read.
    pub from_part: HashSet<GroupRef>,
}
