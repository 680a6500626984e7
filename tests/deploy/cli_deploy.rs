//! `iamgen plan`, `apply`, `import` and `verify` through the built binary, against moto.

use crate::support::cli::{described, iamgen_aws, stdout};
use crate::support::deploy::on_moto_with_home;

#[test]
fn plan_apply_import_and_verify_from_the_command_line() {
    on_moto_with_home(|moto, home| {
        let planned = iamgen_aws(&moto.endpoint(), home, &["plan"], &[]);
        assert_eq!(planned.status.code(), Some(0), "{}", described(&planned));
        let text = stdout(&planned);
        assert!(text.contains("  # Stuzio (081278057606)\n"), "{text}");
        assert!(
            text.contains("  + role StuzioAcmeConsultantRole\n"),
            "{text}"
        );
        assert!(text.contains("Plan: "), "{text}");

        let json = iamgen_aws(&moto.endpoint(), home, &["plan", "--format", "json"], &[]);
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
        let refused = iamgen_aws(&moto.endpoint(), home, &["apply"], &[]);
        assert_eq!(refused.status.code(), Some(1), "{}", described(&refused));
        assert!(stdout(&refused).contains("Not applied."));

        let applied = iamgen_aws(&moto.endpoint(), home, &["apply", "--auto-approve"], &[]);
        assert_eq!(applied.status.code(), Some(0), "{}", described(&applied));
        assert!(
            stdout(&applied).contains("Apply complete"),
            "{}",
            described(&applied)
        );
        let again = iamgen_aws(&moto.endpoint(), home, &["plan"], &[]);
        assert_eq!(
            stdout(&again),
            "No changes. The accounts match the stack.\n",
            "{}",
            described(&again)
        );

        // Imported as a spec, the role plans nothing.
        let spec = home.join("imported.toml");
        let imported = iamgen_aws(
            &moto.endpoint(),
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
        let replanned = iamgen_aws(
            &moto.endpoint(),
            home,
            &["plan", spec.to_str().expect("UTF-8")],
            &[],
        );
        assert_eq!(
            stdout(&replanned),
            "No changes. The accounts match the stack.\n",
            "{}",
            described(&replanned)
        );
        for format in ["json", "rust"] {
            let output = iamgen_aws(
                &moto.endpoint(),
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
        let key = crate::support::moto::create_access_key(moto, "183438944504", "Troy");
        let verified = iamgen_aws(
            &moto.endpoint(),
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
        let without = iamgen_aws(&moto.endpoint(), home, &["verify"], &[]);
        assert_eq!(without.status.code(), Some(2), "{}", described(&without));
        assert!(
            String::from_utf8_lossy(&without.stderr).contains("IAMGEN_PRINCIPAL_ACCESS_KEY_ID")
        );

        let bad = iamgen_aws(
            &moto.endpoint(),
            home,
            &["import", "--account", "12345", "--role", "X"],
            &[],
        );
        assert_eq!(bad.status.code(), Some(2), "{}", described(&bad));
        let missing = iamgen_aws(
            &moto.endpoint(),
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
            String::from_utf8_lossy(&missing.stderr)
                .contains("GetRole in account 081278057606 failed"),
            "{}",
            described(&missing)
        );
    });
}
