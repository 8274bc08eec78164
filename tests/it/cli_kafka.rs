//! The command line as kafka-consumer-groups users type it: JSON output even for argument errors and exports,
//! `--execute`, its datetime form, comma lists of states, a "would change" exit code no error uses, and text tables
//! whose columns fit the data.

use crate::common;

use common::cli::{committed, run, start, start_with, text};
use serde_json::Value;

fn one_document(o: &std::process::Output, what: &str) -> Value {
    let out = String::from_utf8_lossy(&o.stdout);
    let mut docs = serde_json::Deserializer::from_str(&out).into_iter::<Value>();
    let first = docs.next().unwrap_or_else(|| panic!("{what}: no JSON on stdout: {}", text(o)));
    let first = first.unwrap_or_else(|e| panic!("{what}: stdout is not JSON ({e}): {out}"));
    assert!(docs.next().is_none(), "{what}: more than one document on stdout: {out}");
    first
}

fn bin(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn argument_errors_are_one_json_document_when_json_is_asked_in_any_spelling() {
    let missing = ["reset", "--instance", "orders", "--group", "billing", "--topic", "payments"];
    for json in [&["--output", "json"][..], &["-o", "json"], &["--output=json"], &["-ojson"]] {
        for args in [&missing[..], &["groups", "--no-such-flag"], &["describe", "--group", "g"]] {
            let all = [json, args].concat();
            let o = bin(&all);
            let what = all.join(" ");
            assert_eq!(o.status.code(), Some(2), "{what}: the exit code of an argument error stays 2: {}", text(&o));
            let v = one_document(&o, &what);
            assert_eq!(v["exit_code"], 2, "{what}: {v}");
            let error = v["error"].as_str().unwrap_or_else(|| panic!("{what}: {v}"));
            assert!(!error.is_empty() && !error.contains("Usage:"), "{what}: one line, no usage: {error}");
            // The message is on stderr as clap renders it.
            assert!(String::from_utf8_lossy(&o.stderr).contains("Usage:"), "{what}: {}", text(&o));
        }
    }
    let o = bin(&["--output", "json", "groups", "--no-such-flag"]);
    assert!(one_document(&o, "unknown flag")["error"].as_str().unwrap().contains("--no-such-flag"));
    // Text output keeps stdout empty; help is still help.
    let o = bin(&missing);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "{}", text(&o));
    let o = bin(&["--output", "json", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Usage:"), "{}", text(&o));
}

#[test]
fn an_export_with_json_output_is_its_rows_as_json() {
    let e = start();
    let base = ["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-current"];
    let o = run(&e, &[&base[..], &["--export"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let csv = String::from_utf8_lossy(&o.stdout).into_owned();
    let o = run(&e, &[&["--output", "json"][..], &base, &["--export"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = one_document(&o, "export");
    let rows = v["export"].as_array().unwrap_or_else(|| panic!("{v}"));
    let as_csv: String = rows
        .iter()
        .map(|r| {
            assert_eq!(r["group"], "billing", "{r}");
            format!("{},{},{}\n", r["topic"].as_str().unwrap(), r["partition"], r["offset"])
        })
        .collect();
    assert_eq!(as_csv, csv, "the same targets as the CSV");
    assert_eq!(rows.len(), 3);
    // Several groups: each row names its group.
    let o =
        run(&e, &["-o", "json", "reset", "--instance", "orders", "--group", "b*", "--group", "audit", "--all-topics"]);
    assert_eq!(o.status.code(), Some(2), "no strategy: {}", text(&o));
    let o = run(
        &e,
        &[
            "-o",
            "json",
            "reset",
            "--instance",
            "orders",
            "--group",
            "billing",
            "--group",
            "audit",
            "--all-topics",
            "--to-current",
            "--export",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = one_document(&o, "batch export");
    let groups: std::collections::BTreeSet<&str> =
        v["export"].as_array().unwrap().iter().map(|r| r["group"].as_str().unwrap()).collect();
    assert_eq!(groups.into_iter().collect::<Vec<_>>(), ["audit", "billing"], "{v}");
    // To a file: the file is the CSV `--from-file` reads, stdout says where it went.
    let path = e._dir.path().join("backup.csv");
    let o = run(&e, &[&["--output", "json"][..], &base, &["--export-file", path.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = one_document(&o, "export file");
    assert_eq!((v["export_file"].as_str(), v["lines"].as_u64()), (path.to_str(), Some(3)), "{v}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), csv);
}

#[test]
fn execute_is_yes_and_the_kafka_datetime_form_is_read_in_the_profiles_zone() {
    let e = start();
    let o = run(
        &e,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-earliest", "--execute"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(committed(&e, "orders", "billing", "payments"), [Some(0); 3], "--execute wrote");
    // `--execute` conflicts with `--dry-run` as `--yes` does.
    let o = run(
        &e,
        &[
            "reset",
            "--instance",
            "orders",
            "--group",
            "billing",
            "--topic",
            "payments",
            "--to-latest",
            "--execute",
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // kafka-consumer-groups' YYYY-MM-DDTHH:mm:SS.sss, without a zone: the profile's (Asia/Shanghai).
    let o = run(
        &e,
        &[
            "reset",
            "--instance",
            "orders",
            "--group",
            "billing",
            "--topic",
            "payments",
            "--to-datetime",
            "2026-11-30T23:00:00.250",
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("to the time 2026-11-30 15:00:00 UTC (2026-11-30 23:00:00 Asia/Shanghai)"),
        "{}",
        text(&o)
    );
}

#[test]
fn state_takes_a_comma_list_and_names_a_wrong_word() {
    let e = start();
    let o = run(&e, &["--output", "json", "groups", "--state", "empty,DEAD"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let rows = one_document(&o, "groups");
    let states: std::collections::BTreeSet<&str> =
        rows.as_array().unwrap().iter().map(|r| r["state"].as_str().unwrap()).collect();
    assert_eq!(states.into_iter().collect::<Vec<_>>(), ["DEAD", "EMPTY"], "both states, only them: {rows}");
    let o = run(&e, &["groups", "--state", "empty,sleepy"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("\"sleepy\" is not a state"), "{}", text(&o));
}

#[test]
fn detailed_exitcode_says_would_change_with_a_code_no_error_uses() {
    let e = start();
    let reset = ["reset", "--instance", "orders", "--group", "billing", "--topic", "payments"];
    let o = run(&e, &[&reset[..], &["--to-earliest", "--dry-run", "--detailed-exitcode"]].concat());
    assert_eq!(o.status.code(), Some(4), "would change: {}", text(&o));
    let o = run(&e, &[&reset[..], &["--to-current", "--dry-run", "--detailed-exitcode"]].concat());
    assert_eq!(o.status.code(), Some(0), "changes nothing: {}", text(&o));
    let o = run(&e, &[&reset[..], &["--to-earliest", "--dry-run"]].concat());
    assert_eq!(o.status.code(), Some(0), "without the flag: {}", text(&o));
    // Bad input is still 2, so a script can tell the two apart.
    let o = run(
        &e,
        &["reset", "--instance", "nowhere", "--group", "g", "--to-earliest", "--dry-run", "--detailed-exitcode"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let help = String::from_utf8_lossy(&bin(&["--help"]).stdout).into_owned();
    assert!(help.contains("4 with --dry-run --detailed-exitcode"), "{help}");
}

/// Every row of a text table has the cell of `heading` where the heading is: a right-aligned cell ends where the
/// heading ends, a left-aligned one starts where it starts.
fn assert_column(table: &[&str], heading: &str, right: bool) {
    let head = table[0];
    let at = head.find(heading).unwrap_or_else(|| panic!("no {heading:?} in {head:?}"));
    let end = at + heading.len();
    for row in &table[1..] {
        let b = row.as_bytes();
        let ok = if right {
            b.len() >= end && b[end - 1] != b' ' && b.get(end).is_none_or(|c| *c == b' ')
        } else {
            b.len() > at && b[at] != b' ' && b[at - 1] == b' '
        };
        assert!(ok, "column {heading:?} is not aligned in:\n{}", table.join("\n"));
    }
}

#[test]
fn text_tables_fit_their_longest_names() {
    // The demo data with a group name far longer than any fixed column.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.toml");
    let long = "billing-replay-from-the-orders-topic-after-the-incident";
    let demo = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/data.toml")).unwrap();
    std::fs::write(&data, demo.replacen("name = \"billing\"", &format!("name = \"{long}\""), 1)).unwrap();
    let e = start_with(&["--data", data.to_str().unwrap()]);
    let o = run(&e, &["groups"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let lines: Vec<&str> = out.lines().take_while(|l| !l.ends_with("group(s)")).collect();
    assert!(lines.iter().any(|l| l.contains(long)), "{out}");
    for (heading, right) in [("instance", false), ("group", false), ("state", false), ("members", true), ("lag", true)]
    {
        assert_column(&lines, heading, right);
    }
    // A DTS topic (`account-subs-…-1`) is longer than the old 24 columns: the plan's table fits it.
    let o = run(&e, &["reset", "--instance", "mysql-sub", "--group", "etl", "--to-latest", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let lines: Vec<&str> = out.lines().skip(1).take_while(|l| !l.starts_with("in all")).collect();
    for heading in ["part", "committed", "end", "-> target", "effect", "lag now", "lag after"] {
        assert_column(&lines, heading, true);
    }
    let o = run(&e, &["describe", "--instance", "mysql-sub", "--group", "etl"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let lines: Vec<&str> = out.lines().skip(1).take_while(|l| !l.starts_with("total lag")).collect();
    for heading in ["part", "committed", "start", "end", "lag"] {
        assert_column(&lines, heading, true);
    }
}
