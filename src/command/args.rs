//! The command language: every subcommand and flag, as the shell and the dashboard's `:` line both take them, and
//! the parsers of their values. No I/O beyond reading a `--from-file`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::core::select::GroupSelect;
use crate::core::strategy::{ResetStrategy, StrategyKind};
use crate::engine::order::{Order, Topics};

/// Reset consumer-group offsets and delete offsets and messages on Huawei DMS for Kafka and Tencent CKafka / DTS.
///
/// Exit codes: 0 all succeeded, 1 some item failed, 2 bad input or profile, 3 refused by a safety check, 4 with
/// --dry-run --detailed-exitcode: the plan would change something.
#[derive(Debug, Parser)]
#[command(name = "offsetdeck", version)]
pub struct Args {
    /// The profile to use. Default: $OFFSETDECK_PROFILE, else ~/.config/offsetdeck/profile.toml.
    #[arg(long, global = true, value_name = "PATH")]
    pub profile: Option<PathBuf>,

    /// Output format of the headless commands. With json, stdout is one JSON document, argument errors included
    /// (`{"error", "exit_code"}`).
    #[arg(long, short = 'o', global = true, value_enum, default_value = "text")]
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
    /// Do not ask for confirmation (`--execute`, as kafka-consumer-groups users type it, is the same flag).
    #[arg(long, visible_alias = "execute")]
    pub yes: bool,
    /// On a protected account: the group (or, for delete-messages, topic) name, typed to confirm.
    #[arg(long, value_name = "NAME")]
    pub confirm: Option<String>,
    /// With --dry-run: exit 0 when the plan changes nothing, 4 when it would change something (a code no error
    /// uses; others as usual), so a script can tell.
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
    /// Every syntax, unknown-key and wrong-type error is reported in one run. Exits 0 when the profile is valid and
    /// every account has credentials, 2 otherwise; with --live, 1 when a key or an id does not work.
    Check {
        /// Also try each account's key and each pinned instance's id against the cloud: one read each.
        #[arg(long)]
        live: bool,
    },
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
        /// Only groups in these states: EMPTY, ACTIVE, REBALANCING or DEAD, one or a comma list (empty,dead).
        #[arg(long, value_name = "STATE[,STATE]")]
        state: Option<String>,
        /// The order.
        #[arg(long, value_enum, default_value = "lag")]
        sort: Sort,
        /// Read each group's members and topics too: on Huawei one more call per group (10,000 groups at the
        /// default 10 calls/s is over 16 minutes), so it is off unless asked.
        #[arg(long)]
        members: bool,
        /// Only groups with no members whose last commit, as the lag samples show it, is older than this (`7d`,
        /// `12h`, `P14D`): the groups nobody uses. A group without samples is not judged (and counted).
        #[arg(long, value_name = "AGE")]
        stale: Option<String>,
        /// List again every SECONDS (10 if not given) until interrupted: a terminal is redrawn in place; with
        /// `--output json`, one JSON document (one line) per listing.
        #[arg(long, value_name = "SECONDS", num_args = 0..=1, default_missing_value = "10", value_parser = clap::value_parser!(u64).range(1..=86_400))]
        watch: Option<u64>,
    },
    /// Reset a group's committed offsets on one topic (all partitions unless --partition is given); or several
    /// groups' at once (--group repeated or a glob, --all-groups), under one confirmation.
    Reset(ResetArgs),
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
        #[arg(long = "partition", value_name = "P:OFFSET", required = true, value_parser = parse_partition_offset)]
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
    /// Write a commented starter profile where the profile is looked for (or to --profile PATH); never over a file
    /// unless --force (the old one is kept as .bak).
    Init {
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script: offsetdeck completions bash > /etc/bash_completion.d/offsetdeck
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): offsetdeck man | man -l -
    Man,
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
        /// Serve without the clouds' published rate limits (they are enforced by default, as the clouds do):
        /// for speed tests only.
        #[arg(long)]
        no_limits: bool,
        /// List Huawei ShowMessages time windows newest first (the API documents no order; this shows a tool that
        /// assumes one).
        #[arg(long)]
        newest_first: bool,
        /// Let the demo data move: some consumers commit at their own rates and retention deletes old messages on
        /// one topic, so every lag status and the loss forecast show (the dashboard's `--demo` does this).
        #[arg(long)]
        living: bool,
    },
}

/// The reset's flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ResetArgs {
    /// A Huawei instance, CKafka instance or DTS subscription, by its profile name.
    #[arg(long)]
    pub instance: String,
    /// The group (for DTS, its short name). Repeat it, or give a glob ('etl-*'), for several groups in one plan.
    #[arg(long = "group", value_name = "GROUP", required_unless_present = "all_groups")]
    pub groups: Vec<String>,
    /// Every group the instance has live (in the profile's scope); narrow it with --exclude.
    #[arg(long)]
    pub all_groups: bool,
    /// A glob of groups to leave out of --all-groups or a --group pattern; repeat for several.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// The topic (may be left out for a DTS subscription, which has one); `TOPIC:0,1,5` also chooses partitions,
    /// as kafka-consumer-groups does.
    #[arg(long, conflicts_with = "all_topics")]
    pub topic: Option<String>,
    /// Every topic the group has committed offsets on, live.
    #[arg(long)]
    pub all_topics: bool,
    /// A partition; repeat for several, or list them: 0,3,5. Default: all partitions.
    #[arg(long = "partition", value_name = "N", value_delimiter = ',', allow_hyphen_values = true, value_parser = parse_partition)]
    pub partitions: Vec<i32>,
    #[command(flatten)]
    pub strategy: StrategyArgs,
    /// With --from-group: the other group's instance (matched by topic name and partition number), on either
    /// cloud.
    #[arg(long, value_name = "INSTANCE", requires = "from_group")]
    pub from_instance: Option<String>,
    /// Print the planned targets as CSV (topic,partition,offset, as kafka-consumer-groups --export does; with
    /// several groups group,topic,partition,offset) and send nothing.
    #[arg(long, conflicts_with_all = ["yes", "plan_out"])]
    pub export: bool,
    /// Like --export, into PATH, written durably (a temporary file, fsynced, renamed): either the whole backup or no
    /// file.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["yes", "plan_out"])]
    pub export_file: Option<PathBuf>,
    #[command(flatten)]
    pub write: WriteFlags,
}

/// Parses the one strategy flag that was given, with the same parser the dashboard's form uses.
pub fn parse_strategy(
    s: &StrategyArgs,
    (group, several, from_instance): (&str, bool, Option<&str>),
    zone: &jiff::tz::TimeZone,
    zone_name: &str,
) -> Result<ResetStrategy, String> {
    if s.to_current {
        return Ok(ResetStrategy::ToCurrent);
    }
    if let Some(other) = &s.from_group {
        if other.trim().is_empty() {
            return Err("--from-group: give the group whose offsets to copy".into());
        }
        return Ok(ResetStrategy::FromGroup {
            group: other.trim().to_owned(),
            instance: from_instance.map(str::to_owned),
        });
    }
    if let Some(path) = &s.from_file {
        // Read when planned, by the engine (on the dashboard's worker, never while it draws).
        let _ = group;
        return Ok(ResetStrategy::FromFile { path: path.clone(), several });
    }
    let given = [
        (StrategyKind::Earliest, s.to_earliest.then_some("")),
        (StrategyKind::Latest, s.to_latest.then_some("")),
        (StrategyKind::ToOffset, s.to_offset.as_deref()),
        (StrategyKind::ToDatetime, s.to_datetime.as_deref()),
        (StrategyKind::ToTimestamp, s.to_timestamp.as_deref()),
        (StrategyKind::ByDuration, s.by_duration.as_deref()),
        (StrategyKind::ShiftBy, s.shift_by.as_deref()),
    ];
    let Some((kind, value)) = given.into_iter().find_map(|(k, v)| v.map(|v| (k, v))) else {
        return Err(
            "give one strategy: --to-earliest, --to-latest, --to-offset, --to-datetime, --to-timestamp, --by-duration, --shift-by, --to-current or --from-file"
                .into(),
        );
    };
    kind.parse(value, zone, zone_name).map_err(|e| format!("{}: {e}", kind.flag()))
}

/// The strategy flags, exactly one of which is given.
#[derive(Debug, Clone, Default, clap::Args)]
#[group(required = true, multiple = false)]
pub struct StrategyArgs {
    /// Move to the log start.
    #[arg(long)]
    pub to_earliest: bool,
    /// Move to the log end (skip everything unread).
    #[arg(long)]
    pub to_latest: bool,
    /// Move to this offset (clamped to the log).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub to_offset: Option<String>,
    /// Move to the first message at or after this time: RFC 3339, or YYYY-MM-DD HH:MM[:SS[.sss]] (with a space or
    /// kafka-consumer-groups' T) in the profile's zone.
    #[arg(long, value_name = "DT")]
    pub to_datetime: Option<String>,
    /// Move to the first message at or after this Unix time in milliseconds.
    #[arg(long, value_name = "MS", allow_hyphen_values = true)]
    pub to_timestamp: Option<String>,
    /// Move to now minus this duration: 6h, 90m, 2d, PT6H.
    #[arg(long, value_name = "D", allow_hyphen_values = true)]
    pub by_duration: Option<String>,
    /// Move each partition by N (negative replays, positive skips).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub shift_by: Option<String>,
    /// The committed offsets as they are (nothing moves): with --export, a backup that --from-file restores.
    #[arg(long)]
    pub to_current: bool,
    /// Exactly the offsets in this CSV: topic,partition,offset or group,topic,partition,offset (as
    /// kafka-consumer-groups --export writes), clamped to the log.
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<std::path::PathBuf>,
    /// Another group's committed offsets on the same topics and partitions; partitions it never committed are left
    /// out (and listed).
    #[arg(long, value_name = "GROUP")]
    pub from_group: Option<String>,
}

/// `--topic T` or `--topic T:0,1,5` (kafka-consumer-groups' form), with any `--partition`s.
pub fn topic_spec(topic: Option<&str>, partitions: &[i32]) -> Result<(Vec<String>, Vec<i32>), String> {
    let Some(topic) = topic else { return Ok((Vec::new(), partitions.to_vec())) };
    let Some((name, list)) = topic.split_once(':') else { return Ok((vec![topic.to_owned()], partitions.to_vec())) };
    let mut all = partitions.to_vec();
    for p in list.split(',') {
        all.push(parse_partition(p).map_err(|e| format!("--topic {topic:?}: {e}"))?);
    }
    if name.trim().is_empty() {
        return Err(format!("--topic {topic:?}: the topic name is missing before the colon"));
    }
    Ok((vec![name.to_owned()], all))
}

/// Parses a partition number given to `--partition`.
pub fn parse_partition(s: &str) -> Result<i32, String> {
    s.trim().parse::<i32>().ok().filter(|p| *p >= 0).ok_or_else(|| {
        format!("{s:?} is not a partition number: write a whole number from 0 to 2147483647; repeat --partition, or list them as 0,3,5")
    })
}

/// Parses `P:OFFSET` or `P:end`.
pub fn parse_partition_offset(s: &str) -> Result<(i32, Option<i64>), String> {
    let (p, o) = s.split_once(':').ok_or_else(|| format!("{s:?}: write PARTITION:OFFSET, e.g. 0:1200, or 0:end"))?;
    let p: i32 = p
        .trim()
        .parse()
        .ok()
        .filter(|p| *p >= 0)
        .ok_or_else(|| format!("{s:?}: the partition must be a whole number, 0 or more"))?;
    let o = match o.trim() {
        "end" => None,
        o => Some(crate::core::strategy::parse_offset(o).map_err(|e| e.to_string())?),
    };
    Ok((p, o))
}

impl ResetArgs {
    /// The groups it names.
    pub fn select(&self) -> GroupSelect {
        GroupSelect { patterns: self.groups.clone(), all: self.all_groups, exclude: self.exclude.clone() }
    }

    /// The order for one of its groups (`several`: one of many, so a CSV's lines need their group column).
    pub fn order(
        &self,
        group: &str,
        several: bool,
        zone: &jiff::tz::TimeZone,
        zone_name: &str,
    ) -> Result<Order, String> {
        let (named, partitions) = topic_spec(self.topic.as_deref(), &self.partitions)?;
        Ok(Order::Reset {
            group: crate::core::target::GroupRef::new(&self.instance, group),
            topics: if self.all_topics { Topics::Committed } else { Topics::Named(named) },
            partitions,
            strategy: parse_strategy(&self.strategy, (group, several, self.from_instance.as_deref()), zone, zone_name)?,
        })
    }
}

/// How the list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    /// Most lag first.
    Lag,
    /// By name.
    Name,
    /// By state (active first), then lag.
    State,
}
