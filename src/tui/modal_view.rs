//! The modals: help, the three forms, planning, the confirmation, and the quit question.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::state::{AppState, Modal};
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
            f.render_widget(Paragraph::new(super::wrap::lines(&lines, inner.width as usize)), inner);
        }
        Modal::Confirm(c) => super::sheet::render(f, &super::confirm_view::fit(c, s.size, th), th),
        Modal::ConfirmBatch(c) => super::sheet::render(f, &super::batch_view::fit(c, s.size, th), th),
        Modal::Peek(v) => super::peek::render(f, s, v, th, w),
        Modal::Interrupted(b) => super::interrupted::render(f, s, *b, th, w),
        Modal::UndoPick(p) => super::undo_pick::render(f, p, &s.zone_name, th, w),
        Modal::CancelConfirm { .. } | Modal::QuitConfirm => {
            let sheet = question(m, th).expect("a question");
            super::sheet::render(f, &sheet.fit(s.size, 0), th);
        }
        // Drawn where they are typed: the filter in the pane's title, the line over the hint bar.
        Modal::Filter(_) | Modal::Command(_) => {}
    }
}

/// The yes/no questions as sheets, so `y` is taken only when the question was drawn whole.
pub(super) fn question(m: &Modal, th: &Theme) -> Option<super::sheet::Sheet<'static>> {
    let (title, text, answer) = match m {
        Modal::CancelConfirm { job } => (
            "cancel?",
            format!("Cancel job {job}? Calls in flight finish; the rest are not sent."),
            "y cancels (u then restores its snapshot) · n keeps it running",
        ),
        Modal::QuitConfirm => (
            "quit?",
            "A job is running. Quit anyway? Calls in flight will finish or time out.".to_owned(),
            "y quits · n stays",
        ),
        _ => return None,
    };
    Some(super::sheet::Sheet {
        title: title.into(),
        top: vec![Line::from(text)],
        bottom: vec![Line::from(answer)],
        min_width: 20,
        border: th.fg(Color::Yellow),
        ..Default::default()
    })
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
