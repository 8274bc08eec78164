//! Tencent CKafka and DTS: pure request builders and the live reads built on them.

use serde_json::{Map, Value, json};

use super::client::Client;
use super::error::CallError;
use super::lenient::{int, list, text};
use super::request::{ApiRequest, Signing};
use crate::core::credentials::Credentials;
use crate::core::live::{GroupSnapshot, MemberInfo, PartitionState};
use crate::core::profile::TencentAccount;

/// CKafka API version.
pub const CKAFKA_VERSION: &str = "2019-08-19";
/// DTS API version.
pub const DTS_VERSION: &str = "2021-12-06";

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
        rate_limit: None,
        signing: Signing::Tencent { service, action, version, region: acc.region.clone() },
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

/// Follows `Offset`/`Limit` pages until `TotalCount`; `result` says whether the list sits under `Result`.
pub async fn paged(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    (service, action): (&'static str, &'static str),
    params: Value,
    limit: i64,
    (in_result, key): (bool, &str),
) -> Result<Vec<Value>, CallError> {
    let mut items = Vec::new();
    loop {
        let mut p = params.clone();
        p["Offset"] = (items.len() as i64).into();
        p["Limit"] = limit.into();
        let a = client.call(&describe(acc, service, action, p), creds).await?;
        let body = if in_result { &a.json["Result"] } else { &a.json };
        let page = list(body, key);
        items.extend(page.iter().cloned());
        let total = int(&body["TotalCount"]).unwrap_or(0) as usize;
        if page.is_empty() || items.len() >= total {
            return Ok(items);
        }
    }
}

/// A CKafka group's live state: `DescribeGroupInfo`, `DescribeGroupOffsets`, and `DescribeTopicSyncReplica` for starts.
pub async fn describe_ckafka_group(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    instance: &str,
    group: &str,
    topics: &[String],
) -> Result<GroupSnapshot, CallError> {
    let info = client
        .call(
            &describe(acc, "ckafka", "DescribeGroupInfo", json!({"InstanceId": instance, "GroupList": [group]})),
            creds,
        )
        .await?;
    let g = info.json["Result"].as_array().and_then(|a| a.first()).cloned().unwrap_or(Value::Null);
    let members = list(&g, "Members")
        .iter()
        .map(|m| MemberInfo { client_id: text(&m["ClientId"]), host: text(&m["ClientHost"]) })
        .collect();
    let params = json!({"InstanceId": instance, "Group": group, "Topics": topics});
    let rows = paged(client, creds, acc, ("ckafka", "DescribeGroupOffsets"), params, 50, (true, "TopicList")).await?;
    let mut partitions = Vec::new();
    for t in &rows {
        let topic = text(&t["Topic"]);
        let starts = paged(
            client,
            creds,
            acc,
            ("ckafka", "DescribeTopicSyncReplica"),
            json!({"InstanceId": instance, "TopicName": topic}),
            50,
            (true, "TopicInSyncReplicaList"),
        )
        .await?;
        for p in list(t, "Partitions") {
            let n = int(&p["Partition"]).unwrap_or(-1);
            let start = starts.iter().find(|s| int(&s["Partition"]) == Some(n)).and_then(|s| int(&s["BeginOffset"]));
            partitions.push(PartitionState {
                topic: topic.clone(),
                partition: n as i32,
                committed: int(&p["Offset"]).filter(|c| *c >= 0),
                start,
                end: int(&p["LogEndOffset"]),
            });
        }
    }
    partitions.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
    Ok(GroupSnapshot { group: group.to_owned(), state: text(&g["State"]), members, partitions })
}

/// A DTS group's live state from `DescribeConsumerGroups` (end = offset + lag; the start is not published).
pub async fn describe_dts_group(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    subscribe_id: &str,
    topic: &str,
    full_group: &str,
) -> Result<GroupSnapshot, CallError> {
    let items = paged(
        client,
        creds,
        acc,
        ("dts", "DescribeConsumerGroups"),
        json!({"SubscribeId": subscribe_id}),
        10,
        (false, "Items"),
    )
    .await?;
    let Some(g) = items.iter().find(|g| text(&g["ConsumerGroupName"]) == full_group) else {
        let names: Vec<String> = items.iter().map(|g| text(&g["ConsumerGroupName"])).collect();
        return Err(CallError::Api {
            status: 200,
            code: "ResourceNotFound".into(),
            message: format!("no consumer group {full_group}; the subscription has: {}", names.join(", ")),
            request_id: None,
        });
    };
    let members = list(g, "PartitionAssignment")
        .iter()
        .map(|m| MemberInfo { client_id: text(&m["ClientId"]), host: String::new() })
        .collect();
    let partitions = list(g, "StateOfPartition")
        .iter()
        .map(|p| {
            let committed = int(&p["ConsumerGroupOffset"]).filter(|c| *c >= 0);
            PartitionState {
                topic: topic.to_owned(),
                partition: int(&p["PartitionNo"]).unwrap_or(-1) as i32,
                committed,
                start: None,
                end: committed.zip(int(&p["ConsumerGroupLag"])).map(|(c, l)| c + l),
            }
        })
        .collect();
    Ok(GroupSnapshot { group: full_group.to_owned(), state: text(&g["ConsumerGroupState"]), members, partitions })
}

/// `ReturnCode` other than `"0"`/`"OK"` inside a successful envelope is a failure.
pub fn check_return_code(json: &Value) -> Option<String> {
    let code = text(&json["Result"]["ReturnCode"]);
    (!code.is_empty() && code != "0" && !code.eq_ignore_ascii_case("OK"))
        .then(|| format!("ReturnCode {code}: {}", text(&json["Result"]["ReturnMessage"])))
}
