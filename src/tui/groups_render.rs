//! How the groups view is drawn: its columns at each width, each row's cells, and the frame.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::groups_view::GroupRow;
use super::state::AppState;
use super::view::Theme;

fn fit(text: &str, w: usize) -> String {
    if text.chars().count() <= w {
        format!("{text:<w$}")
    } else {
        let cut: String = text.chars().take(w.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// A column of the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Account,
    Instance,
    Group,
    State,
    Members,
    Lag,
    Trend,
    Status,
    Eta,
    Loss,
}

impl Col {
    fn head(self, w: usize) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Instance => "instance",
            Self::Group => "group",
            Self::State => "state",
            Self::Members if w >= 120 => "members",
            Self::Members => "mbr",
            Self::Lag => "lag",
            Self::Trend => "trend",
            Self::Status => "status",
            Self::Eta => "eta",
            Self::Loss => "loss in",
        }
    }

    fn right(self) -> bool {
        matches!(self, Self::Members | Self::Lag | Self::Trend | Self::Eta | Self::Loss)
    }
}

/// The columns at a width, and theirs: the group column takes what is left. Narrow screens keep the group, its
/// state and its lag; status and ETA join from 100 columns, the loss forecast from 140.
fn columns(w: usize, sort: super::groups_view::GroupSort) -> Vec<(Col, usize)> {
    use Col::*;
    let mut cols: Vec<(Col, usize)> = match w {
        120.. => vec![(Account, 14), (Instance, 18), (Group, 0), (State, 11), (Members, 7), (Lag, 10), (Trend, 9)],
        60.. => vec![(Account, 8), (Instance, 10), (Group, 0), (State, 11), (Members, 3), (Lag, 9), (Trend, 7)],
        _ => vec![(Group, 0), (State, 7), (Lag, 9)],
    };
    if w >= 100 {
        cols.extend([(Status, 8), (Eta, 11)]);
    }
    if w >= 140 {
        cols.push((Loss, 11));
    }
    // Sorted by a figure whose column does not fit, that column takes the trend's place: the order can be seen.
    let shown = |c: Col, cols: &[(Col, usize)]| cols.iter().any(|(x, _)| *x == c);
    let wanted = match sort {
        super::groups_view::GroupSort::Status => Some((Status, 8)),
        super::groups_view::GroupSort::Loss => Some((Loss, 9)),
        _ => None,
    };
    if let Some((col, cw)) = wanted.filter(|(c, _)| !shown(*c, &cols)) {
        match cols.iter().position(|(c, _)| *c == Trend) {
            Some(at) => cols[at] = (col, cw),
            None => cols.push((col, cw)),
        }
    }
    // Each column but the first has a space before it; the cursor mark comes first.
    let taken: usize = cols.iter().map(|(_, cw)| cw + 1).sum();
    let group = w.saturating_sub(taken).max(8);
    cols.iter_mut().filter(|(c, _)| *c == Group).for_each(|(_, cw)| *cw = group);
    cols
}

/// A row's text in a column.
fn cell(row: &GroupRow, col: Col, marked: bool) -> String {
    match col {
        Col::Account => row.account.clone(),
        Col::Instance => row.instance.clone(),
        Col::Group => {
            let name = if row.in_profile { row.group.clone() } else { format!("{} (live)", row.group) };
            if marked { format!("● {name}") } else { name }
        }
        Col::State => row.state.clone(),
        Col::Members => row.members.map_or("-".to_owned(), |m| m.to_string()),
        Col::Lag => row.lag.map_or("-".to_owned(), |x| x.to_string()),
        // The samples' sparkline once there are two reads; until then the change since the read before.
        Col::Trend if row.over.spark.is_empty() => {
            row.trend.map_or(String::new(), |t| if t > 0 { format!("+{t}") } else { t.to_string() })
        }
        Col::Trend => row.over.spark.clone(),
        Col::Status => row.over.status_word().to_owned(),
        Col::Eta => row.over.eta.clone(),
        Col::Loss => row.over.loss.clone(),
    }
}

/// Draws the view in the panes' area.
pub fn render(f: &mut Frame<'_>, s: &AppState, r: Rect, th: &Theme) {
    let shown = &s.groups.rows;
    let mut title = vec![
        Span::styled(format!(" groups: {} ", shown.len()), th.bold()),
        Span::raw(format!("─ by {} ", s.groups.sort.word())),
    ];
    let unread = s.groups.all.iter().filter(|r| r.lag_unread).count();
    if unread > 0 {
        title.push(Span::styled(format!("─ {unread} lags unread "), th.fg(Color::Yellow)));
    }
    if !s.groups.filter.is_empty() || s.typing_filter().is_some() {
        let text = s.typing_filter().map_or(s.groups.filter.clone(), |i| i.value().to_owned());
        title.push(Span::styled(format!("─ filter: {text}▏"), th.fg(Color::Yellow)));
    }
    let block = Block::default().borders(Borders::ALL).border_style(th.fg(Color::Cyan)).title(Line::from(title));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let w = inner.width as usize;
    let cols = columns(w, s.groups.sort);
    let line_of = |mark: &str, cell: &dyn Fn(Col) -> String| {
        let mut text = mark.to_owned();
        for (i, (col, cw)) in cols.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            let value = cell(*col);
            if col.right() {
                let pad = cw.saturating_sub(value.chars().count());
                text.push_str(&" ".repeat(pad));
                text.push_str(&value);
            } else {
                text.push_str(&fit(&value, *cw));
            }
        }
        text
    };
    let header = line_of(" ", &|c| c.head(w).to_owned());
    let mut lines = vec![Line::styled(header, th.bold())];
    if shown.is_empty() {
        lines.push(Line::from("  no group matches (Esc clears the filter)"));
    }
    let rows_h = inner.height.saturating_sub(1) as usize;
    let cursor = s.groups.cursor.min(shown.len().saturating_sub(1));
    let offset = cursor.saturating_sub(rows_h.saturating_sub(1));
    for (i, row) in shown.iter().filter_map(|i| s.groups.all.get(*i)).enumerate().skip(offset).take(rows_h) {
        let marked = s.marked.contains(&crate::core::target::GroupRef::new(row.instance.clone(), row.group.clone()));
        let text = line_of(if i == cursor { "›" } else { " " }, &|c| cell(row, c, marked));
        let style = if i == cursor { th.selected().add_modifier(Modifier::BOLD) } else { Default::default() };
        lines.push(Line::styled(text, style));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
