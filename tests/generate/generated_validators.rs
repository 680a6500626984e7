//! The generated output through real validators, for the reference scenario and the hardened variant:
//!
//! - `cfn-lint` on every CloudFormation template (YAML, JSON, the StackSet template, and the template inside
//!   the StackSet's `TemplateBody`): no error, no warning;
//! - HashiCorp's HCL parser (`@cdktf/hcl2json`) on every `.tf` file: it parses, and declares the same resources,
//!   variables, outputs and provider aliases, with the same arguments, as hcl-rs reads;
//! - `terraform fmt -check` on every `.tf` file of the scenario, the examples' specs and hostile stacks: the
//!   generated Terraform is already formatted as Terraform formats it;
//! - `checkov --skip-download` on both outputs: no parsing error; on the hardened variant, no failed IAM check
//!   but the two accepted below; on the hardened example's bucket, no failed check but those of what a spec
//!   cannot set, and each setting left off fails exactly its own checks.
//!
//! The tools are installed by `scripts/ci-tools.sh` into `target/ci-tools/`. A missing tool fails the test in
//! CI and skips the check elsewhere (see `support::tools`). Each tool runs once for all the files it checks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::cloudformation::stackset_bodies;
use crate::support::stacks::Case;
use crate::support::terraform::{Module, parse_files};
use crate::support::tools::{self, describe, run};
use iamgen::render::escape::snake_name;
use serde_json::Value as Json;

/// Writes the template inside each StackSet's `TemplateBody` next to the output, under `stackset-bodies/`, so
/// that the validators see it as CloudFormation sees it when the StackSet deploys it; returns the paths.
fn extract_stackset_bodies(case: &Case) -> Vec<PathBuf> {
    let dir = case.path().join("stackset-bodies");
    std::fs::create_dir_all(&dir).expect("a directory for the StackSet bodies");
    let mut paths = Vec::new();
    for (path, text) in case.files("cloudformation/stackset-", ".yaml") {
        let outer: Json = serde_norway::from_str(&text)
            .unwrap_or_else(|error| panic!("{}: {path}: {error}", case.name));
        for (id, body) in stackset_bodies(&outer, &path) {
            let stem = Path::new(&path)
                .file_stem()
                .and_then(|stem| stem.to_str())
                .unwrap_or("stackset");
            let target = dir.join(format!("{stem}.{id}.json"));
            std::fs::write(
                &target,
                serde_json::to_string_pretty(&body).expect("a JSON value prints"),
            )
            .expect("the StackSet body is written");
            paths.push(target);
        }
    }
    assert!(!paths.is_empty(), "{}: no StackSet template", case.name);
    paths
}

/// A template cfn-lint must reject, run with the others: proof that the linter ran and reports errors.
const CANARY_TEMPLATE: &str = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Canary:\n    Type: \"AWS::IAM::Role\"\n    Properties:\n      RoleNam: \"canary\"\n";

/// A file `name` holding `text` (a canary: a mistake the validator must report, to show it is working) in a
/// directory of its own, which lives as long as the returned handle.
fn canary(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("iamgen-canary-")
        .tempdir()
        .expect("a temporary directory");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("the canary is written");
    (dir, path)
}

#[test]
fn cloudformation_passes_cfn_lint_without_errors_or_warnings() {
    let Some(cfn_lint) = tools::cfn_lint() else {
        return;
    };
    let cases = Case::all();
    let mut templates = Vec::new();
    for case in &cases {
        let mut own = case.paths("cloudformation/", ".yaml");
        own.extend(case.paths("cloudformation/", ".json"));
        assert!(
            own.len() >= 5,
            "{}: YAML and JSON for two accounts and a StackSet: {own:?}",
            case.name
        );
        own.extend(extract_stackset_bodies(case));
        templates.extend(own);
    }
    let (_canary_dir, canary) = canary("canary.yaml", CANARY_TEMPLATE);

    // No rule is ignored: the templates pass every rule cfn-lint enables by default, informational ones too.
    let output = run(Command::new(&cfn_lint)
        .args(["--format", "json", "--"])
        .args(&templates)
        .arg(&canary));
    let matches: Vec<Json> = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "cfn-lint did not print JSON ({error}):\n{}",
            describe(&output)
        )
    });
    let (canary_matches, problems): (Vec<&Json>, Vec<&Json>) = matches.iter().partition(|m| {
        m["Filename"]
            .as_str()
            .is_some_and(|f| f.ends_with("canary.yaml"))
    });
    assert!(
        canary_matches
            .iter()
            .any(|m| m["Level"] == "Error" && m["Rule"]["Id"] == "E3002"),
        "cfn-lint did not report the canary's misspelt property: is it working?\n{}",
        describe(&output)
    );
    let report: Vec<String> = problems
        .iter()
        .map(|m| {
            format!(
                "{} {} {}:{}: {}",
                m["Level"].as_str().unwrap_or_default(),
                m["Rule"]["Id"].as_str().unwrap_or_default(),
                m["Filename"].as_str().unwrap_or_default(),
                m["Location"]["Start"]["LineNumber"],
                m["Message"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert!(
        report.is_empty(),
        "cfn-lint findings on {} templates:\n{}",
        templates.len(),
        report.join("\n")
    );
}

/// A `.tf` file HashiCorp's parser must reject, parsed with the others.
const CANARY_TF: &str = "resource \"aws_iam_user\" \"canary\" {\n  name = \"unterminated\n}\n";

#[test]
fn terraform_parses_with_hashicorps_parser_and_declares_what_hcl_rs_reads() {
    let Some((node, package)) = tools::hcl2json() else {
        return;
    };
    let script = tools::root().join("tests/support/hcl2json.js");
    let cases = Case::all();
    let mut files: Vec<(String, &Case, String)> = Vec::new();
    for case in &cases {
        for (relative, _) in case.files("terraform/", ".tf") {
            let absolute = case.path().join(&relative).display().to_string();
            files.push((absolute, case, relative));
        }
    }
    let (_canary_dir, canary) = canary("canary.tf", CANARY_TF);

    let output = run(Command::new(&node)
        .arg(&script)
        .arg(&package)
        .args(files.iter().map(|(absolute, _, _)| absolute))
        .arg(&canary));
    assert!(
        output.status.success(),
        "hcl2json failed:\n{}",
        describe(&output)
    );
    let parsed: BTreeMap<String, Json> =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
            panic!(
                "hcl2json did not print JSON ({error}):\n{}",
                describe(&output)
            )
        });
    assert!(
        parsed[&canary.display().to_string()].get("error").is_some(),
        "HashiCorp's parser accepted the canary: is it working?"
    );

    for case in &cases {
        let mut hashicorp = Declarations::default();
        for (absolute, _, relative) in files.iter().filter(|(_, c, _)| std::ptr::eq(*c, case)) {
            let json = &parsed[absolute];
            assert!(
                json.get("error").is_none(),
                "{}: {relative} does not parse with HashiCorp's parser: {}",
                case.name,
                json["error"]
            );
            hashicorp.add_hcl2json(json, &format!("{}: {relative}", case.name));
        }
        let hcl_rs = Declarations::of_module(&Module::new(&parse_files(case)));
        assert_eq!(
            hashicorp, hcl_rs,
            "{}: HashiCorp's parser and hcl-rs disagree",
            case.name
        );
        let accounts: BTreeSet<String> = case
            .stack
            .accounts()
            .map(|(_, account)| snake_name(&account.name))
            .collect();
        assert_eq!(
            hashicorp.aliases, accounts,
            "{}: one provider alias per account",
            case.name
        );
    }
}

/// What a module declares, as two parsers can both tell: resources with their argument and block names,
/// variables, outputs and provider aliases.
#[derive(Debug, Default, PartialEq, Eq)]
struct Declarations {
    resources: BTreeMap<(String, String), BTreeSet<String>>,
    variables: BTreeSet<String>,
    outputs: BTreeSet<String>,
    aliases: BTreeSet<String>,
}

impl Declarations {
    /// Adds what hcl2json found in one file.
    fn add_hcl2json(&mut self, json: &Json, origin: &str) {
        for (kind, named) in json["resource"].as_object().into_iter().flatten() {
            for (name, bodies) in named.as_object().into_iter().flatten() {
                let [body] = bodies.as_array().map(Vec::as_slice).unwrap_or_default() else {
                    panic!("{origin}: resource {kind}.{name} is declared more than once");
                };
                let keys = body
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k.clone())
                    .collect();
                assert!(
                    self.resources
                        .insert((kind.clone(), name.clone()), keys)
                        .is_none(),
                    "{origin}: resource {kind}.{name} is declared twice"
                );
            }
        }
        let names = |key: &str| -> Vec<String> {
            json[key]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect()
        };
        self.variables.extend(names("variable"));
        self.outputs.extend(names("output"));
        for provider in json["provider"]["aws"].as_array().into_iter().flatten() {
            self.aliases
                .insert(provider["alias"].as_str().unwrap_or_default().to_owned());
        }
    }

    /// What hcl-rs found.
    fn of_module(module: &Module) -> Declarations {
        Declarations {
            resources: module
                .resources
                .iter()
                .map(|(key, declared)| {
                    let body = declared.block.body();
                    let keys = body
                        .attributes()
                        .map(|a| a.key().to_owned())
                        .chain(body.blocks().map(|b| b.identifier().to_owned()))
                        .collect();
                    (key.clone(), keys)
                })
                .collect(),
            variables: module.variables.keys().cloned().collect(),
            outputs: module.outputs.keys().cloned().collect(),
            aliases: module
                .providers
                .keys()
                .map(|(_, alias)| alias.clone())
                .collect(),
        }
    }
}

/// checkov's JSON report: one object per framework, or a list of them.
fn checkov_reports(output: &std::process::Output) -> Vec<Json> {
    let json: Json = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "checkov did not print JSON ({error}):\n{}",
            describe(output)
        )
    });
    match json {
        Json::Array(reports) => reports,
        report => vec![report],
    }
}

fn run_checkov(checkov: &Path, dir: &Path) -> Vec<Json> {
    let output = run(Command::new(checkov)
        .arg("--directory")
        .arg(dir)
        .args([
            "--skip-download",
            "--framework",
            "terraform",
            "cloudformation",
        ])
        .args(["--output", "json"]));
    // Exit status 1 means failed checks, which are judged below; anything else is a failure to run.
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "checkov failed to run:\n{}",
        describe(&output)
    );
    checkov_reports(&output)
}

/// checkov's checks that a bucket blocks public access (block and ignore public ACLs, block public policies,
/// restrict public buckets) and grants nothing to everyone through ACLs, on Terraform and CloudFormation alike.
const PUBLIC_ACCESS_CHECKS: &[&str] = &[
    "CKV_AWS_53",
    "CKV_AWS_54",
    "CKV_AWS_55",
    "CKV_AWS_56",
    "CKV_AWS_20",
    "CKV_AWS_57",
];
/// Terraform only: the bucket has an `aws_s3_bucket_public_access_block` at all.
const TERRAFORM_PUBLIC_ACCESS_CHECKS: &[&str] = &["CKV2_AWS_6"];

/// Both variants' buckets are private: checkov runs its public-access checks on `framework`, and every one passes.
fn assert_public_access_checks_pass(case: &str, framework: &str, results: &Json) {
    let ids = |list: &str| -> BTreeSet<String> {
        results[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["check_id"].as_str().map(str::to_owned))
            .collect()
    };
    let (passed, failed) = (ids("passed_checks"), ids("failed_checks"));
    let terraform_only = if framework == "terraform" {
        TERRAFORM_PUBLIC_ACCESS_CHECKS
    } else {
        &[]
    };
    for id in PUBLIC_ACCESS_CHECKS.iter().chain(terraform_only) {
        assert!(
            passed.contains(*id) && !failed.contains(*id),
            "{case}: checkov's {id} on {framework}: passed {}, failed {}",
            passed.contains(*id),
            failed.contains(*id)
        );
    }
}

#[test]
fn checkov_parses_everything_sees_private_buckets_and_passes_every_iam_check_on_the_hardened_variant()
 {
    let Some(checkov) = tools::checkov() else {
        return;
    };
    for case in Case::both() {
        extract_stackset_bodies(&case);
        let reports = run_checkov(&checkov, case.path());
        let frameworks: BTreeSet<&str> = reports
            .iter()
            .filter_map(|r| r["check_type"].as_str())
            .collect();
        assert_eq!(
            frameworks,
            BTreeSet::from(["cloudformation", "terraform"]),
            "{}: checkov scanned both frameworks",
            case.name
        );
        for report in &reports {
            let framework = report["check_type"].as_str().unwrap_or_default();
            let summary = &report["summary"];
            assert_eq!(
                summary["parsing_errors"], 0,
                "{}: checkov could not parse some {framework} files: {}",
                case.name, report["results"]["parsing_errors"]
            );
            assert!(
                summary["resource_count"].as_u64().unwrap_or(0) > 0,
                "{}: checkov found no {framework} resource",
                case.name
            );
            let results = &report["results"];
            // The scenario's bucket exists already: the stack creates none, and checkov has no bucket to judge.
            if case
                .stack
                .buckets()
                .any(|(_, bucket)| !bucket.is_existing())
            {
                assert_public_access_checks_pass(case.name, framework, results);
            }
            if case.name != "hardened" {
                continue;
            }
            let is_iam = |resource: &str| {
                resource.starts_with("aws_iam_") || resource.starts_with("AWS::IAM::")
            };
            let checked_iam: BTreeSet<String> = results["passed_checks"]
                .as_array()
                .into_iter()
                .flatten()
                .chain(results["failed_checks"].as_array().into_iter().flatten())
                .filter(|c| is_iam(c["resource"].as_str().unwrap_or_default()))
                .map(|c| c["check_id"].as_str().unwrap_or_default().to_owned())
                .collect();
            assert!(
                !checked_iam.is_empty(),
                "{}: checkov ran no IAM check on {framework}",
                case.name
            );
            let mut unexpected = Vec::new();
            for failed in results["failed_checks"].as_array().into_iter().flatten() {
                let id = failed["check_id"].as_str().unwrap_or_default();
                let resource = failed["resource"].as_str().unwrap_or_default();
                if !is_iam(resource) {
                    // The bucket's settings are judged on the hardened example, below.
                    continue;
                }
                unexpected.push(format!(
                    "{id} {resource} ({}): {}",
                    failed["file_path"].as_str().unwrap_or_default(),
                    failed["check_name"].as_str().unwrap_or_default()
                ));
            }
            assert!(
                unexpected.is_empty(),
                "{}: failed IAM checks on {framework} (IAM checks run: {checked_iam:?}):\n{}",
                case.name,
                unexpected.join("\n")
            );
            // Nothing passes by being skipped: the generator writes no `checkov:skip` suppressions.
            let skipped: Vec<&str> = results["skipped_checks"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["check_id"].as_str())
                .collect();
            assert!(
                skipped.is_empty(),
                "{}: checks skipped on {framework}: {skipped:?}",
                case.name
            );
        }
    }
}

/// checkov's bucket checks that no setting of a spec answers, by framework: iamgen offers no lifecycle rules,
/// event notifications or cross-region replication (docs/spec.md says so). checkov runs none of the three on
/// CloudFormation.
const UNOFFERED_BUCKET_CHECKS: &[(&str, &str)] = &[
    ("terraform", "CKV2_AWS_61"),
    ("terraform", "CKV2_AWS_62"),
    ("terraform", "CKV_AWS_144"),
];

/// Each bucket setting of the hardened example, how the spec leaves it off, and the checks (by framework) that
/// then fail: and only then. checkov has no KMS check on CloudFormation buckets.
type LeaveOff = fn(&str) -> String;
/// `(framework, check)` pairs.
type Checks = &'static [(&'static str, &'static str)];
const BUCKET_SETTINGS: &[(&str, LeaveOff, Checks)] = &[
    (
        "logging",
        |spec| spec.replace("logging = { bucket = \"com.stuzio.logs\" }\n", ""),
        &[
            ("cloudformation", "CKV_AWS_18"),
            ("terraform", "CKV_AWS_18"),
        ],
    ),
    (
        "versioning",
        |spec| {
            spec.replace(
                "logging = { bucket = \"com.stuzio.logs\" }\n",
                "logging = { bucket = \"com.stuzio.logs\" }\nversioning = false\n",
            )
        },
        &[
            ("cloudformation", "CKV_AWS_21"),
            ("terraform", "CKV_AWS_21"),
        ],
    ),
    (
        "kms_key",
        |spec| {
            let line = spec
                .lines()
                .find(|line| line.starts_with("kms_key = "))
                .expect("the bucket's kms_key");
            spec.replace(&format!("{line}\n"), "")
        },
        &[("terraform", "CKV_AWS_145")],
    ),
];

/// The failed checks on buckets (`aws_s3_bucket*`, `AWS::S3::Bucket`) by the output folder they were found in
/// and framework.
fn failed_bucket_checks(reports: &[Json]) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut found: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for report in reports {
        let framework = report["check_type"].as_str().unwrap_or_default();
        assert_eq!(
            report["summary"]["parsing_errors"], 0,
            "checkov could not parse some {framework} files: {}",
            report["results"]["parsing_errors"]
        );
        for failed in report["results"]["failed_checks"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let resource = failed["resource"].as_str().unwrap_or_default();
            if !(resource.starts_with("aws_s3_bucket") || resource.starts_with("AWS::S3::Bucket")) {
                continue;
            }
            let folder = failed["file_path"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            found
                .entry((folder, framework.to_owned()))
                .or_default()
                .insert(failed["check_id"].as_str().unwrap_or_default().to_owned());
        }
    }
    found
}

/// checkov on the hardened example, whose bucket sets every setting a spec offers, and on the example with each
/// setting left off in turn: the bucket findings left on the example are only those of what iamgen does not
/// offer, and leaving a setting off brings exactly its own findings back (issue #17).
#[test]
fn checkov_finds_on_the_hardened_examples_bucket_only_what_the_spec_leaves_off() {
    let Some(checkov) = tools::checkov() else {
        return;
    };
    let path = tools::root().join("examples/hardened.toml");
    let example = std::fs::read_to_string(&path).expect("the hardened example");
    let dir = tempfile::Builder::new()
        .prefix("iamgen-bucket-settings-")
        .tempdir()
        .expect("a temporary directory");
    let mut variants = vec![("hardened".to_owned(), example.clone())];
    for (setting, leave_off, _) in BUCKET_SETTINGS {
        let spec = leave_off(&example);
        assert_ne!(spec, example, "{setting}: the example sets it");
        variants.push((format!("without-{setting}"), spec));
    }
    for (name, spec) in &variants {
        let stack = iamgen::stack::spec::from_toml_at(spec, path.parent().expect("a folder"))
            .unwrap_or_else(|error| panic!("{name}: {}", error.message()));
        iamgen::render::render(&stack, &iamgen::render::Target::ALL)
            .unwrap_or_else(|error| panic!("{name}: {error}"))
            .write_to(&dir.path().join(name))
            .expect("the output is written");
    }
    let found = failed_bucket_checks(&run_checkov(&checkov, dir.path()));
    for (name, _) in &variants {
        for framework in ["cloudformation", "terraform"] {
            let left_off = BUCKET_SETTINGS
                .iter()
                .find(|(setting, _, _)| *name == format!("without-{setting}"))
                .map_or(&[][..], |(_, _, checks)| *checks);
            let expected: BTreeSet<String> = UNOFFERED_BUCKET_CHECKS
                .iter()
                .chain(left_off)
                .filter(|(on, _)| *on == framework)
                .map(|(_, id)| (*id).to_owned())
                .collect();
            let failed = found
                .get(&(name.clone(), framework.to_owned()))
                .cloned()
                .unwrap_or_default();
            assert_eq!(
                failed, expected,
                "{name}: checkov's failed bucket checks on {framework}"
            );
        }
    }
}

/// `terraform fmt -check` leaves every generated `.tf` as it is: the reference scenario, the hardened and inline
/// variants, the examples' specs, and stacks with hostile text everywhere (issue #17: `policy   =
/// jsonencode({` was aligned with its neighbours, which `terraform fmt` undoes).
#[test]
fn terraform_fmt_leaves_every_generated_tf_as_it_is() {
    let Some(terraform) = tools::terraform() else {
        return;
    };
    let mut cases: Vec<Case> = Case::all().into_iter().collect();
    for spec in ["examples/cross_account.toml", "examples/hardened.toml"] {
        let path = tools::root().join(spec);
        let text = std::fs::read_to_string(&path).expect("the example spec");
        let stack = iamgen::stack::spec::from_toml_at(&text, path.parent().expect("a folder"))
            .unwrap_or_else(|error| panic!("{spec}: {}", error.message()));
        cases.push(Case::of_stack("example", stack));
    }
    for seed in 0..12 {
        let stack = crate::generated_injection::generate(&mut crate::support::rng::Rng::new(seed));
        // A stack that does not render is reported by the injection tests.
        if iamgen::render::render(&stack, &iamgen::render::Target::ALL).is_ok() {
            cases.push(Case::of_stack("hostile", stack));
        }
    }
    assert!(
        cases.len() >= 10,
        "too few hostile stacks render: {}",
        cases.len()
    );
    let mut checked = 0;
    for case in &cases {
        let dir = case.path().join("terraform");
        let output = run(Command::new(&terraform)
            .args(["fmt", "-check", "-diff", "-recursive"])
            .arg(&dir));
        assert!(
            output.status.success(),
            "{}: `terraform fmt -check` would change the generated Terraform:\n{}",
            case.name,
            describe(&output)
        );
        checked += case.files("terraform/", ".tf").len();
    }
    assert!(checked > 20, "{checked} files");
}
