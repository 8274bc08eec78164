//! Lag over time against the emulator: each `describe` keeps its read as a sample in the data directory, and the
//! figures over the samples are right for a stalled, a stopped and an idle group. The older samples are the same
//! read written back in time (as a dashboard left open for a quarter of an hour would have kept them), so the test
//! does not wait out a real window.

use offsetdeck::core::lag::{Sample, codec};
use serde_json::Value;

use super::common::cli::{Emulator, run, start, text};

fn describe(e: &Emulator, instance: &str, group: &str) -> Value {
    let o = run(e, &["--output", "json", "describe", "--instance", instance, "--group", group]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Rewrites `group`'s one sample as `minutes` reads a minute apart ending a minute before it: nothing moved.
fn backdate(e: &Emulator, group: &str, minutes: i64) {
    let dir = e._dir.path().join("samples");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|f| f.path()).collect();
    let (path, last) = files
        .iter()
        .find_map(|p| {
            let s = codec::read(&std::fs::read_to_string(p).ok()?, group);
            Some((p.clone(), s.last()?.clone()))
        })
        .expect("the describe kept a sample");
    let older: Vec<Sample> =
        (1..=minutes).rev().map(|k| Sample { at_ms: last.at_ms - k * 60_000, ..last.clone() }).collect();
    std::fs::write(path, codec::file(group, &older)).unwrap();
}

#[test]
fn a_describe_keeps_its_read_and_one_read_claims_no_status() {
    let e = start();
    let first = describe(&e, "events", "cdc-sink");
    assert_eq!(first["over_time"]["samples"], 1);
    assert_eq!(first["over_time"]["status"], "UNKNOWN", "{}", first["over_time"]);
    assert_eq!(first["over_time"]["eta"], "unknown");
    let second = describe(&e, "events", "cdc-sink");
    assert_eq!(second["over_time"]["samples"], 2, "the second run reads the first one's sample back");
}

#[test]
fn a_group_with_members_whose_commits_do_not_move_is_stalled_with_no_eta() {
    let e = start();
    // cdc-sink: one member, a lag of 5 on an idle topic, never committing.
    describe(&e, "events", "cdc-sink");
    backdate(&e, "cdc-sink", 15);
    let v = describe(&e, "events", "cdc-sink");
    let f = &v["over_time"];
    assert_eq!(f["status"], "STALLED", "{f}");
    assert_eq!(f["eta"], "never", "{f}");
    assert_eq!(f["samples"], 16);
    let o = run(&e, &["describe", "--instance", "events", "--group", "cdc-sink"]);
    let out = text(&o);
    assert!(out.contains("status STALLED (orders-cdc["), "{out}");
    assert!(out.contains("eta never at this rate: commits are not moving"), "{out}");
}

#[test]
fn a_group_without_members_behind_a_growing_log_is_stopped() {
    let e = start();
    // etl: empty, behind on `clicks`.
    describe(&e, "events", "etl");
    backdate(&e, "etl", 15);
    let f = describe(&e, "events", "etl")["over_time"].clone();
    assert_eq!(f["status"], "STOPPED", "{f}");
    assert_eq!(f["eta"], "never", "{f}");
    // The log end was past the committed offset at the oldest read: behind by more than the samples reach.
    assert_eq!((f["time_lag"].as_str(), f["time_lag_seconds"].as_u64()), (Some("at_least"), Some(900)), "{f}");
}

#[test]
fn a_caught_up_group_on_an_idle_topic_is_idle_not_stopped() {
    let e = start();
    // old-batch: no members, on `orders-cdc`, which nobody writes to; caught up first.
    let o = run(
        &e,
        &["reset", "--instance", "events", "--group", "old-batch", "--topic", "orders-cdc", "--to-latest", "--yes"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    describe(&e, "events", "old-batch");
    backdate(&e, "old-batch", 15);
    let f = describe(&e, "events", "old-batch")["over_time"].clone();
    assert_eq!(f["status"], "IDLE", "Burrow would say STOP here: {f}");
    assert_eq!(f["eta"], "clear");
}

#[test]
fn messages_deleted_before_a_groups_committed_offset_are_said_lost_from_the_first_read() {
    let e = start();
    // audit on `audit-log`: committed 300; the messages before 1200 are deleted under it.
    let o =
        run(&e, &["delete-messages", "--instance", "orders", "--topic", "audit-log", "--partition", "0:1200", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let f = describe(&e, "orders", "audit")["over_time"].clone();
    assert_eq!(f["lost_messages"], 900, "{f}");
    assert_eq!(f["loss"], "LOST 900");
    let out = text(&run(&e, &["describe", "--instance", "orders", "--group", "audit"]));
    assert!(
        out.contains("loss 900 message(s) already lost: the committed offset is below the log start (audit-log[0])"),
        "{out}"
    );
}

#[test]
fn groups_shows_each_groups_figures_and_stale_lists_the_unused_ones_it_can_judge() {
    let e = start();
    for g in ["etl", "cdc-sink"] {
        describe(&e, "events", g);
        backdate(&e, g, 15);
        describe(&e, "events", g);
    }
    let o = run(&e, &["--output", "json", "groups", "--instance", "events"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let rows: Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = |g: &str| rows.as_array().unwrap().iter().find(|r| r["group"] == g).unwrap().clone();
    assert_eq!(row("etl")["over_time"]["status"], "STOPPED");
    assert_eq!(row("cdc-sink")["over_time"]["status"], "STALLED");
    assert!(row("old-batch")["over_time"].is_null(), "never read in detail: no figures, not zeros");
    let o = run(&e, &["--output", "json", "groups", "--instance", "events", "--stale", "10m"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let stale: Vec<String> = serde_json::from_slice::<Value>(&o.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["group"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(stale, ["etl"], "cdc-sink has a member; old-batch has no samples to judge by");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("1 group(s) with no members have no lag samples yet"),
        "{}",
        text(&o)
    );
    let o = run(&e, &["groups", "--instance", "events", "--stale", "20m"]);
    assert!(text(&o).contains("0 group(s)"), "the samples reach back 15 minutes, not 20: {}", text(&o));
    let o = run(&e, &["groups", "--stale", "soon"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--stale \"soon\""), "{}", text(&o));
}

#[test]
fn groups_watch_gives_scripts_one_json_document_per_listing() {
    use std::io::{BufRead, BufReader};
    let e = start();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .arg("--profile")
        .arg(&e.profile)
        .args(["--output", "json", "groups", "--instance", "events", "--watch", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..2 {
        let line = lines.next().expect("a listing").unwrap();
        let doc: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(doc.as_array().unwrap().iter().any(|r| r["group"] == "cdc-sink"), "{line}");
    }
    let _ = child.kill();
    let _ = child.wait();
    let o = run(&e, &["groups", "--watch", "0"]);
    assert_eq!(o.status.code(), Some(2), "a zero interval is refused: {}", text(&o));
}

#[test]
fn a_data_directory_that_cannot_keep_samples_is_said_and_the_read_still_shown() {
    let e = start();
    std::fs::write(e._dir.path().join("samples"), b"not a directory").unwrap();
    let o = run(&e, &["--output", "json", "describe", "--instance", "events", "--group", "cdc-sink"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["over_time"].is_null(), "no figures claimed: {}", v["over_time"]);
    assert_eq!(v["total_lag"], 20, "the read itself is shown");
    assert!(String::from_utf8_lossy(&o.stderr).contains("lag samples cannot be kept in"), "{}", text(&o));
}
