//! The macros at run time: the reference scenario written in Rust produces exactly the scenario's policies,
//! every example policy and role is pinned as a reviewed snapshot, and bad field values are errors.

#[allow(
    dead_code,
    unreachable_pub,
    reason = "the example's `main` is exercised by `cargo run --example scenario`, and its items are the \
              example's public API; here they are a module of the test"
)]
#[path = "../../examples/scenario.rs"]
mod scenario;

use self::scenario::{AcmeClientAssumeRolePolicy, StuzioAcmeConsultantRole, StuzioProjectXPolicy};
use iamgen::{AccountId, BucketName, BuildError, Policy, Role};

fn read(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/examples/scenario/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn value(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn the_scenario_in_rust_is_the_scenario() {
    let permissions = StuzioProjectXPolicy {
        bucket: scenario::project_bucket(),
    }
    .to_json()
    .unwrap();
    assert_eq!(value(&permissions), value(&read("StuzioProjectXPolicy")));
    assert_eq!(
        permissions,
        read("StuzioProjectXPolicy"),
        "canonical text too"
    );

    let trust = StuzioAcmeConsultantRole::TRUST.json();
    assert_eq!(value(trust), value(&read("StuzioAcmeConsultantRole-trust")));
    assert_eq!(trust, read("StuzioAcmeConsultantRole-trust"));

    let assume = AcmeClientAssumeRolePolicy.to_json().unwrap();
    assert_eq!(value(&assume), value(&read("AcmeClientAssumeRolePolicy")));
    assert_eq!(assume, read("AcmeClientAssumeRolePolicy"));

    assert_eq!(
        StuzioAcmeConsultantRole::ARN,
        "arn:aws:iam::081278057606:role/StuzioAcmeConsultantRole"
    );
    assert_eq!(StuzioAcmeConsultantRole::POLICIES, ["StuzioProjectXPolicy"]);
}

#[test]
fn the_rust_scenario_equals_the_built_in_stack() {
    let stack = iamgen::stack::Stack::reference_scenario();
    let role = stack.role_by_name(StuzioAcmeConsultantRole::NAME).unwrap();
    assert_eq!(stack.role_arn(role), StuzioAcmeConsultantRole::ARN);
    assert_eq!(
        stack.role(role).trust,
        StuzioAcmeConsultantRole::TRUST.document()
    );
    let policy = stack.policy_by_name(StuzioProjectXPolicy::NAME).unwrap();
    let permissions = StuzioProjectXPolicy {
        bucket: scenario::project_bucket(),
    }
    .document()
    .unwrap();
    assert_eq!(stack.policy(policy).document, permissions);
}

#[test]
fn example_policies_and_roles_are_pinned() {
    insta::assert_snapshot!(
        "StuzioProjectXPolicy",
        StuzioProjectXPolicy {
            bucket: scenario::project_bucket()
        }
        .to_json()
        .unwrap()
    );
    insta::assert_snapshot!(
        "StuzioProjectXPolicy_template",
        StuzioProjectXPolicy::TEMPLATE
    );
    insta::assert_snapshot!(
        "AcmeClientAssumeRolePolicy",
        AcmeClientAssumeRolePolicy.to_json().unwrap()
    );
    insta::assert_snapshot!(
        "StuzioAcmeConsultantRole_trust",
        StuzioAcmeConsultantRole::TRUST.json()
    );
    let hardened = iamgen::policy!(trust {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": { "AWS": "arn:aws:iam::183438944504:root" },
            "Action": "sts:AssumeRole",
            "Condition": {
                "ArnEquals": { "aws:PrincipalArn": "arn:aws:iam::183438944504:user/Troy" },
                "Bool": { "aws:MultiFactorAuthPresent": "true" }
            }
        }
    });
    insta::assert_snapshot!("hardened_trust", hardened.json());
}

#[derive(Debug, Policy)]
#[statement(
    action = "iam:GetRole",
    resource = "arn:aws:iam::{account}:role/{name}"
)]
struct GetRole {
    account: String,
    name: String,
}

#[derive(Debug, Policy)]
#[statement(action = "s3:GetObject", resource = "arn:aws:s3:::{bucket}/*")]
struct ReadBucket {
    bucket: String,
}

#[test]
fn bad_values_are_errors_not_panics() {
    let good = GetRole {
        account: "081278057606".into(),
        name: "Reader".into(),
    };
    assert!(good.document().is_ok());

    let short = GetRole {
        account: "81278057606".into(),
        name: "Reader".into(),
    };
    let Err(BuildError::Invalid { findings, .. }) = short.document() else {
        panic!("rejected")
    };
    assert_eq!(findings[0].code, "INVALID_ARN_ACCOUNT");

    let injected = GetRole {
        account: "081278057606".into(),
        name: "R\", \"Effect\": \"Deny".into(),
    };
    assert!(matches!(
        injected.document(),
        Err(BuildError::InvalidValue { field: "name", .. })
    ));

    let bucket = BucketName::new("Com.Stuzio");
    assert!(bucket.is_err());
    let typed = AccountId::parse("81278057606");
    assert!(typed.is_err());

    // A plain string is not checked for bucket rules, but what reaches the policy still must not break it.
    let braces = ReadBucket {
        bucket: "a{b}c".into(),
    };
    assert!(matches!(
        braces.document(),
        Err(BuildError::InvalidValue { .. })
    ));
    let error = braces.document().unwrap_err().to_string();
    assert!(
        error.contains("`bucket`") && error.contains("ReadBucket"),
        "{error}"
    );
}
