//! One reset strategy for every provider, and the parsers for what people type: datetimes, durations, offsets.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use thiserror::Error;

use crate::core::target::TargetKind;

/// Where to move a group's committed offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetStrategy {
    /// The log start.
    Earliest,
    /// The log end.
    Latest,
    /// An absolute offset.
    ToOffset(i64),
    /// The first message at or after a time (from a typed datetime; `zone` is the zone it was read in).
    ToDatetime { at: Timestamp, zone: String },
    /// The first message at or after a Unix time in milliseconds.
    ToTimestamp(i64),
    /// Now minus a duration, resolved to a time when planned.
    ByDuration(SignedDuration),
    /// The committed offset plus N (N may be negative, never 0).
    ShiftBy(i64),
    /// Exactly these offsets, per partition (a CSV file or a plan file); clamped to the log as the others are.
    Pinned(Vec<Pin>),
    /// The offsets of a CSV file (`--from-file`), read by the engine when it plans: so the dashboard never reads a
    /// file while it draws. `several`: one file for several groups (each line names its group).
    FromFile { path: std::path::PathBuf, several: bool },
    /// The committed offsets as they are now: nothing moves (with `--export`, a backup).
    ToCurrent,
    /// Another group's committed offsets on the same topics and partitions (on another instance, by topic name and
    /// partition number, when `instance` is given); resolved to exact offsets when planned.
    FromGroup { group: String, instance: Option<String> },
}

/// One partition's exact target, with the line of the file it came from (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub line: Option<usize>,
}

/// The strategies by name, without their values: what a form offers and what a flag names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StrategyKind {
    Earliest,
    Latest,
    ToOffset,
    ToDatetime,
    ByDuration,
    ToTimestamp,
    ShiftBy,
    /// Exact offsets from a file (`--from-file`, a plan file): not offered in the forms.
    Pinned,
    /// `--to-current`: it changes nothing; it exists to export (offered in the form only for marked groups).
    ToCurrent,
    /// `--from-group`: not offered in the forms.
    FromGroup,
}

/// Every strategy, in the order the forms offer them.
pub const ALL_STRATEGIES: &[StrategyKind] = &[
    StrategyKind::Earliest,
    StrategyKind::Latest,
    StrategyKind::ToOffset,
    StrategyKind::ToDatetime,
    StrategyKind::ByDuration,
    StrategyKind::ToTimestamp,
    StrategyKind::ShiftBy,
];

/// What a reset of several marked groups offers: every strategy, and the committed offsets as they are (to export).
const MANY_STRATEGIES: &[StrategyKind] = &[
    StrategyKind::Earliest,
    StrategyKind::Latest,
    StrategyKind::ToOffset,
    StrategyKind::ToDatetime,
    StrategyKind::ByDuration,
    StrategyKind::ToTimestamp,
    StrategyKind::ShiftBy,
    StrategyKind::ToCurrent,
];

/// What a DTS subscription's ResetConsumerGroupOffset can do: earliest, latest and a datetime (a timestamp or a
/// duration is the same thing, a time, so those are offered too).
const DTS_STRATEGIES: &[StrategyKind] = &[
    StrategyKind::Earliest,
    StrategyKind::Latest,
    StrategyKind::ToDatetime,
    StrategyKind::ByDuration,
    StrategyKind::ToTimestamp,
];

impl StrategyKind {
    /// The strategies a target offers. The one place this is decided: the forms, the flags and the planner ask here.
    pub fn offered(kind: TargetKind) -> &'static [StrategyKind] {
        match kind {
            TargetKind::Dts => DTS_STRATEGIES,
            TargetKind::Huawei | TargetKind::Ckafka => ALL_STRATEGIES,
        }
    }

    /// The strategies a reset of several groups offers: `current` too (it exports a backup), where exact offsets can
    /// be set.
    pub fn offered_to_many(kind: TargetKind) -> &'static [StrategyKind] {
        match kind {
            TargetKind::Dts => DTS_STRATEGIES,
            TargetKind::Huawei | TargetKind::Ckafka => MANY_STRATEGIES,
        }
    }

    /// Why a target does not offer this strategy, if it does not.
    pub fn refusal(self, kind: TargetKind) -> Option<String> {
        // Exact offsets per partition are what --to-offset sends: the same targets offer them.
        let like = match self {
            Self::Pinned | Self::ToCurrent | Self::FromGroup => Self::ToOffset,
            other => other,
        };
        (!Self::offered(kind).contains(&like)).then(|| {
            format!(
                "{} cannot reset {}; a DTS subscription supports --to-earliest, --to-latest and a time (--to-datetime, --to-timestamp, --by-duration)",
                kind,
                self.label_long()
            )
        })
    }

    /// The form's short label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Earliest => "earliest",
            Self::Latest => "latest",
            Self::ToOffset => "offset",
            Self::ToDatetime => "datetime",
            Self::ByDuration => "duration",
            Self::ToTimestamp => "timestamp",
            Self::ShiftBy => "shift",
            Self::Pinned => "offsets from a file",
            Self::ToCurrent => "current",
            Self::FromGroup => "another group's offsets",
        }
    }

    /// The command-line flag.
    pub fn flag(self) -> &'static str {
        match self {
            Self::Earliest => "--to-earliest",
            Self::Latest => "--to-latest",
            Self::ToOffset => "--to-offset",
            Self::ToDatetime => "--to-datetime",
            Self::ByDuration => "--by-duration",
            Self::ToTimestamp => "--to-timestamp",
            Self::ShiftBy => "--shift-by",
            Self::Pinned => "--from-file",
            Self::ToCurrent => "--to-current",
            Self::FromGroup => "--from-group",
        }
    }

    fn label_long(self) -> &'static str {
        match self {
            Self::ToOffset | Self::Pinned | Self::ToCurrent | Self::FromGroup => {
                "to an offset (--to-offset, --from-file, --to-current, --from-group)"
            }
            Self::ShiftBy => "by a shift (--shift-by)",
            Self::Earliest => "to the earliest offset",
            Self::Latest => "to the latest offset",
            Self::ToDatetime | Self::ByDuration | Self::ToTimestamp => "to a time",
        }
    }

    /// What to type, shown under the value field.
    pub fn help(self) -> &'static str {
        match self {
            Self::Earliest => "replay everything still in the log; no value needed",
            Self::Latest => "skip everything unread; no value needed",
            Self::ToOffset => "a whole number, 0 or more; clamped to the log's start and end",
            Self::ToDatetime => "YYYY-MM-DD HH:MM[:SS] in the profile's zone, or RFC 3339 (2025-01-02T11:04:05+08:00)",
            Self::ByDuration => "how far back from now: 6h, 90m, 2d, 1h30m or PT6H",
            Self::ToTimestamp => "Unix time in milliseconds, e.g. 1735787045000",
            Self::ShiftBy => "a non-zero whole number: negative replays, positive skips",
            Self::Pinned => "a CSV file of topic,partition,offset (or group,topic,partition,offset)",
            Self::ToCurrent => "the committed offsets now: nothing moves",
            Self::FromGroup => "another group's committed offsets on the same topics and partitions",
        }
    }

    pub fn needs_value(self) -> bool {
        !matches!(self, Self::Earliest | Self::Latest | Self::ToCurrent)
    }

    /// Reads the value typed for this strategy: the one parser behind the flags and the forms.
    pub fn parse(self, value: &str, zone: &TimeZone, zone_name: &str) -> Result<ResetStrategy, ParseError> {
        Ok(match self {
            Self::Earliest => ResetStrategy::Earliest,
            Self::Latest => ResetStrategy::Latest,
            Self::ToOffset => ResetStrategy::ToOffset(parse_offset(value)?),
            Self::ToDatetime => {
                ResetStrategy::ToDatetime { at: parse_datetime(value, zone)?, zone: zone_name.to_owned() }
            }
            Self::ByDuration => ResetStrategy::ByDuration(parse_duration(value)?),
            Self::ToTimestamp => ResetStrategy::ToTimestamp(parse_timestamp_ms(value)?),
            Self::ShiftBy => ResetStrategy::ShiftBy(parse_shift(value)?),
            Self::ToCurrent => ResetStrategy::ToCurrent,
            Self::FromGroup => ResetStrategy::FromGroup { group: value.trim().to_owned(), instance: None },
            // A file's offsets are read by `offsets_csv::parse`, with line numbers; never typed as one value.
            Self::Pinned => return Err(ParseError::Offset(value.to_owned())),
        })
    }
}

impl ResetStrategy {
    pub fn kind(&self) -> StrategyKind {
        match self {
            Self::Earliest => StrategyKind::Earliest,
            Self::Latest => StrategyKind::Latest,
            Self::ToOffset(_) => StrategyKind::ToOffset,
            Self::ToDatetime { .. } => StrategyKind::ToDatetime,
            Self::ToTimestamp(_) => StrategyKind::ToTimestamp,
            Self::ByDuration(_) => StrategyKind::ByDuration,
            Self::ShiftBy(_) => StrategyKind::ShiftBy,
            Self::Pinned(_) | Self::FromFile { .. } => StrategyKind::Pinned,
            Self::ToCurrent => StrategyKind::ToCurrent,
            Self::FromGroup { .. } => StrategyKind::FromGroup,
        }
    }

    /// The time a time-based strategy resets to, in Unix ms; `now_ms` resolves a duration.
    pub fn time_ms(&self, now_ms: i64) -> Option<i64> {
        match self {
            Self::ToDatetime { at, .. } => Some(at.as_millisecond()),
            Self::ToTimestamp(ms) => Some(*ms),
            Self::ByDuration(d) => Some(now_ms.saturating_sub(d.as_millis().clamp(0, i64::MAX as i128) as i64)),
            _ => None,
        }
    }
}

/// A value that did not parse, with the formats that would.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ParseError {
    /// Not a datetime.
    #[error(
        "{0:?} is not a datetime; write RFC 3339 with an offset (2025-01-02T11:04:05+08:00) or YYYY-MM-DD HH:MM[:SS[.sss]] in the profile's zone"
    )]
    Datetime(String),
    /// Not a duration.
    #[error(
        "{0:?} is not a duration; write a positive span of at most 100 years: 6h, 90m, 2d, 45s, 1h30m or ISO 8601 PT6H"
    )]
    Duration(String),
    /// Not a usable offset.
    #[error("{0:?} is not an offset; write a whole number, 0 or more")]
    Offset(String),
    /// Not a usable shift.
    #[error("{0:?} is not a shift; write a non-zero whole number such as -500 or +1000")]
    Shift(String),
    /// Not a usable timestamp.
    #[error("{0:?} is not a timestamp; write Unix milliseconds, e.g. 1735787045000")]
    Timestamp(String),
}

/// Parses an offset: a whole number, 0 or more.
pub fn parse_offset(text: &str) -> Result<i64, ParseError> {
    text.trim().parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| ParseError::Offset(text.to_owned()))
}

/// Parses a shift: a non-zero whole number, sign optional.
pub fn parse_shift(text: &str) -> Result<i64, ParseError> {
    let t = text.trim();
    t.strip_prefix('+')
        .unwrap_or(t)
        .parse::<i64>()
        .ok()
        .filter(|n| *n != 0)
        .ok_or_else(|| ParseError::Shift(text.to_owned()))
}

/// Parses Unix milliseconds (after 2001 and before 2286, to catch seconds typed by mistake).
pub fn parse_timestamp_ms(text: &str) -> Result<i64, ParseError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1_000_000_000_000..10_000_000_000_000).contains(n))
        .ok_or_else(|| ParseError::Timestamp(text.to_owned()))
}

/// Parses a datetime: RFC 3339 with an offset, or `YYYY-MM-DD HH:MM[:SS[.sss]]` (or with `T`, as
/// kafka-consumer-groups' `YYYY-MM-DDTHH:mm:SS.sss`) read in `zone`.
pub fn parse_datetime(text: &str, zone: &TimeZone) -> Result<Timestamp, ParseError> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts);
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(dt) = jiff::civil::DateTime::strptime(fmt, t) {
            return dt.to_zoned(zone.clone()).map(|z| z.timestamp()).map_err(|_| ParseError::Datetime(text.to_owned()));
        }
    }
    Err(ParseError::Datetime(text.to_owned()))
}

/// Parses a duration: `6h`, `90m`, `2d`, `45s`, `1h30m`, or ISO 8601 `PT6H` / `P2D`. Must be positive.
pub fn parse_duration(text: &str) -> Result<SignedDuration, ParseError> {
    let t = text.trim();
    let err = || ParseError::Duration(text.to_owned());
    let d = if t.starts_with(['P', 'p']) {
        t.parse::<jiff::Span>()
            .ok()
            .and_then(|s| s.to_duration(jiff::SpanRelativeTo::days_are_24_hours()).ok())
            .ok_or_else(err)?
    } else {
        let mut total: i64 = 0;
        let mut num = String::new();
        for c in t.chars() {
            if c.is_ascii_digit() {
                num.push(c);
                continue;
            }
            let n: i64 = num.parse().map_err(|_| err())?;
            num.clear();
            let unit = match c {
                'd' => 86_400,
                'h' => 3_600,
                'm' => 60,
                's' => 1,
                _ => return Err(err()),
            };
            total = n.checked_mul(unit).and_then(|x| total.checked_add(x)).ok_or_else(err)?;
        }
        if !num.is_empty() || t.is_empty() {
            return Err(err());
        }
        SignedDuration::from_secs(total)
    };
    // A reset further back than a century is a typo, and past the calendar is no time at all.
    if d.is_positive() && d <= SignedDuration::from_hours(24 * 36_525) { Ok(d) } else { Err(err()) }
}

/// A time shown the way every echo shows it: in UTC and in the zone it was read in.
pub fn echo_time(at: Timestamp, zone: &TimeZone, zone_name: &str) -> String {
    let utc = at.strftime("%Y-%m-%d %H:%M:%S UTC");
    let local = at.to_zoned(zone.clone()).strftime("%Y-%m-%d %H:%M:%S");
    format!("{utc} ({local} {zone_name})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes() {
        let sh = TimeZone::get("Asia/Shanghai").unwrap();
        let want: Timestamp = "2025-01-02T03:04:05Z".parse().unwrap();
        assert_eq!(parse_datetime("2025-01-02 11:04:05", &sh).unwrap(), want);
        assert_eq!(parse_datetime("2025-01-02T11:04:05+08:00", &TimeZone::UTC).unwrap(), want);
        assert_eq!(
            parse_datetime("2025-01-02 03:04", &TimeZone::UTC).unwrap(),
            "2025-01-02T03:04:00Z".parse().unwrap()
        );
        // kafka-consumer-groups' form: no zone, milliseconds; read in the profile's zone like the others.
        let millis: Timestamp = "2025-01-02T03:04:05.123Z".parse().unwrap();
        assert_eq!(parse_datetime("2025-01-02T11:04:05.123", &sh).unwrap(), millis);
        assert_eq!(parse_datetime("2025-01-02 11:04:05.123", &sh).unwrap(), millis);
        assert_eq!(parse_datetime("2025-01-02T11:04:05.000", &sh).unwrap(), want);
        assert_eq!(parse_datetime("2025-01-02T11:04:05.123+08:00", &TimeZone::UTC).unwrap(), millis);
        for bad in ["2025-01-02T11:04:05.", "2025-01-02T11:04:05.12x", "2025-01-02T11:04.123"] {
            assert!(parse_datetime(bad, &sh).is_err(), "{bad}");
        }
        let e = parse_datetime("yesterday", &sh).unwrap_err().to_string();
        assert!(e.contains("RFC 3339") && e.contains("YYYY-MM-DD HH:MM"), "{e}");
        assert_eq!(
            echo_time(want, &sh, "Asia/Shanghai"),
            "2025-01-02 03:04:05 UTC (2025-01-02 11:04:05 Asia/Shanghai)"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("6h").unwrap(), SignedDuration::from_hours(6));
        assert_eq!(parse_duration("90m").unwrap(), SignedDuration::from_mins(90));
        assert_eq!(parse_duration("2d").unwrap(), SignedDuration::from_hours(48));
        assert_eq!(parse_duration("1h30m").unwrap(), SignedDuration::from_mins(90));
        assert_eq!(parse_duration("PT6H").unwrap(), SignedDuration::from_hours(6));
        for bad in ["", "6", "h", "-6h", "6x", "PT0S", "0h", "99999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn one_parser_and_one_offer_list() {
        let tz = TimeZone::UTC;
        assert_eq!(StrategyKind::ShiftBy.parse("-5", &tz, "UTC"), Ok(ResetStrategy::ShiftBy(-5)));
        assert!(StrategyKind::ToOffset.parse("-5", &tz, "UTC").is_err());
        assert!(StrategyKind::offered(TargetKind::Dts).contains(&StrategyKind::ToDatetime));
        assert!(StrategyKind::ToOffset.refusal(TargetKind::Dts).unwrap().contains("--to-offset"));
        assert!(StrategyKind::ShiftBy.refusal(TargetKind::Ckafka).is_none());
        for k in ALL_STRATEGIES {
            assert_eq!(k.parse("1735787045000", &tz, "UTC").map(|s| s.kind()).unwrap_or(*k), *k);
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_offset("42").unwrap(), 42);
        assert!(parse_offset("-1").is_err() && parse_offset("x").is_err());
        assert_eq!(parse_shift("+100").unwrap(), 100);
        assert_eq!(parse_shift("-5").unwrap(), -5);
        assert!(parse_shift("0").unwrap_err().to_string().contains("non-zero"));
        assert!(parse_timestamp_ms("1735787045").is_err(), "seconds, not ms");
        assert_eq!(parse_timestamp_ms("1735787045000").unwrap(), 1_735_787_045_000);
    }
}
