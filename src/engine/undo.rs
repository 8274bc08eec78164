//! Undo: a snapshot's saved offsets, restored through an ordinary reset-to-offset plan.

use super::error::EngineError;
use super::plan::{Direction, Plan, PlanKind, Row, clamp};
use super::safety::Refusal;
use super::snapshot::Snapshot;
use super::target::Target;
use crate::core::live::GroupSnapshot;
use crate::providers::{huawei, tencent};

/// Plans restoring the committed offsets a snapshot saved: an ordinary reset to offsets, partition by partition.
pub fn restore(target: &Target<'_>, saved: &Snapshot, live: &GroupSnapshot) -> Result<Plan, EngineError> {
    let group = saved
        .group
        .clone()
        .ok_or_else(|| Refusal::Unsupported("message deletion cannot be undone: the messages are gone".into()))?;
    if saved.kind == PlanKind::DeleteMessages {
        return Err(Refusal::Unsupported("message deletion cannot be undone: the messages are gone".into()).into());
    }
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let live_at: std::collections::HashMap<(&str, i32), &crate::core::live::PartitionState> =
        live.partitions.iter().map(|p| ((p.topic.as_str(), p.partition), p)).collect();
    // Partitions with nothing saved, by topic: one note each, as ranges.
    let mut uncommitted: Vec<(&str, Vec<i32>)> = Vec::new();
    for s in &saved.partitions {
        let Some(c) = s.committed else {
            match uncommitted.iter_mut().find(|(t, _)| *t == s.topic) {
                Some((_, ps)) => ps.push(s.partition),
                None => uncommitted.push((&s.topic, vec![s.partition])),
            }
            continue;
        };
        let now = live_at.get(&(s.topic.as_str(), s.partition)).copied();
        let (start, end, current) = (now.and_then(|p| p.start), now.and_then(|p| p.end), now.and_then(|p| p.committed));
        let (t, clamped) = clamp(c, start, end);
        if clamped {
            notes.push(format!(
                "{} partition {}: the saved offset {c} is outside today's log, so it goes to {t}",
                s.topic, s.partition
            ));
        }
        rows.push(Row {
            topic: s.topic.clone(),
            partition: s.partition,
            current,
            start,
            end,
            target: Some(t),
            clamped,
            target_time_ms: None,
            unknown: None,
            call: rows.len(),
        });
    }
    let calls = match target {
        Target::Huawei(acc, inst) => rows
            .iter()
            .map(|r| {
                huawei::reset_offset(
                    acc,
                    &inst.id,
                    &group,
                    &r.topic,
                    r.partition,
                    huawei::ResetTarget::Offset(r.target.unwrap_or(0)),
                )
            })
            .collect(),
        Target::Ckafka(acc, inst) => rows
            .iter()
            .map(|r| {
                let how = tencent::Modify::Offset(r.target.unwrap_or(0));
                tencent::modify_group_offsets(
                    acc,
                    &inst.id,
                    &group,
                    std::slice::from_ref(&r.topic),
                    &[r.partition],
                    how,
                )
            })
            .collect(),
        Target::Dts(..) => {
            return Err(EngineError::Refused(Refusal::Unsupported(format!(
                "DTS cannot reset to an offset, so this snapshot cannot be restored exactly; reset --to-datetime to a time before {} instead",
                saved.time
            ))));
        }
    };
    let summary = format!(
        "undo: restore group `{group}` on {} `{}` (account {}) to the offsets saved at {} (before: {})",
        target.kind(),
        target.name(),
        target.account(),
        saved.time,
        saved.summary
    );
    for (topic, parts) in uncommitted {
        notes.push(format!(
            "{topic} partitions {} had no committed offset before; left as they are",
            super::plan::partition_ranges(&parts)
        ));
    }
    Plan::new(
        target,
        super::plan::Draft {
            kind: PlanKind::Reset,
            group: Some(group),
            summary,
            expect: Direction::Changed,
            calls,
            rows,
            notes,
        },
    )
    .map(|mut p| {
        p.undoes = Some(saved.time.clone());
        p
    })
}
