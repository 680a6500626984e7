//! The cross-account pattern: both halves from one declaration, and the variants users expect.

use iamgen_runtime::Severity;
use iamgen_runtime::lint::{self, Options};
use iamgen_runtime::stack::cross_account::{Assumers, BucketSpec, CrossAccount, PatternError};

use crate::support::text::assert_contains_all;

#[test]
fn the_hardened_scenario_lints_without_warnings_about_its_trust() {
    let stack = CrossAccount::hardened_scenario().build().unwrap();
    let findings = lint::lint_stack(&stack, &Options::default());
    let codes: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.subject.as_str(), f.finding.code))
        .collect();
    assert!(
        findings
            .iter()
            .all(|f| f.finding.severity != Severity::Error),
        "{codes:?}"
    );
    // Narrowed, with an ExternalId and MFA: no warning about trusting the whole account, and least privilege:
    // no permissions-management wildcard.
    assert!(codes.is_empty(), "{codes:?}");
    let role = stack.role_by_name("StuzioAcmeConsultantRole").unwrap();
    let trust = stack.role(role).trust.to_json();
    assert_contains_all(
        &trust,
        &[
            "sts:ExternalId",
            "aws:MultiFactorAuthPresent",
            "arn:aws:iam::183438944504:user/Dana",
        ],
    );
    assert!(stack.role(role).permissions_boundary.is_some());
}

#[test]
fn the_halves_cannot_disagree() {
    let pattern = CrossAccount::reference_scenario();
    let stack = pattern.build().unwrap();
    let role = stack.role_by_name("StuzioAcmeConsultantRole").unwrap();
    let assume = stack.policy_by_name("AcmeClientAssumeRolePolicy").unwrap();
    assert!(
        stack
            .policy(assume)
            .document
            .to_json()
            .contains(&stack.role_arn(role))
    );
    assert_eq!(stack.role_arn(role), pattern.role_arn());
}

#[test]
fn invalid_patterns_are_refused() {
    let mut pattern = CrossAccount::reference_scenario();
    pattern.trusted.clear();
    assert_eq!(pattern.build(), Err(PatternError::NoTrustedAccount));

    let mut pattern = CrossAccount::reference_scenario();
    pattern.trusted[0].account.id = pattern.trusting.id.clone();
    assert!(matches!(pattern.build(), Err(PatternError::SameAccount(_))));

    let mut pattern = CrossAccount::reference_scenario();
    pattern.role.max_session_duration = Some(60);
    assert_eq!(pattern.build(), Err(PatternError::SessionDuration(60)));

    let mut pattern = CrossAccount::reference_scenario();
    pattern.trusted[0].assumers = Assumers::WholeAccount;
    pattern.narrow_to_principals = true;
    assert!(matches!(
        pattern.build(),
        Err(PatternError::NothingToNarrowTo(_))
    ));
}

#[test]
fn a_whole_account_trust_creates_no_principals_there() {
    let mut pattern = CrossAccount::reference_scenario();
    pattern.trusted[0].assumers = Assumers::WholeAccount;
    let stack = pattern.build().unwrap();
    assert_eq!(stack.users().count(), 0);
    assert!(stack.policy_by_name("AcmeClientAssumeRolePolicy").is_none());
}

#[test]
fn the_two_narrowings_put_the_users_in_the_principal_or_in_a_condition() {
    let mut pattern = CrossAccount::reference_scenario();
    pattern.narrow_with_principal_arn = true;
    let trust = pattern.trust_policy().unwrap().to_json();
    assert!(
        trust.contains("\"AWS\": \"arn:aws:iam::183438944504:root\""),
        "{trust}"
    );
    assert!(
        trust.contains("\"ArnEquals\": {\n          \"aws:PrincipalArn\": \"arn:aws:iam::183438944504:user/Troy\""),
        "{trust}"
    );

    pattern.narrow_with_principal_arn = false;
    pattern.narrow_to_principals = true;
    let trust = pattern.trust_policy().unwrap().to_json();
    assert!(
        trust.contains("\"AWS\": \"arn:aws:iam::183438944504:user/Troy\""),
        "{trust}"
    );
    assert!(!trust.contains("aws:PrincipalArn"), "{trust}");

    pattern.narrow_to_principals = false;
    pattern.narrow_with_principal_arn = true;
    pattern.trusted[0].assumers = Assumers::WholeAccount;
    assert!(matches!(
        pattern.trust_policy(),
        Err(PatternError::NothingToNarrowTo(_))
    ));
}

// Issue #11: a stack built in Rust got none of the checks a spec gets.
#[test]
fn the_pattern_refuses_what_aws_refuses() {
    use iamgen_runtime::names::{NameKind, Problem};
    use iamgen_runtime::stack::StackError;

    let name_error = |pattern: &CrossAccount| match pattern.build() {
        Err(PatternError::Stack(StackError::Name(error))) => {
            (error.kind(), error.problem().clone())
        }
        other => panic!("{other:?}"),
    };
    for hostile in ["${aws:username}", "a\"b", "a\nb", "owner😀", "cost#center"] {
        let mut pattern = CrossAccount::reference_scenario();
        pattern.role.tags = vec![(hostile.to_owned(), "x".to_owned())];
        assert_eq!(name_error(&pattern).0, NameKind::TagKey, "{hostile:?}");
        pattern.role.tags = vec![("owner".to_owned(), hostile.to_owned())];
        assert_eq!(name_error(&pattern).0, NameKind::TagValue, "{hostile:?}");
    }
    let mut pattern = CrossAccount::reference_scenario();
    pattern.role.description = Some("consultants ✓".to_owned());
    assert_eq!(
        name_error(&pattern),
        (NameKind::RoleDescription, Problem::Character('✓'))
    );
    for reserved in [
        "xn--stuzio",
        "amzn-s3-demo-x",
        "stuzio-s3alias",
        "stuzio--x-s3",
        "a.mrap",
    ] {
        let mut pattern = CrossAccount::reference_scenario();
        pattern.buckets = vec![BucketSpec::created(reserved)];
        assert_eq!(name_error(&pattern).0, NameKind::BucketName, "{reserved}");
    }
    let mut pattern = CrossAccount::reference_scenario();
    pattern.external_id = Some("${aws:username}".to_owned());
    assert_eq!(name_error(&pattern).0, NameKind::ExternalId);
    assert!(pattern.trust_policy().is_err());
    let mut pattern = CrossAccount::reference_scenario();
    pattern.role.name = "R".repeat(65);
    assert_eq!(
        name_error(&pattern),
        (
            NameKind::RoleName,
            Problem::TooLong {
                length: 65,
                max: 64
            }
        )
    );
    let mut pattern = CrossAccount::reference_scenario();
    pattern.trusted[0].assumers = Assumers::Users(vec!["Troy".to_owned(), "troy".to_owned()]);
    assert!(matches!(
        pattern.build(),
        Err(PatternError::Stack(StackError::Duplicate {
            kind: "user",
            ..
        }))
    ));
    let mut pattern = CrossAccount::reference_scenario();
    pattern.role.tags = vec![
        ("Project".to_owned(), "x".to_owned()),
        ("project".to_owned(), "y".to_owned()),
    ];
    assert!(matches!(
        pattern.build(),
        Err(PatternError::Stack(StackError::DuplicateTag { .. }))
    ));
    // The scenarios, which the corpus and the examples use, are valid.
    CrossAccount::reference_scenario().build().unwrap();
    CrossAccount::hardened_scenario().build().unwrap();
}

#[test]
#[allow(clippy::too_many_lines, reason = "one stack, checked method by method")]
fn the_stack_refuses_what_aws_refuses() {
    use iamgen_runtime::names::NameKind;
    use iamgen_runtime::stack::{InlinePolicy, Stack, StackError};
    use iamgen_runtime::{AccountId, PolicyDocument};

    let kind = |result: Result<(), StackError>| match result {
        Err(StackError::Name(error)) => error.kind(),
        other => panic!("{other:?}"),
    };
    let document = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
    )
    .unwrap();
    let trust = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
    )
    .unwrap();
    let mut stack = Stack::new();
    let acme = stack.add_account(AccountId::parse("183438944504").unwrap(), "Acme");
    let other = stack.add_account(AccountId::parse("081278057606").unwrap(), "Other");
    let troy = stack.add_user(acme, "Troy").unwrap();
    assert_eq!(
        kind(stack.add_user(acme, "Troy Smith").map(drop)),
        NameKind::UserName
    );
    assert!(matches!(
        stack.add_user(acme, "troy"),
        Err(StackError::Duplicate { kind: "user", .. })
    ));
    assert!(matches!(
        stack.add_existing_user(acme, "TROY"),
        Err(StackError::Duplicate { .. })
    ));
    stack.add_user(other, "troy").unwrap();
    assert_eq!(
        kind(stack.add_group(acme, "").map(drop)),
        NameKind::GroupName
    );
    let role = stack.add_role(acme, "Reader", trust.clone()).unwrap();
    assert!(matches!(
        stack.add_role(acme, "READER", trust.clone()),
        Err(StackError::Duplicate { kind: "role", .. })
    ));
    assert_eq!(
        kind(stack.add_role(acme, "R".repeat(65), trust).map(drop)),
        NameKind::RoleName
    );
    let policy = stack.add_policy(acme, "Read", document.clone()).unwrap();
    assert!(matches!(
        stack.add_policy(acme, "read", document.clone()),
        Err(StackError::Duplicate { kind: "policy", .. })
    ));
    assert_eq!(
        kind(stack.set_policy_path(policy, "/${x}/")),
        NameKind::PolicyPath
    );
    stack.set_policy_path(policy, "/audit/").unwrap();
    stack.set_path(role, "/${aws:username}/").unwrap();
    assert_eq!(kind(stack.set_path(troy, "consultants")), NameKind::Path);
    assert_eq!(
        kind(stack.set_role_description(role, "emoji 😀")),
        NameKind::RoleDescription
    );
    stack.set_policy_description(policy, "emoji 😀").unwrap();
    for hostile in ["${x}", "a\"b", "a\nb", "😀", "a#b"] {
        assert_eq!(kind(stack.add_tag(role, hostile, "v")), NameKind::TagKey);
        assert_eq!(kind(stack.add_tag(role, "k", hostile)), NameKind::TagValue);
    }
    assert_eq!(
        kind(stack.add_tag(role, "aws:owner", "v")),
        NameKind::TagKey
    );
    stack.add_tag(role, "Project", "x").unwrap();
    assert!(matches!(
        stack.add_tag(role, "project", "y"),
        Err(StackError::DuplicateTag { .. })
    ));
    for n in 1..50 {
        stack.add_tag(role, format!("k{n}"), "v").unwrap();
    }
    assert!(matches!(
        stack.add_tag(role, "k50", "v"),
        Err(StackError::TooManyTags(_))
    ));
    assert!(matches!(
        stack.set_max_session_duration(role, 60),
        Err(StackError::SessionDuration(60))
    ));
    for reserved in [
        "xn--a",
        "sthree-a",
        "amzn-s3-demo-a",
        "a-s3alias",
        "a--ol-s3",
        "a.mrap",
        "a--x-s3",
        "a--table-s3",
    ] {
        assert_eq!(
            kind(stack.add_bucket(acme, reserved).map(drop)),
            NameKind::BucketName
        );
    }
    stack.add_bucket(acme, "com.stuzio.projectx").unwrap();
    assert!(matches!(
        stack.add_bucket(other, "com.stuzio.projectx"),
        Err(StackError::DuplicateBucket(_))
    ));
    let inline = |name: &str| InlinePolicy {
        name: name.to_owned(),
        document: document.clone(),
    };
    assert_eq!(
        kind(stack.add_inline(role, inline("Deny Deletes"))),
        NameKind::InlinePolicyName
    );
    stack.add_inline(role, inline("DenyDeletes")).unwrap();
    // IAM keys inline policies by name ignoring case: the second replaces the first.
    stack.add_inline(role, inline("denydeletes")).unwrap();
    assert_eq!(stack.role(role).inline.len(), 1);
    assert_eq!(stack.role(role).inline[0].name, "denydeletes");
}
