//! Keys while a modal is open: the forms (Enter plans, keeping where it was asked from), the planning wait, the
//! questions, and the modals with keys of their own.

use ratatui::crossterm::event::KeyEvent;

use super::confirm::confirm_key;
use super::{Effect, Step, plan, zone};
use crate::engine::order::Order;
use crate::engine::worker::Command;
use crate::tui::modes::{Mode, Verb, verb};
use crate::tui::state::{AppState, Modal, Origin};

pub(super) fn modal_key(s: &mut AppState, key: KeyEvent) -> Step {
    // What the key does, from the open screen's table: the forms, the planning wait and the questions alike.
    let verb_here = verb(crate::tui::modes::of(s), key);
    let Some(modal) = s.modal.take() else { return Step::default() };
    let esc = verb_here == Some(Verb::Cancel);
    let enter = verb_here == Some(Verb::Run);
    let (next, effects) = match modal {
        Modal::Help(_) if verb(Mode::Help, key) == Some(Verb::Cancel) => (None, vec![]),
        Modal::Help(at) => {
            let (_, rows) = crate::tui::help::room(s);
            let (_, max) = crate::tui::help::extent(s);
            let at = match verb(Mode::Help, key) {
                Some(Verb::Down) => at + 1,
                Some(Verb::Up) => at.saturating_sub(1),
                Some(Verb::PageDown) => at + rows,
                Some(Verb::PageUp) => at.saturating_sub(rows),
                Some(Verb::First) => 0,
                Some(Verb::Last) => max,
                _ => at,
            };
            (Some(Modal::Help(at.min(max))), vec![])
        }
        Modal::CancelConfirm { job } => match verb(Mode::Question, key) {
            Some(Verb::Run) if asked_whole(s, &Modal::CancelConfirm { job }) => {
                if let Some(j) = s.job.as_mut().filter(|j| j.id == job) {
                    j.cancelling = true;
                }
                (None, vec![Effect::Send(Command::Cancel { job })])
            }
            Some(Verb::Cancel) => (None, vec![]),
            _ => (Some(Modal::CancelConfirm { job }), vec![]),
        },
        Modal::QuitConfirm => match verb(Mode::Question, key) {
            Some(Verb::Run) if asked_whole(s, &Modal::QuitConfirm) => {
                s.quit = true;
                (None, vec![])
            }
            Some(Verb::Cancel) => (None, vec![]),
            _ => (Some(Modal::QuitConfirm), vec![]),
        },
        Modal::Reset(_) | Modal::DeleteOffsets(_) | Modal::DeleteMessages(_) if esc => (None, vec![]),
        Modal::Reset(f) if enter && !f.groups.is_empty() => crate::tui::marks::submit(s, f),
        Modal::Reset(mut f) if enter => {
            let back = Some(Origin::Form(Box::new(Modal::Reset(f.clone()))));
            let parsed =
                f.parsed_partitions().and_then(|p| f.parsed_strategy(&zone(s), &s.zone_name).map(|st| (p, st)));
            match parsed {
                Err(e) => {
                    f.error = Some(e);
                    (Some(Modal::Reset(f)), vec![])
                }
                Ok((partitions, strategy)) => plan(
                    s,
                    Order::Reset {
                        group: crate::core::target::GroupRef::new(f.instance, f.group),
                        topics: f.topics.into(),
                        partitions,
                        strategy,
                    },
                    back,
                ),
            }
        }
        Modal::Reset(mut f) => {
            f.key(key, verb_here);
            (Some(Modal::Reset(f)), vec![])
        }
        Modal::DeleteOffsets(mut f) if enter => {
            let topics = f.chosen();
            if topics.is_empty() {
                f.error = Some("choose at least one topic with Space".into());
                (Some(Modal::DeleteOffsets(f)), vec![])
            } else {
                let back = Some(Origin::Form(Box::new(Modal::DeleteOffsets(f.clone()))));
                plan(
                    s,
                    Order::DeleteOffsets { group: crate::core::target::GroupRef::new(f.instance, f.group), topics },
                    back,
                )
            }
        }
        Modal::DeleteOffsets(mut f) => {
            f.key(verb_here);
            (Some(Modal::DeleteOffsets(f)), vec![])
        }
        Modal::DeleteMessages(mut f) if enter => match f.chosen() {
            Err(e) => {
                f.error = Some(e);
                (Some(Modal::DeleteMessages(f)), vec![])
            }
            Ok(partitions) => {
                let back = Some(Origin::Form(Box::new(Modal::DeleteMessages(f.clone()))));
                plan(
                    s,
                    Order::DeleteMessages {
                        topic: crate::core::target::TopicRef::new(f.instance, f.topic),
                        partitions,
                    },
                    back,
                )
            }
        },
        Modal::DeleteMessages(mut f) => {
            f.key(key, verb_here);
            (Some(Modal::DeleteMessages(f)), vec![])
        }
        // Cancelled, not only hidden: its reads stop, so a paced lookup does not go on spending the rate.
        Modal::Planning { request, .. } if esc => {
            s.asked = None;
            s.push_log(String::new(), crate::tui::state::Level::Info, "planning cancelled: nothing was sent".into());
            (None, vec![Effect::Send(Command::CancelPlan { request })])
        }
        planning @ Modal::Planning { .. } => (Some(planning), vec![]),
        Modal::Confirm(c) => return confirm_key(s, c, key),
        Modal::ConfirmBatch(c) => return super::confirm::batch_key(s, c, key),
        Modal::Peek(v) => return crate::tui::peek::key(s, v, key),
        Modal::Interrupted(b) => return crate::tui::interrupted::key(s, b, key),
        Modal::UndoPick(p) => return crate::tui::undo_pick::key(s, p, key),
        // `key_event` gives these their own handlers before any modal.
        typing @ (Modal::Filter(_) | Modal::Command(_)) => (Some(typing), vec![]),
    };
    s.modal = next;
    Step { redraw: true, effects }
}

/// Whether a yes/no question was drawn whole at the screen's size (the frame lays it out the same way).
fn asked_whole(s: &AppState, m: &Modal) -> bool {
    crate::tui::modal_view::question(m, &crate::tui::view::Theme::of(s)).is_some_and(|q| q.fit(s.size, 0).drawn())
}
