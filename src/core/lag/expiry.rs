//! When an empty group's committed offsets expire. Kafka (since 2.1, KIP-211) drops a group's committed offsets
//! `offsets.retention.minutes` after the group became empty, or, for a consumer that commits without joining, after
//! its last commit; Huawei DMS documents the same rule with 14 days by default. From samples we see neither moment
//! exactly, only the last read that still had members and the last read whose commits differ from the one before:
//! the later of the two is when the clock started, as far as the reads can tell.

use std::time::Duration;

use super::millis;
use super::sample::Sample;

/// An empty group's offsets' expiry forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// The group has members now: nothing expires while they stay.
    NotEmpty,
    /// About then (Unix ms): the last activity the reads saw, plus the retention.
    At(i64),
    /// Then at the latest (Unix ms): the group was already idle at the oldest read, so the clock started earlier.
    By(i64),
    /// The retention is not known, whether the group has members was not read, or nothing was read: never a guess.
    Unknown,
}

/// When the group last committed, as far as its samples show: the read at which its committed offsets last
/// changed (`true`: exact to the reads' spacing), or, when they never changed, the oldest read (`false`: it committed
/// then or before).
pub fn last_commit(series: &[Sample]) -> Option<(i64, bool)> {
    let committed = |s: &Sample| s.partitions.iter().map(|p| p.committed).collect::<Vec<_>>();
    match series.windows(2).rev().find(|w| committed(&w[0]) != committed(&w[1])) {
        Some(w) => Some((w[1].at_ms, true)),
        None => series.first().map(|s| (s.at_ms, false)),
    }
}

/// The expiry of the group's committed offsets, from its samples (oldest first) and the instance's
/// `offsets.retention.minutes` when it could be read.
pub fn offsets_expiry(series: &[Sample], offsets_retention: Option<Duration>) -> Expiry {
    let Some(newest) = series.last() else { return Expiry::Unknown };
    if newest.members.is_some_and(|n| n > 0) {
        return Expiry::NotEmpty;
    }
    if !newest.has_no_members() {
        return Expiry::Unknown;
    }
    let Some(retention) = offsets_retention else { return Expiry::Unknown };
    let with_members = series.iter().rev().find(|s| !s.has_no_members() && s.members.is_some()).map(|s| s.at_ms);
    let committed = |s: &Sample| s.partitions.iter().map(|p| p.committed).collect::<Vec<_>>();
    let last_commit = series.windows(2).rev().find(|w| committed(&w[0]) != committed(&w[1])).map(|w| w[1].at_ms);
    match with_members.max(last_commit) {
        Some(at) => Expiry::At(at.saturating_add(millis(retention))),
        None => Expiry::By(series[0].at_ms.saturating_add(millis(retention))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lag::fixtures::{at, members, parts};

    const DAY: Duration = Duration::from_secs(24 * 3600);

    #[test]
    fn the_clock_starts_when_the_last_member_left() {
        let mut series = members((0..5).map(|i| at(i * 60, parts(&[(Some(10), Some(0), Some(20 + i))]))).collect(), 0);
        series[1].members = Some(2);
        assert_eq!(offsets_expiry(&series, Some(DAY)), Expiry::At(60_000 + 86_400_000));
    }

    #[test]
    fn a_commit_without_members_restarts_it() {
        let c = [10, 10, 12, 12, 12];
        let series = members(
            c.iter().enumerate().map(|(i, &c)| at(i as i64 * 60, parts(&[(Some(c), Some(0), Some(30))]))).collect(),
            0,
        );
        assert_eq!(offsets_expiry(&series, Some(DAY)), Expiry::At(120_000 + 86_400_000));
    }

    #[test]
    fn idle_since_before_the_reads_is_a_bound() {
        let series = members((0..3).map(|i| at(100 + i * 60, parts(&[(Some(10), Some(0), Some(30))]))).collect(), 0);
        assert_eq!(offsets_expiry(&series, Some(DAY)), Expiry::By(100_000 + 86_400_000));
    }

    #[test]
    fn unknown_retention_or_members_is_unknown_and_members_mean_no_expiry() {
        let empty = members(vec![at(0, parts(&[(Some(1), Some(0), Some(2))]))], 0);
        assert_eq!(offsets_expiry(&empty, None), Expiry::Unknown);
        assert_eq!(offsets_expiry(&[], Some(DAY)), Expiry::Unknown);
        let mut unread = empty.clone();
        unread[0].members = None;
        unread[0].state = crate::core::lag::GroupState::Unknown;
        assert_eq!(offsets_expiry(&unread, Some(DAY)), Expiry::Unknown);
        let active = vec![at(0, parts(&[(Some(1), Some(0), Some(2))]))];
        assert_eq!(offsets_expiry(&active, Some(DAY)), Expiry::NotEmpty);
    }
}
