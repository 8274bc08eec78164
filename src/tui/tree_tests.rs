//! The trees built from the example profile: expansion, filtering, live groups joining.

use super::*;

fn example() -> Profile {
    let text = include_str!("../../config.example.toml");
    crate::core::profile::parse(text, "x").unwrap().profile
}

#[test]
fn a_group_found_live_is_added_once_under_its_instance() {
    let mut t = Tree::huawei(&example());
    let Kind::Instance { instance, .. } =
        t.nodes.iter().find(|n| matches!(n.kind, Kind::Instance { .. })).unwrap().kind.clone()
    else {
        unreachable!()
    };
    let before = t.nodes.len();
    assert!(t.add_group(&instance, "found-live", &[("t".into(), 0)]));
    assert!(!t.add_group(&instance, "found-live", &[]), "once");
    assert!(!t.add_group("no-such-instance", "x", &[]));
    assert!(t.fill_partitions(&instance, "found-live", &[("t", 0), ("t", 1), ("u", 0)]));
    assert!(!t.fill_partitions(&instance, "found-live", &[("t", 0)]), "filled once");
    assert_eq!(t.nodes.len(), before + 6, "group, topics t and u (found by the read), three partitions");
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
