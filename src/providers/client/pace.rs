//! The client's pacing: each API's rate (the table's, the account's, or learned from throttles), the window shared
//! with other processes, and who is told when a rate changes or a call waits.

use std::time::Duration;

use tokio::time::Instant;

use super::Client;
use crate::providers::request::ApiRequest;

/// Someone to tell when a learned rate changes (the dashboard's log, the command line's stderr).
#[derive(Clone)]
pub struct RateWatcher(pub std::sync::Arc<RateChanged>);

/// (operation, endpoint, calls per second before, after).
pub type RateChanged = dyn Fn(&str, &str, u32, u32) + Send + Sync;

/// Someone to tell when a call waits out a throttle answer (the dashboard's log, the command line's stderr).
#[derive(Clone)]
pub struct WaitWatcher(pub std::sync::Arc<dyn Fn(&Waited) + Send + Sync>);

/// A throttle answer being waited out.
#[derive(Debug, Clone, PartialEq)]
pub struct Waited {
    pub op: &'static str,
    pub endpoint: String,
    /// How long this wait is.
    pub wait: Duration,
    /// What is left of the call's budget after it.
    pub budget_left: Duration,
    /// Throttle answers this call has had so far.
    pub throttles: u32,
}

/// The longest a call waits for the window shared with other processes before it is paced in this process alone.
const SHARED_DEADLINE: Duration = Duration::from_secs(30);

impl std::fmt::Display for Waited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.throttles == 0 {
            return write!(
                f,
                "{} at {} waited {:.0} s for the pacing window shared with other offsetdeck processes; it is paced in this process alone",
                self.op,
                self.endpoint,
                self.wait.as_secs_f64()
            );
        }
        write!(
            f,
            "{} at {} was throttled (answer {}): waiting {:.1} s, {} s of its {}-second budget left",
            self.op,
            self.endpoint,
            self.throttles,
            self.wait.as_secs_f64(),
            self.budget_left.as_secs(),
            (self.budget_left + self.wait).as_secs(),
        )
    }
}

impl std::fmt::Debug for WaitWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WaitWatcher")
    }
}

impl std::fmt::Debug for RateWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RateWatcher")
    }
}

impl Client {
    /// The configured or published starting limit.
    pub(super) fn base_limit(&self, req: &ApiRequest) -> Option<u32> {
        req.rate_limit.or_else(|| self.config.rate_limits.get(req.op).copied()).filter(|l| *l > 0)
    }

    /// The rate learned so far for this API and endpoint (the starting limit at first).
    pub(super) fn learned_limit(&self, req: &ApiRequest) -> Option<u32> {
        let base = self.base_limit(req)?;
        let mut rates = self.rates.lock().unwrap_or_else(|e| e.into_inner());
        let ceiling = req.rate_ceiling.unwrap_or(base);
        // Where another process (or this one, earlier) left this API's rate at this endpoint, when it did lately.
        let shared = self.config.shared.as_ref();
        Some(
            rates
                .entry((req.op, req.endpoint.clone()))
                .or_insert_with(|| {
                    let start = shared.and_then(|s| s.remembered(req.op, &req.endpoint)).unwrap_or(base);
                    crate::providers::adaptive::Rate::new(start, ceiling)
                })
                .limit(),
        )
    }

    /// Who to tell when a learned rate changes: (operation, endpoint, before, after) in calls per second.
    pub fn watch_rates(&self, w: RateWatcher) {
        *self.watcher.lock().unwrap_or_else(|e| e.into_inner()) = Some(w);
    }

    /// Who to tell how far a long listing got.
    pub fn watch_listings(&self, w: crate::providers::progress::ListingWatcher) {
        *self.listings.lock().unwrap_or_else(|e| e.into_inner()) = Some(w);
    }

    /// After a listing's page: its progress, told to the watcher when due.
    pub fn listed(&self, listing: &mut crate::providers::progress::Listing, got: usize, total: usize) {
        let w = self.listings.lock().unwrap_or_else(|e| e.into_inner()).clone();
        listing.page(w.as_ref(), got, total);
    }

    /// Who to tell when a call waits out a throttle answer.
    pub fn watch_waits(&self, w: WaitWatcher) {
        *self.waits.lock().unwrap_or_else(|e| e.into_inner()) = Some(w);
    }

    /// The calls per second this API is paced at now: the learned rate, or the table's or account's figure before
    /// any call; `None` when it is not paced.
    pub fn pace_of(&self, req: &ApiRequest) -> Option<u32> {
        if !self.config.limits_on {
            return None;
        }
        self.learned_limit(req)
    }

    /// Tells the learned rate how a call went (`Some(true)` throttled, `Some(false)` succeeded); says so when it
    /// changes.
    pub(super) fn learn(&self, req: &ApiRequest, throttled: Option<bool>) {
        let Some(throttled) = throttled else { return };
        if !self.config.limits_on || self.base_limit(req).is_none() {
            return;
        }
        let key = (req.op, req.endpoint.clone());
        let sent = {
            let sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            sent.get(&key).map_or(0, |t| t.iter().filter(|t| now.duration_since(**t) < Duration::from_secs(1)).count())
        };
        let change = {
            let mut rates = self.rates.lock().unwrap_or_else(|e| e.into_inner());
            let Some(rate) = rates.get_mut(&key) else { return };
            if throttled { rate.throttled(sent as u32) } else { rate.succeeded() }
        };
        if let (Some((_, after)), Some(shared)) = (change, &self.config.shared) {
            // Remembered for the next process; pacing works without it.
            let _ = shared.remember(req.op, &req.endpoint, after);
        }
        let watcher = self.watcher.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let (Some((before, after)), Some(w)) = (change, watcher) {
            (w.0)(req.op, &req.endpoint, before, after);
        }
    }

    /// The rate learned for an API at an endpoint, in calls per second, once it has been used.
    pub fn learned_rate(&self, op: &str, endpoint: &str) -> Option<u32> {
        let rates = self.rates.lock().unwrap_or_else(|e| e.into_inner());
        rates.iter().find(|((o, e), _)| *o == op && e == endpoint).map(|(_, r)| r.limit())
    }

    /// Waits for the operation's next rate-limit slot; the shared window's stamp, when it gave the slot.
    pub(super) async fn pace(&self, req: &ApiRequest) -> Option<u64> {
        if !self.config.limits_on {
            return None;
        }
        let limit = self.learned_limit(req)?;
        // Limits are published per second, so they are kept the way the service counts them: a sliding one-second
        // window. Sparse calls never wait; a long batch runs at the limit. A slot frees a window (1,030 ms) after
        // its call's answer, which is no earlier than the call reached the service, so the service's own second
        // has always passed; at high limits the window also admits 2% fewer calls, against calls bunched by
        // network jitter. A low limit keeps every call: one less of 5/s would be a fifth of the rate lost.
        let allowed = (limit - limit / 50).max(1) as usize;
        let window = Duration::from_secs(1);
        if let Some(shared) = &self.config.shared {
            // If the shared file cannot be used, or keeps the call waiting past its deadline (another process's
            // stamps that never free), this process's own window still applies below, and the wait is said.
            let began = Instant::now();
            while let Ok(wait) = shared.admit(req.op, &req.endpoint, allowed) {
                if began.elapsed() > SHARED_DEADLINE {
                    let watcher = self.waits.lock().unwrap_or_else(|e| e.into_inner()).clone();
                    if let Some(w) = watcher {
                        let waited = Waited {
                            op: req.op,
                            endpoint: req.endpoint.clone(),
                            wait: began.elapsed(),
                            budget_left: Duration::ZERO,
                            throttles: 0,
                        };
                        (w.0)(&waited);
                    }
                    break;
                }
                match wait {
                    Ok(stamp) => {
                        // Kept here too: the learned rate compares a throttle with what this process really sent.
                        let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
                        let now = Instant::now();
                        let times = sent.entry((req.op, req.endpoint.clone())).or_default();
                        while times.front().is_some_and(|t| now.duration_since(*t) >= window) {
                            times.pop_front();
                        }
                        times.push_back(now);
                        return Some(stamp);
                    }
                    Err(w) => tokio::time::sleep(w).await,
                }
            }
        }
        loop {
            let wait_until = {
                let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                let times = sent.entry((req.op, req.endpoint.clone())).or_default();
                while times.front().is_some_and(|t| now.duration_since(*t) >= window) {
                    times.pop_front();
                }
                let mut ages: Vec<Duration> = times.iter().map(|t| now.duration_since(*t)).collect();
                let wait = super::super::pacing::slot_wait(&mut ages, allowed, window);
                if wait.is_zero() {
                    times.push_back(now);
                    return None;
                }
                now + wait
            };
            tokio::time::sleep_until(wait_until).await;
        }
    }
}
