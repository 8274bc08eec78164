//! Request signing as pure steps: canonical request and string-to-sign are values that print byte-exact, the time is a
//! parameter, and `sign` returns the headers to add instead of mutating a request.

pub mod huawei;
pub mod tencent;

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

/// What a credential prints as in the signers' `Debug`: a token, a signature, an access key id.
pub const REDACTED: &str = "<redacted>";

/// Whether a header's value is a credential (the signed `Authorization`, a security token), whatever its case.
pub fn sensitive_header(name: &str) -> bool {
    ["authorization", "x-security-token", "x-tc-token"].iter().any(|h| name.eq_ignore_ascii_case(h))
}

/// Headers for `Debug`: every name, and the value unless it is a credential.
struct RedactedHeaders<'a>(&'a [(String, String)]);

impl std::fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(n, v)| (n, if sensitive_header(n) { REDACTED } else { v.as_str() })))
            .finish()
    }
}

/// HMAC-SHA256; a keyed instance can be cloned to sign many messages without keying it again.
pub type HmacSha256 = hmac::Hmac<Sha256>;

/// An HMAC-SHA256 keyed once, for signing many messages with the same key.
pub fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    <HmacSha256 as KeyInit>::new_from_slice(key).expect("HMAC takes any key length")
}

/// Hex HMAC of a message with a pre-keyed state.
pub fn hmac_hex(mac: &HmacSha256, msg: &[u8]) -> String {
    let mut m = mac.clone();
    m.update(msg);
    hex::encode(m.finalize().into_bytes())
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Raw HMAC-SHA256.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// `(year, month, day, hour, minute, second)` of a time in UTC; much cheaper than `strftime` on the signing path.
pub fn utc_parts(time: jiff::Timestamp) -> (i16, i8, i8, i8, i8, i8) {
    let dt = jiff::tz::Offset::UTC.to_datetime(time);
    (dt.year(), dt.month(), dt.day(), dt.hour(), dt.minute(), dt.second())
}

/// Compares two strings in time independent of where they differ (for the emulator's verifier).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::secret::Secret;

    const AK: &str = "AKIDEXAMPLEACCESSKEY0";
    const SK: &str = "example-secret-key-value-0001";
    const TOKEN: &str = "temporary-security-token-value-0001";

    /// Every credential is absent from what `Debug` printed, and the placeholder is there.
    fn assert_redacted(printed: &str, signature: &str) {
        for secret in [AK, SK, TOKEN, signature] {
            assert!(!printed.contains(secret), "{secret:?} printed in {printed}");
        }
        assert!(printed.contains(REDACTED), "{printed}");
    }

    #[test]
    fn huawei_signer_outputs_print_no_token_signature_or_key() {
        let headers = vec![("Host".to_owned(), "dms.example.com".to_owned())];
        let req = huawei::Request { method: "GET", path: "/v2/p/instances", query: &[], headers: &headers, body: b"" };
        let time = jiff::Timestamp::from_second(1_700_000_000).unwrap();
        let signed = huawei::sign(&req, &Secret::new(AK), &Secret::new(SK), Some(&Secret::new(TOKEN)), time);
        let signature = signed.authorization().rsplit("Signature=").next().unwrap().to_owned();
        let auth = huawei::parse_authorization(signed.authorization()).unwrap();
        for printed in [format!("{signed:?}"), format!("{:#?}", signed.canonical_request), format!("{auth:?}")] {
            assert_redacted(&printed, &signature);
        }
        // What is not a credential still shows, and what is sent is untouched.
        assert!(format!("{signed:?}").contains("X-Sdk-Date") && format!("{signed:?}").contains("20231114T221320Z"));
        assert!(signed.headers.iter().any(|(n, v)| n == "X-Security-Token" && v == TOKEN));
        assert!(signed.canonical_request.to_string().contains(TOKEN), "the canonical text signs the token");
    }

    #[test]
    fn tencent_signer_outputs_print_no_token_signature_or_key() {
        let req = tencent::Request {
            method: "POST",
            service: "ckafka",
            host: "ckafka.tencentcloudapi.com",
            content_type: "application/json; charset=utf-8",
            query: "",
            payload: b"{}",
            timestamp: 1_700_000_000,
        };
        let signed = tencent::sign(&req, &Secret::new(AK), &Secret::new(SK), Some(&Secret::new(TOKEN)));
        let signature = signed.authorization().rsplit("Signature=").next().unwrap().to_owned();
        let auth = tencent::parse_authorization(signed.authorization()).unwrap();
        for printed in [format!("{signed:?}"), format!("{auth:#?}")] {
            assert_redacted(&printed, &signature);
        }
        assert!(format!("{auth:?}").contains("ckafka"), "the scope still shows");
        assert!(signed.headers.iter().any(|(n, v)| n == "X-TC-Token" && v == TOKEN));
    }
}
