//! The profile as written: serde mirrors of the TOML, with spans kept for error messages.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

pub(super) type S<T> = Spanned<T>;
pub(super) type Named<T> = IndexMap<S<String>, S<T>>;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProfile {
    pub settings: Option<S<RawSettings>>,
    #[serde(default)]
    pub huawei: Named<RawHuaweiAccount>,
    #[serde(default)]
    pub tencent: Named<RawTencentAccount>,
    /// Key rebindings: checked by the dashboard, where a bad one is a warning.
    #[serde(default)]
    pub keys: IndexMap<String, toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSettings {
    pub timezone: Option<S<String>>,
    pub audit_log: Option<S<String>>,
    pub refresh_seconds: Option<S<i64>>,
    pub connect_timeout_seconds: Option<S<i64>>,
    pub request_timeout_seconds: Option<S<i64>>,
    pub lag_window_seconds: Option<S<i64>>,
    pub lag_min_reads: Option<S<i64>>,
    pub lag_growth_percent: Option<S<i64>>,
    pub lag_growth_messages: Option<S<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHuaweiAccount {
    pub region: S<String>,
    pub project_id: S<String>,
    pub endpoint: Option<S<String>>,
    pub ak: Option<S<String>>,
    pub sk: Option<S<String>>,
    pub security_token: Option<S<String>>,
    pub ak_env: Option<S<String>>,
    pub sk_env: Option<S<String>>,
    pub security_token_env: Option<S<String>>,
    pub credential_process: Option<S<String>>,
    pub delete_messages_api: Option<S<String>>,
    pub rate_limit_per_second: Option<S<i64>>,
    pub rate_limit_ceiling_per_second: Option<S<i64>>,
    #[serde(default)]
    pub rate_limits: IndexMap<S<String>, S<i64>>,
    pub protected: Option<bool>,
    pub read_only: Option<bool>,
    pub discover: Option<bool>,
    pub include: Option<Vec<S<String>>>,
    pub exclude: Option<Vec<S<String>>>,
    #[serde(default)]
    pub instances: Named<RawInstance>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInstance {
    pub id: S<String>,
    #[serde(default)]
    pub topics: IndexMap<S<String>, S<i64>>,
    #[serde(default)]
    pub groups: IndexMap<S<String>, Vec<S<String>>>,
    pub protected: Option<bool>,
    pub read_only: Option<bool>,
    pub discover: Option<bool>,
    pub include: Option<Vec<S<String>>>,
    pub exclude: Option<Vec<S<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTencentAccount {
    pub region: S<String>,
    pub site: Option<S<String>>,
    pub ckafka_endpoint: Option<S<String>>,
    pub dts_endpoint: Option<S<String>>,
    pub secret_id: Option<S<String>>,
    pub secret_key: Option<S<String>>,
    pub token: Option<S<String>>,
    pub secret_id_env: Option<S<String>>,
    pub secret_key_env: Option<S<String>>,
    pub token_env: Option<S<String>>,
    pub credential_process: Option<S<String>>,
    #[serde(default)]
    pub rate_limits: IndexMap<S<String>, S<i64>>,
    pub protected: Option<bool>,
    pub read_only: Option<bool>,
    pub discover: Option<bool>,
    pub include: Option<Vec<S<String>>>,
    pub exclude: Option<Vec<S<String>>>,
    #[serde(default)]
    pub ckafka: Named<RawInstance>,
    #[serde(default)]
    pub dts: Named<RawDts>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDts {
    pub subscribe_id: S<String>,
    pub topic: S<String>,
    pub partitions: S<i64>,
    #[serde(default)]
    pub groups: Vec<S<String>>,
    pub protected: Option<bool>,
    pub read_only: Option<bool>,
    pub discover: Option<bool>,
    pub include: Option<Vec<S<String>>>,
    pub exclude: Option<Vec<S<String>>>,
}
