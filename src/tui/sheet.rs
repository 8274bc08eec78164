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

/// What scrolls: entries made on demand, so a plan of 100,000 partitions costs a key or a frame only the entries
/// that are measured for the screen (a page from where it is scrolled, a page from the end), not all of them.
pub struct Body<'a> {
    pub len: usize,
    pub at: Box<dyn Fn(usize) -> Line<'static> + 'a>,
}

impl<'a> Body<'a> {
    pub fn new(len: usize, at: impl Fn(usize) -> Line<'static> + 'a) -> Self {
        Self { len, at: Box::new(at) }
    }

    /// Entries already made.
    pub fn of(lines: Vec<Line<'static>>) -> Self {
        Self::new(lines.len(), move |i| lines[i].clone())
    }
}

impl Default for Body<'_> {
    fn default() -> Self {
        Self::of(Vec::new())
    }
}

/// A confirmation's parts, before they are fitted to a screen.
#[derive(Default)]
pub struct Sheet<'a> {
    pub title: String,
    /// Above the body: the summary and any warning about it.
    pub top: Vec<Line<'a>>,
    /// The body's column headings, kept above it when it scrolls.
    pub header: Option<Line<'a>>,
    /// What scrolls: one line per row, then what was left out and the notes.
    pub body: Body<'a>,
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
    /// The rows that stay put at `inner_w` columns.
    fn fixed(&self, inner_w: usize) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
        let mut top = wrap::lines(&self.top, inner_w);
        if let Some(h) = &self.header {
            top.extend(wrap::line(h, inner_w));
        }
        (top, wrap::lines(&self.bottom, inner_w))
    }

    /// One body entry's rows.
    fn entry(&self, i: usize, inner_w: usize) -> Vec<Line<'static>> {
        wrap::line(&(self.body.at)(i), inner_w)
    }

    /// Whether the whole body takes at most `room` rows (measuring no more entries than that).
    fn body_fits(&self, room: usize, inner_w: usize) -> bool {
        let mut used = 0;
        for i in 0..self.body.len {
            used += self.entry(i, inner_w).len();
            if used > room {
                return false;
            }
        }
        true
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
        let (top, bottom) = self.fixed(inner_w);
        let fixed = top.len() + bottom.len();
        let n = self.body.len;
        let mut lines = top;
        let shown = if fixed <= inner_h && self.body_fits(inner_h - fixed, inner_w) {
            lines.extend((0..n).flat_map(|i| self.entry(i, inner_w)));
            0..n
        } else if inner_h >= fixed + 2 {
            let avail = inner_h - fixed - 1;
            // The last entries that fill a page: scrolling further would only show blank rows.
            let mut last_first = n;
            let mut used = 0;
            while last_first > 0 {
                let h = self.entry(last_first - 1, inner_w).len();
                if used + h > avail {
                    break;
                }
                last_first -= 1;
                used += h;
            }
            let first = scroll.min(last_first.min(n - 1));
            let mut used = 0;
            let mut end = first;
            while end < n && used < avail {
                let e = self.entry(end, inner_w);
                let take = e.len().min(avail - used);
                lines.extend(e.into_iter().take(take));
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
        let inner_w = room((w, 0)).0.saturating_sub(2).max(1) as usize;
        let (top, bottom) = self.fixed(inner_w);
        let body = if self.body_fits(1, inner_w) { self.body.len.min(1) } else { 2 };
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
            body: Body::new(body, |i| Line::from(format!("row {i}"))),
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
