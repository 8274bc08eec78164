//! Rendering: a pure function of the state. Only the visible rows are touched per frame.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::keymap::{Action, BINDINGS};
use super::layout::areas;
use super::modal_view;
use super::state::{AppState, Modal};
use super::tree::{Kind, Tree};
use super::update::bounds;
pub use crate::core::live::state_word;
use crate::core::live::{GroupSnapshot, normalise_state};

/// Styles, empty when colours are off (`NO_COLOR`).
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    on: bool,
}

impl Theme {
    /// A theme for the state.
    pub fn of(s: &AppState) -> Self {
        Self { on: s.color }
    }
    /// A foreground colour, or nothing.
    pub fn fg(&self, c: Color) -> Style {
        if self.on { Style::default().fg(c) } else { Style::default() }
    }
    /// The selection highlight (reverse video works without colour).
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    /// Bold.
    pub fn bold(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
}

/// Draws the whole screen.
/// The screen as text, drawn on a test backend of the state's size (for unit tests).
#[cfg(test)]
pub fn render_to_string(s: &AppState) -> String {
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(s.size.0, s.size.1)).expect("test backend");
    let _ = term.draw(|f| render(f, s));
    let buf = term.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_owned()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn render(f: &mut Frame<'_>, s: &AppState) {
    let area = f.area();
    let a = areas(area.width, area.height);
    let th = Theme::of(s);
    title(f, s, a.title, &th);
    if s.screen.log() {
        let whole = Rect::new(0, a.title.height, area.width, a.hint.y.saturating_sub(a.title.height));
        super::log_view::render(f, s, whole, &th);
        hint(f, s, a.hint, &th);
        if let Some(m) = &s.modal {
            modal_view::render(f, s, m, &th);
        }
        return;
    }
    if s.screen.groups() {
        let whole = a.panes.iter().fold(a.panes[0], |acc, r| acc.union(*r));
        super::groups_render::render(f, s, whole, &th);
    } else if a.tabs {
        pane(f, s, s.focus, a.panes[0], true, &th);
    } else {
        pane(f, s, 0, a.panes[0], false, &th);
        pane(f, s, 1, a.panes[1], false, &th);
    }
    super::detail_view::render(f, s, a.detail, &th);
    log(f, s, a.log, &th);
    hint(f, s, a.hint, &th);
    match &s.modal {
        Some(Modal::Command(line)) => super::command_line::render(f, line, a.hint, &th),
        Some(m) => modal_view::render(f, s, m, &th),
        None => {}
    }
}

fn title(f: &mut Frame<'_>, s: &AppState, r: Rect, th: &Theme) {
    f.render_widget(Paragraph::new(title_line(s, r.width, th)), r);
}

/// The title bar: the name, then a running job's progress (it matters most), then the demo banner (shortened to
/// `DEMO` where the whole one does not fit), then how fresh the live data is.
fn title_line(s: &AppState, width: u16, th: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(" offsetdeck ", th.bold())];
    if let Some(j) = &s.job {
        let cancel = if j.cancelling { "cancelling…" } else { "Esc cancels" };
        spans.push(Span::styled(
            format!(" job {}: {}/{} done, {} failed ({cancel}) ", j.id, j.done, j.total, j.failed),
            th.bold(),
        ));
    }
    let used = |spans: &[Span<'_>]| spans.iter().map(Span::width).sum::<usize>();
    if s.demo {
        let style = if s.color { Style::default().fg(Color::Black).bg(Color::Yellow) } else { th.selected() };
        let full = " DEMO: local emulator, nothing real is touched ";
        let banner = if used(&spans) + full.len() + 12 <= width as usize { full } else { " DEMO " };
        spans.push(Span::styled(banner, style.add_modifier(Modifier::BOLD)));
    }
    if s.refreshing {
        spans.push(Span::raw("  refreshing…"));
    } else if let Some(at) = &s.read_at {
        let room = (width as usize).saturating_sub(used(&spans));
        let text = match s.read_age() {
            Some(age) if room < format!("  live, read {at} ({age})").len() => format!("  live, {age}"),
            Some(age) => format!("  live, read {at} ({age})"),
            None => format!("  live, read {at}"),
        };
        spans.push(Span::styled(text, th.fg(Color::DarkGray)));
    }
    Line::from(spans)
}

/// The account a tree node belongs to.
fn account_of(t: &Tree, mut n: usize) -> &str {
    while let Some(p) = t.nodes[n].parent {
        n = p;
    }
    &t.nodes[n].name
}

fn pane(f: &mut Frame<'_>, s: &AppState, idx: usize, r: Rect, tabs: bool, th: &Theme) {
    let t = &s.trees[idx];
    let names = ["Huawei DMS", "Tencent CKafka/DTS"];
    let focused = s.focus == idx;
    let mut title = if tabs {
        let mut v = vec![Span::raw(" ")];
        for (i, n) in names.iter().enumerate() {
            let style = if i == idx { th.selected().add_modifier(Modifier::BOLD) } else { Style::default() };
            v.push(Span::styled(format!(" {n} "), style));
            v.push(Span::raw(" "));
        }
        v
    } else {
        vec![Span::styled(format!(" {} ", names[idx]), if focused { th.bold() } else { Style::default() })]
    };
    let mut border = if focused { th.fg(Color::Cyan) } else { Style::default() };
    if let Some(sel) = t.selected {
        let acc = account_of(t, sel);
        let safety = s.account_safety(acc);
        let inst = match &t.nodes[sel].kind {
            Kind::Account { .. } | Kind::Groups | Kind::Topics => None,
            Kind::Instance { instance, .. }
            | Kind::Group { instance, .. }
            | Kind::GroupTopic { instance, .. }
            | Kind::GroupPartition { instance, .. }
            | Kind::Topic { instance, .. }
            | Kind::Partition { instance, .. } => Some(&**instance),
        };
        let eff = inst.and_then(|i| s.instance_info(i)).map_or(safety, |i| i.2);
        title.push(Span::raw(format!("─ {acc} ")));
        if eff.protected {
            title.push(Span::styled("PROTECTED ", th.fg(Color::Red).add_modifier(Modifier::BOLD)));
            border = th.fg(Color::Red);
        }
        if eff.read_only {
            title.push(Span::styled("READ-ONLY ", th.fg(Color::Magenta)));
        }
    }
    let typing = s.typing_filter().filter(|_| focused);
    if !t.filter.is_empty() || typing.is_some() {
        let text = typing.map_or(t.filter.clone(), |i| i.value().to_owned());
        title.push(Span::styled(format!("─ filter: {text}▏"), th.fg(Color::Yellow)));
    }
    let block = Block::default().borders(Borders::ALL).border_style(border).title(Line::from(title));
    let inner = block.inner(r);
    f.render_widget(block, r);
    if t.nodes.is_empty() {
        f.render_widget(Paragraph::new("  no accounts of this cloud in the profile"), inner);
        return;
    }
    if t.visible.is_empty() {
        f.render_widget(Paragraph::new("  nothing matches the filter (Esc clears it)"), inner);
        return;
    }
    let rows = inner.height as usize;
    let lines: Vec<Line<'_>> =
        t.visible.iter().skip(t.offset).take(rows).map(|&n| row(s, t, n, th, t.selected == Some(n))).collect();
    let mut lines = lines;
    if let Some(cur) = t.selected.and_then(|sel| t.visible.iter().skip(t.offset).take(rows).position(|v| *v == sel)) {
        let style = if focused { th.selected() } else { Style::default().add_modifier(Modifier::UNDERLINED) };
        lines[cur] = lines[cur].clone().patch_style(style);
    }
    f.render_widget(Paragraph::new(lines), inner);
}

pub(super) fn state_style(th: &Theme, state: &str) -> Style {
    match normalise_state(state).as_str() {
        "empty" => th.fg(Color::Green),
        "dead" => th.fg(Color::DarkGray),
        "stable" => th.fg(Color::Yellow),
        _ => th.fg(Color::Magenta),
    }
}

pub(super) fn snapshot<'a>(s: &'a AppState, instance: &str, group: &str) -> Option<&'a Result<GroupSnapshot, String>> {
    s.live.groups.get(&crate::core::target::GroupRef::new(instance.to_owned(), group.to_owned()))
}

/// A group's lag in words: the sum, or "no committed offset" when it has none there (after a delete, or before its
/// first commit): never "lag 0", which would say it is caught up.
pub(super) fn group_lag(snap: &GroupSnapshot, topic: Option<&str>) -> String {
    snap.total_lag(topic).map_or_else(|| "no committed offset".into(), |l| format!("lag {l}"))
}

pub(super) fn num(v: Option<i64>) -> String {
    v.map_or("?".into(), |x| x.to_string())
}

fn row<'a>(s: &'a AppState, t: &'a Tree, n: usize, th: &Theme, selected: bool) -> Line<'a> {
    let node = &t.nodes[n];
    // A text cursor as well as the highlight: visible without colour and in snapshots.
    let indent = format!("{}{}", if selected { "›" } else { " " }, "  ".repeat(node.depth as usize));
    let marker = if !t.has_children(n) {
        "  "
    } else if t.opened.contains(&n) || !t.filter.is_empty() {
        "▾ "
    } else {
        "▸ "
    };
    let mut spans = vec![Span::raw(format!("{indent}{marker}"))];
    if let Kind::Group { instance, group } = &node.kind
        && s.marked.contains(&crate::core::target::GroupRef::new(instance.to_string(), group.to_string()))
    {
        spans.push(Span::styled("● ", th.fg(Color::Cyan).add_modifier(Modifier::BOLD)));
    }
    // Names from the network are Kafka names, but instance names and the profile's are not: escaped, never dropped.
    spans.push(Span::raw(crate::core::inert::inert(&node.name)));
    match &node.kind {
        Kind::Account { .. } => {
            let cloud = if std::ptr::eq(t, &s.trees[0]) { "huawei" } else { "tencent" };
            if let Some(code) = s.auth_failed.get(&format!("{cloud}.{}", node.name)) {
                spans.push(Span::styled(
                    format!("  authentication failed: {code} — fix the key, then R"),
                    th.fg(Color::Red).add_modifier(Modifier::BOLD),
                ));
            }
        }
        Kind::Instance { dts: true, .. } => spans.push(Span::styled("  dts", th.fg(Color::DarkGray))),
        Kind::Group { instance, group } => {
            use super::group_status::Status;
            let status = super::group_status::of(s, instance, group);
            match status {
                Status::Live(snap) => {
                    spans.push(Span::styled(format!("  [{}]", state_word(&snap.state)), state_style(th, &snap.state)));
                    spans.push(Span::raw(format!("  {}", group_lag(snap, None))));
                }
                Status::Listed(g) => {
                    let word = status.word();
                    spans.push(Span::styled(format!("  [{word}]"), state_style(th, &g.state)));
                    if let Some(lag) = g.lag {
                        spans.push(Span::raw(format!("  lag {lag}")));
                    }
                }
                Status::NotFound => spans.push(Span::styled("  [NOT FOUND]", th.fg(Color::Red))),
                Status::Failed(_) => spans.push(Span::styled("  [READ FAILED]", th.fg(Color::Red))),
                Status::Pending => spans.push(Span::styled("  …", th.fg(Color::DarkGray))),
            }
            if let Some(n) = status.members().filter(|n| *n > 0) {
                spans.push(Span::raw(format!("  {n} member(s)")));
            }
            if s.live.discovered.contains(&crate::core::target::GroupRef::new(instance.to_string(), group.to_string()))
            {
                spans.push(Span::styled("  (not in the profile)", th.fg(Color::DarkGray)));
            }
            if let Some(j) =
                s.interrupted.iter().find(|j| *j.instance == **instance && j.group.as_deref() == Some(group))
            {
                spans.push(Span::styled(
                    format!("  INTERRUPTED job {}", j.job),
                    th.fg(Color::Red).add_modifier(Modifier::BOLD),
                ));
            }
        }
        Kind::GroupTopic { instance, group, topic } => {
            if let Some(Ok(snap)) = snapshot(s, instance, group) {
                spans.push(Span::raw(format!("  {}", group_lag(snap, Some(topic)))));
            }
        }
        Kind::GroupPartition { instance, group, topic, partition } => {
            let snap = snapshot(s, instance, group).and_then(|r| r.as_ref().ok());
            if let Some(p) =
                snap.and_then(|snap| snap.partitions.iter().find(|p| *p.topic == **topic && p.partition == *partition))
            {
                let text = match p.committed {
                    Some(c) => format!("  at {c}  log {}..{}  lag {}", num(p.start), num(p.end), num(p.lag())),
                    None => format!("  no committed offset  log {}..{}", num(p.start), num(p.end)),
                };
                spans.push(Span::raw(text));
            }
        }
        Kind::Topic { instance, topic } => {
            if s.live
                .topics_missing
                .contains(&crate::core::target::TopicRef::new(instance.to_string(), topic.to_string()))
            {
                spans.push(Span::styled("  [NOT FOUND]", th.fg(Color::Red)));
            } else {
                spans.push(Span::styled(format!("  {} partitions", t.partition_count(n)), th.fg(Color::DarkGray)))
            }
        }
        Kind::Partition { instance, topic, partition } => {
            if let Some((a, b)) = bounds(s, instance, topic, *partition) {
                spans.push(Span::raw(format!("  log {a}..{b}  ({} messages)", b - a)));
            }
        }
        _ => {}
    }
    Line::from(spans)
}

fn log(f: &mut Frame<'_>, s: &AppState, r: Rect, th: &Theme) {
    let block = Block::default().borders(Borders::TOP | Borders::BOTTOM).title(if s.log.scroll > 0 {
        " log (scrolled; PgDn follows; L zooms) ".to_owned()
    } else {
        format!(" log ({}; L zooms) ", s.zone_name)
    });
    let inner = block.inner(r);
    f.render_widget(block, r);
    let lines = super::log_view::tail(s, inner.height as usize, inner.width as usize, false, th);
    f.render_widget(Paragraph::new(lines), inner);
}

/// The hint bar's text for the current screen, fitted to the width: the keys that act (and, during a job, how to
/// cancel it) stay; navigation goes first, and `…` says something was dropped (`?` lists every key).
pub fn hint_text(s: &AppState) -> String {
    let width = s.size.0 as usize;
    let full = screen_hint(s);
    if full.chars().count() <= width || s.modal.is_some() {
        return full;
    }
    let mut parts = main_hints(s);
    let fits = |parts: &[(u8, String)]| parts.iter().map(|(_, p)| p.chars().count() + 3).sum::<usize>() < width;
    let mut dropped = false;
    while !fits(&parts) && parts.len() > 1 {
        let lowest = parts.iter().map(|(rank, _)| *rank).min().unwrap_or(0);
        let Some(at) = parts.iter().rposition(|(rank, _)| *rank == lowest) else { break };
        parts.remove(at);
        dropped = true;
    }
    let mut text = parts.into_iter().map(|(_, p)| p).collect::<Vec<_>>().join(" · ");
    if dropped {
        text.push_str(" · …");
    }
    text
}

/// How much a hint is worth keeping on a narrow bar: acting on the selection first, then cancelling, help and quit,
/// then the views, and moving about last (the arrows are guessed; `?` lists them). In the groups view its own keys
/// (sort, filter, back to the tree) and reset come first: without them the view cannot be used or left.
fn hint_rank(a: Action, groups_view: bool) -> u8 {
    if groups_view {
        return match a {
            Action::Sort | Action::Filter | Action::GroupsView | Action::Reset => 4,
            Action::Help | Action::Quit => 3,
            Action::Mark | Action::DeleteOffsets | Action::Undo | Action::Refresh => 2,
            _ => 0,
        };
    }
    match a {
        Action::Reset | Action::DeleteOffsets | Action::DeleteMessages | Action::Undo | Action::Back => 4,
        Action::Help | Action::Quit => 3,
        Action::Mark | Action::Refresh | Action::GroupsView | Action::Sort => 2,
        Action::Filter | Action::Command => 1,
        _ => 0,
    }
}

fn screen_hint(s: &AppState) -> String {
    match super::modes::of(s) {
        super::modes::Mode::Main => main_hints(s).into_iter().map(|(_, p)| p).collect::<Vec<_>>().join(" · "),
        mode => super::modes::hint(s, mode),
    }
}

/// The registry's hints for the keys that work on the current selection, with their rank; during a job, how to
/// cancel it comes first.
fn main_hints(s: &AppState) -> Vec<(u8, String)> {
    let cancel = s.job.as_ref().filter(|j| !j.cancelling).map(|j| {
        let esc = s.keymap.keys(Action::Back).first().cloned().unwrap_or_default();
        (5, format!("{esc} cancel job {}", j.id))
    });
    cancel
        .into_iter()
        .chain(BINDINGS.iter().filter(|b| !b.hint.is_empty() && super::update::applies(s, b.action)).map(|b| {
            let key = s.keymap.keys(b.action).first().cloned().unwrap_or_default();
            // The same key leaves the groups view that opened it.
            let hint = if b.action == Action::GroupsView && s.screen.groups() { "tree" } else { b.hint };
            (hint_rank(b.action, s.screen.groups()), format!("{key} {hint}"))
        }))
        .collect()
}

fn hint(f: &mut Frame<'_>, s: &AppState, r: Rect, th: &Theme) {
    f.render_widget(Paragraph::new(Line::styled(hint_text(s), th.fg(Color::DarkGray))), r);
}
