//! A confirmation as parts, laid out once for both the frame and the keys. The parts above and below the body (the
//! summary, the totals, the prompt and what was typed) are drawn whole or the confirmation is "too small"; the body
//! (the rows, the groups left out, the notes) scrolls. The key handler asks the same layout whether it was drawn, so
//! a confirmation accepts only what the screen showed.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::view::Theme;
use super::wrap;

/// A confirmation's parts, before they are fitted to a screen.
#[derive(Debug, Clone, Default)]
pub struct Sheet<'a> {
    pub title: String,
    /// Above the body: the summary and any warning about it.
    pub top: Vec<Line<'a>>,
    /// The body's column headings, kept above it when it scrolls.
    pub header: Option<Line<'a>>,
    /// What scrolls: one line per row, then what was left out and the notes.
    pub body: Vec<Line<'a>>,
    /// Below the body: the totals, the calls, the prompt.
    pub bottom: Vec<Line<'a>>,
    /// The narrowest screen its table reads on.
    pub min_width: u16,
    pub border: Style,
}

/// The sheet on one screen: exactly the rows drawn.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub title: String,
    pub border: Style,
    pub area: Rect,
    pub lines: Vec<Line<'static>>,
    /// The body entries drawn (the first perhaps in part), of `body_rows`.
    pub shown: Range<usize>,
    pub body_rows: usize,
}

/// How a sheet fits a screen.
#[derive(Debug, Clone)]
pub enum Fit {
    /// Every part is drawn (the body perhaps in part): keys may accept it.
    Drawn(Fitted),
    /// A part would be cut: nothing may accept it; the size it needs.
    TooSmall { need: (u16, u16), now: (u16, u16), border: Style },
}

impl Fit {
    pub fn drawn(&self) -> bool {
        matches!(self, Fit::Drawn(_))
    }

    /// Body rows a page moves by (1 when too small).
    pub fn page(&self) -> usize {
        match self {
            Fit::Drawn(f) => f.shown.len().max(1),
            Fit::TooSmall { .. } => 1,
        }
    }

    /// The body rows there are.
    pub fn body_rows(&self) -> usize {
        match self {
            Fit::Drawn(f) => f.body_rows,
            Fit::TooSmall { .. } => 0,
        }
    }
}

/// The columns inside the popup on a screen this wide.
pub fn inner_width(screen_w: u16) -> usize {
    room((screen_w, 0)).0.saturating_sub(2) as usize
}

/// The popup's widest and tallest outer size on a screen.
fn room(screen: (u16, u16)) -> (u16, u16) {
    (screen.0.saturating_sub(4).min(100), screen.1.saturating_sub(2))
}

impl Sheet<'_> {
    /// The rows that stay put at `inner_w` columns, and each body entry's rows.
    fn measure(&self, inner_w: usize) -> (Vec<Line<'static>>, Vec<Vec<Line<'static>>>, Vec<Line<'static>>) {
        let mut fixed_top = wrap::lines(&self.top, inner_w);
        if let Some(h) = &self.header {
            fixed_top.extend(wrap::line(h, inner_w));
        }
        let body = self.body.iter().map(|l| wrap::line(l, inner_w)).collect();
        (fixed_top, body, wrap::lines(&self.bottom, inner_w))
    }

    /// Lays the sheet out on a `screen`-sized terminal with the body's entry `scroll` first (clamped so the last
    /// page is full).
    pub fn fit(&self, screen: (u16, u16), scroll: usize) -> Fit {
        let (w, max_h) = room(screen);
        let inner_w = w.saturating_sub(2) as usize;
        let inner_h = max_h.saturating_sub(2) as usize;
        let too_small = || Fit::TooSmall { need: self.need(screen), now: screen, border: self.border };
        if screen.0 < self.min_width || inner_w == 0 {
            return too_small();
        }
        let (top, body, bottom) = self.measure(inner_w);
        let fixed = top.len() + bottom.len();
        let n = body.len();
        let all: usize = body.iter().map(Vec::len).sum();
        let mut lines = top;
        let shown = if fixed + all <= inner_h {
            lines.extend(body.into_iter().flatten());
            0..n
        } else if inner_h >= fixed + 2 {
            let avail = inner_h - fixed - 1;
            // The last entries that fill a page: scrolling further would only show blank rows.
            let mut last_first = n;
            let mut used = 0;
            while last_first > 0 && used + body[last_first - 1].len() <= avail {
                last_first -= 1;
                used += body[last_first].len();
            }
            let first = scroll.min(last_first.min(n - 1));
            let mut used = 0;
            let mut end = first;
            for e in &body[first..] {
                let take = e.len().min(avail - used);
                if take == 0 {
                    break;
                }
                lines.extend(e[..take].iter().cloned());
                used += take;
                end += 1;
            }
            let more = format!("… lines {}-{end} of {n} · ↑↓ PgUp PgDn Home End scroll", first + 1);
            lines.extend(wrap::text(&more, inner_w).into_iter().take(1).map(|t| Line::styled(t, dim())));
            first..end
        } else {
            return too_small();
        };
        lines.extend(bottom);
        let h = lines.len() as u16 + 2;
        let area = Rect::new(screen.0.saturating_sub(w) / 2, screen.1.saturating_sub(h) / 2, w, h);
        Fit::Drawn(Fitted { title: self.title.clone(), border: self.border, area, lines, shown, body_rows: n })
    }

    /// The smallest screen every fixed part and one body row fit on.
    fn need(&self, screen: (u16, u16)) -> (u16, u16) {
        let w = screen.0.max(self.min_width).max(24);
        let inner_w = room((w, 0)).0.saturating_sub(2) as usize;
        let (top, body, bottom) = self.measure(inner_w.max(1));
        let all: usize = body.iter().map(Vec::len).sum();
        let body = if all <= 1 { all } else { 2 };
        (w, (top.len() + body + bottom.len() + 4).min(u16::MAX as usize) as u16)
    }
}

fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

/// Draws what [`Sheet::fit`] laid out: the lines as they are, no second wrap.
pub fn render(f: &mut Frame<'_>, fit: &Fit, th: &Theme) {
    match fit {
        Fit::Drawn(d) => {
            f.render_widget(Clear, d.area);
            let block = Block::default().borders(Borders::ALL).border_style(d.border).title(format!(" {} ", d.title));
            let inner = block.inner(d.area);
            f.render_widget(block, d.area);
            f.render_widget(Paragraph::new(d.lines.clone()), inner);
        }
        Fit::TooSmall { need, now, border } => {
            let area = f.area();
            f.render_widget(Clear, area);
            let block = Block::default().borders(Borders::ALL).border_style(*border).title(" too small ");
            let inner = block.inner(area);
            f.render_widget(block, area);
            // Short lines first: on the smallest screens what to do still shows.
            let text = [
                Line::styled("terminal too small", th.bold()),
                Line::from(format!("need {} x {} (now {} x {})", need.0, need.1, now.0, now.1)),
                Line::from("to show this plan and its prompt. Enlarge the window; Esc cancels."),
            ];
            f.render_widget(Paragraph::new(wrap::lines(&text, inner.width as usize)), inner);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(body: usize) -> Sheet<'static> {
        Sheet {
            title: "t".into(),
            top: vec![Line::from("summary of the plan")],
            header: Some(Line::from("topic part")),
            body: (0..body).map(|i| Line::from(format!("row {i}"))).collect(),
            bottom: vec![Line::from("In all: 3"), Line::from("Proceed? y / n")],
            min_width: 40,
            border: Style::default(),
        }
    }

    #[test]
    fn the_fixed_parts_are_always_whole_and_the_body_scrolls() {
        let Fit::Drawn(d) = sheet(50).fit((80, 12), 100) else { panic!("fits") };
        // 12 - 2 margin - 2 border = 8 rows: 2 above, 2 below, 1 position, 3 body rows, the last ones.
        assert_eq!(d.lines.len(), 8);
        assert_eq!(d.shown, 47..50);
        let last = &d.lines[7].spans[0].content;
        assert_eq!(last, "Proceed? y / n");
    }

    #[test]
    fn too_small_says_what_it_needs_and_that_size_fits() {
        let s = sheet(50);
        let Fit::TooSmall { need, .. } = s.fit((80, 8), 0) else { panic!("too small") };
        assert!(s.fit(need, 0).drawn(), "{need:?}");
        assert!(!s.fit((need.0, need.1 - 1), 0).drawn());
        assert!(!s.fit((39, 40), 0).drawn(), "narrower than the table");
    }
}

#[cfg(test)]
#[path = "sheet_tests.rs"]
mod property;
