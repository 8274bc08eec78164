//! The engine: orders in, plans out, and the one job pipeline that runs them. Shared by the headless commands and
//! the dashboard; no terminal code here.

pub mod audit;
pub mod batch;
pub mod discover;
pub mod durable;
pub mod error;
pub mod export;
pub mod files;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod history;
pub mod job;
pub mod lock;
pub mod order;
pub mod outcome;
pub mod paths;
pub mod peek;
pub mod plan;
pub mod planfile;
pub mod planner;
pub mod reads;
pub mod safety;
pub mod session;
pub mod snapshot;
pub mod target;
pub mod undo;
pub mod verify;
pub mod worker;
