//! Verify after: read the state back and compare it with the plan, partition by partition. A call the service
//! accepted but did not apply (the DTS silent no-op on an active group) shows up here as a failure.

use serde::Serialize;

use super::plan::{Plan, PlanKind};
use super::run;
use super::target::Target;
use crate::core::credentials::Credentials;
use crate::providers::client::Client;

/// One partition's check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: i32,
    /// Before the write.
    pub before: Option<i64>,
    /// What the plan expected, when it could be computed.
    pub expected: Option<i64>,
    /// What the service reports now.
    pub now: Option<i64>,
    /// Whether it matches.
    pub ok: bool,
    /// In words, when it does not (or could not be checked exactly).
    pub note: Option<String>,
}

/// Reads back and compares. An error means the state could not be read at all.
pub async fn verify(
    client: &Client,
    creds: &Credentials,
    target: &Target<'_>,
    plan: &Plan,
) -> Result<Vec<Check>, String> {
    let mut topics: Vec<String> = plan.rows.iter().map(|r| r.topic.clone()).collect();
    topics.dedup();
    match plan.kind {
        PlanKind::Reset | PlanKind::DeleteOffsets => {
            let group = plan.group.as_deref().ok_or("the plan names no group")?;
            let snap = run::describe(client, creds, target, group, &topics).await.map_err(|e| e.to_string())?;
            Ok(plan
                .rows
                .iter()
                .map(|r| {
                    let now = snap.partitions.iter().find(|p| p.topic == r.topic && p.partition == r.partition).and_then(|p| p.committed);
                    let (ok, note) = match (plan.kind, r.target) {
                        (PlanKind::DeleteOffsets, _) => (now.is_none(), now.map(|n| format!("the committed offset is still {n}"))),
                        (_, Some(want)) if now == Some(want) => (true, None),
                        (_, Some(want)) if now == r.current && r.current != Some(want) => (
                            false,
                            Some(format!(
                                "the service accepted the call but the offset did not change (still {}; planned {want}): the group was probably active",
                                show(now)
                            )),
                        ),
                        (_, Some(want)) => (false, Some(format!("the offset is {} instead of the planned {want}", show(now)))),
                        (_, None) => (true, Some(format!("moved from {} to {}; the exact target is chosen by the service", show(r.current), show(now)))),
                    };
                    Check { topic: r.topic.clone(), partition: r.partition, before: r.current, expected: r.target, now, ok, note }
                })
                .collect())
        }
        PlanKind::DeleteMessages => {
            let topic = topics.first().cloned().unwrap_or_default();
            let bounds = run::topic_bounds(client, creds, target, &topic).await.map_err(|e| e.to_string())?;
            Ok(plan
                .rows
                .iter()
                .map(|r| {
                    let now = bounds.iter().find(|b| b.0 == r.partition).map(|b| b.1);
                    let ok = matches!((now, r.target), (Some(n), Some(t)) if n >= t);
                    let note =
                        (!ok).then(|| format!("the log still starts at {} (planned {})", show(now), show(r.target)));
                    Check {
                        topic: r.topic.clone(),
                        partition: r.partition,
                        before: r.start,
                        expected: r.target,
                        now,
                        ok,
                        note,
                    }
                })
                .collect())
        }
    }
}

fn show(v: Option<i64>) -> String {
    v.map_or("none".into(), |x| x.to_string())
}
