//! The real [`Environment`] for credential resolution: process env, home-relative files, helper commands.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::core::credentials::Environment;

/// How long a `credential_process` may take before it is killed.
const PROCESS_TIMEOUT: Duration = Duration::from_secs(30);

/// The running system.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemEnvironment;

/// The most a credential helper may print.
pub const MAX_HELPER_OUTPUT: usize = 64 << 10;
/// The largest credentials file read.
pub const MAX_CREDENTIALS_FILE: usize = 1 << 20;

impl Environment for SystemEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn run(&self, command: &str) -> Result<String, String> {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start it: {e}"))?;
        // Read stdout on a thread so a chatty helper cannot block on a full pipe while we wait.
        let mut stdout = child.stdout.take().ok_or("no stdout")?;
        let reader = std::thread::spawn(move || {
            let mut buf = String::new();
            // Keys are a few hundred bytes; a helper that prints more is broken, and is not read into memory.
            let n = (&mut stdout).take(MAX_HELPER_OUTPUT as u64 + 1).read_to_string(&mut buf)?;
            if n > MAX_HELPER_OUTPUT {
                return Err(std::io::Error::other(format!("it printed more than {} KiB", MAX_HELPER_OUTPUT >> 10)));
            }
            Ok(buf)
        });
        let started = Instant::now();
        let status = loop {
            match child.try_wait().map_err(|e| e.to_string())? {
                Some(status) => break status,
                None if started.elapsed() > PROCESS_TIMEOUT => {
                    let _ = child.kill();
                    return Err(format!("it did not finish within {}s", PROCESS_TIMEOUT.as_secs()));
                }
                None => std::thread::sleep(Duration::from_millis(5)),
            }
        };
        let out = reader.join().map_err(|_| "reading its output failed")?.map_err(|e| e.to_string())?;
        if !status.success() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            let first = err.lines().next().unwrap_or("").chars().take(200).collect::<String>();
            return Err(format!(
                "it exited with {status}{}",
                if first.is_empty() { String::new() } else { format!(": {first}") }
            ));
        }
        Ok(out)
    }

    fn read_file(&self, path: &str) -> Option<String> {
        let path = match path.strip_prefix("~/") {
            Some(rest) => directories::BaseDirs::new()?.home_dir().join(rest),
            None => path.into(),
        };
        let mut text = String::new();
        let n = std::fs::File::open(path).ok()?.take(MAX_CREDENTIALS_FILE as u64 + 1).read_to_string(&mut text).ok()?;
        (n <= MAX_CREDENTIALS_FILE).then_some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_helper_and_reports_failure_without_stdout() {
        let env = SystemEnvironment;
        assert_eq!(env.run("printf '{\"ak\":\"a\"}'").unwrap(), "{\"ak\":\"a\"}");
        let big = env.run("yes 0123456789 | head -c 10000000").unwrap_err();
        assert!(big.contains("more than 64 KiB"), "{big}");
        let err = env.run("echo SECRETVALUE; echo boom >&2; exit 3").unwrap_err();
        assert!(err.contains("boom") && !err.contains("SECRETVALUE"), "{err}");
    }
}
