//! Every bad-input case of the profile gets an error naming the line, the key, what is wrong and how to fix it.

use offsetdeck::core::diag::Diagnostic;
use offsetdeck::core::profile::{self, DeleteMessagesApi, TencentSite, TimeZoneSetting};

const HW: &str = r#"
[huawei.prod]
region = "cn-north-4"
project_id = "0123456789abcdef0123456789abcdef"
"#;

/// The first error for `text`, which must fail to load.
fn error(text: &str) -> Diagnostic {
    let err = profile::parse(text, "p.toml").expect_err("this profile must be rejected");
    let shown = err.to_string();
    assert!(shown.contains("p.toml"), "the file is named: {shown}");
    err.diagnostics.into_iter().next().unwrap()
}

fn assert_diag(d: &Diagnostic, line: usize, key: &str, message: &str, help: &str) {
    let shown = d.to_string();
    assert_eq!(d.line, line, "{shown}");
    assert!(d.key.contains(key), "key {key:?} in {shown}");
    assert!(d.message.contains(message), "message {message:?} in {shown}");
    assert!(d.help.as_deref().unwrap_or("").contains(help), "help {help:?} in {shown}");
    assert!(d.column > 0 || d.line == 0, "{shown}");
}

#[test]
fn empty_file() {
    let d = error("  \n# only a comment\n");
    assert_diag(&d, 0, "", "has no accounts", "add at least one [huawei.NAME]");
    let d = error("");
    assert_diag(&d, 0, "", "the profile is empty", "config.example.toml");
}

#[test]
fn malformed_toml() {
    let d = error("[huawei.prod\nregion = 1\n");
    assert_diag(&d, 1, "", "", "not valid TOML");
}

#[test]
fn unknown_key_suggests() {
    let d = error(&format!("{HW}regoin = \"x\"\n"));
    assert_diag(&d, 5, "huawei.prod.regoin", "unknown key `regoin`", "did you mean `region`?");
    let d = error("[setings]\ntimezone = \"UTC\"\n");
    assert_diag(&d, 1, "setings", "unknown key `setings`", "did you mean `settings`?");
}

#[test]
fn wrong_type() {
    let d = error(&format!("{HW}protected = \"yes\"\n"));
    assert_diag(
        &d,
        5,
        "huawei.prod.protected",
        "expected true or false, found the text \"yes\"",
        "strings need quotes",
    );
    let d = error(&format!("{HW}[huawei.prod.instances.a]\nid = \"x\"\ntopics = {{ t = \"12\" }}\n"));
    assert_diag(&d, 7, "topics", "expected a whole number, found the text \"12\"", "numbers and true/false do not");
}

#[test]
fn missing_required_field() {
    let d = error("[huawei.prod]\nregion = \"cn-north-4\"\n");
    assert_diag(&d, 1, "huawei.prod", "missing required key `project_id`", "add `project_id = ...`");
    let d = error(
        "[tencent.sg]\nregion = \"ap-singapore\"\n[tencent.sg.dts.s]\nsubscribe_id = \"subs-1\"\ntopic = \"t\"\n",
    );
    assert_diag(&d, 3, "tencent.sg.dts.s", "missing required key `partitions`", "");
}

#[test]
fn duplicate_names_among_siblings() {
    // The same key twice in one table is caught by the TOML parser.
    let d = error(&format!("{HW}[huawei.prod.instances.a]\nid = \"x\"\ntopics = {{ t = 1, t = 2 }}\n"));
    assert_diag(&d, 7, "", "duplicate key", "each name may appear once");
    // Instance names are unique across the profile, since --instance finds them.
    let text = format!(
        "{HW}[huawei.prod.instances.orders]\nid = \"x\"\n[tencent.sg]\nregion = \"r\"\n[tencent.sg.ckafka.orders]\nid = \"y\"\n"
    );
    let d = error(&text);
    assert_diag(
        &d,
        9,
        "tencent.sg.ckafka.orders",
        "`orders` is already used on line 5",
        "unique across the whole profile",
    );
    // Lists of names.
    let d = error(
        "[tencent.sg]\nregion = \"r\"\n[tencent.sg.dts.s]\nsubscribe_id = \"subs-1\"\ntopic = \"t\"\npartitions = 1\ngroups = [\"a\", \"a\"]\n",
    );
    assert_diag(&d, 7, "groups", "`a` is listed twice", "list each group once");
    let d = error(&format!(
        "{HW}[huawei.prod.instances.a]\nid = \"x\"\ntopics = {{ t = 1 }}\ngroups = {{ g = [\"t\", \"t\"] }}\n"
    ));
    assert_diag(&d, 8, "groups.g", "listed twice", "list each topic once");
}

#[test]
fn partition_count_zero_or_negative() {
    let d = error(&format!("{HW}[huawei.prod.instances.a]\nid = \"x\"\ntopics = {{ t = 0 }}\n"));
    assert_diag(&d, 7, "huawei.prod.instances.a.topics.t", "partition count 0", "between 1 and");
    let d = error(
        "[tencent.sg]\nregion = \"r\"\n[tencent.sg.dts.s]\nsubscribe_id = \"subs-1\"\ntopic = \"t\"\npartitions = -4\n",
    );
    assert_diag(&d, 6, "tencent.sg.dts.s.partitions", "partition count -4", "between 1 and");
}

#[test]
fn unknown_huawei_region_without_endpoint() {
    let d = error("[huawei.prod]\nregion = \"cn-nort-4\"\nproject_id = \"0123456789abcdef0123456789abcdef\"\n");
    assert_diag(&d, 2, "huawei.prod.region", "unknown Huawei region \"cn-nort-4\"", "did you mean \"cn-north-4\"?");
    // With an endpoint override, any region is accepted.
    let ok = "[huawei.prod]\nregion = \"xx-new-1\"\nendpoint = \"https://dms.xx-new-1.example.com\"\nproject_id = \"0123456789abcdef0123456789abcdef\"\n";
    let loaded = profile::parse(ok, "p.toml").unwrap();
    assert_eq!(loaded.profile.huawei[0].endpoint, "https://dms.xx-new-1.example.com");
}

#[test]
fn plain_http_only_to_loopback() {
    let text = "[tencent.sg]\nregion = \"r\"\nckafka_endpoint = \"http://ckafka.example.com\"\n";
    let d = error(text);
    assert_diag(&d, 3, "tencent.sg.ckafka_endpoint", "not a usable endpoint", "only allowed to a loopback address");
    for ok in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9", "https://x.example.com"] {
        let text = format!("[tencent.sg]\nregion = \"r\"\nckafka_endpoint = \"{ok}\"\n");
        profile::parse(&text, "p.toml").unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    let d = error("[tencent.sg]\nregion = \"r\"\ndts_endpoint = \"not a url\"\n");
    assert_diag(&d, 3, "dts_endpoint", "not a usable endpoint", "full URL");
}

#[test]
fn dts_group_with_prefix() {
    let text = "[tencent.sg]\nregion = \"r\"\n[tencent.sg.dts.s]\nsubscribe_id = \"subs-1\"\ntopic = \"t\"\npartitions = 1\ngroups = [\"consumer-grp-subs-1-etl\"]\n";
    let d = error(text);
    assert_diag(
        &d,
        7,
        "tencent.sg.dts.s.groups",
        "already carries the `consumer-grp-` prefix",
        "write the short name \"etl\"",
    );
}

#[test]
fn other_checks() {
    let d = error(&format!(
        "{HW}[huawei.prod.instances.a]\nid = \"x\"\ntopics = {{ t = 1 }}\ngroups = {{ g = [\"tt\"] }}\n"
    ));
    assert_diag(&d, 8, "groups.g", "not in this instance's topics", "did you mean `t`?");
    let d = error("[settings]\ntimezone = \"Asia/Shangai\"\n[tencent.sg]\nregion = \"r\"\n");
    assert_diag(&d, 2, "settings.timezone", "unknown time zone", "did you mean \"Asia/Shanghai\"?");
    let d = error("[huawei.prod]\nregion = \"cn-north-4\"\nproject_id = \"abc\"\n");
    assert_diag(&d, 3, "project_id", "not a Huawei project id", "32 hex characters");
    let d = error(&format!("{HW}ak = \"x\"\n"));
    assert_diag(&d, 5, "huawei.prod.ak", "`ak` is set but `sk` is not", "set both");
    let d = error(&format!("{HW}delete_messages_api = \"remove\"\n"));
    assert_diag(&d, 5, "delete_messages_api", "not allowed", "\"delete\" or \"post\"");
    let d = error("[tencent.sg]\nregion = \"r\"\nsite = \"china\"\n");
    assert_diag(&d, 3, "site", "not allowed", "\"mainland\" or \"intl\"");
    let d = error("[settings]\nconnect_timeout_seconds = 0\n[tencent.sg]\nregion = \"r\"\n");
    assert_diag(&d, 2, "settings.connect_timeout_seconds", "out of range", "from 1 to 120");
    let d = error(&format!("{HW}rate_limit_per_second = 0\n"));
    assert_diag(&d, 5, "huawei.prod.rate_limit_per_second", "out of range", "from 1 to 1000");
    let d = error(&format!("{HW}rate_limit_per_second = 20\nrate_limit_ceiling_per_second = 5\n"));
    assert_diag(
        &d,
        6,
        "huawei.prod.rate_limit_ceiling_per_second",
        "is below `rate_limit_per_second` = 20",
        "at least the starting rate",
    );
    let d = error("[settings]\nrefresh_seconds = -1\n[tencent.sg]\nregion = \"r\"\n");
    assert_diag(&d, 2, "refresh_seconds", "out of range", "0 (off)");
    let d = error("[settings]\nlag_window_seconds = 5\n[tencent.sg]\nregion = \"r\"\n");
    assert_diag(&d, 2, "settings.lag_window_seconds", "out of range", "from 60 to 86400");
    let d = error("[settings]\nlag_min_reads = 1\n[tencent.sg]\nregion = \"r\"\n");
    assert_diag(&d, 2, "settings.lag_min_reads", "out of range", "from 2 to 1000");
}

#[test]
fn the_lag_rules_are_read_from_the_settings() {
    let text = "[settings]\nlag_window_seconds = 900\nlag_min_reads = 5\nlag_growth_percent = 25\nlag_growth_messages = 0\n[tencent.sg]\nregion = \"r\"\n";
    let rules = profile::parse(text, "p.toml").unwrap().profile.settings.lag;
    assert_eq!(rules.window, std::time::Duration::from_secs(900));
    assert_eq!((rules.min_samples, rules.growth_fraction, rules.growth_min_messages), (5, 0.25, 0));
}

#[test]
fn all_errors_are_reported_together() {
    let text = "[huawei.a]\nregion = \"nope\"\nproject_id = \"x\"\n";
    let err = profile::parse(text, "p.toml").unwrap_err();
    assert_eq!(err.diagnostics.len(), 2, "{err}");
    assert!(err.to_string().ends_with("2 error(s) in the profile"));
}

#[test]
fn example_profile_loads_with_both_clouds() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml")).unwrap();
    let loaded = profile::parse(&text, "config.example.toml").unwrap();
    let p = &loaded.profile;
    assert!(loaded.warnings.is_empty());
    assert_eq!(p.settings.timezone, TimeZoneSetting::Named("Asia/Shanghai".into()));
    let hw = &p.huawei[0];
    assert_eq!((hw.name.as_str(), hw.endpoint.as_str()), ("prod-bj", "https://dms.cn-north-4.myhuaweicloud.com"));
    assert_eq!(hw.delete_messages_api, DeleteMessagesApi::Delete);
    assert_eq!(hw.rate_limit_per_second, 10);
    assert_eq!(hw.rate_limit_ceiling_per_second, 50, "by default the pacing may learn up to 50/s");
    assert_eq!((p.settings.connect_timeout_seconds, p.settings.request_timeout_seconds), (5, 30));
    assert!(hw.safety.protected && hw.instances[0].safety.protected, "instances inherit protected");
    assert!(hw.instances[1].safety.read_only && !hw.safety.read_only);
    assert_eq!(hw.instances[0].topics[0].partitions, 12);
    assert_eq!(hw.instances[0].groups[0].topics, ["orders", "payments"]);
    let tc = &p.tencent[0];
    assert_eq!(tc.site, TencentSite::Intl);
    assert_eq!(tc.ckafka_endpoint, "https://ckafka.intl.tencentcloudapi.com");
    assert_eq!(tc.dts[0].full_group_name("etl"), "consumer-grp-subs-635ns8r71g-etl");
    let t = p.totals();
    assert_eq!((t.accounts, t.instances, t.groups, t.topics, t.partitions), (2, 4, 7, 6, 53));
}
