//! The TOML profile: its schema, its validation, and the errors that point at the line to fix.

mod model;
mod raw;
mod rules;
mod scope;
mod validate;

pub use model::*;
pub use scope::{BadGlob, Found, Scope};

use thiserror::Error;

use crate::core::diag::{Diagnostic, Severity, did_you_mean};

/// A profile that could not be loaded, with every problem found.
#[derive(Debug, Clone, Error)]
#[error("{}", render(.diagnostics))]
pub struct ProfileError {
    /// The problems, errors first.
    pub diagnostics: Vec<Diagnostic>,
}

fn render(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
    let mut out: String = diags.iter().map(|d| format!("{d}\n")).collect();
    out.push_str(&format!("{errors} error(s) in the profile"));
    out
}

/// A profile and the warnings it raised.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated profile.
    pub profile: Profile,
    /// Things that work but deserve attention.
    pub warnings: Vec<Diagnostic>,
}

/// Parses and validates profile text; `file` is only used in messages.
pub fn parse(source: &str, file: &str) -> Result<Loaded, ProfileError> {
    if source.trim().is_empty() {
        let d = Diagnostic::at(Severity::Error, file, source, None, "", "the profile is empty")
            .help("add at least one [huawei.NAME] or [tencent.NAME] account; config.example.toml shows every key");
        return Err(ProfileError { diagnostics: vec![d] });
    }
    // One run names every unusable entry: an entry the reader refuses (unknown key, wrong type, bad syntax on its
    // line) is recorded, blanked out (same length, so later positions stay true) and the rest read again.
    let mut text = source.to_owned();
    let mut found: Vec<Diagnostic> = Vec::new();
    let mut blanked: Vec<String> = Vec::new();
    let raw = loop {
        match toml::from_str::<raw::RawProfile>(&text) {
            Ok(raw) => break Some(raw),
            Err(e) => {
                let d = from_toml_error(&e, source, file);
                // A key blanked above is missing now: that is not a second problem.
                let missing_blanked = d
                    .message
                    .strip_prefix("missing required key `")
                    .and_then(|m| m.split('`').next())
                    .is_some_and(|k| blanked.iter().any(|b| b == k || b.ends_with(&format!(".{k}"))));
                if missing_blanked {
                    break None;
                }
                let key = d.key.clone();
                found.push(d);
                match e.span().filter(|_| found.len() < MAX_ERRORS).and_then(|sp| blank_entry(&mut text, sp.start)) {
                    Some(()) => blanked.push(key),
                    None => break None,
                }
            }
        }
    };
    match (raw, found.is_empty()) {
        (Some(raw), true) => validate::validate(raw, source, file),
        (Some(raw), false) => {
            let more = match validate::validate(raw, source, file) {
                Ok(loaded) => loaded.warnings,
                Err(e) => e.diagnostics,
            };
            found.extend(more.into_iter().filter(|d| !blanked.contains(&d.key)));
            found.sort_by_key(|d| (d.severity != Severity::Error, d.line));
            Err(ProfileError { diagnostics: found })
        }
        (None, _) => Err(ProfileError { diagnostics: found }),
    }
}

/// The most problems one run reports.
const MAX_ERRORS: usize = 50;

/// Blanks the `key = value` line at a byte offset (a comment of the same length); `None` when that line is not one
/// (a table header, a value spread over lines), so reading cannot go on safely.
fn blank_entry(text: &mut String, offset: usize) -> Option<()> {
    let start = text[..offset.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..end];
    let t = line.trim_start();
    if t.is_empty() || t.starts_with('[') || t.starts_with('#') || !t.contains('=') {
        return None;
    }
    // A value opened and not closed on this line (a multi-line array or string) cannot be cut out line by line.
    let opens = t.matches(['[', '{']).count();
    let closes = t.matches([']', '}']).count();
    if opens != closes || t.contains("\"\"\"") || t.contains("'''") {
        return None;
    }
    let blank = format!("#{}", " ".repeat(line.len() - 1));
    text.replace_range(start..end, &blank);
    Some(())
}

/// Turns a TOML or serde error into a diagnostic with a fix.
fn from_toml_error(e: &toml::de::Error, source: &str, file: &str) -> Diagnostic {
    let message = e.message().trim().to_owned();
    let key = e.span().map(|s| key_path_at(source, s.start)).unwrap_or_default();
    let mut d = Diagnostic::at(Severity::Error, file, source, e.span(), key, first_line(&message));
    if let Some((field, expected)) = parse_unknown_field(&message) {
        d.message = format!("unknown key `{field}`");
        let hint = did_you_mean(&field, expected.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        d = d.help(format!("{hint}keys allowed here: {}", expected.join(", ")));
    } else if let Some(field) = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
        d.message = format!("missing required key `{field}`");
        d = d.help(format!("add `{field} = ...` to this table (see config.example.toml)"));
    } else if let Some(plain) = plain_type_error(&message) {
        d.message = plain;
        d = d.help("strings need quotes; numbers and true/false do not");
    } else if message.contains("duplicate key") {
        d = d.help("each name may appear once among its siblings; rename or remove one of them");
    } else {
        d = d.help("this is not valid TOML at this point; compare with config.example.toml");
    }
    d
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_owned()
}

/// `invalid type: string "ten", expected u32` in plain words: `expected a whole number, found the text "ten"`.
fn plain_type_error(message: &str) -> Option<String> {
    let rest = message.strip_prefix("invalid type: ")?;
    let (found, expected) = rest.split_once(", expected ")?;
    let found = if let Some(v) = found.strip_prefix("string ") {
        format!("the text {v}")
    } else if let Some(v) = found.strip_prefix("integer ") {
        format!("the number {}", v.trim_matches('`'))
    } else if let Some(v) = found.strip_prefix("floating point ") {
        format!("the number {}", v.trim_matches('`'))
    } else if let Some(v) = found.strip_prefix("boolean ") {
        v.trim_matches('`').to_string()
    } else {
        match found {
            "sequence" => "a list".to_owned(),
            "map" => "a table".to_owned(),
            other => other.to_owned(),
        }
    };
    let expected = first_line(expected);
    let expected = match expected.as_str() {
        "i64" | "u64" | "u32" | "i32" | "u16" | "u8" | "usize" | "an integer" => "a whole number".to_owned(),
        "a string" => "text in quotes".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "a sequence" => "a list, e.g. [\"a\", \"b\"]".to_owned(),
        "a map" => "a table".to_owned(),
        other => other.to_owned(),
    };
    Some(format!("expected {expected}, found {found}"))
}

/// `unknown field `x`, expected one of `a`, `b`` → (x, [a, b]).
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).map(str::to_owned).collect();
    Some((field.to_owned(), expected))
}

/// The dotted key at a byte offset: the last table header above it plus the key on that line.
fn key_path_at(source: &str, offset: usize) -> String {
    let before = &source[..offset.min(source.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = source[line_start..].lines().next().unwrap_or_default().trim();
    let header = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_owned());
    if line.starts_with('[') {
        return line.trim_matches(|c| c == '[' || c == ']').trim().to_owned();
    }
    let key = line.split('=').next().unwrap_or_default().trim();
    match (header, key.is_empty()) {
        (Some(h), false) => format!("{h}.{key}"),
        (Some(h), true) => h,
        (None, _) => key.to_owned(),
    }
}
