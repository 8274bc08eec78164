//! A rate-limit window shared by every offsetdeck process of one user on one machine: a small file per API and
//! endpoint holding the send times of the last second, read and written under an exclusive lock. Two processes
//! then send at the limit together, not at twice it.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::Digest;

/// The shared windows' directory.
#[derive(Debug, Clone)]
pub struct SharedWindows {
    pub dir: PathBuf,
}

/// The window is a little longer than the second the services count in: calls released together when it frees
/// reach the service spread by the network's jitter, and the earlier ones must have left its window by then.
const WINDOW_MS: u64 = 1030;

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

impl SharedWindows {
    fn file(&self, op: &str, endpoint: &str) -> PathBuf {
        let hash = hex::encode(&sha2::Sha256::digest(format!("{op}\n{endpoint}").as_bytes())[..8]);
        self.dir.join(format!("{op}-{hash}.window"))
    }

    /// Takes a slot in the window: `Ok(None)` when this call may go now, `Ok(Some(wait))` when the window is full.
    pub fn admit(&self, op: &str, endpoint: &str, allowed: usize) -> std::io::Result<Option<Duration>> {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(&self.dir)?;
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(self.file(op, endpoint))?;
        let _held = Exclusive::take(&f)?;
        let mut bytes = Vec::new();
        (&f).read_to_end(&mut bytes)?;
        let now = now_ms();
        let mut times: Vec<u64> = bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
            // A time in the future (a clock stepped back) counts as now, so a window can never stall.
            .map(|t| t.min(now))
            .filter(|t| now - t < WINDOW_MS)
            .collect();
        times.sort_unstable();
        if times.len() >= allowed {
            let wait = WINDOW_MS - (now - times[times.len() - allowed]);
            return Ok(Some(Duration::from_millis(wait.clamp(1, WINDOW_MS))));
        }
        times.push(now);
        f.set_len(0)?;
        (&f).rewind()?;
        (&f).write_all(&times.iter().flat_map(|t| t.to_le_bytes()).collect::<Vec<u8>>())?;
        Ok(None)
    }
}

/// An exclusive lock on an open file, held until dropped.
struct Exclusive<'a>(&'a std::fs::File);

impl<'a> Exclusive<'a> {
    fn take(f: &'a std::fs::File) -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: flock on a descriptor borrowed for the lock's lifetime.
            if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(Self(f))
    }
}

impl Drop for Exclusive<'_> {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: as above; unlocking a descriptor we locked.
            unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
        }
    }
}

/// Where a profile's shared windows live: next to its audit trail.
pub fn dir_next_to(audit_log: &Path) -> PathBuf {
    audit_log.parent().unwrap_or(Path::new(".")).join("pacing")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_users_of_one_window_share_its_slots() {
        let dir = tempfile::tempdir().unwrap();
        let a = SharedWindows { dir: dir.path().into() };
        let b = a.clone();
        for _ in 0..3 {
            assert_eq!(a.admit("Op", "http://e", 5).unwrap(), None);
        }
        assert_eq!(b.admit("Op", "http://e", 5).unwrap(), None);
        assert_eq!(b.admit("Op", "http://e", 5).unwrap(), None);
        assert!(a.admit("Op", "http://e", 5).unwrap().is_some(), "five in the last second, whoever sent them");
        assert_eq!(a.admit("Other", "http://e", 5).unwrap(), None, "each API has its own window");
    }
}
