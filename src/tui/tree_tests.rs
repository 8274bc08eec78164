//! The trees built from the example profile: expansion, filtering, live groups joining.

use super::*;

fn example() -> Profile {
    let text = include_str!("../../config.example.toml");
    crate::core::profile::parse(text, "x").unwrap().profile
}

/// The name of the tree's first instance.
fn first_instance(t: &Tree) -> Arc<str> {
    t.nodes
        .iter()
        .find_map(|n| match &n.kind {
            Kind::Instance { instance, .. } => Some(instance.clone()),
            _ => None,
        })
        .unwrap()
}

#[test]
fn a_group_found_live_is_added_once_under_its_instance() {
    let mut t = Tree::huawei(&example());
    let instance = first_instance(&t);
    let before = t.nodes.len();
    assert!(t.add_group(&instance, "found-live", &[("t".into(), 0)]));
    assert!(!t.add_group(&instance, "found-live", &[]), "once");
    assert!(!t.add_group("no-such-instance", "x", &[]));
    assert!(t.fill_partitions(&instance, "found-live", &[("t", 0), ("t", 1), ("u", 0)]));
    assert!(!t.fill_partitions(&instance, "found-live", &[("t", 0)]), "filled once");
    assert_eq!(t.nodes.len(), before + 3, "group, topics t and u (found by the read); partitions wait to be opened");
    let topic_t = t
        .nodes
        .iter()
        .position(
            |n| matches!(&n.kind, Kind::GroupTopic { group, topic, .. } if &**group == "found-live" && &**topic == "t"),
        )
        .unwrap();
    assert_eq!(t.partition_count(topic_t), 2);
    assert!(t.visible.iter().any(|v| &*t.nodes[*v].name == "found-live"), "shown in the open Groups folder");
}

#[test]
fn builds_opens_and_filters() {
    let mut t = Tree::huawei(&example());
    let names: Vec<&str> = t.visible.iter().map(|v| &*t.nodes[*v].name).collect();
    assert_eq!(&names[..5], ["prod-bj", "orders", "Groups", "billing", "audit"]);
    // Move to billing and expand it: its two topics appear.
    t.move_by(3, 10);
    assert!(t.expand(10));
    assert_eq!(&*t.nodes[t.visible[4]].name, "orders");
    t.set_filter("PAYM", 10);
    let names: Vec<&str> = t.visible.iter().map(|v| &*t.nodes[*v].name).collect();
    assert_eq!(
        names,
        ["prod-bj", "orders", "Groups", "billing", "payments", "Topics", "payments"],
        "matches and their ancestors"
    );
    t.set_filter("", 10);
    assert!(t.visible.len() > 5);
}

#[test]
fn scrolling_keeps_selection_in_view() {
    let mut t = Tree::huawei(&example());
    for _ in 0..30 {
        t.move_by(1, 4);
        let c = t.cursor();
        assert!(c >= t.offset && c < t.offset + 4);
    }
    assert!(!t.move_by(-100, 4) || t.cursor() == 0);
}

/// A 100,000-partition topic is one node until it is opened, 100,001 while open, and one again once closed: the
/// arena gives the memory back, and the rows, the selection and the filter behave as if the nodes were always there.
#[test]
fn a_big_topics_partitions_exist_as_nodes_only_while_it_is_open() {
    let mut t = Tree::huawei(&example());
    let instance = first_instance(&t);
    assert!(t.add_group(&instance, "firehose-etl", &[("firehose".into(), 100_000)]));
    let before = t.nodes.len();
    let topic = before - 1;
    assert!(t.has_children(topic) && t.partition_count(topic) == 100_000);
    // Select the topic and open it: its partitions appear, labelled and of the right kind.
    t.select_where(|k| matches!(k, Kind::GroupTopic { group, .. } if &**group == "firehose-etl"), 10);
    assert!(t.expand(10));
    assert_eq!(t.nodes.len(), before + 100_000);
    let at = t.cursor();
    assert_eq!(&*t.nodes[t.visible[at + 1]].name, "p0");
    assert_eq!(&*t.nodes[t.visible[at + 100_000]].name, "p99999");
    assert!(
        matches!(&t.nodes[t.visible[at + 7]].kind, Kind::GroupPartition { partition: 6, group, .. } if &**group == "firehose-etl")
    );
    // Down onto p0, then left: the cursor goes to the topic; left again closes it and releases the nodes.
    t.move_by(1, 10);
    assert!(t.collapse(10));
    assert_eq!(t.selected, Some(topic));
    assert!(t.collapse(10));
    assert_eq!(t.nodes.len(), before, "released");
    assert!(t.nodes.capacity() < before + 100_000, "and the arena shrunk: {}", t.nodes.capacity());
    assert!(!t.visible.iter().any(|v| t.nodes[*v].parent == Some(topic)));
    // A partition asked for by kind is made on the way (the `:` line and the tests select partitions by kind).
    assert!(t.select_where(|k| matches!(k, Kind::GroupPartition { partition: 4242, .. }), 10));
    assert_eq!(&*t.selected_node().unwrap().name, "p4242");
    assert!(t.opened.contains(&topic));
}

/// Closing a big topic from far down its partitions leaves no blank rows: the rows above come into view.
#[test]
fn a_collapse_near_the_end_fills_the_window_with_the_rows_above() {
    let mut t = Tree::huawei(&example());
    let instance = first_instance(&t);
    assert!(t.add_group(&instance, "firehose-etl", &[("firehose".into(), 50)]));
    t.select_where(|k| matches!(k, Kind::GroupTopic { group, .. } if &**group == "firehose-etl"), 10);
    assert!(t.expand(10));
    t.move_by(100, 10);
    assert!(t.offset > 0);
    t.move_by(-50, 10);
    assert!(t.collapse(10), "to the topic");
    assert!(t.collapse(10), "closed");
    let h = 10.min(t.visible.len());
    assert!(
        t.offset + h <= t.visible.len(),
        "no row of the window is past the last: {} + {h} of {}",
        t.offset,
        t.visible.len()
    );
    assert_eq!(t.offset, t.visible.len().saturating_sub(10), "the window ends at the last row");
}

/// A filter cleared with the cursor on a node it had shown keeps the cursor there, its folders opened.
#[test]
fn clearing_the_filter_keeps_the_cursor_on_its_node() {
    let mut t = Tree::huawei(&example());
    let instance = first_instance(&t);
    assert!(t.add_group(&instance, "firehose-etl", &[("firehose".into(), 3)]));
    t.set_filter("firehose", 10);
    // Moved onto the topic as a user does: along the filtered rows, not by opening anything.
    let at = t
        .visible
        .iter()
        .position(|v| matches!(&t.nodes[*v].kind, Kind::GroupTopic { topic, .. } if &**topic == "firehose"));
    t.move_by(at.unwrap() as isize - t.cursor() as isize, 10);
    let on = t.selected;
    assert_eq!(&*t.selected_node().unwrap().name, "firehose");
    t.set_filter("", 10);
    assert_eq!(t.selected, on);
    assert!(t.visible.contains(&on.unwrap()), "shown");
    let c = t.cursor();
    assert!(c >= t.offset && c < t.offset + 10, "and in the window");
    assert_eq!(&*t.selected_node().unwrap().name, "firehose");
}
