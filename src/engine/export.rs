//! Plans as an offsets CSV (a backup, or targets to apply later): every partition's target or nothing. The one
//! rule for the command line's `--export` and the dashboard's Ctrl-S: a backup with a partition missing, or a row
//! forged by a name holding a comma or a line break, is worse than none.

use serde::Serialize;

use super::error::EngineError;
use super::plan::Plan;

/// One partition's target, as `--export --output json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub group: Option<String>,
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
}

/// Every partition's target of one plan, or why the plan cannot be exported (a target unread or only decided by
/// the service at the call).
fn targets(plan: &Plan) -> Result<Vec<(String, i32, i64)>, EngineError> {
    let mut rows = Vec::with_capacity(plan.rows.len());
    for r in &plan.rows {
        let at = || format!("{} {}", crate::core::inert::inert(&r.topic), r.partition);
        match (r.target, &r.unknown) {
            (Some(t), _) => rows.push((r.topic.clone(), r.partition, t)),
            (None, Some(why)) => {
                return Err(EngineError::Unread(format!(
                    "nothing exported: the target of {} could not be read ({why})",
                    at()
                )));
            }
            (None, None) => {
                return Err(EngineError::Input(format!(
                    "nothing exported: the target of {} is only decided by the service at the call; export --to-current or an exact strategy",
                    at()
                )));
            }
        }
    }
    Ok(rows)
}

/// The targets of `plans` as lines, each with its group: all of them, or the first reason one is missing.
pub fn lines(plans: &[&Plan]) -> Result<Vec<Line>, EngineError> {
    let mut out = Vec::new();
    for plan in plans {
        let group = plan.group.clone();
        out.extend(targets(plan)?.into_iter().map(|(topic, partition, offset)| Line {
            group: group.clone(),
            topic,
            partition,
            offset,
        }));
    }
    Ok(out)
}

/// The CSV of `plans`' targets: `topic,partition,offset`, or with a leading group column (`with_group`, needed
/// when the file holds several groups).
pub fn csv(plans: &[&Plan], with_group: bool) -> Result<String, EngineError> {
    let mut text = String::new();
    for plan in plans {
        let rows = targets(plan)?;
        let group = if with_group { plan.group.as_deref() } else { None };
        let part = crate::core::offsets_csv::write(rows, group)
            .map_err(|e| EngineError::Input(format!("nothing exported: {e}")))?;
        text.push_str(&part);
    }
    Ok(text)
}
