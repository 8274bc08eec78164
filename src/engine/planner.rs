//! From an order to a plan: the pre-flight reads and checks, the same for the command line and the dashboard.
//! Nothing here writes.

use super::error::EngineError;
use super::order::{Order, Topics, UndoFrom};
use super::plan::{self, Plan, PlanKind, ResetRequest};
use super::reads;
use super::safety;
use super::session::Session;
use super::snapshot::{self, Snapshot};
use super::target::Target;
use crate::core::strategy::ResetStrategy;

/// What a plan is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// To be sent: every safety rule applies.
    Write,
    /// Only its targets exported as CSV (a backup is a read): an active group or a read-only account is planned
    /// too, and nothing from it can be sent.
    Export,
}

/// Reads what the order needs live, applies the safety rules, and plans it.
pub async fn plan(session: &Session, order: &Order) -> Result<Plan, EngineError> {
    plan_for(session, order, Purpose::Write).await
}

/// [`plan`], for a purpose: an export skips the rules that guard a write.
pub async fn plan_for(session: &Session, order: &Order, purpose: Purpose) -> Result<Plan, EngineError> {
    // Every plan the engine makes ends here: whether it changes anything is decided on the whole plan.
    let mut p = plan_unpaced(session, order, purpose).await?.finish();
    p.notes.extend(duration_note(session, &p));
    Ok(p)
}

/// What the write's calls cost at the pace, when that is long enough to matter (two seconds or more): "the write
/// sends 1,000 call(s) of ModifyGroupOffsets: about 10 s at 98 calls/s".
fn duration_note(session: &Session, plan: &Plan) -> Option<String> {
    let mut by_op: Vec<(&'static str, u64, u32)> = Vec::new();
    for c in &plan.calls {
        match by_op.iter_mut().find(|(op, ..)| *op == c.op) {
            Some(e) => e.1 += 1,
            None => by_op.push((c.op, 1, session.client.pace_of(c)?)),
        }
    }
    let worst = by_op
        .iter()
        .map(|(op, n, pace)| (*op, *n, *pace, crate::core::limits::floor_seconds(*n, *pace)))
        .max_by(|a, b| a.3.total_cmp(&b.3))?;
    let (op, n, pace, secs) = worst;
    (secs >= 2.0).then(|| {
        format!(
            "the write sends {n} call(s) of {op}: about {} at {pace} calls/s (the published or learned pace)",
            crate::core::limits::human(secs)
        )
    })
}

async fn plan_unpaced(session: &Session, order: &Order, purpose: Purpose) -> Result<Plan, EngineError> {
    match order {
        Order::Reset { group, topics, partitions, strategy } => {
            reset(session, (&group.instance, &group.group), topics, partitions, strategy, purpose).await
        }
        Order::DeleteOffsets { group, topics } => delete_offsets(session, &group.instance, &group.group, topics).await,
        Order::DeleteMessages { topic, partitions } => {
            delete_messages(session, &topic.instance, &topic.topic, partitions).await
        }
        Order::Undo(from) => undo(session, from).await,
    }
}

/// Each topic once, each checked against the profile (DTS: its one topic when none is given).
fn topics_of(target: &Target<'_>, given: &[String]) -> Result<Vec<String>, EngineError> {
    if given.is_empty() {
        return Ok(vec![target.topic(None)?]);
    }
    let mut out: Vec<String> = Vec::new();
    for t in given {
        let t = target.topic(Some(t))?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

async fn reset(
    session: &Session,
    (instance, group): (&str, &str),
    topics: &Topics,
    partitions: &[i32],
    strategy: &ResetStrategy,
    purpose: Purpose,
) -> Result<Plan, EngineError> {
    let t = session.find(instance)?;
    let writing = purpose == Purpose::Write;
    if writing {
        safety::writable(&t)?;
    }
    if let Some(why) = strategy.kind().refusal(t.kind()) {
        return Err(safety::Refusal::Unsupported(why).into());
    }
    let api_group = t.api_group(group)?;
    let c = session.credentials(&t)?;
    let client = &session.client;
    // All committed topics: one read of the group says which they are, and is the plan's read too.
    let (topics, committed_snap) = match topics {
        Topics::Named(named) => (named.clone(), None),
        Topics::Committed => {
            let snap = reads::describe_group(client, &c, &t, group, &[]).await?;
            let topics = committed_of(&snap);
            if topics.is_empty() {
                return Err(EngineError::Input(format!(
                    "group `{group}` has no committed offsets on `{instance}`, so it has no topics to reset; name one"
                )));
            }
            (topics, Some(snap))
        }
    };
    let topics = &topics[..];
    // Another group's offsets become exact pins, read now; the summary still says what was asked.
    let asked_for = matches!(strategy, ResetStrategy::FromGroup { .. }).then(|| plan::describe_strategy(strategy));
    let (resolved, copied_note);
    let strategy = match strategy {
        ResetStrategy::FromGroup { group: other, instance: from } => {
            let (pins, note) = from_group(session, from.as_deref().unwrap_or(instance), other, topics).await?;
            (resolved, copied_note) = (ResetStrategy::Pinned(pins), note);
            &resolved
        }
        ResetStrategy::FromFile { path, several } => {
            (resolved, copied_note) = (ResetStrategy::Pinned(read_pins(path, group, *several)?), None);
            &resolved
        }
        s => {
            copied_note = None;
            s
        }
    };
    // Pinned offsets name their own topics.
    let pinned_topics: Vec<String> = match strategy {
        ResetStrategy::Pinned(pins) if topics.is_empty() => {
            let mut seen: Vec<String> = Vec::new();
            for p in pins {
                if !seen.contains(&p.topic) {
                    seen.push(p.topic.clone());
                }
            }
            seen
        }
        _ => topics.to_vec(),
    };
    let topics = topics_of(&t, &pinned_topics)?;
    let mut chosen: Vec<i32> = Vec::new();
    for p in partitions {
        if !chosen.contains(p) {
            chosen.push(*p);
        }
    }
    let snap = match committed_snap {
        Some(snap) => snap,
        None => {
            reads::check_topics_exist(client, &c, &t, &topics).await?;
            reads::describe_group(client, &c, &t, group, &topics).await?
        }
    };
    if writing {
        safety::inactive(&snap)?;
    }
    if let ResetStrategy::Pinned(pins) = strategy {
        check_pins(pins, &snap, &topics)?;
    }
    let now_ms = jiff::Timestamp::now().as_millisecond();
    // DTS publishes no log start: its earliest checkpoint is where a time before every message lands.
    let lookup_ms = match (strategy, &t) {
        (ResetStrategy::Earliest, Target::Dts(..)) => Some(0),
        _ => strategy.time_ms(now_ms),
    };
    let mut merged: Option<Plan> = None;
    for topic in &topics {
        let chosen: Vec<i32> = match strategy {
            ResetStrategy::Pinned(pins) => pins.iter().filter(|p| &p.topic == topic).map(|p| p.partition).collect(),
            _ => chosen.clone(),
        };
        let progress = lookup_progress(session, &t, topic, lookup_ms);
        let lookup = reads::time_targets(client, &c, &t, (&snap, &progress), topic, &chosen, (lookup_ms, now_ms)).await;
        let req = ResetRequest {
            group: &api_group,
            topic,
            partitions: &chosen,
            strategy,
            now_ms,
            zone_name: &session.zone_name,
            time_targets: &lookup.found,
            unknown: &lookup.unknown,
        };
        let p = plan::reset(&t, &snap, &req)?;
        merged = Some(match merged {
            None => p,
            Some(mut m) => {
                m.absorb(p, topic);
                m
            }
        });
    }
    let mut p = merged.ok_or_else(|| EngineError::Input("no topic to reset".into()))?;
    p.seen = plan::Seen::of_group(&snap, &topics);
    if let Some(asked) = asked_for {
        p.summary = p.summary.replace(&plan::describe_strategy(strategy), &asked);
    }
    p.notes.extend(copied_note);
    // Offsets given partition by partition (another group's, a file's) leave the rest of each topic alone: say
    // which, so a source with fewer partitions does not look like a whole-topic reset.
    if let ResetStrategy::Pinned(pins) = strategy {
        for topic in &topics {
            let untouched: Vec<i32> = snap
                .partitions
                .iter()
                .filter(|sp| {
                    &sp.topic == topic && !pins.iter().any(|p| &p.topic == topic && p.partition == sp.partition)
                })
                .map(|sp| sp.partition)
                .collect();
            if !untouched.is_empty() {
                p.notes.push(format!(
                    "topic `{topic}` partitions {} are not in the given offsets: left as they are",
                    plan::partition_ranges(&untouched)
                ));
            }
        }
    }
    Ok(p)
}

/// Tells the session how a time lookup goes when it is slow enough to say (paced reads: on CKafka one partition a
/// second): "finding where … lands: 37 of 100 partitions, about 63 s left", at most once a second.
fn lookup_progress<'a>(
    session: &'a Session,
    t: &'a Target<'_>,
    topic: &'a str,
    ms: Option<i64>,
) -> impl Fn(usize, usize) + Sync + 'a {
    let pace = reads::time_lookup_pace(&session.client, t, topic);
    let zone = jiff::tz::TimeZone::get(&session.zone_name).unwrap_or(jiff::tz::TimeZone::UTC);
    let when = ms
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map(|at| crate::core::strategy::echo_time(at, &zone, &session.zone_name))
        .unwrap_or_default();
    let last = std::sync::Mutex::new(None::<std::time::Instant>);
    move |done: usize, total: usize| {
        let calls = reads::time_lookup_calls(t, total);
        let left = pace.map(|pace| crate::core::limits::floor_seconds((calls - calls.min(done)) as u64 + 1, pace));
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        let due = last.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(1)) || done == total;
        // Only slow lookups speak: one that ends within two seconds is not worth a line.
        let slow = left.is_some_and(|s| s >= 2.0) || last.is_some();
        if !due || !slow || total == 0 {
            return;
        }
        *last = Some(std::time::Instant::now());
        let estimate = match left {
            Some(s) if done < total => format!(", about {} s left", s.ceil() as u64),
            _ => String::new(),
        };
        session.progress(&format!("finding where {when} lands in `{topic}`: {done} of {total} partitions{estimate}"));
    }
}

/// The topics a group has committed offsets on, live (`--all-topics`).
pub async fn committed_topics(session: &Session, instance: &str, group: &str) -> Result<Vec<String>, EngineError> {
    let t = session.find(instance)?;
    let c = session.credentials(&t)?;
    let snap = reads::describe_group(&session.client, &c, &t, group, &[]).await?;
    Ok(committed_of(&snap))
}

fn committed_of(snap: &crate::core::live::GroupSnapshot) -> Vec<String> {
    let mut topics: Vec<String> = Vec::new();
    for p in snap.partitions.iter().filter(|p| p.committed.is_some()) {
        if !topics.contains(&p.topic) {
            topics.push(p.topic.clone());
        }
    }
    topics
}

/// Another group's committed offsets as pins (its topics, or the ones given), and a note naming the partitions it
/// never committed, which are left out.
async fn from_group(
    session: &Session,
    instance: &str,
    group: &str,
    topics: &[String],
) -> Result<(Vec<crate::core::strategy::Pin>, Option<String>), EngineError> {
    let t = session.find(instance)?;
    let c = session.credentials(&t)?;
    let snap = reads::describe_group(&session.client, &c, &t, group, topics).await?;
    let mut pins = Vec::new();
    let mut never = Vec::new();
    for p in &snap.partitions {
        match p.committed {
            Some(offset) => pins.push(crate::core::strategy::Pin {
                topic: p.topic.clone(),
                partition: p.partition,
                offset,
                line: None,
            }),
            None => never.push(format!("{} {}", p.topic, p.partition)),
        }
    }
    if pins.is_empty() {
        return Err(EngineError::Input(format!("group `{group}` on `{instance}` has no committed offset to copy")));
    }
    let note = (!never.is_empty())
        .then(|| format!("group `{group}` never committed on {}: those partitions are left out", never.join(", ")));
    Ok((pins, note))
}

/// The largest offsets CSV read: a file for 100,000 partitions of several groups is a few MiB.
const MAX_CSV_BYTES: u64 = 64 << 20;

/// The pins a `--from-file` CSV gives `group`: a regular file within the cap, its BOM dropped, each error naming
/// the file and line.
fn read_pins(
    path: &std::path::Path,
    group: &str,
    several: bool,
) -> Result<Vec<crate::core::strategy::Pin>, EngineError> {
    let text = super::files::read_text(path, MAX_CSV_BYTES, super::files::Links::Follow)
        .map_err(|e| EngineError::Input(format!("--from-file {e}")))?;
    let name = crate::core::inert::inert(&path.display().to_string()).into_owned();
    crate::core::offsets_csv::parse(&text, &name, group, several)
        .map_err(|e| EngineError::Input(format!("--from-file: {e}")))
}

/// Every pinned partition must exist live, on a topic of the plan; a miss names the file's line.
fn check_pins(
    pins: &[crate::core::strategy::Pin],
    snap: &crate::core::live::GroupSnapshot,
    topics: &[String],
) -> Result<(), EngineError> {
    let live: std::collections::HashSet<(&str, i32)> =
        snap.partitions.iter().map(|p| (p.topic.as_str(), p.partition)).collect();
    for p in pins {
        let at = p.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        if !topics.contains(&p.topic) {
            return Err(EngineError::Input(format!("{at}topic `{}` is not one of the plan's topics", p.topic)));
        }
        if !live.contains(&(p.topic.as_str(), p.partition)) {
            let count = snap.partitions.iter().filter(|x| x.topic == p.topic).count();
            return Err(EngineError::Input(format!(
                "{at}topic `{}` has no partition {} live (it has {count}, from 0)",
                p.topic, p.partition
            )));
        }
    }
    Ok(())
}

async fn delete_offsets(
    session: &Session,
    instance: &str,
    group: &str,
    topics: &[String],
) -> Result<Plan, EngineError> {
    let t = session.find(instance)?;
    safety::writable(&t)?;
    safety::offers(t.kind(), PlanKind::DeleteOffsets)?;
    if topics.is_empty() {
        return Err(EngineError::Input("choose at least one topic".into()));
    }
    let topics = topics_of(&t, topics)?;
    let api_group = t.api_group(group)?;
    let c = session.credentials(&t)?;
    reads::check_topics_exist(&session.client, &c, &t, &topics).await?;
    let snap = reads::describe_group(&session.client, &c, &t, group, &topics).await?;
    safety::inactive(&snap)?;
    let mut p = plan::delete_offsets(&t, &api_group, &snap, &topics)?;
    p.seen = plan::Seen::of_group(&snap, &topics);
    Ok(p)
}

async fn delete_messages(
    session: &Session,
    instance: &str,
    topic: &str,
    partitions: &[(i32, Option<i64>)],
) -> Result<Plan, EngineError> {
    let t = session.find(instance)?;
    safety::writable(&t)?;
    safety::offers(t.kind(), PlanKind::DeleteMessages)?;
    let topic = t.topic(Some(topic))?;
    let c = session.credentials(&t)?;
    let bounds = reads::topic_bounds(&session.client, &c, &t, &topic)
        .await
        .map_err(EngineError::reading("reading the topic's partitions"))?;
    let mut p = plan::delete_messages(&t, &topic, &bounds, partitions)?;
    p.seen.partitions = vec![(topic.clone(), bounds.len() as u32)];
    p.notes.extend(reads::groups_left_behind(&session.client, &c, &t, &p).await);
    Ok(p)
}

/// The snapshot an undo restores, and the target it is of. A snapshot is only ever applied to the very target it
/// was taken of: same cloud, account and instance.
pub fn find_snapshot(session: &Session, from: &UndoFrom) -> Result<(std::path::PathBuf, Snapshot), EngineError> {
    let dir = super::paths::DataPaths::of(&session.profile)
        .map(|p| p.snapshots())
        .ok_or_else(|| EngineError::Input("no home directory for snapshots: set settings.audit_log".into()))?;
    let newest = |want: &dyn Fn(&Snapshot) -> bool| {
        snapshot::list(&dir).into_iter().rev().find_map(|(p, s)| s.ok().filter(|s| want(s)).map(|s| (p, s)))
    };
    match from {
        UndoFrom::File(f) => {
            let path = if f.is_file() { f.clone() } else { dir.join(f) };
            if !path.is_file() {
                return Err(EngineError::Input(format!(
                    "no snapshot {:?} (in {}); `offsetdeck snapshots` lists them, give a name from there",
                    f.display().to_string(),
                    dir.display()
                )));
            }
            let saved = snapshot::read(&path).map_err(|e| EngineError::Input(e.to_string()))?;
            Ok((path, saved))
        }
        UndoFrom::Newest => {
            newest(&|_| true).ok_or_else(|| EngineError::Input(format!("no snapshots in {}", dir.display())))
        }
        UndoFrom::NewestOf(instance) => {
            let t = session.find(instance)?;
            let (key, real) = (t.key(), t.real());
            newest(&|s| s.is_of(&key) && s.other_target(&real).is_none())
                .ok_or_else(|| EngineError::Input(format!("no snapshot of {key} ({real}) to undo")))
        }
    }
}

async fn undo(session: &Session, from: &UndoFrom) -> Result<Plan, EngineError> {
    let (_, saved) = find_snapshot(session, from)?;
    // Found by its exact identity; an instance of the same name under another account or cloud is not it.
    let t = session.find(&saved.instance)?;
    if !saved.is_of(&t.key()) {
        let of = saved.target.as_ref().map_or_else(|| saved.instance.clone(), |k| k.to_string());
        return Err(EngineError::Input(format!(
            "the snapshot is of account `{}` ({of}), but `{}` in this profile is {}; refusing to apply it",
            saved.account,
            saved.instance,
            t.key()
        )));
    }
    // Same names are not the same cluster: the snapshot names the endpoint, region, project and id it was of.
    if let Some(why) = saved.other_target(&t.real()) {
        return Err(safety::Refusal::OtherTarget(format!("{why}; refusing to restore it there")).into());
    }
    safety::writable(&t)?;
    let group = saved.group.clone().ok_or_else(|| {
        safety::Refusal::Unsupported("message deletion cannot be undone: the messages are gone".into())
    })?;
    let mut topics: Vec<String> = Vec::new();
    for p in &saved.partitions {
        if !topics.contains(&p.topic) {
            topics.push(p.topic.clone());
        }
    }
    let c = session.credentials(&t)?;
    let live = reads::describe(&session.client, &c, &t, &group, &topics)
        .await
        .map_err(EngineError::reading("reading the group live"))?;
    safety::inactive(&live)?;
    super::undo::restore(&t, &saved, &live)
}
