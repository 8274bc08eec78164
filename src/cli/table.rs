//! Text tables whose columns fit their data: each column is as wide as its longest cell or heading, so a long
//! group, topic or account name neither runs into the next column nor leaves every row padded for a short one.

/// Which side of its column a cell keeps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Names.
    Left,
    /// Numbers.
    Right,
}

/// A table built row by row, then rendered at once (the widths are known only at the end).
#[derive(Debug, Clone)]
pub struct Table {
    heads: Vec<(String, Align)>,
    /// Each row's cells and the text after its last column (a mark such as "(clamped to the log)").
    rows: Vec<(Vec<String>, String)>,
}

impl Table {
    /// A table with these column headings.
    pub fn new(heads: &[(&str, Align)]) -> Self {
        Self { heads: heads.iter().map(|(h, a)| ((*h).to_owned(), *a)).collect(), rows: Vec::new() }
    }

    /// Adds a row (missing cells are empty, extra cells are dropped).
    pub fn row(&mut self, cells: Vec<String>) {
        self.row_then(cells, String::new());
    }

    /// Adds a row followed by free text that takes no column.
    pub fn row_then(&mut self, mut cells: Vec<String>, trailer: String) {
        cells.resize(self.heads.len(), String::new());
        self.rows.push((cells, trailer));
    }

    /// The heading line and one line per row, each ending in a line break, with no trailing spaces.
    pub fn render(&self) -> String {
        let width = |s: &str| s.chars().count();
        let widths: Vec<usize> = (0..self.heads.len())
            .map(|i| self.rows.iter().map(|(c, _)| width(&c[i])).chain([width(&self.heads[i].0)]).max().unwrap_or(0))
            .collect();
        let line = |cells: &[String], trailer: &str| {
            let mut out = String::new();
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                let pad = " ".repeat(widths[i] - width(cell));
                match self.heads[i].1 {
                    Align::Left => {
                        out.push_str(cell);
                        out.push_str(&pad);
                    }
                    Align::Right => {
                        out.push_str(&pad);
                        out.push_str(cell);
                    }
                }
            }
            let mut out = out.trim_end().to_owned();
            out.push_str(trailer);
            out.push('\n');
            out
        };
        let heads: Vec<String> = self.heads.iter().map(|(h, _)| h.clone()).collect();
        let mut out = line(&heads, "");
        for (cells, trailer) in &self.rows {
            out.push_str(&line(cells, trailer));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fit_the_longest_cell_and_numbers_keep_right() {
        let mut t = Table::new(&[("group", Align::Left), ("lag", Align::Right), ("topics", Align::Left)]);
        t.row(vec!["a-group-name-longer-than-twenty-eight-chars".into(), "7".into(), "orders".into()]);
        t.row_then(vec!["b".into(), "123456".into(), "x".into()], "  (not in the profile)".into());
        assert_eq!(
            t.render(),
            "group                                          lag topics\n\
             a-group-name-longer-than-twenty-eight-chars      7 orders\n\
             b                                           123456 x  (not in the profile)\n"
        );
    }

    #[test]
    fn a_short_table_is_as_narrow_as_its_headings() {
        let mut t = Table::new(&[("topic", Align::Left), ("part", Align::Right)]);
        t.row(vec!["t".into(), "0".into()]);
        assert_eq!(t.render(), "topic part\nt        0\n");
    }
}
