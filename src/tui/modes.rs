//! The screen the dashboard is on, and one key table per screen: the keys resolve through it (parsed once), and
//! the hint bar and the help are written from it, so what a hint names is what the key does there.

use std::collections::HashMap;
use std::sync::OnceLock;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::keymap::parse;
use super::state::{AppState, Modal};

/// Which key table applies: one screen at a time, derived from the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// The trees or the groups view: the profile's `[keys]` (see `keymap`).
    Main,
    Filter,
    CommandLine,
    LogZoom,
    Help,
    ResetForm,
    DeleteOffsetsForm,
    DeleteMessagesForm,
    Planning,
    Confirm,
    TypedConfirm,
    StaleConfirm,
    DryRun,
    BatchConfirm,
    Peek,
    Interrupted,
    UndoPick,
    Question,
}

/// What a key does on a screen other than the main one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    Run,
    Cancel,
    Edit,
    Replan,
    Peek,
    Save,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    Skip,
    Undo,
    Dismiss,
    Quit,
    Others,
    Search,
    NextMatch,
    PrevMatch,
    Copy,
    NextField,
    PrevField,
    Toggle,
    Complete,
    /// Not a key: typed text (a name, a count, a value), shown in the hint.
    Type,
}

/// One key of a screen.
pub struct ModeKey {
    /// As the hint and the help show it.
    pub label: &'static str,
    /// As matched (the forms of `keymap::parse`); empty for [`Verb::Type`].
    pub keys: &'static [&'static str],
    pub verb: Verb,
    /// For the help; empty for a key the line before already explains.
    pub help: &'static str,
    /// A short word for the hint bar; empty to leave it out.
    pub hint: &'static str,
}

const fn k(
    label: &'static str,
    keys: &'static [&'static str],
    verb: Verb,
    help: &'static str,
    hint: &'static str,
) -> ModeKey {
    ModeKey { label, keys, verb, help, hint }
}

/// Scrolling a list or a body: by a line, by a page, to either end.
macro_rules! scroll {
    ($what:literal) => {
        [
            k("↑ ↓", &["↑", "k"], Verb::Up, concat!($what, " by a line"), $what),
            k("", &["↓", "j"], Verb::Down, "", ""),
            k("PgUp PgDn", &["PgUp"], Verb::PageUp, concat!($what, " by a page"), ""),
            k("", &["PgDn"], Verb::PageDown, "", ""),
            k("Home End", &["Home"], Verb::First, "to the first or the last", ""),
            k("", &["End"], Verb::Last, "", ""),
        ]
    };
    // Where letters type a name, only the arrows and the page keys scroll.
    ($what:literal, typing) => {
        [
            k("↑ ↓", &["↑"], Verb::Up, concat!($what, " by a line"), $what),
            k("", &["↓"], Verb::Down, "", ""),
            k("PgUp PgDn", &["PgUp"], Verb::PageUp, concat!($what, " by a page"), ""),
            k("", &["PgDn"], Verb::PageDown, "", ""),
            k("Home End", &["Home"], Verb::First, "to the first or the last", ""),
            k("", &["End"], Verb::Last, "", ""),
        ]
    };
}

const CONFIRM: &[ModeKey] = &{
    let [a, b, c, d, e, f] = scroll!("scroll");
    [
        k("y", &["y", "Enter"], Verb::Run, "run it, as shown", "run"),
        k("n", &["n", "Esc"], Verb::Cancel, "cancel: nothing is sent", "cancel"),
        k("b", &["b"], Verb::Edit, "back to the form or the : line, every value kept", "edit"),
        k("p", &["p"], Verb::Peek, "the messages at the › row's target (a reset)", "peek"),
        k("r", &["r", "Ctrl-R"], Verb::Replan, "plan it again from the live state", "re-plan"),
        k("Ctrl-S", &["Ctrl-S"], Verb::Save, "save the plan as a plan file", "save plan"),
        a,
        b,
        c,
        d,
        e,
        f,
    ]
};

const TYPED: &[ModeKey] = &{
    let [a, b, c, d, e, f] = scroll!("scroll", typing);
    [
        k("type the name", &[], Verb::Type, "type the name shown (a delete, or a protected target)", "type the name"),
        k("Enter", &["Enter"], Verb::Run, "run it, once what was typed matches", "run"),
        k("Esc", &["Esc"], Verb::Cancel, "cancel: nothing is sent", "cancel"),
        k("Ctrl-B", &["Ctrl-B"], Verb::Edit, "back to the form or the : line, every value kept", "edit"),
        k("Ctrl-P", &["Ctrl-P"], Verb::Peek, "the messages at the › row's target (a reset)", "peek"),
        k("Ctrl-R", &["Ctrl-R"], Verb::Replan, "plan it again from the live state", ""),
        k("Ctrl-S", &["Ctrl-S"], Verb::Save, "save the plan as a plan file", "save plan"),
        a,
        b,
        c,
        d,
        e,
        f,
    ]
};

const STALE: &[ModeKey] = &{
    let [a, b, c, d, e, f] = scroll!("scroll");
    [
        k("Ctrl-R", &["Ctrl-R", "r"], Verb::Replan, "plan it again from the live state", "plan again"),
        k("Ctrl-B", &["Ctrl-B", "b"], Verb::Edit, "back to the form or the : line, every value kept", "edit"),
        k("Esc", &["Esc", "n"], Verb::Cancel, "cancel: nothing is sent", "cancel"),
        a,
        b,
        c,
        d,
        e,
        f,
    ]
};

const DRY_RUN: &[ModeKey] = &{
    let [a, b, c, d, e, f] = scroll!("scroll");
    [
        k("Esc", &["Esc", "q", "n"], Verb::Cancel, "close: a dry run sends nothing", "close"),
        k("p", &["p"], Verb::Peek, "the messages at the › row's target (a reset)", "peek"),
        a,
        b,
        c,
        d,
        e,
        f,
    ]
};

const BATCH: &[ModeKey] = &{
    let [a, b, c, d, e, f] = scroll!("scroll", typing);
    [
        k("type the count", &[], Verb::Type, "type the count shown (`3 groups`)", "type the count"),
        k("Enter", &["Enter"], Verb::Run, "run them, one group after another, once the count matches", "run"),
        k("Esc", &["Esc"], Verb::Cancel, "cancel: nothing is sent", "cancel"),
        k("Ctrl-B", &["Ctrl-B"], Verb::Edit, "back to the form or the : line", "edit"),
        k("Ctrl-R", &["Ctrl-R"], Verb::Replan, "plan them again from the live state", ""),
        k("Ctrl-S", &["Ctrl-S"], Verb::Save, "export their targets as CSV", "CSV"),
        a,
        b,
        c,
        d,
        e,
        f,
    ]
};

const PEEK: &[ModeKey] = &[
    k("↑ ↓", &["↑", "k"], Verb::Up, "choose a message", "choose"),
    k("", &["↓", "j"], Verb::Down, "", ""),
    k("Enter", &["Enter"], Verb::Run, "the chosen message's value on the whole popup, wrapped and inert", "value"),
    k("s", &["s"], Verb::Skip, "plan a reset that skips the chosen message (the poison-message fix)", "skip it"),
    k("Esc", &["Esc", "q"], Verb::Cancel, "back (to the confirmation, when it was opened from one)", "back"),
];

const INTERRUPTED: &[ModeKey] = &[
    k("↑ ↓", &["↑", "k"], Verb::Up, "choose a job", "choose"),
    k("", &["↓", "j"], Verb::Down, "", ""),
    k("u", &["u"], Verb::Undo, "plan the undo of the chosen job from its snapshot", "undo it"),
    k("d", &["d"], Verb::Dismiss, "dismiss the chosen job (its groups are no longer marked)", "dismiss"),
    k("Esc", &["Esc"], Verb::Cancel, "close; the marks stay", "close"),
    k("q", &["q"], Verb::Quit, "quit", ""),
];

const UNDO_PICK: &[ModeKey] = &[
    k("↑ ↓", &["↑", "k"], Verb::Up, "choose a snapshot", "choose"),
    k("", &["↓", "j"], Verb::Down, "", ""),
    k("Enter", &["Enter"], Verb::Run, "preview the undo to the chosen snapshot", "preview"),
    k("a", &["a"], Verb::Others, "also show snapshots of other targets (undo refuses them)", "others"),
    k("Esc", &["Esc", "q"], Verb::Cancel, "close", "close"),
];

const QUESTION: &[ModeKey] =
    &[k("y", &["y"], Verb::Run, "yes", "yes"), k("n", &["n", "Esc"], Verb::Cancel, "no", "no")];

const HELP: &[ModeKey] = &{
    let [a, b, c, d, e, f] = scroll!("scroll");
    [k("Esc", &["Esc", "?", "q"], Verb::Cancel, "close the help", "close"), a, b, c, d, e, f]
};

const LOG_ZOOM: &[ModeKey] = &[
    k("↑ ↓", &["↑", "k"], Verb::Up, "a line older or newer", "line"),
    k("", &["↓", "j"], Verb::Down, "", ""),
    k("PgUp PgDn", &["PgUp"], Verb::PageUp, "a page older or newer", "page"),
    k("", &["PgDn"], Verb::PageDown, "", ""),
    k("Home", &["Home", "g"], Verb::First, "the oldest line kept", ""),
    k("End", &["End", "G"], Verb::Last, "the newest line, and follow", "follow"),
    k("/", &["/"], Verb::Search, "search (Enter finds, Esc stops)", "search"),
    k("n N", &["n"], Verb::NextMatch, "the next older / newer match", "next"),
    k("", &["N"], Verb::PrevMatch, "", ""),
    k("c", &["c"], Verb::Copy, "copy the line's snapshot path or request id", "copy"),
    k("Esc", &["Esc", "L", "q"], Verb::Cancel, "back to the panes", "back"),
];

const RESET_FORM: &[ModeKey] = &[
    k("Tab Shift-Tab", &["Tab"], Verb::NextField, "the next / previous field", "field"),
    k("", &["Shift-Tab"], Verb::PrevField, "", ""),
    k("← →", &["←", "↑"], Verb::Up, "choose the strategy; in a value, ← → move the cursor", "strategy"),
    k("", &["→", "↓"], Verb::Down, "", ""),
    k("Enter", &["Enter"], Verb::Run, "read the live state and plan: nothing is sent yet", "plan"),
    k("Esc", &["Esc"], Verb::Cancel, "close the form", "cancel"),
];

const DELETE_OFFSETS_FORM: &[ModeKey] = &[
    k("↑ ↓", &["↑", "k"], Verb::Up, "move between the topics", "move"),
    k("", &["↓", "j"], Verb::Down, "", ""),
    k("Space", &["Space"], Verb::Toggle, "choose a topic, or leave it", "choose"),
    k("Enter", &["Enter"], Verb::Run, "read the live state and plan: nothing is sent yet", "plan"),
    k("Esc", &["Esc"], Verb::Cancel, "close the form", "cancel"),
];

const DELETE_MESSAGES_FORM: &[ModeKey] = &[
    k(
        "an offset or `end`",
        &[],
        Verb::Type,
        "the offset messages before are deleted; `end` deletes them all",
        "type an offset or `end`",
    ),
    k("↑ ↓", &["↑", "Shift-Tab"], Verb::Up, "the previous / next partition", "partition"),
    k("", &["↓", "Tab"], Verb::Down, "", ""),
    k("Enter", &["Enter"], Verb::Run, "read the live state and plan: nothing is sent yet", "plan"),
    k("Esc", &["Esc"], Verb::Cancel, "close the form", "cancel"),
];

const PLANNING: &[ModeKey] = &[k("Esc", &["Esc"], Verb::Cancel, "stop planning: nothing was sent", "cancel")];

const COMMAND_LINE: &[ModeKey] = &[
    k("Enter", &["Enter"], Verb::Run, "run the line (a write is planned and confirmed first)", "run"),
    k("Tab", &["Tab"], Verb::Complete, "complete the word", "complete"),
    k("↑ ↓", &["↑"], Verb::Up, "the lines run before", "history"),
    k("", &["↓"], Verb::Down, "", ""),
    k("Esc", &["Esc"], Verb::Cancel, "close the line", "close"),
];

const FILTER: &[ModeKey] = &[
    k("type to filter", &[], Verb::Type, "", "type to filter"),
    k("Enter", &["Enter"], Verb::Run, "keep the filter", "keep"),
    k("Esc", &["Esc"], Verb::Cancel, "clear the filter", "clear"),
];

/// Every screen but the main one, with its title in the help.
pub const SCREENS: &[(Mode, &str)] = &[
    (Mode::ResetForm, "In the reset form"),
    (Mode::DeleteOffsetsForm, "In the delete-offsets form"),
    (Mode::DeleteMessagesForm, "In the delete-messages form"),
    (Mode::Planning, "While planning"),
    (Mode::Confirm, "In a confirmation"),
    (Mode::TypedConfirm, "In a confirmation that asks for a name"),
    (Mode::StaleConfirm, "In a stale confirmation"),
    (Mode::DryRun, "In a dry run's plan"),
    (Mode::BatchConfirm, "In a confirmation of several groups"),
    (Mode::Peek, "In the peek"),
    (Mode::UndoPick, "In the undo picker"),
    (Mode::Interrupted, "In the interrupted-jobs list"),
    (Mode::Question, "In a yes/no question"),
    (Mode::LogZoom, "In the zoomed log"),
    (Mode::CommandLine, "On the : line"),
    (Mode::Filter, "While filtering"),
    (Mode::Help, "In this help"),
];

/// The keys of a screen.
pub fn table(mode: Mode) -> &'static [ModeKey] {
    match mode {
        Mode::Main => &[],
        Mode::Filter => FILTER,
        Mode::CommandLine => COMMAND_LINE,
        Mode::LogZoom => LOG_ZOOM,
        Mode::Help => HELP,
        Mode::ResetForm => RESET_FORM,
        Mode::DeleteOffsetsForm => DELETE_OFFSETS_FORM,
        Mode::DeleteMessagesForm => DELETE_MESSAGES_FORM,
        Mode::Planning => PLANNING,
        Mode::Confirm => CONFIRM,
        Mode::TypedConfirm => TYPED,
        Mode::StaleConfirm => STALE,
        Mode::DryRun => DRY_RUN,
        Mode::BatchConfirm => BATCH,
        Mode::Peek => PEEK,
        Mode::Interrupted => INTERRUPTED,
        Mode::UndoPick => UNDO_PICK,
        Mode::Question => QUESTION,
    }
}

/// The screen the state is on.
pub fn of(s: &AppState) -> Mode {
    match &s.modal {
        None if s.screen.log() => Mode::LogZoom,
        None => Mode::Main,
        Some(Modal::Help(_)) => Mode::Help,
        Some(Modal::Reset(_)) => Mode::ResetForm,
        Some(Modal::DeleteOffsets(_)) => Mode::DeleteOffsetsForm,
        Some(Modal::DeleteMessages(_)) => Mode::DeleteMessagesForm,
        Some(Modal::Planning { .. }) => Mode::Planning,
        Some(Modal::Confirm(c)) => of_confirm(c),
        Some(Modal::ConfirmBatch(c)) if c.view_only => Mode::DryRun,
        Some(Modal::ConfirmBatch(_)) => Mode::BatchConfirm,
        Some(Modal::Peek(_)) => Mode::Peek,
        Some(Modal::Interrupted(_)) => Mode::Interrupted,
        Some(Modal::UndoPick(_)) => Mode::UndoPick,
        Some(Modal::QuitConfirm | Modal::CancelConfirm { .. }) => Mode::Question,
        Some(Modal::Filter(_)) => Mode::Filter,
        Some(Modal::Command(_)) => Mode::CommandLine,
    }
}

/// The screen of one plan's confirmation.
pub fn of_confirm(c: &super::state::Confirm) -> Mode {
    if c.view_only {
        Mode::DryRun
    } else if c.stale.is_some() {
        Mode::StaleConfirm
    } else if c.type_name().is_some() {
        Mode::TypedConfirm
    } else {
        Mode::Confirm
    }
}

/// What a key does on a screen, from its table parsed once.
pub fn verb(mode: Mode, key: KeyEvent) -> Option<Verb> {
    static MAP: OnceLock<HashMap<(Mode, KeyCode, bool), Verb>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut m = HashMap::new();
        for mode in SCREENS.iter().map(|(m, _)| *m) {
            for e in table(mode) {
                for spec in e.keys {
                    if let Some((code, ctrl)) = parse(spec) {
                        m.entry((mode, code, ctrl)).or_insert(e.verb);
                    }
                }
            }
        }
        m
    });
    let ctrl = key.modifiers.contains(ratatui::crossterm::event::KeyModifiers::CONTROL);
    map.get(&(mode, key.code, ctrl)).copied()
}

/// Whether a verb does something on this screen now (a hint names only those).
pub fn offered(s: &AppState, verb: Verb) -> bool {
    let reset = |c: &super::state::Confirm| c.plan.kind == crate::engine::plan::PlanKind::Reset;
    match (&s.modal, verb) {
        (Some(Modal::Confirm(c)), Verb::Edit) => c.back,
        (Some(Modal::ConfirmBatch(_)), Verb::Edit) => s.asked.as_ref().is_some_and(|a| a.from.is_some()),
        (Some(Modal::Confirm(c)), Verb::Peek) => reset(c),
        (Some(Modal::Confirm(c)), Verb::Run) => !c.plan.calls.is_empty(),
        (Some(Modal::Interrupted(_)), Verb::Quit) => s.job.is_none(),
        _ => true,
    }
}

/// The hint bar of a screen other than the main one: its keys that act now.
/// In table order, the most important first: what does not fit the width is dropped from the end, and `…` says so
/// (`?` lists every key).
pub fn hint(s: &AppState, mode: Mode) -> String {
    let mut parts: Vec<String> = table(mode)
        .iter()
        .filter(|e| !e.hint.is_empty() && offered(s, e.verb))
        .map(|e| if e.verb == Verb::Type { e.hint.to_owned() } else { format!("{} {}", e.label, e.hint) })
        .collect();
    let width = s.size.0 as usize;
    let mut dropped = false;
    while parts.len() > 1 && super::wrap::cols(&parts.join(" · ")) + if dropped { 4 } else { 0 } > width {
        parts.pop();
        dropped = true;
    }
    if dropped {
        parts.push("…".into());
    }
    parts.join(" · ")
}

#[cfg(test)]
#[path = "modes_tests.rs"]
mod tests;
