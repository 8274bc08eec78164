//! The profile as scope, the cloud as the source of truth: whether an account's instances and an instance's groups
//! and topics are listed live, which of the listed names are kept, and how an instance the cloud lists joins the
//! profile.

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::model::*;
use crate::core::target::{AccountKey, TargetKind};

/// What live listing adds beyond the names pinned in the profile.
#[derive(Debug, Clone)]
pub struct Scope {
    /// `discover = false` turns listing off: only pinned names are shown.
    pub discover: bool,
    /// Glob patterns a listed group or topic must match (none: every name).
    pub include: Vec<String>,
    /// Glob patterns that drop a listed group or topic.
    pub exclude: Vec<String>,
    include_set: Option<GlobSet>,
    exclude_set: Option<GlobSet>,
}

impl Default for Scope {
    fn default() -> Self {
        Self { discover: true, include: Vec::new(), exclude: Vec::new(), include_set: None, exclude_set: None }
    }
}

/// A glob pattern that does not compile: the pattern and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadGlob {
    pub pattern: String,
    pub why: String,
}

/// Why a glob pattern does not compile, if it does not.
pub fn check_glob(pattern: &str) -> Result<(), String> {
    Glob::new(pattern).map(|_| ()).map_err(|e| e.kind().to_string())
}

fn compile(patterns: &[String]) -> Result<Option<GlobSet>, BadGlob> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let g = Glob::new(p).map_err(|e| BadGlob { pattern: p.clone(), why: e.kind().to_string() })?;
        b.add(g);
    }
    b.build().map(Some).map_err(|e| BadGlob { pattern: patterns.join(", "), why: e.to_string() })
}

impl Scope {
    /// A scope from its parent's, with whatever this level sets.
    pub fn inherit(
        parent: &Scope,
        discover: Option<bool>,
        include: Option<Vec<String>>,
        exclude: Option<Vec<String>>,
    ) -> Result<Self, BadGlob> {
        let include = include.unwrap_or_else(|| parent.include.clone());
        let exclude = exclude.unwrap_or_else(|| parent.exclude.clone());
        Ok(Self {
            discover: discover.unwrap_or(parent.discover),
            include_set: compile(&include)?,
            exclude_set: compile(&exclude)?,
            include,
            exclude,
        })
    }

    /// Whether a name the cloud lists (and the profile does not pin) is shown.
    pub fn keeps(&self, name: &str) -> bool {
        self.discover
            && self.include_set.as_ref().is_none_or(|s| s.is_match(name))
            && !self.exclude_set.as_ref().is_some_and(|s| s.is_match(name))
    }

    /// The scope in words, for `check`.
    pub fn describe(&self) -> String {
        if !self.discover {
            return "discovery off".into();
        }
        let mut s = String::from("discovered live");
        if !self.include.is_empty() {
            s.push_str(&format!(", only {}", self.include.join(" ")));
        }
        if !self.exclude.is_empty() {
            s.push_str(&format!(", not {}", self.exclude.join(" ")));
        }
        s
    }
}

/// An instance or subscription the cloud lists for an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A Huawei or CKafka instance.
    Kafka { kind: TargetKind, id: String, name: String },
    /// A DTS data subscription with its one topic.
    Dts { subscribe_id: String, name: String, topic: String, partitions: u32 },
}

impl Found {
    fn id(&self) -> &str {
        match self {
            Self::Kafka { id, .. } => id,
            Self::Dts { subscribe_id, .. } => subscribe_id,
        }
    }
}

/// The name a listed instance is known by: its cloud name when that is usable on a command line and free in the
/// profile, otherwise its id (which is always accepted too).
fn usable_name(p: &Profile, name: &str, id: &str) -> String {
    let typed = !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c.is_control());
    if typed && !p.has_instance_named(name) { name.to_owned() } else { id.to_owned() }
}

impl Profile {
    /// Whether any instance or subscription is known by this name.
    pub fn has_instance_named(&self, name: &str) -> bool {
        self.huawei.iter().flat_map(|a| &a.instances).any(|i| i.name == name)
            || self.tencent.iter().flat_map(|a| &a.ckafka).any(|i| i.name == name)
            || self.tencent.iter().flat_map(|a| &a.dts).any(|d| d.name == name)
    }

    /// Adds the instances the cloud listed for an account that the profile does not pin (matched by id), in the
    /// cloud's order; returns the names they are known by. The same input always gives the same names, so the
    /// dashboard and the worker, each applying it to its own copy, agree.
    pub fn add_found(&mut self, account: &AccountKey, found: &[Found]) -> Vec<String> {
        let mut added = Vec::new();
        for f in found {
            let pinned = self.huawei.iter().flat_map(|a| &a.instances).any(|i| i.id == f.id())
                || self.tencent.iter().flat_map(|a| &a.ckafka).any(|i| i.id == f.id())
                || self.tencent.iter().flat_map(|a| &a.dts).any(|d| d.subscribe_id == f.id());
            if pinned {
                continue;
            }
            let (name, id) = match f {
                Found::Kafka { name, id, .. } => (name, id),
                Found::Dts { name, subscribe_id, .. } => (name, subscribe_id),
            };
            let name = usable_name(self, name, id);
            let ok = match (f, account.cloud) {
                (Found::Kafka { kind: TargetKind::Huawei, id, .. }, crate::core::credentials::Cloud::Huawei) => {
                    self.huawei.iter_mut().find(|a| a.name == account.name).map(|a| {
                        let i = KafkaInstance::found(name.clone(), id.clone(), a.safety, &a.scope);
                        a.instances.push(i);
                    })
                }
                (Found::Kafka { kind: TargetKind::Ckafka, id, .. }, crate::core::credentials::Cloud::Tencent) => {
                    self.tencent.iter_mut().find(|a| a.name == account.name).map(|a| {
                        let i = KafkaInstance::found(name.clone(), id.clone(), a.safety, &a.scope);
                        a.ckafka.push(i);
                    })
                }
                (Found::Dts { subscribe_id, topic, partitions, .. }, crate::core::credentials::Cloud::Tencent) => {
                    self.tencent.iter_mut().find(|a| a.name == account.name).map(|a| {
                        a.dts.push(DtsSubscription {
                            name: name.clone(),
                            subscribe_id: subscribe_id.clone(),
                            topic: topic.clone(),
                            partitions: *partitions,
                            groups: Vec::new(),
                            safety: a.safety,
                            scope: a.scope.clone(),
                            origin: Origin::Discovered,
                        })
                    })
                }
                _ => None,
            };
            if ok.is_some() {
                added.push(name);
            }
        }
        added
    }
}

impl KafkaInstance {
    fn found(name: String, id: String, safety: Safety, scope: &Scope) -> Self {
        Self {
            name,
            id,
            topics: Vec::new(),
            groups: Vec::new(),
            safety,
            scope: scope.clone(),
            origin: Origin::Discovered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::credentials::Cloud;

    const BASE: &str = r#"
[huawei.hw]
region = "cn-north-4"
project_id = "0123456789abcdef0123456789abcdef"
ak = "a"
sk = "b"
exclude = ["*-canary"]

[huawei.hw.instances.orders]
id = "i-1"
topics = { t = 1 }
groups = { g = ["t"] }
include = ["etl-*", "billing"]

[tencent.tc]
region = "ap-singapore"
secret_id = "a"
secret_key = "b"
discover = false
"#;

    fn profile() -> Profile {
        crate::core::profile::parse(BASE, "p.toml").unwrap().profile
    }

    #[test]
    fn include_and_exclude_decide_listed_names_and_inherit() {
        let p = profile();
        let i = &p.huawei[0].instances[0];
        assert!(i.scope.keeps("etl-7") && i.scope.keeps("billing"));
        assert!(!i.scope.keeps("audit"), "not included");
        assert!(!i.scope.keeps("etl-canary"), "exclude inherited from the account wins over include");
        assert!(!p.huawei[0].scope.keeps("x-canary") && p.huawei[0].scope.keeps("audit"));
        assert!(!p.tencent[0].scope.discover && !p.tencent[0].scope.keeps("anything"));
    }

    #[test]
    fn found_instances_join_by_name_or_id_and_pins_win() {
        let mut p = profile();
        let hw = AccountKey { cloud: Cloud::Huawei, name: "hw".into() };
        let found = vec![
            Found::Kafka { kind: TargetKind::Huawei, id: "i-1".into(), name: "whatever".into() },
            Found::Kafka { kind: TargetKind::Huawei, id: "i-2".into(), name: "clicks".into() },
            Found::Kafka { kind: TargetKind::Huawei, id: "i-3".into(), name: "orders".into() },
            Found::Kafka { kind: TargetKind::Huawei, id: "i-4".into(), name: "has space".into() },
        ];
        let added = p.add_found(&hw, &found);
        assert_eq!(added, ["clicks", "i-3", "i-4"], "pinned id skipped; taken or untypable names become the id");
        let i = p.huawei[0].instances.iter().find(|i| i.id == "i-2").unwrap();
        assert_eq!(i.origin, Origin::Discovered);
        assert!(
            !i.scope.keeps("a-canary") && i.scope.keeps("audit"),
            "a discovered instance takes the account's scope"
        );
        assert_eq!(p.add_found(&hw, &found), Vec::<String>::new(), "adding again adds nothing");
        let tc = AccountKey { cloud: Cloud::Tencent, name: "tc".into() };
        let dts =
            [Found::Dts { subscribe_id: "subs-1".into(), name: "mysql".into(), topic: "t".into(), partitions: 4 }];
        assert_eq!(p.add_found(&tc, &dts), ["mysql"]);
        assert_eq!(p.tencent[0].dts[0].partitions, 4);
    }

    #[test]
    fn a_bad_glob_is_named() {
        let text = BASE.replace("include = [\"etl-*\", \"billing\"]", "include = [\"etl-[\"]");
        let e = crate::core::profile::parse(&text, "p.toml").unwrap_err().to_string();
        assert!(e.contains("huawei.hw.instances.orders.include") && e.contains("etl-["), "{e}");
    }
}
