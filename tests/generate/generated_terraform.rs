//! The generated Terraform, read with hcl-rs: every `.tf` file survives parse → format → re-parse unchanged,
//! and the module is valid against the AWS provider's schema (`tests/fixtures/tf-schema-aws-iam.json`, the
//! provider 6.25 schema of the `aws_iam_*` and `aws_s3_bucket` types, with the bucket's public access block,
//! versioning, encryption and logging resources from `tests/fixtures/tf-schema-aws-extra.json`): resource
//! types, arguments, nested blocks,
//! required arguments, provider arguments, and every reference (`aws_iam_role.x.arn`, `var.y`, `aws.alias`).

use std::collections::BTreeMap;

use crate::support::stacks::Case;
use crate::support::terraform::{Module, Schema, TfFile, check_module, parse_files};
use crate::support::text::assert_contains_all;
use hcl::Body;

#[test]
fn every_tf_file_survives_parse_format_reparse() {
    for case in Case::both() {
        for TfFile { path, body, .. } in parse_files(&case) {
            let formatted = hcl::format::to_string(&body)
                .unwrap_or_else(|error| panic!("{}: {path} does not format: {error}", case.name));
            let reparsed: Body = hcl::parse(&formatted).unwrap_or_else(|error| {
                panic!(
                    "{}: {path} formatted by hcl-rs does not parse: {error}\n{formatted}",
                    case.name
                )
            });
            assert_eq!(
                reparsed, body,
                "{}: {path} changed through hcl-rs's formatter:\n{formatted}",
                case.name
            );
        }
    }
}

#[test]
fn the_schema_fixture_is_the_shared_one() {
    // The fixture is a copy of ../shared/data/tf-schema-aws-iam.json; where the shared folder is beside the
    // project (the developers' machines and CI), the copy must not drift from it.
    let shared = crate::support::tools::root().join("../shared/data/tf-schema-aws-iam.json");
    let fixture = crate::support::tools::root().join("tests/fixtures/tf-schema-aws-iam.json");
    let Ok(shared) = std::fs::read(&shared) else {
        crate::support::tools::skipped(&format!("{} is not there", shared.display()));
        return;
    };
    assert!(
        std::fs::read(&fixture).is_ok_and(|copy| copy == shared),
        "{} differs from the shared schema: copy it again",
        fixture.display()
    );
    assert_eq!(Schema::load().provider_version(), "6.25.0");
}

#[test]
fn the_module_is_valid_against_the_provider_schema() {
    let schema = Schema::load();
    for case in Case::all() {
        let module = Module::new(&parse_files(&case));
        let problems = check_module(&module, &schema);
        assert!(
            problems.is_empty(),
            "{}: the Terraform does not match the AWS provider {} schema:\n{}",
            case.name,
            schema.provider_version(),
            problems.join("\n")
        );
        assert_eq!(
            module.settings.len(),
            1,
            "{}: one `terraform` block",
            case.name
        );
    }
}

#[test]
fn the_schema_check_catches_what_it_should() {
    // The check above is only as good as what it rejects: a misspelt argument, an unknown resource type, a
    // missing required argument, an attribute the type does not export, an undeclared variable and an
    // undeclared provider alias.
    let text = r#"
provider "aws" {
  alias               = "stuzio"
  allowed_account_ids = [var.stuzio_account_id]
  regoin              = "us-east-1"
}

variable "stuzio_account_id" {
  type    = string
  default = 81278057606
}

resource "aws_iam_role" "r" {
  provider = aws.stuzio
  name     = "R"
}

resource "aws_iam_policy" "p" {
  provider = aws.acme
  nme      = "P"
  policy   = jsonencode({ Resource = aws_iam_role.r.amr, Principal = var.acme_account_id })
}

resource "aws_iam_rol" "x" {
  provider = aws.stuzio
}
"#;
    let file = TfFile {
        path: "bad.tf".to_owned(),
        text: text.to_owned(),
        body: hcl::parse(text).expect("the bad module parses"),
    };
    let problems = check_module(&Module::new(&[file]), &Schema::load()).join("\n");
    assert_contains_all(
        &problems,
        &[
            "`regoin` is not an argument",
            "resource aws_iam_role.r: the required argument `assume_role_policy` is missing",
            "`nme` is not an argument",
            "variable stuzio_account_id: the default is not of the variable's type",
            "`aws_iam_role.r.amr`: `aws_iam_role` has no attribute `amr`",
            "`var.acme_account_id` names no declared variable",
            "`aws.acme` names no provider alias",
            "`aws_iam_rol` is not a resource type",
        ],
    );
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs
        .iter()
        .map(|(kind, count)| ((*kind).to_owned(), *count))
        .collect()
}

#[test]
fn resource_counts_are_pinned() {
    let reference = Module::new(&parse_files(&Case::reference()));
    assert_eq!(
        reference.resource_counts(),
        counts(&[
            ("aws_iam_policy", 2),
            ("aws_iam_role", 1),
            ("aws_iam_role_policy_attachment", 1),
            ("aws_iam_user", 1),
            ("aws_iam_user_policy_attachment", 1),
        ])
    );
    // The scenario's bucket exists before the stack: read, not created.
    assert_eq!(
        reference.data.keys().collect::<Vec<_>>(),
        [&("aws_s3_bucket".to_owned(), "com_stuzio_projectx".to_owned())]
    );
    assert_eq!(
        reference.variables.len(),
        5,
        "region, deploy_role_name, two account ids, one duration"
    );
    assert_eq!(
        reference.outputs.len(),
        3,
        "the role's ARN and the two policies'"
    );
    assert_eq!(
        reference.providers.len(),
        2,
        "one aliased provider per account"
    );

    let hardened = Module::new(&parse_files(&Case::hardened()));
    assert_eq!(
        hardened.resource_counts(),
        counts(&[
            ("aws_iam_group", 1),
            ("aws_iam_group_policy_attachment", 1),
            ("aws_iam_policy", 3),
            ("aws_iam_role", 1),
            ("aws_iam_role_policy_attachment", 1),
            ("aws_iam_user_group_membership", 2),
            ("aws_s3_bucket", 1),
            ("aws_s3_bucket_logging", 1),
            ("aws_s3_bucket_public_access_block", 1),
            ("aws_s3_bucket_server_side_encryption_configuration", 1),
            ("aws_s3_bucket_versioning", 1),
        ])
    );
    // The two consultants exist already: read, not created.
    let data_sources: Vec<_> = hardened.data.keys().collect();
    assert_eq!(
        data_sources,
        [
            &("aws_iam_user".to_owned(), "abed".to_owned()),
            &("aws_iam_user".to_owned(), "troy".to_owned()),
        ]
    );
    assert_eq!(
        hardened.outputs.len(),
        4,
        "the role's ARN and the three policies'"
    );
}

/// A bucket that exists already is someone else's: the module reads it and writes nothing on it (no public access
/// block, no setting, no bucket policy), and no target writes a bucket policy at all (docs/spec.md, "Bucket
/// policies"): neither Terraform nor CloudFormation takes over the policy of a bucket iamgen does not own.
#[test]
fn nothing_is_written_on_a_bucket_that_exists_already() {
    for case in [
        Case::reference(),
        Case::of_stack("buckets", crate::support::stacks::with_bucket_settings()),
    ] {
        let existing: Vec<&str> = case
            .stack
            .buckets()
            .filter(|(_, bucket)| bucket.is_existing())
            .map(|(_, bucket)| bucket.name.as_str())
            .collect();
        assert!(!existing.is_empty(), "{}", case.name);
        let module = Module::new(&parse_files(&case));
        for name in &existing {
            let tf = iamgen::render::escape::snake_name(name);
            assert!(
                module
                    .data
                    .contains_key(&("aws_s3_bucket".to_owned(), tf.clone())),
                "{}: {name} is read",
                case.name
            );
            let written: Vec<&(String, String)> = module
                .resources
                .keys()
                .filter(|(kind, resource)| kind.starts_with("aws_s3_bucket") && *resource == tf)
                .collect();
            assert!(written.is_empty(), "{}: {name}: {written:?}", case.name);
        }
        assert!(
            !module
                .resources
                .keys()
                .any(|(kind, _)| kind == "aws_s3_bucket_policy"),
            "{}",
            case.name
        );
        for (path, text) in case.files("cloudformation/", ".json") {
            let template: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            for (id, resource) in template["Resources"].as_object().into_iter().flatten() {
                let kind = resource["Type"].as_str().unwrap_or_default();
                assert_ne!(kind, "AWS::S3::BucketPolicy", "{path}: {id}");
                if kind == "AWS::S3::Bucket" {
                    let name = resource["Properties"]["BucketName"]
                        .as_str()
                        .unwrap_or_default();
                    assert!(!existing.contains(&name), "{path}: {id} creates {name}");
                }
            }
        }
    }
}
