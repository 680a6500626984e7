//! The spec's top-level `stack` key.

use super::{from_toml, scenario_accounts};

const ACCOUNT: &str = "[[account]]\nname = \"Stuzio\"\nid = \"081278057606\"\n";

#[test]
fn a_spec_names_its_stack() {
    let stack = from_toml(&format!("stack = \"payments\"\n\n{ACCOUNT}")).expect("a valid spec");
    assert_eq!(stack.name(), Some("payments"));
    let unnamed = from_toml(ACCOUNT).expect("a valid spec");
    assert_eq!(unnamed.name(), None);
}

#[test]
fn a_stack_name_that_is_no_tag_value_is_an_error_at_the_name() {
    for (name, message) in [
        (
            "a,b",
            "the stack name `a,b` contains `,`, which IAM does not allow",
        ),
        ("", "the stack name is empty"),
    ] {
        let text = format!("stack = \"{name}\"\n{ACCOUNT}");
        let error = from_toml(&text).expect_err("not a tag value");
        assert_eq!(error.code(), "INVALID_NAME");
        assert_eq!(error.message(), message);
        assert_eq!(error.position().to_string(), "1:9");
        assert!(
            error
                .help()
                .is_some_and(|help| help.contains("iamgen:stack")),
            "{error}"
        );
    }
    let long = "x".repeat(257);
    let error = from_toml(&format!("stack = \"{long}\"\n{ACCOUNT}")).expect_err("too long");
    assert!(error.message().contains("more than IAM's 256"), "{error}");
}

#[test]
fn the_stack_key_is_a_string() {
    let error = from_toml(&format!("stack = 1\n{ACCOUNT}")).expect_err("not a string");
    assert_eq!(error.position().to_string(), "1:9");
}

const DOCUMENT: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}}"#;
const TRUST: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}"#;
const PATTERN: &str = concat!(
    "\n",
    scenario_accounts!(),
    r#"
[cross_account]
trusting = "Stuzio"
role.name = "StuzioAuditRole"

[[cross_account.trusted]]
account = "Acme"
whole_account = true
"#
);

/// A spec with an item of every kind, besides the pattern's.
fn full_spec() -> String {
    format!(
        r#"stack = "payments"
{PATTERN}
[[policy]]
name = "List"
account = "Stuzio"
path = "/team/"
description = "lists buckets"
document = '{DOCUMENT}'

[[bucket]]
name = "com.stuzio.data"
account = "Stuzio"

[[group]]
name = "Readers"
account = "Stuzio"
path = "/people/"
attach = ["List"]
inline = [{{ name = "Own", document = '{DOCUMENT}' }}]

[[user]]
name = "Troy"
account = "Stuzio"
existing = true
groups = ["Readers"]
attach = ["List"]
unmanaged = ["inline_policies"]

[[role]]
name = "Worker"
account = "Stuzio"
path = "/svc/"
description = "runs jobs"
max_session_duration = 7200
permissions_boundary = "List"
trust = '{TRUST}'
attach = ["List"]
unmanaged = ["tags"]
tags = {{ team = "data", env = "prod" }}
"#
    )
}

// The build takes the checked values as they are, without the `add_*` methods' checks: the stack it makes
// must be the one those methods make from the same declarations, the cross-account pattern's items included.
#[test]
fn the_build_from_checked_values_makes_the_stack_the_api_makes() {
    use crate::policy::{AccountId, PolicyDocument};
    use crate::stack::{InlinePolicy, PrincipalRef, Unmanaged};

    let built = from_toml(&full_spec()).expect("a valid spec");

    let document = PolicyDocument::from_json(DOCUMENT).unwrap();
    // The pattern's stack, as its own spec builds it.
    let mut expected = from_toml(PATTERN).expect("a valid pattern");
    expected.set_name("payments").unwrap();
    let stuzio = expected
        .accounts()
        .find(|(_, a)| a.name == "Stuzio")
        .unwrap()
        .0;
    let list = expected
        .add_policy(stuzio, "List", document.clone())
        .unwrap();
    expected.set_policy_path(list, "/team/").unwrap();
    expected
        .set_policy_description(list, "lists buckets")
        .unwrap();
    expected.add_bucket(stuzio, "com.stuzio.data").unwrap();
    let readers = expected.add_group(stuzio, "Readers").unwrap();
    expected.attach(readers, list);
    let own = InlinePolicy {
        name: "Own".to_owned(),
        document: document.clone(),
    };
    expected.add_inline(readers, own).unwrap();
    expected.set_path(readers, "/people/").unwrap();
    let troy = expected.add_existing_user(stuzio, "Troy").unwrap();
    expected.add_to_group(troy, readers);
    expected.attach(troy, list);
    expected
        .leave_unmanaged(troy, Unmanaged::InlinePolicies)
        .unwrap();
    let trust = PolicyDocument::from_json(TRUST).unwrap();
    let worker = expected.add_role(stuzio, "Worker", trust).unwrap();
    expected.attach(PrincipalRef::Role(worker), list);
    expected.role_mut(worker).permissions_boundary = Some(list);
    expected.leave_unmanaged(worker, Unmanaged::Tags).unwrap();
    expected.set_path(worker, "/svc/").unwrap();
    expected.set_role_description(worker, "runs jobs").unwrap();
    expected.set_max_session_duration(worker, 7200).unwrap();
    // In the spec's order, not the map's.
    expected.add_tag(worker, "team", "data").unwrap();
    expected.add_tag(worker, "env", "prod").unwrap();
    assert_eq!(built, expected);
    assert!(
        built
            .accounts()
            .any(|(_, a)| a.id == AccountId::parse("183438944504").unwrap())
    );
}
