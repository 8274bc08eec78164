//! Per-cloud request builders, typed responses and the HTTP client, plus the system side of credentials.

pub mod client;
pub mod credentials;
pub mod error;
pub mod huawei;
mod lenient;
pub mod request;
pub mod tencent;

/// Reads an integer leniently (number, numeric string or `"partition-N"`).
pub fn lenient_int(v: &serde_json::Value) -> Option<i64> {
    lenient::int(v)
}
