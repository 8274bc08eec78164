//! How fast a partition's log grows (production: its end over time) and how fast the group reads it (consumption:
//! its committed offset over time), per partition and summed per group.

use std::time::Duration;

use super::sample::{Offset, PartitionKey, Sample, values};
use super::{Rules, window};

/// How one offset moved over a stretch of samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flow {
    /// Messages per second over the forward steps; `None` when there were none to measure (fewer than two known
    /// values, or every step a reset): unknown, not zero.
    pub per_sec: Option<f64>,
    /// The time the forward steps cover.
    pub over: Duration,
    /// Steps where the offset went backwards: a reset (of the group's offsets, or a topic recreated). Such a step
    /// is left out, since how many messages passed in it is not known; it is never a negative rate.
    pub resets: u32,
}

impl Flow {
    /// Whether the offset moved at all: a forward step, or a reset.
    pub fn moved(&self) -> bool {
        self.resets > 0 || self.per_sec.is_some_and(|r| r > 0.0)
    }
}

/// How `which` of `key` moved over `series` (oldest first): each step between two consecutive known values that
/// goes forward adds its messages and its time; a missing read is bridged by the next known one.
pub fn flow(series: &[Sample], key: &PartitionKey, which: Offset) -> Flow {
    let known = values(series, key, which);
    let (mut messages, mut ms, mut resets) = (0i64, 0i64, 0u32);
    for pair in known.windows(2) {
        let ((t0, v0), (t1, v1)) = (pair[0], pair[1]);
        if v1 < v0 {
            resets += 1;
        } else if t1 > t0 {
            messages += v1 - v0;
            ms += t1 - t0;
        }
    }
    let per_sec = (ms > 0).then(|| messages as f64 * 1000.0 / ms as f64);
    Flow { per_sec, over: Duration::from_millis(ms as u64), resets }
}

/// One partition's two rates over the window.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionRates {
    pub key: PartitionKey,
    /// Its log end over time.
    pub production: Flow,
    /// Its committed offset over time.
    pub consumption: Flow,
}

/// A group's rates over the window: the sums over the partitions of its newest read (a partition that disappeared
/// is no longer the group's; one that just appeared has no rate yet and is counted in `unknown`).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRates {
    /// Sum of the known production rates; `None` when no partition has one.
    pub production: Option<f64>,
    /// Sum of the known consumption rates; `None` when no partition has one.
    pub consumption: Option<f64>,
    /// Partitions missing from either sum: the sums are then lower bounds.
    pub unknown: usize,
    pub partitions: Vec<PartitionRates>,
}

/// Every partition's rates over `rules.window`, and the group's sums.
pub fn rates(series: &[Sample], rules: &Rules) -> GroupRates {
    let w = window(series, rules.window);
    let partitions: Vec<PartitionRates> = w
        .last()
        .map(|last| {
            last.partitions
                .iter()
                .map(|p| {
                    let key = p.key();
                    PartitionRates {
                        production: flow(w, &key, Offset::End),
                        consumption: flow(w, &key, Offset::Committed),
                        key,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let sum = |f: fn(&PartitionRates) -> Option<f64>| {
        let known: Vec<f64> = partitions.iter().filter_map(f).collect();
        (!known.is_empty()).then(|| known.iter().sum())
    };
    let unknown =
        partitions.iter().filter(|p| p.production.per_sec.is_none() || p.consumption.per_sec.is_none()).count();
    GroupRates {
        production: sum(|p| p.production.per_sec),
        consumption: sum(|p| p.consumption.per_sec),
        unknown,
        partitions,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{at, key, one, parts};
    use super::*;

    #[test]
    fn rates_are_messages_over_time() {
        // 60 s apart: the log grows 600 a step (10/s), the group reads 300 a step (5/s).
        let s = one(60, &[(0, 0), (300, 600), (600, 1200)]);
        let end = flow(&s, &key(0), Offset::End);
        assert_eq!(end.per_sec, Some(10.0));
        assert_eq!(end.over, Duration::from_secs(120));
        assert_eq!(flow(&s, &key(0), Offset::Committed).per_sec, Some(5.0));
        assert!(flow(&s, &key(0), Offset::Start).per_sec == Some(0.0) && !flow(&s, &key(0), Offset::Start).moved());
    }

    #[test]
    fn a_reset_is_counted_and_never_a_negative_rate() {
        // Committed 100, 200, then reset back to 0, then 100: the backwards step is not -200 per minute.
        let s = one(60, &[(100, 1000), (200, 1000), (0, 1000), (100, 1000)]);
        let c = flow(&s, &key(0), Offset::Committed);
        assert_eq!(c.resets, 1);
        assert_eq!(c.over, Duration::from_secs(120), "the reset's minute is left out");
        assert!((c.per_sec.unwrap() - 200.0 / 120.0).abs() < 1e-9);
        assert!(c.moved(), "a reset is a move");
        let only_reset = flow(&s[1..3], &key(0), Offset::Committed);
        assert_eq!((only_reset.per_sec, only_reset.resets), (None, 1), "nothing measured: unknown, not 0");
    }

    #[test]
    fn a_missing_read_is_unknown_not_zero_and_is_bridged() {
        let s = vec![
            at(0, parts(&[(Some(0), Some(0), Some(0))])),
            at(60, parts(&[(None, Some(0), None)])),
            at(120, parts(&[(Some(120), Some(0), Some(240))])),
        ];
        assert_eq!(flow(&s, &key(0), Offset::Committed).per_sec, Some(1.0), "0 to 120 over two minutes");
        assert_eq!(flow(&s, &key(0), Offset::End).per_sec, Some(2.0));
        assert_eq!(flow(&s[..2], &key(0), Offset::Committed).per_sec, None, "one known value measures nothing");
    }

    #[test]
    fn the_group_sums_the_partitions_it_has_now() {
        let two = |c0, e0, c1: Option<i64>, e1: Option<i64>| parts(&[(Some(c0), Some(0), Some(e0)), (c1, Some(0), e1)]);
        let gone = |c0, e0| parts(&[(Some(c0), Some(0), Some(e0))]);
        let mut appeared = vec![at(0, gone(0, 0)), at(60, gone(60, 120)), at(120, two(120, 240, Some(5), Some(9)))];
        let r = rates(&appeared, &Rules::default());
        assert_eq!((r.production, r.consumption, r.unknown), (Some(2.0), Some(1.0), 1), "t[1] has no rate yet");
        appeared.push(at(180, two(180, 360, Some(65), Some(129))));
        let r = rates(&appeared, &Rules::default());
        assert_eq!((r.production, r.consumption, r.unknown), (Some(4.0), Some(2.0), 0));
        // t[1] disappears (its offsets deleted): the group no longer has it.
        appeared.push(at(240, gone(240, 480)));
        let r = rates(&appeared, &Rules::default());
        assert_eq!(r.partitions.len(), 1);
        assert_eq!(r.production, Some(2.0));
    }

    #[test]
    fn rates_look_at_the_window_only() {
        // Fast for 20 minutes, then stopped for 10: the window sees only the stop.
        let mut rows: Vec<(i64, i64)> = (0..=20).map(|i| (i * 100, i * 100)).collect();
        rows.extend((21..=30).map(|_| (2000, 2000)));
        let r = rates(&one(60, &rows), &Rules::default());
        assert_eq!((r.production, r.consumption), (Some(0.0), Some(0.0)));
    }
}
