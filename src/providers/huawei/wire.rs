//! Huawei's side of the wire: the headers a signed call carries, and what an answer means.

use serde_json::Value;

use crate::core::credentials::Credentials;
use crate::core::sign::huawei;
use crate::providers::client::{Answer, USER_AGENT};
use crate::providers::error::CallError;
use crate::providers::request::ApiRequest;

/// The URL and headers for one signed call: the query goes out exactly as signed.
pub fn prepare(
    req: &ApiRequest,
    project_id: &str,
    host: &str,
    creds: &Credentials,
    key: &huawei::SigningKey,
    now: jiff::Timestamp,
) -> (String, Vec<(String, String)>) {
    let mut headers: Vec<(String, String)> = vec![
        ("Content-Type".into(), "application/json".into()),
        ("Host".into(), host.to_owned()),
        ("User-Agent".into(), USER_AGENT.into()),
        ("X-Project-Id".into(), project_id.to_owned()),
    ];
    let r =
        huawei::Request { method: req.method, path: &req.path, query: &req.query, headers: &headers, body: &req.body };
    let signed = huawei::sign_with(&r, &creds.id, key, creds.token.as_ref(), now);
    headers.extend(signed.headers);
    let q = if signed.query.is_empty() { String::new() } else { format!("?{}", signed.query) };
    (format!("{}{}{q}", req.endpoint, req.path), headers)
}

/// Finds `error_code`/`error_msg` (or the SDK's other spellings), at any depth, as the SDK does.
fn error_fields(v: &Value) -> Option<(String, String)> {
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
        return o.values().find_map(error_fields);
    }
    None
}

/// Reads a Huawei answer.
pub fn interpret(status: u16, body: &[u8], request_id: Option<String>) -> Result<Answer, CallError> {
    let json: Option<Value> =
        if body.iter().all(u8::is_ascii_whitespace) { Some(Value::Null) } else { serde_json::from_slice(body).ok() };
    if status < 400 {
        let json = json.ok_or_else(|| CallError::Malformed {
            detail: "the body is not JSON".into(),
            request_id: request_id.clone(),
        })?;
        return Ok(Answer { status, json, request_id, tries: 1, raw: Vec::new(), bytes: 0 });
    }
    let (code, message) = json
        .as_ref()
        .and_then(error_fields)
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
