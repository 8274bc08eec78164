//! The peek: from a reset's confirmation, the messages at a row's target and around it (offset, time, key, size,
//! the first bytes of the value, made inert), and from there a plan that skips one message: the poison-message
//! workflow.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::style::{Color, Modifier};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::modal_view::{clip, popup};
use super::state::{AppState, Confirm, Modal};
use super::update::{Step, plan};
use super::view::Theme;
use crate::core::strategy::ResetStrategy;
use crate::engine::order::{Order, Topics};
use crate::engine::peek::Peek;
use crate::engine::worker::Command;

/// The open peek.
#[derive(Debug, Clone)]
pub struct PeekView {
    /// The confirmation it was opened from, to go back to (none: opened on a tree or groups-view row).
    pub back: Option<Box<Confirm>>,
    /// The group it was opened on, when not from a confirmation: `s` then plans its skip.
    pub group: Option<crate::core::target::GroupRef>,
    /// Enter: the chosen message's value on the whole popup, wrapped.
    pub open: bool,
    pub request: u64,
    pub topic: String,
    pub partition: i32,
    pub target: i64,
    /// Until the read ends: `None`.
    pub result: Option<Result<Peek, String>>,
    /// The selected message.
    pub cursor: usize,
}

/// `p` in a confirmation: the messages around the first shown row's target.
pub(super) fn open(s: &mut AppState, c: Confirm) -> Step {
    let row = c.plan.rows.get(c.peek_row()).cloned();
    let Some((row, target)) = row.and_then(|r| r.target.map(|t| (r, t))) else {
        s.modal = Some(Modal::Confirm(c));
        return super::update::status(s, "peek: this row's target is not known before the call");
    };
    let request = s.take_id();
    let instance = c.plan.target.instance.clone();
    let topic = crate::core::target::TopicRef::new(instance, row.topic.clone());
    let cmd = Command::Peek { request, topic, partition: row.partition, target };
    s.modal = Some(Modal::Peek(PeekView {
        group: c.plan.group_ref.clone(),
        back: Some(Box::new(c)),
        open: false,
        request,
        topic: row.topic,
        partition: row.partition,
        target,
        result: None,
        cursor: 0,
    }));
    Step::send(cmd)
}

pub(super) fn key(s: &mut AppState, mut v: PeekView, key: KeyEvent) -> Step {
    let n = v.result.as_ref().and_then(|r| r.as_ref().ok()).map_or(0, |p| p.messages.len());
    use crate::tui::modes::Verb;
    match crate::tui::modes::verb(crate::tui::modes::Mode::Peek, key) {
        Some(Verb::Cancel) if v.open => v.open = false,
        Some(Verb::Cancel) => {
            s.modal = v.back.map(|c| Modal::Confirm(*c));
            return Step::redraw();
        }
        Some(Verb::Run) => v.open = !v.open,
        Some(Verb::Down) => v.cursor = (v.cursor + 1).min(n.saturating_sub(1)),
        Some(Verb::Up) => v.cursor = v.cursor.saturating_sub(1),
        // Skip exactly the selected message: this partition to the offset after it, planned and confirmed anew.
        Some(Verb::Skip) => {
            let peek = v.result.as_ref().and_then(|r| r.as_ref().ok());
            let skip = peek.and_then(|p| p.skip_past(v.cursor));
            if peek.is_some_and(|p| p.messages.get(v.cursor).is_some()) && skip.is_none() {
                s.modal = Some(Modal::Peek(v));
                return super::update::status(s, "this message is at the last offset there can be: nothing follows it");
            }
            if let (Some(to), Some(group)) = (skip, v.group.clone()) {
                let order = Order::Reset {
                    group,
                    topics: Topics::Named(vec![v.topic.clone()]),
                    partitions: vec![v.partition],
                    strategy: ResetStrategy::ToOffset(to),
                };
                let (modal, effects) = plan(s, order, None);
                s.modal = modal;
                return Step { redraw: true, effects };
            }
        }
        _ => {}
    }
    s.modal = Some(Modal::Peek(v));
    Step::redraw()
}

/// `p` on a row of the trees or the groups view: the messages at the committed offset of the group's laggiest
/// partition there (of the topic, or that partition), read from the live state the dashboard has.
pub(super) fn open_at_committed(
    s: &mut AppState,
    group: crate::core::target::GroupRef,
    topic: Option<&str>,
    partition: Option<i32>,
) -> Step {
    let snap = s.live.groups.get(&group).and_then(|r| r.as_ref().ok());
    let stuck = snap.and_then(|g| {
        g.partitions
            .iter()
            .filter(|p| topic.is_none_or(|t| p.topic == t) && partition.is_none_or(|n| p.partition == n))
            .filter(|p| p.committed.is_some())
            .max_by_key(|p| p.lag().unwrap_or(0))
    });
    let Some(p) = stuck else {
        return super::update::status(s, "peek: no committed offset here is known yet (wait for the live read, or R)");
    };
    let (topic, partition, target) = (p.topic.clone(), p.partition, p.committed.unwrap_or_default());
    let request = s.take_id();
    let cmd = Command::Peek {
        request,
        topic: crate::core::target::TopicRef::new(group.instance.clone(), topic.clone()),
        partition,
        target,
    };
    s.modal = Some(Modal::Peek(PeekView {
        back: None,
        group: Some(group),
        open: false,
        request,
        topic,
        partition,
        target,
        result: None,
        cursor: 0,
    }));
    Step::send(cmd)
}

pub fn render(f: &mut Frame<'_>, s: &AppState, v: &PeekView, th: &Theme, w: u16) {
    if v.open
        && let Some(Ok(p)) = &v.result
        && let Some(m) = p.messages.get(v.cursor)
    {
        let title = format!("offset {} of {} partition {}: the value as kept (inert)", m.offset, v.topic, v.partition);
        let inner = popup(f, &title, w, f.area().height.saturating_sub(2), th.fg(Color::Cyan));
        let value = m.value.as_deref().map_or("(no value)".into(), crate::core::inert::inert_lines);
        let size = m.size.map_or(String::new(), |n| format!(" of {n} bytes"));
        let mut lines: Vec<Line<'_>> = value.lines().map(|l| Line::from(l.to_owned())).collect();
        lines.push(Line::styled(
            format!("{} bytes kept{size} · Enter or Esc: back to the list", m.value.as_ref().map_or(0, String::len)),
            th.fg(Color::DarkGray),
        ));
        let mut rows = super::wrap::lines(&lines, inner.width as usize);
        let room = inner.height as usize;
        if rows.len() > room {
            let foot = rows.pop();
            rows.truncate(room.saturating_sub(1));
            rows.extend(foot);
        }
        f.render_widget(Paragraph::new(rows), inner);
        return;
    }
    let h = f.area().height.saturating_sub(2).min(16);
    let title = format!("peek: {} partition {} around offset {}", v.topic, v.partition, v.target);
    let inner = popup(f, &title, w, h, th.fg(Color::Cyan));
    let width = inner.width as usize;
    let tz = jiff::tz::TimeZone::get(&s.zone_name).unwrap_or(jiff::tz::TimeZone::UTC);
    let mut lines: Vec<Line<'_>> = Vec::new();
    match &v.result {
        None => lines.push(Line::from("reading the messages… (nothing is sent but reads)")),
        Some(Err(e)) => lines.push(Line::styled(crate::core::inert::inert(e).into_owned(), th.fg(Color::Red))),
        Some(Ok(p)) if p.messages.is_empty() => lines.push(Line::from(format!(
            "no messages around offset {} (the target is the log end: the next message written, or the log moved)",
            p.target
        ))),
        Some(Ok(p)) => {
            lines.push(Line::styled(
                format!("  {:>10}  {:<19}  {:<14} {:>6}  value", "offset", "written", "key", "size"),
                th.bold(),
            ));
            for (i, m) in p.messages.iter().enumerate() {
                let at = m
                    .timestamp_ms
                    .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
                    .map_or("-".to_owned(), |t| t.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M:%S").to_string());
                let key = m.key.as_deref().map_or("-".into(), crate::core::inert::inert);
                let value = m.value.as_deref().map_or("(no value)".into(), crate::core::inert::inert);
                let size = m.size.map_or("-".to_owned(), |s| s.to_string());
                let mark = format!(
                    "{}{}",
                    if i == v.cursor { "›" } else { " " },
                    if m.offset == p.target { "→" } else { " " }
                );
                let text = format!("{mark}{:>10}  {at:<19}  {:<14} {size:>6}  {value}", m.offset, clip(&key, 14));
                let style = if m.offset == p.target { th.bold() } else { Default::default() };
                lines.push(Line::styled(clip(&text, width), style));
            }
            lines.push(Line::from(""));
            lines.push(Line::styled(
                format!("→ is the target: the group reads it next. Times in {}.", s.zone_name),
                th.fg(Color::DarkGray),
            ));
            if let Some(to) = p.skip_past(v.cursor) {
                lines.push(Line::styled(
                    format!("s skips only this message: partition {} to offset {to}", v.partition),
                    th.fg(Color::Yellow).add_modifier(Modifier::BOLD),
                ));
            }
        }
    }
    let back = if v.back.is_some() { "Esc back to the confirmation" } else { "Esc closes" };
    lines.push(Line::styled(format!("↑↓ choose · Enter the whole value · s skip it · {back}"), th.fg(Color::DarkGray)));
    f.render_widget(Paragraph::new(super::wrap::lines(&lines, inner.width as usize)), inner);
}
