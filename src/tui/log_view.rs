//! The log zoomed to the whole screen: scrolled by line or page, searched (`/`, then `n` older and `N` newer), its
//! times labelled with their zone. Every line is kept in full, so a snapshot path or a request id can be selected.

use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::state::{AppState, Level};
use super::update::Step;
use super::view::Theme;

pub(super) fn key(s: &mut AppState, key: KeyEvent) -> Step {
    if let Some(input) = &mut s.log_find {
        match key.code {
            KeyCode::Esc => s.log_find = None,
            KeyCode::Enter => {
                s.log_query = input.value().to_lowercase();
                s.log_find = None;
                return find(s, true, 0);
            }
            _ => {
                input.handle_event(&Event::Key(key));
            }
        }
        return Step::redraw();
    }
    let page = (s.size.1 as usize).saturating_sub(4).max(1);
    let last = s.log.len().saturating_sub(1);
    use super::modes::{Mode, Verb, verb};
    match verb(Mode::LogZoom, key) {
        Some(Verb::Cancel) => s.screen = super::state::Screen::Panes(s.screen.base()),
        Some(Verb::Up) => s.log_scroll = (s.log_scroll + 1).min(last),
        Some(Verb::Down) => s.log_scroll = s.log_scroll.saturating_sub(1),
        Some(Verb::PageUp) => s.log_scroll = (s.log_scroll + page).min(last),
        Some(Verb::PageDown) => s.log_scroll = s.log_scroll.saturating_sub(page),
        Some(Verb::First) => s.log_scroll = last,
        Some(Verb::Last) => s.log_scroll = 0,
        Some(Verb::Search) => s.log_find = Some(Input::default()),
        Some(Verb::Copy) => {
            let at = s.log_hit.unwrap_or_else(|| s.log.len().saturating_sub(1 + s.log_scroll));
            let text = s.log.get(at).map(|l| super::copy::from_log_line(&l.text));
            return super::copy::copy(s, text);
        }
        Some(Verb::NextMatch) => return find(s, true, 1),
        Some(Verb::PrevMatch) => return find(s, false, 1),
        _ => return Step::default(),
    }
    Step::redraw()
}

/// Moves to the next line that matches the query, older (`up`) or newer than the current match (or, with none, from
/// the newest line shown), and scrolls so that it shows near the top with what follows it below.
fn find(s: &mut AppState, up: bool, skip: usize) -> Step {
    if s.log_query.is_empty() {
        return Step::redraw();
    }
    let n = s.log.len();
    // A new search starts from the newest line; n and N go on from the current match.
    let from = match (skip, s.log_hit) {
        (0, _) | (_, None) => n.saturating_sub(1),
        (_, Some(hit)) => hit,
    };
    let hit = |i: &usize| s.log[*i].text.to_lowercase().contains(&s.log_query);
    let found = if up {
        (0..from.saturating_sub(skip).saturating_add(1).min(n)).rev().find(hit)
    } else {
        (from + skip..n).find(hit)
    };
    let Some(i) = found else {
        let q = s.log_query.clone();
        s.log_note = Some(format!("no {} line matches \"{q}\"", if up { "older" } else { "newer" }));
        return Step::redraw();
    };
    s.log_hit = Some(i);
    s.log_note = None;
    // The match at the top, the lines after it below as far as they fit (counting the ones that wrap).
    let rows = (s.size.1 as usize).saturating_sub(5).max(1);
    let width = (s.size.0 as usize).saturating_sub(2).max(1);
    let tall = |j: usize| super::wrap::height(&styled(s, j, true, &Theme::of(s)), width);
    let mut used = tall(i);
    let mut bottom = i;
    while bottom + 1 < n && used + tall(bottom + 1) <= rows {
        bottom += 1;
        used += tall(bottom);
    }
    s.log_scroll = n - 1 - bottom;
    Step::redraw()
}

/// One log line as it is drawn: its time, its mark, its text; in the zoomed log, search hits marked too.
fn styled(s: &AppState, i: usize, zoomed: bool, th: &Theme) -> Line<'static> {
    let l = &s.log[i];
    let mut style = match l.level {
        Level::Error => th.fg(Color::Red).add_modifier(Modifier::BOLD),
        Level::Ok => th.fg(Color::Green),
        Level::Info => Style::default(),
    };
    let q = &s.log_query;
    let hit = zoomed && !q.is_empty() && l.text.to_lowercase().contains(q.as_str());
    if zoomed && s.log_hit == Some(i) {
        style = style.add_modifier(Modifier::REVERSED);
    }
    let mark = match (l.level, hit) {
        (_, true) => "» ",
        (Level::Error, _) => "! ",
        _ => "  ",
    };
    let time = if l.time.is_empty() { "        ".to_owned() } else { l.time.clone() };
    Line::from(vec![Span::raw(format!("{time} ")), Span::styled(format!("{mark}{}", l.text), style)])
}

/// The newest `rows` screen rows of the log ending `scroll` lines above its end, wrapped by the one wrap the frame
/// draws with: a line taller than the room shows its end, so the newest line is always on screen when following.
pub(super) fn tail(s: &AppState, rows: usize, width: usize, zoomed: bool, th: &Theme) -> Vec<Line<'static>> {
    let end = s.log.len().saturating_sub(s.log_scroll);
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut i = end;
    while i > 0 && out.len() < rows {
        i -= 1;
        let mut wrapped = super::wrap::line(&styled(s, i, zoomed, th), width);
        wrapped.append(&mut out);
        out = wrapped;
    }
    let cut = out.len().saturating_sub(rows);
    out.split_off(cut)
}

pub fn render(f: &mut Frame<'_>, s: &AppState, r: Rect, th: &Theme) {
    let mut title = format!(" log: {} line(s), times in {} ", s.log.len(), s.zone_name);
    if !s.log_query.is_empty() {
        title.push_str(&format!("─ search \"{}\" ", s.log_query));
    }
    let block = Block::default().borders(Borders::ALL).border_style(th.fg(Color::Cyan)).title(title);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let foot = 1;
    let rows = (inner.height as usize).saturating_sub(foot);
    let lines = tail(s, rows, inner.width as usize, true, th);
    let body = Rect::new(inner.x, inner.y, inner.width, rows as u16);
    f.render_widget(Paragraph::new(lines), body);
    let footer = match (&s.log_find, &s.log_note) {
        (Some(input), _) => format!("search: {}▏ (Enter finds, Esc stops)", input.value()),
        (None, Some(note)) => note.clone(),
        (None, None) if s.log_scroll > 0 => {
            format!(
                "{} line(s) below · ↑↓ line · PgUp PgDn page · / search · n N next · G follow · Esc back",
                s.log_scroll
            )
        }
        (None, None) => "following · ↑↓ line · PgUp PgDn page · / search · n N next · Esc back".to_owned(),
    };
    let foot_r = Rect::new(inner.x, inner.y + rows as u16, inner.width, 1);
    f.render_widget(Paragraph::new(Line::styled(footer, th.fg(Color::DarkGray))), foot_r);
}
