//! The command line: argument parsing and the headless commands. This is the edge, where `anyhow` is allowed.

/// `println!` for output that may carry a server's or a profile's text: control characters and bidi overrides are
/// shown escaped, the line breaks offsetdeck wrote are kept.
macro_rules! say {
    ($($t:tt)*) => { $crate::cli::out::write(&format!("{}\n", $crate::core::inert::inert_lines(&format!($($t)*)))) };
}
/// `eprintln!`, made inert the same way.
macro_rules! esay {
    ($($t:tt)*) => { $crate::cli::out::ewrite(&format!("{}\n", $crate::core::inert::inert_lines(&format!($($t)*)))) };
}
/// `print!`, made inert the same way.
macro_rules! sayn {
    ($($t:tt)*) => { $crate::cli::out::write(&$crate::core::inert::inert_lines(&format!($($t)*))) };
}
/// `eprint!`, made inert the same way.
macro_rules! esayn {
    ($($t:tt)*) => { $crate::cli::out::ewrite(&$crate::core::inert::inert_lines(&format!($($t)*))) };
}
/// One JSON document on stdout, with C1 controls and bidi overrides escaped inside its strings.
macro_rules! say_json {
    ($v:expr) => {
        $crate::cli::out::write(&format!("{}\n", $crate::core::inert::inert_json(&$v.to_string())))
    };
}

/// The command language lives in `crate::command`, shared with the dashboard's `:` line.
pub use crate::command::args;
mod audit;
mod check;
mod check_live;
mod dashboard;
mod emulator;
pub mod groups;
mod init;
pub mod load;
pub mod ops;
pub mod out;
mod planfile;
mod report;
mod reset;
mod table;
mod undo;
mod usage;

use std::process::ExitCode;

use clap::Parser;

use crate::core::live::Listing;
use crate::engine::order::Order;
use args::{Args, Cmd, Output, WriteFlags};
use ops::{Stop, WriteMode};

/// Exit code: everything succeeded.
pub const EXIT_OK: u8 = 0;
/// Exit code: bad input or profile.
pub const EXIT_BAD_INPUT: u8 = 2;

fn mode(w: &WriteFlags, json: bool) -> WriteMode<'_> {
    WriteMode {
        dry_run: w.dry_run,
        yes: w.yes,
        confirm: w.confirm.as_deref(),
        json,
        detailed: w.detailed_exitcode,
        plan_out: w.plan_out.as_deref().map(|p| (p, w.expires.as_str())),
        export: false,
        export_file: None,
    }
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let args = match Args::try_parse_from(&argv) {
        Ok(args) => args,
        Err(e) => return ExitCode::from(usage::fail(&e, &argv)),
    };
    let json = args.output == Output::Json;
    let profile = args.profile.as_deref();
    let Some(command) = &args.command else {
        let demo = (args.demo || args.demo_large).then_some(dashboard::Demo { large: args.demo_large });
        return ExitCode::from(dashboard::run(profile, demo, args.plan.as_deref()));
    };
    let result = match command {
        Cmd::Check { live } => return ExitCode::from(check::run(profile, *live, json)),
        Cmd::Init { force } => init::init(profile, *force, json),
        Cmd::Completions { shell } => init::completions(*shell),
        Cmd::Man => init::man(),
        Cmd::Emulator { listen, separate_ports, data, write_profile, large, no_limits, newest_first, living } => {
            let rt = match tokio::runtime::Runtime::new() {
                Ok(rt) => rt,
                Err(e) => {
                    esay!("error: {e}");
                    return ExitCode::from(1);
                }
            };
            return match rt.block_on(emulator::run(
                *listen,
                (*separate_ports, *large),
                emulator::World { limits: !*no_limits, newest_first: *newest_first, living: *living },
                data.clone(),
                write_profile.clone(),
            )) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    esay!("error: {e:#}");
                    ExitCode::from(EXIT_BAD_INPUT)
                }
            };
        }
        Cmd::Describe { instance, group, topic } => {
            ops::profile(profile).and_then(|p| ops::describe(&p, instance, group, topic.as_deref(), json))
        }
        Cmd::Reset(r) => ops::profile(profile).and_then(|p| reset::run(&p, r, mode(&r.write, json))),
        Cmd::Show { file } => planfile::show(file, json),
        Cmd::Apply { file, write } => ops::profile(profile).and_then(|p| planfile::apply(&p, file, mode(write, json))),
        Cmd::DeleteOffsets { instance, group, topics, write } => ops::profile(profile).and_then(|p| {
            let order = Order::DeleteOffsets {
                group: crate::core::target::GroupRef::new(instance, group),
                topics: topics.clone(),
            };
            ops::write(&p, order, mode(write, json))
        }),
        Cmd::Groups { instance, state, sort, members, stale, watch } => ops::profile(profile).and_then(|p| {
            let how = if *members { Listing::Full } else { Listing::Lag };
            groups::groups(&p, (instance.as_deref(), state.as_deref(), stale.as_deref()), (*sort, how, *watch), json)
        }),
        Cmd::Snapshots => ops::profile(profile).and_then(|p| audit::list_snapshots(&p, json)),
        Cmd::Undo { snapshot, write } => {
            ops::profile(profile).and_then(|p| undo::undo(&p, snapshot.as_deref(), mode(write, json)))
        }
        Cmd::Audit { since } => ops::profile(profile).and_then(|p| audit::audit_trail(&p, since.as_deref(), json)),
        Cmd::DeleteMessages { instance, topic, partitions, write } => ops::profile(profile).and_then(|p| {
            let order = Order::DeleteMessages {
                topic: crate::core::target::TopicRef::new(instance, topic),
                partitions: partitions.clone(),
            };
            ops::write(&p, order, mode(write, json))
        }),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Stop(code, msg)) => {
            esay!("{msg}");
            // With --output json, stdout is one document whatever happens: here, the error.
            if json {
                say_json!(serde_json::json!({"error": msg, "exit_code": code}));
            }
            ExitCode::from(code)
        }
    }
}
