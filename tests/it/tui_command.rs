//! The dashboard's command line, the wizard's way back, and a preview gone stale: whole-app snapshots at 80x24 and
//! 160x48 against the emulator.

use crate::common;

use common::dashboard::{App, down};
use offsetdeck::tui::state::Modal;
use offsetdeck::tui::update::Msg;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

macro_rules! snap {
    ($name:expr, $app:expr) => {
        insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT")]}, {
            insta::assert_snapshot!($name, $app.screen());
        });
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_completes_plans_in_the_selected_instance_and_keeps_an_error_under_the_line() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = App::new(w, h).await;
        app.keys(&down(2));
        app.key(KeyCode::Char(':'));
        app.typed("reset --group ");
        app.key(KeyCode::Tab);
        snap!(format!("command_line_group_candidates_{w}x{h}"), app);
        let line = app.state.command_line().unwrap();
        assert_eq!(line.candidates, ["billing", "fraud-check", "audit", "reporting"]);
        app.typed("bil");
        app.key(KeyCode::Tab);
        assert_eq!(app.state.command_line().unwrap().input.value(), "reset --group billing ");
        app.typed("--topic payments --to-offset x");
        app.key(KeyCode::Enter);
        snap!(format!("command_line_error_{w}x{h}"), app);
        let line = app.state.command_line().expect("the line stays open to fix");
        assert!(line.error.as_deref().is_some_and(|e| e.contains("--to-offset")), "{:?}", line.error);
        // Fixed in place: the confirmation the form would open, for the selected instance.
        for _ in 0.."x".len() {
            app.key(KeyCode::Backspace);
        }
        app.typed("40");
        app.key(KeyCode::Enter);
        app.settle().await;
        let Some(Modal::Confirm(c)) = &app.state.modal else { panic!("{:?}", app.state.log.lines.back()) };
        assert_eq!((c.plan.target.instance.as_str(), c.plan.group.as_deref()), ("orders", Some("billing")));
        assert!(c.plan.rows.iter().all(|r| r.target == Some(40)));
        assert_eq!(app.remembered.len(), 2, "both lines go to the history");
        // ↑ recalls the last line.
        app.key(KeyCode::Esc);
        app.key(KeyCode::Char(':'));
        app.key(KeyCode::Up);
        assert!(app.state.command_line().unwrap().input.value().ends_with("--to-offset 40"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn back_from_the_confirmation_keeps_every_value_and_a_moved_group_makes_the_preview_stale() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = App::new(w, h).await;
        app.keys(&down(3));
        app.key(KeyCode::Char('r'));
        app.keys(&[KeyCode::Right, KeyCode::Right, KeyCode::Right, KeyCode::Tab]);
        app.typed("1200");
        app.key(KeyCode::Enter);
        app.settle().await;
        assert!(matches!(app.state.modal, Some(Modal::Confirm(_))));
        app.key(KeyCode::Char('b'));
        snap!(format!("wizard_back_{w}x{h}"), app);
        let Some(Modal::Reset(f)) = &app.state.modal else { panic!("{:?}", app.state.modal) };
        assert_eq!((f.strategy, f.value.value()), (Some(2), "1200"), "the strategy and value are kept");
        app.key(KeyCode::Enter);
        app.settle().await;
        // The group moves in the cloud while the confirmation is open; the next read marks the preview stale.
        app.emu.state().world.huawei[0].instances[0].groups[0].committed.values_mut().for_each(|c| *c -= 5);
        // The timer's refresh (the confirmation keeps its keys; R would be typed where a name is asked).
        app.apply(Msg::RefreshTick);
        app.settle().await;
        snap!(format!("stale_preview_{w}x{h}"), app);
        let Some(Modal::Confirm(c)) = &app.state.modal else { panic!("{:?}", app.state.modal) };
        assert!(c.stale.as_deref().is_some_and(|m| m.contains("committed")), "{:?}", c.stale);
        app.key(KeyCode::Char('y'));
        assert!(app.state.job.is_none(), "a stale preview does not run");
        app.apply(Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)));
        app.settle().await;
        let Some(Modal::Confirm(c)) = &app.state.modal else { panic!("{:?}", app.state.modal) };
        assert!(c.stale.is_none(), "planned again from the live state");
        let row = &c.plan.rows[0];
        let now = app.emu.state().world.huawei[0].instances[0].groups[0].committed[&(row.topic.clone(), row.partition)];
        assert_eq!(row.current, Some(now));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filter_takes_state_words_and_lands_on_the_first_match_and_the_help_scrolls_at_both_sizes() {
    use offsetdeck::tui::tree::Kind;
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = App::new(w, h).await;
        app.key(KeyCode::Char('/'));
        app.typed("active");
        let t = &app.state.trees[0];
        let shown: Vec<&str> = t
            .visible
            .iter()
            .filter(|i| matches!(t.nodes[**i].kind, Kind::Group { .. }))
            .map(|i| &*t.nodes[*i].name)
            .collect();
        assert_eq!(shown, ["fraud-check"], "by its state word");
        assert_eq!(t.selected_node().map(|n| &*n.name), Some("fraud-check"), "the selection is on the match");
        app.key(KeyCode::Esc);
        app.key(KeyCode::End);
        assert_eq!(app.state.trees[0].cursor(), app.state.trees[0].visible.len() - 1, "G/End to the last row");
        app.key(KeyCode::Home);
        assert_eq!(app.state.trees[0].cursor(), 0);
        app.key(KeyCode::Char('?'));
        app.key(KeyCode::PageDown);
        snap!(format!("help_scrolled_{w}x{h}"), app);
    }
}

/// `--from-file` on the line is read by the engine on the worker: Enter on a FIFO nobody writes returns at once (a
/// read in `update` would block the dashboard for good), and the worker's refusal names the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_named_on_the_line_is_read_on_the_worker_never_while_drawing() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("offsets.csv");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let mut app = App::new(80, 24).await;
    app.keys(&down(2));
    app.key(KeyCode::Char(':'));
    app.typed(&format!("reset --group billing --topic payments --from-file {}", fifo.display()));
    let start = std::time::Instant::now();
    app.key(KeyCode::Enter);
    assert!(start.elapsed() < std::time::Duration::from_secs(1), "Enter returned at once");
    app.settle().await;
    let said: Vec<String> = app.state.log.lines.iter().map(|l| l.text.clone()).collect();
    assert!(said.iter().any(|l| l.contains("offsets.csv is a FIFO (a pipe), not a regular file")), "{said:?}");
    // A regular file is planned from its lines, BOM and all.
    let csv = dir.path().join("ok.csv");
    std::fs::write(&csv, "\u{feff}payments,0,3\npayments,1,4\n").unwrap();
    let line = app.state.command_line().map(|l| l.input.value().to_owned());
    assert!(line.is_some_and(|l| l.ends_with("offsets.csv")), "the line is back to fix");
    app.key(KeyCode::Esc);
    app.key(KeyCode::Char(':'));
    app.typed(&format!("reset --group billing --topic payments --from-file {}", csv.display()));
    app.key(KeyCode::Enter);
    app.settle().await;
    let Some(Modal::Confirm(c)) = &app.state.modal else { panic!("{:?}", app.state.log.lines.back()) };
    let targets: Vec<_> = c.plan.rows.iter().filter_map(|r| r.target.map(|t| (r.partition, t))).collect();
    assert!(targets.contains(&(0, 3)) && targets.contains(&(1, 4)), "{targets:?}");
}

/// `--dry-run` on the line shows the plan and nothing can run it; `--yes` and `--confirm` are refused on every verb.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_line_honours_dry_run_as_a_plan_to_read_and_refuses_yes_everywhere() {
    let mut app = App::new(80, 24).await;
    app.keys(&down(2));
    app.key(KeyCode::Char(':'));
    app.typed("reset --group billing --topic payments --to-earliest --dry-run");
    app.key(KeyCode::Enter);
    app.settle().await;
    let Some(Modal::Confirm(c)) = &app.state.modal else { panic!("{:?}", app.state.log.lines.back()) };
    assert!(c.view_only);
    assert!(app.screen().contains("DRY RUN: nothing will be sent from here"), "{}", app.screen());
    app.key(KeyCode::Char('y'));
    app.key(KeyCode::Enter);
    app.settle().await;
    assert!(app.state.job.is_none(), "nothing ran");
    assert!(matches!(app.state.modal, Some(Modal::Confirm(_))), "the plan stays to read");
    app.key(KeyCode::Esc);
    for line in [
        "apply /tmp/plan.json --yes",
        "reset --group billing --topic payments --to-earliest --yes",
        "reset --group billing --topic payments --to-earliest --confirm billing",
        "undo --yes",
        "delete-offsets --group billing --topic payments --yes",
    ] {
        app.key(KeyCode::Char(':'));
        app.typed(line);
        app.key(KeyCode::Enter);
        let error = app.state.command_line().and_then(|l| l.error.clone()).unwrap_or_default();
        assert!(error.contains("is for the shell; here every write shows its plan and asks"), "{line}: {error}");
        assert!(matches!(app.state.modal, Some(Modal::Command(_))), "{line}: nothing planned, the line stays open");
        app.key(KeyCode::Esc);
    }
}
