//! The message at an offset (CKafka FetchMessageByOffset, the one call that returns key and value): what a peek at
//! a reset's target shows. DTS has no message API.

use serde_json::json;

use super::*;
use crate::core::credentials::Credentials;
use crate::core::live::Message;
use crate::providers::client::Client;
use crate::providers::error::CallError;
use crate::providers::lenient::int;

/// The message at an offset, or `None` when the service says the log does not hold it.
pub async fn at(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    instance: &str,
    (topic, partition, offset): (&str, i32, i64),
) -> Result<Option<Message>, CallError> {
    let params = json!({"InstanceId": instance, "Topic": topic, "Partition": partition, "Offset": offset});
    let a = match client.call(&describe(acc, "ckafka", "FetchMessageByOffset", params), creds).await {
        Ok(a) => a,
        Err(CallError::Api { code, .. }) if code == "FailedOperation" || code.starts_with("ResourceNotFound") => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let r = &a.json["Result"];
    Ok(Some(Message::kept(
        int(&r["Offset"]).unwrap_or(offset),
        int(&r["Timestamp"]),
        r["Key"].as_str().map(str::to_owned).filter(|k| !k.is_empty()),
        r["Value"].as_str().map(str::to_owned),
        None,
    )))
}

/// The offsets the log holds from `offset` on, at most `n` (FetchMessageListByOffset: one call for what would be
/// `n` FetchMessageByOffset, but without key or value). A list that names another partition or an offset before the
/// one asked is the server's mistake, not a message of this window: left out.
pub async fn offsets_from(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    instance: &str,
    (topic, partition, offset): (&str, i32, i64),
    n: u8,
) -> Result<Vec<i64>, CallError> {
    let params = json!({"InstanceId": instance, "Topic": topic, "Partition": partition, "Offset": offset,
                        "SinglePartitionRecordNumber": n.clamp(1, 20)});
    let a = match client.call(&describe(acc, "ckafka", "FetchMessageListByOffset", params), creds).await {
        Ok(a) => a,
        Err(CallError::Api { code, .. }) if code == "FailedOperation" || code.starts_with("ResourceNotFound") => {
            return Ok(Vec::new());
        }
        Err(e) => return Err(e),
    };
    let mut offsets: Vec<i64> = a.json["Result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| int(&r["Partition"]).is_none_or(|p| p == i64::from(partition)))
        .filter_map(|r| int(&r["Offset"]))
        .filter(|o| *o >= offset)
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    offsets.truncate(usize::from(n));
    Ok(offsets)
}
