//! The undo picker: the instance's restorable snapshots, newest first, each with what its write did; Enter plans
//! the undo of the chosen one, previewed and confirmed like any write.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::style::{Color, Modifier};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::modal_view::{clip, popup};
use super::state::{AppState, Modal};
use super::update::{Step, plan};
use super::view::Theme;
use crate::engine::order::{Order, UndoFrom};
use crate::engine::snapshot::Listed;

/// The open picker.
#[derive(Debug, Clone)]
pub struct UndoPick {
    pub instance: String,
    /// `None` until the list arrives.
    pub items: Option<Vec<Listed>>,
    pub cursor: usize,
    /// Showing the snapshots of other real targets of the same name too (`a`).
    pub all: bool,
}

pub(super) fn key(s: &mut AppState, mut p: UndoPick, key: KeyEvent) -> Step {
    let n = p.items.as_ref().map_or(0, Vec::len);
    use crate::tui::modes::Verb;
    match crate::tui::modes::verb(crate::tui::modes::Mode::UndoPick, key) {
        Some(Verb::Cancel) => return Step::redraw(),
        Some(Verb::Down) => p.cursor = (p.cursor + 1).min(n.saturating_sub(1)),
        Some(Verb::Up) => p.cursor = p.cursor.saturating_sub(1),
        Some(Verb::Others) => {
            p.all = !p.all;
            p.items = None;
            p.cursor = 0;
            let cmd = crate::engine::worker::Command::ListSnapshots { instance: p.instance.clone(), all: p.all };
            s.modal = Some(Modal::UndoPick(p));
            return Step::send(cmd);
        }
        Some(Verb::Run) => {
            if let Some(item) = p.items.as_ref().and_then(|i| i.get(p.cursor)) {
                let (modal, effects) = plan(s, Order::Undo(UndoFrom::File(item.path.clone())), None);
                s.modal = modal;
                return Step { redraw: true, effects };
            }
        }
        _ => {}
    }
    s.modal = Some(Modal::UndoPick(p));
    Step::redraw()
}

/// A snapshot's time in the zone the log uses (snapshots keep UTC), so one screen never mixes two zones.
fn local(time: &str, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    match time.parse::<jiff::Timestamp>() {
        Ok(t) => t.to_zoned(tz).strftime("%Y-%m-%d %H:%M:%S").to_string(),
        Err(_) => crate::core::inert::inert(time).into_owned(),
    }
}

pub fn render(f: &mut Frame<'_>, p: &UndoPick, zone: &str, th: &Theme, w: u16) {
    let h = f.area().height.saturating_sub(2).min(18);
    let title = format!("undo on {}: pick a snapshot (times in {zone})", p.instance);
    let inner = popup(f, &title, w, h, th.fg(Color::Yellow));
    let width = inner.width as usize;
    let mut lines: Vec<Line<'_>> = Vec::new();
    match &p.items {
        None => lines.push(Line::from("reading the snapshots…")),
        Some(items) if items.is_empty() => {
            lines.push(Line::from("no snapshot of this instance can be restored (message deletes cannot be undone)"))
        }
        Some(items) => {
            let rows = (inner.height as usize).saturating_sub(3) / 2;
            let first = p.cursor.saturating_sub(rows.saturating_sub(1));
            for (i, it) in items.iter().enumerate().skip(first).take(rows.max(1)) {
                let style = if i == p.cursor { th.selected().add_modifier(Modifier::BOLD) } else { Default::default() };
                let mark = if i == p.cursor { "›" } else { " " };
                let group = it.group.as_deref().unwrap_or("-");
                lines.push(Line::styled(
                    clip(&format!("{mark} {}  group {group}", local(&it.time, zone)), width),
                    style,
                ));
                match &it.other {
                    Some(why) => lines.push(Line::styled(
                        clip(&format!("    OTHER TARGET, undo refuses it: {why}"), width),
                        th.fg(Color::Red),
                    )),
                    None => lines.push(Line::styled(
                        clip(&format!("    before: {}", it.summary), width),
                        th.fg(Color::DarkGray),
                    )),
                }
            }
            lines.push(Line::from(format!("{} snapshot(s), newest first", items.len())));
        }
    }
    let which = if p.all { "a: this target's only" } else { "a: other targets' too" };
    lines.push(Line::styled(
        format!("↑↓ choose · Enter previews the undo · {which} · Esc closes"),
        th.fg(Color::DarkGray),
    ));
    f.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    #[test]
    fn snapshot_times_show_in_the_logs_zone() {
        assert_eq!(super::local("2026-12-01T10:00:00Z", "Asia/Shanghai"), "2026-12-01 18:00:00");
        assert_eq!(super::local("2026-12-01T10:00:00Z", "UTC"), "2026-12-01 10:00:00");
        assert_eq!(super::local("not a time\u{1b}[2J", "UTC"), "not a time\\x1b[2J", "kept inert");
    }
}
