//! Outside bytes are bounded where they enter: a listing from a hostile server on 127.0.0.1 (megabyte "names",
//! a million groups, pages that alternate) and files given to `--from-file` (a gigabyte CSV, `/dev/zero`, a FIFO)
//! are refused with a clear error, and the process stays small (its peak resident size, measured by the kernel).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::Query;
use axum::http::Uri;
use axum::response::Response;
use serde_json::json;

/// Peak resident memory allowed to the process in each attack.
const MAX_RSS_MB: i64 = 200;

async fn answer(uri: Uri, Query(q): Query<std::collections::HashMap<String, String>>) -> Response {
    let offset: usize = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    let instance = uri.path().split("/instances/").nth(1).and_then(|p| p.split('/').next()).unwrap_or_default();
    let page: Vec<serde_json::Value> = match instance {
        // Ten names of a megabyte each, page after page, for a claimed million.
        "huge" => {
            (0..10).map(|i| json!({"group_id": format!("{i}{}", "n".repeat(1 << 20)), "state": "EMPTY"})).collect()
        }
        // A million legal, long names, 2,000 to a page.
        "many" => (offset..offset + 2_000)
            .map(|i| json!({"group_id": format!("{i:08}-{}", "g".repeat(240)), "state": "EMPTY", "lag": 0}))
            .collect(),
        // Two pages, again and again: page A, page B, page A...
        "alternate" => {
            let a = (offset / 50) % 2;
            (0..50).map(|i| json!({"group_id": format!("g{a}-{i}"), "state": "EMPTY"})).collect()
        }
        _ => return Response::builder().status(404).body(Body::from("{}")).unwrap(),
    };
    let body = json!({"groups": page, "total": 1_000_000}).to_string();
    Response::builder().status(200).body(Body::from(body)).unwrap()
}

fn serve() -> String {
    crate::common::serve(Router::new().fallback(answer))
}

fn profile(dir: &std::path::Path, url: &str) -> std::path::PathBuf {
    let path = dir.join("bounds.toml");
    let instances: String = ["huge", "many", "alternate"]
        .iter()
        .map(|i| {
            format!("\n[huawei.h.instances.{i}]\nid = \"{i}\"\ntopics = {{ t = 3 }}\ngroups = {{ g = [\"t\"] }}\n")
        })
        .collect();
    std::fs::write(
        &path,
        format!(
            r#"[settings]
audit_log = {audit:?}

[huawei.h]
region = "cn-north-4"
project_id = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
endpoint = "{url}"
ak = "AK"
sk = "SK"
rate_limit_per_second = 1000
rate_limit_ceiling_per_second = 1000
{instances}"#,
            audit = dir.join("audit.jsonl").display().to_string()
        ),
    )
    .unwrap();
    path
}

/// Runs offsetdeck to its end; its output, exit code, and peak resident size in MB (from `wait4`, which reaps it).
#[allow(clippy::zombie_processes)]
fn run_measured(args: &[&str], home: &std::path::Path) -> (String, Option<i32>, i64) {
    let out = tempfile::NamedTempFile::new().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .stdin(Stdio::null())
        .stdout(out.reopen().unwrap())
        .stderr(out.reopen().unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    let start = Instant::now();
    // SAFETY: waits for our own child; `status` and `usage` are valid for writes.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(got, pid, "waited for the child");
    assert!(start.elapsed() < Duration::from_secs(60), "it ended in time: {:?}", start.elapsed());
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let text = std::fs::read_to_string(out.path()).unwrap();
    // ru_maxrss is in KiB on Linux.
    (text, code, usage.ru_maxrss / 1024)
}

#[test]
fn a_listing_of_megabyte_names_is_refused_at_its_first_page_and_stays_small() {
    let (dir, url) = (tempfile::tempdir().unwrap(), serve());
    let p = profile(dir.path(), &url);
    let (out, code, mb) = run_measured(&["--profile", p.to_str().unwrap(), "groups", "--instance", "huge"], dir.path());
    assert_ne!(code, Some(0), "{out}");
    assert!(out.contains("`group_id` is 1048577 bytes long; Kafka names are at most 249"), "{out}");
    assert!(out.len() < 4_000, "the name is not echoed: {} bytes", out.len());
    eprintln!("peak resident size {mb} MB");
    assert!(mb < MAX_RSS_MB, "peak {mb} MB");
}

#[test]
fn a_listing_of_a_million_long_names_stops_at_its_byte_budget() {
    let (dir, url) = (tempfile::tempdir().unwrap(), serve());
    let p = profile(dir.path(), &url);
    let (out, code, mb) = run_measured(&["--profile", p.to_str().unwrap(), "groups", "--instance", "many"], dir.path());
    assert_ne!(code, Some(0), "{out}");
    assert!(out.contains("the listing is larger than 32 MiB"), "{out}");
    eprintln!("peak resident size {mb} MB");
    assert!(mb < MAX_RSS_MB, "peak {mb} MB");
}

#[test]
fn pages_that_alternate_between_two_answers_are_caught() {
    let (dir, url) = (tempfile::tempdir().unwrap(), serve());
    let p = profile(dir.path(), &url);
    let (out, code, _) =
        run_measured(&["--profile", p.to_str().unwrap(), "groups", "--instance", "alternate"], dir.path());
    assert_ne!(code, Some(0), "{out}");
    assert!(out.contains("the service sent a page again (after 100 items)"), "{out}");
}

#[test]
fn a_gigabyte_csv_a_device_and_a_fifo_are_refused_at_once_and_the_process_stays_small() {
    let (dir, url) = (tempfile::tempdir().unwrap(), serve());
    let p = profile(dir.path(), &url);
    let big = dir.path().join("big.csv");
    std::fs::File::create(&big).unwrap().set_len(1 << 30).unwrap();
    let fifo = dir.path().join("pipe.csv");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for (file, says) in [
        (big.to_str().unwrap(), "big.csv is 1073741824 bytes; at most 64 MiB is read"),
        ("/dev/zero", "/dev/zero is a device, not a regular file"),
        (fifo.to_str().unwrap(), "pipe.csv is a FIFO (a pipe), not a regular file"),
    ] {
        let args = ["--profile", p.to_str().unwrap(), "reset", "--instance", "many", "--group", "g", "--topic", "t"];
        let args: Vec<&str> = args.into_iter().chain(["--from-file", file, "--dry-run"]).collect();
        let start = Instant::now();
        let (out, code, mb) = run_measured(&args, dir.path());
        assert_eq!(code, Some(2), "bad input: {out}");
        assert!(out.contains(says), "{file}: {out}");
        assert!(start.elapsed() < Duration::from_secs(10), "{file}: refused at once, not read");
        eprintln!("{file}: peak resident size {mb} MB");
        assert!(mb < MAX_RSS_MB, "{file}: peak {mb} MB");
    }
}
