//! The command line: argument parsing and the headless commands. This is the edge, where `anyhow` is allowed.

/// `println!` for output that may carry a server's or a profile's text: control characters and bidi overrides are
/// shown escaped, the line breaks offsetdeck wrote are kept.
macro_rules! say {
    ($($t:tt)*) => { println!("{}", $crate::core::inert::inert_lines(&format!($($t)*))) };
}
/// `eprintln!`, made inert the same way.
macro_rules! esay {
    ($($t:tt)*) => { eprintln!("{}", $crate::core::inert::inert_lines(&format!($($t)*))) };
}
/// `print!`, made inert the same way.
macro_rules! sayn {
    ($($t:tt)*) => { print!("{}", $crate::core::inert::inert_lines(&format!($($t)*))) };
}
/// `eprint!`, made inert the same way.
macro_rules! esayn {
    ($($t:tt)*) => { eprint!("{}", $crate::core::inert::inert_lines(&format!($($t)*))) };
}
/// One JSON document on stdout, with C1 controls and bidi overrides escaped inside its strings.
macro_rules! say_json {
    ($v:expr) => {
        println!("{}", $crate::core::inert::inert_json(&$v.to_string()))
    };
}

mod audit;
mod check;
mod dashboard;
mod emulator;
mod groups;
pub mod load;
pub mod ops;
mod planfile;
mod report;
mod reset;
mod undo;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::order::Order;
use ops::{Stop, WriteMode};

/// Exit code: everything succeeded.
pub const EXIT_OK: u8 = 0;
/// Exit code: bad input or profile.
pub const EXIT_BAD_INPUT: u8 = 2;

/// Reset consumer-group offsets and delete offsets and messages on Huawei DMS for Kafka and Tencent CKafka / DTS.
///
/// Exit codes: 0 all succeeded, 1 some item failed, 2 bad input or profile, 3 refused by a safety check.
#[derive(Debug, Parser)]
#[command(name = "offsetdeck", version)]
pub struct Args {
    /// The profile to use. Default: $OFFSETDECK_PROFILE, else ~/.config/offsetdeck/profile.toml.
    #[arg(long, global = true, value_name = "PATH")]
    pub profile: Option<PathBuf>,

    /// Output format of the headless commands.
    #[arg(long, global = true, value_enum, default_value = "text")]
    pub output: Output,

    /// Open the dashboard on the built-in emulator with demo data (no profile or credentials needed).
    #[arg(long)]
    pub demo: bool,

    /// Open the dashboard on a plan file (`--plan-out`, or Ctrl-S in a confirmation): it is checked and planned again
    /// from the live state, and its confirmation opens.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,

    /// The demo with one more instance on each cloud, discovered live: 10,000 groups and a topic of 100,000
    /// partitions (`bulk-hw`, `bulk-ck`).
    #[arg(long)]
    pub demo_large: bool,

    /// Without a subcommand, the full-screen dashboard opens.
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// For people.
    Text,
    /// For scripts.
    Json,
}

/// Flags shared by every write.
#[derive(Debug, Clone, clap::Args)]
pub struct WriteFlags {
    /// Print the plan and exactly which calls would be made, and make none.
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// On a protected account: the group (or, for delete-messages, topic) name, typed to confirm.
    #[arg(long, value_name = "NAME")]
    pub confirm: Option<String>,
    /// With --dry-run: exit 0 when the plan changes nothing, 2 when it would change something (other codes as
    /// usual), so a script can tell.
    #[arg(long, requires = "dry_run")]
    pub detailed_exitcode: bool,
    /// Write the plan to FILE (JSON, with a SHA-256) and send nothing; `offsetdeck apply FILE` runs it later if
    /// nothing it depends on moved.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["yes", "dry_run"])]
    pub plan_out: Option<PathBuf>,
    /// How long a --plan-out file may be applied: 1h, 30m, 2d.
    #[arg(long, value_name = "D", default_value = "1h", requires = "plan_out")]
    pub expires: String,
}

/// The subcommands.
// Parsed once per process; boxing the large variant would only complicate clap's derive.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Load and validate the profile, resolve every account's credentials (never shown), and print the tree.
    ///
    /// Exits 0 when the profile is valid and every account has credentials, 2 otherwise.
    Check,
    /// Show a group live: state, members, and per partition the committed offset, log start and end, and lag.
    Describe {
        /// A Huawei instance, CKafka instance or DTS subscription, by its profile name.
        #[arg(long)]
        instance: String,
        /// The group (for DTS, its short name).
        #[arg(long)]
        group: String,
        /// Only this topic (default: the group's topics in the profile).
        #[arg(long)]
        topic: Option<String>,
    },
    /// Every group the cloud has on an instance (default: every instance in the profile): state, members, lag and
    /// topics, the laggiest first. Groups the profile does not list are shown too, and marked.
    Groups {
        /// A Huawei instance, CKafka instance or DTS subscription, by its profile name.
        #[arg(long)]
        instance: Option<String>,
        /// Only groups in this state: EMPTY, ACTIVE, REBALANCING or DEAD.
        #[arg(long)]
        state: Option<String>,
        /// The order.
        #[arg(long, value_enum, default_value = "lag")]
        sort: groups::Sort,
    },
    /// Reset a group's committed offsets on one topic (all partitions unless --partition is given); or several
    /// groups' at once (--group repeated or a glob, --all-groups), under one confirmation.
    Reset(reset::ResetArgs),
    /// Delete a group's committed offsets for topics (Huawei DMS; CKafka DeleteGroupSubscribeTopic).
    DeleteOffsets {
        /// A Huawei instance, by its profile name.
        #[arg(long)]
        instance: String,
        /// The group.
        #[arg(long)]
        group: String,
        /// A topic; repeat for several.
        #[arg(long = "topic", required = true)]
        topics: Vec<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Delete the messages before an offset, per partition (Huawei). This cannot be undone.
    DeleteMessages {
        /// A Huawei instance, by its profile name.
        #[arg(long)]
        instance: String,
        /// The topic.
        #[arg(long)]
        topic: String,
        /// PARTITION:OFFSET (messages before OFFSET go), or PARTITION:end; repeat for several.
        #[arg(long = "partition", value_name = "P:OFFSET", required = true, value_parser = ops::parse_partition_offset)]
        partitions: Vec<(i32, Option<i64>)>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Print a plan file as the confirmation shows it: the table, the notes, the requests, who planned it and when.
    Show {
        /// A file written by --plan-out.
        file: PathBuf,
    },
    /// Apply a plan file: check its hash and expiry, re-read the live state, refuse (exit 3) with a per-partition
    /// diff if anything it depends on moved, else confirm, snapshot, send, verify and record it.
    Apply {
        /// A file written by --plan-out.
        file: PathBuf,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// List the snapshots taken before each write.
    Snapshots,
    /// Restore the offsets a snapshot saved (default: the newest), through the same plan and confirmation.
    ///
    /// Message deletions cannot be undone; DTS cannot reset to an offset, so its snapshots are refused.
    Undo {
        /// A snapshot file name (as `snapshots` lists it) or path.
        snapshot: Option<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Print the audit trail: one record per write, with each call's request id.
    Audit {
        /// Only records since this long ago (6h, 2d) or this datetime.
        #[arg(long, value_name = "D", allow_hyphen_values = true)]
        since: Option<String>,
    },
    /// Run the local emulator of both clouds' APIs until Ctrl-C or SIGTERM.
    ///
    /// Prints one JSON line with the addresses on stdout, then logs requests on stderr. One port serves all
    /// three APIs (Huawei routed by path, Tencent by action), unless --separate-ports gives each its own.
    Emulator {
        /// Address to listen on; loopback only.
        #[arg(long, default_value = "127.0.0.1:0", conflicts_with = "separate_ports")]
        listen: SocketAddr,
        /// Serve each API (Huawei, CKafka, DTS) on its own loopback port, as the real services have their own hosts;
        /// the announcement and the written profile name each.
        #[arg(long)]
        separate_ports: bool,
        /// A data file (default: the built-in demo data).
        #[arg(long, value_name = "FILE")]
        data: Option<PathBuf>,
        /// Write a profile pointing every account at the emulator, with its fake keys inline.
        #[arg(long, value_name = "PATH")]
        write_profile: Option<PathBuf>,
        /// Add the generated instance of 10,000 groups and 100,000 partitions to each cloud (`bulk-hw`, `bulk-ck`);
        /// the written profile does not pin them, so they are discovered live.
        #[arg(long)]
        large: bool,
    },
}

fn mode(w: &WriteFlags, json: bool) -> WriteMode<'_> {
    WriteMode {
        dry_run: w.dry_run,
        yes: w.yes,
        confirm: w.confirm.as_deref(),
        json,
        detailed: w.detailed_exitcode,
        plan_out: w.plan_out.as_deref().map(|p| (p, w.expires.as_str())),
        export: false,
    }
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let args = Args::parse();
    let json = args.output == Output::Json;
    let profile = args.profile.as_deref();
    let Some(command) = &args.command else {
        let demo = (args.demo || args.demo_large).then_some(dashboard::Demo { large: args.demo_large });
        return ExitCode::from(dashboard::run(profile, demo, args.plan.as_deref()));
    };
    let result = match command {
        Cmd::Check => return ExitCode::from(check::run(profile)),
        Cmd::Emulator { listen, separate_ports, data, write_profile, large } => {
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
            let order =
                Order::DeleteOffsets { instance: instance.clone(), group: group.clone(), topics: topics.clone() };
            ops::write(&p, order, mode(write, json))
        }),
        Cmd::Groups { instance, state, sort } => {
            ops::profile(profile).and_then(|p| groups::groups(&p, instance.as_deref(), state.as_deref(), *sort, json))
        }
        Cmd::Snapshots => ops::profile(profile).and_then(|p| audit::list_snapshots(&p)),
        Cmd::Undo { snapshot, write } => {
            ops::profile(profile).and_then(|p| undo::undo(&p, snapshot.as_deref(), mode(write, json)))
        }
        Cmd::Audit { since } => ops::profile(profile).and_then(|p| audit::audit_trail(&p, since.as_deref(), json)),
        Cmd::DeleteMessages { instance, topic, partitions, write } => ops::profile(profile).and_then(|p| {
            let order = Order::DeleteMessages {
                instance: instance.clone(),
                topic: topic.clone(),
                partitions: partitions.clone(),
            };
            ops::write(&p, order, mode(write, json))
        }),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Stop(code, msg)) => {
            esay!("{msg}");
            ExitCode::from(code)
        }
    }
}
