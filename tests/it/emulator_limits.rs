//! Limits against the emulator: published rate limits, the pacing window shared by processes, the pacing that
//! learns, documented page sizes, and each API on its own port.

use crate::common;

use std::time::Duration;

use common::api::{CK_INSTANCE, HW_INSTANCE, SUBS, env, env_with, fast};
use offsetdeck::core::credentials::Credentials;
use offsetdeck::core::profile;
use offsetdeck::emulator::{self, FaultKind};
use offsetdeck::providers::client::{Client, ClientConfig};
use offsetdeck::providers::error::CallError;
use offsetdeck::providers::request::ApiRequest;
use offsetdeck::providers::{huawei, tencent};
use serde_json::json;

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
    // A client that does not pace meets the emulator's limit...
    let unpaced =
        Client::new(ClientConfig { throttle_budget: Duration::ZERO, ..ClientConfig::default() }.unlimited()).unwrap();
    let mut throttled = 0;
    for _ in 0..25 {
        match unpaced.call(&r, &c).await {
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
    e.emu.forget_rate_windows();
    for _ in 0..25 {
        assert_eq!(paced.call(&r, &c).await.unwrap().tries, 1);
    }
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
    e.emu.forget_rate_windows();
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

/// A rate learned in one process is where the next starts, at the same endpoint: it need not creep up again.
#[tokio::test]
async fn the_next_process_starts_from_the_rate_this_one_learned() {
    let dir = tempfile::tempdir().unwrap();
    let shared = Some(offsetdeck::providers::pacing::SharedWindows { dir: dir.path().into() });
    let config = ClientConfig { backoff_base: Duration::from_millis(5), shared, ..ClientConfig::default() };
    let mut e = env_with(config.clone()).await;
    e.profile.huawei[0].rate_limit_per_second = 10;
    e.profile.huawei[0].rate_limit_ceiling_per_second = 60;
    let (a, c) = e.hw();
    let r = huawei::list_topics(a, HW_INSTANCE, 0, 10);
    for _ in 0..60 {
        e.client.call(&r, &c).await.unwrap();
    }
    let learned = e.client.learned_rate("ListTopics", &r.endpoint).unwrap();
    assert!(learned > 30, "it grows fast while never throttled: {learned}");
    let next = Client::new(config).unwrap();
    assert_eq!(next.pace_of(&r), Some(learned), "the next process starts where this one got");
}
