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
use iamgen::{AccountId, BucketName, BuildError, Policy, Role, ValueError};

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

/// A policy that lets one read a role of `account`, named by a field of type `$name`: the same template checks
/// a `String` name, which must be one name, and an `iamgen::Pattern`, which may be a wildcard.
macro_rules! get_role_policy {
    ($policy:ident, $name:ty) => {
        #[derive(Debug, Policy)]
        #[statement(
            action = "iam:GetRole",
            resource = "arn:aws:iam::{account}:role/{name}"
        )]
        struct $policy {
            account: String,
            name: $name,
        }
    };
}

get_role_policy!(GetRole, String);
get_role_policy!(AnyRoleOf, iamgen::Pattern);

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
    assert_error_names(&braces, &["`bucket`", "ReadBucket"]);
}

/// That `policy` fails to build, with an error that names each of `words`: what a reader needs to find the
/// value to fix.
fn assert_error_names(policy: &impl Policy, words: &[&str]) {
    let error = policy.document().unwrap_err().to_string();
    assert!(words.iter().all(|word| error.contains(word)), "{error}");
}

/// A role shared by two partners, each with its own external id, by a person who must use MFA, and by a
/// service, which has neither.
#[derive(Debug, Role)]
#[role(account = "081278057606")]
#[trust(account = "111111111111", external_id = "partner-a")]
#[trust(account = "222222222222", external_id = "partner-b")]
#[trust(arn = "arn:aws:iam::081278057606:user/Alice", mfa)]
#[trust(service = "lambda.amazonaws.com")]
struct SharedRole;

/// Whether `caller` may assume [`SharedRole`] with `context`, as AWS decides it: the role's trust policy, and
/// for a caller of another account an identity policy of its own that allows the call.
fn may_assume(caller: &str, context: &[(&str, &str)]) -> bool {
    use iamgen::eval::{self, Caller, Context, Decision, Named, Policies};
    let trust = SharedRole::TRUST.document();
    let own = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*" }
    })
    .document();
    let caller = Caller::new(caller);
    let identity = if caller.account.is_empty() {
        Vec::new()
    } else {
        vec![Named {
            name: "own",
            document: &own,
        }]
    };
    let policies = Policies {
        identity,
        resource: Some(Named {
            name: "trust",
            document: &trust,
        }),
        resource_is_role_trust: true,
        ..Policies::default()
    };
    let mut keys = Context::new();
    for (key, value) in context {
        keys.add(key, value);
    }
    let evaluation = eval::evaluate(
        &caller,
        "sts:AssumeRole",
        SharedRole::ARN,
        SharedRole::ACCOUNT,
        &policies,
        &keys,
    );
    evaluation.decision == Decision::Allowed
}

#[test]
fn each_trust_admits_its_principal_on_its_own_conditions() {
    const PARTNER_A: &str = "arn:aws:iam::111111111111:role/Ops";
    const PARTNER_B: &str = "arn:aws:iam::222222222222:role/Ops";
    const ALICE: &str = "arn:aws:iam::081278057606:user/Alice";
    let id = |value| [("sts:ExternalId", value)];
    assert!(
        may_assume(PARTNER_A, &id("partner-a")),
        "{}",
        SharedRole::TRUST
    );
    assert!(!may_assume(PARTNER_A, &id("partner-b")), "A with B's id");
    assert!(!may_assume(PARTNER_A, &[]), "A without an id");
    assert!(may_assume(PARTNER_B, &id("partner-b")));
    assert!(!may_assume(PARTNER_B, &id("partner-a")), "B with A's id");
    // The partners are not bound by Alice's MFA, nor Alice by their external ids.
    assert!(may_assume(ALICE, &[("aws:MultiFactorAuthPresent", "true")]));
    assert!(!may_assume(ALICE, &[]), "Alice without MFA");
    assert!(!may_assume(
        ALICE,
        &[("aws:MultiFactorAuthPresent", "false")]
    ));
    // A service has neither an external id nor MFA, and needs none.
    assert!(may_assume("lambda.amazonaws.com", &[]), "the service");
    assert!(!may_assume("ec2.amazonaws.com", &[]), "another service");
}

/// An SCP whose region comes from a field, to show what a derived SCP hands out.
#[derive(Debug, Policy)]
#[policy(kind = scp)]
#[statement(sid = "DenyOtherRegions", effect = Deny, not_action = ["iam:*", "sts:*"], resource = "*",
    condition = { "StringNotEquals": { "aws:RequestedRegion": "{region}" } })]
struct DenyOtherRegions {
    region: String,
}

#[test]
fn an_scp_is_handed_out_as_it_was_checked() {
    // Organizations counts whitespace against an SCP's 5,120 characters, and the check counted the compact
    // text: the text handed out is that one, not the indented canonical one (8,446 characters for a
    // 4,795-character SCP).
    let scp = iamgen::policy!(scp {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Deny",
            "Action": ["organizations:LeaveOrganization", "account:CloseAccount"],
            "Resource": "*"
        }
    });
    assert_eq!(scp.json(), scp.document().to_json_compact());
    assert_eq!(scp.to_string(), scp.json());
    let derived = DenyOtherRegions {
        region: "eu-west-1".to_owned(),
    };
    let json = derived.to_json().unwrap();
    assert_eq!(json, derived.document().unwrap().to_json_compact());
    assert!(
        json.contains(r#""aws:RequestedRegion":"eu-west-1""#),
        "{json}"
    );
    // IAM does not count whitespace: an identity policy keeps the readable canonical text.
    let identity = ReadBucket {
        bucket: "com.stuzio.projectx".to_owned(),
    };
    assert_eq!(
        identity.to_json().unwrap(),
        identity.document().unwrap().to_json()
    );
}

/// Placeholders the compile-time check cannot judge, judged when the document is built.
#[derive(Debug, Policy)]
#[statement(
    sid = "Read{env}",
    action = "dynamodb:{verb}",
    resource = "{table_arn}"
)]
#[statement(effect = Deny, action = "s3:*", resource = "arn:aws:s3:::{bucket}/*",
    condition = { "NotIpAddress": { "aws:SourceIp": "{office}" } })]
struct Shapes {
    env: String,
    verb: String,
    table_arn: String,
    bucket: String,
    office: String,
}

fn shapes() -> Shapes {
    Shapes {
        env: "Prod".into(),
        verb: "GetItem".into(),
        table_arn: "arn:aws:dynamodb:eu-west-1:081278057606:table/Reports".into(),
        bucket: "com.stuzio.projectx".into(),
        office: "203.0.113.0/24".into(),
    }
}

/// [`shapes`] with `field` set to `value`: one bad value at a time, so that the field an error names is the
/// one that was changed.
fn shapes_with(field: &str, value: &str) -> Shapes {
    let mut policy = shapes();
    let slot = match field {
        "env" => &mut policy.env,
        "verb" => &mut policy.verb,
        "table_arn" => &mut policy.table_arn,
        "bucket" => &mut policy.bucket,
        "office" => &mut policy.office,
        other => panic!("`Shapes` has no field `{other}`"),
    };
    value.clone_into(slot);
    policy
}

/// The fields a `BuildError::Invalid` names, and its codes.
fn invalid(policy: &Shapes) -> (Vec<&'static str>, Vec<&'static str>) {
    match policy.document() {
        Err(BuildError::Invalid {
            findings, fields, ..
        }) => (
            fields,
            findings.iter().map(|finding| finding.code).collect(),
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn what_only_a_value_can_tell_is_checked_when_the_document_is_built() {
    assert!(shapes().document().is_ok());
    for (field, value, code) in [
        ("env", "prod-1", "UNSUPPORTED_SID"),
        ("verb", "GetItm", "INVALID_ACTION"),
        ("table_arn", "Reports", "INVALID_ARN_PREFIX"),
        ("office", "10.0.0.0/8", "PRIVATE_NOTIPADDRESS"),
    ] {
        let policy = shapes_with(field, value);
        assert_eq!(invalid(&policy), (vec![field], vec![code]));
        assert_error_names(&policy, &[&format!("`{field}`"), code]);
    }
}

#[test]
fn a_string_field_holds_one_name_not_a_wildcard_nor_nothing() {
    let read = |bucket: &str| {
        ReadBucket {
            bucket: bucket.into(),
        }
        .document()
    };
    assert!(read("com.stuzio.projectx").is_ok());
    for (bucket, reason) in [
        ("*", ValueError::Wildcard('*')),
        ("com.stuzio.*", ValueError::Wildcard('*')),
        ("com.stuzio.?", ValueError::Wildcard('?')),
        ("", ValueError::Empty),
    ] {
        let error = read(bucket).unwrap_err();
        assert_eq!(
            error,
            BuildError::InvalidValue {
                name: "ReadBucket",
                field: "bucket",
                reason
            },
            "{bucket:?}"
        );
        assert!(error.to_string().contains("`bucket`"), "{error}");
    }
    assert_error_names(&ReadBucket { bucket: "*".into() }, &["iamgen::Pattern"]);
    // A field whose type says a wildcard is meant takes one; an account still is one account.
    let any_role_of = |account: &str, name: &str| AnyRoleOf {
        account: account.into(),
        name: iamgen::Pattern::new(name),
    };
    let any = any_role_of("081278057606", "reports-*").to_json().unwrap();
    assert!(any.contains("role/reports-*"), "{any}");
    assert!(matches!(
        any_role_of("*", "*").document(),
        Err(BuildError::InvalidValue {
            field: "account",
            ..
        })
    ));
    assert!(matches!(
        any_role_of("081278057606", "").document(),
        Err(BuildError::InvalidValue {
            field: "name",
            reason: ValueError::Empty,
            ..
        })
    ));
}

#[derive(Debug, Policy)]
#[policy(use = inline_role)]
#[statement(action = "s3:ListAllMyBuckets", resource = "*")]
struct InlineInRole;

#[test]
fn a_derived_identity_policy_says_where_it_is_used() {
    use iamgen::lint::IdentityPolicyUse;
    assert_eq!(InlineInRole::IDENTITY_USE, IdentityPolicyUse::InlineRole);
    assert_eq!(ReadBucket::IDENTITY_USE, IdentityPolicyUse::Managed);
    assert!(InlineInRole.document().is_ok());
}
