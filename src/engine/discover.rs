//! Live discovery of what an account has: its instances and subscriptions, listed by the cloud and merged into the
//! session's profile under the names the CLI and the tree then use. Accounts with `discover = false` or without
//! keys are not asked.

use super::error::EngineError;
use super::session::Session;
use super::target::Target;
use crate::core::credentials::Cloud;
use crate::core::profile::Found;
use crate::core::target::AccountKey;
use crate::providers::error::CallError;
use crate::providers::{huawei, tencent};

/// One listing of one account: what it found, or why it could not.
#[derive(Debug, Clone)]
pub struct Listed {
    pub account: AccountKey,
    /// What was listed: "instances", "CKafka instances", "DTS subscriptions".
    pub what: &'static str,
    pub result: Result<Vec<Found>, CallError>,
}

/// The accounts discovery may ask: `discover` on and keys present.
pub fn accounts(session: &Session) -> Vec<AccountKey> {
    let p = &session.profile;
    let hw =
        p.huawei.iter().filter(|a| a.scope.discover).map(|a| AccountKey { cloud: Cloud::Huawei, name: a.name.clone() });
    let tc = p
        .tencent
        .iter()
        .filter(|a| a.scope.discover)
        .map(|a| AccountKey { cloud: Cloud::Tencent, name: a.name.clone() });
    hw.chain(tc).filter(|k| session.credentials_of(k).is_ok()).collect()
}

/// Lists one account's instances (Huawei) or CKafka instances and DTS subscriptions (Tencent). The first call is
/// made alone, so a refused key is seen before a second call is signed with it.
pub async fn list(session: &Session, key: &AccountKey) -> Vec<Listed> {
    let Ok(creds) = session.credentials_of(key) else { return Vec::new() };
    let client = &session.client;
    let p = &session.profile;
    match key.cloud {
        Cloud::Huawei => {
            let Some(a) = p.huawei.iter().find(|a| a.name == key.name) else { return Vec::new() };
            let result = huawei::read::instances(client, &creds, a).await;
            vec![Listed { account: key.clone(), what: "instances", result }]
        }
        Cloud::Tencent => {
            let Some(a) = p.tencent.iter().find(|a| a.name == key.name) else { return Vec::new() };
            let ckafka = tencent::instances::ckafka_instances(client, &creds, a).await;
            let refused = ckafka.as_ref().is_err_and(CallError::is_auth);
            let mut out = vec![Listed { account: key.clone(), what: "CKafka instances", result: ckafka }];
            if !refused {
                let result = tencent::instances::dts_subscriptions(client, &creds, a).await;
                out.push(Listed { account: key.clone(), what: "DTS subscriptions", result });
            }
            out
        }
    }
}

/// Merges a listing into the session's profile; returns the names the new instances are known by.
pub fn merge(session: &mut Session, listed: &Listed) -> Vec<String> {
    match &listed.result {
        Ok(found) => session.profile.add_found(&listed.account, found),
        Err(_) => Vec::new(),
    }
}

/// Makes sure an instance name (or cloud id) given on the command line is known: the profile's first, then what the
/// accounts list live. A name found nowhere is refused with every name that exists, and any listing that failed.
pub async fn ensure(session: &mut Session, name: &str) -> Result<(), EngineError> {
    if Target::find(&session.profile, name).is_ok() {
        return Ok(());
    }
    let failures = everything(session).await;
    match Target::find(&session.profile, name) {
        Ok(_) => Ok(()),
        Err(e) if failures.is_empty() => Err(e),
        Err(e) => Err(EngineError::Input(format!("{e}; {}", failures.join("; ")))),
    }
}

/// Lists every account and merges what it has; returns the listings that failed, in words.
pub async fn everything(session: &mut Session) -> Vec<String> {
    let mut failures = Vec::new();
    for key in accounts(session) {
        for listed in list(session, &key).await {
            if let Err(e) = &listed.result {
                failures.push(format!("listing {}'s {} failed: {e}", listed.account, listed.what));
            }
            merge(session, &listed);
        }
    }
    failures
}
