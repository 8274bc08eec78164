//! The figures of one group over its samples, and the words every edge shows them in: the dashboard and the
//! command line say the same thing because both say it with these.

use std::time::Duration;

use super::eta::{Eta, GroupEta, group_eta};
use super::loss::{GroupLoss, Loss, Retention, group_loss};
use super::rate::rates;
use super::sample::{PartitionKey, Sample};
use super::status::{Status, Unjudged, Verdict, status};
use super::timelag::{TimeLag, group_time_lag};
use super::{Rules, codec};

pub use super::MIN_REACH;

/// How many of the newest reads a trend shows.
pub const TREND: usize = 12;

/// What the samples say about a group at its newest read.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub verdict: Verdict,
    pub eta: GroupEta,
    pub time_lag: TimeLag,
    pub time_lag_of: Option<PartitionKey>,
    /// When retention deletes what the group has not read, or what it already lost.
    pub loss: GroupLoss,
    /// Messages a second into the group's partitions, and out of them by its commits, over the window.
    pub production: Option<f64>,
    pub consumption: Option<f64>,
    /// The group's lag at each of the newest reads, oldest first; `None` where a read gave none.
    pub trend: Vec<Option<i64>>,
    /// How many samples there are, and how far back the oldest is from the newest.
    pub samples: usize,
    pub reach: Duration,
}

/// The figures of `series` (oldest first) under `rules`; `None` without a sample. The topics' retention time is
/// not read (yet): the loss forecast is from a log start that moves, and what is already lost.
pub fn figures(series: &[Sample], rules: &Rules) -> Option<Figures> {
    figures_with(series, rules, Retention { time: None })
}

/// [`figures`] with the topics' retention known.
pub fn figures_with(series: &[Sample], rules: &Rules, retention: Retention) -> Option<Figures> {
    let (first, last) = (series.first()?, series.last()?);
    let r = rates(series, rules);
    let (time_lag, time_lag_of) = match group_time_lag(series) {
        // "Behind by more than no time" is no figure: one read cannot place the committed offset in time.
        (TimeLag::AtLeast(d), _) if d.is_zero() => (TimeLag::Unknown, None),
        other => other,
    };
    let from = series.len().saturating_sub(TREND);
    let reach = Duration::from_millis((last.at_ms - first.at_ms).max(0) as u64);
    let verdict = status(series, rules);
    let brief = super::brief(series);
    // The ETA as shown: none from reads spanning less than a minute, and "never" only over a whole window (as
    // STALLED is): commits that did not move over a shorter stretch may be a consumer between two commits.
    // `group_eta` itself stays the slowest partition's figure, which the status's falling-behind rule reads.
    let mut eta = group_eta(series, rules);
    if brief || (eta.eta == Eta::Never && reach < rules.window) {
        eta.eta = Eta::Unknown;
    }
    let known = |r: Option<f64>| r.filter(|_| !brief);
    let mut loss = group_loss(series, retention, rules);
    // What is already lost is one read's fact; a forecast needs rates, as every other figure does.
    if brief && !matches!(loss.loss, Loss::AlreadyLost { .. } | Loss::NothingUnread) {
        loss = GroupLoss { loss: Loss::Unknown, ..loss };
    }
    let time_lag = if brief { TimeLag::Unknown } else { time_lag };
    Some(Figures {
        verdict,
        eta,
        time_lag,
        time_lag_of,
        loss,
        production: known(r.production),
        consumption: known(r.consumption),
        trend: series[from..].iter().map(Sample::lag).collect(),
        samples: series.len(),
        reach,
    })
}

/// A partition as the figures name it: a topic's sums (a group of more than a thousand partitions) by the topic.
pub fn partition_name(key: &PartitionKey) -> String {
    if key.partition == codec::TOPIC_SUM { format!("{} (all partitions)", key.topic) } else { key.to_string() }
}

/// A duration in the largest two units that matter: `45s`, `3m 20s`, `2h 05m`, `3d 4h`.
pub fn span(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        3600..86_400 => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// A rate in messages a second, to two significant figures or so.
pub fn per_sec(r: f64) -> String {
    if r >= 100.0 || r == 0.0 {
        format!("{r:.0} msg/s")
    } else if r >= 1.0 {
        format!("{r:.1} msg/s")
    } else {
        format!("{r:.2} msg/s")
    }
}

/// The ETA in a column's few characters: `clear`, `~14m 00s`, `never`, `+120 msg/s` (falling behind), `?`.
pub fn eta_short(e: &Eta) -> String {
    match e {
        Eta::Clear => "clear".into(),
        Eta::ClearsIn(d) => format!("~{}", span(*d)),
        Eta::FallingBehind { per_sec: r } => format!("+{}", per_sec(*r)),
        Eta::Never => "never".into(),
        Eta::Unknown => "?".into(),
    }
}

/// The ETA in a sentence.
pub fn eta_words(e: &GroupEta) -> String {
    let by = e.decided_by.as_ref().map(|k| format!(" ({} is the slowest)", partition_name(k))).unwrap_or_default();
    match &e.eta {
        Eta::Clear => "no lag to clear".into(),
        Eta::ClearsIn(d) => format!("clears in about {} at the current rates{by}", span(*d)),
        Eta::FallingBehind { per_sec: r } if *r == 0.0 => format!("holds: consumed as fast as produced{by}"),
        Eta::FallingBehind { per_sec: r } => match &e.decided_by {
            Some(k) => format!("never at this rate: {} falls behind by {}", partition_name(k), per_sec(*r)),
            None => format!("never at this rate: falling behind by {}", per_sec(*r)),
        },
        Eta::Never => format!("never at this rate: commits are not moving{by}"),
        Eta::Unknown => "unknown yet: the reads do not show it".into(),
    }
}

/// The time lag: `≈ 3m 20s` (estimated from the log-end samples), `> 2h 00m` (older than the samples reach), `?`.
pub fn time_lag_short(t: &TimeLag) -> String {
    match t {
        TimeLag::Estimated(d) => format!("≈{}", span(*d)),
        TimeLag::AtLeast(d) => format!(">{}", span(*d)),
        TimeLag::Unknown => "?".into(),
    }
}

/// The loss forecast in a column's few characters: `LOST 120`, `~3h 10m`, `<2h 00m`, `-` (nothing to lose), `?`.
pub fn loss_short(l: &GroupLoss) -> String {
    match l.loss {
        Loss::AlreadyLost { messages } => format!("LOST {messages}"),
        Loss::In(d) => format!("~{}", span(d)),
        Loss::Within(d) => format!("<{}", span(d)),
        Loss::NothingUnread | Loss::Outpaced => "-".into(),
        Loss::Unknown => "?".into(),
    }
}

/// The loss forecast in a sentence.
pub fn loss_words(l: &GroupLoss) -> String {
    let at = l.partition.as_ref().map(|k| format!(" ({})", partition_name(k))).unwrap_or_default();
    let hidden = if l.unknown > 0 { format!("; {} partition(s) not known", l.unknown) } else { String::new() };
    match l.loss {
        Loss::AlreadyLost { messages } => {
            format!("{messages} message(s) already lost: the committed offset is below the log start{at}")
        }
        Loss::In(d) => format!("unread messages deleted in about {}{at}{hidden}", span(d)),
        Loss::Within(d) => format!("unread messages deleted within {}{at}{hidden}", span(d)),
        Loss::NothingUnread => "nothing unread to lose".into(),
        Loss::Outpaced => format!("no loss at the current rates{hidden}"),
        Loss::Unknown => "unknown (the topics' retention is not read; the log start has not moved)".into(),
    }
}

/// Why a status is UNKNOWN, or the status's word.
pub fn status_words(v: &Verdict) -> String {
    match v.status {
        Status::Unknown(Unjudged::NoLag) => "UNKNOWN (no partition with a committed offset and a log end)".into(),
        Status::Unknown(Unjudged::TooFewSamples { have, need }) => format!("UNKNOWN ({have} of {need} reads yet)"),
        Status::Unknown(Unjudged::Brief) => "UNKNOWN (the reads span less than a minute yet)".into(),
        Status::Unknown(Unjudged::TooShort { have, need }) => {
            format!("UNKNOWN (commits not moving for {} of the {} window)", span(have), span(need))
        }
        Status::Stalled if !v.stalled.is_empty() => {
            let names: Vec<String> = v.stalled.iter().take(3).map(partition_name).collect();
            let more = v.stalled.len().saturating_sub(3);
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            format!("STALLED ({}{more} not committing)", names.join(", "))
        }
        s => s.word().into(),
    }
}

/// A sparkline of `width` cells at most, the newest on the right: each lag's height among the shown ones, `·`
/// where a read gave no lag; empty with fewer than two lags.
pub fn sparkline(trend: &[Option<i64>], width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let shown = &trend[trend.len().saturating_sub(width)..];
    let known: Vec<i64> = shown.iter().flatten().copied().collect();
    if known.len() < 2 {
        return String::new();
    }
    let (lo, hi) = (*known.iter().min().expect("two or more"), *known.iter().max().expect("two or more"));
    shown
        .iter()
        .map(|v| match v {
            None => '·',
            Some(_) if hi == lo => BARS[0],
            Some(v) => BARS[(((v - lo) as f64 / (hi - lo) as f64) * 7.0).round() as usize],
        })
        .collect()
}

/// The figures as JSON, for scripts: each with its words, and `null` for what is not known.
pub fn json(f: &Figures) -> serde_json::Value {
    let eta_seconds = match f.eta.eta {
        Eta::ClearsIn(d) => Some(d.as_secs()),
        _ => None,
    };
    let eta_kind = match f.eta.eta {
        Eta::Clear => "clear",
        Eta::ClearsIn(_) => "clears_in",
        Eta::FallingBehind { .. } => "falling_behind",
        Eta::Never => "never",
        Eta::Unknown => "unknown",
    };
    let (time_lag_kind, time_lag_seconds) = match f.time_lag {
        TimeLag::Estimated(d) => ("estimated", Some(d.as_secs())),
        TimeLag::AtLeast(d) => ("at_least", Some(d.as_secs())),
        TimeLag::Unknown => ("unknown", None),
    };
    serde_json::json!({
        "status": f.verdict.status.word(),
        "status_words": status_words(&f.verdict),
        "eta": eta_kind,
        "eta_seconds": eta_seconds,
        "falling_behind_per_sec": match f.eta.eta { Eta::FallingBehind { per_sec } => Some(per_sec), _ => None },
        "eta_words": eta_words(&f.eta),
        "eta_partition": f.eta.decided_by.as_ref().filter(|_| f.eta.eta != Eta::Unknown).map(partition_name),
        "time_lag": time_lag_kind,
        "time_lag_seconds": time_lag_seconds,
        "loss": loss_short(&f.loss),
        "loss_words": loss_words(&f.loss),
        "loss_seconds": match f.loss.loss { Loss::In(d) | Loss::Within(d) => Some(d.as_secs()), _ => None },
        "lost_messages": match f.loss.loss { Loss::AlreadyLost { messages } => Some(messages), _ => None },
        "production_per_sec": f.production,
        "consumption_per_sec": f.consumption,
        "trend": f.trend,
        "samples": f.samples,
        "reach_seconds": f.reach.as_secs(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{at, one, parts};
    use super::*;

    #[test]
    fn a_stalled_group_says_never_and_names_its_partition() {
        // Commits stuck at 100 for 15 minutes while the log grows.
        let series = one(60, &(0..16).map(|i| (100, 200 + 10 * i)).collect::<Vec<_>>());
        let f = figures(&series, &Rules::default()).unwrap();
        assert_eq!(f.verdict.status, Status::Stalled);
        assert_eq!(status_words(&f.verdict), "STALLED (t[0] not committing)");
        assert_eq!(eta_short(&f.eta.eta), "never");
        assert_eq!(f.trend.len(), TREND);
        assert_eq!(f.trend.last(), Some(&Some(250)));
        assert_eq!(f.reach, Duration::from_secs(15 * 60));
        assert_eq!(sparkline(&f.trend, 6), "▁▂▄▅▇█");
    }

    #[test]
    fn a_clearing_group_has_an_eta_in_minutes() {
        // 10 msg/s produced, 20 msg/s consumed, lag 6,000 - 10 * 60 * k.
        let series = one(60, &(0..6).map(|i| (1_000 + 1_200 * i, 7_000 + 600 * i)).collect::<Vec<_>>());
        let f = figures(&series, &Rules::default()).unwrap();
        assert_eq!(f.eta.eta, Eta::ClearsIn(Duration::from_secs(300)));
        assert_eq!(eta_words(&f.eta), "clears in about 5m 00s at the current rates (t[0] is the slowest)");
        assert_eq!(per_sec(f.production.unwrap()), "10.0 msg/s");
    }

    #[test]
    fn what_is_already_lost_is_said_from_one_read_and_a_moving_start_forecasts_the_rest() {
        let lost = vec![at(0, parts(&[(Some(10), Some(40), Some(90))]))];
        let f = figures(&lost, &Rules::default()).unwrap();
        assert_eq!(loss_short(&f.loss), "LOST 30");
        // The log start moves 1 msg/s towards a committed offset 600 ahead that does not move: ten minutes.
        let series: Vec<Sample> =
            (0..11).map(|i| at(i * 60, parts(&[(Some(1_000), Some(400 + 60 * i), Some(2_000))]))).collect();
        let f = figures(&series, &Rules::default()).unwrap();
        assert_eq!(f.loss.loss, Loss::In(Duration::from_secs(0)), "the start reached it at the newest read: due now");
        let f = figures(&series[..6], &Rules::default()).unwrap();
        assert_eq!(loss_short(&f.loss), "~5m 00s");
    }

    #[test]
    fn a_large_lag_that_keeps_growing_is_lagging_not_ok() {
        // Lag 1,000,000 growing 10 msg/s for 10 minutes: its floor rises 0.6% of it, under the 10% the floor rule
        // asks, but the rates say it falls behind: LAGGING beside "never", not OK.
        let series = one(60, &(0..11).map(|i| (5_000 + 600 * i, 1_005_000 + 1_200 * i)).collect::<Vec<_>>());
        let f = figures(&series, &Rules::default()).unwrap();
        assert!(matches!(f.eta.eta, Eta::FallingBehind { .. }), "{:?}", f.eta);
        assert_eq!(f.verdict.status, Status::Lagging);
        assert_eq!(eta_words(&f.eta), "never at this rate: t[0] falls behind by 10.0 msg/s");
    }

    #[test]
    fn never_needs_the_whole_window_as_stalled_does() {
        // Two minutes without a commit: a consumer between commits, perhaps; neither STALLED nor "never".
        let series = one(60, &[(100, 200), (100, 210), (100, 220)]);
        let f = figures(&series, &Rules::default()).unwrap();
        assert_eq!(f.eta.eta, Eta::Unknown);
        assert!(matches!(f.verdict.status, Status::Unknown(Unjudged::TooShort { .. })), "{:?}", f.verdict);
    }

    #[test]
    fn words_for_unknowns_never_claim_a_figure() {
        let series = vec![at(0, parts(&[(None, Some(0), Some(5))]))];
        let f = figures(&series, &Rules::default()).unwrap();
        assert!(status_words(&f.verdict).starts_with("UNKNOWN"));
        assert_eq!(time_lag_short(&f.time_lag), "?");
        assert_eq!(sparkline(&f.trend, 8), "", "one read is not a trend");
        assert_eq!(sparkline(&[Some(5), None, Some(5)], 8), "▁·▁");
        assert_eq!(span(Duration::from_secs(2 * 86_400 + 7_300)), "2d 2h");
        assert!(figures(&[], &Rules::default()).is_none());
    }
}
