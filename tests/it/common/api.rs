//! The emulator and a client over HTTP on 127.0.0.1, for the API-level tests: static demo data (offsets do not move
//! under assertions), its profile, and helpers to read the emulator's own state.

use std::time::Duration;

use offsetdeck::core::credentials::Credentials;
use offsetdeck::core::profile::{self, HuaweiAccount, Profile, TencentAccount};
use offsetdeck::emulator::{self, Handle};
use offsetdeck::providers::client::{Client, ClientConfig};

pub const HW_INSTANCE: &str = "5f2a3b4c-1d2e-4f60-8a9b-0c1d2e3f4a5b";
pub const CK_INSTANCE: &str = "ckafka-demo0001";
pub const SUBS: &str = "subs-635ns8r71g";

pub struct Env {
    pub emu: Handle,
    pub profile: Profile,
    pub client: Client,
}

impl Env {
    pub fn hw(&self) -> (&HuaweiAccount, Credentials) {
        let a = &self.profile.huawei[0];
        (a, super::creds(&a.credentials))
    }
    pub fn tc(&self) -> (&TencentAccount, Credentials) {
        let a = &self.profile.tencent[0];
        (a, super::creds(&a.credentials))
    }
    pub fn committed(&self, group: &str, topic: &str, p: i32) -> Option<i64> {
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

pub async fn env_with(config: ClientConfig) -> Env {
    // Static topics (not live) so offsets do not move under the assertions.
    let data = emulator::data::DEMO.replace("live = true", "live = false");
    let world = emulator::data::parse(&data, jiff::Timestamp::now().as_millisecond()).unwrap();
    let emu = emulator::spawn(world, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let text = emulator::write_profile(&emu.state().world, &emu.url());
    let mut profile = profile::parse(&text, "emulator-profile.toml").unwrap().profile;
    super::local_huawei_pace(&mut profile);
    let client = Client::new(config).unwrap();
    Env { emu, profile, client }
}

pub fn fast() -> ClientConfig {
    ClientConfig {
        backoff_base: Duration::from_millis(5),
        throttle_backoff: Duration::from_millis(50),
        ..ClientConfig::default()
    }
}

pub async fn env() -> Env {
    env_with(fast()).await
}
