//! Property tests: what people type and what servers send never panics and always gets a clear error; the signer and
//! the emulator's verifier agree on any request, and disagree when a byte changes.

use offsetdeck::core::profile;
use offsetdeck::core::secret::Secret;
use offsetdeck::core::sign::{huawei, tencent};
use offsetdeck::core::strategy;
use offsetdeck::emulator::gate::{AuthError, Gate, ReceivedHuawei, ReceivedTencent};
use offsetdeck::providers::huawei::wire::interpret as interpret_huawei;
use offsetdeck::providers::tencent::wire::interpret as interpret_tencent;
use proptest::prelude::*;

const EXAMPLE: &str = include_str!("../../config.example.toml");

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_as_a_profile_gives_ok_or_located_errors(text in "\\PC{0,300}") {
        if let Err(e) = profile::parse(&text, "p.toml") {
            prop_assert!(!e.diagnostics.is_empty());
            for d in &e.diagnostics {
                prop_assert!(!d.message.is_empty());
                prop_assert!(d.help.is_some(), "every error says how to fix it: {d}");
            }
        }
    }

    #[test]
    fn a_mutated_example_profile_never_panics(pos in 0usize..4000, len in 0usize..20, insert in "\\PC{0,12}") {
        let mut text = EXAMPLE.to_owned();
        let mut at = pos.min(text.len());
        while !text.is_char_boundary(at) { at -= 1; }
        let mut end = (at + len).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        text.replace_range(at..end.max(at), &insert);
        if let Err(e) = profile::parse(&text, "p.toml") {
            let shown = e.to_string();
            prop_assert!(shown.contains("p.toml") && shown.contains("error"));
        }
    }

    #[test]
    fn typed_values_parse_or_explain(text in "\\PC{0,40}") {
        let tz = jiff::tz::TimeZone::UTC;
        for result in [
            strategy::parse_datetime(&text, &tz).map(|_| ()),
            strategy::parse_duration(&text).map(|_| ()),
            strategy::parse_offset(&text).map(|_| ()),
            strategy::parse_shift(&text).map(|_| ()),
            strategy::parse_timestamp_ms(&text).map(|_| ()),
        ] {
            if let Err(e) = result {
                let msg = e.to_string();
                prop_assert!(msg.contains("write") || msg.contains("RFC 3339"), "the error says what to write: {msg}");
            }
        }
    }

    #[test]
    fn any_response_is_read_without_panicking(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = interpret_huawei(status, &body, Some("rid".into()));
        let _ = interpret_tencent(status, &body, None);
    }

    #[test]
    fn json_shaped_responses_are_read_without_panicking(code in "[A-Za-z.]{0,20}", msg in "\\PC{0,20}", status in 200u16..600) {
        let hw = serde_json::json!({"error_code": code, "error_msg": msg, "nested": {"code": 1}}).to_string();
        let tc = serde_json::json!({"Response": {"Error": {"Code": code, "Message": msg}, "RequestId": "x"}}).to_string();
        let h = interpret_huawei(status, hw.as_bytes(), None);
        prop_assert_eq!(h.is_ok(), status < 400);
        prop_assert!(interpret_tencent(status, tc.as_bytes(), None).is_err(), "an Error inside Response is always an error");
    }

    #[test]
    fn huawei_signer_and_verifier_agree(
        segments in proptest::collection::vec("\\PC{1,8}", 1..4),
        query in proptest::collection::vec(("\\PC{0,6}", "\\PC{0,6}"), 0..4),
        extra in proptest::collection::vec(("x-[a-z]{1,6}", "[ -~]{0,12}"), 0..3),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        method in prop::sample::select(vec!["GET", "PUT", "POST", "DELETE"]),
    ) {
        let path = format!("/v2/{}", segments.iter().map(|s| huawei::encode_path_param(s)).collect::<Vec<_>>().join("/"));
        let mut headers = vec![("Host".to_owned(), "127.0.0.1:8080".to_owned()), ("Content-Type".to_owned(), "application/json".to_owned())];
        headers.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        headers.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
        let req = huawei::Request { method, path: &path, query: &query, headers: &headers, body: &body };
        let now: jiff::Timestamp = "2027-03-01T10:00:00Z".parse().unwrap();
        let signed = huawei::sign(&req, &Secret::new("AK1"), &Secret::new("SK/secret+1"), Some(&Secret::new("tok")), now);
        let mut sent: Vec<(String, String)> = headers.clone();
        sent.extend(signed.headers.clone());
        let mut gate = Gate::new();
        let received = ReceivedHuawei { method, path: &path, query: &signed.query, headers: &sent, body: &body };
        let key = |_: &str| Some("SK/secret+1".to_owned());
        prop_assert_eq!(gate.verify_huawei(&received, now.as_second(), key), Ok("AK1".to_owned()));
        let mut tampered = body.clone();
        tampered.push(b'!');
        let received = ReceivedHuawei { method, path: &path, query: &signed.query, headers: &sent, body: &tampered };
        prop_assert_eq!(gate.verify_huawei(&received, now.as_second(), key), Err(AuthError::Mismatch));
    }

    #[test]
    fn tencent_signer_and_verifier_agree(
        body in "\\PC{0,80}",
        ts in 1_500_000_000i64..2_500_000_000,
        service in prop::sample::select(vec!["ckafka", "dts"]),
        port in 1u16..65535,
    ) {
        let host = format!("127.0.0.1:{port}");
        let req = tencent::Request { method: "POST", service, host: &host, content_type: "application/json", query: "", payload: body.as_bytes(), timestamp: ts };
        let signed = tencent::sign(&req, &Secret::new("ID1"), &Secret::new("key+1/x"), None);
        let received = |payload: &[u8], svc: &'static str| -> Result<String, AuthError> {
            let request = tencent::Request { service: svc, payload, ..req.clone() };
            let r = ReceivedTencent { request, authorization: Some(signed.authorization()) };
            Gate::new().verify_tencent(&r, ts, |_| Some("key+1/x".to_owned()))
        };
        prop_assert_eq!(received(body.as_bytes(), service), Ok("ID1".to_owned()));
        let tampered = format!("{body} ");
        prop_assert_eq!(received(tampered.as_bytes(), service), Err(AuthError::Mismatch));
    }
}

/// What the test server sends as text this case: a group name in a listing, and an error message.
static PAYLOAD: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

fn hostile_server() -> String {
    use axum::body::Body;
    use axum::http::Uri;
    use axum::response::Response;
    async fn answer(uri: Uri) -> Response {
        let text = PAYLOAD.lock().unwrap().clone();
        let (status, body) = if uri.query().unwrap_or_default().contains("offset=0") {
            (200, serde_json::json!({"groups": [{"group_id": text, "state": text}], "total": 1}))
        } else {
            (400, serde_json::json!({"error_code": text, "error_msg": text}))
        };
        // The request id too, when the bytes can be a header value at all.
        let id = axum::http::HeaderValue::from_bytes(text.as_bytes())
            .unwrap_or_else(|_| axum::http::HeaderValue::from_static("req-1"));
        Response::builder().status(status).header("x-request-id", id).body(Body::from(body.to_string())).unwrap()
    }
    crate::common::serve(axum::Router::new().fallback(answer))
}

/// No control character leaves raw, and each output is the number of lines offsetdeck wrote.
fn assert_inert_lines(what: &str, out: &str, lines: usize) -> Result<(), TestCaseError> {
    let raw = out.chars().find(|c| (c.is_control() && *c != '\n') || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202e}'));
    prop_assert!(raw.is_none(), "{what}: {raw:?} left raw in {out:?}");
    prop_assert_eq!(out.matches('\n').count(), lines, "{}: {:?}", what, out);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Arbitrary server text through the one client, then through every output path: a line of text, JSON, the
    /// audit trail, the dashboard's log file, CSV, the clipboard and the command history.
    #[test]
    fn server_text_never_leaves_raw_through_any_output(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        use offsetdeck::core::inert::{inert_json, inert_lines};
        static URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let url = URL.get_or_init(hostile_server);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        *PAYLOAD.lock().unwrap() = text.clone();
        let toml = format!(
            "[huawei.h]\nregion = \"cn-north-4\"\nproject_id = \"0a1b2c3d4e5f60718293a4b5c6d7e8f9\"\nendpoint = \"{url}\"\nak = \"AK\"\nsk = \"SK\"\nrate_limit_per_second = 1000\nrate_limit_ceiling_per_second = 1000\n\n[huawei.h.instances.i]\nid = \"i\"\ntopics = {{ t = 1 }}\n"
        );
        let profile = profile::parse(&toml, "p.toml").unwrap().profile;
        let acc = &profile.huawei[0];
        let client = offsetdeck::providers::client::Client::new(
            offsetdeck::providers::client::ClientConfig { max_tries: 1, ..Default::default() }.unlimited(),
        ).unwrap();
        let creds = offsetdeck::core::credentials::Credentials { id: Secret::new("AK"), secret: Secret::new("SK"), token: None };
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let ok = rt.block_on(client.call(&offsetdeck::providers::huawei::list_groups(acc, "i", 0, 50), &creds));
        let err = rt.block_on(client.call(&offsetdeck::providers::huawei::list_groups(acc, "i", 50, 50), &creds));
        let mut received: Vec<String> = vec![err.err().map(|e| e.to_string()).unwrap_or_default()];
        if let Ok(a) = ok {
            received.push(a.json["groups"][0]["group_id"].as_str().unwrap_or_default().to_owned());
            received.extend(a.request_id);
        }
        let dir = tempfile::tempdir().unwrap();
        for s in &received {
            // A line of text output, as `say!` prints it.
            assert_inert_lines("text", &inert_lines(&format!("group {s}: verified: 3 of 3 partition(s) as planned\n")), 1)?;
            // One JSON document.
            let json = inert_json(&serde_json::json!({"group": s}).to_string()).into_owned() + "\n";
            assert_inert_lines("json", &json, 1)?;
            // The audit trail.
            let audit = dir.path().join("audit.jsonl");
            let _ = std::fs::remove_file(&audit);
            offsetdeck::engine::audit::append(&audit, &serde_json::json!({"event": "call", "error": s})).unwrap();
            assert_inert_lines("audit", &std::fs::read_to_string(&audit).unwrap(), 1)?;
            // The dashboard's log file.
            let entry = offsetdeck::tui::state::LogLine { time: "12:00:00".into(), level: offsetdeck::tui::state::Level::Error, text: s.clone() };
            assert_inert_lines("log", &inert_lines(&offsetdeck::tui::log_file::line(&entry)), 1)?;
            // CSV: written as one row of three fields, or refused.
            if let Ok(csv) = offsetdeck::core::offsets_csv::write([(s.clone(), 0, 5)], None) {
                assert_inert_lines("csv", &csv, 1)?;
                prop_assert_eq!(csv.split(',').count(), 3);
            }
            // The clipboard.
            assert_inert_lines("clipboard", &offsetdeck::tui::copy::payload(s), 0)?;
            // The command history.
            let history = dir.path().join("history");
            let _ = std::fs::remove_file(&history);
            offsetdeck::tui::history::append(&history, &format!("describe --group {s}")).unwrap();
            assert_inert_lines("history", &std::fs::read_to_string(&history).unwrap(), 1)?;
        }
    }
}

/// The clipboard's OSC 52 payload is standard base64 (with padding), whichever base64 version builds it.
#[test]
fn the_clipboard_sequence_carries_standard_base64() {
    assert_eq!(offsetdeck::tui::copy::osc52("hello"), "\u{1b}]52;c;aGVsbG8=\u{7}");
    assert_eq!(offsetdeck::tui::copy::osc52("snapshot /tmp/a b?>"), "\u{1b}]52;c;c25hcHNob3QgL3RtcC9hIGI/Pg==\u{7}");
}
