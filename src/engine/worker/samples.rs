//! The worker's side of lag over time: each group read it makes is kept as a sample (off the async threads: a
//! sample is a synced append) and answered with the group's figures over its samples.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::{EngineEvent, Shared};
use crate::core::live::GroupSnapshot;
use crate::core::target::GroupRef;
use crate::engine::target::Target;

impl Shared {
    /// Keeps `snap` as `group`'s newest sample and sends its figures, before the read itself is told (so a
    /// refresh's end comes after every figure of it); a store that cannot be written is said once, and the reads
    /// go on without it.
    pub(super) async fn sampled(
        self: &Arc<Self>,
        group: &GroupRef,
        target: &Target<'_>,
        api_group: &str,
        snap: &GroupSnapshot,
    ) {
        let sample = crate::engine::history::sample_of(snap, jiff::Timestamp::now().as_millisecond());
        self.sampled_as(group, target, api_group, sample).await;
    }

    /// [`sampled`](Self::sampled) of a sample made by the caller (the lag sweep's, with the listing's members).
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
