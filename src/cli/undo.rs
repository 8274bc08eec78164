//! `offsetdeck undo [SNAPSHOT]`: a snapshot's saved offsets, restored through the same plan and confirmation.

use super::ops::{R, Stop, WriteMode, bad, context, exit, finish, preflight_inactive};
use crate::core::profile::Profile;
use crate::engine::{run, snapshot};

/// `undo [SNAPSHOT]`: restores the offsets a snapshot saved (default: the newest), through the same plan and confirm.
pub fn undo(p: &Profile, which: Option<&str>, mode: WriteMode<'_>) -> R<u8> {
    let dir = snapshot::dir(p.settings.audit_log.as_deref())
        .ok_or_else(|| bad("no home directory: set settings.audit_log"))?;
    let path = match which {
        Some(w) if std::path::Path::new(w).is_file() => std::path::PathBuf::from(w),
        Some(w) => dir.join(w),
        None => snapshot::list(&dir)
            .into_iter()
            .rev()
            .find(|(_, s)| s.is_ok())
            .map(|(p, _)| p)
            .ok_or_else(|| bad(format!("no snapshots in {}", dir.display())))?,
    };
    let saved = snapshot::read(&path).map_err(bad)?;
    println!("restoring from {}", path.display());
    let cx = context(p, &saved.instance, true)?;
    if cx.target.account() != saved.account {
        return Err(bad(format!(
            "the snapshot is of account `{}`, but `{}` in this profile belongs to account `{}`; refusing to apply it",
            saved.account,
            saved.instance,
            cx.target.account()
        )));
    }
    let group = saved.group.clone().ok_or_else(|| bad("message deletion cannot be undone: the messages are gone"))?;
    let mut topics: Vec<String> = saved.partitions.iter().map(|s| s.topic.clone()).collect();
    topics.dedup();
    let live = cx
        .rt
        .block_on(run::describe(&cx.client, &cx.creds, &cx.target, &group, &topics))
        .map_err(|e| Stop(exit::FAILED, format!("reading the live state failed: {e}")))?;
    preflight_inactive(&live)?;
    let plan = crate::engine::undo::restore(&cx.target, &saved, &live).map_err(|e| bad(e.to_string()))?;
    finish(&cx, plan, &group, mode)
}
