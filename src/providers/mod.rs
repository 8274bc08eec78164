//! Per-cloud request builders, typed responses and the HTTP client, plus the system side of credentials.

pub mod client;
pub mod credentials;
pub mod error;
pub mod huawei;
pub mod lenient;
pub mod request;
pub mod tencent;
