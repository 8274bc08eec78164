//! Every command with `--output json` prints exactly one JSON document on stdout, whether it succeeds or fails.

use crate::common;

use common::cli::{run, start, text};
use serde_json::Value;

fn one_document(o: &std::process::Output, what: &str) -> Value {
    let out = String::from_utf8_lossy(&o.stdout);
    let mut docs = serde_json::Deserializer::from_str(&out).into_iter::<Value>();
    let first = docs.next().unwrap_or_else(|| panic!("{what}: no JSON on stdout: {}", text(o)));
    let first = first.unwrap_or_else(|e| panic!("{what}: stdout is not JSON ({e}): {out}"));
    assert!(docs.next().is_none(), "{what}: more than one document on stdout: {out}");
    first
}

#[test]
fn every_command_prints_one_json_document() {
    let e = start();
    let dir = e._dir.path();
    let plan = dir.join("plan.json").display().to_string();
    // One write first, so that there is a snapshot to list and undo, and an audit record.
    let o =
        run(&e, &["reset", "--instance", "orders", "--group", "audit", "--topic", "audit-log", "--to-latest", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let init = dir.join("new/profile.toml").display().to_string();
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["check"], 0),
        (vec!["check", "--live"], 0),
        (vec!["describe", "--instance", "orders", "--group", "billing"], 0),
        (vec!["groups"], 0),
        (
            vec![
                "reset",
                "--instance",
                "orders",
                "--group",
                "billing",
                "--topic",
                "payments",
                "--to-earliest",
                "--dry-run",
            ],
            0,
        ),
        (vec!["reset", "--instance", "orders", "--group", "b*", "--all-topics", "--to-earliest", "--dry-run"], 0),
        (
            vec![
                "reset",
                "--instance",
                "orders",
                "--group",
                "billing",
                "--topic",
                "payments",
                "--to-earliest",
                "--plan-out",
                &plan,
            ],
            0,
        ),
        (vec!["show", &plan], 0),
        (vec!["apply", &plan, "--dry-run"], 0),
        (vec!["delete-offsets", "--instance", "orders", "--group", "audit", "--topic", "audit-log", "--dry-run"], 0),
        (vec!["delete-messages", "--instance", "orders", "--topic", "payments", "--partition", "0:10", "--dry-run"], 0),
        (vec!["snapshots"], 0),
        (vec!["undo", "--dry-run"], 0),
        (vec!["audit"], 0),
        (vec!["audit", "--since", "1h"], 0),
        (
            vec![
                "reset",
                "--instance",
                "orders",
                "--group",
                "nope",
                "--topic",
                "payments",
                "--to-earliest",
                "--dry-run",
            ],
            2,
        ),
        (
            vec![
                "reset",
                "--instance",
                "orders",
                "--group",
                "fraud-check",
                "--topic",
                "orders",
                "--to-earliest",
                "--yes",
            ],
            3,
        ),
    ];
    for (args, code) in cases {
        let mut all = vec!["--output", "json"];
        all.extend(&args);
        let o = run(&e, &all);
        let what = args.join(" ");
        assert_eq!(o.status.code(), Some(code), "{what}: {}", text(&o));
        let v = one_document(&o, &what);
        if code != 0 {
            assert!(v["error"].is_string() || v["end"].is_string(), "{what}: a failure says why: {v}");
        }
    }
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .args(["--output", "json", "--profile", &init, "init"])
        .output()
        .unwrap();
    assert_eq!(one_document(&o, "init")["wrote"], init.as_str());
    // The shapes scripts rely on.
    let v =
        one_document(&run(&e, &["--output", "json", "describe", "--instance", "orders", "--group", "billing"]), "d");
    assert_eq!(
        (v["account"].as_str(), v["instance"].as_str(), v["state"].as_str()),
        (Some("hw-demo"), Some("orders"), Some("EMPTY"))
    );
    assert!(v["partitions"][0]["lag"].is_i64() && v["total_lag"].is_i64(), "{v}");
    let v = one_document(&run(&e, &["--output", "json", "audit"]), "audit");
    assert_eq!(v["records"].as_array().map(Vec::len), Some(1), "{v}");
    let v = one_document(&run(&e, &["--output", "json", "snapshots"]), "snapshots");
    assert_eq!(v["snapshots"][0]["instance"], "orders", "{v}");
    let v = one_document(&run(&e, &["--output", "json", "check"]), "check");
    assert_eq!(v["valid"], true, "{v}");
}

#[test]
fn check_reports_every_unusable_entry_in_one_run_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.toml");
    std::fs::write(
        &path,
        "[settings]\nrefresh_seconds = \"ten\"\n\n[huawei.a]\nregion = \"cn-north-4\"\nprojct_id = \"x\"\nproject_id = \"0123456789abcdef0123456789abcdef\"\nprotected = \"yes\"\n\n[tencent.b]\nregion = \"ap-guangzhou\"\ncolour = \"blue\"\n",
    )
    .unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .args(["--output", "json", "--profile"])
        .arg(&path)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let v = one_document(&o, "check");
    let messages: Vec<&str> =
        v["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert_eq!(
        messages,
        [
            "expected a whole number, found the text \"ten\"",
            "unknown key `projct_id`",
            "expected true or false, found the text \"yes\"",
            "unknown key `colour`"
        ]
    );
    let lines: Vec<u64> = v["diagnostics"].as_array().unwrap().iter().map(|d| d["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [2, 6, 8, 12], "each points at its own line");
}

#[test]
fn completions_man_and_init_work_from_the_binary_alone() {
    let bin = env!("CARGO_BIN_EXE_offsetdeck");
    for shell in ["bash", "zsh", "fish"] {
        let o = std::process::Command::new(bin).args(["completions", shell]).output().unwrap();
        assert!(o.status.success());
        assert!(String::from_utf8_lossy(&o.stdout).contains("delete-offsets"), "{shell}");
    }
    let o = std::process::Command::new(bin).arg("man").output().unwrap();
    let page = String::from_utf8_lossy(&o.stdout);
    assert!(page.starts_with(".ie") && page.contains(".TH offsetdeck-reset"), "{}", &page[..200.min(page.len())]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("conf/profile.toml");
    let init = |force: bool| {
        let mut c = std::process::Command::new(bin);
        c.arg("--profile").arg(&path).arg("init");
        if force {
            c.arg("--force");
        }
        c.output().unwrap()
    };
    assert!(init(false).status.success());
    let o = init(false);
    assert_eq!(o.status.code(), Some(2), "never over a file");
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert!(init(true).status.success() && path.with_extension("toml.bak").exists());
    // The written profile is valid: check only misses the keys it names.
    let o = std::process::Command::new(bin).arg("--profile").arg(&path).arg("check").env_clear().output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(": valid"), "{out}{}", String::from_utf8_lossy(&o.stderr));
    // The missing-profile error points at init.
    let o = std::process::Command::new(bin).args(["--profile", "/nonexistent/p.toml", "groups"]).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("offsetdeck init"));
}
