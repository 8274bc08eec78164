//! `offsetdeck check` as a user runs it: exit codes, credential sources, warnings, no secrets printed.

use std::process::Command;

fn offsetdeck() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_offsetdeck"));
    for var in [
        "OFFSETDECK_PROFILE",
        "CLOUD_SDK_AK",
        "CLOUD_SDK_SK",
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
    ] {
        c.env_remove(var);
    }
    // A home without ~/.tencentcloud, so the machine's own files never leak into the test.
    c.env("HOME", std::env::temp_dir().join("offsetdeck-empty-home"));
    c
}

fn example() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml").to_owned()
}

#[test]
fn example_passes_with_credentials_set() {
    let out = offsetdeck()
        .args(["check", "--profile", &example()])
        .env("HW_PROD_AK", "AK-SECRET-1")
        .env("HW_PROD_SK", "SK-SECRET-2")
        .env("TC_SG_SECRET_ID", "ID-SECRET-3")
        .env("TC_SG_SECRET_KEY", "KEY-SECRET-4")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("credentials: found (environment $HW_PROD_AK / $HW_PROD_SK)"), "{stdout}");
    assert!(stdout.contains("total: 2 accounts, 4 instances, 7 groups, 6 topics, 53 partitions"), "{stdout}");
    for s in ["AK-SECRET-1", "SK-SECRET-2", "ID-SECRET-3", "KEY-SECRET-4"] {
        assert!(!stdout.contains(s) && !String::from_utf8_lossy(&out.stderr).contains(s));
    }
}

#[test]
fn missing_credentials_exit_2() {
    let out = offsetdeck().args(["check", "--profile", &example()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("MISSING: no credentials found; tried: $HW_PROD_AK / $HW_PROD_SK (not set)"), "{stdout}");
}

#[test]
fn profile_from_env_var_and_bad_profile_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.toml");
    std::fs::write(&path, "[tencent.sg]\nregion = \"r\"\nsitee = \"intl\"\n").unwrap();
    let out = offsetdeck().arg("check").env("OFFSETDECK_PROFILE", &path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("p.toml:3:1") && stderr.contains("did you mean `site`?"), "{stderr}");
}

#[test]
fn default_location_is_under_the_config_dir() {
    let home = tempfile::tempdir().unwrap();
    let out = offsetdeck().arg("check").env("HOME", home.path()).env_remove("XDG_CONFIG_HOME").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(".config/offsetdeck/profile.toml") && stderr.contains("the default location"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn inline_keys_in_a_readable_file_warn() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.toml");
    std::fs::write(&path, "[tencent.sg]\nregion = \"r\"\nsecret_id = \"INLINE-ID\"\nsecret_key = \"INLINE-KEY\"\n")
        .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = offsetdeck().args(["check", "--profile"]).arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning: the profile holds inline keys and is readable by group or others"), "{stderr}");
    assert!(stderr.contains("chmod 600"), "{stderr}");
    assert!(stdout.contains("found (inline in the profile)"), "{stdout}");
    assert!(!stdout.contains("INLINE-") && !stderr.contains("INLINE-"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = offsetdeck().args(["check", "--profile"]).arg(&path).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
}

#[test]
fn credential_process_source() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.toml");
    let text = "[huawei.p]\nregion = \"cn-north-4\"\nproject_id = \"0123456789abcdef0123456789abcdef\"\ncredential_process = \"echo '{\\\"ak\\\": \\\"PA\\\", \\\"sk\\\": \\\"PS\\\"}'\"\n";
    std::fs::write(&path, text).unwrap();
    let out = offsetdeck().args(["check", "--profile"]).arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("found (credential_process `echo"), "{stdout}");
}

#[test]
fn tencent_credentials_file_source() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".tencentcloud")).unwrap();
    std::fs::write(home.path().join(".tencentcloud/credentials"), "[default]\nsecret_id = FID\nsecret_key = FKEY\n")
        .unwrap();
    let path = home.path().join("p.toml");
    std::fs::write(&path, "[tencent.sg]\nregion = \"r\"\n").unwrap();
    let out = offsetdeck().args(["check", "--profile"]).arg(&path).env("HOME", home.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("found (file ~/.tencentcloud/credentials [default])"), "{stdout}");
}

#[test]
fn help_lists_only_existing_subcommands() {
    let out = offsetdeck().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("check"), "{help}");
}

#[test]
fn bad_key_bindings_are_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.toml");
    std::fs::write(
        &path,
        "[keys]\nrset = \"z\"\nhelp = [\"F1x\"]\n[tencent.sg]\nregion = \"r\"\nsecret_id = \"i\"\nsecret_key = \"k\"\n",
    )
    .unwrap();
    let out = offsetdeck().args(["check", "--profile"]).arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "warnings do not fail the check: {stderr}");
    assert!(stderr.contains("rset: no such action; did you mean `reset`?"), "{stderr}");
    assert!(stderr.contains("\"F1x\" is not a key"), "{stderr}");
}

#[test]
fn an_endless_or_huge_profile_is_refused_without_reading_it() {
    let o = offsetdeck().args(["check", "--profile", "/dev/zero"]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("/dev/zero is a device, not a regular file"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("profile.toml");
    std::fs::File::create(&big).unwrap().set_len(9 << 20).unwrap();
    let o = offsetdeck().args(["check", "--profile", big.to_str().unwrap()]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("profile.toml is 9437184 bytes; at most 8 MiB is read"), "{err}");
}
