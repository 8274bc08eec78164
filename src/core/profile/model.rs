//! The validated profile: what the dashboard shows and what the commands act on.

use super::scope::Scope;
use crate::core::credentials::CredentialSpec;

/// Where an instance's entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Written in the profile: its name is the one the user chose, its pins are shown even when not found live.
    Pinned,
    /// Listed by the cloud at run time.
    Discovered,
}

/// A loaded, validated profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Global settings.
    pub settings: Settings,
    /// Huawei accounts, in file order.
    pub huawei: Vec<HuaweiAccount>,
    /// Tencent accounts, in file order.
    pub tencent: Vec<TencentAccount>,
    /// `[keys]`: action name -> key specs, as written (a string or a list of strings is expected; the dashboard
    /// checks the rest and warns).
    pub keys: Vec<(String, Vec<String>)>,
}

/// How typed datetimes are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeZoneSetting {
    /// The machine's local zone (resolved at the edge, since core has no access to the system).
    Local,
    /// An IANA name or `UTC`, already checked against the bundled time-zone database.
    Named(String),
}

/// The `[settings]` table.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How typed datetimes are read.
    pub timezone: TimeZoneSetting,
    /// Where the audit trail goes; `None` means the default under the data dir.
    pub audit_log: Option<String>,
    /// Live refresh period for the dashboard; 0 = off.
    pub refresh_seconds: u64,
    /// Connect timeout for API calls (default 5).
    pub connect_timeout_seconds: u64,
    /// Whole-call timeout for API calls (default 30).
    pub request_timeout_seconds: u64,
    /// The window and thresholds of the lag status rules (`lag_window_seconds`, `lag_min_reads`,
    /// `lag_growth_percent`, `lag_growth_messages`).
    pub lag: crate::core::lag::Rules,
}

/// `protected` and `read_only`, after inheritance from the account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Safety {
    /// Every write needs the target's name typed to confirm.
    pub protected: bool,
    /// No writes at all.
    pub read_only: bool,
}

/// Which Huawei delete-messages API to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteMessagesApi {
    /// `DELETE …/topics/{topic}/messages` with a JSON body (seed 001).
    Delete,
    /// `POST …/topics/{topic}/messages/delete` (SDK 3.1.185 and later).
    Post,
}

/// A Huawei account (`[huawei.NAME]`).
#[derive(Debug, Clone)]
pub struct HuaweiAccount {
    /// The account's name in the profile.
    pub name: String,
    /// Region id, e.g. `cn-north-4`.
    pub region: String,
    /// Project id, sent in the path and in `X-Project-Id`.
    pub project_id: String,
    /// The DMS endpoint, from the profile or the region table.
    pub endpoint: String,
    /// Where the AK/SK come from.
    pub credentials: CredentialSpec,
    /// Which delete-messages API to use.
    pub delete_messages_api: DeleteMessagesApi,
    /// Client-side limit per Huawei API (Huawei publishes none; default 10).
    pub rate_limit_per_second: u32,
    /// The most calls per second per API the pacing may learn to send while calls succeed.
    pub rate_limit_ceiling_per_second: u32,
    /// This account's own limits per API (its contract's quotas), over the starting rate.
    pub rate_limits: std::collections::BTreeMap<String, u32>,
    /// Account-level safety.
    pub safety: Safety,
    /// Whether the account's instances are listed live, and the default names kept in them.
    pub scope: Scope,
    /// Kafka instances.
    pub instances: Vec<KafkaInstance>,
}

/// Which Tencent site an account lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TencentSite {
    /// `*.tencentcloudapi.com`.
    Mainland,
    /// `*.intl.tencentcloudapi.com`.
    Intl,
}

/// A Tencent account (`[tencent.NAME]`).
#[derive(Debug, Clone)]
pub struct TencentAccount {
    /// The account's name in the profile.
    pub name: String,
    /// Region, sent as `X-TC-Region`.
    pub region: String,
    /// Mainland or international site.
    pub site: TencentSite,
    /// CKafka API endpoint.
    pub ckafka_endpoint: String,
    /// DTS API endpoint.
    pub dts_endpoint: String,
    /// Where the SecretId/SecretKey come from.
    pub credentials: CredentialSpec,
    /// This account's own limits per action (its contract's quotas), over the rate table's published figures.
    pub rate_limits: std::collections::BTreeMap<String, u32>,
    /// Account-level safety.
    pub safety: Safety,
    /// Whether the account's instances and subscriptions are listed live, and the default names kept in them.
    pub scope: Scope,
    /// CKafka instances.
    pub ckafka: Vec<KafkaInstance>,
    /// DTS data subscriptions.
    pub dts: Vec<DtsSubscription>,
}

/// A Kafka instance (Huawei DMS or Tencent CKafka).
#[derive(Debug, Clone)]
pub struct KafkaInstance {
    /// The instance's name in the profile (unique across the profile).
    pub name: String,
    /// The cloud's instance id.
    pub id: String,
    /// Topics with their partition counts, in file order.
    pub topics: Vec<TopicSpec>,
    /// Consumer groups with the topics they consume, in file order.
    pub groups: Vec<GroupSpec>,
    /// Effective safety.
    pub safety: Safety,
    /// Which live groups and topics beyond the pins are shown.
    pub scope: Scope,
    pub origin: Origin,
}

/// A topic and its partition count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    /// Topic name.
    pub name: String,
    /// Number of partitions (at least 1).
    pub partitions: u32,
}

/// A consumer group and the topics it consumes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSpec {
    /// Group id.
    pub name: String,
    /// Topic names, each listed in the instance's topics.
    pub topics: Vec<String>,
}

/// A Tencent DTS data subscription.
#[derive(Debug, Clone)]
pub struct DtsSubscription {
    /// The subscription's name in the profile (unique across the profile).
    pub name: String,
    /// `subs-…`.
    pub subscribe_id: String,
    /// The subscription's one Kafka topic.
    pub topic: String,
    /// Number of partitions.
    pub partitions: u32,
    /// Short group names.
    pub groups: Vec<String>,
    /// Effective safety.
    pub safety: Safety,
    /// Which live groups beyond the pins are shown.
    pub scope: Scope,
    pub origin: Origin,
}

/// The fixed prefix of every DTS consumer group's full name.
pub const DTS_GROUP_PREFIX: &str = "consumer-grp-";

impl DtsSubscription {
    /// The full group name the DTS API wants: `consumer-grp-<subscribe_id>-<short>`.
    pub fn full_group_name(&self, short: &str) -> String {
        format!("{DTS_GROUP_PREFIX}{}-{short}", self.subscribe_id)
    }
}

/// Counts for the tree summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Accounts.
    pub accounts: usize,
    /// Instances and subscriptions.
    pub instances: usize,
    /// Consumer groups.
    pub groups: usize,
    /// Topics.
    pub topics: usize,
    /// Partitions.
    pub partitions: u64,
}

impl KafkaInstance {
    fn add_to(&self, t: &mut Totals) {
        t.instances += 1;
        t.groups += self.groups.len();
        t.topics += self.topics.len();
        t.partitions += self.topics.iter().map(|x| u64::from(x.partitions)).sum::<u64>();
    }
}

impl Profile {
    /// Whether any account's endpoint is HTTPS (validation allows plain HTTP to loopback only).
    pub fn needs_tls(&self) -> bool {
        let https = |e: &str| !e.starts_with("http://");
        self.huawei.iter().any(|a| https(&a.endpoint))
            || self.tencent.iter().any(|a| https(&a.ckafka_endpoint) || https(&a.dts_endpoint))
    }

    /// Counts of everything the profile describes.
    pub fn totals(&self) -> Totals {
        let mut t = Totals { accounts: self.huawei.len() + self.tencent.len(), ..Totals::default() };
        for i in self.huawei.iter().flat_map(|a| &a.instances) {
            i.add_to(&mut t);
        }
        for a in &self.tencent {
            a.ckafka.iter().for_each(|i| i.add_to(&mut t));
            for d in &a.dts {
                t.instances += 1;
                t.groups += d.groups.len();
                t.topics += 1;
                t.partitions += u64::from(d.partitions);
            }
        }
        t
    }
}
