//! Time per signed request, from request to headers (canonical request, hashes, HMACs), for both clouds.

use criterion::{Criterion, criterion_group, criterion_main};
use offsetdeck::core::secret::Secret;
use offsetdeck::core::sign::{huawei, tencent};
use std::hint::black_box;

fn signing(c: &mut Criterion) {
    let ak = Secret::new("HPUAEXAMPLEAK0000001");
    let sk = Secret::new("hwExampleSecretKey0000000000000000000001");
    let headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Host".to_owned(), "dms.cn-north-4.myhuaweicloud.com".to_owned()),
        ("User-Agent".to_owned(), "offsetdeck/0.1.0".to_owned()),
        ("X-Project-Id".to_owned(), "0123456789abcdef0123456789abcdef".to_owned()),
    ];
    let body = br#"{"message_offset":1200,"partition":3,"topic":"orders"}"#;
    let path = "/v2/kafka/0123456789abcdef0123456789abcdef/instances/5f2a3b4c-1d2e-4f60-8a9b-0c1d2e3f4a5b/groups/billing/reset-message-offset";
    let time: jiff::Timestamp = "2025-01-02T03:04:05Z".parse().unwrap();
    // Steady state: the client keys the SK's HMAC once.
    let hw_key = huawei::SigningKey::new(&sk);
    c.bench_function("sign/huawei reset-message-offset", |b| {
        b.iter(|| {
            let req = huawei::Request { method: "PUT", path, query: &[], headers: &headers, body };
            black_box(huawei::sign_with(black_box(&req), &ak, &hw_key, None, time))
        })
    });
    c.bench_function("sign/huawei reset-message-offset, key set up", |b| {
        b.iter(|| {
            let req = huawei::Request { method: "PUT", path, query: &[], headers: &headers, body };
            black_box(huawei::sign(black_box(&req), &ak, &sk, None, time))
        })
    });
    let id = Secret::new("AKIDexampleSecretId000000000000000001");
    let key = Secret::new("exampleSecretKey00000000000000001");
    let payload = br#"{"InstanceId":"ckafka-abc123","Group":"etl","Strategy":2,"Topics":["clicks"],"Offset":4200}"#;
    let req = tencent::Request {
        method: "POST",
        service: "ckafka",
        host: "ckafka.tencentcloudapi.com",
        content_type: "application/json",
        query: "",
        payload,
        timestamp: 1_735_787_045,
    };
    // Steady state: the client derives the signing key once per day and service.
    let derived = tencent::SigningKey::derive(key.expose(), &tencent::credential_date(req.timestamp), "ckafka");
    c.bench_function("sign/tencent ModifyGroupOffsets", |b| {
        b.iter(|| black_box(tencent::sign_with(black_box(&req), &id, &derived, None)))
    });
    // First call of the day: the key derivation (three HMACs) included.
    c.bench_function("sign/tencent ModifyGroupOffsets, key derived", |b| {
        b.iter(|| black_box(tencent::sign(black_box(&req), &id, &key, None)))
    });
}

criterion_group!(benches, signing);
criterion_main!(benches);
