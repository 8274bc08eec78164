//! The confirmation's keys: run, cancel, scroll, type the name, save the plan as a file.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

use super::Step;
use crate::engine::worker::Command;
use crate::tui::state::{AppState, Confirm, Job, Level, Modal};

pub(super) fn confirm_key(s: &mut AppState, mut c: Confirm, key: KeyEvent) -> Step {
    let asks_name = c.type_name().is_some();
    // What cannot be seen cannot be agreed to: too small a screen accepts nothing but Esc.
    let visible = c.too_small(s.size).is_none();
    let confirmed = visible && c.plan.confirmation.accepts(c.typed.value());
    match (asks_name, key.code) {
        (_, KeyCode::Esc) => return Step::redraw(),
        // Saved for later review and `offsetdeck apply` (the worker says where); the confirmation stays open.
        (_, KeyCode::Char('s')) if key.modifiers.contains(KeyModifiers::CONTROL) => {
            s.push_log(String::new(), Level::Info, "saving the plan to a file…".into());
            let plan = c.plan.clone();
            s.modal = Some(Modal::Confirm(c));
            return Step::send(Command::SavePlan { plan });
        }
        (_, KeyCode::Down | KeyCode::PageDown) => c.scroll = (c.scroll + 1).min(c.plan.rows.len().saturating_sub(1)),
        (_, KeyCode::Up | KeyCode::PageUp) => c.scroll = c.scroll.saturating_sub(1),
        (false, KeyCode::Enter | KeyCode::Char('y')) if visible => return run(s, c),
        (false, KeyCode::Char('n')) => return Step::redraw(),
        (true, KeyCode::Enter) if confirmed => return run(s, c),
        (true, _) => {
            c.typed.handle_event(&Event::Key(key));
        }
        _ => {}
    }
    s.modal = Some(Modal::Confirm(c));
    Step::redraw()
}

fn run(s: &mut AppState, c: Confirm) -> Step {
    let job = s.take_id();
    let total = c.plan.calls.len();
    let label = format!("{}/{}", c.plan.target.account, c.plan.target.instance);
    s.job = Some(Job { id: job, label, done: 0, total, failed: 0, cancelling: false });
    s.push_log(String::new(), Level::Info, format!("job {job} started: {} ({total} call(s))", c.plan.summary));
    Step::send(Command::Run { job, plan: c.plan })
}
