//! The live reads a plan and a verification need, for whichever kind of target: each cloud's module does the
//! reading, this picks the module.

use super::error::EngineError;
use super::plan::{Plan, PlanKind};
use super::target::Target;
use super::verify::ReadBack;
use crate::core::credentials::Credentials;
use crate::core::live::{Bounds, GroupSnapshot, TimeLookup, TopicPartition};
use crate::providers::client::Client;
use crate::providers::error::CallError;
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
        Target::Huawei(acc, inst) => {
            huawei::read::describe_group(client, creds, acc, &inst.id, api_group, topics).await
        }
        Target::Ckafka(acc, inst) => {
            tencent::read::describe_ckafka_group(client, creds, acc, &inst.id, api_group, topics).await
        }
        Target::Dts(acc, sub) => {
            tencent::read::describe_dts_group(client, creds, acc, &sub.subscribe_id, &sub.topic, api_group).await
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
    match target {
        Target::Huawei(acc, inst) => huawei::read::topic_log(client, creds, acc, &inst.id, topic).await,
        Target::Ckafka(acc, inst) => tencent::read::ckafka_topic_log(client, creds, acc, &inst.id, topic).await,
        Target::Dts(..) => Ok(Vec::new()),
    }
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

/// Where a time lands in each partition, from the cloud's own time-to-offset API. `bounds` gives each partition's
/// log bounds (the end is the target when no message is that new); `progress` is told how many partitions are done.
pub async fn offsets_for_time(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    topic: &str,
    (bounds, progress): (&[Bounds], &(dyn Fn(usize) + Sync)),
    (ms, now_ms): (i64, i64),
) -> Result<TimeLookup, CallError> {
    match target {
        Target::Huawei(acc, inst) => {
            huawei::read::offsets_for_time(client, creds, acc, &inst.id, topic, (bounds, progress), (ms, now_ms)).await
        }
        Target::Ckafka(acc, inst) => {
            tencent::read::ckafka_offsets_for_time(client, creds, acc, &inst.id, topic, (bounds, progress), ms).await
        }
        Target::Dts(acc, sub) => {
            let found = tencent::read::dts_offsets_for_time(client, creds, acc, &sub.subscribe_id, topic, ms).await?;
            let unknown = bounds
                .iter()
                .filter(|b| !found.iter().any(|t| t.partition == b.partition))
                .map(|b| (b.partition, "the subscription's answer did not name this partition".to_owned()))
                .collect();
            Ok(TimeLookup { found, unknown })
        }
    }
}

/// How many calls a time lookup of `partitions` partitions costs on this target (DTS answers for all in one).
pub fn time_lookup_calls(target: &Target<'_>, partitions: usize) -> usize {
    match target {
        Target::Dts(..) => 1,
        _ => partitions,
    }
}

/// The calls per second a time lookup on this target is paced at (`None`: not paced).
pub fn time_lookup_pace(client: &Client, target: &Target<'_>, topic: &str) -> Option<u32> {
    let req = match target {
        Target::Huawei(acc, inst) => huawei::show_messages(acc, &inst.id, topic, 0, 0, 0, 1),
        Target::Ckafka(acc, _) => {
            tencent::describe(acc, "ckafka", "FetchMessageListByTimestamp", serde_json::Value::Null)
        }
        Target::Dts(acc, _) => tencent::describe(acc, "dts", "DescribeOffsetByTime", serde_json::Value::Null),
    };
    client.pace_of(&req)
}

/// The time lookups a reset needs: where the time lands in each chosen partition (DTS earliest: the oldest
/// checkpoint, a time before any message). A partition whose lookup fails is named with why in `unknown`; a
/// failure of every read (the key refused) names every partition.
pub async fn time_targets(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    (snapshot, progress): (&GroupSnapshot, &(dyn Fn(usize, usize) + Sync)),
    topic: &str,
    chosen: &[i32],
    (ms, now_ms): (Option<i64>, i64),
) -> TimeLookup {
    let Some(ms) = ms else { return TimeLookup::default() };
    let bounds: Vec<Bounds> = snapshot
        .partitions
        .iter()
        .filter(|p| p.topic == topic && (chosen.is_empty() || chosen.contains(&p.partition)))
        .map(|p| Bounds { partition: p.partition, start: p.start, end: p.end })
        .collect();
    let total = bounds.len();
    let each = |done: usize| progress(done, total);
    match offsets_for_time(client, creds, target, topic, (&bounds, &each), (ms, now_ms)).await {
        Ok(t) => t,
        Err(e) => TimeLookup {
            found: Vec::new(),
            unknown: bounds
                .iter()
                .map(|b| (b.partition, format!("where the time lands could not be read: {e}")))
                .collect(),
        },
    }
}

/// The topics that exist live.
pub async fn topic_names(client: &Client, creds: &Credentials, target: &Target<'_>) -> Result<Vec<String>, CallError> {
    match target {
        Target::Huawei(acc, inst) => huawei::read::topic_names(client, creds, acc, &inst.id).await,
        Target::Ckafka(acc, inst) => tencent::read::ckafka_topic_names(client, creds, acc, &inst.id).await,
        Target::Dts(acc, sub) => tencent::read::dts_topic_names(client, creds, acc, &sub.subscribe_id).await,
    }
}

/// Refuses topics that do not exist live, naming the ones that do.
pub async fn check_topics_exist(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    topics: &[String],
) -> Result<(), EngineError> {
    let live = topic_names(client, creds, target).await.map_err(EngineError::reading("listing the topics"))?;
    match topics.iter().find(|t| !live.contains(t)) {
        None => Ok(()),
        Some(missing) => Err(EngineError::Input(format!(
            "topic `{missing}` does not exist live on `{}`; it has: {}",
            target.name(),
            live.join(", ")
        ))),
    }
}

/// For a message delete: every profile group on this topic whose committed offset falls below a partition's new log
/// start, in words ("it will jump on its next poll"). Groups that cannot be read are said so too.
pub async fn groups_left_behind(client: &Client, creds: &Credentials, target: &Target<'_>, plan: &Plan) -> Vec<String> {
    let (Target::Huawei(_, inst) | Target::Ckafka(_, inst)) = target else { return Vec::new() };
    let Some(topic) = plan.rows.first().map(|r| r.topic.clone()) else { return Vec::new() };
    let mut notes = Vec::new();
    for g in inst.groups.iter().filter(|g| g.topics.contains(&topic)) {
        match describe(client, creds, target, &g.name, std::slice::from_ref(&topic)).await {
            Ok(snap) => {
                // Indexed: the topic may have 100,000 partitions.
                let at: std::collections::HashMap<i32, Option<i64>> =
                    snap.partitions.iter().map(|p| (p.partition, p.committed)).collect();
                for r in &plan.rows {
                    let committed = at.get(&r.partition).copied().flatten();
                    if let Some((c, new_start)) = committed.zip(r.target).filter(|(c, new_start)| c < new_start) {
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

/// The topics a plan's rows cover, in order, once each.
pub fn plan_topics(plan: &Plan) -> Vec<String> {
    let mut topics: Vec<String> = Vec::new();
    for r in &plan.rows {
        if !topics.contains(&r.topic) {
            topics.push(r.topic.clone());
        }
    }
    topics
}

/// Reads back what a plan's verification compares with.
pub async fn read_back(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    plan: &Plan,
) -> Result<ReadBack, CallError> {
    let topics = plan_topics(plan);
    match (plan.kind, &plan.group) {
        (PlanKind::DeleteMessages, _) | (_, None) => {
            let topic = topics.first().cloned().unwrap_or_default();
            Ok(ReadBack::Log(topic_bounds(client, creds, target, &topic).await?))
        }
        (_, Some(group)) => Ok(ReadBack::Group(describe(client, creds, target, group, &topics).await?)),
    }
}

/// Every group of the instance in scope (pinned in the profile, or listed live and kept by its `discover`,
/// `include` and `exclude`), live, with state, members, lag and topics.
pub async fn list_groups(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    how: crate::core::live::Listing,
) -> Result<Vec<crate::core::live::GroupSummary>, CallError> {
    list_groups_in_parts(client, creds, target, how, None).await
}

/// [`list_groups`], giving `parts` each page's groups as it arrives where a listing is paged without a read per
/// group (the dashboard shows them before a 10,000-group listing ends). The whole answer is still the result.
pub async fn list_groups_in_parts(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    how: crate::core::live::Listing,
    parts: Option<crate::core::live::Parts<'_>>,
) -> Result<Vec<crate::core::live::GroupSummary>, CallError> {
    let keep = |g: &str| target.shows_group(g);
    match target {
        Target::Huawei(acc, inst) => {
            huawei::read::list_groups_live(client, creds, acc, &inst.id, (how, &keep), parts).await
        }
        Target::Ckafka(acc, inst) => {
            tencent::read::ckafka_list_groups_live(client, creds, acc, &inst.id, (how, &keep), parts).await
        }
        Target::Dts(acc, sub) => {
            let mut all =
                tencent::read::dts_list_groups_live(client, creds, acc, &sub.subscribe_id, &sub.topic).await?;
            all.retain(|g| keep(&g.group));
            Ok(all)
        }
    }
}

/// A group's offsets, read as cheaply as its cloud allows, for a group whose listing did not say its lag (CKafka's
/// listing has names only): committed offsets and log ends, the start not read. `None` for the clouds whose
/// listing already says the lag.
pub async fn group_lag(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    group: &str,
) -> Result<Option<Vec<crate::core::live::PartitionState>>, CallError> {
    match target {
        Target::Ckafka(acc, inst) => {
            tencent::read::ckafka_group_offsets(client, creds, acc, &inst.id, group).await.map(Some)
        }
        Target::Huawei(..) | Target::Dts(..) => Ok(None),
    }
}

/// Whether a failed read means "no such group or topic".
pub fn is_not_found(e: &CallError) -> bool {
    matches!(e, CallError::Api { status: 404, .. })
        || matches!(e, CallError::Api { code, .. } if code.starts_with("ResourceNotFound"))
}

/// A group's live state by the name the user gave, whether the profile lists it or not. With no topics given, every
/// topic it has committed offsets on live. A name that
/// matches no group lists the groups that exist live.
pub async fn describe_group(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    short: &str,
    topics: &[String],
) -> Result<GroupSnapshot, EngineError> {
    let api_group = target.api_group(short)?;
    let not_found = || async {
        let names = match list_groups(client, creds, target, crate::core::live::Listing::Names).await {
            Ok(groups) => groups.into_iter().map(|g| g.group).collect::<Vec<_>>().join(", "),
            Err(e) => format!("(the live list could not be read: {e})"),
        };
        EngineError::Input(format!("no group `{short}` on `{}` live; it has: {names}", target.name()))
    };
    // No topics: each cloud's group read covers every topic the group has committed offsets on.
    match describe(client, creds, target, &api_group, topics).await {
        Ok(snap) => Ok(snap),
        Err(e) if is_not_found(&e) => Err(not_found().await),
        Err(e) => Err(EngineError::Call { during: "reading the group live", error: e }),
    }
}
