//! The modal forms: reset, delete committed offsets, delete messages. Each validates as it is typed.

use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::modes::Verb;
use crate::core::strategy::{self, ResetStrategy, StrategyKind};
use crate::core::target::TargetKind;

/// Which field has focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetField {
    /// Partitions.
    Partitions,
    /// Strategy choice.
    Strategy,
    /// Value.
    Value,
}

/// The reset form.
#[derive(Debug, Clone)]
pub struct ResetForm {
    /// Instance (profile name).
    pub instance: String,
    /// Group (profile name).
    pub group: String,
    /// Topics in scope.
    pub topics: Vec<String>,
    /// Several groups marked to be reset together (then `group` and `topics` are unused: each group's committed
    /// topics, all partitions).
    pub groups: Vec<String>,
    /// Partitions typed (`0,3,5`); empty means all.
    pub partitions: Input,
    /// Each topic's partition count as last read live (else as the profile pins it): typed partitions are checked
    /// against them as they are typed.
    pub counts: Vec<(String, u32)>,
    /// Offered strategies.
    pub offered: &'static [StrategyKind],
    /// The chosen one: nothing until the user picks.
    pub strategy: Option<usize>,
    /// The value.
    pub value: Input,
    /// Focused field.
    pub focus: ResetField,
    /// An error shown after Enter (planning or validation).
    pub error: Option<String>,
}

impl ResetForm {
    /// A new form, scope pre-filled from the selection.
    pub fn new(instance: String, group: String, topics: Vec<String>, partition: Option<i32>, kind: TargetKind) -> Self {
        Self {
            instance,
            group,
            topics,
            groups: Vec::new(),
            counts: Vec::new(),
            partitions: Input::new(partition.map(|p| p.to_string()).unwrap_or_default()),
            offered: StrategyKind::offered(kind),
            strategy: None,
            value: Input::default(),
            focus: ResetField::Strategy,
            error: None,
        }
    }

    /// A form for several groups of one instance: each group's committed topics, all partitions; `current` is
    /// offered too, to export a backup of them all.
    pub fn many(instance: String, groups: Vec<String>, kind: TargetKind) -> Self {
        let mut f = Self::new(instance, String::new(), Vec::new(), None, kind);
        f.offered = StrategyKind::offered_to_many(kind);
        f.groups = groups;
        f
    }

    /// The chosen strategy kind.
    pub fn kind(&self) -> Option<StrategyKind> {
        self.strategy.map(|i| self.offered[i])
    }

    /// The partitions typed, or the message saying what is wrong.
    pub fn parsed_partitions(&self) -> Result<Vec<i32>, String> {
        let text = self.partitions.value().trim();
        if text.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for part in text.split(',') {
            let n: i32 = part
                .trim()
                .parse()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| format!("{:?} is not a partition number; write e.g. 0,3,5", part.trim()))?;
            if out.contains(&n) {
                return Err(format!("partition {n} is listed twice"));
            }
            // Each number is a partition of every topic in scope: say which topics lack it.
            let lacking: Vec<String> = self
                .counts
                .iter()
                .filter(|(_, c)| n as u32 >= *c)
                .map(|(t, c)| format!("{t} has {}", range(*c)))
                .collect();
            if !lacking.is_empty() {
                let pick = if self.counts.len() > 1 { "; select one topic in the tree to reset only it" } else { "" };
                return Err(format!("no partition {n}: {}{pick}", lacking.join(", ")));
            }
            out.push(n);
        }
        Ok(out)
    }

    /// The value's meaning, or what is wrong with it, checked as it is typed.
    pub fn parsed_strategy(&self, zone: &jiff::tz::TimeZone, zone_name: &str) -> Result<ResetStrategy, String> {
        let Some(kind) = self.kind() else { return Err("choose a strategy with ← →".into()) };
        let v = self.value.value();
        if kind.needs_value() && v.trim().is_empty() {
            return Err(format!("type a value: {}", kind.help()));
        }
        kind.parse(v, zone, zone_name).map_err(|e| e.to_string())
    }

    /// Handles a key inside the form, `verb` being what the form's key table says it does; returns true when
    /// something changed. Keys the table does not name are typed into the focused value.
    pub fn key(&mut self, key: KeyEvent, verb: Option<Verb>) -> bool {
        self.error = None;
        let bulk = !self.groups.is_empty();
        match (self.focus, verb) {
            // Several groups have no partitions field: each group's partitions are all of its topics'.
            (_, Some(Verb::NextField | Verb::PrevField)) if bulk => {
                self.focus = if self.focus == ResetField::Value { ResetField::Strategy } else { ResetField::Value };
            }
            (_, Some(Verb::NextField)) => {
                self.focus = match self.focus {
                    ResetField::Partitions => ResetField::Strategy,
                    ResetField::Strategy => ResetField::Value,
                    ResetField::Value => ResetField::Partitions,
                };
            }
            (_, Some(Verb::PrevField)) => {
                self.focus = match self.focus {
                    ResetField::Partitions => ResetField::Value,
                    ResetField::Strategy => ResetField::Partitions,
                    ResetField::Value => ResetField::Strategy,
                };
            }
            (ResetField::Strategy, Some(Verb::Down)) => {
                self.strategy = Some(self.strategy.map_or(0, |i| (i + 1) % self.offered.len()));
                self.value = Input::default();
            }
            (ResetField::Strategy, Some(Verb::Up)) => {
                let n = self.offered.len();
                self.strategy = Some(self.strategy.map_or(n - 1, |i| (i + n - 1) % n));
                self.value = Input::default();
            }
            (ResetField::Strategy, _) => return false,
            (ResetField::Partitions, _) => {
                self.partitions.handle_event(&Event::Key(key));
            }
            (ResetField::Value, _) => {
                self.value.handle_event(&Event::Key(key));
            }
        }
        true
    }
}

/// Partitions `0-N` in words.
fn range(count: u32) -> String {
    match count {
        0 => "no partitions".into(),
        1 => "only partition 0".into(),
        n => format!("partitions 0-{}", n - 1),
    }
}

/// The delete-committed-offsets form: which topics to clear.
#[derive(Debug, Clone)]
pub struct DeleteOffsetsForm {
    /// Instance.
    pub instance: String,
    /// Group.
    pub group: String,
    /// Topics with whether each is chosen.
    pub topics: Vec<(String, bool)>,
    /// Cursor row.
    pub cursor: usize,
    /// Error after Enter.
    pub error: Option<String>,
}

impl DeleteOffsetsForm {
    /// Handles what the form's key table says a key does; true when something changed.
    pub fn key(&mut self, verb: Option<Verb>) -> bool {
        self.error = None;
        match verb {
            Some(Verb::Up) => self.cursor = self.cursor.saturating_sub(1),
            Some(Verb::Down) => self.cursor = (self.cursor + 1).min(self.topics.len().saturating_sub(1)),
            Some(Verb::Toggle) => {
                if let Some(t) = self.topics.get_mut(self.cursor) {
                    t.1 = !t.1;
                }
            }
            _ => return false,
        }
        true
    }

    /// The chosen topics.
    pub fn chosen(&self) -> Vec<String> {
        self.topics.iter().filter(|t| t.1).map(|t| t.0.clone()).collect()
    }
}

/// One partition row of the delete-messages form.
#[derive(Debug, Clone)]
pub struct DeleteRow {
    /// Partition.
    pub partition: i32,
    /// Log start and end when known.
    pub bounds: Option<(i64, i64)>,
    /// The offset typed: empty = leave alone, `end` = everything.
    pub offset: Input,
}

impl DeleteRow {
    /// What the row asks for: `Ok(None)` to leave alone, `Ok(Some(None))` to the end.
    pub fn parsed(&self) -> Result<Option<Option<i64>>, String> {
        let v = self.offset.value().trim();
        if v.is_empty() {
            return Ok(None);
        }
        if v.eq_ignore_ascii_case("end") {
            return Ok(Some(None));
        }
        let o = strategy::parse_offset(v).map_err(|e| e.to_string())?;
        if let Some((_, end)) = self.bounds.filter(|(_, end)| o > *end) {
            return Err(format!("{o} is beyond the log end {end}"));
        }
        if let Some((start, _)) = self.bounds.filter(|(start, _)| o <= *start) {
            return Err(format!("{o} is at or below the log start {start}: nothing would be deleted"));
        }
        Ok(Some(Some(o)))
    }

    /// Messages this row deletes, when the bounds are known.
    pub fn messages_lost(&self) -> Option<i64> {
        let (start, end) = self.bounds?;
        match self.parsed().ok()?? {
            None => Some(end - start),
            Some(o) => Some((o - start).max(0)),
        }
    }
}

/// The delete-messages form.
#[derive(Debug, Clone)]
pub struct DeleteMessagesForm {
    /// Instance.
    pub instance: String,
    /// Topic.
    pub topic: String,
    /// Per partition.
    pub rows: Vec<DeleteRow>,
    /// Cursor row.
    pub cursor: usize,
    /// First row shown.
    pub offset: usize,
    /// Error after Enter.
    pub error: Option<String>,
}

impl DeleteMessagesForm {
    /// Handles a key, `verb` being what the form's key table says it does; other keys are typed into the row's
    /// offset. True when something changed.
    pub fn key(&mut self, key: KeyEvent, verb: Option<Verb>) -> bool {
        self.error = None;
        match verb {
            Some(Verb::Up) => self.cursor = self.cursor.saturating_sub(1),
            Some(Verb::Down) => self.cursor = (self.cursor + 1).min(self.rows.len().saturating_sub(1)),
            _ => {
                if let Some(r) = self.rows.get_mut(self.cursor) {
                    r.offset.handle_event(&Event::Key(key));
                }
            }
        }
        true
    }

    /// The partitions chosen, or the first error (naming its partition).
    pub fn chosen(&self) -> Result<Vec<(i32, Option<i64>)>, String> {
        let mut out = Vec::new();
        for r in &self.rows {
            match r.parsed() {
                Ok(Some(o)) => out.push((r.partition, o)),
                Ok(None) => {}
                Err(e) => return Err(format!("partition {}: {e}", r.partition)),
            }
        }
        if out.is_empty() {
            return Err("type an offset (or `end`) for at least one partition".into());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::KeyCode;

    use super::*;
    use crate::tui::modes::{Mode, verb};

    /// A key as the reset form's table reads it.
    fn press(f: &mut ResetForm, code: KeyCode) {
        let key = KeyEvent::from(code);
        f.key(key, verb(Mode::ResetForm, key));
    }

    fn typed(input: &mut Input, s: &str) {
        for c in s.chars() {
            input.handle_event(&Event::Key(KeyEvent::from(KeyCode::Char(c))));
        }
    }

    #[test]
    fn reset_form_validates_as_typed() {
        let tz = jiff::tz::TimeZone::UTC;
        let mut f = ResetForm::new("i".into(), "g".into(), vec!["t".into()], None, TargetKind::Huawei);
        assert!(f.parsed_strategy(&tz, "UTC").unwrap_err().contains("choose a strategy"));
        press(&mut f, KeyCode::Right);
        assert_eq!(f.parsed_strategy(&tz, "UTC"), Ok(ResetStrategy::Earliest));
        press(&mut f, KeyCode::Right);
        press(&mut f, KeyCode::Right);
        assert_eq!(f.kind(), Some(StrategyKind::ToOffset));
        f.focus = ResetField::Value;
        typed(&mut f.value, "-5");
        assert!(f.parsed_strategy(&tz, "UTC").unwrap_err().contains("0 or more"));
        f.partitions = Input::new("0, 3,x".into());
        assert!(f.parsed_partitions().unwrap_err().contains("\"x\""));
        let dts = ResetForm::new("i".into(), "g".into(), vec![], None, TargetKind::Dts);
        assert!(!dts.offered.contains(&StrategyKind::ToOffset) && !dts.offered.contains(&StrategyKind::ShiftBy));
    }

    #[test]
    fn delete_rows() {
        let mut r = DeleteRow { partition: 0, bounds: Some((100, 500)), offset: Input::default() };
        assert_eq!(r.parsed(), Ok(None));
        typed(&mut r.offset, "300");
        assert_eq!((r.parsed(), r.messages_lost()), (Ok(Some(Some(300))), Some(200)));
        r.offset = Input::new("end".into());
        assert_eq!(r.messages_lost(), Some(400));
        r.offset = Input::new("900".into());
        assert!(r.parsed().unwrap_err().contains("beyond the log end 500"));
        r.offset = Input::new("100".into());
        assert!(r.parsed().unwrap_err().contains("nothing would be deleted"), "caught as typed, not after planning");
    }
}
