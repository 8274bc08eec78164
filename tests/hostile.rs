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

async fn answer(uri: Uri) -> Response {
    let path = uri.path();
    let json = |v: serde_json::Value| {
        Response::builder().status(200).header("x-request-id", "req-1").body(Body::from(v.to_string())).unwrap()
    };
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
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        rt.block_on(async move { axum::serve(listener, Router::new().fallback(answer)).await.unwrap() });
    });
    url
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
groups = {{ g = ["t"] }}
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
    assert!(e.to_string().contains("larger than 8 MiB"), "{e}");
}
