//! Huawei DMS for Kafka: pure request builders; the live reads built on them are in `read`, the wire in `wire`.

pub mod message;
pub mod read;
pub mod wire;

use serde_json::{Value, json};

use super::lenient::{list, text};
use super::request::{ApiRequest, Signing};
use crate::core::profile::{DeleteMessagesApi, HuaweiAccount};
use crate::core::sign::huawei::encode_path_param as enc;

/// Where a reset goes: an offset or a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetTarget {
    /// `message_offset`.
    Offset(i64),
    /// `timestamp`, Unix ms.
    Timestamp(i64),
}

fn request(
    acc: &HuaweiAccount,
    op: &'static str,
    method: &'static str,
    path: String,
    body: Option<Value>,
) -> ApiRequest {
    ApiRequest {
        op,
        method,
        endpoint: acc.endpoint.clone(),
        path,
        query: Vec::new(),
        // One serialisation: these exact bytes are hashed and sent.
        body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        idempotent: method == "GET",
        // No published limits: the account's starting rate, learned upwards to its ceiling; an API the profile
        // gives its own limit is held to that.
        rate_limit: Some(acc.rate_limits.get(op).copied().unwrap_or(acc.rate_limit_per_second)),
        rate_ceiling: Some(acc.rate_limits.get(op).copied().unwrap_or(acc.rate_limit_ceiling_per_second)),
        signing: Signing::Huawei { project_id: acc.project_id.clone() },
        raw_answer: false,
        share_for: None,
    }
}

fn with_query(mut r: ApiRequest, q: &[(&str, String)]) -> ApiRequest {
    r.query = q.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    r
}

/// `PUT …/groups/{group}/reset-message-offset`; `partition = -1` for all. Setting an absolute target is idempotent.
pub fn reset_offset(
    acc: &HuaweiAccount,
    instance: &str,
    group: &str,
    topic: &str,
    partition: i32,
    target: ResetTarget,
) -> ApiRequest {
    let body = match target {
        ResetTarget::Offset(o) => json!({"topic": topic, "partition": partition, "message_offset": o}),
        ResetTarget::Timestamp(t) => json!({"topic": topic, "partition": partition, "timestamp": t}),
    };
    let path = format!(
        "/v2/kafka/{}/instances/{}/groups/{}/reset-message-offset",
        enc(&acc.project_id),
        enc(instance),
        enc(group)
    );
    let mut r = request(acc, "ResetMessageOffset", "PUT", path, Some(body));
    r.idempotent = true;
    r
}

/// `POST …/groups/{group}/delete-offset`.
pub fn delete_offsets(acc: &HuaweiAccount, instance: &str, group: &str, topics: &[String]) -> ApiRequest {
    let path =
        format!("/v2/kafka/{}/instances/{}/groups/{}/delete-offset", enc(&acc.project_id), enc(instance), enc(group));
    let mut r = request(acc, "DeleteConsumerGroupOffsets", "POST", path, Some(json!({"topics": topics})));
    r.idempotent = true;
    r
}

/// Deletes messages before `offset` per partition, with the API the account chose.
pub fn delete_messages(acc: &HuaweiAccount, instance: &str, topic: &str, partitions: &[(i32, i64)]) -> ApiRequest {
    let base = format!("/v2/{}/kafka/instances/{}/topics/{}/messages", enc(&acc.project_id), enc(instance), enc(topic));
    let body =
        json!({"partitions": partitions.iter().map(|(p, o)| json!({"partition": p, "offset": o})).collect::<Vec<_>>()});
    let mut r = match acc.delete_messages_api {
        DeleteMessagesApi::Delete => request(acc, "DeleteMessages", "DELETE", base, Some(body)),
        DeleteMessagesApi::Post => request(acc, "DeleteMessages", "POST", format!("{base}/delete"), Some(body)),
    };
    r.idempotent = true;
    r
}

/// `GET /v2/{project}/instances?engine=kafka`.
pub fn list_instances(acc: &HuaweiAccount, offset: usize, limit: usize) -> ApiRequest {
    let r = request(acc, "ListInstances", "GET", format!("/v2/{}/instances", enc(&acc.project_id)), None);
    with_query(r, &[("engine", "kafka".into()), ("offset", offset.to_string()), ("limit", limit.to_string())])
}

/// `GET …/instances/{id}/groups`.
pub fn list_groups(acc: &HuaweiAccount, instance: &str, offset: usize, limit: usize) -> ApiRequest {
    let path = format!("/v2/{}/instances/{}/groups", enc(&acc.project_id), enc(instance));
    with_query(
        request(acc, "ListGroups", "GET", path, None),
        &[("offset", offset.to_string()), ("limit", limit.to_string())],
    )
}

/// `GET …/management/groups/{group}`: members and per-partition offsets.
pub fn group_detail(acc: &HuaweiAccount, instance: &str, group: &str) -> ApiRequest {
    let path = format!("/v2/{}/instances/{}/management/groups/{}", enc(&acc.project_id), enc(instance), enc(group));
    let mut r = request(acc, "ShowGroupDetail", "GET", path, None);
    r.raw_answer = true;
    r
}

/// `GET /v2/kafka/{project}/instances/{id}/groups/{group}/message-offset?topic=`: offsets with log start.
pub fn group_message_offsets(
    acc: &HuaweiAccount,
    instance: &str,
    group: &str,
    topic: &str,
    offset: usize,
    limit: usize,
) -> ApiRequest {
    let path =
        format!("/v2/kafka/{}/instances/{}/groups/{}/message-offset", enc(&acc.project_id), enc(instance), enc(group));
    let q = [("topic", topic.to_owned()), ("offset", offset.to_string()), ("limit", limit.to_string())];
    with_query(request(acc, "ListGroupMessageOffsets", "GET", path, None), &q)
}

/// `GET …/topics/{topic}/partitions`: start and last offsets.
pub fn topic_partitions(acc: &HuaweiAccount, instance: &str, topic: &str, offset: usize, limit: usize) -> ApiRequest {
    let path =
        format!("/v2/{}/kafka/instances/{}/topics/{}/partitions", enc(&acc.project_id), enc(instance), enc(topic));
    with_query(
        request(acc, "ListTopicPartitions", "GET", path, None),
        &[("offset", offset.to_string()), ("limit", limit.to_string())],
    )
}

/// `GET …/management/topics/{topic}/messages`: messages in a time window (ms), with offsets and timestamps.
pub fn show_messages(
    acc: &HuaweiAccount,
    instance: &str,
    topic: &str,
    partition: i32,
    start_ms: i64,
    end_ms: i64,
    limit: usize,
) -> ApiRequest {
    let path =
        format!("/v2/{}/instances/{}/management/topics/{}/messages", enc(&acc.project_id), enc(instance), enc(topic));
    let q = [
        ("start_time", start_ms.to_string()),
        ("end_time", end_ms.to_string()),
        ("partition", partition.to_string()),
        ("limit", limit.to_string()),
        ("offset", "0".to_owned()),
    ];
    with_query(request(acc, "ShowMessages", "GET", path, None), &q)
}

/// `GET …/instances/{id}/topics`.
pub fn list_topics(acc: &HuaweiAccount, instance: &str, offset: usize, limit: usize) -> ApiRequest {
    let path = format!("/v2/{}/instances/{}/topics", enc(&acc.project_id), enc(instance));
    with_query(
        request(acc, "ListTopics", "GET", path, None),
        &[("offset", offset.to_string()), ("limit", limit.to_string())],
    )
}

/// Per-item failures inside a 200: `(item, error code)` for each item that failed.
pub fn item_failures(json: &Value) -> Vec<(String, String)> {
    let topics = list(json, "topics")
        .iter()
        .filter(|t| t["success"].as_bool() == Some(false))
        .map(|t| (format!("topic {}", text(&t["name"])), text(&t["error_code"])));
    let parts = list(json, "partitions")
        .iter()
        .filter(|p| !text(&p["result"]).eq_ignore_ascii_case("success"))
        .map(|p| (format!("partition {}", text(&p["partition"])), text(&p["error_code"])));
    topics.chain(parts).collect()
}
