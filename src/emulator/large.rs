//! A generated instance at the scale the benchmarks are about: 10,000 groups and 100,000 partitions, with one topic
//! of 100,000 partitions. Built in code (never written out), on Huawei and on CKafka, for `--demo-large` and
//! `offsetdeck emulator --large`.

use std::collections::BTreeMap;

use super::state::*;

/// Groups on the generated instance.
pub const GROUPS: usize = 10_000;
/// Partitions of its one big topic.
pub const FIREHOSE_PARTITIONS: usize = 100_000;
/// Small topics the other groups consume, one partition each.
const SMALL_TOPICS: usize = 100;
/// The big topic's groups: one behind by a lot, one caught up, one with nothing committed on half the partitions.
const FIREHOSE_GROUPS: [&str; 3] = ["firehose-etl", "firehose-audit", "firehose-replay"];

/// The big instance: `firehose` (100,000 partitions), 100 one-partition topics, 10,000 groups in every state.
pub fn instance(name: &str, id: &str) -> Instance {
    let mut topics = vec![Topic {
        name: "firehose".into(),
        partitions: (0..FIREHOSE_PARTITIONS as i64)
            .map(|p| Partition { start: p % 7, end: 50_000 + p % 1000 })
            .collect(),
        first_ts_ms: 1_735_689_600_000,
        interval_ms: 10,
        live: false,
    }];
    for t in 0..SMALL_TOPICS {
        let end = 10_000 + (t as i64) * 37;
        topics.push(Topic {
            name: format!("events-{t:02}"),
            partitions: vec![Partition { start: 0, end }],
            first_ts_ms: 1_735_689_600_000,
            interval_ms: 1000,
            live: false,
        });
    }
    let mut groups = Vec::with_capacity(GROUPS);
    for (n, name) in FIREHOSE_GROUPS.iter().enumerate() {
        let mut committed = BTreeMap::new();
        for (p, part) in topics[0].partitions.iter().enumerate() {
            let behind = [20_000, 0, 5][n];
            if n == 2 && p % 2 == 1 {
                continue;
            }
            committed.insert(("firehose".to_owned(), p as i32), (part.end - behind).max(part.start));
        }
        groups.push(Group { name: (*name).into(), state: GroupState::Empty, members: Vec::new(), committed });
    }
    let states = [GroupState::Empty, GroupState::Stable, GroupState::Empty, GroupState::Dead, GroupState::Empty];
    for g in FIREHOSE_GROUPS.len()..GROUPS {
        let topic = &topics[1 + g % SMALL_TOPICS];
        let state = if g % 997 == 0 { GroupState::PreparingRebalance } else { states[g % states.len()] };
        let end = topic.partitions[0].end;
        let committed = BTreeMap::from([((topic.name.clone(), 0), (end - (g as i64 * 7919) % 9000).max(0))]);
        let name = format!("svc-{:04}-{}", g, ["orders", "billing", "search", "mail", "ledger"][g % 5]);
        let members = if state.is_inactive() {
            Vec::new()
        } else {
            vec![Member {
                member_id: format!("{name}-1-9a7e"),
                client_id: format!("{name}-1"),
                host: format!("/10.2.{}.{}", g / 250 % 250, g % 250),
                assignment: vec![(topic.name.clone(), vec![0])],
            }]
        };
        groups.push(Group { name, state, members, committed });
    }
    Instance { id: id.into(), name: name.into(), topics, groups }
}

/// Adds the big instance to the first Huawei account (`bulk-hw`) and the first Tencent account (`bulk-ck`).
pub fn add_to(world: &mut World) {
    if let Some(a) = world.huawei.first_mut() {
        a.instances.push(instance("bulk-hw", "7c1d0e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f"));
    }
    if let Some(a) = world.tencent.first_mut() {
        a.ckafka.push(instance("bulk-ck", "ckafka-bulk0001"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_big_instance_has_the_promised_size() {
        let i = instance("b", "id");
        assert_eq!(i.groups.len(), GROUPS);
        assert_eq!(i.topics[0].partitions.len(), FIREHOSE_PARTITIONS);
        let total: usize = i.topics.iter().map(|t| t.partitions.len()).sum();
        assert_eq!(total, FIREHOSE_PARTITIONS + SMALL_TOPICS);
        let names: std::collections::HashSet<&str> = i.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names.len(), GROUPS, "names are unique");
        assert!(i.groups.iter().any(|g| g.state == GroupState::Stable && !g.members.is_empty()));
    }
}
