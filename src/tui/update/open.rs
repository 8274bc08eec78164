//! Opening the forms and the undo picker from the selection: what each write applies to, pre-filled, with the
//! engine's own refusals asked before a form opens.

use tui_input::Input;

use super::{Step, status, write_refusal};
use crate::engine::plan::PlanKind;
use crate::engine::worker::Command;
use crate::tui::forms::{DeleteMessagesForm, DeleteOffsetsForm, DeleteRow, ResetForm};
use crate::tui::state::{AppState, Modal};
use crate::tui::tree::Kind;

pub(super) fn plan_undo(s: &mut AppState) -> Step {
    let Some(instance) = super::selected_instance(s) else {
        return status(s, "undo: select an instance or something in it");
    };
    if let Some(why) = write_refusal(s, &instance, PlanKind::Reset) {
        return status(s, format!("undo: {why}"));
    }
    // The user picks which snapshot: the instance's restorable ones arrive from the engine, newest first.
    s.modal = Some(Modal::UndoPick(crate::tui::undo_pick::UndoPick {
        instance: instance.clone(),
        items: None,
        cursor: 0,
        all: false,
    }));
    Step::send(Command::ListSnapshots { instance, all: false })
}

pub(super) fn open_reset(s: &mut AppState) -> Step {
    if !s.marked.is_empty() {
        return crate::tui::marks::open_reset(s);
    }
    let Some(node) = s.trees[s.focus].selected_node().cloned() else { return Step::default() };
    let (instance, group, topic, partition) = match node.kind {
        Kind::Group { instance, group } => (instance.to_string(), group.to_string(), None, None),
        Kind::GroupTopic { instance, group, topic } => {
            (instance.to_string(), group.to_string(), Some(topic.to_string()), None)
        }
        Kind::GroupPartition { instance, group, topic, partition } => {
            (instance.to_string(), group.to_string(), Some(topic.to_string()), Some(partition))
        }
        _ => return status(s, "reset: select a group, or a topic or partition under a group"),
    };
    if let Some(why) = write_refusal(s, &instance, PlanKind::Reset) {
        return status(s, format!("reset: {why}"));
    }
    let Some((_, kind, _)) = s.instance_info(&instance) else { return Step::default() };
    let topics = match topic {
        Some(t) => vec![t],
        None => group_topics(s, &instance, &group),
    };
    let counts = partition_counts(s, &instance, &group, &topics);
    let mut form = ResetForm::new(instance, group, topics, partition, kind);
    form.counts = counts;
    s.modal = Some(Modal::Reset(form));
    Step::redraw()
}

/// Each topic's partition count: from the topic's own read, else the group's, else the profile's pin.
fn partition_counts(s: &AppState, instance: &str, group: &str, topics: &[String]) -> Vec<(String, u32)> {
    let live = s
        .live
        .groups
        .get(&crate::core::target::GroupRef::new(instance.to_owned(), group.to_owned()))
        .and_then(|r| r.as_ref().ok());
    let pinned = crate::engine::target::Target::find(&s.profile, instance).map(|t| t.topics()).unwrap_or_default();
    topics
        .iter()
        .filter_map(|t| {
            let from_group = live.map(|snap| snap.partitions.iter().filter(|p| &p.topic == t).count() as u32);
            let from_topic = s
                .live
                .topics
                .get(&crate::core::target::TopicRef::new(instance.to_owned(), t.clone()))
                .and_then(|r| r.as_ref().ok())
                .map(|ps| ps.len() as u32);
            let from_profile = pinned.iter().find(|(name, _)| name == t).map(|(_, n)| *n);
            let n = from_topic.or(from_group.filter(|n| *n > 0)).or(from_profile)?;
            Some((t.clone(), n))
        })
        .collect()
}

fn group_topics(s: &AppState, instance: &str, group: &str) -> Vec<String> {
    let t = &s.trees[s.focus];
    t.nodes
        .iter()
        .filter_map(|n| match &n.kind {
            Kind::GroupTopic { instance: i, group: g, topic } if **i == *instance && **g == *group => {
                Some(topic.to_string())
            }
            _ => None,
        })
        .collect()
}

pub(super) fn open_delete_offsets(s: &mut AppState) -> Step {
    let Some(node) = s.trees[s.focus].selected_node().cloned() else { return Step::default() };
    let (instance, group, only) = match node.kind {
        Kind::Group { instance, group } => (instance.to_string(), group.to_string(), None),
        Kind::GroupTopic { instance, group, topic } | Kind::GroupPartition { instance, group, topic, .. } => {
            (instance.to_string(), group.to_string(), Some(topic.to_string()))
        }
        _ => return status(s, "delete offsets: select a group, or a topic under a group"),
    };
    if let Some(why) = write_refusal(s, &instance, PlanKind::DeleteOffsets) {
        return status(s, format!("delete offsets: {why}"));
    }
    let topics = group_topics(s, &instance, &group).into_iter().map(|t| {
        let chosen = only.as_ref().is_none_or(|o| *o == t);
        (t, chosen)
    });
    s.modal = Some(Modal::DeleteOffsets(DeleteOffsetsForm {
        instance,
        group,
        topics: topics.collect(),
        cursor: 0,
        error: None,
    }));
    Step::redraw()
}

pub(super) fn open_delete_messages(s: &mut AppState) -> Step {
    let Some(node) = s.trees[s.focus].selected_node().cloned() else { return Step::default() };
    let (instance, topic, at) = match node.kind {
        Kind::Topic { instance, topic } | Kind::GroupTopic { instance, topic, .. } => {
            (instance.to_string(), topic.to_string(), None)
        }
        Kind::Partition { instance, topic, partition } | Kind::GroupPartition { instance, topic, partition, .. } => {
            (instance.to_string(), topic.to_string(), Some(partition))
        }
        _ => return status(s, "delete messages: select a topic or a partition"),
    };
    if let Some(why) = write_refusal(s, &instance, PlanKind::DeleteMessages) {
        return status(s, format!("delete messages: {why}"));
    }
    let t = &s.trees[s.focus];
    let count = t
        .nodes
        .iter()
        .position(|n| matches!(&n.kind, Kind::Topic { instance: i, topic: tp } if **i == *instance && **tp == *topic))
        .map_or(0, |n| t.partition_count(n)) as i32;
    let rows = (0..count)
        .map(|p| DeleteRow { partition: p, bounds: bounds(s, &instance, &topic, p), offset: Input::default() })
        .collect();
    let cursor = at.unwrap_or(0) as usize;
    s.modal = Some(Modal::DeleteMessages(DeleteMessagesForm { instance, topic, rows, cursor, offset: 0, error: None }));
    Step::redraw()
}

/// Log start and end of a partition: from the topic's own read, else from any group's live data.
pub fn bounds(s: &AppState, instance: &str, topic: &str, partition: i32) -> Option<(i64, i64)> {
    let own = s
        .live
        .topics
        .get(&crate::core::target::TopicRef::new(instance.to_owned(), topic.to_owned()))
        .and_then(|r| r.as_ref().ok())
        .and_then(|ps| ps.iter().find(|p| p.partition == partition));
    if let Some(p) = own {
        return Some((p.start, p.end));
    }
    s.live.groups.iter().filter(|(k, _)| k.instance == instance).find_map(|(_, r)| {
        let p = r.as_ref().ok()?.partitions.iter().find(|p| p.topic == topic && p.partition == partition)?;
        Some((p.start?, p.end?))
    })
}
