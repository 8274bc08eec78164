//! Text from a server or a profile made inert before it reaches a terminal or a log: control characters (C0, C1,
//! DEL) and bidirectional overrides are shown escaped, so a consumer's client id cannot retitle the terminal, write
//! the clipboard (OSC 52), clear the screen or reorder what the user reads.

use std::borrow::Cow;

/// Whether a character must not reach a terminal raw.
fn dangerous(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escaped(c: char) -> String {
    match c {
        '\x1b' => "\\x1b".into(),
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        c if (c as u32) < 0x100 => format!("\\x{:02x}", c as u32),
        c => format!("\\u{:04x}", c as u32),
    }
}

/// One field: every dangerous character escaped, newlines included.
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.chars().any(dangerous) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if dangerous(c) { escaped(c) } else { c.to_string() }).collect())
}

/// Server text kept to one line where it enters: line breaks (`\n`, `\r`, U+2028, U+2029) and tabs shown escaped,
/// so a field placed in a line of output can never end that line and forge the next ("verified: 3 of 3 ...") nor
/// shift the columns offsetdeck lines up with its own tabs. Everything else is kept exactly (the output layer
/// escapes the rest).
pub fn one_line(text: &str) -> Cow<'_, str> {
    let breaks = |c: char| matches!(c, '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}');
    if !text.chars().any(breaks) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if breaks(c) { escaped(c) } else { c.to_string() }).collect())
}

/// Lines of output: as `inert`, but the line breaks (and tabs) offsetdeck itself wrote are kept.
pub fn inert_lines(text: &str) -> Cow<'_, str> {
    let bad = |c: char| dangerous(c) && c != '\n' && c != '\t';
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if bad(c) { escaped(c) } else { c.to_string() }).collect())
}

/// Serialised JSON made safe to print: serde already escapes C0 inside strings; C1, DEL and bidi overrides are
/// escaped too (as `\uXXXX`, which JSON reads back as the same characters).
pub fn inert_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(dangerous) {
        return Cow::Borrowed(json);
    }
    Cow::Owned(
        json.chars()
            .map(|c| if dangerous(c) && c != '\n' { format!("\\u{:04x}", c as u32) } else { c.to_string() })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_stays_on_one_line() {
        assert_eq!(one_line("plain"), "plain");
        assert_eq!(one_line("x\nverified: 3 of 3\r\u{2028}"), "x\\nverified: 3 of 3\\r\\u2028");
        assert_eq!(one_line("a\tb"), "a\\tb", "a server's tab cannot shift offsetdeck's columns");
        assert_eq!(inert_lines(&format!("a {}\n", one_line("b\nc"))).lines().count(), 1);
    }

    #[test]
    fn escapes_what_a_terminal_would_obey() {
        assert_eq!(inert("plain-id"), "plain-id");
        assert_eq!(inert("a\x1b]0;owned\x07b"), "a\\x1b]0;owned\\x07b");
        assert_eq!(inert("\u{9b}2J"), "\\x9b2J", "C1 CSI");
        assert_eq!(inert("abc\u{202e}fed"), "abc\\u202efed");
        assert_eq!(inert_lines("line 1\nline\x1b[2J 2\n"), "line 1\nline\\x1b[2J 2\n");
    }

    #[test]
    fn json_stays_json() {
        let v = serde_json::json!({"id": "x\u{9b}y\u{202e}z\u{1b}"});
        let text = serde_json::to_string(&v).unwrap();
        let safe = inert_json(&text);
        assert!(!safe.chars().any(dangerous), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), v, "reads back the same");
    }
}
