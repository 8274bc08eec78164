//! Where an account's keys come from, and the order the sources are tried in.
//!
//! Resolution is pure: the environment, files and helper processes are reached through [`Environment`], which the
//! edge implements for the real system and tests implement with maps.

use std::fmt;

use serde::Deserialize;
use thiserror::Error;

use crate::core::secret::Secret;

/// Which cloud's conventions (variable names, helper output keys) apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cloud {
    /// Huawei: AK / SK / security token.
    Huawei,
    /// Tencent: SecretId / SecretKey / token.
    Tencent,
}

/// The credential settings of one account, as the profile states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialSpec {
    /// Which cloud's defaults apply.
    pub cloud: Cloud,
    /// Keys written in the profile itself.
    pub inline: Option<Credentials>,
    /// Explicitly named variables: id, secret, and an optional token.
    pub env: Option<(String, String, Option<String>)>,
    /// A command that prints the keys as JSON.
    pub process: Option<String>,
}

/// Resolved keys. The id is kept secret too: it is nobody's business on a screen or in a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// AK or SecretId.
    pub id: Secret,
    /// SK or SecretKey.
    pub secret: Secret,
    /// Security token for temporary credentials.
    pub token: Option<Secret>,
}

/// Where resolved keys came from, for `check` to report (never the values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Written in the profile.
    Inline,
    /// Environment variables.
    Env { id: String, secret: String, token: Option<String> },
    /// A credential helper.
    Process(String),
    /// A credentials file.
    File(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Inline => f.write_str("inline in the profile"),
            Source::Env { id, secret, token } => {
                write!(f, "environment ${id} / ${secret}")?;
                match token {
                    Some(t) => write!(f, " with token ${t}"),
                    None => Ok(()),
                }
            }
            Source::Process(cmd) => write!(f, "credential_process `{cmd}`"),
            Source::File(path) => write!(f, "file {path} [default]"),
        }
    }
}

/// Why no keys could be had.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum CredentialError {
    /// No source had keys.
    #[error("no credentials found; tried: {}", tried.join(", "))]
    Missing { tried: Vec<String> },
    /// An explicitly named source is configured but incomplete.
    #[error("{origin}: {problem}")]
    Incomplete { origin: String, problem: String },
    /// The helper failed or printed something unusable.
    #[error("credential_process `{command}` failed: {reason}")]
    Process { command: String, reason: String },
}

/// Access to the system, for resolution.
pub trait Environment {
    /// An environment variable, if set and not empty.
    fn var(&self, name: &str) -> Option<String>;
    /// Runs a shell command and returns its stdout, or a short reason it failed (never its stdout).
    fn run(&self, command: &str) -> Result<String, String>;
    /// The text of a file; `~/` means the home directory.
    fn read_file(&self, path: &str) -> Option<String>;
}

const HUAWEI_DEFAULT_ENV: [(&str, &str, &str); 2] = [
    ("CLOUD_SDK_AK", "CLOUD_SDK_SK", "CLOUD_SDK_SECURITY_TOKEN"),
    ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN"),
];
const TENCENT_DEFAULT_ENV: [(&str, &str, &str); 1] =
    [("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SESSION_TOKEN")];
const TENCENT_FILES: [&str; 2] = ["~/.tencentcloud/credentials", "/etc/tencentcloud/credentials"];

/// Resolves an account's keys.
///
/// Explicit settings are exclusive: when the profile names any source (inline keys, `*_env`, `credential_process`),
/// only those are tried, in that order, so a forgotten variable can never silently pick up another account's default
/// keys. Only an account with no explicit source falls back to the SDKs' default chain.
pub fn resolve(spec: &CredentialSpec, env: &dyn Environment) -> Result<(Credentials, Source), CredentialError> {
    if let Some(c) = &spec.inline {
        return Ok((c.clone(), Source::Inline));
    }
    let explicit = spec.env.is_some() || spec.process.is_some();
    let mut tried = Vec::new();
    if let Some((id, secret, token)) = &spec.env {
        match from_env(env, id, secret, token.as_deref(), token.is_some()) {
            Ok(Some(found)) => return Ok(found),
            Ok(None) => tried.push(format!("${id} / ${secret} (not set)")),
            Err(e) if spec.process.is_none() => return Err(e),
            Err(_) => tried.push(format!("${id} / ${secret} (incomplete)")),
        }
    }
    if let Some(cmd) = &spec.process {
        let out = env.run(cmd).map_err(|reason| CredentialError::Process { command: cmd.clone(), reason })?;
        let creds = parse_process_output(spec.cloud, &out)
            .map_err(|reason| CredentialError::Process { command: cmd.clone(), reason })?;
        return Ok((creds, Source::Process(cmd.clone())));
    }
    if explicit {
        return Err(CredentialError::Missing { tried });
    }
    let defaults: &[(&str, &str, &str)] = match spec.cloud {
        Cloud::Huawei => &HUAWEI_DEFAULT_ENV,
        Cloud::Tencent => &TENCENT_DEFAULT_ENV,
    };
    for (id, secret, token) in defaults {
        if let Some(found) = from_env(env, id, secret, Some(token), false)? {
            return Ok(found);
        }
        tried.push(format!("${id} / ${secret}"));
    }
    if spec.cloud == Cloud::Tencent {
        for path in TENCENT_FILES {
            if let Some(creds) = env.read_file(path).as_deref().and_then(parse_tencent_ini) {
                return Ok((creds, Source::File(path.to_owned())));
            }
            tried.push(format!("{path} [default]"));
        }
    }
    Err(CredentialError::Missing { tried })
}

/// Keys from a pair of variables; `Ok(None)` when neither is set, an error when only one is.
fn from_env(
    env: &dyn Environment,
    id: &str,
    secret: &str,
    token: Option<&str>,
    token_required: bool,
) -> Result<Option<(Credentials, Source)>, CredentialError> {
    let source = || format!("${id} / ${secret}");
    match (env.var(id), env.var(secret)) {
        (None, None) => Ok(None),
        (Some(_), None) => {
            Err(CredentialError::Incomplete { origin: source(), problem: format!("${secret} is not set") })
        }
        (None, Some(_)) => Err(CredentialError::Incomplete { origin: source(), problem: format!("${id} is not set") }),
        (Some(i), Some(s)) => {
            let token_value = token.and_then(|t| env.var(t));
            if token_required && token_value.is_none() {
                let name = token.unwrap_or_default();
                return Err(CredentialError::Incomplete { origin: source(), problem: format!("${name} is not set") });
            }
            let used_token = token_value.as_ref().and(token.map(str::to_owned));
            let creds = Credentials { id: Secret::new(i), secret: Secret::new(s), token: token_value.map(Secret::new) };
            Ok(Some((creds, Source::Env { id: id.to_owned(), secret: secret.to_owned(), token: used_token })))
        }
    }
}

#[derive(Deserialize)]
struct ProcessOutput {
    #[serde(alias = "secret_id", alias = "SecretId", alias = "access_key_id")]
    ak: Option<String>,
    #[serde(alias = "secret_key", alias = "SecretKey", alias = "secret_access_key")]
    sk: Option<String>,
    #[serde(alias = "token", alias = "Token", alias = "session_token")]
    security_token: Option<String>,
}

/// Reads a credential helper's JSON. Errors describe the shape, never the content.
pub fn parse_process_output(cloud: Cloud, stdout: &str) -> Result<Credentials, String> {
    let (id_key, secret_key) = match cloud {
        Cloud::Huawei => ("ak", "sk"),
        Cloud::Tencent => ("secret_id", "secret_key"),
    };
    let expected = format!("expected a JSON object with \"{id_key}\" and \"{secret_key}\"");
    let out: ProcessOutput =
        serde_json::from_str(stdout.trim()).map_err(|_| format!("its output is not valid JSON; {expected}"))?;
    match (out.ak.filter(|s| !s.is_empty()), out.sk.filter(|s| !s.is_empty())) {
        (Some(ak), Some(sk)) => Ok(Credentials {
            id: Secret::new(ak),
            secret: Secret::new(sk),
            token: out.security_token.filter(|s| !s.is_empty()).map(Secret::new),
        }),
        _ => Err(format!("its output lacks a key; {expected}")),
    }
}

/// The `[default]` section of a Tencent credentials INI file.
fn parse_tencent_ini(text: &str) -> Option<Credentials> {
    let mut in_default = false;
    let (mut id, mut key, mut token) = (None, None, None);
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_default = line == "[default]";
        } else if let Some((k, v)) = line.split_once('=').filter(|_| in_default) {
            let v = Some(v.trim().to_owned()).filter(|v| !v.is_empty());
            match k.trim() {
                "secret_id" => id = v,
                "secret_key" => key = v,
                "token" => token = v,
                _ => {}
            }
        }
    }
    Some(Credentials { id: Secret::new(id?), secret: Secret::new(key?), token: token.map(Secret::new) })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[derive(Default)]
    struct FakeEnv {
        vars: HashMap<&'static str, &'static str>,
        files: HashMap<&'static str, &'static str>,
        process: Option<Result<&'static str, &'static str>>,
    }

    impl Environment for FakeEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.vars.get(name).map(|v| v.to_string())
        }
        fn run(&self, _: &str) -> Result<String, String> {
            match self.process {
                Some(Ok(out)) => Ok(out.to_owned()),
                Some(Err(e)) => Err(e.to_owned()),
                None => Err("not found".into()),
            }
        }
        fn read_file(&self, path: &str) -> Option<String> {
            self.files.get(path).map(|v| v.to_string())
        }
    }

    fn spec(cloud: Cloud) -> CredentialSpec {
        CredentialSpec { cloud, inline: None, env: None, process: None }
    }

    #[test]
    fn inline_wins() {
        let mut s = spec(Cloud::Huawei);
        s.inline = Some(Credentials { id: Secret::new("a"), secret: Secret::new("b"), token: None });
        let env = FakeEnv { vars: HashMap::from([("CLOUD_SDK_AK", "x"), ("CLOUD_SDK_SK", "y")]), ..Default::default() };
        let (c, src) = resolve(&s, &env).unwrap();
        assert_eq!((c.id.expose(), src), ("a", Source::Inline));
    }

    #[test]
    fn named_env_with_token() {
        let mut s = spec(Cloud::Huawei);
        s.env = Some(("HW_AK".into(), "HW_SK".into(), Some("HW_TOKEN".into())));
        let env =
            FakeEnv { vars: HashMap::from([("HW_AK", "a"), ("HW_SK", "b"), ("HW_TOKEN", "t")]), ..Default::default() };
        let (c, src) = resolve(&s, &env).unwrap();
        assert_eq!(c.token.unwrap().expose(), "t");
        assert_eq!(src.to_string(), "environment $HW_AK / $HW_SK with token $HW_TOKEN");
    }

    #[test]
    fn named_env_missing_never_falls_back_to_defaults() {
        let mut s = spec(Cloud::Huawei);
        s.env = Some(("HW_AK".into(), "HW_SK".into(), None));
        let env = FakeEnv { vars: HashMap::from([("CLOUD_SDK_AK", "x"), ("CLOUD_SDK_SK", "y")]), ..Default::default() };
        let err = resolve(&s, &env).unwrap_err();
        assert!(err.to_string().contains("$HW_AK / $HW_SK (not set)"), "{err}");
    }

    #[test]
    fn half_set_env_is_an_error() {
        let mut s = spec(Cloud::Huawei);
        s.env = Some(("HW_AK".into(), "HW_SK".into(), None));
        let env = FakeEnv { vars: HashMap::from([("HW_AK", "x")]), ..Default::default() };
        assert_eq!(
            resolve(&s, &env).unwrap_err(),
            CredentialError::Incomplete { origin: "$HW_AK / $HW_SK".into(), problem: "$HW_SK is not set".into() }
        );
    }

    #[test]
    fn huawei_default_chain_order() {
        let env = FakeEnv {
            vars: HashMap::from([("HUAWEICLOUD_SDK_AK", "h"), ("HUAWEICLOUD_SDK_SK", "s")]),
            ..Default::default()
        };
        let (c, src) = resolve(&spec(Cloud::Huawei), &env).unwrap();
        assert_eq!(c.id.expose(), "h");
        assert!(src.to_string().contains("HUAWEICLOUD_SDK_AK"));
        let env = FakeEnv {
            vars: HashMap::from([
                ("CLOUD_SDK_AK", "c"),
                ("CLOUD_SDK_SK", "s"),
                ("HUAWEICLOUD_SDK_AK", "h"),
                ("HUAWEICLOUD_SDK_SK", "s"),
            ]),
            ..Default::default()
        };
        assert_eq!(resolve(&spec(Cloud::Huawei), &env).unwrap().0.id.expose(), "c");
    }

    #[test]
    fn tencent_env_then_file() {
        let env = FakeEnv {
            vars: HashMap::from([("TENCENTCLOUD_SECRET_ID", "i"), ("TENCENTCLOUD_SECRET_KEY", "k")]),
            ..Default::default()
        };
        assert_eq!(resolve(&spec(Cloud::Tencent), &env).unwrap().0.id.expose(), "i");
        let env = FakeEnv {
            files: HashMap::from([(
                "~/.tencentcloud/credentials",
                "[other]\nsecret_id = no\n[default]\nsecret_id = fid\nsecret_key = fkey\n",
            )]),
            ..Default::default()
        };
        let (c, src) = resolve(&spec(Cloud::Tencent), &env).unwrap();
        assert_eq!((c.id.expose(), c.secret.expose()), ("fid", "fkey"));
        assert_eq!(src, Source::File("~/.tencentcloud/credentials".into()));
        let err = resolve(&spec(Cloud::Tencent), &FakeEnv::default()).unwrap_err();
        assert!(err.to_string().contains("/etc/tencentcloud/credentials"), "{err}");
    }

    #[test]
    fn credential_process() {
        let mut s = spec(Cloud::Huawei);
        s.process = Some("vault-hw prod".into());
        let env =
            FakeEnv { process: Some(Ok(r#"{"ak": "pa", "sk": "ps", "security_token": "pt"}"#)), ..Default::default() };
        let (c, src) = resolve(&s, &env).unwrap();
        assert_eq!((c.id.expose(), c.token.unwrap().expose()), ("pa", "pt"));
        assert_eq!(src.to_string(), "credential_process `vault-hw prod`");

        let env = FakeEnv { process: Some(Ok("ak=SUPERSECRET")), ..Default::default() };
        let err = resolve(&s, &env).unwrap_err().to_string();
        assert!(!err.contains("SUPERSECRET") && err.contains("not valid JSON"), "{err}");

        let mut t = spec(Cloud::Tencent);
        t.process = Some("vault-tc".into());
        let env = FakeEnv { process: Some(Ok(r#"{"secret_id": "i", "secret_key": "k"}"#)), ..Default::default() };
        assert_eq!(resolve(&t, &env).unwrap().0.secret.expose(), "k");
    }
}
