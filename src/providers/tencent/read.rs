//! Tencent's live reads: CKafka and DTS groups, a CKafka topic's log, where a time lands, the topics that exist.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::*;
use crate::core::credentials::Credentials;
use crate::core::live::{
    Bounds, GroupSnapshot, GroupSummary, Listing, MemberInfo, PartitionState, Parts, TimeLookup, TimeTarget,
    TopicPartition,
};
use crate::providers::answer::{self, Pages, with_id};
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
    let how = Paging { action: (service, action), limit, list: (in_result, key) };
    paged_map(client, creds, acc, how, params, &mut Ok, &mut |_| {}).await
}

/// What a listing is: its action, its page size, and where its items sit in the answer.
struct Paging<'a> {
    action: (&'static str, &'static str),
    limit: i64,
    list: (bool, &'a str),
}

/// [`paged`], each item turned into a `T` by `read` as its page arrives (the page's JSON is let go then), and each
/// page's items given to `each`.
async fn paged_map<T: Send>(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    how: Paging<'_>,
    params: Value,
    read: &mut (dyn FnMut(Value) -> Result<T, CallError> + Send),
    each: &mut (dyn FnMut(&[T]) + Send),
) -> Result<Vec<T>, CallError> {
    let Paging { action: (service, action), limit, list: (in_result, key) } = how;
    // The listings whose items are named by a topic or group name.
    let name = match action {
        "DescribeGroup" => Some("Group"),
        "DescribeConsumerGroup" | "DescribeConsumerGroups" => Some("ConsumerGroupName"),
        "DescribeTopic" => Some("TopicName"),
        _ => None,
    };
    let mut pages = Pages::new(limit as usize).named(name);
    let mut listing = crate::providers::progress::Listing::new(action);
    let mut out = Vec::new();
    loop {
        let mut p = params.clone();
        p["Offset"] = (pages.count() as i64).into();
        p["Limit"] = limit.into();
        let mut a = client.call(&describe(acc, service, action, p), creds).await?;
        let request_id = a.request_id.clone();
        let bytes = a.bytes;
        let id = |e| answer::with_request_id(e, request_id.as_deref());
        let body = if in_result { a.json.get_mut("Result").filter(|r| !r.is_null()) } else { Some(&mut a.json) };
        let body = body.ok_or_else(|| id(answer::malformed("the field `Result` is missing".into())))?;
        let total = answer::total(body.get("TotalCount")).map_err(id)?;
        let page = answer::take_list(body, key).map_err(id)?;
        let done = pages.add_unkept(&page, total, bytes).map_err(id)?;
        let before = out.len();
        for item in page {
            out.push(read(item).map_err(id)?);
        }
        each(&out[before..]);
        if done {
            return Ok(out);
        }
        client.listed(&mut listing, pages.count(), total);
    }
}

/// A CKafka topic's partitions as `read` turns them (`DescribeTopicSyncReplica`, 50 a page, 5/s); one topic may
/// have 100,000.
async fn topic_replicas<T: Send>(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    (instance, topic): (&str, &str),
    read: &mut (dyn FnMut(Value) -> Result<T, CallError> + Send),
) -> Result<Vec<T>, CallError> {
    let how =
        Paging { action: ("ckafka", "DescribeTopicSyncReplica"), limit: 50, list: (true, "TopicInSyncReplicaList") };
    let params = json!({"InstanceId": instance, "TopicName": topic});
    paged_map(client, creds, acc, how, params, read, &mut |_| {}).await
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
    let found = answer::need_list(&info.json, "Result").map_err(|e| with_id(e, &info))?;
    let g = found.iter().find(|g| text(&g["Group"]) == group || found.len() == 1).cloned().ok_or_else(|| {
        CallError::Api {
            status: 200,
            code: "ResourceNotFound".into(),
            message: format!("no consumer group {group} on the instance"),
            request_id: info.request_id.clone(),
        }
    })?;
    let state = answer::need(&g, "State").map(text).map_err(|e| with_id(e, &info))?;
    let members = list(&g, "Members")
        .iter()
        .map(|m| MemberInfo { client_id: text(&m["ClientId"]), host: text(&m["ClientHost"]) })
        .collect();
    // No topics: every topic the group has committed offsets on, in the same call (a second listing of a group on a
    // 100,000-partition topic would read ~10 MiB twice).
    let rows = super::offsets::group_offsets(client, creds, acc, instance, group, topics).await?;
    let mut partitions = Vec::new();
    for t in rows {
        let topic = t.topic;
        let mut read = |s: Value| Ok((answer::partition(&s, "Partition")?, answer::offset(&s, "BeginOffset")?));
        // Indexed once: a topic may have 100,000 partitions.
        let starts: HashMap<i32, i64> =
            topic_replicas(client, creds, acc, (instance, &topic), &mut read).await?.into_iter().collect();
        for p in t.partitions {
            let (n, end) = (p.partition, p.end);
            let start = starts.get(&n).copied();
            if let Some(s) = start.filter(|s| *s > end) {
                return Err(CallError::Malformed {
                    detail: format!("partition {n}'s log end {end} is below its log start {s}"),
                    request_id: None,
                });
            }
            partitions.push(PartitionState {
                topic: topic.clone(),
                partition: n,
                committed: p.committed,
                start,
                end: Some(end),
            });
        }
    }
    partitions.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
    Ok(GroupSnapshot { group: group.to_owned(), state, members, partitions })
}

/// A CKafka group's committed offsets and log ends from its offsets alone (DescribeGroupOffsets, 50 topics a page,
/// 100/s): what the groups view ranks by, and a lag sample, without the topic-bound reads of a full describe (so
/// the log start is not read: `None`).
pub async fn ckafka_group_offsets(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    instance: &str,
    group: &str,
) -> Result<Vec<PartitionState>, CallError> {
    let rows = super::offsets::group_offsets(client, creds, acc, instance, group, &[]).await?;
    Ok(rows
        .into_iter()
        .flat_map(|t| {
            let topic = t.topic;
            t.partitions.into_iter().map(move |p| PartitionState {
                topic: topic.clone(),
                partition: p.partition,
                committed: p.committed,
                start: None,
                end: Some(p.end),
            })
        })
        .collect())
}

/// Every consumer group of a DTS subscription, raw (`DescribeConsumerGroups`, 10 per page).
async fn dts_groups(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    subscribe_id: &str,
) -> Result<Vec<Value>, CallError> {
    let params = json!({"SubscribeId": subscribe_id});
    paged(client, creds, acc, ("dts", "DescribeConsumerGroups"), params, 10, (false, "Items")).await
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
    let items = dts_groups(client, creds, acc, subscribe_id).await?;
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
    let state = answer::need(g, "ConsumerGroupState").map(text)?;
    let mut partitions = answer::need_list(g, "StateOfPartition")?
        .iter()
        .map(|p| {
            let committed = answer::committed(p, "ConsumerGroupOffset")?;
            let lag = answer::committed(p, "ConsumerGroupLag")?;
            Ok(PartitionState {
                topic: topic.to_owned(),
                partition: answer::partition(p, "PartitionNo")?,
                committed,
                start: None,
                end: committed.zip(lag).map(|(c, l)| c.saturating_add(l)),
            })
        })
        .collect::<Result<Vec<_>, CallError>>()?;
    partitions.sort_by_key(|p| p.partition);
    Ok(GroupSnapshot { group: full_group.to_owned(), state, members, partitions })
}

/// Each partition's log bounds, from `DescribeTopicSyncReplica`.
pub async fn ckafka_topic_log(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    instance: &str,
    topic: &str,
) -> Result<Vec<TopicPartition>, CallError> {
    let mut read = |r: Value| {
        let (start, end) = answer::bounds(&r, "BeginOffset", "EndOffset")?;
        Ok(TopicPartition { partition: answer::partition(&r, "Partition")?, start, end, last_message_ms: None })
    };
    let mut out = topic_replicas(client, creds, acc, (instance, topic), &mut read).await?;
    out.sort_by_key(|p| p.partition);
    Ok(out)
}

/// Where a time lands in each CKafka partition, from `FetchMessageListByTimestamp` (one call a partition, paced at
/// its published 1 call a second); the log end when no message is that new. A partition whose read fails is named
/// with the reason and the others go on; an authentication failure stops all.
pub async fn ckafka_offsets_for_time(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    instance: &str,
    topic: &str,
    (bounds, progress): (&[Bounds], &(dyn Fn(usize) + Sync)),
    ms: i64,
) -> Result<TimeLookup, CallError> {
    let mut out = TimeLookup::default();
    for (i, b) in bounds.iter().enumerate() {
        progress(i);
        let params = json!({"InstanceId": instance, "Topic": topic, "Partition": b.partition, "StartTime": ms, "SinglePartitionRecordNumber": 1});
        let a = match client.call(&describe(acc, "ckafka", "FetchMessageListByTimestamp", params), creds).await {
            Ok(a) => a,
            Err(e) if e.is_auth() => return Err(e),
            Err(e) => {
                out.unknown.push((b.partition, e.to_string()));
                continue;
            }
        };
        let first = a.json["Result"].as_array().and_then(|m| m.first()).cloned();
        let found = first.and_then(|m| Some((int(&m["Offset"])?, int(&m["Timestamp"]))));
        match found.or_else(|| b.end.map(|e| (e, None))) {
            Some((offset, message_ms)) => {
                out.found.push(TimeTarget { topic: topic.to_owned(), partition: b.partition, offset, message_ms })
            }
            None => out.unknown.push((b.partition, "no message that new and the log end is not known".into())),
        }
    }
    progress(bounds.len());
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
    rows.iter().map(|t| answer::kafka_name(t, "TopicName")).collect()
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
    match a.json.get("Topic") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(_) => Ok(vec![answer::kafka_name(&a.json, "Topic").map_err(|e| with_id(e, &a))?]),
    }
}

/// Every CKafka group of the instance: names, topics and committed offsets from DescribeConsumerGroup (50 per page),
/// states and members from DescribeGroupInfo (20 groups a call), lag against each topic's log end (one
/// DescribeTopicSyncReplica per topic, shared by every group on it).
pub async fn ckafka_list_groups_live(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    instance: &str,
    (how, keep): (Listing, &(dyn Fn(&str) -> bool + Sync)),
    parts: Option<Parts<'_>>,
) -> Result<Vec<GroupSummary>, CallError> {
    if how == Listing::Names {
        // DescribeGroup: the cheap listing, names only; each page is a part of the answer (names, no state yet).
        let mut each = |page: &[Value]| {
            let Some(parts) = parts else { return };
            let part: Vec<GroupSummary> = page
                .iter()
                .filter_map(|g| answer::kafka_name(g, "Group").ok().filter(|g| keep(g)))
                .map(|group| GroupSummary { group, state: String::new(), members: None, lag: None, topics: vec![] })
                .collect();
            if !part.is_empty() {
                parts(part);
            }
        };
        let how = Paging { action: ("ckafka", "DescribeGroup"), limit: 20, list: (true, "GroupList") };
        let rows = paged_map(client, creds, acc, how, json!({"InstanceId": instance}), &mut Ok, &mut each).await?;
        let mut names = Vec::new();
        for g in &rows {
            let group = answer::kafka_name(g, "Group")?;
            if keep(&group) {
                names.push(group);
            }
        }
        // States and members, 20 groups a call (DescribeGroupInfo); lag needs each group's offsets and is read
        // when the group is looked at.
        let mut out = Vec::new();
        for chunk in names.chunks(20) {
            let info = client
                .call(
                    &describe(acc, "ckafka", "DescribeGroupInfo", json!({"InstanceId": instance, "GroupList": chunk})),
                    creds,
                )
                .await?;
            let infos = answer::need_list(&info.json, "Result").map_err(|e| with_id(e, &info))?;
            let by_name: HashMap<String, &Value> = infos.iter().map(|i| (text(&i["Group"]), i)).collect();
            for name in chunk {
                let i = by_name.get(name);
                out.push(GroupSummary {
                    group: name.clone(),
                    state: i.map(|i| text(&i["State"])).unwrap_or_default(),
                    members: i.map(|i| list(i, "Members").len()),
                    lag: None,
                    topics: Vec::new(),
                });
            }
        }
        return Ok(out);
    }
    let groups = paged(
        client,
        creds,
        acc,
        ("ckafka", "DescribeConsumerGroup"),
        json!({"InstanceId": instance}),
        50,
        (true, "GroupList"),
    )
    .await?;
    let groups: Vec<Value> = groups.into_iter().filter(|g| keep(&text(&g["ConsumerGroupName"]))).collect();
    let mut ends: HashMap<String, HashMap<i32, i64>> = HashMap::new();
    let mut out = Vec::new();
    for chunk in groups.chunks(20) {
        let names: Vec<String> =
            chunk.iter().map(|g| answer::kafka_name(g, "ConsumerGroupName")).collect::<Result<_, _>>()?;
        let info = client
            .call(
                &describe(acc, "ckafka", "DescribeGroupInfo", json!({"InstanceId": instance, "GroupList": names})),
                creds,
            )
            .await?;
        let infos = answer::need_list(&info.json, "Result").map_err(|e| with_id(e, &info))?;
        for (g, name) in chunk.iter().zip(&names) {
            let i = infos.iter().find(|i| text(&i["Group"]) == *name);
            let mut topics = Vec::new();
            let mut lag: i64 = 0;
            for sub in list(g, "SubscribedInfo") {
                let topic = answer::kafka_name(sub, "TopicName")?;
                if !ends.contains_key(&topic) {
                    let log = ckafka_topic_log(client, creds, acc, instance, &topic).await?;
                    ends.insert(topic.clone(), log.iter().map(|p| (p.partition, p.end)).collect());
                }
                for po in list(sub, "PartitionOffset") {
                    let (p, c) = (answer::partition(po, "Partition")?, answer::committed(po, "Offset")?);
                    if let (Some(c), Some(end)) = (c, ends[&topic].get(&p)) {
                        lag = lag.saturating_add((end - c).max(0));
                    }
                }
                topics.push(topic);
            }
            out.push(GroupSummary {
                group: name.clone(),
                state: i.map(|i| text(&i["State"])).unwrap_or_default(),
                members: Some(i.map_or(0, |i| list(i, "Members").len())),
                lag: Some(lag),
                topics,
            });
        }
    }
    Ok(out)
}

/// Every group of a DTS subscription (DescribeConsumerGroups, 10 per page), named by their short names.
pub async fn dts_list_groups_live(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    subscribe_id: &str,
    topic: &str,
) -> Result<Vec<GroupSummary>, CallError> {
    let items = dts_groups(client, creds, acc, subscribe_id).await?;
    items
        .iter()
        .map(|g| {
            let full = answer::kafka_name(g, "ConsumerGroupName")?;
            let prefix = format!("{}{subscribe_id}-", crate::core::profile::DTS_GROUP_PREFIX);
            let lag = list(g, "StateOfPartition")
                .iter()
                .map(|p| answer::committed(p, "ConsumerGroupLag"))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .flatten()
                .sum();
            Ok(GroupSummary {
                group: full.strip_prefix(&prefix).unwrap_or(&full).to_owned(),
                state: text(&g["ConsumerGroupState"]),
                members: Some(list(g, "PartitionAssignment").len()),
                lag: Some(lag),
                topics: vec![topic.to_owned()],
            })
        })
        .collect()
}
