//! The reset form: scope, the group's state when it would be refused, the strategies wrapped under their label, the
//! value with a real cursor, and what the value means or what is wrong with it, as it is typed.

use ratatui::Frame;
use ratatui::style::{Color, Modifier};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::forms::{ResetField, ResetForm};
use super::modal_view::{clip, field, popup};
use super::state::AppState;
use super::view::Theme;

/// The labels' column.
const LABEL_W: usize = 12;

pub fn render(f: &mut Frame<'_>, s: &AppState, form: &ResetForm, th: &Theme, w: u16) {
    let title = match form.groups.len() {
        0 => format!("reset offsets: group {} on {}", form.group, form.instance),
        n => format!("reset offsets: {n} marked groups on {}", form.instance),
    };
    let inner = popup(f, &title, w, 16, th.fg(Color::Cyan));
    let width = inner.width as usize;
    let tz = jiff::tz::TimeZone::get(&s.zone_name).unwrap_or(jiff::tz::TimeZone::UTC);
    let parts = form.partitions.value();
    let mut lines: Vec<Line<'_>> = Vec::new();
    let label = |t: &str| format!("{t:<LABEL_W$}");
    if form.groups.is_empty() {
        lines.push(Line::from(clip(&format!("{}{}", label("topics:"), form.topics.join(", ")), width)));
        lines.push(field(
            "partitions",
            if parts.is_empty() { "all (type e.g. 0,3,5)".into() } else { parts.to_owned() },
            form.focus == ResetField::Partitions,
            th,
        ));
    } else {
        lines.push(Line::from(clip(&format!("{}{}", label("groups:"), form.groups.join(", ")), width)));
        lines.push(Line::from(format!("{}each group's committed topics, all partitions", label("topics:"))));
    }
    // An active group is refused: said when the form opens, with what to do, not only after Enter.
    if let Some(active) = active_line(s, form).filter(|_| form.error.is_none()) {
        lines.push(Line::styled(active, th.fg(Color::Red).add_modifier(Modifier::BOLD)));
    }
    // The strategies wrap under their label, never under it mid-word.
    let focused = form.focus == ResetField::Strategy;
    let mut row: Vec<Span<'_>> = vec![Span::styled(label("strategy"), th.bold())];
    let mut used = LABEL_W;
    for (i, k) in form.offered.iter().enumerate() {
        let text = if form.strategy == Some(i) { format!("[{}]", k.label()) } else { k.label().to_owned() };
        if used + text.len() + 2 > width && used > LABEL_W {
            lines.push(Line::from(std::mem::take(&mut row)));
            row.push(Span::raw(" ".repeat(LABEL_W)));
            used = LABEL_W;
        }
        let style = if focused && form.strategy.is_none_or(|c| c == i) { th.selected() } else { Default::default() };
        used += text.len() + 2;
        row.push(Span::styled(text, style));
        row.push(Span::raw("  "));
    }
    lines.push(Line::from(row));
    // Rows above the value, counting the lines that wrap.
    let value_row: usize = lines.iter().map(|l| super::wrap::height(l, width)).sum();
    lines.push(field("value", form.value.value().to_owned(), form.focus == ResetField::Value, th));
    lines.push(Line::styled(
        form.kind().map_or("choose a strategy with ← → (nothing is chosen for you)", |k| k.help()),
        th.fg(Color::DarkGray),
    ));
    if let Err(e) = form.parsed_partitions() {
        lines.push(Line::styled(format!("partitions: {e}"), th.fg(Color::Red)));
    }
    match form.parsed_strategy(&tz, &s.zone_name) {
        Ok(crate::core::strategy::ResetStrategy::ToDatetime { at, .. }) => lines.push(Line::styled(
            format!("= {}", crate::core::strategy::echo_time(at, &tz, &s.zone_name)),
            th.fg(Color::Green),
        )),
        Ok(st) => {
            lines.push(Line::styled(format!("= {}", crate::engine::plan::describe_strategy(&st)), th.fg(Color::Green)))
        }
        Err(e) if form.kind().is_some() && (!form.value.value().is_empty() || form.error.is_some()) => {
            lines.push(Line::styled(e, th.fg(Color::Red)))
        }
        Err(_) => {}
    }
    // After Enter (or a plan that failed), the error is shown once: not again when a live check above says it.
    let said = |e: &str| lines.iter().any(|l| l.to_string().ends_with(e));
    if let Some(e) = form.error.as_ref().filter(|e| !said(e)) {
        lines.push(Line::styled(e.clone(), th.fg(Color::Red).add_modifier(Modifier::BOLD)));
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(
        "Enter reads the live offsets and shows exactly what will change. Nothing is sent yet.",
        th.fg(Color::DarkGray),
    ));
    f.render_widget(Paragraph::new(super::wrap::lines(&lines, inner.width as usize)), inner);
    // The terminal's own cursor sits where typing goes.
    let (input, y) = match form.focus {
        ResetField::Value => (Some(&form.value), value_row),
        ResetField::Partitions if form.groups.is_empty() => (Some(&form.partitions), 1),
        _ => (None, 0),
    };
    if let Some(input) = input {
        let x = (LABEL_W + input.visual_cursor()).min(width.saturating_sub(1)) as u16;
        f.set_cursor_position((inner.x + x, inner.y + y as u16));
    }
}

/// The group's state when it has members, with the next step.
fn active_line(s: &AppState, form: &ResetForm) -> Option<String> {
    let snap = s
        .live
        .groups
        .get(&crate::core::target::GroupRef::new(form.instance.clone(), form.group.clone()))?
        .as_ref()
        .ok()?;
    if snap.is_inactive() {
        return None;
    }
    let members: Vec<String> = snap.members.iter().take(3).map(|m| m.client_id.clone()).collect();
    Some(format!(
        "{} with {} member(s) ({}): a reset is refused. Stop these consumers, wait for the session timeout (typically 10-45 s), then R to re-check.",
        crate::core::live::state_word(&snap.state),
        snap.members.len(),
        members.join(", ")
    ))
}
