//! Per-cloud request builders, typed responses and the HTTP client, plus the system side of credentials.

pub mod adaptive;
pub mod answer;
pub mod client;
pub mod credentials;
pub mod error;
pub mod huawei;
pub mod lenient;
pub mod pacing;
pub mod progress;
pub mod request;
pub mod tencent;

use serde_json::Value;

/// Per-item failures inside a successful answer, `(item, code)`, read the way the call's cloud reports them: Huawei
/// per topic or partition, Tencent as a `ReturnCode` other than 0.
pub fn item_failures(req: &request::ApiRequest, json: &Value) -> Vec<(String, String)> {
    match req.signing {
        request::Signing::Huawei { .. } => huawei::item_failures(json),
        request::Signing::Tencent { .. } => {
            tencent::check_return_code(json).map(|m| vec![("call".to_owned(), m)]).unwrap_or_default()
        }
    }
}
