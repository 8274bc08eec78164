//! When a group's lag clears at the current rates, or why it will not.

use std::cmp::Ordering;
use std::time::Duration;

use super::rate::flow;
use super::sample::{Offset, PartitionKey, Sample};
use super::{Rules, window};

/// A partition's (or group's) time to clear.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Eta {
    /// No lag.
    Clear,
    /// Consumption outpaces production: the lag is gone in about this long.
    ClearsIn(Duration),
    /// Commits move, but no faster than the log grows: the lag grows by this many messages a second (0 when the
    /// two rates are equal: the lag holds, and does not clear at this rate either).
    FallingBehind { per_sec: f64 },
    /// Lag, and the committed offset did not move over the window.
    Never,
    /// Too little was read to say: fewer than two readings, or an offset not read.
    Unknown,
}

impl Eta {
    /// How bad: the group's ETA is its worst partition's. Anything falling behind outranks an unknown (the group
    /// will not clear whatever that partition does); an unknown outranks a clearing time (which it could exceed).
    fn rank(&self) -> (u8, f64) {
        match *self {
            Self::Clear => (0, 0.0),
            Self::ClearsIn(d) => (1, d.as_secs_f64()),
            Self::Unknown => (2, 0.0),
            Self::FallingBehind { per_sec } => (3, per_sec),
            Self::Never => (4, 0.0),
        }
    }

    fn worse(&self, other: &Self) -> Ordering {
        let (a, b) = (self.rank(), other.rank());
        a.0.cmp(&b.0).then(a.1.total_cmp(&b.1))
    }
}

/// One partition's ETA from the window's samples (oldest first); its lag is the newest sample's.
pub fn partition_eta(samples: &[Sample], key: &PartitionKey) -> Eta {
    let Some(lag) = samples.last().and_then(|s| s.get(key)).and_then(|p| p.lag()) else { return Eta::Unknown };
    if lag <= 0 {
        return Eta::Clear;
    }
    let consumed = flow(samples, key, Offset::Committed);
    let Some(c) = consumed.per_sec else { return Eta::Unknown };
    if c == 0.0 && consumed.resets == 0 {
        return Eta::Never;
    }
    let Some(p) = flow(samples, key, Offset::End).per_sec else { return Eta::Unknown };
    if c > p {
        Eta::ClearsIn(Duration::from_secs_f64(lag as f64 / (c - p)))
    } else {
        Eta::FallingBehind { per_sec: p - c }
    }
}

/// A group's ETA: its slowest partition's, and which partition that is.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupEta {
    pub eta: Eta,
    /// The partition that decides it; `None` when the group has no partition with a committed offset.
    pub decided_by: Option<PartitionKey>,
}

/// The group's ETA over `rules.window`. Partitions without a committed offset have no lag to clear and are left
/// out; a group with none is `Unknown`.
pub fn group_eta(series: &[Sample], rules: &Rules) -> GroupEta {
    let w = window(series, rules.window);
    let mut worst = GroupEta { eta: Eta::Unknown, decided_by: None };
    for p in w.last().map(|s| s.partitions.as_slice()).unwrap_or_default() {
        if p.committed.is_none() {
            continue;
        }
        let key = p.key();
        let eta = partition_eta(w, &key);
        if worst.decided_by.is_none() || eta.worse(&worst.eta) == Ordering::Greater {
            worst = GroupEta { eta, decided_by: Some(key) };
        }
    }
    worst
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{at, key, one, parts};
    use super::*;

    fn eta(rows: &[(i64, i64)]) -> Eta {
        partition_eta(&one(60, rows), &key(0))
    }

    #[test]
    fn consumption_faster_than_production_clears_in_lag_over_the_difference() {
        // The log grows 10/s, the group reads 15/s: the lag of 3000 left shrinks at 5/s, so 600 s.
        assert_eq!(eta(&[(0, 3900), (900, 4500), (1800, 5100), (2700, 5700)]), Eta::ClearsIn(Duration::from_secs(600)));
    }

    #[test]
    fn consumption_slower_than_production_falls_behind_by_the_difference() {
        assert_eq!(eta(&[(0, 100), (300, 700), (600, 1300)]), Eta::FallingBehind { per_sec: 5.0 });
    }

    #[test]
    fn commits_that_do_not_move_with_lag_never_clear() {
        assert_eq!(eta(&[(50, 100), (50, 700), (50, 1300)]), Eta::Never, "producers still writing");
        assert_eq!(eta(&[(50, 100), (50, 100), (50, 100)]), Eta::Never, "an idle topic with a backlog");
        assert_eq!(eta(&[(50, 50), (50, 50)]), Eta::Clear, "no lag: nothing to clear, not never");
    }

    #[test]
    fn too_little_read_is_unknown() {
        assert_eq!(eta(&[(50, 100)]), Eta::Unknown, "one reading has no rate");
        let s = vec![at(0, parts(&[(Some(1), Some(0), None)])), at(60, parts(&[(Some(5), Some(0), None)]))];
        assert_eq!(partition_eta(&s, &key(0)), Eta::Unknown, "no log end: no lag");
    }

    #[test]
    fn the_slowest_partition_decides_the_group() {
        let rows = |p1: [(i64, i64); 3]| -> Vec<Sample> {
            (0..3)
                .map(|i| {
                    let (c0, e0) = (i * 6000, 18000 + i * 3000); // reads 100/s, grows 50/s: 12000 left, 240 s
                    let (c1, e1) = p1[i as usize];
                    at(i * 60, parts(&[(Some(c0), Some(0), Some(e0)), (Some(c1), Some(0), Some(e1))]))
                })
                .collect()
        };
        let clearing = rows([(0, 600), (600, 1200), (1200, 1800)]); // lag 600 held: falls behind by 0
        let g = group_eta(&clearing, &Rules::default());
        assert_eq!((g.eta, g.decided_by), (Eta::FallingBehind { per_sec: 0.0 }, Some(key(1))));
        let stuck = rows([(0, 600), (0, 1200), (0, 1800)]);
        assert_eq!(group_eta(&stuck, &Rules::default()).eta, Eta::Never);
        let both_clear = rows([(0, 9000), (6000, 12000), (12000, 15000)]); // 3000 left: 60 s
        let g = group_eta(&both_clear, &Rules::default());
        assert_eq!((g.eta, g.decided_by), (Eta::ClearsIn(Duration::from_secs(240)), Some(key(0))), "the longer one");
        let unread = vec![at(0, parts(&[(None, Some(0), Some(9))]))];
        assert_eq!(group_eta(&unread, &Rules::default()), GroupEta { eta: Eta::Unknown, decided_by: None });
    }
}
