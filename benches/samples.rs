//! The lag sample store at scale: its size after a simulated day and what a read costs to keep.
//!
//! - one group of 10 partitions read every 30 s for a day (2,880 reads): the file's size at the end, and the mean
//!   cost of keeping one read (read the file, append one synced line, or rewrite it thinned);
//! - a refresh of 10,000 such groups (one read each, into a store that already holds their day): the time, and the
//!   store's size on disk, which is the most a day of 10,000 groups can hold.
//!
//! Run: `cargo bench --bench samples`. Figures go to BENCHMARKS.md. The store is written in a temporary directory on
//! the file system `TMPDIR` names (the cost of each sync depends on it).

use std::time::Instant;

use offsetdeck::core::lag::{GroupState, PartitionSample, Sample};
use offsetdeck::core::target::{RealTarget, TargetKind};
use offsetdeck::engine::history::SampleStore;

fn sample(at_s: i64, i: i64) -> Sample {
    let partitions = (0..10)
        .map(|p| PartitionSample {
            topic: "orders.events-v2".into(),
            partition: p,
            committed: Some(1_000_000_000 + 37 * i + p as i64),
            start: Some(900_000_000 + i),
            end: Some(1_000_000_000 + 41 * i + 2 * p as i64),
        })
        .collect();
    Sample::new(at_s * 1000, Some(3), GroupState::Active, partitions)
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir).unwrap().flatten().map(|e| e.metadata().unwrap().len()).sum()
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let store = SampleStore::new(tmp.path().join("one"));
    let target = RealTarget::new(TargetKind::Huawei, "https://dms.example", "cn-north-4", Some("p"), "inst-1");
    let t = Instant::now();
    for i in 0..2880 {
        store.record(&target, "billing-consumer", &sample(i * 30, i)).unwrap();
    }
    let per = t.elapsed().as_secs_f64() / 2880.0 * 1e3;
    let size = dir_size(&tmp.path().join("one"));
    let kept = store.series(&target, "billing-consumer").unwrap().len();
    println!("one group, 10 partitions, a day at 30 s: file {size} B ({kept} samples kept), {per:.3} ms a read kept");

    // 10,000 groups, each with a full day's file (copied from the one above, renamed per group), then one refresh.
    let many = SampleStore::new(tmp.path().join("many"));
    let series = store.series(&target, "billing-consumer").unwrap();
    let groups: Vec<String> = (0..10_000).map(|g| format!("svc-{g:05}-consumer")).collect();
    for g in &groups {
        many.merge(&target, g, series[..series.len() - 1].to_vec()).unwrap();
    }
    let t = Instant::now();
    for g in &groups {
        many.record(&target, g, &sample(2880 * 30, 2880)).unwrap();
    }
    let refresh = t.elapsed();
    let total = dir_size(&tmp.path().join("many"));
    println!(
        "10,000 groups with a day each: one refresh kept in {:.2} s ({:.3} ms a group); store {:.1} MB on disk",
        refresh.as_secs_f64(),
        refresh.as_secs_f64() / 10_000.0 * 1e3,
        total as f64 / 1e6
    );
}
