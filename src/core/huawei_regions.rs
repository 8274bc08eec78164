//! The DMS for Kafka region table, as shipped in `huaweicloudsdkkafka` (`KafkaRegion`).

/// Every region id the official SDK knows.
pub const REGIONS: &[&str] = &[
    "eu-west-101",
    "cn-north-1",
    "cn-north-2",
    "cn-north-4",
    "cn-east-3",
    "cn-east-2",
    "cn-south-1",
    "cn-south-2",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "af-south-1",
    "ru-northwest-2",
    "cn-north-9",
    "la-south-2",
    "sa-brazil-1",
    "la-north-2",
    "na-mexico-1",
    "ap-southeast-4",
    "tr-west-1",
    "ae-ad-1",
    "eu-west-0",
    "me-east-1",
    "cn-east-5",
    "my-kualalumpur-1",
    "cn-east-4",
    "af-north-1",
    "ap-southeast-5",
    "ru-moscow-1",
    "cn-south-4",
    "cn-north-12",
    "cn-north-11",
    "cn-southwest-3",
];

/// The SDK's default endpoint for a region, or `None` when the region is not in the table.
pub fn endpoint(region: &str) -> Option<String> {
    if !REGIONS.contains(&region) {
        return None;
    }
    // eu-west-101 is the one region served from the .eu domain.
    let domain = if region == "eu-west-101" { "myhuaweicloud.eu" } else { "myhuaweicloud.com" };
    Some(format!("https://dms.{region}.{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_endpoints() {
        assert_eq!(endpoint("cn-north-4").unwrap(), "https://dms.cn-north-4.myhuaweicloud.com");
        assert_eq!(endpoint("eu-west-101").unwrap(), "https://dms.eu-west-101.myhuaweicloud.eu");
        assert_eq!(REGIONS.len(), 34);
        assert!(endpoint("cn-nowhere-1").is_none());
    }
}
