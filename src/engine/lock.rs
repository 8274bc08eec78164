//! One writer per group: an advisory lock per (cloud, account, instance, group), held by a job from its last
//! pre-flight read to its closing record, across processes (a lock file next to the audit log). A second writer is
//! refused, told who holds it. The operating system releases the lock when its holder exits, however it exits.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::safety::Refusal;
use crate::core::target::RealTarget;

/// Who holds a lock, as written in its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub pid: u32,
    pub host: String,
    pub user: String,
    pub job: String,
    /// UTC, RFC 3339.
    pub since: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pid {} of {} on {}, job {}, since {}", self.pid, self.user, self.host, self.job, self.since)
    }
}

/// A held lock; dropping it releases it.
#[derive(Debug)]
pub struct Lock {
    _file: std::fs::File,
    pub path: PathBuf,
}

/// The lock file of one group (or, for a message delete, one topic) of one target.
/// Keyed by the real target, so two profiles naming one instance differently take the same lock.
pub fn path(dir: &Path, target: &RealTarget, what: &str) -> PathBuf {
    dir.join(format!("{}.lock", super::paths::keyed_name(target, what)))
}

/// Takes the lock, or says who holds it.
pub fn acquire(file: &Path, holder: &Holder, what: &str) -> Result<Lock, Refusal> {
    let unrecorded =
        |e: std::io::Error| Refusal::Unrecorded(format!("the lock {} cannot be taken ({e})", file.display()));
    if let Some(dir) = file.parent() {
        super::paths::private_dir(dir).map_err(unrecorded)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NOFOLLOW | libc::O_NONBLOCK);
    let mut f = opts.open(file).map_err(unrecorded)?;
    if !f.metadata().map_err(unrecorded)?.is_file() {
        return Err(unrecorded(std::io::Error::other("it is not a regular file")));
    }
    if !try_lock(&f).map_err(unrecorded)? {
        // A holder record is a few hundred bytes.
        let mut text = String::new();
        let _ = (&mut f).take(4096).read_to_string(&mut text);
        let who =
            serde_json::from_str::<Holder>(&text).map_or_else(|_| "another offsetdeck".to_owned(), |h| h.to_string());
        return Err(Refusal::Busy(format!("{what} is being written by {who}; wait for that job to finish")));
    }
    let written = (|| {
        f.set_len(0)?;
        f.rewind()?;
        f.write_all(&serde_json::to_vec(holder).map_err(std::io::Error::other)?)
    })();
    written.map_err(unrecorded)?;
    Ok(Lock { _file: f, path: file.to_owned() })
}

/// Takes the file's exclusive lock without waiting: `false` when another holder has it. `File::try_lock` is
/// `flock` on Unix and `LockFileEx` on Windows, released by the system when the holder exits.
fn try_lock(f: &std::fs::File) -> std::io::Result<bool> {
    match f.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::target::TargetKind;

    #[test]
    fn a_second_writer_is_told_who_holds_the_lock_until_it_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let key = RealTarget::new(TargetKind::Huawei, "https://e", "r", Some("p"), "i/x");
        let file = path(dir.path(), &key, "g");
        let holder = Holder { pid: 42, host: "h".into(), user: "u".into(), job: "j1".into(), since: "t".into() };
        let first = acquire(&file, &holder, "group `g`").unwrap();
        let e = acquire(&file, &Holder { job: "j2".into(), ..holder.clone() }, "group `g`").unwrap_err();
        assert!(matches!(&e, Refusal::Busy(m) if m.contains("pid 42 of u on h, job j1")), "{e}");
        drop(first);
        assert!(acquire(&file, &holder, "group `g`").is_ok(), "released on drop");
        assert_ne!(path(dir.path(), &key, "g"), path(dir.path(), &key, "g/"), "names that clean alike stay apart");
        let elsewhere = RealTarget::new(TargetKind::Huawei, "https://other", "r", Some("p"), "i/x");
        assert_ne!(path(dir.path(), &key, "g"), path(dir.path(), &elsewhere, "g"), "another endpoint, another lock");
    }
}
