//! The emulator's data file (TOML): accounts, instances, topics, groups. `assets/demo/data.toml` is the demo's.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::state::*;
use crate::core::profile::DTS_GROUP_PREFIX;

/// The built-in demo data.
pub const DEMO: &str = include_str!("../../assets/demo/data.toml");
/// Timestamp of offset 0 for topics that are not live: 2025-01-01T00:00:00Z.
const STATIC_FIRST_TS_MS: i64 = 1_735_689_600_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    huawei: Vec<HwAccount>,
    #[serde(default)]
    tencent: Vec<TcAccount>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HwAccount {
    name: String,
    ak: String,
    sk: String,
    project_id: String,
    #[serde(default = "default_region")]
    region: String,
    #[serde(default)]
    instances: Vec<InstanceData>,
}

fn default_region() -> String {
    "cn-north-4".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TcAccount {
    name: String,
    secret_id: String,
    secret_key: String,
    #[serde(default = "default_tc_region")]
    region: String,
    #[serde(default)]
    ckafka: Vec<InstanceData>,
    #[serde(default)]
    dts: Vec<DtsData>,
}

fn default_tc_region() -> String {
    "ap-singapore".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InstanceData {
    name: String,
    id: String,
    #[serde(default)]
    topics: Vec<TopicData>,
    #[serde(default)]
    groups: Vec<GroupData>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicData {
    name: String,
    partitions: u32,
    #[serde(default)]
    start: i64,
    end: i64,
    #[serde(default)]
    live: bool,
    #[serde(default = "default_interval")]
    interval_ms: i64,
}

fn default_interval() -> i64 {
    1000
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupData {
    name: String,
    #[serde(default = "default_state")]
    state: String,
    #[serde(default)]
    topics: Vec<String>,
    /// Committed = end - lag on every partition (clamped to the log start).
    #[serde(default)]
    lag: i64,
    #[serde(default)]
    members: Vec<MemberData>,
}

fn default_state() -> String {
    "Empty".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberData {
    client_id: String,
    host: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DtsData {
    name: String,
    subscribe_id: String,
    topic: TopicData,
    #[serde(default)]
    groups: Vec<GroupData>,
}

/// Parses a data file into a world; `now_ms` anchors live topics so their last message is "now".
pub fn parse(text: &str, now_ms: i64) -> Result<World, String> {
    let file: File = toml::from_str(text).map_err(|e| format!("emulator data: {e}"))?;
    let huawei = file
        .huawei
        .into_iter()
        .map(|a| {
            Ok(HuaweiAccount {
                instances: a.instances.into_iter().map(|i| instance(i, now_ms)).collect::<Result<_, String>>()?,
                name: a.name,
                ak: a.ak,
                sk: a.sk,
                project_id: a.project_id,
                region: a.region,
            })
        })
        .collect::<Result<_, String>>()?;
    let tencent = file
        .tencent
        .into_iter()
        .map(|a| {
            let dts = a
                .dts
                .into_iter()
                .map(|d| {
                    let topic = topic(d.topic, now_ms);
                    let groups = d
                        .groups
                        .into_iter()
                        .map(|mut g| {
                            g.name = format!("{DTS_GROUP_PREFIX}{}-{}", d.subscribe_id, g.name);
                            g.topics = vec![topic.name.clone()];
                            group(g, std::slice::from_ref(&topic))
                        })
                        .collect::<Result<_, String>>()?;
                    Ok(Subscription { subscribe_id: d.subscribe_id, name: d.name, topic, groups })
                })
                .collect::<Result<_, String>>()?;
            Ok(TencentAccount {
                ckafka: a.ckafka.into_iter().map(|i| instance(i, now_ms)).collect::<Result<_, String>>()?,
                dts,
                name: a.name,
                secret_id: a.secret_id,
                secret_key: a.secret_key,
                region: a.region,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(World { huawei, tencent, living: None })
}

fn instance(i: InstanceData, now_ms: i64) -> Result<Instance, String> {
    let topics: Vec<Topic> = i.topics.into_iter().map(|t| topic(t, now_ms)).collect();
    let groups = i.groups.into_iter().map(|g| group(g, &topics)).collect::<Result<_, String>>()?;
    Ok(Instance { id: i.id, name: i.name, topics, groups })
}

fn topic(t: TopicData, now_ms: i64) -> Topic {
    let interval_ms = t.interval_ms.max(1);
    let first_ts_ms = if t.live { now_ms - t.end * interval_ms } else { STATIC_FIRST_TS_MS };
    let partitions =
        (0..t.partitions.max(1)).map(|p| Partition { start: t.start, end: t.end + i64::from(p) * 3 }).collect();
    Topic { name: t.name, partitions, first_ts_ms, interval_ms, live: t.live }
}

fn group(g: GroupData, topics: &[Topic]) -> Result<Group, String> {
    let state = GroupState::parse(&g.state).ok_or_else(|| format!("group {}: unknown state {:?}", g.name, g.state))?;
    let mut committed = BTreeMap::new();
    let mut all_parts = Vec::new();
    for name in &g.topics {
        let t = topics.iter().find(|t| &t.name == name).ok_or_else(|| format!("group {}: no topic {name}", g.name))?;
        for (p, part) in t.partitions.iter().enumerate() {
            committed.insert((name.clone(), p as i32), (part.end - g.lag).max(part.start));
            all_parts.push((name.clone(), p as i32));
        }
    }
    let n = g.members.len().max(1);
    let members = g
        .members
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let mut assignment: Vec<(String, Vec<i32>)> = Vec::new();
            for (topic, p) in all_parts.iter().skip(i).step_by(n) {
                match assignment.iter_mut().find(|(t, _)| t == topic) {
                    Some((_, ps)) => ps.push(*p),
                    None => assignment.push((topic.clone(), vec![*p])),
                }
            }
            Member { member_id: format!("{}-{i}-5f1d", m.client_id), client_id: m.client_id, host: m.host, assignment }
        })
        .collect();
    Ok(Group { name: g.name, state, members, committed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_loads_with_every_state() {
        let w = parse(DEMO, 1_800_000_000_000).unwrap();
        let states: Vec<GroupState> = w
            .huawei
            .iter()
            .flat_map(|a| &a.instances)
            .chain(w.tencent.iter().flat_map(|a| &a.ckafka))
            .flat_map(|i| i.groups.iter().map(|g| g.state))
            .collect();
        for s in [GroupState::Empty, GroupState::Stable, GroupState::Dead, GroupState::PreparingRebalance] {
            assert!(states.contains(&s), "demo has a {s:?} group");
        }
        assert!(!w.tencent[0].dts.is_empty());
        let dts_group = &w.tencent[0].dts[0].groups[0].name;
        assert!(dts_group.starts_with("consumer-grp-subs-"), "{dts_group}");
        assert!(
            w.tencent[0].dts[0].groups.iter().any(|g| g.state == GroupState::Dead),
            "the subscription has a Dead group (the SDK conformance resets one)"
        );
    }
}
