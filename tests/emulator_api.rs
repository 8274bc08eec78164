//! The clients against the emulator over HTTP on 127.0.0.1: every write and read, the error shapes, the faults.

mod common;

use std::time::Duration;

use offsetdeck::core::credentials::Credentials;
use offsetdeck::core::profile::{self, HuaweiAccount, Profile, TencentAccount};
use offsetdeck::emulator::{self, FaultKind, Handle, state::GroupState};
use offsetdeck::providers::client::{Client, ClientConfig};
use offsetdeck::providers::error::CallError;
use offsetdeck::providers::request::ApiRequest;
use offsetdeck::providers::{huawei, tencent};
use serde_json::json;

const HW_INSTANCE: &str = "5f2a3b4c-1d2e-4f60-8a9b-0c1d2e3f4a5b";
const CK_INSTANCE: &str = "ckafka-demo0001";
const SUBS: &str = "subs-635ns8r71g";

struct Env {
    emu: Handle,
    profile: Profile,
    client: Client,
}

impl Env {
    fn hw(&self) -> (&HuaweiAccount, Credentials) {
        let a = &self.profile.huawei[0];
        (a, common::creds(&a.credentials))
    }
    fn tc(&self) -> (&TencentAccount, Credentials) {
        let a = &self.profile.tencent[0];
        (a, common::creds(&a.credentials))
    }
    fn committed(&self, group: &str, topic: &str, p: i32) -> Option<i64> {
        let s = self.emu.state();
        let w = &s.world;
        let groups = w
            .huawei
            .iter()
            .flat_map(|a| a.instances.iter().flat_map(|i| i.groups.iter()))
            .chain(w.tencent.iter().flat_map(|a| a.ckafka.iter().flat_map(|i| i.groups.iter())))
            .chain(w.tencent.iter().flat_map(|a| a.dts.iter().flat_map(|d| d.groups.iter())));
        groups.filter(|g| g.name == group).find_map(|g| g.committed.get(&(topic.to_owned(), p)).copied())
    }
}

async fn env_with(config: ClientConfig) -> Env {
    // Static topics (not live) so offsets do not move under the assertions.
    let data = emulator::data::DEMO.replace("live = true", "live = false");
    let world = emulator::data::parse(&data, jiff::Timestamp::now().as_millisecond()).unwrap();
    let emu = emulator::spawn(world, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let text = emulator::write_profile(&emu.state().world, &emu.url());
    let profile = profile::parse(&text, "emulator-profile.toml").unwrap().profile;
    let client = Client::new(config).unwrap();
    Env { emu, profile, client }
}

fn fast() -> ClientConfig {
    ClientConfig { backoff_base: Duration::from_millis(5), ..ClientConfig::default() }.unlimited()
}

async fn env() -> Env {
    env_with(fast()).await
}

#[tokio::test]
async fn written_profile_lists_everything() {
    let e = env().await;
    let t = e.profile.totals();
    assert_eq!((t.accounts, t.instances), (2, 4));
    assert_eq!(e.profile.tencent[0].dts[0].groups, ["etl", "audit"]);
}

#[tokio::test]
async fn huawei_reset_to_offset_and_timestamp() {
    let e = env().await;
    let (a, c) = e.hw();
    let r = huawei::reset_offset(a, HW_INSTANCE, "billing", "orders", 2, huawei::ResetTarget::Offset(20_000));
    let ans = e.client.call(&r, &c).await.unwrap();
    assert_eq!(ans.status, 204);
    assert!(ans.request_id.is_some());
    assert_eq!(e.committed("billing", "orders", 2), Some(20_000));
    // Clamped to the log end.
    let r = huawei::reset_offset(a, HW_INSTANCE, "billing", "orders", -1, huawei::ResetTarget::Offset(i64::MAX));
    e.client.call(&r, &c).await.unwrap();
    assert_eq!(e.committed("billing", "orders", 0), Some(48_210));
    assert_eq!(e.committed("billing", "orders", 11), Some(48_210 + 33));
    // To a timestamp: static topics put offset o at 2025-01-01T00:00:00Z + o * interval.
    let ts = 1_735_689_600_000 + 30_000 * 400;
    let r = huawei::reset_offset(a, HW_INSTANCE, "billing", "orders", 5, huawei::ResetTarget::Timestamp(ts));
    e.client.call(&r, &c).await.unwrap();
    assert_eq!(e.committed("billing", "orders", 5), Some(30_000));
}

#[tokio::test]
async fn huawei_refuses_reset_on_an_active_group() {
    let e = env().await;
    let (a, c) = e.hw();
    let r = huawei::reset_offset(a, HW_INSTANCE, "fraud-check", "orders", -1, huawei::ResetTarget::Offset(0));
    match e.client.call(&r, &c).await.unwrap_err() {
        CallError::Api { status: 400, code, message, request_id } => {
            assert_eq!(code, emulator::ACTIVE_GROUP_CODE);
            assert!(message.contains("fraud-check-1@/10.0.3.17"), "{message}");
            assert!(request_id.is_some());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn huawei_delete_offsets_and_messages_with_partial_failure() {
    let e = env().await;
    let (a, c) = e.hw();
    let r = huawei::delete_offsets(a, HW_INSTANCE, "billing", &["payments".into(), "nope".into()]);
    let ans = e.client.call(&r, &c).await.unwrap();
    assert_eq!(huawei::item_failures(&ans.json), [("topic nope".to_owned(), "UNKNOWN_TOPIC_OR_PARTITION".to_owned())]);
    assert_eq!(e.committed("billing", "payments", 0), None);
    assert!(e.committed("billing", "orders", 0).is_some());
    for api in [profile::DeleteMessagesApi::Delete, profile::DeleteMessagesApi::Post] {
        let mut acc = a.clone();
        acc.delete_messages_api = api;
        let r = huawei::delete_messages(&acc, HW_INSTANCE, "audit-log", &[(0, 300), (1, 5)]);
        let ans = e.client.call(&r, &c).await.unwrap();
        assert_eq!(
            huawei::item_failures(&ans.json),
            [("partition 1".to_owned(), "UNKNOWN_TOPIC_OR_PARTITION".to_owned())]
        );
    }
    let r = huawei::delete_messages(a, HW_INSTANCE, "audit-log", &[(0, 999_999)]);
    let ans = e.client.call(&r, &c).await.unwrap();
    assert_eq!(huawei::item_failures(&ans.json)[0].1, "OFFSET_OUT_OF_RANGE");
    assert_eq!(e.emu.state().world.huawei[0].instances[0].topics[2].partitions[0].start, 300);
}

#[tokio::test]
async fn huawei_reads_follow_pagination() {
    let e = env().await;
    let (a, c) = e.hw();
    let (groups, ids) =
        huawei::read::paged(&e.client, &c, 1, "groups", |o, l| huawei::list_groups(a, HW_INSTANCE, o, l))
            .await
            .unwrap();
    assert_eq!(groups.len(), 4);
    assert_eq!(ids.len(), 4, "one call per page of one");
    assert_eq!(groups[3]["state"], "PREPARING_REBALANCE");
    let (inst, _) =
        huawei::read::paged(&e.client, &c, 1, "instances", |o, l| huawei::list_instances(a, o, l)).await.unwrap();
    assert_eq!(inst.len(), 2);
    assert_eq!(inst[0]["partition_num"], "16", "a string, as the real API sends");
    let (topics, _) = huawei::read::paged(&e.client, &c, 2, "topics", |o, l| huawei::list_topics(a, HW_INSTANCE, o, l))
        .await
        .unwrap();
    assert_eq!(topics.len(), 3);
    let (parts, _) = huawei::read::paged(&e.client, &c, 5, "partitions", |o, l| {
        huawei::topic_partitions(a, HW_INSTANCE, "orders", o, l)
    })
    .await
    .unwrap();
    assert_eq!(parts.len(), 12);
    let snap =
        huawei::read::describe_group(&e.client, &c, a, HW_INSTANCE, "fraud-check", &["orders".into()]).await.unwrap();
    assert_eq!(snap.state, "Stable");
    assert!(!snap.is_inactive());
    assert_eq!(snap.members.len(), 2);
    assert_eq!(snap.partitions.len(), 12);
    let p0 = &snap.partitions[0];
    assert_eq!((p0.start, p0.end, p0.lag()), (Some(1000), Some(48_210), Some(12)));
}

#[tokio::test]
async fn huawei_error_shapes() {
    let e = env().await;
    let (a, c) = e.hw();
    let mut bad = huawei::reset_offset(a, HW_INSTANCE, "billing", "orders", 0, huawei::ResetTarget::Offset(1));
    bad.body = b"{not json".to_vec();
    assert!(
        matches!(e.client.call(&bad, &c).await, Err(CallError::Api { status: 400, code, .. }) if code == "DMS.00400005")
    );
    bad.body = Vec::new();
    assert!(
        matches!(e.client.call(&bad, &c).await, Err(CallError::Api { status: 400, code, .. }) if code == "DMS.00400004")
    );
    for r in [
        huawei::group_detail(a, "no-such-instance", "billing"),
        huawei::group_detail(a, HW_INSTANCE, "no-such-group"),
        huawei::topic_partitions(a, HW_INSTANCE, "no-such-topic", 0, 10),
    ] {
        assert!(matches!(e.client.call(&r, &c).await, Err(CallError::Api { status: 404, .. })), "{r}");
    }
}

#[tokio::test]
async fn group_name_with_slash_and_percent_round_trips() {
    let e = env().await;
    let (a, c) = e.hw();
    let r = huawei::group_detail(a, HW_INSTANCE, "team/a%b");
    assert!(r.path.ends_with("/groups/team%2Fa%25b"));
    // The signature verifies (404 is the service's answer, not the gateway's 401).
    assert!(
        matches!(e.client.call(&r, &c).await, Err(CallError::Api { status: 404, code, .. }) if code == "DMS.00404022")
    );
}

#[tokio::test]
async fn auth_failure_is_not_retried_and_locks_after_five() {
    let e = env().await;
    let (a, c) = e.hw();
    let wrong = Credentials { secret: offsetdeck::core::secret::Secret::new("wrong"), ..c.clone() };
    let r = huawei::list_groups(a, HW_INSTANCE, 0, 10);
    for _ in 0..emulator::LOCKOUT_FAILURES {
        match e.client.call(&r, &wrong).await.unwrap_err() {
            CallError::Auth { code, message, .. } => {
                assert_eq!(code, "APIG.0301");
                assert!(message.contains("locks an AK for 5 minutes"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
    // Five calls, five failures: no retries happened, or the lock would have come sooner.
    match e.client.call(&r, &c).await.unwrap_err() {
        CallError::Auth { message, .. } => {
            assert!(message.contains("forbidden"), "locked even for the right key: {message}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn throttling_and_5xx_are_retried() {
    let e = env().await;
    let (a, c) = e.hw();
    e.emu.inject("ListGroups", FaultKind::Throttle, 2);
    let ans = e.client.call(&huawei::list_groups(a, HW_INSTANCE, 0, 10), &c).await.unwrap();
    assert_eq!(ans.tries, 3);
    e.emu.inject("ListGroups", FaultKind::ServerError, 1);
    assert_eq!(e.client.call(&huawei::list_groups(a, HW_INSTANCE, 0, 10), &c).await.unwrap().tries, 2);
    e.emu.inject("ListGroups", FaultKind::Throttle, 3);
    assert!(matches!(
        e.client.call(&huawei::list_groups(a, HW_INSTANCE, 0, 10), &c).await,
        Err(CallError::Throttled { .. })
    ));
    let (t, tc) = e.tc();
    e.emu.inject("DescribeGroup", FaultKind::Throttle, 1);
    let r = tencent::describe(t, "ckafka", "DescribeGroup", json!({"InstanceId": CK_INSTANCE}));
    assert_eq!(e.client.call(&r, &tc).await.unwrap().tries, 2);
}

#[tokio::test]
async fn shift_is_not_retried_after_a_5xx() {
    let e = env().await;
    let (t, tc) = e.tc();
    e.emu.inject("ModifyGroupOffsets", FaultKind::ServerError, 1);
    let r = tencent::modify_group_offsets(t, CK_INSTANCE, "etl", &["clicks".into()], &[], tencent::Modify::Shift(-5));
    assert!(matches!(e.client.call(&r, &tc).await, Err(CallError::Server { status: 503, .. })));
}

#[tokio::test]
async fn timeout_dropped_and_malformed() {
    let e = env_with(ClientConfig { request_timeout: Duration::from_millis(200), max_tries: 1, ..fast() }).await;
    let (a, c) = e.hw();
    e.emu.set_latency("ListTopics", Duration::from_millis(600));
    assert!(matches!(e.client.call(&huawei::list_topics(a, HW_INSTANCE, 0, 10), &c).await, Err(CallError::Timeout(_))));
    e.emu.inject("ListGroups", FaultKind::Drop, 1);
    assert!(matches!(e.client.call(&huawei::list_groups(a, HW_INSTANCE, 0, 10), &c).await, Err(CallError::Dropped(_))));
    e.emu.inject("ListGroups", FaultKind::Malformed, 1);
    assert!(matches!(
        e.client.call(&huawei::list_groups(a, HW_INSTANCE, 0, 10), &c).await,
        Err(CallError::Malformed { .. })
    ));
}

#[tokio::test]
async fn ckafka_strategies_and_reads() {
    let e = env().await;
    let (t, c) = e.tc();
    let call = |how| tencent::modify_group_offsets(t, CK_INSTANCE, "old-batch", &["orders-cdc".into()], &[1], how);
    let ans = e.client.call(&call(tencent::Modify::Timestamp(-2)), &c).await.unwrap();
    assert_eq!(ans.json["Result"]["ReturnCode"], "0");
    assert!(tencent::check_return_code(&ans.json).is_none());
    assert_eq!(e.committed("old-batch", "orders-cdc", 1), Some(500));
    e.client.call(&call(tencent::Modify::Shift(250)), &c).await.unwrap();
    assert_eq!(e.committed("old-batch", "orders-cdc", 1), Some(750));
    e.client.call(&call(tencent::Modify::Offset(6000)), &c).await.unwrap();
    assert_eq!(e.committed("old-batch", "orders-cdc", 1), Some(6000));
    e.client.call(&call(tencent::Modify::Timestamp(-1)), &c).await.unwrap();
    assert_eq!(e.committed("old-batch", "orders-cdc", 1), Some(7003));
    assert_eq!(e.committed("old-batch", "orders-cdc", 0), Some(1000), "the Partitions filter left partition 0 alone");
    let r = tencent::modify_group_offsets(
        t,
        CK_INSTANCE,
        "cdc-sink",
        &["orders-cdc".into()],
        &[],
        tencent::Modify::Offset(0),
    );
    assert!(matches!(e.client.call(&r, &c).await, Err(CallError::Api { code, .. }) if code == "FailedOperation"));
    let snap = tencent::read::describe_ckafka_group(&e.client, &c, t, CK_INSTANCE, "cdc-sink", &["orders-cdc".into()])
        .await
        .unwrap();
    assert_eq!((snap.state.as_str(), snap.members.len(), snap.partitions.len()), ("Stable", 1, 4));
    assert_eq!((snap.partitions[0].start, snap.partitions[0].lag()), (Some(500), Some(5)));
    let all =
        tencent::read::paged(&e.client, &c, t, ("ckafka", "DescribeInstances"), json!({}), 1, (true, "InstanceList"))
            .await
            .unwrap();
    assert_eq!(all.len(), 1);
    let topics = tencent::read::paged(
        &e.client,
        &c,
        t,
        ("ckafka", "DescribeTopic"),
        json!({"InstanceId": CK_INSTANCE}),
        1,
        (true, "TopicList"),
    )
    .await
    .unwrap();
    assert_eq!(topics.len(), 2);
}

#[tokio::test]
async fn dts_reset_and_the_silent_no_op() {
    let e = env().await;
    let (t, c) = e.tc();
    let etl = "consumer-grp-subs-635ns8r71g-etl";
    let topic = "account-subs-635ns8r71g-1";
    let r = tencent::reset_consumer_group_offset(t, SUBS, topic, etl, &[0, 1], &tencent::DtsReset::Earliest);
    e.client.call(&r, &c).await.unwrap();
    assert_eq!(e.committed(etl, topic, 0), Some(0));
    let r = tencent::reset_consumer_group_offset(
        t,
        SUBS,
        topic,
        etl,
        &[0],
        &tencent::DtsReset::Datetime("2025-01-01 08:01:40".into()),
    );
    e.client.call(&r, &c).await.unwrap();
    assert_eq!(e.committed(etl, topic, 0), Some(100 * 1000 / 700), "at or before 100 s after offset 0");
    // Active group: success, and nothing changes.
    let audit = "consumer-grp-subs-635ns8r71g-audit";
    let before = e.committed(audit, topic, 0);
    let r = tencent::reset_consumer_group_offset(t, SUBS, topic, audit, &[0], &tencent::DtsReset::Earliest);
    assert!(e.client.call(&r, &c).await.is_ok(), "the real API answers success");
    assert_eq!(e.committed(audit, topic, 0), before, "and does nothing");
    let snap = tencent::read::describe_dts_group(&e.client, &c, t, SUBS, topic, audit).await.unwrap();
    assert_eq!((snap.state.as_str(), snap.partitions.len()), ("Stable", 4));
    let by_time = e
        .client
        .call(
            &tencent::describe(
                t,
                "dts",
                "DescribeOffsetByTime",
                json!({"SubscribeId": SUBS, "Time": "2025-01-01 08:01:40"}),
            ),
            &c,
        )
        .await
        .unwrap();
    assert_eq!(by_time.json["Items"][0]["Offset"], 142);
    for action in ["DescribeSubscribeJobs", "DescribeSubscribeDetail"] {
        let ans = e.client.call(&tencent::describe(t, "dts", action, json!({"SubscribeId": SUBS})), &c).await.unwrap();
        assert_eq!(ans.json["Items"][0]["Topic"].as_str().or(ans.json["Topic"].as_str()), Some(topic));
    }
}

fn raw_tc(t: &TencentAccount, service: &'static str, action: &'static str, body: &str) -> ApiRequest {
    let mut r = tencent::describe(t, service, action, json!({}));
    r.body = body.as_bytes().to_vec();
    r
}

#[tokio::test]
async fn tencent_error_shapes() {
    let e = env().await;
    let (t, c) = e.tc();
    let cases = [
        (raw_tc(t, "dts", "ResetConsumerGroupOffset", r#"{"SubscribeId":"subs-635ns8r71g"}"#), "MissingParameter"),
        (raw_tc(t, "ckafka", "DescribeGroup", r#"{"InstanceId":"ckafka-demo0001","Bogus":1}"#), "UnknownParameter"),
        (
            raw_tc(
                t,
                "dts",
                "ResetConsumerGroupOffset",
                r#"{"SubscribeId":"subs-635ns8r71g","TopicName":"account-subs-635ns8r71g-1","ConsumerGroupName":"consumer-grp-subs-635ns8r71g-etl","PartitionNos":["0","1"],"ResetMode":"earliest"}"#,
            ),
            "InvalidParameterValue",
        ),
        (
            raw_tc(
                t,
                "dts",
                "ResetConsumerGroupOffset",
                r#"{"SubscribeId":"subs-635ns8r71g","TopicName":"account-subs-635ns8r71g-1","ConsumerGroupName":"consumer-grp-subs-635ns8r71g-etl","PartitionNos":[0],"ResetMode":"newest"}"#,
            ),
            "InvalidParameterValue",
        ),
        (raw_tc(t, "ckafka", "DeleteEverything", "{}"), "InvalidAction"),
        (raw_tc(t, "dts", "DescribeConsumerGroups", r#"{"SubscribeId":"subs-nope"}"#), "ResourceNotFound"),
        (
            raw_tc(t, "ckafka", "DescribeGroup", r#"{"InstanceId":"ckafka-nope"}"#),
            "InvalidParameterValue.InstanceNotExist",
        ),
    ];
    for (r, want) in cases {
        match e.client.call(&r, &c).await.unwrap_err() {
            CallError::Api { status: 200, code, request_id, .. } => {
                assert_eq!(code, want, "{r}");
                assert!(request_id.is_some());
            }
            other => panic!("{r}: {other:?}"),
        }
    }
    let wrong = Credentials { secret: offsetdeck::core::secret::Secret::new("wrong"), ..c.clone() };
    let r = tencent::describe(t, "ckafka", "DescribeGroup", json!({"InstanceId": CK_INSTANCE}));
    assert!(
        matches!(e.client.call(&r, &wrong).await, Err(CallError::Auth { code, .. }) if code == "AuthFailure.SignatureFailure")
    );
    // The scope's service must match: a ckafka action signed for dts fails its signature, as at the real gateway.
    let mut cross = r.clone();
    cross.signing = offsetdeck::providers::request::Signing::Tencent {
        service: "dts",
        action: "DescribeGroup",
        version: "2021-12-06",
        region: t.region.clone(),
    };
    assert!(
        matches!(e.client.call(&cross, &c).await, Err(CallError::Auth { code, .. }) if code == "AuthFailure.SignatureFailure")
    );
}

#[tokio::test]
async fn published_rate_limits_are_enforced_and_retried() {
    let e = env().await;
    let (t, c) = e.tc();
    e.emu.set_rate_limits(true);
    let etl = "consumer-grp-subs-635ns8r71g-etl";
    let r = tencent::reset_consumer_group_offset(
        t,
        SUBS,
        "account-subs-635ns8r71g-1",
        etl,
        &[0],
        &tencent::DtsReset::Latest,
    );
    let mut throttled = 0;
    for _ in 0..25 {
        match e.client.call(&r, &c).await {
            Ok(a) if a.tries > 1 => throttled += 1,
            Ok(_) => {}
            Err(CallError::Throttled { .. }) => throttled += 1,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert!(throttled > 0, "25 calls at once exceed 20/s");
    // With the client's own limit on, the same burst is paced and never throttled.
    let paced =
        Client::new(ClientConfig { backoff_base: Duration::from_millis(5), ..ClientConfig::default() }).unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for _ in 0..25 {
        assert_eq!(paced.call(&r, &c).await.unwrap().tries, 1);
    }
}

#[tokio::test]
async fn admin_changes_group_state() {
    let e = env().await;
    let (a, c) = e.hw();
    assert!(e.emu.set_group_state("billing", GroupState::Stable));
    let r = huawei::reset_offset(a, HW_INSTANCE, "billing", "orders", 0, huawei::ResetTarget::Offset(5));
    assert!(matches!(e.client.call(&r, &c).await, Err(CallError::Api { .. })));
    let http = reqwest::Client::new();
    let resp = http
        .post(format!("{}/_admin/group-state", e.emu.url()))
        .body(r#"{"group":"billing","state":"Empty"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(e.client.call(&r, &c).await.is_ok());
}

#[tokio::test]
async fn admin_routes_refuse_numbers_beyond_reason() {
    let e = env().await;
    let http = reqwest::Client::new();
    for body in [
        r#"{"op": "*", "kind": "server_error", "count": 10000000000000}"#,
        r#"{"op": "*", "latency_ms": 100000000000}"#,
        r#"{"op": "*", "random": [["drop", 7.0]]}"#,
    ] {
        let resp = http.post(format!("{}/_admin/faults", e.emu.url())).body(body).send().await.unwrap();
        assert_eq!(resp.status(), 400, "{body}");
    }
    // The emulator is still serving.
    let (a, c) = e.hw();
    assert!(e.client.call(&huawei::list_topics(a, HW_INSTANCE, 0, 10), &c).await.is_ok());
}

/// Sends 15 calls at once; how many were throttled (needed more than one try).
async fn throttled_of_15(client: &Client, r: &ApiRequest, c: &Credentials) -> usize {
    let sent = futures_util::future::join_all((0..15).map(|_| client.send(r, c))).await;
    sent.iter().filter(|s| s.tries > 1).count()
}

#[tokio::test]
async fn two_processes_share_one_window_and_together_stay_under_the_limit() {
    let e = env().await;
    let (t, c) = e.tc();
    e.emu.set_rate_limits(true);
    let r = tencent::reset_consumer_group_offset(
        t,
        SUBS,
        "account-subs-635ns8r71g-1",
        "consumer-grp-subs-635ns8r71g-etl",
        &[0],
        &tencent::DtsReset::Latest,
    );
    // Each client alone stays under 20/s; two of them at once exceed it unless they share the window.
    let pair = |shared: Option<offsetdeck::providers::pacing::SharedWindows>| {
        let config = ClientConfig { backoff_base: Duration::from_millis(5), shared, ..ClientConfig::default() };
        (Client::new(config.clone()).unwrap(), Client::new(config).unwrap())
    };
    let (a, b) = pair(None);
    let (x, y) = futures_util::future::join(throttled_of_15(&a, &r, &c), throttled_of_15(&b, &r, &c)).await;
    assert!(x + y > 0, "two separate windows send up to twice the limit");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = pair(Some(offsetdeck::providers::pacing::SharedWindows { dir: dir.path().into() }));
    let (x, y) = futures_util::future::join(throttled_of_15(&a, &r, &c), throttled_of_15(&b, &r, &c)).await;
    assert_eq!(x + y, 0, "one shared window: never throttled");
}

#[tokio::test]
async fn each_api_on_its_own_port_refuses_what_belongs_to_another() {
    let data = emulator::data::DEMO.replace("live = true", "live = false");
    let world = emulator::data::parse(&data, jiff::Timestamp::now().as_millisecond()).unwrap();
    let emu = emulator::spawn_separate(world, false).await.unwrap();
    let [huawei_url, ckafka_url, dts_url] = emu.urls();
    assert!(huawei_url != ckafka_url && ckafka_url != dts_url);
    let text = emulator::write_profile_for(&emu.state().world, &emu.urls());
    let profile = profile::parse(&text, "separate").unwrap().profile;
    let client = Client::new(fast()).unwrap();
    let (h, t) = (&profile.huawei[0], &profile.tencent[0]);
    let (hc, tc) = (common::creds(&h.credentials), common::creds(&t.credentials));
    assert!(client.call(&huawei::list_topics(h, HW_INSTANCE, 0, 10), &hc).await.is_ok());
    let ck = tencent::describe(t, "ckafka", "DescribeTopic", json!({"InstanceId": CK_INSTANCE}));
    assert!(client.call(&ck, &tc).await.is_ok(), "CKafka on its port");
    let dts = tencent::describe(t, "dts", "DescribeConsumerGroups", json!({"SubscribeId": SUBS}));
    assert!(client.call(&dts, &tc).await.is_ok(), "DTS on its port");
    // A CKafka action signed for ckafka but sent to the DTS host is refused, as the real gateway refuses it.
    let mut wrong = ck.clone();
    wrong.endpoint = dts_url.clone();
    let e = client.call(&wrong, &tc).await.unwrap_err();
    assert!(matches!(&e, CallError::Auth { code, .. } if code == "AuthFailure.SignatureFailure"), "{e:?}");
    // On the shared port too, a scope naming the other service is refused.
    let shared = env().await;
    let (t, tc) = shared.tc();
    let mut mis = tencent::describe(t, "ckafka", "DescribeTopic", json!({"InstanceId": CK_INSTANCE}));
    if let offsetdeck::providers::request::Signing::Tencent { service, .. } = &mut mis.signing {
        *service = "dts";
    }
    let e = shared.client.call(&mis, &tc).await.unwrap_err();
    assert!(e.to_string().contains("names the service `dts`, but this is the ckafka API"), "{e}");
}

#[tokio::test]
async fn documented_page_limits_are_enforced_and_offsetdeck_keeps_within_them() {
    let e = env().await;
    let (a, c) = e.hw();
    let over = huawei::topic_partitions(a, HW_INSTANCE, "orders", 0, 100);
    assert!(matches!(e.client.call(&over, &c).await, Err(CallError::Api { status: 400, .. })), "limit 100 > 50");
    let far = huawei::topic_partitions(a, HW_INSTANCE, "orders", 10_001, 10);
    assert!(matches!(e.client.call(&far, &c).await, Err(CallError::Api { status: 400, .. })), "offset > 10000");
    let t = offsetdeck::engine::target::Target::find(&e.profile, "orders").unwrap();
    let log = offsetdeck::engine::reads::topic_log(&e.client, &c, &t, "orders").await.unwrap();
    assert_eq!(log.len(), 12, "offsetdeck's own reads page within the limits");
}

#[tokio::test]
async fn pacing_learns_backs_off_on_throttling_creeps_up_and_stays_under_the_ceiling() {
    let mut e = env_with(ClientConfig { backoff_base: Duration::from_millis(5), ..ClientConfig::default() }).await;
    e.profile.huawei[0].rate_limit_per_second = 10;
    e.profile.huawei[0].rate_limit_ceiling_per_second = 12;
    let changes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = changes.clone();
    e.client.watch_rates(offsetdeck::providers::client::RateWatcher(std::sync::Arc::new(move |op, _, b, a| {
        seen.lock().unwrap().push((op.to_owned(), b, a));
    })));
    let (a, c) = e.hw();
    let r = huawei::list_topics(a, HW_INSTANCE, 0, 10);
    for _ in 0..40 {
        e.client.call(&r, &c).await.unwrap();
    }
    let learned = e.client.learned_rate("ListTopics", &r.endpoint).unwrap();
    assert_eq!(learned, 12, "it crept up from 10 to the ceiling, and no further");
    e.emu.inject("ListTopics", FaultKind::Throttle, 1);
    assert_eq!(e.client.call(&r, &c).await.unwrap().tries, 2, "the throttled call is retried");
    let backed_off = e.client.learned_rate("ListTopics", &r.endpoint).unwrap();
    assert!(backed_off < 12, "sending at the rate, a throttle backs it off: {backed_off}");
    let changes = changes.lock().unwrap().clone();
    assert!(changes.iter().any(|(_, b, a)| a > b), "it said when it sped up: {changes:?}");
    assert_eq!(changes.last(), Some(&("ListTopics".to_owned(), 12, backed_off)), "and when it backed off");
}
