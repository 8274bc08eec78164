//! Tencent's side of the wire: the TC3 headers a call carries, and what an answer means (errors arrive in HTTP 200).

use serde_json::Value;

use crate::core::credentials::Credentials;
use crate::core::sign::tencent;
use crate::providers::client::Answer;
use crate::providers::error::CallError;
use crate::providers::request::ApiRequest;

/// What a call is signed for.
pub struct Scope<'a> {
    pub service: &'a str,
    pub action: &'a str,
    pub version: &'a str,
    pub region: &'a str,
}

/// The URL and headers for one signed call.
pub fn prepare(
    req: &ApiRequest,
    scope: &Scope<'_>,
    host: &str,
    creds: &Credentials,
    key: &tencent::SigningKey,
    timestamp: i64,
) -> (String, Vec<(String, String)>) {
    let r = tencent::Request {
        method: "POST",
        service: scope.service,
        host,
        content_type: "application/json",
        query: "",
        payload: &req.body,
        timestamp,
    };
    let signed = tencent::sign_with(&r, &creds.id, key, creds.token.as_ref());
    let mut headers: Vec<(String, String)> = vec![
        ("Content-Type".into(), "application/json".into()),
        ("Host".into(), host.to_owned()),
        ("X-TC-Action".into(), scope.action.to_owned()),
        ("X-TC-Version".into(), scope.version.to_owned()),
        ("X-TC-Timestamp".into(), timestamp.to_string()),
        ("X-TC-Region".into(), scope.region.to_owned()),
        ("X-TC-Language".into(), "en-US".into()),
    ];
    headers.extend(signed.headers);
    (format!("{}/", req.endpoint), headers)
}

/// Reads a Tencent answer: errors arrive inside HTTP 200.
pub fn interpret(status: u16, body: &[u8], request_id: Option<String>) -> Result<Answer, CallError> {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    // Taken, not cloned: one answer may be a group's 100,000 partitions.
    let response = parsed.and_then(|mut v| v.get_mut("Response").map(Value::take)).filter(|r| !r.is_null());
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
    Ok(Answer { status, json: response, request_id, tries: 1, raw: Vec::new(), bytes: 0 })
}
