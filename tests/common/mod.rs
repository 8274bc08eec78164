//! Shared test setup: the emulator with static demo data, a profile pointing at it, credentials without the system.

#![allow(dead_code)]

pub mod cli;

use offsetdeck::core::credentials::{self, Credentials, Environment};
use offsetdeck::core::profile::{self, Profile};
use offsetdeck::emulator::{self, Handle};

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

/// The emulator with the demo data made static (offsets do not move under assertions), and its profile.
pub async fn emulator_and_profile() -> (Handle, Profile) {
    let data = emulator::data::DEMO.replace("live = true", "live = false");
    let world = emulator::data::parse(&data, 1_800_000_000_000).unwrap();
    let emu = emulator::spawn(world, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let text = emulator::write_profile(&emu.state().world, &emu.url());
    let profile = profile::parse(&text, "emulator-profile.toml").unwrap().profile;
    (emu, profile)
}

/// Resolves an account's credentials from the profile.
pub fn creds(spec: &credentials::CredentialSpec) -> Credentials {
    credentials::resolve(spec, &NoEnv).unwrap().0
}
