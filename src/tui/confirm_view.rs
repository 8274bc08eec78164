//! One plan's confirmation (reset, undo, plan file, delete offsets, delete messages) as a sheet: the summary above,
//! the rows and notes in the scrolling body, the totals and the prompt below. Both the frame and the keys use
//! [`fit`], so the keys accept only a confirmation whose prompt and totals were drawn.

use ratatui::style::{Color, Modifier};
use ratatui::text::{Line, Span};

use super::modal_view::clip;
use super::sheet::{Body, Fit, Sheet};
use super::state::Confirm;
use super::view::Theme;
use crate::engine::plan::PlanKind;

/// The columns of the widest table (a reset's) plus the popup's border and margin.
pub const MIN_WIDTH: u16 = 80;

/// The confirmation laid out on a `screen`-sized terminal.
pub fn fit(c: &Confirm, screen: (u16, u16), th: &Theme) -> Fit {
    sheet(c, th).fit(screen, c.scroll)
}

/// Body entries before the notes: one per plan row.
pub fn sheet<'a>(c: &'a Confirm, th: &Theme) -> Sheet<'a> {
    let border = if c.destructive() { th.fg(Color::Red) } else { th.fg(Color::Yellow) };
    let kind = c.plan.kind;
    let title = match (kind, &c.plan.undoes) {
        (PlanKind::DeleteMessages | PlanKind::DeleteOffsets, _) => "confirm DELETE",
        (PlanKind::Reset, Some(_)) => "confirm undo",
        (PlanKind::Reset, None) => "confirm reset",
    };
    let alarm = th.fg(Color::Red).add_modifier(Modifier::BOLD);
    let mut top = vec![Line::styled(c.plan.summary.clone(), th.bold())];
    if let Some(why) = &c.replanned {
        top.push(Line::styled(format!("PLANNED AGAIN: the last run was refused, nothing was sent ({why})."), alarm));
    }
    if let Some(moved) = &c.stale {
        top.push(Line::styled(
            format!("STALE: the live state moved since this plan ({moved}). Ctrl-R plans it again."),
            alarm,
        ));
    }
    let header = match kind {
        PlanKind::DeleteMessages => {
            format!("{:<14}{:>5} {:>9} {:>9} {:>9} {:>9}", "topic", "part", "start", "end", "new start", "deleted")
        }
        PlanKind::DeleteOffsets => format!(
            "{:<14}{:>5} {:>9} {:>9} {:>9} {:>11} {:>11}",
            "topic", "part", "committed", "start", "end", "if earliest", "if latest"
        ),
        PlanKind::Reset => format!(
            "{:<14}{:>5} {:>9} {:>9} {:>9} {:>13} {:>9}",
            "topic", "part", "committed", "end", "target", "effect", "lag after"
        ),
    };
    let peek_row = c.peek_row();
    let rows = &c.plan.rows;
    let notes = &c.plan.notes;
    let th = *th;
    // Made as they are measured or drawn: one line per row, then the notes.
    let body = Body::new(rows.len() + notes.len(), move |i| match rows.get(i) {
        Some(r) => Line::from(row_text(kind, r, i == peek_row)),
        None => Line::styled(format!("note: {}", notes[i - rows.len()]), th.fg(Color::DarkGray)),
    });
    let mut bottom = Vec::new();
    match kind {
        PlanKind::DeleteOffsets => {
            let (earliest, latest) = crate::engine::plan::restart_outcomes(&c.plan.rows);
            bottom.push(Line::from(format!(
                "Then the group restarts from its auto.offset.reset: earliest replays {earliest}, latest skips {latest}."
            )));
        }
        PlanKind::DeleteMessages => {
            let gone: i64 = c.plan.rows.iter().filter_map(|r| Some(r.target? - r.start?)).sum();
            bottom.push(Line::from(format!("In all: {gone} message(s) deleted.")));
        }
        PlanKind::Reset => {
            let (replayed, skipped) = c.plan.totals();
            let lag = c.plan.lag_totals().map(|(n, a)| format!(" Lag: {n} now, {a} after.")).unwrap_or_default();
            bottom.push(Line::from(format!("In all: {replayed} message(s) consumed again, {skipped} skipped.{lag}")));
            if let Some(u) = crate::engine::plan::unknown_note(&c.plan.rows) {
                bottom.push(Line::styled(format!("NOT COUNTED: {u}."), alarm));
            }
        }
    }
    let peek = match (kind == PlanKind::Reset, c.type_name().is_some()) {
        (false, _) => "",
        (true, false) => "; p peeks at the › row",
        (true, true) => "; Ctrl-P peeks at the › row",
    };
    bottom.push(Line::from(format!(
        "{} call(s) will be sent. Ctrl-S saves it as a plan file{peek}.",
        c.plan.calls.len()
    )));
    if kind == PlanKind::DeleteMessages {
        bottom.push(Line::styled("Deleted messages cannot be brought back.", alarm));
    }
    bottom.push(prompt(c, &th));
    Sheet {
        title: title.into(),
        top,
        header: Some(Line::styled(header, th.bold())),
        body,
        bottom,
        min_width: MIN_WIDTH,
        border,
    }
}

/// One plan row in the columns of its kind; the row `p` peeks at is marked `›`, not only coloured.
fn row_text(kind: PlanKind, r: &crate::engine::plan::Row, peeked: bool) -> String {
    let show = |v: Option<i64>| v.map_or("-".to_owned(), |x| x.to_string());
    let topic =
        if peeked && kind == PlanKind::Reset { format!("›{}", clip(&r.topic, 13)) } else { clip(&r.topic, 14) };
    match kind {
        PlanKind::DeleteOffsets => {
            let earliest = r.replays_if_earliest().map_or("-".to_owned(), |n| format!("replay {n}"));
            let latest = r.skips_if_latest().map_or("-".to_owned(), |n| format!("skip {n}"));
            format!(
                "{topic:<14}{:>5} {:>9} {:>9} {:>9} {earliest:>11} {latest:>11}",
                r.partition,
                show(r.current),
                show(r.start),
                show(r.end)
            )
        }
        PlanKind::DeleteMessages => {
            let gone = r.target.zip(r.start).map(|(t, s)| t - s);
            let (start, end, new) = (show(r.start), show(r.end), show(r.target));
            format!("{topic:<14}{:>5} {start:>9} {end:>9} {new:>9} {:>9}", r.partition, show(gone))
        }
        PlanKind::Reset => {
            let clamp = if r.clamped { " clamped" } else { "" };
            format!(
                "{topic:<14}{:>5} {:>9} {:>9} {:>9} {:>13} {:>9}{clamp}",
                r.partition,
                show(r.current),
                show(r.end),
                show(r.target),
                r.effect(),
                show(r.lag_after())
            )
        }
    }
}

/// The last line: what a key would do here.
fn prompt(c: &Confirm, th: &Theme) -> Line<'static> {
    if c.view_only {
        return Line::styled("DRY RUN: nothing will be sent from here. Esc closes.", th.bold());
    }
    if c.stale.is_some() {
        return Line::styled("Not runnable as shown: Ctrl-R plans it again.", th.bold());
    }
    if c.plan.calls.is_empty() {
        return Line::styled("Nothing to change: nothing will be sent. Esc closes.", th.bold());
    }
    match c.type_name() {
        Some(name) => typed_prompt(name, c.typed.value(), &c.plan.confirmation, th),
        None if c.back => Line::from("Proceed? y / n (b goes back to edit)"),
        None => Line::from("Proceed? y / n"),
    }
}

/// "Type `name` to proceed: what was typed", and whether it matches, by the rule that accepts it.
pub fn typed_prompt(name: &str, typed: &str, rule: &crate::engine::safety::Confirmation, th: &Theme) -> Line<'static> {
    let ok = rule.accepts(typed);
    let hint = match (ok, typed.is_empty()) {
        (true, _) => Span::styled("  Enter runs it", th.fg(Color::Green)),
        (false, true) => Span::raw(""),
        (false, false) => Span::styled("  does not match yet", th.fg(Color::Red)),
    };
    Line::from(vec![
        Span::raw(format!("Type `{name}` to proceed: ")),
        Span::styled(format!("{typed}▏"), if ok { th.fg(Color::Green) } else { th.bold() }),
        hint,
    ])
}
