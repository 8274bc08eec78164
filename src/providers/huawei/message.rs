//! The message at an offset (ShowPartitionMessage): what a peek at a reset's target shows.

use super::*;
use crate::core::credentials::Credentials;
use crate::core::live::Message;
use crate::providers::client::Client;
use crate::providers::error::CallError;
use crate::providers::lenient::{int, text};

/// `GET /v2/{project}/instances/{id}/management/topics/{topic}/partitions/{p}/message?message_offset=N`.
pub fn partition_message(acc: &HuaweiAccount, instance: &str, topic: &str, partition: i32, offset: i64) -> ApiRequest {
    let path = format!(
        "/v2/{}/instances/{}/management/topics/{}/partitions/{partition}/message",
        enc(&acc.project_id),
        enc(instance),
        enc(topic)
    );
    with_query(request(acc, "ShowPartitionMessage", "GET", path, None), &[("message_offset", offset.to_string())])
}

/// The message at an offset, or `None` when the log does not hold it.
pub async fn at(
    client: &Client,
    creds: &Credentials,
    acc: &HuaweiAccount,
    instance: &str,
    (topic, partition, offset): (&str, i32, i64),
) -> Result<Option<Message>, CallError> {
    let a = client.call(&partition_message(acc, instance, topic, partition, offset), creds).await?;
    let Some(m) = a.json["message"].as_array().and_then(|m| m.first()) else { return Ok(None) };
    let value = m["value"].as_str().map(str::to_owned).or_else(|| Some(text(&m["value"])).filter(|v| !v.is_empty()));
    Ok(Some(Message::kept(
        int(&m["message_offset"]).unwrap_or(offset),
        int(&m["timestamp"]),
        m["key"].as_str().map(str::to_owned).filter(|k| !k.is_empty()),
        value,
        int(&m["size"]).and_then(|s| u64::try_from(s).ok()),
    )))
}
