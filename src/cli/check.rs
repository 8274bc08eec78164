//! `offsetdeck check`: validate the profile, resolve credentials, print the tree.

use std::fmt::Write;
use std::path::Path;

use super::load::{load, locate};
use super::{EXIT_BAD_INPUT, EXIT_OK};
use crate::core::credentials::{self, CredentialSpec, Environment};
use crate::core::profile::{KafkaInstance, Profile, Safety, Scope, TimeZoneSetting};
use crate::providers::credentials::SystemEnvironment;

/// Runs the check and returns the exit code. With `json`, stdout is one document: the diagnostics, and when the
/// profile is valid, its summary and the live results.
pub fn run(flag: Option<&Path>, live: bool, json: bool) -> u8 {
    let located = match locate(flag) {
        Ok(l) => l,
        Err(e) => {
            esay!("error: {e}");
            if json {
                say_json!(serde_json::json!({"valid": false, "error": e}));
            }
            return EXIT_BAD_INPUT;
        }
    };
    let loaded = match load(&located) {
        Ok(l) => l,
        Err(e) => {
            esay!("{e}");
            if json {
                say_json!(serde_json::json!({"profile": located.path, "valid": false, "diagnostics": e.diagnostics}));
            }
            return EXIT_BAD_INPUT;
        }
    };
    let key_warnings = crate::tui::keymap::Keymap::from_profile(&loaded.profile.keys).1;
    for w in &loaded.warnings {
        esay!("{w}");
    }
    for w in &key_warnings {
        esay!("warning: {w}");
    }
    let (report, all_found) = summary(&loaded.profile, &SystemEnvironment);
    let checked = if live { super::check_live::run(&loaded.profile) } else { Vec::new() };
    let live_ok = checked.iter().all(|c| c.ok);
    if json {
        say_json!(serde_json::json!({
            "profile": located.path,
            "from": located.origin,
            "valid": true,
            "credentials_found": all_found,
            "diagnostics": loaded.warnings,
            "key_warnings": key_warnings,
            "summary": report.lines().collect::<Vec<_>>(),
            "live": live.then_some(&checked),
        }));
    } else {
        say!("profile {} (from {}): valid", located.path.display(), located.origin);
        sayn!("{report}");
        for c in &checked {
            say!("live: {} {}: {}", c.what, c.name, c.said);
        }
        if !all_found {
            say!("some accounts have no credentials: see above");
        }
    }
    match (all_found, live_ok) {
        (false, _) => EXIT_BAD_INPUT,
        (true, false) => crate::engine::error::exit::FAILED,
        (true, true) => EXIT_OK,
    }
}

/// The tree summary and whether every account has credentials.
pub fn summary(p: &Profile, env: &dyn Environment) -> (String, bool) {
    let mut out = String::new();
    let mut all_found = true;
    let tz = match &p.settings.timezone {
        TimeZoneSetting::Local => "the machine's local zone".to_owned(),
        TimeZoneSetting::Named(n) => n.clone(),
    };
    let _ = writeln!(out, "timezone: {tz}");
    let mut creds = |spec: &CredentialSpec, out: &mut String| {
        let line = match credentials::resolve(spec, env) {
            Ok((_, source)) => format!("found ({source})"),
            Err(e) => {
                all_found = false;
                format!("MISSING: {e}")
            }
        };
        let _ = writeln!(out, "    credentials: {line}");
    };
    for a in &p.huawei {
        let _ = writeln!(out, "huawei {}  region {}  {}{}", a.name, a.region, a.endpoint, flags(a.safety));
        creds(&a.credentials, &mut out);
        let _ = writeln!(out, "    {}", account_scope(&a.scope, a.instances.len(), "instances"));
        a.instances.iter().for_each(|i| instance(&mut out, "instance", i));
    }
    for a in &p.tencent {
        let site = format!("{:?}", a.site).to_lowercase();
        let _ = writeln!(out, "tencent {}  region {}  site {site}{}", a.name, a.region, flags(a.safety));
        let _ = writeln!(out, "    endpoints: {} , {}", a.ckafka_endpoint, a.dts_endpoint);
        creds(&a.credentials, &mut out);
        let pinned = a.ckafka.len() + a.dts.len();
        let _ = writeln!(out, "    {}", account_scope(&a.scope, pinned, "CKafka instances and DTS subscriptions"));
        a.ckafka.iter().for_each(|i| instance(&mut out, "ckafka", i));
        for d in &a.dts {
            let _ = writeln!(out, "  dts {} ({}){}", d.name, d.subscribe_id, flags(d.safety));
            let _ = writeln!(out, "    topic {} [{}]", d.topic, partitions(d.partitions));
            for g in &d.groups {
                let _ = writeln!(out, "    group {g} = {}", d.full_group_name(g));
            }
            let _ = writeln!(out, "    other groups: {}", d.scope.describe());
        }
    }
    let t = p.totals();
    let _ = writeln!(
        out,
        "total: {} accounts, {} instances, {} groups, {} topics, {} partitions",
        t.accounts, t.instances, t.groups, t.topics, t.partitions
    );
    (out, all_found)
}

fn instance(out: &mut String, kind: &str, i: &KafkaInstance) {
    let _ = writeln!(out, "  {kind} {} ({}){}", i.name, i.id, flags(i.safety));
    for t in &i.topics {
        let _ = writeln!(out, "    topic {} [{}]", t.name, partitions(t.partitions));
    }
    for g in &i.groups {
        let _ = writeln!(out, "    group {} -> {}", g.name, g.topics.join(", "));
    }
    let _ = writeln!(out, "    other groups and topics: {}", i.scope.describe());
}

/// What `check` says of an account's instances: how many are pinned, and whether the rest are listed live.
fn account_scope(scope: &Scope, pinned: usize, what: &str) -> String {
    let rest = if scope.discover {
        "the others are discovered live (`discover = false` turns this off)".to_owned()
    } else {
        "no others are discovered (`discover = false`)".to_owned()
    };
    format!("{pinned} pinned {what}; {rest}")
}

fn partitions(n: u32) -> String {
    if n == 1 { "1 partition".into() } else { format!("{n} partitions") }
}

fn flags(s: Safety) -> &'static str {
    match (s.protected, s.read_only) {
        (_, true) => "  [read-only]",
        (true, false) => "  [protected]",
        (false, false) => "",
    }
}
