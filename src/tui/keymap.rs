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
    /// To the first row.
    Top,
    /// To the last row.
    Bottom,
    /// Mark or unmark the selected group, to reset or export several together.
    Mark,
    /// Filter the focused tree.
    Filter,
    /// The `:` command line.
    Command,
    /// Copy the selection's full name to the clipboard.
    Copy,
    /// Reset offsets of the selection.
    Reset,
    /// Delete the group's committed offsets (Huawei DMS, CKafka).
    DeleteOffsets,
    /// Delete messages (Huawei).
    DeleteMessages,
    /// Undo the instance's newest write.
    Undo,
    /// The message at a group's committed offset (the one it is stuck on).
    Peek,
    /// Refresh live data.
    Refresh,
    /// Switch between the trees and the groups view.
    GroupsView,
    /// In the groups view: the next order.
    Sort,
    /// The log on the whole screen.
    LogZoom,
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
    /// Its name in the profile's `[keys]` table.
    pub name: &'static str,
    /// Keys, as parsed by [`key_matches`] and shown in help.
    pub keys: &'static [&'static str],
    /// What it does, for the help screen.
    pub help: &'static str,
    /// A short word for the hint bar; empty to leave it out.
    pub hint: &'static str,
}

/// The default bindings, in help order.
pub const BINDINGS: &[Binding] = &[
    Binding {
        action: Action::FocusNext,
        name: "focus_next",
        keys: &["Tab"],
        help: "focus the next pane",
        hint: "pane",
    },
    Binding {
        action: Action::FocusPrev,
        name: "focus_prev",
        keys: &["Shift-Tab"],
        help: "focus the previous pane",
        hint: "",
    },
    Binding { action: Action::Up, name: "up", keys: &["↑", "k"], help: "move up", hint: "" },
    Binding { action: Action::Down, name: "down", keys: &["↓", "j"], help: "move down", hint: "move" },
    Binding {
        action: Action::Expand,
        name: "expand",
        keys: &["→", "l", "Enter"],
        help: "expand, or step in",
        hint: "open",
    },
    Binding {
        action: Action::Collapse, name: "collapse", keys: &["←", "h"], help: "collapse, or step out", hint: ""
    },
    Binding { action: Action::Top, name: "top", keys: &["g", "Home"], help: "to the first row", hint: "" },
    Binding { action: Action::Bottom, name: "bottom", keys: &["G", "End"], help: "to the last row", hint: "" },
    Binding {
        action: Action::Mark,
        name: "mark",
        keys: &["Space"],
        help: "mark or unmark the selected group; r then resets (or exports) the marked groups together",
        hint: "mark",
    },
    Binding {
        action: Action::Filter,
        name: "filter",
        keys: &["/"],
        help: "filter the focused tree (case-insensitive; ancestors of matches stay)",
        hint: "filter",
    },
    Binding {
        action: Action::Command,
        name: "command",
        keys: &[":"],
        help: "the command line: the shell's syntax on the selected instance, e.g. :reset --group billing --topic orders --to-latest (Tab completes, ↑ recalls)",
        hint: "cmd",
    },
    Binding {
        action: Action::Copy,
        name: "copy",
        keys: &["c"],
        help: "copy the selection's full name (a DTS group's API name, an instance's id) with OSC 52; in the zoomed log, the line's snapshot path or request id",
        hint: "",
    },
    Binding {
        action: Action::Reset,
        name: "reset",
        keys: &["r"],
        help: "reset offsets of the selected group, topic or partition",
        hint: "reset",
    },
    Binding {
        action: Action::DeleteOffsets,
        name: "delete_offsets",
        keys: &["x"],
        help: "delete the group's committed offsets (Huawei, CKafka)",
        hint: "del-offsets",
    },
    Binding {
        action: Action::DeleteMessages,
        name: "delete_messages",
        keys: &["X"],
        help: "delete messages before an offset (Huawei)",
        hint: "del-msgs",
    },
    Binding {
        action: Action::Peek,
        name: "peek",
        keys: &["p"],
        help: "on a group, topic or partition: the messages at its committed offset (the one it is stuck on); the laggiest partition for a group or topic",
        hint: "peek",
    },
    Binding {
        action: Action::Undo,
        name: "undo",
        keys: &["u"],
        help: "undo: pick one of the instance's snapshots, newest first, and restore it (previewed and confirmed like any write)",
        hint: "undo",
    },
    Binding {
        action: Action::Refresh,
        name: "refresh",
        keys: &["R"],
        help: "refresh live data from the clouds",
        hint: "refresh",
    },
    Binding {
        action: Action::GroupsView,
        name: "groups_view",
        keys: &["v"],
        help: "every group of every account in one list, the laggiest first; v again shows the trees",
        hint: "groups",
    },
    Binding {
        action: Action::Sort,
        name: "sort",
        keys: &["s"],
        help: "in the groups view: order by lag, state, name, members, lag status or soonest loss",
        hint: "sort",
    },
    Binding {
        action: Action::LogZoom,
        name: "log_zoom",
        keys: &["L"],
        help: "the log on the whole screen: ↑↓ by line, / search, n N next match, Esc back",
        hint: "log",
    },
    Binding { action: Action::LogUp, name: "log_up", keys: &["PgUp"], help: "scroll the log up", hint: "" },
    Binding {
        action: Action::LogDown,
        name: "log_down",
        keys: &["PgDn"],
        help: "scroll the log down (follows at the bottom)",
        hint: "",
    },
    Binding { action: Action::Help, name: "help", keys: &["?"], help: "this help", hint: "help" },
    Binding {
        action: Action::Back,
        name: "back",
        keys: &["Esc"],
        help: "close a modal, clear the filter, or cancel the running job",
        hint: "",
    },
    Binding {
        action: Action::Quit,
        name: "quit",
        keys: &["q"],
        help: "quit (asks first while a job runs)",
        hint: "quit",
    },
    Binding {
        action: Action::QuitNow,
        name: "quit_now",
        keys: &["Ctrl-C"],
        help: "quit now (a running job is left to finish or time out)",
        hint: "",
    },
];

/// The key a spec (`k`, `Enter`, `Shift-Tab`, `Ctrl-C`, `PgUp`, `→`, …) names, and whether Ctrl is held.
pub fn parse(spec: &str) -> Option<(KeyCode, bool)> {
    if let Some(c) = spec.strip_prefix("Ctrl-") {
        let mut chars = c.chars();
        return match (chars.next(), chars.next()) {
            (Some(ch), None) => Some((KeyCode::Char(ch.to_ascii_lowercase()), true)),
            _ => None,
        };
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
        "Space" | " " => KeyCode::Char(' '),
        "Home" => KeyCode::Home,
        "End" => KeyCode::End,
        other => {
            let mut chars = other.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => KeyCode::Char(c),
                _ => return None,
            }
        }
    };
    Some((code, false))
}

/// Whether a key spec names this key.
pub fn key_matches(spec: &str, key: KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    parse(spec) == Some((key.code, ctrl))
}

/// Whether a key spec names any key at all.
pub fn valid_spec(spec: &str) -> bool {
    const NAMED: [&str; 18] = [
        "Home",
        "End",
        "Tab",
        "Shift-Tab",
        "↑",
        "Up",
        "↓",
        "Down",
        "→",
        "Right",
        "←",
        "Left",
        "Enter",
        "Esc",
        "PgUp",
        "PgDn",
        "Space",
        " ",
    ];
    let single = |s: &str| s.chars().count() == 1 && !s.chars().all(char::is_whitespace);
    NAMED.contains(&spec)
        || single(spec)
        || spec
            .strip_prefix("Ctrl-")
            .is_some_and(|c| c.chars().count() == 1 && c.chars().all(|c| c.is_ascii_alphabetic()))
}

/// The effective bindings: the defaults, with the profile's `[keys]` overrides, parsed once into a map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    overrides: Vec<(Action, Vec<String>)>,
    map: std::collections::HashMap<(KeyCode, bool), Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut k = Self { overrides: Vec::new(), map: Default::default() };
        k.index();
        k
    }
}

impl Keymap {
    /// Builds the keymap from `[keys]`; every entry that cannot be used becomes a warning and is ignored.
    pub fn from_profile(keys: &[(String, Vec<String>)]) -> (Self, Vec<String>) {
        let mut map = Self { overrides: Vec::new(), map: Default::default() };
        let mut warnings = Vec::new();
        for (name, specs) in keys {
            let Some(b) = BINDINGS.iter().find(|b| b.name == name) else {
                let names: Vec<&str> = BINDINGS.iter().map(|b| b.name).collect();
                let hint = crate::core::diag::did_you_mean(name, names.iter().copied())
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                warnings.push(format!("[keys] {name}: no such action; {hint}actions are: {}", names.join(", ")));
                continue;
            };
            let (good, bad): (Vec<&String>, Vec<&String>) = specs.iter().partition(|s| valid_spec(s));
            for s in bad {
                warnings.push(format!("[keys] {name}: {s:?} is not a key; write a character, Ctrl-X, Enter, Esc, Tab, PgUp, PgDn or an arrow"));
            }
            if good.is_empty() {
                warnings.push(format!("[keys] {name}: no usable key, so the default ({}) stays", b.keys.join(" ")));
                continue;
            }
            map.overrides.push((b.action, good.into_iter().cloned().collect()));
        }
        // A key taken by two actions goes to the first one found; say so.
        let mut seen: Vec<(String, Action)> = Vec::new();
        for b in BINDINGS {
            for k in map.keys(b.action) {
                match seen.iter().find(|(s, _)| *s == k) {
                    Some((_, other)) if *other != b.action => warnings.push(format!(
                        "[keys] {k:?} is bound to both `{}` and `{}`; `{}` wins",
                        binding(*other).name,
                        b.name,
                        binding(*other).name
                    )),
                    _ => seen.push((k, b.action)),
                }
            }
        }
        map.index();
        (map, warnings)
    }

    /// Parses every binding once: the first action found for a key wins, as the warnings say.
    fn index(&mut self) {
        let mut map = std::collections::HashMap::new();
        for b in BINDINGS {
            for spec in self.keys(b.action) {
                if let Some(k) = parse(&spec) {
                    map.entry(k).or_insert(b.action);
                }
            }
        }
        self.map = map;
    }

    /// The keys of an action, as shown.
    pub fn keys(&self, action: Action) -> Vec<String> {
        match self.overrides.iter().find(|(a, _)| *a == action) {
            Some((_, keys)) => keys.clone(),
            None => binding(action).keys.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    /// The action a key means.
    pub fn action_for(&self, key: KeyEvent) -> Option<Action> {
        self.map.get(&(key.code, key.modifiers.contains(KeyModifiers::CONTROL))).copied()
    }
}

/// The binding of an action.
pub fn binding(action: Action) -> &'static Binding {
    BINDINGS.iter().find(|b| b.action == action).expect("every action has a binding")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_overrides_and_warnings() {
        let keys = vec![
            ("reset".to_owned(), vec!["F".to_owned()]),
            ("refrsh".to_owned(), vec!["z".to_owned()]),
            ("help".to_owned(), vec!["Hyper-Q".to_owned()]),
            ("quit".to_owned(), vec!["F".to_owned()]),
        ];
        let (map, warnings) = Keymap::from_profile(&keys);
        assert_eq!(map.action_for(KeyEvent::from(KeyCode::Char('F'))), Some(Action::Reset));
        assert_eq!(map.action_for(KeyEvent::from(KeyCode::Char('r'))), None, "the default key is replaced");
        assert_eq!(
            map.action_for(KeyEvent::from(KeyCode::Char('?'))),
            Some(Action::Help),
            "a bad binding keeps the default"
        );
        let all = warnings.join("\n");
        assert!(all.contains("refrsh: no such action; did you mean `refresh`?"), "{all}");
        assert!(all.contains("\"Hyper-Q\" is not a key"), "{all}");
        assert!(all.contains("bound to both `reset` and `quit`"), "{all}");
    }

    #[test]
    fn every_action_has_one_binding_and_keys_match_the_registry() {
        let probes = [
            (KeyCode::Tab, Action::FocusNext),
            (KeyCode::Char('r'), Action::Reset),
            (KeyCode::Char('X'), Action::DeleteMessages),
            (KeyCode::Char('?'), Action::Help),
        ];
        for (code, action) in probes {
            assert_eq!(Keymap::default().action_for(KeyEvent::from(code)), Some(action));
            assert!(!binding(action).keys.is_empty());
        }
        assert_eq!(
            Keymap::default().action_for(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::QuitNow)
        );
        assert_eq!(Keymap::default().action_for(KeyEvent::from(KeyCode::Char('c'))), Some(Action::Copy), "c copies");
        assert_eq!(Keymap::default().action_for(KeyEvent::from(KeyCode::Char('Z'))), None);
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
            KeyCode::Home,
            KeyCode::End,
            KeyCode::Char(' '),
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
