//! What the engine's events do to the dashboard: live data, plans to confirm, calls streaming into the log.

use super::state::{AppState, Level, Modal};
use super::update::Step;
use crate::engine::worker::EngineEvent;

/// Applies an engine event to the state.
pub fn apply(s: &mut AppState, at: String, event: EngineEvent) -> Step {
    match event {
        EngineEvent::Live { group: key, result } => return super::live_events::live_read(s, at, key, result),
        EngineEvent::GroupLag { group: key, lag } => return super::live_events::group_lag(s, key, lag),
        EngineEvent::Figures { group: key, figures } => {
            s.live.figures.insert(key.clone(), figures);
            super::groups_view::refresh_row(s, &key);
        }
        EngineEvent::TopicLog { topic: key, result } => return super::live_events::topic_log(s, at, key, result),
        EngineEvent::GroupsPart { instance, groups } => {
            super::live_events::add_listed(s, &instance, &groups, false);
        }
        EngineEvent::Groups { instance, result } => return super::live_events::groups_listed(s, at, instance, result),
        EngineEvent::RefreshDone => return super::live_events::refresh_done(s, at),
        EngineEvent::Planned { request, result } => return super::job_events::planned(s, at, request, result),
        EngineEvent::BatchPlanned { request, batch } => return super::job_events::batch_planned(s, at, request, batch),
        EngineEvent::Peeked { request, result } => {
            if let Some(Modal::Peek(v)) = &mut s.modal
                && v.request == request
            {
                // The target's own row is selected first.
                v.cursor = result
                    .as_ref()
                    .ok()
                    .and_then(|p| p.messages.iter().position(|m| m.offset == p.target))
                    .unwrap_or(0);
                v.result = Some(result);
            }
        }
        EngineEvent::Snapshots { instance, items } => {
            if let Some(Modal::UndoPick(p)) = &mut s.modal
                && p.instance == instance
            {
                p.items = Some(items);
            }
        }
        EngineEvent::TopicMissing { topic } => return super::live_events::topic_missing(s, at, topic),
        EngineEvent::AuthFailed { account, code, error: _ } => {
            s.push_log(
                at,
                Level::Error,
                format!("account {account}: authentication failed: {code} — fix the key, then R (nothing more is sent with it until then)"),
            );
            s.auth_failed.insert(account.to_string(), code);
        }
        EngineEvent::Discovered { account, what, result } => {
            return super::live_events::discovered(s, at, account, what, result);
        }
        EngineEvent::AuthOk { account } => {
            s.auth_failed.remove(&account.to_string());
            s.push_log(at, Level::Ok, format!("account {account}: the key is accepted again"));
        }
        EngineEvent::CallDone { job, outcome, done, total } => {
            return super::job_events::call_done(s, at, job, outcome, done, total);
        }
        EngineEvent::JobDone { job, end, failed, unverified, sent, total } => {
            return super::job_events::job_done(
                s,
                at,
                job,
                end,
                super::job_events::Counts { failed, unverified, sent, total },
            );
        }
        EngineEvent::Note(text) => s.push_log(at, Level::Info, text),
        EngineEvent::Listing(text) => {
            if let Some(Modal::Planning { progress, .. }) = &mut s.modal {
                *progress = Some(text);
            } else {
                return Step::default();
            }
        }
        EngineEvent::Progress(text) => {
            if let Some(Modal::Planning { progress, .. }) = &mut s.modal {
                *progress = Some(text.clone());
            }
            s.push_log(at, Level::Info, text);
        }
        EngineEvent::Problem(text) => s.push_log(at, Level::Error, text),
    }
    Step::redraw()
}

/// A call's body as short `key=value` pairs, leaving out ids the log line already names.
pub(super) fn compact_target(body: &serde_json::Value) -> String {
    let serde_json::Value::Object(map) = body else {
        return match body {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
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

/// What moved since a plan was made, in words, when its group's new read differs: a committed offset, or a log start
/// past a target.
pub(super) fn stale(plan: &crate::engine::plan::Plan, live: &crate::core::live::GroupSnapshot) -> Option<String> {
    crate::engine::plan::drift::in_short(&plan.drift(&live.partitions))
}
