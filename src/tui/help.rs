//! The help screen: every key from the registry, the keys of the forms and confirmations, and what each state word
//! means. It scrolls; lines wrap at word boundaries.

use ratatui::text::{Line, Span};

use super::keymap::BINDINGS;
use super::state::AppState;
use super::view::Theme;

const FORMS: &[(&str, &str)] = &[
    ("Tab Shift-Tab", "next / previous field"),
    ("← →", "choose the strategy; in a value, move the cursor"),
    ("Space", "in delete offsets: choose a topic"),
    ("Enter", "read the live state and plan: nothing is sent yet"),
    ("Esc", "close the form"),
];

const CONFIRM: &[(&str, &str)] = &[
    ("y / Enter", "run it (or type the name or count asked for, then Enter)"),
    ("n / Esc", "cancel: nothing is sent"),
    ("↑ ↓", "scroll the rows"),
    ("Ctrl-S", "save the plan as a plan file (several groups: export their targets as CSV)"),
];

const STATES: &[(&str, &str)] = &[
    ("EMPTY", "no members: offsets can be reset"),
    ("ACTIVE", "members are consuming: resets are refused until they stop"),
    ("REBALANCING", "members are joining or leaving: refused too; wait, then R"),
    ("DEAD", "no members and no metadata left; offsets may remain"),
    ("NOT FOUND", "pinned in the profile, but the cloud does not have it"),
    ("READ FAILED", "the live read failed; the log says why"),
];

/// The keys' column.
const KEY_W: usize = 14;

/// Every line of the help, in order, each one screen row at `width` columns: the text after a key wraps at words
/// and goes on under the text, not under the key.
pub fn lines<'a>(s: &AppState, th: &Theme, width: usize) -> Vec<Line<'a>> {
    let text_w = width.saturating_sub(KEY_W).max(20);
    let mut out: Vec<Line<'a>> = Vec::new();
    let row = |out: &mut Vec<Line<'a>>, k: String, v: &str| {
        for (i, part) in wrap(v, text_w).into_iter().enumerate() {
            let key = if i == 0 { format!("{k:<KEY_W$}") } else { " ".repeat(KEY_W) };
            out.push(Line::from(vec![Span::styled(key, th.bold()), Span::raw(part)]));
        }
    };
    let head = |t: &'static str| Line::styled(t, th.bold());
    for b in BINDINGS {
        row(&mut out, s.keymap.keys(b.action).join(" "), b.help);
    }
    for (title, table) in [("In a form", FORMS), ("In a confirmation", CONFIRM), ("State words", STATES)] {
        out.push(Line::from(""));
        out.push(head(title));
        for (k, v) in table {
            row(&mut out, (*k).to_owned(), v);
        }
    }
    out.push(Line::from(""));
    for part in wrap("Writes always show a plan first. Deletes and protected accounts ask for a name.", width) {
        out.push(Line::from(part));
    }
    out
}

/// Words filled into lines of at most `width` columns (a longer word gets a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    for word in text.split_whitespace() {
        let cur = out.last_mut().expect("one line at least");
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            out.push(word.to_owned());
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    out
}

/// The help popup's inner width and the rows of help it shows, on this screen.
pub fn room(s: &AppState) -> (usize, usize) {
    let width = (s.size.0.saturating_sub(4).min(100)).saturating_sub(2) as usize;
    let rows = (s.size.1 as usize).saturating_sub(5).max(1);
    (width, rows)
}

/// How many lines the help has on this screen, and how far it can scroll.
pub fn extent(s: &AppState) -> (usize, usize) {
    let (width, rows) = room(s);
    let n = lines(s, &super::view::Theme::of(s), width).len();
    (n, n.saturating_sub(rows))
}

#[cfg(test)]
mod tests {
    #[test]
    fn wraps_at_words_and_never_cuts_one() {
        assert_eq!(super::wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(super::wrap("unbreakable-word x", 5), ["unbreakable-word", "x"]);
    }
}
