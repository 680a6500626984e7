//! `iamgen plan`, `apply`, `import` and `verify` through the built binary, against moto.

use crate::support::cli::{assert_stderr_holds, described, iamgen_aws, iamgen_aws_exits, stdout};
use crate::support::deploy::{make_the_scenarios_bucket_on, on_moto_with_home};

/// `iamgen import` of the reference scenario's role in Stuzio's account.
const IMPORT_THE_ROLE: &[&str] = &[
    "import",
    "--account",
    "081278057606",
    "--role",
    "StuzioAcmeConsultantRole",
];

#[test]
fn plan_apply_import_and_verify_from_the_command_line() {
    on_moto_with_home(|moto, home| {
        // The reference scenario's bucket exists before the stack.
        make_the_scenarios_bucket_on(moto);
        // The reference scenario has security warnings and no error: `--fail-on` stops a plan and an apply
        // on them, before any call, and the plan after shows that nothing was applied.
        for (args, outcome) in [
            (
                &["plan", "--fail-on", "security-warning"][..],
                "nothing was planned",
            ),
            (
                &["apply", "--auto-approve", "--fail-on", "warning"][..],
                "nothing was applied",
            ),
        ] {
            let stopped = iamgen_aws_exits(&moto.endpoint(), home, args, &[], 2);
            assert_stderr_holds(&stopped, &[&format!("or worse (--fail-on); {outcome}")]);
            assert_eq!(stdout(&stopped), "", "{}", described(&stopped));
        }
        let planned = iamgen_aws_exits(&moto.endpoint(), home, &["plan"], &[], 0);
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
            value["summary"]["add"].as_u64().unwrap_or(0) >= 6,
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
        let refused = iamgen_aws_exits(&moto.endpoint(), home, &["apply"], &[], 1);
        assert!(stdout(&refused).contains("Not applied."));

        let applied =
            iamgen_aws_exits(&moto.endpoint(), home, &["apply", "--auto-approve"], &[], 0);
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
        iamgen_aws_exits(
            &moto.endpoint(),
            home,
            &[IMPORT_THE_ROLE, &["--out", spec.to_str().expect("UTF-8")]].concat(),
            &[],
            0,
        );
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
            let output = iamgen_aws_exits(
                &moto.endpoint(),
                home,
                &[IMPORT_THE_ROLE, &["--format", format]].concat(),
                &[],
                0,
            );
            assert!(stdout(&output).contains("StuzioProjectXPolicy"));
        }

        // verify, as Troy, with a key made for him.
        let key = crate::support::moto::create_access_key(moto, "183438944504", "Troy");
        let verified = iamgen_aws_exits(
            &moto.endpoint(),
            home,
            &["verify", "--format", "json"],
            &[
                ("IAMGEN_PRINCIPAL_ACCESS_KEY_ID", &key.0),
                ("IAMGEN_PRINCIPAL_SECRET_ACCESS_KEY", &key.1),
            ],
            0,
        );
        let report: serde_json::Value = serde_json::from_slice(&verified.stdout).expect("JSON");
        assert_eq!(report["success"], true, "{report}");
        let without = iamgen_aws_exits(&moto.endpoint(), home, &["verify"], &[], 2);
        assert!(
            String::from_utf8_lossy(&without.stderr).contains("IAMGEN_PRINCIPAL_ACCESS_KEY_ID")
        );

        iamgen_aws_exits(
            &moto.endpoint(),
            home,
            &["import", "--account", "12345", "--role", "X"],
            &[],
            2,
        );
        let missing = iamgen_aws_exits(
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
            1,
        );
        assert_stderr_holds(&missing, &["GetRole in account 081278057606 failed"]);
    });
}
