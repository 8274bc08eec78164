//! The cloud as the source of truth, the profile as the scope: an account with no instances written sees what the
//! cloud lists, `include`/`exclude` decide which listed groups are shown, and `discover = false` turns it off.

use crate::common;

use common::cli::{Emulator, run, start, start_with, text};
use serde_json::Value;

/// The emulator's profile with every instance and subscription table removed (accounts only), plus `extra` lines
/// appended to the named account's table.
fn accounts_only(e: &Emulator, extra: &[(&str, &str)]) {
    let text = std::fs::read_to_string(&e.profile).unwrap();
    let mut out = String::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.starts_with('[') {
            skipping = line.contains(".instances.") || line.contains(".ckafka.") || line.contains(".dts.");
            if !skipping {
                out.push_str(line);
                out.push('\n');
                for (table, add) in extra {
                    if line == format!("[{table}]") {
                        out.push_str(add);
                        out.push('\n');
                    }
                }
                continue;
            }
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    std::fs::write(&e.profile, out).unwrap();
}

fn groups_json(e: &Emulator, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--output", "json", "groups"];
    all.extend_from_slice(args);
    let o = run(e, &all);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    serde_json::from_slice::<Value>(&o.stdout).unwrap().as_array().unwrap().clone()
}

#[test]
fn an_account_without_instances_sees_every_instance_the_cloud_lists() {
    let e = start();
    accounts_only(&e, &[]);
    let o = run(&e, &["check"]);
    let out = text(&o);
    assert!(out.contains("0 pinned instances; the others are discovered live"), "{out}");
    let rows = groups_json(&e, &[]);
    let at = |instance: &str, group: &str| rows.iter().find(|r| r["instance"] == instance && r["group"] == group);
    for (instance, group) in [("orders", "billing"), ("clickstream-hw", "sessionizer"), ("events", "etl")] {
        let r = at(instance, group).unwrap_or_else(|| panic!("{instance}/{group} listed: {rows:?}"));
        assert_eq!(r["in_profile"], false);
    }
    assert!(at("mysql-sub", "audit").is_some(), "the DTS subscription is listed with its short group names");
    // Discovered instances are addressed by their cloud name or id, and every command works on them.
    let o = run(&e, &["describe", "--instance", "orders", "--group", "billing"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("state EMPTY"), "{}", text(&o));
    let o = run(&e, &["describe", "--instance", "ckafka-demo0001", "--group", "etl"]);
    assert_eq!(o.status.code(), Some(0), "by id: {}", text(&o));
    let o =
        run(&e, &["reset", "--instance", "events", "--group", "etl", "--topic", "clicks", "--to-earliest", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("verified"), "{}", text(&o));
    let o = run(&e, &["describe", "--instance", "nope", "--group", "g"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("known: orders (huawei hw-demo), clickstream-hw"), "{}", text(&o));
}

#[test]
fn include_exclude_and_discover_false_scope_what_is_listed() {
    let e = start();
    accounts_only(
        &e,
        &[("huawei.hw-demo", "exclude = [\"audit*\", \"fraud-?heck\"]"), ("tencent.tc-demo", "discover = false")],
    );
    let rows = groups_json(&e, &[]);
    let names: Vec<&str> =
        rows.iter().filter(|r| r["instance"] == "orders").filter_map(|r| r["group"].as_str()).collect();
    assert_eq!(names.len(), 2, "billing and reporting only: {names:?}");
    assert!(names.contains(&"billing") && names.contains(&"reporting"), "{names:?}");
    assert!(rows.iter().all(|r| r["account"] != "tc-demo"), "discover = false lists nothing: {rows:?}");
    let o = run(&e, &["describe", "--instance", "events", "--group", "etl"]);
    assert_eq!(o.status.code(), Some(2), "an undiscovered instance is unknown: {}", text(&o));
    let out = text(&run(&e, &["check"]));
    assert!(out.contains("no others are discovered (`discover = false`)"), "{out}");
}

#[test]
fn a_pinned_instance_keeps_its_name_and_its_pins_beside_listed_groups() {
    let e = start();
    // Pin `orders` under another name with one group and an include pattern: the pin wins, the cloud's copy of the
    // same id is not added twice, and only matching listed groups join.
    let text_before = std::fs::read_to_string(&e.profile).unwrap();
    let id_line = text_before.lines().find(|l| l.starts_with("id = \"5f2a")).unwrap().to_owned();
    accounts_only(&e, &[]);
    let mut t = std::fs::read_to_string(&e.profile).unwrap();
    t.push_str(&format!(
        "\n[huawei.hw-demo.instances.prod-orders]\n{id_line}\ntopics = {{ orders = 12 }}\ngroups = {{ billing = [\"orders\"] }}\ninclude = [\"rep*\"]\n"
    ));
    std::fs::write(&e.profile, t).unwrap();
    let rows = groups_json(&e, &[]);
    let on =
        |i: &str| rows.iter().filter(|r| r["instance"] == i).filter_map(|r| r["group"].as_str()).collect::<Vec<_>>();
    let mut pinned = on("prod-orders");
    pinned.sort();
    assert_eq!(pinned, ["billing", "reporting"], "the pin and the included name");
    assert!(on("orders").is_empty(), "the same instance is not listed again under its cloud name: {rows:?}");
    let billing = rows.iter().find(|r| r["group"] == "billing").unwrap();
    assert_eq!(billing["in_profile"], true);
}

#[test]
fn the_large_instances_are_served_unpinned_and_found_by_discovery() {
    let e = start_with(&["--large"]);
    let profile = std::fs::read_to_string(&e.profile).unwrap();
    assert!(!profile.contains("bulk-"), "the written profile does not pin the generated instances");
    let o = run(&e, &["--output", "json", "describe", "--instance", "bulk-ck", "--group", "svc-0005-orders"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["partitions"].as_array().unwrap().len(), 1);
    let o = run(&e, &["describe", "--instance", "bulk-hw", "--group", "svc-0008-mail"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("state DEAD"), "{}", text(&o));
}

/// A long listing says how far it got on stderr, with an estimate, while the rows go to stdout at the end.
#[test]
fn a_long_listing_prints_its_progress_on_stderr() {
    let e = start_with(&["--large"]);
    let profile = std::fs::read_to_string(&e.profile).unwrap();
    let paced = profile.replacen(
        "[huawei.hw-demo]\n",
        "[huawei.hw-demo]\nrate_limit_per_second = 80\nrate_limit_ceiling_per_second = 80\n",
        1,
    );
    std::fs::write(&e.profile, paced).unwrap();
    let o = run(&e, &["groups", "--instance", "bulk-hw"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("listing (ListGroups): ") && err.contains(" of 10000 item(s), about "), "{err}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("10000 group(s)"), "{}", text(&o));
}
