//! The command line: argument parsing and the headless commands. This is the edge, where `anyhow` is allowed.

mod check;
pub mod load;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code: everything succeeded.
pub const EXIT_OK: u8 = 0;
/// Exit code: bad input or profile.
pub const EXIT_BAD_INPUT: u8 = 2;

/// Reset consumer-group offsets and delete offsets and messages on Huawei DMS for Kafka and Tencent CKafka / DTS.
#[derive(Debug, Parser)]
#[command(name = "offsetdeck", version, arg_required_else_help = true)]
pub struct Args {
    /// The profile to use. Default: $OFFSETDECK_PROFILE, else ~/.config/offsetdeck/profile.toml.
    #[arg(long, global = true, value_name = "PATH")]
    pub profile: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Cmd,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Load and validate the profile, resolve every account's credentials (never shown), and print the tree.
    ///
    /// Exits 0 when the profile is valid and every account has credentials, 2 otherwise.
    Check,
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Cmd::Check => ExitCode::from(check::run(args.profile.as_deref())),
    }
}
