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
    let rest = h - 2;
    // On a small screen the trees get rows first: the detail strip keeps one line, the log one line, and the
    // log grows to a quarter of the screen only while the panes keep eight rows.
    let detail_h = if rest >= 20 { 3 } else { 2 };
    let wanted_log = (h / 4).max(5);
    let log_h = if rest >= detail_h + wanted_log + 10 { wanted_log } else { rest.saturating_sub(detail_h + 10).max(3) };
    let panes_h = rest.saturating_sub(detail_h + log_h).max(3);
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
            assert!(a.panes[0].height >= 5 && a.log.height >= 3 && a.detail.height >= 2, "40x{h}");
            let used = a.title.height + a.panes[0].height + a.detail.height + a.log.height + a.hint.height;
            assert_eq!(used, h, "every row is used once at 40x{h}");
        }
    }
}
