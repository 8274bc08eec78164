//! Tencent TC3-HMAC-SHA256, as `tencentcloud.common.abstract_client` computes it (see shared/api/tencent.md §1).

use super::{hmac_sha256, sha256_hex};
use crate::core::secret::Secret;

/// The algorithm name.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The official SDKs sign exactly these two headers.
pub const SIGNED_HEADERS: &str = "content-type;host";

/// A request as it will be sent, before signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    /// `POST` (always, in offsetdeck) or `GET`.
    pub method: &'a str,
    /// `ckafka` or `dts`: the scope's service, never parsed from the host.
    pub service: &'a str,
    /// The `Host` header value, exactly as sent.
    pub host: &'a str,
    /// The `Content-Type` header value, exactly as sent.
    pub content_type: &'a str,
    /// For GET: the query string exactly as sent; empty for POST.
    pub query: &'a str,
    /// The exact body bytes (`{}` for an empty POST request, empty for GET).
    pub payload: &'a [u8],
    /// Unix seconds, sent as `X-TC-Timestamp`.
    pub timestamp: i64,
}

/// The canonical request text.
pub fn canonical_request(req: &Request<'_>) -> String {
    format!(
        "{}\n/\n{}\ncontent-type:{}\nhost:{}\n\n{SIGNED_HEADERS}\n{}",
        req.method,
        req.query,
        req.content_type,
        req.host,
        sha256_hex(req.payload)
    )
}

/// The UTC date of a Unix timestamp, `YYYY-MM-DD`: the credential date (never local or Beijing time).
pub fn credential_date(timestamp: i64) -> String {
    let ts = jiff::Timestamp::from_second(timestamp).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let (y, m, d, ..) = super::utc_parts(ts);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `<date>/<service>/tc3_request`.
pub fn credential_scope(timestamp: i64, service: &str) -> String {
    format!("{}/{service}/tc3_request", credential_date(timestamp))
}

/// `TC3-HMAC-SHA256\n<timestamp>\n<scope>\n<hex sha256 of the canonical request>`.
pub fn string_to_sign(timestamp: i64, scope: &str, canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{timestamp}\n{scope}\n{}", sha256_hex(canonical_request.as_bytes()))
}

/// The derived signing key for one secret, UTC date and service. It changes once a day, so a client keeps it.
#[derive(Clone)]
pub struct SigningKey {
    /// The credential date it was derived for.
    pub date: String,
    /// The service it was derived for.
    pub service: String,
    /// The final HMAC, already keyed with the derived key.
    mac: super::HmacSha256,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({}/{}/***)", self.date, self.service)
    }
}

impl SigningKey {
    /// Derives it from `"TC3" + SecretKey` through date, service and `tc3_request`.
    pub fn derive(secret_key: &str, date: &str, service: &str) -> Self {
        let k_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
        let k_service = hmac_sha256(&k_date, service.as_bytes());
        let key = hmac_sha256(&k_service, b"tc3_request");
        Self { date: date.to_owned(), service: service.to_owned(), mac: super::keyed(&key) }
    }

    /// The hex signature of a string to sign.
    pub fn sign(&self, string_to_sign: &str) -> String {
        super::hmac_hex(&self.mac, string_to_sign.as_bytes())
    }
}

/// The signature: keys derived from `"TC3" + SecretKey` through date, service and `tc3_request`.
pub fn signature(secret_key: &str, date: &str, service: &str, string_to_sign: &str) -> String {
    SigningKey::derive(secret_key, date, service).sign(string_to_sign)
}

/// Everything `sign` produced. Its `Debug` prints the `Authorization` and `X-TC-Token` values as `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// `Authorization`, and `X-TC-Token` for temporary credentials.
    pub headers: Vec<(String, String)>,
    /// The canonical request text.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
}

impl Signed {
    /// The value of the `Authorization` header.
    pub fn authorization(&self) -> &str {
        self.headers.iter().find(|(n, _)| n == "Authorization").map_or("", |(_, v)| v)
    }
}

/// Signs a request and returns the headers to add.
pub fn sign(req: &Request<'_>, secret_id: &Secret, secret_key: &Secret, token: Option<&Secret>) -> Signed {
    let key = SigningKey::derive(secret_key.expose(), &credential_date(req.timestamp), req.service);
    sign_with(req, secret_id, &key, token)
}

/// Signs with a derived key the caller keeps. The key must have been derived for this request's UTC date and service
/// (`SigningKey::date` and `service` say which); callers key their cache on both.
pub fn sign_with(req: &Request<'_>, secret_id: &Secret, key: &SigningKey, token: Option<&Secret>) -> Signed {
    let canonical_request = canonical_request(req);
    let date = credential_date(req.timestamp);
    debug_assert!(
        key.date == date && key.service == req.service,
        "the signing key must match the request's date and service"
    );
    let scope = format!("{date}/{}/tc3_request", req.service);
    let string_to_sign = string_to_sign(req.timestamp, &scope, &canonical_request);
    let sig = key.sign(&string_to_sign);
    let auth = format!(
        "{ALGORITHM} Credential={}/{scope}, SignedHeaders={SIGNED_HEADERS}, Signature={sig}",
        secret_id.expose()
    );
    let mut headers = vec![("Authorization".to_owned(), auth)];
    if let Some(t) = token {
        headers.push(("X-TC-Token".to_owned(), t.expose().to_owned()));
    }
    Signed { headers, canonical_request, string_to_sign }
}

/// The parts of a received `Authorization` header (`Debug` redacts the SecretId and the signature).
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// SecretId.
    pub secret_id: &'a str,
    /// Credential date.
    pub date: &'a str,
    /// Scope service.
    pub service: &'a str,
    /// Signed header names.
    pub signed_headers: &'a str,
    /// Hex signature.
    pub signature: &'a str,
}

impl std::fmt::Debug for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signed")
            .field("headers", &super::RedactedHeaders(&self.headers))
            .field("canonical_request", &self.canonical_request)
            .field("string_to_sign", &self.string_to_sign)
            .finish()
    }
}

impl std::fmt::Debug for Authorization<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorization")
            .field("secret_id", &super::REDACTED)
            .field("date", &self.date)
            .field("service", &self.service)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &super::REDACTED)
            .finish()
    }
}

/// Parses `TC3-HMAC-SHA256 Credential=id/date/service/tc3_request, SignedHeaders=…, Signature=…`.
pub fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix(ALGORITHM)?.strip_prefix(' ')?;
    let mut parts = rest.split(", ");
    let credential = parts.next()?.strip_prefix("Credential=")?;
    let signed_headers = parts.next()?.strip_prefix("SignedHeaders=")?;
    let signature = parts.next()?.strip_prefix("Signature=")?;
    let mut c = credential.rsplitn(4, '/');
    let (term, service, date, secret_id) = (c.next()?, c.next()?, c.next()?, c.next()?);
    (term == "tc3_request" && parts.next().is_none()).then_some(Authorization {
        secret_id,
        date,
        service,
        signed_headers,
        signature,
    })
}
