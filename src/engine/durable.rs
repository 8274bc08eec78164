//! A file written so that a crash or a full disk leaves either the whole new file or none: to a temporary file
//! beside it (owner-only, a unique name per write), fsynced, renamed into place, and the directory fsynced. Two
//! writers of one path each write their own temporary file, so the one that lands is always one whole version.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` durably and privately; on failure nothing half-written is left behind.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    // `.NAME.XXXXXX.tmp` in the same directory (a rename does not cross file systems), created 0600 and removed
    // again when dropped before it is persisted.
    let mut tmp = tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_writers_of_one_path_always_leave_one_whole_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        let versions = [vec![b'a'; 64 << 10], vec![b'b'; 32 << 10]];
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            let writers: Vec<_> = versions
                .iter()
                .map(|v| {
                    let path = &path;
                    s.spawn(move || {
                        for _ in 0..150 {
                            write(path, v).unwrap();
                        }
                    })
                })
                .collect();
            let reader = s.spawn(|| {
                let mut seen = 0;
                while !done.load(std::sync::atomic::Ordering::SeqCst) {
                    match std::fs::read(&path) {
                        Ok(got) => {
                            assert!(versions.contains(&got), "a torn file of {} bytes", got.len());
                            seen += 1;
                        }
                        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::NotFound),
                    }
                }
                seen
            });
            for w in writers {
                w.join().unwrap();
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            assert!(reader.join().unwrap() > 0, "the reader saw the file");
        });
        assert!(versions.contains(&std::fs::read(&path).unwrap()));
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, [std::ffi::OsString::from("plan.json")], "no temporary file is left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600, "owner-only");
        }
    }

    #[test]
    fn a_write_that_fails_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a directory: the rename fails, and the temporary file goes with the error.
        let path = dir.path().join("taken");
        std::fs::create_dir(path.join("x").parent().unwrap()).unwrap();
        std::fs::write(path.join("x"), "keep").unwrap();
        assert!(write(&path, b"new").is_err());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, [std::ffi::OsString::from("taken")]);
    }
}
