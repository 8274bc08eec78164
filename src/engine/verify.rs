//! Verify after: read the state back and compare it with the plan, partition by partition. A call the service
//! accepted but did not apply (the DTS silent no-op on an active group) shows up here as a failure, and so does a
//! call whose answer was lost: the read-back says whether it was applied.

use std::collections::HashMap;

use serde::Serialize;

use super::outcome::{CallResult, Outcome};
use super::plan::{Direction, Plan, PlanKind, Row};
use crate::core::live::GroupSnapshot;
use crate::core::target::TargetKind;

/// One partition's check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub topic: String,
    pub partition: i32,
    /// Before the write.
    pub before: Option<i64>,
    /// What the plan expected, when it could be computed.
    pub expected: Option<i64>,
    /// What the service reports now.
    pub now: Option<i64>,
    /// Whether it is as planned.
    pub ok: bool,
    /// In words, when it is not (or was checked only by its direction, or its answer was lost).
    pub note: Option<String>,
}

/// What was read back.
#[derive(Debug, Clone)]
pub enum ReadBack {
    /// The group, for resets and offset deletes.
    Group(GroupSnapshot),
    /// Each partition's (index, log start, log end), for message deletes.
    Log(Vec<(i32, i64, i64)>),
}

fn show(v: Option<i64>) -> String {
    v.map_or("none".into(), |x| x.to_string())
}

/// Compares the read-back with the plan. `outcomes[i]` is how `plan.calls[i]` ended; a call with no outcome was
/// never sent (the job was cancelled or stopped).
pub fn judge(plan: &Plan, outcomes: &[Outcome], back: &ReadBack) -> Vec<Check> {
    // Indexed once: a plan may cover 100,000 partitions.
    let now: HashMap<(&str, i32), Option<i64>> = match back {
        ReadBack::Group(g) => g.partitions.iter().map(|p| ((p.topic.as_str(), p.partition), p.committed)).collect(),
        ReadBack::Log(bounds) => {
            let topic = plan.rows.first().map_or("", |r| r.topic.as_str());
            bounds.iter().map(|b| ((topic, b.0), Some(b.1))).collect()
        }
    };
    let now_of = |r: &Row| now.get(&(r.topic.as_str(), r.partition)).copied().flatten();
    plan.rows
        .iter()
        .map(|r| {
            let now = now_of(r);
            let before = if plan.kind == PlanKind::DeleteMessages { r.start } else { r.current };
            let (ok, note) = judge_row(plan, r, outcomes.get(r.call), before, now);
            Check { topic: r.topic.clone(), partition: r.partition, before, expected: r.target, now, ok, note }
        })
        .collect()
}

fn judge_row(
    plan: &Plan,
    r: &Row,
    outcome: Option<&Outcome>,
    before: Option<i64>,
    now: Option<i64>,
) -> (bool, Option<String>) {
    let applied = match plan.kind {
        PlanKind::DeleteOffsets => now.is_none(),
        PlanKind::DeleteMessages => matches!((now, r.target), (Some(n), Some(t)) if n >= t),
        PlanKind::Reset => match r.target {
            // DTS is sent `latest` itself, not an offset: on a subscription that keeps growing, the service sets the
            // end as it is when the call lands, past the end the plan saw.
            Some(want) if plan.target.kind == TargetKind::Dts && plan.expect == Direction::Up => {
                now.is_some_and(|n| n >= want)
            }
            Some(want) => now == Some(want),
            // No exact target: only a move in the direction the strategy implies counts.
            None => match (plan.expect, before, now) {
                (_, _, None) => false,
                (_, None, Some(_)) => true,
                (Direction::Down, Some(b), Some(n)) => n < b || r.start == Some(n),
                (Direction::Up, Some(b), Some(n)) => n > b || r.end == Some(n),
                (Direction::Changed, Some(b), Some(n)) => n != b,
            },
        },
    };
    let Some(outcome) = outcome else {
        return if applied {
            (false, Some(format!("not sent (the job stopped first), but it is already {} as planned", show(now))))
        } else {
            (false, Some(format!("not sent: the job stopped before its call; still {}", show(now))))
        };
    };
    let lost = matches!(&outcome.result, CallResult::Failed { error, .. } if error.answer_lost());
    match (applied, outcome.failure()) {
        (true, None) if r.target.is_none() && plan.kind == PlanKind::Reset => (
            true,
            Some(format!("moved from {} to {}; the exact target was chosen by the service", show(before), show(now))),
        ),
        (true, None) => (true, None),
        (true, Some(why)) if lost => {
            (true, Some(format!("applied: the call's answer was lost ({why}), but the read-back shows it took effect")))
        }
        (true, Some(why)) => (false, Some(format!("{} now, but its call reported a failure: {why}", show(now)))),
        (false, Some(why)) if lost && now == before => (
            false,
            Some(format!(
                "unknown: the call's answer was lost ({why}); the offset still read {} after a second look, but the call may still be applied: read the group again before sending it again",
                show(now)
            )),
        ),
        (false, Some(why)) if now == before => (false, Some(format!("not changed: its call failed ({why})"))),
        (false, Some(why)) => (
            false,
            Some(format!(
                "changed by someone else while this ran: {} now (before {}, planned {}); its own call failed: {why}",
                show(now),
                show(before),
                show(r.target)
            )),
        ),
        (false, None) => (false, Some(unapplied(plan, r, before, now))),
    }
}

/// Words for a call the service accepted but that did not do what was planned.
fn unapplied(plan: &Plan, r: &Row, before: Option<i64>, now: Option<i64>) -> String {
    match (plan.kind, r.target) {
        (PlanKind::DeleteOffsets, _) => format!("the committed offset is still {}", show(now)),
        (PlanKind::DeleteMessages, _) => format!("the log still starts at {} (planned {})", show(now), show(r.target)),
        // Only what was read: the group was inactive just before the call, so "it was active" would be a guess.
        (PlanKind::Reset, _) if now == before => format!(
            "the service accepted the call but the offset did not change (still {}; planned {}): it was not applied",
            show(now),
            r.target.map_or_else(|| "a move".to_owned(), |t| t.to_string())
        ),
        // Neither the plan nor a refusal explains an offset that is neither the old one nor the planned one.
        (PlanKind::Reset, Some(want)) => format!(
            "changed by someone else while this ran: {} now (before {}, planned {want})",
            show(now),
            show(before)
        ),
        (PlanKind::Reset, None) => format!(
            "changed by someone else while this ran: it moved from {} to {}, the wrong way for this strategy",
            show(before),
            show(now)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::strategy::ResetStrategy;
    use crate::engine::fixtures;
    use crate::engine::outcome::{CallResult, Outcome};
    use crate::providers::error::CallError;

    fn planned(strategy: ResetStrategy, instance: &str) -> Plan {
        let snap = fixtures::group("Empty", &[(Some(100), None, Some(400))]);
        let group = if instance == "sub" { "consumer-grp-subs-1-g" } else { "g" };
        fixtures::reset_plan_on(instance, group, &snap, strategy)
    }

    fn outcome(plan: &Plan, result: CallResult) -> Vec<Outcome> {
        vec![Outcome { request: plan.calls[0].view(), tries: 3, result }]
    }

    fn ok() -> CallResult {
        CallResult::Ok { request_id: Some("r".into()) }
    }

    fn now(committed: Option<i64>) -> ReadBack {
        ReadBack::Group(fixtures::group("Empty", &[(committed, None, Some(400))]))
    }

    #[test]
    fn an_offset_neither_the_plan_nor_a_refusal_explains_was_changed_by_someone_else() {
        let p = planned(ResetStrategy::ToOffset(300), "orders");
        let c = judge(&p, &outcome(&p, ok()), &now(Some(250)))[0].clone();
        assert!(!c.ok);
        assert_eq!(c.note.unwrap(), "changed by someone else while this ran: 250 now (before 100, planned 300)");
        assert!(judge(&p, &outcome(&p, ok()), &now(Some(300)))[0].ok);
    }

    #[test]
    fn an_unknown_target_passes_only_a_move_the_right_way() {
        // DTS earliest without a looked-up target: its start is unknown.
        let p = planned(ResetStrategy::Earliest, "sub");
        assert_eq!(p.rows[0].target, None);
        let judged = |c| judge(&p, &outcome(&p, ok()), &now(c))[0].clone();
        assert!(!judged(Some(100)).ok, "the silent no-op is caught");
        assert!(
            judged(Some(100)).note.unwrap().contains("did not change (still 100; planned a move): it was not applied")
        );
        assert!(
            judged(Some(200)).note.unwrap().contains("changed by someone else while this ran"),
            "moved the wrong way"
        );
        assert!(!judged(Some(200)).ok, "earliest never moves up");
        assert!(judged(Some(0)).ok);
        let p = planned(ResetStrategy::Latest, "sub");
        assert!(judge(&p, &outcome(&p, ok()), &now(Some(400)))[0].ok);
        assert!(!judge(&p, &outcome(&p, ok()), &now(Some(90)))[0].ok);
        assert!(judge(&p, &outcome(&p, ok()), &now(Some(412)))[0].ok, "the log grew before the call landed");
        assert!(!judge(&p, &outcome(&p, ok()), &now(Some(100)))[0].ok, "the silent no-op is still caught");
        // Huawei and CKafka are sent the exact end: anything else is not as planned.
        let p = planned(ResetStrategy::Latest, "orders");
        assert!(!judge(&p, &outcome(&p, ok()), &now(Some(412)))[0].ok);
    }

    #[test]
    fn a_failed_call_is_named_and_a_lost_answer_is_resolved_by_the_read_back() {
        let p = planned(ResetStrategy::Latest, "orders");
        let failed = CallResult::Failed {
            error: CallError::Server {
                status: 500,
                code: "DMS.00500000".into(),
                message: "boom".into(),
                request_id: Some("rid-7".into()),
            },
            request_id: Some("rid-7".into()),
            may_have_applied: true,
        };
        let c = &judge(&p, &outcome(&p, failed), &now(Some(100)))[0];
        let note = c.note.as_deref().unwrap();
        assert!(
            !c.ok
                && note.starts_with("not changed: its call failed")
                && note.contains("HTTP 500")
                && note.contains("rid-7"),
            "{note}"
        );
        let lost =
            || CallResult::Failed { error: CallError::Dropped("eof".into()), request_id: None, may_have_applied: true };
        let c = &judge(&p, &outcome(&p, lost()), &now(Some(400)))[0];
        assert!(c.ok && c.note.as_deref().unwrap().contains("took effect"), "{c:?}");
        let c = &judge(&p, &outcome(&p, lost()), &now(Some(100)))[0];
        let note = c.note.as_deref().unwrap();
        assert!(!c.ok && note.starts_with("unknown") && note.contains("may still be applied"), "{c:?}");
        assert!(!note.contains("safe"), "never a claim that a re-run is safe: {note}");
        let c = &judge(&p, &[], &now(Some(100)))[0];
        assert!(!c.ok && c.note.as_deref().unwrap().starts_with("not sent"), "{c:?}");
    }
}
