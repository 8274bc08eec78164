//! Tencent's live reads: CKafka and DTS groups, a CKafka topic's log, where a time lands, the topics that exist.

use serde_json::{Value, json};

use super::*;
use crate::core::credentials::Credentials;
use crate::core::live::{GroupSnapshot, MemberInfo, PartitionState, TimeTarget, TopicPartition};
use crate::providers::client::Client;
use crate::providers::error::CallError;
use crate::providers::lenient::{int, list, text};

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

/// Each partition's log bounds, from `DescribeTopicSyncReplica`.
pub async fn ckafka_topic_log(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    instance: &str,
    topic: &str,
) -> Result<Vec<TopicPartition>, CallError> {
    let params = json!({"InstanceId": instance, "TopicName": topic});
    let rows =
        paged(client, creds, acc, ("ckafka", "DescribeTopicSyncReplica"), params, 50, (true, "TopicInSyncReplicaList"))
            .await?;
    let mut out: Vec<TopicPartition> = rows
        .iter()
        .filter_map(|r| {
            Some(TopicPartition {
                partition: i32::try_from(int(&r["Partition"])?).ok()?,
                start: int(&r["BeginOffset"])?,
                end: int(&r["EndOffset"])?,
                last_message_ms: None,
            })
        })
        .collect();
    out.sort_by_key(|p| p.partition);
    Ok(out)
}

/// Where a time lands in each CKafka partition, from `FetchMessageListByTimestamp`; the log end when no message is
/// that new.
pub async fn ckafka_offsets_for_time(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    instance: &str,
    topic: &str,
    ends: &[(i32, Option<i64>)],
    ms: i64,
) -> Result<Vec<TimeTarget>, CallError> {
    let mut out = Vec::new();
    for &(p, end) in ends {
        let params = json!({"InstanceId": instance, "Topic": topic, "Partition": p, "StartTime": ms, "SinglePartitionRecordNumber": 1});
        let a = client.call(&describe(acc, "ckafka", "FetchMessageListByTimestamp", params), creds).await?;
        let first = a.json["Result"].as_array().and_then(|m| m.first()).cloned();
        let found = first.and_then(|m| Some((int(&m["Offset"])?, int(&m["Timestamp"]))));
        if let Some((offset, message_ms)) = found.or_else(|| end.map(|e| (e, None))) {
            out.push(TimeTarget { topic: topic.to_owned(), partition: p, offset, message_ms });
        }
    }
    Ok(out)
}

/// Where a time lands in each partition of a DTS subscription: `DescribeOffsetByTime`, its checkpoint at or before
/// the time.
pub async fn dts_offsets_for_time(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    subscribe_id: &str,
    topic: &str,
    ms: i64,
) -> Result<Vec<TimeTarget>, CallError> {
    let at = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let params = json!({"SubscribeId": subscribe_id, "Time": beijing(at)});
    let a = client.call(&describe(acc, "dts", "DescribeOffsetByTime", params), creds).await?;
    let mut out = Vec::new();
    for item in a.json["Items"].as_array().into_iter().flatten() {
        if let (Some(p), Some(offset)) = (int(&item["PartitionNo"]), int(&item["Offset"])) {
            let Ok(partition) = i32::try_from(p) else { continue };
            out.push(TimeTarget { topic: topic.to_owned(), partition, offset, message_ms: None });
        }
    }
    Ok(out)
}

/// The names of a CKafka instance's topics, live.
pub async fn ckafka_topic_names(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    instance: &str,
) -> Result<Vec<String>, CallError> {
    let params = json!({"InstanceId": instance});
    let rows = paged(client, creds, acc, ("ckafka", "DescribeTopic"), params, 50, (true, "TopicList")).await?;
    Ok(rows.iter().filter_map(|t| t["TopicName"].as_str().map(str::to_owned)).collect())
}

/// A DTS subscription's one topic, from its live detail.
pub async fn dts_topic_names(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    subscribe_id: &str,
) -> Result<Vec<String>, CallError> {
    let params = json!({"SubscribeId": subscribe_id});
    let a = client.call(&describe(acc, "dts", "DescribeSubscribeDetail", params), creds).await?;
    Ok(a.json["Topic"].as_str().map(str::to_owned).into_iter().collect())
}
