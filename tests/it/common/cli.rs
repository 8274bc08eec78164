//! Shared setup for the command-line tests: `offsetdeck emulator` as its own process and a profile pointing at it.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

pub struct Emulator {
    pub child: Child,
    pub url: String,
    pub profile: PathBuf,
    pub _dir: tempfile::TempDir,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start() -> Emulator {
    start_with(&[])
}

/// The emulator with extra arguments (`--large`).
pub fn start_with(extra: &[&str]) -> Emulator {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("emu.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .args(["emulator", "--listen", "127.0.0.1:0"])
        .args(extra)
        .arg("--write-profile")
        .arg(&profile)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let v: Value = serde_json::from_str(&line).expect("one JSON line on stdout");
    assert_eq!(v["huawei"], v["ckafka"]);
    let url = v["huawei"].as_str().unwrap().to_owned();
    // Keep the audit trail in the test's own directory, never the real home.
    let audit = dir.path().join("audit.jsonl");
    let text = std::fs::read_to_string(&profile).unwrap().replacen(
        "[settings]\n",
        &format!("[settings]\naudit_log = {:?}\n", audit.display().to_string()),
        1,
    );
    std::fs::write(&profile, text).unwrap();
    Emulator { child, url, profile, _dir: dir }
}

pub fn run(e: &Emulator, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .arg("--profile")
        .arg(&e.profile)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

pub fn committed(e: &Emulator, instance: &str, group: &str, topic: &str) -> Vec<Option<i64>> {
    let o = run(e, &["--output", "json", "describe", "--instance", instance, "--group", group, "--topic", topic]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["partitions"].as_array().unwrap().iter().map(|p| p["committed"].as_i64()).collect()
}

/// How many signed calls reached `op` so far.
pub fn calls_to(e: &Emulator, op: &str) -> u64 {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let body = rt.block_on(async {
        reqwest::Client::new().post(format!("{}/_admin/calls", e.url)).send().await.unwrap().bytes().await.unwrap()
    });
    let v: Value = serde_json::from_slice(&body).unwrap();
    v[op].as_u64().unwrap_or(0)
}

/// Waits (up to 20 s) until `op` has been called `n` times: the moment a running job is known to be in its calls.
pub fn wait_for_calls(e: &Emulator, op: &str, n: u64) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while calls_to(e, op) < n {
        assert!(std::time::Instant::now() < until, "{op} was not called {n} time(s) within 20 s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

pub fn admin(e: &Emulator, route: &str, body: &str) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/_admin/{route}", e.url))
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
}
