//! The help screen: every key from the registry, the keys of the forms and confirmations, and what each state word
//! means. It scrolls; lines wrap at word boundaries.

use ratatui::text::{Line, Span};

use super::keymap::BINDINGS;
use super::state::AppState;
use super::view::Theme;

const STATES: &[(&str, &str)] = &[
    ("EMPTY", "no members: offsets can be reset"),
    ("ACTIVE", "members are consuming: resets are refused until they stop"),
    ("REBALANCING", "members are joining or leaving: refused too; wait, then R"),
    ("DEAD", "no members and no metadata left; offsets may remain"),
    ("NOT FOUND", "pinned in the profile, but the cloud does not have it"),
    ("READ FAILED", "the live read failed; the log says why"),
];

/// What the groups view's lag columns say; every read is kept as a sample, and the figures come from them.
const LAG_WORDS: &[(&str, &str)] = &[
    ("trend", "the lag at the newest reads, oldest on the left"),
    ("OK", "lag, if any, is not growing while commits move"),
    ("IDLE", "nothing new in the topic and nothing to consume"),
    ("LAGGING", "commits move, but the lag's floor keeps rising"),
    ("STALLED", "a partition with lag has not committed for the whole status window (settings.lag_window_seconds)"),
    ("STOPPED", "no members, lag above zero, no commits"),
    ("UNKNOWN", "too few reads, or less than a minute of them: nothing is claimed"),
    ("eta", "~time to clear at the current rates; +N msg/s: the slowest partition falls behind by N; never; ? unknown"),
    (
        "loss in",
        "~time until retention deletes unread messages; LOST N: N already deleted unread; - nothing to lose; ? unknown",
    ),
];

/// The keys' column.
const KEY_W: usize = 14;

/// Every line of the help, in order, each one screen row at `width` columns: the text after a key wraps at words
/// and goes on under the text, not under the key.
pub fn lines<'a>(s: &AppState, th: &Theme, width: usize) -> Vec<Line<'a>> {
    let text_w = width.saturating_sub(KEY_W).max(20);
    let mut out: Vec<Line<'a>> = Vec::new();
    let row = |out: &mut Vec<Line<'a>>, k: String, v: &str| {
        // A key too long for its column has a line of its own: it never runs into its text.
        let long = super::wrap::cols(&k) >= KEY_W;
        if long {
            out.push(Line::styled(k.clone(), th.bold()));
        }
        for (i, part) in super::wrap::text(v, text_w).into_iter().enumerate() {
            let key = if i == 0 && !long { format!("{k:<KEY_W$}") } else { " ".repeat(KEY_W) };
            out.push(Line::from(vec![Span::styled(key, th.bold()), Span::raw(part)]));
        }
    };
    let head = |t: &'static str| Line::styled(t, th.bold());
    for b in BINDINGS {
        row(&mut out, s.keymap.keys(b.action).join(" "), b.help);
    }
    // Every other screen's keys, from the same tables its keys and its hint bar use.
    for (mode, title) in super::modes::SCREENS {
        out.push(Line::from(""));
        out.push(head(title));
        for e in super::modes::table(*mode).iter().filter(|e| !e.help.is_empty()) {
            row(&mut out, e.label.to_owned(), e.help);
        }
    }
    out.push(Line::from(""));
    out.push(head("State words"));
    for (k, v) in STATES {
        row(&mut out, (*k).to_owned(), v);
    }
    out.push(Line::from(""));
    out.push(head("Lag over time (groups view: trend, status, eta)"));
    for (k, v) in LAG_WORDS {
        row(&mut out, (*k).to_owned(), v);
    }
    out.push(Line::from(""));
    for part in
        super::wrap::text("Writes always show a plan first. Deletes and protected accounts ask for a name.", width)
    {
        out.push(Line::from(part));
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
    use crate::tui::modes::{SCREENS, table};
    use crate::tui::state::AppState;

    #[test]
    fn every_screen_and_every_key_of_it_is_in_the_help() {
        let s = AppState::new(crate::engine::fixtures::profile(), (100, 40), false, false, "UTC".into());
        let text: String = super::lines(&s, &crate::tui::view::Theme::of(&s), 96)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>() + "\n")
            .collect();
        for (mode, title) in SCREENS {
            assert!(text.contains(title), "{title}");
            for e in table(*mode).iter().filter(|e| !e.label.is_empty() && !e.help.is_empty()) {
                assert!(text.contains(e.label), "{title}: {}", e.label);
            }
        }
        for b in crate::tui::keymap::BINDINGS {
            assert!(text.contains(b.help.split(' ').next().unwrap_or_default()), "{}", b.name);
        }
    }

    /// A key as long as its column or longer stands on its own line: its text never starts inside it.
    #[test]
    fn no_key_runs_into_its_text() {
        let s = AppState::new(crate::engine::fixtures::profile(), (100, 40), false, false, "UTC".into());
        for line in super::lines(&s, &crate::tui::view::Theme::of(&s), 76) {
            if line.spans.len() == 2 {
                let key = line.spans[0].content.as_ref();
                assert!(key.ends_with(' '), "{key:?} touches {:?}", line.spans[1].content);
            }
        }
    }
}
