//! Tencent CKafka (2019-08-19) and DTS (2021-12-06), emulated: action dispatch, parameter validation with the real
//! error codes, errors inside HTTP 200, and DTS's silent no-op on an active group.

use serde_json::{Map, Value, json};

use super::state::{Group, Instance, Partition, Subscription, TencentAccount, Topic};
use super::tencent_params::validate;

/// The API version each service answers to.
pub fn version(service: &str) -> &'static str {
    if service == "dts" { "2021-12-06" } else { "2019-08-19" }
}

/// A Tencent error (sent inside HTTP 200).
pub struct TcError(pub String, pub String);

/// An error with its code and message.
pub(super) fn err(code: &str, msg: impl Into<String>) -> TcError {
    TcError(code.to_owned(), msg.into())
}

pub(super) type Out = Result<Value, TcError>;

pub(super) fn s<'a>(p: &'a Map<String, Value>, k: &str) -> &'a str {
    p.get(k).and_then(Value::as_str).unwrap_or("")
}

pub(super) fn i(p: &Map<String, Value>, k: &str) -> Option<i64> {
    p.get(k).and_then(Value::as_i64)
}

fn strs(p: &Map<String, Value>, k: &str) -> Option<Vec<String>> {
    p.get(k).and_then(Value::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
}

/// `Offset`/`Limit` paging with a default and a maximum limit.
fn page<T: Clone>(items: &[T], p: &Map<String, Value>, default: i64, max: i64) -> Result<Vec<T>, TcError> {
    let (offset, limit) = window(p, default, max)?;
    Ok(items.iter().skip(offset).take(limit).cloned().collect())
}

/// `Offset` and `Limit` of a page, checked. Large listings build only the page's items from it.
fn window(p: &Map<String, Value>, default: i64, max: i64) -> Result<(usize, usize), TcError> {
    let offset = i(p, "Offset").unwrap_or(0);
    let limit = i(p, "Limit").unwrap_or(default);
    if offset < 0 || !(1..=max).contains(&limit) {
        return Err(err("InvalidParameterValue", format!("Offset must be >= 0 and Limit between 1 and {max}")));
    }
    Ok((offset as usize, limit as usize))
}

/// Runs an action for an authenticated account. `now_ms` is the emulator's clock.
pub fn execute(acc: &mut TencentAccount, service: &str, action: &str, body: &[u8], now_ms: i64) -> Out {
    let params: Map<String, Value> = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => m,
        _ => return Err(err("InvalidParameter", "The request body is not a JSON object")),
    };
    validate(action, service, &params)?;
    let p = &params;
    match action {
        "DescribeInstances" => {
            let all: Vec<Value> = acc
                .ckafka
                .iter()
                .filter(|x| i_match(p, "InstanceId", &x.id) && x.name.contains(s(p, "SearchWord")))
                .map(|x| json!({"InstanceId": x.id, "InstanceName": x.name, "Status": 1, "IfCommunity": false}))
                .collect();
            let items = page(&all, p, 10, 100)?;
            Ok(json!({"Result": {"TotalCount": all.len(), "InstanceList": items}}))
        }
        "DescribeInstancesDetail" => {
            let ids = strs(p, "InstanceIdList");
            let all: Vec<Value> = acc
                .ckafka
                .iter()
                .filter(|x| i_match(p, "InstanceId", &x.id) && x.name.contains(s(p, "SearchWord")))
                .filter(|x| ids.as_ref().is_none_or(|ids| ids.contains(&x.id)))
                .map(|x| {
                    let partitions: usize = x.topics.iter().map(|t| t.partitions.len()).sum();
                    json!({"InstanceId": x.id, "InstanceName": x.name, "Vip": "127.0.0.1", "Vport": "9092",
                           "Status": 1, "Healthy": 1, "HealthyMessage": "", "Version": "2.8.1",
                           "TopicNum": x.topics.len(), "PartitionNumber": partitions, "InstanceType": "profession"})
                })
                .collect();
            let items = page(&all, p, 10, 20)?;
            Ok(json!({"Result": {"TotalCount": all.len(), "InstanceList": items}}))
        }
        "DescribeConsumerGroup" => {
            let inst = instance(acc, p)?;
            let (offset, limit) = window(p, 50, 50)?;
            let matching =
                || inst.groups.iter().filter(|g| s(p, "GroupName").is_empty() || g.name == s(p, "GroupName"));
            let items: Vec<Value> = matching()
                .skip(offset)
                .take(limit)
                .map(|g| {
                    let subscribed: Vec<Value> = g
                        .topics()
                        .iter()
                        .filter(|t| s(p, "TopicName").is_empty() || **t == s(p, "TopicName"))
                        .filter_map(|t| {
                            let topic = inst.topic(t)?;
                            let parts: Vec<usize> = (0..topic.partitions.len()).collect();
                            let offsets: Vec<Value> = parts
                                .iter()
                                .map(|n| {
                                    let c = g.committed.get(&(t.clone(), *n as i32)).copied().unwrap_or(-1);
                                    json!({"Partition": n.to_string(), "Offset": c})
                                })
                                .collect();
                            Some(json!({"TopicName": t, "TopicId": format!("topic-{t}"), "Partition": parts,
                                        "PartitionOffset": offsets}))
                        })
                        .collect();
                    json!({"ConsumerGroupName": g.name, "SubscribedInfo": subscribed})
                })
                .collect();
            Ok(json!({"Result": {"TotalCount": matching().count(), "TopicList": [], "GroupList": items}}))
        }
        "DeleteGroupSubscribeTopic" => delete_group_subscribe_topic(acc, p),
        "DescribeGroup" => {
            let inst = instance(acc, p)?;
            let (offset, limit) = window(p, 20, 100)?;
            let matching = || inst.groups.iter().filter(|g| g.name.contains(s(p, "SearchWord")));
            let items: Vec<Value> =
                matching().skip(offset).take(limit).map(|g| json!({"Group": g.name, "Protocol": "consumer"})).collect();
            Ok(json!({"Result": {"TotalCount": matching().count(), "GroupList": items, "GroupCountQuota": 1000}}))
        }
        "DescribeGroupInfo" => {
            let inst = instance(acc, p)?;
            let list: Vec<Value> =
                strs(p, "GroupList").unwrap_or_default().iter().map(|n| group_info(inst, n)).collect();
            Ok(json!({"Result": list}))
        }
        "DescribeGroupOffsets" => group_offsets(instance(acc, p)?, p),
        "DescribeTopic" => {
            let inst = instance(acc, p)?;
            let all: Vec<Value> = inst
                .topics
                .iter()
                .filter(|t| t.name.contains(s(p, "SearchWord")))
                .map(|t| json!({"TopicId": format!("topic-{}", t.name), "TopicName": t.name, "Note": null}))
                .collect();
            let items = page(&all, p, 20, 50)?;
            Ok(json!({"Result": {"TotalCount": all.len(), "TopicList": items}}))
        }
        "DescribeTopicSyncReplica" => {
            let inst = instance(acc, p)?;
            let t = topic(inst, s(p, "TopicName"))?;
            let (offset, limit) = window(p, 20, 100)?;
            let items: Vec<Value> = t
                .partitions
                .iter()
                .enumerate()
                .skip(offset)
                .take(limit)
                .map(|(n, part)| {
                    json!({"Partition": format!("partition-{n}"), "Leader": 1, "Replica": "1,2,3",
                           "InSyncReplica": "1,2,3", "BeginOffset": part.start, "EndOffset": part.end,
                           "MessageCount": part.end - part.start, "OutOfSyncReplica": ""})
                })
                .collect();
            Ok(json!({"Result": {"TotalCount": t.partitions.len(), "TopicInSyncReplicaList": items}}))
        }
        "ModifyGroupOffsets" => modify_group_offsets(acc, p),
        "FetchMessageListByTimestamp" | "FetchMessageListByOffset" | "FetchMessageByOffset" => {
            super::tencent_messages::fetch(acc, action, p)
        }
        "ResetConsumerGroupOffset" => reset_dts(acc, p),
        "DescribeSubscribeJobs" => {
            let region = acc.region.clone();
            let all: Vec<Value> = acc
                .dts
                .iter()
                .filter(|d| i_match(p, "SubscribeId", &d.subscribe_id))
                .filter(|d| strs(p, "SubscribeIds").is_none_or(|ids| ids.contains(&d.subscribe_id)))
                .map(|d| subscribe_job(d, &region))
                .collect();
            let items = page(&all, p, 20, 100)?;
            Ok(json!({"TotalCount": all.len(), "Items": items}))
        }
        "DescribeSubscribeDetail" => {
            let region = acc.region.clone();
            let d = subscription(acc, p)?;
            let mut v = subscribe_job(d, &region);
            let extra = json!({"Broker": "127.0.0.1:9092", "KafkaVersion": "2.8.1", "SubscribeMode": "all",
                "Protocol": "protobuf", "KafkaConfig": {"NumberOfPartitions": d.topic.partitions.len(),
                "DistributeRules": [], "DefaultRuleType": "table"}, "SubscribeObjects": [],
                "ConsumerVpcId": "vpc-demo", "ConsumerSubnetId": "subnet-demo", "Errors": null});
            if let (Some(v), Value::Object(e)) = (v.as_object_mut(), extra) {
                v.extend(e);
            }
            Ok(v)
        }
        "DescribeConsumerGroups" => {
            let d = subscription(acc, p)?;
            let all: Vec<Value> = d.groups.iter().map(|g| dts_group(d, g)).collect();
            let items = page(&all, p, 10, 100)?;
            Ok(json!({"TotalCount": all.len(), "Items": items}))
        }
        "DescribeOffsetByTime" => {
            let d = subscription(acc, p)?;
            let t = beijing_ms(s(p, "Time"))
                .ok_or_else(|| err("InvalidParameterValue", "Time must be YYYY-MM-DD HH:MM:SS"))?;
            let items: Vec<Value> = d
                .topic
                .partitions
                .iter()
                .enumerate()
                .map(|(n, part)| json!({"PartitionNo": n, "Offset": d.topic.offset_at_or_before(*part, t)}))
                .collect();
            let _ = now_ms;
            Ok(json!({"Items": items}))
        }
        _ => Err(err("InvalidAction", format!("The action `{action}` is not supported"))),
    }
}

fn i_match(p: &Map<String, Value>, key: &str, value: &str) -> bool {
    p.get(key).and_then(Value::as_str).is_none_or(|v| v.is_empty() || v == value)
}

pub(super) fn instance<'a>(acc: &'a TencentAccount, p: &Map<String, Value>) -> Result<&'a Instance, TcError> {
    let id = s(p, "InstanceId");
    acc.ckafka
        .iter()
        .find(|x| x.id == id)
        .ok_or_else(|| err("InvalidParameterValue.InstanceNotExist", format!("The instance {id} does not exist")))
}

pub(super) fn topic<'a>(inst: &'a Instance, name: &str) -> Result<&'a Topic, TcError> {
    inst.topic(name).ok_or_else(|| err("ResourceNotFound", format!("The topic {name} does not exist")))
}

fn subscription<'a>(acc: &'a TencentAccount, p: &Map<String, Value>) -> Result<&'a Subscription, TcError> {
    let id = s(p, "SubscribeId");
    acc.dts
        .iter()
        .find(|d| d.subscribe_id == id)
        .ok_or_else(|| err("ResourceNotFound", format!("The subscription {id} does not exist")))
}

fn group_info(inst: &Instance, name: &str) -> Value {
    let Some(g) = inst.group(name) else {
        return json!({"Group": name, "State": "Dead", "ProtocolType": "consumer", "Protocol": "", "ErrorCode": "0",
                      "Members": []});
    };
    let members: Vec<Value> = g
        .members
        .iter()
        .map(|m| {
            let topics: Vec<Value> = m.assignment.iter().map(|(t, ps)| json!({"Topic": t, "Partitions": ps})).collect();
            json!({"MemberId": m.member_id, "ClientId": m.client_id, "ClientHost": m.host,
                   "Assignment": {"Version": 0, "Topics": topics}})
        })
        .collect();
    json!({"Group": g.name, "State": g.state.kafka(), "ProtocolType": "consumer", "Protocol": "range",
           "ErrorCode": "0", "Members": members})
}

fn group_offsets(inst: &Instance, p: &Map<String, Value>) -> Out {
    let name = s(p, "Group");
    let g = inst.group(name).ok_or_else(|| err("ResourceNotFound", format!("The group {name} does not exist")))?;
    let wanted = strs(p, "Topics");
    let all: Vec<Value> = g
        .topics()
        .iter()
        .filter(|t| wanted.as_ref().is_none_or(|w| w.contains(t)) && t.contains(s(p, "SearchWord")))
        .filter_map(|t| {
            let topic = inst.topic(t)?;
            let parts: Vec<Value> = topic
                .partitions
                .iter()
                .enumerate()
                .map(|(n, part)| {
                    let c = g.committed.get(&(t.clone(), n as i32)).copied().unwrap_or(-1);
                    json!({"Partition": n, "Offset": c, "Metadata": "", "ErrorCode": 0, "LogEndOffset": part.end,
                           "Lag": if c < 0 { 0 } else { part.end - c }})
                })
                .collect();
            Some(json!({"Topic": t, "Partitions": parts}))
        })
        .collect();
    let items = page(&all, p, 50, 50)?;
    Ok(json!({"Result": {"TotalCount": all.len(), "TopicList": items}}))
}

/// Forgets a group's committed offsets on one topic. Like Kafka's OffsetDelete, it is refused while the group has
/// members.
fn delete_group_subscribe_topic(acc: &mut TencentAccount, p: &Map<String, Value>) -> Out {
    let id = s(p, "InstanceId").to_owned();
    let inst =
        acc.ckafka.iter_mut().find(|x| x.id == id).ok_or_else(|| {
            err("InvalidParameterValue.InstanceNotExist", format!("The instance {id} does not exist"))
        })?;
    let t = s(p, "Topic").to_owned();
    topic(inst, &t)?;
    let name = s(p, "Group").to_owned();
    let g = inst
        .groups
        .iter_mut()
        .find(|g| g.name == name)
        .ok_or_else(|| err("ResourceNotFound", format!("The group {name} does not exist")))?;
    if !g.members.is_empty() {
        return Err(err("FailedOperation", format!("The group {name} is not empty; stop its consumers first")));
    }
    g.committed.retain(|(topic, _), _| *topic != t);
    Ok(json!({"Result": {"ReturnCode": "0", "ReturnMessage": "ok", "Data": null}}))
}

fn modify_group_offsets(acc: &mut TencentAccount, p: &Map<String, Value>) -> Out {
    let id = s(p, "InstanceId").to_owned();
    let inst =
        acc.ckafka.iter_mut().find(|x| x.id == id).ok_or_else(|| {
            err("InvalidParameterValue.InstanceNotExist", format!("The instance {id} does not exist"))
        })?;
    let strategy = i(p, "Strategy").unwrap_or(-1);
    let (field, value) = match strategy {
        0 => ("Shift", i(p, "Shift")),
        1 => ("ShiftTimestamp", i(p, "ShiftTimestamp")),
        2 => ("Offset", i(p, "Offset")),
        _ => return Err(err("InvalidParameterValue", "Strategy must be 0, 1 or 2")),
    };
    let value = value.ok_or_else(|| err("MissingParameter", format!("Strategy {strategy} requires `{field}`")))?;
    let topics = strs(p, "Topics").unwrap_or_default();
    let mut plan = Vec::new();
    for t in &topics {
        let topic = topic(inst, t)?.clone();
        let parts: Vec<usize> = match p.get("Partitions").and_then(Value::as_array) {
            Some(list) => {
                let ps: Vec<usize> = list.iter().filter_map(Value::as_i64).map(|x| x as usize).collect();
                if let Some(bad) = ps.iter().find(|x| **x >= topic.partitions.len()) {
                    return Err(err("InvalidParameterValue", format!("Partition {bad} does not exist in topic {t}")));
                }
                ps
            }
            None => (0..topic.partitions.len()).collect(),
        };
        plan.push((topic, parts));
    }
    let name = s(p, "Group");
    let g = inst.group_mut(name).ok_or_else(|| err("ResourceNotFound", format!("The group {name} does not exist")))?;
    if !g.state.is_inactive() {
        // The API documents no precondition; Kafka refuses commits from outside a live group, so we refuse too.
        return Err(err("FailedOperation", format!("The group {name} is {} with active members", g.state.kafka())));
    }
    for (topic, parts) in plan {
        for n in parts {
            let part: Partition = topic.partitions[n];
            let key = (topic.name.clone(), n as i32);
            let old = g.committed.get(&key).copied().unwrap_or(part.start);
            let target = match (strategy, value) {
                (0, shift) => old.saturating_add(shift).clamp(part.start, part.end),
                (1, -2) => part.start,
                (1, -1) => part.end,
                (1, ts) => topic.offset_at_or_after(part, ts),
                (_, o) => o.clamp(part.start, part.end),
            };
            g.committed.insert(key, target);
        }
    }
    Ok(json!({"Result": {"ReturnCode": "0", "ReturnMessage": "[ModifyGroupOffsets] success",
                          "Data": {"FlowId": 0, "RouteDTO": {"RouteId": 0}}}}))
}

/// `YYYY-MM-DD HH:MM:SS` in Beijing time to epoch ms.
pub fn beijing_ms(text: &str) -> Option<i64> {
    let dt = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", text).ok()?;
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").ok()?;
    Some(dt.to_zoned(tz).ok()?.timestamp().as_millisecond())
}

fn reset_dts(acc: &mut TencentAccount, p: &Map<String, Value>) -> Out {
    let id = s(p, "SubscribeId").to_owned();
    let d = acc
        .dts
        .iter_mut()
        .find(|d| d.subscribe_id == id)
        .ok_or_else(|| err("ResourceNotFound", format!("The subscription {id} does not exist")))?;
    if s(p, "TopicName") != d.topic.name {
        return Err(err("InvalidParameterValue", format!("TopicName must be {}", d.topic.name)));
    }
    let mode = s(p, "ResetMode");
    let ts = match mode {
        "earliest" | "latest" => None,
        "datetime" => match p.get("ResetDatetime").and_then(Value::as_str) {
            Some(t) => Some(
                beijing_ms(t)
                    .ok_or_else(|| err("InvalidParameterValue", "ResetDatetime must be YYYY-MM-DD HH:MM:SS"))?,
            ),
            None => Some(0),
        },
        other => {
            return Err(err(
                "InvalidParameterValue",
                format!("ResetMode `{other}` must be earliest, latest or datetime"),
            ));
        }
    };
    let parts: Vec<usize> =
        p["PartitionNos"].as_array().into_iter().flatten().filter_map(Value::as_i64).map(|x| x as usize).collect();
    if let Some(bad) = parts.iter().find(|n| **n >= d.topic.partitions.len()) {
        return Err(err("InvalidParameterValue", format!("Partition {bad} does not exist")));
    }
    let name = s(p, "ConsumerGroupName");
    let topic = d.topic.clone();
    let g = d
        .groups
        .iter_mut()
        .find(|g| g.name == name)
        .ok_or_else(|| err("ResourceNotFound", format!("The consumer group {name} does not exist")))?;
    // Documented: unless the group is Empty or Dead, the reset does nothing and the API still reports success.
    if g.state.is_inactive() {
        for n in parts {
            let part = topic.partitions[n];
            let target = match (mode, ts) {
                ("earliest", _) => part.start,
                ("latest", _) => part.end,
                (_, Some(t)) => topic.offset_at_or_before(part, t),
                _ => part.start,
            };
            g.committed.insert((topic.name.clone(), n as i32), target);
        }
    }
    Ok(json!({}))
}

fn subscribe_job(d: &Subscription, region: &str) -> Value {
    json!({"SubscribeId": d.subscribe_id, "SubscribeName": d.name, "Topic": d.topic.name, "Product": "mysql",
           "InstanceId": "cdb-demo0001", "InstanceStatus": "running", "Status": "normal", "SubsStatus": "running",
           "Region": region, "SubscribeVersion": "kafka", "PayType": 1, "CreateTime": "2025-01-01 08:00:00",
           "ModifyTime": "2025-01-01 08:00:00", "Errors": null, "Tags": []})
}

fn dts_group(d: &Subscription, g: &Group) -> Value {
    let now_ms = d.topic.timestamp_of(d.topic.partitions.iter().map(|p| p.end).max().unwrap_or(0));
    let parts: Vec<Value> = d
        .topic
        .partitions
        .iter()
        .enumerate()
        .map(|(n, part)| {
            let c = g.committed.get(&(d.topic.name.clone(), n as i32)).copied().unwrap_or(-1);
            let lag = if c < 0 { 0 } else { part.end - c };
            let latency = if c < 0 { 0 } else { (now_ms - d.topic.timestamp_of(c)).max(0) / 1000 };
            json!({"PartitionNo": n, "ConsumerGroupOffset": c, "ConsumerGroupLag": lag, "Latency": latency})
        })
        .collect();
    let last = parts.last().cloned().unwrap_or(json!({}));
    let assignment: Vec<Value> = g
        .members
        .iter()
        .map(|m| json!({"ClientId": m.client_id, "PartitionNo": m.assignment.iter().flat_map(|(_, ps)| ps.clone()).collect::<Vec<_>>()}))
        .collect();
    json!({"ConsumerGroupName": g.name, "Account": "demo", "Description": "", "ConsumerGroupState": g.state.kafka(),
           "ConsumerGroupOffset": last["ConsumerGroupOffset"], "ConsumerGroupLag": last["ConsumerGroupLag"],
           "Latency": last["Latency"], "StateOfPartition": parts, "PartitionAssignment": assignment,
           "CreatedAt": "2025-01-01 08:00:00", "UpdatedAt": "2025-01-01 08:00:00"})
}
