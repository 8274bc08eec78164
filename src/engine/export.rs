//! Plans as an offsets CSV (a backup, or targets to apply later): every partition's target or nothing. The one
//! rule for the command line's `--export` and the dashboard's Ctrl-S: a backup with a partition missing, or a row
//! forged by a name holding a comma or a line break, is worse than none.

use super::error::EngineError;
use super::plan::Plan;

/// The CSV of `plans`' targets: `topic,partition,offset`, or with a leading group column (`with_group`, needed
/// when the file holds several groups).
pub fn csv(plans: &[&Plan], with_group: bool) -> Result<String, EngineError> {
    let mut text = String::new();
    for plan in plans {
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
        let group = if with_group { plan.group.as_deref() } else { None };
        let part = crate::core::offsets_csv::write(rows, group)
            .map_err(|e| EngineError::Input(format!("nothing exported: {e}")))?;
        text.push_str(&part);
    }
    Ok(text)
}
