//! Reading live state for a target and running a plan's calls.

use serde::Serialize;

use super::plan::Plan;
use super::target::Target;
use crate::core::credentials::Credentials;
use crate::core::live::{GroupSnapshot, TimeTarget, TopicPartition};
use crate::providers::client::Client;
use crate::providers::error::CallError;
use crate::providers::lenient::int as lenient_int;
use crate::providers::request::ApiRequest;
use crate::providers::{huawei, tencent};

/// A group's live state, whatever the provider.
pub async fn describe(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    api_group: &str,
    topics: &[String],
) -> Result<GroupSnapshot, CallError> {
    match target {
        Target::Huawei(acc, inst) => huawei::describe_group(client, creds, acc, &inst.id, api_group, topics).await,
        Target::Ckafka(acc, inst) => {
            tencent::describe_ckafka_group(client, creds, acc, &inst.id, api_group, topics).await
        }
        Target::Dts(acc, sub) => {
            tencent::describe_dts_group(client, creds, acc, &sub.subscribe_id, &sub.topic, api_group).await
        }
    }
}

/// Each partition's log bounds (and, on Huawei, the newest message's time), read from the topic itself.
/// DTS publishes no log bounds, so a subscription gives an empty list.
pub async fn topic_log(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    topic: &str,
) -> Result<Vec<TopicPartition>, CallError> {
    let rows = match target {
        Target::Huawei(acc, inst) => {
            huawei::paged(client, creds, 100, "partitions", |o, l| huawei::topic_partitions(acc, &inst.id, topic, o, l))
                .await?
                .0
        }
        Target::Ckafka(acc, inst) => {
            let params = serde_json::json!({"InstanceId": inst.id, "TopicName": topic});
            tencent::paged(
                client,
                creds,
                acc,
                ("ckafka", "DescribeTopicSyncReplica"),
                params,
                50,
                (true, "TopicInSyncReplicaList"),
            )
            .await?
        }
        Target::Dts(..) => return Ok(Vec::new()),
    };
    let field = |r: &serde_json::Value, huawei_key: &str, tencent_key: &str| {
        lenient_int(&r[huawei_key]).or_else(|| lenient_int(&r[tencent_key]))
    };
    let mut out: Vec<TopicPartition> = rows
        .iter()
        .filter_map(|r| {
            Some(TopicPartition {
                partition: field(r, "partition", "Partition")? as i32,
                start: field(r, "start_offset", "BeginOffset")?,
                end: field(r, "last_offset", "EndOffset")?,
                last_message_ms: lenient_int(&r["last_update_time"]),
            })
        })
        .collect();
    out.sort_by_key(|p| p.partition);
    Ok(out)
}

/// Each partition's (index, log start, log end) for a topic.
pub async fn topic_bounds(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    topic: &str,
) -> Result<Vec<(i32, i64, i64)>, CallError> {
    Ok(topic_log(client, creds, target, topic).await?.iter().map(|p| (p.partition, p.start, p.end)).collect())
}

/// How one call ended.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The operation.
    pub op: String,
    /// The request as sent (no secrets).
    pub request: String,
    /// The service's request id.
    pub request_id: Option<String>,
    /// Whether everything in it succeeded.
    pub ok: bool,
    /// The error, if the call failed as a whole.
    pub error: Option<String>,
    /// Per-item failures inside a 200: (item, code).
    pub failed_items: Vec<(String, String)>,
    /// Tries used.
    pub tries: u32,
}

/// Sends one call and says how it ended, per-item failures inside a 200 included.
pub async fn call_outcome(client: &Client, creds: &Credentials, call: &ApiRequest) -> Outcome {
    match client.call(call, creds).await {
        Ok(a) => {
            let mut failed = huawei::item_failures(&a.json);
            if let Some(msg) = tencent::check_return_code(&a.json) {
                failed.push(("call".into(), msg));
            }
            Outcome {
                op: call.op.into(),
                request: call.to_string(),
                request_id: a.request_id,
                ok: failed.is_empty(),
                error: None,
                failed_items: failed,
                tries: a.tries,
            }
        }
        Err(e) => Outcome {
            op: call.op.into(),
            request: call.to_string(),
            request_id: e.request_id().map(str::to_owned),
            ok: false,
            error: Some(e.to_string()),
            failed_items: Vec::new(),
            tries: 0,
        },
    }
}

/// Runs a plan's calls in order; `on_outcome` sees each as it ends (the CLI journals them).
pub async fn execute(
    client: &Client,
    creds: &Credentials,
    plan: &Plan,
    mut on_outcome: impl FnMut(&Outcome),
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for call in &plan.calls {
        let o = call_outcome(client, creds, call).await;
        on_outcome(&o);
        out.push(o);
    }
    out
}

/// For a message delete: every profile group on this topic whose committed offset falls below a partition's new log
/// start, in words ("it will jump on its next poll"). Groups that cannot be read are said so too.
pub async fn groups_left_behind(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    plan: &super::plan::Plan,
) -> Vec<String> {
    let (Target::Huawei(_, inst) | Target::Ckafka(_, inst)) = target else { return Vec::new() };
    let Some(topic) = plan.rows.first().map(|r| r.topic.clone()) else { return Vec::new() };
    let mut notes = Vec::new();
    for g in inst.groups.iter().filter(|g| g.topics.contains(&topic)) {
        match describe(client, creds, target, &g.name, std::slice::from_ref(&topic)).await {
            Ok(snap) => {
                for r in &plan.rows {
                    let committed =
                        snap.partitions.iter().find(|p| p.partition == r.partition).and_then(|p| p.committed);
                    let behind = committed.zip(r.target).filter(|(c, new_start)| c < new_start);
                    if let Some((c, new_start)) = behind {
                        notes.push(format!(
                            "group `{}` is at {c} on partition {}, below the new log start {new_start}: it will jump to {new_start} on its next poll, skipping {} message(s)",
                            g.name,
                            r.partition,
                            new_start - c
                        ));
                    }
                }
            }
            Err(e) => notes.push(format!("group `{}` could not be read to check it: {e}", g.name)),
        }
    }
    notes
}

/// Where a time lands in each partition, from the cloud's own time-to-offset API: Huawei's message search by time,
/// CKafka `FetchMessageListByTimestamp`, DTS `DescribeOffsetByTime` (its checkpoint at or before the time).
/// `ends` gives each partition's log end, the target when no message is that new.
pub async fn offsets_for_time(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    topic: &str,
    ends: &[(i32, Option<i64>)],
    ms: i64,
) -> Result<Vec<TimeTarget>, CallError> {
    let mut out = Vec::new();
    match target {
        Target::Huawei(acc, inst) => {
            for &(p, end) in ends {
                let window_end = ms.saturating_add(366 * 86_400_000);
                let a = client.call(&huawei::show_messages(acc, &inst.id, topic, p, ms, window_end, 1), creds).await?;
                let first = a.json["messages"].as_array().and_then(|m| m.first()).cloned();
                let found =
                    first.and_then(|m| Some((lenient_int(&m["message_offset"])?, lenient_int(&m["timestamp"]))));
                if let Some((offset, message_ms)) = found.or_else(|| end.map(|e| (e, None))) {
                    out.push(TimeTarget { topic: topic.to_owned(), partition: p, offset, message_ms });
                }
            }
        }
        Target::Ckafka(acc, inst) => {
            for &(p, end) in ends {
                let params = serde_json::json!({"InstanceId": inst.id, "Topic": topic, "Partition": p, "StartTime": ms, "SinglePartitionRecordNumber": 1});
                let a = client
                    .call(&tencent::describe(acc, "ckafka", "FetchMessageListByTimestamp", params), creds)
                    .await?;
                let first = a.json["Result"].as_array().and_then(|m| m.first()).cloned();
                let found = first.and_then(|m| Some((lenient_int(&m["Offset"])?, lenient_int(&m["Timestamp"]))));
                if let Some((offset, message_ms)) = found.or_else(|| end.map(|e| (e, None))) {
                    out.push(TimeTarget { topic: topic.to_owned(), partition: p, offset, message_ms });
                }
            }
        }
        Target::Dts(acc, sub) => {
            let at = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
            let params =
                serde_json::json!({"SubscribeId": sub.subscribe_id, "Time": crate::core::strategy::beijing(at)});
            let a = client.call(&tencent::describe(acc, "dts", "DescribeOffsetByTime", params), creds).await?;
            for item in a.json["Items"].as_array().into_iter().flatten() {
                if let (Some(p), Some(offset)) = (lenient_int(&item["PartitionNo"]), lenient_int(&item["Offset"])) {
                    out.push(TimeTarget { topic: topic.to_owned(), partition: p as i32, offset, message_ms: None });
                }
            }
        }
    }
    Ok(out)
}

/// For a time-based strategy, where the time lands in each chosen partition of the topic; empty otherwise. A failed
/// lookup is not fatal: the plan then says the service picks the targets.
pub async fn time_targets(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    snapshot: &GroupSnapshot,
    topic: &str,
    chosen: &[i32],
    ms: Option<i64>,
) -> (Vec<TimeTarget>, Option<String>) {
    let Some(ms) = ms else { return (Vec::new(), None) };
    let ends: Vec<(i32, Option<i64>)> = snapshot
        .partitions
        .iter()
        .filter(|p| p.topic == topic && (chosen.is_empty() || chosen.contains(&p.partition)))
        .map(|p| (p.partition, p.end))
        .collect();
    match offsets_for_time(client, creds, target, topic, &ends, ms).await {
        Ok(t) => (t, None),
        Err(e) => {
            (Vec::new(), Some(format!("where the time lands could not be read ({e}); the service picks the targets")))
        }
    }
}

/// Refuses topics that do not exist live, naming the ones that do (Huawei and CKafka list them; a DTS subscription
/// has one topic, from its live detail).
pub async fn check_topics_exist(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    topics: &[String],
) -> Result<(), String> {
    let live: Vec<String> = match target {
        Target::Huawei(acc, inst) => {
            huawei::paged(client, creds, 200, "topics", |o, l| huawei::list_topics(acc, &inst.id, o, l))
                .await
                .map_err(|e| e.to_string())?
                .0
                .iter()
                .filter_map(|t| t["name"].as_str().map(str::to_owned))
                .collect()
        }
        Target::Ckafka(acc, inst) => {
            let params = serde_json::json!({"InstanceId": inst.id});
            tencent::paged(client, creds, acc, ("ckafka", "DescribeTopic"), params, 50, (true, "TopicList"))
                .await
                .map_err(|e| e.to_string())?
                .iter()
                .filter_map(|t| t["TopicName"].as_str().map(str::to_owned))
                .collect()
        }
        Target::Dts(acc, sub) => {
            let params = serde_json::json!({"SubscribeId": sub.subscribe_id});
            let a = client
                .call(&tencent::describe(acc, "dts", "DescribeSubscribeDetail", params), creds)
                .await
                .map_err(|e| e.to_string())?;
            a.json["Topic"].as_str().map(str::to_owned).into_iter().collect()
        }
    };
    match topics.iter().find(|t| !live.contains(t)) {
        None => Ok(()),
        Some(missing) => {
            Err(format!("topic `{missing}` does not exist live on `{}`; it has: {}", target.name(), live.join(", ")))
        }
    }
}
