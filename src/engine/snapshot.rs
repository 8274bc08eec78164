//! Snapshots: the offsets a write is about to change, written and fsynced before its first call, so it can be undone
//! (and survives a crash between the snapshot and the call).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::plan::{Plan, PlanKind};
use crate::core::target::{RealTarget, TargetKey};

/// One partition as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: i32,
    /// Committed offset before the write (`None`: the group had none).
    pub committed: Option<i64>,
    /// Log start before the write.
    pub log_start: Option<i64>,
    /// Log end before the write.
    pub log_end: Option<i64>,
}

/// A snapshot file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// When it was taken, UTC.
    pub time: String,
    /// Account (profile name).
    pub account: String,
    /// Instance or subscription (profile name).
    pub instance: String,
    /// The exact target, cloud included (snapshots written before it was recorded lack it).
    #[serde(default)]
    pub target: Option<TargetKey>,
    /// The target as the cloud knows it (snapshots written before it was recorded lack it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real: Option<RealTarget>,
    /// The write it preceded.
    pub kind: PlanKind,
    /// The group as the API names it.
    pub group: Option<String>,
    /// The write in words.
    pub summary: String,
    /// The partitions it affected.
    pub partitions: Vec<Saved>,
}

impl Snapshot {
    /// The snapshot of a plan's partitions as they are now.
    pub fn of(plan: &Plan) -> Self {
        Self {
            time: jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            account: plan.target.account.clone(),
            instance: plan.target.instance.clone(),
            target: Some(plan.target.clone()),
            real: Some(plan.real.clone()),
            kind: plan.kind,
            group: plan.group.clone(),
            summary: plan.summary.clone(),
            partitions: plan
                .rows
                .iter()
                .map(|r| Saved {
                    topic: r.topic.clone(),
                    partition: r.partition,
                    committed: r.current,
                    log_start: r.start,
                    log_end: r.end,
                })
                .collect(),
        }
    }
}

fn file_name(s: &Snapshot) -> String {
    let clean = |t: &str| {
        t.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect::<String>()
    };
    let stamp = clean(&s.time.replace([':', '-'], ""));
    let nanos = jiff::Timestamp::now().subsec_nanosecond();
    format!("{stamp}-{nanos:09}-{}-{}.json", clean(&s.instance), clean(s.group.as_deref().unwrap_or("messages")))
}

/// Writes a snapshot durably: to a temporary file, fsynced, renamed into place, and the directory fsynced.
pub fn write(dir: &Path, s: &Snapshot) -> std::io::Result<PathBuf> {
    super::paths::private_dir(dir)?;
    let path = dir.join(file_name(s));
    // A full disk must not leave a half-written file behind for undo to trip over.
    super::durable::write(&path, &serde_json::to_vec_pretty(s).map_err(std::io::Error::other)?)?;
    Ok(path)
}

/// Takes a snapshot back when its job never started (its journal line could not be written): undo must not offer
/// a snapshot of a write that was not sent.
pub fn withdraw(path: &Path) {
    let _ = std::fs::remove_file(path);
}

impl Snapshot {
    /// Why this snapshot may not be applied to `real`: the field in which the target it was taken of differs.
    /// `None` when it is the same real target, or the snapshot predates recording it.
    pub fn other_target(&self, real: &RealTarget) -> Option<String> {
        let (field, was, now) = self.real.as_ref()?.differs(real)?;
        Some(format!(
            "the snapshot was taken of {field} {was:?}, but this profile's `{}` has {field} {now:?}",
            self.instance
        ))
    }

    /// Whether this snapshot was taken of this target. An old snapshot without a recorded cloud matches by account
    /// and instance name.
    pub fn is_of(&self, key: &TargetKey) -> bool {
        match &self.target {
            Some(t) => t == key,
            None => self.account == key.account && self.instance == key.instance,
        }
    }
}

/// Why a snapshot file could not be used.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SnapshotError {
    #[error("{path}: {error}")]
    Unreadable { path: String, error: String },
    #[error("{path} is not a snapshot: {error}")]
    NotASnapshot { path: String, error: String },
}

/// Reads a snapshot file.
pub fn read(path: &Path) -> Result<Snapshot, SnapshotError> {
    let shown = || path.display().to_string();
    // A snapshot of 100,000 partitions is ~10 MiB.
    let text = super::files::read_text(path, 64 << 20, super::files::Links::Follow)
        .map_err(|e| SnapshotError::Unreadable { path: shown(), error: e.to_string() })?;
    serde_json::from_str(&text).map_err(|e| SnapshotError::NotASnapshot { path: shown(), error: e.to_string() })
}

/// Every snapshot, oldest first.
/// A snapshot an undo can restore, as a picker lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub path: PathBuf,
    pub time: String,
    pub group: Option<String>,
    /// The write it preceded, in words.
    pub summary: String,
    /// Why an undo of it would be refused: it was taken of another real target (listed only when asked).
    pub other: Option<String>,
}

/// The snapshots of an instance that an undo can restore, newest first: message deletes are left out (they cannot
/// be undone), and so are files that cannot be read.
///
/// Only this real target's: a same-named instance of another profile's cluster is not this one. With `all`, those
/// are listed too, each saying why an undo of it is refused.
pub fn restorable(dir: &Path, instance: &str, real: &RealTarget, all: bool) -> Vec<Listed> {
    let mut out: Vec<Listed> = list(dir)
        .into_iter()
        .filter_map(|(path, s)| s.ok().map(|s| (path, s)))
        .filter(|(_, s)| s.instance == instance && s.kind != PlanKind::DeleteMessages)
        .map(|(path, s)| (path, s.other_target(real), s))
        .filter(|(_, other, _)| all || other.is_none())
        .map(|(path, other, s)| Listed { path, time: s.time, group: s.group, summary: s.summary, other })
        .collect();
    out.reverse();
    out
}

pub fn list(dir: &Path) -> Vec<(PathBuf, Result<Snapshot, SnapshotError>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let s = read(&p);
            (p, s)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::target::TargetKind;

    fn saved(real: &RealTarget) -> Snapshot {
        Snapshot {
            time: "2026-01-01T00:00:00Z".into(),
            account: "a".into(),
            instance: "orders".into(),
            target: Some(TargetKey { kind: TargetKind::Huawei, account: "a".into(), instance: "orders".into() }),
            real: Some(real.clone()),
            kind: PlanKind::Reset,
            group: Some("g".into()),
            summary: "s".into(),
            partitions: Vec::new(),
        }
    }

    #[test]
    fn the_picker_offers_only_the_snapshots_of_the_same_real_target() {
        let dir = tempfile::tempdir().unwrap();
        let here = RealTarget::new(TargetKind::Huawei, "https://a", "r", Some("p"), "i");
        let there = RealTarget::new(TargetKind::Huawei, "https://b", "r", Some("p"), "i");
        write(dir.path(), &saved(&here)).unwrap();
        write(dir.path(), &saved(&there)).unwrap();
        assert_eq!(restorable(dir.path(), "orders", &here, false).len(), 1);
        assert_eq!(restorable(dir.path(), "orders", &there, false).len(), 1);
        let elsewhere = RealTarget::new(TargetKind::Huawei, "https://c", "r", Some("p"), "i");
        assert!(restorable(dir.path(), "orders", &elsewhere, false).is_empty());
        // Asked for all: both, each saying why it would be refused.
        let all = restorable(dir.path(), "orders", &elsewhere, true);
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|l| l.other.as_deref().is_some_and(|o| o.contains("endpoint"))));
        assert!(saved(&there).other_target(&here).unwrap().contains("endpoint"));
    }
}
