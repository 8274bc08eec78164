//! Fixtures for the engine's unit tests: a profile with one target of each kind, and live states built by hand,
//! so the planner's and the verifier's arithmetic is tested without the demo data.

use crate::core::live::{GroupSnapshot, PartitionState};
use crate::core::profile::{self, Profile};

pub const PROFILE: &str = r#"
[settings]
timezone = "UTC"

[huawei.hw]
region = "cn-north-4"
project_id = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
ak = "AK"
sk = "SK"

[huawei.hw.instances.orders]
id = "5f2a3b4c-1d2e-4f60-8a9b-0c1d2e3f4a5b"
topics = { t = 3 }
groups = { g = ["t"] }

[tencent.tc]
region = "ap-singapore"
secret_id = "ID"
secret_key = "KEY"

[tencent.tc.ckafka.events]
id = "ckafka-0001"
topics = { t = 3 }
groups = { g = ["t"] }

[tencent.tc.dts.sub]
subscribe_id = "subs-1"
topic = "t"
partitions = 3
groups = ["g"]
"#;

pub fn profile() -> Profile {
    profile::parse(PROFILE, "fixture.toml").unwrap().profile
}

/// A group's state: per partition of topic `t`, (committed, log start, log end).
pub fn group(state: &str, parts: &[(Option<i64>, Option<i64>, Option<i64>)]) -> GroupSnapshot {
    GroupSnapshot {
        group: "g".into(),
        state: state.into(),
        members: vec![],
        partitions: parts
            .iter()
            .enumerate()
            .map(|(i, (committed, start, end))| PartitionState {
                topic: "t".into(),
                partition: i as i32,
                committed: *committed,
                start: *start,
                end: *end,
            })
            .collect(),
    }
}

/// A reset of group `g`'s topic `t` on the fixture instance `orders`, all partitions, as the planner would make it
/// from `snap` (before `Plan::finish`).
pub fn reset_plan(snap: &GroupSnapshot, strategy: crate::core::strategy::ResetStrategy) -> crate::engine::plan::Plan {
    reset_plan_on("orders", "g", snap, strategy)
}

/// The same reset on another fixture instance, the group given by its API name (DTS: `consumer-grp-subs-1-g`).
pub fn reset_plan_on(
    instance: &str,
    group: &str,
    snap: &GroupSnapshot,
    strategy: crate::core::strategy::ResetStrategy,
) -> crate::engine::plan::Plan {
    let p = profile();
    let t = crate::engine::target::Target::find(&p, instance).expect("a fixture instance");
    let req = crate::engine::plan::ResetRequest {
        group,
        topic: "t",
        partitions: &[],
        strategy: &strategy,
        now_ms: 0,
        zone_name: "UTC",
        time_targets: &[],
        unknown: &[],
    };
    crate::engine::plan::reset(&t, snap, &req).expect("a reset plan")
}
