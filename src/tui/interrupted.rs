//! Jobs the journal shows were interrupted (a crash, a kill, a lost SSH session): shown in a modal when the dashboard
//! starts, their groups marked in the tree until dismissed, and `u` plans the undo from the job's snapshot.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::style::{Color, Modifier};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::modal_view::popup;
use super::state::{AppState, Modal};
use super::update::{Step, plan};
use super::view::Theme;
use crate::engine::order::{Order, UndoFrom};

/// One interrupted job, as the journal tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interrupted {
    pub job: String,
    pub instance: String,
    pub group: Option<String>,
    pub summary: String,
    pub done: usize,
    /// Sent and never finished: they may have been applied.
    pub in_flight: usize,
    pub total: usize,
    pub snapshot: Option<String>,
}

impl Interrupted {
    /// From the journal's start line and the calls that finished.
    pub fn of(i: &crate::engine::audit::Interrupted) -> Self {
        let s = &i.start;
        let text = |k: &str| s[k].as_str().unwrap_or_default().to_owned();
        Self {
            job: i.job.clone(),
            instance: text("instance"),
            group: s["group"].as_str().map(str::to_owned),
            summary: text("summary"),
            done: i.calls.len(),
            in_flight: i.in_flight,
            total: i.total(),
            snapshot: s["snapshot"].as_str().filter(|p| !p.is_empty() && *p != "-").map(str::to_owned),
        }
    }

    fn line(&self) -> String {
        let what = self.group.as_deref().map_or_else(|| self.instance.clone(), |g| format!("{g} on {}", self.instance));
        match self.in_flight {
            0 => format!("{what}: {} of {} call(s) done", self.done, self.total),
            n => format!("{what}: {} of {} call(s) done, {n} in flight (may have been applied)", self.done, self.total),
        }
    }
}

/// The modal's state: which job is selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Banner {
    pub cursor: usize,
}

pub(super) fn key(s: &mut AppState, mut b: Banner, key: KeyEvent) -> Step {
    use crate::tui::modes::Verb;
    match crate::tui::modes::verb(crate::tui::modes::Mode::Interrupted, key) {
        Some(Verb::Cancel) => return Step::redraw(),
        // Shown at start, over the trees: q still quits, as it does there.
        Some(Verb::Quit) if s.job.is_none() => {
            s.quit = true;
            return Step::redraw();
        }
        Some(Verb::Dismiss) => {
            s.interrupted.clear();
            return super::update::status(s, "interrupted jobs dismissed (offsetdeck audit still lists them)");
        }
        Some(Verb::Down) => b.cursor = (b.cursor + 1).min(s.interrupted.len().saturating_sub(1)),
        Some(Verb::Up) => b.cursor = b.cursor.saturating_sub(1),
        Some(Verb::Undo) => {
            if let Some(snapshot) = s.interrupted.get(b.cursor).and_then(|i| i.snapshot.clone()) {
                let (modal, effects) = plan(s, Order::Undo(UndoFrom::File(snapshot.into())), None);
                s.modal = modal;
                return Step { redraw: true, effects };
            }
        }
        _ => {}
    }
    s.modal = Some(Modal::Interrupted(b));
    Step::redraw()
}

pub fn render(f: &mut Frame<'_>, s: &AppState, b: Banner, th: &Theme, w: u16) {
    let n = s.interrupted.len();
    let h = (n as u16 * 2 + 6).min(f.area().height.saturating_sub(2));
    let inner = popup(f, &format!("{n} interrupted job(s)"), w, h, th.fg(Color::Red));
    let mut lines = vec![Line::styled("The journal shows writes that stopped before their closing record:", th.bold())];
    for (i, j) in s.interrupted.iter().enumerate() {
        let style = if i == b.cursor { th.selected().add_modifier(Modifier::BOLD) } else { Default::default() };
        let mark = if i == b.cursor { "›" } else { " " };
        lines.push(Line::styled(format!("{mark} job {}  {}", j.job, j.line()), style));
        lines.push(Line::styled(format!("    {}", j.summary), th.fg(Color::DarkGray)));
    }
    let undo = match s.interrupted.get(b.cursor).and_then(|j| j.snapshot.as_ref()) {
        Some(_) => "u restores its snapshot (previewed first)",
        None => "this job has no snapshot to restore",
    };
    lines.push(Line::from(format!("{undo} · d dismisses · Esc closes (the tree keeps the marks)")));
    f.render_widget(Paragraph::new(super::wrap::lines(&lines, inner.width as usize)), inner);
}
