//! What stands before every emulated operation: signature checks with the real windows and lockout, injected faults,
//! and the published rate limits.

use std::collections::{HashMap, VecDeque};

use serde::Deserialize;

use crate::core::sign::{constant_time_eq, huawei, tencent};

/// Huawei's signature window: 15 minutes either way.
pub const HUAWEI_SKEW_S: i64 = 15 * 60;
/// Tencent's signature window: 5 minutes either way.
pub const TENCENT_SKEW_S: i64 = 5 * 60;
/// Consecutive failures before an AK is locked.
pub const LOCKOUT_FAILURES: u32 = 5;
/// How long a locked AK stays locked.
pub const LOCKOUT_S: i64 = 5 * 60;

/// One kind of injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// HTTP 429 (Huawei) or `RequestLimitExceeded` (Tencent).
    Throttle,
    /// HTTP 503.
    ServerError,
    /// The connection is dropped before a response.
    Drop,
    /// The operation is applied, then the connection is dropped before the answer: a lost answer.
    DropAfterApply,
    /// HTTP 200 with a body that is not JSON; the operation is not applied.
    Malformed,
}

/// Faults armed for one operation.
#[derive(Debug, Clone, Default)]
pub struct Armed {
    /// Fail the next calls with these faults, first in first out.
    pub queue: VecDeque<FaultKind>,
    /// Extra latency for every call, in ms.
    pub latency_ms: u64,
    /// Random failures: probability per call of each kind.
    pub random: Vec<(FaultKind, f64)>,
    /// Random latency spikes: probability per call, and the extra delay in ms.
    pub spike: Option<(f64, u64)>,
    /// Only calls whose path or body contains this text (one group, one topic) meet these faults.
    pub only: Option<String>,
}

/// Per-AK failure bookkeeping for the lockout.
#[derive(Debug, Clone, Copy, Default)]
struct Failures {
    consecutive: u32,
    locked_until: i64,
    /// Every failed signature, for tests that count what a wrong key cost.
    total: u32,
}

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// Header missing or malformed.
    Malformed(String),
    /// Unknown key id.
    UnknownKey,
    /// The AK is locked after repeated failures.
    Locked,
    /// Outside the time window.
    Expired(String),
    /// The signature does not match.
    Mismatch,
    /// Tencent: the scope names the wrong service.
    WrongService(String),
}

/// The gate's state, kept inside the emulator's lock.
#[derive(Debug, Default)]
pub struct Gate {
    failures: HashMap<String, Failures>,
    /// Armed faults by operation name.
    pub faults: HashMap<String, Armed>,
    /// Whether the published rate limits are enforced.
    pub rate_limits_on: bool,
    /// Limits per operation (calls per second), when on.
    pub limits: HashMap<String, u32>,
    windows: HashMap<String, VecDeque<i64>>,
    /// Every signed call that reached an operation, by operation: what tests count calls by.
    seen: HashMap<String, u32>,
}

impl Gate {
    /// A gate enforcing every published limit of the rate table, as the clouds do (switched off for speed tests).
    pub fn new() -> Self {
        let limits = crate::core::limits::TENCENT.iter().map(|l| (l.api.to_owned(), l.per_second)).collect();
        Self { limits, rate_limits_on: true, ..Self::default() }
    }

    /// The fault to apply to this call, if any, and the latency to add.
    /// `about` is the call's path and body, for faults armed for one group or topic only.
    pub fn fault_for(&mut self, op: &str, about: &str) -> (Option<FaultKind>, u64) {
        let key = if self.faults.contains_key(op) { op } else { "*" };
        match self.faults.get_mut(key) {
            Some(armed) if armed.only.as_ref().is_some_and(|o| !about.contains(o.as_str())) => (None, 0),
            Some(armed) => {
                let spike = armed.spike.filter(|(p, _)| fastrand::f64() < *p).map_or(0, |(_, ms)| ms);
                (next_fault(armed), armed.latency_ms + spike)
            }
            None => (None, 0),
        }
    }

    /// Forgets the calls in every rate window, as a second of quiet would.
    pub fn forget_windows(&mut self) {
        self.windows.clear();
    }

    /// Whether a call to `op` at `now_ms` exceeds its rate limit (counts the call when it does not).
    pub fn over_limit(&mut self, op: &str, now_ms: i64) -> bool {
        *self.seen.entry(op.to_owned()).or_default() += 1;
        if !self.rate_limits_on {
            return false;
        }
        let Some(&limit) = self.limits.get(op) else { return false };
        let w = self.windows.entry(op.to_owned()).or_default();
        while w.front().is_some_and(|t| *t <= now_ms - 1000) {
            w.pop_front();
        }
        if w.len() >= limit as usize {
            return true;
        }
        w.push_back(now_ms);
        false
    }

    /// How many calls reached `op` in all (throttled ones included).
    pub fn calls_to(&self, op: &str) -> u32 {
        self.seen.get(op).copied().unwrap_or(0)
    }

    /// Every operation's count of calls so far.
    pub fn calls(&self) -> &HashMap<String, u32> {
        &self.seen
    }

    /// How many failed signatures this key id has sent in all.
    pub fn failed_signatures(&self, key: &str) -> u32 {
        self.failures.get(key).map_or(0, |f| f.total)
    }

    fn check_lock(&self, key: &str, now_s: i64) -> Result<(), AuthError> {
        match self.failures.get(key) {
            Some(f) if f.locked_until > now_s => Err(AuthError::Locked),
            _ => Ok(()),
        }
    }

    fn record(&mut self, key: &str, ok: bool, now_s: i64) {
        let f = self.failures.entry(key.to_owned()).or_default();
        if ok {
            f.consecutive = 0;
        } else {
            f.total += 1;
            f.consecutive += 1;
            if f.consecutive >= LOCKOUT_FAILURES {
                f.locked_until = now_s + LOCKOUT_S;
                f.consecutive = 0;
            }
        }
    }

    /// Verifies a Huawei request; `lookup` gives the SK of an AK. Returns the AK on success.
    pub fn verify_huawei(
        &mut self,
        req: &ReceivedHuawei<'_>,
        now_s: i64,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<String, AuthError> {
        let auth = req.header("authorization").ok_or(AuthError::Malformed("no Authorization header".into()))?;
        let parsed = huawei::parse_authorization(auth).ok_or(AuthError::Malformed("bad Authorization".into()))?;
        let ak = parsed.access.to_owned();
        self.check_lock(&ak, now_s)?;
        let result = verify_huawei_signature(req, &parsed, now_s, &lookup);
        if !matches!(result, Err(AuthError::UnknownKey)) {
            self.record(&ak, result.is_ok(), now_s);
        }
        result.map(|_| ak)
    }

    /// Verifies a Tencent request for `service`. Returns the SecretId on success.
    pub fn verify_tencent(
        &mut self,
        req: &ReceivedTencent<'_>,
        now_s: i64,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<String, AuthError> {
        let auth = req.authorization.ok_or(AuthError::Malformed("no Authorization header".into()))?;
        let parsed = tencent::parse_authorization(auth).ok_or(AuthError::Malformed("bad Authorization".into()))?;
        let creq = &req.request;
        let ts = creq.timestamp;
        if (ts - now_s).abs() > TENCENT_SKEW_S {
            return Err(AuthError::Expired(format!(
                "X-TC-Timestamp {ts} is more than 5 minutes from server time {now_s}"
            )));
        }
        if parsed.service != creq.service {
            return Err(AuthError::WrongService(parsed.service.to_owned()));
        }
        let key = lookup(parsed.secret_id).ok_or(AuthError::UnknownKey)?;
        let canonical = tencent::canonical_request(creq);
        let date = tencent::credential_date(ts);
        if parsed.date != date {
            return Err(AuthError::Mismatch);
        }
        let sts = tencent::string_to_sign(ts, &tencent::credential_scope(ts, creq.service), &canonical);
        let want = tencent::signature(&key, &date, creq.service, &sts);
        if !constant_time_eq(&want, parsed.signature) || parsed.signed_headers != tencent::SIGNED_HEADERS {
            return Err(AuthError::Mismatch);
        }
        Ok(parsed.secret_id.to_owned())
    }
}

fn next_fault(armed: &mut Armed) -> Option<FaultKind> {
    if let Some(k) = armed.queue.pop_front() {
        return Some(k);
    }
    armed.random.iter().find(|(_, p)| fastrand::f64() < *p).map(|(k, _)| *k)
}

fn verify_huawei_signature(
    req: &ReceivedHuawei<'_>,
    auth: &huawei::Authorization<'_>,
    now_s: i64,
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<(), AuthError> {
    let sk = lookup(auth.access).ok_or(AuthError::UnknownKey)?;
    let date = req.header("x-sdk-date").ok_or(AuthError::Malformed("no X-Sdk-Date".into()))?;
    let civil = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", date)
        .map_err(|_| AuthError::Malformed(format!("X-Sdk-Date {date:?} is not %Y%m%dT%H%M%SZ")))?;
    let signed_at = civil.to_zoned(jiff::tz::TimeZone::UTC).map_err(|e| AuthError::Malformed(e.to_string()))?;
    let ts = signed_at.timestamp().as_second();
    if (ts - now_s).abs() > HUAWEI_SKEW_S {
        return Err(AuthError::Expired(format!("X-Sdk-Date {date} is more than 15 minutes from server time")));
    }
    let mut headers = Vec::new();
    for name in &auth.signed_headers {
        let v = req.header(name).ok_or(AuthError::Mismatch)?;
        headers.push((name.to_string(), v.to_owned()));
    }
    let query = huawei::decode_query(req.query);
    let r = huawei::Request { method: req.method, path: req.path, query: &query, headers: &headers, body: req.body };
    let canonical = huawei::CanonicalRequest::new(&r);
    let want = huawei::signature(&sk, &huawei::string_to_sign(date, &canonical));
    if constant_time_eq(&want, auth.signature) { Ok(()) } else { Err(AuthError::Mismatch) }
}

/// A received Huawei request, as the verifier needs it.
pub struct ReceivedHuawei<'a> {
    /// Method.
    pub method: &'a str,
    /// Raw path.
    pub path: &'a str,
    /// Raw query string.
    pub query: &'a str,
    /// Headers, names lowercase.
    pub headers: &'a [(String, String)],
    /// Body bytes.
    pub body: &'a [u8],
}

impl ReceivedHuawei<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A received Tencent request: what was signed (the service as the route decided, the timestamp from
/// `X-TC-Timestamp`), and the `Authorization` header that claims it.
pub struct ReceivedTencent<'a> {
    /// The request as received.
    pub request: tencent::Request<'a>,
    /// `Authorization` header.
    pub authorization: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_after_five_failures() {
        let mut g = Gate::new();
        for _ in 0..4 {
            g.record("ak", false, 100);
        }
        assert!(g.check_lock("ak", 100).is_ok());
        g.record("ak", false, 100);
        assert_eq!(g.check_lock("ak", 101), Err(AuthError::Locked));
        assert!(g.check_lock("ak", 100 + LOCKOUT_S).is_ok(), "unlocks after 5 minutes");
    }

    #[test]
    fn tencent_window_is_five_minutes_and_service_must_match() {
        use crate::core::secret::Secret;
        let body = br#"{"InstanceId":"x"}"#;
        let mut g = Gate::new();
        let signed_at = 1_800_000_000;
        let req = tencent::Request {
            method: "POST",
            service: "ckafka",
            host: "127.0.0.1:1",
            content_type: "application/json",
            query: "",
            payload: body,
            timestamp: signed_at,
        };
        let signed = tencent::sign(&req, &Secret::new("id"), &Secret::new("key"), None);
        let received = |service| ReceivedTencent {
            request: tencent::Request { service, ..req.clone() },
            authorization: Some(signed.authorization()),
        };
        let key = |_: &str| Some("key".to_owned());
        assert_eq!(g.verify_tencent(&received("ckafka"), signed_at + 300, key), Ok("id".into()));
        assert!(matches!(g.verify_tencent(&received("ckafka"), signed_at + 301, key), Err(AuthError::Expired(_))));
        assert_eq!(g.verify_tencent(&received("dts"), signed_at, key), Err(AuthError::WrongService("ckafka".into())));
    }

    #[test]
    fn huawei_window_is_fifteen_minutes() {
        use crate::core::secret::Secret;
        let mut g = Gate::new();
        let at: jiff::Timestamp = "2027-01-15T08:00:00Z".parse().unwrap();
        let headers = vec![
            ("Host".to_owned(), "127.0.0.1:1".to_owned()),
            ("Content-Type".to_owned(), "application/json".to_owned()),
        ];
        let req = huawei::Request { method: "GET", path: "/v2/p/instances", query: &[], headers: &headers, body: b"" };
        let signed = huawei::sign(&req, &Secret::new("ak"), &Secret::new("sk"), None, at);
        let all: Vec<(String, String)> = headers.iter().cloned().chain(signed.headers.clone()).collect();
        let received = ReceivedHuawei { method: "GET", path: "/v2/p/instances", query: "", headers: &all, body: b"" };
        let now = at.as_second();
        let key = |_: &str| Some("sk".to_owned());
        assert_eq!(g.verify_huawei(&received, now + 900, key), Ok("ak".into()));
        assert!(matches!(g.verify_huawei(&received, now + 901, key), Err(AuthError::Expired(_))));
        assert!(matches!(g.verify_huawei(&received, now - 901, key), Err(AuthError::Expired(_))));
    }

    #[test]
    fn rate_limit_window() {
        let mut g = Gate::new();
        for i in 0..20 {
            assert!(!g.over_limit("ResetConsumerGroupOffset", i));
        }
        assert!(g.over_limit("ResetConsumerGroupOffset", 500));
        assert!(!g.over_limit("ResetConsumerGroupOffset", 1001), "window slides");
        assert!(!g.over_limit("ListTopics", 0), "Huawei publishes no limits");
        assert!(!g.over_limit("FetchMessageByOffset", 2000));
        assert!(g.over_limit("FetchMessageByOffset", 2500), "one a second");
        g.rate_limits_on = false;
        assert!(!g.over_limit("FetchMessageByOffset", 2600), "switched off for speed tests");
    }
}
