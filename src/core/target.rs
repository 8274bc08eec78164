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

/// One instance or subscription as the cloud knows it, whatever the profile calls it: two profiles naming one
/// instance differently have the same real target, and two profiles using one name for instances behind different
/// endpoints do not.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RealTarget {
    pub kind: TargetKind,
    /// The API endpoint the calls go to.
    pub endpoint: String,
    pub region: String,
    /// Huawei's project id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// The instance id (DTS: the subscription id).
    pub id: String,
}

impl RealTarget {
    /// With the endpoint in one spelling (case, a trailing slash), so one endpoint is one identity.
    pub fn new(kind: TargetKind, endpoint: &str, region: &str, project_id: Option<&str>, id: &str) -> Self {
        Self {
            kind,
            endpoint: endpoint.trim_end_matches('/').to_ascii_lowercase(),
            region: region.to_owned(),
            project_id: project_id.map(str::to_owned),
            id: id.to_owned(),
        }
    }

    /// The first field in which `other` is not this target: (field, this one's value, the other's).
    pub fn differs(&self, other: &Self) -> Option<(&'static str, String, String)> {
        let fields: [(&'static str, String, String); 5] = [
            ("cloud", self.kind.to_string(), other.kind.to_string()),
            ("endpoint", self.endpoint.clone(), other.endpoint.clone()),
            ("region", self.region.clone(), other.region.clone()),
            ("project_id", self.project_id.clone().unwrap_or_default(), other.project_id.clone().unwrap_or_default()),
            ("instance id", self.id.clone(), other.id.clone()),
        ];
        fields.into_iter().find(|(_, a, b)| a != b)
    }
}

impl fmt::Display for RealTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} at {} ({}", self.kind, self.id, self.endpoint, self.region)?;
        if let Some(p) = &self.project_id {
            write!(f, ", project {p}")?;
        }
        f.write_str(")")
    }
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

/// One consumer group of the profile: its instance's (or subscription's) profile name and the group's name as
/// listings and the trees give it (a DTS group's short name). Two groups are the same only when both are equal:
/// never by a part of the name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupRef {
    pub instance: String,
    pub group: String,
}

impl GroupRef {
    pub fn new(instance: impl Into<String>, group: impl Into<String>) -> Self {
        Self { instance: instance.into(), group: group.into() }
    }
}

impl fmt::Display for GroupRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.instance, self.group)
    }
}

/// One topic of an instance of the profile.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicRef {
    pub instance: String,
    pub topic: String,
}

impl TopicRef {
    pub fn new(instance: impl Into<String>, topic: impl Into<String>) -> Self {
        Self { instance: instance.into(), topic: topic.into() }
    }
}

#[cfg(test)]
mod real_tests {
    use super::*;

    #[test]
    fn one_endpoint_is_one_identity_and_the_first_difference_is_named() {
        let a = RealTarget::new(TargetKind::Huawei, "https://DMS.example/", "r", Some("p"), "i");
        let b = RealTarget::new(TargetKind::Huawei, "https://dms.example", "r", Some("p"), "i");
        assert_eq!(a, b);
        let c = RealTarget::new(TargetKind::Huawei, "http://127.0.0.1:9", "r", Some("p"), "i");
        assert_eq!(a.differs(&c).map(|d| d.0), Some("endpoint"));
        let d = RealTarget::new(TargetKind::Huawei, "https://dms.example", "r", Some("p"), "j");
        assert_eq!(a.differs(&d), Some(("instance id", "i".into(), "j".into())));
    }
}
