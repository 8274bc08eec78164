//! The one HTTP client: signs, rate-limits, sends exactly the signed bytes, retries what is safe, and reads both
//! clouds' error shapes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tokio::time::Instant;

use super::error::CallError;
use super::request::{ApiRequest, Signing};
use crate::core::credentials::Credentials;
use crate::core::secret::Secret;
use crate::core::sign::{huawei, tencent};

/// The `User-Agent` every call carries.
pub const USER_AGENT: &str = concat!("offsetdeck/", env!("CARGO_PKG_VERSION"));

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
    /// Published calls per second per operation.
    pub rate_limits: HashMap<&'static str, u32>,
    /// Whether calls are paced at all (off for tests and benchmarks).
    pub limits_on: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_tries: 3,
            backoff_base: Duration::from_millis(200),
            rate_limits: HashMap::from([
                ("ModifyGroupOffsets", 100),
                ("ResetConsumerGroupOffset", 20),
                ("BatchModifyGroupOffsets", 20),
                ("DescribeGroupOffsets", 100),
                ("DescribeConsumerGroup", 100),
            ]),
            limits_on: true,
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
}

/// What a Tencent signing key was derived for: SecretId, SecretKey, UTC date, service.
type KeyId = (String, Secret, String, &'static str);

/// The client. Cheap to share behind an `Arc`.
pub struct Client {
    http: reqwest::Client,
    config: ClientConfig,
    /// When recent calls were sent, per (operation, endpoint), for the one-second windows.
    sent: Mutex<HashMap<(&'static str, String), std::collections::VecDeque<Instant>>>,
    /// Huawei keyed HMACs by SK.
    hw_keys: Mutex<HashMap<Secret, huawei::SigningKey>>,
    /// Tencent signing keys by (SecretId, SecretKey, date, service): derived once a day instead of on every call. The
    /// secret is part of the key, so a different secret for the same id is never signed with a stale key.
    tc_keys: Mutex<HashMap<KeyId, tencent::SigningKey>>,
}

impl Client {
    /// Builds a client with rustls.
    pub fn new(config: ClientConfig) -> Result<Self, CallError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(USER_AGENT)
            .build()
            .map_err(|e| CallError::Connect(e.to_string()))?;
        Ok(Self {
            http,
            config,
            sent: Mutex::new(HashMap::new()),
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

    /// Waits for the operation's next rate-limit slot.
    async fn pace(&self, req: &ApiRequest) {
        if !self.config.limits_on {
            return;
        }
        let limit = req.rate_limit.or_else(|| self.config.rate_limits.get(req.op).copied());
        let Some(limit) = limit.filter(|l| *l > 0) else { return };
        // Limits are published per second, so they are kept the way the service counts them: a sliding one-second
        // window. Sparse calls never wait; a long batch runs at the limit. The window admits 2% fewer calls than the
        // limit (at least one), because calls sent exactly at the limit can arrive bunched by network jitter.
        let allowed = (limit - (limit / 50).max(1)).max(1) as usize;
        let window = Duration::from_secs(1);
        loop {
            let wait_until = {
                let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                let times = sent.entry((req.op, req.endpoint.clone())).or_default();
                while times.front().is_some_and(|t| now.duration_since(*t) >= window) {
                    times.pop_front();
                }
                if times.len() < allowed {
                    times.push_back(now);
                    return;
                }
                times[0] + window
            };
            tokio::time::sleep_until(wait_until).await;
        }
    }

    /// Sends a call, retrying what is safe to retry.
    pub async fn call(&self, req: &ApiRequest, creds: &Credentials) -> Result<Answer, CallError> {
        let mut tries = 0;
        loop {
            tries += 1;
            self.pace(req).await;
            match self.send_once(req, creds).await {
                Ok(mut a) => {
                    a.tries = tries;
                    return Ok(a);
                }
                Err(e) if tries < self.config.max_tries && e.retryable(req.idempotent) => {
                    let ceiling = self.config.backoff_base * 2u32.pow(tries - 1);
                    let jitter = ceiling.mul_f64(fastrand::f64());
                    tokio::time::sleep(jitter).await;
                }
                Err(e) => return Err(e),
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
        let mut headers: Vec<(String, String)> = Vec::new();
        let full_url = match &req.signing {
            Signing::Huawei { project_id } => {
                headers.push(("Content-Type".into(), "application/json".into()));
                headers.push(("Host".into(), host.clone()));
                headers.push(("User-Agent".into(), USER_AGENT.into()));
                headers.push(("X-Project-Id".into(), project_id.clone()));
                let r = huawei::Request {
                    method: req.method,
                    path: &req.path,
                    query: &req.query,
                    headers: &headers,
                    body: &req.body,
                };
                let key = {
                    let mut keys = self.hw_keys.lock().unwrap_or_else(|e| e.into_inner());
                    keys.entry(creds.secret.clone()).or_insert_with(|| huawei::SigningKey::new(&creds.secret)).clone()
                };
                let signed = huawei::sign_with(&r, &creds.id, &key, creds.token.as_ref(), now);
                headers.extend(signed.headers);
                let q = if signed.query.is_empty() { String::new() } else { format!("?{}", signed.query) };
                format!("{}{}{q}", req.endpoint, req.path)
            }
            Signing::Tencent { service, action, version, region } => {
                let ts = now.as_second();
                let r = tencent::Request {
                    method: "POST",
                    service,
                    host: &host,
                    content_type: "application/json",
                    query: "",
                    payload: &req.body,
                    timestamp: ts,
                };
                let key = self.tencent_key(creds, &tencent::credential_date(ts), service);
                let signed = tencent::sign_with(&r, &creds.id, &key, creds.token.as_ref());
                headers.push(("Content-Type".into(), "application/json".into()));
                headers.push(("Host".into(), host.clone()));
                headers.push(("X-TC-Action".into(), (*action).into()));
                headers.push(("X-TC-Version".into(), (*version).into()));
                headers.push(("X-TC-Timestamp".into(), ts.to_string()));
                headers.push(("X-TC-Region".into(), region.clone()));
                headers.push(("X-TC-Language".into(), "en-US".into()));
                headers.extend(signed.headers);
                format!("{}/", req.endpoint)
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
        let resp = self
            .http
            .request(method, &full_url)
            .headers(map)
            .body(req.body.clone())
            .send()
            .await
            .map_err(|e| self.transport_error(e))?;
        let status = resp.status().as_u16();
        let request_id = resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = resp.bytes().await.map_err(|e| self.transport_error(e))?;
        match req.signing {
            Signing::Huawei { .. } => interpret_huawei(status, &bytes, request_id),
            Signing::Tencent { .. } => interpret_tencent(status, &bytes, request_id),
        }
    }

    fn transport_error(&self, e: reqwest::Error) -> CallError {
        if e.is_timeout() {
            CallError::Timeout(self.config.request_timeout)
        } else if e.is_connect() {
            CallError::Connect(source_chain(&e))
        } else {
            CallError::Dropped(source_chain(&e))
        }
    }
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

/// Finds `error_code`/`error_msg` (or the SDK's other spellings), at any depth, as the SDK does.
fn huawei_error_fields(v: &Value) -> Option<(String, String)> {
    let text = |x: &Value| match x {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    if let Value::Object(o) = v {
        for (c, m) in [("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message")] {
            if let (Some(code), Some(msg)) = (o.get(c).and_then(text), o.get(m).and_then(text)) {
                return Some((code, msg));
            }
        }
        return o.values().find_map(huawei_error_fields);
    }
    None
}

/// Reads a Huawei answer.
pub fn interpret_huawei(status: u16, body: &[u8], request_id: Option<String>) -> Result<Answer, CallError> {
    let json: Option<Value> =
        if body.iter().all(u8::is_ascii_whitespace) { Some(Value::Null) } else { serde_json::from_slice(body).ok() };
    if status < 400 {
        let json = json.ok_or_else(|| CallError::Malformed {
            detail: "the body is not JSON".into(),
            request_id: request_id.clone(),
        })?;
        return Ok(Answer { status, json, request_id, tries: 1 });
    }
    let (code, message) = json
        .as_ref()
        .and_then(huawei_error_fields)
        .unwrap_or_else(|| (status.to_string(), String::from_utf8_lossy(body).chars().take(200).collect()));
    let request_id = request_id.or_else(|| json.as_ref().and_then(|j| j["request_id"].as_str().map(str::to_owned)));
    Err(match status {
        401 | 403 if code.starts_with("APIG") && message.to_lowercase().contains("time") => {
            CallError::ClockSkew { code, message, window: "15 minutes", request_id }
        }
        401 | 403 => CallError::Auth {
            code,
            message: format!(
                "{message}. Check the AK/SK; not retried, because Huawei locks an AK for 5 minutes after 5 failed signatures"
            ),
            request_id,
        },
        429 => CallError::Throttled { code, message, request_id },
        500.. => CallError::Server { status, code, message, request_id },
        _ => CallError::Api { status, code, message, request_id },
    })
}

/// Reads a Tencent answer: errors arrive inside HTTP 200.
pub fn interpret_tencent(status: u16, body: &[u8], request_id: Option<String>) -> Result<Answer, CallError> {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let response = parsed.as_ref().and_then(|v| v.get("Response")).cloned();
    let Some(response) = response else {
        if status >= 500 {
            let message = String::from_utf8_lossy(body).chars().take(200).collect();
            return Err(CallError::Server { status, code: status.to_string(), message, request_id });
        }
        return Err(CallError::Malformed { detail: format!("HTTP {status} without a JSON `Response`"), request_id });
    };
    let request_id = response["RequestId"].as_str().map(str::to_owned).or(request_id);
    if let Some(err) = response.get("Error") {
        let code = err["Code"].as_str().unwrap_or("Unknown").to_owned();
        let message = err["Message"].as_str().unwrap_or("").to_owned();
        return Err(if code == "AuthFailure.SignatureExpire" {
            CallError::ClockSkew { code, message, window: "5 minutes", request_id }
        } else if code.starts_with("AuthFailure") {
            CallError::Auth { code, message, request_id }
        } else if code.starts_with("RequestLimitExceeded") {
            CallError::Throttled { code, message, request_id }
        } else if code.starts_with("InternalError") {
            CallError::Server { status, code, message, request_id }
        } else {
            CallError::Api { status, code, message, request_id }
        });
    }
    if status != 200 {
        return Err(CallError::Server {
            status,
            code: status.to_string(),
            message: "unexpected status".into(),
            request_id,
        });
    }
    Ok(Answer { status, json: response, request_id, tries: 1 })
}
