//! The one way offsetdeck reads a file it is given or keeps (profiles, plans, CSV, snapshots, the audit trail, the
//! command history, locks): a regular file, within a size cap, read whole or refused. A device (`/dev/zero`), a FIFO
//! or a gigabyte log given by mistake is an error naming the file at once, never a read that fills memory or blocks.

use std::io::Read;
use std::path::Path;

/// Whether a symlink at the path is followed: files offsetdeck also writes (history, locks) are not, so a link
/// planted in their place cannot redirect them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    Follow,
    Refuse,
}

/// Why a file was not read: the message names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{path} is {what}, not a regular file; give a file (write it to one first)")]
    NotRegular { path: String, what: &'static str },
    #[error("{path} is {size} bytes; at most {cap} MiB is read: is it the right file?")]
    TooLarge { path: String, size: u64, cap: u64 },
    #[error("{path} is not UTF-8 text (at byte {at})")]
    NotText { path: String, at: usize },
}

impl FileError {
    pub fn not_found(&self) -> bool {
        matches!(self, Self::Io { error, .. } if error.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Reads `path` as UTF-8 text of at most `cap` bytes.
pub fn read_text(path: &Path, cap: u64, links: Links) -> Result<String, FileError> {
    let bytes = read_bytes(path, cap, links)?;
    String::from_utf8(bytes).map_err(|e| FileError::NotText { path: shown(path), at: e.utf8_error().valid_up_to() })
}

/// Reads `path` whole, at most `cap` bytes.
pub fn read_bytes(path: &Path, cap: u64, links: Links) -> Result<Vec<u8>, FileError> {
    let io = |error| FileError::Io { path: shown(path), error };
    let mut f = open(path, links).map_err(io)?;
    let meta = f.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular { path: shown(path), what: kind_of(&meta) });
    }
    if meta.len() > cap {
        return Err(FileError::TooLarge { path: shown(path), size: meta.len(), cap: cap >> 20 });
    }
    // The size can grow after the check (a file still being written): the read is bounded too.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    (&mut f).take(cap + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(FileError::TooLarge { path: shown(path), size: bytes.len() as u64, cap: cap >> 20 });
    }
    Ok(bytes)
}

/// Opens for reading without blocking on a FIFO (the type check then refuses it) and, when asked, without following
/// a symlink.
fn open(path: &Path, links: Links) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut flags = libc::O_NONBLOCK;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    let f = std::fs::OpenOptions::new().read(true).custom_flags(flags).open(path);
    match f {
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) && links == Links::Refuse => Err(std::io::Error::other(
            "it is a symbolic link, which offsetdeck does not follow for a file it also writes; remove the link",
        )),
        other => other,
    }
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO (a pipe)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

fn shown(path: &Path) -> String {
    crate::core::inert::inert(&path.display().to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file_within_its_cap() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, "t,0,1\n").unwrap();
        assert_eq!(read_text(&p, 1 << 20, Links::Refuse).unwrap(), "t,0,1\n");
        let e = read_text(&p, 3, Links::Follow).unwrap_err().to_string();
        assert!(e.contains("a.csv is 6 bytes; at most 0 MiB"), "{e}");
    }

    #[test]
    fn devices_fifos_and_directories_are_refused_at_once() {
        let e = read_text(Path::new("/dev/zero"), 1 << 20, Links::Follow).unwrap_err().to_string();
        assert!(e.contains("/dev/zero is a device, not a regular file"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // No writer: a blocking open would hang here.
        let e = read_text(&fifo, 1 << 20, Links::Follow).unwrap_err().to_string();
        assert!(e.contains("is a FIFO (a pipe), not a regular file"), "{e}");
        assert!(read_text(dir.path(), 1 << 20, Links::Follow).unwrap_err().to_string().contains("a directory"));
    }

    #[test]
    fn a_link_is_followed_only_where_asked() {
        let dir = tempfile::tempdir().unwrap();
        let (real, link) = (dir.path().join("real"), dir.path().join("link"));
        std::fs::write(&real, "x").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(read_text(&link, 10, Links::Follow).unwrap(), "x");
        let e = read_text(&link, 10, Links::Refuse).unwrap_err().to_string();
        assert!(e.contains("symbolic link"), "{e}");
        let bin = dir.path().join("bin");
        std::fs::write(&bin, [0x66, 0xff]).unwrap();
        assert!(read_text(&bin, 10, Links::Follow).unwrap_err().to_string().contains("not UTF-8 text (at byte 1)"));
    }
}
