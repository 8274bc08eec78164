//! A profile whose endpoints are all plain-HTTP loopback (the emulator, the demo) does not read the system's root
//! certificates: the client is built without them. Proved with a root store that can never be read (a FIFO named
//! by `SSL_CERT_FILE`, which the system loader honours): the loopback run finishes, an HTTPS profile's run blocks
//! on it.

use crate::common::cli;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn fifo(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("roots.pem");
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo has no other preconditions.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    path
}

fn describe(profile: &std::path::Path, roots: &std::path::Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_offsetdeck"))
        .arg("--profile")
        .arg(profile)
        .args(["describe", "--instance", "events", "--group", "etl"])
        .env("SSL_CERT_FILE", roots)
        .env_remove("SSL_CERT_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn exited_within(child: &mut std::process::Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let began = Instant::now();
    while began.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[test]
fn a_loopback_profile_never_reads_the_root_store_and_an_https_one_does() {
    let e = cli::start();
    let roots = fifo(e._dir.path());
    let mut loopback = describe(&e.profile, &roots);
    let status = exited_within(&mut loopback, Duration::from_secs(30));
    assert!(status.is_some_and(|s| s.success()), "the loopback run finished without the root store: {status:?}");

    // The same profile with one account moved to HTTPS (nothing listens there; the run never gets that far).
    let text = std::fs::read_to_string(&e.profile).unwrap();
    let http = text.lines().find_map(|l| l.strip_prefix("endpoint = \"")).expect("an endpoint line").to_owned();
    let http = http.trim_end_matches('"');
    let https = e._dir.path().join("https.toml");
    std::fs::write(&https, text.replacen(http, "https://127.0.0.1:9", 1)).unwrap();
    let mut tls = describe(&https, &roots);
    let status = exited_within(&mut tls, Duration::from_secs(2));
    let _ = tls.kill();
    let _ = tls.wait();
    assert_eq!(status, None, "a client that can speak TLS reads the root store (and here blocks on it)");
}
