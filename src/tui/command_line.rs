//! The `:` command line: the headless syntax (`:reset --group billing --topic orders --to-latest`) in the context of
//! the selected instance, parsed by the same clap definitions as the shell's, ending in the same confirmation as the
//! forms. Tab completes subcommands, flags and live names; ↑ ↓ recall the history.

use clap::{CommandFactory, Parser};
use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::modes::{Mode, Verb, verb};
use super::state::{AppState, Asked, Asking, Modal, Origin};
use super::tree::Kind;
use super::update::{Effect, Step, ask, plan, selected_instance, zone};
use crate::command::args::{Args, Cmd};
use crate::engine::order::{Order, UndoFrom};
use crate::engine::worker::Command;

/// How many lines of history are kept.
pub const HISTORY: usize = 500;

/// The line being typed.
#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    pub input: Input,
    /// What was wrong with the last Enter, shown under the line; the line is kept to fix it.
    pub error: Option<String>,
    /// What Tab could complete to, when it was not one thing.
    pub candidates: Vec<String>,
    /// The history entry shown, counted back from the newest.
    pub recall: Option<usize>,
}

/// The subcommands the line takes (and `q`).
const VERBS: &[&str] =
    &["reset", "describe", "groups", "undo", "delete-offsets", "delete-messages", "apply", "show", "q"];

pub(super) fn open(s: &mut AppState) -> Step {
    s.modal = Some(Modal::Command(CommandLine::default()));
    Step::redraw()
}

pub(super) fn key(s: &mut AppState, key: KeyEvent) -> Step {
    let Some(Modal::Command(mut line)) = s.modal.take() else { return Step::default() };
    match verb(Mode::CommandLine, key) {
        Some(Verb::Cancel) => return Step::redraw(),
        Some(Verb::Run) => {
            let text = line.input.value().trim().to_owned();
            if text.is_empty() {
                return Step::redraw();
            }
            remember(s, &text);
            let mut step = match run(s, &text, &line) {
                Ok(step) => step,
                Err(e) => {
                    line.error = Some(e);
                    line.candidates.clear();
                    s.modal = Some(Modal::Command(line));
                    return Step { redraw: true, effects: vec![Effect::Remember(text)] };
                }
            };
            step.effects.push(Effect::Remember(text));
            return step;
        }
        Some(Verb::Complete) => complete(s, &mut line),
        Some(v @ (Verb::Up | Verb::Down)) => {
            let n = s.history.len();
            let at = match (v, line.recall) {
                (Verb::Up, None) if n > 0 => Some(0),
                (Verb::Up, Some(i)) => Some((i + 1).min(n.saturating_sub(1))),
                (Verb::Down, Some(0)) | (Verb::Down, None) => None,
                (Verb::Down, Some(i)) => Some(i - 1),
                (_, other) => other,
            };
            line.recall = at;
            let text = at.and_then(|i| s.history.get(n - 1 - i)).cloned().unwrap_or_default();
            line.input = Input::new(text);
        }
        _ => {
            line.input.handle_event(&Event::Key(key));
            line.error = None;
            line.candidates.clear();
        }
    }
    s.modal = Some(Modal::Command(line));
    Step::redraw()
}

fn remember(s: &mut AppState, text: &str) {
    if s.history.last().is_none_or(|l| l != text) {
        s.history.push(text.to_owned());
    }
    if s.history.len() > HISTORY {
        s.history.remove(0);
    }
}

/// The words of a line as a shell would split them, or why they cannot be.
fn words(text: &str) -> Result<Vec<String>, String> {
    shlex::split(text).ok_or_else(|| "a quote is not closed".to_owned())
}

/// Runs a line: `Ok` with what it does, `Err` with what to fix (the line stays open).
fn run(s: &mut AppState, text: &str, line: &CommandLine) -> Result<Step, String> {
    let from = Some(Origin::Line(CommandLine { error: None, candidates: Vec::new(), recall: None, ..line.clone() }));
    let mut words = words(text)?;
    match words.first().map(String::as_str) {
        Some("q" | "quit") => {
            s.modal = if s.job.is_some() { Some(Modal::QuitConfirm) } else { None };
            s.quit = s.job.is_none();
            return Ok(Step::redraw());
        }
        Some("help") => {
            s.modal = Some(Modal::Help(0));
            return Ok(Step::redraw());
        }
        _ => {}
    }
    // The selected instance is the context: `--instance` may be left out.
    let takes_instance =
        matches!(words.first().map(String::as_str), Some("reset" | "describe" | "delete-offsets" | "delete-messages"));
    if takes_instance
        && !words.iter().any(|w| w == "--instance" || w.starts_with("--instance="))
        && let Some(i) = selected_instance(s)
    {
        words.splice(1..1, ["--instance".to_owned(), i]);
    }
    let args = Args::try_parse_from(std::iter::once("offsetdeck".to_owned()).chain(words))
        .map_err(|e| clap_message(&e.render().to_string()))?;
    let Some(cmd) = args.command else { return Err(format!("type a command: {}", VERBS.join(", "))) };
    let view_only;
    let order = match cmd {
        Cmd::Reset(a) => {
            refuse_flags(&a.write, a.export)?;
            view_only = a.write.dry_run;
            let select = a.select();
            if select.single().is_none() {
                let known = groups_of(s, &a.instance);
                let groups = select.pick(&known)?;
                let orders =
                    groups.iter().map(|g| a.order(g, true, &zone(s), &s.zone_name)).collect::<Result<Vec<_>, _>>()?;
                s.asked = Some(Asked { what: Asking::Many(orders), from, view_only });
                let (modal, effects) = ask(s);
                s.modal = modal;
                return Ok(Step { redraw: true, effects });
            }
            a.order(select.single().unwrap_or_default(), false, &zone(s), &s.zone_name)?
        }
        Cmd::DeleteOffsets { instance, group, topics, write } => {
            refuse_flags(&write, false)?;
            view_only = write.dry_run;
            Order::DeleteOffsets { group: crate::core::target::GroupRef::new(instance, group), topics }
        }
        Cmd::DeleteMessages { instance, topic, partitions, write } => {
            refuse_flags(&write, false)?;
            view_only = write.dry_run;
            Order::DeleteMessages { topic: crate::core::target::TopicRef::new(instance, topic), partitions }
        }
        Cmd::Undo { snapshot, write } => {
            refuse_flags(&write, false)?;
            view_only = write.dry_run;
            match snapshot {
                Some(f) => Order::Undo(UndoFrom::File(f.into())),
                None => match selected_instance(s) {
                    Some(i) => Order::Undo(UndoFrom::NewestOf(i)),
                    None => Order::Undo(UndoFrom::Newest),
                },
            }
        }
        Cmd::Describe { instance, group, .. } => {
            let rows = super::layout::tree_rows(s.size.0, s.size.1);
            let found = (0..2).find(|t| {
                s.trees[*t].select_where(
                    |k| matches!(k, Kind::Group { instance: i, group: g } if **i == *instance && **g == *group),
                    rows,
                )
            });
            let Some(t) = found else { return Err(format!("no group `{group}` on `{instance}` in the trees")) };
            s.focus = t;
            s.screen = super::state::Screen::Panes(super::state::Base::Trees);
            return Ok(Step::send(Command::Describe { group: crate::core::target::GroupRef::new(instance, group) }));
        }
        Cmd::Groups { instance, state, sort, .. } => {
            s.screen = super::state::Screen::Panes(super::state::Base::Groups);
            s.groups.sort = match sort {
                crate::command::args::Sort::Lag => super::groups_view::GroupSort::Lag,
                crate::command::args::Sort::Name => super::groups_view::GroupSort::Name,
                crate::command::args::Sort::State => super::groups_view::GroupSort::State,
            };
            let words: Vec<String> =
                instance.into_iter().chain(state.map(|st| format!("state:{}", st.to_lowercase()))).collect();
            s.groups.filter = words.join(" ");
            s.groups.cursor = 0;
            s.groups.selected = None;
            super::groups_view::sync_selection(s);
            return Ok(Step::redraw());
        }
        Cmd::Apply { file, write } => {
            refuse_flags(&write, false)?;
            s.asked = Some(Asked { what: Asking::File(file), from, view_only: write.dry_run });
            let (modal, effects) = ask(s);
            s.modal = modal;
            return Ok(Step { redraw: true, effects });
        }
        // `show` only shows: the plan as `apply` would run it, and nothing runs it.
        Cmd::Show { file } => {
            s.asked = Some(Asked { what: Asking::File(file), from, view_only: true });
            let (modal, effects) = ask(s);
            s.modal = modal;
            return Ok(Step { redraw: true, effects });
        }
        other => {
            let name = format!("{other:?}").split([' ', '{', '(']).next().unwrap_or_default().to_lowercase();
            return Err(format!("`{name}` is for the shell: run `offsetdeck {name}` there"));
        }
    };
    let (modal, effects) = plan(s, order, from);
    if let Some(a) = &mut s.asked {
        a.view_only = view_only;
    }
    s.modal = modal;
    Ok(Step { redraw: true, effects })
}

/// The dashboard always shows the plan and asks; flags that skip that, answer for the user, or write elsewhere are
/// refused by name (`--dry-run` is honoured: the plan is shown and nothing can run it).
fn refuse_flags(w: &crate::command::args::WriteFlags, export: bool) -> Result<(), String> {
    let flag = [
        (w.yes, "--yes"),
        (w.confirm.is_some(), "--confirm"),
        (w.plan_out.is_some(), "--plan-out"),
        (export, "--export"),
    ]
    .into_iter()
    .find(|(on, _)| *on);
    match flag {
        Some((_, f)) => Err(format!(
            "{f} is for the shell; here every write shows its plan and asks (Ctrl-S in the confirmation saves a plan file)"
        )),
        None => Ok(()),
    }
}

/// clap's error as one line: what it says before its usage text (`error: ` dropped, the missing flags kept).
fn clap_message(rendered: &str) -> String {
    let said: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    if said.is_empty() {
        return "that is not a command".into();
    }
    said.join(" ").trim_start_matches("error: ").to_owned()
}

/// The groups the trees know on an instance: pinned and listed live.
fn groups_of(s: &AppState, instance: &str) -> Vec<String> {
    s.trees
        .iter()
        .flat_map(|t| t.nodes.iter())
        .filter_map(|n| match &n.kind {
            Kind::Group { instance: i, group } if **i == *instance => Some(group.to_string()),
            _ => None,
        })
        .collect()
}

fn topics_of(s: &AppState, instance: &str) -> Vec<String> {
    let mut out: Vec<String> = s
        .trees
        .iter()
        .flat_map(|t| t.nodes.iter())
        .filter_map(|n| match &n.kind {
            Kind::Topic { instance: i, topic } | Kind::GroupTopic { instance: i, topic, .. } if **i == *instance => {
                Some(topic.to_string())
            }
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn instances(s: &AppState) -> Vec<String> {
    s.trees
        .iter()
        .flat_map(|t| t.nodes.iter())
        .filter_map(|n| match &n.kind {
            Kind::Instance { instance, .. } => Some(instance.to_string()),
            _ => None,
        })
        .collect()
}

/// What the word being typed may become: a subcommand first, then its flags, and after a flag that names something,
/// the live names.
pub fn candidates(s: &AppState, text: &str) -> Vec<String> {
    let ends_open = text.is_empty() || text.ends_with(' ');
    let words: Vec<String> = words(text).unwrap_or_default();
    let (done, current): (&[String], &str) = match (ends_open, words.split_last()) {
        (true, _) | (false, None) => (&words[..], ""),
        (false, Some((last, rest))) => (rest, last.as_str()),
    };
    let pick = |all: Vec<String>| -> Vec<String> { all.into_iter().filter(|c| c.starts_with(current)).collect() };
    let Some(verb) = done.first() else { return pick(VERBS.iter().map(|v| (*v).to_owned()).collect()) };
    let instance = done
        .windows(2)
        .find(|w| w[0] == "--instance")
        .map(|w| w[1].clone())
        .or_else(|| selected_instance(s))
        .unwrap_or_default();
    match done.last().map(String::as_str) {
        Some("--instance" | "--from-instance") => return pick(instances(s)),
        Some("--group" | "--from-group" | "--exclude") => return pick(groups_of(s, &instance)),
        Some("--topic") => return pick(topics_of(s, &instance)),
        _ => {}
    }
    let cmd = Args::command();
    let Some(sub) = cmd.find_subcommand(verb) else { return Vec::new() };
    let flags = sub.get_arguments().filter_map(|a| a.get_long()).map(|l| format!("--{l}")).collect();
    pick(flags)
}

/// Tab: the word completes as far as every candidate agrees; more than one are listed under the line.
fn complete(s: &AppState, line: &mut CommandLine) {
    let text = line.input.value().to_owned();
    let found = candidates(s, &text);
    let current = if text.ends_with(' ') { "" } else { text.rsplit(' ').next().unwrap_or("") };
    let Some(first) = found.first() else {
        line.candidates.clear();
        return;
    };
    let common = found
        .iter()
        .fold(first.clone(), |acc, c| acc.chars().zip(c.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect());
    // A whole name goes in shell-quoted, as the line is split like a shell's: a name with a quote or a space (an
    // instance's display name) stays one word and cannot add flags.
    let word =
        if found.len() == 1 { shlex::try_quote(&common).map_or(common.clone(), |q| q.into_owned()) } else { common };
    let mut next = format!("{}{}", &text[..text.len() - current.len()], word);
    if found.len() == 1 {
        next.push(' ');
    }
    line.input = Input::new(next);
    line.candidates = if found.len() > 1 { found } else { Vec::new() };
}

/// Draws the line over the log's bottom edge, with its error or completions under it (on the hint bar), and puts
/// the terminal's cursor where the next character goes.
pub fn render(f: &mut ratatui::Frame<'_>, line: &CommandLine, hint: ratatui::layout::Rect, th: &super::view::Theme) {
    use ratatui::style::Color;
    use ratatui::text::{Line, Span};
    use ratatui::widgets::{Clear, Paragraph};
    if hint.y < 2 {
        return;
    }
    let under = match (&line.error, line.candidates.is_empty()) {
        (Some(e), _) => Line::styled(e.clone(), th.fg(Color::Red)),
        (None, false) => Line::styled(
            line.candidates.iter().map(|c| crate::core::inert::inert(c)).collect::<Vec<_>>().join("  "),
            th.fg(Color::Cyan),
        ),
        (None, true) => Line::styled("Enter runs · Tab completes · ↑↓ history · Esc closes", th.fg(Color::DarkGray)),
    };
    // An error wraps upwards from the hint bar, whole (up to half the screen), and the line moves up above it.
    let under = super::wrap::line(&under, hint.width as usize);
    let n = under.len().min((hint.y as usize).div_ceil(2)).max(1) as u16;
    let below = ratatui::layout::Rect::new(hint.x, hint.y + 1 - n, hint.width, n);
    let row = ratatui::layout::Rect::new(hint.x, below.y - 1, hint.width, 1);
    let width = row.width.saturating_sub(2) as usize;
    let scroll = line.input.visual_scroll(width);
    let shown: String = line.input.value().chars().skip(scroll).take(width).collect();
    f.render_widget(Clear, row);
    f.render_widget(Paragraph::new(Line::from(vec![Span::styled(":", th.bold()), Span::raw(shown)])), row);
    let cursor = (line.input.visual_cursor().saturating_sub(scroll) as u16).min(row.width.saturating_sub(1));
    f.set_cursor_position((row.x + 1 + cursor, row.y));
    f.render_widget(Clear, below);
    f.render_widget(Paragraph::new(under), below);
}
