//! The groups view: every group of every account in one list, the laggiest first, for triage. Rows are a pure
//! function of the state; moving through them selects the same group in its tree, so every action key works here.

use super::keymap::Action;
use super::layout::tree_rows;
use super::state::AppState;
use super::tree::Kind;
use super::update::Step;
use crate::core::lag::Status;
use tui_input::Input;

/// How the rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupSort {
    #[default]
    Lag,
    State,
    Name,
    Members,
    /// The worst lag status first: STALLED, STOPPED, LAGGING, then the rest.
    Status,
    /// The soonest loss first: what is already lost, then the shortest forecast.
    Loss,
}

impl GroupSort {
    pub fn next(self) -> Self {
        match self {
            Self::Lag => Self::State,
            Self::State => Self::Name,
            Self::Name => Self::Members,
            Self::Members => Self::Status,
            Self::Status => Self::Loss,
            Self::Loss => Self::Lag,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Self::Lag => "lag",
            Self::State => "state",
            Self::Name => "name",
            Self::Members => "members",
            Self::Status => "status",
            Self::Loss => "soonest loss",
        }
    }
}

/// The groups view's rows, order, filter and selection.
#[derive(Debug, Clone)]
pub struct GroupsState {
    pub sort: GroupSort,
    pub filter: String,
    pub cursor: usize,
    /// Every group's row, rebuilt when live data changed (not on every frame or key).
    pub all: Vec<GroupRow>,
    /// The rows shown, as indices into `all`: filtered and sorted.
    pub rows: Vec<usize>,
    /// Where each group's row is in `all`.
    pub index: std::collections::HashMap<crate::core::target::GroupRef, usize>,
    /// The group drawn under the cursor: held by identity, so a read that re-orders the rows moves the cursor with
    /// its group and a key acts on what was drawn.
    pub selected: Option<crate::core::target::GroupRef>,
    /// A row changed in place since the rows were last ordered.
    pub order_dirty: bool,
    /// Live data arrived since the rows were built (true at start: nothing is built yet).
    pub dirty: bool,
}

impl Default for GroupsState {
    fn default() -> Self {
        Self {
            sort: GroupSort::default(),
            filter: String::new(),
            cursor: 0,
            all: Vec::new(),
            rows: Vec::new(),
            index: Default::default(),
            selected: None,
            order_dirty: false,
            dirty: true,
        }
    }
}

/// One row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    /// Which tree and node the group is: selecting the row selects it there.
    pub tree: usize,
    pub node: usize,
    pub account: String,
    pub instance: String,
    pub group: String,
    /// EMPTY, ACTIVE, REBALANCING, DEAD, UNKNOWN; `READ FAILED` or `…` before a read.
    pub state: String,
    pub members: Option<usize>,
    pub lag: Option<i64>,
    /// Position in (group, instance) order among all rows: every sort breaks ties by it.
    pub name_rank: u32,
    /// Lag change since the previous read.
    pub trend: Option<i64>,
    /// What the group's lag samples say; empty before its first figures.
    pub over: OverTime,
    /// No lag is known yet and one is still to be read (the listing did not say it): counted in the title.
    pub lag_unread: bool,
    pub in_profile: bool,
    /// Account, instance and group lowercased once, for the filter.
    pub search: String,
    /// Where the state sorts: active first.
    pub rank: u8,
}

/// A row's lag-over-time cells, made once when its figures arrive (not per frame).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverTime {
    /// The lag at the newest reads, as a sparkline.
    pub spark: String,
    pub status: Option<Status>,
    pub eta: String,
    pub loss: String,
    /// When the loss comes, in ms (0: already lost); `None` when none is forecast.
    pub loss_ms: Option<u64>,
}

impl OverTime {
    pub fn of(f: &crate::core::lag::Figures) -> Self {
        use crate::core::lag::{Loss, figures as words};
        Self {
            spark: words::sparkline(&f.trend, 7),
            status: Some(f.verdict.status),
            eta: words::eta_short(&f.eta.eta),
            loss: words::loss_short(&f.loss),
            loss_ms: match f.loss.loss {
                Loss::AlreadyLost { .. } => Some(0),
                Loss::In(d) | Loss::Within(d) => Some(d.as_millis() as u64),
                _ => None,
            },
        }
    }

    pub fn status_word(&self) -> &'static str {
        self.status.map_or("", Status::word)
    }
}

/// A filter typed in the groups view: words match account, instance or group; `state:active`, `status:stalled`,
/// `lag>10000`, `lag<5`, `members>0` compare.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupFilter {
    words: Vec<String>,
    state: Option<String>,
    status: Option<String>,
    lag: Vec<(char, i64)>,
    members: Vec<(char, i64)>,
}

impl GroupFilter {
    pub fn parse(text: &str) -> Self {
        let mut f = Self::default();
        for token in text.split_whitespace() {
            let lower = token.to_lowercase();
            let cmp = |key: &str| {
                let rest = lower.strip_prefix(key)?;
                let op = rest.chars().next().filter(|c| matches!(c, '>' | '<' | '='))?;
                Some((op, rest[1..].trim_start_matches('=').parse::<i64>().ok()?))
            };
            if let Some(s) = lower.strip_prefix("state:") {
                f.state = Some(s.to_uppercase());
            } else if let Some(s) = lower.strip_prefix("status:") {
                f.status = Some(s.to_uppercase());
            } else if let Some(c) = cmp("lag") {
                f.lag.push(c);
            } else if let Some(c) = cmp("members") {
                f.members.push(c);
            } else {
                f.words.push(lower);
            }
        }
        f
    }

    fn holds((op, n): (char, i64), v: Option<i64>) -> bool {
        v.is_some_and(|v| match op {
            '>' => v > n,
            '<' => v < n,
            _ => v == n,
        })
    }

    pub fn keeps(&self, r: &GroupRow) -> bool {
        self.words.iter().all(|w| r.search.contains(w.as_str()))
            && self.state.as_ref().is_none_or(|s| r.state.starts_with(s.as_str()))
            && self.status.as_ref().is_none_or(|s| r.over.status.is_some_and(|st| st.word().starts_with(s.as_str())))
            && self.lag.iter().all(|c| Self::holds(*c, r.lag))
            && self.members.iter().all(|c| Self::holds(*c, r.members.map(|m| m as i64)))
    }
}

/// Every group in the trees with what was read of it, in tree order: built when the set of groups changed.
pub fn build(s: &AppState) -> Vec<GroupRow> {
    let mut out = Vec::new();
    for (tree, t) in s.trees.iter().enumerate() {
        for (node, n) in t.nodes.iter().enumerate() {
            let Kind::Group { instance, group } = &n.kind else { continue };
            let mut root = node;
            while let Some(p) = t.nodes[root].parent {
                root = p;
            }
            let account = t.nodes[root].name.to_string();
            let mut row = GroupRow {
                tree,
                node,
                search: format!("{account} {instance} {group}").to_lowercase(),
                rank: 0,
                account,
                trend: None,
                over: OverTime::default(),
                lag_unread: false,
                in_profile: true,
                instance: instance.to_string(),
                group: group.to_string(),
                state: String::new(),
                members: None,
                lag: None,
                name_rank: 0,
            };
            fill(s, &mut row);
            out.push(row);
        }
    }
    let mut by_name: Vec<usize> = (0..out.len()).collect();
    by_name.sort_by(|a, b| (&out[*a].group, &out[*a].instance).cmp(&(&out[*b].group, &out[*b].instance)));
    for (rank, i) in by_name.into_iter().enumerate() {
        out[i].name_rank = rank as u32;
    }
    out
}

/// A row's live part: state, lag, members and trend, from what was read of its group.
fn fill(s: &AppState, row: &mut GroupRow) {
    let key = crate::core::target::GroupRef::new(row.instance.clone(), row.group.clone());
    let status = super::group_status::of(s, &key.instance, &key.group);
    let lag = status.lag();
    row.state = status.word().to_owned();
    row.rank = ["ACTIVE", "REBALANCING", "READ FAILED", "NOT FOUND", "EMPTY", "DEAD"]
        .iter()
        .position(|w| *w == row.state)
        .map_or(u8::MAX, |p| p as u8);
    row.trend = lag.zip(s.live.previous_lag.get(&key).copied()).map(|(now, before)| now - before);
    row.over = s.live.figures.get(&key).map(|f| OverTime::of(f)).unwrap_or_default();
    row.in_profile = !s.live.discovered.contains(&key);
    row.members = status.members();
    row.lag_unread = lag.is_none()
        && matches!(status, super::group_status::Status::Pending | super::group_status::Status::Listed(_))
        && !s.live.lags_read.contains(&key);
    row.lag = lag;
}

/// After one group's read: its row is updated in place (not all 20,000 rebuilt) and the order is redone before the
/// next frame; a group with no row yet makes the rows be built again.
pub fn refresh_row(s: &mut AppState, key: &crate::core::target::GroupRef) {
    match s.groups.index.get(key).copied() {
        Some(i) if !s.groups.dirty && i < s.groups.all.len() => {
            let mut row = s.groups.all[i].clone();
            fill(s, &mut row);
            s.groups.all[i] = row;
            s.groups.order_dirty = true;
        }
        _ => s.groups.dirty = true,
    }
}

/// Brings the rows up to date before a frame is drawn, so what is drawn is what the keys act on: built again when
/// the set of groups changed, ordered again when a row changed, the selected group kept selected.
pub fn settle(s: &mut AppState) {
    if s.screen.groups() && (s.groups.dirty || s.groups.order_dirty || s.groups.all.is_empty()) {
        sync_selection(s);
    }
}

/// Which of the built rows show, in which order: the filter and the sort, over indices (cheap on every key).
pub fn order(all: &[GroupRow], filter: &str, sort: GroupSort) -> Vec<usize> {
    let filter = GroupFilter::parse(filter);
    let mut idx: Vec<usize> = (0..all.len()).filter(|i| filter.keeps(&all[*i])).collect();
    // Integer keys only (names were ranked once, when the rows were built): a sort key on 20,000 rows stays well
    // inside a frame.
    use std::cmp::Reverse;
    let lag = |r: &GroupRow| Reverse(r.lag.unwrap_or(i64::MIN));
    match sort {
        GroupSort::Lag => idx.sort_by_key(|i| (lag(&all[*i]), all[*i].name_rank)),
        GroupSort::State => idx.sort_by_key(|i| (all[*i].rank, lag(&all[*i]), all[*i].name_rank)),
        GroupSort::Name => idx.sort_by_key(|i| all[*i].name_rank),
        GroupSort::Members => idx.sort_by_key(|i| (Reverse(all[*i].members), lag(&all[*i]), all[*i].name_rank)),
        GroupSort::Status => idx
            .sort_by_key(|i| (all[*i].over.status.map_or(u8::MAX, Status::severity), lag(&all[*i]), all[*i].name_rank)),
        GroupSort::Loss => {
            idx.sort_by_key(|i| (all[*i].over.loss_ms.unwrap_or(u64::MAX), lag(&all[*i]), all[*i].name_rank))
        }
    }
    idx
}

/// The rows as shown: filtered and sorted.
pub fn rows(s: &AppState) -> Vec<GroupRow> {
    let all = build(s);
    order(&all, &s.groups.filter, s.groups.sort).into_iter().map(|i| all[i].clone()).collect()
}

/// The keys the groups view handles itself: moving, jumping to the tree, sorting, filtering, leaving. Every other
/// action works on the row's group as it does in the tree (the tree's selection follows the row).
pub(super) fn key(s: &mut AppState, action: Action) -> Option<Step> {
    let count = s.groups.rows.len();
    match action {
        Action::Up | Action::Down | Action::Top | Action::Bottom => {
            let before = s.groups.cursor;
            s.groups.cursor = match action {
                Action::Up => s.groups.cursor.saturating_sub(1),
                Action::Top => 0,
                Action::Bottom => count.saturating_sub(1),
                _ => (s.groups.cursor + 1).min(count.saturating_sub(1)),
            };
            select_row(s);
            Some(Step { redraw: before != s.groups.cursor, ..Step::default() })
        }
        Action::Sort => {
            s.groups.sort = s.groups.sort.next();
            sync_selection(s);
            Some(Step::redraw())
        }
        Action::Filter => {
            s.modal = Some(super::state::Modal::Filter(Input::new(s.groups.filter.clone())));
            Some(Step::redraw())
        }
        Action::Back if !s.groups.filter.is_empty() => {
            s.groups.filter.clear();
            sync_selection(s);
            Some(Step::redraw())
        }
        // Enter (or →) jumps to the group in its tree; v goes back to the trees where they were.
        Action::Expand | Action::GroupsView => {
            s.screen = super::state::Screen::Panes(super::state::Base::Trees);
            if action == Action::Expand {
                select_row(s);
                let rows = tree_rows(s.size.0, s.size.1);
                let t = &mut s.trees[s.focus];
                if let Some(sel) = t.selected {
                    let mut cur = t.nodes[sel].parent;
                    while let Some(c) = cur {
                        t.opened.insert(c);
                        cur = t.nodes[c].parent;
                    }
                    t.set_filter("", rows);
                    t.selected = Some(sel);
                    t.scroll_into_view(rows);
                }
            }
            Some(Step::redraw())
        }
        Action::Collapse | Action::FocusNext | Action::FocusPrev => Some(Step::default()),
        _ => None,
    }
}

/// Rebuilds the rows when the set of groups changed, orders them by the current sort and filter, and keeps the
/// selected group under the cursor wherever the order puts it (or the nearest row, if the filter hides it).
pub(super) fn sync_selection(s: &mut AppState) {
    if s.groups.dirty || s.groups.all.is_empty() {
        s.groups.all = build(s);
        s.groups.index = s
            .groups
            .all
            .iter()
            .enumerate()
            .map(|(i, r)| (crate::core::target::GroupRef::new(r.instance.clone(), r.group.clone()), i))
            .collect();
        s.groups.dirty = false;
    }
    s.groups.rows = order(&s.groups.all, &s.groups.filter, s.groups.sort);
    s.groups.order_dirty = false;
    if let Some(at) = s
        .groups
        .selected
        .as_ref()
        .and_then(|k| s.groups.index.get(k))
        .and_then(|i| s.groups.rows.iter().position(|r| r == i))
    {
        s.groups.cursor = at;
    }
    select_row(s);
}

/// Selects the groups view's row in its tree, so the action keys act on it, and remembers which group it is.
fn select_row(s: &mut AppState) {
    s.groups.cursor = s.groups.cursor.min(s.groups.rows.len().saturating_sub(1));
    if let Some(r) = s.groups.rows.get(s.groups.cursor).and_then(|i| s.groups.all.get(*i)) {
        s.focus = r.tree;
        s.trees[r.tree].selected = Some(r.node);
        s.groups.selected = Some(crate::core::target::GroupRef::new(r.instance.clone(), r.group.clone()));
    }
}

#[cfg(test)]
#[path = "groups_view_tests.rs"]
mod tests;
