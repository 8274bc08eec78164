//! Copying what an on-call engineer pastes next: the selection's full name (a DTS group's API name, an instance's
//! cloud id), or from the zoomed log a snapshot path or a request id. Sent to the terminal's clipboard with OSC 52
//! (tmux and most terminals pass it on); the log line shows the text too, to select by hand where OSC 52 is off.

use base64::Engine;

use super::state::{AppState, Level};
use super::tree::Kind;
use super::update::{Effect, Step};

/// The selection's full name, as the cloud knows it.
pub fn selected(s: &AppState) -> Option<String> {
    let node = s.trees[s.focus].selected_node()?;
    let t = |i: &str| crate::engine::target::Target::find(&s.profile, i).ok();
    Some(match &node.kind {
        Kind::Account { account } => account.to_string(),
        Kind::Instance { instance, .. } => t(instance).map_or(instance.to_string(), |t| t.key().instance),
        Kind::Group { instance, group }
        | Kind::GroupTopic { instance, group, .. }
        | Kind::GroupPartition { instance, group, .. } => {
            t(instance).and_then(|t| t.api_group(group).ok()).unwrap_or_else(|| group.to_string())
        }
        Kind::Topic { topic, .. } | Kind::Partition { topic, .. } => topic.to_string(),
        Kind::Groups | Kind::Topics => return None,
    })
}

/// From a log line: the snapshot path it names, else its request id, else the whole line.
pub fn from_log_line(text: &str) -> String {
    let word_after = |marker: &str| {
        text.find(marker).map(|i| text[i + marker.len()..].split_whitespace().next().unwrap_or_default().to_owned())
    };
    word_after("snapshot ")
        .filter(|p| p.starts_with('/') || p.contains(".json"))
        .or_else(|| word_after("req ").filter(|r| !r.is_empty()))
        .or_else(|| word_after("request id ").map(|r| r.trim_end_matches(']').to_owned()))
        .unwrap_or_else(|| text.to_owned())
}

/// The OSC 52 sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\u{1b}]52;c;{}\u{7}", base64::engine::general_purpose::STANDARD.encode(text))
}

/// Copies, and says what (inert, so it can be selected by hand).
pub(super) fn copy(s: &mut AppState, text: Option<String>) -> Step {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return super::update::status(s, "copy: select a group, topic, instance or partition");
    };
    let shown = payload(&text);
    s.push_log(String::new(), Level::Info, format!("copied to the clipboard (OSC 52): {shown}"));
    Step { redraw: true, effects: vec![Effect::Copy(shown)] }
}

/// What is put on the clipboard for `text`: what is shown, since a control character or a line break copied raw
/// would act in the shell it is pasted into.
pub fn payload(text: &str) -> String {
    crate::core::inert::inert(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_give_their_snapshot_path_or_request_id() {
        assert_eq!(from_log_line("job 2: snapshot /tmp/x/snapshots/a.json"), "/tmp/x/snapshots/a.json");
        assert_eq!(from_log_line("hw/orders [1/3] ok ResetMessageOffset req 0000-aa"), "0000-aa");
        assert_eq!(from_log_line("ok Reset [request id abc-1]"), "abc-1");
        assert_eq!(from_log_line("plain words"), "plain words");
        assert_eq!(osc52("hi"), "\u{1b}]52;c;aGk=\u{7}");
    }
}
