//! The demo's moving parts, so every lag status and forecast shows within a minute or two: consumers commit at
//! their own rates and retention deletes old messages. Tests run on a still world (`World::living` is `None`);
//! only the demo and `offsetdeck emulator --living` move.

use super::state::{Living, World};

/// (instance, group, messages a second per partition): `fraud-check` keeps up (OK), `sessionizer` reads slower
/// than `clicks` grows (LAGGING, falling behind), `audit` catches up on its idle topic (then IDLE); `cdc-sink`
/// (members, never committing: STALLED) and `etl` (no members: STOPPED) do not move.
const CONSUMERS: &[(&str, &str, i64)] =
    &[("orders", "fraud-check", 3), ("clickstream-hw", "sessionizer", 2), ("orders", "audit", 60)];

/// (instance, topic, messages kept per partition): `payments` keeps about four minutes more than `billing` is
/// behind, so its loss forecast counts down.
const KEEP: &[(&str, &str, i64)] = &[("orders", "payments", 500)];

/// Makes the demo world a living one, from `now_ms`.
pub fn demo(world: &mut World, now_ms: i64) {
    let ids: Vec<(String, String)> = world
        .huawei
        .iter()
        .flat_map(|a| a.instances.iter())
        .chain(world.tencent.iter().flat_map(|a| a.ckafka.iter()))
        .map(|i| (i.name.clone(), i.id.clone()))
        .collect();
    let id = |name: &str| ids.iter().find(|(n, _)| n == name).map(|(_, id)| id.clone());
    let mut living = Living::default();
    for (instance, group, rate) in CONSUMERS {
        if let Some(id) = id(instance) {
            living.consumers.insert((id, (*group).to_owned()), (*rate, now_ms));
        }
    }
    for (instance, topic, keep) in KEEP {
        if let Some(id) = id(instance) {
            living.keep.insert((id, (*topic).to_owned()), *keep);
        }
    }
    world.living = Some(living);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committed(w: &World, instance: &str, group: &str) -> Vec<i64> {
        let i = w.huawei.iter().flat_map(|a| a.instances.iter()).find(|i| i.name == instance).unwrap();
        i.groups.iter().find(|g| g.name == group).unwrap().committed.values().copied().collect()
    }

    #[test]
    fn a_living_world_commits_and_deletes_and_a_still_one_does_not() {
        let now = 1_800_000_000_000;
        let still = super::super::data::parse(super::super::data::DEMO, now).unwrap();
        let mut living = still.clone();
        demo(&mut living, now);
        let mut quiet = still.clone();
        for w in [&mut living, &mut quiet] {
            w.advance(now + 10_000);
        }
        let before = committed(&still, "orders", "fraud-check");
        let after = committed(&living, "orders", "fraud-check");
        assert!(after.iter().zip(&before).all(|(a, b)| a > b && *a <= b + 30), "{before:?} -> {after:?}");
        assert_eq!(committed(&quiet, "orders", "fraud-check"), before, "a still world's consumers do not move");
        assert_eq!(committed(&living, "orders", "billing"), committed(&still, "orders", "billing"), "not a consumer");
        let start = |w: &World| {
            let i = w.huawei[0].instances.iter().find(|i| i.name == "orders").unwrap();
            let t = i.topics.iter().find(|t| t.name == "payments").unwrap();
            (t.partitions[0].start, t.partitions[0].end)
        };
        let (s, e) = start(&living);
        assert_eq!(e - s, 500, "retention keeps 500 messages");
        assert_eq!(start(&quiet).0, 0, "a still world keeps everything");
    }
}
