//! When retention will delete what a group has not read, and when an empty group's committed offsets expire.
//!
//! Retention deletes whole segments once their newest message is older than the retention time (or, where the
//! policy says so, when the disk fills), so a message is deleted no earlier than its write time plus retention:
//! the forecasts here are the earliest moment, the one to act before.

use std::time::Duration;

use super::rate::flow;
use super::sample::{Offset, PartitionKey, Sample};
use super::timelag::{TimeLag, partition_time_lag};
use super::{Rules, from_millis, millis, window};

/// A partition's (or group's) loss forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// The committed offset is below the log start: these messages were deleted unread.
    AlreadyLost { messages: i64 },
    /// Nothing unread.
    NothingUnread,
    /// At the current rates the consumer stays ahead: its oldest unread message gets no older.
    Outpaced,
    /// The oldest unread message can be deleted in about this long (zero: it is due now).
    In(Duration),
    /// In this long at the latest: its age is only a lower bound (it is older than the samples).
    Within(Duration),
    /// Neither the retention nor a moving log start is known, or the offsets were not read.
    Unknown,
}

/// What a partition's forecast is made from, besides its samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// The topic's retention time, when read (CKafka's dynamic retention where it applies).
    pub time: Option<Duration>,
}

/// One partition's forecast at the newest sample. Two ways, the sooner wins:
/// - by age: the message at the committed offset was written about its time lag ago ([`partition_time_lag`]) and
///   goes at retention after that; while the group reads at `c` and the log grows at `p`, that message's age grows
///   by `1 - c/p` a second, so the time left is `(retention - age) / (1 - c/p)`, and `c ≥ p` is [`Loss::Outpaced`];
/// - by the log start: when it advances over the window (deletion of any policy, a full disk too), the gap to the
///   committed offset closes at the start's rate minus the group's.
///
/// A rate not known is taken as zero consumption: the forecast is then the one for a stopped group, the case it
/// is there for.
pub fn partition_loss(series: &[Sample], key: &PartitionKey, retention: Retention, rules: &Rules) -> Loss {
    let Some(p) = series.last().and_then(|s| s.get(key)) else { return Loss::Unknown };
    let Some(committed) = p.committed else { return Loss::Unknown };
    if let Some(start) = p.start.filter(|s| committed < *s) {
        return Loss::AlreadyLost { messages: start - committed };
    }
    if p.end.is_some_and(|e| committed >= e) {
        return Loss::NothingUnread;
    }
    let w = window(series, rules.window);
    let c = flow(w, key, Offset::Committed).per_sec.unwrap_or(0.0);
    let by_age = retention.time.map(|r| {
        let produced = flow(w, key, Offset::End).per_sec.unwrap_or(0.0);
        let ageing = if produced > 0.0 {
            1.0 - c / produced
        } else if c > 0.0 {
            0.0
        } else {
            1.0
        };
        let left = |age: Duration| from_millis((millis(r) - millis(age)) as f64 / ageing);
        match partition_time_lag(series, key) {
            _ if ageing <= 0.0 => Loss::Outpaced,
            TimeLag::Estimated(age) => Loss::In(left(age)),
            TimeLag::AtLeast(age) => Loss::Within(left(age)),
            TimeLag::Unknown => Loss::Unknown,
        }
    });
    let by_start = p.start.and_then(|start| {
        let s = flow(w, key, Offset::Start).per_sec.filter(|s| *s > 0.0)?;
        Some(if s > c { Loss::In(from_millis((committed - start) as f64 / (s - c) * 1000.0)) } else { Loss::Outpaced })
    });
    match (by_age, by_start) {
        (Some(a), Some(b)) => sooner(a, b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => Loss::Unknown,
    }
}

/// The forecast that warns first: a time before no time; between two times, the shorter.
fn sooner(a: Loss, b: Loss) -> Loss {
    let at = |l: Loss| match l {
        Loss::AlreadyLost { .. } => Some(Duration::ZERO),
        Loss::In(d) | Loss::Within(d) => Some(d),
        _ => None,
    };
    match (at(a), at(b)) {
        (Some(x), Some(y)) if y < x => b,
        (Some(_), _) => a,
        (None, Some(_)) => b,
        // Neither a time: what is known beats unknown, and unread beats nothing unread.
        (None, None) => match (a, b) {
            (Loss::Unknown, other) | (other, Loss::Unknown) => other,
            (Loss::Outpaced, _) | (_, Loss::Outpaced) => Loss::Outpaced,
            _ => a,
        },
    }
}

/// A group's forecast: messages already lost are summed over its partitions; else its soonest partition's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupLoss {
    pub loss: Loss,
    /// The partition it is about (the first one with a loss, when already lost).
    pub partition: Option<PartitionKey>,
    /// Partitions with a committed offset whose forecast is unknown: a sooner loss may hide there.
    pub unknown: usize,
}

/// The group's forecast at the newest sample.
pub fn group_loss(series: &[Sample], retention: Retention, rules: &Rules) -> GroupLoss {
    let mut out = GroupLoss { loss: Loss::Unknown, partition: None, unknown: 0 };
    let (mut lost, mut first_lost) = (0, None);
    for p in series.last().map(|s| s.partitions.as_slice()).unwrap_or_default() {
        if p.committed.is_none() {
            continue;
        }
        let key = p.key();
        match partition_loss(series, &key, retention, rules) {
            Loss::AlreadyLost { messages } => {
                lost += messages;
                first_lost.get_or_insert(key);
            }
            Loss::Unknown => out.unknown += 1,
            l => {
                let was = out.loss;
                out.loss = if out.partition.is_none() { l } else { sooner(was, l) };
                if out.partition.is_none() || out.loss != was {
                    out.partition = Some(key);
                }
            }
        }
    }
    if lost > 0 {
        out.loss = Loss::AlreadyLost { messages: lost };
        out.partition = first_lost;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{at, key, one, parts};
    use super::*;

    const HOUR: Retention = Retention { time: Some(Duration::from_secs(3600)) };

    fn loss(s: &[Sample], r: Retention) -> Loss {
        partition_loss(s, &key(0), r, &Rules::default())
    }

    #[test]
    fn below_the_log_start_is_already_lost() {
        let s = vec![at(0, parts(&[(Some(100), Some(250), Some(900))]))];
        assert_eq!(loss(&s, HOUR), Loss::AlreadyLost { messages: 150 });
        assert_eq!(loss(&one(60, &[(900, 900)]), HOUR), Loss::NothingUnread);
    }

    #[test]
    fn a_stopped_group_loses_its_oldest_unread_message_at_retention_after_it_was_written() {
        // The log end passed the committed offset at 60 s, two minutes before the newest read; nothing is read.
        let s = one(60, &[(900, 900), (900, 900), (900, 1200), (900, 1800)]);
        assert_eq!(loss(&s, HOUR), Loss::In(Duration::from_secs(3600 - 120)));
        assert_eq!(loss(&s, Retention { time: None }), Loss::Unknown, "no retention, a log start that stays");
    }

    #[test]
    fn a_slow_reader_ages_its_position_slower_and_a_fast_one_not_at_all() {
        // Written 10/s, read 5/s: the unread message's age grows half a second a second.
        let slow = one(60, &[(0, 0), (300, 600), (600, 1200)]);
        let Loss::In(d) = loss(&slow, HOUR) else { panic!("{:?}", loss(&slow, HOUR)) };
        // Committed 600 was the end at 60 s: 60 s old; (3600 - 60) / 0.5.
        assert_eq!(d, Duration::from_secs(7080));
        assert_eq!(loss(&one(60, &[(0, 900), (900, 1200), (1400, 1500)]), HOUR), Loss::Outpaced);
    }

    #[test]
    fn older_than_the_samples_is_at_the_latest_and_a_moving_log_start_counts_too() {
        assert_eq!(loss(&one(60, &[(0, 500), (0, 600)]), HOUR), Loss::Within(Duration::from_secs(3540)));
        // Retention unknown, but the start advances 2/s towards a committed offset 240 ahead of it: 120 s.
        let s = vec![
            at(0, parts(&[(Some(400), Some(40), Some(900))])),
            at(60, parts(&[(Some(400), Some(160), Some(900))])),
        ];
        assert_eq!(loss(&s, Retention { time: None }), Loss::In(Duration::from_secs(120)));
    }

    #[test]
    fn the_group_sums_what_is_lost_else_takes_the_soonest() {
        let s = vec![at(
            0,
            parts(&[(Some(1), Some(5), Some(9)), (Some(0), Some(3), Some(9)), (Some(9), Some(0), Some(9))]),
        )];
        let g = group_loss(&s, HOUR, &Rules::default());
        assert_eq!((g.loss, g.partition), (Loss::AlreadyLost { messages: 7 }, Some(key(0))));
        let s = vec![
            at(0, parts(&[(Some(0), Some(0), Some(0)), (Some(0), Some(0), Some(0))])),
            at(60, parts(&[(Some(0), Some(0), Some(600)), (Some(0), Some(0), Some(60))])),
        ];
        // t[0]'s 0 was the end at 0 s, t[1]'s too: both 60 s old, so the tie goes to the first.
        let g = group_loss(&s, HOUR, &Rules::default());
        assert_eq!((g.loss, g.partition, g.unknown), (Loss::In(Duration::from_secs(3540)), Some(key(0)), 0));
    }
}
