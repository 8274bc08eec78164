//! The headless commands: describe, reset, delete-offsets, delete-messages. Same engine as the dashboard.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use super::load::{load, locate};
use super::report::{render_plan, report};
use crate::core::credentials::{self, Credentials};
use crate::core::live::GroupSnapshot;
use crate::core::profile::{Profile, TimeZoneSetting};
use crate::core::strategy::{self, ResetStrategy};
use crate::engine::audit;
use crate::engine::plan::{self, Plan};
use crate::engine::run;
use crate::engine::snapshot;
use crate::engine::target::Target;
use crate::engine::verify;
use crate::providers::client::{Client, ClientConfig};
use crate::providers::credentials::SystemEnvironment;

/// Exit codes, as documented.
pub mod exit {
    /// All succeeded.
    pub const OK: u8 = 0;
    /// Some item failed.
    pub const FAILED: u8 = 1;
    /// Bad input or profile.
    pub const BAD_INPUT: u8 = 2;
    /// Refused by a safety check.
    pub const REFUSED: u8 = 3;
}

/// An early end of a command: the message and the exit code.
pub struct Stop(pub u8, pub String);

/// A command's result: an exit code, or an early stop.
pub type R<T> = Result<T, Stop>;

/// Bad input: exit 2 with this message.
pub fn bad(msg: impl Into<String>) -> Stop {
    Stop(exit::BAD_INPUT, msg.into())
}

/// How a write proceeds.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteMode<'a> {
    /// Print the plan and calls, send nothing.
    pub dry_run: bool,
    /// Do not ask.
    pub yes: bool,
    /// The name typed to confirm on a protected account.
    pub confirm: Option<&'a str>,
    /// JSON output.
    pub json: bool,
}

/// Loads the profile, printing diagnostics the way `check` does.
pub fn profile(flag: Option<&Path>) -> R<Profile> {
    let located = locate(flag).map_err(bad)?;
    let loaded = load(&located).map_err(|e| bad(e.to_string()))?;
    for w in &loaded.warnings {
        eprintln!("{w}");
    }
    Ok(loaded.profile)
}

/// The time zone typed datetimes are read in, and its name.
pub fn zone(p: &Profile) -> (jiff::tz::TimeZone, String) {
    match &p.settings.timezone {
        TimeZoneSetting::Named(n) => (jiff::tz::TimeZone::get(n).unwrap_or(jiff::tz::TimeZone::UTC), n.clone()),
        TimeZoneSetting::Local => {
            let tz = jiff::tz::TimeZone::system();
            let name = tz.iana_name().unwrap_or("local").to_owned();
            (tz, name)
        }
    }
}

fn creds(target: &Target<'_>) -> R<Credentials> {
    credentials::resolve(target.credentials(), &SystemEnvironment)
        .map(|(c, _)| c)
        .map_err(|e| bad(format!("account `{}`: {e}", target.account())))
}

fn runtime() -> R<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| Stop(exit::FAILED, e.to_string()))
}

/// The client, with the profile's timeouts (each Huawei request carries its account's own limit).
fn client(p: &Profile) -> R<Client> {
    let config = ClientConfig {
        connect_timeout: std::time::Duration::from_secs(p.settings.connect_timeout_seconds),
        request_timeout: std::time::Duration::from_secs(p.settings.request_timeout_seconds),
        ..ClientConfig::default()
    };
    Client::new(config).map_err(|e| Stop(exit::FAILED, e.to_string()))
}

/// Parses the one strategy flag that was given.
pub fn parse_strategy(s: &StrategyArgs, zone: &jiff::tz::TimeZone, zone_name: &str) -> R<ResetStrategy> {
    let e = |err: strategy::ParseError| bad(err.to_string());
    Ok(if s.to_earliest {
        ResetStrategy::Earliest
    } else if s.to_latest {
        ResetStrategy::Latest
    } else if let Some(v) = &s.to_offset {
        ResetStrategy::ToOffset(strategy::parse_offset(v).map_err(e)?)
    } else if let Some(v) = &s.to_datetime {
        ResetStrategy::ToDatetime { at: strategy::parse_datetime(v, zone).map_err(e)?, zone: zone_name.to_owned() }
    } else if let Some(v) = &s.to_timestamp {
        ResetStrategy::ToTimestamp(strategy::parse_timestamp_ms(v).map_err(e)?)
    } else if let Some(v) = &s.by_duration {
        ResetStrategy::ByDuration(strategy::parse_duration(v).map_err(e)?)
    } else if let Some(v) = &s.shift_by {
        ResetStrategy::ShiftBy(strategy::parse_shift(v).map_err(e)?)
    } else {
        return Err(bad(
            "give one strategy: --to-earliest, --to-latest, --to-offset, --to-datetime, --to-timestamp, --by-duration or --shift-by",
        ));
    })
}

/// The strategy flags, exactly one of which is given.
#[derive(Debug, Clone, Default, clap::Args)]
#[group(required = true, multiple = false)]
pub struct StrategyArgs {
    /// Move to the log start.
    #[arg(long)]
    pub to_earliest: bool,
    /// Move to the log end (skip everything unread).
    #[arg(long)]
    pub to_latest: bool,
    /// Move to this offset (clamped to the log).
    #[arg(long, value_name = "N")]
    pub to_offset: Option<String>,
    /// Move to the first message at or after this time: RFC 3339, or YYYY-MM-DD HH:MM[:SS] in the profile's zone.
    #[arg(long, value_name = "DT")]
    pub to_datetime: Option<String>,
    /// Move to the first message at or after this Unix time in milliseconds.
    #[arg(long, value_name = "MS")]
    pub to_timestamp: Option<String>,
    /// Move to now minus this duration: 6h, 90m, 2d, PT6H.
    #[arg(long, value_name = "D")]
    pub by_duration: Option<String>,
    /// Move each partition by N (negative replays, positive skips).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub shift_by: Option<String>,
}

pub(super) fn preflight_inactive(snap: &GroupSnapshot) -> R<()> {
    if snap.is_inactive() {
        return Ok(());
    }
    let members: Vec<String> = snap
        .members
        .iter()
        .map(|m| if m.host.is_empty() { m.client_id.clone() } else { format!("{} on {}", m.client_id, m.host) })
        .collect();
    Err(Stop(
        exit::REFUSED,
        format!(
            "refused: group `{}` is {} with {} member(s): {}. Stop these consumers, wait out their session timeout, then try again",
            snap.group,
            snap.state,
            snap.members.len(),
            if members.is_empty() { "(not listed by the API)".into() } else { members.join(", ") }
        ),
    ))
}

/// Confirms a write as the mode and safety settings require.
fn confirm(target: &Target<'_>, name: &str, mode: WriteMode<'_>) -> R<()> {
    let protected = target.safety().protected;
    if protected {
        if let Some(given) = mode.confirm {
            return if given == name {
                Ok(())
            } else {
                Err(Stop(exit::REFUSED, format!("refused: --confirm {given:?} does not match `{name}`")))
            };
        }
        if mode.yes {
            return Err(Stop(
                exit::REFUSED,
                format!("refused: `{}` is protected; add --confirm {name}", target.name()),
            ));
        }
    } else if mode.yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(bad("refusing to write without --yes: stdin is not a terminal to ask on"));
    }
    let prompt = if protected {
        format!("`{}` is protected. Type `{name}` to proceed: ", target.name())
    } else {
        "Proceed? [y/N] ".to_owned()
    };
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    let answer = line.trim();
    let ok =
        if protected { answer == name } else { answer.eq_ignore_ascii_case("y") || answer.eq_ignore_ascii_case("yes") };
    if ok { Ok(()) } else { Err(Stop(exit::REFUSED, "cancelled: nothing was sent".into())) }
}

pub(super) fn finish(cx: &Ctx<'_>, plan: Plan, confirm_name: &str, mode: WriteMode<'_>) -> R<u8> {
    if mode.json && mode.dry_run {
        println!("{}", serde_json::json!({"plan": plan, "dry_run": true}));
        return Ok(exit::OK);
    }
    if !mode.json {
        print!("{}", render_plan(&plan));
    }
    if mode.dry_run {
        println!("dry run: nothing was sent");
        return Ok(exit::OK);
    }
    confirm(&cx.target, confirm_name, mode)?;
    // The snapshot is on disk before the first call leaves; without it, nothing is sent.
    let snapshot = snapshot::dir(cx.audit_log.as_deref())
        .ok_or_else(|| "there is no home directory for snapshots; set settings.audit_log".to_owned())
        .and_then(|dir| {
            snapshot::write(&dir, &snapshot::Snapshot::of(cx.target.account(), cx.target.name(), &plan))
                .map_err(|e| format!("{}: {e}", dir.display()))
        })
        .map_err(|e| {
            Stop(exit::FAILED, format!("refused: the snapshot could not be written ({e}); nothing was sent"))
        })?;
    if !mode.json {
        println!("snapshot: {}", snapshot.display());
    }
    // Fault injection for the crash test: die between the snapshot and the first call.
    if std::env::var("OFFSETDECK_INJECT_CRASH").is_ok_and(|v| v == "after-snapshot") {
        std::process::abort();
    }
    // The job's start and each finished call are journaled as they happen, so a kill leaves a true record.
    let audit_path = audit::path(cx.audit_log.as_deref()).ok_or_else(|| {
        Stop(
            exit::FAILED,
            "refused: no home directory for the audit log (set settings.audit_log); nothing was sent".into(),
        )
    })?;
    let job = audit::job_id();
    let snapshot_text = snapshot.display().to_string();
    let start = audit::Start::new(&job, cx.target.account(), cx.target.name(), "cli", &plan, &snapshot_text);
    audit::append(&audit_path, &start).map_err(|e| {
        Stop(
            exit::FAILED,
            format!("refused: the audit log {} cannot be written ({e}); nothing was sent", audit_path.display()),
        )
    })?;
    let mut n = 0;
    let mut journal_error = None;
    let outcomes = cx.rt.block_on(run::execute(&cx.client, &cx.creds, &plan, |o| {
        n += 1;
        if let Err(e) = audit::append(&audit_path, &audit::Call::new(&job, n, o)) {
            journal_error.get_or_insert(e);
        }
    }));
    if let Some(e) = journal_error {
        eprintln!("error: some calls could not be journaled in {}: {e}", audit_path.display());
    }
    // Read back whatever the service accepted, so an accepted call that changed nothing is caught.
    let verification = match outcomes.iter().any(|o| o.error.is_none()) {
        true => Some(cx.rt.block_on(verify::verify(&cx.client, &cx.creds, &cx.target, &plan))),
        false => None,
    };
    let checks = verification.as_ref().and_then(|v| v.as_ref().ok()).map(Vec::as_slice);
    let mut code = report(&plan, &outcomes, checks, mode.json);
    if let Some(Err(e)) = &verification {
        eprintln!("error: the result could not be read back to verify it: {e}");
        code = exit::FAILED;
    }
    let mut record = audit::Record::new(cx.target.account(), cx.target.name(), "cli", &plan, &outcomes, false);
    record.verification = checks;
    record.snapshot = Some(snapshot_text.clone());
    record.job = job.clone();
    let written = audit::append(&audit_path, &record).map_err(|e| format!("{}: {e}", audit_path.display()));
    if let Err(e) = written {
        eprintln!("error: the calls above ran, but the audit record could not be written: {e}");
        return Ok(exit::FAILED);
    }
    Ok(code)
}

pub(super) struct Ctx<'p> {
    pub(super) target: Target<'p>,
    audit_log: Option<String>,
    pub(super) creds: Credentials,
    pub(super) rt: tokio::runtime::Runtime,
    pub(super) client: Client,
}

pub(super) fn context<'p>(p: &'p Profile, instance: &str, write: bool) -> R<Ctx<'p>> {
    let target = Target::find(p, instance).map_err(bad)?;
    if write && target.safety().read_only {
        return Err(Stop(
            exit::REFUSED,
            format!("refused: `{}` (account {}) is read_only in the profile", target.name(), target.account()),
        ));
    }
    Ok(Ctx {
        creds: creds(&target)?,
        client: client(p)?,
        target,
        rt: runtime()?,
        audit_log: p.settings.audit_log.clone(),
    })
}

/// `describe`.
pub fn describe(p: &Profile, instance: &str, group: &str, topic: Option<&str>, json: bool) -> R<u8> {
    let cx = context(p, instance, false)?;
    let api_group = cx.target.api_group(group).map_err(bad)?;
    let topics: Vec<String> = match topic {
        Some(t) => vec![cx.target.topic(Some(t)).map_err(bad)?],
        None => match &cx.target {
            Target::Huawei(_, i) | Target::Ckafka(_, i) => {
                i.groups.iter().find(|g| g.name == group).map(|g| g.topics.clone()).unwrap_or_default()
            }
            Target::Dts(_, d) => vec![d.topic.clone()],
        },
    };
    let snap = cx
        .rt
        .block_on(run::describe(&cx.client, &cx.creds, &cx.target, &api_group, &topics))
        .map_err(|e| Stop(exit::FAILED, e.to_string()))?;
    if json {
        println!("{}", serde_json::to_string(&snap).unwrap_or_default());
        return Ok(exit::OK);
    }
    println!(
        "group {} on {} `{}` (account {}): state {}",
        snap.group,
        cx.target.kind(),
        cx.target.name(),
        cx.target.account(),
        snap.state
    );
    for m in &snap.members {
        println!("  member {} {}", m.client_id, m.host);
    }
    let show = |v: Option<i64>| v.map_or("-".to_owned(), |x| x.to_string());
    println!("{:<24} {:>5} {:>12} {:>12} {:>12} {:>10}", "topic", "part", "committed", "start", "end", "lag");
    for r in &snap.partitions {
        println!(
            "{:<24} {:>5} {:>12} {:>12} {:>12} {:>10}",
            r.topic,
            r.partition,
            show(r.committed),
            show(r.start),
            show(r.end),
            show(r.lag())
        );
    }
    let total: i64 = snap.partitions.iter().filter_map(|r| r.lag()).sum();
    println!("total lag {total}");
    Ok(exit::OK)
}

/// `reset`.
pub fn reset(
    p: &Profile,
    instance: &str,
    group: &str,
    topic: Option<&str>,
    partitions: &[i32],
    s: &StrategyArgs,
    mode: WriteMode<'_>,
) -> R<u8> {
    let (tz, zone_name) = zone(p);
    let strategy = parse_strategy(s, &tz, &zone_name)?;
    let cx = context(p, instance, true)?;
    let topic = cx.target.topic(topic).map_err(bad)?;
    let api_group = cx.target.api_group(group).map_err(bad)?;
    cx.rt
        .block_on(run::check_topics_exist(&cx.client, &cx.creds, &cx.target, std::slice::from_ref(&topic)))
        .map_err(bad)?;
    let snap = cx
        .rt
        .block_on(run::describe(&cx.client, &cx.creds, &cx.target, &api_group, std::slice::from_ref(&topic)))
        .map_err(|e| Stop(exit::FAILED, format!("reading the live state failed: {e}")))?;
    preflight_inactive(&snap)?;
    let now = jiff::Timestamp::now().as_millisecond();
    let ms = plan::strategy_time_ms(&strategy, now);
    let (targets, problem) =
        cx.rt.block_on(run::time_targets(&cx.client, &cx.creds, &cx.target, &snap, &topic, partitions, ms));
    let req = plan::ResetRequest {
        group: &api_group,
        topic: &topic,
        partitions,
        strategy: &strategy,
        now_ms: now,
        zone_name: &zone_name,
        time_targets: &targets,
    };
    let mut plan = plan::reset(&cx.target, &snap, &req).map_err(|e| bad(e.to_string()))?;
    plan.notes.extend(problem);
    finish(&cx, plan, group, mode)
}

/// `delete-offsets`.
pub fn delete_offsets(p: &Profile, instance: &str, group: &str, topics: &[String], mode: WriteMode<'_>) -> R<u8> {
    let cx = context(p, instance, true)?;
    let topics: Vec<String> = topics.iter().map(|t| cx.target.topic(Some(t))).collect::<Result<_, _>>().map_err(bad)?;
    let api_group = cx.target.api_group(group).map_err(bad)?;
    if !matches!(cx.target, Target::Huawei(..)) {
        return Err(bad(format!(
            "deleting committed offsets is a Huawei DMS API; `{}` is {}",
            cx.target.name(),
            cx.target.kind()
        )));
    }
    cx.rt.block_on(run::check_topics_exist(&cx.client, &cx.creds, &cx.target, &topics)).map_err(bad)?;
    let snap = cx
        .rt
        .block_on(run::describe(&cx.client, &cx.creds, &cx.target, &api_group, &topics))
        .map_err(|e| Stop(exit::FAILED, format!("reading the live state failed: {e}")))?;
    preflight_inactive(&snap)?;
    let plan = plan::delete_offsets(&cx.target, &api_group, &snap, &topics).map_err(|e| bad(e.to_string()))?;
    finish(&cx, plan, group, mode)
}

/// Parses `P:OFFSET` or `P:end`.
pub fn parse_partition_offset(s: &str) -> Result<(i32, Option<i64>), String> {
    let (p, o) = s.split_once(':').ok_or_else(|| format!("{s:?}: write PARTITION:OFFSET, e.g. 0:1200, or 0:end"))?;
    let p: i32 = p
        .trim()
        .parse()
        .ok()
        .filter(|p| *p >= 0)
        .ok_or_else(|| format!("{s:?}: the partition must be a whole number, 0 or more"))?;
    let o = match o.trim() {
        "end" => None,
        o => Some(strategy::parse_offset(o).map_err(|e| e.to_string())?),
    };
    Ok((p, o))
}

/// `delete-messages`.
pub fn delete_messages(
    p: &Profile,
    instance: &str,
    topic: &str,
    wanted: &[(i32, Option<i64>)],
    mode: WriteMode<'_>,
) -> R<u8> {
    if let Some((dup, _)) = wanted.iter().enumerate().find_map(|(i, w)| wanted[..i].iter().find(|x| x.0 == w.0)) {
        return Err(bad(format!("partition {dup} is given twice; give each partition once")));
    }
    let cx = context(p, instance, true)?;
    let topic = cx.target.topic(Some(topic)).map_err(bad)?;
    if !matches!(cx.target, Target::Huawei(..)) {
        return Err(bad(format!(
            "deleting messages is a Huawei DMS API; `{}` is {}",
            cx.target.name(),
            cx.target.kind()
        )));
    }
    let bounds = cx
        .rt
        .block_on(run::topic_bounds(&cx.client, &cx.creds, &cx.target, &topic))
        .map_err(|e| Stop(exit::FAILED, format!("reading the live state failed: {e}")))?;
    let mut plan = plan::delete_messages(&cx.target, &topic, &bounds, wanted).map_err(|e| bad(e.to_string()))?;
    plan.notes.extend(cx.rt.block_on(run::groups_left_behind(&cx.client, &cx.creds, &cx.target, &plan)));
    finish(&cx, plan, &topic, mode)
}
