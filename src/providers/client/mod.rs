//! The one HTTP client: signs, rate-limits, sends exactly the signed bytes, retries what is safe, and reads both
//! clouds' error shapes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tokio::time::Instant;

mod config;
mod pace;

pub use config::ClientConfig;

pub use pace::{RateChanged, RateWatcher, WaitWatcher, Waited};

use super::error::CallError;
use super::huawei::wire as huawei_wire;
use super::request::{ApiRequest, Signing};
use super::tencent::wire as tencent_wire;
use crate::core::credentials::Credentials;
use crate::core::secret::Secret;
use crate::core::sign::{huawei, tencent};

/// The `User-Agent` every call carries.
pub const USER_AGENT: &str = concat!("offsetdeck/", env!("CARGO_PKG_VERSION"));

/// A successful answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Parsed JSON: Huawei's body, or Tencent's `Response` object; `Null` for an empty body.
    pub json: Value,
    /// The service's request id.
    pub request_id: Option<String>,
    /// How many tries it took.
    pub tries: u32,
    /// The body as sent, when the request asked for it unparsed (`json` is then `Null`); empty otherwise.
    pub raw: Vec<u8>,
    /// The body's length: a listing counts its pages' bytes against its budget.
    pub bytes: usize,
}

/// The most of an answer's body that is read. The largest answers offsetdeck asks for are one group's offsets on a
/// topic of 100,000 partitions (CKafka DescribeGroupOffsets, Huawei's group detail), about 10-15 MiB.
pub const MAX_BODY_BYTES: usize = 64 << 20;

/// A call's end after its retries: the answer or the last error, and how many tries were made.
#[derive(Debug)]
pub struct Sent {
    pub result: Result<Answer, CallError>,
    pub tries: u32,
}

/// What a key id is known to be in this process.
#[derive(Debug, Clone)]
enum KeyState {
    /// No answer yet says whether the service takes it: its calls go one at a time, so a wrong key costs one failed
    /// signature, not one per call of a fan-out (Huawei locks an AK after 5).
    Unproven(std::sync::Arc<tokio::sync::Mutex<()>>),
    /// The service answered a call signed with it.
    Accepted,
    /// The service refused it: nothing more is sent with it until [`Client::forgive`].
    Refused(CallError),
}

/// A shareable read: (operation, endpoint, path, query, body, key id).
type ReadKey = (&'static str, String, String, Vec<(String, String)>, Vec<u8>, String);

/// One shareable read's last answer; identical reads wait on the lock while one is in flight.
type SharedRead = std::sync::Arc<tokio::sync::Mutex<Option<(Instant, Answer)>>>;

/// What a Tencent signing key was derived for: SecretId, SecretKey, UTC date, service.
type KeyId = (String, Secret, String, &'static str);

/// The client. Cheap to share behind an `Arc`.
pub struct Client {
    http: reqwest::Client,
    config: ClientConfig,
    /// When recent calls were sent, per (operation, endpoint), for the one-second windows.
    sent: Mutex<HashMap<(&'static str, String), std::collections::VecDeque<Instant>>>,
    /// The learned rate per (operation, endpoint).
    rates: Mutex<HashMap<(&'static str, String), super::adaptive::Rate>>,
    /// Told when a learned rate changes.
    watcher: Mutex<Option<RateWatcher>>,
    /// Told when a throttle answer is waited out.
    waits: Mutex<Option<WaitWatcher>>,
    listings: super::progress::Slot,
    /// What each key id is known to be: unproven (its calls go one at a time), accepted, or refused.
    keys: Mutex<HashMap<(String, Secret), KeyState>>,
    /// Answers of shareable reads, by what was asked and with which key, with when they came.
    shared_reads: Mutex<HashMap<ReadKey, SharedRead>>,
    /// Huawei keyed HMACs by SK.
    hw_keys: Mutex<HashMap<Secret, huawei::SigningKey>>,
    /// Tencent signing keys by (SecretId, SecretKey, date, service): derived once a day instead of on every call. The
    /// secret is part of the key, so a different secret for the same id is never signed with a stale key.
    tc_keys: Mutex<HashMap<KeyId, tencent::SigningKey>>,
}

impl Client {
    /// Builds a client with rustls.
    pub fn new(config: ClientConfig) -> Result<Self, CallError> {
        let mut http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(USER_AGENT);
        if !config.tls {
            http = http.tls_certs_only(Vec::new());
        }
        let http = http.build().map_err(|e| CallError::Connect(e.to_string()))?;
        Ok(Self {
            http,
            config,
            sent: Mutex::new(HashMap::new()),
            rates: Mutex::new(HashMap::new()),
            watcher: Mutex::new(None),
            waits: Mutex::new(None),
            listings: Mutex::new(None),
            shared_reads: Mutex::new(HashMap::new()),
            keys: Mutex::new(HashMap::new()),
            tc_keys: Mutex::new(HashMap::new()),
            hw_keys: Mutex::new(HashMap::new()),
        })
    }

    /// The signing key for these credentials, date and service, derived on first use of the day.
    fn tencent_key(&self, creds: &Credentials, date: &str, service: &'static str) -> tencent::SigningKey {
        let mut keys = self.tc_keys.lock().unwrap_or_else(|e| e.into_inner());
        keys.retain(|(_, _, d, _), _| d == date);
        keys.entry((creds.id.expose().to_owned(), creds.secret.clone(), date.to_owned(), service))
            .or_insert_with(|| tencent::SigningKey::derive(creds.secret.expose(), date, service))
            .clone()
    }

    /// Sends a call, retrying what is safe to retry. A shareable read answered within its window is answered
    /// from that answer instead of being sent again.
    pub async fn call(&self, req: &ApiRequest, creds: &Credentials) -> Result<Answer, CallError> {
        let Some(fresh_for) = req.share_for else { return self.send(req, creds).await.result };
        let key: ReadKey = (
            req.op,
            req.endpoint.clone(),
            req.path.clone(),
            req.query.clone(),
            req.body.clone(),
            creds.id.expose().to_owned(),
        );
        let slot = {
            let mut reads = self.shared_reads.lock().unwrap_or_else(|e| e.into_inner());
            // Bounded: answers older than a minute are dropped whenever a shareable read is made.
            if reads.len() > 256 {
                let recent = |a: &Option<(Instant, Answer)>| {
                    a.as_ref().is_some_and(|(t, _)| t.elapsed() < Duration::from_secs(60))
                };
                reads.retain(|_, r| r.try_lock().map_or(true, |a| recent(&a)));
            }
            reads.entry(key).or_default().clone()
        };
        let mut held = slot.lock().await;
        if let Some((_, a)) = held.as_ref().filter(|(at, _)| at.elapsed() < fresh_for) {
            return Ok(a.clone());
        }
        let result = self.send(req, creds).await.result;
        if let Ok(a) = &result {
            *held = Some((Instant::now(), a.clone()));
        }
        result
    }

    /// Sends a call, retrying what is safe to retry, and says how many tries it took, failed or not. A throttle
    /// answer means the call was not applied: it is waited out, whatever the call, for as long as the call's
    /// throttle budget lasts, and does not count against the tries.
    pub async fn send(&self, req: &ApiRequest, creds: &Credentials) -> Sent {
        // One failed signature per bad key, whatever path the calls come from: a key not yet proven sends one call
        // at a time, and a refused key sends nothing more.
        // The secret is part of the identity: a corrected secret for the same id is a new key, tried afresh.
        let id = (creds.id.expose().to_owned(), creds.secret.clone());
        loop {
            let gate = {
                let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
                let state = keys
                    .entry(id.clone())
                    .or_insert_with(|| KeyState::Unproven(std::sync::Arc::new(tokio::sync::Mutex::new(()))));
                match state {
                    KeyState::Accepted => None,
                    KeyState::Refused(e) => return Sent { result: Err(not_sent(e)), tries: 0 },
                    KeyState::Unproven(gate) => Some(gate.clone()),
                }
            };
            let Some(gate) = gate else {
                let sent = self.send_paced(req, creds).await;
                // A key revoked while in use is refused from then on too.
                if let Err(e) = &sent.result
                    && e.is_auth()
                {
                    self.keys.lock().unwrap_or_else(|e| e.into_inner()).insert(id, KeyState::Refused(e.clone()));
                }
                return sent;
            };
            let _alone = gate.lock().await;
            // Another call may have settled it while this one waited.
            if !matches!(self.keys.lock().unwrap_or_else(|e| e.into_inner()).get(&id), Some(KeyState::Unproven(_))) {
                continue;
            }
            let sent = self.send_paced(req, creds).await;
            let settled = match &sent.result {
                Err(e) if e.is_auth() => Some(KeyState::Refused(e.clone())),
                // Any answer past the signature check proves the key; a call that never reached the service does not.
                Ok(_) | Err(CallError::Api { .. } | CallError::Throttled { .. } | CallError::Server { .. }) => {
                    Some(KeyState::Accepted)
                }
                Err(_) => None,
            };
            if let Some(state) = settled {
                self.keys.lock().unwrap_or_else(|e| e.into_inner()).insert(id, state);
            }
            return sent;
        }
    }

    /// Lets a refused key be tried again (the user fixed it and asked to retry): its next call goes alone.
    pub fn forgive(&self, creds: &Credentials) {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        let id = (creds.id.expose().to_owned(), creds.secret.clone());
        if matches!(keys.get(&id), Some(KeyState::Refused(_))) {
            keys.remove(&id);
        }
    }

    /// Whether the service has refused this key in this process.
    pub fn refused(&self, creds: &Credentials) -> bool {
        let id = (creds.id.expose().to_owned(), creds.secret.clone());
        matches!(self.keys.lock().unwrap_or_else(|e| e.into_inner()).get(&id), Some(KeyState::Refused(_)))
    }

    async fn send_paced(&self, req: &ApiRequest, creds: &Credentials) -> Sent {
        let mut tries = 0;
        let mut throttles = 0u32;
        let mut budget = self.config.throttle_budget;
        loop {
            tries += 1;
            let stamp = self.pace(req).await;
            let once = self.send_once(req, creds).await;
            if let (Some(shared), Some(stamp)) = (&self.config.shared, stamp) {
                // Best effort: a window file that cannot be written leaves the send time, which is still counted.
                let _ = shared.settle(req.op, &req.endpoint, stamp);
            }
            self.learn(
                req,
                match &once {
                    Ok(_) => Some(false),
                    Err(CallError::Throttled { .. }) => Some(true),
                    Err(_) => None,
                },
            );
            match once {
                Ok(mut a) => {
                    a.tries = tries;
                    return Sent { result: Ok(a), tries };
                }
                Err(CallError::Throttled { .. }) if budget > Duration::ZERO => {
                    throttles += 1;
                    let wait = throttle_wait(self.config.throttle_backoff, throttles).min(budget);
                    budget = budget.saturating_sub(wait);
                    let watcher = self.waits.lock().unwrap_or_else(|e| e.into_inner()).clone();
                    if let Some(w) = watcher {
                        let waited =
                            Waited { op: req.op, endpoint: req.endpoint.clone(), wait, budget_left: budget, throttles };
                        (w.0)(&waited);
                    }
                    tokio::time::sleep(wait).await;
                }
                Err(e) if tries - throttles < self.config.max_tries && e.retryable(req.idempotent) => {
                    let ceiling = self.config.backoff_base * 2u32.pow(tries - throttles - 1);
                    let jitter = ceiling.mul_f64(fastrand::f64());
                    tokio::time::sleep(jitter).await;
                }
                Err(e) => return Sent { result: Err(e), tries },
            }
        }
    }

    async fn send_once(&self, req: &ApiRequest, creds: &Credentials) -> Result<Answer, CallError> {
        let url = reqwest::Url::parse(&req.endpoint).map_err(|e| CallError::Connect(format!("bad endpoint: {e}")))?;
        let host = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        let now = jiff::Timestamp::now();
        // Each cloud's module knows its headers; the client only keeps the derived keys and sends.
        let (full_url, headers) = match &req.signing {
            Signing::Huawei { project_id } => {
                let key = {
                    let mut keys = self.hw_keys.lock().unwrap_or_else(|e| e.into_inner());
                    keys.entry(creds.secret.clone()).or_insert_with(|| huawei::SigningKey::new(&creds.secret)).clone()
                };
                huawei_wire::prepare(req, project_id, &host, creds, &key, now)
            }
            Signing::Tencent { service, action, version, region } => {
                let ts = now.as_second();
                let key = self.tencent_key(creds, &tencent::credential_date(ts), service);
                let scope = tencent_wire::Scope { service, action, version, region };
                tencent_wire::prepare(req, &scope, &host, creds, &key, ts)
            }
        };
        let mut map = HeaderMap::new();
        for (k, v) in &headers {
            let name = HeaderName::from_bytes(k.as_bytes()).map_err(|e| CallError::Connect(e.to_string()))?;
            let value = HeaderValue::from_str(v).map_err(|_| CallError::Connect(format!("header {k} is not valid")))?;
            map.insert(name, value);
        }
        let method =
            reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|e| CallError::Connect(e.to_string()))?;
        // The URL is built by hand so the query goes out exactly as signed (never through `.query()`).
        let mut resp = self
            .http
            .request(method, &full_url)
            .headers(map)
            .body(req.body.clone())
            .send()
            .await
            .map_err(|e| self.transport_error(e))?;
        let status = resp.status().as_u16();
        let request_id = resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        // Read up to a cap: a hostile or broken server must not fill memory with an endless answer.
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport_error(e))? {
            if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(CallError::Malformed {
                    detail: format!("the answer is larger than {} MiB; it was not read", MAX_BODY_BYTES >> 20),
                    request_id,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        let request_id = request_id.map(|r| crate::core::inert::one_line(&r).into_owned());
        // The one boundary for what a server sends: every string of the answer, and every error's text, is kept to
        // one line before anything places it in a line of output (raw answers are read by readers that do so).
        let n = bytes.len();
        let answer = match req.signing {
            Signing::Huawei { .. } if req.raw_answer && status < 400 => {
                return Ok(Answer {
                    status,
                    json: serde_json::Value::Null,
                    request_id,
                    tries: 1,
                    raw: bytes,
                    bytes: n,
                });
            }
            Signing::Huawei { .. } => huawei_wire::interpret(status, &bytes, request_id),
            Signing::Tencent { .. } if req.raw_answer => tencent_wire::interpret_raw(status, bytes, request_id),
            Signing::Tencent { .. } => tencent_wire::interpret(status, &bytes, request_id),
        };
        match answer {
            Ok(mut a) => {
                a.bytes = n;
                one_line_strings(&mut a.json);
                a.request_id = a.request_id.map(|r| crate::core::inert::one_line(&r).into_owned());
                Ok(a)
            }
            Err(e) => Err(e.one_line()),
        }
    }

    fn transport_error(&self, e: reqwest::Error) -> CallError {
        self.transport_error_raw(e).one_line()
    }

    fn transport_error_raw(&self, e: reqwest::Error) -> CallError {
        if e.is_timeout() {
            CallError::Timeout(self.config.request_timeout)
        } else if e.is_connect() {
            CallError::Connect(source_chain(&e))
        } else {
            CallError::Dropped(source_chain(&e))
        }
    }
}

/// Every string in an answer (keys included) kept to one line, in place; strings without a line break are not
/// touched.
fn one_line_strings(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(o) = crate::core::inert::one_line(s) {
                *s = o;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(one_line_strings),
        Value::Object(map) => {
            if map.keys().any(|k| matches!(crate::core::inert::one_line(k), std::borrow::Cow::Owned(_))) {
                let taken = std::mem::take(map);
                for (k, mut val) in taken {
                    one_line_strings(&mut val);
                    map.insert(crate::core::inert::one_line(&k).into_owned(), val);
                }
            } else {
                map.values_mut().for_each(one_line_strings);
            }
        }
        _ => {}
    }
}

/// The error of a call not sent because its key was refused before: the same refusal, said to be that.
fn not_sent(refused: &CallError) -> CallError {
    match refused {
        CallError::Auth { code, message, .. } => CallError::Auth {
            code: code.clone(),
            message: format!("{message} (not sent: this key was already refused in this run; fix it, then retry)"),
            request_id: None,
        },
        other => other.clone(),
    }
}

/// The wait after the `n`th throttle answer of a call: the base (the services' one-second window), doubling to
/// eight times it, plus up to half of it again at random.
fn throttle_wait(base: Duration, n: u32) -> Duration {
    let w = base * 2u32.pow(n.saturating_sub(1).min(3));
    w + w.mul_f64(fastrand::f64() * 0.5)
}

fn source_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_throttle_waits_at_least_the_window_doubling_to_eight_with_jitter() {
        let base = Duration::from_secs(1);
        for n in 1..=6 {
            let w = throttle_wait(base, n);
            let floor = base * 2u32.pow((n - 1).min(3));
            assert!(w >= floor && w <= floor.mul_f64(1.5), "wait {n}: {w:?}");
        }
        let spread: std::collections::HashSet<u128> = (0..20).map(|_| throttle_wait(base, 1).as_millis()).collect();
        assert!(spread.len() > 1, "jittered");
    }
}
