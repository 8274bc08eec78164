//! A rate-limit window shared by every offsetdeck process of one user on one machine: a small file per API and
//! endpoint holding the send times of the last second, read and written under an exclusive lock. Two processes
//! then send at the limit together, not at twice it.

use std::io::{Read, Seek, Write};
use std::path::PathBuf;
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

/// How long a call must wait for its slot, given the ages of the calls in the window (any order) and how many the
/// window allows; zero means it may go now. The first half of a window's quota may go at once, so a one-off job's
/// few calls never wait; past that, no tenth of the window holds more than a tenth of the quota, so a long batch
/// arrives as a steady stream at the limit rather than a second's quota at the top of every second (which a
/// service counting in shorter slices than it publishes would throttle). A sliding count, not a spacing from the
/// last call: a timer's lateness on one call is not carried into the next.
pub fn slot_wait(ages: &mut [Duration], allowed: usize, window: Duration) -> Duration {
    let allowed = allowed.max(1);
    ages.sort_unstable();
    if ages.len() >= allowed {
        // The allowed-th youngest call must leave the window first.
        return window.saturating_sub(ages[allowed - 1]);
    }
    if ages.len() < (allowed / 2).max(1) {
        return Duration::ZERO;
    }
    let slice = window / 10;
    let per_slice = allowed.div_ceil(10);
    match ages.get(per_slice - 1) {
        Some(a) if *a < slice => slice - *a,
        _ => Duration::ZERO,
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

impl SharedWindows {
    fn file(&self, op: &str, endpoint: &str) -> PathBuf {
        let hash = hex::encode(&sha2::Sha256::digest(format!("{op}\n{endpoint}").as_bytes())[..8]);
        self.dir.join(format!("{op}-{hash}.window"))
    }

    fn rate_file(&self, op: &str, endpoint: &str) -> PathBuf {
        self.file(op, endpoint).with_extension("rate")
    }

    /// The rate last learned for this API and endpoint by any process, when it was learned within the last day:
    /// where the next process starts, rather than at the cautious default again.
    pub fn remembered(&self, op: &str, endpoint: &str) -> Option<u32> {
        let path = self.rate_file(op, endpoint);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        let fresh = meta.modified().ok()?.elapsed().is_ok_and(|age| age < Duration::from_secs(24 * 3600));
        if !meta.is_file() || meta.len() > 16 || !fresh {
            return None;
        }
        std::fs::read_to_string(&path).ok()?.trim().parse().ok().filter(|r| *r > 0)
    }

    /// Remembers a learned rate (written whole, then renamed, so a reader never sees half a number).
    pub fn remember(&self, op: &str, endpoint: &str, rate: u32) -> std::io::Result<()> {
        let path = self.rate_file(op, endpoint);
        let tmp = path.with_extension(format!("rate.{}", std::process::id()));
        std::fs::write(&tmp, rate.to_string())?;
        std::fs::rename(&tmp, &path)
    }

    /// Takes a slot in the window: `Ok(Ok(stamp))` when this call may go now, `Ok(Err(wait))` when the window is
    /// full. Give the stamp back to [`SharedWindows::settle`] when the answer arrives.
    pub fn admit(&self, op: &str, endpoint: &str, allowed: usize) -> std::io::Result<Result<u64, Duration>> {
        let f = self.open(op, endpoint)?;
        let _held = Exclusive::take(&f)?;
        let now = now_ms();
        let slots = read_slots(&f)?;
        let live: Vec<u64> = slots.iter().map(|t| live_stamp(*t, now)).collect();
        // A call still on its way may reach the service at any moment: it counts as sent now, and the wait for its
        // slot is short (it frees a full window after its answer).
        let stamps: Vec<u64> =
            live.iter().filter(|t| **t != FREE).map(|t| if t & IN_FLIGHT != 0 { now } else { *t }).collect();
        let mut ages: Vec<Duration> = stamps.iter().map(|t| Duration::from_millis(now - t.min(&now))).collect();
        let wait = slot_wait(&mut ages, allowed, Duration::from_millis(WINDOW_MS));
        if !wait.is_zero() {
            // An unanswered call frees its slot a window after its answer, which may come any moment: look again
            // soon rather than a whole window from now.
            let full_wait = wait >= Duration::from_millis(WINDOW_MS);
            let wait = if full_wait { Duration::from_millis(10) } else { wait };
            return Ok(Err(wait.clamp(Duration::from_millis(1), Duration::from_millis(WINDOW_MS))));
        }
        // In place: the first free slot (or a new one at the end) takes this call's 8 bytes; nothing else is
        // rewritten.
        let at = live.iter().position(|t| *t == FREE).unwrap_or(live.len());
        if at >= MAX_SLOTS {
            return Err(std::io::Error::other("the pacing window has no free slot"));
        }
        write_slot(&f, at, now | IN_FLIGHT)?;
        Ok(Ok(now))
    }

    /// Moves a call's slot from when it was sent to when its answer arrived. The service counts a call when it
    /// arrives, which is no later than its answer: a call held up on its way (a loaded machine, a slow network)
    /// then cannot make a later one reach the service inside the same second.
    pub fn settle(&self, op: &str, endpoint: &str, stamp: u64) -> std::io::Result<()> {
        let f = self.open(op, endpoint)?;
        let _held = Exclusive::take(&f)?;
        let now = now_ms();
        let slots = read_slots(&f)?;
        match slots.iter().position(|t| *t == stamp | IN_FLIGHT) {
            Some(at) => write_slot(&f, at, now.max(stamp)),
            None => Ok(()),
        }
    }

    /// The window's file: created owner-only, never through a symlink, and only ever a regular file (a FIFO or a
    /// device there would stall or flood the read).
    fn open(&self, op: &str, endpoint: &str) -> std::io::Result<std::fs::File> {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(&self.dir)?;
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        }
        let f = opts.open(self.file(op, endpoint))?;
        if !f.metadata()?.is_file() {
            return Err(std::io::Error::other("the pacing window is not a regular file"));
        }
        Ok(f)
    }
}

/// Marks a slot whose call has not been answered yet (times are milliseconds, far below this bit).
const IN_FLIGHT: u64 = 1 << 63;

/// A slot no call holds.
const FREE: u64 = 0;

/// The most slots a window file holds (8 bytes each): more than any limit a call is paced at.
const MAX_SLOTS: usize = 2048;

/// A call unanswered this long is taken as lost (its process died) and its slot as free.
const IN_FLIGHT_MAX_MS: u64 = 60_000;

/// How far ahead of this clock a stamp may be and still count (another process's clock read a moment later).
const FUTURE_SLACK_MS: u64 = 2_000;

/// A slot as it counts now: its stamp, or [`FREE`] when it no longer counts (answered over a window ago, in flight
/// past the limit, or stamped in the future: a clock stepped back, or garbage, must never stall every process).
fn live_stamp(t: u64, now: u64) -> u64 {
    let at = t & !IN_FLIGHT;
    if t == FREE || at > now + FUTURE_SLACK_MS {
        return FREE;
    }
    let age = now.saturating_sub(at);
    let counts = if t & IN_FLIGHT != 0 { age < IN_FLIGHT_MAX_MS } else { age < WINDOW_MS };
    if counts { (t & IN_FLIGHT) | at.min(now) } else { FREE }
}

/// Every slot of the file, at most [`MAX_SLOTS`] of them whatever its size.
fn read_slots(f: &std::fs::File) -> std::io::Result<Vec<u64>> {
    let mut bytes = Vec::new();
    (&*f).rewind()?;
    f.take((MAX_SLOTS * 8) as u64).read_to_end(&mut bytes)?;
    Ok(bytes.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default())).collect())
}

fn write_slot(f: &std::fs::File, at: usize, value: u64) -> std::io::Result<()> {
    (&*f).seek(std::io::SeekFrom::Start((at * 8) as u64))?;
    (&*f).write_all(&value.to_le_bytes())
}

/// An exclusive lock on an open file, held until dropped.
struct Exclusive<'a>(&'a std::fs::File);

impl<'a> Exclusive<'a> {
    /// Waits for the file's exclusive lock (`flock` on Unix, `LockFileEx` on Windows).
    fn take(f: &'a std::fs::File) -> std::io::Result<Self> {
        f.lock()?;
        Ok(Self(f))
    }
}

impl Drop for Exclusive<'_> {
    fn drop(&mut self) {
        // Closing the file would release it as well; unlocking here ends the critical section where it is written.
        let _ = self.0.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: &[u64]) -> Vec<Duration> {
        v.iter().map(|m| Duration::from_millis(*m)).collect()
    }

    #[test]
    fn half_a_quota_goes_at_once_and_the_rest_is_spread_over_the_window() {
        let w = Duration::from_secs(1);
        assert_eq!(slot_wait(&mut ms(&[]), 100, w), Duration::ZERO);
        assert_eq!(slot_wait(&mut ms(&[0; 49]), 100, w), Duration::ZERO, "49 of 100 at once");
        assert_eq!(slot_wait(&mut ms(&[0; 50]), 100, w), Duration::from_millis(100), "then 10 per 100 ms");
        let mut aged = ms(&[500; 60]);
        aged[..9].copy_from_slice(&ms(&[30; 9]));
        assert_eq!(slot_wait(&mut aged, 100, w), Duration::ZERO, "9 in the last 100 ms: one more may go");
        aged[20] = Duration::from_millis(60);
        assert_eq!(slot_wait(&mut aged, 100, w), Duration::from_millis(40), "the 10th youngest must be 100 ms old");
    }

    #[test]
    fn a_full_window_waits_for_its_allowed_th_youngest_call_to_leave() {
        let w = Duration::from_secs(1);
        let mut full = ms(&[900, 100, 700, 300, 500]);
        assert_eq!(slot_wait(&mut full, 5, w), Duration::from_millis(100), "the oldest of five leaves at 1 s");
        assert_eq!(slot_wait(&mut ms(&[0]), 1, w), w, "one a second: a whole window");
        assert_eq!(slot_wait(&mut ms(&[]), 1, w), Duration::ZERO, "the first call of a 1/s API goes at once");
        assert_eq!(slot_wait(&mut ms(&[400, 40]), 5, w), Duration::from_millis(60), "5/s: 2 at once, then 1 a tenth");
    }
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_learned_rate_is_remembered_for_the_next_process_and_garbage_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let w = SharedWindows { dir: dir.path().into() };
        assert_eq!(w.remembered("Op", "http://e"), None);
        w.remember("Op", "http://e", 37).unwrap();
        assert_eq!(SharedWindows { dir: dir.path().into() }.remembered("Op", "http://e"), Some(37));
        assert_eq!(w.remembered("Op", "http://other"), None, "per endpoint");
        std::fs::write(w.rate_file("Op", "http://e"), "lots").unwrap();
        assert_eq!(w.remembered("Op", "http://e"), None);
        std::fs::write(w.rate_file("Op", "http://e"), "9".repeat(100)).unwrap();
        assert_eq!(w.remembered("Op", "http://e"), None, "not a rate file");
    }

    #[test]
    fn two_users_of_one_window_share_its_slots() {
        let dir = tempfile::tempdir().unwrap();
        let a = SharedWindows { dir: dir.path().into() };
        let b = a.clone();
        for _ in 0..3 {
            assert!(a.admit("Op", "http://e", 10).unwrap().is_ok());
        }
        assert!(b.admit("Op", "http://e", 10).unwrap().is_ok());
        let last = b.admit("Op", "http://e", 10).unwrap().unwrap();
        assert!(
            a.admit("Op", "http://e", 10).unwrap().is_err(),
            "the window's burst (half of 10) is taken, whoever sent it"
        );
        assert!(a.admit("Other", "http://e", 10).unwrap().is_ok(), "each API has its own window");
        // An answer that comes late moves its slot to when it came: the window stays full for longer.
        std::thread::sleep(Duration::from_millis(20));
        b.settle("Op", "http://e", last).unwrap();
        let f = a.open("Op", "http://e").unwrap();
        let now = now_ms();
        let times: Vec<u64> =
            read_slots(&f).unwrap().into_iter().map(|t| live_stamp(t, now)).filter(|t| *t != FREE).collect();
        assert_eq!(times.len(), 5);
        assert_eq!(times.iter().filter(|t| **t & IN_FLIGHT != 0).count(), 4, "the others are still on their way");
        assert!(times.iter().any(|t| *t >= last + 20 && *t & IN_FLIGHT == 0), "{times:?} vs {last}");
    }

    #[test]
    fn callers_racing_for_one_window_never_take_more_than_its_burst() {
        let dir = tempfile::tempdir().unwrap();
        let w = SharedWindows { dir: dir.path().into() };
        for round in 0..10 {
            let op = format!("Op{round}");
            let start = std::sync::Barrier::new(16);
            let admitted: usize = std::thread::scope(|s| {
                let calls: Vec<_> = (0..16)
                    .map(|_| {
                        let (w, op, start) = (w.clone(), &op, &start);
                        s.spawn(move || {
                            start.wait();
                            usize::from(w.admit(op, "http://e", 20).unwrap().is_ok())
                        })
                    })
                    .collect();
                calls.into_iter().map(|c| c.join().unwrap()).sum()
            });
            // Each admission reads and writes the window under the file's lock: exactly half of 20 go at once.
            assert_eq!(admitted, 10, "round {round}");
            let f = w.open(&op, "http://e").unwrap();
            let taken = read_slots(&f).unwrap().into_iter().filter(|t| *t & IN_FLIGHT != 0).count();
            assert_eq!(taken, 10, "round {round}: one slot per admitted call, none overwritten");
        }
    }

    #[test]
    fn stamps_from_the_future_or_garbage_never_stall_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let w = SharedWindows { dir: dir.path().into() };
        assert!(w.admit("Op", "http://e", 5).unwrap().is_ok());
        let path = w.file("Op", "http://e");
        let future = (now_ms() + 3_600_000).to_le_bytes();
        let garbage = [0xffu8; 8];
        let mut bytes = Vec::new();
        for _ in 0..100 {
            bytes.extend_from_slice(&future);
            bytes.extend_from_slice(&garbage);
        }
        std::fs::write(&path, &bytes).unwrap();
        assert!(w.admit("Op", "http://e", 5).unwrap().is_ok(), "future and garbage stamps do not count");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), bytes.len() as u64, "written in place, not rewritten");
    }

    #[test]
    fn a_call_takes_one_slot_in_place_and_a_big_file_is_read_only_up_to_its_bound() {
        let dir = tempfile::tempdir().unwrap();
        let w = SharedWindows { dir: dir.path().into() };
        for _ in 0..3 {
            let stamp = w.admit("Op", "http://e", 10).unwrap().unwrap();
            w.settle("Op", "http://e", stamp).unwrap();
        }
        let path = w.file("Op", "http://e");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 24, "three calls, three 8-byte slots");
        std::fs::write(&path, vec![0u8; 64 << 20]).unwrap();
        assert!(w.admit("Op", "http://e", 10).unwrap().is_ok(), "a 64 MiB file of free slots is read to its bound");
        #[cfg(unix)]
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_or_a_fifo_is_refused_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let w = SharedWindows { dir: dir.path().into() };
        std::os::unix::fs::symlink("/dev/zero", w.file("Op", "http://e")).unwrap();
        assert!(w.admit("Op", "http://e", 5).is_err(), "a symlink to /dev/zero is not followed");
        let fifo = w.file("Fifo", "http://e");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo on a NUL-terminated path we own.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(w.admit("Fifo", "http://e", 5).is_err(), "a FIFO is refused at once, never read");
    }
}
