//! What the commands read is bounded: a device, an endless stream or a huge file is refused with an error that
//! names it and the limit, before it is read whole (`/dev/zero` once reached 10.9 GB of memory), and a link
//! cycle in a directory does not make the walk endless.

use std::path::Path;

use crate::support::cli::{run, stderr};

const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#;

#[test]
fn devices_are_refused_by_every_command_that_reads_a_policy() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["validate", "/dev/zero"][..],
        &["fmt", "/dev/zero"],
        &[
            "simulate",
            "--identity",
            "/dev/zero",
            "--principal",
            "arn:aws:iam::111111111111:user/a",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::b/k",
        ],
        &["generate", "/dev/zero", "--out", "out"],
    ] {
        let output = run(args, dir.path(), None);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("`/dev/zero` is not a regular file but a character device"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_spec_policy_file_that_is_a_device_is_refused_at_its_line() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("iamgen.toml"),
        r#"[[account]]
name = "Stuzio"
id = "081278057606"

[[policy]]
name = "Zeros"
account = "Stuzio"
file = "/dev/zero"
"#,
    )
    .unwrap();
    let output = run(
        &["generate", "iamgen.toml", "--out", "out"],
        dir.path(),
        None,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("is not a regular file but a character device"),
        "{message}"
    );
    assert!(message.contains("iamgen.toml:8:8"), "{message}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn oversized_files_and_streams_are_refused_with_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    // Valid JSON, padded with whitespace past the limit: its size alone refuses it.
    let big = format!("{POLICY}{}", " ".repeat(1 << 20));
    std::fs::write(dir.path().join("big.json"), &big).unwrap();
    for args in [&["validate", "big.json"][..], &["fmt", "big.json"]] {
        let output = run(args, dir.path(), None);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(
                "`big.json` is larger than 1 MiB (1048576 bytes), the most iamgen reads as a policy"
            ),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    let output = run(&["validate", "-"], dir.path(), Some(big.as_bytes()));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`<stdin>` is larger than 1 MiB"),
        "{}",
        stderr(&output)
    );
    // Just under the limit is read as usual.
    let output = run(&["validate", "-"], dir.path(), Some(POLICY.as_bytes()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[cfg(unix)]
#[test]
fn a_link_cycle_below_a_directory_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies");
    std::fs::create_dir_all(policies.join("nested")).unwrap();
    std::fs::write(policies.join("nested/p.json"), POLICY).unwrap();
    std::os::unix::fs::symlink("..", policies.join("nested/up")).unwrap();
    let output = run(
        &["validate", "--format", "json", "policies"],
        dir.path(),
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("\"path\"").count(), 1, "{stdout}");
}
