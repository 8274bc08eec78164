//! `check --live`: each account's key and each pinned instance's id tried against the cloud, one read each.

use serde::Serialize;

use super::ops;
use crate::core::live::Listing;
use crate::core::profile::Profile;
use crate::engine::{discover, reads};

/// One thing tried live.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    /// `account` or `instance`.
    pub what: &'static str,
    pub name: String,
    pub ok: bool,
    /// What the cloud said, in words.
    pub said: String,
}

/// Tries every account (one listing of its instances, which proves the key) and every pinned instance (one listing
/// of its groups, which proves the id). An account without keys is said once and its instances are not tried.
pub fn run(p: &Profile) -> Vec<Checked> {
    let (Ok(mut session), Ok(rt)) = (ops::session(p), ops::runtime()) else {
        return vec![Checked { what: "profile", name: String::new(), ok: false, said: "no session".into() }];
    };
    let mut out = Vec::new();
    rt.block_on(async {
        let mut refused = Vec::new();
        for key in discover::accounts(&session) {
            for listed in discover::list(&session, &key).await {
                let (ok, said) = match &listed.result {
                    Ok(found) => (true, format!("the key works; {} {} listed", found.len(), listed.what)),
                    Err(e) => (false, format!("listing {} failed: {e}", listed.what)),
                };
                if !ok {
                    refused.push(key.clone());
                }
                discover::merge(&mut session, &listed);
                out.push(Checked { what: "account", name: key.to_string(), ok, said });
            }
        }
        let pinned: Vec<String> = p
            .huawei
            .iter()
            .flat_map(|a| a.instances.iter().map(|i| i.name.clone()))
            .chain(p.tencent.iter().flat_map(|a| a.ckafka.iter().map(|i| i.name.clone())))
            .chain(p.tencent.iter().flat_map(|a| a.dts.iter().map(|d| d.name.clone())))
            .collect();
        for name in pinned {
            let Ok(t) = session.find(&name) else { continue };
            if refused.contains(&t.account_key()) {
                out.push(Checked {
                    what: "instance",
                    name,
                    ok: false,
                    said: "not tried: its account's key failed".into(),
                });
                continue;
            }
            let (ok, said) = match session.credentials(&t) {
                Err(e) => (false, format!("no credentials: {e}")),
                Ok(c) => match reads::list_groups(&session.client, &c, &t, Listing::Names).await {
                    Ok(groups) => (true, format!("the id works; {} group(s) listed", groups.len())),
                    Err(e) => (false, format!("listing its groups failed: {e}")),
                },
            };
            out.push(Checked { what: "instance", name, ok, said });
        }
    });
    out
}
