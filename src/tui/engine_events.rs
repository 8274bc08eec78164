//! What the engine's events do to the dashboard: live data, plans to confirm, calls streaming into the log.

use tui_input::Input;

use super::state::{AppState, Confirm, Level, Modal};
use super::update::Step;
use crate::engine::worker::EngineEvent;

/// Applies an engine event to the state.
pub fn apply(s: &mut AppState, at: String, event: EngineEvent) -> Step {
    match event {
        EngineEvent::Live { instance, group, result } => {
            let key = (instance.clone(), group.clone());
            let was_error = s.live.get(&key).is_some_and(|r| r.is_err());
            if let (Err(e), false) = (&result, was_error) {
                s.push_log(at, Level::Error, format!("{instance}/{group}: live read failed: {e}"));
            }
            s.live.insert(key, result);
        }
        EngineEvent::TopicLog { instance, topic, result } => {
            let key = (instance.clone(), topic.clone());
            let was_error = s.topic_logs.get(&key).is_some_and(|r| r.is_err());
            if let (Err(e), false) = (&result, was_error) {
                s.push_log(at, Level::Error, format!("{instance}/{topic}: reading the topic's partitions failed: {e}"));
            }
            s.topic_logs.insert(key, result);
        }
        EngineEvent::RefreshDone => s.refreshing = false,
        EngineEvent::Planned { request, result } => {
            let (instance, name) = match &s.modal {
                Some(Modal::Planning { request: r, instance, name, .. }) if *r == request => {
                    (instance.clone(), name.clone())
                }
                _ => return Step::default(),
            };
            match result {
                Ok(plan) => {
                    let destructive = plan.calls.iter().any(|c| c.op.starts_with("Delete"));
                    let protected = s.instance_info(&instance).is_some_and(|i| i.2.protected);
                    // An undo learns its group from the snapshot.
                    let name = if name.is_empty() { plan.group.clone().unwrap_or_default() } else { name };
                    let type_name = (destructive || protected).then_some(name);
                    s.modal = Some(Modal::Confirm(Confirm {
                        instance,
                        plan,
                        destructive,
                        type_name,
                        typed: Input::default(),
                        scroll: 0,
                    }));
                }
                Err(e) => {
                    s.modal = None;
                    s.push_log(at, Level::Error, format!("refused before sending anything: {e}"));
                }
            }
        }
        EngineEvent::CallDone { job, outcome, done, total } => {
            let mut label = String::new();
            if let Some(j) = s.job.as_mut().filter(|j| j.id == job) {
                j.done = done;
                j.total = total;
                j.failed += usize::from(!outcome.ok);
                label = j.label.clone();
            }
            let id = outcome.request_id.as_deref().unwrap_or("-");
            let (level, word) = match (&outcome.error, outcome.ok) {
                (Some(_), _) => (Level::Error, "FAILED"),
                (None, true) => (Level::Ok, "ok"),
                (None, false) => (Level::Error, "PARTIAL"),
            };
            let body = compact_target(outcome.request.lines().nth(1).map(str::trim).unwrap_or_default());
            let mut text = format!("{label} [{done}/{total}] {word} {} {body} req {id}", outcome.op);
            if let Some(e) = &outcome.error {
                text.push_str(&format!(" — {e}"));
            }
            for (item, code) in &outcome.failed_items {
                text.push_str(&format!(" — {item} failed ({code})"));
            }
            s.push_log(at, level, text);
        }
        EngineEvent::JobDone { job, cancelled, failed, sent, total } => {
            s.job = None;
            let (level, text) = if cancelled {
                (
                    Level::Error,
                    format!(
                        "job {job} cancelled: {sent} of {total} call(s) sent, {failed} failed; the rest were not sent"
                    ),
                )
            } else if failed > 0 {
                (Level::Error, format!("job {job} finished with failures: {} of {total} succeeded", total - failed))
            } else {
                (Level::Ok, format!("job {job} done: {total} of {total} call(s) succeeded"))
            };
            s.push_log(at, level, text);
        }
        EngineEvent::Note(text) => s.push_log(at, Level::Info, text),
        EngineEvent::Problem(text) => s.push_log(at, Level::Error, text),
    }
    Step::redraw()
}

/// A call's body as short `key=value` pairs, leaving out ids the log line already names.
fn compact_target(body: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(body) else {
        return body.to_owned();
    };
    let skip = ["InstanceId", "SubscribeId", "ConsumerGroupName", "Group", "TopicName"];
    let value = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map(str::to_owned).unwrap_or_else(|| x.to_string()))
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_string(),
    };
    map.iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={}", value(v)))
        .collect::<Vec<_>>()
        .join(" ")
}
