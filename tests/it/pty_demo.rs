//! The real binary in a pseudo-terminal, in demo mode: start, reset a group to earliest, see the success in the
//! log, quit, and the terminal is given back (alternate screen left, cursor shown, exit 0).

#![cfg(unix)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Screen {
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl Screen {
    fn text(&self) -> String {
        let mut p = vt100::Parser::new(std::num::NonZero::new(24).unwrap(), std::num::NonZero::new(80).unwrap(), 0);
        p.process(&self.bytes.lock().unwrap());
        p.screen().contents()
    }

    fn wait_for(&self, needle: &str, what: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if self.text().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {what} ({needle:?}); screen:\n{}", self.text());
    }
}

type Child = Box<dyn portable_pty::Child + Send + Sync>;

/// `offsetdeck --demo` in an 80x24 pseudo-terminal, its output collected as it comes.
fn spawn_demo(no_color: bool) -> (Child, Box<dyn Write + Send>, Screen) {
    spawn_demo_with(no_color, None)
}

fn spawn_demo_with(no_color: bool, inject_panic: Option<&str>) -> (Child, Box<dyn Write + Send>, Screen) {
    spawn_demo_in(no_color, inject_panic, None)
}

fn spawn_demo_in(
    no_color: bool,
    inject_panic: Option<&str>,
    home: Option<&std::path::Path>,
) -> (Child, Box<dyn Write + Send>, Screen) {
    let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_offsetdeck"));
    cmd.arg("--demo");
    cmd.env("TERM", "xterm-256color");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    if let Some(at) = inject_panic {
        cmd.env("OFFSETDECK_INJECT_PANIC", at);
    }
    if let Some(home) = home {
        cmd.env("HOME", home);
        cmd.env_remove("XDG_DATA_HOME");
    }
    let child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let writer = pty.master.take_writer().unwrap();
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let sink = bytes.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    (child, writer, Screen { bytes })
}

#[test]
fn demo_reset_to_earliest_and_quit_restores_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let (mut child, mut writer, screen) = spawn_demo_in(true, None, Some(home.path()));
    let bytes = screen.bytes.clone();
    let started = Instant::now();
    screen.wait_for("DEMO", "the first frame");
    let first_frame = started.elapsed();
    screen.wait_for("[EMPTY]", "live data from the emulator");
    let mut send = |s: &[u8]| {
        writer.write_all(s).unwrap();
        writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(120));
    };
    send(b"jjj");
    send(b"r");
    screen.wait_for("reset offsets: group billing", "the reset form");
    send(b"\x1b[C");
    send(b"\r");
    screen.wait_for("confirm reset", "the confirmation with the plan");
    send(b"y");
    screen.wait_for("call(s) succeeded", "the job's success in the log");
    send(b"q");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "the dashboard did not quit");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    std::thread::sleep(Duration::from_millis(200));
    let raw = bytes.lock().unwrap().clone();
    let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..]).into_owned();
    assert!(tail.contains("\x1b[?1049l"), "the alternate screen was left: {tail:?}");
    assert!(tail.contains("\x1b[?25h"), "the cursor was shown again: {tail:?}");
    // The demo's trail was its own: nothing in the user's data directory, and its temporary directory is gone.
    assert!(!home.path().join(".local/share/offsetdeck").exists(), "the demo wrote into the user's data dir");
    let pid = child.process_id().unwrap();
    let prefix = format!("offsetdeck-demo-{pid}-");
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .collect();
    assert!(left.is_empty(), "the demo's directory was removed: {left:?}");
    eprintln!("first frame after {first_frame:?}");
}

#[test]
fn a_reset_typed_on_the_command_line_opens_the_confirmation_and_runs() {
    let home = tempfile::tempdir().unwrap();
    let (mut child, mut writer, screen) = spawn_demo_in(true, None, Some(home.path()));
    screen.wait_for("[EMPTY]", "live data from the emulator");
    let mut send = |s: &[u8]| {
        writer.write_all(s).unwrap();
        writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(120));
    };
    // On the orders instance; `--instance` is left out and taken from the selection. Tab completes the verb.
    send(b"jj:res\t");
    screen.wait_for(":reset ", "the completed verb");
    send(b"--group audit --topic audit-log --to-earliest\r");
    screen.wait_for("confirm reset", "the confirmation the form would open");
    screen.wait_for("group `audit`", "the typed group in the plan");
    send(b"y");
    screen.wait_for("call(s) succeeded", "the job's success in the log");
    send(b"q");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(start.elapsed() < Duration::from_secs(10), "the dashboard did not quit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn every_ending_signal_restores_the_terminal() {
    for (name, sig) in
        [("SIGTERM", libc::SIGTERM), ("SIGHUP", libc::SIGHUP), ("SIGINT", libc::SIGINT), ("SIGQUIT", libc::SIGQUIT)]
    {
        let (mut child, _writer, screen) = spawn_demo(false);
        let bytes = screen.bytes.clone();
        screen.wait_for("DEMO", "the first frame");
        let pid = child.process_id().unwrap() as i32;
        // SAFETY: sending a signal to our own child process.
        assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            assert!(start.elapsed() < Duration::from_secs(10), "{name} did not end the dashboard");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(200));
        let raw = bytes.lock().unwrap().clone();
        let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..]).into_owned();
        assert!(tail.contains("\x1b[?1049l") && tail.contains("\x1b[?25h"), "terminal restored after {name}: {tail:?}");
    }
}

#[test]
fn a_panic_in_update_or_render_restores_the_terminal_then_prints_the_message() {
    for at in ["update", "render"] {
        let (mut child, mut writer, screen) = spawn_demo_with(true, Some(at));
        screen.wait_for("DEMO", "the first frame");
        writer.write_all(b"j").unwrap();
        writer.flush().unwrap();
        let start = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "{at}: the panic did not end the process");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(!status.success());
        std::thread::sleep(Duration::from_millis(200));
        let raw = String::from_utf8_lossy(&screen.bytes.lock().unwrap()).into_owned();
        let left = raw.rfind("\x1b[?1049l").unwrap_or_else(|| panic!("{at}: alternate screen never left"));
        let message = raw.rfind(&format!("injected panic in {at}")).unwrap_or_else(|| panic!("{at}: no panic message"));
        assert!(message > left, "{at}: the message is printed after the terminal is restored");
    }
}
