//! `offsetdeck groups`: every group the cloud has on an instance (or on every instance in the profile), with state,
//! members, lag and topics, the laggiest first: the triage list for "which group is paging me".

use serde::Serialize;

use super::ops::{R, Stop, bad, exit, runtime, session};
use crate::core::live::{Listing, state_word};
use crate::core::profile::Profile;
use crate::engine::discover;
use crate::engine::reads;
use crate::engine::target::Target;

pub use crate::command::args::Sort;

#[derive(Debug, Serialize)]
struct Row {
    account: String,
    instance: String,
    kind: &'static str,
    group: String,
    state: &'static str,
    state_as_sent: String,
    members: Option<usize>,
    lag: Option<i64>,
    topics: Vec<String>,
    in_profile: bool,
}

/// The state words `--state` names: one, or a comma list (`empty,dead`), each EMPTY, ACTIVE, REBALANCING or DEAD
/// in any case, or a cloud's own word for one of them.
pub fn state_words(typed: &str) -> Result<Vec<&'static str>, String> {
    let mut words = Vec::new();
    for s in typed.split(',') {
        let word = ["EMPTY", "ACTIVE", "REBALANCING", "DEAD"]
            .into_iter()
            .find(|w| w.eq_ignore_ascii_case(s.trim()))
            .or_else(|| Some(state_word(s.trim())).filter(|w| *w != "UNKNOWN"))
            .ok_or_else(|| {
                format!(
                    "--state {typed:?}: {s:?} is not a state; write EMPTY, ACTIVE, REBALANCING or DEAD (or the cloud's own word), or a comma list of them"
                )
            })?;
        if !words.contains(&word) {
            words.push(word);
        }
    }
    Ok(words)
}

/// `groups`.
pub fn groups(
    p: &Profile,
    (instance, state): (Option<&str>, Option<&str>),
    (sort, how): (Sort, Listing),
    json: bool,
) -> R<u8> {
    let wanted_states = match state {
        None => None,
        Some(s) => Some(state_words(s).map_err(bad)?),
    };
    let mut session = session(p)?;
    let rt = runtime()?;
    let mut failed = Vec::new();
    match instance {
        Some(name) => rt.block_on(discover::ensure(&mut session, name))?,
        None => failed.extend(rt.block_on(discover::everything(&mut session))),
    }
    let targets: Vec<Target<'_>> = match instance {
        Some(name) => vec![session.find(name)?],
        None => {
            let mut all = Vec::new();
            for a in &session.profile.huawei {
                all.extend(a.instances.iter().map(|i| Target::Huawei(a, i)));
            }
            for a in &session.profile.tencent {
                all.extend(a.ckafka.iter().map(|i| Target::Ckafka(a, i)));
                all.extend(a.dts.iter().map(|d| Target::Dts(a, d)));
            }
            all
        }
    };
    let mut rows = Vec::new();
    for t in &targets {
        let listed = session
            .credentials(t)
            .map_err(|e| e.to_string())
            .and_then(|c| rt.block_on(reads::list_groups(&session.client, &c, t, how)).map_err(|e| e.to_string()));
        match listed {
            Ok(groups) => rows.extend(groups.into_iter().map(|g| Row {
                account: t.account().to_owned(),
                instance: t.name().to_owned(),
                kind: t.kind().word(),
                state: state_word(&g.state),
                in_profile: t.lists_group(&g.group),
                state_as_sent: g.state,
                group: g.group,
                members: g.members,
                lag: g.lag,
                topics: g.topics,
            })),
            Err(e) => failed.push(format!("{} `{}`: the groups could not be listed: {e}", t.kind(), t.name())),
        }
    }
    if let Some(words) = &wanted_states {
        rows.retain(|r| words.contains(&r.state));
    }
    let rank = |s: &str| ["ACTIVE", "REBALANCING", "EMPTY", "DEAD", "UNKNOWN"].iter().position(|w| *w == s);
    match sort {
        Sort::Lag => rows.sort_by(|a, b| b.lag.cmp(&a.lag).then_with(|| a.group.cmp(&b.group))),
        Sort::Name => rows.sort_by(|a, b| (&a.group, &a.instance).cmp(&(&b.group, &b.instance))),
        Sort::State => rows.sort_by(|a, b| rank(a.state).cmp(&rank(b.state)).then_with(|| b.lag.cmp(&a.lag))),
    }
    if json {
        say_json!(serde_json::to_value(&rows).unwrap_or_default());
    } else {
        use super::table::{Align::*, Table};
        let mut table = Table::new(&[
            ("account", Left),
            ("instance", Left),
            ("group", Left),
            ("state", Left),
            ("members", Right),
            ("lag", Right),
            ("topics", Left),
        ]);
        for r in &rows {
            let mark = if r.in_profile { "" } else { "  (not in the profile)" };
            table.row_then(
                vec![
                    r.account.clone(),
                    r.instance.clone(),
                    r.group.clone(),
                    r.state.to_owned(),
                    r.members.map_or("-".to_owned(), |m| m.to_string()),
                    r.lag.map_or("-".to_owned(), |l| l.to_string()),
                    r.topics.join(","),
                ],
                mark.to_owned(),
            );
        }
        sayn!("{}", table.render());
        say!("{} group(s)", rows.len());
    }
    for f in &failed {
        esay!("error: {f}");
    }
    if failed.is_empty() {
        Ok(exit::OK)
    } else {
        Err(Stop(exit::FAILED, format!("{} instance(s) could not be listed", failed.len())))
    }
}
