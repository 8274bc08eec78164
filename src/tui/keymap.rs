//! One registry of actions: it feeds key handling, the help screen and the hint bar, so they cannot drift.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A verb a key can be bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Focus the next pane.
    FocusNext,
    /// Focus the previous pane.
    FocusPrev,
    /// Move up.
    Up,
    /// Move down.
    Down,
    /// Expand, or step in.
    Expand,
    /// Collapse, or step out.
    Collapse,
    /// Filter the focused tree.
    Filter,
    /// Reset offsets of the selection.
    Reset,
    /// Delete the group's committed offsets (Huawei).
    DeleteOffsets,
    /// Delete messages (Huawei).
    DeleteMessages,
    /// Refresh live data.
    Refresh,
    /// Scroll the log up.
    LogUp,
    /// Scroll the log down.
    LogDown,
    /// Show help.
    Help,
    /// Close a modal, clear the filter, or cancel a running job.
    Back,
    /// Quit (asks while a job runs).
    Quit,
    /// Quit now.
    QuitNow,
}

/// One action's keys and words.
pub struct Binding {
    /// The action.
    pub action: Action,
    /// Keys, as parsed by [`key_matches`] and shown in help.
    pub keys: &'static [&'static str],
    /// What it does, for the help screen.
    pub help: &'static str,
    /// A short word for the hint bar; empty to leave it out.
    pub hint: &'static str,
}

/// The default bindings, in help order.
pub const BINDINGS: &[Binding] = &[
    Binding { action: Action::FocusNext, keys: &["Tab"], help: "focus the next pane", hint: "pane" },
    Binding { action: Action::FocusPrev, keys: &["Shift-Tab"], help: "focus the previous pane", hint: "" },
    Binding { action: Action::Up, keys: &["↑", "k"], help: "move up", hint: "" },
    Binding { action: Action::Down, keys: &["↓", "j"], help: "move down", hint: "move" },
    Binding { action: Action::Expand, keys: &["→", "l", "Enter"], help: "expand, or step in", hint: "open" },
    Binding { action: Action::Collapse, keys: &["←", "h"], help: "collapse, or step out", hint: "" },
    Binding {
        action: Action::Filter,
        keys: &["/"],
        help: "filter the focused tree (case-insensitive; ancestors of matches stay)",
        hint: "filter",
    },
    Binding {
        action: Action::Reset,
        keys: &["r"],
        help: "reset offsets of the selected group, topic or partition",
        hint: "reset",
    },
    Binding {
        action: Action::DeleteOffsets,
        keys: &["x"],
        help: "delete the group's committed offsets (Huawei)",
        hint: "del-offsets",
    },
    Binding {
        action: Action::DeleteMessages,
        keys: &["X"],
        help: "delete messages before an offset (Huawei)",
        hint: "del-msgs",
    },
    Binding { action: Action::Refresh, keys: &["R"], help: "refresh live data from the clouds", hint: "refresh" },
    Binding { action: Action::LogUp, keys: &["PgUp"], help: "scroll the log up", hint: "" },
    Binding { action: Action::LogDown, keys: &["PgDn"], help: "scroll the log down (follows at the bottom)", hint: "" },
    Binding { action: Action::Help, keys: &["?"], help: "this help", hint: "help" },
    Binding {
        action: Action::Back,
        keys: &["Esc"],
        help: "close a modal, clear the filter, or cancel the running job",
        hint: "",
    },
    Binding { action: Action::Quit, keys: &["q"], help: "quit (asks first while a job runs)", hint: "quit" },
    Binding {
        action: Action::QuitNow,
        keys: &["Ctrl-C"],
        help: "quit now (a running job is left to finish or time out)",
        hint: "",
    },
];

/// Whether a key spec (`k`, `Enter`, `Shift-Tab`, `Ctrl-C`, `PgUp`, `→`, …) names this key.
pub fn key_matches(spec: &str, key: KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if let Some(c) = spec.strip_prefix("Ctrl-") {
        let mut chars = c.chars();
        return ctrl
            && matches!((chars.next(), chars.next()), (Some(ch), None) if key.code == KeyCode::Char(ch.to_ascii_lowercase()));
    }
    if ctrl {
        return false;
    }
    let code = match spec {
        "Tab" => KeyCode::Tab,
        "Shift-Tab" => KeyCode::BackTab,
        "↑" | "Up" => KeyCode::Up,
        "↓" | "Down" => KeyCode::Down,
        "→" | "Right" => KeyCode::Right,
        "←" | "Left" => KeyCode::Left,
        "Enter" => KeyCode::Enter,
        "Esc" => KeyCode::Esc,
        "PgUp" => KeyCode::PageUp,
        "PgDn" => KeyCode::PageDown,
        other => {
            let mut chars = other.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => KeyCode::Char(c),
                _ => return false,
            }
        }
    };
    key.code == code
}

/// The action a key means on the main screen, looked up in [`BINDINGS`].
pub fn action_for(key: KeyEvent) -> Option<Action> {
    BINDINGS.iter().find(|b| b.keys.iter().any(|k| key_matches(k, key))).map(|b| b.action)
}

/// The binding of an action.
pub fn binding(action: Action) -> &'static Binding {
    BINDINGS.iter().find(|b| b.action == action).expect("every action has a binding")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_one_binding_and_keys_match_the_registry() {
        let probes = [
            (KeyCode::Tab, Action::FocusNext),
            (KeyCode::Char('r'), Action::Reset),
            (KeyCode::Char('X'), Action::DeleteMessages),
            (KeyCode::Char('?'), Action::Help),
        ];
        for (code, action) in probes {
            assert_eq!(action_for(KeyEvent::from(code)), Some(action));
            assert!(!binding(action).keys.is_empty());
        }
        assert_eq!(action_for(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::QuitNow));
        assert_eq!(action_for(KeyEvent::from(KeyCode::Char('c'))), None);
        // Every key spec in the registry parses to some key.
        let all = [
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::PageUp,
            KeyCode::PageDown,
        ];
        for b in BINDINGS {
            for k in b.keys {
                let parses = all.iter().any(|c| key_matches(k, KeyEvent::from(*c)))
                    || k.chars().count() == 1
                    || k.starts_with("Ctrl-");
                assert!(parses, "{k}");
            }
        }
    }
}
