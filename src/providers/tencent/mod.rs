//! Tencent CKafka and DTS: pure request builders; the live reads built on them are in `read`, the wire in `wire`.

pub mod instances;
pub mod message;
pub mod offsets;
pub mod read;
pub mod wire;

use serde_json::{Map, Value, json};

use super::lenient::text;
use super::request::{ApiRequest, Signing};
use crate::core::profile::TencentAccount;

/// CKafka API version.
pub const CKAFKA_VERSION: &str = "2019-08-19";
/// DTS API version.
pub const DTS_VERSION: &str = "2021-12-06";

/// How long one read of a topic's partition bounds serves the others: a refresh reads every group at once, well
/// within it; a plan's read and its verification, seconds apart, each read afresh.
pub const SHARE_BOUNDS: std::time::Duration = std::time::Duration::from_millis(1500);

fn request(acc: &TencentAccount, service: &'static str, action: &'static str, params: Value) -> ApiRequest {
    let (endpoint, version) = match service {
        "dts" => (acc.dts_endpoint.clone(), DTS_VERSION),
        _ => (acc.ckafka_endpoint.clone(), CKAFKA_VERSION),
    };
    ApiRequest {
        op: action,
        method: "POST",
        endpoint,
        path: "/".into(),
        query: Vec::new(),
        body: params.to_string().into_bytes(),
        idempotent: action.starts_with("Describe"),
        // The account's contract, where the profile gives one; else the rate table's published figure.
        rate_limit: acc.rate_limits.get(action).copied(),
        rate_ceiling: None,
        signing: Signing::Tencent { service, action, version, region: acc.region.clone() },
        // The one answer that may hold a topic's 100,000 partitions is read typed from its bytes (`offsets`).
        raw_answer: action == "DescribeGroupOffsets",
        // A topic's bounds are the same for every group on it: one read a refresh serves them all.
        share_for: (action == "DescribeTopicSyncReplica").then_some(SHARE_BOUNDS),
    }
}

/// CKafka `ModifyGroupOffsets` strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modify {
    /// Strategy 0: shift by N. Not idempotent.
    Shift(i64),
    /// Strategy 1: to a time in ms; -2 earliest, -1 latest.
    Timestamp(i64),
    /// Strategy 2: to an offset.
    Offset(i64),
}

/// `ModifyGroupOffsets`; `partitions` empty means all.
pub fn modify_group_offsets(
    acc: &TencentAccount,
    instance: &str,
    group: &str,
    topics: &[String],
    partitions: &[i32],
    how: Modify,
) -> ApiRequest {
    let mut p = Map::new();
    p.insert("InstanceId".into(), instance.into());
    p.insert("Group".into(), group.into());
    let (strategy, field, value) = match how {
        Modify::Shift(n) => (0, "Shift", n),
        Modify::Timestamp(t) => (1, "ShiftTimestamp", t),
        Modify::Offset(o) => (2, "Offset", o),
    };
    p.insert("Strategy".into(), strategy.into());
    p.insert("Topics".into(), json!(topics));
    p.insert(field.into(), value.into());
    if !partitions.is_empty() {
        p.insert("Partitions".into(), json!(partitions));
    }
    let mut r = request(acc, "ckafka", "ModifyGroupOffsets", Value::Object(p));
    r.idempotent = !matches!(how, Modify::Shift(_));
    r
}

/// `DeleteGroupSubscribeTopic`: forgets the group's committed offsets on one topic (the group must be empty; 20/s).
/// Deleting what is already gone changes nothing, so it is safe to repeat.
pub fn delete_group_subscribe_topic(acc: &TencentAccount, instance: &str, group: &str, topic: &str) -> ApiRequest {
    let mut r = request(
        acc,
        "ckafka",
        "DeleteGroupSubscribeTopic",
        json!({"InstanceId": instance, "Group": group, "Topic": topic}),
    );
    r.idempotent = true;
    r
}

/// The time form DTS takes: `YYYY-MM-DD HH:MM:SS` in Beijing time.
pub fn beijing(at: jiff::Timestamp) -> String {
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)));
    at.to_zoned(tz).strftime("%Y-%m-%d %H:%M:%S").to_string()
}

/// DTS reset modes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DtsReset {
    /// `earliest`.
    Earliest,
    /// `latest`.
    Latest,
    /// `datetime`, with the Beijing-time string.
    Datetime(String),
}

/// `ResetConsumerGroupOffset`: `PartitionNos` as integers, the full group name.
pub fn reset_consumer_group_offset(
    acc: &TencentAccount,
    subscribe_id: &str,
    topic: &str,
    full_group: &str,
    partitions: &[i32],
    mode: &DtsReset,
) -> ApiRequest {
    let mut p = json!({"SubscribeId": subscribe_id, "TopicName": topic, "ConsumerGroupName": full_group, "PartitionNos": partitions});
    let (m, dt) = match mode {
        DtsReset::Earliest => ("earliest", None),
        DtsReset::Latest => ("latest", None),
        DtsReset::Datetime(s) => ("datetime", Some(s.clone())),
    };
    p["ResetMode"] = m.into();
    if let Some(dt) = dt {
        p["ResetDatetime"] = dt.into();
    }
    let mut r = request(acc, "dts", "ResetConsumerGroupOffset", p);
    r.idempotent = true;
    r
}

/// A read action with its parameters.
pub fn describe(acc: &TencentAccount, service: &'static str, action: &'static str, params: Value) -> ApiRequest {
    request(acc, service, action, params)
}

/// `ReturnCode` other than `"0"`/`"OK"` inside a successful envelope is a failure.
pub fn check_return_code(json: &Value) -> Option<String> {
    let code = text(&json["Result"]["ReturnCode"]);
    (!code.is_empty() && code != "0" && !code.eq_ignore_ascii_case("OK"))
        .then(|| format!("ReturnCode {code}: {}", text(&json["Result"]["ReturnMessage"])))
}
