//! Why an order could not be planned or run, typed so every command maps it to the same exit code.

use thiserror::Error;

use super::safety::Refusal;
use crate::providers::error::CallError;

/// Exit codes, as the README documents them.
pub mod exit {
    /// All succeeded.
    pub const OK: u8 = 0;
    /// Some item failed, or a call failed.
    pub const FAILED: u8 = 1;
    /// Bad input or profile.
    pub const BAD_INPUT: u8 = 2;
    /// Refused by a safety check; nothing was sent.
    pub const REFUSED: u8 = 3;
    /// `--dry-run --detailed-exitcode`: the plan would change something (nothing failed; no error uses it).
    pub const WOULD_CHANGE: u8 = 4;
}

/// An order that ended before any write was sent.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum EngineError {
    /// The order or the profile is wrong: a name that matches nothing, a value out of range. The fix is in the input.
    #[error("{0}")]
    Input(String),
    /// A safety rule refused it.
    #[error("refused: {0}")]
    Refused(Refusal),
    /// A read the plan needed failed (authentication, the network, the service).
    #[error("{during} failed: {error}")]
    Call { during: &'static str, error: CallError },
    /// What the plan needed could not all be read (the service, not the input): said in words.
    #[error("{0}")]
    Unread(String),
}

impl EngineError {
    /// The exit code: the same for the same failure from every command.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Input(_) => exit::BAD_INPUT,
            Self::Refused(_) => exit::REFUSED,
            Self::Call { .. } | Self::Unread(_) => exit::FAILED,
        }
    }

    pub(crate) fn reading(during: &'static str) -> impl Fn(CallError) -> Self {
        move |error| Self::Call { during, error }
    }
}

impl From<Refusal> for EngineError {
    fn from(r: Refusal) -> Self {
        Self::Refused(r)
    }
}
