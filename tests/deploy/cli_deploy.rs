//! `iamgen plan`, `apply`, `import` and `verify` through the built binary, against moto.
#![allow(
    clippy::missing_panics_doc,
    clippy::too_many_lines,
    reason = "an end-to-end test reads as one story, and fails by panicking"
)]

use std::path::Path;
use std::process::{Command, Output};

use crate::support::moto::Moto;

/// The binary with the base identity's static key in the environment, and no shared AWS config.
fn command(moto: &Moto, home: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamgen"));
    command
        .args(args)
        .arg("--endpoint-url")
        .arg(moto.endpoint())
        .env("NO_COLOR", "1")
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL");
    command
}

/// Runs the binary (see [`command`]) with `extra_env` added.
fn iamgen(moto: &Moto, home: &Path, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
    let mut command = command(moto, home, args);
    for (key, value) in extra_env {
        command.env(key, value);
    }
    command.output().expect("iamgen runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn described(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        stdout(output),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn plan_apply_import_and_verify_from_the_command_line() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let home = tempfile::tempdir().expect("a temporary directory");
    let home = home.path();

    let planned = iamgen(&moto, home, &["plan"], &[]);
    assert_eq!(planned.status.code(), Some(0), "{}", described(&planned));
    let text = stdout(&planned);
    assert!(text.contains("  # Stuzio (081278057606)\n"), "{text}");
    assert!(
        text.contains("  + role StuzioAcmeConsultantRole\n"),
        "{text}"
    );
    assert!(text.contains("Plan: "), "{text}");

    let json = iamgen(&moto, home, &["plan", "--format", "json"], &[]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert!(
        value["summary"]["add"].as_u64().unwrap_or(0) >= 7,
        "{value}"
    );
    assert_eq!(value["summary"]["destroy"], 0);
    assert!(
        value["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| c["action"] == "create"
                && c["subject"] == "user Troy"
                && c["account"] == "183438944504"),
        "{value}"
    );

    // Not approved: nothing happens.
    let refused = command(&moto, home, &["apply"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("iamgen runs");
    assert_eq!(refused.status.code(), Some(1), "{}", described(&refused));
    assert!(stdout(&refused).contains("Not applied."));

    let applied = iamgen(&moto, home, &["apply", "--auto-approve"], &[]);
    assert_eq!(applied.status.code(), Some(0), "{}", described(&applied));
    assert!(
        stdout(&applied).contains("Apply complete"),
        "{}",
        described(&applied)
    );
    let again = iamgen(&moto, home, &["plan"], &[]);
    assert_eq!(
        stdout(&again),
        "No changes. The accounts match the stack.\n",
        "{}",
        described(&again)
    );

    // Imported as a spec, the role plans nothing.
    let spec = home.join("imported.toml");
    let imported = iamgen(
        &moto,
        home,
        &[
            "import",
            "--account",
            "081278057606",
            "--role",
            "StuzioAcmeConsultantRole",
            "--out",
            spec.to_str().expect("UTF-8"),
        ],
        &[],
    );
    assert_eq!(imported.status.code(), Some(0), "{}", described(&imported));
    let replanned = iamgen(&moto, home, &["plan", spec.to_str().expect("UTF-8")], &[]);
    assert_eq!(
        stdout(&replanned),
        "No changes. The accounts match the stack.\n",
        "{}",
        described(&replanned)
    );
    for format in ["json", "rust"] {
        let output = iamgen(
            &moto,
            home,
            &[
                "import",
                "--account",
                "081278057606",
                "--role",
                "StuzioAcmeConsultantRole",
                "--format",
                format,
            ],
            &[],
        );
        assert_eq!(output.status.code(), Some(0), "{}", described(&output));
        assert!(stdout(&output).contains("StuzioProjectXPolicy"));
    }

    // verify, as Troy, with a key made for him.
    let key = crate::support::moto::create_access_key(&moto, "183438944504", "Troy");
    let verified = iamgen(
        &moto,
        home,
        &["verify", "--format", "json"],
        &[
            ("IAMGEN_PRINCIPAL_ACCESS_KEY_ID", &key.0),
            ("IAMGEN_PRINCIPAL_SECRET_ACCESS_KEY", &key.1),
        ],
    );
    assert_eq!(verified.status.code(), Some(0), "{}", described(&verified));
    let report: serde_json::Value = serde_json::from_slice(&verified.stdout).expect("JSON");
    assert_eq!(report["success"], true, "{report}");
    let without = iamgen(&moto, home, &["verify"], &[]);
    assert_eq!(without.status.code(), Some(2), "{}", described(&without));
    assert!(String::from_utf8_lossy(&without.stderr).contains("IAMGEN_PRINCIPAL_ACCESS_KEY_ID"));

    let bad = iamgen(
        &moto,
        home,
        &["import", "--account", "12345", "--role", "X"],
        &[],
    );
    assert_eq!(bad.status.code(), Some(2), "{}", described(&bad));
    let missing = iamgen(
        &moto,
        home,
        &[
            "import",
            "--account",
            "081278057606",
            "--role",
            "NoSuchRole",
        ],
        &[],
    );
    assert_eq!(missing.status.code(), Some(1), "{}", described(&missing));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("GetRole in account 081278057606 failed"),
        "{}",
        described(&missing)
    );
}
