//! The dashboard driven as a whole for tests: its state machine fed keys and the real worker's events against the
//! emulator, drawn on ratatui's TestBackend.

use std::time::Duration;

use offsetdeck::core::profile;
use offsetdeck::emulator::{self, Handle};
use offsetdeck::engine::worker::{self, Command, EngineEvent};
use offsetdeck::tui::state::{AppState, Modal};
use offsetdeck::tui::update::{Effect, Msg, update};
use offsetdeck::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use tokio::sync::mpsc;

pub struct App {
    pub state: AppState,
    pub commands: mpsc::UnboundedSender<Command>,
    pub events: mpsc::UnboundedReceiver<EngineEvent>,
    pub emu: Handle,
    /// The `:` lines the dashboard asked to keep in its history file.
    pub remembered: Vec<String>,
    /// What the dashboard asked to put on the clipboard.
    pub copied: Vec<String>,
}

impl App {
    pub async fn new(w: u16, h: u16) -> Self {
        Self::with_profile(w, h, |t| t).await
    }

    /// The dashboard on a profile edited from the emulator's own.
    pub async fn with_profile(w: u16, h: u16, edit: impl Fn(String) -> String) -> Self {
        let data = emulator::data::DEMO.replace("live = true", "live = false");
        let world = emulator::data::parse(&data, 1_800_000_000_000).unwrap();
        let emu = emulator::spawn(world, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let text = emulator::write_profile(&emu.state().world, &emu.url()).replacen(
            "[tencent.tc-demo]\n",
            "[tencent.tc-demo]\nprotected = true\n",
            1,
        );
        let text = edit(text);
        let mut profile = profile::parse(&text, "t").unwrap().profile;
        // The worker records every job; keep that out of the real home.
        profile.settings.audit_log = Some(super::scratch_audit_log());
        let (tx, events) = mpsc::unbounded_channel();
        let w_ = worker::spawn(super::paced_session(profile.clone(), "Asia/Shanghai"), tx);
        let state = AppState::new(profile, (w, h), true, false, "Asia/Shanghai".into());
        let mut app = Self { state, commands: w_.commands, events, emu, remembered: Vec::new(), copied: Vec::new() };
        app.apply(Msg::Resize(w, h));
        app.apply(Msg::RefreshTick);
        app.settle().await;
        app
    }

    pub fn apply(&mut self, msg: Msg) {
        for e in update(&mut self.state, msg).effects {
            match e {
                Effect::Send(cmd) => self.commands.send(cmd).unwrap(),
                Effect::Remember(line) => self.remembered.push(line),
                Effect::Copy(text) => self.copied.push(text),
            }
        }
    }

    pub fn key(&mut self, code: KeyCode) {
        self.apply(Msg::Key(KeyEvent::from(code)));
    }

    /// Opens the reset form on the selection, moves right `rights` times through the strategies (1 = earliest),
    /// asks for the plan and waits for it.
    pub async fn plan_reset(&mut self, rights: usize) {
        self.key(KeyCode::Char('r'));
        self.keys(&vec![KeyCode::Right; rights]);
        self.key(KeyCode::Enter);
        self.settle().await;
    }

    pub fn keys(&mut self, codes: &[KeyCode]) {
        codes.iter().for_each(|c| self.key(*c));
    }

    pub fn typed(&mut self, text: &str) {
        text.chars().for_each(|c| self.key(KeyCode::Char(c)));
    }

    /// Feeds engine events until nothing is under way (no job, plan or refresh) and all is quiet.
    pub async fn settle(&mut self) {
        // As the app's loop does once keys stop: the row the cursor rests on may be read.
        self.apply(Msg::Rested);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            match tokio::time::timeout(Duration::from_millis(150), self.events.recv()).await {
                Ok(Some(event)) => self.apply(Msg::Engine { at: "12:00:00".into(), event: Box::new(event) }),
                _ => {
                    let busy = self.state.job.is_some()
                        || self.state.refreshing
                        || matches!(self.state.modal, Some(Modal::Planning { .. }));
                    if !busy || tokio::time::Instant::now() > deadline {
                        return;
                    }
                }
            }
        }
    }

    /// Feeds engine events until `done` holds (or 20 s pass): for reads nothing in the state marks as under way.
    pub async fn settle_until(&mut self, done: impl Fn(&AppState) -> bool) {
        self.apply(Msg::Rested);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !done(&self.state) && tokio::time::Instant::now() < deadline {
            if let Ok(Some(event)) = tokio::time::timeout(Duration::from_millis(100), self.events.recv()).await {
                self.apply(Msg::Engine { at: "12:00:00".into(), event: Box::new(event) });
            }
        }
    }

    /// Selects the Topics-folder partition `name` of `topic` in the Huawei tree, opening what is needed.
    pub fn trees_select(&mut self, name: &str, topic: &str) {
        use offsetdeck::tui::tree::Kind;
        let found = self.state.trees[0].select_where(
            |k| matches!(k, Kind::Partition { topic: tp, partition, .. } if &**tp == topic && format!("p{partition}") == name),
            10,
        );
        assert!(found, "no partition {name} of {topic}");
    }

    /// Selects group `name` of instance `instance` in the Huawei tree, opening what is needed.
    pub fn select_group(&mut self, instance: &str, name: &str) {
        use offsetdeck::tui::tree::Kind;
        let found = self.state.trees[0].select_where(
            |k| matches!(k, Kind::Group { instance: i, group } if &**i == instance && &**group == name),
            10,
        );
        assert!(found, "no group {name} on {instance}");
    }

    pub fn screen(&self) -> String {
        let (w, h) = self.state.size;
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| view::render(f, &self.state)).unwrap();
        let buf = t.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..h {
            let line: String = (0..w).map(|x| buf[(x, y)].symbol().to_owned()).collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// `n` presses of Down.
pub fn down(n: usize) -> Vec<KeyCode> {
    vec![KeyCode::Down; n]
}
