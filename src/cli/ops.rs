//! The headless commands: describe and the writes. Flags become an order; the engine plans and runs it; this file
//! prints and asks.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use super::load::{load, locate};
use super::report::{CallPrinter, render_plan, report};
use crate::core::profile::{Profile, TimeZoneSetting};
use crate::core::strategy::ResetStrategy;
use crate::engine::discover;
use crate::engine::error::EngineError;
pub use crate::engine::error::exit;
use crate::engine::job;
use crate::engine::order::Order;
use crate::engine::planner;
use crate::engine::reads;
use crate::engine::session::{Session, Via};
use crate::engine::target::Target;
use crate::providers::credentials::SystemEnvironment;

/// An early end of a command: the message and the exit code.
pub struct Stop(pub u8, pub String);

impl From<EngineError> for Stop {
    fn from(e: EngineError) -> Self {
        Self(e.exit_code(), e.to_string())
    }
}

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
    /// With `dry_run`: exit 4 ([`exit::WOULD_CHANGE`]) when the plan would change something, 0 when not.
    pub detailed: bool,
    /// Write the plan to this file (valid for this long, as typed) and send nothing.
    pub plan_out: Option<(&'a Path, &'a str)>,
    /// Print the planned targets as CSV and send nothing.
    pub export: bool,
    /// With `export`: write the CSV to this file durably instead of stdout.
    pub export_file: Option<&'a Path>,
}

/// Puts an export where it was asked: stdout, or a file written durably (a temporary file, fsynced, renamed), so a
/// partial file is never left behind. With `--output json`, stdout is one document: the targets as
/// `{"export": [{group, topic, partition, offset}]}`, or, with a file (always CSV, for `--from-file`), where it went.
pub(super) fn emit_export(mode: WriteMode<'_>, plans: &[&crate::engine::plan::Plan], with_group: bool) -> R<()> {
    let csv = || crate::engine::export::csv(plans, with_group);
    match mode.export_file {
        None if mode.json => {
            let lines = crate::engine::export::lines(plans)?;
            say_json!(serde_json::json!({"export": lines}));
        }
        None => sayn!("{}", csv()?),
        Some(path) => {
            let csv = csv()?;
            crate::engine::durable::write(path, csv.as_bytes()).map_err(|e| {
                Stop(exit::FAILED, format!("--export-file {}: {e}; nothing was written", path.display()))
            })?;
            let lines = csv.lines().filter(|l| !l.is_empty()).count();
            if mode.json {
                say_json!(serde_json::json!({"export_file": path, "lines": lines}));
            } else {
                esay!("wrote {lines} line(s) to {}", path.display());
            }
        }
    }
    Ok(())
}

/// A warning on stderr, made inert.
pub fn warn(line: &str) {
    esay!("warning: {line}");
}

/// Loads the profile, printing diagnostics the way `check` does.
pub fn profile(flag: Option<&Path>) -> R<Profile> {
    let located = locate(flag).map_err(bad)?;
    let loaded = load(&located).map_err(|e| bad(e.to_string()))?;
    for w in &loaded.warnings {
        esay!("{w}");
    }
    if let Some(w) = audit_readable_by_others(&loaded.profile) {
        esay!("{w}");
    }
    Ok(loaded.profile)
}

/// A warning when the audit trail (request ids, group names, who did what) can be read by other users.
fn audit_readable_by_others(p: &Profile) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = crate::engine::paths::DataPaths::of(p)?.audit_log().to_owned();
        let mode = std::fs::metadata(&path).ok()?.permissions().mode();
        (mode & 0o077 != 0).then(|| {
            format!(
                "warning: the audit log {} can be read by other users (mode {:o}); run: chmod 600 {}",
                path.display(),
                mode & 0o777,
                path.display()
            )
        })
    }
    #[cfg(not(unix))]
    {
        let _ = p;
        None
    }
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

pub(super) fn runtime() -> R<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| Stop(exit::FAILED, e.to_string()))
}

/// A session for one command: the profile's timeouts, the published limits, the system's credentials.
pub(super) fn session(p: &Profile) -> R<Session> {
    let (_, zone_name) = zone(p);
    let session = Session::new(p.clone(), Arc::new(SystemEnvironment), zone_name, Via::Cli)?;
    // Headless, only a back-off is worth a line on stderr; speeding up is silent.
    session.client.watch_rates(crate::providers::client::RateWatcher(Arc::new(|op, endpoint, before, after| {
        if after < before {
            esay!("pacing {op} at {endpoint}: throttled, {before} -> {after} calls/s");
        }
    })));
    // A throttle is a wait, never a silent one.
    session.client.watch_waits(crate::providers::client::WaitWatcher(Arc::new(|w| esay!("{w}"))));
    session.on_progress(Arc::new(|text| esay!("{text}")));
    // A long listing says how far it got, so a paced one does not look hung.
    session.client.watch_listings(crate::providers::progress::ListingWatcher(Arc::new(|l| esay!("{l}"))));
    Ok(session)
}

/// Asks on the terminal, when flags alone do not confirm.
pub(super) fn confirm(c: &crate::engine::safety::Confirmation, mode: WriteMode<'_>) -> R<()> {
    if c.headless(mode.yes, mode.confirm).map_err(|r| Stop(exit::REFUSED, format!("refused: {r}")))? {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(bad("refusing to write without --yes: stdin is not a terminal to ask on"));
    }
    esayn!("{}", c.prompt());
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    if c.accepts(&line) { Ok(()) } else { Err(Stop(exit::REFUSED, "cancelled: nothing was sent".into())) }
}

/// Plans an order, shows it, confirms it, runs it through the engine's one pipeline, and reports.
pub(super) fn write(p: &Profile, order: Order, mode: WriteMode<'_>) -> R<u8> {
    let mut session = session(p)?;
    let rt = runtime()?;
    // A snapshot names its instance; an instance the profile does not pin is found live like a typed name.
    let instance = match &order {
        Order::Undo(from) => planner::find_snapshot(&session, from).ok().map(|(_, s)| s.instance),
        other => other.instance().map(str::to_owned),
    };
    if let Some(instance) = instance {
        rt.block_on(discover::ensure(&mut session, &instance))?;
    }
    if let Order::Reset { strategy: ResetStrategy::FromGroup { instance: Some(from), .. }, .. } = &order {
        rt.block_on(discover::ensure(&mut session, from))?;
    }
    let purpose = if mode.export { planner::Purpose::Export } else { planner::Purpose::Write };
    let plan = rt.block_on(planner::plan_for(&session, &order, purpose))?;
    run_plan(&session, &rt, plan, mode)
}

/// Shows, saves or runs a plan as the flags say: the same path for a fresh plan and a plan file's.
pub(super) fn run_plan(
    session: &Session,
    rt: &tokio::runtime::Runtime,
    plan: crate::engine::plan::Plan,
    mode: WriteMode<'_>,
) -> R<u8> {
    if mode.export {
        emit_export(mode, &[&plan], false)?;
        return Ok(exit::OK);
    }
    if let Some((path, valid)) = mode.plan_out {
        return super::planfile::save(session, rt, plan, path, valid, mode.json);
    }
    let value = || serde_json::json!({"plan": plan});
    if let Some(code) = preview(mode, plan.changes(), value, || render_plan(&plan)) {
        return Ok(code);
    }
    confirm(&plan.confirmation, mode)?;
    let mut printer = CallPrinter { json: mode.json };
    let done = super::out::run_job(rt, job::run(session, plan, &super::out::STOP, &mut printer));
    report(&done, mode.json);
    Ok(done.exit_code())
}

/// Shows a plan (or a batch) as the mode says; `Some(code)` when that is all (a dry run), `None` to go on and run it.
/// `changes`: whether it would change something, for `--detailed-exitcode`.
pub(super) fn preview(
    mode: WriteMode<'_>,
    changes: bool,
    value: impl FnOnce() -> serde_json::Value,
    text: impl FnOnce() -> String,
) -> Option<u8> {
    let dry_code = if mode.detailed && changes { exit::WOULD_CHANGE } else { exit::OK };
    if mode.json && mode.dry_run {
        let mut v = value();
        v["dry_run"] = true.into();
        v["changes"] = changes.into();
        say_json!(v);
        return Some(dry_code);
    }
    if !mode.json {
        sayn!("{}", text());
    }
    if mode.dry_run {
        say!("dry run: nothing was sent{}", if changes { "" } else { " (and it would change nothing)" });
        return Some(dry_code);
    }
    // Nothing to change is nothing to confirm or send.
    if !changes {
        if mode.json {
            let mut v = value();
            v["changes"] = false.into();
            say_json!(v);
        } else {
            say!("nothing to change: nothing was sent");
        }
        return Some(exit::OK);
    }
    None
}

/// `describe`.
pub fn describe(p: &Profile, instance: &str, group: &str, topic: Option<&str>, json: bool) -> R<u8> {
    let mut session = session(p)?;
    let rt = runtime()?;
    rt.block_on(discover::ensure(&mut session, instance))?;
    let target = session.find(instance)?;
    let topics: Vec<String> = match topic {
        Some(t) => vec![target.topic(Some(t))?],
        None => match &target {
            Target::Huawei(_, i) | Target::Ckafka(_, i) => {
                i.groups.iter().find(|g| g.name == group).map(|g| g.topics.clone()).unwrap_or_default()
            }
            Target::Dts(_, d) => vec![d.topic.clone()],
        },
    };
    let creds = session.credentials(&target)?;
    let snap = rt.block_on(reads::describe_group(&session.client, &creds, &target, group, &topics))?;
    let figures = over_time(p, &target, group, &snap);
    if json {
        let partitions: Vec<serde_json::Value> = snap
            .partitions
            .iter()
            .map(|r| {
                serde_json::json!({"topic": r.topic, "partition": r.partition, "committed": r.committed,
                    "start": r.start, "end": r.end, "lag": r.lag()})
            })
            .collect();
        say_json!(serde_json::json!({
            "account": target.account(),
            "instance": target.name(),
            "kind": target.kind(),
            "group": snap.group,
            "state": crate::core::live::state_word(&snap.state),
            "cloud_state": snap.state,
            "members": snap.members,
            "partitions": partitions,
            "total_lag": snap.total_lag(None),
            "over_time": figures.as_ref().map(crate::core::lag::figures::json),
        }));
        return Ok(exit::OK);
    }
    say!(
        "group {} on {} `{}` (account {}): state {} [{}]",
        snap.group,
        target.kind(),
        target.name(),
        target.account(),
        crate::core::live::state_word(&snap.state),
        snap.state
    );
    for m in &snap.members {
        say!("  member {} {}", m.client_id, m.host);
    }
    let show = |v: Option<i64>| v.map_or("-".to_owned(), |x| x.to_string());
    use super::table::{Align::*, Table};
    let mut table = Table::new(&[
        ("topic", Left),
        ("part", Right),
        ("committed", Right),
        ("start", Right),
        ("end", Right),
        ("lag", Right),
    ]);
    for r in &snap.partitions {
        table.row(vec![
            r.topic.clone(),
            r.partition.to_string(),
            show(r.committed),
            show(r.start),
            show(r.end),
            show(r.lag()),
        ]);
    }
    sayn!("{}", table.render());
    match snap.total_lag(None) {
        Some(total) => say!("total lag {total}"),
        None => say!("no committed offset"),
    }
    if let Some(f) = &figures {
        use crate::core::lag::figures as words;
        let rate = |r: Option<f64>| r.map_or("unknown".to_owned(), words::per_sec);
        say!("status {}", words::status_words(&f.verdict));
        say!("eta {}", words::eta_words(&f.eta));
        say!("time lag {} (estimated from the log ends read)", words::time_lag_short(&f.time_lag));
        say!("produced {}, consumed {}", rate(f.production), rate(f.consumption));
        say!("loss {}", words::loss_words(&f.loss));
        let spark = words::sparkline(&f.trend, crate::core::lag::figures::TREND);
        let reads = if f.samples == 1 {
            "1 read".to_owned()
        } else {
            format!("{} reads over {}", f.samples, words::span(f.reach))
        };
        let spark = if spark.is_empty() { String::new() } else { format!(": {spark}") };
        say!("from {reads}{spark}");
    }
    Ok(exit::OK)
}

/// Keeps this read as the group's newest lag sample and gives its figures over all its samples; a data directory
/// that cannot be written is said, and the read is shown without them.
fn over_time(
    p: &Profile,
    target: &Target<'_>,
    group: &str,
    snap: &crate::core::live::GroupSnapshot,
) -> Option<crate::core::lag::Figures> {
    let store = crate::engine::history::SampleStore::of(&crate::engine::paths::DataPaths::of(p)?);
    let api_group = target.api_group(group).ok()?;
    match crate::engine::history::keep_read(&store, &target.real(), &api_group, snap, &p.settings.lag) {
        Ok(f) => f,
        Err(e) => {
            esay!("lag samples cannot be kept in {} ({e}); shown without status, ETA and trend", store.dir().display());
            None
        }
    }
}
