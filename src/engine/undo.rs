//! Undo: a snapshot's saved offsets, restored as an ordinary reset to pinned offsets, planned by the reset planner.

use super::error::EngineError;
use super::plan::{Plan, PlanKind, ResetRequest};
use super::safety::Refusal;
use super::snapshot::Snapshot;
use super::target::Target;
use crate::core::live::GroupSnapshot;
use crate::core::strategy::{Pin, ResetStrategy};

/// Plans restoring the committed offsets a snapshot saved: a reset to those offsets, partition by partition, made
/// by the same planner (clamping, calls per cloud, rows) as every other reset.
pub fn restore(target: &Target<'_>, saved: &Snapshot, live: &GroupSnapshot) -> Result<Plan, EngineError> {
    let gone = || Refusal::Unsupported("message deletion cannot be undone: the messages are gone".into());
    let group = saved.group.clone().ok_or_else(gone)?;
    if saved.kind == PlanKind::DeleteMessages {
        return Err(gone().into());
    }
    if let Target::Dts(..) = target {
        return Err(EngineError::Refused(Refusal::Unsupported(format!(
            "DTS cannot reset to an offset, so this snapshot cannot be restored exactly; reset --to-datetime to a time before {} instead",
            saved.time
        ))));
    }
    let pins: Vec<Pin> = saved
        .partitions
        .iter()
        .filter_map(|s| {
            s.committed.map(|offset| Pin { topic: s.topic.clone(), partition: s.partition, offset, line: None })
        })
        .collect();
    // Partitions with nothing saved, by topic: one note each, as ranges.
    let mut uncommitted: Vec<(&str, Vec<i32>)> = Vec::new();
    for s in saved.partitions.iter().filter(|s| s.committed.is_none()) {
        match uncommitted.iter_mut().find(|(t, _)| *t == s.topic) {
            Some((_, ps)) => ps.push(s.partition),
            None => uncommitted.push((&s.topic, vec![s.partition])),
        }
    }
    if pins.is_empty() {
        return Err(EngineError::Input(format!(
            "the snapshot of {} holds no committed offset for group `{group}`: there is nothing to restore",
            saved.time
        )));
    }
    let mut topics: Vec<String> = Vec::new();
    for p in &pins {
        if !topics.contains(&p.topic) {
            topics.push(p.topic.clone());
        }
    }
    let strategy = ResetStrategy::Pinned(pins);
    let ResetStrategy::Pinned(pins) = &strategy else { unreachable!("made pinned above") };
    let mut merged: Option<Plan> = None;
    for topic in &topics {
        let partitions: Vec<i32> = pins.iter().filter(|p| &p.topic == topic).map(|p| p.partition).collect();
        let req = ResetRequest {
            group: &group,
            topic,
            partitions: &partitions,
            strategy: &strategy,
            now_ms: 0,
            zone_name: "UTC",
            time_targets: &[],
            unknown: &[],
        };
        let p = super::plan::reset(target, live, &req)?;
        merged = Some(match merged {
            None => p,
            Some(mut m) => {
                m.absorb(p, topic);
                m
            }
        });
    }
    let mut plan = merged.ok_or_else(|| EngineError::Input("the snapshot names no topic".into()))?;
    // A saved offset the log no longer holds is said in words: the restore cannot be exact there.
    let saved_at: std::collections::HashMap<(&str, i32), i64> =
        pins.iter().map(|p| ((p.topic.as_str(), p.partition), p.offset)).collect();
    for r in plan.rows.iter().filter(|r| r.clamped) {
        if let (Some(c), Some(t)) = (saved_at.get(&(r.topic.as_str(), r.partition)), r.target) {
            plan.notes.push(format!(
                "{} partition {}: the saved offset {c} is outside today's log, so it goes to {t}",
                r.topic, r.partition
            ));
        }
    }
    for (topic, parts) in uncommitted {
        plan.notes.push(format!(
            "{topic} partitions {} had no committed offset before; left as they are",
            super::plan::partition_ranges(&parts)
        ));
    }
    plan.summary = format!(
        "undo: restore group `{group}` on {} `{}` (account {}) to the offsets saved at {} (before: {})",
        target.kind(),
        target.name(),
        target.account(),
        saved.time,
        saved.summary
    );
    plan.undoes = Some(saved.time.clone());
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fixtures::{group, profile, reset_plan_on};
    use crate::engine::snapshot::Saved;

    fn saved(kind: PlanKind, parts: &[(i32, Option<i64>)]) -> Snapshot {
        Snapshot {
            time: "2026-12-01T03:00:00Z".into(),
            account: "hw".into(),
            instance: "orders".into(),
            target: None,
            real: None,
            kind,
            group: Some("g".into()),
            summary: "reset to latest".into(),
            partitions: parts
                .iter()
                .map(|(p, c)| Saved { topic: "t".into(), partition: *p, committed: *c, log_start: None, log_end: None })
                .collect(),
        }
    }

    fn pins(parts: &[(i32, i64)]) -> ResetStrategy {
        ResetStrategy::Pinned(
            parts.iter().map(|(p, o)| Pin { topic: "t".into(), partition: *p, offset: *o, line: None }).collect(),
        )
    }

    fn sent(p: &Plan) -> Vec<(String, String)> {
        p.calls.iter().map(|c| (c.path.clone(), String::from_utf8_lossy(&c.body).into_owned())).collect()
    }

    #[test]
    fn an_undo_sends_exactly_what_the_same_pinned_reset_sends_on_each_cloud() {
        let live = group(
            "EMPTY",
            &[(Some(90), Some(0), Some(100)), (Some(95), Some(0), Some(100)), (None, Some(0), Some(100))],
        );
        let snap = saved(PlanKind::Reset, &[(0, Some(10)), (1, Some(10)), (2, Some(40))]);
        let p = profile();
        for instance in ["orders", "events"] {
            let t = Target::find(&p, instance).unwrap();
            let undo = restore(&t, &snap, &live).unwrap();
            let reset = reset_plan_on(instance, "g", &live, pins(&[(0, 10), (1, 10), (2, 40)]));
            assert_eq!(sent(&undo), sent(&reset), "{instance}");
            assert_eq!(undo.undoes.as_deref(), Some("2026-12-01T03:00:00Z"));
            assert!(undo.summary.starts_with("undo: restore group `g`"), "{}", undo.summary);
            let targets: Vec<Option<i64>> = undo.rows.iter().map(|r| r.target).collect();
            assert_eq!(targets, [Some(10), Some(10), Some(40)]);
        }
        // CKafka: one call per distinct target, as every CKafka reset does.
        let t = Target::find(&p, "events").unwrap();
        assert_eq!(restore(&t, &snap, &live).unwrap().calls.len(), 2);
    }

    #[test]
    fn partitions_saved_without_an_offset_are_left_alone_and_a_vanished_offset_is_clamped_in_words() {
        let live = group(
            "EMPTY",
            &[(Some(90), Some(50), Some(100)), (Some(95), Some(0), Some(100)), (None, Some(0), Some(100))],
        );
        let snap = saved(PlanKind::Reset, &[(0, Some(10)), (1, None), (2, None)]);
        let p = profile();
        let t = Target::find(&p, "orders").unwrap();
        let undo = restore(&t, &snap, &live).unwrap();
        assert_eq!(undo.rows.len(), 1);
        assert_eq!(undo.rows[0].target, Some(50));
        assert!(
            undo.notes.iter().any(|n| n.contains("saved offset 10 is outside today's log, so it goes to 50")),
            "{:?}",
            undo.notes
        );
        assert!(
            undo.notes.iter().any(|n| n == "t partitions 1-2 had no committed offset before; left as they are"),
            "{:?}",
            undo.notes
        );
    }

    #[test]
    fn what_cannot_be_restored_is_refused_by_name() {
        let live = group("EMPTY", &[(Some(90), Some(0), Some(100))]);
        let p = profile();
        let hw = Target::find(&p, "orders").unwrap();
        let e = restore(&hw, &saved(PlanKind::DeleteMessages, &[(0, Some(1))]), &live).unwrap_err();
        assert!(e.to_string().contains("messages are gone"), "{e}");
        let dts = Target::find(&p, "sub").unwrap();
        let e = restore(&dts, &saved(PlanKind::Reset, &[(0, Some(1))]), &live).unwrap_err();
        assert!(e.to_string().contains("--to-datetime to a time before 2026-12-01T03:00:00Z"), "{e}");
        let e = restore(&hw, &saved(PlanKind::Reset, &[(0, None)]), &live).unwrap_err();
        assert!(e.to_string().contains("nothing to restore"), "{e}");
    }
}
