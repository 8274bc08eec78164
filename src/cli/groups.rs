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
    /// What the group's lag samples say (from earlier reads: a listing is not a sample).
    over_time: Option<serde_json::Value>,
    /// When it last committed, as the samples show (Unix ms), and whether exactly or "then or before".
    last_commit_ms: Option<i64>,
    last_commit_exact: Option<bool>,
    #[serde(skip)]
    figures: Option<crate::core::lag::Figures>,
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
    (instance, state, stale): (Option<&str>, Option<&str>, Option<&str>),
    (sort, how, watch): (Sort, Listing, Option<u64>),
    json: bool,
) -> R<u8> {
    let wanted_states = match state {
        None => None,
        Some(s) => Some(state_words(s).map_err(bad)?),
    };
    let stale = match stale {
        None => None,
        Some(s) => Some(
            crate::core::strategy::parse_duration(s)
                .map_err(|e| bad(format!("--stale {s:?}: {e}; write an age such as 7d, 12h or P14D")))?,
        ),
    };
    let mut session = session(p)?;
    let rt = runtime()?;
    let mut failed = Vec::new();
    match instance {
        Some(name) => rt.block_on(discover::ensure(&mut session, name))?,
        None => failed.extend(rt.block_on(discover::everything(&mut session))),
    }
    // `--watch`: the same listing again every N seconds until interrupted; a terminal is redrawn in place, a
    // script gets one JSON document (one line) per listing.
    let redraw = watch.is_some() && !json && std::io::IsTerminal::is_terminal(&std::io::stdout());
    loop {
        if redraw {
            // Home and clear: offsetdeck's own control sequence, written past the inert boundary on purpose (the
            // listing after it goes through it as always).
            super::out::write("\x1b[H\x1b[2J");
        }
        let listed = list_once(p, &session, &rt, (instance, &wanted_states, stale), sort, how, json, &mut failed);
        let Some(every) = watch else { return listed };
        // Watching, a listing that failed is said and the next one tried.
        if let Err(Stop(_, why)) = &listed {
            esay!("error: {why}");
        }
        if redraw {
            say!("every {every} s; Ctrl-C stops");
        }
        failed.clear();
        std::thread::sleep(std::time::Duration::from_secs(every));
    }
}

/// One listing of the groups, printed; the instances that could not be listed are said and make it exit 1.
#[allow(clippy::too_many_arguments)]
fn list_once(
    p: &Profile,
    session: &crate::engine::session::Session,
    rt: &tokio::runtime::Runtime,
    (instance, wanted_states, stale): (Option<&str>, &Option<Vec<&'static str>>, Option<jiff::SignedDuration>),
    sort: Sort,
    how: Listing,
    json: bool,
    failed: &mut Vec<String>,
) -> R<u8> {
    let store = crate::engine::paths::DataPaths::of(p).map(|d| crate::engine::history::SampleStore::of(&d));
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
            Ok(groups) => rows.extend(groups.into_iter().map(|g| {
                let series = store
                    .as_ref()
                    .zip(t.api_group(&g.group).ok())
                    .and_then(|(s, api)| s.series(&t.real(), &api).ok())
                    .unwrap_or_default();
                let figures = crate::core::lag::figures(&series, &p.settings.lag);
                let last = crate::core::lag::expiry::last_commit(&series);
                Row {
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
                    over_time: figures.as_ref().map(crate::core::lag::figures::json),
                    last_commit_ms: last.map(|l| l.0),
                    last_commit_exact: last.map(|l| l.1),
                    figures,
                }
            })),
            Err(e) => failed.push(format!("{} `{}`: the groups could not be listed: {e}", t.kind(), t.name())),
        }
    }
    if let Some(words) = wanted_states {
        rows.retain(|r| words.contains(&r.state));
    }
    let mut unjudged = 0;
    if let Some(age) = stale {
        let before = jiff::Timestamp::now().as_millisecond() - age.as_millis() as i64;
        rows.retain(|r| {
            let empty = r.members == Some(0) || matches!(r.state, "EMPTY" | "DEAD");
            match r.last_commit_ms {
                _ if !empty => false,
                Some(at) => at <= before,
                None => {
                    unjudged += 1;
                    false
                }
            }
        });
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
            ("trend", Left),
            ("status", Left),
            ("eta", Right),
            ("loss in", Right),
            ("topics", Left),
        ]);
        use crate::core::lag::figures as words;
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
                    r.figures.as_ref().map(|f| words::sparkline(&f.trend, 8)).unwrap_or_default(),
                    r.figures.as_ref().map_or("-", |f| f.verdict.status.word()).to_owned(),
                    r.figures.as_ref().map_or("-".to_owned(), |f| words::eta_short(&f.eta.eta)),
                    r.figures.as_ref().map_or("-".to_owned(), |f| words::loss_short(&f.loss)),
                    r.topics.join(","),
                ],
                mark.to_owned(),
            );
        }
        sayn!("{}", table.render());
        say!("{} group(s)", rows.len());
    }
    if unjudged > 0 {
        esay!(
            "{unjudged} group(s) with no members have no lag samples yet, so when they last committed is not known: describe them (or open them in the dashboard) to start their history"
        );
    }
    for f in failed.iter() {
        esay!("error: {f}");
    }
    if failed.is_empty() {
        Ok(exit::OK)
    } else {
        Err(Stop(exit::FAILED, format!("{} instance(s) could not be listed", failed.len())))
    }
}
