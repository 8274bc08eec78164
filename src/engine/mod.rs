//! The engine: resolves targets, reads live state, plans, and runs calls. Shared by the headless commands and the
//! dashboard; no terminal code here.

pub mod audit;
pub mod plan;
pub mod run;
pub mod snapshot;
pub mod target;
pub mod undo;
pub mod verify;
pub mod worker;
