//! Rules for single values: endpoints and Kafka topic names.

/// Plain HTTP is for the local emulator only; everything else must be HTTPS.
pub(super) fn check_endpoint(text: &str) -> Result<(), String> {
    let url = url::Url::parse(text).map_err(|e| format!("{e}; write a full URL such as https://host[:port]"))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => return Err("the URL has no host; write https://host[:port]".into()),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err("plain http:// is only allowed to a loopback address (the local emulator); use https://".into());
        }
        other => return Err(format!("scheme `{other}` is not supported; use https://")),
    }
    if url.path() != "/" || url.query().is_some() {
        return Err("an endpoint is scheme, host and port only; remove the path and query".into());
    }
    Ok(())
}

/// Kafka's own rule for topic names.
pub(super) fn valid_topic_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 249
        && name != "."
        && name != ".."
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}
