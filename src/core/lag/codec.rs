//! How a group's samples are kept on disk, and which are kept: pure (no I/O), so the format and the bound are tested
//! from fixtures.
//!
//! A file is a header line naming the group, then one line per sample, oldest first:
//! `AT MEMBERS STATE TOPIC PARTITION:COMMITTED:START:END …`, each number after a file's first sample written as the
//! change from the same partition's value in the line before (`+5`, `-3`, `=` for no change), `_` for "not read".
//! A line cut short by a crash is not a sample: it is dropped when read, with everything after it.

use std::collections::HashMap;
use std::fmt::Write;
use std::time::Duration;

use super::sample::{GroupState, PartitionSample, Sample};

/// A format version: a file of another version is read as empty (and written anew), never misread.
const MAGIC: &str = "offsetdeck-samples 1";

/// Above this many partitions a sample keeps per topic the sums over its partitions (partition [`TOPIC_SUM`]): a
/// day of a 100,000-partition group's samples would be gigabytes. The rates, ETA and status are then the topic's.
pub const MAX_PARTITIONS: usize = 1_000;

/// The partition number of a topic's sums.
pub const TOPIC_SUM: i32 = -1;

/// The sample as kept: per partition, or summed per topic past [`MAX_PARTITIONS`].
pub fn kept(sample: &Sample) -> Sample {
    if sample.partitions.len() <= MAX_PARTITIONS {
        return sample.clone();
    }
    let mut sums: Vec<PartitionSample> = Vec::new();
    for p in &sample.partitions {
        if sums.last().is_none_or(|s| s.topic != p.topic) {
            let topic = p.topic.clone();
            sums.push(PartitionSample {
                topic,
                partition: TOPIC_SUM,
                committed: Some(0),
                start: Some(0),
                end: Some(0),
            });
        }
        let s = sums.last_mut().expect("a topic's sum exists");
        // A sum is only as known as its least known part: one unread partition makes the topic's figure unknown.
        // Only partitions with a commit count, so the sum's lag is the sum of the partitions' lags.
        if p.committed.is_none() {
            continue;
        }
        let add = |a: Option<i64>, b: Option<i64>| Some(a?.saturating_add(b?));
        (s.committed, s.start, s.end) = (add(s.committed, p.committed), add(s.start, p.start), add(s.end, p.end));
    }
    Sample { partitions: sums, ..sample.clone() }
}

/// The header line of a group's file.
pub fn header(group: &str) -> String {
    format!("{MAGIC} {group}\n")
}

/// One sample as a line, its numbers relative to `previous` (the line before it in the file).
pub fn line(sample: &Sample, previous: Option<&Sample>) -> String {
    let mut out = String::with_capacity(32 + sample.partitions.len() * 16);
    let members = sample.members.map_or("_".to_owned(), |m| m.to_string());
    let _ = write!(out, "{} {} {}", sample.at_ms, members, letter(sample.state));
    let before: HashMap<(&str, i32), &PartitionSample> = previous
        .map(|p| p.partitions.iter().map(|x| ((x.topic.as_str(), x.partition), x)).collect())
        .unwrap_or_default();
    let mut topic = None;
    // Names from the services are Kafka names (checked where they enter); a name that is not one word could not be
    // read back, so its partitions are not kept.
    for p in sample.partitions.iter().filter(|p| plain(&p.topic)) {
        if topic != Some(p.topic.as_str()) {
            let _ = write!(out, " {}", p.topic);
            topic = Some(p.topic.as_str());
        }
        let was = before.get(&(p.topic.as_str(), p.partition));
        let num = |now: Option<i64>, then: Option<i64>| match (now, then) {
            (None, _) => "_".to_owned(),
            (Some(n), Some(t)) if n == t => "=".to_owned(),
            (Some(n), Some(t)) => format!("{:+}", n.saturating_sub(t)),
            (Some(n), None) => n.to_string(),
        };
        let _ = write!(
            out,
            " {}:{}:{}:{}",
            p.partition,
            num(p.committed, was.and_then(|w| w.committed)),
            num(p.start, was.and_then(|w| w.start)),
            num(p.end, was.and_then(|w| w.end)),
        );
    }
    out.push('\n');
    out
}

fn plain(name: &str) -> bool {
    !name.is_empty() && !name.contains(|c: char| c == ':' || c.is_whitespace() || c.is_control())
}

/// A whole file for `group`'s samples.
pub fn file(group: &str, series: &[Sample]) -> String {
    let mut out = header(group);
    for (i, s) in series.iter().enumerate() {
        out.push_str(&line(s, i.checked_sub(1).map(|j| &series[j])));
    }
    out
}

/// The samples of a file, if it is `group`'s in this format; a line that does not read (a torn write) ends them.
pub fn read(text: &str, group: &str) -> Vec<Sample> {
    read_whole(text, group).0
}

/// [`read`], and whether the whole text was read (else the file is to be written anew, not appended to).
pub fn read_whole(text: &str, group: &str) -> (Vec<Sample>, bool) {
    let mut lines = text.split_inclusive('\n');
    if lines.next() != Some(header(group).as_str()) {
        return (Vec::new(), false);
    }
    let mut out: Vec<Sample> = Vec::new();
    for l in lines {
        let Some(l) = l.strip_suffix('\n') else { return (out, false) };
        match parse(l, out.last()) {
            Some(s) if out.last().is_none_or(|p| p.at_ms <= s.at_ms) => out.push(s),
            _ => return (out, false),
        }
    }
    (out, true)
}

fn parse(line: &str, previous: Option<&Sample>) -> Option<Sample> {
    let mut words = line.split(' ');
    let at_ms = words.next()?.parse().ok()?;
    let members = match words.next()? {
        "_" => None,
        m => Some(m.parse().ok()?),
    };
    let state = state(words.next()?)?;
    let before: HashMap<(&str, i32), &PartitionSample> = previous
        .map(|p| p.partitions.iter().map(|x| ((x.topic.as_str(), x.partition), x)).collect())
        .unwrap_or_default();
    let mut partitions = Vec::new();
    let mut topic: Option<&str> = None;
    for w in words {
        let Some((p, rest)) = w.split_once(':') else {
            if w.is_empty() {
                return None;
            }
            topic = Some(w);
            continue;
        };
        let topic = topic?;
        let partition: i32 = p.parse().ok()?;
        let was = before.get(&(topic, partition));
        let mut nums = rest.split(':');
        let mut next = |then: Option<i64>| -> Option<Option<i64>> {
            match nums.next()? {
                "_" => Some(None),
                "=" => Some(Some(then?)),
                d if d.starts_with('+') || d.starts_with('-') => Some(Some(then?.checked_add(d.parse::<i64>().ok()?)?)),
                n => Some(Some(n.parse().ok()?)),
            }
        };
        let committed = next(was.and_then(|w| w.committed))?;
        let start = next(was.and_then(|w| w.start))?;
        let end = next(was.and_then(|w| w.end))?;
        if nums.next().is_some() {
            return None;
        }
        partitions.push(PartitionSample { topic: topic.to_owned(), partition, committed, start, end });
    }
    Some(Sample::new(at_ms, members, state, partitions))
}

fn letter(s: GroupState) -> char {
    match s {
        GroupState::Empty => 'E',
        GroupState::Active => 'A',
        GroupState::Rebalancing => 'R',
        GroupState::Dead => 'D',
        GroupState::Unknown => 'U',
    }
}

fn state(w: &str) -> Option<GroupState> {
    Some(match w {
        "E" => GroupState::Empty,
        "A" => GroupState::Active,
        "R" => GroupState::Rebalancing,
        "D" => GroupState::Dead,
        "U" => GroupState::Unknown,
        _ => return None,
    })
}

/// How long samples are kept, and how densely by age: what the rates and status need at full density (the newest
/// [`Keep::dense`]), then one sample per [`Keep::step`] (growing with age) up to [`Keep::horizon`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Keep {
    pub dense: Duration,
    pub horizon: Duration,
    /// The most bytes a group's file may hold; past it the oldest samples go first.
    pub max_bytes: usize,
}

impl Default for Keep {
    fn default() -> Self {
        // Two status windows at full density; a day in all; 32 KiB a group (320 MB at 10,000 groups at most).
        Self { dense: Duration::from_secs(20 * 60), horizon: Duration::from_secs(24 * 3600), max_bytes: 32 << 10 }
    }
}

impl Keep {
    /// The least spacing between kept samples of this age: none while dense, then 5 minutes, 30 past 6 hours.
    fn step(&self, age: Duration) -> Duration {
        if age <= self.dense {
            Duration::ZERO
        } else if age <= Duration::from_secs(6 * 3600) {
            Duration::from_secs(300)
        } else {
            Duration::from_secs(1800)
        }
    }
}

/// The samples kept of `series` (oldest first) as of its newest: none older than the horizon, older ones thinned
/// by [`Keep::step`], and the oldest dropped until the file fits [`Keep::max_bytes`]. The newest is always kept.
pub fn thin(series: Vec<Sample>, keep: &Keep) -> Vec<Sample> {
    let Some(newest) = series.last().map(|s| s.at_ms) else { return series };
    let age = |s: &Sample| Duration::from_millis(newest.saturating_sub(s.at_ms).max(0) as u64);
    let mut out: Vec<Sample> = Vec::with_capacity(series.len());
    let count = series.len();
    for (i, s) in series.into_iter().enumerate() {
        let a = age(&s);
        if a > keep.horizon && i + 1 < count {
            continue;
        }
        let gap = out.last().map(|p: &Sample| Duration::from_millis((s.at_ms - p.at_ms).max(0) as u64));
        if i + 1 < count && gap.is_some_and(|g| g < keep.step(a)) {
            continue;
        }
        out.push(s);
    }
    while out.len() > 1 && file_len(&out) > keep.max_bytes {
        out.remove(0);
    }
    out
}

fn file_len(series: &[Sample]) -> usize {
    series.iter().enumerate().map(|(i, s)| line(s, i.checked_sub(1).map(|j| &series[j])).len()).sum()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{at, parts};
    use super::*;

    fn series(n: i64, step_secs: i64) -> Vec<Sample> {
        (0..n)
            .map(|i| at(i * step_secs, parts(&[(Some(100 + i), Some(0), Some(200 + 2 * i)), (None, None, Some(7))])))
            .collect()
    }

    #[test]
    fn a_file_reads_back_what_was_written() {
        let s = series(50, 30);
        let text = file("orders", &s);
        assert_eq!(read(&text, "orders"), s);
        assert!(text.lines().nth(2).unwrap().contains(":+1:=:+2"), "changes, not values: {text}");
        assert!(read(&text, "billing").is_empty(), "another group's file is not this group's");
        assert!(read("offsetdeck-samples 0 orders\n", "orders").is_empty());
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_the_rest_kept() {
        let s = series(5, 30);
        let text = file("g", &s);
        let torn = &text[..text.len() - 4];
        assert_eq!(read(torn, "g"), s[..4]);
        let garbage = format!("{text}12 x\n{}", line(&series(6, 30)[5], Some(&s[4])));
        assert_eq!(read(&garbage, "g"), s, "nothing after a line that does not read");
    }

    #[test]
    fn old_samples_thin_out_and_a_file_stays_under_its_bound() {
        // Two days at one read every 30 s.
        let day2 = series(2 * 2880, 30);
        let kept = thin(day2, &Keep::default());
        let newest = kept.last().unwrap().at_ms;
        assert!(kept.first().unwrap().at_ms >= newest - 24 * 3600 * 1000, "nothing past a day");
        let dense = kept.iter().filter(|s| newest - s.at_ms <= 20 * 60 * 1000).count();
        assert_eq!(dense, 41, "every read of the last 20 minutes");
        assert!(kept.len() < 41 + 70 + 40, "then one per 5 and per 30 minutes: {}", kept.len());
        let bytes = file("g", &kept).len();
        assert!(bytes <= Keep::default().max_bytes + 64, "{bytes}");
        let tight = Keep { max_bytes: 2_000, ..Keep::default() };
        let small = thin(kept.clone(), &tight);
        assert!(file("g", &small).len() <= 2_000 + 64 && small.last() == kept.last(), "the newest always stays");
    }

    #[test]
    fn a_huge_group_is_kept_as_sums_per_topic() {
        let mut many: Vec<PartitionSample> = (0..5_000)
            .map(|p| PartitionSample {
                topic: "big".into(),
                partition: p,
                committed: Some(10),
                start: Some(0),
                end: Some(15),
            })
            .collect();
        many[3].committed = None;
        many.push(PartitionSample {
            topic: "small".into(),
            partition: 0,
            committed: Some(1),
            start: Some(0),
            end: Some(4),
        });
        let s = kept(&Sample::new(0, Some(1), GroupState::Active, many));
        assert_eq!(s.partitions.len(), 2);
        assert_eq!((s.partitions[0].committed, s.partitions[0].end), (Some(49_990), Some(74_985)));
        assert_eq!(s.lag(), Some(4_999 * 5 + 3), "the sums' lag is the partitions' lag");
        assert_eq!(s.partitions[0].partition, TOPIC_SUM);
    }
}
