//! `offsetdeck undo [SNAPSHOT]`: a snapshot's saved offsets, restored through the same plan, confirmation and job.

use super::ops::{R, WriteMode, session, write};
use crate::core::profile::Profile;
use crate::engine::order::{Order, UndoFrom};
use crate::engine::planner;

/// `undo [SNAPSHOT]`: restores the offsets a snapshot saved (default: the newest).
pub fn undo(p: &Profile, which: Option<&str>, mode: WriteMode<'_>) -> R<u8> {
    let from = which.map_or(UndoFrom::Newest, |w| UndoFrom::File(w.into()));
    let (path, _) = planner::find_snapshot(&session(p)?, &from)?;
    if !mode.json {
        say!("restoring from {}", path.display());
    }
    write(p, Order::Undo(UndoFrom::File(path)), mode)
}
