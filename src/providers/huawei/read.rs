//! Huawei's live reads: a group's state and offsets, a topic's log, where a time lands, the topics that exist.

use serde_json::Value;

use super::*;
use crate::core::credentials::Credentials;
use crate::core::live::{
    Bounds, GroupSnapshot, GroupSummary, Listing, MemberInfo, PartitionState, Parts, TimeLookup, TimeTarget,
    TopicPartition,
};
use crate::providers::answer::{self, Pages, with_id};
use crate::providers::client::{Answer, Client};
use crate::providers::error::CallError;
use crate::providers::lenient::{int, text};

/// Follows `offset`/`limit` pages until `total` items (under `key`) have been read.
pub async fn paged(
    client: &Client,
    creds: &Credentials,
    limit: usize,
    key: &str,
    build: impl Fn(usize, usize) -> ApiRequest,
) -> Result<(Vec<Value>, Vec<String>), CallError> {
    paged_map(client, creds, (limit, key), build, &mut Ok, &mut |_| {}).await
}

/// [`paged`], each item turned into a `T` by `read` as its page arrives (the page's JSON is let go then), and each
/// page's items given to `each`.
async fn paged_map<T: Send>(
    client: &Client,
    creds: &Credentials,
    (limit, key): (usize, &str),
    build: impl Fn(usize, usize) -> ApiRequest,
    read: &mut (dyn FnMut(Value) -> Result<T, CallError> + Send),
    each: &mut (dyn FnMut(&[T]) + Send),
) -> Result<(Vec<T>, Vec<String>), CallError> {
    // The listings whose items are named by a topic or group name.
    let name = match key {
        "groups" => Some("group_id"),
        "topics" => Some("name"),
        _ => None,
    };
    let (mut pages, mut ids, mut out) = (Pages::new(limit).named(name), Vec::new(), Vec::new());
    let mut listing = None;
    loop {
        let req = build(pages.count(), limit);
        let listing = listing.get_or_insert_with(|| crate::providers::progress::Listing::new(req.op));
        let mut a: Answer = client.call(&req, creds).await?;
        ids.extend(a.request_id.clone());
        let total =
            answer::total(a.json.get("total").or_else(|| a.json.get("instance_num"))).map_err(|e| with_id(e, &a))?;
        let page = answer::take_list(&mut a.json, key).map_err(|e| with_id(e, &a))?;
        let done = pages.add_unkept(&page, total, a.bytes).map_err(|e| with_id(e, &a))?;
        let before = out.len();
        for item in page {
            out.push(read(item).map_err(|e| with_id(e, &a))?);
        }
        each(&out[before..]);
        if done {
            return Ok((out, ids));
        }
        client.listed(listing, pages.count(), total);
    }
}

/// A group's live state: state and members from the management detail, offsets (with log start) per topic (with
/// no topics given, every topic it has committed offsets on).
pub async fn describe_group(
    client: &Client,
    creds: &Credentials,
    acc: &HuaweiAccount,
    instance: &str,
    group: &str,
    topics: &[String],
) -> Result<GroupSnapshot, CallError> {
    let a = client.call(&group_detail(acc, instance, group), creds).await?;
    let Detail { state, members, topics: committed } = detail(&a)?;
    // No topics: those the group has committed offsets on, from the same detail (for a group on a 100,000-partition
    // topic it is ~15 MiB; it is read once).
    let found;
    let topics = if topics.is_empty() {
        found = committed;
        &found[..]
    } else {
        topics
    };
    let mut partitions = Vec::new();
    for topic in topics {
        let build = |o, l| group_message_offsets(acc, instance, group, topic, o, l);
        let mut read = |r: Value| {
            let (start, end) = answer::bounds(&r, "message_log_start_offset", "message_log_end_offset")?;
            Ok(PartitionState {
                topic: topic.clone(),
                partition: answer::partition(&r, "partition")?,
                committed: answer::committed(&r, "message_current_offset")?,
                start: Some(start),
                end: Some(end),
            })
        };
        let (rows, _) = paged_map(client, creds, (50, "group_message_offsets"), build, &mut read, &mut |_| {}).await?;
        partitions.extend(rows);
    }
    partitions.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
    Ok(GroupSnapshot { group: group.to_owned(), state, members, partitions })
}

/// Each partition's log bounds and newest message time, read from the topic itself (pages of 50, the documented
/// maximum).
pub async fn topic_log(
    client: &Client,
    creds: &Credentials,
    acc: &HuaweiAccount,
    instance: &str,
    topic: &str,
) -> Result<Vec<TopicPartition>, CallError> {
    let build = |o, l| topic_partitions(acc, instance, topic, o, l);
    let mut read = |r: Value| {
        let (start, end) = answer::bounds(&r, "start_offset", "last_offset")?;
        Ok(TopicPartition {
            partition: answer::partition(&r, "partition")?,
            start,
            end,
            last_message_ms: int(&r["last_update_time"]),
        })
    };
    let (mut out, _) = paged_map(client, creds, (50, "partitions"), build, &mut read, &mut |_| {}).await?;
    out.sort_by_key(|p| p.partition);
    Ok(out)
}

/// Where a time lands in each partition, from the message search by time. The window runs from the time to a day
/// past `now_ms`, so it covers the whole log whatever its age: a time before the oldest message lands on the oldest
/// message still kept (the log start), and a time after the newest lands on the log end, as Kafka's
/// offsets-for-times rule does.
///
/// ShowMessages documents no order, so its first message is only taken once the boundary is confirmed: written at
/// or after the time, with the message before it written before the time (or it is the log start). Otherwise the
/// earliest message at or after the time is searched for by offset (ShowPartitionMessage, about log2(n) reads).
/// A partition whose reads fail is named with the reason; the others go on. An authentication failure stops all.
pub async fn offsets_for_time(
    client: &Client,
    creds: &Credentials,
    acc: &HuaweiAccount,
    instance: &str,
    topic: &str,
    (bounds, progress): (&[Bounds], &(dyn Fn(usize) + Sync)),
    (ms, now_ms): (i64, i64),
) -> Result<TimeLookup, CallError> {
    let window_end = now_ms.max(ms).saturating_add(86_400_000);
    let mut out = TimeLookup::default();
    for (i, b) in bounds.iter().enumerate() {
        progress(i);
        match time_in_partition(client, creds, acc, instance, topic, *b, (ms, window_end)).await {
            Ok(Some((offset, message_ms))) => {
                out.found.push(TimeTarget { topic: topic.to_owned(), partition: b.partition, offset, message_ms })
            }
            Ok(None) => out.unknown.push((b.partition, "the partition's log end is not known".into())),
            Err(e) if e.is_auth() => return Err(e),
            Err(e) => out.unknown.push((b.partition, e.to_string())),
        }
    }
    progress(bounds.len());
    Ok(out)
}

/// One partition's earliest offset written at or after `ms`, with that message's time.
async fn time_in_partition(
    client: &Client,
    creds: &Credentials,
    acc: &HuaweiAccount,
    instance: &str,
    topic: &str,
    b: Bounds,
    (ms, window_end): (i64, i64),
) -> Result<Option<(i64, Option<i64>)>, CallError> {
    let p = b.partition;
    let a = client.call(&show_messages(acc, instance, topic, p, ms.max(0), window_end, 1), creds).await?;
    let first = a.json["messages"].as_array().and_then(|m| m.first()).cloned();
    let Some((offset, message_ms)) = first.and_then(|m| Some((int(&m["message_offset"])?, int(&m["timestamp"]))))
    else {
        // No message that new: the log end.
        return Ok(b.end.map(|e| (e, None)));
    };
    let time_of = |o: i64| async move {
        let m = super::message::at(client, creds, acc, instance, (topic, p, o)).await?;
        Ok::<_, CallError>(m.and_then(|m| m.timestamp_ms))
    };
    let at_or_after = message_ms.is_some_and(|t| t >= ms);
    let start = b.start.unwrap_or(0);
    let before_is_older = if offset <= start { true } else { time_of(offset - 1).await?.is_some_and(|t| t < ms) };
    if at_or_after && before_is_older {
        return Ok(Some((offset, message_ms)));
    }
    // Not the boundary: the smallest offset in [start, end) whose message is at or after the time.
    let (mut lo, mut hi) = (start, b.end.unwrap_or(offset.saturating_add(1)));
    let mut found = None;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match time_of(mid).await? {
            Some(t) if t >= ms => {
                found = Some((mid, Some(t)));
                hi = mid;
            }
            Some(_) => lo = mid + 1,
            // A gap (compacted away): look above it.
            None => lo = mid + 1,
        }
    }
    Ok(found.or_else(|| b.end.map(|e| (e, None))))
}

/// The names of the instance's topics, live.
pub async fn topic_names(
    client: &Client,
    creds: &Credentials,
    acc: &HuaweiAccount,
    instance: &str,
) -> Result<Vec<String>, CallError> {
    let (rows, _) = paged(client, creds, 50, "topics", |o, l| list_topics(acc, instance, o, l)).await?;
    rows.iter().map(|t| answer::kafka_name(t, "name")).collect()
}

/// Every group of the instance that `keep` keeps, with its state and lag (ListInstanceConsumerGroups, 50 per page),
/// then, for a full listing, each group's members and topics from its management detail.
pub async fn list_groups_live(
    client: &Client,
    creds: &Credentials,
    acc: &HuaweiAccount,
    instance: &str,
    (how, keep): (Listing, &(dyn Fn(&str) -> bool + Sync)),
    parts: Option<Parts<'_>>,
) -> Result<Vec<GroupSummary>, CallError> {
    // Without a read per group, each page is a part of the answer as it arrives.
    let mut each = |page: &[Value]| {
        if let (Some(parts), true) = (parts, how != Listing::Full) {
            let part: Vec<GroupSummary> = page.iter().filter_map(|r| summary(r, keep)).collect();
            if !part.is_empty() {
                parts(part);
            }
        }
    };
    let list = |o, l| list_groups(acc, instance, o, l);
    let (rows, _) = paged_map(client, creds, (50, "groups"), list, &mut Ok, &mut each).await?;
    let mut out = Vec::new();
    for r in rows {
        let group = answer::kafka_name(&r, "group_id")?;
        if !keep(&group) {
            continue;
        }
        if how != Listing::Full {
            let state = text(answer::need(&r, "state")?);
            out.push(GroupSummary { group, state, members: None, lag: int(&r["lag"]), topics: Vec::new() });
            continue;
        }
        let a = client.call(&group_detail(acc, instance, &group), creds).await?;
        let Detail { members, topics, .. } = detail(&a)?;
        out.push(GroupSummary {
            state: text(answer::need(&r, "state")?),
            members: Some(members.len()),
            lag: int(&r["lag"]),
            topics,
            group,
        });
    }
    Ok(out)
}

/// A listed group as a summary, when `keep` keeps it and its row is whole (the listing checks it again).
fn summary(r: &Value, keep: &(dyn Fn(&str) -> bool + Sync)) -> Option<GroupSummary> {
    let group = answer::kafka_name(r, "group_id").ok().filter(|g| keep(g))?;
    let state = text(answer::need(r, "state").ok()?);
    Some(GroupSummary { group, state, members: None, lag: int(&r["lag"]), topics: Vec::new() })
}

/// What offsetdeck reads of a group's management detail: its state, its members, and the topics it has committed
/// offsets on (each once).
struct Detail {
    state: String,
    members: Vec<MemberInfo>,
    topics: Vec<String>,
}

/// Reads the detail from its bytes, taking only those fields: the per-partition rows are skipped but for their
/// topic, so a group on a 100,000-partition topic never becomes a JSON tree of 100,000 objects.
fn detail(a: &Answer) -> Result<Detail, CallError> {
    #[derive(serde::Deserialize)]
    struct Body {
        group: Option<Group>,
    }
    #[derive(serde::Deserialize)]
    struct Group {
        state: Option<Value>,
        members: Option<Vec<Member>>,
        group_message_offsets: Option<Vec<Row>>,
    }
    #[derive(serde::Deserialize)]
    struct Member {
        client_id: Option<Value>,
        host: Option<Value>,
    }
    #[derive(serde::Deserialize)]
    struct Row {
        topic: Option<Value>,
    }
    let bad = |detail: String| with_id(answer::malformed(detail), a);
    let body: Body =
        serde_json::from_slice(&a.raw).map_err(|e| bad(format!("the group detail is not JSON as expected: {e}")))?;
    let g = body.group.ok_or_else(|| bad("the field `group` is missing".into()))?;
    let state = g.state.filter(|s| !s.is_null()).ok_or_else(|| bad("the field `state` is missing".into()))?;
    // Read from the raw bytes, past the client's boundary: kept to one line here.
    let text_of =
        |v: &Option<Value>| v.as_ref().map(|v| crate::core::inert::one_line(&text(v)).into_owned()).unwrap_or_default();
    let members = g
        .members
        .unwrap_or_default()
        .iter()
        .map(|m| MemberInfo { client_id: text_of(&m.client_id), host: text_of(&m.host) })
        .collect();
    let mut topics: Vec<String> = g
        .group_message_offsets
        .unwrap_or_default()
        .iter()
        .map(|r| text_of(&r.topic))
        .filter(|t| !t.is_empty())
        .collect();
    topics.sort();
    topics.dedup();
    for t in &topics {
        answer::name_ok(t).map_err(|why| bad(format!("the field `group_message_offsets.topic` {why}")))?;
    }
    Ok(Detail { state: crate::core::inert::one_line(&text(&state)).into_owned(), members, topics })
}

/// The account's Kafka instances, live (ListInstances with `engine=kafka`, 50 per page).
pub async fn instances(
    client: &Client,
    creds: &Credentials,
    acc: &HuaweiAccount,
) -> Result<Vec<crate::core::profile::Found>, CallError> {
    let (rows, _) = paged(client, creds, 50, "instances", |o, l| list_instances(acc, o, l)).await?;
    rows.iter()
        .map(|r| {
            Ok(crate::core::profile::Found::Kafka {
                kind: crate::core::target::TargetKind::Huawei,
                id: text(answer::need(r, "instance_id")?),
                name: text(&r["name"]),
            })
        })
        .collect()
}
