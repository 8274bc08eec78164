//! The emulator's admin routes under `/_admin/`: faults, rate limits and group states, for tests and the demo.

use axum::body::Body;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::gate::FaultKind;
use super::state::GroupState;
use super::{Shared, lock};

#[derive(Deserialize)]
struct FaultRequest {
    op: String,
    kind: Option<FaultKind>,
    #[serde(default = "one")]
    count: usize,
    latency_ms: Option<u64>,
    #[serde(default)]
    random: Vec<(FaultKind, f64)>,
    /// `[probability, ms]`.
    spike: Option<(f64, u64)>,
    /// Only calls whose path or body contains this.
    only: Option<String>,
}

/// The most faults one request may arm, and the longest delay: numbers beyond them are mistakes, and a request
/// for 10^13 faults must be an error, not an allocation that aborts the emulator.
const MAX_FAULTS: usize = 100_000;
const MAX_DELAY_MS: u64 = 600_000;

impl FaultRequest {
    fn checked(self) -> Result<Self, String> {
        if self.count > MAX_FAULTS {
            return Err(format!("count {} is more than {MAX_FAULTS}", self.count));
        }
        if self.latency_ms.is_some_and(|l| l > MAX_DELAY_MS) || self.spike.is_some_and(|(_, ms)| ms > MAX_DELAY_MS) {
            return Err(format!("a delay is longer than {MAX_DELAY_MS} ms"));
        }
        let probabilities = self.random.iter().map(|(_, p)| *p).chain(self.spike.map(|(p, _)| p));
        if probabilities.clone().any(|p| !(0.0..=1.0).contains(&p)) || self.random.len() > 16 {
            return Err("probabilities are between 0 and 1, at most 16 of them".into());
        }
        Ok(self)
    }
}

fn one() -> usize {
    1
}

#[derive(Deserialize)]
struct GroupRequest {
    group: String,
    state: String,
}

pub(super) fn route(shared: &Shared, route: &str, body: &[u8]) -> Response {
    let reply = |status: u16, v: Value| {
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Body::from(v.to_string()))
            .unwrap_or_default()
    };
    let mut s = lock(shared);
    match route {
        "faults" => match serde_json::from_slice::<FaultRequest>(body)
            .map_err(|e| e.to_string())
            .and_then(FaultRequest::checked)
        {
            Ok(f) => {
                let armed = s.gate.faults.entry(f.op).or_default();
                if let Some(k) = f.kind {
                    armed.queue.extend(std::iter::repeat_n(k, f.count));
                }
                if let Some(l) = f.latency_ms {
                    armed.latency_ms = l;
                }
                if !f.random.is_empty() {
                    armed.random = f.random;
                }
                if f.spike.is_some() {
                    armed.spike = f.spike;
                }
                if f.only.is_some() {
                    armed.only = f.only;
                }
                reply(200, json!({"ok": true}))
            }
            Err(e) => reply(400, json!({"error": e})),
        },
        "clear-faults" => {
            s.gate.faults.clear();
            reply(200, json!({"ok": true}))
        }
        "rate-limits" => {
            let on = serde_json::from_slice::<Value>(body).ok().and_then(|v| v["on"].as_bool()).unwrap_or(true);
            s.gate.rate_limits_on = on;
            reply(200, json!({"ok": true, "on": on}))
        }
        "quirks" => {
            let v = serde_json::from_slice::<Value>(body).unwrap_or_default();
            let newest_first = v["newest_first"].as_bool().unwrap_or(false);
            s.quirks.newest_first = newest_first;
            reply(200, json!({"ok": true, "newest_first": newest_first}))
        }
        "group-state" => match serde_json::from_slice::<GroupRequest>(body) {
            Ok(g) => match GroupState::parse(&g.state) {
                Some(state) => {
                    if s.world.set_group_state(&g.group, state) {
                        reply(200, json!({"ok": true}))
                    } else {
                        reply(404, json!({"error": "no such group"}))
                    }
                }
                None => reply(
                    400,
                    json!({"error": "state must be Empty, Stable, PreparingRebalance, CompletingRebalance or Dead"}),
                ),
            },
            Err(e) => reply(400, json!({"error": e.to_string()})),
        },
        // What reached each operation so far: lets a test wait for a call instead of sleeping past it.
        "calls" => reply(200, json!(s.gate.calls())),
        _ => reply(404, json!({"error": "unknown admin route"})),
    }
}
