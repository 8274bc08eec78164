//! A batch job: 1,000 per-partition ModifyGroupOffsets calls (what an undo on a 1,000-partition topic sends) against
//! the emulator. (a) published limits on, client and server: wall time against the 10 s floor of 100/s; (b) limits
//! off: calls per second on loopback; (c) the same calls in a plain loop over the official Python SDK, when
//! OFFSETDECK_PY (a python with the pinned SDKs) is set.

use std::time::Instant;

use offsetdeck::core::credentials::Credentials;
use offsetdeck::core::secret::Secret;
use offsetdeck::emulator;
use offsetdeck::providers::client::{Client, ClientConfig};
use offsetdeck::providers::tencent;

const PARTITIONS: usize = 1000;

fn data() -> String {
    format!(
        "[[tencent]]\nname = \"tc\"\nsecret_id = \"AKIDBENCH\"\nsecret_key = \"benchkey\"\n\n[[tencent.ckafka]]\nname = \"big\"\nid = \"ckafka-big\"\n\
         topics = [ {{ name = \"t\", partitions = {PARTITIONS}, start = 0, end = 100000 }} ]\n\
         groups = [ {{ name = \"g\", state = \"Empty\", topics = [\"t\"], lag = 500 }} ]\n"
    )
}

async fn run(client: &Client, creds: &Credentials, acc: &offsetdeck::core::profile::TencentAccount) -> (f64, usize) {
    let started = Instant::now();
    let mut failed = 0;
    for p in 0..PARTITIONS as i32 {
        let req = tencent::modify_group_offsets(
            acc,
            "ckafka-big",
            "g",
            &["t".into()],
            &[p],
            tencent::Modify::Offset(1000 + i64::from(p)),
        );
        failed += usize::from(client.call(&req, creds).await.is_err());
    }
    (started.elapsed().as_secs_f64(), failed)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let world = emulator::data::parse(&data(), jiff::Timestamp::now().as_millisecond()).unwrap();
    let emu = emulator::spawn(world, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let text = emulator::write_profile(&emu.state().world, &emu.url());
    let profile = offsetdeck::core::profile::parse(&text, "bench").unwrap().profile;
    let acc = &profile.tencent[0];
    let creds = Credentials { id: Secret::new("AKIDBENCH"), secret: Secret::new("benchkey"), token: None };

    // (b) first, so the server's limit windows start clean for (a). The emulator enforces the published limits
    // by default; (b) measures the client alone.
    emu.set_rate_limits(false);
    let unlimited = Client::new(ClientConfig::default().unlimited()).unwrap();
    let _ = run(&unlimited, &creds, acc).await; // warm-up: connections, key derivation
    let (secs, failed) = run(&unlimited, &creds, acc).await;
    println!(
        "(b) limits off: {PARTITIONS} calls in {secs:.2} s = {:.0} calls/s ({failed} failed)",
        PARTITIONS as f64 / secs
    );

    emu.set_rate_limits(true);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let limited = Client::new(ClientConfig::default()).unwrap();
    let (secs, failed) = run(&limited, &creds, acc).await;
    let floor = PARTITIONS as f64 / 100.0;
    println!(
        "(a) published limits on (ModifyGroupOffsets 100/s, client and server): {secs:.2} s, {:+.1}% over the {floor:.0} s floor ({failed} failed)",
        (secs / floor - 1.0) * 100.0
    );
    emu.set_rate_limits(false);

    if let Ok(py) = std::env::var("OFFSETDECK_PY") {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/python_batch.py");
        let out =
            std::process::Command::new(py).arg(script).arg(emu.url()).arg(PARTITIONS.to_string()).output().unwrap();
        print!("(c) {}", String::from_utf8_lossy(&out.stdout));
        if !out.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        }
    } else {
        println!(
            "(c) skipped: set OFFSETDECK_PY to a python with the pinned SDKs (benches/python_signing.sh shows how)"
        );
    }
}
