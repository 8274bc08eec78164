//! Keeps the layers honest: core is pure, the TUI never talks HTTP, the emulator depends on core alone.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every (file, line) under `layer` that mentions a forbidden name as a path segment.
fn violations(layer: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root.join(layer), &mut files);
    let single = root.join(format!("{layer}.rs"));
    if single.exists() {
        files.push(single);
    }
    let mut found = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in forbidden {
                if mentions(code, word) {
                    found.push(format!("{}:{}: uses `{word}`: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    found
}

/// Whether `code` uses `name` as a path (`name::`, `use name`, `crate::name`), or `std::fs` in any import form.
fn mentions(code: &str, name: &str) -> bool {
    if name == "std::fs" {
        let squashed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        return squashed.contains("std::fs") || (squashed.contains("usestd::{") && squashed.contains("fs"));
    }
    code.match_indices(name).any(|(i, _)| {
        let before = code[..i].chars().last();
        let after = &code[i + name.len()..];
        let starts = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        starts
            && (after.starts_with("::")
                || after.starts_with(';')
                || after.starts_with(" as ")
                || after.starts_with(",")
                || after.starts_with("}"))
    })
}

#[test]
fn detector_catches_the_forms_we_care_about() {
    assert!(mentions("use tokio::sync::mpsc;", "tokio"));
    assert!(mentions("let x = std::fs::read(p);", "std::fs"));
    assert!(mentions("use std::{fs, io};", "std::fs"));
    assert!(mentions("use crate::providers::huawei;", "providers"));
    assert!(mentions("use crate::{core, providers};", "providers"));
    assert!(!mentions("let tokio_like = 1;", "tokio"));
    assert!(!mentions("// providers are elsewhere", "providers"));
}

#[test]
fn core_is_pure() {
    let bad = violations("core", &["tokio", "reqwest", "ratatui", "crossterm", "axum", "std::fs"]);
    assert!(bad.is_empty(), "core must not do I/O:\n{}", bad.join("\n"));
}

#[test]
fn tui_never_builds_http_requests() {
    let bad = violations("tui", &["reqwest", "providers", "cli"]);
    assert!(
        bad.is_empty(),
        "the TUI talks to the engine only, and shares the command language through `command`:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_command_language_belongs_to_neither_edge() {
    let bad = violations("command", &["cli", "tui", "providers", "reqwest", "ratatui"]);
    assert!(bad.is_empty(), "both edges use `command`; it uses neither:\n{}", bad.join("\n"));
}

#[test]
fn emulator_depends_on_core_alone() {
    let bad = violations("emulator", &["providers", "engine", "tui"]);
    assert!(bad.is_empty(), "the emulator depends on core only:\n{}", bad.join("\n"));
}

/// The data directory's layout has one owner, `engine/paths.rs`: no other engine, provider or command-line file
/// names a subpath of it or creates its private directories its own way, so the modules that store things (audit,
/// job, lock, session, snapshot) depend on that module, not on each other.
#[test]
fn the_data_directory_layout_is_owned_by_engine_paths() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let owner = root.join("engine").join("paths.rs");
    let layout = ["\"snapshots\"", "\"locks\"", "\"pacing\"", "\"plans\"", "\"audit.jsonl\"", "\"command-history\""];
    let mut bad = Vec::new();
    for layer in ["engine", "providers", "cli"] {
        let mut files = Vec::new();
        rust_files(&root.join(layer), &mut files);
        for f in files.into_iter().filter(|f| *f != owner) {
            let text = std::fs::read_to_string(&f).unwrap();
            // Unit tests build their own directories.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate() {
                let line = line.split("//").next().unwrap_or("");
                let names_layout = layer != "cli" && layout.iter().any(|l| line.contains(l));
                let own_rule = ["fn private_dir", "audit::private_dir", "snapshot::dir(", "audit::path("]
                    .iter()
                    .any(|w| line.contains(w));
                if names_layout || own_rule {
                    bad.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(bad.is_empty(), "ask engine::paths for the data directory's paths:\n{}", bad.join("\n"));
}
