//! The one way text is wrapped: at words, a word longer than the width broken by columns. Views draw the rows this
//! returns and never let a widget wrap again, so what a view measures is what it draws.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// `line` as rows of at most `width` columns, styles kept. An empty line is one empty row.
pub fn line(line: &Line<'_>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut rows: Vec<Vec<(String, Style)>> = vec![Vec::new()];
    let mut used = 0usize;
    for span in &line.spans {
        let style = line.style.patch(span.style);
        for token in tokens(&span.content) {
            let w = cols(token);
            let blank = token.chars().all(char::is_whitespace);
            if used + w <= width {
                push(rows.last_mut().expect("a row"), token, style);
                used += w;
            } else if blank {
                // A space at the end of a row is where the row breaks; it is not carried to the next.
                rows.push(Vec::new());
                used = 0;
            } else {
                if used > 0 && w <= width {
                    trim_end(rows.last_mut().expect("a row"));
                    rows.push(Vec::new());
                    used = 0;
                }
                for ch in token.chars() {
                    let cw = ch.width().unwrap_or(0);
                    if used + cw > width && used > 0 {
                        rows.push(Vec::new());
                        used = 0;
                    }
                    push(rows.last_mut().expect("a row"), &ch.to_string(), style);
                    used += cw;
                }
            }
        }
    }
    rows.into_iter()
        .map(|r| Line::from(r.into_iter().map(|(t, s)| Span::styled(t, s)).collect::<Vec<_>>()).style(line.style))
        .collect()
}

/// Every line wrapped, in order.
pub fn lines<'a, I: IntoIterator<Item = &'a Line<'a>>>(all: I, width: usize) -> Vec<Line<'static>> {
    all.into_iter().flat_map(|l| line(l, width)).collect()
}

/// Rows `text` takes at `width` columns.
pub fn height(l: &Line<'_>, width: usize) -> usize {
    line(l, width).len()
}

/// Plain text as rows of words.
pub fn text(text: &str, width: usize) -> Vec<String> {
    line(&Line::raw(text.to_owned()), width)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

/// Display columns of a string.
pub fn cols(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Words and the runs of spaces between them.
fn tokens(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let blank = first.is_whitespace();
        let end = rest.char_indices().find(|(_, c)| c.is_whitespace() != blank).map_or(rest.len(), |(i, _)| i);
        let (t, r) = rest.split_at(end);
        rest = r;
        Some(t)
    })
}

/// A row ends where it breaks: the spaces before the break are not drawn.
fn trim_end(row: &mut Vec<(String, Style)>) {
    while let Some((t, _)) = row.last_mut() {
        let kept = t.trim_end().len();
        t.truncate(kept);
        if !t.is_empty() {
            break;
        }
        row.pop();
    }
}

fn push(row: &mut Vec<(String, Style)>, t: &str, style: Style) {
    match row.last_mut() {
        Some((text, s)) if *s == style => text.push_str(t),
        _ => row.push((t.to_owned(), style)),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ratatui::style::Color;

    use super::*;

    fn plain(rows: &[Line<'_>]) -> Vec<String> {
        rows.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    #[test]
    fn breaks_at_words_and_cuts_a_long_word() {
        assert_eq!(text("the quick brown fox", 10), ["the quick", "brown fox"]);
        assert_eq!(text("abcdefghijkl xy", 5), ["abcde", "fghij", "kl xy"]);
        assert_eq!(text("", 5), [""]);
        assert_eq!(text("a  b", 2), ["a", "b"], "the break eats the spaces");
    }

    #[test]
    fn keeps_styles_across_rows() {
        let red = Style::default().fg(Color::Red);
        let l = Line::from(vec![Span::raw("Type `billing` "), Span::styled("to proceed", red)]);
        let rows = line(&l, 16);
        assert_eq!(plain(&rows), ["Type `billing`", "to proceed"]);
        assert_eq!(rows[1].spans[0].style, red);
    }

    #[test]
    fn wide_characters_count_two_columns() {
        assert_eq!(text("数据数据", 5), ["数据", "数据"]);
    }

    proptest! {
        #[test]
        fn no_row_is_wider_than_asked_and_no_word_is_lost(words in prop::collection::vec("[a-z数]{0,12}", 0..30), width in 1usize..40) {
            let s = words.join(" ");
            let rows = text(&s, width);
            for r in &rows {
                // A wide character on a one-column screen still takes its row.
                prop_assert!(cols(r) <= width.max(2), "{r:?} at {width}");
            }
            let kept: String = rows.concat().split_whitespace().collect();
            let given: String = s.split_whitespace().collect();
            prop_assert_eq!(kept, given);
            prop_assert_eq!(height(&Line::raw(s.clone()), width), rows.len());
        }
    }
}
