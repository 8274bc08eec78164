//! `update(state, msg) -> effects`: every change to the dashboard happens here, and nothing else happens here.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::keymap::Action;
use super::layout::{log_rows, tree_rows};
use super::state::{AppState, Asked, Asking, Level, Modal, Origin};
use super::tree::Kind;
use crate::core::target::TargetKind;
use crate::engine::order::Order;
use crate::engine::plan::PlanKind;
use crate::engine::safety;
use crate::engine::worker::{Command, EngineEvent};

/// What happened.
#[derive(Debug)]
pub enum Msg {
    /// A key.
    Key(KeyEvent),
    /// The terminal was resized.
    Resize(u16, u16),
    /// An engine event; `at` is its time as shown in the log.
    Engine { at: String, event: Box<EngineEvent> },
    /// The live-refresh timer fired.
    RefreshTick,
    /// The wall clock, once a second (ms since the epoch): the header says how old the data is.
    Clock(i64),
    /// No key for [`REST`] after the last one: the cursor rests where it is.
    Rested,
}

/// How long the cursor must rest on a row before it is read: held keys and quick runs read nothing on the way.
pub const REST: std::time::Duration = std::time::Duration::from_millis(150);

/// What update asks the outside world to do.
// An effect is moved once from `update` to the loop, never stored: boxing the command would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Effect {
    /// Send a command to the engine.
    Send(Command),
    /// Keep a `:` line in the history file.
    Remember(String),
    /// Put text on the terminal's clipboard (OSC 52).
    Copy(String),
}

/// The result of one update.
#[derive(Debug, Default)]
pub struct Step {
    /// Whether the screen must be redrawn.
    pub redraw: bool,
    /// Effects to perform.
    pub effects: Vec<Effect>,
}

impl Step {
    pub(super) fn redraw() -> Self {
        Self { redraw: true, effects: Vec::new() }
    }
    pub(super) fn send(cmd: Command) -> Self {
        Self { redraw: true, effects: vec![Effect::Send(cmd)] }
    }
}

/// Applies a message.
pub fn update(s: &mut AppState, msg: Msg) -> Step {
    update_all(s, std::iter::once(msg))
}

/// Applies messages that arrived together (a burst of engine events), then brings the groups view's rows up to
/// date once, so a burst costs one re-order, not one per event, and the next frame shows what keys act on.
pub fn update_all(s: &mut AppState, msgs: impl IntoIterator<Item = Msg>) -> Step {
    let mut step = Step::default();
    let mut msgs_had_key = false;
    for msg in msgs {
        msgs_had_key |= matches!(msg, Msg::Key(_));
        let one = apply(s, msg);
        step.redraw |= one.redraw;
        step.effects.extend(one.effects);
    }
    super::groups_view::settle(s);
    // A key moves the cursor; only where it rests is read (the loop says so with `Rested`), and engine events
    // (a refresh's end) read the row it rests on again.
    if let Some(cmd) = (!msgs_had_key).then(|| prefetch(s)).flatten() {
        step.redraw = true;
        step.effects.push(Effect::Send(cmd));
    }
    step
}

/// The read of the group under the cursor, when it is one only the cloud lists and its detail has not been asked
/// for since the last refresh: listings give every group's state and lag; partitions are read for what is looked at.
fn prefetch(s: &mut AppState) -> Option<Command> {
    let key = match &s.trees[s.focus].selected_node()?.kind {
        Kind::Group { instance, group }
        | Kind::GroupTopic { instance, group, .. }
        | Kind::GroupPartition { instance, group, .. } => {
            crate::core::target::GroupRef::new(instance.to_string(), group.to_string())
        }
        _ => return None,
    };
    if !s.live.discovered.contains(&key) || s.live.detail_asked.contains(&key) {
        return None;
    }
    s.live.detail_asked.insert(key.clone());
    Some(Command::Describe { group: key })
}

fn apply(s: &mut AppState, msg: Msg) -> Step {
    match msg {
        Msg::Resize(w, h) => {
            s.size = (w, h);
            let rows = tree_rows(w, h);
            s.trees.iter_mut().for_each(|t| t.scroll_into_view(rows));
            Step::redraw()
        }
        Msg::RefreshTick if !s.refreshing => {
            s.refreshing = true;
            Step::send(Command::Refresh { asked: false })
        }
        Msg::RefreshTick => Step::default(),
        // Nothing to apply: `update_all` reads the row the cursor rests on.
        Msg::Rested => Step::default(),
        Msg::Clock(ms) => {
            let before = s.read_age();
            s.now_ms = ms;
            // Only a change in what the header says is drawn: idle stays idle between the words changing.
            if s.read_age() != before { Step::redraw() } else { Step::default() }
        }
        Msg::Engine { at, event } => super::engine_events::apply(s, at, *event),
        // Terminals send Alt-x as ESC followed by x, so a fast "Esc, then x" arrives as Alt-x. Nothing is bound to
        // Alt, so it is read as the two keys the user typed.
        Msg::Key(key) if key.modifiers.contains(KeyModifiers::ALT) => {
            let first = key_event(s, KeyEvent::from(KeyCode::Esc));
            let mut second = key_event(s, KeyEvent::new(key.code, key.modifiers - KeyModifiers::ALT));
            second.redraw |= first.redraw;
            second.effects.splice(0..0, first.effects);
            second
        }
        Msg::Key(key) => key_event(s, key),
    }
}

/// The focused tree's groups whose state word (EMPTY, ACTIVE, …, NOT FOUND) contains the filter: `/active` finds
/// the groups with live consumers.
fn state_matches(s: &AppState, filter: &str) -> std::collections::HashSet<usize> {
    let needle = filter.trim().to_lowercase();
    if needle.len() < 3 {
        return Default::default();
    }
    s.trees[s.focus]
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match &n.kind {
            Kind::Group { instance, group } => {
                let word = super::group_status::of(s, instance, group).word().to_lowercase();
                word.contains(&needle).then_some(i)
            }
            _ => None,
        })
        .collect()
}

/// A key while a filter is typed: it filters as it is typed; Enter keeps it, Esc clears it.
fn filter_key(s: &mut AppState, key: KeyEvent) -> Step {
    let Some(Modal::Filter(input)) = &mut s.modal else { return Step::default() };
    let rows = tree_rows(s.size.0, s.size.1);
    let groups = s.screen.groups();
    match super::modes::verb(super::modes::Mode::Filter, key) {
        Some(super::modes::Verb::Cancel) => {
            s.modal = None;
            if groups {
                s.groups.filter.clear();
            } else {
                s.trees[s.focus].set_filter("", rows);
            }
        }
        Some(super::modes::Verb::Run) => s.modal = None,
        _ => {
            input.handle_event(&Event::Key(key));
            let text = input.value().to_owned();
            if groups {
                s.groups.filter = text;
                s.groups.cursor = 0;
                s.groups.selected = None;
            } else {
                let also = state_matches(s, &text);
                s.trees[s.focus].set_filter_with(&text, rows, also);
            }
        }
    }
    if groups {
        super::groups_view::sync_selection(s);
    }
    Step::redraw()
}

pub(super) fn status(s: &mut AppState, text: impl Into<String>) -> Step {
    s.push_log(String::new(), Level::Info, text.into());
    Step::redraw()
}

fn key_event(s: &mut AppState, key: KeyEvent) -> Step {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        s.quit = true;
        return Step::redraw();
    }
    match &s.modal {
        Some(Modal::Command(_)) => return super::command_line::key(s, key),
        Some(Modal::Filter(_)) => return filter_key(s, key),
        None if s.screen.log() => return super::log_view::key(s, key),
        _ => {}
    }
    if s.modal.is_some() {
        return modal_key(s, key);
    }
    let rows = tree_rows(s.size.0, s.size.1);
    let Some(action) = s.keymap.action_for(key) else { return Step::default() };
    if s.screen.groups()
        && let Some(step) = super::groups_view::key(s, action)
    {
        return step;
    }
    let tree = &mut s.trees[s.focus];
    match action {
        Action::GroupsView => {
            s.screen = super::state::Screen::Panes(super::state::Base::Groups);
            super::groups_view::sync_selection(s);
            Step::redraw()
        }
        Action::Sort => Step::default(),
        Action::FocusNext | Action::FocusPrev => {
            s.focus = 1 - s.focus;
            Step::redraw()
        }
        Action::Up => Step { redraw: tree.move_by(-1, rows), ..Step::default() },
        Action::Top => Step { redraw: tree.move_by(isize::MIN / 2, rows), ..Step::default() },
        Action::Bottom => Step { redraw: tree.move_by(isize::MAX / 2, rows), ..Step::default() },
        Action::Mark => super::marks::toggle(s),
        Action::Down => Step { redraw: tree.move_by(1, rows), ..Step::default() },
        Action::Expand => Step { redraw: tree.expand(rows), ..Step::default() },
        Action::Collapse => Step { redraw: tree.collapse(rows), ..Step::default() },
        Action::Filter => {
            s.modal = Some(Modal::Filter(Input::new(tree.filter.clone())));
            Step::redraw()
        }
        Action::Command => super::command_line::open(s),
        Action::Copy => {
            let text = super::copy::selected(s);
            super::copy::copy(s, text)
        }
        Action::Peek => match peek_target(s) {
            Some((g, topic, partition)) => super::peek::open_at_committed(s, g, topic.as_deref(), partition),
            None => status(s, "peek: select a group, one of its topics or partitions"),
        },
        Action::Reset => open_reset(s),
        Action::DeleteOffsets => open_delete_offsets(s),
        Action::DeleteMessages => open_delete_messages(s),
        Action::Undo => plan_undo(s),
        // The newest request replaces a pending one: one more refresh when this one ends, however often R is pressed.
        Action::Refresh if s.refreshing => {
            s.refresh_again = true;
            Step::default()
        }
        Action::Refresh => {
            s.refreshing = true;
            Step::send(Command::Refresh { asked: true })
        }
        Action::LogZoom => {
            s.screen = super::state::Screen::Log(s.screen.base());
            Step::redraw()
        }
        Action::LogUp => {
            let page = log_rows(s.size.0, s.size.1).max(1);
            s.log.scroll = (s.log.scroll + page).min(s.log.lines.len().saturating_sub(page));
            Step::redraw()
        }
        Action::LogDown => {
            s.log.scroll = s.log.scroll.saturating_sub(log_rows(s.size.0, s.size.1).max(1));
            Step::redraw()
        }
        Action::Help => {
            s.modal = Some(Modal::Help(0));
            Step::redraw()
        }
        // Esc clears a filter before anything else; cancelling a job asks first.
        Action::Back => match &mut s.job {
            _ if !tree.filter.is_empty() => {
                tree.set_filter("", rows);
                Step::redraw()
            }
            Some(job) if !job.cancelling => {
                s.modal = Some(Modal::CancelConfirm { job: job.id });
                Step::redraw()
            }
            _ if !s.marked.is_empty() => {
                s.marked.clear();
                status(s, "marks cleared")
            }
            _ => Step::default(),
        },
        Action::Quit if s.job.is_some() => {
            s.modal = Some(Modal::QuitConfirm);
            Step::redraw()
        }
        Action::Quit | Action::QuitNow => {
            s.quit = true;
            Step::redraw()
        }
    }
}

/// The group (and topic, partition) under the cursor, for `p`.
fn peek_target(s: &AppState) -> Option<(crate::core::target::GroupRef, Option<String>, Option<i32>)> {
    let g = |i: &str, g: &str| crate::core::target::GroupRef::new(i, g);
    match &s.trees[s.focus].selected_node()?.kind {
        Kind::Group { instance, group } => Some((g(instance, group), None, None)),
        Kind::GroupTopic { instance, group, topic } => Some((g(instance, group), Some(topic.to_string()), None)),
        Kind::GroupPartition { instance, group, topic, partition } => {
            Some((g(instance, group), Some(topic.to_string()), Some(*partition)))
        }
        _ => None,
    }
}

/// Whether an action does something on the current selection (the hint bar lists only those).
pub fn applies(s: &AppState, action: Action) -> bool {
    let node = s.trees[s.focus].selected_node();
    let kind = node.map(|n| &n.kind);
    let instance = selected_instance(s);
    let allowed = |op: PlanKind| instance.as_deref().is_some_and(|i| write_refusal(s, i, op).is_none());
    let in_group = matches!(kind, Some(Kind::Group { .. } | Kind::GroupTopic { .. } | Kind::GroupPartition { .. }));
    match action {
        Action::Reset => (in_group || !s.marked.is_empty()) && allowed(PlanKind::Reset),
        Action::Mark => in_group,
        Action::Peek => {
            in_group
                && instance.as_deref().and_then(|i| s.instance_info(i)).is_some_and(|(_, k, _)| k != TargetKind::Dts)
        }
        Action::DeleteOffsets => in_group && allowed(PlanKind::DeleteOffsets),
        Action::DeleteMessages => {
            matches!(
                kind,
                Some(
                    Kind::Topic { .. } | Kind::Partition { .. } | Kind::GroupTopic { .. } | Kind::GroupPartition { .. }
                )
            ) && allowed(PlanKind::DeleteMessages)
        }
        // DTS cannot reset to an offset, so its snapshots are always refused: not offered there.
        Action::Undo => {
            allowed(PlanKind::Reset)
                && instance.as_deref().and_then(|i| s.instance_info(i)).is_some_and(|(_, k, _)| k != TargetKind::Dts)
        }
        Action::Expand => s.screen.groups() || node.is_some_and(|n| !n.children.is_empty()),
        Action::Sort => s.screen.groups(),
        Action::FocusNext | Action::FocusPrev => !s.screen.groups() && !s.trees[1 - s.focus].nodes.is_empty(),
        Action::Collapse => !s.screen.groups(),
        _ => true,
    }
}

/// Why this write is not offered here, if it is not: the engine's own rules (read-only, what the provider
/// offers), asked before a form opens so that nobody fills in a form that will be refused.
pub(super) fn write_refusal(s: &AppState, instance: &str, op: PlanKind) -> Option<String> {
    if s.job.is_some() {
        return Some("a job is running: wait for it, or press Esc to cancel it".into());
    }
    let target = crate::engine::target::Target::find(&s.profile, instance).ok()?;
    safety::writable(&target).and_then(|()| safety::offers(target.kind(), op)).err().map(|r| r.to_string())
}

/// The instance the selection belongs to (a folder's is its parent's).
pub(super) fn selected_instance(s: &AppState) -> Option<String> {
    let t = &s.trees[s.focus];
    let node = t.selected_node()?;
    if matches!(node.kind, Kind::Groups | Kind::Topics) {
        return match &t.nodes[node.parent?].kind {
            Kind::Instance { instance, .. } => Some(instance.to_string()),
            _ => None,
        };
    }
    match &node.kind {
        Kind::Instance { instance, .. }
        | Kind::Group { instance, .. }
        | Kind::GroupTopic { instance, .. }
        | Kind::GroupPartition { instance, .. }
        | Kind::Topic { instance, .. }
        | Kind::Partition { instance, .. } => Some(instance.to_string()),
        _ => None,
    }
}

/// Sends an order to be planned; the confirmation opens when the plan arrives. `from` is where to go back to.
pub(super) fn plan(s: &mut AppState, order: Order, from: Option<Origin>) -> (Option<Modal>, Vec<Effect>) {
    s.asked = Some(Asked { what: Asking::One(order.clone()), from, view_only: false });
    ask(s)
}

/// Asks the engine for the plan `s.asked` names (again, when the preview went stale).
pub(super) fn ask(s: &mut AppState) -> (Option<Modal>, Vec<Effect>) {
    let Some(asked) = &s.asked else { return (None, vec![]) };
    let what = asked.what.clone();
    let request = s.take_id();
    let (what, cmd) = match what {
        Asking::One(order) => (order.describe(), Command::Plan { request, order }),
        Asking::Many(orders) => (
            format!("reading {} groups live and planning the reset…", orders.len()),
            Command::PlanBatch { request, orders },
        ),
        Asking::File(path) => (
            format!("reading the plan file {} and the live state…", path.display()),
            Command::OpenPlan { request, path },
        ),
    };
    (Some(Modal::Planning { request, what, progress: None }), vec![Effect::Send(cmd)])
}

/// Back where the plan was asked from, every value kept, with `error` shown there when given.
pub(super) fn go_back(s: &mut AppState, error: Option<String>) -> bool {
    let Some(from) = s.asked.take().and_then(|a| a.from) else { return false };
    match from {
        Origin::Form(m) => {
            let mut m = *m;
            match &mut m {
                Modal::Reset(f) => f.error = error,
                Modal::DeleteOffsets(f) => f.error = error,
                Modal::DeleteMessages(f) => f.error = error,
                _ => {}
            }
            s.modal = Some(m);
        }
        Origin::Line(mut l) => {
            l.error = error;
            s.modal = Some(Modal::Command(l));
        }
    }
    true
}

pub(super) fn zone(s: &AppState) -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(&s.zone_name).unwrap_or(jiff::tz::TimeZone::UTC)
}

mod confirm;
mod modal;
mod open;
use modal::modal_key;
pub use open::bounds;
use open::{open_delete_messages, open_delete_offsets, open_reset, plan_undo};

#[cfg(test)]
mod tests;
