//! What a Tencent account has: its CKafka instances and its DTS data subscriptions, listed live.

use serde_json::json;

use super::read::paged;
use super::*;
use crate::core::credentials::Credentials;
use crate::core::profile::Found;
use crate::core::target::TargetKind;
use crate::providers::answer::{self, with_id};
use crate::providers::client::Client;
use crate::providers::error::CallError;
use crate::providers::lenient::{int, text};

/// The account's CKafka instances (DescribeInstancesDetail, 20 per page, its documented maximum).
pub async fn ckafka_instances(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
) -> Result<Vec<Found>, CallError> {
    let rows =
        paged(client, creds, acc, ("ckafka", "DescribeInstancesDetail"), json!({}), 20, (true, "InstanceList")).await?;
    rows.iter()
        .map(|r| {
            Ok(Found::Kafka {
                kind: TargetKind::Ckafka,
                id: text(answer::need(r, "InstanceId")?),
                name: text(&r["InstanceName"]),
            })
        })
        .collect()
}

/// The account's DTS data subscriptions (DescribeSubscribeJobs, 100 per page), each with its topic and partition
/// count from its detail (one DescribeSubscribeDetail each; a subscription not yet configured has no topic and is
/// left out, since nothing can be consumed from it).
pub async fn dts_subscriptions(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
) -> Result<Vec<Found>, CallError> {
    let rows = paged(client, creds, acc, ("dts", "DescribeSubscribeJobs"), json!({}), 100, (false, "Items")).await?;
    let mut out = Vec::new();
    for r in rows {
        let subscribe_id = text(answer::need(&r, "SubscribeId")?);
        let a = client
            .call(&describe(acc, "dts", "DescribeSubscribeDetail", json!({"SubscribeId": subscribe_id})), creds)
            .await?;
        let topic = text(&a.json["Topic"]);
        let partitions = int(&a.json["KafkaConfig"]["NumberOfPartitions"]).and_then(|n| u32::try_from(n).ok());
        let (false, Some(partitions @ 1..)) = (topic.is_empty(), partitions) else {
            if topic.is_empty() {
                continue;
            }
            let why = format!(
                "DescribeSubscribeDetail for {subscribe_id}: `KafkaConfig.NumberOfPartitions` is missing or not a positive number"
            );
            return Err(with_id(answer::malformed(why), &a));
        };
        out.push(Found::Dts { subscribe_id, name: text(&r["SubscribeName"]), topic, partitions });
    }
    Ok(out)
}
