//! What the dashboard knows of one group right now: its live detail, or only its listing's state and lag (a group
//! only the cloud lists is read in detail when looked at), or why it could not be read.

use super::state::AppState;
use crate::core::live::{GroupSnapshot, GroupSummary, state_word};

/// One group's best-known status.
#[derive(Debug, Clone, Copy)]
pub enum Status<'a> {
    /// Read in detail.
    Live(&'a GroupSnapshot),
    /// Known from its instance's listing only.
    Listed(&'a GroupSummary),
    /// Its read failed and its instance's listing does not have it: the cloud has no such group.
    NotFound,
    /// Its read failed.
    Failed(&'a str),
    /// Nothing read yet.
    Pending,
}

impl Status<'_> {
    /// The state word shown, in the shared vocabulary.
    pub fn word(&self) -> &'static str {
        match self {
            Self::Live(g) => state_word(&g.state),
            Self::Listed(g) if g.state.is_empty() => "LISTED",
            Self::Listed(g) => state_word(&g.state),
            Self::NotFound => "NOT FOUND",
            Self::Failed(_) => "READ FAILED",
            Self::Pending => "…",
        }
    }

    pub fn lag(&self) -> Option<i64> {
        match self {
            Self::Live(g) => g.total_lag(None),
            Self::Listed(g) => g.lag,
            _ => None,
        }
    }

    pub fn members(&self) -> Option<usize> {
        match self {
            Self::Live(g) => Some(g.members.len()),
            Self::Listed(g) => g.members,
            _ => None,
        }
    }
}

/// The status of a group of an instance.
pub fn of<'a>(s: &'a AppState, instance: &str, group: &str) -> Status<'a> {
    let key = crate::core::target::GroupRef::new(instance.to_owned(), group.to_owned());
    match (s.live.groups.get(&key), s.live.summaries.get(&key)) {
        (Some(Ok(g)), _) => Status::Live(g),
        (Some(Err(_)), None) if matches!(s.live.listed.get(instance), Some(Ok(_))) => Status::NotFound,
        (Some(Err(e)), _) => Status::Failed(e),
        (None, Some(g)) => Status::Listed(g),
        (None, None) => Status::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fixtures;
    use crate::engine::worker::EngineEvent;
    use crate::tui::update::{Msg, update};

    fn event(s: &mut AppState, e: EngineEvent) {
        update(s, Msg::Engine { at: "12:00:00".into(), event: Box::new(e) });
    }

    fn summary(group: &str, state: &str, lag: i64) -> GroupSummary {
        GroupSummary { group: group.into(), state: state.into(), members: Some(0), lag: Some(lag), topics: vec![] }
    }

    #[test]
    fn a_pinned_group_missing_live_is_not_found_and_a_failed_read_says_so() {
        let mut s = AppState::new(fixtures::profile(), (80, 24), false, false, "UTC".into());
        assert!(matches!(of(&s, "orders", "g"), Status::Pending));
        event(
            &mut s,
            EngineEvent::Live {
                group: crate::core::target::GroupRef::new("orders", "g"),
                result: Err("HTTP 500".into()),
            },
        );
        assert!(matches!(of(&s, "orders", "g"), Status::Failed("HTTP 500")), "no listing yet: only the failure");
        event(
            &mut s,
            EngineEvent::Groups { instance: "orders".into(), result: Ok(vec![summary("other", "EMPTY", 5)]) },
        );
        assert_eq!(of(&s, "orders", "g").word(), "NOT FOUND", "the listing has no such group");
        assert_eq!(of(&s, "orders", "other").word(), "EMPTY");
        assert_eq!(of(&s, "orders", "other").lag(), Some(5), "state and lag from the listing, before any detail");
        let screen = crate::tui::view::render_to_string(&s);
        assert!(screen.contains("g  [NOT FOUND]") && screen.contains("other  [EMPTY]  lag 5"), "{screen}");
        let t = &mut s.trees[0];
        t.selected = t.nodes.iter().position(|n| &*n.name == "other");
        let screen = crate::tui::view::render_to_string(&s);
        assert!(screen.contains("group other on orders: EMPTY  total lag 5  0 member(s)"), "{screen}");
        assert!(screen.contains("from the listing; reading its partitions"), "{screen}");
    }

    #[test]
    fn a_pinned_topic_the_instance_lacks_says_not_found() {
        let mut s = AppState::new(fixtures::profile(), (80, 24), false, false, "UTC".into());
        event(&mut s, EngineEvent::TopicMissing { topic: crate::core::target::TopicRef::new("orders", "t") });
        let t = &mut s.trees[0];
        let at = t.nodes.iter().position(|n| matches!(&n.kind, crate::tui::tree::Kind::Topic { .. })).unwrap();
        let mut cur = t.nodes[at].parent;
        while let Some(c) = cur {
            t.opened.insert(c);
            cur = t.nodes[c].parent;
        }
        t.recompute();
        let screen = crate::tui::view::render_to_string(&s);
        assert!(screen.contains("t  [NOT FOUND]"), "{screen}");
        assert!(s.log.lines.back().unwrap().text.contains("does not have it"));
    }

    #[test]
    fn a_listed_groups_trend_comes_from_its_listings() {
        let mut s = AppState::new(fixtures::profile(), (80, 24), false, false, "UTC".into());
        for lag in [100, 160] {
            let result = Ok(vec![summary("new", "Empty", lag)]);
            event(&mut s, EngineEvent::Groups { instance: "orders".into(), result });
        }
        let rows = crate::tui::groups_view::build(&s);
        let row = rows.iter().find(|r| r.group == "new").unwrap();
        assert_eq!((row.lag, row.trend, row.in_profile), (Some(160), Some(60), false));
    }
}
