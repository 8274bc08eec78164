//! The modals: help, the three forms, planning, the confirmation, and the quit question.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::layout::confirm_room;
use super::state::{AppState, Confirm, Modal};
use super::view::Theme;

pub(super) fn popup(f: &mut Frame<'_>, title: &str, width: u16, height: u16, border: Style) -> Rect {
    let area = f.area();
    let w = width.min(area.width);
    let h = height.min(area.height);
    let r = Rect::new((area.width - w) / 2, (area.height - h) / 2, w, h);
    f.render_widget(Clear, r);
    let block = Block::default().borders(Borders::ALL).border_style(border).title(format!(" {title} "));
    let inner = block.inner(r);
    f.render_widget(block, r);
    inner
}

pub(super) fn field<'a>(label: &'a str, value: String, focused: bool, th: &Theme) -> Line<'a> {
    let style = if focused { th.selected() } else { Style::default() };
    Line::from(vec![Span::styled(format!("{label:<12}"), th.bold()), Span::styled(value, style)])
}

/// Draws a modal over the screen.
pub fn render(f: &mut Frame<'_>, s: &AppState, m: &Modal, th: &Theme) {
    let w = f.area().width.saturating_sub(4).min(100);
    match m {
        Modal::Help(scroll) => {
            let (width, rows) = super::help::room(s);
            let all = super::help::lines(s, th, width);
            let n = all.len();
            let rows = rows.min(n);
            let inner = popup(f, "keys", w, rows as u16 + 3, Style::default());
            let first = (*scroll).min(n.saturating_sub(rows));
            let mut lines: Vec<Line<'_>> = all.into_iter().skip(first).take(rows).collect();
            lines.push(Line::styled(
                format!("lines {}-{} of {n} · ↑↓ PgUp PgDn scroll · Esc closes", first + 1, first + rows),
                th.fg(Color::DarkGray),
            ));
            f.render_widget(Paragraph::new(lines), inner);
        }
        Modal::Reset(form) => super::reset_form_view::render(f, s, form, th, w),
        Modal::DeleteOffsets(form) => {
            let inner = popup(
                f,
                &format!("delete committed offsets: group {} on {}", form.group, form.instance),
                w,
                form.topics.len() as u16 + 7,
                th.fg(Color::Red),
            );
            let mut lines = vec![Line::from("Choose the topics whose committed offsets this group forgets (Space):")];
            for (i, (t, on)) in form.topics.iter().enumerate() {
                let style = if i == form.cursor { th.selected() } else { Style::default() };
                lines.push(Line::styled(format!("  [{}] {t}", if *on { "x" } else { " " }), style));
            }
            lines.push(Line::from("The group then starts from its auto.offset.reset position on them."));
            if let Some(e) = &form.error {
                lines.push(Line::styled(e.clone(), th.fg(Color::Red)));
            }
            f.render_widget(Paragraph::new(lines), inner);
        }
        Modal::DeleteMessages(form) => {
            let inner = popup(
                f,
                &format!("delete messages: topic {} on {}", form.topic, form.instance),
                w,
                16,
                th.fg(Color::Red),
            );
            let rows = inner.height.saturating_sub(4) as usize;
            let first = form.cursor.saturating_sub(rows.saturating_sub(1));
            let mut lines =
                vec![Line::from("Messages BEFORE each offset are deleted. Empty = untouched, `end` = all.")];
            for (i, r) in form.rows.iter().enumerate().skip(first).take(rows) {
                let b = r.bounds.map_or("log ?..?".to_owned(), |(a, b)| format!("log {a}..{b}"));
                let lost = match (r.parsed(), r.messages_lost()) {
                    // The row keeps the verdict; the fix ("write …") is under the form after Enter.
                    (Err(e), _) => Span::styled(e.split(';').next().unwrap_or_default().to_owned(), th.fg(Color::Red)),
                    (Ok(None), _) => Span::raw(""),
                    (Ok(Some(_)), Some(n)) => {
                        Span::styled(format!("{n} message(s) deleted"), th.fg(Color::Red).add_modifier(Modifier::BOLD))
                    }
                    (Ok(Some(_)), None) => Span::raw("count unknown until live data arrives"),
                };
                let style = if i == form.cursor { th.selected() } else { Style::default() };
                lines.push(Line::from(vec![
                    Span::raw(format!("  p{:<4} {b:<18} ", r.partition)),
                    Span::styled(format!("{:<10}", r.offset.value()), style),
                    Span::raw(" "),
                    lost,
                ]));
            }
            if let Some(e) = &form.error {
                lines.push(Line::styled(e.clone(), th.fg(Color::Red)));
            }
            f.render_widget(Paragraph::new(lines), inner);
        }
        Modal::Planning { what, progress, .. } => {
            let inner = popup(f, "planning", w.min(70), 6, Style::default());
            let mut lines = vec![Line::from(what.clone())];
            if let Some(p) = progress {
                lines.push(Line::styled(p.clone(), th.fg(Color::Cyan)));
            }
            lines.push(Line::from("Nothing has been sent. Esc cancels."));
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        Modal::Confirm(c) => confirm(f, s, c, th, w),
        Modal::ConfirmBatch(c) => super::batch_view::render(f, c, th, w),
        Modal::Peek(v) => super::peek::render(f, s, v, th, w),
        Modal::Interrupted(b) => super::interrupted::render(f, s, *b, th, w),
        Modal::UndoPick(p) => super::undo_pick::render(f, p, th, w),
        Modal::CancelConfirm { job } => {
            let inner = popup(f, "cancel?", 64, 4, th.fg(Color::Yellow));
            f.render_widget(
                Paragraph::new(vec![
                    Line::from(format!("Cancel job {job}? Calls in flight finish; the rest are not sent.")),
                    Line::from("y cancels (u then restores its snapshot) · n keeps it running"),
                ]),
                inner,
            );
        }
        Modal::QuitConfirm => {
            let inner = popup(f, "quit?", 60, 4, th.fg(Color::Yellow));
            f.render_widget(
                Paragraph::new(vec![
                    Line::from("A job is running. Quit anyway? Calls in flight will finish or time out."),
                    Line::from("y quits · n stays"),
                ]),
                inner,
            );
        }
    }
}

fn confirm(f: &mut Frame<'_>, _s: &AppState, c: &Confirm, th: &Theme, w: u16) {
    let border = if c.destructive() { th.fg(Color::Red) } else { th.fg(Color::Yellow) };
    let h = f.area().height.saturating_sub(2).min(22);
    let deleting = c.plan.calls.iter().any(|x| x.op == "DeleteMessages");
    let forgetting = c.plan.kind == crate::engine::plan::PlanKind::DeleteOffsets;
    let area = f.area();
    if let Some((need_w, need_h)) = c.too_small((area.width, area.height)) {
        let inner = popup(f, "terminal too small", area.width, area.height, border);
        f.render_widget(
            Paragraph::new(vec![
                Line::styled(format!("terminal too small: need {need_w} x {need_h}"), th.bold()),
                Line::from(format!("(now {} x {}) to show this plan and its prompt.", area.width, area.height)),
                Line::from("Enlarge the window; Esc cancels."),
            ])
            .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let title = match (c.destructive(), &c.plan.undoes) {
        (true, _) => "confirm DELETE",
        (false, Some(_)) => "confirm undo",
        (false, None) => "confirm reset",
    };
    let inner = popup(f, title, w, h, border);
    let mut lines = vec![Line::styled(c.plan.summary.clone(), th.bold())];
    if let Some(moved) = &c.stale {
        lines.push(Line::styled(
            format!("STALE: the live state moved since this plan ({moved}). Ctrl-R plans it again."),
            th.fg(Color::Red).add_modifier(Modifier::BOLD),
        ));
    }
    let show = |v: Option<i64>| v.map_or("-".to_owned(), |x| x.to_string());
    if deleting {
        lines.push(Line::styled(
            format!("{:<14}{:>5} {:>9} {:>9} {:>9} {:>9}", "topic", "part", "start", "end", "new start", "deleted"),
            th.bold(),
        ));
    } else if forgetting {
        lines.push(Line::styled(
            format!(
                "{:<14}{:>5} {:>9} {:>9} {:>9} {:>11} {:>11}",
                "topic", "part", "committed", "start", "end", "if earliest", "if latest"
            ),
            th.bold(),
        ));
    } else {
        lines.push(Line::styled(
            format!(
                "{:<14}{:>5} {:>9} {:>9} {:>9} {:>13} {:>9}",
                "topic", "part", "committed", "end", "target", "effect", "lag after"
            ),
            th.bold(),
        ));
    }
    let notes = c.plan.notes.len() + usize::from(c.stale.is_some());
    let (_, _, room) = confirm_room(area.width, area.height, &c.plan.summary, notes, deleting);
    for (i, r) in c.plan.rows.iter().skip(c.scroll).take(room).enumerate() {
        let clamp = if r.clamped { " clamped" } else { "" };
        // The top row is the one `p` peeks at: a marker, not only a colour.
        let peekable = c.plan.kind == crate::engine::plan::PlanKind::Reset;
        let topic = if i == 0 && peekable { format!("›{}", clip(&r.topic, 13)) } else { clip(&r.topic, 14) };
        if forgetting {
            let earliest = r.replays_if_earliest().map_or("-".to_owned(), |n| format!("replay {n}"));
            let latest = r.skips_if_latest().map_or("-".to_owned(), |n| format!("skip {n}"));
            lines.push(Line::from(format!(
                "{topic:<14}{:>5} {:>9} {:>9} {:>9} {earliest:>11} {latest:>11}",
                r.partition,
                show(r.current),
                show(r.start),
                show(r.end)
            )));
        } else if deleting {
            let gone = r.target.zip(r.start).map(|(t, s)| t - s);
            lines.push(Line::from(format!(
                "{:<14}{:>5} {:>9} {:>9} {:>9} {:>9}",
                clip(&r.topic, 14),
                r.partition,
                show(r.start),
                show(r.end),
                show(r.target),
                show(gone)
            )));
        } else {
            lines.push(Line::from(format!(
                "{topic:<14}{:>5} {:>9} {:>9} {:>9} {:>13} {:>9}{clamp}",
                r.partition,
                show(r.current),
                show(r.end),
                show(r.target),
                r.effect(),
                show(r.lag_after())
            )));
        }
    }
    if c.plan.rows.len() > room {
        lines.push(Line::styled(format!("… {} rows in all (↑↓ scroll)", c.plan.rows.len()), th.fg(Color::DarkGray)));
    }
    for n in &c.plan.notes {
        lines.push(Line::styled(format!("note: {n}"), th.fg(Color::DarkGray)));
    }
    if forgetting {
        let (earliest, latest) = crate::engine::plan::restart_outcomes(&c.plan.rows);
        lines.push(Line::from(format!(
            "Then the group restarts from its auto.offset.reset: earliest replays {earliest}, latest skips {latest}."
        )));
    } else if !deleting {
        let (replayed, skipped) = c.plan.totals();
        let lag = c.plan.lag_totals().map(|(n, a)| format!(" Lag: {n} now, {a} after.")).unwrap_or_default();
        lines.push(Line::from(format!("In all: {replayed} message(s) consumed again, {skipped} skipped.{lag}")));
        if let Some(u) = crate::engine::plan::unknown_note(&c.plan.rows) {
            lines.push(Line::styled(format!("NOT COUNTED: {u}."), th.fg(Color::Red).add_modifier(Modifier::BOLD)));
        }
    }
    let peek = match (c.plan.kind == crate::engine::plan::PlanKind::Reset, c.type_name().is_some()) {
        (false, _) => "",
        (true, false) => "; p peeks at the › row",
        (true, true) => "; Ctrl-P peeks at the › row",
    };
    lines.push(Line::from(format!(
        "{} call(s) will be sent. Ctrl-S saves it as a plan file{peek}.",
        c.plan.calls.len()
    )));
    if deleting {
        lines.push(Line::styled(
            "Deleted messages cannot be brought back.",
            th.fg(Color::Red).add_modifier(Modifier::BOLD),
        ));
    }
    match c.type_name() {
        _ if c.view_only => {
            lines.push(Line::styled("DRY RUN: nothing will be sent from here. Esc closes.", th.bold()));
        }
        _ if c.stale.is_some() => lines.push(Line::styled("Not runnable as shown: Ctrl-R plans it again.", th.bold())),
        Some(name) => {
            let ok = c.typed.value() == name;
            let typed = c.typed.value();
            let hint = match (ok, typed.is_empty()) {
                (true, _) => Span::styled("  Enter runs it", th.fg(Color::Green)),
                (false, true) => Span::raw(""),
                (false, false) => Span::styled("  does not match yet", th.fg(Color::Red)),
            };
            lines.push(Line::from(vec![
                Span::raw(format!("Type `{name}` to proceed: ")),
                Span::styled(format!("{typed}▏"), if ok { th.fg(Color::Green) } else { th.bold() }),
                hint,
            ]));
        }
        None => lines.push(Line::from("Proceed? y / n (b goes back to edit)")),
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// Cuts a name to a column width, marking the cut.
pub(super) fn clip(s: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    if s.chars().count() <= width {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(width - 1).collect::<String>())
    }
}
