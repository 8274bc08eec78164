//! Plans: from the live state and what the user asked, the exact calls to make and what each partition will become.

use serde::Serialize;
use thiserror::Error;

use super::target::Target;
use crate::core::live::{GroupSnapshot, TimeTarget};
use crate::core::strategy::{ResetStrategy, beijing};
use crate::providers::request::ApiRequest;
use crate::providers::{huawei, tencent};

/// One partition in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: i32,
    /// Committed offset now.
    pub current: Option<i64>,
    /// Log start now.
    pub start: Option<i64>,
    /// Log end now.
    pub end: Option<i64>,
    /// The committed offset (reset) or new log start (delete messages) after the call, when computable.
    pub target: Option<i64>,
    /// Whether the target was clamped to the log's bounds.
    pub clamped: bool,
    /// When the message at the target was written (Unix ms), where the cloud's API tells it.
    pub target_time_ms: Option<i64>,
}

impl Row {
    /// Lag before the write.
    pub fn lag_now(&self) -> Option<i64> {
        Some(self.end? - self.current?)
    }

    /// Lag after the write.
    pub fn lag_after(&self) -> Option<i64> {
        Some(self.end? - self.target?)
    }

    /// Messages consumed again (target below the committed offset) as a negative number, or skipped as a positive one.
    pub fn moves_by(&self) -> Option<i64> {
        Some(self.target? - self.current?)
    }

    /// The move in words: `replay 120`, `skip 40`, `no change`, or `?` when not known before the call.
    pub fn effect(&self) -> String {
        match self.moves_by() {
            Some(0) => "no change".into(),
            Some(n) if n < 0 => format!("replay {}", -n),
            Some(n) => format!("skip {n}"),
            None => "?".into(),
        }
    }
}

/// What will run.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// What kind of write it is.
    pub kind: PlanKind,
    /// The group as the API names it (none for message deletes).
    pub group: Option<String>,
    /// One line in plain words.
    pub summary: String,
    /// The calls, in order.
    #[serde(serialize_with = "calls_as_text")]
    pub calls: Vec<ApiRequest>,
    /// Per partition.
    pub rows: Vec<Row>,
    /// Things the user should know.
    pub notes: Vec<String>,
}

/// The kinds of write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    /// Move committed offsets.
    Reset,
    /// Forget committed offsets.
    DeleteOffsets,
    /// Delete messages before an offset.
    DeleteMessages,
}

impl Plan {
    /// Total lag before and after, when every partition's is known.
    pub fn lag_totals(&self) -> Option<(i64, i64)> {
        self.rows.iter().try_fold((0, 0), |(n, a), r| Some((n + r.lag_now()?, a + r.lag_after()?)))
    }

    /// Messages replayed and skipped in all, over the partitions whose target is known.
    pub fn totals(&self) -> (i64, i64) {
        self.rows.iter().filter_map(Row::moves_by).fold((0, 0), |(r, k), n| if n < 0 { (r - n, k) } else { (r, k + n) })
    }
}

fn calls_as_text<S: serde::Serializer>(calls: &[ApiRequest], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(calls.iter().map(|c| c.to_string()))
}

/// Why no plan could be made.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PlanError {
    /// The provider cannot do this at all.
    #[error("{0}")]
    Unsupported(String),
    /// The request names something that does not exist live.
    #[error("{0}")]
    NotFound(String),
    /// The live state lacks what the plan needs.
    #[error("{0}")]
    MissingData(String),
}

/// Clamps to the log's bounds where known; says whether it clamped.
pub(super) fn clamp(v: i64, start: Option<i64>, end: Option<i64>) -> (i64, bool) {
    let lo = start.unwrap_or(i64::MIN);
    let hi = end.unwrap_or(i64::MAX);
    let c = v.clamp(lo, hi.max(lo));
    (c, c != v)
}

impl Row {
    /// A row for a partition as it is now, with no target yet.
    fn from_live(p: &crate::core::live::PartitionState) -> Self {
        Self {
            topic: p.topic.clone(),
            partition: p.partition,
            current: p.committed,
            start: p.start,
            end: p.end,
            target: None,
            clamped: false,
            target_time_ms: None,
        }
    }
}

/// The partitions to act on: the chosen ones (each must exist live), or all.
fn select(snapshot: &GroupSnapshot, topic: &str, chosen: &[i32]) -> Result<Vec<Row>, PlanError> {
    let live: Vec<Row> = snapshot.partitions.iter().filter(|p| p.topic == topic).map(Row::from_live).collect();
    if live.is_empty() {
        return Err(PlanError::NotFound(format!("the group has no partitions of topic `{topic}` live")));
    }
    if chosen.is_empty() {
        return Ok(live);
    }
    chosen
        .iter()
        .map(|c| {
            live.iter().find(|r| r.partition == *c).cloned().ok_or_else(|| {
                let have: Vec<String> = live.iter().map(|r| r.partition.to_string()).collect();
                PlanError::NotFound(format!("topic `{topic}` has no partition {c}; it has {}", have.join(", ")))
            })
        })
        .collect()
}

/// What a reset was asked to do.
#[derive(Debug, Clone)]
pub struct ResetRequest<'a> {
    /// The group, as the API names it.
    pub group: &'a str,
    /// The topic.
    pub topic: &'a str,
    /// Chosen partitions; empty for all.
    pub partitions: &'a [i32],
    /// Where to move.
    pub strategy: &'a ResetStrategy,
    /// Now, to resolve `--by-duration`.
    pub now_ms: i64,
    /// The profile's zone, for echoing times.
    pub zone_name: &'a str,
    /// For time-based strategies: where the time lands per partition, read before planning (may be empty).
    pub time_targets: &'a [TimeTarget],
}

/// The time a strategy resets to, in Unix ms, for the time-based ones.
pub fn strategy_time_ms(strategy: &ResetStrategy, now_ms: i64) -> Option<i64> {
    match strategy {
        ResetStrategy::ToDatetime { at, .. } => Some(at.as_millisecond()),
        ResetStrategy::ToTimestamp(ms) => Some(*ms),
        ResetStrategy::ByDuration(d) => Some(now_ms - d.as_millis() as i64),
        _ => None,
    }
}

/// Plans a reset from the live snapshot.
pub fn reset(target: &Target<'_>, snapshot: &GroupSnapshot, req: &ResetRequest<'_>) -> Result<Plan, PlanError> {
    let ResetRequest { group, topic, partitions: chosen, strategy, now_ms, zone_name, time_targets } = *req;
    let mut rows = select(snapshot, topic, chosen)?;
    let all = chosen.is_empty();
    let time_ms = strategy_time_ms(strategy, now_ms);
    // Targets computable from the live state, for the preview (and for Huawei, the calls themselves).
    for r in &mut rows {
        let want = match strategy {
            ResetStrategy::Earliest => r.start,
            ResetStrategy::Latest => r.end,
            ResetStrategy::ToOffset(n) => Some(*n),
            ResetStrategy::ShiftBy(n) => r.current.map(|c| c.saturating_add(*n)),
            _ => time_targets.iter().find(|t| t.topic == r.topic && t.partition == r.partition).map(|t| {
                r.target_time_ms = t.message_ms;
                t.offset
            }),
        };
        if let Some(w) = want {
            let (t, c) = clamp(w, r.start, r.end);
            (r.target, r.clamped) = (Some(t), c);
        }
    }
    let mut notes = Vec::new();
    if let Some(ms) = time_ms {
        let zone = jiff::tz::TimeZone::get(zone_name).unwrap_or(jiff::tz::TimeZone::UTC);
        let times: Vec<i64> = rows.iter().filter_map(|r| r.target_time_ms).collect();
        if let (Some(lo), Some(hi)) = (times.iter().min(), times.iter().max()) {
            let show = |ms: i64| {
                jiff::Timestamp::from_millisecond(ms)
                    .map(|t| crate::core::strategy::echo_time(t, &zone, zone_name))
                    .unwrap_or_default()
            };
            let range = if lo == hi { show(*lo) } else { format!("{} to {}", show(*lo), show(*hi)) };
            notes.push(format!("the messages at the targets were written {range}"));
        } else if time_targets.is_empty() {
            notes.push("time-based: the service moves each partition to the first message at or after the time".into());
        }
        if matches!(strategy, ResetStrategy::ByDuration(_) | ResetStrategy::ToTimestamp(_)) {
            let at = jiff::Timestamp::from_millisecond(ms).map_err(|e| PlanError::Unsupported(e.to_string()))?;
            let zone = jiff::tz::TimeZone::get(zone_name).unwrap_or(jiff::tz::TimeZone::UTC);
            notes.push(format!("the time is {}", crate::core::strategy::echo_time(at, &zone, zone_name)));
        }
    }
    let parts: Vec<i32> = rows.iter().map(|r| r.partition).collect();
    let calls = match target {
        Target::Huawei(acc, inst) => {
            let per_partition = |rows: &[Row], what: &str| -> Result<Vec<ApiRequest>, PlanError> {
                rows.iter()
                    .map(|r| {
                        let t = r.target.ok_or_else(|| {
                            PlanError::MissingData(format!(
                                "partition {} has no {what}; cannot compute its target",
                                r.partition
                            ))
                        })?;
                        Ok(huawei::reset_offset(
                            acc,
                            &inst.id,
                            group,
                            topic,
                            r.partition,
                            huawei::ResetTarget::Offset(t),
                        ))
                    })
                    .collect()
            };
            match (strategy, time_ms) {
                (_, Some(ms)) if all => {
                    vec![huawei::reset_offset(acc, &inst.id, group, topic, -1, huawei::ResetTarget::Timestamp(ms))]
                }
                (_, Some(ms)) => parts
                    .iter()
                    .map(|p| huawei::reset_offset(acc, &inst.id, group, topic, *p, huawei::ResetTarget::Timestamp(ms)))
                    .collect(),
                (ResetStrategy::ToOffset(n), _) if all => {
                    vec![huawei::reset_offset(acc, &inst.id, group, topic, -1, huawei::ResetTarget::Offset(*n))]
                }
                (ResetStrategy::ShiftBy(_), _) => per_partition(&rows, "committed offset")?,
                _ => per_partition(&rows, "known log bounds")?,
            }
        }
        Target::Ckafka(acc, inst) => {
            let how = match (strategy, time_ms) {
                (_, Some(ms)) => tencent::Modify::Timestamp(ms),
                (ResetStrategy::Earliest, _) => tencent::Modify::Timestamp(-2),
                (ResetStrategy::Latest, _) => tencent::Modify::Timestamp(-1),
                (ResetStrategy::ToOffset(n), _) => tencent::Modify::Offset(*n),
                (ResetStrategy::ShiftBy(n), _) => tencent::Modify::Shift(*n),
                _ => unreachable!("every strategy is covered"),
            };
            let filter: &[i32] = if all { &[] } else { &parts };
            vec![tencent::modify_group_offsets(acc, &inst.id, group, &[topic.to_owned()], filter, how)]
        }
        Target::Dts(acc, sub) => {
            let mode = match (strategy, time_ms) {
                (ResetStrategy::Earliest, _) => tencent::DtsReset::Earliest,
                (ResetStrategy::Latest, _) => tencent::DtsReset::Latest,
                (_, Some(ms)) => {
                    let at =
                        jiff::Timestamp::from_millisecond(ms).map_err(|e| PlanError::Unsupported(e.to_string()))?;
                    notes.push(format!(
                        "DTS is sent the Beijing time {:?} and moves to the checkpoint before it",
                        beijing(at)
                    ));
                    tencent::DtsReset::Datetime(beijing(at))
                }
                _ => {
                    return Err(PlanError::Unsupported(
                        "DTS subscriptions support only --to-earliest, --to-latest and a time (--to-datetime, --to-timestamp, --by-duration)".into(),
                    ));
                }
            };
            if matches!(strategy, ResetStrategy::Earliest) {
                notes.push(
                    "DTS does not publish log start offsets; the earliest target is known only after the call".into(),
                );
            }
            vec![tencent::reset_consumer_group_offset(acc, &sub.subscribe_id, topic, group, &parts, &mode)]
        }
    };
    let summary = format!(
        "reset group `{group}` on {} `{}` (account {}), topic `{topic}`, {}: {}",
        target.kind(),
        target.name(),
        target.account(),
        if all { "all partitions".to_owned() } else { format!("partitions {parts:?}") },
        describe_strategy(strategy)
    );
    Ok(Plan { kind: PlanKind::Reset, group: Some(group.to_owned()), summary, calls, rows, notes })
}

/// A strategy in words.
pub fn describe_strategy(s: &ResetStrategy) -> String {
    match s {
        ResetStrategy::Earliest => "to the earliest offset".into(),
        ResetStrategy::Latest => "to the latest offset (skip everything unread)".into(),
        ResetStrategy::ToOffset(n) => format!("to offset {n}"),
        ResetStrategy::ToDatetime { at, zone } => {
            let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
            format!("to the time {}", crate::core::strategy::echo_time(*at, &tz, zone))
        }
        ResetStrategy::ToTimestamp(ms) => format!("to the time {ms} ms since the epoch"),
        ResetStrategy::ByDuration(d) => format!("to {d:#} ago"),
        ResetStrategy::ShiftBy(n) => format!("shift by {n:+}"),
    }
}

/// Plans deleting the group's committed offsets for topics (Huawei only).
pub fn delete_offsets(
    target: &Target<'_>,
    group: &str,
    snapshot: &GroupSnapshot,
    topics: &[String],
) -> Result<Plan, PlanError> {
    let Target::Huawei(acc, inst) = target else {
        return Err(PlanError::Unsupported(format!(
            "deleting committed offsets is a Huawei DMS API; `{}` is {}",
            target.name(),
            target.kind()
        )));
    };
    let rows: Vec<Row> = snapshot.partitions.iter().filter(|p| topics.contains(&p.topic)).map(Row::from_live).collect();
    let summary = format!(
        "delete the committed offsets of group `{group}` on huawei `{}` (account {}) for topics {}",
        inst.name,
        acc.name,
        topics.join(", ")
    );
    let notes =
        vec!["the group will start from its auto.offset.reset position on these topics next time it runs".into()];
    let calls = vec![huawei::delete_offsets(acc, &inst.id, group, topics)];
    Ok(Plan { kind: PlanKind::DeleteOffsets, group: Some(group.to_owned()), summary, calls, rows, notes })
}

/// Plans deleting messages before an offset per partition (Huawei only). `None` means "to the end".
pub fn delete_messages(
    target: &Target<'_>,
    topic: &str,
    bounds: &[(i32, i64, i64)],
    wanted: &[(i32, Option<i64>)],
) -> Result<Plan, PlanError> {
    let Target::Huawei(acc, inst) = target else {
        return Err(PlanError::Unsupported(format!(
            "deleting messages is a Huawei DMS API; `{}` is {}",
            target.name(),
            target.kind()
        )));
    };
    let mut rows = Vec::new();
    let mut body = Vec::new();
    for (p, offset) in wanted {
        let Some(&(_, start, end)) = bounds.iter().find(|(bp, _, _)| bp == p) else {
            let have: Vec<String> = bounds.iter().map(|(bp, _, _)| bp.to_string()).collect();
            return Err(PlanError::NotFound(format!(
                "topic `{topic}` has no partition {p}; it has {}",
                have.join(", ")
            )));
        };
        let o = offset.unwrap_or(end);
        if o > end {
            return Err(PlanError::NotFound(format!("partition {p}: offset {o} is beyond the log end {end}")));
        }
        rows.push(Row {
            topic: topic.into(),
            partition: *p,
            current: None,
            start: Some(start),
            end: Some(end),
            target: Some(o.max(start)),
            clamped: o < start,
            target_time_ms: None,
        });
        body.push((*p, o));
    }
    let lost: i64 = rows.iter().map(|r| r.target.unwrap_or(0) - r.start.unwrap_or(0)).sum();
    let summary = format!(
        "delete {lost} messages from topic `{topic}` on huawei `{}` (account {}); this cannot be undone",
        inst.name, acc.name
    );
    let calls = vec![huawei::delete_messages(acc, &inst.id, topic, &body)];
    Ok(Plan { kind: PlanKind::DeleteMessages, group: None, summary, calls, rows, notes: Vec::new() })
}
