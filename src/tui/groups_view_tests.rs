//! The groups view from fixtures: sorting, filtering, and a key acting on the row drawn under the cursor.

use super::*;

fn row(group: &str, state: &str, lag: Option<i64>, members: Option<usize>) -> GroupRow {
    GroupRow {
        tree: 0,
        node: 0,
        account: "hw".into(),
        instance: "orders".into(),
        group: group.into(),
        state: state.into(),
        members,
        lag,
        trend: None,
        over: OverTime::default(),
        lag_unread: false,
        in_profile: true,
        search: format!("hw orders {group}"),
        rank: 0,
        name_rank: 0,
    }
}

#[test]
fn each_sort_orders_by_its_key_then_by_name_and_unknowns_go_last() {
    let mut rows = vec![
        row("c", "EMPTY", Some(10), Some(0)),
        row("a", "ACTIVE", Some(10), Some(2)),
        row("b", "…", None, None),
        row("d", "DEAD", Some(99), Some(0)),
    ];
    for (i, r) in rows.iter_mut().enumerate() {
        r.name_rank = [2, 0, 1, 3][i];
        r.rank = [3, 0, 9, 4][i];
    }
    let names = |sort| order(&rows, "", sort).into_iter().map(|i| rows[i].group.as_str()).collect::<Vec<_>>();
    assert_eq!(names(GroupSort::Lag), ["d", "a", "c", "b"], "lag down, a tie by name, no lag last");
    assert_eq!(names(GroupSort::State), ["a", "c", "d", "b"]);
    assert_eq!(names(GroupSort::Name), ["a", "b", "c", "d"]);
    assert_eq!(names(GroupSort::Members), ["a", "d", "c", "b"], "members down, then lag down");
}

#[test]
fn filters_on_words_states_and_numbers() {
    let rows = [row("billing", "EMPTY", Some(5_274), Some(0)), row("fraud", "ACTIVE", Some(20_000), Some(2))];
    let kept =
        |f: &str| rows.iter().filter(|r| GroupFilter::parse(f).keeps(r)).map(|r| r.group.as_str()).collect::<Vec<_>>();
    assert_eq!(kept("state:active"), ["fraud"]);
    assert_eq!(kept("lag>10000"), ["fraud"]);
    assert_eq!(kept("lag<10000 bill"), ["billing"]);
    assert_eq!(kept("members>0"), ["fraud"]);
    assert_eq!(kept("orders"), ["billing", "fraud"], "words match the instance too");
    assert!(kept("lag>x").is_empty(), "a comparison that does not parse is a word, matching nothing here");
}

#[test]
fn sorts_cycle() {
    let mut s = GroupSort::default();
    let mut seen = vec![s.word()];
    for _ in 0..6 {
        s = s.next();
        seen.push(s.word());
    }
    assert_eq!(seen, ["lag", "state", "name", "members", "status", "soonest loss", "lag"]);
}

use crate::core::live::GroupSummary;
use crate::engine::fixtures;
use crate::engine::worker::EngineEvent;
use crate::tui::state::Modal;
use crate::tui::update::{Msg, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

fn event(s: &mut AppState, e: EngineEvent) {
    update(s, Msg::Engine { at: "12:00:00".into(), event: Box::new(e) });
}

fn press(s: &mut AppState, c: char) {
    update(s, Msg::Key(KeyEvent::from(KeyCode::Char(c))));
}

fn listed(names: &[(&str, Option<i64>)]) -> EngineEvent {
    let groups = names
        .iter()
        .map(|(g, lag)| GroupSummary {
            group: (*g).into(),
            state: "Empty".into(),
            members: Some(0),
            lag: *lag,
            topics: vec![],
        })
        .collect();
    EngineEvent::Groups { instance: "orders".into(), result: Ok(groups) }
}

/// The group on the row drawn with the cursor mark.
fn drawn_under_cursor(s: &AppState) -> String {
    let screen = crate::tui::view::render_to_string(s);
    let line = screen.lines().find(|l| l.contains('›')).unwrap_or_else(|| panic!("no cursor row:\n{screen}"));
    ["fast", "slow", "late"].iter().find(|g| line.contains(**g)).unwrap_or_else(|| panic!("{line}")).to_string()
}

fn reset_form_group(s: &AppState) -> String {
    match &s.modal {
        Some(Modal::Reset(f)) => f.group.clone(),
        other => panic!("no reset form: {other:?}"),
    }
}

#[test]
fn an_action_key_after_a_re_sorting_read_acts_on_the_group_drawn_under_the_cursor() {
    let mut s = AppState::new(fixtures::profile(), (120, 30), false, false, "UTC".into());
    event(&mut s, listed(&[("fast", Some(300)), ("slow", Some(200)), ("late", Some(100))]));
    press(&mut s, 'v');
    press(&mut s, 'j');
    press(&mut s, 'j');
    assert_eq!(drawn_under_cursor(&s), "late", "the third row by lag");
    // A background read: `fast` drops to the bottom, so `late` is now the second row.
    event(
        &mut s,
        EngineEvent::GroupLag { group: crate::core::target::GroupRef::new("orders", "fast"), lag: Ok(Some(1)) },
    );
    assert_eq!(drawn_under_cursor(&s), "late", "the frame after the read still has `late` under the cursor");
    let order: Vec<&str> = s.groups.rows.iter().map(|i| s.groups.all[*i].group.as_str()).collect();
    assert_eq!(
        order.iter().filter(|g| ["fast", "slow", "late"].contains(g)).copied().collect::<Vec<_>>(),
        ["slow", "late", "fast"]
    );
    press(&mut s, 'r');
    assert_eq!(reset_form_group(&s), "late", "r opens the form for the group that was drawn under the cursor");
}

#[test]
fn a_background_lag_updates_its_one_row_and_the_title_counts_what_is_still_unread() {
    let mut s = AppState::new(fixtures::profile(), (120, 30), false, false, "UTC".into());
    event(&mut s, listed(&[("fast", None), ("slow", None), ("late", Some(5))]));
    press(&mut s, 'v');
    let unread = |s: &AppState| {
        let screen = crate::tui::view::render_to_string(s);
        let title = screen.lines().find(|l| l.contains("groups:")).unwrap().to_owned();
        title.split(" lags unread").next().and_then(|t| t.rsplit(' ').next()?.parse::<usize>().ok()).unwrap_or(0)
    };
    let before = unread(&s);
    assert!(before >= 2, "the two listed without a lag are unread (and the profile's groups not read yet)");
    let built = s.groups.all.len();
    event(
        &mut s,
        EngineEvent::GroupLag { group: crate::core::target::GroupRef::new("orders", "slow"), lag: Ok(Some(70)) },
    );
    assert!(!s.groups.dirty && s.groups.all.len() == built, "updated in place, not rebuilt");
    event(&mut s, EngineEvent::GroupLag { group: crate::core::target::GroupRef::new("orders", "fast"), lag: Ok(None) });
    assert_eq!(unread(&s), before - 2, "a lag read and found to be none is read, not unread");
    let first = s.groups.all[s.groups.rows[0]].group.clone();
    assert_eq!(first, "slow", "the read lag ranks its group");
}

#[test]
fn a_listings_pages_show_as_they_arrive_and_a_later_listings_pages_never_blank_what_was_read() {
    let mut s = AppState::new(fixtures::profile(), (120, 30), false, false, "UTC".into());
    press(&mut s, 'v');
    let page = |names: &[&str]| EngineEvent::GroupsPart {
        instance: "orders".into(),
        groups: names
            .iter()
            .map(|g| GroupSummary {
                group: (*g).into(),
                state: String::new(),
                members: None,
                lag: None,
                topics: vec![],
            })
            .collect(),
    };
    event(&mut s, page(&["fast", "slow"]));
    let screen = crate::tui::view::render_to_string(&s);
    assert!(screen.contains("fast (live)") && screen.contains("LISTED"), "shown before the listing ends: {screen}");
    event(&mut s, listed(&[("fast", Some(300)), ("slow", Some(200)), ("late", Some(100))]));
    event(
        &mut s,
        EngineEvent::GroupLag { group: crate::core::target::GroupRef::new("orders", "late"), lag: Ok(Some(900)) },
    );
    // The next listing: its first page has names only again.
    event(&mut s, page(&["fast", "slow", "late"]));
    let row = |s: &AppState, g: &str| s.groups.all.iter().find(|r| r.group == g).cloned().unwrap();
    assert_eq!((row(&s, "fast").state.as_str(), row(&s, "fast").lag), ("EMPTY", Some(300)), "kept while re-listed");
    event(&mut s, listed(&[("fast", Some(310)), ("slow", Some(200)), ("late", None)]));
    assert_eq!(row(&s, "fast").trend, Some(10), "the trend is between whole listings");
    assert_eq!(row(&s, "late").lag, Some(900), "a lag read in the background stays where the listing says none");
}

#[test]
fn a_run_of_keys_reads_nothing_on_the_way_and_the_row_the_cursor_rests_on_once() {
    let mut s = AppState::new(fixtures::profile(), (120, 30), false, false, "UTC".into());
    let names: Vec<String> = (0..400).map(|i| format!("found-{i:03}")).collect();
    let listing: Vec<(&str, Option<i64>)> = names.iter().map(|n| (n.as_str(), Some(1000 - 2))).collect();
    event(&mut s, listed(&listing));
    press(&mut s, 'v');
    let describes = |effects: &[crate::tui::update::Effect]| {
        effects
            .iter()
            .filter(|e| matches!(e, crate::tui::update::Effect::Send(crate::engine::worker::Command::Describe { .. })))
            .count()
    };
    let mut sent = 0;
    for _ in 0..300 {
        sent += describes(&update(&mut s, Msg::Key(KeyEvent::from(KeyCode::Down))).effects);
    }
    assert_eq!(sent, 0, "300 keys in a run send no read");
    let rested = update(&mut s, Msg::Rested).effects;
    assert_eq!(describes(&rested), 1, "the row it rests on is read once");
    assert_eq!(describes(&update(&mut s, Msg::Rested).effects), 0, "and not again");
}

#[test]
fn a_groups_figures_fill_its_trend_status_and_eta_and_only_its_row() {
    use crate::core::lag::fixtures::one;
    // Commits stuck at 100 for 15 minutes while the log grows: STALLED, never clears.
    let series = one(60, &(0..16).map(|i| (100, 200 + 10 * i)).collect::<Vec<_>>());
    let figures = crate::core::lag::figures(&series, &crate::core::lag::Rules::default()).unwrap();
    for (w, h) in [(120, 30), (80, 24)] {
        let mut s = AppState::new(fixtures::profile(), (w, h), false, false, "UTC".into());
        event(&mut s, listed(&[("fast", Some(300)), ("slow", Some(250))]));
        press(&mut s, 'v');
        let group = crate::core::target::GroupRef::new("orders", "slow");
        event(&mut s, EngineEvent::Figures { group, figures: Box::new(figures.clone()) });
        let screen = crate::tui::view::render_to_string(&s);
        let line = |g: &str| screen.lines().find(|l| l.contains(g)).unwrap_or_else(|| panic!("{screen}")).to_owned();
        assert!(line("slow").contains("▁▂▃▅▆▇█"), "the newest seven reads as a sparkline at {w}:\n{screen}");
        if w >= 100 {
            assert!(line("slow").contains("STALLED") && line("slow").contains("never"), "{screen}");
            assert!(line("account").contains("status") && line("account").contains("eta"), "{screen}");
        } else {
            assert!(!screen.contains("STALLED"), "no status column at 80: the detail strip says it\n{screen}");
        }
        assert!(!line("fast").contains("STALLED") && !line("fast").contains('▁'), "another row is untouched");
    }
}

#[test]
fn a_narrow_screen_keeps_each_groups_state_and_lag_and_wide_ones_fill_the_width() {
    for w in [40u16, 59, 60, 80, 100, 119, 120, 200] {
        let mut s = AppState::new(fixtures::profile(), (w, 24), false, false, "UTC".into());
        event(&mut s, listed(&[("fast", Some(1_234_567)), ("slow", Some(250))]));
        press(&mut s, 'v');
        let screen = crate::tui::view::render_to_string(&s);
        let line = screen.lines().find(|l| l.contains("fast")).unwrap_or_else(|| panic!("{screen}"));
        assert!(line.contains("1234567") && line.contains("EMPTY"), "lag and state at {w}:\n{screen}");
        let header = screen.lines().find(|l| l.contains("state") && l.contains("lag")).unwrap();
        assert_eq!(unicode_width::UnicodeWidthStr::width(header), w as usize, "one row per line at {w}");
        assert_eq!(header.contains("loss in"), w >= 142, "the loss column from 140 inner columns: {header}");
    }
}

#[test]
fn at_80_columns_the_hint_bar_keeps_the_groups_views_own_keys() {
    let mut s = AppState::new(fixtures::profile(), (80, 24), false, false, "UTC".into());
    event(&mut s, listed(&[("fast", Some(300))]));
    press(&mut s, 'v');
    let bar = crate::tui::view::hint_text(&s);
    for want in ["s sort", "/ filter", "v tree", "r reset", "? help"] {
        assert!(bar.contains(want), "{want} missing: {bar}");
    }
    assert!(unicode_width::UnicodeWidthStr::width(bar.as_str()) <= 80, "{bar}");
}

#[test]
fn the_lag_status_sorts_worst_first_the_loss_soonest_first_and_filters_by_word() {
    let mut rows = vec![
        row("ok", "EMPTY", Some(10), Some(0)),
        row("stalled", "ACTIVE", Some(5), Some(1)),
        row("unread", "…", None, None),
        row("losing", "EMPTY", Some(99), Some(0)),
    ];
    use crate::core::lag::Status;
    for (i, (status, loss)) in [
        (Some(Status::Ok), None),
        (Some(Status::Stalled), Some(600_000)),
        (None, None),
        (Some(Status::Stopped), Some(0)),
    ]
    .into_iter()
    .enumerate()
    {
        rows[i].over = OverTime { status, loss_ms: loss, ..OverTime::default() };
        rows[i].name_rank = i as u32;
    }
    let names = |f: &str, sort| order(&rows, f, sort).into_iter().map(|i| rows[i].group.as_str()).collect::<Vec<_>>();
    assert_eq!(names("", GroupSort::Status), ["stalled", "losing", "ok", "unread"]);
    assert_eq!(names("", GroupSort::Loss), ["losing", "stalled", "ok", "unread"], "already lost, then the soonest");
    assert_eq!(names("status:stalled", GroupSort::Lag), ["stalled"]);
    assert_eq!(names("status:st", GroupSort::Lag), ["losing", "stalled"], "a prefix, as state: is");
}

#[test]
fn sorted_by_a_figure_whose_column_does_not_fit_that_column_replaces_the_trend() {
    let mut s = AppState::new(fixtures::profile(), (80, 24), false, false, "UTC".into());
    event(&mut s, listed(&[("fast", Some(300))]));
    press(&mut s, 'v');
    for (sort, head) in [(GroupSort::Status, "status"), (GroupSort::Loss, "loss in")] {
        s.groups.sort = sort;
        s.groups.order_dirty = true;
        let screen = crate::tui::view::render_to_string(&s);
        let header = screen.lines().find(|l| l.contains("state") && l.contains("lag")).unwrap();
        assert!(header.contains(head) && !header.contains("trend"), "{header}");
    }
}
