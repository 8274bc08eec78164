//! The dashboard's state: one plain struct, changed only by `update`, read by the views.

use tui_input::Input;

use super::forms::{DeleteMessagesForm, DeleteOffsetsForm, ResetForm};
use super::tree::Tree;
use crate::core::profile::{Profile, Safety};
use crate::core::target::{GroupRef, TargetKind};
use crate::engine::plan::Plan;

/// How many log lines are kept in memory.
pub const LOG_CAPACITY: usize = 2000;

/// Severity of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Plain information.
    Info,
    /// A success.
    Ok,
    /// A failure: stands out.
    Error,
}

/// One line of the log pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// `HH:MM:SS` in the profile's zone.
    pub time: String,
    /// Severity.
    pub level: Level,
    /// The text.
    pub text: String,
}

/// What the open plan was asked for: asked again when the preview is stale, gone back to with `b` or when planning
/// fails, every value kept.
#[derive(Debug, Clone)]
pub struct Asked {
    pub what: Asking,
    pub from: Option<Origin>,
    /// Asked with `--dry-run` (or `:show`): the plan is shown to read, and nothing in it can run.
    pub view_only: bool,
}

/// The request behind a plan.
#[derive(Debug, Clone)]
pub enum Asking {
    One(crate::engine::order::Order),
    Many(Vec<crate::engine::order::Order>),
    File(std::path::PathBuf),
}

/// Where a plan was asked from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A form, as it was when Enter was pressed.
    Form(Box<Modal>),
    /// The `:` line.
    Line(super::command_line::CommandLine),
}

/// What a confirmation will run.
#[derive(Debug, Clone)]
pub struct Confirm {
    /// The plan, exactly as it will run; its target and required confirmation included.
    pub plan: Box<Plan>,
    /// What was typed, when a name is asked for.
    pub typed: Input,
    /// First plan row shown.
    pub scroll: usize,
    /// What moved in the live state since the plan was made, when something did: the preview no longer says what
    /// would happen (the job would refuse it), so it offers to plan again.
    pub stale: Option<String>,
    /// A dry run's plan: shown, never run.
    pub view_only: bool,
    /// It was asked from a form or the `:` line, so `b` has somewhere to go back to.
    pub back: bool,
    /// Why this plan was made again: the last one was refused when it ran because the group had moved.
    pub replanned: Option<String>,
}

impl Confirm {
    pub fn new(plan: Plan) -> Self {
        Self {
            plan: Box::new(plan),
            typed: Input::default(),
            scroll: 0,
            stale: None,
            view_only: false,
            back: false,
            replanned: None,
        }
    }

    /// Whether it deletes.
    pub fn destructive(&self) -> bool {
        use crate::engine::plan::PlanKind;
        match self.plan.kind {
            PlanKind::Reset => false,
            PlanKind::DeleteOffsets | PlanKind::DeleteMessages => true,
        }
    }

    /// The row `p` peeks at, marked `›`: the first one scrolled to.
    pub fn peek_row(&self) -> usize {
        self.scroll.min(self.plan.rows.len().saturating_sub(1))
    }

    /// The name to type, when the safety rules ask for one.
    pub fn type_name(&self) -> Option<&str> {
        self.plan.confirmation.name()
    }
}

/// What a confirmation of several groups will run.
#[derive(Debug, Clone)]
pub struct BatchConfirm {
    /// One plan per group, the groups left out, and the one confirmation (their count).
    pub batch: crate::engine::batch::Batch,
    /// What was typed.
    pub typed: Input,
    /// First row shown.
    pub scroll: usize,
    /// A dry run's plans: shown, never run.
    pub view_only: bool,
}

impl BatchConfirm {
    pub fn new(batch: crate::engine::batch::Batch) -> Self {
        Self { batch, typed: Input::default(), scroll: 0, view_only: false }
    }

    /// Every partition row, each with its group, in the order shown.
    pub fn rows(&self) -> impl Iterator<Item = (&str, &crate::engine::plan::Row)> {
        self.batch.plans.iter().flat_map(|p| p.rows.iter().map(move |r| (p.group.as_deref().unwrap_or_default(), r)))
    }
}

/// A modal on top of the panes.
#[derive(Debug, Clone)]
pub enum Modal {
    /// The key help, scrolled down this many lines.
    Help(usize),
    /// The reset form.
    Reset(ResetForm),
    /// The delete-committed-offsets form.
    DeleteOffsets(DeleteOffsetsForm),
    /// The delete-messages form.
    DeleteMessages(DeleteMessagesForm),
    /// Waiting for the engine to read the live state and plan.
    Planning {
        /// The plan request's id.
        request: u64,
        /// What is being planned, in words.
        what: String,
        /// How far its reads got, or what they wait out, as the engine last said.
        progress: Option<String>,
    },
    /// The confirmation.
    Confirm(Confirm),
    /// The confirmation of several groups at once.
    ConfirmBatch(BatchConfirm),
    /// The messages around a confirmation row's target.
    Peek(super::peek::PeekView),
    /// Jobs the journal shows were interrupted.
    Interrupted(super::interrupted::Banner),
    /// "A job is running; quit anyway?"
    QuitConfirm,
    /// The snapshots an undo can restore.
    UndoPick(super::undo_pick::UndoPick),
    /// "Cancel job N?"
    CancelConfirm { job: u64 },
    /// The filter of the focused tree or of the groups view, being typed.
    Filter(Input),
    /// The `:` line being typed.
    Command(super::command_line::CommandLine),
}

/// The view of the live data: the two trees, or every group in one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    Trees,
    Groups,
}

/// What fills the screen. The zoomed log remembers the view it covers, so Esc goes back to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Panes(Base),
    Log(Base),
}

impl Screen {
    /// The view under the log, or shown.
    pub fn base(self) -> Base {
        match self {
            Self::Panes(b) | Self::Log(b) => b,
        }
    }

    /// Whether the groups view is the view (shown, or under the zoomed log).
    pub fn groups(self) -> bool {
        self.base() == Base::Groups
    }

    /// Whether the log fills the screen.
    pub fn log(self) -> bool {
        matches!(self, Self::Log(_))
    }
}

/// A running job.
#[derive(Debug, Clone)]
pub struct Job {
    /// Its id.
    pub id: u64,
    /// `account/instance`, for log lines.
    pub label: String,
    /// Calls done.
    pub done: usize,
    /// Calls in all.
    pub total: usize,
    /// Failures so far.
    pub failed: usize,
    /// Whether cancel was asked.
    pub cancelling: bool,
    /// What its plan was asked for: asked again when the job refuses a plan the group moved under.
    pub asked: Option<Asked>,
}

/// The whole dashboard.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The profile the trees were built from.
    pub profile: Profile,
    /// Huawei (0) and Tencent (1) trees.
    pub trees: [Tree; 2],
    /// Focused pane.
    pub focus: usize,
    /// Terminal size.
    pub size: (u16, u16),
    /// What the engine last said about each group, topic and instance.
    pub live: super::cache::LiveCache,
    /// The groups view's rows, order, filter and selection.
    pub groups: super::groups_view::GroupsState,
    /// The log pane: its lines, scroll and search.
    pub log: super::log_view::LogPane,
    /// What fills the screen under any modal: the trees or the groups view, or the log zoomed over one of them.
    pub screen: Screen,
    /// When the newest refresh finished, as the log shows times (the header says how fresh the data is).
    pub read_at: Option<String>,
    /// When the last refresh ended, on the clock below (ms since the epoch).
    pub read_at_ms: Option<i64>,
    /// The wall clock as the last `Msg::Clock` gave it (ms since the epoch); 0 before the first tick.
    pub now_ms: i64,
    /// The open modal.
    pub modal: Option<Modal>,
    /// The running job.
    pub job: Option<Job>,
    /// Ids for plans and jobs.
    pub next_id: u64,
    /// Whether this is the demo (emulator) session.
    pub demo: bool,
    /// Whether colours are used (`NO_COLOR` unset).
    pub color: bool,
    /// The profile's zone name, for echoes.
    pub zone_name: String,
    /// A refresh is under way.
    pub refreshing: bool,
    /// A refresh the user asked for while one was running: sent once when it ends (never queued twice).
    pub refresh_again: bool,
    /// Accounts whose key the service refused (`huawei.NAME`, `tencent.NAME`), with the code: shown until a refresh the
    /// user asks for succeeds.
    pub auth_failed: std::collections::HashMap<String, String>,
    /// Set when the app should exit.
    pub quit: bool,
    /// Effective key bindings.
    pub keymap: super::keymap::Keymap,
    /// What the open plan (or the one being planned) was asked for.
    pub asked: Option<Asked>,
    /// Jobs the journal shows were interrupted, until dismissed; their groups are marked in the tree.
    pub interrupted: Vec<super::interrupted::Interrupted>,
    /// Lines run on the `:` line, oldest first (kept in the data dir between sessions).
    pub history: Vec<String>,
    /// Where the history is kept (none: not kept).
    pub history_file: Option<std::path::PathBuf>,
    /// Why the plan being made is asked again (a run refused because the group moved), for its confirmation.
    pub replanning: Option<String>,
    /// Groups marked (Space) to be reset or exported together: (instance, group), all on one instance.
    pub marked: std::collections::BTreeSet<GroupRef>,
}

impl AppState {
    /// A fresh dashboard for a profile.
    pub fn new(profile: Profile, size: (u16, u16), demo: bool, color: bool, zone_name: String) -> Self {
        let trees = [Tree::huawei(&profile), Tree::tencent(&profile)];
        let focus = if trees[0].nodes.is_empty() && !trees[1].nodes.is_empty() { 1 } else { 0 };
        Self {
            profile,
            trees,
            focus,
            size,
            live: Default::default(),
            groups: Default::default(),
            log: Default::default(),
            modal: None,
            job: None,
            next_id: 1,
            demo,
            color,
            zone_name,
            refreshing: false,
            refresh_again: false,
            auth_failed: Default::default(),
            screen: Screen::Panes(Base::Trees),
            read_at: None,
            read_at_ms: None,
            now_ms: 0,
            quit: false,
            keymap: super::keymap::Keymap::default(),
            replanning: None,
            marked: Default::default(),
            asked: None,
            interrupted: Vec::new(),
            history: Vec::new(),
            history_file: None,
        }
    }

    /// Applies the profile's `[keys]`, logging each binding that could not be used.
    pub fn with_profile_keys(mut self) -> Self {
        let (keymap, warnings) = super::keymap::Keymap::from_profile(&self.profile.keys);
        self.keymap = keymap;
        for w in warnings {
            self.push_log(String::new(), Level::Error, format!("warning: {w}"));
        }
        self
    }

    /// Appends a log line, keeping the in-memory history bounded.
    pub fn push_log(&mut self, time: String, level: Level, text: String) {
        // Lines the dashboard says itself carry the clock's time too, once the clock has ticked.
        let time = match (time.is_empty(), jiff::Timestamp::from_millisecond(self.now_ms)) {
            (true, Ok(now)) if self.now_ms > 0 => {
                let tz = jiff::tz::TimeZone::get(&self.zone_name).unwrap_or(jiff::tz::TimeZone::UTC);
                now.to_zoned(tz).strftime("%H:%M:%S").to_string()
            }
            _ => time,
        };
        if self.log.lines.len() == LOG_CAPACITY {
            self.log.lines.pop_front();
        }
        self.log.lines.push_back(LogLine { time, level, text });
        self.log.pushed += 1;
        if self.log.scroll > 0 {
            // Keep the view still while the user reads older lines.
            self.log.scroll = (self.log.scroll + 1).min(self.log.lines.len());
        }
    }

    /// The filter being typed, if one is.
    pub fn typing_filter(&self) -> Option<&Input> {
        match &self.modal {
            Some(Modal::Filter(input)) => Some(input),
            _ => None,
        }
    }

    /// The `:` line being typed, if it is open.
    pub fn command_line(&self) -> Option<&super::command_line::CommandLine> {
        match &self.modal {
            Some(Modal::Command(line)) => Some(line),
            _ => None,
        }
    }

    /// How long ago the data was read, in words ("12 s ago", "3 min ago"); coarser as it ages, so the clock
    /// redraws the header once a second for the first minute, then once a minute.
    pub fn read_age(&self) -> Option<String> {
        let at = self.read_at_ms.filter(|_| self.now_ms > 0)?;
        let secs = (self.now_ms - at).max(0) / 1000;
        Some(match secs {
            0..60 => format!("{secs} s ago"),
            60..3600 => format!("{} min ago", secs / 60),
            _ => format!("{} h ago", secs / 3600),
        })
    }

    /// A fresh id.
    pub fn take_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id - 1
    }

    /// The account, kind and safety of an instance.
    pub fn instance_info(&self, instance: &str) -> Option<(String, TargetKind, Safety)> {
        let t = crate::engine::target::Target::find(&self.profile, instance).ok()?;
        Some((t.account().to_owned(), t.kind(), t.safety()))
    }

    /// The account's safety, for a root node.
    pub fn account_safety(&self, account: &str) -> Safety {
        let from_h = self.profile.huawei.iter().find(|a| a.name == account).map(|a| a.safety);
        let from_t = self.profile.tencent.iter().find(|a| a.name == account).map(|a| a.safety);
        from_h.or(from_t).unwrap_or_default()
    }
}
