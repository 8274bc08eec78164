//! Argument errors in the format the command line asked for: with `--output json`, stdout is one document even when
//! clap refuses the arguments, so a script that parses stdout learns why, not just that it failed.

use std::ffi::OsString;

/// Whether `argv` (the program name first) asks for JSON output: `--output json`, `--output=json`, `-o json` or
/// `-ojson`, the last one given winning, none after a `--`. Read by hand, since clap failed on these arguments.
pub fn wants_json(argv: &[OsString]) -> bool {
    let mut json = false;
    let mut words = argv.iter().skip(1).map(|w| w.to_string_lossy());
    while let Some(word) = words.next() {
        let value = match word.as_ref() {
            "--" => break,
            "--output" | "-o" => words.next().map(|v| v.into_owned()),
            w => w.strip_prefix("--output=").or_else(|| w.strip_prefix("-o")).map(str::to_owned),
        };
        if let Some(v) = value {
            json = v == "json";
        }
    }
    json
}

/// clap's error as one line: what it says before its usage text, without the `error: ` it starts with.
pub fn one_line(rendered: &str) -> String {
    let said: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    said.join(" ").trim_start_matches("error: ").to_owned()
}

/// Ends on a clap error: help and version are printed as clap prints them; an argument error goes to stderr as
/// clap renders it, and with `--output json` also as `{"error", "exit_code"}` on stdout. The exit code is clap's.
pub fn fail(e: &clap::Error, argv: &[OsString]) -> u8 {
    let code = u8::try_from(e.exit_code()).unwrap_or(super::EXIT_BAD_INPUT);
    if !e.use_stderr() {
        let _ = e.print();
        return code;
    }
    let rendered = e.render().to_string();
    esayn!("{rendered}");
    if wants_json(argv) {
        say_json!(serde_json::json!({"error": one_line(&rendered), "exit_code": code}));
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<OsString> {
        std::iter::once("offsetdeck").chain(words.iter().copied()).map(OsString::from).collect()
    }

    #[test]
    fn json_is_found_in_each_spelling_and_the_last_one_wins() {
        for words in [
            &["--output", "json", "reset"][..],
            &["reset", "--output=json"],
            &["-o", "json", "groups"],
            &["groups", "-ojson"],
            &["--output", "text", "groups", "-o", "json"],
        ] {
            assert!(wants_json(&argv(words)), "{words:?}");
        }
        for words in [
            &["reset"][..],
            &["--output", "text"],
            &["-o", "json", "--output=text"],
            &["--output"],
            &["--output", "JSON"],
            &["undo", "--", "-ojson"],
        ] {
            assert!(!wants_json(&argv(words)), "{words:?}");
        }
    }

    #[test]
    fn the_one_line_keeps_what_clap_said_and_drops_the_usage() {
        let rendered = "error: the following required arguments were not provided:\n  --instance <INSTANCE>\n\nUsage: offsetdeck describe --instance <INSTANCE>\n\nFor more information, try '--help'.\n";
        assert_eq!(one_line(rendered), "the following required arguments were not provided: --instance <INSTANCE>");
    }
}
