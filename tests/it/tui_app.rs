//! Whole-app tests: the dashboard's state machine driven by keys and by the real worker's events against the
//! emulator, rendered on ratatui's TestBackend and snapshotted.

use crate::common;

use std::time::Duration;

use common::dashboard::{App, down};
use offsetdeck::emulator::FaultKind;
use offsetdeck::tui::state::Modal;
use offsetdeck::tui::update::{Msg, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

macro_rules! snap {
    ($name:expr, $app:expr) => {
        insta::with_settings!({filters => vec![(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[request-id]"), (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"), (r"snapshot /\S+", "snapshot [path]"), (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[time]"), (r"› \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "› [local time]")]}, {
            insta::assert_snapshot!($name, $app.screen());
        });
    };
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
    // The help scrolls to its end: the lag words are there, and nothing is cut mid-word.
    app.key(KeyCode::End);
    snap!("help_scrolled_to_the_end", app);
    assert!(
        app.screen().contains("STOPPED")
            && app.screen().contains("Writes always show a plan first")
            && !app.screen().contains("lines 1-"),
        "{}",
        app.screen()
    );
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
    // The refusal opens back in the form, the strategy kept and the reason under it; the log records it too.
    let Some(Modal::Reset(f)) = &app.state.modal else { panic!("{:?}", app.state.modal) };
    assert_eq!(f.strategy, Some(0), "earliest is still chosen");
    assert!(f.error.as_deref().is_some_and(|e| e.contains("fraud-check-1")), "{:?}", f.error);
    snap!("refused_active_group", app);
    app.key(KeyCode::Esc);
    assert!(app.state.log.lines.iter().any(|l| l.text.contains("nothing was sent: refused")));
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
    let failed: Vec<&str> =
        app.state.log.lines.iter().map(|l| l.text.as_str()).filter(|t| t.contains("FAILED")).collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].contains("server error HTTP 503") && failed[0].contains("partition=0 topic=orders"),
        "{}",
        failed[0]
    );
    // A slow job, cancelled with Esc after it started.
    app.emu.set_latency("ResetMessageOffset", Duration::from_millis(150));
    app.plan_reset(1).await;
    let before = app.emu.state().gate.calls_to("ResetMessageOffset");
    app.key(KeyCode::Char('y'));
    // Started: its first call has reached the emulator.
    while app.emu.state().gate.calls_to("ResetMessageOffset") == before {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Esc asks first; n keeps the job running, y cancels it.
    app.key(KeyCode::Esc);
    assert!(matches!(app.state.modal, Some(Modal::CancelConfirm { .. })));
    app.key(KeyCode::Char('n'));
    assert!(app.state.modal.is_none() && app.state.job.as_ref().is_some_and(|j| !j.cancelling));
    app.key(KeyCode::Esc);
    app.key(KeyCode::Char('y'));
    app.settle().await;
    let last = app.state.log.lines.back().unwrap().text.clone();

    assert!(last.contains("cancelled") && last.contains("the rest were not sent"), "{last}");
    assert!(last.contains("u restores the snapshot"), "the cancel offers the undo: {last}");
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
    assert!(app.state.log.lines.iter().any(|l| l.text.contains("ok DeleteConsumerGroupOffsets")));
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
    // u lists the instance's snapshots, newest first; Enter previews the undo of the chosen one.
    app.key(KeyCode::Char('u'));
    let listed =
        |s: &offsetdeck::tui::state::AppState| matches!(&s.modal, Some(Modal::UndoPick(p)) if p.items.is_some());
    app.settle_until(listed).await;
    snap!("undo_picker", app);
    app.key(KeyCode::Enter);
    app.settle().await;
    snap!("undo_confirm", app);
    assert!(app.screen().contains("confirm undo"));
    app.key(KeyCode::Char('y'));
    app.settle().await;
    assert_eq!(committed(&app), before, "undo restored every saved offset");
    assert!(app.state.log.lines.iter().any(|l| l.text.contains("verified, 15 partition(s) as planned")));
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
    app.settle_until(listed).await;
    let Some(Modal::UndoPick(p)) = &app.state.modal else { panic!("{:?}", app.state.modal) };
    let items = p.items.as_ref().unwrap();
    assert_eq!(items.len(), 2, "the reset's and the undo's own snapshot; the message delete is not offered: {items:?}");
    assert!(items.iter().all(|i| !i.summary.starts_with("delete messages")), "{items:?}");
    assert!(items[0].summary.starts_with("undo"), "newest first: {items:?}");
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
        assert!(first < screen.find("fraud-check").unwrap(), "laggiest first: {screen}");
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
        assert!(!app.state.screen.groups());
        let node = app.state.trees[app.state.focus].selected_node().unwrap();
        assert!(matches!(&node.kind, Kind::Group { group, .. } if &**group == "billing"), "{:?}", node.kind);
    }
}
