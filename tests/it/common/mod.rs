//! Shared test setup: the emulator with static demo data, a profile pointing at it, credentials without the system.

#![allow(dead_code)]

pub mod api;
pub mod cli;
pub mod dashboard;

use std::sync::Arc;

use offsetdeck::core::credentials::{self, Credentials, Environment};
use offsetdeck::core::profile::{self, Profile};
use offsetdeck::emulator::{self, Handle};
use offsetdeck::engine::session::{Session, Via};
use offsetdeck::providers::client::{Client, ClientConfig};

/// An environment with nothing in it: credentials come from the profile alone.
pub struct NoEnv;

impl Environment for NoEnv {
    fn var(&self, _: &str) -> Option<String> {
        None
    }
    fn run(&self, _: &str) -> Result<String, String> {
        Err("none".into())
    }
    fn read_file(&self, _: &str) -> Option<String> {
        None
    }
}

/// A fresh directory for a test's audit trail and snapshots, never the real home; removed when the process ends.
pub fn scratch_audit_log() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "offsetdeck-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    dir.join("audit.jsonl").display().to_string()
}

/// The emulator with the demo data made static (offsets do not move under assertions), and its profile (its audit
/// trail in a scratch directory).
pub async fn emulator_and_profile() -> (Handle, Profile) {
    let data = emulator::data::DEMO.replace("live = true", "live = false");
    let world = emulator::data::parse(&data, 1_800_000_000_000).unwrap();
    let emu = emulator::spawn(world, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let text = emulator::write_profile(&emu.state().world, &emu.url());
    let mut profile = profile::parse(&text, "emulator-profile.toml").unwrap().profile;
    profile.settings.audit_log = Some(scratch_audit_log());
    local_huawei_pace(&mut profile);
    (emu, profile)
}

/// Huawei publishes no limits and the emulator enforces none for it: its unpublished default of 10 calls/s would
/// only slow the tests. Tencent keeps the published table, which the emulator enforces.
pub fn local_huawei_pace(profile: &mut Profile) {
    for a in &mut profile.huawei {
        a.rate_limit_per_second = 1000;
        a.rate_limit_ceiling_per_second = 1000;
    }
}

/// The client the tests use: paced by the published rate table, as offsetdeck always is, with short backoffs so
/// injected faults do not slow the suite.
pub fn test_client() -> Client {
    Client::new(ClientConfig {
        backoff_base: std::time::Duration::from_millis(5),
        throttle_backoff: std::time::Duration::from_millis(50),
        ..ClientConfig::default()
    })
    .unwrap()
}

/// A session on this profile with the profile's keys only, paced by the rate table.
pub fn session(profile: Profile, via: Via) -> Session {
    Session::with_client(profile, Arc::new(NoEnv), "UTC".into(), via, test_client())
}

/// A session as the dashboard builds it: published pacing, the profile's timeouts.
pub fn paced_session(profile: Profile, zone: &str) -> Session {
    Session::new(profile, Arc::new(NoEnv), zone.into(), Via::Dashboard).unwrap()
}

/// Resolves an account's credentials from the profile.
pub fn creds(spec: &credentials::CredentialSpec) -> Credentials {
    credentials::resolve(spec, &NoEnv).unwrap().0
}

/// A test server on 127.0.0.1 serving `app` from its own thread and runtime (so synchronous tests can use it too);
/// its base URL.
pub fn serve(app: axum::Router) -> String {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || rt.block_on(async move { axum::serve(listener, app).await.unwrap() }));
    url
}
