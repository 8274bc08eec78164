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
    let raw: raw::RawProfile =
        toml::from_str(source).map_err(|e| ProfileError { diagnostics: vec![from_toml_error(&e, source, file)] })?;
    validate::validate(raw, source, file)
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
    } else if message.starts_with("invalid type") {
        d = d.help("check the value's type: strings need quotes, numbers and true/false do not");
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
