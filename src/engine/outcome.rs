//! How one call of a job ended, as an enum that cannot say two things at once.

use serde::Serialize;

use crate::providers::client::Sent;
use crate::providers::error::CallError;
use crate::providers::request::{ApiRequest, RequestView};

/// One call's end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// The request as sent (no secrets).
    pub request: RequestView,
    /// Tries made, the first included, whether it failed or not.
    pub tries: u32,
    #[serde(flatten)]
    pub result: CallResult,
}

/// An item the service refused inside an otherwise successful answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemFailure {
    pub item: String,
    pub code: String,
}

/// What the service said.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CallResult {
    /// Everything in it succeeded.
    Ok { request_id: Option<String> },
    /// The call succeeded, some items in it failed.
    Partial { request_id: Option<String>, failed: Vec<ItemFailure> },
    /// The call failed as a whole.
    Failed {
        #[serde(serialize_with = "as_text")]
        error: CallError,
        request_id: Option<String>,
        /// Whether the call may have reached the service and been applied (a timeout, a dropped connection, a
        /// server error): only a read-back can tell.
        may_have_applied: bool,
    },
}

fn as_text<S: serde::Serializer>(e: &CallError, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&e.to_string())
}

impl Outcome {
    /// Reads a sent call's end, per-item failures inside a 200 included.
    pub fn of(call: &ApiRequest, sent: Sent) -> Self {
        let result = match sent.result {
            Ok(a) => {
                let failed: Vec<ItemFailure> = crate::providers::item_failures(call, &a.json)
                    .into_iter()
                    .map(|(item, code)| ItemFailure { item, code })
                    .collect();
                if failed.is_empty() {
                    CallResult::Ok { request_id: a.request_id }
                } else {
                    CallResult::Partial { request_id: a.request_id, failed }
                }
            }
            Err(error) => CallResult::Failed {
                request_id: error.request_id().map(str::to_owned),
                may_have_applied: error.may_have_applied(),
                error,
            },
        };
        Self { request: call.view(), tries: sent.tries, result }
    }

    pub fn op(&self) -> &str {
        &self.request.op
    }

    pub fn is_ok(&self) -> bool {
        matches!(self.result, CallResult::Ok { .. })
    }

    pub fn request_id(&self) -> Option<&str> {
        match &self.result {
            CallResult::Ok { request_id }
            | CallResult::Partial { request_id, .. }
            | CallResult::Failed { request_id, .. } => request_id.as_deref(),
        }
    }

    /// Whether the service may have applied it: a read-back must say.
    pub fn may_have_applied(&self) -> bool {
        match &self.result {
            CallResult::Ok { .. } | CallResult::Partial { .. } => true,
            CallResult::Failed { may_have_applied, .. } => *may_have_applied,
        }
    }

    /// The failure in words, for a partition the call covered: "HTTP 500, DMS.00500000, request id …".
    pub fn failure(&self) -> Option<String> {
        match &self.result {
            CallResult::Ok { .. } => None,
            CallResult::Partial { failed, .. } => {
                Some(failed.iter().map(|f| format!("{} failed ({})", f.item, f.code)).collect::<Vec<_>>().join(", "))
            }
            CallResult::Failed { error, .. } => Some(error.to_string()),
        }
    }
}
