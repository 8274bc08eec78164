//! What the engine's live reads do to the dashboard: groups, lags, topics and listings into the cache, the trees
//! and the groups view, one function per event.

use super::state::{AppState, Level, Modal};
use super::update::Step;
use crate::core::live::{GroupSnapshot, GroupSummary, TopicPartition};
use crate::core::target::{GroupRef, TopicRef};

/// A group read live: its partitions fill the tree (a discovered group), its trend keeps the lag before, an open
/// confirmation of it is checked for drift, and its groups-view row is redrawn.
pub(super) fn live_read(s: &mut AppState, at: String, key: GroupRef, result: Result<GroupSnapshot, String>) -> Step {
    if let Some(e) = newly_failed(s.live.groups.get(&key), &result) {
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
        c.stale = super::engine_events::stale(&c.plan, snap).or(c.stale.take());
    }
    for gone in s.live.hold_group(key.clone(), result) {
        super::groups_view::refresh_row(s, &gone);
    }
    super::groups_view::refresh_row(s, &key);
    Step::redraw()
}

/// A background lag read of a group: only its summary and its row change.
pub(super) fn group_lag(s: &mut AppState, key: GroupRef, lag: Result<Option<i64>, String>) -> Step {
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
    Step::redraw()
}

/// A topic's partitions as the topic reports them.
pub(super) fn topic_log(
    s: &mut AppState,
    at: String,
    key: TopicRef,
    result: Result<Vec<TopicPartition>, String>,
) -> Step {
    if let Some(e) = newly_failed(s.live.topics.get(&key), &result) {
        s.push_log(
            at,
            Level::Error,
            format!("{}/{}: reading the topic's partitions failed: {e}", key.instance, key.topic),
        );
    }
    s.live.topics_missing.remove(&key);
    s.live.topics.insert(key, result);
    Step::redraw()
}

/// An instance's whole listing of groups, or why it failed (said once, not on every refresh).
pub(super) fn groups_listed(
    s: &mut AppState,
    at: String,
    instance: String,
    result: Result<Vec<GroupSummary>, String>,
) -> Step {
    if let Some(e) = newly_failed(s.live.listed.get(&instance), &result) {
        s.push_log(at, Level::Error, format!("{instance}: listing its groups failed: {e}"));
    }
    match &result {
        Err(_) => {}
        Ok(groups) => add_listed(s, &instance, groups, true),
    }
    s.live.listed.insert(instance, result);
    // Each instance's groups show when its own listing ends, not when the slowest has.
    s.groups.dirty = true;
    Step::redraw()
}

/// A refresh ended: the time of the read, the groups view rebuilt once, and a refresh asked meanwhile sent.
pub(super) fn refresh_done(s: &mut AppState, at: String) -> Step {
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
    Step::redraw()
}

/// A topic the profile pins that the instance lacks: said once.
pub(super) fn topic_missing(s: &mut AppState, at: String, topic: TopicRef) -> Step {
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
    Step::redraw()
}

/// Instances or subscriptions found live beyond the profile: merged into the profile and the tree, and said.
pub(super) fn discovered(
    s: &mut AppState,
    at: String,
    account: crate::core::target::AccountKey,
    what: &'static str,
    result: Result<Vec<crate::core::profile::Found>, String>,
) -> Step {
    match result {
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
    }
    Step::redraw()
}

/// A read's error, when the read before it had not failed: a failure is logged once, not on every refresh.
fn newly_failed<'r, T, U>(before: Option<&Result<T, String>>, now: &'r Result<U, String>) -> Option<&'r String> {
    match now {
        Err(e) if !before.is_some_and(|r| r.is_err()) => Some(e),
        _ => None,
    }
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

/// An instance's listed groups joining the trees and the summaries. A part (a page of a listing still being read)
/// only adds what is not known yet, so a later listing's pages never blank a state or lag read before; the whole
/// listing then replaces each summary, keeping a lag read in the background where the listing says none.
pub(super) fn add_listed(s: &mut AppState, instance: &str, groups: &[crate::core::live::GroupSummary], whole: bool) {
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
