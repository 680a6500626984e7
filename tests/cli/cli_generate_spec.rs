//! `iamgen generate SPEC` end to end, through the built binary: the scenario's spec generates exactly what the
//! built-in scenario does, the hardened spec generates, and a broken spec stops with its line and column.

use std::fmt::Write as _;
use std::path::Path;

use crate::support::cli::{iamgen, stderr};
use crate::support::files::contents_below;

#[test]
fn the_scenario_spec_generates_the_built_in_scenario_byte_for_byte() {
    let from_spec = tempfile::tempdir().unwrap();
    let built_in = tempfile::tempdir().unwrap();
    let spec_out = from_spec.path().to_str().unwrap();
    let built_in_out = built_in.path().to_str().unwrap();

    let output = iamgen(&["generate", "examples/cross_account.toml", "--out", spec_out]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = iamgen(&["generate", "--out", built_in_out]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let generated = contents_below(from_spec.path());
    assert!(
        generated.keys().any(|path| path.starts_with("terraform/")),
        "{:?}",
        generated.keys()
    );
    assert_eq!(generated, contents_below(built_in.path()));
}

#[test]
fn the_hardened_spec_generates() {
    let out = tempfile::tempdir().unwrap();
    let output = iamgen(&[
        "generate",
        "examples/hardened.toml",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let generated = contents_below(out.path());
    let trust = generated
        .iter()
        .find(|(name, _)| name.contains("StuzioAcmeConsultantRole") && name.contains("trust"))
        .map_or_else(
            || panic!("no trust policy among {:?}", generated.keys()),
            |(_, bytes)| String::from_utf8_lossy(bytes).into_owned(),
        );
    assert!(trust.contains("stuzio-acme-projectx"), "{trust}");
    assert!(
        trust.contains("arn:aws:iam::183438944504:user/Dana"),
        "{trust}"
    );
}

#[test]
fn a_broken_spec_exits_2_with_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("iamgen.toml");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cross_account.toml"),
    )
    .unwrap()
    .replace("id = \"183438944504\"", "id = 183438944504");
    let line = text
        .lines()
        .position(|line| line == "id = 183438944504")
        .unwrap()
        + 1;
    std::fs::write(&spec, &text).unwrap();
    let out = dir.path().join("out");
    let output = iamgen(&[
        "generate",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let stderr = stderr(&output);
    assert!(
        stderr.contains(&format!("{}:{line}:6", spec.display())),
        "{stderr}"
    );
    assert!(stderr.contains("[INVALID_ACCOUNT_ID]"), "{stderr}");
    assert!(stderr.contains("id = \"183438944504\""), "{stderr}");
    assert!(!out.exists(), "nothing is generated from a broken spec");
}

/// A spec of `trusted` accounts, each trusted whole by one role of the hub account.
fn many_trusted_accounts(trusted: usize) -> String {
    let mut spec = String::from("[[account]]\nname = \"Hub\"\nid = \"999999999999\"\n\n");
    for index in 0..trusted {
        let _ = write!(
            spec,
            "[[account]]\nname = \"T{index}\"\nid = \"{}\"\n\n",
            100_000_000_000 + index
        );
    }
    spec.push_str(
        "[cross_account]\ntrusting = \"Hub\"\n\n[cross_account.role]\nname = \"Shared\"\n\n",
    );
    for index in 0..trusted {
        let _ = write!(
            spec,
            "[[cross_account.trusted]]\naccount = \"T{index}\"\nwhole_account = true\n\n"
        );
    }
    spec
}

#[test]
fn a_trust_over_the_quota_says_so_at_the_spec_line_and_what_works_instead() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("iamgen.toml");
    let text = many_trusted_accounts(150);
    std::fs::write(&spec, &text).unwrap();
    let line = text
        .lines()
        .position(|line| line == "[cross_account]")
        .unwrap()
        + 1;
    let out = dir.path().join("out");
    let output = iamgen(&[
        "generate",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let finding = stderr
        .split("\n\n")
        .find(|finding| finding.contains("[POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA]"))
        .unwrap_or_else(|| panic!("no quota finding:\n{stderr}"));
    assert!(
        finding.contains(&format!("iamgen.toml:{line}:1")),
        "not at line {line}:\n{finding}"
    );
    for what_works in [
        "names 150 accounts",
        "aws:PrincipalOrgID",
        "a role of its own",
    ] {
        assert!(
            finding.contains(what_works),
            "no `{what_works}`:\n{finding}"
        );
    }
    assert!(
        !out.join("cloudformation").exists(),
        "generated despite the error"
    );
}

#[test]
fn an_account_over_cloudformations_limits_becomes_nested_stacks_that_cfn_lint_accepts() {
    // 199 roles that another account trusts (199 outputs, 200 parameters with that account's id) and 1,001
    // users of one group: 1,201 resources, over the 500 of one template.
    let mut spec = String::from(
        "[[account]]\nname = \"Stuzio\"\nid = \"081278057606\"\n\n[[account]]\nname = \"Acme\"\nid = \"183438944504\"\n\n\
         [[group]]\nname = \"Readers\"\naccount = \"Stuzio\"\n\n",
    );
    for index in 0..199 {
        let _ = write!(
            spec,
            "[[role]]\nname = \"Consultant{index}\"\naccount = \"Stuzio\"\n\
             trust = '''{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":\"arn:aws:iam::183438944504:root\"}},\"Action\":\"sts:AssumeRole\",\"Condition\":{{\"StringEquals\":{{\"sts:ExternalId\":\"consultant-{index}\"}}}}}}]}}'''\n\n"
        );
    }
    for index in 0..1_001 {
        let _ = write!(
            spec,
            "[[user]]\nname = \"reader{index}\"\naccount = \"Stuzio\"\ngroups = [\"Readers\"]\n\n"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let spec_path = dir.path().join("iamgen.toml");
    std::fs::write(&spec_path, spec).unwrap();
    let out = dir.path().join("out");
    let output = iamgen(&[
        "generate",
        spec_path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--target",
        "cloudformation",
    ]);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("stuzio is a parent stack of"),
        "no note of the split:\n{stderr}"
    );
    let generated = contents_below(&out);
    let parts: Vec<&String> = generated
        .keys()
        .filter(|path| {
            path.starts_with("cloudformation/stuzio/")
                && Path::new(path.as_str())
                    .extension()
                    .is_some_and(|extension| extension == "yaml")
        })
        .collect();
    assert!(parts.len() >= 3, "{:?}", generated.keys());
    let readme = String::from_utf8_lossy(&generated["cloudformation/README.md"]).into_owned();
    assert!(readme.contains("aws cloudformation package"), "{readme}");

    let Some(cfn_lint) = crate::support::tools::cfn_lint() else {
        return;
    };
    let templates: Vec<std::path::PathBuf> = generated
        .keys()
        .filter(|path| {
            path.starts_with("cloudformation/")
                && Path::new(path.as_str())
                    .extension()
                    .is_none_or(|extension| extension != "md")
        })
        .map(|path| out.join(path))
        .collect();
    let output = crate::support::tools::run(
        std::process::Command::new(cfn_lint)
            .args(["--format", "parseable", "--"])
            .args(&templates),
    );
    assert!(
        output.status.success(),
        "cfn-lint:\n{}",
        crate::support::tools::describe(&output)
    );
}
