//! A fully built API call, before signing: what `--dry-run` prints and what the client signs and sends.

use std::fmt;

/// How the call is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signing {
    /// Huawei SDK-HMAC-SHA256; the project id goes into `X-Project-Id`.
    Huawei { project_id: String },
    /// Tencent TC3-HMAC-SHA256.
    Tencent { service: &'static str, action: &'static str, version: &'static str, region: String },
}

/// One API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    /// Operation name, for rate limits, logs and the audit trail.
    pub op: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// `scheme://host[:port]`.
    pub endpoint: String,
    /// Wire path, parameters already encoded.
    pub path: String,
    /// Raw query pairs (Huawei); sent exactly as signed.
    pub query: Vec<(String, String)>,
    /// Exact body bytes.
    pub body: Vec<u8>,
    /// Whether sending it twice does no harm (decides retries after a lost response).
    pub idempotent: bool,
    /// The account's own limit for this API, calls per second (Huawei's comes from the profile); `None` uses the
    /// client's table of published limits.
    pub rate_limit: Option<u32>,
    /// The most the pacing may learn to send per second (Huawei's from the profile); `None`: the starting limit.
    pub rate_ceiling: Option<u32>,
    /// Signing scheme.
    pub signing: Signing,
    /// Keep a successful Huawei answer's bytes unparsed (`Answer::raw`): a group's detail on a 100,000-partition
    /// topic is ~15 MiB of JSON, ten times that as a JSON tree; its reader takes only the fields it needs.
    pub raw_answer: bool,
    /// A read whose answer may serve identical reads for this long (and identical reads in flight wait for it):
    /// the scarce reads every group repeats, such as a CKafka topic's partition bounds at 5 calls a second.
    pub share_for: Option<std::time::Duration>,
}

impl fmt::Display for ApiRequest {
    /// `METHOD URL` and the body: exactly what will be sent, minus the signature headers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query = crate::core::sign::huawei::canonical_query(&self.query);
        let q = if query.is_empty() { String::new() } else { format!("?{query}") };
        match &self.signing {
            Signing::Huawei { .. } => write!(f, "{} {}{}{q}", self.method, self.endpoint, self.path)?,
            Signing::Tencent { action, version, region, .. } => write!(
                f,
                "{} {}/  X-TC-Action: {action}  X-TC-Version: {version}  X-TC-Region: {region}",
                self.method, self.endpoint
            )?,
        }
        if !self.body.is_empty() {
            write!(f, "\n  {}", String::from_utf8_lossy(&self.body))?;
        }
        Ok(())
    }
}

/// A call as data, for JSON output, the audit trail and the dashboard's log: what was sent, minus the signature.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RequestView {
    pub op: String,
    pub method: String,
    pub url: String,
    /// Tencent's action, version and region headers; empty for Huawei.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// The body as JSON (`null` when there is none; the text itself when it is not JSON).
    pub body: serde_json::Value,
}

impl ApiRequest {
    pub fn view(&self) -> RequestView {
        let query = crate::core::sign::huawei::canonical_query(&self.query);
        let q = if query.is_empty() { String::new() } else { format!("?{query}") };
        let (url, headers) = match &self.signing {
            Signing::Huawei { .. } => (format!("{}{}{q}", self.endpoint, self.path), Vec::new()),
            Signing::Tencent { action, version, region, .. } => (
                format!("{}/", self.endpoint),
                vec![
                    ("X-TC-Action".to_owned(), (*action).to_owned()),
                    ("X-TC-Version".to_owned(), (*version).to_owned()),
                    ("X-TC-Region".to_owned(), region.clone()),
                ],
            ),
        };
        let body = if self.body.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&self.body)
                .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&self.body).into_owned()))
        };
        RequestView { op: self.op.to_owned(), method: self.method.to_owned(), url, headers, body }
    }
}
