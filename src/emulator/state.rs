//! The emulated clouds' state: accounts, instances, topics with offsets and message times, groups with members.

use std::collections::BTreeMap;

/// A consumer group's state, in Kafka's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupState {
    /// No members: resets are allowed.
    Empty,
    /// Members consuming.
    Stable,
    /// A rebalance is starting.
    PreparingRebalance,
    /// A rebalance is finishing.
    CompletingRebalance,
    /// No members and no metadata.
    Dead,
}

impl GroupState {
    /// Kafka's spelling (`/management/` endpoints, Tencent).
    pub fn kafka(self) -> &'static str {
        match self {
            Self::Empty => "Empty",
            Self::Stable => "Stable",
            Self::PreparingRebalance => "PreparingRebalance",
            Self::CompletingRebalance => "CompletingRebalance",
            Self::Dead => "Dead",
        }
    }

    /// Huawei's list spelling: `EMPTY`, `PREPARING_REBALANCE`, …
    pub fn upper(self) -> &'static str {
        match self {
            Self::Empty => "EMPTY",
            Self::Stable => "STABLE",
            Self::PreparingRebalance => "PREPARING_REBALANCE",
            Self::CompletingRebalance => "COMPLETING_REBALANCE",
            Self::Dead => "DEAD",
        }
    }

    /// Parses any spelling, ignoring case and underscores.
    pub fn parse(s: &str) -> Option<Self> {
        let norm: String = s.chars().filter(|c| *c != '_').collect::<String>().to_ascii_lowercase();
        [Self::Empty, Self::Stable, Self::PreparingRebalance, Self::CompletingRebalance, Self::Dead]
            .into_iter()
            .find(|st| st.kafka().to_ascii_lowercase() == norm)
    }

    /// Whether offsets may be changed: only with no live members.
    pub fn is_inactive(self) -> bool {
        matches!(self, Self::Empty | Self::Dead)
    }
}

/// One partition's log bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// Log start offset.
    pub start: i64,
    /// Log end offset (next offset to be written).
    pub end: i64,
}

/// A topic. Message `o` of every partition carries timestamp `first_ts_ms + o * interval_ms`, so time to offset is
/// exact and repeatable.
#[derive(Debug, Clone)]
pub struct Topic {
    /// Name.
    pub name: String,
    /// Partitions, by index.
    pub partitions: Vec<Partition>,
    /// Timestamp of offset 0.
    pub first_ts_ms: i64,
    /// Milliseconds between consecutive offsets.
    pub interval_ms: i64,
    /// Whether end offsets advance with the wall clock (the demo's growing lag).
    pub live: bool,
}

impl Topic {
    /// The timestamp of the message at an offset.
    pub fn timestamp_of(&self, offset: i64) -> i64 {
        self.first_ts_ms + offset * self.interval_ms
    }

    /// Kafka's offsets-for-times: the first offset whose timestamp is at or after `ts`, clamped to the log.
    pub fn offset_at_or_after(&self, p: Partition, ts: i64) -> i64 {
        let o = (ts - self.first_ts_ms + self.interval_ms - 1).div_euclid(self.interval_ms);
        o.clamp(p.start, p.end)
    }

    /// DTS's checkpoint rule: the last offset whose timestamp is at or before `ts`, clamped to the log.
    pub fn offset_at_or_before(&self, p: Partition, ts: i64) -> i64 {
        (ts - self.first_ts_ms).div_euclid(self.interval_ms).clamp(p.start, p.end)
    }

    /// Moves live topics' end offsets to where the wall clock says they are.
    pub fn advance(&mut self, now_ms: i64) {
        if self.live {
            let end = (now_ms - self.first_ts_ms).div_euclid(self.interval_ms);
            for (i, p) in self.partitions.iter_mut().enumerate() {
                // Partitions differ a little so the demo does not look synthetic.
                p.end = p.end.max(end + i as i64 * 3);
            }
        }
    }
}

/// A group member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Member id.
    pub member_id: String,
    /// Client id.
    pub client_id: String,
    /// Host.
    pub host: String,
    /// Topic -> assigned partitions.
    pub assignment: Vec<(String, Vec<i32>)>,
}

/// A consumer group.
#[derive(Debug, Clone)]
pub struct Group {
    /// Group id (for DTS, the full `consumer-grp-…` name).
    pub name: String,
    /// State.
    pub state: GroupState,
    /// Live members.
    pub members: Vec<Member>,
    /// Committed offsets per (topic, partition).
    pub committed: BTreeMap<(String, i32), i64>,
}

impl Group {
    /// The topics with at least one committed offset, in order.
    pub fn topics(&self) -> Vec<String> {
        // Keys are sorted by topic: one name per run (a group on a 100,000-partition topic clones it once).
        let mut t: Vec<String> = Vec::new();
        for (name, _) in self.committed.keys() {
            if t.last() != Some(name) {
                t.push(name.clone());
            }
        }
        t
    }
}

/// A Kafka instance (Huawei or CKafka).
#[derive(Debug, Clone)]
pub struct Instance {
    /// The cloud's id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Topics.
    pub topics: Vec<Topic>,
    /// Consumer groups.
    pub groups: Vec<Group>,
}

impl Instance {
    /// A topic by name.
    pub fn topic(&self, name: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.name == name)
    }
    /// A group by name.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }
    /// A group by name, mutable.
    pub fn group_mut(&mut self, name: &str) -> Option<&mut Group> {
        self.groups.iter_mut().find(|g| g.name == name)
    }
}

/// A DTS data subscription: one topic and its groups.
#[derive(Debug, Clone)]
pub struct Subscription {
    /// `subs-…`.
    pub subscribe_id: String,
    /// Display name.
    pub name: String,
    /// Its one topic.
    pub topic: Topic,
    /// Groups, by full name.
    pub groups: Vec<Group>,
}

/// A Huawei account.
#[derive(Debug, Clone)]
pub struct HuaweiAccount {
    /// Name used in the written profile.
    pub name: String,
    /// Access key.
    pub ak: String,
    /// Secret key.
    pub sk: String,
    /// Project id.
    pub project_id: String,
    /// Region.
    pub region: String,
    /// Instances.
    pub instances: Vec<Instance>,
}

/// A Tencent account.
#[derive(Debug, Clone)]
pub struct TencentAccount {
    /// Name used in the written profile.
    pub name: String,
    /// SecretId.
    pub secret_id: String,
    /// SecretKey.
    pub secret_key: String,
    /// Region.
    pub region: String,
    /// CKafka instances.
    pub ckafka: Vec<Instance>,
    /// DTS subscriptions.
    pub dts: Vec<Subscription>,
}

/// Everything the emulator serves.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// Huawei accounts.
    pub huawei: Vec<HuaweiAccount>,
    /// Tencent accounts.
    pub tencent: Vec<TencentAccount>,
    /// The demo's moving parts: consumers that commit and retention that deletes (off: only live topics grow).
    pub living: Option<Living>,
}

/// What moves in a living world besides the live topics' ends, by instance (or subscription) id.
#[derive(Debug, Clone, Default)]
pub struct Living {
    /// Groups that commit at a rate: (instance id, group) -> messages a second per partition, and the time the
    /// commits were last moved to.
    pub consumers: BTreeMap<(String, String), (i64, i64)>,
    /// Topics whose retention keeps this many messages per partition: (instance id, topic) -> messages.
    pub keep: BTreeMap<(String, String), i64>,
}

impl World {
    /// Sets a group's state wherever it lives; members are added for active states and removed for inactive ones.
    /// Returns whether any group had that name.
    pub fn set_group_state(&mut self, group: &str, state: GroupState) -> bool {
        let groups =
            self.huawei.iter_mut().flat_map(|a| a.instances.iter_mut().flat_map(|i| i.groups.iter_mut())).chain(
                self.tencent.iter_mut().flat_map(|a| {
                    let ckafka = a.ckafka.iter_mut().flat_map(|i| i.groups.iter_mut());
                    ckafka.chain(a.dts.iter_mut().flat_map(|d| d.groups.iter_mut()))
                }),
            );
        let mut found = false;
        for g in groups.filter(|g| g.name == group) {
            found = true;
            g.state = state;
            if state.is_inactive() {
                g.members.clear();
            } else if g.members.is_empty() {
                let assignment = g.topics().into_iter().map(|t| {
                    let ps = g.committed.keys().filter(|(ct, _)| *ct == t).map(|(_, p)| *p).collect();
                    (t, ps)
                });
                g.members.push(Member {
                    member_id: format!("{group}-consumer-1-3c2e"),
                    client_id: format!("{group}-consumer-1"),
                    host: "/127.0.0.1".into(),
                    assignment: assignment.collect(),
                });
            }
        }
        found
    }

    /// Advances every live topic to `now_ms`; in a living world, retention and the committing consumers too.
    pub fn advance(&mut self, now_ms: i64) {
        let mut living = self.living.take();
        for i in self.huawei.iter_mut().flat_map(|a| a.instances.iter_mut()) {
            i.topics.iter_mut().for_each(|t| t.advance(now_ms));
            if let Some(l) = &mut living {
                l.move_instance(i, now_ms);
            }
        }
        for a in &mut self.tencent {
            for i in &mut a.ckafka {
                i.topics.iter_mut().for_each(|t| t.advance(now_ms));
                if let Some(l) = &mut living {
                    l.move_instance(i, now_ms);
                }
            }
            a.dts.iter_mut().for_each(|d| d.topic.advance(now_ms));
        }
        self.living = living;
    }
}

impl Living {
    /// Retention deletes past `keep` messages a partition; each consumer commits its rate's worth of messages for
    /// the whole seconds since it last did, never past the log end.
    fn move_instance(&mut self, i: &mut Instance, now_ms: i64) {
        for t in &mut i.topics {
            if let Some(keep) = self.keep.get(&(i.id.clone(), t.name.clone())) {
                for p in &mut t.partitions {
                    p.start = p.start.max(p.end - keep);
                }
            }
        }
        for g in &mut i.groups {
            let Some((rate, at)) = self.consumers.get_mut(&(i.id.clone(), g.name.clone())) else { continue };
            let secs = (now_ms - *at) / 1000;
            if secs <= 0 || *rate <= 0 {
                continue;
            }
            *at += secs * 1000;
            for ((topic, p), c) in g.committed.iter_mut() {
                let Some(end) = i.topics.iter().find(|t| &t.name == topic).and_then(|t| t.partitions.get(*p as usize))
                else {
                    continue;
                };
                *c = (*c + secs * *rate).min(end.end).max(*c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_to_offset_is_exact() {
        let t = Topic {
            name: "t".into(),
            partitions: vec![Partition { start: 10, end: 100 }],
            first_ts_ms: 1_000,
            interval_ms: 100,
            live: false,
        };
        let p = t.partitions[0];
        assert_eq!(t.timestamp_of(50), 6_000);
        assert_eq!(t.offset_at_or_after(p, 6_000), 50);
        assert_eq!(t.offset_at_or_after(p, 6_001), 51);
        assert_eq!(t.offset_at_or_before(p, 6_099), 50);
        assert_eq!(t.offset_at_or_after(p, 0), 10, "clamped to start");
        assert_eq!(t.offset_at_or_after(p, i64::MAX / 2), 100, "clamped to end");
    }

    #[test]
    fn state_spellings() {
        assert_eq!(GroupState::parse("PREPARING_REBALANCE"), Some(GroupState::PreparingRebalance));
        assert_eq!(GroupState::parse("stable"), Some(GroupState::Stable));
        assert!(GroupState::Dead.is_inactive() && !GroupState::Stable.is_inactive());
    }
}
