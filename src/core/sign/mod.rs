//! Request signing as pure steps: canonical request and string-to-sign are values that print byte-exact, the time is a
//! parameter, and `sign` returns the headers to add instead of mutating a request.

pub mod huawei;
pub mod tencent;

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

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
