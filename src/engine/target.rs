//! What `--instance NAME` finds in the profile: a Huawei instance, a CKafka instance or a DTS subscription.

use super::error::EngineError;
use crate::core::credentials::CredentialSpec;
use crate::core::profile::{
    DtsSubscription, HuaweiAccount, KafkaInstance, Origin, Profile, Safety, Scope, TencentAccount,
};
use crate::core::target::{AccountKey, RealTarget, TargetKey, TargetKind};

/// A resolved target.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// Huawei DMS instance.
    Huawei(&'a HuaweiAccount, &'a KafkaInstance),
    /// Tencent CKafka instance.
    Ckafka(&'a TencentAccount, &'a KafkaInstance),
    /// Tencent DTS subscription.
    Dts(&'a TencentAccount, &'a DtsSubscription),
}

impl<'a> Target<'a> {
    /// Finds an instance or subscription by its profile name; the error lists what exists.
    pub fn find(profile: &'a Profile, name: &str) -> Result<Self, EngineError> {
        for a in &profile.huawei {
            if let Some(i) = a.instances.iter().find(|i| i.name == name) {
                return Ok(Self::Huawei(a, i));
            }
        }
        for a in &profile.tencent {
            if let Some(i) = a.ckafka.iter().find(|i| i.name == name) {
                return Ok(Self::Ckafka(a, i));
            }
            if let Some(d) = a.dts.iter().find(|d| d.name == name) {
                return Ok(Self::Dts(a, d));
            }
        }
        // A discovered instance is also addressed by its cloud id.
        for a in &profile.huawei {
            if let Some(i) = a.instances.iter().find(|i| i.id == name) {
                return Ok(Self::Huawei(a, i));
            }
        }
        for a in &profile.tencent {
            if let Some(i) = a.ckafka.iter().find(|i| i.id == name) {
                return Ok(Self::Ckafka(a, i));
            }
            if let Some(d) = a.dts.iter().find(|d| d.subscribe_id == name) {
                return Ok(Self::Dts(a, d));
            }
        }
        let mut names: Vec<String> = Vec::new();
        for a in &profile.huawei {
            names.extend(a.instances.iter().map(|i| format!("{} (huawei {})", i.name, a.name)));
        }
        for a in &profile.tencent {
            names.extend(a.ckafka.iter().map(|i| format!("{} (ckafka {})", i.name, a.name)));
            names.extend(a.dts.iter().map(|d| format!("{} (dts {})", d.name, a.name)));
        }
        Err(EngineError::Input(format!(
            "no instance or subscription named `{name}` (a profile name, or a cloud name or id listed live); known: {}",
            names.join(", ")
        )))
    }

    /// Finds exactly this target: its kind, its account and its name must all match.
    pub fn resolve(profile: &'a Profile, key: &TargetKey) -> Result<Self, EngineError> {
        let found = match key.kind {
            TargetKind::Huawei => profile
                .huawei
                .iter()
                .filter(|a| a.name == key.account)
                .find_map(|a| a.instances.iter().find(|i| i.name == key.instance).map(|i| Self::Huawei(a, i))),
            TargetKind::Ckafka => profile
                .tencent
                .iter()
                .filter(|a| a.name == key.account)
                .find_map(|a| a.ckafka.iter().find(|i| i.name == key.instance).map(|i| Self::Ckafka(a, i))),
            TargetKind::Dts => profile
                .tencent
                .iter()
                .filter(|a| a.name == key.account)
                .find_map(|a| a.dts.iter().find(|d| d.name == key.instance).map(|d| Self::Dts(a, d))),
        };
        found.ok_or_else(|| EngineError::Input(format!("{key} is not in this profile")))
    }

    /// This target's identity.
    pub fn key(&self) -> TargetKey {
        TargetKey { kind: self.kind(), account: self.account().to_owned(), instance: self.name().to_owned() }
    }

    /// This target as the cloud knows it: endpoint, region, project and id.
    pub fn real(&self) -> RealTarget {
        match self {
            Self::Huawei(a, i) => {
                RealTarget::new(TargetKind::Huawei, &a.endpoint, &a.region, Some(&a.project_id), &i.id)
            }
            Self::Ckafka(a, i) => RealTarget::new(TargetKind::Ckafka, &a.ckafka_endpoint, &a.region, None, &i.id),
            Self::Dts(a, d) => RealTarget::new(TargetKind::Dts, &a.dts_endpoint, &a.region, None, &d.subscribe_id),
        }
    }

    /// The account, named with its cloud.
    pub fn account_key(&self) -> AccountKey {
        self.key().account_key()
    }

    /// The account's name.
    pub fn account(&self) -> &'a str {
        match self {
            Self::Huawei(a, _) => &a.name,
            Self::Ckafka(a, _) | Self::Dts(a, _) => &a.name,
        }
    }

    /// The instance's profile name.
    pub fn name(&self) -> &'a str {
        match self {
            Self::Huawei(_, i) | Self::Ckafka(_, i) => &i.name,
            Self::Dts(_, d) => &d.name,
        }
    }

    pub fn kind(&self) -> TargetKind {
        match self {
            Self::Huawei(..) => TargetKind::Huawei,
            Self::Ckafka(..) => TargetKind::Ckafka,
            Self::Dts(..) => TargetKind::Dts,
        }
    }

    /// Effective safety settings.
    pub fn safety(&self) -> Safety {
        match self {
            Self::Huawei(_, i) | Self::Ckafka(_, i) => i.safety,
            Self::Dts(_, d) => d.safety,
        }
    }

    /// Where the account's keys come from.
    pub fn credentials(&self) -> &'a CredentialSpec {
        match self {
            Self::Huawei(a, _) => &a.credentials,
            Self::Ckafka(a, _) | Self::Dts(a, _) => &a.credentials,
        }
    }

    /// Topics known from the profile (name, partitions).
    pub fn topics(&self) -> Vec<(String, u32)> {
        match self {
            Self::Huawei(_, i) | Self::Ckafka(_, i) => {
                i.topics.iter().map(|t| (t.name.clone(), t.partitions)).collect()
            }
            Self::Dts(_, d) => vec![(d.topic.clone(), d.partitions)],
        }
    }

    /// Resolves the topic argument: DTS has one topic, so it may be left out.
    pub fn topic(&self, given: Option<&str>) -> Result<String, EngineError> {
        let known = self.topics();
        let names = || known.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ");
        match (given, self) {
            (None, Self::Dts(_, d)) => Ok(d.topic.clone()),
            (None, _) if known.is_empty() => Err(EngineError::Input("--topic is required for this instance".into())),
            (None, _) => Err(EngineError::Input(format!("--topic is required for this instance; it has: {}", names()))),
            (Some(t), _) if known.is_empty() || known.iter().any(|(n, _)| n == t) => Ok(t.to_owned()),
            (Some(t), _) => {
                Err(EngineError::Input(format!("no topic `{t}` in instance `{}`; it has: {}", self.name(), names())))
            }
        }
    }

    /// The name a user gives a group, from the API's: a DTS group without its `consumer-grp-SUBSCRIPTION-` prefix.
    pub fn short_group(&self, api_group: &str) -> String {
        match self {
            Self::Dts(_, d) => {
                let prefix = format!("{}{}-", crate::core::profile::DTS_GROUP_PREFIX, d.subscribe_id);
                api_group.strip_prefix(&prefix).unwrap_or(api_group).to_owned()
            }
            _ => api_group.to_owned(),
        }
    }

    /// The dashboard's and the events' name of a group given by its API name.
    pub fn group_ref(&self, api_group: &str) -> crate::core::target::GroupRef {
        crate::core::target::GroupRef::new(self.name(), self.short_group(api_group))
    }

    /// Whether the profile lists this group (by the name the user gives it).
    pub fn lists_group(&self, short: &str) -> bool {
        match self {
            Self::Huawei(_, i) | Self::Ckafka(_, i) => i.groups.iter().any(|g| g.name == short),
            Self::Dts(_, d) => d.groups.iter().any(|g| g == short),
        }
    }

    /// Which live names beyond the pins this target shows.
    pub fn scope(&self) -> &'a Scope {
        match self {
            Self::Huawei(_, i) | Self::Ckafka(_, i) => &i.scope,
            Self::Dts(_, d) => &d.scope,
        }
    }

    /// Whether a group is shown in listings: pinned in the profile, or listed live and kept by the scope.
    pub fn shows_group(&self, short: &str) -> bool {
        self.lists_group(short) || self.scope().keeps(short)
    }

    /// Whether the target is written in the profile or was listed by the cloud.
    pub fn origin(&self) -> Origin {
        match self {
            Self::Huawei(_, i) | Self::Ckafka(_, i) => i.origin,
            Self::Dts(_, d) => d.origin,
        }
    }

    /// The group name the API wants (DTS: the full `consumer-grp-…` name). Any name is taken, listed in the profile
    /// or not: the cloud is the source of truth, and a name it does not know is refused with what it has.
    pub fn api_group(&self, short: &str) -> Result<String, EngineError> {
        if short.trim().is_empty() {
            return Err(EngineError::Input("the group name is empty".into()));
        }
        Ok(match self {
            Self::Huawei(..) | Self::Ckafka(..) => short.to_owned(),
            Self::Dts(_, d) => d.full_group_name(short),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::core::target::GroupRef;
    use crate::engine::fixtures;

    /// A plan names its group as the live reads and the dashboard do: a DTS plan is made with the API's full name,
    /// and its reference is the subscription and the short name, so a read of `g` on `sub` is of the same group and
    /// a read of `g` on another instance is not.
    #[test]
    fn a_plan_carries_the_group_reference_the_reads_use() {
        let p = fixtures::profile();
        let t = super::Target::find(&p, "sub").unwrap();
        let api = t.api_group("g").unwrap();
        assert_eq!(api, "consumer-grp-subs-1-g");
        let snap = fixtures::group("Stable", &[(Some(1), Some(0), Some(5)); 3]);
        let plan = fixtures::reset_plan_on("sub", &api, &snap, crate::core::strategy::ResetStrategy::Latest);
        assert_eq!(plan.group.as_deref(), Some("consumer-grp-subs-1-g"));
        assert_eq!(plan.group_ref, Some(GroupRef::new("sub", "g")));
        assert_ne!(plan.group_ref, Some(GroupRef::new("orders", "g")));
        let huawei = super::Target::find(&p, "orders").unwrap();
        assert_eq!(huawei.group_ref("g"), GroupRef::new("orders", "g"));
    }
}
