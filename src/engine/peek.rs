//! A look at the messages around a reset's target: the one at the target offset and its neighbours, read live, so
//! a poison message can be seen before the group is moved past it.

use serde::Serialize;

use super::error::EngineError;
use super::safety::Refusal;
use super::session::Session;
use super::target::Target;
use crate::core::live::Message;
use crate::providers::{huawei, tencent};

/// How many messages on each side of the target are read.
pub const AROUND: i64 = 2;

/// The messages around one partition's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Peek {
    pub instance: String,
    pub topic: String,
    pub partition: i32,
    pub target: i64,
    /// In offset order; offsets the log does not hold are left out.
    pub messages: Vec<Message>,
}

impl Peek {
    /// Where a skip of the `index`th message shown sends the partition: the offset after the one that was asked for
    /// and answered (never one the server chose), or `None` past the last offset there can be.
    pub fn skip_past(&self, index: usize) -> Option<i64> {
        self.messages.get(index)?.offset.checked_add(1)
    }
}

/// Reads the messages from `target - AROUND` to `target + AROUND`, each call paced like every call. On CKafka one
/// FetchMessageListByOffset first says which of those offsets the log holds (both message APIs allow 1 call a
/// second), so only messages that exist are fetched: near the log end or start that saves a second per offset.
pub async fn around(
    session: &Session,
    instance: &str,
    (topic, partition, target): (&str, i32, i64),
) -> Result<Peek, EngineError> {
    let t = session.find(instance)?;
    let c = session.credentials(&t)?;
    let window = window(target);
    let offsets: Vec<i64> = match &t {
        Target::Ckafka(acc, i) => {
            let n = u8::try_from(window.clone().count()).unwrap_or(u8::MAX);
            tencent::message::offsets_from(&session.client, &c, acc, &i.id, (topic, partition, *window.start()), n)
                .await
                .map_err(EngineError::reading("listing the messages around the target"))?
                .into_iter()
                .filter(|o| window.contains(o))
                .collect()
        }
        Target::Huawei(..) => window.collect(),
        Target::Dts(..) => {
            return Err(Refusal::Unsupported(
                "DTS data subscriptions have no API that returns a message; peek works on Huawei DMS and CKafka".into(),
            )
            .into());
        }
    };
    let mut messages = Vec::new();
    for offset in offsets {
        let read = match &t {
            Target::Huawei(acc, i) => {
                huawei::message::at(&session.client, &c, acc, &i.id, (topic, partition, offset)).await
            }
            Target::Ckafka(acc, i) => {
                tencent::message::at(&session.client, &c, acc, &i.id, (topic, partition, offset)).await
            }
            Target::Dts(..) => unreachable!("refused above"),
        };
        // The offset asked is the one shown: a message the server says is at another offset is not this one
        // (a skip computed from it would move the group somewhere nobody saw).
        if let Some(m) = read.map_err(EngineError::reading("reading a message"))?.filter(|m| m.offset == offset) {
            messages.push(m);
        }
    }
    Ok(Peek { instance: instance.to_owned(), topic: topic.to_owned(), partition, target, messages })
}

/// The offsets a peek at `target` shows: `AROUND` on each side, none below 0, none past the last offset there is.
fn window(target: i64) -> std::ops::RangeInclusive<i64> {
    target.saturating_sub(AROUND).max(0)..=target.saturating_add(AROUND)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peek(offsets: &[i64]) -> Peek {
        let messages = offsets.iter().map(|o| Message::kept(*o, None, None, Some("v".into()), None)).collect();
        Peek { instance: "i".into(), topic: "t".into(), partition: 0, target: offsets[0], messages }
    }

    #[test]
    fn a_skip_goes_one_past_the_message_and_never_wraps() {
        assert_eq!(peek(&[41, 42]).skip_past(1), Some(43));
        assert_eq!(peek(&[i64::MAX]).skip_past(0), None, "no offset after the last one");
        assert_eq!(peek(&[5]).skip_past(3), None, "no message there");
    }

    #[test]
    fn the_window_never_leaves_the_offsets_there_can_be() {
        assert_eq!(window(10), 8..=12);
        assert_eq!(window(1), 0..=3, "no offset below 0");
        assert_eq!(window(i64::MAX), i64::MAX - 2..=i64::MAX, "no wrap past the last offset");
    }
}
