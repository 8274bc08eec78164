//! The dashboard against a cloud that changes under it and knows more than the profile: instances and groups found
//! live, plans saved to files and opened again, and several marked groups reset or exported together.

use crate::common;

use common::dashboard::{App, down};
use offsetdeck::engine::worker::Command;
use offsetdeck::tui::state::Modal;
use offsetdeck::tui::update::Msg;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_added_in_the_cloud_while_the_dashboard_runs_appears_and_can_be_reset() {
    use offsetdeck::emulator::state::{Group, GroupState};
    use offsetdeck::tui::tree::Kind;
    let mut app = App::new(80, 24).await;
    {
        let mut s = app.emu.state();
        let inst = &mut s.world.huawei[0].instances[0];
        let committed = (0..3).map(|p| (("payments".to_owned(), p), 100 + i64::from(p))).collect();
        inst.groups.push(Group { name: "hotfix-replay".into(), state: GroupState::Empty, members: vec![], committed });
    }
    // R: a refresh the user asks for lists every instance's groups again.
    app.key(KeyCode::Char('R'));
    app.settle().await;
    let t = &app.state.trees[0];
    let at = t
        .nodes
        .iter()
        .position(|n| matches!(&n.kind, Kind::Group { group, .. } if &**group == "hotfix-replay"))
        .expect("the new group is in the tree");
    assert!(t.nodes[at].children.is_empty(), "the listing gives state and lag; detail waits until it is looked at");
    assert!(app.state.live.groups.keys().all(|k| k.group != "hotfix-replay"), "not read before it is selected");
    app.state.trees[0].selected = Some(at);
    app.state.trees[0].scroll_into_view(10);
    // Any message after the cursor lands on it asks for its detail (the prefetch of the row under the cursor).
    app.apply(Msg::Resize(80, 24));
    app.settle_until(|s| s.live.groups.keys().any(|k| k.group == "hotfix-replay")).await;
    let t = &app.state.trees[0];
    assert_eq!(t.nodes[at].children.len(), 1, "its topic, payments");
    assert_eq!(t.partition_count(t.nodes[at].children[0]), 3, "with its three partitions, read live");
    let screen = app.screen();
    assert!(screen.contains("hotfix-replay  [EMPTY]  lag") && screen.contains("(not in the profile)"), "{screen}");
    app.plan_reset(2).await;
    assert!(matches!(app.state.modal, Some(Modal::Confirm(_))), "{:?}", app.state.log.lines.back());
    app.key(KeyCode::Char('y'));
    app.settle().await;
    let done = app.state.log.lines.iter().any(|l| l.text.contains("verified, 3 partition(s) as planned"));
    assert!(done, "{:?}", app.state.log.lines.iter().rev().take(5).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ckafka_group_only_the_cloud_lists_gets_its_lag_read_in_the_background_and_is_ranked_by_it() {
    use offsetdeck::emulator::state::{Group, GroupState};
    let mut app = App::new(120, 30).await;
    let end = {
        let mut s = app.emu.state();
        let inst = &mut s.world.tencent[0].ckafka[0];
        let t = inst.topic("orders-cdc").expect("the demo topic").clone();
        let committed = t
            .partitions
            .iter()
            .enumerate()
            .map(|(p, part)| (("orders-cdc".to_owned(), p as i32), part.start))
            .collect();
        inst.groups.push(Group { name: "backfill-zz".into(), state: GroupState::Empty, members: vec![], committed });
        t.partitions.iter().map(|p| p.end - p.start).sum::<i64>()
    };
    app.key(KeyCode::Char('v'));
    app.key(KeyCode::Char('R'));
    let lag_of = |s: &offsetdeck::tui::state::AppState| {
        s.groups.all.iter().find(|r| r.group == "backfill-zz").and_then(|r| r.lag)
    };
    app.settle_until(|s| lag_of(s).is_some()).await;
    assert_eq!(lag_of(&app.state), Some(end), "its whole log unconsumed, read without the cursor visiting it");
    assert!(
        app.state.live.groups.keys().all(|k| k.group != "backfill-zz"),
        "from its offsets alone, not a detail read"
    );
    let s = &app.state;
    let lags: Vec<(String, Option<i64>)> =
        s.groups.rows.iter().map(|i| (s.groups.all[*i].group.clone(), s.groups.all[*i].lag)).collect();
    let at = lags.iter().position(|(g, _)| g == "backfill-zz").unwrap();
    assert!(lags[..at].iter().all(|(_, l)| l.is_some_and(|l| l >= end)), "ranked by the lag read: {lags:?}");
    assert!(lags[at + 1..].iter().all(|(_, l)| l.is_none_or(|l| l <= end)), "ranked by the lag read: {lags:?}");
    // The background read is a lag sample too: the group has a history (and figures) without a detail read.
    let key = offsetdeck::core::target::GroupRef::new("events", "backfill-zz");
    let f = app.state.live.figures.get(&key).expect("figures from the sweep's sample");
    assert_eq!(f.samples, 1);
    let paths = offsetdeck::engine::paths::DataPaths::of(&app.state.profile).unwrap();
    let store = offsetdeck::engine::history::SampleStore::of(&paths);
    let t = offsetdeck::engine::target::Target::find(&app.state.profile, "events").unwrap();
    let series = store.series(&t.real(), "backfill-zz").unwrap();
    assert_eq!(series.len(), 1);
    assert!(series[0].partitions.iter().all(|p| p.start.is_none() && p.end.is_some()), "no log start is claimed");
    assert_eq!(series[0].lag(), Some(end));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_the_profile_does_not_name_join_the_tree_from_the_cloud() {
    use offsetdeck::tui::tree::Kind;
    // Keep only the Huawei account's own table: its two instances are listed live at start.
    let keep_accounts = |t: String| {
        let mut out = String::new();
        let mut skip = false;
        for line in t.lines() {
            if line.starts_with('[') {
                skip = line.starts_with("[huawei.hw-demo.instances.");
            }
            if !skip {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    };
    let mut app = App::with_profile(80, 24, keep_accounts).await;
    app.settle_until(|s| s.live.listed.contains_key("clickstream-hw")).await;
    let t = &app.state.trees[0];
    let instances: Vec<&str> = t
        .nodes
        .iter()
        .filter_map(|n| match &n.kind {
            Kind::Instance { instance, .. } => Some(&**instance),
            _ => None,
        })
        .collect();
    assert_eq!(instances, ["orders", "clickstream-hw"], "listed at start, in the cloud's order");
    assert!(
        app.state
            .log
            .lines
            .iter()
            .any(|l| l.text.contains("instances found live beyond the profile (2): orders, clickstream-hw"))
    );
    let screen = app.screen();
    assert!(screen.contains("orders") && screen.contains("billing"), "{screen}");
    // The groups of a discovered instance come from its listing, and a reset on one goes through.
    let at = t
        .nodes
        .iter()
        .position(
            |n| matches!(&n.kind, Kind::Group { instance, group } if &**instance == "orders" && &**group == "billing"),
        )
        .expect("billing listed");
    app.state.trees[0].selected = Some(at);
    app.apply(Msg::Resize(80, 24));
    app.settle_until(|s| s.live.groups.contains_key(&offsetdeck::core::target::GroupRef::new("orders", "billing")))
        .await;
    app.plan_reset(1).await;
    assert!(matches!(app.state.modal, Some(Modal::Confirm(_))), "{:?}", app.state.log.lines.back());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmation_saves_its_plan_and_a_plan_file_opens_as_a_confirmation_unless_the_group_moved() {
    let mut app = App::new(80, 24).await;
    app.keys(&down(3));
    app.plan_reset(1).await;
    assert!(matches!(app.state.modal, Some(Modal::Confirm(_))));
    app.apply(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    assert!(matches!(app.state.modal, Some(Modal::Confirm(_))), "the confirmation stays open");
    app.settle_until(|s| s.log.lines.iter().any(|l| l.text.starts_with("plan saved to"))).await;
    let line = app.state.log.lines.iter().find(|l| l.text.starts_with("plan saved to")).unwrap().text.clone();
    let path = std::path::PathBuf::from(line.trim_start_matches("plan saved to ").split(" (sha256").next().unwrap());
    assert!(path.is_file(), "{line}");
    let file = offsetdeck::engine::planfile::load(&path).unwrap();
    assert_eq!(file.rows.len(), 15);
    app.key(KeyCode::Esc);
    // Opened again (as `offsetdeck --plan FILE` does): planned from its pins, the confirmation names the file.
    let open = |app: &mut App, request: u64| {
        app.state.modal = Some(Modal::Planning { request, what: "plan file".into(), progress: None });
        app.commands.send(Command::OpenPlan { request, path: path.clone() }).unwrap();
    };
    open(&mut app, 900);
    app.settle().await;
    let Some(Modal::Confirm(c)) = &app.state.modal else { panic!("{:?}", app.state.log.lines.back()) };
    assert!(c.plan.summary.contains("(plan file"), "{}", c.plan.summary);
    assert_eq!(c.plan.plan_file.as_deref(), Some(file.sha256.as_str()));
    app.key(KeyCode::Esc);
    // The group moves: the file is refused with the difference, and nothing opens.
    app.emu.state().world.huawei[0].instances[0].groups[0].committed.values_mut().for_each(|c| *c -= 1);
    open(&mut app, 901);
    app.settle().await;
    assert!(app.state.modal.is_none());
    let last = &app.state.log.lines.back().unwrap().text;
    assert!(last.contains("moved since the plan was made") && last.contains("committed offset moved"), "{last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marked_groups_are_exported_and_reset_together_under_one_confirmation_by_their_count() {
    let mut app = App::new(80, 24).await;
    for g in ["billing", "audit"] {
        app.select_group("orders", g);
        app.key(KeyCode::Char(' '));
    }
    assert_eq!(app.state.marked.len(), 2);
    let screen = app.screen();
    assert!(screen.contains("● billing") && screen.contains("● audit"), "{screen}");
    app.plan_reset(1).await;
    let Some(Modal::ConfirmBatch(c)) = &app.state.modal else { panic!("{:?}", app.state.log.lines.back()) };
    assert_eq!(c.batch.plans.len(), 2);
    let screen = app.screen();
    for want in ["confirm reset of 2 groups", "audit: 1 partition(s)", "billing: 15 partition(s)", "Type `2 groups`"] {
        assert!(screen.contains(want), "{want}:\n{screen}");
    }
    // Ctrl-S exports the targets as one CSV that `reset --from-file` reads.
    app.apply(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    app.settle_until(|s| s.log.lines.iter().any(|l| l.text.starts_with("exported 2 group(s) to"))).await;
    let line = app.state.log.lines.iter().find(|l| l.text.starts_with("exported")).unwrap().text.clone();
    let path = line.trim_start_matches("exported 2 group(s) to ").split(';').next().unwrap().to_owned();
    let csv = std::fs::read_to_string(&path).unwrap();
    assert_eq!(csv.lines().filter(|l| l.starts_with("billing,")).count(), 15, "{csv}");
    assert_eq!(csv.lines().filter(|l| l.starts_with("audit,audit-log,0,")).count(), 1, "{csv}");
    // The log gives the command that restores it as it can be run: each group named, nothing elided.
    let command = line.split("restore with: ").nth(1).unwrap();
    assert!(!command.contains('…'), "{command}");
    for g in ["--group audit", "--group billing", "--instance orders", &format!("--from-file {path}")] {
        assert!(command.contains(g), "{g}: {command}");
    }
    // Enter does nothing until the count is typed.
    app.key(KeyCode::Enter);
    assert!(matches!(app.state.modal, Some(Modal::ConfirmBatch(_))));
    app.typed("2 groups");
    app.key(KeyCode::Enter);
    assert!(app.state.modal.is_none() && app.state.marked.is_empty());
    app.settle().await;
    let world = &app.emu.state().world;
    let groups = &world.huawei[0].instances[0].groups;
    let billing = groups.iter().find(|g| g.name == "billing").unwrap();
    assert!(billing.committed.iter().filter(|((t, _), _)| t == "payments").all(|(_, o)| *o == 0), "{billing:?}");
    let log: Vec<&str> = app.state.log.lines.iter().map(|l| l.text.as_str()).collect();
    assert!(log.iter().any(|l| l.contains("group 2 of 2: `billing`")), "{log:?}");
    assert!(log.iter().any(|l| l.contains("verified, 15 partition(s) as planned")), "{log:?}");
}

/// A paced plan in the dashboard shows how far it got in its planning modal, and Esc cancels it: its reads stop
/// (CKafka time lookups are 1 a second, so a cancelled 6-partition lookup sends no more of them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paced_plan_shows_its_progress_and_esc_stops_its_reads() {
    let mut app = App::new(80, 24).await;
    app.key(KeyCode::Char(':'));
    app.typed("reset --instance events --group etl --topic clicks --by-duration 1h");
    app.key(KeyCode::Enter);
    app.settle_until(|s| matches!(&s.modal, Some(Modal::Planning { progress: Some(_), .. }))).await;
    let Some(Modal::Planning { progress: Some(p), .. }) = &app.state.modal else { panic!("{:?}", app.state.modal) };
    assert!(p.contains("partitions") && p.contains("left"), "{p}");
    assert!(app.screen().contains("Esc cancels"), "{}", app.screen());
    app.key(KeyCode::Esc);
    assert!(app.state.modal.is_none());
    let lookups = || app.emu.state().gate.calls_to("FetchMessageListByTimestamp");
    // One call may have been in flight when it was cancelled.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let after_cancel = lookups();
    assert!(after_cancel < 6, "cancelled before its six lookups: {after_cancel}");
    // Uncancelled, the lookups go on at CKafka's one a second: 1.3 s without one shows they stopped.
    std::thread::sleep(std::time::Duration::from_millis(1300));
    assert_eq!(lookups(), after_cancel, "no lookup after the cancel");
    assert!(app.state.log.lines.iter().any(|l| l.text.contains("planning cancelled: nothing was sent")));
}
