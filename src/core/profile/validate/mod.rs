//! From the raw TOML mirror to a validated [`Profile`], collecting every problem rather than stopping at the first.

use std::collections::HashMap;
use std::ops::Range;

use indexmap::IndexMap;

use super::raw::{RawHuaweiAccount, RawProfile, RawTencentAccount, S};
use super::rules::check_endpoint;
use super::{Loaded, ProfileError, model::*, scope::Scope};

mod instances;
use crate::core::credentials::{Cloud, CredentialSpec, Credentials};
use crate::core::diag::{Diagnostic, Severity, did_you_mean};
use crate::core::huawei_regions;
use crate::core::secret::Secret;
use instances::{dts_subscription, instances, safety, scope};

/// The largest partition count accepted for one topic; anything above is surely a typo.
const MAX_PARTITIONS: i64 = 100_000;

struct Ctx<'a> {
    source: &'a str,
    file: &'a str,
    diags: Vec<Diagnostic>,
    /// Instance name -> the line of its first definition, for the uniqueness rule.
    instance_names: HashMap<String, usize>,
}

impl Ctx<'_> {
    fn push(&mut self, severity: Severity, span: Range<usize>, key: &str, message: String, help: String) {
        let d = Diagnostic::at(severity, self.file, self.source, Some(span), key, message).help(help);
        self.diags.push(d);
    }

    fn error(&mut self, span: Range<usize>, key: &str, message: impl Into<String>, help: impl Into<String>) {
        self.push(Severity::Error, span, key, message.into(), help.into());
    }

    /// Checks a name used as a table key: not empty, no whitespace (it is typed on the command line).
    fn name(&mut self, name: &S<String>, key: &str, what: &str) -> String {
        let n = name.get_ref();
        if n.trim().is_empty() || n.chars().any(|c| c.is_whitespace() || c.is_control()) {
            self.error(
                name.span(),
                key,
                format!("{what} name {n:?} is empty or contains spaces"),
                "names are typed on the command line: use letters, digits, '-' or '_'",
            );
        }
        n.clone()
    }

    fn non_empty(&mut self, value: &S<String>, key: &str, fix: &str) -> String {
        if value.get_ref().trim().is_empty() {
            self.error(value.span(), key, format!("`{key}` is empty"), fix);
        }
        value.get_ref().trim().to_owned()
    }

    fn instance_name(&mut self, name: &S<String>, key: &str) -> String {
        let n = self.name(name, key, "instance");
        let line = self.source[..name.span().start].matches('\n').count() + 1;
        if let Some(first) = self.instance_names.get(&n) {
            let first = *first;
            self.error(
                name.span(),
                key,
                format!("instance name `{n}` is already used on line {first}"),
                "instance names must be unique across the whole profile, since `--instance NAME` finds them; rename one",
            );
        } else {
            self.instance_names.insert(n.clone(), line);
        }
        n
    }

    fn partitions(&mut self, count: &S<i64>, key: &str) -> u32 {
        let n = *count.get_ref();
        if !(1..=MAX_PARTITIONS).contains(&n) {
            self.error(
                count.span(),
                key,
                format!("partition count {n} is out of range"),
                format!("a topic has between 1 and {MAX_PARTITIONS} partitions; write the topic's real count"),
            );
            return 1;
        }
        n as u32
    }

    /// A whole number within `lo..=hi`.
    fn bounded(&mut self, v: &S<i64>, key: &str, lo: i64, hi: i64) -> u64 {
        let n = *v.get_ref();
        if !(lo..=hi).contains(&n) {
            self.error(
                v.span(),
                key,
                format!("`{key}` = {n} is out of range"),
                format!("use a whole number from {lo} to {hi}"),
            );
            return lo as u64;
        }
        n as u64
    }

    fn endpoint(&mut self, value: &S<String>, key: &str) -> String {
        if let Err(help) = check_endpoint(value.get_ref()) {
            self.error(value.span(), key, format!("`{key}` = {:?} is not a usable endpoint", value.get_ref()), help);
        }
        value.get_ref().trim_end_matches('/').to_owned()
    }

    fn choice<T: Copy>(&mut self, value: Option<&S<String>>, key: &str, options: &[(&str, T)], default: T) -> T {
        let Some(value) = value else { return default };
        if let Some((_, v)) = options.iter().find(|(name, _)| *name == value.get_ref()) {
            return *v;
        }
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        let allowed = names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(" or ");
        self.error(
            value.span(),
            key,
            format!("`{key}` = {:?} is not allowed", value.get_ref()),
            format!("write {allowed}"),
        );
        default
    }
}

pub(super) fn validate(raw: RawProfile, source: &str, file: &str) -> Result<Loaded, ProfileError> {
    let mut cx = Ctx { source, file, diags: Vec::new(), instance_names: HashMap::new() };
    let settings = settings(&mut cx, &raw);
    if raw.huawei.is_empty() && raw.tencent.is_empty() {
        let d = Diagnostic::at(Severity::Error, file, source, None, "", "the profile has no accounts")
            .help("add at least one [huawei.NAME] or [tencent.NAME] account; config.example.toml shows every key");
        cx.diags.push(d);
    }
    let huawei = raw.huawei.iter().map(|(name, acc)| huawei_account(&mut cx, name, acc.get_ref())).collect();
    let tencent = raw.tencent.iter().map(|(name, acc)| tencent_account(&mut cx, name, acc.get_ref())).collect();
    let (errors, warnings): (Vec<_>, Vec<_>) = cx.diags.into_iter().partition(|d| d.severity == Severity::Error);
    if !errors.is_empty() {
        return Err(ProfileError { diagnostics: errors.into_iter().chain(warnings).collect() });
    }
    let keys = raw
        .keys
        .iter()
        .map(|(action, v)| {
            let specs = match v {
                toml::Value::String(k) => vec![k.clone()],
                toml::Value::Array(a) => {
                    a.iter().map(|k| k.as_str().map_or_else(|| k.to_string(), str::to_owned)).collect()
                }
                other => vec![other.to_string()],
            };
            (action.clone(), specs)
        })
        .collect();
    Ok(Loaded { profile: Profile { settings, huawei, tencent, keys }, warnings })
}

fn settings(cx: &mut Ctx, raw: &RawProfile) -> Settings {
    let mut s = Settings {
        timezone: TimeZoneSetting::Local,
        audit_log: None,
        refresh_seconds: 0,
        connect_timeout_seconds: 5,
        request_timeout_seconds: 30,
        lag: crate::core::lag::Rules::default(),
    };
    let Some(raw) = raw.settings.as_ref().map(|s| s.get_ref()) else { return s };
    if let Some(tz) = &raw.timezone {
        let name = tz.get_ref();
        if jiff::tz::TimeZone::get(name).is_ok() {
            s.timezone = TimeZoneSetting::Named(name.clone());
        } else {
            let names = jiff::tz::db().available();
            let names: Vec<String> = names.map(|n| n.to_string()).collect();
            let hint = did_you_mean(name, names.iter().map(String::as_str))
                .map(|n| format!("did you mean \"{n}\"? "))
                .unwrap_or_default();
            cx.error(
                tz.span(),
                "settings.timezone",
                format!("unknown time zone {name:?}"),
                format!(
                    "{hint}use \"UTC\" or an IANA name such as \"Asia/Shanghai\"; leave it out for the machine's zone"
                ),
            );
        }
    }
    if let Some(path) = &raw.audit_log {
        s.audit_log =
            Some(cx.non_empty(path, "settings.audit_log", "give a file path, or remove the key for the default"));
    }
    if let Some(secs) = &raw.refresh_seconds {
        match u64::try_from(*secs.get_ref()) {
            Ok(n) if n <= 86_400 => s.refresh_seconds = n,
            _ => cx.error(
                secs.span(),
                "settings.refresh_seconds",
                format!("refresh_seconds = {} is out of range", secs.get_ref()),
                "use 0 (off) or a number of seconds up to 86400",
            ),
        }
    }
    if let Some(v) = &raw.connect_timeout_seconds {
        s.connect_timeout_seconds = cx.bounded(v, "settings.connect_timeout_seconds", 1, 120);
    }
    if let Some(v) = &raw.request_timeout_seconds {
        s.request_timeout_seconds = cx.bounded(v, "settings.request_timeout_seconds", 1, 600);
    }
    // Shorter than a minute, a consumer committing every few seconds between two reads looks stalled; longer than
    // a day, the samples (kept a day) cannot fill it.
    if let Some(v) = &raw.lag_window_seconds {
        s.lag.window = std::time::Duration::from_secs(cx.bounded(v, "settings.lag_window_seconds", 60, 86_400));
    }
    if let Some(v) = &raw.lag_min_reads {
        s.lag.min_samples = cx.bounded(v, "settings.lag_min_reads", 2, 1_000) as usize;
    }
    if let Some(v) = &raw.lag_growth_percent {
        s.lag.growth_fraction = cx.bounded(v, "settings.lag_growth_percent", 0, 10_000) as f64 / 100.0;
    }
    if let Some(v) = &raw.lag_growth_messages {
        s.lag.growth_min_messages = cx.bounded(v, "settings.lag_growth_messages", 0, 1_000_000_000) as i64;
    }
    s
}

/// Builds a credential spec; a half-written pair (an id without its secret) is an error.
#[allow(clippy::too_many_arguments)]
fn credentials(
    cx: &mut Ctx,
    cloud: Cloud,
    prefix: &str,
    names: [&str; 3],
    inline: [&Option<S<String>>; 3],
    env: [&Option<S<String>>; 3],
    process: &Option<S<String>>,
) -> CredentialSpec {
    let mut pair = |values: [&Option<S<String>>; 3], suffix: &str| -> Option<(String, String, Option<String>)> {
        let [id, secret, token] = values;
        match (id, secret) {
            (Some(i), Some(s)) => {
                Some((i.get_ref().clone(), s.get_ref().clone(), token.as_ref().map(|t| t.get_ref().clone())))
            }
            (None, None) => {
                if let Some(t) = token {
                    let key = format!("{prefix}.{}{suffix}", names[2]);
                    cx.error(
                        t.span(),
                        &key,
                        format!(
                            "`{}{suffix}` is set without `{}{suffix}` and `{}{suffix}`",
                            names[2], names[0], names[1]
                        ),
                        "a token only makes sense with its key pair; add both or remove the token",
                    );
                }
                None
            }
            (Some(one), None) | (None, Some(one)) => {
                let (have, lack) = if id.is_some() { (names[0], names[1]) } else { (names[1], names[0]) };
                let key = format!("{prefix}.{have}{suffix}");
                cx.error(
                    one.span(),
                    &key,
                    format!("`{have}{suffix}` is set but `{lack}{suffix}` is not"),
                    format!("set both `{have}{suffix}` and `{lack}{suffix}`, or neither"),
                );
                None
            }
        }
    };
    let inline = pair(inline, "").map(|(i, s, t)| Credentials {
        id: Secret::new(i),
        secret: Secret::new(s),
        token: t.map(Secret::new),
    });
    let env = pair(env, "_env");
    let process = process.as_ref().map(|p| {
        cx.non_empty(p, &format!("{prefix}.credential_process"), "give the command to run, or remove the key")
    });
    CredentialSpec { cloud, inline, env, process }
}

fn huawei_account(cx: &mut Ctx, name: &S<String>, a: &RawHuaweiAccount) -> HuaweiAccount {
    let n = cx.name(name, &format!("huawei.{}", name.get_ref()), "account");
    let key = |k: &str| format!("huawei.{n}.{k}");
    let region = a.region.get_ref().clone();
    let endpoint = match &a.endpoint {
        Some(e) => cx.endpoint(e, &key("endpoint")),
        None => huawei_regions::endpoint(&region).unwrap_or_else(|| {
            let hint = did_you_mean(&region, huawei_regions::REGIONS.iter().copied())
                .map(|r| format!("did you mean \"{r}\"? "))
                .unwrap_or_default();
            cx.error(
                a.region.span(),
                &key("region"),
                format!("unknown Huawei region {region:?}"),
                format!(
                    "{hint}or set `endpoint = \"https://dms.<region>.myhuaweicloud.com\"` for a region the table lacks"
                ),
            );
            String::new()
        }),
    };
    let project_id = a.project_id.get_ref().clone();
    if project_id.len() != 32 || !project_id.chars().all(|c| c.is_ascii_hexdigit()) {
        cx.error(
            a.project_id.span(),
            &key("project_id"),
            format!("project_id {project_id:?} is not a Huawei project id"),
            "a project id is 32 hex characters; find it under My Credentials > API Credentials > Projects for this region",
        );
    }
    let credentials = credentials(
        cx,
        Cloud::Huawei,
        &format!("huawei.{n}"),
        ["ak", "sk", "security_token"],
        [&a.ak, &a.sk, &a.security_token],
        [&a.ak_env, &a.sk_env, &a.security_token_env],
        &a.credential_process,
    );
    let delete_messages_api = cx.choice(
        a.delete_messages_api.as_ref(),
        &key("delete_messages_api"),
        &[("delete", DeleteMessagesApi::Delete), ("post", DeleteMessagesApi::Post)],
        DeleteMessagesApi::Delete,
    );
    let rate_limit_per_second =
        a.rate_limit_per_second.as_ref().map_or(10, |v| cx.bounded(v, &key("rate_limit_per_second"), 1, 1000) as u32);
    let rate_limit_ceiling_per_second = match &a.rate_limit_ceiling_per_second {
        None => rate_limit_per_second.max(50),
        Some(v) => {
            let c = cx.bounded(v, &key("rate_limit_ceiling_per_second"), 1, 1000) as u32;
            if c < rate_limit_per_second {
                cx.error(
                    v.span(),
                    &key("rate_limit_ceiling_per_second"),
                    format!("`rate_limit_ceiling_per_second` = {c} is below `rate_limit_per_second` = {rate_limit_per_second}"),
                    "the ceiling is the most the pacing may learn to send: make it at least the starting rate",
                );
            }
            c.max(rate_limit_per_second)
        }
    };
    let rate_limits = rate_limits(cx, &a.rate_limits, &key("rate_limits"), true);
    let safety = safety(Safety::default(), a.protected, a.read_only);
    let scope = scope(cx, &Scope::default(), (a.discover, &a.include, &a.exclude), &format!("huawei.{n}"));
    let instances = instances(cx, &a.instances, &format!("huawei.{n}.instances"), (safety, &scope));
    HuaweiAccount {
        name: n,
        region,
        project_id,
        endpoint,
        credentials,
        delete_messages_api,
        rate_limit_per_second,
        rate_limit_ceiling_per_second,
        rate_limits,
        safety,
        scope,
        instances,
    }
}

fn tencent_account(cx: &mut Ctx, name: &S<String>, a: &RawTencentAccount) -> TencentAccount {
    let n = cx.name(name, &format!("tencent.{}", name.get_ref()), "account");
    let key = |k: &str| format!("tencent.{n}.{k}");
    let region = cx.non_empty(&a.region, &key("region"), "write the region, e.g. \"ap-singapore\"");
    let site = cx.choice(
        a.site.as_ref(),
        &key("site"),
        &[("mainland", TencentSite::Mainland), ("intl", TencentSite::Intl)],
        TencentSite::Mainland,
    );
    let default_host = |svc: &str| match site {
        TencentSite::Mainland => format!("https://{svc}.tencentcloudapi.com"),
        TencentSite::Intl => format!("https://{svc}.intl.tencentcloudapi.com"),
    };
    let ckafka_endpoint = match &a.ckafka_endpoint {
        Some(e) => cx.endpoint(e, &key("ckafka_endpoint")),
        None => default_host("ckafka"),
    };
    let dts_endpoint = match &a.dts_endpoint {
        Some(e) => cx.endpoint(e, &key("dts_endpoint")),
        None => default_host("dts"),
    };
    let credentials = credentials(
        cx,
        Cloud::Tencent,
        &format!("tencent.{n}"),
        ["secret_id", "secret_key", "token"],
        [&a.secret_id, &a.secret_key, &a.token],
        [&a.secret_id_env, &a.secret_key_env, &a.token_env],
        &a.credential_process,
    );
    let rate_limits = rate_limits(cx, &a.rate_limits, &key("rate_limits"), false);
    let safety = safety(Safety::default(), a.protected, a.read_only);
    let scope = scope(cx, &Scope::default(), (a.discover, &a.include, &a.exclude), &format!("tencent.{n}"));
    let ckafka = instances(cx, &a.ckafka, &format!("tencent.{n}.ckafka"), (safety, &scope));
    let dts = a
        .dts
        .iter()
        .map(|(name, d)| {
            let dkey = format!("tencent.{n}.dts.{}", name.get_ref());
            let name = cx.instance_name(name, &dkey);
            dts_subscription(cx, name, d.get_ref(), &dkey, (safety, &scope))
        })
        .collect();
    TencentAccount {
        name: n,
        region,
        site,
        ckafka_endpoint,
        dts_endpoint,
        credentials,
        rate_limits,
        safety,
        scope,
        ckafka,
        dts,
    }
}

/// `rate_limits = { Api = N }`: each name one this cloud's client sends, each figure a whole number of calls a
/// second.
fn rate_limits(
    cx: &mut Ctx,
    raw: &IndexMap<S<String>, S<i64>>,
    key: &str,
    huawei: bool,
) -> std::collections::BTreeMap<String, u32> {
    let mut out = std::collections::BTreeMap::new();
    for (api, v) in raw {
        let name = api.get_ref();
        let k = format!("{key}.{name}");
        if !crate::core::limits::known(huawei, name) {
            let near = crate::core::limits::names(huawei);
            cx.error(
                api.span(),
                &k,
                format!("`{name}` is not an API offsetdeck sends on this cloud"),
                format!("use one of: {}", near.join(", ")),
            );
            continue;
        }
        out.insert(name.clone(), cx.bounded(v, &k, 1, 1000) as u32);
    }
    out
}
