//! The dashboard on a large profile (100,000 group partitions): frame render, key-press to frame for moving,
//! expanding and filtering, and bytes written to the terminal per keystroke.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use offsetdeck::core::live::{GroupSnapshot, PartitionState};
use offsetdeck::core::profile;
use offsetdeck::tui::state::AppState;
use offsetdeck::tui::update::{Msg, update};
use offsetdeck::tui::view;
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// A Huawei profile of `instances` x `groups`, every group on every one of `topics` topics of `partitions`
/// partitions (instances are `inst-000`.., topics `topic-0`.., groups `group-000`..).
pub fn profile_text(instances: usize, groups: usize, topics: usize, partitions: usize) -> String {
    let mut s =
        String::from("[huawei.big]\nregion = \"cn-north-4\"\nproject_id = \"0123456789abcdef0123456789abcdef\"\n");
    let topic_list = (0..topics).map(|t| format!("\"topic-{t}\"")).collect::<Vec<_>>().join(", ");
    for i in 0..instances {
        s.push_str(&format!("\n[huawei.big.instances.inst-{i:03}]\nid = \"id-{i}\"\ntopics = {{ "));
        s.push_str(&(0..topics).map(|t| format!("topic-{t} = {partitions}")).collect::<Vec<_>>().join(", "));
        s.push_str(" }\ngroups = { ");
        s.push_str(&(0..groups).map(|g| format!("group-{g:03} = [{topic_list}]")).collect::<Vec<_>>().join(", "));
        s.push_str(" }\n");
    }
    s
}

/// 20 instances x 100 groups x 10 topics x 5 partitions (100,000 group partitions), plus each instance's topics.
pub fn large_profile() -> String {
    profile_text(20, 100, 10, 5)
}

/// A terminal that only counts the bytes it is sent.
struct Counting(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl std::io::Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len(), std::sync::atomic::Ordering::SeqCst);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn key(s: &mut AppState, code: KeyCode) {
    update(s, Msg::Key(KeyEvent::from(code)));
}

fn dashboard(c: &mut Criterion) {
    let text = large_profile();
    let p = profile::parse(&text, "large").unwrap().profile;
    let group_partitions: usize =
        p.huawei.iter().flat_map(|a| &a.instances).flat_map(|i| i.groups.iter().map(move |g| g.topics.len() * 5)).sum();
    eprintln!(
        "large profile: {} instances, {} groups, {group_partitions} group partitions",
        p.totals().instances,
        p.totals().groups
    );
    let state = AppState::new(p, (80, 24), false, true, "UTC".into());
    eprintln!("tree nodes: {}", state.trees[0].nodes.len());
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();

    c.bench_function("large/full frame render 80x24", |b| {
        b.iter(|| {
            term.draw(|f| view::render(f, black_box(&state))).unwrap();
        })
    });

    let mut moving = state.clone();
    c.bench_function("large/key down + frame", |b| {
        b.iter(|| {
            key(&mut moving, KeyCode::Down);
            term.draw(|f| view::render(f, &moving)).unwrap();
        })
    });

    let mut expanding = state.clone();
    key(&mut expanding, KeyCode::Down);
    key(&mut expanding, KeyCode::Down);
    key(&mut expanding, KeyCode::Down);
    let mut open = false;
    c.bench_function("large/expand or collapse a group + frame", |b| {
        b.iter(|| {
            key(&mut expanding, if open { KeyCode::Left } else { KeyCode::Right });
            open = !open;
            term.draw(|f| view::render(f, &expanding)).unwrap();
        })
    });

    let mut filtering = state.clone();
    key(&mut filtering, KeyCode::Char('/'));
    let mut typed = false;
    c.bench_function("large/filter keystroke + frame", |b| {
        b.iter(|| {
            key(&mut filtering, if typed { KeyCode::Backspace } else { KeyCode::Char('7') });
            typed = !typed;
            term.draw(|f| view::render(f, &filtering)).unwrap();
        })
    });

    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut s = state.clone();
        update(&mut s, Msg::Resize(w, h));
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut t = Terminal::new(CrosstermBackend::new(Counting(counter.clone()))).unwrap();
        t.resize(ratatui::layout::Rect::new(0, 0, w, h)).unwrap();
        t.draw(|f| view::render(f, &s)).unwrap();
        let mut sizes = Vec::new();
        for _ in 0..50 {
            counter.store(0, std::sync::atomic::Ordering::SeqCst);
            key(&mut s, KeyCode::Down);
            t.draw(|f| view::render(f, &s)).unwrap();
            sizes.push(counter.load(std::sync::atomic::Ordering::SeqCst));
        }
        sizes.sort_unstable();
        eprintln!(
            "bytes per keystroke (move one row) at {w}x{h}: median {} B, max {} B",
            sizes[sizes.len() / 2],
            sizes[sizes.len() - 1]
        );
    }
}

/// 100 instances x 100 groups, each on one topic of 10 partitions (10,000 groups, 100,000 group partitions), every
/// group read live.
fn ten_thousand_groups() -> AppState {
    let s = profile_text(100, 100, 1, 10);
    let p = profile::parse(&s, "ten-thousand").unwrap().profile;
    let mut state = AppState::new(p, (80, 24), false, true, "UTC".into());
    for i in 0..100 {
        for g in 0..100 {
            let partitions = (0..10)
                .map(|p| PartitionState {
                    topic: "topic-0".into(),
                    partition: p,
                    committed: Some(1000),
                    start: Some(0),
                    end: Some(1000 + i64::from(p) * (i * 100 + g) as i64),
                })
                .collect();
            let snap =
                GroupSnapshot { group: format!("group-{g:03}"), state: "Empty".into(), members: vec![], partitions };
            state.live.groups.insert(
                offsetdeck::core::target::GroupRef::new(format!("inst-{i:03}"), format!("group-{g:03}")),
                Ok(snap),
            );
        }
    }
    state
}

fn groups_view(c: &mut Criterion) {
    let mut state = ten_thousand_groups();
    key(&mut state, KeyCode::Char('v'));
    eprintln!(
        "groups view: {} rows, {} tree nodes",
        offsetdeck::tui::groups_view::rows(&state).len(),
        state.trees[0].nodes.len()
    );
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    c.bench_function("10k groups/groups view frame 80x24", |b| {
        b.iter(|| {
            term.draw(|f| view::render(f, black_box(&state))).unwrap();
        })
    });
    let mut moving = state.clone();
    c.bench_function("10k groups/key down + frame in the groups view", |b| {
        b.iter(|| {
            key(&mut moving, KeyCode::Down);
            term.draw(|f| view::render(f, &moving)).unwrap();
        })
    });
    let mut filtering = state.clone();
    key(&mut filtering, KeyCode::Char('/'));
    let mut typed = false;
    c.bench_function("10k groups/filter keystroke + frame in the groups view", |b| {
        b.iter(|| {
            key(&mut filtering, if typed { KeyCode::Backspace } else { KeyCode::Char('7') });
            typed = !typed;
            term.draw(|f| view::render(f, &filtering)).unwrap();
        })
    });
    c.bench_function("10k groups/rebuild the rows after a refresh", |b| {
        b.iter(|| black_box(offsetdeck::tui::groups_view::build(&state)).len())
    });
    let mut sorting = state.clone();
    c.bench_function("10k groups/sort key + frame in the groups view", |b| {
        b.iter(|| {
            key(&mut sorting, KeyCode::Char('s'));
            term.draw(|f| view::render(f, &sorting)).unwrap();
        })
    });
}

criterion_group!(benches, dashboard, groups_view);
criterion_main!(benches);
