//! The rate table: for every API offsetdeck sends, the calls per second the cloud allows and where that figure
//! comes from. The client paces by it and the emulator enforces it, so the demo and the tests meet the limits the
//! clouds publish. An account's profile may override any entry (`rate_limits = { Api = N }`): quotas differ by
//! contract.

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The action's own page states it (the page is named).
    Published(&'static str),
    /// Stated on one of Tencent's action pages 597/47897, 597/38272, 215/47895, 597/42213 and 597/74427 (the
    /// figures a field test against Tencent's documented limits confirmed; which page states which figure was not
    /// recorded with them).
    Documented,
    /// The action's page gives no figure of its own here; Tencent's API 3.0 default, stated on most action pages
    /// ("默认接口请求频率限制：20次/秒"), is used.
    TencentDefault,
}

/// One API's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub api: &'static str,
    pub per_second: u32,
    pub source: Source,
}

const fn published(api: &'static str, per_second: u32, page: &'static str) -> Limit {
    Limit { api, per_second, source: Source::Published(page) }
}

const fn documented(api: &'static str, per_second: u32) -> Limit {
    Limit { api, per_second, source: Source::Documented }
}

const fn default20(api: &'static str) -> Limit {
    Limit { api, per_second: 20, source: Source::TencentDefault }
}

/// Tencent CKafka and DTS: every action offsetdeck sends. Pages are under cloud.tencent.com/document/api/.
pub const TENCENT: &[Limit] = &[
    // Writes.
    published("ModifyGroupOffsets", 100, "597/40833"),
    published("BatchModifyGroupOffsets", 20, "597/66319"),
    documented("DeleteGroupSubscribeTopic", 20),
    published("ResetConsumerGroupOffset", 20, "571/102934"),
    // Group reads.
    published("DescribeGroupOffsets", 100, "597/40837"),
    published("DescribeConsumerGroup", 100, "597/40841"),
    default20("DescribeGroupInfo"),
    default20("DescribeGroup"),
    // Topic reads: a topic's partition bounds are the scarcest read (5/s), so they are shared between groups.
    documented("DescribeTopicSyncReplica", 5),
    default20("DescribeTopic"),
    // Message reads: one request a second each.
    documented("FetchMessageByOffset", 1),
    documented("FetchMessageListByOffset", 1),
    documented("FetchMessageListByTimestamp", 1),
    documented("DescribeTopicSubscribeGroup", 10),
    documented("DeleteGroup", 20),
    // Instances.
    default20("DescribeInstancesDetail"),
    // DTS reads.
    default20("DescribeConsumerGroups"),
    default20("DescribeOffsetByTime"),
    default20("DescribeSubscribeJobs"),
    default20("DescribeSubscribeDetail"),
];

/// Huawei DMS for Kafka publishes no per-API limits: every API starts at the account's `rate_limit_per_second`
/// (10 by default) and the pacing learns from the throttle answers it gets, up to the account's ceiling.
pub const HUAWEI: &[&str] = &[
    "ResetMessageOffset",
    "DeleteConsumerGroupOffsets",
    "DeleteMessages",
    "ListInstances",
    "ListGroups",
    "ShowGroupDetail",
    "ListGroupMessageOffsets",
    "ListTopicPartitions",
    "ShowMessages",
    "ShowPartitionMessage",
    "ListTopics",
];

/// A Tencent action's published (or default) limit.
pub fn tencent(api: &str) -> Option<u32> {
    TENCENT.iter().find(|l| l.api == api).map(|l| l.per_second)
}

/// Whether `api` is one offsetdeck sends on this cloud (`huawei`: true; `tencent`: false).
pub fn known(huawei: bool, api: &str) -> bool {
    if huawei { HUAWEI.contains(&api) } else { TENCENT.iter().any(|l| l.api == api) }
}

/// The names an override may use on this cloud, for error messages.
pub fn names(huawei: bool) -> Vec<&'static str> {
    if huawei { HUAWEI.to_vec() } else { TENCENT.iter().map(|l| l.api).collect() }
}

/// How long `calls` calls of one API take at least at `per_second`, counted as the services count: a sliding
/// one-second window, so each second's quota may go at once (the first `per_second` calls at 0 s).
pub fn floor_seconds(calls: u64, per_second: u32) -> f64 {
    if calls <= 1 { 0.0 } else { ((calls - 1) / u64::from(per_second.max(1))) as f64 }
}

/// A duration in words for estimates: "45 s", "12 min", "2 h 47 min".
pub fn human(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s {
        0..=99 => format!("{s} s"),
        100..=3599 => format!("{} min", s.div_ceil(60)),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tencent_action_sent_has_one_entry_and_a_positive_figure() {
        let mut seen = std::collections::HashSet::new();
        for l in TENCENT {
            assert!(seen.insert(l.api), "{} twice", l.api);
            assert!(l.per_second >= 1, "{}", l.api);
        }
        assert_eq!(tencent("FetchMessageByOffset"), Some(1));
        assert_eq!(tencent("DescribeTopicSyncReplica"), Some(5));
        assert_eq!(tencent("Nope"), None);
        assert!(
            known(true, "ShowMessages") && !known(true, "ModifyGroupOffsets") && known(false, "ModifyGroupOffsets")
        );
        assert_eq!(floor_seconds(12, 1), 11.0);
        assert_eq!(floor_seconds(1, 1), 0.0);
        assert_eq!(floor_seconds(20, 5), 3.0, "four windows of five");
        assert_eq!(human(45.2), "45 s");
        assert_eq!(human(700.0), "12 min");
        assert_eq!(human(10_020.0), "2 h 47 min");
    }
}
