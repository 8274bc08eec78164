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

const EXAMPLE: &str = include_str!("../config.example.toml");

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
