//! Why a call failed, typed so callers can decide: retry, stop, or tell the user to fix something.

use thiserror::Error;

/// A failed call. Every variant that reached the service keeps its request id.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum CallError {
    /// The signature or key was refused. Never retried.
    #[error("authentication failed: {code}: {message}{}", request_suffix(.request_id))]
    Auth { code: String, message: String, request_id: Option<String> },
    /// The clock is too far from the service's. Never retried.
    #[error("the request time was refused ({code}): {message}. Fix this machine's clock (NTP); signatures are only valid for {window}{}", request_suffix(.request_id))]
    ClockSkew { code: String, message: String, window: &'static str, request_id: Option<String> },
    /// Throttled; retried with backoff.
    #[error("throttled: {code}: {message}{}", request_suffix(.request_id))]
    Throttled { code: String, message: String, request_id: Option<String> },
    /// The service refused the request; not retried.
    #[error("{code}: {message} (HTTP {status}){}", request_suffix(.request_id))]
    Api { status: u16, code: String, message: String, request_id: Option<String> },
    /// A server-side failure; retried.
    #[error("server error HTTP {status}: {code}: {message}{}", request_suffix(.request_id))]
    Server { status: u16, code: String, message: String, request_id: Option<String> },
    /// No answer in time. The call may have been applied.
    #[error("timed out after {0:?}; the call may or may not have been applied")]
    Timeout(std::time::Duration),
    /// Could not connect: the call was not sent.
    #[error("could not connect: {0}")]
    Connect(String),
    /// The connection broke before the answer was read. The call may have been applied.
    #[error("the connection dropped before the answer arrived ({0}); the call may or may not have been applied")]
    Dropped(String),
    /// The answer could not be understood.
    #[error("the service's answer could not be read: {detail}{}", request_suffix(.request_id))]
    Malformed { detail: String, request_id: Option<String> },
}

fn request_suffix(id: &Option<String>) -> String {
    id.as_ref().map(|i| format!(" [request id {i}]")).unwrap_or_default()
}

impl CallError {
    /// With every text from outside kept to one line ([`crate::core::inert::one_line`]): an error's message is
    /// placed in lines of output, the audit trail and the log.
    pub fn one_line(self) -> Self {
        let f = |s: String| crate::core::inert::one_line(&s).into_owned();
        let o = |s: Option<String>| s.map(f);
        match self {
            Self::Auth { code, message, request_id } => {
                Self::Auth { code: f(code), message: f(message), request_id: o(request_id) }
            }
            Self::ClockSkew { code, message, window, request_id } => {
                Self::ClockSkew { code: f(code), message: f(message), window, request_id: o(request_id) }
            }
            Self::Throttled { code, message, request_id } => {
                Self::Throttled { code: f(code), message: f(message), request_id: o(request_id) }
            }
            Self::Api { status, code, message, request_id } => {
                Self::Api { status, code: f(code), message: f(message), request_id: o(request_id) }
            }
            Self::Server { status, code, message, request_id } => {
                Self::Server { status, code: f(code), message: f(message), request_id: o(request_id) }
            }
            Self::Timeout(d) => Self::Timeout(d),
            Self::Connect(m) => Self::Connect(f(m)),
            Self::Dropped(m) => Self::Dropped(f(m)),
            Self::Malformed { detail, request_id } => Self::Malformed { detail: f(detail), request_id: o(request_id) },
        }
    }

    /// The service's request id, when the call reached it.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Auth { request_id, .. }
            | Self::ClockSkew { request_id, .. }
            | Self::Throttled { request_id, .. }
            | Self::Api { request_id, .. }
            | Self::Server { request_id, .. }
            | Self::Malformed { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether the call may have been applied although it failed: the answer was lost or the server broke after
    /// receiving it. A refusal (authentication, a bad parameter, throttling) and a failed connect were not applied.
    pub fn may_have_applied(&self) -> bool {
        matches!(self, Self::Timeout(_) | Self::Dropped(_) | Self::Server { .. } | Self::Malformed { .. })
    }

    /// Whether the answer was lost on the way (a timeout, a dropped connection, an unreadable answer): the call
    /// may or may not have been applied, and only a read-back can tell.
    pub fn answer_lost(&self) -> bool {
        matches!(self, Self::Timeout(_) | Self::Dropped(_) | Self::Malformed { .. })
    }

    /// Whether the service refused the key: nothing more should be sent with it until the user fixes it.
    pub fn is_auth(&self) -> bool {
        matches!(self, Self::Auth { .. })
    }

    /// Whether another try may succeed, given whether the call is safe to repeat.
    pub fn retryable(&self, idempotent: bool) -> bool {
        match self {
            Self::Throttled { .. } | Self::Connect(_) => true,
            Self::Server { .. } | Self::Timeout(_) | Self::Dropped(_) | Self::Malformed { .. } => idempotent,
            Self::Auth { .. } | Self::ClockSkew { .. } | Self::Api { .. } => false,
        }
    }
}
