//! Planning a reset: per partition where it goes, and the calls that send exactly that.

use std::collections::BTreeMap;

use super::{Direction, Draft, Plan, PlanKind, Row, clamp, select};
use crate::core::live::{GroupSnapshot, TimeTarget};
use crate::core::strategy::{ResetStrategy, StrategyKind, echo_time};
use crate::engine::error::EngineError;
use crate::engine::safety::Refusal;
use crate::engine::target::Target;
use crate::providers::request::ApiRequest;
use crate::providers::{huawei, tencent};

/// What a reset was asked to do.
#[derive(Debug, Clone)]
pub struct ResetRequest<'a> {
    /// The group, as the API names it.
    pub group: &'a str,
    pub topic: &'a str,
    /// Chosen partitions; empty for all.
    pub partitions: &'a [i32],
    pub strategy: &'a ResetStrategy,
    /// Now, to resolve `--by-duration`.
    pub now_ms: i64,
    /// The profile's zone, for echoing times.
    pub zone_name: &'a str,
    /// For time-based strategies: where the time lands per partition, read before planning (may be empty). For
    /// DTS earliest, where the oldest checkpoint is.
    pub time_targets: &'a [TimeTarget],
    /// The partitions whose lookup failed, and why.
    pub unknown: &'a [(i32, String)],
}

/// Plans a reset from the live snapshot. Where every partition's target is known, the calls send exactly those
/// targets; where one is not, the calls send the strategy itself and the notes say the service picks.
pub fn reset(target: &Target<'_>, snapshot: &GroupSnapshot, req: &ResetRequest<'_>) -> Result<Plan, EngineError> {
    let ResetRequest { group, topic, partitions: chosen, strategy, now_ms, zone_name, time_targets, unknown } = *req;
    if let Some(why) = strategy.kind().refusal(target.kind()) {
        return Err(Refusal::Unsupported(why).into());
    }
    let mut rows = select(snapshot, topic, chosen)?;
    let all = chosen.is_empty();
    let mut notes = Vec::new();
    if matches!(strategy, ResetStrategy::ToCurrent) {
        // Nothing to keep where nothing is committed: a restore of this plan leaves those partitions alone.
        let none: Vec<String> = rows.iter().filter(|r| r.current.is_none()).map(|r| r.partition.to_string()).collect();
        if !none.is_empty() {
            notes.push(format!(
                "topic `{topic}` partitions {} have no committed offset and are left out",
                none.join(", ")
            ));
            rows.retain(|r| r.current.is_some());
        }
        if rows.is_empty() {
            return Err(EngineError::Input(format!("the group has no committed offset on topic `{topic}`")));
        }
    }
    let pins: std::collections::HashMap<(&str, i32), i64> = match strategy {
        ResetStrategy::Pinned(p) => p.iter().map(|p| ((p.topic.as_str(), p.partition), p.offset)).collect(),
        _ => Default::default(),
    };
    let time_ms = strategy.time_ms(now_ms);
    let by_partition: std::collections::HashMap<(&str, i32), &TimeTarget> =
        time_targets.iter().map(|t| ((t.topic.as_str(), t.partition), t)).collect();
    let looked_up = |r: &mut Row| {
        by_partition.get(&(r.topic.as_str(), r.partition)).map(|t| {
            r.target_time_ms = t.message_ms;
            t.offset
        })
    };
    for r in &mut rows {
        let want = match strategy {
            ResetStrategy::Earliest if matches!(target, Target::Dts(..)) => looked_up(r),
            ResetStrategy::Earliest => r.start,
            ResetStrategy::Latest => r.end,
            ResetStrategy::ToOffset(n) => Some(*n),
            ResetStrategy::ShiftBy(n) => r.current.map(|c| c.saturating_add(*n)),
            ResetStrategy::Pinned(_) => pins.get(&(r.topic.as_str(), r.partition)).copied(),
            ResetStrategy::ToCurrent => r.current,
            _ => looked_up(r),
        };
        if let Some(w) = want {
            let (t, c) = clamp(w, r.start, r.end);
            (r.target, r.clamped) = (Some(t), c);
        }
    }
    // A failed lookup is named: which partitions, and why; never a zero.
    let failed: std::collections::HashMap<i32, &str> = unknown.iter().map(|(p, why)| (*p, why.as_str())).collect();
    let mut reasons: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for r in rows.iter_mut().filter(|r| r.target.is_none()) {
        if let Some(why) = failed.get(&r.partition) {
            r.unknown = Some((*why).to_owned());
            reasons.entry(why).or_default().push(r.partition);
        }
    }
    for (why, parts) in &reasons {
        let parts: Vec<String> = parts.iter().map(i32::to_string).collect();
        notes.push(format!("UNKNOWN target: topic `{topic}` partition(s) {}: {why}", parts.join(", ")));
    }
    let known = rows.iter().all(|r| r.target.is_some());
    let zone = jiff::tz::TimeZone::get(zone_name).unwrap_or(jiff::tz::TimeZone::UTC);
    let show =
        |ms: i64| jiff::Timestamp::from_millisecond(ms).map(|t| echo_time(t, &zone, zone_name)).unwrap_or_default();
    if let Some(ms) = time_ms {
        let times: Vec<i64> = rows.iter().filter_map(|r| r.target_time_ms).collect();
        if let (Some(lo), Some(hi)) = (times.iter().min(), times.iter().max()) {
            let range = if lo == hi { show(*lo) } else { format!("{} to {}", show(*lo), show(*hi)) };
            notes.push(format!("the messages at the targets were written {range}"));
        }
        if matches!(strategy, ResetStrategy::ByDuration(_) | ResetStrategy::ToTimestamp(_)) {
            notes.push(format!("the time is {}", show(ms)));
        }
    }
    if !known {
        notes.push(match strategy {
            ResetStrategy::ShiftBy(_) => "a partition has no committed offset, so the service computes the shift".into(),
            _ => "where each partition lands is not known before the call: the service picks the targets (the first message at or after the time; the log's bounds for earliest and latest)".into(),
        });
    }
    let calls = match target {
        Target::Huawei(acc, inst) => {
            let send = |p: i32, t: huawei::ResetTarget| huawei::reset_offset(acc, &inst.id, group, topic, p, t);
            match (strategy, time_ms) {
                _ if known
                    && !(all && matches!(strategy, ResetStrategy::ToOffset(_)) && !rows.iter().any(|r| r.clamped)) =>
                {
                    per_row(&mut rows, |r| send(r.partition, huawei::ResetTarget::Offset(r.target.unwrap_or_default())))
                }
                (ResetStrategy::ToOffset(n), _) if all => vec![send(-1, huawei::ResetTarget::Offset(*n))],
                (_, Some(ms)) if all => vec![send(-1, huawei::ResetTarget::Timestamp(ms))],
                (_, Some(ms)) => per_row(&mut rows, |r| send(r.partition, huawei::ResetTarget::Timestamp(ms))),
                (ResetStrategy::ShiftBy(_), _) => {
                    let p = rows.iter().find(|r| r.target.is_none()).map_or(0, |r| r.partition);
                    return Err(EngineError::Input(format!(
                        "partition {p} has no committed offset, so a shift has nothing to start from; reset it to an offset or a time instead"
                    )));
                }
                _ => {
                    let p = rows.iter().find(|r| r.target.is_none()).map_or(0, |r| r.partition);
                    return Err(EngineError::Input(format!(
                        "partition {p}'s log bounds are not known, so its target cannot be computed; try again"
                    )));
                }
            }
        }
        Target::Ckafka(acc, inst) => {
            let topics = [topic.to_owned()];
            let send = |parts: &[i32], how| tencent::modify_group_offsets(acc, &inst.id, group, &topics, parts, how);
            if known {
                // Exact offsets, one call per distinct target: idempotent, and what the preview shows is what is set.
                let mut by_target: BTreeMap<i64, Vec<i32>> = BTreeMap::new();
                for r in &rows {
                    by_target.entry(r.target.unwrap_or_default()).or_default().push(r.partition);
                }
                let calls: Vec<(i64, Vec<i32>)> = by_target.into_iter().collect();
                for r in &mut rows {
                    r.call = calls.iter().position(|(t, _)| Some(*t) == r.target).unwrap_or(0);
                }
                calls.iter().map(|(t, parts)| send(parts, tencent::Modify::Offset(*t))).collect()
            } else {
                let parts: Vec<i32> = if all { Vec::new() } else { rows.iter().map(|r| r.partition).collect() };
                let how = match (strategy, time_ms) {
                    (_, Some(ms)) => tencent::Modify::Timestamp(ms),
                    (ResetStrategy::Earliest, _) => tencent::Modify::Timestamp(-2),
                    (ResetStrategy::Latest, _) => tencent::Modify::Timestamp(-1),
                    (ResetStrategy::ToOffset(n), _) => tencent::Modify::Offset(*n),
                    (ResetStrategy::ShiftBy(n), _) => tencent::Modify::Shift(*n),
                    (ResetStrategy::Pinned(_) | ResetStrategy::ToCurrent, _) => {
                        let p = rows.iter().find(|r| r.target.is_none()).map_or(0, |r| r.partition);
                        return Err(EngineError::Input(format!("partition {p} has no offset to set")));
                    }
                    (_, None) => unreachable!("a strategy without a time is one of those above"),
                };
                vec![send(&parts, how)]
            }
        }
        Target::Dts(acc, sub) => {
            let mode = match (strategy, time_ms) {
                (ResetStrategy::Earliest, _) => tencent::DtsReset::Earliest,
                (ResetStrategy::Latest, _) => tencent::DtsReset::Latest,
                (_, Some(ms)) => {
                    let at = jiff::Timestamp::from_millisecond(ms)
                        .map_err(|e| EngineError::Input(format!("the time is out of range: {e}")))?;
                    let sent = tencent::beijing(at);
                    notes.push(format!("DTS is sent the Beijing time {sent:?} and moves to the checkpoint before it"));
                    tencent::DtsReset::Datetime(sent)
                }
                (_, None) => unreachable!("DTS refuses the other strategies above"),
            };
            let parts: Vec<i32> = rows.iter().map(|r| r.partition).collect();
            vec![tencent::reset_consumer_group_offset(acc, &sub.subscribe_id, topic, group, &parts, &mode)]
        }
    };
    let parts: Vec<i32> = rows.iter().map(|r| r.partition).collect();
    let unknown_count = rows.iter().filter(|r| r.unknown.is_some()).count();
    let mut summary = format!(
        "reset group `{group}` on {} `{}` (account {}), topic `{topic}`, {}: {}",
        target.kind(),
        target.name(),
        target.account(),
        if all { "all partitions".to_owned() } else { format!("partitions {parts:?}") },
        describe_strategy(strategy)
    );
    if unknown_count > 0 {
        summary.push_str(&format!(
            "; the targets of {unknown_count} of {} partition(s) are UNKNOWN, so the service picks them",
            rows.len()
        ));
    }
    let expect = match strategy.kind() {
        StrategyKind::Earliest => Direction::Down,
        StrategyKind::Latest => Direction::Up,
        _ => Direction::Changed,
    };
    Plan::new(
        target,
        Draft { kind: PlanKind::Reset, group: Some(group.to_owned()), summary, expect, calls, rows, notes },
    )
}

/// One call per row, each row pointing at its own.
fn per_row(rows: &mut [Row], call: impl Fn(&Row) -> ApiRequest) -> Vec<ApiRequest> {
    rows.iter_mut()
        .enumerate()
        .map(|(i, r)| {
            r.call = i;
            call(r)
        })
        .collect()
}

/// A strategy in words.
pub fn describe_strategy(s: &ResetStrategy) -> String {
    match s {
        ResetStrategy::Earliest => "to the earliest offset".into(),
        ResetStrategy::Latest => "to the latest offset (skip everything unread)".into(),
        ResetStrategy::ToOffset(n) => format!("to offset {n}"),
        ResetStrategy::ToDatetime { at, zone } => {
            let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
            format!("to the time {}", echo_time(*at, &tz, zone))
        }
        ResetStrategy::ToTimestamp(ms) => format!("to the time {ms} ms since the epoch"),
        ResetStrategy::ByDuration(d) => format!("to {d:#} ago"),
        ResetStrategy::ShiftBy(n) => format!("shift by {n:+}"),
        ResetStrategy::Pinned(p) => format!("to the offsets given for {} partition(s)", p.len()),
        ResetStrategy::FromFile { path, .. } => {
            format!("to the offsets in {}", crate::core::inert::inert(&path.display().to_string()))
        }
        ResetStrategy::ToCurrent => "to the offsets committed now (nothing moves)".into(),
        ResetStrategy::FromGroup { group, instance: None } => format!("to group `{group}`'s committed offsets"),
        ResetStrategy::FromGroup { group, instance: Some(i) } => {
            format!("to group `{group}`'s committed offsets on `{i}`")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::live::TimeTarget;
    use crate::engine::fixtures;
    use crate::engine::safety::Confirmation;

    fn plan(
        instance: &str,
        strategy: ResetStrategy,
        chosen: &[i32],
        times: &[TimeTarget],
    ) -> Result<Plan, EngineError> {
        let p = fixtures::profile();
        let t = Target::find(&p, instance).unwrap();
        let snap = fixtures::group(
            "Empty",
            &[(Some(100), Some(50), Some(400)), (Some(390), Some(50), Some(400)), (None, Some(0), Some(10))],
        );
        let group = if instance == "sub" { "consumer-grp-subs-1-g" } else { "g" };
        let req = ResetRequest {
            group,
            topic: "t",
            partitions: chosen,
            strategy: &strategy,
            now_ms: 0,
            zone_name: "UTC",
            time_targets: times,
            unknown: &[],
        };
        reset(&t, &snap, &req)
    }

    fn body(c: &ApiRequest) -> String {
        String::from_utf8_lossy(&c.body).into_owned()
    }

    #[test]
    fn a_topic_that_moves_nothing_beside_one_that_moves_keeps_every_call_its_rows_point_at() {
        let p = fixtures::profile();
        let t = Target::find(&p, "orders").unwrap();
        let mut snap = fixtures::group("Empty", &[(Some(5), Some(0), Some(50))]);
        let mut other = snap.partitions[0].clone();
        other.topic = "u".into();
        other.committed = Some(30);
        snap.partitions.push(other);
        let req = |topic| ResetRequest {
            group: "g",
            topic,
            partitions: &[],
            strategy: &ResetStrategy::ToOffset(5),
            now_ms: 0,
            zone_name: "UTC",
            time_targets: &[],
            unknown: &[],
        };
        // Topic `t` is already at 5; topic `u` moves from 30 to 5.
        let mut merged = reset(&t, &snap, &req("t")).unwrap();
        merged.absorb(reset(&t, &snap, &req("u")).unwrap(), "u");
        let merged = merged.finish();
        assert!(!merged.summary.starts_with("NOTHING TO CHANGE"), "{}", merged.summary);
        assert_eq!(merged.calls.len(), 2, "each topic's call");
        for r in &merged.rows {
            assert!(
                body(&merged.calls[r.call]).contains(&format!("\"{}\"", r.topic)),
                "row {} -> its own call",
                r.topic
            );
        }
        let unchanged = reset(&t, &snap, &req("t")).unwrap().finish();
        assert!(unchanged.calls.is_empty() && unchanged.summary.starts_with("NOTHING TO CHANGE"));
    }

    #[test]
    fn shift_clamps_and_needs_a_committed_offset() {
        let p = plan("orders", ResetStrategy::ShiftBy(50), &[0, 1], &[]).unwrap();
        assert_eq!(
            p.rows.iter().map(|r| (r.target, r.clamped)).collect::<Vec<_>>(),
            [(Some(150), false), (Some(400), true)]
        );
        assert_eq!(p.totals(), (0, 60));
        assert_eq!((p.calls.len(), p.rows[1].call), (2, 1), "one absolute call per partition");
        let e = plan("orders", ResetStrategy::ShiftBy(5), &[], &[]).unwrap_err();
        assert!(matches!(e, EngineError::Input(ref m) if m.contains("partition 2 has no committed offset")), "{e}");
    }

    #[test]
    fn to_offset_on_huawei_is_one_call_unless_it_clamps() {
        let p = plan("orders", ResetStrategy::ToOffset(60), &[0, 1], &[]).unwrap();
        assert_eq!(p.calls.len(), 2, "chosen partitions: per partition");
        let p = plan("orders", ResetStrategy::ToOffset(9), &[], &[]).unwrap();
        assert_eq!(p.calls.len(), 3, "9 clamps to 50 on two partitions, so each is sent what the preview shows");
        assert!(
            p.calls.iter().any(|c| body(c).contains("\"message_offset\":9"))
                && p.calls.iter().any(|c| body(c).contains("\"message_offset\":50"))
        );
    }

    #[test]
    fn a_known_time_target_is_what_is_sent() {
        let times: Vec<TimeTarget> = (0..3)
            .map(|p| TimeTarget { topic: "t".into(), partition: p, offset: 60 + i64::from(p), message_ms: Some(1_000) })
            .collect();
        let p = plan("orders", ResetStrategy::ToTimestamp(1_000_000_000_000), &[], &times).unwrap();
        assert_eq!(
            p.rows.iter().map(|r| r.target).collect::<Vec<_>>(),
            [Some(60), Some(61), Some(10)],
            "clamped to the log"
        );
        assert!(p.calls.iter().all(|c| body(c).contains("message_offset")), "offsets, not a timestamp");
        // Without the lookup, the service picks, and the plan says so.
        let p = plan("orders", ResetStrategy::ToTimestamp(1_000_000_000_000), &[], &[]).unwrap();
        assert_eq!(p.calls.len(), 1);
        assert!(
            body(&p.calls[0]).contains("\"timestamp\":1000000000000") && body(&p.calls[0]).contains("\"partition\":-1")
        );
        assert!(p.notes.iter().any(|n| n.contains("the service picks")), "{:?}", p.notes);
        assert_eq!(p.expect, Direction::Changed);
    }

    #[test]
    fn ckafka_sends_exact_offsets_grouped_by_target() {
        let p = plan("events", ResetStrategy::Earliest, &[], &[]).unwrap();
        assert_eq!(p.calls.len(), 2, "targets 50, 50 and 0: two calls");
        assert!(p.calls.iter().all(|c| body(c).contains("\"Strategy\":2")));
        assert_eq!(p.rows.iter().map(|r| r.call).collect::<Vec<_>>(), [1, 1, 0], "each row points at its call");
        // A shift with no committed offset somewhere: the service computes it.
        let p = plan("events", ResetStrategy::ShiftBy(-5), &[], &[]).unwrap();
        assert!(p.calls.len() == 1 && body(&p.calls[0]).contains("\"Strategy\":0"));
    }

    #[test]
    fn dts_offers_what_it_has_and_confirmation_follows_the_profile() {
        let e = plan("sub", ResetStrategy::ToOffset(5), &[], &[]).unwrap_err();
        assert!(matches!(e, EngineError::Refused(Refusal::Unsupported(_))), "{e}");
        let p = plan("sub", ResetStrategy::Latest, &[], &[]).unwrap();
        assert!(body(&p.calls[0]).contains("\"ResetMode\":\"latest\""));
        assert_eq!((p.expect, p.confirmation.clone()), (Direction::Up, Confirmation::YesNo));
        assert_eq!(p.target.kind, crate::core::target::TargetKind::Dts);
    }
}
