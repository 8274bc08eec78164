//! A CKafka group's committed offsets (`DescribeGroupOffsets`, 50 topics a page), read typed from the answer's
//! bytes: one topic of 100,000 partitions is about 10 MiB of JSON, and as a `serde_json::Value` tree it held 80 MiB.

use serde_json::{Value, json};

use super::{TencentAccount, describe};
use crate::core::credentials::Credentials;
use crate::providers::answer::{self, Pages};
use crate::providers::client::Client;
use crate::providers::error::CallError;

/// Topics a page: the most the API gives.
const PAGE: usize = 50;

/// One topic's committed offsets and log ends, as the service sent them (checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicOffsets {
    pub topic: String,
    pub partitions: Vec<PartitionOffset>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionOffset {
    pub partition: i32,
    /// `None` where the group has not committed (the service's -1).
    pub committed: Option<i64>,
    pub end: i64,
}

impl TopicOffsets {
    /// What tells one page from another: the topic, its size, and its first partitions' figures.
    fn fingerprint(&self) -> u64 {
        let sample: Vec<_> = self.partitions.iter().take(64).map(|p| (p.partition, p.committed, p.end)).collect();
        answer::fingerprint_of((&self.topic, self.partitions.len(), sample))
    }
}

/// Every topic's offsets for `group` (only `topics`, when some are given), following the pages with the same
/// bounds as every listing ([`Pages`]).
pub async fn group_offsets(
    client: &Client,
    creds: &Credentials,
    acc: &TencentAccount,
    instance: &str,
    group: &str,
    topics: &[String],
) -> Result<Vec<TopicOffsets>, CallError> {
    let mut params = json!({"InstanceId": instance, "Group": group});
    if !topics.is_empty() {
        params["Topics"] = json!(topics);
    }
    let mut pages = Pages::new(PAGE);
    let mut listing = crate::providers::progress::Listing::new("DescribeGroupOffsets");
    let mut out = Vec::new();
    loop {
        let mut p = params.clone();
        p["Offset"] = (pages.count() as i64).into();
        p["Limit"] = (PAGE as i64).into();
        let a = client.call(&describe(acc, "ckafka", "DescribeGroupOffsets", p), creds).await?;
        let id = |e| answer::with_request_id(e, a.request_id.as_deref());
        let (total, page) = read_page(&a.raw).map_err(id)?;
        let first = page.first().map(TopicOffsets::fingerprint);
        let done = pages.add_counted(first, page.len(), total, a.bytes).map_err(id)?;
        out.extend(page);
        if done {
            return Ok(out);
        }
        client.listed(&mut listing, pages.count(), total);
    }
}

/// One page's total and topics, from the bytes of a successful answer (the client has read its `Error` already).
fn read_page(raw: &[u8]) -> Result<(usize, Vec<TopicOffsets>), CallError> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(rename = "Response")]
        response: Option<Response>,
    }
    #[derive(serde::Deserialize)]
    struct Response {
        #[serde(rename = "Result")]
        result: Option<Body>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Body {
        total_count: Option<Value>,
        topic_list: Option<Vec<Row>>,
    }
    // Numbers stay `Value`s so the one lenient reading of a number ([`answer::offset`] and its kin) applies; a
    // name is letters, digits, `.`, `_` and `-` once checked, so no free text of the answer is kept.
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Row {
        topic: Option<Value>,
        partitions: Option<Vec<Part>>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Part {
        partition: Option<Value>,
        offset: Option<Value>,
        log_end_offset: Option<Value>,
    }
    let envelope: Envelope = serde_json::from_slice(raw)
        .map_err(|e| answer::malformed(format!("the group's offsets are not as expected: {}", short(&e))))?;
    let body = envelope
        .response
        .and_then(|r| r.result)
        .ok_or_else(|| answer::malformed("the field `Result` is missing".into()))?;
    let total = answer::total(body.total_count.as_ref().filter(|t| !t.is_null()))?;
    let rows = body.topic_list.ok_or_else(|| answer::malformed("the field `TopicList` is missing".into()))?;
    let mut topics = Vec::with_capacity(rows.len());
    for row in rows {
        let topic = answer::kafka_name_in(row.topic.as_ref(), "Topic")?;
        let parts = row.partitions.ok_or_else(|| answer::malformed("the field `Partitions` is missing".into()))?;
        let partitions = parts
            .iter()
            .map(|p| {
                Ok(PartitionOffset {
                    partition: answer::partition_in(p.partition.as_ref(), "Partition")?,
                    committed: answer::committed_in(p.offset.as_ref(), "Offset")?,
                    end: answer::offset_in(p.log_end_offset.as_ref(), "LogEndOffset")?,
                })
            })
            .collect::<Result<_, CallError>>()?;
        topics.push(TopicOffsets { topic, partitions });
    }
    Ok((total, topics))
}

/// A parse error in one line and at most 120 characters: it quotes nothing of the answer but its position.
fn short(e: &serde_json::Error) -> String {
    crate::core::inert::one_line(&e.to_string()).chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(topics: &str, total: i64) -> Vec<u8> {
        format!(r#"{{"Response":{{"RequestId":"r","Result":{{"TotalCount":{total},"TopicList":[{topics}]}}}}}}"#)
            .into_bytes()
    }

    fn err(raw: &[u8]) -> String {
        read_page(raw).unwrap_err().to_string()
    }

    #[test]
    fn a_page_reads_to_checked_numbers() {
        let raw = page(
            r#"{"Topic":"orders","Partitions":[{"Partition":0,"Offset":5,"LogEndOffset":9},
                {"Partition":"1","Offset":-1,"LogEndOffset":"4","Metadata":"x"}],"Extra":{"deep":[1,2]}}"#,
            1,
        );
        let (total, topics) = read_page(&raw).unwrap();
        assert_eq!(total, 1);
        assert_eq!(topics.len(), 1);
        assert_eq!(topics[0].topic, "orders");
        assert_eq!(
            topics[0].partitions,
            vec![
                PartitionOffset { partition: 0, committed: Some(5), end: 9 },
                PartitionOffset { partition: 1, committed: None, end: 4 },
            ]
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        assert!(err(&page(r#"{"Topic":"a\nverified","Partitions":[]}"#, 1)).contains("`Topic`"));
        assert!(
            err(&page(&format!(r#"{{"Topic":"{}","Partitions":[]}}"#, "a".repeat(1 << 20)), 1))
                .contains("1048576 bytes")
        );
        assert!(err(&page(r#"{"Partitions":[]}"#, 1)).contains("`Topic` is missing"));
        assert!(err(&page(r#"{"Topic":"a"}"#, 1)).contains("`Partitions` is missing"));
        let e = err(&page(r#"{"Topic":"a","Partitions":[{"Partition":-2,"LogEndOffset":1}]}"#, 1));
        assert!(e.contains("`Partition` is -2"), "{e}");
        let e = err(&page(r#"{"Topic":"a","Partitions":[{"Partition":0,"Offset":-7,"LogEndOffset":1}]}"#, 1));
        assert!(e.contains("`Offset` is -7"), "{e}");
        let e = err(&page(r#"{"Topic":"a","Partitions":[{"Partition":0,"Offset":1}]}"#, 1));
        assert!(e.contains("`LogEndOffset` is missing"), "{e}");
        assert!(err(br#"{"Response":{"RequestId":"r"}}"#).contains("`Result` is missing"));
        assert!(err(br#"{"Response":{"Result":{"TotalCount":1}}}"#).contains("`TopicList` is missing"));
        assert!(err(&page("", 1_000_000_000_000)).contains("beyond any real listing"));
        let e = err(br#"{"Response":{"Result":{"TopicList":"orders\nok"}}}"#);
        assert!(e.contains("not as expected") && !e.contains('\n') && e.len() < 200, "{e}");
    }

    #[test]
    fn a_page_sent_again_is_caught_by_its_fingerprint() {
        let topic = |name: &str, end: i64| TopicOffsets {
            topic: name.into(),
            partitions: vec![PartitionOffset { partition: 0, committed: Some(1), end }],
        };
        let mut pages = Pages::new(1);
        assert!(!pages.add_counted(Some(topic("a", 5).fingerprint()), 1, 3, 10).unwrap());
        assert!(!pages.add_counted(Some(topic("b", 5).fingerprint()), 1, 3, 10).unwrap());
        let e = pages.add_counted(Some(topic("a", 5).fingerprint()), 1, 3, 10).unwrap_err().to_string();
        assert!(e.contains("page again (after 2 items)"), "{e}");
        assert_ne!(topic("a", 5).fingerprint(), topic("a", 6).fingerprint());
    }
}
