//! The signers against vectors made by the official SDKs' own signing code (tests/vectors/generate.py).
//! Each test checks, in order: the canonical request, the string-to-sign, the Authorization header, the query as sent.

use offsetdeck::core::secret::Secret;
use offsetdeck::core::sign::{huawei, tencent};
use serde_json::Value;

fn load(file: &str) -> Vec<Value> {
    let path = format!("{}/tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    json["vectors"].as_array().unwrap().clone()
}

fn find(file: &str, name: &str) -> Value {
    load(file).into_iter().find(|v| v["name"] == name).unwrap_or_else(|| panic!("no vector {name} in {file}"))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array().unwrap().iter().map(|p| (s(&p[0]).to_owned(), s(&p[1]).to_owned())).collect()
}

/// Signs the vector's request with offsetdeck's Huawei signer.
fn huawei_sign(v: &Value, ak: &str, sk: &str, body: &[u8]) -> huawei::Signed {
    let r = &v["request"];
    let query = pairs(&r["query_pairs"]);
    let headers = pairs(&r["headers"]);
    let req = huawei::Request { method: s(&r["method"]), path: s(&r["path"]), query: &query, headers: &headers, body };
    let civil = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", s(&v["sdk_date"])).unwrap();
    let time = civil.to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp();
    let token = v["security_token"].as_str().map(Secret::new);
    huawei::sign(&req, &Secret::new(ak), &Secret::new(sk), token.as_ref(), time)
}

fn check_huawei(name: &str) {
    let v = find("huawei.json", name);
    let e = &v["expected"];
    let signed = huawei_sign(&v, s(&v["ak"]), s(&v["sk"]), s(&v["request"]["body"]).as_bytes());
    assert_eq!(signed.canonical_request.to_string(), s(&e["canonical_request"]), "{name}: canonical request");
    assert_eq!(signed.string_to_sign, s(&e["string_to_sign"]), "{name}: string to sign");
    assert_eq!(signed.authorization(), s(&e["authorization"]), "{name}: Authorization");
    assert_eq!(signed.query, s(&e["query"]), "{name}: query as sent");
    // Every header the SDK sent, we send too, with the same value.
    let ours: Vec<(String, String)> =
        pairs(&v["request"]["headers"]).into_iter().chain(signed.headers.clone()).collect();
    for (k, want) in e["sent_headers"].as_object().unwrap() {
        let got = ours.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)).map(|(_, v)| v.as_str());
        assert_eq!(got, Some(s(want)), "{name}: header {k}");
    }
    // Path parameters encode like quote(v, safe='').
    assert!(s(&e["url"]).contains(s(&v["request"]["path"])), "{name}: wire path");
}

fn tencent_request(v: &Value) -> (String, String) {
    (s(&v["request"]["payload"]).to_owned(), s(&v["request"]["content_type"]).to_owned())
}

fn tencent_sign(v: &Value, id: &str, key: &str, payload: &str, host: &str, ts: i64, service: &str) -> tencent::Signed {
    let (_, content_type) = tencent_request(v);
    let req = tencent::Request {
        method: s(&v["request"]["method"]),
        service,
        host,
        content_type: &content_type,
        query: "",
        payload: payload.as_bytes(),
        timestamp: ts,
    };
    let token = v["token"].as_str().map(Secret::new);
    tencent::sign(&req, &Secret::new(id), &Secret::new(key), token.as_ref())
}

fn check_tencent(name: &str) {
    let v = find("tencent.json", name);
    let e = &v["expected"];
    let (payload, _) = tencent_request(&v);
    let ts = v["timestamp"].as_i64().unwrap();
    let signed =
        tencent_sign(&v, s(&v["secret_id"]), s(&v["secret_key"]), &payload, s(&v["host"]), ts, s(&v["service"]));
    assert_eq!(signed.canonical_request, s(&e["canonical_request"]), "{name}: canonical request");
    assert_eq!(signed.string_to_sign, s(&e["string_to_sign"]), "{name}: string to sign");
    assert_eq!(signed.authorization(), s(&e["authorization"]), "{name}: Authorization");
    assert_eq!("", s(&e["query"]), "{name}: POST sends no query");
    let token = signed.headers.iter().find(|(n, _)| n == "X-TC-Token").map(|(_, v)| v.as_str());
    assert_eq!(token, e["sent_headers"]["X-TC-Token"].as_str(), "{name}: X-TC-Token");
}

macro_rules! vector_tests {
    ($check:ident: $($name:ident),* $(,)?) => {
        $( #[test] fn $name() { $check(stringify!($name)); } )*
    };
}

mod huawei_vectors {
    use super::check_huawei;
    pub const NAMES: &[&str] = &[
        "reset_offset_to_offset",
        "reset_offset_to_timestamp_token",
        "delete_consumer_group_offsets",
        "delete_messages_post",
        "delete_messages_legacy_delete",
        "list_instances",
        "list_groups",
        "show_group_detail",
        "show_groups_slash_in_group_name",
        "group_message_offsets",
        "list_topic_partitions",
        "list_topics",
        "query_special_characters",
        "raw_query_repeated_and_empty",
        "unicode_group_name",
        "second_key_pair",
        "endpoint_with_port",
        "show_group_basics",
    ];
    vector_tests!(check_huawei:
        reset_offset_to_offset, reset_offset_to_timestamp_token, delete_consumer_group_offsets, delete_messages_post,
        delete_messages_legacy_delete, list_instances, list_groups, show_group_detail, show_groups_slash_in_group_name,
        group_message_offsets, list_topic_partitions, list_topics, query_special_characters,
        raw_query_repeated_and_empty, unicode_group_name, second_key_pair, endpoint_with_port, show_group_basics);
}

mod tencent_vectors {
    use super::check_tencent;
    pub const NAMES: &[&str] = &[
        "ckafka_modify_shift",
        "ckafka_modify_earliest",
        "ckafka_modify_to_offset_partitions",
        "ckafka_modify_timestamp_token",
        "ckafka_modify_pre_utc_midnight",
        "ckafka_modify_at_utc_midnight",
        "dts_reset_earliest",
        "dts_reset_datetime",
        "ckafka_describe_instances_empty",
        "ckafka_describe_instances_paged",
        "ckafka_describe_group",
        "ckafka_describe_group_info",
        "ckafka_describe_group_offsets",
        "ckafka_describe_topic",
        "ckafka_describe_topic_sync_replica",
        "dts_describe_subscribe_jobs",
        "dts_describe_subscribe_detail",
        "dts_describe_consumer_groups",
        "dts_describe_offset_by_time",
        "ckafka_second_key_pair",
        "ckafka_endpoint_with_port",
    ];
    vector_tests!(check_tencent:
        ckafka_modify_shift, ckafka_modify_earliest, ckafka_modify_to_offset_partitions, ckafka_modify_timestamp_token,
        ckafka_modify_pre_utc_midnight, ckafka_modify_at_utc_midnight, dts_reset_earliest, dts_reset_datetime,
        ckafka_describe_instances_empty, ckafka_describe_instances_paged, ckafka_describe_group,
        ckafka_describe_group_info, ckafka_describe_group_offsets, ckafka_describe_topic,
        ckafka_describe_topic_sync_replica, dts_describe_subscribe_jobs, dts_describe_subscribe_detail,
        dts_describe_consumer_groups, dts_describe_offset_by_time, ckafka_second_key_pair, ckafka_endpoint_with_port);
}

#[test]
fn every_vector_has_a_test_and_there_are_enough() {
    for (file, names) in [("huawei.json", huawei_vectors::NAMES), ("tencent.json", tencent_vectors::NAMES)] {
        let all: Vec<String> = load(file).iter().map(|v| s(&v["name"]).to_owned()).collect();
        assert!(all.len() >= 15, "{file}: at least 15 vectors");
        for n in &all {
            assert!(names.contains(&n.as_str()), "{file}: vector {n} has no test");
        }
    }
}

#[test]
fn utc_midnight_vectors_straddle_the_date() {
    let pre = find("tencent.json", "ckafka_modify_pre_utc_midnight");
    let at = find("tencent.json", "ckafka_modify_at_utc_midnight");
    assert!(s(&pre["expected"]["string_to_sign"]).contains("2024-12-31/ckafka"));
    assert!(s(&at["expected"]["string_to_sign"]).contains("2025-01-01/ckafka"));
}

#[test]
fn huawei_tampering_breaks_the_signature() {
    let v = find("huawei.json", "delete_consumer_group_offsets");
    let want = s(&v["expected"]["authorization"]).to_owned();
    let body = s(&v["request"]["body"]).to_owned();
    let good = huawei_sign(&v, s(&v["ak"]), s(&v["sk"]), body.as_bytes());
    assert_eq!(good.authorization(), want);
    // Body.
    let bad = huawei_sign(&v, s(&v["ak"]), s(&v["sk"]), body.replace("topic-2", "topic-3").as_bytes());
    assert_ne!(bad.authorization(), want, "tampered body");
    // Key.
    let bad = huawei_sign(&v, s(&v["ak"]), "wrong-secret", body.as_bytes());
    assert_ne!(bad.authorization(), want, "wrong key");
    // Date.
    let mut dated = v.clone();
    dated["sdk_date"] = "20250102T030406Z".into();
    assert_ne!(huawei_sign(&dated, s(&v["ak"]), s(&v["sk"]), body.as_bytes()).authorization(), want, "date");
    // Host.
    let mut hosted = v.clone();
    let headers = hosted["request"]["headers"].as_array_mut().unwrap();
    for h in headers.iter_mut() {
        if h[0] == "Host" {
            h[1] = "dms.cn-north-1.myhuaweicloud.com".into();
        }
    }
    assert_ne!(huawei_sign(&hosted, s(&v["ak"]), s(&v["sk"]), body.as_bytes()).authorization(), want, "host");
}

#[test]
fn tencent_tampering_breaks_the_signature() {
    let v = find("tencent.json", "dts_reset_earliest");
    let want = s(&v["expected"]["authorization"]).to_owned();
    let (payload, _) = tencent_request(&v);
    let (id, key, host) = (s(&v["secret_id"]), s(&v["secret_key"]), s(&v["host"]));
    let ts = v["timestamp"].as_i64().unwrap();
    assert_eq!(tencent_sign(&v, id, key, &payload, host, ts, "dts").authorization(), want);
    let cases = [
        ("body", tencent_sign(&v, id, key, &payload.replace("earliest", "latest"), host, ts, "dts")),
        ("key", tencent_sign(&v, id, "wrong", &payload, host, ts, "dts")),
        ("date", tencent_sign(&v, id, key, &payload, host, ts + 86_400, "dts")),
        ("host", tencent_sign(&v, id, key, &payload, "dts.intl.tencentcloudapi.com", ts, "dts")),
        ("service", tencent_sign(&v, id, key, &payload, host, ts, "ckafka")),
    ];
    for (what, signed) in cases {
        assert_ne!(signed.authorization(), want, "tampered {what}");
    }
}

#[test]
fn authorization_headers_parse_back() {
    let v = find("huawei.json", "second_key_pair");
    let a = huawei::parse_authorization(s(&v["expected"]["authorization"])).unwrap();
    assert_eq!(a.access, s(&v["ak"]));
    assert_eq!(a.signed_headers, ["content-type", "host", "user-agent", "x-project-id", "x-sdk-date"]);
    let v = find("tencent.json", "ckafka_endpoint_with_port");
    let a = tencent::parse_authorization(s(&v["expected"]["authorization"])).unwrap();
    assert_eq!((a.secret_id, a.service, a.signed_headers), (s(&v["secret_id"]), "ckafka", "content-type;host"));
    assert!(huawei::parse_authorization("SDK-HMAC-SHA256 Access=, SignedHeaders=a, Signature=b").is_none());
}
