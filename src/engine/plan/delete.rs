//! Planning deletes: a group's committed offsets (Huawei, CKafka), or the messages before an offset (Huawei).

use super::{Direction, Draft, Plan, PlanKind, Row};
use crate::core::live::GroupSnapshot;
use crate::engine::error::EngineError;
use crate::engine::safety;
use crate::engine::target::Target;
use crate::providers::{huawei, tencent};

/// Plans deleting the group's committed offsets for topics.
pub fn delete_offsets(
    target: &Target<'_>,
    group: &str,
    snapshot: &GroupSnapshot,
    topics: &[String],
) -> Result<Plan, EngineError> {
    safety::offers(target.kind(), PlanKind::DeleteOffsets)?;
    let mut rows: Vec<Row> =
        snapshot.partitions.iter().filter(|p| topics.contains(&p.topic)).map(Row::from_live).collect();
    let calls = match target {
        Target::Huawei(acc, inst) => vec![huawei::delete_offsets(acc, &inst.id, group, topics)],
        // One topic per call; each row points at its topic's.
        Target::Ckafka(acc, inst) => {
            for r in &mut rows {
                r.call = topics.iter().position(|t| *t == r.topic).unwrap_or(0);
            }
            topics.iter().map(|t| tencent::delete_group_subscribe_topic(acc, &inst.id, group, t)).collect()
        }
        Target::Dts(..) => unreachable!("DTS does not offer it, checked above"),
    };
    let summary = format!(
        "delete the committed offsets of group `{group}` on {} `{}` (account {}) for topics {}",
        target.kind(),
        target.name(),
        target.account(),
        topics.join(", ")
    );
    // What follows (earliest replays, latest skips) is shown with the rows' numbers, not as a note.
    let notes = Vec::new();
    Plan::new(
        target,
        Draft {
            kind: PlanKind::DeleteOffsets,
            group: Some(group.to_owned()),
            summary,
            expect: Direction::Changed,
            calls,
            rows,
            notes,
        },
    )
}

/// Plans deleting messages before an offset per partition. `None` means "to the end". `bounds` are each
/// partition's (index, log start, log end).
pub fn delete_messages(
    target: &Target<'_>,
    topic: &str,
    bounds: &[(i32, i64, i64)],
    wanted: &[(i32, Option<i64>)],
) -> Result<Plan, EngineError> {
    safety::offers(target.kind(), PlanKind::DeleteMessages)?;
    let Target::Huawei(acc, inst) = target else { unreachable!("only Huawei offers it, checked above") };
    let mut rows = Vec::new();
    let mut body = Vec::new();
    // Indexed: "every partition" of a 100,000-partition topic is 100,000 lookups.
    let at: std::collections::HashMap<i32, (i64, i64)> = bounds.iter().map(|&(p, s, e)| (p, (s, e))).collect();
    let mut seen = std::collections::HashSet::new();
    for (p, offset) in wanted {
        if !seen.insert(*p) {
            return Err(EngineError::Input(format!("partition {p} is given twice; give each partition once")));
        }
        let Some(&(start, end)) = at.get(p) else {
            let have: Vec<String> = bounds.iter().map(|(bp, _, _)| bp.to_string()).collect();
            return Err(EngineError::Input(format!(
                "topic `{topic}` has no partition {p}; it has {}",
                have.join(", ")
            )));
        };
        let o = offset.unwrap_or(end);
        if o > end {
            return Err(EngineError::Input(format!("partition {p}: offset {o} is beyond the log end {end}")));
        }
        if o <= start {
            // Nothing would go: sending it would only leave a snapshot and a record of a write that did nothing.
            let why = if offset.is_none() {
                "the partition is empty".to_owned()
            } else {
                format!("the log already starts at {start}")
            };
            return Err(EngineError::Input(format!(
                "partition {p}: nothing to delete before offset {o} ({why}); give an offset between {} and {end}, or {p}:end",
                start + 1
            )));
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
            unknown: None,
            call: 0,
        });
        body.push((*p, o));
    }
    let lost: i64 = rows.iter().map(|r| r.target.unwrap_or(0) - r.start.unwrap_or(0)).sum();
    let summary = format!(
        "delete {lost} messages from topic `{topic}` on huawei `{}` (account {}); this cannot be undone",
        inst.name, acc.name
    );
    Plan::new(
        target,
        Draft {
            kind: PlanKind::DeleteMessages,
            group: None,
            summary,
            expect: Direction::Up,
            calls: vec![huawei::delete_messages(acc, &inst.id, topic, &body)],
            rows,
            notes: Vec::new(),
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::engine::fixtures;

    #[test]
    fn a_committed_offset_below_the_log_start_replays_nothing_and_skips_what_is_left() {
        let p = fixtures::profile();
        let t = crate::engine::target::Target::find(&p, "orders").unwrap();
        // Retention deleted up to 5000; the group had committed 1000.
        let snap =
            fixtures::group("Empty", &[(Some(1000), Some(5000), Some(9000)), (Some(6000), Some(5000), Some(9000))]);
        let plan = super::delete_offsets(&t, "g", &snap, &["t".into()]).unwrap();
        assert_eq!(plan.rows[0].replays_if_earliest(), Some(0), "not -4000");
        assert_eq!(plan.rows[0].skips_if_latest(), Some(4000));
        assert_eq!(plan.rows[1].replays_if_earliest(), Some(1000));
        assert_eq!(plan.rows[1].skips_if_latest(), Some(3000));
        assert_eq!(super::super::restart_outcomes(&plan.rows), (1000, 7000));
    }
}
