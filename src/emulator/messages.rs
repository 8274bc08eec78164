//! The messages a peek reads: made up from the topic, partition and offset, the same on every read, with an
//! occasional poison message (text a terminal would act on, and broken JSON) for the poison-message workflow.

use super::state::Topic;

/// A message as the emulator serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub key: Option<String>,
    pub value: String,
    pub timestamp_ms: i64,
}

/// Every this-many offsets one message is poison.
const POISON_EVERY: i64 = 1000;
/// Where in each thousand the poison sits.
const POISON_AT: i64 = 667;

/// The message at an offset, when the partition's log holds it.
pub fn at(topic: &Topic, partition: usize, offset: i64) -> Option<Message> {
    let p = topic.partitions.get(partition)?;
    if offset < p.start || offset >= p.end {
        return None;
    }
    let value = if offset.rem_euclid(POISON_EVERY) == POISON_AT {
        format!("\u{1b}[2J\u{1b}]0;pwned\u{7}{{\"id\": {offset}, \"amount\": \"NaN\"")
    } else {
        format!("{{\"id\":{offset},\"topic\":\"{}\",\"amount\":{}}}", topic.name, (offset * 37) % 10_000)
    };
    let key = (offset % 5 != 0).then(|| format!("{}-{}", topic.name, offset % 97));
    Some(Message { key, value, timestamp_ms: topic.timestamp_of(offset) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::state::Partition;

    #[test]
    fn messages_exist_only_inside_the_log_and_one_in_a_thousand_is_poison() {
        let t = Topic {
            name: "t".into(),
            partitions: vec![Partition { start: 100, end: 2000 }],
            first_ts_ms: 0,
            interval_ms: 10,
            live: false,
        };
        assert!(at(&t, 0, 99).is_none() && at(&t, 0, 2000).is_none() && at(&t, 1, 150).is_none());
        let m = at(&t, 0, 150).unwrap();
        assert_eq!((m.timestamp_ms, m.key.as_deref()), (1500, None));
        assert!(at(&t, 0, 1667).unwrap().value.contains('\u{1b}'));
        assert_eq!(at(&t, 0, 151), at(&t, 0, 151), "the same on every read");
    }
}
