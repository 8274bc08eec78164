//! Typed identities of what a write acts on: which cloud, which account, which instance. Two accounts of different
//! clouds may share a name, so an account is always named with its cloud.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::core::credentials::Cloud;

/// The three kinds of thing offsetdeck writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A Huawei DMS for Kafka instance.
    Huawei,
    /// A Tencent CKafka instance.
    Ckafka,
    /// A Tencent DTS data subscription.
    Dts,
}

impl TargetKind {
    /// The cloud whose account owns this kind of target.
    pub fn cloud(self) -> Cloud {
        match self {
            Self::Huawei => Cloud::Huawei,
            Self::Ckafka | Self::Dts => Cloud::Tencent,
        }
    }

    /// The word used in summaries and the tree: `huawei`, `ckafka`, `dts`.
    pub fn word(self) -> &'static str {
        match self {
            Self::Huawei => "huawei",
            Self::Ckafka => "ckafka",
            Self::Dts => "dts",
        }
    }
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// An account, named with its cloud: `[huawei.x]` and `[tencent.x]` are two accounts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountKey {
    pub cloud: Cloud,
    pub name: String,
}

impl fmt::Display for AccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cloud = match self.cloud {
            Cloud::Huawei => "huawei",
            Cloud::Tencent => "tencent",
        };
        write!(f, "{cloud}.{}", self.name)
    }
}

/// One instance or subscription, with everything needed to find it again without guessing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TargetKey {
    pub kind: TargetKind,
    /// The account's profile name.
    pub account: String,
    /// The instance's or subscription's profile name.
    pub instance: String,
}

impl TargetKey {
    pub fn account_key(&self) -> AccountKey {
        AccountKey { cloud: self.kind.cloud(), name: self.account.clone() }
    }
}

impl fmt::Display for TargetKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}` (account {})", self.kind, self.instance, self.account)
    }
}
