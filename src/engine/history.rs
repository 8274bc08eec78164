//! Every group read kept as a lag sample, in the data directory (`samples/`, one file a group of a real target), so
//! rates, trends and the status survive a restart and are the same for the dashboard and the command line.
//!
//! A read appends one line and syncs it; a file past its bound, or with samples past the horizon, is rewritten
//! thinned ([`codec::thin`]) through [`super::durable::write`], so a crash leaves the old file or the new one. One
//! lock file serializes the processes writing samples (a line is written relative to the one before it).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::core::lag::codec::{self, Keep};
use crate::core::lag::{Figures, Rules, Sample, figures};
use crate::core::target::RealTarget;

/// The samples of every group, on disk.
#[derive(Debug, Clone)]
pub struct SampleStore {
    dir: PathBuf,
    keep: Keep,
}

impl SampleStore {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir, keep: Keep::default() }
    }

    pub fn with_keep(mut self, keep: Keep) -> Self {
        self.keep = keep;
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The store of the profile's data directory.
    pub fn of(paths: &super::paths::DataPaths) -> Self {
        Self::new(paths.samples())
    }

    fn file(&self, target: &RealTarget, group: &str) -> PathBuf {
        self.dir.join(format!("{}.samples", super::paths::keyed_name(target, group)))
    }

    /// The group's samples, oldest first (none when it has no file yet).
    pub fn series(&self, target: &RealTarget, group: &str) -> std::io::Result<Vec<Sample>> {
        Ok(read_series(&self.file(target, group), group)?.0)
    }

    /// Keeps `sample` (as [`codec::kept`] keeps it) and gives the series it ends. A sample older than the newest
    /// kept (a clock set back) is not kept: the series is given as it was.
    pub fn record(&self, target: &RealTarget, group: &str, sample: &Sample) -> std::io::Result<Vec<Sample>> {
        let _lock = self.lock()?;
        let path = self.file(target, group);
        let (mut series, whole, size) = read_series(&path, group)?;
        if series.last().is_some_and(|last| last.at_ms > sample.at_ms) {
            return Ok(series);
        }
        let sample = codec::kept(sample);
        let line = codec::line(&sample, series.last());
        let horizon = sample.at_ms.saturating_sub(crate::core::lag::millis(self.keep.horizon));
        series.push(sample);
        // A file that did not read whole (new, torn by a crash, not ours) is written anew, never appended to.
        if !whole || size + line.len() > self.keep.max_bytes || series[0].at_ms < horizon {
            series = self.write_whole(&path, group, series)?;
        } else {
            let mut f = std::fs::OpenOptions::new().append(true).open(&path)?;
            f.write_all(line.as_bytes())?;
            f.sync_data()?;
        }
        Ok(series)
    }

    /// Adds samples known from elsewhere (a cloud's monitoring history) to the group's, in time order (a time the
    /// group already has keeps its own sample), thinned and written whole.
    pub fn merge(&self, target: &RealTarget, group: &str, known: Vec<Sample>) -> std::io::Result<Vec<Sample>> {
        let _lock = self.lock()?;
        let path = self.file(target, group);
        let (mut series, _, _) = read_series(&path, group)?;
        series.extend(known.iter().map(codec::kept));
        // Stable: of two samples at one time, the group's own (first) stays.
        series.sort_by_key(|s| s.at_ms);
        series.dedup_by_key(|s| s.at_ms);
        self.write_whole(&path, group, series)
    }

    /// The store's one lock, held while a file is read and written (a line is written relative to the one before
    /// it, so two writers must not interleave); released when dropped, or by the system when its holder exits.
    fn lock(&self) -> std::io::Result<std::fs::File> {
        super::paths::private_dir(&self.dir)?;
        let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(self.dir.join(".lock"))?;
        lock.lock()?;
        Ok(lock)
    }

    /// The series thinned to the file's bound (its header counts) and written whole, durably.
    fn write_whole(&self, path: &Path, group: &str, series: Vec<Sample>) -> std::io::Result<Vec<Sample>> {
        let lines = self.keep.max_bytes.saturating_sub(codec::header(group).len());
        let series = codec::thin(series, &Keep { max_bytes: lines, ..self.keep });
        super::durable::write(path, codec::file(group, &series).as_bytes())?;
        Ok(series)
    }

    /// [`record`](Self::record), then the figures of the series under `rules`.
    pub fn record_figures(
        &self,
        target: &RealTarget,
        group: &str,
        sample: &Sample,
        rules: &Rules,
    ) -> std::io::Result<Option<Figures>> {
        Ok(figures(&self.record(target, group, sample)?, rules))
    }
}

/// Keeps a live read of `api_group` as its newest sample (taken now) and gives the group's figures: the step
/// `describe` and the dashboard's reads go through, so both keep and show the same history.
pub fn keep_read(
    store: &SampleStore,
    target: &RealTarget,
    api_group: &str,
    snap: &crate::core::live::GroupSnapshot,
    rules: &Rules,
) -> std::io::Result<Option<Figures>> {
    store.record_figures(target, api_group, &sample_of(snap, Some(snap.members.len())), rules)
}

/// A read as a sample taken now, summed per topic when huge. `members` as the read counted them: a detail read
/// always does (`Some(snap.members.len())`); a listing or the lag sweep says what its listing said, or `None`.
pub fn sample_of(snap: &crate::core::live::GroupSnapshot, members: Option<usize>) -> Sample {
    codec::kept(&Sample::of(snap, jiff::Timestamp::now().as_millisecond(), members))
}

/// The file's samples, whether it read whole, and its size.
fn read_series(path: &Path, group: &str) -> std::io::Result<(Vec<Sample>, bool, usize)> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let (series, whole) = codec::read_whole(&text, group);
            Ok((series, whole, text.len()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Vec::new(), false, 0)),
        // Not text: not a file of ours; it is written anew.
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Ok((Vec::new(), false, 0)),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lag::{GroupState, PartitionSample};
    use crate::core::target::TargetKind;

    fn sample(at_s: i64, committed: i64, end: i64) -> Sample {
        let p = PartitionSample {
            topic: "t".into(),
            partition: 0,
            committed: Some(committed),
            start: Some(0),
            end: Some(end),
        };
        Sample::new(at_s * 1000, Some(1), GroupState::Active, vec![p])
    }

    fn target(endpoint: &str) -> RealTarget {
        RealTarget::new(TargetKind::Ckafka, endpoint, "ap-guangzhou", None, "ckafka-1")
    }

    #[test]
    fn samples_survive_a_restart_and_stay_apart_by_real_target() {
        let dir = tempfile::tempdir().unwrap();
        let store = SampleStore::new(dir.path().join("samples"));
        for i in 0..5 {
            store.record(&target("https://a"), "g", &sample(i * 30, 100, 100 + i * 10)).unwrap();
        }
        let again = SampleStore::new(dir.path().join("samples"));
        let series = again.series(&target("https://a"), "g").unwrap();
        assert_eq!(series.len(), 5);
        assert_eq!(series[4], sample(120, 100, 140));
        assert!(again.series(&target("https://b"), "g").unwrap().is_empty(), "another endpoint, another group");
        assert!(again.series(&target("https://a"), "g2").unwrap().is_empty());
        let old = again.record(&target("https://a"), "g", &sample(10, 1, 1)).unwrap();
        assert_eq!(old.len(), 5, "a sample from before the newest is not kept");
    }

    #[test]
    fn a_file_stays_within_its_bound_over_a_simulated_day() {
        let dir = tempfile::tempdir().unwrap();
        let keep = Keep { max_bytes: 4 << 10, ..Keep::default() };
        let store = SampleStore::new(dir.path().to_owned()).with_keep(keep);
        let t = target("https://a");
        // A day at one read a minute.
        for i in 0..1440 {
            store.record(&t, "g", &sample(i * 60, 1_000 * i, 1_000 * i + 7 * i)).unwrap();
        }
        let file = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .find(|e| e.path().extension().is_some_and(|x| x == "samples"))
            .unwrap();
        let len = file.metadata().unwrap().len() as usize;
        assert!(len <= 4 << 10, "{len} bytes");
        let series = store.series(&t, "g").unwrap();
        assert_eq!(series.last().unwrap().at_ms, 1439 * 60 * 1000, "the newest is kept");
        assert!(series.len() > 20, "the dense stretch at least: {}", series.len());
    }

    #[test]
    fn known_history_merges_in_time_order_and_the_groups_own_reads_win() {
        let dir = tempfile::tempdir().unwrap();
        let store = SampleStore::new(dir.path().to_owned());
        let t = target("https://a");
        store.record(&t, "g", &sample(600, 50, 60)).unwrap();
        let history = vec![sample(0, 10, 20), sample(300, 30, 40), sample(600, 1, 1)];
        let series = store.merge(&t, "g", history).unwrap();
        assert_eq!(series.iter().map(|s| s.at_ms / 1000).collect::<Vec<_>>(), [0, 300, 600]);
        assert_eq!(series[2], sample(600, 50, 60), "the group's own read at that time stays");
        assert_eq!(store.series(&t, "g").unwrap(), series);
    }

    /// Lines are written as changes from the line before: two processes writing one group at once must never
    /// interleave, or every later sample would decode wrong. Each sample's committed offset is its time, so a
    /// sample decoded from the wrong line before it is caught.
    #[test]
    fn two_writers_of_one_group_never_corrupt_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let clock = std::sync::atomic::AtomicI64::new(0);
        std::thread::scope(|s| {
            for _ in 0..2 {
                let (dir, clock) = (dir.path().to_owned(), &clock);
                s.spawn(move || {
                    let store = SampleStore::new(dir);
                    for _ in 0..150 {
                        let at = clock.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        store.record(&target("https://a"), "g", &sample(at, at, at + 7)).unwrap();
                    }
                });
            }
        });
        let store = SampleStore::new(dir.path().to_owned());
        let text = std::fs::read_to_string(store.file(&target("https://a"), "g")).unwrap();
        let (series, whole) = codec::read_whole(&text, "g");
        assert!(whole, "the file reads to its end");
        assert!(series.len() > 100, "{}", series.len());
        for s in &series {
            let p = &s.partitions[0];
            assert_eq!((p.committed, p.end), (Some(s.at_ms / 1000), Some(s.at_ms / 1000 + 7)), "{s:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_store_that_cannot_be_written_is_an_error_not_a_panic_or_a_half_file() {
        let dir = tempfile::tempdir().unwrap();
        // The store's directory is a file: nothing can be created in it.
        let blocked = dir.path().join("samples");
        std::fs::write(&blocked, b"not a directory").unwrap();
        let store = SampleStore::new(blocked.clone());
        assert!(store.record(&target("https://a"), "g", &sample(0, 1, 2)).is_err());
        assert!(store.merge(&target("https://a"), "g", vec![sample(0, 1, 2)]).is_err());
        assert_eq!(std::fs::read(&blocked).unwrap(), b"not a directory", "left as it was");
    }

    #[test]
    fn a_torn_append_loses_only_the_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let store = SampleStore::new(dir.path().to_owned());
        let t = target("https://a");
        for i in 0..3 {
            store.record(&t, "g", &sample(i * 30, 5, 9)).unwrap();
        }
        let path = store.file(&t, "g");
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"90000 1 A t 0:+").unwrap();
        drop(f);
        assert_eq!(store.series(&t, "g").unwrap().len(), 3);
        let series = store.record(&t, "g", &sample(120, 6, 9)).unwrap();
        assert_eq!(series.len(), 4);
        assert_eq!(store.series(&t, "g").unwrap().len(), 4, "the next write rewrites a file that did not read whole");
    }
}
