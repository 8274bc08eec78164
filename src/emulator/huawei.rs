//! Huawei DMS for Kafka, emulated: routing by path, the documented bodies and error shapes, the write semantics.

use serde_json::{Value, json};

use super::gate::AuthError;
use super::state::{GroupState, HuaweiAccount, Instance};
use super::{Inner, Reply};

/// Emulator's code for "the group has active members" (the real code is not published).
pub const ACTIVE_GROUP_CODE: &str = "DMS.00400911";

/// Which operation a request is, from its method and path; `None` for an unknown route.
pub fn route(method: &str, path: &str) -> Option<(&'static str, Vec<String>)> {
    let segs: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let op = match (method, s.as_slice()) {
        ("GET", ["v2", _, "instances"]) => "ListInstances",
        ("GET", ["v2", _, "instances", _, "groups"]) => "ListGroups",
        ("GET", ["v2", _, "instances", _, "groups", _]) => "ShowGroup",
        ("GET", ["v2", _, "instances", _, "management", "groups", _]) => "ShowGroupDetail",
        ("GET", ["v2", "kafka", _, "instances", _, "groups", _, "message-offset"]) => "ListGroupMessageOffsets",
        ("GET", ["v2", _, "instances", _, "topics"]) => "ListTopics",
        ("GET", ["v2", _, "instances", _, "management", "topics", _, "messages"]) => "ShowMessages",
        ("GET", ["v2", _, "instances", _, "management", "topics", _, "partitions", _, "message"]) => {
            "ShowPartitionMessage"
        }
        ("GET", ["v2", _, "kafka", "instances", _, "topics", _, "partitions"]) => "ListTopicPartitions",
        ("PUT", ["v2", "kafka", _, "instances", _, "groups", _, "reset-message-offset"]) => "ResetMessageOffset",
        // The older form the SDK still has (`reset_message_offset`).
        ("POST", ["v2", _, "instances", _, "management", "groups", _, "reset-message-offset"]) => "ResetMessageOffset",
        ("POST", ["v2", "kafka", _, "instances", _, "groups", _, "delete-offset"]) => "DeleteConsumerGroupOffsets",
        ("DELETE", ["v2", _, "kafka", "instances", _, "topics", _, "messages"]) => "DeleteMessages",
        ("POST", ["v2", _, "kafka", "instances", _, "topics", _, "messages", "delete"]) => "DeleteMessages",
        _ => return None,
    };
    Some((op, segs))
}

/// Project id, instance id and the last named parameter (group or topic) of a routed path.
fn params(segs: &[String]) -> (String, Option<String>, Option<String>) {
    let kafka_first = segs.get(1).is_some_and(|s| s == "kafka");
    let project = if kafka_first { segs[2].clone() } else { segs[1].clone() };
    let at = segs.iter().position(|s| s == "instances");
    let instance = at.and_then(|i| segs.get(i + 1)).cloned();
    let named = ["groups", "topics"]
        .iter()
        .filter_map(|k| segs.iter().position(|s| s == k).and_then(|i| segs.get(i + 1)))
        .next()
        .cloned();
    (project, instance, named)
}

fn error(status: u16, code: &str, msg: impl Into<String>) -> Reply {
    Reply::Huawei { status, body: Some(json!({"error_code": code, "error_msg": msg.into()})) }
}

fn ok(body: Value) -> Reply {
    Reply::Huawei { status: 200, body: Some(body) }
}

/// The gateway's answer to a refused signature.
pub fn auth_error(e: &AuthError, request_id: &str) -> Reply {
    let msg = match e {
        AuthError::Locked => "AK access failed to reach the limit,forbidden.".to_owned(),
        AuthError::UnknownKey => {
            "Incorrect IAM authentication information: Get secretKey failed, ak not exist".to_owned()
        }
        AuthError::Expired(why) => format!("Incorrect IAM authentication information: {why}"),
        AuthError::Malformed(why) => format!("Incorrect IAM authentication information: {why}"),
        AuthError::Mismatch | AuthError::WrongService(_) => {
            "Incorrect IAM authentication information: verify aksk signature fail".to_owned()
        }
    };
    Reply::Huawei {
        status: 401,
        body: Some(json!({"error_code": "APIG.0301", "error_msg": msg, "request_id": request_id})),
    }
}

/// Pages a list with `offset`/`limit` query parameters; `limit` must lie in 1..=max.
fn page<T: Clone>(items: &[T], query: &[(String, String)], default: usize, max: usize) -> Result<Vec<T>, Reply> {
    let (offset, limit) = window(query, default, max)?;
    Ok(items.iter().skip(offset).take(limit).cloned().collect())
}

/// `offset` and `limit` of a page, checked. Large listings build only the page's items from it: a listing of
/// 100,000 partitions read 50 at a time must not build all 100,000 on every call.
fn window(query: &[(String, String)], default: usize, max: usize) -> Result<(usize, usize), Reply> {
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let offset: usize = get("offset").unwrap_or("0").parse().map_err(|_| bad_param("offset"))?;
    let limit: usize = match get("limit") {
        Some(l) => l.parse().ok().filter(|l| (1..=max).contains(l)).ok_or_else(|| bad_param("limit"))?,
        None => default,
    };
    Ok((offset, limit))
}

fn bad_param(name: &str) -> Reply {
    error(400, "DMS.00400001", format!("Invalid parameter: {name}"))
}

/// Executes a verified, routed request.
pub fn execute(
    inner: &mut Inner,
    op: &str,
    segs: &[String],
    query: &[(String, String)],
    body: &[u8],
    ak: &str,
) -> Reply {
    let now_ms = inner.now_ms();
    let newest_first = inner.quirks.newest_first;
    let Some(account) = inner.world.huawei.iter_mut().find(|a| a.ak == ak) else {
        return error(401, "APIG.0301", "ak not exist");
    };
    let (project, instance_id, named) = params(segs);
    if project != account.project_id {
        return error(400, "DMS.00400002", format!("Invalid project id {project}"));
    }
    if op == "ListInstances" {
        return list_instances(account, query);
    }
    let Some(instance) = account.instances.iter_mut().find(|i| Some(&i.id) == instance_id.as_ref()) else {
        return error(404, "DMS.00404001", format!("The instance {} does not exist", instance_id.unwrap_or_default()));
    };
    let named = named.unwrap_or_default();
    let body = match op {
        "ResetMessageOffset" | "DeleteConsumerGroupOffsets" | "DeleteMessages" => match parse_body(body) {
            Ok(b) => b,
            Err(r) => return r,
        },
        _ => Value::Null,
    };
    match op {
        "ListGroups" => list_groups(instance, query),
        "ShowGroup" => with_group(instance, &named, |g| json!({"group": group_basics(g)})),
        "ShowGroupDetail" => show_group_detail(instance, &named),
        "ListGroupMessageOffsets" => group_message_offsets(instance, &named, query),
        "ListTopics" => list_topics(instance, query),
        "ListTopicPartitions" => topic_partitions(instance, &named, query, now_ms),
        "ShowMessages" => show_messages(instance, &named, query, newest_first),
        "ShowPartitionMessage" => partition_message(instance, &named, segs, query),
        "ResetMessageOffset" => reset(instance, &named, &body),
        "DeleteConsumerGroupOffsets" => delete_offsets(instance, &named, &body),
        "DeleteMessages" => delete_messages(instance, &named, &body),
        _ => error(404, "APIG.0101", "The API does not exist or has not been published in the environment"),
    }
}

fn parse_body(body: &[u8]) -> Result<Value, Reply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(error(400, "DMS.00400004", "The request body is empty"));
    }
    serde_json::from_slice(body).map_err(|e| error(400, "DMS.00400005", format!("Invalid JSON body: {e}")))
}

fn list_instances(account: &HuaweiAccount, query: &[(String, String)]) -> Reply {
    if !query.iter().any(|(k, v)| k == "engine" && v == "kafka") {
        return error(400, "DMS.00400001", "Invalid parameter: engine is required and must be kafka");
    }
    let all: Vec<Value> = account
        .instances
        .iter()
        .map(|i| {
            let partitions: usize = i.topics.iter().map(|t| t.partitions.len()).sum();
            json!({
                "instance_id": i.id, "name": i.name, "engine": "kafka", "engine_version": "2.7", "status": "RUNNING",
                "type": "cluster", "specification": "100MB", "partition_num": partitions.to_string(),
                "created_at": "1700000000000", "connect_address": "192.168.0.10,192.168.0.11", "port": 9092,
                "broker_num": 3, "node_num": 3, "ssl_enable": false, "enable_publicip": false, "tags": []
            })
        })
        .collect();
    match page(&all, query, 10, 50) {
        Ok(items) => ok(json!({"instance_num": all.len(), "instances": items})),
        Err(r) => r,
    }
}

fn group_lag(instance: &Instance, g: &super::state::Group) -> i64 {
    g.committed.iter().filter_map(|((t, p), c)| Some(instance.topic(t)?.partitions.get(*p as usize)?.end - c)).sum()
}

fn list_groups(instance: &Instance, query: &[(String, String)]) -> Reply {
    let filter = query.iter().find(|(k, _)| k == "group").map(|(_, v)| v.as_str()).unwrap_or("");
    let (offset, limit) = match window(query, 10, 50) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let matching = || instance.groups.iter().filter(|g| g.name.contains(filter));
    let items: Vec<Value> = matching()
        .skip(offset)
        .take(limit)
        .map(|g| {
            json!({"group_id": g.name, "state": g.state.upper(), "coordinator_id": 1, "group_desc": "",
                   "lag": group_lag(instance, g), "createdAt": 1700000000000i64})
        })
        .collect();
    ok(json!({"total": matching().count(), "groups": items}))
}

fn group_basics(g: &super::state::Group) -> Value {
    json!({"group_id": g.name, "state": g.state.upper(), "coordinator_id": 1, "assignment_strategy": "range",
           "group_desc": "", "createdAt": 1700000000000i64})
}

fn with_group(instance: &Instance, name: &str, f: impl FnOnce(&super::state::Group) -> Value) -> Reply {
    match instance.group(name) {
        Some(g) => ok(f(g)),
        None => error(404, "DMS.00404022", format!("The consumer group {name} does not exist")),
    }
}

fn show_group_detail(instance: &Instance, name: &str) -> Reply {
    with_group(instance, name, |g| {
        let members: Vec<Value> = g
            .members
            .iter()
            .map(|m| {
                let assignment: Vec<Value> =
                    m.assignment.iter().map(|(t, ps)| json!({"topic": t, "partitions": ps})).collect();
                json!({"member_id": m.member_id, "client_id": m.client_id, "host": m.host, "assignment": assignment})
            })
            .collect();
        let offsets: Vec<Value> = g
            .committed
            .iter()
            .filter_map(|((t, p), c)| {
                let end = instance.topic(t)?.partitions.get(*p as usize)?.end;
                Some(json!({"topic": t, "partition": p, "message_current_offset": c, "message_log_end_offset": end,
                            "lag": end - c}))
            })
            .collect();
        json!({"group": {"group_id": g.name, "state": g.state.kafka(), "coordinator_id": 1,
                         "assignment_strategy": "range", "members": members, "group_message_offsets": offsets}})
    })
}

fn group_message_offsets(instance: &Instance, name: &str, query: &[(String, String)]) -> Reply {
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let Some(topic_name) = get("topic") else { return bad_param("topic") };
    let Some(topic) = instance.topic(&topic_name) else {
        return error(404, "DMS.00404023", format!("The topic {topic_name} does not exist"));
    };
    let Some(g) = instance.group(name) else {
        return error(404, "DMS.00404022", format!("The consumer group {name} does not exist"));
    };
    let only: Option<i32> = get("partition").and_then(|p| p.parse().ok()).filter(|p| *p >= 0);
    let (offset, limit) = match window(query, 10, 50) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let matching = || topic.partitions.iter().enumerate().filter(|(p, _)| only.is_none_or(|o| o as usize == *p));
    let items: Vec<Value> = matching()
        .skip(offset)
        .take(limit)
        .map(|(p, part)| {
            let c = g.committed.get(&(topic_name.clone(), p as i32)).copied().unwrap_or(-1);
            let owner = g
                .members
                .iter()
                .find(|m| m.assignment.iter().any(|(t, ps)| t == &topic_name && ps.contains(&(p as i32))));
            json!({"topic": topic_name, "partition": p, "message_current_offset": c,
                   "message_log_start_offset": part.start, "message_log_end_offset": part.end,
                   "lag": if c < 0 { 0 } else { part.end - c },
                   "consumer_id": owner.map_or("", |m| m.member_id.as_str()),
                   "host": owner.map_or("", |m| m.host.as_str()),
                   "client_id": owner.map_or("", |m| m.client_id.as_str())})
        })
        .collect();
    ok(json!({"total": matching().count(), "group_message_offsets": items}))
}

fn list_topics(instance: &Instance, query: &[(String, String)]) -> Reply {
    let all: Vec<Value> = instance
        .topics
        .iter()
        .map(|t| {
            json!({"name": t.name, "partition": t.partitions.len(), "replication": 3, "retention_time": 72,
                   "sync_replication": false, "sync_message_flush": false, "topic_type": 0, "policiesOnly": false,
                   "topic_desc": "", "created_at": 1700000000000i64, "external_configs": {}})
        })
        .collect();
    match page(&all, query, 50, 200) {
        Ok(items) => ok(json!({"total": all.len(), "size": items.len(), "remain_partitions": 500,
                               "max_partitions": 1000, "topic_max_partitions": 200, "topics": items})),
        Err(r) => r,
    }
}

fn topic_partitions(instance: &Instance, name: &str, query: &[(String, String)], now_ms: i64) -> Reply {
    let Some(topic) = instance.topic(name) else {
        return error(404, "DMS.00404023", format!("The topic {name} does not exist"));
    };
    // As documented: `limit` 1 to 50, `offset` at most 10000.
    let (offset, limit) = match window(query, 10, 50) {
        Ok(w) if w.0 > 10_000 => return bad_param("offset"),
        Ok(w) => w,
        Err(r) => return r,
    };
    // `last_offset` is the log end offset: the offset the next message will get.
    let items: Vec<Value> = topic
        .partitions
        .iter()
        .enumerate()
        .skip(offset)
        .take(limit)
        .map(|(p, part)| {
            let last_update = if part.end > 0 { topic.timestamp_of(part.end - 1) } else { now_ms };
            json!({"partition": p, "start_offset": part.start, "last_offset": part.end,
                   "message_count": part.end - part.start, "last_update_time": last_update})
        })
        .collect();
    ok(json!({"total": topic.partitions.len(), "partitions": items}))
}

fn active_refusal(g: &super::state::Group) -> Reply {
    let members: Vec<String> = g.members.iter().map(|m| format!("{}@{}", m.client_id, m.host)).collect();
    error(
        400,
        ACTIVE_GROUP_CODE,
        format!(
            "The consumer group {} is {} with active members ({}); stop them and wait for the session timeout",
            g.name,
            g.state.kafka(),
            members.join(", ")
        ),
    )
}

fn reset(instance: &mut Instance, group: &str, body: &Value) -> Reply {
    let Some(topic_name) = body.get("topic").and_then(Value::as_str) else {
        return bad_param("topic");
    };
    let Some(partition) = body.get("partition").and_then(Value::as_i64) else {
        return bad_param("partition");
    };
    let offset = body.get("message_offset").and_then(Value::as_i64);
    let ts = body.get("timestamp").and_then(Value::as_i64);
    if offset.is_none() == ts.is_none() {
        return error(
            400,
            "DMS.00400001",
            "Invalid parameter: exactly one of message_offset and timestamp is required",
        );
    }
    let Some(topic) = instance.topic(topic_name).cloned() else {
        return error(404, "DMS.00404023", format!("The topic {topic_name} does not exist"));
    };
    let parts: Vec<usize> = match partition {
        -1 => (0..topic.partitions.len()).collect(),
        p if p >= 0 && (p as usize) < topic.partitions.len() => vec![p as usize],
        _ => return bad_param("partition"),
    };
    let Some(g) = instance.group_mut(group) else {
        return error(404, "DMS.00404022", format!("The consumer group {group} does not exist"));
    };
    if !g.state.is_inactive() {
        return active_refusal(g);
    }
    for p in parts {
        let part = topic.partitions[p];
        let target = match (offset, ts) {
            (Some(o), _) => o.clamp(part.start, part.end),
            (_, Some(t)) => topic.offset_at_or_after(part, t),
            _ => unreachable!("checked above"),
        };
        g.committed.insert((topic_name.to_owned(), p as i32), target);
    }
    if g.state == GroupState::Dead {
        g.state = GroupState::Empty;
    }
    Reply::Huawei { status: 204, body: None }
}

fn delete_offsets(instance: &mut Instance, group: &str, body: &Value) -> Reply {
    let Some(topics) = body.get("topics").and_then(Value::as_array) else { return bad_param("topics") };
    let names: Vec<String> = topics.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect();
    let known: Vec<String> = instance.topics.iter().map(|t| t.name.clone()).collect();
    let Some(g) = instance.group_mut(group) else {
        return error(404, "DMS.00404022", format!("The consumer group {group} does not exist"));
    };
    let results: Vec<Value> = names
        .iter()
        .map(|t| {
            if !known.contains(t) {
                json!({"name": t, "success": false, "error_code": "UNKNOWN_TOPIC_OR_PARTITION"})
            } else if !g.state.is_inactive() && g.members.iter().any(|m| m.assignment.iter().any(|(mt, _)| mt == t)) {
                json!({"name": t, "success": false, "error_code": "GROUP_SUBSCRIBED_TO_TOPIC"})
            } else {
                g.committed.retain(|(ct, _), _| ct != t);
                json!({"name": t, "success": true})
            }
        })
        .collect();
    ok(json!({"topics": results}))
}

fn delete_messages(instance: &mut Instance, topic_name: &str, body: &Value) -> Reply {
    let Some(list) = body.get("partitions").and_then(Value::as_array) else { return bad_param("partitions") };
    let Some(topic) = instance.topics.iter_mut().find(|t| t.name == topic_name) else {
        return error(404, "DMS.00404023", format!("The topic {topic_name} does not exist"));
    };
    let results: Vec<Value> = list
        .iter()
        .map(|item| {
            let p = item.get("partition").and_then(Value::as_i64).unwrap_or(-1);
            let o = item.get("offset").and_then(Value::as_i64).unwrap_or(-1);
            match topic.partitions.get_mut(usize::try_from(p).unwrap_or(usize::MAX)) {
                None => json!({"partition": p, "result": "failed", "error_code": "UNKNOWN_TOPIC_OR_PARTITION"}),
                Some(part) if o < 0 || o > part.end => {
                    json!({"partition": p, "result": "failed", "error_code": "OFFSET_OUT_OF_RANGE"})
                }
                Some(part) => {
                    part.start = part.start.max(o);
                    json!({"partition": p, "result": "success", "error_code": null})
                }
            }
        })
        .collect();
    ok(json!({"partitions": results}))
}

/// Messages whose timestamps fall in `[start_time, end_time]` (ms), paged by `offset`/`limit`: oldest first, or
/// newest first when that quirk is on (the API documents no order).
fn show_messages(instance: &Instance, name: &str, query: &[(String, String)], newest_first: bool) -> Reply {
    let Some(topic) = instance.topic(name) else {
        return error(404, "DMS.00404023", format!("The topic {name} does not exist"));
    };
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let (Some(start), Some(end)) =
        (get("start_time").and_then(|v| v.parse::<i64>().ok()), get("end_time").and_then(|v| v.parse::<i64>().ok()))
    else {
        return bad_param("start_time/end_time");
    };
    let only: i64 = get("partition").and_then(|v| v.parse().ok()).unwrap_or(-1);
    let limit: usize = get("limit").and_then(|v| v.parse().ok()).filter(|l| (1..=50).contains(l)).unwrap_or(10);
    let page: usize = get("offset").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut all = Vec::new();
    for (p, part) in topic.partitions.iter().enumerate().filter(|(p, _)| only < 0 || *p as i64 == only) {
        let first = topic.offset_at_or_after(*part, start);
        let last = topic.offset_at_or_after(*part, end.saturating_add(1)).min(part.end);
        // Bounded: the dashboard asks for the first message only; a wide window must not build millions of rows.
        let wanted = limit * (page + 1);
        let offsets: Vec<i64> = if newest_first {
            (first..last).rev().take(wanted).collect()
        } else {
            (first..last).take(wanted).collect()
        };
        for o in offsets {
            all.push(json!({"topic": topic.name, "partition": p, "message_offset": o, "size": 128, "timestamp": topic.timestamp_of(o)}));
        }
    }
    let items: Vec<&Value> = all.iter().skip(page * limit).take(limit).collect();
    ok(
        json!({"messages": items, "messages_count": all.len(), "offsets_count": all.len().div_ceil(limit), "offset": page}),
    )
}

/// `…/topics/{topic}/partitions/{p}/message?message_offset=N`: the message at an offset (none outside the log).
fn partition_message(instance: &Instance, name: &str, segs: &[String], query: &[(String, String)]) -> Reply {
    let Some(topic) = instance.topic(name) else {
        return error(404, "DMS.00404023", format!("The topic {name} does not exist"));
    };
    let at = segs.iter().position(|s| s == "partitions").and_then(|i| segs.get(i + 1));
    let Some(p) = at.and_then(|p| p.parse::<usize>().ok()).filter(|p| *p < topic.partitions.len()) else {
        return bad_param("partition");
    };
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let Some(offset) = get("message_offset").and_then(|v| v.parse::<i64>().ok()) else {
        return bad_param("message_offset");
    };
    let found = super::messages::at(topic, p, offset).map(|m| {
        json!({"topic": topic.name, "partition": p, "message_offset": offset, "key": m.key, "value": m.value,
            "size": m.value.len(), "timestamp": m.timestamp_ms})
    });
    ok(json!({"message": found.into_iter().collect::<Vec<_>>()}))
}
