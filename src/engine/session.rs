//! What every order runs with: the profile, the one HTTP client, and each account's keys, keyed by cloud and
//! account so that `[huawei.x]` and `[tencent.x]` never share keys.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::error::EngineError;
use super::target::Target;
use crate::core::credentials::{self, Cloud, Credentials, Environment};
use crate::core::profile::Profile;
use crate::core::target::{AccountKey, TargetKey};
use crate::providers::client::{Client, ClientConfig};

/// Where a job was started from, for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Cli,
    Dashboard,
}

impl Via {
    pub fn word(self) -> &'static str {
        match self {
            Self::Cli => "cli",
            Self::Dashboard => "dashboard",
        }
    }
}

/// The environment credentials are resolved in, shared with the worker's tasks.
pub type SharedEnvironment = Arc<dyn Environment + Send + Sync>;

/// Where slow work says how far it got (stderr headless, the log in the dashboard).
pub type Progress = Arc<dyn Fn(&str) + Send + Sync>;

/// The profile, the client and the keys.
pub struct Session {
    pub profile: Profile,
    pub client: Client,
    /// The zone typed datetimes are read in and times are echoed in.
    pub zone_name: String,
    pub via: Via,
    env: SharedEnvironment,
    /// Each account's keys, resolved on first use (a credential helper runs once).
    creds: Mutex<HashMap<AccountKey, Result<Credentials, String>>>,
    progress: Mutex<Option<Progress>>,
}

impl Session {
    /// A session with the profile's timeouts and the published limits. A client that cannot be built is an error:
    /// there is no fallback without pacing.
    pub fn new(profile: Profile, env: SharedEnvironment, zone_name: String, via: Via) -> Result<Self, EngineError> {
        let shared =
            super::paths::DataPaths::of(&profile).map(|p| crate::providers::pacing::SharedWindows { dir: p.pacing() });
        let config = ClientConfig {
            connect_timeout: Duration::from_secs(profile.settings.connect_timeout_seconds),
            request_timeout: Duration::from_secs(profile.settings.request_timeout_seconds),
            shared,
            tls: profile.needs_tls(),
            ..ClientConfig::default()
        };
        let client =
            Client::new(config).map_err(|e| EngineError::Input(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self::with_client(profile, env, zone_name, via, client))
    }

    /// A session with a client of the caller's (tests and benchmarks switch pacing off).
    pub fn with_client(profile: Profile, env: SharedEnvironment, zone_name: String, via: Via, client: Client) -> Self {
        Self { profile, client, zone_name, via, env, creds: Mutex::new(HashMap::new()), progress: Mutex::new(None) }
    }

    /// Forgets the accounts whose keys could not be resolved (a credential helper that failed) and the refusal of
    /// every key, so the next read asks the helper again and probes each key with one call: what R does.
    pub fn retry_keys(&self) {
        let mut cache = self.creds.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|_, c| c.is_ok());
        for c in cache.values().flatten() {
            self.client.forgive(c);
        }
    }

    /// Who is told how far slow work got.
    pub fn on_progress(&self, p: Progress) {
        *self.progress.lock().unwrap_or_else(|e| e.into_inner()) = Some(p);
    }

    /// Says how far slow work got, to whoever listens.
    pub fn progress(&self, text: &str) {
        let p = self.progress.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(p) = p {
            p(text);
        }
    }

    /// Every account's keys, resolved now (the dashboard does this once at start).
    pub fn resolve_all(&self) {
        let keys: Vec<AccountKey> = self
            .profile
            .huawei
            .iter()
            .map(|a| AccountKey { cloud: Cloud::Huawei, name: a.name.clone() })
            .chain(self.profile.tencent.iter().map(|a| AccountKey { cloud: Cloud::Tencent, name: a.name.clone() }))
            .collect();
        for k in keys {
            let _ = self.credentials_of(&k);
        }
    }

    /// An account's keys, or why it has none.
    pub fn credentials_of(&self, key: &AccountKey) -> Result<Credentials, String> {
        let mut cache = self.creds.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = cache.get(key) {
            return found.clone();
        }
        let spec = match key.cloud {
            Cloud::Huawei => self.profile.huawei.iter().find(|a| a.name == key.name).map(|a| &a.credentials),
            Cloud::Tencent => self.profile.tencent.iter().find(|a| a.name == key.name).map(|a| &a.credentials),
        };
        let resolved = match spec {
            Some(spec) => credentials::resolve(spec, self.env.as_ref()).map(|c| c.0).map_err(|e| e.to_string()),
            None => Err(format!("account {key} is not in the profile")),
        };
        cache.insert(key.clone(), resolved.clone());
        resolved
    }

    /// A target's account's keys; none is bad input (the profile or the environment must be fixed).
    pub fn credentials(&self, target: &Target<'_>) -> Result<Credentials, EngineError> {
        self.credentials_of(&target.account_key())
            .map_err(|e| EngineError::Input(format!("account `{}` has no credentials: {e}", target.account())))
    }

    /// Finds an instance by its profile name.
    pub fn find(&self, instance: &str) -> Result<Target<'_>, EngineError> {
        Target::find(&self.profile, instance)
    }

    /// Finds exactly this target.
    pub fn target(&self, key: &TargetKey) -> Result<Target<'_>, EngineError> {
        Target::resolve(&self.profile, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R asks a credential helper that failed again (a helper that needed a login, a vault that was sealed); a
    /// helper that worked is not run again.
    #[test]
    fn a_failed_credential_helper_is_asked_again_on_retry() {
        let dir = tempfile::tempdir().unwrap();
        let ready = dir.path().join("ready");
        let runs = dir.path().join("runs");
        let helper = format!(
            "sh -c 'echo x >> {runs}; test -f {ready} && echo {{\\\"ak\\\": \\\"A\\\", \\\"sk\\\": \\\"S\\\"}}'",
            runs = runs.display(),
            ready = ready.display()
        );
        let text = format!(
            "[huawei.p]\nregion = \"cn-north-4\"\nproject_id = \"0123456789abcdef0123456789abcdef\"\ncredential_process = {helper:?}\n\n[huawei.p.instances.i]\nid = \"i\"\n"
        );
        let profile = crate::core::profile::parse(&text, "p.toml").unwrap().profile;
        let env: SharedEnvironment = Arc::new(crate::providers::credentials::SystemEnvironment);
        let session = Session::new(profile, env, "UTC".into(), Via::Cli).unwrap();
        let key = AccountKey { cloud: Cloud::Huawei, name: "p".into() };
        assert!(session.credentials_of(&key).is_err(), "the helper fails first");
        std::fs::write(&ready, "").unwrap();
        assert!(session.credentials_of(&key).is_err(), "kept until asked again");
        session.retry_keys();
        assert_eq!(session.credentials_of(&key).unwrap().id.expose(), "A", "asked again on R");
        session.retry_keys();
        let _ = session.credentials_of(&key);
        assert_eq!(std::fs::read_to_string(&runs).unwrap().lines().count(), 2, "a helper that worked runs once");
    }
}
