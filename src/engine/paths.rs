//! Where offsetdeck keeps its data: the audit trail and, beside it, the snapshots, plan files, locks, shared pacing
//! windows, the dashboard's log and command history. One module owns the layout and the private directory rule;
//! the audit trail, jobs, locks, sessions, snapshots and the edges ask it, never each other.

use std::path::{Path, PathBuf};

/// The data directory of one profile, found from its `settings.audit_log` (the directory that holds it), else the
/// platform's data directory (`~/.local/share/offsetdeck` on Linux).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPaths {
    audit_log: PathBuf,
}

impl DataPaths {
    /// The paths for a configured audit log, or the platform's; `None` when there is no home directory to use.
    pub fn new(audit_log: Option<&str>) -> Option<Self> {
        let audit_log = match audit_log {
            Some(p) => PathBuf::from(p),
            None => directories::ProjectDirs::from("", "", "offsetdeck")?.data_dir().join("audit.jsonl"),
        };
        Some(Self { audit_log })
    }

    /// The paths of a profile.
    pub fn of(profile: &crate::core::profile::Profile) -> Option<Self> {
        Self::new(profile.settings.audit_log.as_deref())
    }

    /// The audit trail (JSON lines).
    pub fn audit_log(&self) -> &Path {
        &self.audit_log
    }

    /// The directory everything else lives in: the audit log's.
    pub fn dir(&self) -> &Path {
        self.audit_log.parent().unwrap_or(Path::new("."))
    }

    /// The snapshot taken before each write.
    pub fn snapshots(&self) -> PathBuf {
        self.dir().join("snapshots")
    }

    /// Plan files and exports the dashboard saves.
    pub fn plans(&self) -> PathBuf {
        self.dir().join("plans")
    }

    /// One lock file per group (or topic) being written.
    pub fn locks(&self) -> PathBuf {
        self.dir().join("locks")
    }

    /// The rate-limit windows shared by every process of the user.
    pub fn pacing(&self) -> PathBuf {
        self.dir().join("pacing")
    }

    /// The dashboard's `:` line history.
    pub fn command_history(&self) -> PathBuf {
        self.dir().join("command-history")
    }

    /// Each group's lag samples, one file a group.
    pub fn samples(&self) -> PathBuf {
        self.dir().join("samples")
    }

    /// The dashboard's log file.
    pub fn dashboard_log(&self) -> PathBuf {
        self.dir().join("dashboard.log")
    }
}

/// A file name for one group (or topic) of one real target: readable parts (id, name, cloud) cut to 60 characters,
/// and a hash of the exact identity, so names that clean alike, or one name behind two endpoints, stay apart.
pub fn keyed_name(target: &crate::core::target::RealTarget, what: &str) -> String {
    use sha2::Digest;
    let exact = format!(
        "{}\n{}\n{}\n{}\n{}\n{what}",
        target.kind,
        target.endpoint,
        target.region,
        target.project_id.as_deref().unwrap_or_default(),
        target.id
    );
    let hash = hex::encode(&sha2::Sha256::digest(exact.as_bytes())[..8]);
    let clean =
        |t: &str| t.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect::<String>();
    format!(
        "{}-{}-{}-{hash}",
        clean(&target.id).chars().take(60).collect::<String>(),
        clean(what).chars().take(60).collect::<String>(),
        target.kind
    )
}

/// Creates a directory of offsetdeck's data (the audit trail, snapshots, the log) readable by the user alone.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_lives_beside_the_configured_audit_log() {
        let p = DataPaths::new(Some("/srv/od/audit.jsonl")).unwrap();
        assert_eq!(p.audit_log(), Path::new("/srv/od/audit.jsonl"));
        assert_eq!(p.dir(), Path::new("/srv/od"));
        for (got, want) in [
            (p.snapshots(), "/srv/od/snapshots"),
            (p.plans(), "/srv/od/plans"),
            (p.locks(), "/srv/od/locks"),
            (p.pacing(), "/srv/od/pacing"),
            (p.command_history(), "/srv/od/command-history"),
            (p.dashboard_log(), "/srv/od/dashboard.log"),
            (p.samples(), "/srv/od/samples"),
        ] {
            assert_eq!(got, Path::new(want));
        }
        // A bare file name: the current directory.
        assert_eq!(DataPaths::new(Some("audit.jsonl")).unwrap().snapshots(), Path::new("snapshots"));
    }

    #[cfg(unix)]
    #[test]
    fn a_private_dir_is_the_users_alone() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        private_dir(&dir).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
    }
}
