//! CKafka's message actions in the emulator: lists by time and by offset (no key or value, as documented) and the
//! one message by offset, all bounded by the partition's log.

use serde_json::{Map, Value, json};

use super::state::TencentAccount;
use super::tencent::{Out, err, i, instance, s, topic};

/// FetchMessageListByTimestamp, FetchMessageListByOffset and FetchMessageByOffset.
pub(super) fn fetch(acc: &TencentAccount, action: &str, p: &Map<String, Value>) -> Out {
    match action {
        "FetchMessageListByTimestamp" => {
            let inst = instance(acc, p)?;
            let t = topic(inst, s(p, "Topic"))?;
            let n = i(p, "SinglePartitionRecordNumber").unwrap_or(20);
            if !(1..=20).contains(&n) {
                return Err(err("InvalidParameterValue", "SinglePartitionRecordNumber must be between 1 and 20"));
            }
            let start = i(p, "StartTime").unwrap_or(0);
            let only = i(p, "Partition");
            if only.is_some_and(|x| x < 0 || x as usize >= t.partitions.len()) {
                return Err(err("InvalidParameterValue", "Partition does not exist"));
            }
            let mut out = Vec::new();
            for (pn, part) in t.partitions.iter().enumerate().filter(|(pn, _)| only.is_none_or(|o| o as usize == *pn)) {
                let first = t.offset_at_or_after(*part, start);
                for o in (first..part.end).take(n as usize) {
                    out.push(json!({"Topic": t.name, "Partition": pn, "Offset": o, "Key": null, "Value": null, "Timestamp": t.timestamp_of(o), "Headers": null}));
                }
            }
            Ok(json!({"Result": out}))
        }
        "FetchMessageListByOffset" => {
            let inst = instance(acc, p)?;
            let t = topic(inst, s(p, "Topic"))?;
            let (Some(pn), Some(o)) = (i(p, "Partition"), i(p, "Offset")) else {
                return Err(err("MissingParameter", "Partition and Offset are required"));
            };
            let n = i(p, "SinglePartitionRecordNumber").unwrap_or(20);
            if !(1..=20).contains(&n) {
                return Err(err("InvalidParameterValue", "SinglePartitionRecordNumber must be between 1 and 20"));
            }
            let pn = usize::try_from(pn).ok().filter(|pn| *pn < t.partitions.len());
            let Some(pn) = pn else { return Err(err("InvalidParameterValue", "Partition does not exist")) };
            let part = t.partitions[pn];
            // Like a Kafka fetch: from the offset asked (or the log start, if that is gone) up to n records, and
            // nothing past the log end. Key and value are never in a list (the documented shape).
            let out: Vec<Value> = (o.max(part.start)..part.end)
                .take(n as usize)
                .map(|o| {
                    json!({"Topic": t.name, "Partition": pn, "Offset": o, "Key": null, "Value": null,
                                    "Timestamp": t.timestamp_of(o), "Headers": null})
                })
                .collect();
            Ok(json!({"Result": out}))
        }
        "FetchMessageByOffset" => {
            let inst = instance(acc, p)?;
            let t = topic(inst, s(p, "Topic"))?;
            let (Some(pn), Some(o)) = (i(p, "Partition"), i(p, "Offset")) else {
                return Err(err("MissingParameter", "Partition and Offset are required"));
            };
            let pn = usize::try_from(pn).ok().filter(|pn| *pn < t.partitions.len());
            let Some(pn) = pn else { return Err(err("InvalidParameterValue", "Partition does not exist")) };
            let Some(m) = super::messages::at(t, pn, o) else {
                return Err(err("FailedOperation", "the offset is outside the partition's log"));
            };
            Ok(json!({"Result": {"Topic": t.name, "Partition": pn, "Offset": o, "Key": m.key, "Value": m.value,
                    "Headers": null, "Timestamp": m.timestamp_ms}}))
        }
        _ => Err(err("InvalidAction", format!("{action} is not a message action"))),
    }
}
