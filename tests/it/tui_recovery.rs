//! After the fact: a job the journal shows interrupted is shown at start with its undo, its group marked in the
//! tree; the log zooms to the whole screen and is searched. Snapshots at 80x24 and 160x48.

use crate::common;

use common::dashboard::{App, down};
use offsetdeck::tui::state::Modal;
use ratatui::crossterm::event::KeyCode;

macro_rules! snap {
    ($name:expr, $app:expr) => {
        insta::with_settings!({filters => vec![
            (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
            (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[request-id]"),
            (r"job \d{10,}-[0-9a-f]+", "job [id]"),
            // The snapshot's path varies in length, so where it wraps does too: the lines it takes are one token.
            (r"(?s)snapshot[ │\n]*/tmp/offsetdeck-test-.*?\.json[^\n]*\n", "snapshot [path]\n"),
        ]}, {
            insta::assert_snapshot!($name, $app.screen());
        });
    };
}

/// The dashboard with billing reset to earliest through the form, the job done.
async fn after_a_reset(w: u16, h: u16) -> App {
    let mut app = App::new(w, h).await;
    app.keys(&down(3));
    app.plan_reset(1).await;
    app.key(KeyCode::Char('y'));
    app.settle().await;
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_job_is_shown_at_start_marked_in_the_tree_and_undone_from_its_snapshot() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = after_a_reset(w, h).await;
        // The job's closing record is lost, as a kill between the calls and the close would leave it.
        let path = app.state.profile.settings.audit_log.clone().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let cut: String =
            text.lines().filter(|l| !l.contains("\"event\":\"write\"")).map(|l| format!("{l}\n")).collect();
        let found = offsetdeck::engine::audit::interrupted(&cut);
        assert_eq!(found.len(), 1);
        app.state.interrupted = found.iter().map(offsetdeck::tui::interrupted::Interrupted::of).collect();
        app.state.modal = Some(Modal::Interrupted(Default::default()));
        snap!(format!("interrupted_banner_{w}x{h}"), app);
        let screen = app.screen();
        assert!(screen.contains("1 interrupted job(s)") && screen.contains("billing on orders: 15 of 15"), "{screen}");
        app.key(KeyCode::Esc);
        assert!(app.screen().contains("billing  [EMPTY]  lag") && app.screen().contains("INTERRUPTED job"));
        app.state.modal = Some(Modal::Interrupted(Default::default()));
        app.key(KeyCode::Char('u'));
        app.settle().await;
        let Some(Modal::Confirm(c)) = &app.state.modal else { panic!("{:?}", app.state.log.lines.back()) };
        assert!(c.plan.summary.contains("billing"), "{}", c.plan.summary);
        app.key(KeyCode::Esc);
        // d dismisses: the mark goes.
        app.state.modal = Some(Modal::Interrupted(Default::default()));
        app.key(KeyCode::Char('d'));
        assert!(app.state.interrupted.is_empty() && !app.screen().contains("INTERRUPTED job"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_zooms_scrolls_by_line_and_finds() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = after_a_reset(w, h).await;
        // c copies the selection's full name (OSC 52, and the log shows it to select by hand).
        app.key(KeyCode::Char('c'));
        assert_eq!(app.copied.last().map(String::as_str), Some("billing"));
        assert!(app.state.log.lines.back().unwrap().text.contains("copied to the clipboard (OSC 52): billing"));
        app.key(KeyCode::Char('L'));
        assert!(app.state.screen.log());
        // (The snapshot shows the lines from the match down: the snapshot path, whose length varies, stays above.)
        app.key(KeyCode::Char('/'));
        app.typed("verified");
        app.key(KeyCode::Enter);
        snap!(format!("zoomed_log_{w}x{h}"), app);
        let screen = app.screen();
        assert!(screen.contains("times in Asia/Shanghai") && screen.contains("» job 2: verified"), "{screen}");
        let hit = app.state.log.hit.expect("on a match");
        assert!(app.state.log.lines[hit].text.starts_with("job 2: verified"));
        app.key(KeyCode::Up);
        let before = app.state.log.scroll;
        app.key(KeyCode::Up);
        assert_eq!(app.state.log.scroll, before + 1, "one line");
        // In the zoomed log, c copies the line's snapshot path.
        app.key(KeyCode::Char('/'));
        app.typed("snapshot");
        app.key(KeyCode::Enter);
        app.key(KeyCode::Char('c'));
        let path = app.copied.last().unwrap().clone();
        assert!(path.ends_with(".json") && std::path::Path::new(&path).is_file(), "{path}");
        app.key(KeyCode::Char('/'));
        app.typed("zzz-nothing");
        app.key(KeyCode::Enter);
        assert!(app.screen().contains("no older line matches"), "{}", app.screen());
        app.key(KeyCode::Esc);
        assert!(!app.state.screen.log());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_new_screen_renders_at_any_size_without_panicking() {
    let mut app = after_a_reset(80, 24).await;
    app.key(KeyCode::Char(':'));
    app.typed("reset --group billing --topic payments:0 --to-offset 1667");
    app.key(KeyCode::Enter);
    app.settle().await;
    let confirm = app.state.modal.clone();
    app.key(KeyCode::Char('p'));
    app.settle_until(|s| matches!(&s.modal, Some(Modal::Peek(v)) if v.result.is_some())).await;
    let peek = app.state.modal.clone();
    app.state.modal = None;
    app.state.marked.insert(offsetdeck::core::target::GroupRef::new("orders", "billing"));
    app.state.marked.insert(offsetdeck::core::target::GroupRef::new("orders", "audit"));
    app.key(KeyCode::Char('r'));
    let form = app.state.modal.clone();
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.settle().await;
    let batch = app.state.modal.clone();
    assert!(matches!(batch, Some(Modal::ConfirmBatch(_))), "{:?}", app.state.log.lines.back());
    let screens = [
        confirm,
        peek,
        form,
        batch,
        Some(Modal::Help(3)),
        Some(Modal::Interrupted(Default::default())),
        Some(Modal::CancelConfirm { job: 1 }),
        None,
    ];
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 12), (79, 23), (80, 24), (160, 48), (250, 70)] {
        app.apply(offsetdeck::tui::update::Msg::Resize(w, h));
        for m in &screens {
            app.state.modal = m.clone();
            assert_eq!(app.screen().lines().count(), h as usize, "{w}x{h}");
        }
        app.state.modal = None;
        app.state.screen = offsetdeck::tui::state::Screen::Log(app.state.screen.base());
        let _ = app.screen();
        app.state.screen = offsetdeck::tui::state::Screen::Panes(app.state.screen.base());
        app.key(KeyCode::Char(':'));
        app.typed("reset --gr");
        app.key(KeyCode::Tab);
        let _ = app.screen();
        app.key(KeyCode::Esc);
    }
}
