//! The peek from a reset's confirmation: the messages around a row's target (made inert), and a plan that skips one
//! poison message; CKafka too, and DTS says it has no message API.

use crate::common;

use common::dashboard::{App, down};
use offsetdeck::tui::state::Modal;
use ratatui::crossterm::event::KeyCode;

macro_rules! snap {
    ($name:expr, $app:expr) => {
        insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT")]}, {
            insta::assert_snapshot!($name, $app.screen());
        });
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peek_shows_the_poison_message_inert_and_s_plans_to_skip_just_it() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = App::new(w, h).await;
        app.key(KeyCode::Char(':'));
        app.typed("reset --instance orders --group billing --topic payments:0 --to-offset 1667");
        app.key(KeyCode::Enter);
        app.settle().await;
        assert!(matches!(app.state.modal, Some(Modal::Confirm(_))), "{:?}", app.state.log.lines.back());
        app.key(KeyCode::Char('p'));
        app.settle_until(|s| matches!(&s.modal, Some(Modal::Peek(v)) if v.result.is_some())).await;
        snap!(format!("peek_{w}x{h}"), app);
        let screen = app.screen();
        assert!(screen.contains("\\x1b[2J"), "the escape is shown, not obeyed:\n{screen}");
        assert!(!screen.contains('\u{1b}'));
        let Some(Modal::Peek(v)) = &app.state.modal else { panic!() };
        let p = v.result.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(p.messages.iter().map(|m| m.offset).collect::<Vec<_>>(), [1665, 1666, 1667, 1668, 1669]);
        assert_eq!(p.messages[v.cursor].offset, 1667, "the target is selected");
        app.key(KeyCode::Char('s'));
        app.settle().await;
        let Some(Modal::Confirm(c)) = &app.state.modal else { panic!("{:?}", app.state.log.lines.back()) };
        assert_eq!(c.plan.rows.len(), 1);
        assert_eq!((c.plan.rows[0].partition, c.plan.rows[0].target), (0, Some(1668)), "past the poison only");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ckafka_peeks_and_dts_says_it_cannot() {
    let mut app = App::new(80, 24).await;
    app.key(KeyCode::Char(':'));
    app.typed("reset --instance events --group etl --topic clicks:1 --to-offset 5");
    app.key(KeyCode::Enter);
    app.settle().await;
    // The profile marks the Tencent account protected: the name is typed, so the peek is Ctrl-P.
    app.apply(offsetdeck::tui::update::Msg::Key(ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char('p'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    )));
    app.settle_until(|s| matches!(&s.modal, Some(Modal::Peek(v)) if v.result.is_some())).await;
    let Some(Modal::Peek(v)) = &app.state.modal else { panic!("{:?}", app.state.modal) };
    let p = v.result.as_ref().unwrap().as_ref().expect("FetchMessageByOffset answers");
    assert!(p.messages.iter().any(|m| m.offset == 5 && m.value.as_deref().is_some_and(|v| v.contains("\"id\":5"))));
    app.key(KeyCode::Esc);
    assert!(matches!(app.state.modal, Some(Modal::Confirm(_))), "Esc goes back to the confirmation");
    app.key(KeyCode::Esc);
    let _ = down(0);
    let engine = offsetdeck::engine::peek::around(
        &common::session(app.state.profile.clone(), offsetdeck::engine::session::Via::Cli),
        "mysql-sub",
        ("account-subs-635ns8r71g-1", 0, 10),
    )
    .await;
    assert!(engine.unwrap_err().to_string().contains("DTS data subscriptions have no API"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_offsets_preview_shows_both_restart_outcomes_and_the_tree_then_says_no_committed_offset() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = App::new(w, h).await;
        app.select_group("orders", "audit");
        app.key(KeyCode::Char('x'));
        app.key(KeyCode::Enter);
        app.settle().await;
        snap!(format!("delete_offsets_preview_{w}x{h}"), app);
        let screen = app.screen();
        assert!(screen.contains("replay 100") && screen.contains("skip 4700"), "{screen}");
        assert!(screen.contains("earliest replays 100") && screen.contains("latest skips 4700"), "{screen}");
        app.typed("audit");
        app.key(KeyCode::Enter);
        app.settle().await;
        // The worker reads the group again after the job; its read arrives after the job's end.
        let read = |s: &offsetdeck::tui::state::AppState| {
            let key = offsetdeck::core::target::GroupRef::new("orders", "audit");
            matches!(s.live.groups.get(&key), Some(Ok(g)) if g.partitions.iter().all(|p| p.committed.is_none()))
        };
        app.settle_until(read).await;
        let screen = app.screen();
        assert!(screen.contains("audit  [DEAD]  no committed offset"), "{screen}");
        assert!(!screen.contains("audit  [DEAD]  lag 0"), "{screen}");
    }
}
