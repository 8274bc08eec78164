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

    /// Takes a slot in the window: `Ok(Ok(stamp))` when this call may go now, `Ok(Err(wait))` when the window is
    /// full. Give the stamp back to [`SharedWindows::settle`] when the answer arrives.
    pub fn admit(&self, op: &str, endpoint: &str, allowed: usize) -> std::io::Result<Result<u64, Duration>> {
        let f = self.open(op, endpoint)?;
        let _held = Exclusive::take(&f)?;
        let now = now_ms();
        let mut times = read_times(&f, now)?;
        // A call still on its way may reach the service at any moment: it counts as sent now, and the wait for its
        // slot is short (it frees a full window after its answer).
        let effective = |t: u64| if t & IN_FLIGHT != 0 { now } else { t };
        let mut sorted: Vec<u64> = times.iter().map(|t| effective(*t)).collect();
        sorted.sort_unstable();
        if sorted.len() >= allowed {
            let oldest = sorted[sorted.len() - allowed];
            // An unanswered call frees its slot a window after its answer, which may come any moment: look again soon.
            let wait = if oldest == now { 10 } else { WINDOW_MS - (now - oldest) };
            return Ok(Err(Duration::from_millis(wait.clamp(1, WINDOW_MS))));
        }
        times.push(now | IN_FLIGHT);
        write_times(&f, &times)?;
        Ok(Ok(now))
    }

    /// Moves a call's slot from when it was sent to when its answer arrived. The service counts a call when it
    /// arrives, which is no later than its answer: a call held up on its way (a loaded machine, a slow network)
    /// then cannot make a later one reach the service inside the same second.
    pub fn settle(&self, op: &str, endpoint: &str, stamp: u64) -> std::io::Result<()> {
        let f = self.open(op, endpoint)?;
        let _held = Exclusive::take(&f)?;
        let now = now_ms();
        let mut times = read_times(&f, now)?;
        if let Some(t) = times.iter_mut().find(|t| **t == stamp | IN_FLIGHT) {
            *t = now.max(stamp);
        }
        write_times(&f, &times)
    }

    fn open(&self, op: &str, endpoint: &str) -> std::io::Result<std::fs::File> {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(&self.dir)?;
        std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(self.file(op, endpoint))
    }
}

/// Marks a slot whose call has not been answered yet (times are milliseconds, far below this bit).
const IN_FLIGHT: u64 = 1 << 63;

/// A call unanswered this long is taken as lost (its process died) and its slot as free.
const IN_FLIGHT_MAX_MS: u64 = 60_000;

/// The window's slots still counted: answered within the last window, or unanswered and not yet given up on.
fn read_times(f: &std::fs::File, now: u64) -> std::io::Result<Vec<u64>> {
    let mut bytes = Vec::new();
    (&*f).rewind()?;
    (&*f).read_to_end(&mut bytes)?;
    let times: Vec<u64> = bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
        // A time in the future (a clock stepped back) counts as now, so a window can never stall.
        .map(|t| (t & IN_FLIGHT) | (t & !IN_FLIGHT).min(now))
        .filter(|t| {
            let at = t & !IN_FLIGHT;
            if t & IN_FLIGHT != 0 { now - at < IN_FLIGHT_MAX_MS } else { now - at < WINDOW_MS }
        })
        .collect();
    Ok(times)
}

fn write_times(f: &std::fs::File, times: &[u64]) -> std::io::Result<()> {
    f.set_len(0)?;
    (&*f).rewind()?;
    (&*f).write_all(&times.iter().flat_map(|t| t.to_le_bytes()).collect::<Vec<u8>>())
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
            assert!(a.admit("Op", "http://e", 5).unwrap().is_ok());
        }
        assert!(b.admit("Op", "http://e", 5).unwrap().is_ok());
        let last = b.admit("Op", "http://e", 5).unwrap().unwrap();
        assert!(a.admit("Op", "http://e", 5).unwrap().is_err(), "five in the last second, whoever sent them");
        assert!(a.admit("Other", "http://e", 5).unwrap().is_ok(), "each API has its own window");
        // An answer that comes late moves its slot to when it came: the window stays full for longer.
        std::thread::sleep(Duration::from_millis(20));
        b.settle("Op", "http://e", last).unwrap();
        let f = a.open("Op", "http://e").unwrap();
        let times = read_times(&f, now_ms()).unwrap();
        assert_eq!(times.len(), 5);
        assert_eq!(times.iter().filter(|t| **t & IN_FLIGHT != 0).count(), 4, "the others are still on their way");
        assert!(times.iter().any(|t| *t >= last + 20 && *t & IN_FLIGHT == 0), "{times:?} vs {last}");
    }
}
