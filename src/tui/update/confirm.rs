//! The confirmation's keys: run, cancel, go back to edit, plan again, scroll, type the name, save the plan as a file.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::Step;
use crate::engine::plan::PlanKind;
use crate::engine::worker::Command;
use crate::tui::modes::{Mode, Verb, verb};
use crate::tui::state::{AppState, BatchConfirm, Confirm, Job, Level, Modal};

/// What a key that would run a dry run's plan says instead.
const VIEW_ONLY: &str = "a dry run: nothing is sent from here; give the line again without --dry-run to run it";

pub(super) fn confirm_key(s: &mut AppState, mut c: Confirm, key: KeyEvent) -> Step {
    if c.view_only {
        return view_key(s, Modal::Confirm(c), key);
    }
    let mode = crate::tui::modes::of_confirm(&c);
    // What was not drawn cannot be agreed to: the same layout as the frame says whether the summary, the totals,
    // the prompt and what was typed are on screen.
    let fit = crate::tui::confirm_view::fit(&c, s.size, &crate::tui::view::Theme::of(s));
    // A stale preview no longer says what would happen: it is planned again before it can run.
    let visible = fit.drawn() && c.stale.is_none() && !c.plan.calls.is_empty();
    let confirmed = visible && c.plan.confirmation.accepts(c.typed.value());
    match verb(mode, key) {
        Some(Verb::Cancel) => {
            s.asked = None;
            return Step::redraw();
        }
        // Back to the form (or the `:` line) with every value kept.
        Some(Verb::Edit) if c.back => return back(s, Modal::Confirm(c)),
        Some(Verb::Replan) => return replan(s),
        // The messages at the › row's target: Huawei and CKafka resets.
        Some(Verb::Peek) if c.plan.kind == PlanKind::Reset => return crate::tui::peek::open(s, c),
        // Saved for later review and `offsetdeck apply` (the worker says where); the confirmation stays open.
        Some(Verb::Save) => {
            s.push_log(String::new(), Level::Info, "saving the plan to a file…".into());
            let plan = c.plan.clone();
            s.modal = Some(Modal::Confirm(c));
            return Step::send(Command::SavePlan { plan: *plan });
        }
        Some(v) if scroll(&mut c.scroll, v, &fit) => {}
        Some(Verb::Run) if mode == Mode::Confirm && visible => return run(s, c),
        Some(Verb::Run) if mode == Mode::TypedConfirm && confirmed => return run(s, c),
        // Where a name is asked, every other key types: into a prompt that is drawn, never behind "too small".
        None if mode == Mode::TypedConfirm && fit.drawn() => {
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
    let v = verb(Mode::DryRun, key);
    if v.is_some_and(|v| scroll(&mut at, v, &fit)) {
        match &mut open {
            Modal::Confirm(c) => c.scroll = at,
            Modal::ConfirmBatch(c) => c.scroll = at,
            _ => {}
        }
        s.modal = Some(open);
        return Step::redraw();
    }
    match v {
        Some(Verb::Cancel) => {
            s.asked = None;
            return Step::redraw();
        }
        Some(Verb::Peek) if matches!(&open, Modal::Confirm(c) if c.plan.kind == PlanKind::Reset) => {
            if let Modal::Confirm(c) = open {
                return crate::tui::peek::open(s, c);
            }
        }
        _ if matches!(key.code, KeyCode::Enter | KeyCode::Char('y')) => {
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
    match verb(Mode::BatchConfirm, key) {
        Some(Verb::Cancel) => {
            s.asked = None;
            return Step::redraw();
        }
        Some(Verb::Edit) => return back(s, Modal::ConfirmBatch(c)),
        Some(Verb::Replan) => return replan(s),
        Some(Verb::Save) => {
            s.push_log(String::new(), Level::Info, "exporting the targets as CSV…".into());
            let batch = c.batch.clone();
            s.modal = Some(Modal::ConfirmBatch(c));
            return Step::send(Command::ExportBatch { batch });
        }
        Some(v) if scroll(&mut c.scroll, v, &fit) => {}
        // Only a confirmation whose totals and prompt were drawn, by the layout the frame used.
        Some(Verb::Run) if c.batch.confirmation.accepts(c.typed.value()) && fit.drawn() => {
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
        None if fit.drawn() => {
            c.typed.handle_event(&Event::Key(key));
        }
        _ => {}
    }
    s.modal = Some(Modal::ConfirmBatch(c));
    Step::redraw()
}

/// ↑↓ by a line, PgUp PgDn by what the frame showed, Home End to either end: whether the verb scrolled.
fn scroll(at: &mut usize, v: Verb, fit: &crate::tui::sheet::Fit) -> bool {
    let last = fit.body_rows().saturating_sub(1);
    // The layout clamps a scroll past the last full page; start from where it is drawn.
    let now = match fit {
        crate::tui::sheet::Fit::Drawn(d) => d.shown.start,
        crate::tui::sheet::Fit::TooSmall { .. } => *at,
    };
    *at = match v {
        Verb::Down => (now + 1).min(last),
        Verb::Up => now.saturating_sub(1),
        Verb::PageDown => (now + fit.page()).min(last),
        Verb::PageUp => now.saturating_sub(fit.page()),
        Verb::First => 0,
        Verb::Last => last,
        _ => return false,
    };
    true
}
