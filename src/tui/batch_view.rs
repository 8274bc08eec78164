//! The confirmation of several groups: one line per group, every partition with its group, the groups left out
//! and why, the totals, and the count to type.

use ratatui::Frame;
use ratatui::style::{Color, Modifier};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::modal_view::{clip, popup};
use super::state::BatchConfirm;
use super::view::Theme;

/// Group lines shown above the table before the rest are summed up in one line.
const GROUP_LINES: usize = 4;

pub fn render(f: &mut Frame<'_>, c: &BatchConfirm, th: &Theme, w: u16) {
    let area = f.area();
    let h = area.height.saturating_sub(2).min(22);
    let b = &c.batch;
    let n = b.plans.len();
    let instance = b.plans.first().map(|p| format!("{} `{}`", p.target.kind, p.target.instance)).unwrap_or_default();
    let inner = popup(f, &format!("confirm reset of {n} groups"), w, h, th.fg(Color::Yellow));
    if area.width < 80 {
        let text = format!("terminal too small: need 80 x 24 (now {} x {}); Esc cancels", area.width, area.height);
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
        return;
    }
    let show = |v: Option<i64>| v.map_or("-".to_owned(), |x| x.to_string());
    let mut head = vec![Line::styled(
        format!("reset {n} group(s) on {instance}: each on its committed topics, all partitions"),
        th.bold(),
    )];
    for p in b.plans.iter().take(GROUP_LINES) {
        let (replayed, skipped) = p.totals();
        head.push(Line::from(format!(
            "  {}: {} partition(s), {replayed} consumed again, {skipped} skipped, {} call(s)",
            p.group.as_deref().unwrap_or_default(),
            p.rows.len(),
            p.calls.len()
        )));
    }
    if n > GROUP_LINES {
        head.push(Line::from(format!("  … and {} more group(s), in the table below", n - GROUP_LINES)));
    }
    let mut foot: Vec<Line<'_>> = b
        .left_out_lines()
        .into_iter()
        .map(|l| Line::styled(l.replacen("left out", "LEFT OUT", 1), th.fg(Color::Red).add_modifier(Modifier::BOLD)))
        .collect();
    let (partitions, replayed, skipped) = b.totals();
    let calls: usize = b.plans.iter().map(|p| p.calls.len()).sum();
    foot.push(Line::from(format!(
        "In all: {partitions} partition(s), {replayed} consumed again, {skipped} skipped; {calls} call(s), one \
         group after another, each snapshotted. Ctrl-S exports the targets as CSV."
    )));
    let name = b.confirmation.name().unwrap_or_default();
    let typed = c.typed.value();
    let ok = typed == name;
    if c.view_only {
        foot.push(Line::styled("DRY RUN: nothing will be sent from here. Esc closes.", th.bold()));
    } else {
        foot.push(Line::from(vec![
            Span::raw(format!("Type `{name}` to proceed: ")),
            Span::styled(format!("{typed}▏"), if ok { th.fg(Color::Green) } else { th.bold() }),
            if ok { Span::styled("  Enter runs it", th.fg(Color::Green)) } else { Span::raw("") },
        ]));
    }
    // Wrapped lines take more than one row: count them at the popup's width.
    let width = inner.width.max(1) as usize;
    let rows_of = |l: &Line<'_>| l.width().div_ceil(width).max(1);
    let fixed: usize = head.iter().chain(&foot).map(rows_of).sum::<usize>() + 2;
    let room = (inner.height as usize).saturating_sub(fixed).max(1);
    let mut lines = head;
    lines.push(Line::styled(
        format!(
            "{:<12}{:<12}{:>5} {:>10} {:>10} {:>12} {:>9}",
            "group", "topic", "part", "committed", "target", "effect", "lag after"
        ),
        th.bold(),
    ));
    let all = c.rows().count();
    for (group, r) in c.rows().skip(c.scroll).take(room) {
        lines.push(Line::from(format!(
            "{:<12}{:<12}{:>5} {:>10} {:>10} {:>12} {:>9}",
            clip(group, 11),
            clip(&r.topic, 11),
            r.partition,
            show(r.current),
            show(r.target),
            r.effect(),
            show(r.lag_after())
        )));
    }
    lines.push(if all > room {
        Line::styled(
            format!("… rows {}-{} of {all} (↑↓ scroll)", c.scroll + 1, (c.scroll + room).min(all)),
            th.fg(Color::DarkGray),
        )
    } else {
        Line::from("")
    });
    lines.extend(foot);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
