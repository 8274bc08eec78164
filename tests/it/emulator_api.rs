//! The clients against the emulator over HTTP on 127.0.0.1: every write and read, the error shapes, the faults.

use crate::common;

use std::time::Duration;

use common::api::{CK_INSTANCE, HW_INSTANCE, SUBS, env, env_with, fast};
use offsetdeck::core::credentials::Credentials;
use offsetdeck::core::profile::{self, TencentAccount};
use offsetdeck::emulator::{self, FaultKind, state::GroupState};
use offsetdeck::providers::client::{Client, ClientConfig};
use offsetdeck::providers::error::CallError;
use offsetdeck::providers::request::ApiRequest;
use offsetdeck::providers::{huawei, tencent};
use serde_json::json;

#[tokio::test]
async fn written_profile_lists_everything() {
    let e = env().await;
    let t = e.profile.totals();
    assert_eq!((t.accounts, t.instances), (2, 4));
    assert_eq!(e.profile.tencent[0].dts[0].groups, ["etl", "audit", "archive"]);
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
    // One client sends one failed signature per bad key, however often it is asked.
    for i in 0..emulator::LOCKOUT_FAILURES {
        match e.client.call(&r, &wrong).await.unwrap_err() {
            CallError::Auth { code, message, .. } => {
                assert_eq!(code, "APIG.0301");
                assert!(message.contains("locks an AK for 5 minutes"), "{message}");
                assert_eq!(message.contains("not sent"), i > 0, "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(e.emu.state().gate.failed_signatures(c.id.expose()), 1);
    assert!(e.client.call(&r, &c).await.is_ok(), "the right secret for the same AK is another key, and works");
    // Five processes with the wrong key, five failures: the emulator locks the AK as Huawei does.
    for _ in 1..emulator::LOCKOUT_FAILURES {
        assert!(matches!(Client::new(fast()).unwrap().call(&r, &wrong).await, Err(CallError::Auth { .. })));
    }
    assert!(e.client.call(&r, &c).await.is_ok(), "a success in between resets the count");
    for _ in 0..emulator::LOCKOUT_FAILURES {
        assert!(matches!(Client::new(fast()).unwrap().call(&r, &wrong).await, Err(CallError::Auth { .. })));
    }
    match Client::new(fast()).unwrap().call(&r, &c).await.unwrap_err() {
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
    // A throttle is a wait, not a failure: three in a row are waited out (the call was never applied)...
    e.emu.inject("ListGroups", FaultKind::Throttle, 3);
    assert_eq!(e.client.call(&huawei::list_groups(a, HW_INSTANCE, 0, 10), &c).await.unwrap().tries, 4);
    // ...until the call's budget for waiting is spent, and each wait is told.
    let waits = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = waits.clone();
    let tight = offsetdeck::providers::client::Client::new(ClientConfig {
        throttle_budget: Duration::from_millis(120),
        ..fast()
    })
    .unwrap();
    tight.watch_waits(offsetdeck::providers::client::WaitWatcher(std::sync::Arc::new(move |w| {
        seen.lock().unwrap().push(w.clone());
    })));
    e.emu.inject("ListGroups", FaultKind::Throttle, 10);
    assert!(matches!(
        tight.call(&huawei::list_groups(a, HW_INSTANCE, 0, 10), &c).await,
        Err(CallError::Throttled { .. })
    ));
    let waits = waits.lock().unwrap().clone();
    assert!(!waits.is_empty() && waits.iter().all(|w| w.op == "ListGroups"), "{waits:?}");
    assert_eq!(waits.last().unwrap().budget_left, Duration::ZERO, "it waited until the budget was spent");
    assert!(waits[0].to_string().contains("throttled"), "{}", waits[0]);
    e.emu.state().gate.faults.clear();
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
