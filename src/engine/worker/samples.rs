//! The worker's side of lag over time: each group read it makes is kept as a sample (off the async threads: a
//! sample is a synced append) and answered with the group's figures over its samples.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::{EngineEvent, Shared};
use crate::core::live::GroupSnapshot;
use crate::core::target::GroupRef;
use crate::engine::target::Target;
use crate::providers::error::CallError;

impl Shared {
    /// Tells the dashboard a live read of `group`: a snapshot is first kept as the group's newest sample and its
    /// figures sent (so a refresh's end comes after every figure of it); a store that cannot be written is said
    /// once, and the reads go on without it. Returns the call error for the key check.
    pub(super) async fn tell_live(
        self: &Arc<Self>,
        group: GroupRef,
        result: Result<GroupSnapshot, Result<CallError, String>>,
    ) -> Result<(), CallError> {
        if let Ok(snap) = &result
            && let Ok(t) = self.session.find(&group.instance)
            && let Ok(api_group) = t.api_group(&group.group)
        {
            let sample = crate::engine::history::sample_of(snap, Some(snap.members.len()));
            self.sampled_as(&group, &t, &api_group, sample).await;
        }
        let (shown, back) = super::refresh::split(result);
        self.send(EngineEvent::Live { group, result: shown });
        back
    }

    /// Keeps `sample` as `group`'s newest and sends its figures (the lag sweep's sample has the listing's members).
    pub(super) async fn sampled_as(
        self: &Arc<Self>,
        group: &GroupRef,
        target: &Target<'_>,
        api_group: &str,
        sample: crate::core::lag::Sample,
    ) {
        let Some(store) = self.samples.clone() else { return };
        let (real, api_group, group, me) = (target.real(), api_group.to_owned(), group.clone(), self.clone());
        let rules = self.session.profile.settings.lag;
        let kept =
            tokio::task::spawn_blocking(move || match store.record_figures(&real, &api_group, &sample, &rules) {
                Ok(Some(figures)) => me.send(EngineEvent::Figures { group, figures: Box::new(figures) }),
                Ok(None) => {}
                Err(e) => {
                    if !me.samples_failed.swap(true, Ordering::SeqCst) {
                        me.send(EngineEvent::Problem(format!(
                            "lag samples cannot be kept in {} ({e}); trends, ETA and status are not shown",
                            store.dir().display()
                        )));
                    }
                }
            });
        let _ = kept.await;
    }
}
