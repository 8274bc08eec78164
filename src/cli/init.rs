//! `offsetdeck init`, `completions` and `man`: a starter profile, shell completions and the manual page, for an
//! install that has only the binary.

use std::path::Path;

use clap::CommandFactory;

use super::args::Args;
use super::load::locate;
use super::ops::{R, Stop, bad, exit};

/// A profile that is valid as written: one account per cloud, keys from the environment, instances and groups
/// discovered live. Every other key is shown commented out.
pub const STARTER: &str = r#"# offsetdeck profile, written by `offsetdeck init`. Check it with: offsetdeck check   (add --live to try the keys)
# Instances, groups and topics are found live from each account; list some under an account only to pin names,
# protect them, or narrow what is shown. Every key: `offsetdeck man`, or the README.

[settings]
# timezone = "Asia/Shanghai"    # how typed datetimes are read; default: this machine's zone
# audit_log = "/var/log/offsetdeck/audit.jsonl"   # default: <data dir>/offsetdeck/audit.jsonl
# refresh_seconds = 30          # live refresh of the dashboard; 0 = off

# Huawei Cloud DMS for Kafka: one table per account.
[huawei.main]
region = "cn-north-4"
project_id = "00000000000000000000000000000000"   # yours: 32 hex characters (My Credentials > Projects)
ak_env = "HUAWEICLOUD_SDK_AK"   # the variables holding the AK/SK (or credential_process = "a command")
sk_env = "HUAWEICLOUD_SDK_SK"
protected = true                # every write needs the target's name typed to confirm
# read_only = true              # no writes at all
# include = ["billing-*"]       # only these groups and topics are shown; exclude = [...] drops some
# [huawei.main.instances.orders]   # pin an instance by id to name it here
# id = "5f2a3b4c-1d2e-4f60-8a9b-0c1d2e3f4a5b"

# Tencent Cloud CKafka and DTS data subscriptions.
[tencent.main]
region = "ap-guangzhou"
# site = "intl"                 # "intl" or "mainland" (default)
secret_id_env = "TENCENTCLOUD_SECRET_ID"
secret_key_env = "TENCENTCLOUD_SECRET_KEY"
protected = true
"#;

/// `init`: writes the starter profile where the profile is looked for (or `--profile PATH`), never over a file.
pub fn init(flag: Option<&Path>, force: bool, json: bool) -> R<u8> {
    let located = locate(flag).map_err(bad)?;
    let path = &located.path;
    if path.exists() && !force {
        return Err(bad(format!(
            "{} already exists; edit it, or pass --force to replace it (the old file is kept as {}.bak)",
            path.display(),
            path.display()
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::engine::paths::private_dir(dir).map_err(|e| bad(format!("creating {}: {e}", dir.display())))?;
    }
    if path.exists() {
        let keep = path.with_extension("toml.bak");
        std::fs::rename(path, &keep).map_err(|e| Stop(exit::FAILED, format!("keeping the old profile: {e}")))?;
    }
    crate::engine::durable::write(path, STARTER.as_bytes())
        .map_err(|e| Stop(exit::FAILED, format!("writing {}: {e}", path.display())))?;
    if json {
        say_json!(serde_json::json!({"wrote": path, "from": located.origin}));
    } else {
        say!("wrote a starter profile to {} (from {})", path.display(), located.origin);
        say!("next: set the project id and the key variables, then run: offsetdeck check --live");
    }
    Ok(exit::OK)
}

/// `completions SHELL`: the completion script on stdout.
pub fn completions(shell: clap_complete::Shell) -> R<u8> {
    let mut cmd = Args::command();
    clap_complete::generate(shell, &mut cmd, "offsetdeck", &mut std::io::stdout());
    Ok(exit::OK)
}

/// `man`: the manual page (roff) on stdout, every subcommand included.
pub fn man() -> R<u8> {
    let cmd = Args::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out).map_err(|e| Stop(exit::FAILED, e.to_string()))?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        // clap keeps names as 'static; this process prints the page and exits.
        let name: &'static str = Box::leak(format!("offsetdeck-{}", sub.get_name()).into_boxed_str());
        let sub = sub.clone().name(name);
        clap_mangen::Man::new(sub).render(&mut out).map_err(|e| Stop(exit::FAILED, e.to_string()))?;
    }
    use std::io::Write;
    std::io::stdout().write_all(&out).map_err(|e| Stop(exit::FAILED, e.to_string()))?;
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_starter_profile_is_valid_as_written() {
        let loaded = crate::core::profile::parse(super::STARTER, "starter").unwrap();
        assert_eq!((loaded.profile.huawei.len(), loaded.profile.tencent.len()), (1, 1));
        assert!(loaded.profile.huawei[0].safety.protected);
    }
}
