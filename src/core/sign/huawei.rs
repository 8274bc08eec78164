//! Huawei SDK-HMAC-SHA256, as `huaweicloudsdkcore.signer.Signer` computes it (see shared/api/huawei.md §1a).

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::{hmac_sha256, sha256_hex};
use crate::core::secret::Secret;

/// The algorithm name, first word of the Authorization header and line 1 of the string-to-sign.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// `quote(s, safe='~')`: everything but `A-Z a-z 0-9 - _ . ~` is escaped, `/` included.
pub const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
const EMPTY_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A request as it will be sent, before signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    /// `GET`, `PUT`, …
    pub method: &'a str,
    /// The path as sent on the wire (path parameters already encoded).
    pub path: &'a str,
    /// Raw, unencoded query pairs in any order.
    pub query: &'a [(String, String)],
    /// Headers that will be sent (`Host` included or added by [`sign`]).
    pub headers: &'a [(String, String)],
    /// The exact body bytes.
    pub body: &'a [u8],
}

/// Encodes one path parameter for the wire, like `quote(v, safe='')`.
pub fn encode_path_param(v: &str) -> String {
    utf8_percent_encode(v, ENCODE_SET).to_string()
}

/// The canonical URI: decode, split on `/`, re-encode each piece, and end with `/`.
pub fn canonical_uri(wire_path: &str) -> String {
    // A path of unreserved characters and slashes is already canonical: decoding and re-encoding would not change it.
    if wire_path.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')) {
        let mut uri = String::with_capacity(wire_path.len() + 1);
        uri.push_str(wire_path);
        if !uri.ends_with('/') {
            uri.push('/');
        }
        return uri;
    }
    let decoded = percent_decode_str(wire_path).decode_utf8_lossy();
    let mut uri: String =
        decoded.split('/').map(|p| utf8_percent_encode(p, ENCODE_SET).to_string()).collect::<Vec<_>>().join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query, which is also exactly the query sent: pairs sorted raw, then encoded.
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort();
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", utf8_percent_encode(k, ENCODE_SET), utf8_percent_encode(v, ENCODE_SET)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical request, printable byte-exact (its `Display`); its `Debug` leaves the security token out.
#[derive(Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    /// Upper-case method.
    pub method: String,
    /// Canonical URI, always ending in `/`.
    pub uri: String,
    /// Canonical query (may be empty).
    pub query: String,
    /// `(lowercase name, trimmed value)` in signed-header order.
    pub headers: Vec<(String, String)>,
    /// Hex SHA-256 of the body (or the empty-string hash).
    pub payload_hash: String,
}

impl CanonicalRequest {
    /// Builds it from a request; every header whose name has no `_` is signed.
    pub fn new(req: &Request<'_>) -> Self {
        Self::with_extra(req, &[])
    }

    /// Builds it from a request plus headers the signer adds, without copying the request's headers first.
    fn with_extra(req: &Request<'_>, extra: &[(String, String)]) -> Self {
        let mut headers: Vec<(String, String)> = req
            .headers
            .iter()
            .chain(extra)
            .filter(|(n, _)| !n.contains('_'))
            .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        headers.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let payload_hash = if req.body.is_empty() { EMPTY_HASH.to_owned() } else { sha256_hex(req.body) };
        Self {
            method: req.method.to_ascii_uppercase(),
            uri: canonical_uri(req.path),
            query: canonical_query(req.query),
            headers,
            payload_hash,
        }
    }

    /// `a;b;c`.
    pub fn signed_headers(&self) -> String {
        let mut out = String::with_capacity(self.headers.iter().map(|(n, _)| n.len() + 1).sum());
        for (i, (n, _)) in self.headers.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(n);
        }
        out
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}\n{}\n{}", self.method, self.uri, self.query)?;
        for (n, v) in &self.headers {
            writeln!(f, "{n}:{v}")?;
        }
        write!(f, "\n{}\n{}", self.signed_headers(), self.payload_hash)
    }
}

impl CanonicalRequest {
    /// SHA-256 of the canonical text, fed piece by piece (the same bytes `Display` prints, without building them).
    pub fn digest(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in [self.method.as_bytes(), b"\n", self.uri.as_bytes(), b"\n", self.query.as_bytes(), b"\n"] {
            h.update(part);
        }
        for (n, v) in &self.headers {
            h.update(n.as_bytes());
            h.update(b":");
            h.update(v.as_bytes());
            h.update(b"\n");
        }
        h.update(b"\n");
        for (i, (n, _)) in self.headers.iter().enumerate() {
            if i > 0 {
                h.update(b";");
            }
            h.update(n.as_bytes());
        }
        h.update(b"\n");
        h.update(self.payload_hash.as_bytes());
        h.finalize().into()
    }
}

/// `SDK-HMAC-SHA256\n<date>\n<hex sha256 of the canonical request>`.
pub fn string_to_sign(sdk_date: &str, canonical: &CanonicalRequest) -> String {
    let mut out = String::with_capacity(ALGORITHM.len() + sdk_date.len() + 66);
    out.push_str(ALGORITHM);
    out.push('\n');
    out.push_str(sdk_date);
    out.push('\n');
    out.push_str(&hex::encode(canonical.digest()));
    out
}

/// Hex HMAC-SHA256 keyed with the raw SK: no derivation, no scope.
pub fn signature(sk: &str, string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(sk.as_bytes(), string_to_sign.as_bytes()))
}

/// An SK's HMAC, keyed once: a client signing many requests with one key keeps it.
#[derive(Clone)]
pub struct SigningKey(super::HmacSha256);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(***)")
    }
}

impl SigningKey {
    /// Keys the HMAC with an SK.
    pub fn new(sk: &Secret) -> Self {
        Self(super::keyed(sk.expose().as_bytes()))
    }
}

/// `X-Sdk-Date` for a time: `%Y%m%dT%H%M%SZ` in UTC.
pub fn sdk_date(time: jiff::Timestamp) -> String {
    let (y, mo, d, h, mi, s) = super::utc_parts(time);
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// Everything `sign` produced: the headers to add and the intermediate texts, for tests and `--dry-run`. Its
/// `Debug` prints the `Authorization` and `X-Security-Token` values as `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// Headers to add to the request, `Authorization` last.
    pub headers: Vec<(String, String)>,
    /// The canonical request.
    pub canonical_request: CanonicalRequest,
    /// The string to sign.
    pub string_to_sign: String,
    /// The query string to send, exactly as signed.
    pub query: String,
}

impl Signed {
    /// The value of the `Authorization` header.
    pub fn authorization(&self) -> &str {
        self.headers.iter().find(|(n, _)| n == "Authorization").map_or("", |(_, v)| v)
    }
}

/// Signs a request: adds `X-Sdk-Date` and `X-Security-Token` (both signed), then `Authorization`.
///
/// `req.headers` must hold `Host` as it will be sent (with its port).
pub fn sign(req: &Request<'_>, ak: &Secret, sk: &Secret, token: Option<&Secret>, time: jiff::Timestamp) -> Signed {
    sign_with(req, ak, &SigningKey::new(sk), token, time)
}

/// Signs with an SK's HMAC keyed beforehand (see [`SigningKey`]).
pub fn sign_with(
    req: &Request<'_>,
    ak: &Secret,
    key: &SigningKey,
    token: Option<&Secret>,
    time: jiff::Timestamp,
) -> Signed {
    let date = sdk_date(time);
    let mut added = vec![("X-Sdk-Date".to_owned(), date.clone())];
    if let Some(t) = token {
        added.push(("X-Security-Token".to_owned(), t.expose().to_owned()));
    }
    let canonical_request = CanonicalRequest::with_extra(req, &added);
    let string_to_sign = string_to_sign(&date, &canonical_request);
    let sig = super::hmac_hex(&key.0, string_to_sign.as_bytes());
    let auth = format!(
        "{ALGORITHM} Access={}, SignedHeaders={}, Signature={sig}",
        ak.expose(),
        canonical_request.signed_headers()
    );
    added.push(("Authorization".to_owned(), auth));
    let query = canonical_request.query.clone();
    Signed { headers: added, canonical_request, string_to_sign, query }
}

/// The parts of a received `Authorization` header (`Debug` redacts the key id and the signature).
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The access key id.
    pub access: &'a str,
    /// Signed header names, lowercase.
    pub signed_headers: Vec<&'a str>,
    /// The hex signature.
    pub signature: &'a str,
}

impl std::fmt::Debug for CanonicalRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CanonicalRequest")
            .field("method", &self.method)
            .field("uri", &self.uri)
            .field("query", &self.query)
            .field("headers", &super::RedactedHeaders(&self.headers))
            .field("payload_hash", &self.payload_hash)
            .finish()
    }
}

impl std::fmt::Debug for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signed")
            .field("headers", &super::RedactedHeaders(&self.headers))
            .field("canonical_request", &self.canonical_request)
            .field("string_to_sign", &self.string_to_sign)
            .field("query", &self.query)
            .finish()
    }
}

impl std::fmt::Debug for Authorization<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorization")
            .field("access", &super::REDACTED)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &super::REDACTED)
            .finish()
    }
}

/// Parses `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`.
pub fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix(ALGORITHM)?.strip_prefix(' ')?;
    let mut parts = rest.split(", ");
    let access = parts.next()?.strip_prefix("Access=")?;
    let signed = parts.next()?.strip_prefix("SignedHeaders=")?;
    let signature = parts.next()?.strip_prefix("Signature=")?;
    if parts.next().is_some() || access.is_empty() {
        return None;
    }
    Some(Authorization { access, signed_headers: signed.split(';').collect(), signature })
}

/// Decodes a received query string into raw pairs, so the server can canonicalise it again.
pub fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let dec = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
            (dec(k), dec(v))
        })
        .collect()
}
