//! Every entry of the rate table, held to: two clients sharing one pacing window (two processes, as offsetdeck
//! runs them) send each Tencent action as fast as they can for ten seconds at a server on 127.0.0.1 that records
//! when each call arrived; no one-second window of arrivals holds more calls than the table allows, and past the
//! first second no tenth of a second holds much more than a tenth of it (the quota is spread, not burst).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::HeaderMap;
use axum::response::Response;
use offsetdeck::core::limits::TENCENT;
use offsetdeck::core::secret::Secret;
use offsetdeck::providers::client::{Client, ClientConfig};
use offsetdeck::providers::pacing::SharedWindows;

type Arrivals = Arc<Mutex<HashMap<String, Vec<Instant>>>>;

fn recording_server(arrivals: Arrivals) -> String {
    crate::common::serve(axum::Router::new().fallback(move |headers: HeaderMap| {
        let arrivals = arrivals.clone();
        async move {
            let action = headers.get("x-tc-action").and_then(|v| v.to_str().ok()).unwrap_or("?").to_owned();
            arrivals.lock().unwrap().entry(action).or_default().push(Instant::now());
            let body = r#"{"Response":{"RequestId":"r","Result":{}}}"#;
            Response::builder().status(200).body(Body::from(body)).unwrap()
        }
    }))
}

/// The most arrivals in any window of `span`.
fn busiest(mut at: Vec<Instant>, span: Duration) -> usize {
    at.sort();
    let mut best = 0;
    let mut first = 0;
    for last in 0..at.len() {
        while at[last].duration_since(at[first]) >= span {
            first += 1;
        }
        best = best.max(last - first + 1);
    }
    best
}

#[test]
fn no_entry_of_the_rate_table_is_exceeded_by_two_processes_sending_for_ten_seconds() {
    let arrivals: Arrivals = Default::default();
    let url = recording_server(arrivals.clone());
    let toml = format!(
        "[tencent.t]\nregion = \"ap-singapore\"\nckafka_endpoint = \"{url}\"\ndts_endpoint = \"{url}\"\nsecret_id = \"ID\"\nsecret_key = \"KEY\"\n"
    );
    let profile = offsetdeck::core::profile::parse(&toml, "p.toml").unwrap().profile;
    let acc = profile.tencent[0].clone();
    let creds =
        offsetdeck::core::credentials::Credentials { id: Secret::new("ID"), secret: Secret::new("KEY"), token: None };
    let dir = tempfile::tempdir().unwrap();
    let config = ClientConfig {
        shared: Some(SharedWindows { dir: dir.path().into() }),
        backoff_base: Duration::from_millis(5),
        ..ClientConfig::default()
    };
    let clients = [Client::new(config.clone()).unwrap(), Client::new(config).unwrap()];
    let began = Instant::now();
    let until = began + Duration::from_secs(10);
    let dts = [
        "ResetConsumerGroupOffset",
        "DescribeConsumerGroups",
        "DescribeOffsetByTime",
        "DescribeSubscribeJobs",
        "DescribeSubscribeDetail",
    ];
    let mut senders = Vec::new();
    for limit in TENCENT {
        let service = if dts.contains(&limit.api) { "dts" } else { "ckafka" };
        let req = offsetdeck::providers::tencent::describe(&acc, service, limit.api, serde_json::json!({}));
        for client in &clients {
            // Each process sends as fast as its pace lets it, a few calls at a time.
            for _ in 0..3 {
                let (req, creds) = (req.clone(), creds.clone());
                senders.push(async move {
                    while Instant::now() < until {
                        let _ = client.send(&req, &creds).await;
                    }
                });
            }
        }
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(futures_util::future::join_all(senders));
    let arrivals = arrivals.lock().unwrap().clone();
    for limit in TENCENT {
        let at = arrivals.get(limit.api).cloned().unwrap_or_default();
        assert!(at.len() as u32 >= limit.per_second * 8, "{}: it was really sent ({} calls)", limit.api, at.len());
        let second = busiest(at.clone(), Duration::from_secs(1));
        assert!(
            second <= limit.per_second as usize,
            "{}: {second} calls in one second, allowed {}",
            limit.api,
            limit.per_second
        );
        // Past the first second (whose first half-quota may go at once) a second's quota is spread over it, not
        // sent as a burst: no tenth of a second holds much more than a tenth of the quota.
        if limit.per_second >= 20 {
            let steady: Vec<Instant> = at.into_iter().filter(|t| *t >= began + Duration::from_millis(1500)).collect();
            let tenth = busiest(steady, Duration::from_millis(100));
            let most = limit.per_second as usize / 10 + 3;
            assert!(tenth <= most, "{}: {tenth} calls in 100 ms at {}/s (at most {most})", limit.api, limit.per_second);
        }
    }
}
