//! The cross-account pattern: both halves from one declaration, and the variants users expect.

use iamgen_runtime::Severity;
use iamgen_runtime::lint::{self, Options};
use iamgen_runtime::stack::pattern::{Assumers, CrossAccount, PatternError};

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
    for expected in [
        "sts:ExternalId",
        "aws:MultiFactorAuthPresent",
        "arn:aws:iam::183438944504:user/Dana",
    ] {
        assert!(trust.contains(expected), "{trust}");
    }
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
