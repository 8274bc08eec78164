//! A group's status from its samples over the window, with rules chosen to be right where Burrow's misfire.
//!
//! In order, on the window's samples (the newest read at or before the window's start, and every read after it):
//!
//! 1. Too little to judge: no lag can be computed (no partition with both a committed offset and a log end), or
//!    fewer than [`Rules::min_samples`] reads: [`Status::Unknown`], never a guess.
//! 2. No lag now:
//!    - **IDLE** when neither a log end nor a committed offset moved over the window: nothing new and nothing to
//!      consume. Burrow calls this STOP (its consumer has not committed for the window); a consumer on an idle
//!      topic has nothing to commit.
//!    - **OK** otherwise: the group keeps up.
//! 3. Lag now:
//!    - **STOPPED** when the group has no members and no committed offset moved over the window. A group with no
//!      members whose offsets move is committed to from outside group management (Flink, Spark, `assign()`), so it
//!      goes on to the rules below.
//!    - **STALLED** when a partition with lag has a committed offset that has not moved for the *whole* window:
//!      the reads reach back at least a window and its committed offset was the same at every one. Whether
//!      producers write meanwhile does not matter: a backlog nobody reads is stalled. Burrow says OK if lag was
//!      zero at any point in the window, so a consumer that dies just after catching up stays OK until the lag
//!      at the window's start is no longer zero; here what counts is whether the commits move.
//!    - A consumer that commits in steps (every 5 minutes, say) is not stalled between its commits: it is STALLED
//!      only once a whole window passes without one, so the window must be longer than the slowest commit
//!      interval (10 minutes by default). While the reads do not yet reach back a window and the commits have not
//!      moved, the status is `Unknown` (too short), not STALLED and not OK.
//!    - **LAGGING** when commits move and the lag's floor rises: the least lag of the window's later half exceeds
//!      that of its earlier half by [`Rules::growth_min_messages`] and [`Rules::growth_fraction`] of the later
//!      floor. The floor (the lag right after the commits) is steady for a consumer that commits in steps and
//!      keeps up, where the lag's ends or its slope would swing with the commits' phase. Burrow's WARN asks for
//!      the lag to grow at every commit of the window, so a lag growing steadily with jitter never warns there.
//!    - **OK** otherwise.
//!
//! Members are the newest read's; when a read did not count them, the state says (EMPTY or DEAD: none). The state
//! itself (EMPTY, ACTIVE, REBALANCING, DEAD) is passed through beside the status, not folded into it.
//!
//! A known limit: transactional producers leave a commit marker at the log's end that some clients never commit
//! past, so an idle transactional topic shows a lag of 1 per partition that never moves: STALLED.

use std::time::Duration;

use super::rate::flow;
use super::sample::{GroupState, Offset, PartitionKey, Sample, values};
use super::{Rules, millis, window};

/// What the rules conclude.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Idle,
    Lagging,
    Stalled,
    Stopped,
    Unknown(Unjudged),
}

/// Why no status is claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unjudged {
    /// No partition has both a committed offset and a log end.
    NoLag,
    /// Fewer reads in the window than the rules ask for.
    TooFewSamples { have: usize, need: usize },
    /// Lag, commits not moving, and the reads do not reach back a whole window yet.
    TooShort { have: Duration, need: Duration },
    /// The reads span less than [`super::MIN_REACH`]: rates over seconds are noise.
    Brief,
}

impl Status {
    /// How much it needs someone, 0 the most: STALLED, STOPPED, LAGGING, UNKNOWN, OK, IDLE (the groups view sorts by
    /// it).
    pub fn severity(self) -> u8 {
        match self {
            Self::Stalled => 0,
            Self::Stopped => 1,
            Self::Lagging => 2,
            Self::Unknown(_) => 3,
            Self::Ok => 4,
            Self::Idle => 5,
        }
    }

    /// The word the views show.
    pub fn word(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Idle => "IDLE",
            Self::Lagging => "LAGGING",
            Self::Stalled => "STALLED",
            Self::Stopped => "STOPPED",
            Self::Unknown(_) => "UNKNOWN",
        }
    }
}

/// A group's status, its state word beside it, and the partitions that make it STALLED.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: Status,
    /// The newest read's state, passed through.
    pub state: GroupState,
    /// Partitions with lag whose committed offset has not moved for the whole window.
    pub stalled: Vec<PartitionKey>,
}

/// The group's status at its newest sample (`series` oldest first).
pub fn status(series: &[Sample], rules: &Rules) -> Verdict {
    let w = window(series, rules.window);
    let state = w.last().map_or(GroupState::Unknown, |s| s.state);
    let verdict = |status| Verdict { status, state, stalled: Vec::new() };
    let Some((now, lag)) = w.last().and_then(|s| Some((s, s.lag()?))) else {
        return verdict(Status::Unknown(Unjudged::NoLag));
    };
    if w.len() < rules.min_samples {
        return verdict(Status::Unknown(Unjudged::TooFewSamples { have: w.len(), need: rules.min_samples }));
    }
    if super::brief(series) {
        return verdict(Status::Unknown(Unjudged::Brief));
    }
    let keys: Vec<PartitionKey> = now.partitions.iter().map(|p| p.key()).collect();
    let moved = |which| keys.iter().any(|k| flow(w, k, which).moved());
    let commits_moved = moved(Offset::Committed);
    if lag <= 0 {
        return verdict(if moved(Offset::End) || commits_moved { Status::Ok } else { Status::Idle });
    }
    if now.has_no_members() && !commits_moved {
        return verdict(Status::Stopped);
    }
    let whole_window = now.at_ms - w[0].at_ms >= millis(rules.window);
    let mut stalled = Vec::new();
    // The longest any unmoved partition has been seen so, when none has been for a whole window.
    let mut unmoved: Option<i64> = None;
    for p in now.partitions.iter().filter(|p| p.lag().is_some_and(|l| l > 0)) {
        let key = p.key();
        let committed = values(w, &key, Offset::Committed);
        if committed.iter().any(|&(_, c)| Some(c) != p.committed) {
            continue;
        }
        let Some(&(seen, _)) = committed.first() else { continue };
        // Seen unchanged since the window's first read, which is at least a window old.
        if whole_window && seen == w[0].at_ms {
            stalled.push(key);
        }
        unmoved = unmoved.max(Some(now.at_ms - seen));
    }
    if !stalled.is_empty() {
        return Verdict { status: Status::Stalled, state, stalled };
    }
    if let Some(seen) = unmoved.filter(|_| !commits_moved) {
        let have = Duration::from_millis(seen.max(0) as u64);
        return verdict(Status::Unknown(Unjudged::TooShort { have, need: rules.window }));
    }
    verdict(if floor_rises(w, rules) || falls_behind(series, w, rules) { Status::Lagging } else { Status::Ok })
}

/// The slowest partition is consumed slower than it is produced over the window, and the group's lag grew over
/// it: LAGGING even when the floor rose less than `growth_fraction` of a large lag, since the ETA says "falling
/// behind" and the status must not say OK beside it.
fn falls_behind(series: &[Sample], w: &[Sample], rules: &Rules) -> bool {
    let behind =
        matches!(super::eta::group_eta(series, rules).eta, super::eta::Eta::FallingBehind { per_sec } if per_sec > 0.0);
    let grew = w.first().and_then(Sample::lag).zip(w.last().and_then(Sample::lag));
    behind && grew.is_some_and(|(a, b)| b - a >= rules.growth_min_messages.max(1))
}

/// Whether the least lag of the window's later half is above its earlier half's by the rules' thresholds.
fn floor_rises(w: &[Sample], rules: &Rules) -> bool {
    let (Some(first), Some(last)) = (w.first(), w.last()) else { return false };
    let mid = first.at_ms + (last.at_ms - first.at_ms) / 2;
    let floor = |half: &mut dyn Iterator<Item = &Sample>| half.filter_map(Sample::lag).min();
    let (Some(early), Some(late)) =
        (floor(&mut w.iter().filter(|s| s.at_ms < mid)), floor(&mut w.iter().filter(|s| s.at_ms >= mid)))
    else {
        return false;
    };
    let growth = late - early;
    growth >= rules.growth_min_messages && growth as f64 >= rules.growth_fraction * late as f64 && growth > 0
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{at, key, members, one, parts};
    use super::*;

    /// One partition read every 30 s, `n` reads, (committed, end) from the read's index.
    fn series(n: i64, f: impl Fn(i64) -> (i64, i64)) -> Vec<Sample> {
        one(30, &(0..n).map(f).collect::<Vec<_>>())
    }

    fn judge(s: &[Sample]) -> Status {
        status(s, &Rules::default()).status
    }

    #[test]
    fn ok_when_commits_keep_up() {
        // 10/s written, read within a few hundred messages at every read.
        assert_eq!(judge(&series(30, |i| (i * 300 - 200 * (i % 2), i * 300))), Status::Ok);
        assert_eq!(judge(&series(30, |i| (i * 300, i * 300))), Status::Ok, "caught up while the topic is written");
    }

    #[test]
    fn idle_when_nothing_is_written_and_nothing_is_left() {
        let idle = series(30, |_| (500, 500));
        assert_eq!(judge(&idle), Status::Idle);
        // Burrow's false STOP: no commit for the whole window, yet nothing to commit. Not STOPPED, not STALLED,
        // with or without members.
        assert_eq!(judge(&members(idle.clone(), 0)), Status::Idle);
        assert_eq!(status(&members(idle, 0), &Rules::default()).state, GroupState::Empty, "the state passes through");
    }

    #[test]
    fn stalled_when_a_partition_with_lag_has_not_moved_for_a_whole_window() {
        // Members present, the committed offset stuck at 1000 for 15 minutes while the log grows.
        let s = series(31, |i| (1000, 1000 + i * 300));
        let v = status(&s, &Rules::default());
        assert_eq!((v.status, v.stalled), (Status::Stalled, vec![key(0)]));
        // Also with nothing being written: a backlog nobody reads.
        assert_eq!(judge(&series(31, |_| (1000, 5000))), Status::Stalled);
        // One stuck partition of two stalls the group, and is named.
        let s: Vec<Sample> = (0..31)
            .map(|i| at(i * 30, parts(&[(Some(i * 300), Some(0), Some(i * 300)), (Some(7), Some(0), Some(90))])))
            .collect();
        assert_eq!(status(&s, &Rules::default()).stalled, vec![key(1)]);
    }

    #[test]
    fn stopped_when_no_member_is_left_and_lag_is() {
        assert_eq!(judge(&members(series(5, |i| (1000, 1000 + i * 300)), 0)), Status::Stopped);
        // Members not counted (a listing) but the state says EMPTY.
        let mut s = series(5, |i| (1000, 1000 + i * 300));
        for r in &mut s {
            (r.members, r.state) = (None, GroupState::Empty);
        }
        assert_eq!(judge(&s), Status::Stopped);
        // No members, yet the offsets move: committed from outside group management, not stopped.
        assert_eq!(judge(&members(series(30, |i| (i * 300, i * 300 + 100)), 0)), Status::Ok);
    }

    #[test]
    fn lagging_when_the_lag_floor_rises_while_commits_move() {
        // Burrow's WARN that never fires: the lag grows about 50 a read, but with jitter it falls at every other
        // read, so it never grows at every commit of the window. Here it is LAGGING.
        let s = series(30, |i| (i * 250 - 100 * (i % 2), i * 300));
        let lags: Vec<i64> = s.iter().map(|s| s.lag().unwrap()).collect();
        assert!(lags.windows(2).any(|w| w[1] < w[0]), "the lag does not grow at every read");
        assert_eq!(judge(&s), Status::Lagging);
        // A lag of 3 becoming 8 is noise, not an alarm.
        assert_eq!(judge(&series(30, |i| (i * 300, i * 300 + 3 + i / 6))), Status::Ok);
    }

    #[test]
    fn a_consumer_that_stopped_after_touching_zero_lag_is_not_ok() {
        // Caught up at the window's start (Burrow: lag was zero in the window, so OK), then it stopped: its
        // committed offset stays at 3000 while the log grows.
        let s = series(21, |i| (3000, 3000 + i * 100));
        assert_eq!(window(&s, Rules::default().window)[0].lag(), Some(0), "zero lag at the window's start");
        assert_eq!(judge(&s), Status::Stalled, "members still in the group");
        assert_eq!(judge(&members(s, 0)), Status::Stopped, "members gone");
    }

    #[test]
    fn commits_every_five_minutes_do_not_flap_to_stalled() {
        // 10/s written, read every 30 s, committed only every 5 minutes (to the end at that moment): between two
        // commits the committed offset does not move for up to 4.5 minutes and the lag climbs to 2700.
        let s = series(121, |i| (i / 10 * 3000, i * 300));
        for n in 21..=s.len() {
            assert_eq!(judge(&s[..n]), Status::Ok, "at read {n}");
        }
        // The same consumer stops committing after its commit at 30 minutes: STALLED once a window has passed.
        let stops = series(121, |i| ((i / 10).min(6) * 3000, i * 300));
        let first_stalled = (21..=stops.len()).find(|&n| judge(&stops[..n]) == Status::Stalled).unwrap();
        assert_eq!(stops[first_stalled - 1].at_ms, (30 + 10) * 60_000, "ten minutes after the last commit");
    }

    #[test]
    fn too_little_to_judge_is_said() {
        assert_eq!(judge(&series(2, |i| (i, 5))), Status::Unknown(Unjudged::TooFewSamples { have: 2, need: 3 }));
        assert_eq!(
            judge(&series(9, |i| (100, 100 + i))),
            Status::Unknown(Unjudged::TooShort { have: Duration::from_secs(240), need: Duration::from_secs(600) }),
            "four minutes without a commit may be a slow committer"
        );
        let unread = vec![at(0, parts(&[(None, Some(0), Some(9))])); 3];
        assert_eq!(judge(&unread), Status::Unknown(Unjudged::NoLag));
        assert_eq!(judge(&[]), Status::Unknown(Unjudged::NoLag));
    }

    #[test]
    fn the_state_word_passes_through() {
        let mut s = series(30, |i| (i * 300, i * 300));
        s.last_mut().unwrap().state = GroupState::Rebalancing;
        let v = status(&s, &Rules::default());
        assert_eq!((v.status, v.state.word()), (Status::Ok, "REBALANCING"));
    }
}
