//! A refresh: every instance's groups listed (a timer refresh only every minute), every pinned group and topic
//! read, each read's result sent to the dashboard as it comes, each group read kept as a lag sample.

use std::collections::HashMap;
use std::sync::Arc;

use super::{EngineEvent, LISTING_EVERY, Shared};
use crate::core::target::{AccountKey, GroupRef, TopicRef};
use crate::engine::error::EngineError;
use crate::engine::reads;
use crate::engine::target::Target;
use crate::providers::error::CallError;

impl Shared {
    pub(super) async fn refresh(self: &Arc<Self>, asked: bool) {
        if asked {
            // R: a failed credential helper is asked again, and a refused key is probed with one call.
            self.session.retry_keys();
            self.said_missing.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
        let p = &self.session.profile;
        let mut groups: Vec<(String, String, Vec<String>)> = Vec::new();
        let mut topics: Vec<(String, String)> = Vec::new();
        for i in p.huawei.iter().flat_map(|a| &a.instances).chain(p.tencent.iter().flat_map(|a| &a.ckafka)) {
            groups.extend(i.groups.iter().map(|g| (i.name.clone(), g.name.clone(), g.topics.clone())));
            topics.extend(i.topics.iter().map(|t| (i.name.clone(), t.name.clone())));
        }
        for d in p.tencent.iter().flat_map(|a| &a.dts) {
            groups.extend(d.groups.iter().map(|g| (d.name.clone(), g.clone(), vec![d.topic.clone()])));
        }
        // Per account: one read first. If the key is refused, nothing more is sent with it: Huawei locks an AK
        // after 5 failed signatures, and 20 reads in a second would lock even the right key out for 5 minutes.
        let mut by_account: HashMap<AccountKey, (Vec<Read>, Target<'_>)> = HashMap::new();
        for (instance, group, ts) in groups {
            let Ok(t) = self.session.find(&instance) else { continue };
            by_account
                .entry(t.account_key())
                .or_insert_with(|| (Vec::new(), t))
                .0
                .push(Read::Group(GroupRef::new(instance, group), ts));
        }
        for (instance, topic) in topics {
            let Ok(t) = self.session.find(&instance) else { continue };
            by_account
                .entry(t.account_key())
                .or_insert_with(|| (Vec::new(), t))
                .0
                .push(Read::Topic(TopicRef::new(instance, topic)));
        }
        // Every instance's groups as the cloud lists them: the group paging you may not be in the profile. Listed on
        // every refresh the user asks for, and at most once a minute on the timer's.
        let list_now = {
            let mut last = self.listed_at.lock().unwrap_or_else(|e| e.into_inner());
            let due = asked || last.is_none_or(|t| t.elapsed() >= LISTING_EVERY);
            if due {
                *last = Some(std::time::Instant::now());
            }
            due
        };
        let instances = p.huawei.iter().flat_map(|a| a.instances.iter().map(|i| i.name.clone()));
        let instances = instances
            .chain(p.tencent.iter().flat_map(|a| a.ckafka.iter().map(|i| i.name.clone())))
            .chain(p.tencent.iter().flat_map(|a| a.dts.iter().map(|d| d.name.clone())));
        for instance in instances.filter(|_| list_now).collect::<Vec<_>>() {
            let Ok(t) = self.session.find(&instance) else { continue };
            if !t.scope().discover {
                continue;
            }
            by_account.entry(t.account_key()).or_insert_with(|| (Vec::new(), t)).0.push(Read::Listing(instance));
        }
        let accounts =
            by_account.into_iter().filter(|(_, (_, t))| self.usable(t, asked)).map(|(key, (reads, _))| async move {
                let mut reads = reads.into_iter();
                let Some(first) = reads.next() else { return };
                if let Err(e) = self.read(first).await
                    && e.is_auth()
                {
                    let code = match &e {
                        CallError::Auth { code, .. } => code.clone(),
                        other => other.to_string(),
                    };
                    self.send(EngineEvent::AuthFailed { account: key.clone(), code, error: e.to_string() });
                    self.refused.lock().unwrap_or_else(|e| e.into_inner()).insert(key, e);
                    return;
                }
                if self.refused.lock().unwrap_or_else(|e| e.into_inner()).remove(&key).is_some() {
                    self.send(EngineEvent::AuthOk { account: key.clone() });
                }
                futures_util::future::join_all(reads.map(|r| self.read(r))).await;
            });
        futures_util::future::join_all(accounts).await;
        self.send(EngineEvent::RefreshDone);
    }

    /// One read of a refresh; its result goes to the dashboard, its error back for the key check.
    pub(super) async fn read(self: &Arc<Self>, r: Read) -> Result<(), CallError> {
        let session = &self.session;
        match r {
            Read::Group(group, topics) => {
                let result = async {
                    let t = session.find(&group.instance).map_err(|e| Err(e.to_string()))?;
                    let api_group = t.api_group(&group.group).map_err(|e| Err(e.to_string()))?;
                    let c = session.credentials(&t).map_err(|e| Err(e.to_string()))?;
                    reads::describe(&session.client, &c, &t, &api_group, &topics).await.map_err(Ok)
                }
                .await;
                self.tell_live(group, result).await
            }
            Read::Listing(instance) => {
                let result = async {
                    let t = session.find(&instance).map_err(|e| Err(e.to_string()))?;
                    let c = session.credentials(&t).map_err(|e| Err(e.to_string()))?;
                    let events = self.events.clone();
                    let name = instance.clone();
                    let parts = move |groups| {
                        let _ = events.send(EngineEvent::GroupsPart { instance: name.clone(), groups });
                    };
                    let how = crate::core::live::Listing::Names;
                    reads::list_groups_in_parts(&session.client, &c, &t, how, Some(&parts)).await.map_err(Ok)
                }
                .await;
                let (shown, back) = split(result);
                if let Ok(groups) = &shown {
                    self.sweep_lags(&instance, groups);
                }
                self.send(EngineEvent::Groups { instance, result: shown });
                back
            }
            Read::Detail(group) => {
                let result = async {
                    let t = session.find(&group.instance).map_err(|e| Err(e.to_string()))?;
                    let c = session.credentials(&t).map_err(|e| Err(e.to_string()))?;
                    reads::describe_group(&session.client, &c, &t, &group.group, &[]).await.map_err(|e| match e {
                        EngineError::Call { error, .. } => Ok(error),
                        other => Err(other.to_string()),
                    })
                }
                .await;
                self.tell_live(group, result).await
            }
            Read::Topic(topic) => {
                let result = async {
                    let t = session.find(&topic.instance).map_err(|e| Err(e.to_string()))?;
                    let c = session.credentials(&t).map_err(|e| Err(e.to_string()))?;
                    reads::topic_log(&session.client, &c, &t, &topic.topic).await.map_err(Ok)
                }
                .await;
                if let Err(Ok(e)) = &result
                    && reads::is_not_found(e)
                {
                    self.send(EngineEvent::TopicMissing { topic });
                    return Ok(());
                }
                let (shown, back) = split(result);
                self.send(EngineEvent::TopicLog { topic, result: shown });
                back
            }
        }
    }
}

/// A refresh's reads.
pub(super) enum Read {
    Group(GroupRef, Vec<String>),
    Topic(TopicRef),
    /// An instance's group listing: every group's state and lag.
    Listing(String),
    /// One group's live detail, its topics found live.
    Detail(GroupRef),
}

/// A read's result for the dashboard (errors in words) and, for a call error, the error itself.
pub(super) fn split<T>(r: Result<T, Result<CallError, String>>) -> (Result<T, String>, Result<(), CallError>) {
    match r {
        Ok(v) => (Ok(v), Ok(())),
        Err(Err(text)) => (Err(text), Ok(())),
        Err(Ok(e)) => (Err(e.to_string()), Err(e)),
    }
}
