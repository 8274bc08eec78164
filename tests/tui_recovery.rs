//! After the fact: a job the journal shows interrupted is shown at start with its undo, its group marked in the
//! tree; the log zooms to the whole screen and is searched. Snapshots at 80x24 and 160x48.

mod common;

use common::dashboard::{App, down};
use offsetdeck::tui::state::Modal;
use ratatui::crossterm::event::KeyCode;

macro_rules! snap {
    ($name:expr, $app:expr) => {
        insta::with_settings!({filters => vec![
            (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
            (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[request-id]"),
            (r"job \d{10,}-[0-9a-f]+", "job [id]"),
            (r"snapshot /\S+", "snapshot [path]"),
            (r"/tmp/offsetdeck-test-\S+", "[tmp path]"),
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
        let Some(Modal::Confirm(c)) = &app.state.modal else { panic!("{:?}", app.state.log.back()) };
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
        assert!(app.state.log.back().unwrap().text.contains("copied to the clipboard (OSC 52): billing"));
        app.key(KeyCode::Char('L'));
        assert!(app.state.log_zoom);
        // In the zoomed log, c copies the line's snapshot path.
        app.key(KeyCode::Char('/'));
        app.typed("snapshot");
        app.key(KeyCode::Enter);
        app.key(KeyCode::Char('c'));
        let path = app.copied.last().unwrap().clone();
        assert!(path.ends_with(".json") && std::path::Path::new(&path).is_file(), "{path}");
        app.key(KeyCode::Char('/'));
        app.typed("started");
        app.key(KeyCode::Enter);
        snap!(format!("zoomed_log_{w}x{h}"), app);
        let screen = app.screen();
        assert!(screen.contains("times in Asia/Shanghai") && screen.contains("» job 2 started"), "{screen}");
        let hit = app.state.log_hit.expect("on a match");
        assert!(app.state.log[hit].text.starts_with("job 2 started"));
        app.key(KeyCode::Up);
        let before = app.state.log_scroll;
        app.key(KeyCode::Up);
        assert_eq!(app.state.log_scroll, before + 1, "one line");
        app.key(KeyCode::Char('/'));
        app.typed("zzz-nothing");
        app.key(KeyCode::Enter);
        assert!(app.screen().contains("no older line matches"), "{}", app.screen());
        app.key(KeyCode::Esc);
        assert!(!app.state.log_zoom);
    }
}
