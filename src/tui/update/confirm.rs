//! The confirmation's keys: run, cancel, go back to edit, plan again, scroll, type the name, save the plan as a file.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

use super::Step;
use crate::engine::plan::PlanKind;
use crate::engine::worker::Command;
use crate::tui::state::{AppState, BatchConfirm, Confirm, Job, Level, Modal};

/// What a key that would run a dry run's plan says instead.
const VIEW_ONLY: &str = "a dry run: nothing is sent from here; give the line again without --dry-run to run it";

pub(super) fn confirm_key(s: &mut AppState, mut c: Confirm, key: KeyEvent) -> Step {
    if c.view_only {
        return view_key(s, Modal::Confirm(c), key);
    }
    let asks_name = c.type_name().is_some();
    // What was not drawn cannot be agreed to: the same layout as the frame says whether the summary, the totals,
    // the prompt and what was typed are on screen.
    let fit = crate::tui::confirm_view::fit(&c, s.size, &crate::tui::view::Theme::of(s));
    // A stale preview no longer says what would happen: it is planned again before it can run.
    let visible = fit.drawn() && c.stale.is_none() && !c.plan.calls.is_empty();
    let confirmed = visible && c.plan.confirmation.accepts(c.typed.value());
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match (asks_name, key.code) {
        (_, KeyCode::Esc) | (false, KeyCode::Char('n')) => {
            s.asked = None;
            return Step::redraw();
        }
        // Back to the form (or the `:` line) with every value kept; `b` types itself where a name is asked.
        (true, KeyCode::Char('b')) if ctrl => return back(s, Modal::Confirm(c)),
        (false, KeyCode::Char('b')) if c.back => return back(s, Modal::Confirm(c)),
        (_, KeyCode::Char('r')) if ctrl => return replan(s),
        // The messages at the first shown row's target: Huawei and CKafka resets.
        (true, KeyCode::Char('p')) if ctrl && c.plan.kind == PlanKind::Reset => return crate::tui::peek::open(s, c),
        (false, KeyCode::Char('p')) if c.plan.kind == PlanKind::Reset => return crate::tui::peek::open(s, c),
        (false, KeyCode::Char('r')) => return replan(s),
        // Saved for later review and `offsetdeck apply` (the worker says where); the confirmation stays open.
        (_, KeyCode::Char('s')) if key.modifiers.contains(KeyModifiers::CONTROL) => {
            s.push_log(String::new(), Level::Info, "saving the plan to a file…".into());
            let plan = c.plan.clone();
            s.modal = Some(Modal::Confirm(c));
            return Step::send(Command::SavePlan { plan: *plan });
        }
        (_, code) if scroll(&mut c.scroll, code, &fit) => {}
        (false, KeyCode::Enter | KeyCode::Char('y')) if visible => return run(s, c),
        (true, KeyCode::Enter) if confirmed => return run(s, c),
        (true, _) => {
            c.typed.handle_event(&Event::Key(key));
        }
        _ => {}
    }
    s.modal = Some(Modal::Confirm(c));
    Step::redraw()
}

/// `b`: where the plan was asked from, as it was; the confirmation stays when there is nowhere to go back to.
fn back(s: &mut AppState, open: Modal) -> Step {
    if super::go_back(s, None) {
        return Step::redraw();
    }
    s.modal = Some(open);
    super::status(s, "nothing to go back to: this plan was not asked for from a form or the : line")
}

/// Plans the same request again from the live state.
fn replan(s: &mut AppState) -> Step {
    let (modal, effects) = super::ask(s);
    s.modal = modal;
    Step { redraw: true, effects }
}

fn run(s: &mut AppState, c: Confirm) -> Step {
    let asked = s.asked.take();
    let job = s.take_id();
    let total = c.plan.calls.len();
    let label = format!("{}/{}", c.plan.target.account, c.plan.target.instance);
    s.job = Some(Job { id: job, label, done: 0, total, failed: 0, cancelling: false, asked });
    s.push_log(String::new(), Level::Info, format!("job {job} started: {} ({total} call(s))", c.plan.summary));
    Step::send(Command::Run { job, plan: *c.plan })
}

/// The keys of a confirmation of several groups: type their count and Enter runs them as one job; Ctrl-S exports
/// their targets as one CSV; Esc cancels.
/// A dry run's plan: Esc closes it, the arrows scroll it, the peek opens; nothing runs it.
fn view_key(s: &mut AppState, mut open: Modal, key: KeyEvent) -> Step {
    let th = crate::tui::view::Theme::of(s);
    let (fit, mut at) = match &open {
        Modal::Confirm(c) => (crate::tui::confirm_view::fit(c, s.size, &th), c.scroll),
        Modal::ConfirmBatch(c) => (crate::tui::batch_view::fit(c, s.size, &th), c.scroll),
        _ => return Step::redraw(),
    };
    if scroll(&mut at, key.code, &fit) {
        match &mut open {
            Modal::Confirm(c) => c.scroll = at,
            Modal::ConfirmBatch(c) => c.scroll = at,
            _ => {}
        }
        s.modal = Some(open);
        return Step::redraw();
    }
    match key.code {
        KeyCode::Esc | KeyCode::Char('q' | 'n') => {
            s.asked = None;
            return Step::redraw();
        }
        KeyCode::Char('p') if matches!(&open, Modal::Confirm(c) if c.plan.kind == PlanKind::Reset) => {
            if let Modal::Confirm(c) = open {
                return crate::tui::peek::open(s, c);
            }
        }
        KeyCode::Enter | KeyCode::Char('y') => {
            s.modal = Some(open);
            return super::status(s, VIEW_ONLY);
        }
        _ => {}
    }
    s.modal = Some(open);
    Step::redraw()
}

pub(super) fn batch_key(s: &mut AppState, mut c: BatchConfirm, key: KeyEvent) -> Step {
    if c.view_only {
        return view_key(s, Modal::ConfirmBatch(c), key);
    }
    let fit = crate::tui::batch_view::fit(&c, s.size, &crate::tui::view::Theme::of(s));
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => {
            s.asked = None;
            return Step::redraw();
        }
        KeyCode::Char('b') if ctrl => return back(s, Modal::ConfirmBatch(c)),
        KeyCode::Char('r') if ctrl => return replan(s),
        KeyCode::Char('s') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            s.push_log(String::new(), Level::Info, "exporting the targets as CSV…".into());
            let batch = c.batch.clone();
            s.modal = Some(Modal::ConfirmBatch(c));
            return Step::send(Command::ExportBatch { batch });
        }
        code if scroll(&mut c.scroll, code, &fit) => {}
        // Only a confirmation whose totals and prompt were drawn, by the layout the frame used.
        KeyCode::Enter if c.batch.confirmation.accepts(c.typed.value()) && fit.drawn() => {
            let job = s.take_id();
            let total = c.batch.plans.iter().map(|p| p.calls.len()).sum();
            let n = c.batch.plans.len();
            let instance = c.batch.plans.first().map(|p| p.target.instance.clone()).unwrap_or_default();
            s.job = Some(Job {
                id: job,
                label: format!("{n} groups on {instance}"),
                done: 0,
                total,
                failed: 0,
                cancelling: false,
                asked: None,
            });
            s.push_log(
                String::new(),
                Level::Info,
                format!("job {job} started: reset {n} group(s) on {instance} ({total} call(s))"),
            );
            s.marked.clear();
            s.asked = None;
            return Step::send(Command::RunBatch { job, batch: c.batch });
        }
        _ => {
            c.typed.handle_event(&Event::Key(key));
        }
    }
    s.modal = Some(Modal::ConfirmBatch(c));
    Step::redraw()
}

/// ↑↓ by a line, PgUp PgDn by what the frame showed, Home End to either end: whether the key scrolled.
fn scroll(at: &mut usize, code: KeyCode, fit: &crate::tui::sheet::Fit) -> bool {
    let last = fit.body_rows().saturating_sub(1);
    // The layout clamps a scroll past the last full page; start from where it is drawn.
    let now = match fit {
        crate::tui::sheet::Fit::Drawn(d) => d.shown.start,
        crate::tui::sheet::Fit::TooSmall { .. } => *at,
    };
    *at = match code {
        KeyCode::Down => (now + 1).min(last),
        KeyCode::Up => now.saturating_sub(1),
        KeyCode::PageDown => (now + fit.page()).min(last),
        KeyCode::PageUp => now.saturating_sub(fit.page()),
        KeyCode::Home => 0,
        KeyCode::End => last,
        _ => return false,
    };
    true
}
