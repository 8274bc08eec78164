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

/// The log pane: its lines, scroll and search.
#[derive(Debug, Clone, Default)]
pub struct LogPane {
    /// Newest last (the newest LOG_CAPACITY; the full log is in a file).
    pub lines: std::collections::VecDeque<super::state::LogLine>,
    /// How many lines were ever pushed, so the file writer knows what is new.
    pub pushed: u64,
    /// Lines scrolled up from the bottom; 0 follows.
    pub scroll: usize,
    /// A search being typed.
    pub find: Option<Input>,
    /// The search (lowercased), highlighted and found with n / N.
    pub query: String,
    /// What the last search said when nothing matched.
    pub note: Option<String>,
    /// The line the search is on (index into `lines`).
    pub hit: Option<usize>,
}

pub(super) fn key(s: &mut AppState, key: KeyEvent) -> Step {
    if let Some(input) = &mut s.log.find {
        match key.code {
            KeyCode::Esc => s.log.find = None,
            KeyCode::Enter => {
                s.log.query = input.value().to_lowercase();
                s.log.find = None;
                return find(s, true, 0);
            }
            _ => {
                input.handle_event(&Event::Key(key));
            }
        }
        return Step::redraw();
    }
    let page = (s.size.1 as usize).saturating_sub(4).max(1);
    let last = s.log.lines.len().saturating_sub(1);
    use super::modes::{Mode, Verb, verb};
    match verb(Mode::LogZoom, key) {
        Some(Verb::Cancel) => s.screen = super::state::Screen::Panes(s.screen.base()),
        Some(Verb::Up) => s.log.scroll = (s.log.scroll + 1).min(last),
        Some(Verb::Down) => s.log.scroll = s.log.scroll.saturating_sub(1),
        Some(Verb::PageUp) => s.log.scroll = (s.log.scroll + page).min(last),
        Some(Verb::PageDown) => s.log.scroll = s.log.scroll.saturating_sub(page),
        Some(Verb::First) => s.log.scroll = last,
        Some(Verb::Last) => s.log.scroll = 0,
        Some(Verb::Search) => s.log.find = Some(Input::default()),
        Some(Verb::Copy) => {
            let at = s.log.hit.unwrap_or_else(|| s.log.lines.len().saturating_sub(1 + s.log.scroll));
            let text = s.log.lines.get(at).map(|l| super::copy::from_log_line(&l.text));
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
    if s.log.query.is_empty() {
        return Step::redraw();
    }
    let n = s.log.lines.len();
    // A new search starts from the newest line; n and N go on from the current match.
    let from = match (skip, s.log.hit) {
        (0, _) | (_, None) => n.saturating_sub(1),
        (_, Some(hit)) => hit,
    };
    let hit = |i: &usize| s.log.lines[*i].text.to_lowercase().contains(&s.log.query);
    let found = if up {
        (0..from.saturating_sub(skip).saturating_add(1).min(n)).rev().find(hit)
    } else {
        (from + skip..n).find(hit)
    };
    let Some(i) = found else {
        let q = s.log.query.clone();
        s.log.note = Some(format!("no {} line matches \"{q}\"", if up { "older" } else { "newer" }));
        return Step::redraw();
    };
    s.log.hit = Some(i);
    s.log.note = None;
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
    s.log.scroll = n - 1 - bottom;
    Step::redraw()
}

/// One log line as it is drawn: its time, its mark, its text; in the zoomed log, search hits marked too.
fn styled(s: &AppState, i: usize, zoomed: bool, th: &Theme) -> Line<'static> {
    let l = &s.log.lines[i];
    let mut style = match l.level {
        Level::Error => th.fg(Color::Red).add_modifier(Modifier::BOLD),
        Level::Ok => th.fg(Color::Green),
        Level::Info => Style::default(),
    };
    let q = &s.log.query;
    let hit = zoomed && !q.is_empty() && l.text.to_lowercase().contains(q.as_str());
    if zoomed && s.log.hit == Some(i) {
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
    let end = s.log.lines.len().saturating_sub(s.log.scroll);
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
    let mut title = format!(" log: {} line(s), times in {} ", s.log.lines.len(), s.zone_name);
    if !s.log.query.is_empty() {
        title.push_str(&format!("─ search \"{}\" ", s.log.query));
    }
    let block = Block::default().borders(Borders::ALL).border_style(th.fg(Color::Cyan)).title(title);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let foot = 1;
    let rows = (inner.height as usize).saturating_sub(foot);
    let lines = tail(s, rows, inner.width as usize, true, th);
    let body = Rect::new(inner.x, inner.y, inner.width, rows as u16);
    f.render_widget(Paragraph::new(lines), body);
    let footer = match (&s.log.find, &s.log.note) {
        (Some(input), _) => format!("search: {}▏ (Enter finds, Esc stops)", input.value()),
        (None, Some(note)) => note.clone(),
        (None, None) if s.log.scroll > 0 => {
            format!(
                "{} line(s) below · ↑↓ line · PgUp PgDn page · / search · n N next · G follow · Esc back",
                s.log.scroll
            )
        }
        (None, None) => "following · ↑↓ line · PgUp PgDn page · / search · n N next · Esc back".to_owned(),
    };
    let foot_r = Rect::new(inner.x, inner.y + rows as u16, inner.width, 1);
    f.render_widget(Paragraph::new(Line::styled(footer, th.fg(Color::DarkGray))), foot_r);
}
