//! `update` from fixtures: keys and engine events in, state and effects out, the screen drawn on a test backend.
use super::*;
use crate::engine::fixtures;
use crate::engine::safety::Confirmation;
use crate::tui::state::Confirm;

fn key(s: &mut AppState, code: KeyCode) -> Step {
    update(s, Msg::Key(KeyEvent::from(code)))
}

/// A dashboard on the fixture profile with the cursor on the Huawei group `g`.
fn on_group(read_only: bool) -> AppState {
    let mut p = fixtures::profile();
    p.huawei[0].instances[0].safety.read_only = read_only;
    let mut s = AppState::new(p, (80, 24), false, false, "UTC".into());
    for _ in 0..10 {
        if matches!(s.trees[s.focus].selected_node().map(|n| &n.kind), Some(Kind::Group { .. })) {
            return s;
        }
        key(&mut s, KeyCode::Down);
        key(&mut s, KeyCode::Right);
    }
    panic!("no group in the tree");
}

#[test]
fn a_read_only_instance_offers_no_writes_and_says_why() {
    let mut s = on_group(true);
    assert!(!applies(&s, Action::Reset) && !applies(&s, Action::Undo));
    let step = key(&mut s, KeyCode::Char('r'));
    assert!(step.effects.is_empty() && s.modal.is_none());
    assert!(s.log.lines.back().unwrap().text.contains("read_only"), "{:?}", s.log.lines.back());
}

#[test]
fn the_form_sends_an_order_and_the_plan_decides_the_confirmation() {
    let mut s = on_group(false);
    assert!(applies(&s, Action::Reset) && applies(&s, Action::DeleteOffsets));
    key(&mut s, KeyCode::Char('r'));
    key(&mut s, KeyCode::Right);
    let step = key(&mut s, KeyCode::Enter);
    let Some(Effect::Send(Command::Plan { request, order })) = step.effects.into_iter().next() else {
        panic!("no plan asked for")
    };
    assert!(
        matches!(&order, Order::Reset { group, strategy: crate::core::strategy::ResetStrategy::Earliest, .. } if group.instance == "orders")
    );
    // The engine answers with a plan that asks for the name: only the exact name runs it.
    let p = fixtures::profile();
    let t = crate::engine::target::Target::find(&p, "orders").unwrap();
    let snap = fixtures::group("Empty", &[(Some(1), Some(0), Some(5))]);
    let mut plan = crate::engine::plan::delete_offsets(&t, "g", &snap, &["t".into()]).unwrap();
    assert_eq!(plan.confirmation, Confirmation::TypeName { name: "g".into(), protected: false });
    plan.summary = "delete".into();
    update(
        &mut s,
        Msg::Engine { at: String::new(), event: Box::new(EngineEvent::Planned { request, result: Ok(plan) }) },
    );
    assert!(key(&mut s, KeyCode::Char('y')).effects.is_empty(), "y does not confirm a typed-name plan");
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Char('g'));
    let step = key(&mut s, KeyCode::Enter);
    assert!(matches!(step.effects.first(), Some(Effect::Send(Command::Run { .. }))), "{:?}", step.effects);
}

fn screen(s: &AppState) -> String {
    crate::tui::view::render_to_string(s)
}

#[test]
fn a_confirmation_too_big_for_the_screen_says_so_and_cannot_be_accepted() {
    let mut s = on_group(false);
    let snap = fixtures::group("Empty", &[(Some(1), Some(0), Some(5)), (Some(2), Some(0), Some(5))]);
    let plan = fixtures::reset_plan(&snap, crate::core::strategy::ResetStrategy::Earliest);
    s.modal = Some(Modal::Confirm(Confirm::new(plan)));
    update(&mut s, Msg::Resize(40, 12));
    let shown = screen(&s);
    assert!(shown.contains("terminal too small") && shown.contains("need 80 x"), "{shown}");
    assert!(key(&mut s, KeyCode::Char('y')).effects.is_empty(), "y is ignored while the plan cannot be seen");
    assert!(key(&mut s, KeyCode::Enter).effects.is_empty());
    assert!(matches!(s.modal, Some(Modal::Confirm(_))), "still asking");
    update(&mut s, Msg::Resize(80, 24));
    assert!(screen(&s).contains("Proceed?"));
    assert!(matches!(key(&mut s, KeyCode::Char('y')).effects.first(), Some(Effect::Send(Command::Run { .. }))));
}

#[test]
fn the_dashboard_never_draws_control_characters_a_server_sent() {
    let mut s = on_group(false);
    s.push_log("12:00:00".into(), Level::Error, "x\u{1b}]0;owned\u{7}\u{9b}2J\u{202e}y".into());
    let shown = screen(&s);
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(!shown.contains(bad), "{bad:?} drawn: {shown:?}");
    }
}

#[test]
fn a_refused_key_is_shown_on_its_account_until_a_refresh_succeeds() {
    use crate::core::target::AccountKey;
    let mut s = on_group(false);
    let account = AccountKey { cloud: crate::core::credentials::Cloud::Huawei, name: "hw".into() };
    let failed = EngineEvent::AuthFailed { account: account.clone(), code: "APIG.0301".into(), error: "bad".into() };
    update(&mut s, Msg::Engine { at: String::new(), event: Box::new(failed) });
    assert!(screen(&s).contains("hw  authentication failed: APIG.0301 — fix the key, then R"), "{}", screen(&s));
    update(&mut s, Msg::Engine { at: String::new(), event: Box::new(EngineEvent::AuthOk { account }) });
    assert!(!screen(&s).contains("hw  authentication failed"), "the account row is clear again");
}

#[test]
fn a_refresh_asked_for_during_one_is_sent_once_when_it_ends() {
    let mut s = on_group(false);
    assert!(matches!(key(&mut s, KeyCode::Char('R')).effects[..], [Effect::Send(Command::Refresh { asked: true })]));
    for _ in 0..3 {
        assert!(key(&mut s, KeyCode::Char('R')).effects.is_empty(), "not queued while one runs");
    }
    let done = update(&mut s, Msg::Engine { at: "12:00:01".into(), event: Box::new(EngineEvent::RefreshDone) });
    assert!(matches!(done.effects[..], [Effect::Send(Command::Refresh { asked: true })]), "one more, for all three");
    assert!(s.refreshing);
    let done = update(&mut s, Msg::Engine { at: "12:00:02".into(), event: Box::new(EngineEvent::RefreshDone) });
    assert!(done.effects.is_empty() && !s.refreshing);
    assert_eq!(s.read_at.as_deref(), Some("12:00:02"));
}

#[test]
fn the_header_says_how_old_the_data_is_and_redraws_only_when_the_words_change() {
    let mut s = on_group(false);
    let t0 = 1_800_000_000_000;
    update(&mut s, Msg::Clock(t0));
    s.refreshing = true;
    update(&mut s, Msg::Engine { at: "12:00:00".into(), event: Box::new(EngineEvent::RefreshDone) });
    assert!(update(&mut s, Msg::Clock(t0 + 12_000)).redraw);
    assert!(screen(&s).contains("live, read 12:00:00 (12 s ago)"), "the time fits: {}", screen(&s));
    s.demo = true;
    assert!(screen(&s).contains("live, 12 s ago"), "beside the banner only the age: {}", screen(&s));
    s.size = (120, 30);
    assert!(screen(&s).contains("live, read 12:00:00 (12 s ago)"), "wider, the time too: {}", screen(&s));
    s.size = (80, 24);
    assert!(update(&mut s, Msg::Clock(t0 + 125_000)).redraw, "12 s -> 2 min");
    assert!(!update(&mut s, Msg::Clock(t0 + 126_000)).redraw, "still 2 min: nothing to draw");
    assert!(screen(&s).contains("live, 2 min ago"));
}

#[test]
fn a_name_with_control_characters_is_drawn_escaped_and_completed_shell_quoted() {
    let mut s = on_group(false);
    s.trees[0].add_group("orders", "odd\u{1b}[2J", &[("t".into(), 3)]);
    s.trees[0].add_group("orders", "it's mine", &[("t".into(), 3)]);
    s.trees[0].recompute();
    for _ in 0..12 {
        key(&mut s, KeyCode::Down);
    }
    let screen = crate::tui::view::render_to_string(&s);
    assert!(screen.contains("odd\\x1b[2J") && !screen.contains('\u{1b}'), "escaped, not dropped:\n{screen}");
    key(&mut s, KeyCode::Char(':'));
    for c in "reset --group it".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    key(&mut s, KeyCode::Tab);
    let Some(Modal::Command(line)) = &s.modal else { panic!("the line is open: {:?}", s.modal) };
    let typed = line.input.value().to_owned();
    assert_eq!(shlex::split(&typed).unwrap(), ["reset", "--group", "it's mine"], "one word: {typed}");
}

#[test]
fn the_undo_picker_lists_other_targets_snapshots_only_when_asked() {
    let mut s = on_group(false);
    let step = key(&mut s, KeyCode::Char('u'));
    assert!(
        matches!(&step.effects[..], [Effect::Send(Command::ListSnapshots { all: false, .. })]),
        "{:?}",
        step.effects
    );
    let step = key(&mut s, KeyCode::Char('a'));
    assert!(
        matches!(&step.effects[..], [Effect::Send(Command::ListSnapshots { all: true, .. })]),
        "{:?}",
        step.effects
    );
    assert!(matches!(&s.modal, Some(Modal::UndoPick(p)) if p.all && p.items.is_none()));
}

#[test]
fn the_newest_log_line_is_on_screen_when_following_at_every_width() {
    for width in 40..=250u16 {
        let mut s = on_group(false);
        update(&mut s, Msg::Resize(width, 24));
        for i in 0..30 {
            // Lines of words longer than the pane, so they wrap at words (which a count of characters misjudges).
            let text = format!("line {i} {}", "checkpoint-restored-for-partition ".repeat(1 + i % 7));
            s.push_log("12:00:00".into(), crate::tui::state::Level::Info, text);
        }
        s.push_log("12:00:01".into(), crate::tui::state::Level::Ok, "the newest line".into());
        assert!(screen(&s).contains("the newest line"), "pane at {width}:\n{}", screen(&s));
        s.screen = crate::tui::state::Screen::Log(s.screen.base());
        assert!(screen(&s).contains("the newest line"), "zoomed at {width}:\n{}", screen(&s));
    }
}

#[test]
fn the_stale_mark_the_run_time_refusal_and_the_plan_file_diff_name_the_same_drift() {
    let p = fixtures::profile();
    let t = crate::engine::target::Target::find(&p, "orders").unwrap();
    let snap = fixtures::group("Empty", &[(Some(10), Some(0), Some(50)), (Some(20), Some(0), Some(50))]);
    let plan = fixtures::reset_plan(&snap, crate::core::strategy::ResetStrategy::ToOffset(5));
    // Partition 0 committed meanwhile; retention passed partition 1's target.
    let moved = fixtures::group("Empty", &[(Some(12), Some(0), Some(50)), (Some(20), Some(7), Some(50))]);
    let expected: Vec<String> = plan.drift(&moved.partitions).iter().map(ToString::to_string).collect();
    assert_eq!(
        expected,
        ["t partition 0: committed offset moved 10 -> 12", "t partition 1: the log start 7 passed the target 5"]
    );
    let mark = crate::tui::engine_events::stale(&plan, &moved).expect("marked STALE");
    let refusal = crate::engine::job::unmoved(&plan, &moved).expect_err("refused at run time").to_string();
    let file =
        crate::engine::planfile::PlanFile::for_target(&plan, t.real(), jiff::SignedDuration::from_hours(1)).unwrap();
    let mut again = fixtures::reset_plan(&moved, crate::core::strategy::ResetStrategy::ToOffset(5));
    again.calls.clone_from(&plan.calls);
    let diff = file.diff(&again);
    assert!(mark.starts_with(&expected[0]) && mark.ends_with("and 1 more"), "{mark}");
    for d in &expected {
        assert!(refusal.contains(d.as_str()), "the job names {d}: {refusal}");
        assert!(diff.contains(d), "the plan file names {d}: {diff:?}");
    }
    assert!(plan.drift(&snap.partitions).is_empty() && crate::tui::engine_events::stale(&plan, &snap).is_none());
    assert!(crate::engine::job::unmoved(&plan, &snap).is_ok());
}

#[test]
fn a_live_read_of_another_group_whose_name_ends_the_same_does_not_mark_a_confirmation_stale() {
    let mut s = on_group(false);
    let p = fixtures::profile();
    let t = crate::engine::target::Target::find(&p, "orders").unwrap();
    let snap = fixtures::group("Empty", &[(Some(10), Some(0), Some(50))]);
    let plan = crate::engine::plan::delete_offsets(&t, "fraud-check", &snap, &["t".into()]).unwrap();
    s.modal = Some(Modal::Confirm(Confirm::new(plan)));
    let moved = fixtures::group("Empty", &[(Some(99), Some(0), Some(50))]);
    let live = |group: &str| EngineEvent::Live {
        group: crate::core::target::GroupRef::new("orders", group),
        result: Ok(moved.clone()),
    };
    update(&mut s, Msg::Engine { at: String::new(), event: Box::new(live("check")) });
    assert!(matches!(&s.modal, Some(Modal::Confirm(c)) if c.stale.is_none()), "`check` is another group");
    update(&mut s, Msg::Engine { at: String::new(), event: Box::new(live("fraud-check")) });
    assert!(matches!(&s.modal, Some(Modal::Confirm(c)) if c.stale.is_some()), "its own group moved");
}

#[test]
fn a_run_refused_because_the_group_moved_is_planned_again_and_says_why() {
    let mut s = on_group(false);
    key(&mut s, KeyCode::Char('r'));
    key(&mut s, KeyCode::Right);
    let step = key(&mut s, KeyCode::Enter);
    let Some(Effect::Send(Command::Plan { request, .. })) = step.effects.into_iter().next() else { panic!("asked") };
    let p = fixtures::profile();
    let t = crate::engine::target::Target::find(&p, "orders").unwrap();
    let snap = fixtures::group("Empty", &[(Some(1), Some(0), Some(5))]);
    let plan = crate::engine::plan::delete_offsets(&t, "g", &snap, &["t".into()]).unwrap();
    let planned = |request, plan| Msg::Engine {
        at: String::new(),
        event: Box::new(EngineEvent::Planned { request, result: Ok(plan) }),
    };
    let opened = update(&mut s, planned(request, plan.clone()));
    assert!(
        matches!(opened.effects.first(), Some(Effect::Send(Command::Describe { group, .. })) if group.group == "g"),
        "the group is read again as the confirmation opens: {:?}",
        opened.effects
    );
    for ch in "g".chars() {
        key(&mut s, KeyCode::Char(ch));
    }
    let Some(Effect::Send(Command::Run { job, .. })) = key(&mut s, KeyCode::Enter).effects.into_iter().next() else {
        panic!("runs")
    };
    let why = "the group moved since the plan was made (t partition 0: committed offset moved 1 -> 3); plan it again";
    let end = crate::engine::job::JobEnd::Refused { why: crate::engine::safety::Refusal::Stale(why.into()) };
    let done = update(
        &mut s,
        Msg::Engine {
            at: String::new(),
            event: Box::new(EngineEvent::JobDone { job, end, failed: 0, unverified: 0, sent: 0, total: 1 }),
        },
    );
    let Some(Effect::Send(Command::Plan { request, .. })) = done.effects.into_iter().next() else {
        panic!("planned again, not an empty form: {:?}", s.modal)
    };
    update(&mut s, planned(request, plan));
    let shown = screen(&s);
    assert!(shown.contains("PLANNED AGAIN") && shown.contains("nothing was sent"), "{shown}");
}

#[test]
fn a_plan_that_changes_nothing_says_so_first_sends_no_calls_and_cannot_be_run() {
    let mut s = on_group(false);
    let snap = fixtures::group("Empty", &[(Some(5), Some(0), Some(50)), (Some(5), Some(0), Some(50))]);
    let plan = fixtures::reset_plan(&snap, crate::core::strategy::ResetStrategy::ToOffset(5)).finish();
    assert!(plan.calls.is_empty() && plan.summary.starts_with("NOTHING TO CHANGE"), "{}", plan.summary);
    s.modal = Some(Modal::Confirm(Confirm::new(plan)));
    assert!(screen(&s).contains("Nothing to change: nothing will be sent"), "{}", screen(&s));
    assert!(key(&mut s, KeyCode::Char('y')).effects.is_empty(), "nothing to run");
}

#[test]
fn p_on_a_group_peeks_at_its_laggiest_committed_offset_and_enter_shows_the_whole_value() {
    let mut s = on_group(false);
    let snap = fixtures::group("Empty", &[(Some(10), Some(0), Some(20)), (Some(30), Some(0), Some(90))]);
    update(
        &mut s,
        Msg::Engine {
            at: String::new(),
            event: Box::new(EngineEvent::Live {
                group: crate::core::target::GroupRef::new("orders", "g"),
                result: Ok(snap),
            }),
        },
    );
    let step = key(&mut s, KeyCode::Char('p'));
    let Some(Effect::Send(Command::Peek { request, partition, target, .. })) = step.effects.into_iter().next() else {
        panic!("no peek: {:?}", s.log.lines.back())
    };
    assert_eq!((partition, target), (1, 30), "the partition with the most lag, at its committed offset");
    let value = format!("{}\u{1b}[2Jend", "word ".repeat(40));
    let message =
        crate::core::live::Message { offset: 30, timestamp_ms: None, key: None, value: Some(value), size: None };
    let peek = crate::engine::peek::Peek {
        instance: "orders".into(),
        topic: "t".into(),
        partition: 1,
        target: 30,
        messages: vec![message],
    };
    update(
        &mut s,
        Msg::Engine { at: String::new(), event: Box::new(EngineEvent::Peeked { request, result: Ok(peek) }) },
    );
    key(&mut s, KeyCode::Enter);
    let shown = screen(&s);
    assert!(shown.contains("the value as kept") && shown.contains("\\x1b[2Jend"), "wrapped and inert:\n{shown}");
    assert!(!shown.contains('\u{1b}'));
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Esc);
    assert!(s.modal.is_none(), "Esc goes back to the list, then closes: no confirmation to go back to");
}

/// The zoomed log covers a view and Esc goes back to that one: from the groups view to the groups view, from the
/// trees to the trees.
#[test]
fn the_zoomed_log_goes_back_to_the_view_it_covers() {
    use crate::tui::state::{Base, Screen};
    let mut s = on_group(false);
    key(&mut s, KeyCode::Char('v'));
    assert_eq!(s.screen, Screen::Panes(Base::Groups));
    key(&mut s, KeyCode::Char('L'));
    assert_eq!(s.screen, Screen::Log(Base::Groups));
    assert_eq!(crate::tui::modes::of(&s), crate::tui::modes::Mode::LogZoom);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.screen, Screen::Panes(Base::Groups));
    key(&mut s, KeyCode::Char('v'));
    key(&mut s, KeyCode::Char('L'));
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.screen, Screen::Panes(Base::Trees));
}

#[test]
fn a_name_typed_while_the_confirmation_is_too_small_to_draw_is_not_kept() {
    let mut s = on_group(false);
    let p = fixtures::profile();
    let t = crate::engine::target::Target::find(&p, "orders").unwrap();
    let snap = fixtures::group("Empty", &[(Some(1), Some(0), Some(5))]);
    let plan = crate::engine::plan::delete_offsets(&t, "g", &snap, &["t".into()]).unwrap();
    assert!(matches!(plan.confirmation, Confirmation::TypeName { .. }));
    s.modal = Some(Modal::Confirm(Confirm::new(plan)));
    update(&mut s, Msg::Resize(40, 12));
    assert!(screen(&s).contains("terminal too small"));
    key(&mut s, KeyCode::Char('g'));
    update(&mut s, Msg::Resize(100, 30));
    let Some(Modal::Confirm(c)) = &s.modal else { panic!("no confirmation") };
    assert_eq!(c.typed.value(), "", "nothing typed behind the too-small screen");
    assert!(key(&mut s, KeyCode::Enter).effects.is_empty(), "so one Enter does not run it");
    key(&mut s, KeyCode::Char('g'));
    assert!(matches!(key(&mut s, KeyCode::Enter).effects.first(), Some(Effect::Send(Command::Run { .. }))));
}
