//! `iamgen check SPEC` (#16): a spec and its policy files linted as `generate` lints them, nothing written, the
//! findings rendered as `validate` renders them, each on the line of the file that wrote its policy.

use serde_json::Value;

use crate::support::cli::{described, iamgen};
use crate::support::tools;

/// The reference spec with the seed's misnamed bucket in its inline policy, and again with the policy in a file.
fn misnamed(dir: &std::path::Path, in_file: bool) -> std::path::PathBuf {
    let spec = std::fs::read_to_string(tools::root().join("examples/cross_account.toml"))
        .expect("the example");
    let spec = spec.replacen(
        "\"arn:aws:s3:::com.stuzio.projectx/*\"",
        "\"arn:aws:s3:::com.stuzio.project-x/*\"",
        1,
    );
    let spec = if in_file {
        let start = spec.find("document = '''").expect("an inline document");
        let end = spec[start..].find("\n'''\n").expect("its end") + start;
        let document = &spec[start + "document = '''\n".len()..end];
        std::fs::write(dir.join("project-x.json"), document).expect("the policy file");
        format!(
            "{}file = \"project-x.json\"{}",
            &spec[..start],
            &spec[end + "\n'''".len()..]
        )
    } else {
        spec
    };
    let path = dir.join("iamgen.toml");
    std::fs::write(&path, spec).expect("the spec");
    path
}

fn findings(report: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    for entry in report["files"].as_array().expect("files") {
        let path = entry["path"].as_str().expect("path");
        let name = path.rsplit('/').next().unwrap_or(path);
        for finding in entry["findings"].as_array().expect("findings") {
            lines.push(format!(
                "{name}:{}:{} {} {}",
                finding["line"],
                finding["column"],
                entry["resource"].as_str().unwrap_or("-"),
                finding["code"].as_str().expect("code")
            ));
        }
    }
    lines.sort();
    lines
}

#[test]
fn a_spec_is_checked_with_each_finding_on_its_line() {
    for in_file in [false, true] {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let spec = misnamed(dir.path(), in_file);
        let output = iamgen(&["check", "--format", "json", spec.to_str().expect("UTF-8")]);
        assert_eq!(output.status.code(), Some(1), "{}", described(&output));
        let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
        // The document starts on the spec's line 23, and on the file's line 1; in a file, the spec is 21 lines
        // shorter.
        let (file, shift) = if in_file {
            ("project-x.json", 22)
        } else {
            ("iamgen.toml", 0)
        };
        let (line, column) = (32 - shift, 9);
        let mut expected = vec![
            // The pattern's trust is placed at its `[cross_account]` table.
            format!(
                "iamgen.toml:{}:1 trust policy of role StuzioAcmeConsultantRole TRUST_ACCOUNT_WITHOUT_CONDITION",
                54 - shift + i32::from(in_file)
            ),
            format!(
                "{file}:{}:17 policy StuzioProjectXPolicy WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT",
                29 - shift
            ),
            format!("{file}:{line}:{column} policy StuzioProjectXPolicy UNDECLARED_BUCKET"),
        ];
        expected.sort();
        assert_eq!(findings(&report), expected, "in a file: {in_file}");
        // Nothing is written beside the spec.
        let written: Vec<_> = std::fs::read_dir(dir.path()).expect("the folder").collect();
        assert_eq!(written.len(), if in_file { 2 } else { 1 });
        // Rendered as validate renders: the source line, and the fix.
        let human = iamgen(&["check", spec.to_str().expect("UTF-8")]);
        let text = String::from_utf8_lossy(&human.stdout);
        assert!(
            text.contains("did you mean `com.stuzio.projectx`?"),
            "{text}"
        );
        assert!(text.contains(&format!("{file}:{line}:{column}")), "{text}");
    }
}

/// A spec that is wrong says where, as `generate` does; one that cannot be read is a usage error.
#[test]
fn a_wrong_spec_is_an_error_and_a_missing_one_a_usage_error() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("iamgen.toml");
    std::fs::write(&path, "[[account]]\nname = \"Stuzio\"\nid = \"0812\"\n").expect("the spec");
    let wrong = iamgen(&["check", path.to_str().expect("UTF-8")]);
    assert_eq!(wrong.status.code(), Some(1), "{}", described(&wrong));
    assert!(
        String::from_utf8_lossy(&wrong.stdout).contains("iamgen.toml:3:"),
        "{}",
        described(&wrong)
    );
    let missing = iamgen(&[
        "check",
        dir.path().join("nope.toml").to_str().expect("UTF-8"),
    ]);
    assert_eq!(missing.status.code(), Some(2), "{}", described(&missing));
}

/// `iamgen init` writes a commented spec and its policy file that check without a finding, are already in
/// `iamgen fmt`'s canonical form (a CI that runs `fmt --check` passes on a fresh project), and generate; it never
/// writes over a file that is there.
#[test]
fn init_writes_a_spec_that_checks_clean_and_generates() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().to_str().expect("UTF-8");
    let init = iamgen(&["init", path]);
    assert_eq!(init.status.code(), Some(0), "{}", described(&init));
    let spec = dir.path().join("iamgen.toml");
    let text = std::fs::read_to_string(&spec).expect("the spec");
    assert!(
        text.lines().filter(|line| line.starts_with('#')).count() > 10,
        "commented: {text}"
    );
    assert!(dir.path().join("policies/project-access.json").is_file());

    let check = iamgen(&["check", spec.to_str().expect("UTF-8")]);
    assert_eq!(check.status.code(), Some(0), "{}", described(&check));
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("no finding"),
        "{}",
        described(&check)
    );
    let policies = dir.path().join("policies");
    let fmt = iamgen(&["fmt", "--check", policies.to_str().expect("UTF-8")]);
    assert_eq!(fmt.status.code(), Some(0), "{}", described(&fmt));

    let out = dir.path().join("out");
    let generate = iamgen(&[
        "generate",
        spec.to_str().expect("UTF-8"),
        "--out",
        out.to_str().expect("UTF-8"),
    ]);
    assert_eq!(generate.status.code(), Some(0), "{}", described(&generate));
    assert!(out.join("terraform/owner.tf").is_file());

    std::fs::write(&spec, "# mine\n").expect("an edit");
    let again = iamgen(&["init", path]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&spec).expect("the spec"),
        "# mine\n"
    );
}
