//! Diagnostics that point into a file: line, column, key, what is wrong, and how to fix it.

use std::fmt;
use std::ops::Range;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The file cannot be used.
    Error,
    /// The file works, but something deserves attention.
    Warning,
}

/// One problem found in a file, located by line and column (both 1-based).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file as the user named it.
    pub file: String,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The dotted key the problem is about, e.g. `huawei.prod-bj.region`.
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The source line and the underline, when known.
    #[serde(skip)]
    snippet: Option<(String, usize, usize)>,
}

impl Diagnostic {
    /// A diagnostic at a byte span of `source`.
    pub fn at(
        severity: Severity,
        file: &str,
        source: &str,
        span: Option<Range<usize>>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column, snippet) = match span {
            Some(span) => locate(source, span),
            None => (0, 0, None),
        };
        Self {
            severity,
            file: file.to_owned(),
            line,
            column,
            key: key.into(),
            message: message.into(),
            help: None,
            snippet,
        }
    }

    /// Adds the fix.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Line, column and the underlined source line for a byte span.
fn locate(source: &str, span: Range<usize>) -> (usize, usize, Option<(String, usize, usize)>) {
    let start = floor_char_boundary(source, span.start.min(source.len()));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..].find('\n').map_or(source.len(), |i| start + i);
    let line = source[..start].matches('\n').count() + 1;
    let text = source[line_start..line_end].trim_end_matches('\r');
    let column = source[line_start..start].chars().count() + 1;
    let end = floor_char_boundary(source, span.end.clamp(start, line_end));
    let width = source[start..end].chars().count().max(1);
    (line, column, Some((text.to_owned(), column, width)))
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        let key = if self.key.is_empty() { String::new() } else { format!(" (key `{}`)", self.key) };
        if self.line == 0 {
            writeln!(f, "  --> {}{key}", self.file)?;
        } else {
            writeln!(f, "  --> {}:{}:{}{key}", self.file, self.line, self.column)?;
        }
        if let Some((text, column, width)) = &self.snippet {
            let n = self.line.to_string();
            let pad = " ".repeat(n.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{n} | {text}")?;
            writeln!(f, "{pad} | {}{}", " ".repeat(column - 1), "^".repeat(*width))?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// The closest candidate to `word` when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_and_column() {
        let src = "a = 1\nregion = \"cn-nort-4\"\n";
        let start = src.find("\"cn").unwrap();
        let d = Diagnostic::at(Severity::Error, "p.toml", src, Some(start..start + 11), "x.region", "bad");
        assert_eq!((d.line, d.column), (2, 10));
        let shown = d.help("fix it").to_string();
        assert!(shown.contains("p.toml:2:10"), "{shown}");
        assert!(shown.contains("^^^^^^^^^^^"), "{shown}");
        assert!(shown.contains("help: fix it"), "{shown}");
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("regoin", ["region", "endpoint"]), Some("region"));
        assert_eq!(did_you_mean("zzz", ["region", "endpoint"]), None);
    }
}
