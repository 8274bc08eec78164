//! How far behind in time, estimated from the log-end samples: when was the log end where the committed offset is
//! now. Always an estimate (≈): the samples say where the end was at each read, and between reads it is taken to
//! have grown evenly. DTS reports its own latency and a message's timestamp measures it; those are not this.

use std::time::Duration;

use super::from_millis;
use super::sample::{Offset, PartitionKey, Sample, values};

/// A partition's (or group's) time lag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeLag {
    /// About this far behind, interpolated between the two reads around the moment the log end passed the
    /// committed offset.
    Estimated(Duration),
    /// More than this: the log end was already past the committed offset at the oldest read (the samples do not
    /// reach back that far).
    AtLeast(Duration),
    /// No committed offset or no log end was read.
    Unknown,
}

impl TimeLag {
    fn duration(self) -> Option<Duration> {
        match self {
            Self::Estimated(d) | Self::AtLeast(d) => Some(d),
            Self::Unknown => None,
        }
    }
}

/// One partition's time lag at the newest sample, from every sample given (the further back they reach, the
/// older a committed offset they can place). A log end that went backwards (a topic recreated) starts the
/// history afresh: the ends before it are another log's.
pub fn partition_time_lag(series: &[Sample], key: &PartitionKey) -> TimeLag {
    let Some(now) = series.last() else { return TimeLag::Unknown };
    let Some(committed) = now.get(key).and_then(|p| p.committed) else { return TimeLag::Unknown };
    let ends = values(series, key, Offset::End);
    let from = ends.windows(2).rposition(|w| w[1].1 < w[0].1).map_or(0, |i| i + 1);
    let ends = &ends[from..];
    let Some(&(_, newest)) = ends.last() else { return TimeLag::Unknown };
    if committed >= newest {
        return TimeLag::Estimated(Duration::ZERO);
    }
    // The last read at which the end had not yet passed the committed offset, and the one after it.
    let Some(i) = ends.iter().rposition(|&(_, e)| e <= committed) else {
        return TimeLag::AtLeast(Duration::from_millis((now.at_ms - ends[0].0).max(0) as u64));
    };
    let ((t0, e0), (t1, e1)) = (ends[i], ends[i + 1]);
    let passed = t0 as f64 + (committed - e0) as f64 / (e1 - e0) as f64 * (t1 - t0) as f64;
    TimeLag::Estimated(from_millis(now.at_ms as f64 - passed))
}

/// The group's time lag: its most-behind partition's, and which one. When any partition's is only a bound, or
/// cannot be estimated although it has a committed offset, the group's is a bound (its largest known figure).
pub fn group_time_lag(series: &[Sample]) -> (TimeLag, Option<PartitionKey>) {
    let Some(now) = series.last() else { return (TimeLag::Unknown, None) };
    let (mut worst, mut by, mut bound) = (None::<Duration>, None, false);
    for p in now.partitions.iter().filter(|p| p.committed.is_some()) {
        let key = p.key();
        let lag = partition_time_lag(series, &key);
        bound |= !matches!(lag, TimeLag::Estimated(_));
        if let Some(d) = lag.duration().filter(|d| worst.is_none_or(|w| *d > w)) {
            worst = Some(d);
            by = Some(key);
        }
    }
    match worst {
        None => (TimeLag::Unknown, None),
        Some(d) if bound => (TimeLag::AtLeast(d), by),
        Some(d) => (TimeLag::Estimated(d), by),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{at, key, one, parts};
    use super::*;

    #[test]
    fn the_moment_the_end_passed_the_committed_offset_is_interpolated() {
        // The end at 0, 600, 1200, 1800 a minute apart; committed at 900 now: the end was there at 90 s, so 90 s
        // before the newest read at 180 s.
        let s = one(60, &[(0, 0), (0, 600), (0, 1200), (900, 1800)]);
        assert_eq!(partition_time_lag(&s, &key(0)), TimeLag::Estimated(Duration::from_secs(90)));
        let caught_up = one(60, &[(0, 0), (600, 600)]);
        assert_eq!(partition_time_lag(&caught_up, &key(0)), TimeLag::Estimated(Duration::ZERO));
    }

    #[test]
    fn a_flat_end_places_the_offset_at_the_last_read_it_was_there() {
        // Nothing written between 0 s and 120 s, then 600 in a minute: the message at 100 came after 120 s.
        let s = one(60, &[(0, 100), (0, 100), (0, 100), (100, 700)]);
        assert_eq!(partition_time_lag(&s, &key(0)), TimeLag::Estimated(Duration::from_secs(60)));
    }

    #[test]
    fn older_than_the_samples_is_a_bound_not_a_guess() {
        let s = one(60, &[(0, 500), (0, 600), (100, 700)]);
        assert_eq!(partition_time_lag(&s, &key(0)), TimeLag::AtLeast(Duration::from_secs(120)));
        let recreated = one(60, &[(0, 5000), (0, 100), (50, 200)]);
        assert_eq!(
            partition_time_lag(&recreated, &key(0)),
            TimeLag::AtLeast(Duration::from_secs(60)),
            "the ends before the log went backwards are another log's"
        );
    }

    #[test]
    fn no_reads_no_time_lag() {
        let s = vec![at(0, parts(&[(None, Some(0), Some(9))]))];
        assert_eq!(partition_time_lag(&s, &key(0)), TimeLag::Unknown, "no committed offset");
        let s = vec![at(0, parts(&[(Some(1), Some(0), None)]))];
        assert_eq!(partition_time_lag(&s, &key(0)), TimeLag::Unknown, "no log end");
        assert_eq!(group_time_lag(&[]), (TimeLag::Unknown, None));
    }

    #[test]
    fn the_group_is_its_most_behind_partition_and_a_bound_if_any_is() {
        let two =
            |a: (i64, i64), b: (i64, i64)| parts(&[(Some(a.0), Some(0), Some(a.1)), (Some(b.0), Some(0), Some(b.1))]);
        let s = vec![at(0, two((0, 0), (0, 0))), at(60, two((30, 60), (0, 600))), at(120, two((60, 120), (300, 1200)))];
        // t[0]: committed 60 was the end at 60 s: 60 s. t[1]: 300 was the end at 30 s: 90 s.
        assert_eq!(group_time_lag(&s), (TimeLag::Estimated(Duration::from_secs(90)), Some(key(1))));
        let s = vec![at(0, two((0, 100), (0, 0))), at(60, two((50, 200), (0, 60)))];
        assert_eq!(group_time_lag(&s), (TimeLag::AtLeast(Duration::from_secs(60)), Some(key(0))));
    }
}
