//! The rule every confirmation keeps, as a property over random plans and screen sizes: the key that accepts it
//! runs the plan exactly when the frame drew its summary, its totals and its prompt; otherwise the frame says the
//! terminal is too small (or the plan is stale) and nothing is sent.

use proptest::prelude::*;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::engine::batch::{Batch, LeftOut};
use crate::engine::error::EngineError;
use crate::engine::fixtures;
use crate::engine::plan::{Plan, PlanKind};
use crate::engine::safety::Confirmation;
use crate::engine::worker::Command;
use crate::tui::state::{AppState, BatchConfirm, Confirm, Modal};
use crate::tui::update::{Effect, Msg, update};

fn state(size: (u16, u16)) -> AppState {
    AppState::new(fixtures::profile(), size, false, false, "UTC".into())
}

/// A plan of `rows` partitions with `notes` long notes, of one kind, asking for a name or not.
fn plan(kind: u8, rows: usize, notes: usize, summary_words: usize) -> Plan {
    let p = fixtures::profile();
    let t = crate::engine::target::Target::find(&p, "orders").expect("the fixture instance");
    let parts: Vec<_> = (0..rows.max(1)).map(|i| (Some(10 * i as i64 + 1), Some(0), Some(100 + i as i64))).collect();
    let snap = fixtures::group("Empty", &parts);
    let mut plan = match kind % 3 {
        0 => fixtures::reset_plan(&snap, crate::core::strategy::ResetStrategy::Earliest),
        _ => crate::engine::plan::delete_offsets(&t, "g", &snap, &["t".into()]).expect("a delete plan"),
    };
    plan.rows.truncate(rows);
    if kind % 3 == 2 {
        plan.kind = PlanKind::DeleteMessages;
        plan.confirmation = Confirmation::TypeName { name: "t".into(), protected: false };
    }
    if kind >= 3 && plan.kind == PlanKind::Reset {
        plan.confirmation = Confirmation::TypeName { name: "g".into(), protected: true };
    }
    plan.summary = (0..summary_words).map(|i| format!("word{i}")).collect::<Vec<_>>().join(" ");
    plan.notes = (0..notes).map(|i| format!("note {i}: {}", "a long explanation ".repeat(1 + i % 5))).collect();
    plan
}

fn key(s: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(s, Msg::Key(KeyEvent::from(code))).effects
}

/// Types what the confirmation asks for and presses its key: whether a run was sent.
fn accept(s: &mut AppState, name: Option<&str>) -> (String, bool) {
    if let Some(n) = name {
        for ch in n.chars() {
            key(s, KeyCode::Char(ch));
        }
    }
    let screen = crate::tui::view::render_to_string(s);
    let effects = key(s, if name.is_some() { KeyCode::Enter } else { KeyCode::Char('y') });
    let ran = effects.iter().any(|e| matches!(e, Effect::Send(Command::Run { .. } | Command::RunBatch { .. })));
    (screen, ran)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn a_confirmation_runs_exactly_when_its_summary_totals_and_prompt_were_drawn(
        kind in 0u8..6, rows in 0usize..60, notes in 0usize..10, words in 1usize..40,
        stale in proptest::bool::weighted(0.15), w in 20u16..260, h in 6u16..80,
    ) {
        let mut s = state((w, h));
        let p = plan(kind, rows, notes, words);
        let name = p.confirmation.name().map(str::to_owned);
        let runnable = !p.calls.is_empty();
        let mut c = Confirm::new(p);
        if stale {
            c.stale = Some("p0 moved".into());
        }
        s.modal = Some(Modal::Confirm(c));
        let (screen, ran) = accept(&mut s, name.as_deref());
        let prompt = match &name {
            Some(n) => format!("Type `{n}` to proceed: {n}"),
            None => "Proceed? y / n".to_owned(),
        };
        let drawn = screen.contains(&prompt)
            && (screen.contains("In all:") || screen.contains("Then the group restarts"))
            && screen.contains("word0");
        prop_assert_eq!(ran, drawn && !stale && runnable, "{}", screen);
        if !drawn && !stale {
            prop_assert!(screen.contains("terminal too small"), "{}", screen);
        }
    }

    #[test]
    fn a_batch_confirmation_runs_exactly_when_its_totals_and_count_were_drawn(
        groups in 1usize..40, left_out in 0usize..90, rows in 0usize..8, w in 20u16..260, h in 6u16..80,
    ) {
        let mut s = state((w, h));
        let plans: Vec<Plan> = (0..groups)
            .map(|i| {
                let mut p = plan(0, rows, 0, 3);
                p.group = Some(format!("group-with-a-long-name-{i}"));
                p
            })
            .collect();
        let name = format!("{groups} groups");
        let batch = Batch {
            plans,
            left_out: (0..left_out)
                .map(|i| LeftOut { group: format!("left-{i}"), why: EngineError::Input("it has members".into()) })
                .collect(),
            unchanged: vec![],
            confirmation: Confirmation::Count { name: name.clone(), strict: left_out > 0 },
        };
        s.modal = Some(Modal::ConfirmBatch(BatchConfirm::new(batch)));
        let (screen, ran) = accept(&mut s, Some(&name));
        let drawn = screen.contains(&format!("Type `{name}` to proceed: {name}"))
            && screen.contains("In all:")
            && screen.contains(&format!("reset {groups} group(s)"));
        prop_assert_eq!(ran, drawn, "{}", screen);
        if !drawn {
            prop_assert!(screen.contains("terminal too small"), "{}", screen);
        }
    }
}

/// Each confirmation kind with many notes (and, for several groups, a long list of groups left out).
fn kinds() -> Vec<(&'static str, Modal)> {
    let mut undo = plan(0, 30, 6, 12);
    undo.undoes = Some("2026-12-01 10:00:00 UTC".into());
    let mut file = plan(3, 30, 6, 12);
    file.plan_file = Some("ab12".into());
    let batch = Batch {
        plans: (0..3)
            .map(|i| {
                let mut p = plan(0, 4, 0, 3);
                p.group = Some(format!("firehose-replay-{i}"));
                p
            })
            .collect(),
        left_out: (0..79)
            .map(|i| LeftOut { group: format!("etl-{i}"), why: EngineError::Input("it has 2 members".into()) })
            .collect(),
        unchanged: vec![],
        confirmation: Confirmation::Count { name: "3 groups".into(), strict: true },
    };
    vec![
        ("reset", Modal::Confirm(Confirm::new(plan(0, 30, 6, 12)))),
        ("undo", Modal::Confirm(Confirm::new(undo))),
        ("plan_file", Modal::Confirm(Confirm::new(file))),
        ("delete_offsets", Modal::Confirm(Confirm::new(plan(1, 30, 6, 12)))),
        ("delete_messages", Modal::Confirm(Confirm::new(plan(2, 30, 6, 12)))),
        ("batch", Modal::ConfirmBatch(BatchConfirm::new(batch))),
    ]
}

#[test]
fn every_confirmation_kind_draws_its_prompt_or_says_too_small_at_three_sizes() {
    for (name, modal) in kinds() {
        for size in [(80, 24), (40, 12), (160, 48)] {
            let mut s = state(size);
            s.modal = Some(modal.clone());
            let screen = crate::tui::view::render_to_string(&s);
            let prompt = screen.contains("to proceed:") || screen.contains("Proceed? y / n");
            assert!(prompt != screen.contains("terminal too small"), "{name} at {size:?}:\n{screen}");
            insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), screen);
        }
    }
}
