//! Where everything goes, as a pure function of the terminal size (update needs the tree height too).

use ratatui::layout::Rect;

/// Below this width the two panes become tabs.
pub const SIDE_BY_SIDE_MIN_WIDTH: u16 = 120;

/// The screen's areas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Areas {
    /// Title and banner line.
    pub title: Rect,
    /// One area per shown pane: two side by side, or one (tabs).
    pub panes: Vec<Rect>,
    /// Whether the panes are tabs.
    pub tabs: bool,
    /// The detail strip.
    pub detail: Rect,
    /// The log pane.
    pub log: Rect,
    /// The hint bar.
    pub hint: Rect,
}

/// Lays out a `width` x `height` screen.
pub fn areas(width: u16, height: u16) -> Areas {
    let h = height.max(12);
    let detail_h = 3;
    // The log gives up rows before the panes go below three and the hint bar falls off a small screen (40x12).
    let log_h = (h / 4).max(5).min(h.saturating_sub(1 + 1 + detail_h + 3)).max(2);
    let panes_h = h.saturating_sub(1 + 1 + detail_h + log_h).max(3);
    let y_panes = 1;
    let y_detail = y_panes + panes_h;
    let y_log = y_detail + detail_h;
    let tabs = width < SIDE_BY_SIDE_MIN_WIDTH;
    let panes = if tabs {
        vec![Rect::new(0, y_panes, width, panes_h)]
    } else {
        let left = width / 2;
        vec![Rect::new(0, y_panes, left, panes_h), Rect::new(left, y_panes, width - left, panes_h)]
    };
    Areas {
        title: Rect::new(0, 0, width, 1),
        panes,
        tabs,
        detail: Rect::new(0, y_detail, width, detail_h),
        log: Rect::new(0, y_log, width, log_h),
        hint: Rect::new(0, y_log + log_h, width, 1),
    }
}

/// Rows a tree shows inside its frame.
pub fn tree_rows(width: u16, height: u16) -> usize {
    areas(width, height).panes[0].height.saturating_sub(2) as usize
}

/// The narrowest screen a confirmation's table fits on.
pub const CONFIRM_MIN_WIDTH: u16 = 80;

/// How a confirmation fits a `width` x `height` screen: the popup's inner size and how many plan rows it shows.
pub fn confirm_room(width: u16, height: u16, summary: &str, notes: usize, deleting: bool) -> (u16, u16, usize) {
    let popup_h = height.saturating_sub(2).min(22);
    let inner_w = width.saturating_sub(4).min(100).saturating_sub(2);
    let inner_h = popup_h.saturating_sub(2);
    let summary_rows = summary.chars().count() / (inner_w.max(1) as usize) + 1;
    let rows = (inner_h as usize).saturating_sub(6 + summary_rows + notes * 2 + usize::from(deleting));
    (inner_w, inner_h, rows)
}

/// `None` when the confirmation's summary, at least one plan row with its scroll position, and its prompt are all on
/// screen; otherwise the size it needs. A confirmation that does not fit cannot be accepted.
pub fn confirm_too_small(width: u16, height: u16, summary: &str, notes: usize, deleting: bool) -> Option<(u16, u16)> {
    let (_, _, rows) = confirm_room(width, height, summary, notes, deleting);
    if width >= CONFIRM_MIN_WIDTH && rows >= 1 {
        return None;
    }
    let w = width.max(CONFIRM_MIN_WIDTH);
    let need_h = (height..=400).find(|h| confirm_room(w, *h, summary, notes, deleting).2 >= 1).unwrap_or(400);
    Some((w, need_h))
}

/// Rows the log shows inside its frame.
pub fn log_rows(width: u16, height: u16) -> usize {
    areas(width, height).log.height.saturating_sub(2) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_80x24_and_160x48() {
        let a = areas(80, 24);
        assert!(a.tabs);
        assert_eq!(a.hint.y, 23);
        assert!(tree_rows(80, 24) >= 10);
        let b = areas(160, 48);
        assert!(!b.tabs && b.panes.len() == 2);
        assert_eq!(b.hint.y, 47);
        for h in 12..30 {
            let a = areas(40, h);
            assert_eq!(a.hint.y, h - 1, "the hint bar is the last row at 40x{h}");
            assert!(a.panes[0].height >= 3 && a.log.height >= 2, "40x{h}");
        }
    }
}
