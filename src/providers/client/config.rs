//! What a client is built with: timeouts, retries, the rate table, pacing and whether it speaks TLS.

use std::collections::HashMap;
use std::time::Duration;

/// Timeouts, retries and limits.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// TCP + TLS connect timeout.
    pub connect_timeout: Duration,
    /// Whole-call timeout.
    pub request_timeout: Duration,
    /// Tries per call, the first included.
    pub max_tries: u32,
    /// First backoff; doubles each retry, with full jitter.
    pub backoff_base: Duration,
    /// First wait after a throttle answer: the window the services count in. It doubles (to 8 windows) with up to
    /// half of it again as jitter, so processes throttled together do not come back together.
    pub throttle_backoff: Duration,
    /// How long one call may spend waiting out throttle answers before the throttle is its failure.
    pub throttle_budget: Duration,
    /// Calls per second per operation where the request names none: the rate table's published figures.
    pub rate_limits: HashMap<&'static str, u32>,
    /// Whether calls are paced at all (off for tests and benchmarks).
    pub limits_on: bool,
    /// A window shared with this user's other offsetdeck processes; `None` keeps the window in this process.
    pub shared: Option<crate::providers::pacing::SharedWindows>,
    /// Whether any endpoint is HTTPS. A client for plain-HTTP loopback endpoints only (the emulator, the demo)
    /// trusts no certificate at all, so it does not read the system's root store at start (a few milliseconds and
    /// a file read per process); an HTTPS call through it fails certificate checks, never goes unverified.
    pub tls: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_tries: 3,
            backoff_base: Duration::from_millis(200),
            throttle_backoff: Duration::from_secs(1),
            throttle_budget: Duration::from_secs(120),
            rate_limits: crate::core::limits::TENCENT.iter().map(|l| (l.api, l.per_second)).collect(),
            limits_on: true,
            shared: None,
            tls: true,
        }
    }
}

impl ClientConfig {
    /// No client-side limits (tests, benchmarks).
    pub fn unlimited(mut self) -> Self {
        self.limits_on = false;
        self
    }
}
