//! Every key a screen's hint bar names does something on that screen, and the hint bar is the table's.

use ratatui::crossterm::event::KeyEvent;

use super::*;
use crate::engine::fixtures;
use crate::engine::safety::Confirmation;
use crate::tui::forms;
use crate::tui::keymap::parse;
use crate::tui::state::{Asked, Asking, BatchConfirm, Confirm, Origin};
use crate::tui::update::{Msg, update};

fn state() -> AppState {
    AppState::new(fixtures::profile(), (100, 40), false, false, "UTC".into())
}

fn plan() -> crate::engine::plan::Plan {
    let parts: Vec<_> = (0..30).map(|i| (Some(10 + i), Some(0), Some(100))).collect();
    let snap = fixtures::group("Empty", &parts);
    fixtures::reset_plan(&snap, crate::core::strategy::ResetStrategy::Earliest)
}

fn asked(s: &mut AppState) {
    let line = crate::tui::command_line::CommandLine::default();
    s.asked = Some(Asked { what: Asking::Many(vec![]), from: Some(Origin::Line(line)), view_only: false });
}

/// A state on each screen, placed so that every move it offers can move (not at an end of a list).
fn on(mode: Mode) -> AppState {
    let mut s = state();
    let confirm = |f: &dyn Fn(&mut Confirm)| {
        let mut c = Confirm::new(plan());
        c.back = true;
        c.scroll = 3;
        f(&mut c);
        Modal::Confirm(c)
    };
    if mode == Mode::LogZoom {
        s.screen = crate::tui::state::Screen::Log(s.screen.base());
        for i in 0..100 {
            s.push_log("12:00:00".into(), crate::tui::state::Level::Info, format!("line {i} snapshot /tmp/x{i}"));
        }
        s.log.scroll = 10;
        s.log.query = "line".into();
        s.log.hit = Some(50);
    }
    s.modal = Some(match mode {
        Mode::Confirm => confirm(&|_| {}),
        Mode::TypedConfirm => confirm(&|c| {
            c.plan.confirmation = Confirmation::TypeName { name: "g".into(), protected: true };
            c.typed = tui_input::Input::new("g".into());
        }),
        Mode::StaleConfirm => confirm(&|c| c.stale = Some("moved".into())),
        Mode::DryRun => confirm(&|c| c.view_only = true),
        Mode::BatchConfirm => {
            let mut p = plan();
            p.group = Some("g".into());
            let batch = crate::engine::batch::Batch {
                plans: vec![p.clone(), p],
                left_out: vec![],
                unchanged: vec![],
                confirmation: Confirmation::Count { name: "2 groups".into(), strict: false },
            };
            let mut c = BatchConfirm::new(batch);
            c.scroll = 3;
            c.typed = tui_input::Input::new("2 groups".into());
            Modal::ConfirmBatch(c)
        }
        Mode::Peek => {
            let message = |offset| crate::core::live::Message {
                offset,
                timestamp_ms: None,
                key: None,
                value: Some("v".into()),
                size: None,
            };
            let peek = crate::engine::peek::Peek {
                instance: "orders".into(),
                topic: "t".into(),
                partition: 0,
                target: 5,
                messages: (4..8).map(message).collect(),
            };
            Modal::Peek(crate::tui::peek::PeekView {
                back: Some(Box::new(Confirm::new(plan()))),
                group: Some(crate::core::target::GroupRef::new("orders", "g")),
                open: false,
                request: 1,
                topic: "t".into(),
                partition: 0,
                target: 5,
                result: Some(Ok(peek)),
                cursor: 1,
            })
        }
        Mode::UndoPick => {
            let item = |i| crate::engine::snapshot::Listed {
                path: format!("/tmp/s{i}.json").into(),
                time: format!("t{i}"),
                group: Some("g".into()),
                summary: "before".into(),
                other: None,
            };
            Modal::UndoPick(crate::tui::undo_pick::UndoPick {
                instance: "orders".into(),
                items: Some((0..3).map(item).collect()),
                cursor: 1,
                all: false,
            })
        }
        Mode::Interrupted => {
            let job = |i| crate::tui::interrupted::Interrupted {
                job: format!("j{i}"),
                instance: "orders".into(),
                group: Some("g".into()),
                summary: "reset".into(),
                done: 1,
                in_flight: 0,
                total: 2,
                snapshot: Some(format!("/tmp/s{i}.json")),
            };
            s.interrupted = (0..3).map(job).collect();
            Modal::Interrupted(crate::tui::interrupted::Banner { cursor: 1 })
        }
        Mode::Question => Modal::QuitConfirm,
        Mode::Help => Modal::Help(2),
        Mode::Planning => Modal::Planning { request: 1, what: "planning".into(), progress: None },
        Mode::ResetForm => {
            let mut f = forms::ResetForm::new(
                "orders".into(),
                "g".into(),
                vec!["t".into()],
                None,
                crate::core::target::TargetKind::Huawei,
            );
            f.strategy = Some(1);
            Modal::Reset(f)
        }
        Mode::DeleteOffsetsForm => Modal::DeleteOffsets(forms::DeleteOffsetsForm {
            instance: "orders".into(),
            group: "g".into(),
            topics: vec![("a".into(), true), ("b".into(), false), ("c".into(), false)],
            cursor: 1,
            error: None,
        }),
        Mode::DeleteMessagesForm => {
            let row = |partition| forms::DeleteRow { partition, bounds: Some((0, 100)), offset: Default::default() };
            Modal::DeleteMessages(forms::DeleteMessagesForm {
                instance: "orders".into(),
                topic: "t".into(),
                rows: (0..3).map(row).collect(),
                cursor: 1,
                offset: 0,
                error: None,
            })
        }
        Mode::Filter => Modal::Filter(tui_input::Input::new("bill".into())),
        Mode::CommandLine => {
            s.history = vec!["groups".into(), "describe --group g".into(), "reset --group g".into()];
            Modal::Command(crate::tui::command_line::CommandLine {
                input: tui_input::Input::new("descr".into()),
                recall: Some(1),
                ..Default::default()
            })
        }
        Mode::Main | Mode::LogZoom => return s,
    });
    if matches!(mode, Mode::BatchConfirm | Mode::Confirm | Mode::TypedConfirm | Mode::StaleConfirm) {
        asked(&mut s);
    }
    if mode == Mode::Question {
        s.job = Some(crate::tui::state::Job {
            id: 1,
            label: "j".into(),
            done: 0,
            total: 1,
            failed: 0,
            cancelling: false,
            asked: None,
        });
    }
    s
}

fn fingerprint(s: &AppState) -> String {
    format!("{:?}|{:?}|{}|{}|{}|{:?}", s.modal, s.log.lines.back(), s.quit, s.screen.log(), s.log.scroll, s.log.find)
}

#[test]
fn every_key_a_hint_names_does_something_there() {
    let screens = [
        Mode::Confirm,
        Mode::TypedConfirm,
        Mode::StaleConfirm,
        Mode::DryRun,
        Mode::BatchConfirm,
        Mode::Peek,
        Mode::UndoPick,
        Mode::Interrupted,
        Mode::Question,
        Mode::Help,
        Mode::Planning,
        Mode::LogZoom,
        Mode::ResetForm,
        Mode::DeleteOffsetsForm,
        Mode::DeleteMessagesForm,
        Mode::Filter,
        Mode::CommandLine,
    ];
    // Every screen but the main one (whose keys are the profile's, tested in `keymap`).
    assert_eq!(screens.len(), SCREENS.len(), "a screen is missing here");
    for mode in screens {
        let s = on(mode);
        assert_eq!(of(&s), mode, "the fixture is on {mode:?}");
        let bar = crate::tui::view::hint_text(&s);
        for e in table(mode).iter().filter(|e| !e.hint.is_empty() && offered(&s, e.verb)) {
            if e.verb != Verb::Type {
                assert!(bar.contains(&format!("{} {}", e.label, e.hint)), "{mode:?}: the bar names {}: {bar}", e.label);
            }
            for spec in e.keys {
                let (code, ctrl) = parse(spec).expect("a key");
                let mods = if ctrl {
                    ratatui::crossterm::event::KeyModifiers::CONTROL
                } else {
                    ratatui::crossterm::event::KeyModifiers::NONE
                };
                let mut t = s.clone();
                let before = fingerprint(&t);
                let step = update(&mut t, Msg::Key(KeyEvent::new(code, mods)));
                assert!(
                    !step.effects.is_empty() || fingerprint(&t) != before,
                    "{mode:?}: `{spec}` ({}) did nothing",
                    e.hint
                );
            }
        }
    }
}

#[test]
fn a_confirmation_with_nowhere_to_go_back_offers_no_edit_and_the_zoomed_log_has_its_own_hints() {
    let mut s = state();
    s.modal = Some(Modal::Confirm(Confirm::new(plan())));
    let bar = crate::tui::view::hint_text(&s);
    assert!(!bar.contains("edit") && bar.contains("y run"), "{bar}");
    let mut s = state();
    s.screen = crate::tui::state::Screen::Log(s.screen.base());
    let bar = crate::tui::view::hint_text(&s);
    assert!(bar.contains("/ search") && !bar.contains("reset"), "{bar}");
}
