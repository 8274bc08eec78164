//! Reading the lag of groups whose listing does not say it (CKafka lists names only), in the background, so the
//! groups view can rank every group: one sweep per instance at a time, the laggiest known first, at no more than
//! half the API's pace so the reads the user waits for are never queued behind it.

use std::sync::Arc;
use std::time::Duration;

use super::{EngineEvent, Shared};
use crate::core::live::GroupSummary;
use crate::engine::reads;

/// The least time between two of a sweep's reads: DescribeGroupOffsets is published at 100/s, so a sweep takes at
/// most half of it (10,000 groups in about 3 min 20 s).
const SWEEP_GAP: Duration = Duration::from_millis(20);

/// Which groups a sweep reads, in order: those whose lag was known from an earlier sweep, laggiest first, then the
/// rest in listing order. Groups the listing already gives a lag for are not read.
pub(super) fn sweep_order(groups: &[GroupSummary], known: &std::collections::HashMap<String, i64>) -> Vec<String> {
    let unknown: Vec<&GroupSummary> = groups.iter().filter(|g| g.lag.is_none()).collect();
    let mut seen: Vec<(&str, i64)> =
        unknown.iter().filter_map(|g| known.get(&g.group).map(|l| (g.group.as_str(), *l))).collect();
    seen.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut out: Vec<String> = seen.iter().map(|(g, _)| (*g).to_owned()).collect();
    out.extend(unknown.iter().filter(|g| !known.contains_key(&g.group)).map(|g| g.group.clone()));
    out
}

impl Shared {
    /// Starts reading the lags an instance's listing left unknown, unless a sweep of that instance is running.
    pub(super) fn sweep_lags(self: &Arc<Self>, instance: &str, groups: &[GroupSummary]) {
        let Ok(t) = self.session.find(instance) else { return };
        if !matches!(t, crate::engine::target::Target::Ckafka(..)) {
            return;
        }
        let order = {
            let known = self.known_lags.lock().unwrap_or_else(|e| e.into_inner());
            sweep_order(groups, known.get(instance).unwrap_or(&Default::default()))
        };
        if order.is_empty() || !self.sweeping.lock().unwrap_or_else(|e| e.into_inner()).insert(instance.to_owned()) {
            return;
        }
        // Each group with what its listing said of it (state, members): its sample carries them.
        let by_name: std::collections::HashMap<&str, &GroupSummary> =
            groups.iter().map(|g| (g.group.as_str(), g)).collect();
        let order: Vec<(String, Option<GroupSummary>)> = order
            .into_iter()
            .map(|name| {
                let listed = by_name.get(name.as_str()).map(|g| (*g).clone());
                (name, listed)
            })
            .collect();
        let me = self.clone();
        let instance = instance.to_owned();
        tokio::spawn(async move {
            me.sweep(&instance, order).await;
            me.sweeping.lock().unwrap_or_else(|e| e.into_inner()).remove(&instance);
        });
    }

    async fn sweep(self: &Arc<Self>, instance: &str, order: Vec<(String, Option<GroupSummary>)>) {
        for (group, listed) in order {
            let started = tokio::time::Instant::now();
            let Ok(t) = self.session.find(instance) else { return };
            if !self.usable(&t, false) {
                return;
            }
            let Ok(c) = self.session.credentials(&t) else { return };
            let result = reads::group_lag(&self.session.client, &c, &t, &group).await;
            if let Err(e) = &result
                && e.is_auth()
            {
                // The refresh says so and stops reading with that key; so does the sweep.
                return;
            }
            let key = crate::core::target::GroupRef::new(instance, group.clone());
            let lag = result.map(|parts| {
                let parts = parts.unwrap_or_default();
                let snap = crate::core::live::GroupSnapshot {
                    group: group.clone(),
                    state: listed.as_ref().map(|g| g.state.clone()).unwrap_or_default(),
                    members: Vec::new(),
                    partitions: parts,
                };
                (snap.total_lag(None), snap)
            });
            if let Ok((Some(lag), _)) = &lag {
                let mut known = self.known_lags.lock().unwrap_or_else(|e| e.into_inner());
                known.entry(instance.to_owned()).or_default().insert(group.clone(), *lag);
            }
            // The sweep's read is a sample too (no log start; members as the listing counted them), so every
            // group of the instance gets a history while the dashboard is open. The groups the profile pins are
            // read in detail by every refresh, and sampled there: once a refresh, not twice.
            if let Ok((_, snap)) = &lag
                && !snap.partitions.is_empty()
                && !t.lists_group(&group)
            {
                let members = listed.as_ref().and_then(|g| g.members);
                self.sampled_as(&key, &t, &group, crate::engine::history::sample_of(snap, members)).await;
            }
            let lag = lag.map(|(l, _)| l).map_err(|e| e.to_string());
            self.send(EngineEvent::GroupLag { group: key, lag });
            tokio::time::sleep_until(started + SWEEP_GAP).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(name: &str, lag: Option<i64>) -> GroupSummary {
        GroupSummary { group: name.into(), state: "Empty".into(), members: Some(0), lag, topics: vec![] }
    }

    #[test]
    fn the_laggiest_known_go_first_then_the_unknown_in_listing_order_and_listed_lags_are_not_read() {
        let groups = [g("a", None), g("b", None), g("c", Some(7)), g("d", None), g("e", None)];
        let known = [("d".to_owned(), 50), ("b".to_owned(), 900), ("c".to_owned(), 1)].into_iter().collect();
        assert_eq!(sweep_order(&groups, &known), ["b", "d", "a", "e"]);
        assert!(sweep_order(&[g("x", Some(1))], &Default::default()).is_empty());
    }
}
