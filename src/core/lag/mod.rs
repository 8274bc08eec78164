//! Lag over time (issue #22), pure: from a group's samples (one per read, oldest first) to its rates, time to
//! clear, time lag, status and loss forecast. Nothing here reads a clock: "now" is the newest sample's time.
//!
//! Every figure says how it knows: an offset that was not read is `None` (unknown), never 0; an offset that goes
//! backwards is a reset, counted as such, never a negative rate; an estimate and a bound are different variants.

pub mod codec;
pub mod eta;
pub mod expiry;
pub mod figures;
pub mod loss;
pub mod rate;
pub mod sample;
pub mod status;
pub mod timelag;

#[cfg(test)]
pub(crate) mod fixtures;

use std::time::Duration;

pub use eta::{Eta, GroupEta};
pub use expiry::{Expiry, offsets_expiry};
pub use figures::{Figures, figures};
pub use loss::{GroupLoss, Loss, Retention};
pub use rate::{Flow, GroupRates, PartitionRates};
pub use sample::{GroupState, Offset, PartitionKey, PartitionSample, Sample};
pub use status::{Status, Unjudged, Verdict};
pub use timelag::TimeLag;

/// The least span of reads any figure is drawn from: a rate over a few seconds (two reads of one refresh) is noise,
/// and a status from it would change with the moment it was read.
pub const MIN_REACH: Duration = Duration::from_secs(60);

/// The reads span less than [`MIN_REACH`].
pub(crate) fn brief(series: &[Sample]) -> bool {
    match (series.first(), series.last()) {
        (Some(a), Some(b)) => b.at_ms.saturating_sub(a.at_ms) < millis(MIN_REACH),
        _ => true,
    }
}

/// The window the rates and the status look at, and the thresholds of the status rules: plain values, so the profile
/// can carry them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// How far back rates, trends and "not moving" look. Longer than the slowest consumer's commit interval, or a
    /// consumer that commits every few minutes would read as stalled between its commits.
    pub window: Duration,
    /// Fewer samples than this in the window: no status is claimed.
    pub min_samples: usize,
    /// LAGGING needs the lag's floor to rise by at least this share of the newer floor...
    pub growth_fraction: f64,
    /// ...and by at least this many messages, so a lag of 3 becoming 5 is not an alarm.
    pub growth_min_messages: i64,
}

impl Default for Rules {
    fn default() -> Self {
        Self { window: Duration::from_secs(600), min_samples: 3, growth_fraction: 0.1, growth_min_messages: 10 }
    }
}

/// The samples the window looks at: the newest sample at or before the window's start (so "not moved for the
/// whole window" can be shown, not assumed), and every sample after it. `series` is oldest first.
pub fn window(series: &[Sample], span: Duration) -> &[Sample] {
    let Some(last) = series.last() else { return series };
    let start = last.at_ms.saturating_sub(millis(span));
    let from = series.partition_point(|s| s.at_ms <= start).saturating_sub(1);
    &series[from..]
}

/// A duration in whole milliseconds, saturating.
pub(crate) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Milliseconds as a duration; negative is zero.
pub(crate) fn from_millis(ms: f64) -> Duration {
    if ms.is_finite() && ms > 0.0 { Duration::from_secs_f64(ms / 1000.0) } else { Duration::ZERO }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{at, parts};
    use super::*;

    #[test]
    fn the_window_starts_at_the_last_sample_before_it() {
        let series: Vec<Sample> = (0..30).map(|i| at(i * 60, parts(&[(Some(i), Some(0), Some(i))]))).collect();
        let w = window(&series, Duration::from_secs(600));
        assert_eq!(w.first().unwrap().at_ms, 19 * 60_000, "the sample exactly ten minutes back anchors it");
        assert_eq!(w.len(), 11);
        let w = window(&series, Duration::from_secs(630));
        assert_eq!(w.first().unwrap().at_ms, 18 * 60_000, "else the one before the window's start");
        assert_eq!(window(&series[..3], Duration::from_secs(600)).len(), 3, "a short series is all window");
        assert!(window(&[], Duration::from_secs(1)).is_empty());
    }
}
