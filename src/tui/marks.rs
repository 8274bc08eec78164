//! Marked groups (Space): several groups of one instance reset, or exported as one CSV, under one confirmation.

use super::forms::ResetForm;
use super::state::{AppState, Asked, Asking, Modal, Origin};
use super::tree::Kind;
use super::update::{Effect, Step, ask, status, write_refusal, zone};
use crate::engine::order::{Order, Topics};
use crate::engine::plan::PlanKind;

/// Marks or unmarks the group under the cursor. Marks stay on one instance: marking a group of another one starts
/// again from it, and says so.
pub(super) fn toggle(s: &mut AppState) -> Step {
    let group = match &s.trees[s.focus].selected_node().map(|n| &n.kind) {
        Some(
            Kind::Group { instance, group }
            | Kind::GroupTopic { instance, group, .. }
            | Kind::GroupPartition { instance, group, .. },
        ) => crate::core::target::GroupRef::new(instance.to_string(), group.to_string()),
        _ => return status(s, "mark: select a group (Space marks it; r then resets the marked groups together)"),
    };
    if s.marked.iter().any(|m| m.instance != group.instance) {
        s.marked.clear();
        s.push_log(String::new(), super::state::Level::Info, "marks are on one instance at a time: cleared".into());
    }
    if !s.marked.remove(&group) {
        s.marked.insert(group.clone());
    }
    let n = s.marked.len();
    match n {
        0 => status(s, "no group marked"),
        _ => status(s, format!("{n} marked on {}: r resets them together · Esc clears", group.instance)),
    }
}

/// The reset form for the marked groups.
pub(super) fn open_reset(s: &mut AppState) -> Step {
    let Some(instance) = s.marked.iter().next().map(|m| m.instance.clone()) else { return Step::default() };
    if let Some(why) = write_refusal(s, &instance, PlanKind::Reset) {
        return status(s, format!("reset: {why}"));
    }
    let Some((_, kind, _)) = s.instance_info(&instance) else { return Step::default() };
    let groups = s.marked.iter().map(|m| m.group.clone()).collect();
    s.modal = Some(Modal::Reset(ResetForm::many(instance, groups, kind)));
    Step::redraw()
}

/// Enter in the marked groups' form: one order per group, planned together.
pub(super) fn submit(s: &mut AppState, mut f: ResetForm) -> (Option<Modal>, Vec<Effect>) {
    let strategy = match f.parsed_strategy(&zone(s), &s.zone_name) {
        Ok(st) => st,
        Err(e) => {
            f.error = Some(e);
            return (Some(Modal::Reset(f)), vec![]);
        }
    };
    let orders: Vec<Order> = f
        .groups
        .iter()
        .map(|g| Order::Reset {
            group: crate::core::target::GroupRef::new(&f.instance, g),
            topics: Topics::Committed,
            partitions: Vec::new(),
            strategy: strategy.clone(),
        })
        .collect();
    let from = Some(Origin::Form(Box::new(Modal::Reset(f))));
    s.asked = Some(Asked { what: Asking::Many(orders), from, view_only: false });
    ask(s)
}
