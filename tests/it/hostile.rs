//! A hostile server on 127.0.0.1: escape sequences in every text field and in error bodies, and an endless body.
//! Nothing it sends reaches a terminal raw, and nothing it sends fills memory.

use std::process::{Command, Stdio};

use axum::Router;
use axum::body::Body;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::json;

/// Title change, clipboard write (OSC 52), clear screen, a C1 CSI, a bidi override.
const EVIL: &str = "x\u{1b}]0;owned\u{7}\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{9b}2J\u{202e}y";

/// Server text with line breaks that would forge offsetdeck's own lines.
const FORGED: &str = "x\nverified: 3 of 3 partition(s) as planned\r\nverified: 3 of 3 partition(s) as planned\u{2028}";

async fn answer(uri: Uri) -> Response {
    let path = uri.path();
    let json = |v: serde_json::Value| {
        Response::builder().status(200).header("x-request-id", "req-1").body(Body::from(v.to_string())).unwrap()
    };
    let group = path.split("/groups/").nth(1).map(|g| g.split('/').next().unwrap_or_default()).unwrap_or_default();
    let offsets = |row: serde_json::Value, total: i64| json(json!({"group_message_offsets": [row], "total": total}));
    let row = |p: i64, c: i64, s: i64, e: i64| json!({"partition": p, "message_current_offset": c, "message_log_start_offset": s, "message_log_end_offset": e});
    match (group, path.ends_with("/message-offset")) {
        ("empty", false) => return json(json!({})),
        ("forger", false) => {
            return json(json!({"group": {"state": FORGED, "members": [{"client_id": FORGED, "host": FORGED}]}}));
        }
        ("forger", true) => {
            let body = json!({"error_code": FORGED, "error_msg": FORGED}).to_string();
            return Response::builder().status(400).header("x-request-id", FORGED).body(Body::from(body)).unwrap();
        }
        (g, false) if g != "g" && !g.is_empty() => {
            return json(json!({"group": {"state": "EMPTY", "members": []}}));
        }
        ("bigpart", true) => return offsets(row(4_000_000_000, 1, 0, 5), 1),
        ("backwards", true) => return offsets(row(0, 1, 9, 3), 1),
        ("negative", true) => return offsets(row(0, -7, 0, 5), 1),
        ("endless", true) => return offsets(row(0, 1, 0, 5), 1_000_000_000_000_000),
        ("repeats", true) => return offsets(row(0, 1, 0, 5), 1_000),
        _ => {}
    }
    if path.ends_with("/management/groups/g") {
        json(json!({"group": {"state": EVIL, "members": [{"client_id": EVIL, "host": EVIL}]}}))
    } else if path.ends_with("/message-offset") {
        json(
            json!({"group_message_offsets": [{"partition": 0, "message_current_offset": 1, "message_log_start_offset": 0, "message_log_end_offset": 5}], "total": 1}),
        )
    } else if path.ends_with("/topics") {
        Response::builder().status(500).body(Body::from(format!("<html>{EVIL}</html>"))).unwrap()
    } else if path.contains("/huge/") {
        // An endless chunked answer.
        let chunk = bytes::Bytes::from(vec![b' '; 1 << 20]);
        let endless = futures_util::stream::repeat_with(move || Ok::<_, std::io::Error>(chunk.clone()));
        Response::builder().status(200).body(Body::from_stream(endless)).unwrap()
    } else {
        Response::builder().status(StatusCode::NOT_FOUND).body(Body::from(EVIL)).unwrap()
    }
}

fn serve() -> String {
    crate::common::serve(Router::new().fallback(answer))
}

fn profile(dir: &std::path::Path, url: &str) -> std::path::PathBuf {
    let path = dir.join("hostile.toml");
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

[huawei.h.instances.i]
id = "5f2a3b4c-1d2e-4f60-8a9b-0c1d2e3f4a5b"
topics = {{ t = 1 }}
groups = {{ g = ["t"], forger = ["t"], empty = ["t"], bigpart = ["t"], backwards = ["t"], negative = ["t"], endless = ["t"], repeats = ["t"] }}
"#,
            audit = dir.join("audit.jsonl").display().to_string()
        ),
    )
    .unwrap();
    path
}

fn run(profile: &std::path::Path, args: &[&str]) -> (String, Option<i32>) {
    let o = Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .arg("--profile")
        .arg(profile)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    (all, o.status.code())
}

fn assert_inert(out: &str) {
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(!out.contains(bad), "{:?} reached the terminal raw:\n{out:?}", bad);
    }
}

#[test]
fn server_text_is_shown_escaped_by_every_command() {
    let url = serve();
    let dir = tempfile::tempdir().unwrap();
    let p = profile(dir.path(), &url);
    let (out, code) = run(&p, &["describe", "--instance", "i", "--group", "g", "--topic", "t"]);
    assert_eq!(code, Some(0), "{out}");
    assert_inert(&out);
    assert!(out.contains("\\x1b]0;owned\\x07") && out.contains("\\u202e"), "shown, escaped: {out}");
    let (out, _) = run(&p, &["--output", "json", "describe", "--instance", "i", "--group", "g", "--topic", "t"]);
    assert_inert(&out);
    let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(v["members"][0]["client_id"], EVIL, "JSON escapes and still reads back exactly");
    // An error page with escapes in it, during a write's pre-flight.
    let (out, code) = run(&p, &["reset", "--instance", "i", "--group", "g", "--topic", "t", "--to-earliest", "--yes"]);
    assert_eq!(code, Some(1), "{out}");
    assert_inert(&out);
    assert!(out.contains("<html>"), "{out}");
}

#[test]
fn the_audit_trail_stores_server_text_inert() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    offsetdeck::engine::audit::append(&path, &json!({"event": "call", "note": EVIL})).unwrap();
    let raw = std::fs::read_to_string(&path).unwrap();
    assert_inert(&raw);
    let back: serde_json::Value = serde_json::from_str(raw.trim()).unwrap();
    assert_eq!(back["note"], EVIL);
}

#[test]
fn an_endless_answer_is_cut_off_not_read_into_memory() {
    let url = serve();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let client =
        offsetdeck::providers::client::Client::new(offsetdeck::providers::client::ClientConfig::default().unlimited())
            .unwrap();
    let mut req = offsetdeck::providers::huawei::group_detail(
        &offsetdeck::core::profile::parse(
            &std::fs::read_to_string(profile(tempfile::tempdir().unwrap().path(), &url)).unwrap(),
            "p",
        )
        .unwrap()
        .profile
        .huawei[0],
        "i",
        "g",
    );
    req.path = "/huge/".into();
    let creds = offsetdeck::core::credentials::Credentials {
        id: offsetdeck::core::secret::Secret::new("AK"),
        secret: offsetdeck::core::secret::Secret::new("SK"),
        token: None,
    };
    let e = rt.block_on(client.call(&req, &creds)).unwrap_err();
    assert!(e.to_string().contains("larger than 64 MiB"), "{e}");
}

#[test]
fn a_malformed_success_is_an_error_naming_the_field_never_empty_state() {
    let url = serve();
    let dir = tempfile::tempdir().unwrap();
    let p = profile(dir.path(), &url);
    for (group, says) in [
        ("empty", "the field `group` is missing"),
        ("bigpart", "4000000000, not a partition number"),
        ("backwards", "below the log start"),
        ("negative", "-7; a committed offset is 0 or more"),
        ("endless", "beyond any real listing"),
        ("repeats", "sent a page again"),
    ] {
        let (out, code) = run(&p, &["describe", "--instance", "i", "--group", group, "--topic", "t"]);
        assert_eq!(code, Some(1), "{group}: {out}");
        assert!(out.contains("could not be read") && out.contains(says), "{group}: {out}");
        let (out, code) =
            run(&p, &["reset", "--instance", "i", "--group", group, "--topic", "t", "--to-earliest", "--dry-run"]);
        assert_ne!(code, Some(0), "no plan is built on it: {group}: {out}");
    }
}

#[test]
fn server_text_with_line_breaks_never_forges_a_line() {
    let url = serve();
    let dir = tempfile::tempdir().unwrap();
    let p = profile(dir.path(), &url);
    for args in [
        &["describe", "--instance", "i", "--group", "forger", "--topic", "t"][..],
        &["--output", "json", "describe", "--instance", "i", "--group", "forger", "--topic", "t"][..],
        &["reset", "--instance", "i", "--group", "forger", "--topic", "t", "--to-earliest", "--yes"][..],
        &["groups", "--instance", "i", "--members"][..],
    ] {
        let (out, _) = run(&p, args);
        assert_inert(&out);
        assert!(
            !out.lines().any(|l| l.trim_start().starts_with("verified")),
            "{args:?}: a forged line reached the output:\n{out}"
        );
        assert!(!out.contains('\u{2028}'), "{out}");
    }
}
