//! A local emulator of both clouds' APIs on 127.0.0.1, for `--demo` and for every test. Depends on `core` alone.
//!
//! By default one port serves all three APIs: Huawei is routed by path (`/v2/...`), Tencent (`POST /`) by its action,
//! and a signature whose credential scope names the other Tencent service is refused, as the real gateway would.
//! [`spawn_separate`] serves each API on its own port instead. Admin routes under `/_admin/` (on every port) inject
//! faults and change group states; only tests and the demo use them.

mod admin;
pub mod data;
pub mod gate;
mod huawei;
pub mod large;
pub mod living;
mod messages;
mod profile_out;
pub mod state;
mod tencent;
mod tencent_messages;
mod tencent_params;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};

pub use gate::{Armed, FaultKind, LOCKOUT_FAILURES};
use gate::{Gate, ReceivedHuawei, ReceivedTencent};
pub use huawei::ACTIVE_GROUP_CODE;
pub use profile_out::{write_profile, write_profile_for};
use state::{GroupState, World};

/// The emulator's shared state. A plain mutex: it is never held across an await.
pub struct Inner {
    /// What is served.
    pub world: World,
    /// Signatures, faults, limits.
    pub gate: Gate,
    /// What the clouds' documents leave open, switchable so a test can prove nothing depends on one answer.
    pub quirks: Quirks,
    next_request: u64,
    /// Whether each request is logged on stderr (the standalone emulator; never in-process under the dashboard).
    log: bool,
}

impl Inner {
    fn now_ms(&self) -> i64 {
        jiff::Timestamp::now().as_millisecond()
    }

    fn request_id(&mut self) -> String {
        self.next_request += 1;
        let r = fastrand::u64(..);
        format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            self.next_request,
            r & 0xffff,
            (r >> 16) & 0xfff,
            (r >> 28) & 0xfff,
            r >> 40
        )
    }
}

/// Behaviours the clouds do not document, each switchable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quirks {
    /// Huawei ShowMessages lists a time window newest first (its order is documented nowhere).
    pub newest_first: bool,
}

/// What a handler answers.
pub enum Reply {
    /// A Huawei response: status and JSON body (none for 204).
    Huawei { status: u16, body: Option<Value> },
    /// A Tencent success: the action's fields.
    TencentOk(Value),
    /// A Tencent error, inside HTTP 200.
    TencentErr(String, String),
}

/// Which API a port serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// All three, on one port.
    All,
    Huawei,
    Ckafka,
    Dts,
}

/// A running emulator.
#[derive(Clone)]
pub struct Handle {
    /// Huawei's, CKafka's and DTS's addresses (the same one when a single port serves all).
    addrs: [SocketAddr; 3],
    inner: Arc<Mutex<Inner>>,
    shutdown: Arc<tokio::sync::Notify>,
}

impl Handle {
    /// The address it listens on (Huawei's, when each API has its own).
    pub fn addr(&self) -> SocketAddr {
        self.addrs[0]
    }

    /// `http://127.0.0.1:PORT`: every API's, or Huawei's when each has its own port.
    pub fn url(&self) -> String {
        format!("http://{}", self.addrs[0])
    }

    /// Each API's URL: Huawei, CKafka, DTS.
    pub fn urls(&self) -> [String; 3] {
        self.addrs.map(|a| format!("http://{a}"))
    }

    /// The one-line JSON announced on start.
    pub fn announcement(&self) -> String {
        let [huawei, ckafka, dts] = self.urls();
        json!({"huawei": huawei, "ckafka": ckafka, "dts": dts}).to_string()
    }

    /// Locks the state, for tests and the demo.
    pub fn state(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Arms `count` faults of a kind for an operation (`"*"` for all).
    pub fn inject(&self, op: &str, kind: FaultKind, count: usize) {
        let mut s = self.state();
        let armed = s.gate.faults.entry(op.to_owned()).or_default();
        armed.queue.extend(std::iter::repeat_n(kind, count));
    }

    /// Arms random faults and latency spikes for an operation (`"*"` for all).
    pub fn set_random_faults(&self, op: &str, random: Vec<(FaultKind, f64)>, spike: Option<(f64, Duration)>) {
        let mut s = self.state();
        let armed = s.gate.faults.entry(op.to_owned()).or_default();
        armed.random = random;
        armed.spike = spike.map(|(p, d)| (p, d.as_millis() as u64));
    }

    /// Adds latency to an operation (`"*"` for all).
    pub fn set_latency(&self, op: &str, latency: Duration) {
        self.state().gate.faults.entry(op.to_owned()).or_default().latency_ms = latency.as_millis() as u64;
    }

    /// Switches the published rate limits on or off.
    pub fn set_rate_limits(&self, on: bool) {
        self.state().gate.rate_limits_on = on;
    }

    /// Empties the rate windows, as a second without calls would: a test starts a new burst without waiting.
    pub fn forget_rate_windows(&self) {
        self.state().gate.forget_windows();
    }

    /// Switches the undocumented behaviours.
    pub fn set_quirks(&self, quirks: Quirks) {
        self.state().quirks = quirks;
    }

    /// Sets a group's state (see [`World::set_group_state`]).
    pub fn set_group_state(&self, group: &str, state: GroupState) -> bool {
        self.state().world.set_group_state(group, state)
    }

    /// Stops the server.
    pub fn shutdown(&self) {
        self.shutdown.notify_waiters();
        self.shutdown.notify_one();
    }
}

/// Starts the emulator on `addr` (use port 0 for any free port). Only loopback addresses are accepted.
pub async fn spawn(world: World, addr: SocketAddr) -> std::io::Result<Handle> {
    spawn_with(world, addr, false).await
}

/// Like [`spawn`], optionally logging one line per request on stderr.
pub async fn spawn_with(world: World, addr: SocketAddr, log: bool) -> std::io::Result<Handle> {
    serve(world, &[(addr, Api::All)], log).await
}

/// Each API on its own loopback port, as the real services have their own hosts: a Tencent request signed for the
/// other service is refused there.
pub async fn spawn_separate(world: World, log: bool) -> std::io::Result<Handle> {
    let any: SocketAddr = ([127, 0, 0, 1], 0).into();
    serve(world, &[(any, Api::Huawei), (any, Api::Ckafka), (any, Api::Dts)], log).await
}

async fn serve(world: World, ports: &[(SocketAddr, Api)], log: bool) -> std::io::Result<Handle> {
    let inner =
        Arc::new(Mutex::new(Inner { world, gate: Gate::new(), quirks: Quirks::default(), next_request: 0, log }));
    let shutdown = Arc::new(tokio::sync::Notify::new());
    let mut bound = Vec::new();
    for (addr, api) in ports {
        if !addr.ip().is_loopback() {
            return Err(std::io::Error::other("the emulator binds to a loopback address only"));
        }
        let listener = tokio::net::TcpListener::bind(addr).await?;
        bound.push(listener.local_addr()?);
        let app = axum::Router::new().fallback(entry).with_state((inner.clone(), *api));
        let stop = shutdown.clone();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).with_graceful_shutdown(async move { stop.notified().await }).await;
        });
    }
    let addrs = match bound[..] {
        [one] => [one; 3],
        [h, c, d] => [h, c, d],
        _ => return Err(std::io::Error::other("one port, or one per API")),
    };
    let ticker = inner.clone();
    tokio::spawn(async move {
        // Live topics grow with the wall clock, so lag grows while the demo runs.
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            let mut s = ticker.lock().unwrap_or_else(|e| e.into_inner());
            let now = s.now_ms();
            s.world.advance(now);
        }
    });
    Ok(Handle { addrs, inner, shutdown })
}

type Shared = Arc<Mutex<Inner>>;

fn lock(s: &Shared) -> MutexGuard<'_, Inner> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}

async fn entry(
    State((shared, api)): State<(Shared, Api)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    if let Some(route) = path.strip_prefix("/_admin/") {
        return admin::route(&shared, route, &body);
    }
    // A port of one API answers nothing else, as another cloud's host would not.
    let huawei_path = path.starts_with("/v2/");
    if matches!((api, huawei_path), (Api::Huawei, false) | (Api::Ckafka | Api::Dts, true)) {
        return Response::builder().status(StatusCode::NOT_FOUND).body(Body::from("not this API")).unwrap_or_default();
    }
    let hdrs: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let header = |n: &str| hdrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(_, v)| v.clone());
    let query = uri.query().unwrap_or("").to_owned();
    let (is_huawei, op) = if path.starts_with("/v2/") {
        (true, huawei::route(method.as_str(), &path).map(|(op, _)| op.to_owned()))
    } else if path == "/" && method == Method::POST {
        (false, header("x-tc-action"))
    } else {
        (true, None)
    };
    let Some(op) = op else {
        let id = lock(&shared).request_id();
        return respond(
            Reply::Huawei {
                status: 404,
                body: Some(
                    json!({"error_code": "APIG.0101", "error_msg": "The API does not exist or has not been published in the environment"}),
                ),
            },
            &id,
        );
    };
    let (fault, latency) = {
        let mut s = lock(&shared);
        let now = s.now_ms();
        let limited = s.gate.over_limit(&op, now);
        let about = format!("{path} {}", String::from_utf8_lossy(&body));
        let (f, l) = s.gate.fault_for(&op, &about);
        (if limited { Some(FaultKind::Throttle) } else { f }, l)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let mut s = lock(&shared);
    let id = s.request_id();
    match fault {
        Some(FaultKind::Drop) => return dropped(),
        Some(FaultKind::Malformed) => {
            return Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .header("x-request-id", &id)
                .body(Body::from("{\"Response\": {\"RequestId\": \""))
                .unwrap_or_default();
        }
        Some(FaultKind::ServerError) => {
            let r = if is_huawei {
                Reply::Huawei {
                    status: 503,
                    body: Some(json!({"error_code": "DMS.00500000", "error_msg": "Service unavailable"})),
                }
            } else {
                return Response::builder()
                    .status(503)
                    .header("x-request-id", &id)
                    .body(Body::from("Service Unavailable"))
                    .unwrap_or_default();
            };
            return respond(r, &id);
        }
        Some(FaultKind::Throttle) => {
            let r = if is_huawei {
                Reply::Huawei {
                    status: 429,
                    body: Some(json!({"error_code": "APIG.0308", "error_msg": "The request is throttled"})),
                }
            } else {
                Reply::TencentErr(
                    "RequestLimitExceeded".into(),
                    "Your current request times equals to the limit".into(),
                )
            };
            return respond(r, &id);
        }
        None | Some(FaultKind::DropAfterApply) => {}
    }
    if s.log {
        eprintln!("{} {method} {path} {op} request {id}", jiff::Timestamp::now().strftime("%H:%M:%S"));
    }
    let now_s = s.now_ms() / 1000;
    let reply = if is_huawei {
        let received =
            ReceivedHuawei { method: method.as_str(), path: &path, query: &query, headers: &hdrs, body: &body };
        let world = &s.world;
        let keys: Vec<(String, String)> = world.huawei.iter().map(|a| (a.ak.clone(), a.sk.clone())).collect();
        match s.gate.verify_huawei(&received, now_s, |ak| keys.iter().find(|(a, _)| a == ak).map(|(_, sk)| sk.clone()))
        {
            Err(e) => huawei::auth_error(&e, &id),
            Ok(ak) => {
                let (_, segs) = huawei::route(method.as_str(), &path).unwrap_or_default();
                let pairs = crate::core::sign::huawei::decode_query(&query);
                huawei::execute(&mut s, &op, &segs, &pairs, &body, &ak)
            }
        }
    } else {
        tencent_reply(&mut s, api, &op, &hdrs, &query, &body, now_s)
    };
    if fault == Some(FaultKind::DropAfterApply) {
        return dropped();
    }
    respond(reply, &id)
}

fn tencent_reply(
    s: &mut Inner,
    api: Api,
    action: &str,
    hdrs: &[(String, String)],
    query: &str,
    body: &[u8],
    now_s: i64,
) -> Reply {
    let header = |n: &str| hdrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(_, v)| v.as_str());
    let auth = header("authorization");
    let service = auth
        .and_then(crate::core::sign::tencent::parse_authorization)
        .map(|a| a.service.to_owned())
        .unwrap_or_default();
    // The API is the port's, or on a shared port the one the action belongs to; the scope must name it.
    let expected = match api {
        Api::Ckafka => Some("ckafka"),
        Api::Dts => Some("dts"),
        _ => tencent_params::service_of(action),
    };
    match expected {
        Some(e) if e != service => {
            return Reply::TencentErr(
                "AuthFailure.SignatureFailure".into(),
                format!("The credential scope names the service `{service}`, but this is the {e} API"),
            );
        }
        None if service != "ckafka" && service != "dts" => {
            return Reply::TencentErr(
                "AuthFailure.SignatureFailure".into(),
                "The credential scope must name the service ckafka or dts".into(),
            );
        }
        _ => {}
    }
    let Some(timestamp) = header("x-tc-timestamp").and_then(|t| t.parse().ok()) else {
        return Reply::TencentErr("AuthFailure.InvalidAuthorization".into(), "bad X-TC-Timestamp".into());
    };
    let request = crate::core::sign::tencent::Request {
        method: "POST",
        service: &service,
        host: header("host").unwrap_or(""),
        content_type: header("content-type").unwrap_or(""),
        query,
        payload: body,
        timestamp,
    };
    let received = ReceivedTencent { request, authorization: auth };
    let keys: Vec<(String, String)> =
        s.world.tencent.iter().map(|a| (a.secret_id.clone(), a.secret_key.clone())).collect();
    let id = match s
        .gate
        .verify_tencent(&received, now_s, |sid| keys.iter().find(|(a, _)| a == sid).map(|(_, k)| k.clone()))
    {
        Ok(id) => id,
        Err(gate::AuthError::Expired(m)) => return Reply::TencentErr("AuthFailure.SignatureExpire".into(), m),
        Err(gate::AuthError::UnknownKey) => {
            return Reply::TencentErr("AuthFailure.SecretIdNotFound".into(), "The SecretId is not found".into());
        }
        Err(gate::AuthError::Malformed(m)) => return Reply::TencentErr("AuthFailure.InvalidAuthorization".into(), m),
        Err(_) => {
            return Reply::TencentErr(
                "AuthFailure.SignatureFailure".into(),
                "The provided credentials could not be validated".into(),
            );
        }
    };
    if header("x-tc-version") != Some(tencent::version(&service)) {
        return Reply::TencentErr(
            "NoSuchVersion".into(),
            format!("The API version is not {}", tencent::version(&service)),
        );
    }
    if header("x-tc-region").is_none_or(str::is_empty) {
        return Reply::TencentErr(
            "MissingParameter".into(),
            "The request is missing a required parameter `Region`".into(),
        );
    }
    let now_ms = s.now_ms();
    let Some(acc) = s.world.tencent.iter_mut().find(|a| a.secret_id == id) else {
        return Reply::TencentErr("AuthFailure.SecretIdNotFound".into(), "The SecretId is not found".into());
    };
    match tencent::execute(acc, &service, action, body, now_ms) {
        Ok(v) => Reply::TencentOk(v),
        Err(tencent::TcError(code, msg)) => Reply::TencentErr(code, msg),
    }
}

fn respond(reply: Reply, id: &str) -> Response {
    let (status, body) = match reply {
        Reply::Huawei { status, body } => (status, body.map(|b| b.to_string())),
        Reply::TencentOk(mut v) => {
            if let Some(o) = v.as_object_mut() {
                o.insert("RequestId".into(), id.into());
            }
            (200, Some(json!({"Response": v}).to_string()))
        }
        Reply::TencentErr(code, msg) => {
            (200, Some(json!({"Response": {"Error": {"Code": code, "Message": msg}, "RequestId": id}}).to_string()))
        }
    };
    let mut b =
        Response::builder().status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK)).header("x-request-id", id);
    if body.is_some() {
        b = b.header("content-type", "application/json");
    }
    b.body(body.map(Body::from).unwrap_or_default()).unwrap_or_default()
}

/// A response whose body fails at once: the client sees the connection drop mid-response.
fn dropped() -> Response {
    let failing = futures_util::stream::once(async { Err::<Bytes, std::io::Error>(std::io::Error::other("dropped")) });
    Response::builder().status(200).body(Body::from_stream(failing)).unwrap_or_default()
}
