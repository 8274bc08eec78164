//! Orders: every write a user can ask for, built alike by the command line's flags and the dashboard's forms.

use std::path::PathBuf;

use crate::core::strategy::ResetStrategy;
use crate::core::target::{GroupRef, TopicRef};

/// One write, as asked, before anything is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Order {
    /// Move a group's committed offsets on topics (all partitions unless some are chosen).
    Reset {
        /// The group as the profile names it (DTS: the short name), on its instance or subscription.
        group: GroupRef,
        topics: Topics,
        /// Chosen partitions; empty for all.
        partitions: Vec<i32>,
        strategy: ResetStrategy,
    },
    /// Forget a group's committed offsets for topics.
    DeleteOffsets { group: GroupRef, topics: Vec<String> },
    /// Delete the messages before an offset per partition (`None`: everything).
    DeleteMessages { topic: TopicRef, partitions: Vec<(i32, Option<i64>)> },
    /// Restore the offsets a snapshot saved.
    Undo(UndoFrom),
}

/// Which topics a reset covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Topics {
    /// These topics (none: the one topic of a DTS subscription, or the topics pinned offsets name).
    Named(Vec<String>),
    /// Every topic the group has committed offsets on, live (`--all-topics`).
    Committed,
}

impl From<Vec<String>> for Topics {
    fn from(v: Vec<String>) -> Self {
        Self::Named(v)
    }
}

/// Which snapshot an undo restores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UndoFrom {
    /// The newest of any target.
    Newest,
    /// The newest of this instance (profile name).
    NewestOf(String),
    /// A snapshot file: a path, or a name in the snapshot directory.
    File(PathBuf),
}

impl Order {
    /// The instance the order names, when it names one (an undo names a snapshot).
    pub fn instance(&self) -> Option<&str> {
        match self {
            Self::Reset { group, .. } | Self::DeleteOffsets { group, .. } => Some(&group.instance),
            Self::DeleteMessages { topic, .. } => Some(&topic.instance),
            Self::Undo(UndoFrom::NewestOf(i)) => Some(i),
            Self::Undo(_) => None,
        }
    }

    /// The group the order writes, when it writes one.
    pub fn group(&self) -> Option<&GroupRef> {
        match self {
            Self::Reset { group, .. } | Self::DeleteOffsets { group, .. } => Some(group),
            Self::DeleteMessages { .. } | Self::Undo(_) => None,
        }
    }

    /// What the planner is about to do, in words, while the user waits.
    pub fn describe(&self) -> String {
        match self {
            Self::Reset { group, .. } => format!("reading `{}` live and planning the reset…", group.group),
            Self::DeleteOffsets { group, .. } => format!("reading `{}` live and planning…", group.group),
            Self::DeleteMessages { topic, .. } => format!("reading `{}` live and planning…", topic.topic),
            Self::Undo(UndoFrom::NewestOf(i)) => format!("finding the newest snapshot of `{i}` and planning its undo…"),
            Self::Undo(_) => "finding the snapshot and planning its undo…".to_owned(),
        }
    }
}
