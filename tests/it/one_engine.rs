//! One write engine: the command line and the dashboard are two observers of the same job. The same order gives
//! the same plan, the same required confirmation and the same audit record; the worker holds a plan it is handed
//! to the same rules; accounts of two clouds with one name keep their own keys.

use crate::common;

use std::time::Duration;

use offsetdeck::core::profile::{self, Profile};
use offsetdeck::core::strategy::ResetStrategy;
use offsetdeck::engine::job::JobEnd;
use offsetdeck::engine::order::Order;
use offsetdeck::engine::plan::Plan;
use offsetdeck::engine::planner;
use offsetdeck::engine::safety::Refusal;
use offsetdeck::engine::session::Via;
use offsetdeck::engine::worker::{self, Command, EngineEvent};
use serde_json::Value;
use tokio::sync::mpsc::UnboundedReceiver;

use common::cli::{run, start, text};

fn billing_to_earliest() -> Order {
    Order::Reset {
        group: offsetdeck::core::target::GroupRef::new("orders", "billing"),
        topics: vec!["payments".to_owned()].into(),
        partitions: vec![],
        strategy: ResetStrategy::Earliest,
    }
}

async fn next(
    events: &mut UnboundedReceiver<EngineEvent>,
    what: &str,
    f: impl Fn(&EngineEvent) -> bool,
) -> EngineEvent {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let e = tokio::time::timeout_at(deadline, events.recv()).await.unwrap_or_else(|_| panic!("no {what}")).unwrap();
        if f(&e) {
            return e;
        }
    }
}

/// Drops what differs between two runs of the same job: when, who, which port, which ids.
fn normalised(mut v: Value, url: &str) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in ["time", "job", "user", "host", "request_id", "snapshot", "via"] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    serde_json::from_str(&v.to_string().replace(url, "EMULATOR")).unwrap()
}

fn last_record(profile: &Profile) -> Value {
    let trail = std::fs::read_to_string(profile.settings.audit_log.as_deref().unwrap()).unwrap();
    serde_json::from_str(trail.lines().last().unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_order_gives_the_same_plan_confirmation_and_record_from_the_cli_and_the_dashboard() {
    // The command line, on one emulator.
    let cli = start();
    let o = run(
        &cli,
        &[
            "--output",
            "json",
            "reset",
            "--instance",
            "orders",
            "--group",
            "billing",
            "--topic",
            "payments",
            "--to-earliest",
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let cli_plan: Value = serde_json::from_slice(&o.stdout).unwrap();
    let o = run(
        &cli,
        &["reset", "--instance", "orders", "--group", "billing", "--topic", "payments", "--to-earliest", "--yes"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let cli_profile = profile::parse(&std::fs::read_to_string(&cli.profile).unwrap(), "cli").unwrap().profile;
    let cli_record = normalised(last_record(&cli_profile), &cli.url);

    // The dashboard's worker, on another emulator with the same data.
    let dash = start();
    let p = profile::parse(&std::fs::read_to_string(&dash.profile).unwrap(), "dash").unwrap().profile;
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let w = worker::spawn(common::paced_session(p.clone(), "Asia/Shanghai"), tx);
    w.commands.send(Command::Plan { request: 1, order: billing_to_earliest() }).unwrap();
    let EngineEvent::Planned { result, .. } =
        next(&mut events, "plan", |e| matches!(e, EngineEvent::Planned { .. })).await
    else {
        unreachable!()
    };
    let plan: Plan = result.unwrap();
    let dash_plan = serde_json::to_value(&plan).unwrap();
    assert_eq!(
        normalised(dash_plan["confirmation"].clone(), &dash.url),
        normalised(cli_plan["plan"]["confirmation"].clone(), &cli.url),
        "the same confirmation is required"
    );
    assert_eq!(normalised(dash_plan, &dash.url), normalised(cli_plan["plan"].clone(), &cli.url), "the same plan");
    w.commands.send(Command::Run { job: 2, plan }).unwrap();
    let done = next(&mut events, "job end", |e| matches!(e, EngineEvent::JobDone { .. })).await;
    assert!(matches!(done, EngineEvent::JobDone { end: JobEnd::Completed, failed: 0, unverified: 0, .. }), "{done:?}");
    let dash_record = normalised(last_record(&p), &dash.url);
    assert_eq!(dash_record, cli_record, "the same audit record");
    assert_eq!(cli_record["plan"]["rows"].as_array().unwrap().len(), 3, "the whole plan is recorded: {cli_record}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_refuses_a_read_only_plan_handed_to_it() {
    let (emu, writable) = common::emulator_and_profile().await;
    let plan = planner::plan(&common::session(writable.clone(), Via::Dashboard), &billing_to_earliest()).await.unwrap();
    let mut read_only = writable.clone();
    read_only.huawei[0].instances[0].safety.read_only = true;
    let before = emu.state().world.huawei[0].instances[0].groups[0].committed.clone();
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let w = worker::spawn(common::paced_session(read_only, "UTC"), tx);
    w.commands.send(Command::Run { job: 1, plan }).unwrap();
    let done = next(&mut events, "job end", |e| matches!(e, EngineEvent::JobDone { .. })).await;
    let EngineEvent::JobDone { end: JobEnd::Refused { why: Refusal::ReadOnly(key) }, sent: 0, .. } = done else {
        panic!("{done:?}")
    };
    assert_eq!(key.instance, "orders");
    assert_eq!(emu.state().world.huawei[0].instances[0].groups[0].committed, before, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huawei_and_a_tencent_account_of_one_name_keep_their_own_keys() {
    let rename = |t: String| t.replace("hw-demo", "ref").replace("tc-demo", "ref");
    // Headless.
    let e = start();
    let renamed = rename(std::fs::read_to_string(&e.profile).unwrap());
    assert!(renamed.contains("[huawei.ref]") && renamed.contains("[tencent.ref]"));
    std::fs::write(&e.profile, &renamed).unwrap();
    for instance in ["orders", "events"] {
        let o = run(&e, &["describe", "--instance", instance, "--group", "etl", "--topic", "clicks"]);
        let o =
            if instance == "orders" { run(&e, &["describe", "--instance", "orders", "--group", "billing"]) } else { o };
        assert_eq!(o.status.code(), Some(0), "{instance}: {}", text(&o));
    }
    // The dashboard: every group and topic of both accounts reads live, no key refused.
    let p = profile::parse(&renamed, "renamed").unwrap().profile;
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let w = worker::spawn(common::paced_session(p, "UTC"), tx);
    w.commands.send(Command::Refresh { asked: true }).unwrap();
    let mut reads = 0;
    loop {
        let e = next(&mut events, "refresh", |_| true).await;
        match e {
            EngineEvent::RefreshDone => break,
            EngineEvent::Live { result: Err(e), group, .. } => panic!("{group}: {e}"),
            EngineEvent::TopicLog { result: Err(e), topic, .. } => panic!("{}/{}: {e}", topic.instance, topic.topic),
            EngineEvent::AuthFailed { account, code, .. } => panic!("{account}: {code}"),
            EngineEvent::Live { .. } | EngineEvent::TopicLog { .. } => reads += 1,
            _ => {}
        }
    }
    assert!(reads > 10, "{reads} reads");
}

#[tokio::test]
async fn a_job_whose_keys_are_gone_is_bad_input_like_the_planner_says_not_a_refusal() {
    use offsetdeck::engine::error::EngineError;
    use offsetdeck::engine::job::{self, JobEvent, Observer};
    struct Quiet;
    impl Observer for Quiet {
        fn on(&mut self, _: JobEvent<'_>) {}
    }
    let (_emu, profile) = common::emulator_and_profile().await;
    let plan = planner::plan(&common::session(profile.clone(), Via::Cli), &billing_to_earliest()).await.unwrap();
    let mut keyless = profile;
    keyless.huawei[0].credentials.inline = None;
    let session = common::session(keyless, Via::Cli);
    let planned = planner::plan(&session, &billing_to_earliest()).await.unwrap_err();
    let report = job::run(&session, plan, &Default::default(), &mut Quiet).await;
    assert!(matches!(&report.end, JobEnd::NotStarted { error: EngineError::Input(_) }), "{:?}", report.end);
    assert_eq!(report.exit_code(), planned.exit_code(), "the same failure, the same code: {planned}");
    assert_eq!(report.exit_code(), 2);
}

/// An environment whose credential helper answers only when the test lets it.
struct HeldHelper(std::sync::Mutex<std::sync::mpsc::Receiver<()>>, String);

impl offsetdeck::core::credentials::Environment for HeldHelper {
    fn var(&self, _: &str) -> Option<String> {
        None
    }
    fn run(&self, _: &str) -> Result<String, String> {
        let _ = self.0.lock().unwrap().recv();
        Ok(self.1.clone())
    }
    fn read_file(&self, _: &str) -> Option<String> {
        None
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_credential_helper_never_holds_up_the_dashboard() {
    let (_emu, mut profile) = common::emulator_and_profile().await;
    let keys = profile.huawei[0].credentials.inline.take().unwrap();
    profile.huawei[0].credentials.process = Some("a-slow-helper".into());
    let answer = serde_json::json!({"ak": keys.id.expose(), "sk": keys.secret.expose()}).to_string();
    let (release, held) = std::sync::mpsc::channel();
    let env = std::sync::Arc::new(HeldHelper(std::sync::Mutex::new(held), answer));
    let session = offsetdeck::engine::session::Session::new(profile, env, "UTC".into(), Via::Dashboard).unwrap();
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    // The helper answers after 3 s at the latest; spawn must have returned long before that.
    let released = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (flag, later) = (released.clone(), release.clone());
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(3));
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = later.send(());
    });
    let w = worker::spawn(session, tx);
    assert!(!released.load(std::sync::atomic::Ordering::SeqCst), "starting the dashboard waited for the helper");
    w.commands.send(Command::Refresh { asked: true }).unwrap();
    release.send(()).unwrap();
    let mut ok = 0;
    loop {
        match next(&mut events, "refresh", |_| true).await {
            EngineEvent::RefreshDone => break,
            EngineEvent::Live { result: Ok(_), .. } => ok += 1,
            EngineEvent::AuthFailed { account, code, .. } => panic!("{account}: {code}"),
            _ => {}
        }
    }
    assert!(ok > 0, "once the helper answered, the keys it gave read the groups");
}
