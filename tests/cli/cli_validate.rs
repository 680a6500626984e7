//! `iamgen validate` end to end, through the built binary: exit codes, the JSON contract of DESIGN.md, SARIF
//! valid against the official 2.1.0 schema, the scenario with and without its stack, and reviewed snapshots
//! of the JSON report over the whole fixture corpus.

use std::process::Output;

use serde_json::Value;

use crate::support::cli::{described, iamgen, iamgen_with_stdin, run};
use crate::support::tools::root;

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

/// The report `iamgen` prints with `args`, a run that must exit with `code`.
fn report_of(args: &[&str], code: i32) -> Value {
    let output = iamgen(args);
    assert_eq!(output.status.code(), Some(code), "{}", described(&output));
    json(&output)
}

fn findings(report: &Value) -> Vec<&Value> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap())
        .collect()
}

#[test]
fn the_scenario_validates_without_errors() {
    let output = iamgen(&["validate", "--format", "json", "examples/scenario"]);
    assert_eq!(output.status.code(), Some(0), "{}", described(&output));
    let report = json(&output);
    assert_eq!(report["summary"]["files"], 3);
    assert_eq!(report["summary"]["error"], 0);
    let kinds: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["identity", "trust", "identity"]);
    // The same with the stack: the scenario's own policies name what the stack declares.
    let output = iamgen(&[
        "validate",
        "--stack",
        "scenario",
        "--format",
        "json",
        "examples/scenario",
    ]);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn the_project_x_variant_fails_against_the_stack() {
    let variant = "tests/fixtures/variants/StuzioProjectXPolicy-project-x.json";
    let alone = iamgen(&["validate", "--format", "json", variant]);
    assert_eq!(
        alone.status.code(),
        Some(0),
        "a single-policy linter accepts it"
    );

    let output = iamgen(&[
        "validate", "--stack", "scenario", "--format", "json", variant,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    let drift: Vec<&Value> = findings(&report)
        .into_iter()
        .filter(|f| f["code"] == "UNDECLARED_BUCKET")
        .collect();
    assert_eq!(drift.len(), 2);
    assert_eq!(drift[0]["severity"], "error");
    assert_eq!(drift[0]["suggestion"], "com.stuzio.projectx");
    assert_eq!(drift[0]["pointer"], "/Statement/0/Resource/0");
    assert_eq!(
        (drift[0]["line"].as_u64(), drift[0]["column"].as_u64()),
        (Some(9), Some(9))
    );

    let human = iamgen(&["validate", "--stack", "scenario", variant]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("StuzioProjectXPolicy-project-x.json:9:9"),
        "{text}"
    );
    assert!(
        text.contains("help: did you mean `com.stuzio.projectx`?"),
        "{text}"
    );
    assert!(
        text.contains("1 file: 2 errors, 1 security warning, 0 warnings, 0 suggestions"),
        "{text}"
    );
}

#[test]
fn the_json_report_follows_the_contract() {
    let output = iamgen_with_stdin(
        &["validate", "--format", "json", "-"],
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}}"#,
    );
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    let mut keys: Vec<&String> = report.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["files", "summary"]);
    let file = &report["files"][0];
    assert_eq!(file["path"], "<stdin>");
    assert_eq!(file["kind"], "identity");
    let finding = &file["findings"][0];
    for key in [
        "code",
        "severity",
        "message",
        "pointer",
        "line",
        "column",
        "suggestion",
    ] {
        assert!(finding.get(key).is_some(), "{key} missing from {finding}");
    }
    assert_eq!(finding["code"], "INVALID_ACTION");
    assert_eq!(finding["pointer"], "/Statement/Action");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(1), Some(70))
    );
    assert_eq!(finding["suggestion"], "s3:GetObject");
    assert_eq!(
        report["summary"],
        serde_json::json!({"files": 1, "error": 1, "security_warning": 0, "warning": 0, "suggestion": 0})
    );
}

#[test]
fn kinds_and_allow_lists_come_from_the_command_line() {
    let trust = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "Action": "sts:AssumeRole"}}"#;
    let as_identity = json(&iamgen_with_stdin(
        &["validate", "--kind", "identity", "--format", "json", "-"],
        trust,
    ));
    assert!(
        findings(&as_identity)
            .iter()
            .any(|f| f["code"] == "UNSUPPORTED_PRINCIPAL")
    );
    let allowed = iamgen_with_stdin(
        &[
            "validate",
            "--kind",
            "trust",
            "--allow",
            "TRUST_ACCOUNT_WITHOUT_CONDITION",
            "--format",
            "json",
            "-",
        ],
        trust,
    );
    assert!(findings(&json(&allowed)).is_empty());
    assert_eq!(
        iamgen_with_stdin(&["validate", "--kind", "bogus", "-"], trust)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        iamgen_with_stdin(&["validate", "--format", "xml", "-"], trust)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn unreadable_inputs_exit_two_and_broken_json_is_a_finding() {
    let output = iamgen(&["validate", "/nonexistent/p.json"]);
    assert_eq!(output.status.code(), Some(2));
    let report = report_of(
        &[
            "validate",
            "--format",
            "json",
            "tests/fixtures/curly/AcmeClientAssumeRolePolicy.json",
        ],
        1,
    );
    let finding = findings(&report)[0].clone();
    assert_eq!(finding["code"], "INVALID_CHARACTER");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(2), Some(3))
    );
    assert!(finding["message"].as_str().unwrap().contains("U+201C"));
    assert!(finding["pointer"].is_null());
    // Every typographic quote is a finding, each at its own place, not only the first the reader stops at.
    let text = std::fs::read_to_string(
        root().join("tests/fixtures/curly/AcmeClientAssumeRolePolicy.json"),
    )
    .unwrap();
    let mut expected = Vec::new();
    for (line, content) in text.lines().enumerate() {
        for (column, ch) in content.chars().enumerate() {
            if matches!(ch, '“' | '”' | '‘' | '’') {
                expected.push((line as u64 + 1, column as u64 + 1));
            }
        }
    }
    assert!(expected.len() > 10, "{expected:?}");
    let found: Vec<(u64, u64)> = findings(&report)
        .iter()
        .inspect(|finding| assert_eq!(finding["code"], "INVALID_CHARACTER"))
        .map(|finding| {
            (
                finding["line"].as_u64().unwrap(),
                finding["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, expected);
    // People are told which command repairs them; the findings' help names no tool.
    let human = iamgen(&[
        "validate",
        "tests/fixtures/curly/AcmeClientAssumeRolePolicy.json",
    ]);
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains(&format!(
            "note: `iamgen fmt --write tests/fixtures/curly/AcmeClientAssumeRolePolicy.json` replaces the {} \
             typographic quotes that delimit strings with `\"`",
            expected.len()
        )),
        "{human}"
    );
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let log = report_of(
        &[
            "validate",
            "--format",
            "sarif",
            "--stack",
            "scenario",
            "examples/scenario",
            "tests/fixtures/variants",
            "tests/fixtures/corpus",
        ],
        1,
    );
    crate::support::sarif::assert_valid_sarif(&log);
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 100, "{}", results.len());
    let drift = results
        .iter()
        .find(|r| r["ruleId"] == "UNDECLARED_BUCKET")
        .expect("the drift is reported");
    let location = &drift["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "tests/fixtures/variants/StuzioProjectXPolicy-project-x.json"
    );
    assert_eq!(location["region"]["startLine"], 9);
    assert_eq!(location["region"]["startColumn"], 9);
    // Every result's rule is declared, at the index the result names.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

fn corpus_files(dir: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
    crate::support::files::corpus_files(dir)
        .into_iter()
        .filter(|p| keep(p.file_name().unwrap().to_str().unwrap()))
        .map(|p| p.strip_prefix(root()).unwrap().to_str().unwrap().to_owned())
        .collect()
}

/// The JSON report over the whole corpus, each folder checked as the kind its policies are, pinned as
/// snapshots that were reviewed finding by finding, one per file (see
/// `tests/cli/snapshots/cli__cli_validate__corpus_*.snap`).
#[test]
fn corpus_reports() {
    let groups: [(&str, Option<&str>, Vec<String>); 5] = [
        (
            "iam_user_guide",
            None,
            corpus_files("iam-user-guide", |_| true),
        ),
        (
            "iam_user_guide_invalid",
            None,
            corpus_files("iam-user-guide-invalid", |_| true),
        ),
        (
            "scp_examples",
            Some("scp"),
            corpus_files("scp-examples", |_| true),
        ),
        (
            "data_perimeter_scp",
            Some("scp"),
            corpus_files("data-perimeter", |n| n.starts_with("service_control")),
        ),
        (
            "data_perimeter_rcp",
            Some("rcp"),
            corpus_files("data-perimeter", |n| n.starts_with("resource_control")),
        ),
    ];
    let mut endpoint = corpus_files("data-perimeter", |n| n.starts_with("vpc_endpoint"));
    assert_eq!(endpoint.len(), 10);
    let mut total = 0;
    for (name, kind, files) in groups.into_iter().chain([(
        "data_perimeter_endpoints",
        Some("resource"),
        std::mem::take(&mut endpoint),
    )]) {
        total += files.len();
        let mut args = vec![
            "validate".to_owned(),
            "--format".to_owned(),
            "json".to_owned(),
        ];
        if let Some(kind) = kind {
            args.extend(["--kind".to_owned(), kind.to_owned()]);
        }
        args.extend(files);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = iamgen(&args);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report = json(&output);
        // Nothing the catalogue holds is reported unknown.
        for finding in findings(&report) {
            if finding["code"] == "INVALID_ACTION" || finding["code"] == "INVALID_SERVICE_IN_ACTION"
            {
                let message = finding["message"].as_str().unwrap();
                let action = message
                    .split('`')
                    .nth(if finding["code"] == "INVALID_ACTION" {
                        1
                    } else {
                        3
                    })
                    .unwrap();
                assert!(
                    iamgen::catalog::catalog().action(action).is_none(),
                    "{name}: {action} is in the catalogue"
                );
            }
        }
        // One snapshot per input file, named after it, and one of the group's summary: a change in one policy's
        // findings shows in that file's snapshot alone.
        for file in report["files"].as_array().unwrap() {
            let path = file["path"].as_str().unwrap();
            let file_name = path.rsplit('/').next().unwrap();
            insta::with_settings!({ snapshot_suffix => file_name }, {
                insta::assert_json_snapshot!(format!("corpus_{name}"), file);
            });
        }
        assert_eq!(
            report.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["files", "summary"],
            "{name}: a part of the report that no snapshot holds"
        );
        insta::assert_json_snapshot!(format!("corpus_{name}_summary"), report["summary"]);
    }
    assert_eq!(total, 351, "every corpus file is in one group");
}

#[test]
fn an_unknown_allow_code_is_rejected_with_a_did_you_mean() {
    let policy = r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#;
    // Before the registry, the misspelt code was accepted and allowed nothing.
    let misspelt = "MISSING_VERSON"; // misspelt on purpose
    let output = iamgen_with_stdin(&["validate", "--allow", misspelt, "-"], policy);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("'--allow <CODE>'")
            && stderr
                .contains("unknown lint code `MISSING_VERSON`; did you mean `MISSING_VERSION`?"), // misspelt on purpose
        "{stderr}"
    );
    let output = iamgen_with_stdin(&["validate", "--allow", "MISSING_VERSION", "-"], policy);
    assert_eq!(output.status.code(), Some(0), "{}", described(&output));
}

#[test]
fn an_allow_cannot_silence_an_error_aws_refuses_the_policy_for() {
    let policy = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}}"#; // misspelt on purpose
    // Before, `--allow INVALID_ACTION` passed a policy whose action does not exist.
    let output = iamgen_with_stdin(&["validate", "--allow", "INVALID_ACTION", "-"], policy);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("'--allow <CODE>'")
            && stderr.contains("`INVALID_ACTION` cannot be allowed")
            && stderr.contains("fix the policy instead"),
        "{stderr}"
    );
}

/// `--fail-on` at each level against a policy whose worst finding is each severity: the exit status is 1
/// exactly when the finding is of that level or worse, 0 otherwise; the default is `error`.
#[test]
fn fail_on_fails_at_its_severity_and_above() {
    let statement = |extra: &str, action: &str, resource: &str| {
        format!(
            r#"{{{extra}"Statement":[{{"Effect":"Allow","Action":{action},"Resource":"{resource}"}}]}}"#
        )
    };
    let version = r#""Version":"2012-10-17","#;
    let object = "arn:aws:s3:::bucket/*";
    // Each policy with its only finding's severity, from the worst to the mildest, then a clean one.
    let policies = [
        (
            "error",
            format!(
                r#"{{{version}"Statement":[{{"Effect":"Alow","Action":"s3:GetObject","Resource":"{object}"}}]}}"#
            ),
        ),
        (
            "security_warning",
            statement(version, r#""iam:PassRole""#, "*"),
        ),
        ("warning", statement("", r#""s3:GetObject""#, object)),
        (
            "suggestion",
            statement(version, r#"["s3:GetObject","s3:GetObject"]"#, object),
        ),
        ("none", statement(version, r#""s3:GetObject""#, object)),
    ];
    let levels = ["error", "security-warning", "warning", "suggestion"];
    for (worst, policy) in &policies {
        let report = json(&iamgen_with_stdin(
            &["validate", "--kind", "identity", "--format", "json", "-"],
            policy,
        ));
        let severities: Vec<&str> = findings(&report)
            .iter()
            .map(|finding| finding["severity"].as_str().unwrap())
            .collect();
        let expected: &[&str] = if *worst == "none" { &[] } else { &[worst] };
        assert_eq!(severities, expected, "{policy}");
        let default = iamgen_with_stdin(&["validate", "--kind", "identity", "-"], policy);
        assert_eq!(
            default.status.code(),
            Some(i32::from(*worst == "error")),
            "default, {worst}"
        );
        for (rank, level) in levels.iter().enumerate() {
            let fails = levels
                .iter()
                .position(|l| l.replace('-', "_") == *worst)
                .is_some_and(|worst_rank| worst_rank <= rank);
            let output = iamgen_with_stdin(
                &["validate", "--kind", "identity", "--fail-on", level, "-"],
                policy,
            );
            assert_eq!(
                output.status.code(),
                Some(i32::from(fails)),
                "--fail-on {level} with a finding of severity {worst}"
            );
        }
    }
    // The JSON output's spelling is accepted too; anything else is a usage error.
    let output = iamgen_with_stdin(
        &["validate", "--fail-on", "security_warning", "-"],
        &policies[1].1,
    );
    assert_eq!(output.status.code(), Some(1));
    let output = iamgen_with_stdin(&["validate", "--fail-on", "warnings", "-"], &policies[1].1);
    assert_eq!(output.status.code(), Some(2));
    let help = iamgen(&["validate", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--fail-on <SEVERITY>"), "{help}");
    assert!(help.contains("[default: error]"), "{help}");
}

/// SARIF locations below the working directory are relative to it, under `%SRCROOT%`, which the run gives as
/// the directory's `file:` URI; a file outside it keeps an absolute `file:` URI. Names are percent-encoded.
#[test]
fn sarif_locations_are_relative_to_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().canonicalize().unwrap().join("work dir");
    let outside = dir.path().canonicalize().unwrap().join("elsewhere");
    let policy = std::fs::read(root().join("examples/scenario/StuzioProjectXPolicy.json")).unwrap();
    for folder in [work.join("policies/a b"), outside.clone()] {
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("p é.json"), &policy).unwrap();
    }
    let below = work.join("policies/a b/p é.json");
    let beside = outside.join("p é.json");
    let output = run(
        &[
            "validate",
            "--format",
            "sarif",
            // Absolute, relative with `.` and `..`, and outside the working directory.
            below.to_str().unwrap(),
            "./policies/../policies/a b/p é.json",
            beside.to_str().unwrap(),
        ],
        &work,
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", described(&output));
    let log = json(&output);
    crate::support::sarif::assert_valid_sarif(&log);
    let run = &log["runs"][0];
    let encoded_work = work.to_str().unwrap().replace(' ', "%20");
    assert_eq!(
        run["originalUriBaseIds"],
        serde_json::json!({ "%SRCROOT%": { "uri": format!("file://{encoded_work}/") } })
    );
    let relative =
        serde_json::json!({ "uri": "policies/a%20b/p%20%C3%A9.json", "uriBaseId": "%SRCROOT%" });
    let absolute = serde_json::json!({
        "uri": format!("file://{}/elsewhere/p%20%C3%A9.json", dir.path().canonicalize().unwrap().to_str().unwrap())
    });
    let artifacts: Vec<&Value> = run["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|artifact| &artifact["location"])
        .collect();
    // The file named twice is one artifact: SARIF wants them unique.
    assert_eq!(artifacts, [&relative, &absolute]);
    // Each result points where its artifact is.
    let located: Vec<&Value> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| &result["locations"][0]["physicalLocation"]["artifactLocation"])
        .collect();
    assert!(
        located.contains(&&relative) && located.contains(&&absolute),
        "{located:?}"
    );
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains(&format!("\"{}", work.display())),
        "no absolute path of the working directory leaks"
    );
}

/// A tree as users have them: policies beside templates, packages, build output and tool folders.
fn repository_tree(dir: &std::path::Path) {
    let policy = std::fs::read_to_string(root().join("tests/fixtures/simulate/identity.json"))
        .expect("a fixture policy");
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("a folder");
        std::fs::write(path, text).expect("written");
    };
    write("policies/read.json", &policy);
    write("policies/vendor/old.json", &policy);
    // Not entered: installed packages, hidden folders, CDK assets.
    for folder in [
        "node_modules/x",
        ".terraform/modules",
        ".git",
        "cdk.out/asset.1a2b",
    ] {
        write(&format!("{folder}/broken.json"), r#"{"Statement": "#);
    }
    // JSON that is not a policy, found by the walk.
    write("package.json", r#"{"name": "infra", "version": "1.0.0"}"#);
    write(
        "cdk.out/App.template.json",
        r#"{"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {}}}}"#,
    );
    write(
        "cfn/stack.json",
        r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}"#,
    );
    write("main.tf", "resource \"aws_iam_policy\" \"p\" {}\n");
    write("cfn/stack.yaml", "Resources: {}\n");
    // Links to folders above: followed, they would make the walk endless.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir, dir.join("policies/loop")).expect("a link");
        std::os::unix::fs::symlink("..", dir.join("cfn/up")).expect("a link");
    }
}

#[test]
fn a_repository_walk_reads_policies_and_says_what_it_left_out() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    repository_tree(dir.path());
    let path = dir.path().display().to_string();

    let report = report_of(&["validate", "--format", "json", &path], 0);
    let files: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|file| file["path"].as_str().expect("a path"))
        .collect();
    // The two policy files; the templates are read and hold no policy.
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(
        files.iter().all(|file| file.contains("/policies/")),
        "{files:?}"
    );

    let verbose = run(&["validate", "--verbose", &path], dir.path(), None);
    assert_eq!(verbose.status.code(), Some(0), "{}", described(&verbose));
    let said = String::from_utf8_lossy(&verbose.stderr).into_owned();
    for (left_out, why) in [
        ("node_modules", "installed packages"),
        (".terraform", "a hidden folder"),
        (".git", "a hidden folder"),
        ("asset.1a2b", "a CDK asset"),
        ("package.json", "not a policy"),
        ("stack.yaml", "not a CloudFormation template"),
        ("loop", "symbolic link"),
        ("up", "symbolic link"),
    ] {
        assert!(
            said.lines()
                .any(|line| line.contains(left_out) && line.contains(why)),
            "`{left_out}` ({why}) not said in:\n{said}"
        );
    }

    // Templates are read, not left out: the walk says nothing of them.
    for read in ["App.template.json", "stack.json", "main.tf"] {
        assert!(
            !said.lines().any(|line| line.contains(read)),
            "`{read}` is read, not left out:\n{said}"
        );
    }
    // `fmt` rewrites policy files only: without --verbose, one line says that templates were left out.
    let quiet = run(&["fmt", "--check", &path], dir.path(), None);
    let note = String::from_utf8_lossy(&quiet.stderr).into_owned();
    assert!(
        note.contains("4 CloudFormation or Terraform files were left out"),
        "{note}"
    );

    // --exclude leaves out more; a folder named is read even when the walk would not enter it.
    let excluded = report_of(
        &[
            "validate",
            "--format",
            "json",
            "--exclude",
            "*/vendor/*",
            &path,
        ],
        0,
    );
    assert_eq!(excluded["files"].as_array().expect("files").len(), 1);
    let hidden = dir.path().join(".git").display().to_string();
    let named = iamgen(&["validate", &hidden]);
    assert_eq!(named.status.code(), Some(1), "{}", described(&named));
    assert!(
        String::from_utf8_lossy(&named.stdout).contains("broken.json"),
        "a folder named is read: {}",
        described(&named)
    );
}

#[test]
fn the_main_jobs_output_validates_without_errors() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("out");
    let out = out.display().to_string();
    let generated = iamgen(&["generate", "--out", &out]);
    assert_eq!(
        generated.status.code(),
        Some(0),
        "{}",
        described(&generated)
    );
    let report = report_of(&["validate", "--format", "json", &out], 0);
    let errors: Vec<&Value> = findings(&report)
        .into_iter()
        .filter(|finding| finding["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The three policy files, and the policies of the Terraform and CloudFormation it generated.
    let entries = report["files"].as_array().expect("files");
    let in_templates: std::collections::BTreeSet<&str> = entries
        .iter()
        .filter(|entry| entry.get("resource").is_some())
        .filter_map(|entry| entry["path"].as_str())
        .map(|path| path.rsplit_once("/out/").map_or(path, |(_, below)| below))
        .collect();
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.get("resource").is_none())
            .count(),
        3,
        "{entries:#?}"
    );
    for template in [
        "terraform/stuzio.tf",
        "cloudformation/stuzio.yaml",
        "cloudformation/stuzio.json",
    ] {
        assert!(
            in_templates.contains(template),
            "{template} not read: {in_templates:?}"
        );
    }
}

/// `--stack` takes any spec, as `generate` does: the seed's misnamed bucket is caught against the hardened
/// example's stack; a spec that cannot be read is a usage error that says what `--stack` takes.
#[test]
fn a_policy_is_checked_against_any_spec() {
    let misnamed = "tests/fixtures/variants/StuzioProjectXPolicy-project-x.json";
    let report = report_of(
        &[
            "validate",
            "--format",
            "json",
            "--stack",
            "examples/hardened.toml",
            misnamed,
        ],
        1,
    );
    assert!(
        findings(&report)
            .iter()
            .any(|finding| finding["code"] == "UNDECLARED_BUCKET"),
        "{report:#}"
    );
    let missing = iamgen(&["validate", "--stack", "no-such-spec.toml", misnamed]);
    assert_eq!(missing.status.code(), Some(2));
    let said = String::from_utf8_lossy(&missing.stderr).into_owned();
    assert!(
        said.contains("no-such-spec.toml") && said.contains("help: --stack takes"),
        "{said}"
    );
}
