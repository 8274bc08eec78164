//! Whole-app tests: the dashboard's state machine driven by keys and by the real worker's events against the
//! emulator, rendered on ratatui's TestBackend and snapshotted.

mod common;

use std::time::Duration;

use offsetdeck::core::profile;
use offsetdeck::emulator::{self, FaultKind, Handle};
use offsetdeck::engine::worker::{self, Command, EngineEvent};
use offsetdeck::tui::state::{AppState, Modal};
use offsetdeck::tui::update::{Effect, Msg, update};
use offsetdeck::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;

struct App {
    state: AppState,
    commands: mpsc::UnboundedSender<Command>,
    events: mpsc::UnboundedReceiver<EngineEvent>,
    emu: Handle,
}

impl App {
    async fn new(w: u16, h: u16) -> Self {
        Self::with_profile(w, h, |t| t).await
    }

    /// The dashboard on a profile edited from the emulator's own.
    async fn with_profile(w: u16, h: u16, edit: impl Fn(String) -> String) -> Self {
        let data = emulator::data::DEMO.replace("live = true", "live = false");
        let world = emulator::data::parse(&data, 1_800_000_000_000).unwrap();
        let emu = emulator::spawn(world, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let text = emulator::write_profile(&emu.state().world, &emu.url()).replacen(
            "[tencent.tc-demo]\n",
            "[tencent.tc-demo]\nprotected = true\n",
            1,
        );
        let text = edit(text);
        let mut profile = profile::parse(&text, "t").unwrap().profile;
        // The worker records every job; keep that out of the real home.
        profile.settings.audit_log = Some(common::scratch_audit_log());
        let (tx, events) = mpsc::unbounded_channel();
        let w_ = worker::spawn(common::paced_session(profile.clone(), "Asia/Shanghai"), tx);
        let state = AppState::new(profile, (w, h), true, false, "Asia/Shanghai".into());
        let mut app = Self { state, commands: w_.commands, events, emu };
        app.apply(Msg::Resize(w, h));
        app.apply(Msg::RefreshTick);
        app.settle().await;
        app
    }

    fn apply(&mut self, msg: Msg) {
        for e in update(&mut self.state, msg).effects {
            let Effect::Send(cmd) = e;
            self.commands.send(cmd).unwrap();
        }
    }

    fn key(&mut self, code: KeyCode) {
        self.apply(Msg::Key(KeyEvent::from(code)));
    }

    /// Opens the reset form on the selection, moves right `rights` times through the strategies (1 = earliest),
    /// asks for the plan and waits for it.
    async fn plan_reset(&mut self, rights: usize) {
        self.key(KeyCode::Char('r'));
        self.keys(&vec![KeyCode::Right; rights]);
        self.key(KeyCode::Enter);
        self.settle().await;
    }

    fn keys(&mut self, codes: &[KeyCode]) {
        codes.iter().for_each(|c| self.key(*c));
    }

    fn typed(&mut self, text: &str) {
        text.chars().for_each(|c| self.key(KeyCode::Char(c)));
    }

    /// Feeds engine events until nothing is under way (no job, plan or refresh) and all is quiet.
    async fn settle(&mut self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            match tokio::time::timeout(Duration::from_millis(150), self.events.recv()).await {
                Ok(Some(event)) => self.apply(Msg::Engine { at: "12:00:00".into(), event: Box::new(event) }),
                _ => {
                    let busy = self.state.job.is_some()
                        || self.state.refreshing
                        || matches!(self.state.modal, Some(Modal::Planning { .. }));
                    if !busy || tokio::time::Instant::now() > deadline {
                        return;
                    }
                }
            }
        }
    }

    /// Feeds engine events until `done` holds (or 20 s pass): for reads nothing in the state marks as under way.
    async fn settle_until(&mut self, done: impl Fn(&AppState) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !done(&self.state) && tokio::time::Instant::now() < deadline {
            if let Ok(Some(event)) = tokio::time::timeout(Duration::from_millis(100), self.events.recv()).await {
                self.apply(Msg::Engine { at: "12:00:00".into(), event: Box::new(event) });
            }
        }
    }

    /// Selects the Topics-folder partition `name` of `topic` in the Huawei tree, opening what is needed.
    fn trees_select(&mut self, name: &str, topic: &str) {
        use offsetdeck::tui::tree::Kind;
        let t = &mut self.state.trees[0];
        let target = t
            .nodes
            .iter()
            .position(|n| &*n.name == name && matches!(&n.kind, Kind::Partition { topic: tp, .. } if &**tp == topic))
            .unwrap();
        let mut cur = t.nodes[target].parent;
        while let Some(c) = cur {
            t.opened.insert(c);
            cur = t.nodes[c].parent;
        }
        t.recompute();
        t.selected = Some(target);
        t.scroll_into_view(10);
    }

    fn screen(&self) -> String {
        let (w, h) = self.state.size;
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| view::render(f, &self.state)).unwrap();
        let buf = t.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..h {
            let line: String = (0..w).map(|x| buf[(x, y)].symbol().to_owned()).collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

macro_rules! snap {
    ($name:expr, $app:expr) => {
        insta::with_settings!({filters => vec![(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[request-id]"), (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"), (r"snapshot /\S+", "snapshot [path]"), (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[time]")]}, {
            insta::assert_snapshot!($name, $app.screen());
        });
    };
}

fn down(n: usize) -> Vec<KeyCode> {
    vec![KeyCode::Down; n]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn navigate_filter_help_and_resize() {
    let mut app = App::new(80, 24).await;
    snap!("start_80x24", app);
    app.keys(&down(3));
    app.key(KeyCode::Right);
    app.keys(&down(2));
    snap!("billing_topic_expanded", app);
    app.key(KeyCode::Char('/'));
    app.typed("pay");
    snap!("filter_pay", app);
    app.key(KeyCode::Esc);
    app.key(KeyCode::Tab);
    snap!("tencent_tab_protected", app);
    // Topics -> orders -> p0: the partition's log and the newest message's time.
    app.key(KeyCode::BackTab);
    app.trees_select("p0", "orders");
    snap!("partition_detail", app);
    app.key(KeyCode::Char('?'));
    snap!("help", app);
    app.key(KeyCode::Esc);
    app.apply(Msg::Resize(160, 48));
    snap!("resized_160x48", app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_form_good_and_bad_values_then_job_streams() {
    let mut app = App::new(80, 24).await;
    app.keys(&down(3));
    app.key(KeyCode::Char('r'));
    snap!("reset_form_empty", app);
    app.key(KeyCode::Enter);
    assert!(
        matches!(&app.state.modal, Some(Modal::Reset(f)) if f.error.as_deref().is_some_and(|e| e.contains("choose a strategy")))
    );
    app.keys(&[KeyCode::Right, KeyCode::Right, KeyCode::Right]);
    app.key(KeyCode::Tab);
    app.typed("-3");
    snap!("reset_form_bad_offset", app);
    app.key(KeyCode::Enter);
    assert!(matches!(app.state.modal, Some(Modal::Reset(_))), "a bad value keeps the form open");
    // Esc then a key, typed fast over SSH, arrives as Alt-key: the form still closes, and the key still acts.
    let mut fast = app.state.clone();
    update(&mut fast, Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::ALT)));
    assert!(fast.modal.is_none(), "Esc closed the form");
    assert_ne!(fast.trees[0].selected, app.state.trees[0].selected, "and j moved the selection");
    assert_eq!(app.screen().matches("is not an offset").count(), 1, "the error is said once, where it was typed");
    app.keys(&[KeyCode::Backspace, KeyCode::Backspace]);
    app.key(KeyCode::BackTab);
    app.key(KeyCode::Right);
    app.key(KeyCode::Tab);
    app.typed("2025-01-01 08:10");
    snap!("reset_form_datetime_echo", app);
    app.key(KeyCode::BackTab);
    app.keys(&[KeyCode::Left, KeyCode::Left, KeyCode::Left]);
    app.key(KeyCode::Enter);
    app.settle().await;
    snap!("reset_confirm_earliest", app);
    app.key(KeyCode::Char('y'));
    app.settle().await;
    snap!("reset_job_done", app);
    let committed =
        app.emu.state().world.huawei[0].instances[0].groups[0].committed.get(&("orders".to_owned(), 0)).copied();
    assert_eq!(committed, Some(1000), "the reset really happened");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_reset_on_an_active_group() {
    let mut app = App::new(80, 24).await;
    app.keys(&down(4));
    app.plan_reset(1).await;
    assert!(app.state.modal.is_none());
    snap!("refused_active_group", app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_failure_and_cancel() {
    let mut app = App::new(160, 48).await;
    app.emu.inject("ResetMessageOffset", FaultKind::ServerError, 3);
    app.keys(&down(3));
    app.plan_reset(2).await;
    app.key(KeyCode::Char('y'));
    app.settle().await;
    snap!("partial_failure", app);
    let failed: Vec<&str> = app.state.log.iter().map(|l| l.text.as_str()).filter(|t| t.contains("FAILED")).collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].contains("server error HTTP 503") && failed[0].contains("partition=0 topic=orders"),
        "{}",
        failed[0]
    );
    // A slow job, cancelled with Esc after it started.
    app.emu.set_latency("ResetMessageOffset", Duration::from_millis(150));
    app.plan_reset(1).await;
    app.key(KeyCode::Char('y'));
    tokio::time::sleep(Duration::from_millis(400)).await;
    app.key(KeyCode::Esc);
    app.settle().await;
    let last = app.state.log.back().unwrap().text.clone();

    assert!(last.contains("cancelled") && last.contains("the rest were not sent"), "{last}");
    assert!(app.state.job.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_forms_and_typed_confirmation() {
    let mut app = App::new(80, 24).await;
    // audit (Dead) -> delete its committed offsets.
    app.keys(&down(5));
    app.key(KeyCode::Char('x'));
    snap!("delete_offsets_form", app);
    // Bad: nothing chosen.
    app.key(KeyCode::Char(' '));
    app.key(KeyCode::Enter);
    assert!(
        matches!(&app.state.modal, Some(Modal::DeleteOffsets(f)) if f.error.as_deref() == Some("choose at least one topic with Space"))
    );
    snap!("delete_offsets_form_nothing_chosen", app);
    app.key(KeyCode::Char(' '));
    app.key(KeyCode::Enter);
    app.settle().await;
    snap!("delete_offsets_confirm", app);
    app.key(KeyCode::Enter);
    assert!(matches!(app.state.modal, Some(Modal::Confirm(_))), "Enter without the typed name does nothing");
    app.typed("aud");
    assert!(app.screen().contains("does not match yet"), "a wrong name says so");
    app.typed("it");
    assert!(app.screen().contains("Enter runs it"));
    app.key(KeyCode::Enter);
    app.settle().await;
    assert!(app.state.log.iter().any(|l| l.text.contains("ok DeleteConsumerGroupOffsets")));
    // Topics -> payments -> delete messages on partition 0.
    app.key(KeyCode::Down);
    app.key(KeyCode::Down);
    app.key(KeyCode::Right);
    app.key(KeyCode::Down);
    app.key(KeyCode::Down);
    app.key(KeyCode::Char('X'));
    // Bad: beyond the log end, then not a number; the row says so as it is typed.
    app.typed("99999");
    snap!("delete_messages_form_beyond_end", app);
    app.key(KeyCode::Enter);
    assert!(
        matches!(&app.state.modal, Some(Modal::DeleteMessages(f)) if f.error.as_deref().is_some_and(|e| e.contains("partition 0: 99999 is beyond the log end")))
    );
    for _ in 0..5 {
        app.key(KeyCode::Backspace);
    }
    app.typed("1200");
    snap!("delete_messages_form", app);
    app.key(KeyCode::Enter);
    app.settle().await;
    snap!("delete_messages_confirm", app);
    app.key(KeyCode::Esc);
    assert!(app.state.modal.is_none(), "Esc cancels without a trace");
    assert_eq!(app.emu.state().world.huawei[0].instances[0].topics[1].partitions[0].start, 0, "nothing was deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quit_asks_while_a_job_runs_and_ctrl_c_quits_now() {
    let mut app = App::new(80, 24).await;
    app.emu.set_latency("ResetMessageOffset", Duration::from_millis(200));
    app.keys(&down(3));
    app.plan_reset(1).await;
    app.key(KeyCode::Char('y'));
    app.key(KeyCode::Char('q'));
    assert!(matches!(app.state.modal, Some(Modal::QuitConfirm)));
    app.key(KeyCode::Char('n'));
    assert!(!app.state.quit);
    app.apply(Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert!(app.state.quit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_size_renders_without_panicking() {
    let mut app = App::new(80, 24).await;
    app.keys(&down(3));
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 10), (79, 23), (80, 24), (119, 30), (120, 30), (250, 80)] {
        app.apply(Msg::Resize(w, h));
        let screen = app.screen();
        assert_eq!(screen.lines().count(), h as usize, "{w}x{h}");
        app.key(KeyCode::Char('r'));
        let _ = app.screen();
        app.key(KeyCode::Esc);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_with_u_restores_the_snapshot() {
    let mut app = App::new(80, 24).await;
    let committed = |app: &App| app.emu.state().world.huawei[0].instances[0].groups[0].committed.clone();
    let before = committed(&app);
    app.keys(&down(3));
    app.plan_reset(1).await;
    app.key(KeyCode::Char('y'));
    app.settle().await;
    assert_ne!(committed(&app), before);
    app.key(KeyCode::Char('u'));
    app.settle().await;
    snap!("undo_confirm", app);
    app.key(KeyCode::Char('y'));
    app.settle().await;
    assert_eq!(committed(&app), before, "undo restored every saved offset");
    assert!(app.state.log.iter().any(|l| l.text.contains("verified, 15 partition(s) as planned")));
    // Message deletes have nothing to undo.
    app.key(KeyCode::Down);
    app.key(KeyCode::Down);
    app.key(KeyCode::Down);
    app.key(KeyCode::Down);
    app.key(KeyCode::Right);
    app.key(KeyCode::Down);
    app.key(KeyCode::Down);
    app.key(KeyCode::Char('X'));
    app.typed("end");
    app.key(KeyCode::Enter);
    app.settle().await;
    app.typed("payments");
    app.key(KeyCode::Enter);
    app.settle().await;
    app.key(KeyCode::Char('u'));
    app.settle().await;
    let last = &app.state.log.back().unwrap().text;
    assert!(last.contains("message deletion cannot be undone"), "{last}");
}

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
    assert!(app.state.live.keys().all(|(_, g)| g != "hotfix-replay"), "not read before it is selected");
    app.state.trees[0].selected = Some(at);
    app.state.trees[0].scroll_into_view(10);
    // Any message after the cursor lands on it asks for its detail (the prefetch of the row under the cursor).
    app.apply(Msg::Resize(80, 24));
    app.settle_until(|s| s.live.keys().any(|(_, g)| g == "hotfix-replay")).await;
    let t = &app.state.trees[0];
    assert_eq!(t.nodes[at].children.len(), 1, "its topic, payments");
    assert_eq!(t.nodes[t.nodes[at].children[0]].children.len(), 3, "with its three partitions, read live");
    let screen = app.screen();
    assert!(screen.contains("hotfix-replay  [EMPTY]  lag") && screen.contains("(not in profile)"), "{screen}");
    app.plan_reset(2).await;
    assert!(matches!(app.state.modal, Some(Modal::Confirm(_))), "{:?}", app.state.log.back());
    app.key(KeyCode::Char('y'));
    app.settle().await;
    let done = app.state.log.iter().any(|l| l.text.contains("verified, 3 partition(s) as planned"));
    assert!(done, "{:?}", app.state.log.iter().rev().take(5).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_groups_view_sorts_filters_jumps_and_acts_on_its_row() {
    use offsetdeck::tui::tree::Kind;
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = App::new(w, h).await;
        app.key(KeyCode::Char('v'));
        snap!(format!("groups_view_by_lag_{w}x{h}"), app);
        let screen = app.screen();
        let first = screen.find("sessionizer").unwrap();
        assert!(first < screen.find("cdc-sink").unwrap(), "laggiest first: {screen}");
        app.key(KeyCode::Char('s'));
        snap!(format!("groups_view_by_state_{w}x{h}"), app);
        app.key(KeyCode::Char('/'));
        app.typed("state:active");
        app.key(KeyCode::Enter);
        snap!(format!("groups_view_filtered_{w}x{h}"), app);
        let screen = app.screen();
        assert!(screen.contains("fraud-check") && !screen.contains("billing"), "{screen}");
        app.key(KeyCode::Esc);
        app.key(KeyCode::Char('/'));
        app.typed("lag>5000 orders");
        app.key(KeyCode::Enter);
        let screen = app.screen();
        assert!(screen.contains("billing") && !screen.contains("sessionizer"), "{screen}");
        // Action keys act on the row's group.
        app.key(KeyCode::Char('r'));
        let Some(Modal::Reset(form)) = &app.state.modal else { panic!("no reset form: {:?}", app.state.modal) };
        assert_eq!((form.instance.as_str(), form.group.as_str()), ("orders", "billing"));
        app.key(KeyCode::Esc);
        // Enter jumps to the group in its tree.
        app.key(KeyCode::Enter);
        assert!(!app.state.groups_view);
        let node = app.state.trees[app.state.focus].selected_node().unwrap();
        assert!(matches!(&node.kind, Kind::Group { group, .. } if &**group == "billing"), "{:?}", node.kind);
    }
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
    app.settle_until(|s| s.listed.contains_key("clickstream-hw")).await;
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
    app.settle_until(|s| s.live.contains_key(&("orders".to_owned(), "billing".to_owned()))).await;
    app.plan_reset(1).await;
    assert!(matches!(app.state.modal, Some(Modal::Confirm(_))), "{:?}", app.state.log.back());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmation_saves_its_plan_and_a_plan_file_opens_as_a_confirmation_unless_the_group_moved() {
    let mut app = App::new(80, 24).await;
    app.keys(&down(3));
    app.plan_reset(1).await;
    assert!(matches!(app.state.modal, Some(Modal::Confirm(_))));
    app.apply(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    assert!(matches!(app.state.modal, Some(Modal::Confirm(_))), "the confirmation stays open");
    app.settle_until(|s| s.log.iter().any(|l| l.text.starts_with("plan saved to"))).await;
    let line = app.state.log.iter().find(|l| l.text.starts_with("plan saved to")).unwrap().text.clone();
    let path = std::path::PathBuf::from(line.trim_start_matches("plan saved to ").split(" (sha256").next().unwrap());
    assert!(path.is_file(), "{line}");
    let file = offsetdeck::engine::planfile::load(&path).unwrap();
    assert_eq!(file.rows.len(), 15);
    app.key(KeyCode::Esc);
    // Opened again (as `offsetdeck --plan FILE` does): planned from its pins, the confirmation names the file.
    let open = |app: &mut App, request: u64| {
        app.state.modal = Some(Modal::Planning { request, what: "plan file".into() });
        app.commands.send(Command::OpenPlan { request, path: path.clone() }).unwrap();
    };
    open(&mut app, 900);
    app.settle().await;
    let Some(Modal::Confirm(c)) = &app.state.modal else { panic!("{:?}", app.state.log.back()) };
    assert!(c.plan.summary.contains("(plan file"), "{}", c.plan.summary);
    assert_eq!(c.plan.plan_file.as_deref(), Some(file.sha256.as_str()));
    app.key(KeyCode::Esc);
    // The group moves: the file is refused with the difference, and nothing opens.
    app.emu.state().world.huawei[0].instances[0].groups[0].committed.values_mut().for_each(|c| *c -= 1);
    open(&mut app, 901);
    app.settle().await;
    assert!(app.state.modal.is_none());
    let last = &app.state.log.back().unwrap().text;
    assert!(last.contains("moved since the plan was made") && last.contains("committed offset moved"), "{last}");
}
