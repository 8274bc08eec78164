//! Sample series built by hand for the lag tests: a partition's offsets per read, one member and ACTIVE unless
//! a test says otherwise.

use super::sample::{GroupState, PartitionKey, PartitionSample, Sample};

/// Partitions 0, 1, ... of topic `t`, each (committed, start, end).
pub fn parts(values: &[(Option<i64>, Option<i64>, Option<i64>)]) -> Vec<PartitionSample> {
    values
        .iter()
        .enumerate()
        .map(|(i, &(committed, start, end))| PartitionSample {
            topic: "t".into(),
            partition: i as i32,
            committed,
            start,
            end,
        })
        .collect()
}

/// A read at `secs` seconds, by a group of one ACTIVE member.
pub fn at(secs: i64, partitions: Vec<PartitionSample>) -> Sample {
    Sample::new(secs * 1000, Some(1), GroupState::Active, partitions)
}

/// Partition `t[i]`.
pub fn key(i: i32) -> PartitionKey {
    PartitionKey { topic: "t".into(), partition: i }
}

/// One partition read every `step` seconds from 0: (committed, end) per read, the log starting at 0.
pub fn one(step: i64, rows: &[(i64, i64)]) -> Vec<Sample> {
    rows.iter().enumerate().map(|(i, &(c, e))| at(i as i64 * step, parts(&[(Some(c), Some(0), Some(e))]))).collect()
}

/// The same series with every read's member count set.
pub fn members(mut series: Vec<Sample>, n: usize) -> Vec<Sample> {
    for s in &mut series {
        s.members = Some(n);
        if n == 0 {
            s.state = GroupState::Empty;
        }
    }
    series
}
