//! `iamgen validate` on Terraform and CloudFormation (#16): the policies inside templates, found as their own
//! tools would find them, checked as the kind their place gives them, with findings on the template's lines.
//!
//! Hand-written edge cases (`tests/fixtures/iac/edge/`) hold the reference scenario's mistakes written as users
//! write them; the real templates of `tests/fixtures/iac/corpus/` are counted against an independent census
//! (`scripts/iac-census.py`: HashiCorp's HCL parser and `PyYAML`), and `jsonencode` policies compared with what
//! HashiCorp's parser reads.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

use crate::support::cli::{described, iamgen};
use crate::support::sarif::assert_valid_sarif;
use crate::support::tools;

fn fixture(path: &str) -> String {
    tools::root()
        .join("tests/fixtures/iac")
        .join(path)
        .display()
        .to_string()
}

/// `validate --format json` on `paths`, with the exit status expected.
fn report(paths: &[&str], status: i32) -> Value {
    let mut args = vec!["validate", "--format", "json"];
    args.extend_from_slice(paths);
    let output = iamgen(&args);
    assert_eq!(output.status.code(), Some(status), "{}", described(&output));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

/// One line per finding: `file:line:column resource attribute code`, the file below `tests/fixtures/iac/`.
fn findings(report: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    for entry in report["files"].as_array().expect("files") {
        let path = entry["path"].as_str().expect("path");
        let path = path
            .split_once("tests/fixtures/iac/")
            .map_or(path, |(_, below)| below);
        for finding in entry["findings"].as_array().expect("findings") {
            lines.push(format!(
                "{path}:{}:{} {} {} {}",
                finding["line"],
                finding["column"],
                entry["resource"].as_str().unwrap_or("-"),
                entry["attribute"]
                    .as_str()
                    .filter(|a| !a.is_empty())
                    .unwrap_or("-"),
                finding["code"].as_str().expect("code"),
            ));
        }
    }
    lines.sort();
    lines
}

fn entry<'r>(report: &'r Value, resource: &str) -> &'r Value {
    report["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|entry| entry["resource"] == resource)
        .unwrap_or_else(|| panic!("no policy of {resource} in {report:#}"))
}

/// The seed's mistakes in a Terraform module as a user writes it: `project-x` against the declared
/// `com.stuzio.projectx`, typographic quotes in a heredoc, a misspelt action in a `file()`; and the forms with
/// unknowns (a heredoc's `${var.account_id}`, `dynamic` statements) give no finding of their own.
#[test]
fn terraform_edge_cases() {
    let report = report(&[&fixture("edge/terraform")], 1);
    assert_eq!(
        findings(&report),
        [
            // The trust names `Tory`; the module declares the user `Troy`.
            "edge/terraform/forms.tf:75:28 aws_iam_role.audit assume_role_policy UNDECLARED_PRINCIPAL",
            // A policy written as a JSON string: on the string's own column.
            "edge/terraform/forms.tf:7:95 aws_iam_user_policy.json_string policy INVALID_ACTION",
            // `081278057607` beside Stuzio's `081278057606`, named twice in the same file.
            "edge/terraform/forms.tf:89:27 aws_s3_bucket_policy.project policy ACCOUNT_ID_ONE_DIGIT_OFF",
            // `iam:*` on `*`: checked although the condition's value is unknown.
            "edge/terraform/main.tf:105:16 data.aws_iam_policy_document.dynamic - WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT",
            "edge/terraform/main.tf:106:18 data.aws_iam_policy_document.dynamic - PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
            "edge/terraform/main.tf:29:20 aws_iam_policy.project_x policy UNDECLARED_BUCKET",
            "edge/terraform/main.tf:50:21 aws_iam_role_policy.pasted policy INVALID_CHARACTER",
            "edge/terraform/main.tf:50:34 aws_iam_role_policy.pasted policy INVALID_CHARACTER",
            "edge/terraform/main.tf:86:18 data.aws_iam_policy_document.base - INVALID_ACTION",
            "edge/terraform/main.tf:86:18 data.aws_iam_policy_document.dynamic - INVALID_ACTION",
            "edge/terraform/policies/bucket.json.tftpl:6:34 aws_iam_policy.from_template policy INVALID_ACTION",
            "edge/terraform/policies/read.json:6:17 aws_iam_policy.from_file policy INVALID_ACTION",
        ],
        "{report:#}"
    );
    // Kinds from the places: a role's `assume_role_policy` is a trust policy; a document takes the kind of the
    // argument that uses it.
    assert_eq!(entry(&report, "aws_iam_role.consultant")["kind"], "trust");
    assert_eq!(
        entry(&report, "data.aws_iam_policy_document.dynamic")["kind"],
        "identity"
    );
    // The document as read: the heredoc's interpolation kept as written; the base document's statement merged
    // first (`source_policy_documents`), its bucket's ARN resolved from the module; the dynamic statement's
    // values as written.
    let trust = &entry(&report, "aws_iam_role.consultant")["document"];
    assert_eq!(
        trust["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::${var.account_id}:root"
    );
    let merged = &entry(&report, "data.aws_iam_policy_document.dynamic")["document"]["Statement"];
    assert_eq!(merged[0]["Sid"], "ReadProject");
    assert_eq!(
        merged[0]["Resource"][0],
        "arn:aws:s3:::com.stuzio.projectx/*"
    );
    assert_eq!(merged[1]["Action"], "${statement.value.actions}");
    assert_eq!(merged[2]["Sid"], "Wildcard");
    // The policy file a `file()` reads is checked once, as the kind its place gives it.
    let read_json: Vec<&Value> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter(|entry| {
            entry["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("read.json"))
        })
        .collect();
    assert_eq!(read_json.len(), 1, "{read_json:#?}");
}

/// The same mistakes in a CloudFormation template: `project-x`, typographic quotes, a misspelt action in the
/// branch of an `Fn::If` around a statement; a `!Sub` with a variable map resolves to the declared bucket, and
/// SAM's policy templates are named, not guessed.
#[test]
fn cloudformation_edge_cases() {
    let report = report(&[&fixture("edge/cloudformation")], 1);
    assert_eq!(
        findings(&report),
        [
            // The trust names `Tory`; the template declares the user `Troy`.
            "edge/cloudformation/template.yaml:102:20 Resources.AuditRole Properties.AssumeRolePolicyDocument UNDECLARED_PRINCIPAL",
            "edge/cloudformation/template.yaml:25:25 Resources.ConsultantRole Properties.AssumeRolePolicyDocument TRUST_ACCOUNT_WITHOUT_CONDITION",
            "edge/cloudformation/template.yaml:35:27 Resources.ConsultantRole Properties.Policies[0].PolicyDocument UNDECLARED_BUCKET",
            "edge/cloudformation/template.yaml:46:27 Resources.ConsultantRole Properties.Policies[0].PolicyDocument INVALID_ACTION",
            "edge/cloudformation/template.yaml:55:25 Resources.ConsultantRole Properties.Policies[1].PolicyDocument INVALID_ACTION_FORMAT",
        ],
        "{report:#}"
    );
    // The trust's account is a parameter: the finding says what it assumed.
    let trust = entry(&report, "Resources.ConsultantRole");
    let message = trust["findings"][0]["message"].as_str().expect("message");
    assert!(
        message.contains("`${TrustedAccount}` is an account id"),
        "{message}"
    );
    let policy = &report["files"].as_array().expect("files")[1]["document"];
    assert_eq!(
        policy["Statement"][1]["Resource"], "arn:${AWS::Partition}:s3:::com.stuzio.projectx",
        "{policy:#}"
    );
    assert_eq!(
        policy["Statement"][2]["Action"], "s3:DeleteObjects",
        "{policy:#}"
    );
    let sam = entry(&report, "Resources.Function");
    assert_eq!(sam["attribute"], "Properties.Policies[2]");
    assert_eq!(
        sam["findings"].as_array().expect("findings").len(),
        0,
        "{sam:#}"
    );

    let verbose = iamgen(&["validate", "--verbose", &fixture("edge/cloudformation")]);
    let said = String::from_utf8_lossy(&verbose.stderr);
    assert!(
        said.contains("names SAM policy template S3ReadPolicy"),
        "{said}"
    );
    assert!(
        said.contains("names managed policy AWSLambdaBasicExecutionRole"),
        "{said}"
    );
}

/// A plan's planned values, root and child modules: policies resolved, findings on the plan's line.
#[test]
fn terraform_plans() {
    let report = report(&[&fixture("edge/plan/plan.json")], 1);
    assert_eq!(
        findings(&report),
        ["edge/plan/plan.json:48:111 module.reader.aws_iam_policy.read policy INVALID_ACTION"]
    );
    assert_eq!(entry(&report, "aws_iam_role.app")["kind"], "trust");
    assert_eq!(
        entry(&report, "aws_organizations_policy.guard")["kind"],
        "scp"
    );
}

/// SARIF for templates: valid, on the template's line, with the resource as the logical location.
#[test]
fn sarif_names_the_resource() {
    let output = iamgen(&[
        "validate",
        "--format",
        "sarif",
        &fixture("edge/cloudformation"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", described(&output));
    let sarif: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_valid_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let undeclared = results
        .iter()
        .find(|r| r["ruleId"] == "UNDECLARED_BUCKET")
        .expect("the misnamed bucket");
    assert_eq!(
        undeclared["locations"][0]["physicalLocation"]["region"]["startLine"],
        35
    );
    assert_eq!(
        undeclared["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "Resources.ConsultantRole.Properties.Policies[0].PolicyDocument"
    );
}

/// Every template of the corpus is read (no crash, no parse failure), and the policies found are the ones an
/// independent census finds with HashiCorp's HCL parser and `PyYAML`, file by file, with their kinds.
#[test]
fn the_corpus_policies_match_the_census() {
    let output = iamgen(&["validate", "--format", "json", &fixture("corpus")]);
    assert_eq!(output.status.code(), Some(1), "{}", described(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("error:"), "{stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");

    let census: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("census.json")).expect("the census"))
            .expect("JSON");
    let mut expected: BTreeMap<String, BTreeSet<(String, String, String)>> = BTreeMap::new();
    for (path, policies) in census["files"].as_object().expect("files") {
        for policy in policies.as_array().expect("policies") {
            let kind = policy["kind"].as_str().expect("kind");
            expected.entry(path.clone()).or_default().insert((
                policy["address"].as_str().expect("address").to_owned(),
                policy["attribute"].as_str().expect("attribute").to_owned(),
                // A document's kind is its users'; the census does not follow uses.
                if kind == "document" {
                    String::new()
                } else {
                    kind.to_owned()
                },
            ));
        }
    }
    let mut found: BTreeMap<String, BTreeSet<(String, String, String)>> = BTreeMap::new();
    for entry in report["files"].as_array().expect("files") {
        let path = entry["path"].as_str().expect("path");
        let path = path
            .split_once("corpus/")
            .map_or(path, |(_, below)| below)
            .to_owned();
        let address = entry["resource"]
            .as_str()
            .expect("every corpus policy is in a template");
        let kind = if address.starts_with("data.") {
            String::new()
        } else {
            entry["kind"].as_str().expect("kind").to_owned()
        };
        let attribute = entry["attribute"].as_str().expect("attribute");
        let attribute = attribute
            .strip_prefix("Properties.")
            .unwrap_or(attribute)
            .to_owned();
        found
            .entry(path)
            .or_default()
            .insert((address.to_owned(), attribute, kind));
    }
    assert_eq!(found, expected);
    assert_eq!(census["total"], 452);
}

/// What iamgen reads of a `jsonencode(...)` policy equals the JSON HashiCorp's parser gives for its argument,
/// but where iamgen resolves a reference the module declares (the parser keeps `${...}`).
#[test]
fn jsonencode_reads_as_hashicorps_parser_does() {
    let Some((node, package)) = tools::hcl2json() else {
        tools::skipped("@cdktf/hcl2json is not installed (scripts/ci-tools.sh)");
        return;
    };
    let cases = [
        (
            "corpus/terraform/examples/iam-role-for-service-accounts/main.tf",
            "aws_iam_policy",
            "additional",
        ),
        ("edge/terraform/main.tf", "aws_iam_policy", "project_x"),
    ];
    let mut compared = 0;
    for (file, kind, name) in cases {
        let path = fixture(file);
        let hcl = hcl2json(
            &node,
            &package,
            &std::fs::read_to_string(&path).expect("the file"),
        );
        let written = hcl["resource"][kind][name][0]["policy"]
            .as_str()
            .expect("the policy argument");
        let argument = written
            .strip_prefix("${jsonencode(")
            .and_then(|rest| rest.strip_suffix(")}"))
            .unwrap_or_else(|| panic!("not a jsonencode: {written}"));
        let parsed = hcl2json(&node, &package, &format!("x = {argument}\n"))["x"].clone();
        let dir = std::path::Path::new(&path)
            .parent()
            .expect("a folder")
            .display()
            .to_string();
        let report = report(&[&dir], i32::from(file.starts_with("edge")));
        let read = &entry(&report, &format!("{kind}.{name}"))["document"];
        assert_equivalent(read, &parsed, "");
        compared += 1;
    }
    assert_eq!(compared, 2);
}

fn hcl2json(node: &std::path::Path, package: &std::path::Path, source: &str) -> Value {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("main.tf");
    std::fs::write(&file, source).expect("the .tf file");
    let output = tools::run(
        Command::new(node)
            .arg(tools::root().join("tests/support/hcl2json.js"))
            .arg(package)
            .arg(&file),
    );
    assert!(output.status.success(), "{}", tools::describe(&output));
    let parsed: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    parsed[file.to_str().expect("UTF-8")].clone()
}

fn assert_equivalent(read: &Value, parsed: &Value, at: &str) {
    match (read, parsed) {
        (Value::Object(read), Value::Object(parsed)) => {
            let keys: BTreeSet<&String> = read.keys().collect();
            assert_eq!(keys, parsed.keys().collect(), "keys at {at}");
            for (key, value) in read {
                assert_equivalent(value, &parsed[key], &format!("{at}/{key}"));
            }
        }
        (Value::Array(read), Value::Array(parsed)) => {
            assert_eq!(read.len(), parsed.len(), "items at {at}");
            for (index, (read, parsed)) in read.iter().zip(parsed).enumerate() {
                assert_equivalent(read, parsed, &format!("{at}/{index}"));
            }
        }
        // A reference the parser keeps as written: iamgen keeps it too, or resolves what the module declares.
        (Value::String(read), Value::String(parsed)) if parsed.contains("${") => {
            assert!(
                read == parsed || !read.contains("${"),
                "{read} for {parsed} at {at}"
            );
        }
        _ => assert_eq!(read, parsed, "at {at}"),
    }
}

/// Values only deploy time knows, in every place a policy has (principals, actions, conditions, whole
/// statements, `actions` beside `not_actions` as modules write them, bucket names, service names): no finding,
/// since nothing known is wrong; and every policy is still found.
#[test]
fn unknowns_give_no_false_findings() {
    let report = report(&[&fixture("edge/unknowns")], 0);
    assert_eq!(findings(&report), Vec::<String>::new(), "{report:#}");
    assert_eq!(report["files"].as_array().expect("files").len(), 8);
}

/// Every finding on the corpus, reviewed: AWS's sample templates misspell `s3:ReplicateTags`, give object
/// actions on bucket ARNs, and often leave out `Version`; the modules' examples keep a placeholder ARN
/// (`_S3_BUCKET_ARN_`) that they replace later. A change here is a finding gained or lost on real templates.
#[test]
fn the_corpus_findings() {
    let report = report(&[&fixture("corpus")], 1);
    insta::assert_snapshot!(findings(&report).join("\n"));
}

/// A CDK app's synthesized templates (`cdk.out/*.template.json`, with CDK's `Fn::Join` and `Fn::GetAtt`) are
/// read; its assets are not.
#[test]
fn cdk_synthesized_templates() {
    let report = report(&[&fixture("edge/cdk.out")], 1);
    assert_eq!(
        findings(&report),
        [
            "edge/cdk.out/ProjectStack.template.json:23:16 Resources.ConsultantRoleD8A3F1E2 Properties.AssumeRolePolicyDocument TRUST_ACCOUNT_WITHOUT_CONDITION",
            "edge/cdk.out/ProjectStack.template.json:84:20 Resources.ConsultantRoleDefaultPolicy4A6B2C3D Properties.PolicyDocument UNDECLARED_BUCKET",
        ]
    );
    // `Fn::GetAtt` of a bucket the template names is that bucket's ARN.
    let policy = &entry(&report, "Resources.ConsultantRoleDefaultPolicy4A6B2C3D")["document"];
    assert_eq!(
        policy["Statement"][0]["Resource"][1],
        "arn:aws:s3:::com.stuzio.projectx/*"
    );
}

/// A template its own tool refuses is an input error naming the place (exit 2), never a panic; a YAML whose
/// aliases copy aliases (a "billion laughs") is refused before it fills the memory.
#[test]
fn templates_that_cannot_be_read_say_where() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let broken = dir.path().join("main.tf");
    std::fs::write(
        &broken,
        "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n\n}\n",
    )
    .expect("the file");
    let output = iamgen(&["validate", broken.to_str().expect("UTF-8")]);
    assert_eq!(output.status.code(), Some(2), "{}", described(&output));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("as Terraform") && said.contains("main.tf:5:"),
        "{said}"
    );

    let mut laughs = vec![
        "AWSTemplateFormatVersion: '2010-09-09'".to_owned(),
        "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]".to_owned(),
    ];
    for level in 1..10 {
        let previous = vec![format!("*a{}", level - 1); 10].join(", ");
        laughs.push(format!("a{level}: &a{level} [{previous}]"));
    }
    laughs.push("Resources:\n  R:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument: *a9\n".to_owned());
    let path = dir.path().join("laughs.yaml");
    std::fs::write(&path, laughs.join("\n")).expect("the file");
    let output = iamgen(&["validate", path.to_str().expect("UTF-8")]);
    assert_eq!(output.status.code(), Some(2), "{}", described(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("billion laughs"),
        "{}",
        described(&output)
    );
}

/// The census the corpus test compares with is what the independent counter computes now (HashiCorp's parser
/// and `PyYAML`, `scripts/iac-census.py`), not a file left behind.
#[test]
fn the_census_is_what_the_counter_computes() {
    let (Some(python), Some(_)) = (tools::python_with_yaml(), tools::hcl2json()) else {
        tools::skipped("PyYAML or @cdktf/hcl2json is not installed (scripts/ci-tools.sh)");
        return;
    };
    let output = tools::run(
        Command::new(python)
            .arg(tools::root().join("scripts/iac-census.py"))
            .arg(fixture("corpus")),
    );
    assert!(output.status.success(), "{}", tools::describe(&output));
    let committed = std::fs::read_to_string(fixture("census.json")).expect("the census");
    assert!(
        String::from_utf8_lossy(&output.stdout) == committed,
        "tests/fixtures/iac/census.json is not what scripts/iac-census.py computes: regenerate it (see \
         tests/fixtures/iac/README.md)"
    );
}
