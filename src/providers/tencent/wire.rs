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
    let Some(response) = response else { return Err(no_response(status, body, request_id)) };
    let request_id = response["RequestId"].as_str().map(str::to_owned).or(request_id);
    if let Some(err) = response.get("Error") {
        return Err(error(status, err, request_id));
    }
    success(status, request_id.clone())?;
    Ok(Answer { status, json: response, request_id, tries: 1, raw: Vec::new(), bytes: 0 })
}

/// [`interpret`] for an answer its reader takes from the bytes: only the envelope's `RequestId` and `Error` are
/// read here (the rest is skipped unparsed), so a 100,000-partition answer is never a JSON tree.
pub fn interpret_raw(status: u16, body: Vec<u8>, request_id: Option<String>) -> Result<Answer, CallError> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(rename = "Response")]
        response: Option<Head>,
    }
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(rename = "RequestId")]
        request_id: Option<Value>,
        #[serde(rename = "Error")]
        error: Option<Value>,
    }
    let head = serde_json::from_slice::<Envelope>(&body).ok().and_then(|e| e.response);
    let Some(head) = head else { return Err(no_response(status, &body, request_id)) };
    let request_id = head.request_id.as_ref().and_then(Value::as_str).map(str::to_owned).or(request_id);
    if let Some(err) = head.error.filter(|e| !e.is_null()) {
        return Err(error(status, &err, request_id));
    }
    success(status, request_id.clone())?;
    Ok(Answer { status, json: Value::Null, request_id, tries: 1, raw: body, bytes: 0 })
}

/// An answer without a JSON `Response`: a server's failure, or a malformed answer.
fn no_response(status: u16, body: &[u8], request_id: Option<String>) -> CallError {
    if status >= 500 {
        let message = String::from_utf8_lossy(body).chars().take(200).collect();
        return CallError::Server { status, code: status.to_string(), message, request_id };
    }
    CallError::Malformed { detail: format!("HTTP {status} without a JSON `Response`"), request_id }
}

/// What a `Response.Error` means.
fn error(status: u16, err: &Value, request_id: Option<String>) -> CallError {
    let code = err["Code"].as_str().unwrap_or("Unknown").to_owned();
    let message = err["Message"].as_str().unwrap_or("").to_owned();
    if code == "AuthFailure.SignatureExpire" {
        CallError::ClockSkew { code, message, window: "5 minutes", request_id }
    } else if code.starts_with("AuthFailure") {
        CallError::Auth { code, message, request_id }
    } else if code.starts_with("RequestLimitExceeded") {
        CallError::Throttled { code, message, request_id }
    } else if code.starts_with("InternalError") {
        CallError::Server { status, code, message, request_id }
    } else {
        CallError::Api { status, code, message, request_id }
    }
}

/// An answer without an `Error` is a success only with HTTP 200.
fn success(status: u16, request_id: Option<String>) -> Result<(), CallError> {
    if status != 200 {
        return Err(CallError::Server {
            status,
            code: status.to_string(),
            message: "unexpected status".into(),
            request_id,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The raw read means what the parsed read means for every envelope, without parsing the rest.
    #[test]
    fn the_raw_envelope_read_agrees_with_the_parsed_one() {
        let cases: [(u16, &str); 7] = [
            (200, r#"{"Response":{"RequestId":"r1","Result":{"TopicList":[]}}}"#),
            (200, r#"{"Response":{"RequestId":"r2","Error":{"Code":"RequestLimitExceeded","Message":"slow"}}}"#),
            (200, r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"clock"}}}"#),
            (200, r#"{"Response":{"Error":{"Code":"ResourceNotFound","Message":"no group"}}}"#),
            (502, "<html>bad gateway</html>"),
            (200, r#"{"Result":{}}"#),
            (403, r#"{"Response":{"RequestId":"r3"}}"#),
        ];
        for (status, body) in cases {
            let parsed = interpret(status, body.as_bytes(), Some("hdr".into()));
            let raw = interpret_raw(status, body.as_bytes().to_vec(), Some("hdr".into()));
            match (parsed, raw) {
                (Ok(p), Ok(r)) => {
                    assert_eq!(p.request_id, r.request_id, "{body}");
                    assert_eq!(r.raw, body.as_bytes(), "the reader gets the bytes");
                }
                (Err(p), Err(r)) => assert_eq!(p.to_string(), r.to_string(), "{body}"),
                (p, r) => panic!("{body}: parsed {:?} but raw {:?}", p.map(|a| a.status), r.map(|a| a.status)),
            }
        }
    }
}
