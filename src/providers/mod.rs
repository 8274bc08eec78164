//! Per-cloud request builders, typed responses and the HTTP client, plus the system side of credentials.

pub mod credentials;
