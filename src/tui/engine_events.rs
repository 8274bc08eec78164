//! What the engine's events do to the dashboard: live data, plans to confirm, calls streaming into the log.

use super::state::{AppState, Level, Modal};
use super::update::Step;
use crate::engine::worker::EngineEvent;

/// Applies an engine event to the state.
pub fn apply(s: &mut AppState, at: String, event: EngineEvent) -> Step {
    match event {
        EngineEvent::Live { group: key, result } => {
            let was_error = s.live.groups.get(&key).is_some_and(|r| r.is_err());
            if let (Err(e), false) = (&result, was_error) {
                s.push_log(at, Level::Error, format!("{key}: live read failed: {e}"));
            }
            // A group found live gets its partitions once a read says how many.
            if let Ok(snap) = &result
                && s.live.discovered.contains(&key)
            {
                let parts: Vec<(&str, i32)> = snap.partitions.iter().map(|p| (p.topic.as_str(), p.partition)).collect();
                for t in &mut s.trees {
                    t.fill_partitions(&key.instance, &key.group, &parts);
                }
            }
            if let Some(Ok(old)) = s.live.groups.get(&key) {
                s.live.previous_lag.insert(key.clone(), old.partitions.iter().filter_map(|p| p.lag()).sum());
            }
            let planned_here = match &s.modal {
                Some(Modal::Confirm(c)) => c.plan.group_ref.as_ref() == Some(&key),
                _ => false,
            };
            if let (Ok(snap), true, Some(Modal::Confirm(c))) = (&result, planned_here, &mut s.modal) {
                c.stale = stale(&c.plan, snap).or(c.stale.take());
            }
            s.live.groups.insert(key.clone(), result);
            super::groups_view::refresh_row(s, &key);
        }
        EngineEvent::GroupLag { group: key, lag } => {
            // An unread lag stays unread (the groups view counts it); a failed background read is not logged: one
            // line per group of 10,000 would bury the log, and the cursor's own read says why.
            let Ok(lag) = lag else { return Step::default() };
            s.live.lags_read.insert(key.clone());
            if let Some(sum) = s.live.summaries.get_mut(&key) {
                if let (Some(old), Some(_), false) = (sum.lag, lag, s.live.groups.contains_key(&key)) {
                    s.live.previous_lag.insert(key.clone(), old);
                }
                sum.lag = lag;
            }
            super::groups_view::refresh_row(s, &key);
        }
        EngineEvent::TopicLog { topic: key, result } => {
            let was_error = s.live.topics.get(&key).is_some_and(|r| r.is_err());
            if let (Err(e), false) = (&result, was_error) {
                s.push_log(
                    at,
                    Level::Error,
                    format!("{}/{}: reading the topic's partitions failed: {e}", key.instance, key.topic),
                );
            }
            s.live.topics_missing.remove(&key);
            s.live.topics.insert(key, result);
        }
        EngineEvent::GroupsPart { instance, groups } => {
            add_listed(s, &instance, &groups, false);
        }
        EngineEvent::Groups { instance, result } => {
            let was_error = s.live.listed.get(&instance).is_some_and(|r| r.is_err());
            match &result {
                Err(e) if !was_error => {
                    s.push_log(at, Level::Error, format!("{instance}: listing its groups failed: {e}"));
                }
                Err(_) => {}
                Ok(groups) => add_listed(s, &instance, groups, true),
            }
            s.live.listed.insert(instance, result);
            // Each instance's groups show when its own listing ends, not when the slowest has.
            s.groups.dirty = true;
        }
        EngineEvent::RefreshDone => {
            s.read_at = Some(at);
            s.read_at_ms = Some(s.now_ms);
            // The group under the cursor is read again after each refresh (see `update::prefetch`).
            s.live.detail_asked.clear();
            // The groups view is rebuilt once a refresh has ended, not on each of its thousands of reads.
            if s.screen.groups() && s.groups.dirty {
                super::groups_view::sync_selection(s);
            }
            if std::mem::take(&mut s.refresh_again) {
                return Step::send(crate::engine::worker::Command::Refresh { asked: true });
            }
            s.refreshing = false;
        }
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
        EngineEvent::TopicMissing { topic } => {
            if s.live.topics_missing.insert(topic.clone()) {
                s.push_log(
                    at,
                    Level::Error,
                    format!(
                        "{}/{}: the profile pins this topic, but the instance does not have it",
                        topic.instance, topic.topic
                    ),
                );
            }
        }
        EngineEvent::AuthFailed { account, code, error: _ } => {
            s.push_log(
                at,
                Level::Error,
                format!("account {account}: authentication failed: {code} — fix the key, then R (nothing more is sent with it until then)"),
            );
            s.auth_failed.insert(account.to_string(), code);
        }
        EngineEvent::Discovered { account, what, result } => match result {
            Ok(found) => {
                let names = s.profile.add_found(&account, &found);
                if !names.is_empty() {
                    // Tree 0 is Huawei's, tree 1 Tencent's: an account name may be used on both clouds.
                    let tree = usize::from(account.cloud == crate::core::credentials::Cloud::Tencent);
                    s.trees[tree].add_found(&s.profile, &account, &names);
                    let text = format!(
                        "account {account}: {what} found live beyond the profile ({}): {}",
                        names.len(),
                        names.join(", ")
                    );
                    s.push_log(at, Level::Info, text);
                    s.groups.dirty = true;
                }
            }
            Err(e) => s.push_log(at, Level::Error, format!("account {account}: listing its {what} failed: {e}")),
        },
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

/// How many partitions a topic has, as far as the dashboard knows (its own read, else the profile); 0 when unknown.
fn partition_count(s: &AppState, instance: &str, topic: &str) -> u32 {
    if let Some(Ok(log)) = s.live.topics.get(&crate::core::target::TopicRef::new(instance.to_owned(), topic.to_owned()))
    {
        return log.len() as u32;
    }
    let t = crate::engine::target::Target::find(&s.profile, instance).ok();
    t.and_then(|t| t.topics().into_iter().find(|(n, _)| n == topic).map(|(_, c)| c)).unwrap_or(0)
}

/// A call's body as short `key=value` pairs, leaving out ids the log line already names.
/// An instance's listed groups joining the trees and the summaries. A part (a page of a listing still being read)
/// only adds what is not known yet, so a later listing's pages never blank a state or lag read before; the whole
/// listing then replaces each summary, keeping a lag read in the background where the listing says none.
fn add_listed(s: &mut AppState, instance: &str, groups: &[crate::core::live::GroupSummary], whole: bool) {
    let rows: Vec<(&str, Vec<(String, u32)>)> = groups
        .iter()
        .map(|g| {
            let topics = g.topics.iter().map(|t| (t.clone(), partition_count(s, instance, t)));
            (g.group.as_str(), topics.collect())
        })
        .collect();
    let mut added = false;
    for t in &mut s.trees {
        for g in t.add_groups(instance, &rows) {
            added = true;
            s.live.discovered.insert(crate::core::target::GroupRef::new(instance.to_owned(), g.to_owned()));
        }
    }
    for g in groups {
        let key = crate::core::target::GroupRef::new(instance.to_owned(), g.group.clone());
        let old = s.live.summaries.get(&key);
        if !whole && old.is_some() {
            continue;
        }
        let mut g = g.clone();
        // A part of this same listing is not an earlier reading: no trend from it.
        let from_part = if whole { s.live.from_part.remove(&key) } else { s.live.from_part.insert(key.clone()) };
        let old_lag = old.and_then(|o| o.lag).filter(|_| !from_part);
        if g.lag.is_none() && s.live.lags_read.contains(&key) {
            g.lag = old_lag;
        } else if let (Some(old), Some(_), false) = (old_lag, g.lag, s.live.groups.contains_key(&key)) {
            // A group read in detail has its trend from its reads; one only listed, from its listings.
            s.live.previous_lag.insert(key.clone(), old);
        }
        s.live.summaries.insert(key.clone(), g);
        if !added {
            super::groups_view::refresh_row(s, &key);
        }
    }
    if added {
        s.groups.dirty = true;
    }
}

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
