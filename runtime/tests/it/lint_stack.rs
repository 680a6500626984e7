//! The stack-level checks, on the reference scenario and on the ways it goes wrong in the wild.

use iamgen_runtime::lint::{self, Options, PolicyKind, StackFinding};
use iamgen_runtime::policy::{
    Action, ActionElement, OneOrMany, Principal, PrincipalElement, PrincipalKind,
};
use iamgen_runtime::source::line_col;
use iamgen_runtime::stack::{InlinePolicy, Stack};
use iamgen_runtime::{PolicyDocument, Severity};

/// The scenario's permissions policy as it was published, naming `com.stuzio.project-x`.
const PROJECT_X: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "FullAccessToProjectX",
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": [
        "arn:aws:s3:::com.stuzio.project-x",
        "arn:aws:s3:::com.stuzio.project-x/*"
      ]
    },
    {
      "Sid": "ListAllBuckets",
      "Effect": "Allow",
      "Action": "s3:ListAllMyBuckets",
      "Resource": "*"
    }
  ]
}
"#;

fn codes(found: &[StackFinding]) -> Vec<(&str, &'static str, Severity)> {
    found
        .iter()
        .map(|f| (f.subject.as_str(), f.finding.code, f.finding.severity))
        .collect()
}

#[test]
fn the_reference_scenario_has_no_errors_and_explains_its_warnings() {
    let stack = Stack::reference_scenario();
    let found = lint::lint_stack(&stack, &Options::default());
    assert_eq!(
        codes(&found),
        [
            (
                "policy StuzioProjectXPolicy",
                "WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT",
                Severity::SecurityWarning
            ),
            (
                "trust policy of role StuzioAcmeConsultantRole",
                "TRUST_ACCOUNT_WITHOUT_CONDITION",
                Severity::SecurityWarning
            ),
        ]
    );
    for finding in &found {
        assert!(
            finding
                .finding
                .help
                .as_deref()
                .is_some_and(|help| help.len() > 40),
            "{finding:?}"
        );
    }
}

#[test]
fn the_published_project_x_variant_is_caught_with_the_declared_name() {
    let stack = Stack::reference_scenario();
    let report = lint::lint_source_with_stack(
        PROJECT_X,
        Some(PolicyKind::Identity),
        &Options::default(),
        &stack,
    );
    let drift: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == "UNDECLARED_BUCKET")
        .collect();
    assert_eq!(drift.len(), 2, "{:#?}", report.findings);
    for (finding, (line, pointer)) in drift.iter().zip([
        (9, "/Statement/0/Resource/0"),
        (10, "/Statement/0/Resource/1"),
    ]) {
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.suggestion.as_deref(), Some("com.stuzio.projectx"));
        assert_eq!(finding.pointer.as_deref(), Some(pointer));
        assert_eq!(
            line_col(PROJECT_X, finding.span.start as usize).to_string(),
            format!("{line}:9")
        );
        assert!(
            finding
                .message
                .contains("declares `com.stuzio.projectx` (in Stuzio)"),
            "{}",
            finding.message
        );
    }
    // Every single-policy check accepts it: that is the bug.
    let alone = lint::lint_source(PROJECT_X, Some(PolicyKind::Identity), &Options::default());
    assert!(!alone.has_errors(), "{:#?}", alone.findings);
}

#[test]
fn the_variant_inside_the_stack_is_caught_too() {
    let mut stack = Stack::reference_scenario();
    let policy = stack.policy_by_name("StuzioProjectXPolicy").unwrap();
    stack.policy_mut(policy).document = PolicyDocument::from_json(PROJECT_X).unwrap();
    let found = lint::lint_stack(&stack, &Options::default());
    let drift: Vec<_> = found
        .iter()
        .filter(|f| f.finding.code == "UNDECLARED_BUCKET")
        .collect();
    assert_eq!(drift.len(), 2);
    assert_eq!(drift[0].subject, "policy StuzioProjectXPolicy");
}

#[test]
fn buckets_far_from_every_declared_name_are_someone_elses() {
    let stack = Stack::reference_scenario();
    let other = PROJECT_X.replace("com.stuzio.project-x", "logs.example.org");
    let report = lint::lint_source_with_stack(
        &other,
        Some(PolicyKind::Identity),
        &Options::default(),
        &stack,
    );
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.code == "UNDECLARED_BUCKET")
    );
}

fn acme_policy_with(resource: &str) -> PolicyDocument {
    PolicyDocument::from_json(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "StuzioClientAssumeRolePolicy", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "{resource}"}}]}}"#
    ))
    .unwrap()
}

#[test]
fn assume_role_on_an_undeclared_role_suggests_the_declared_one() {
    let mut stack = Stack::reference_scenario();
    let policy = stack.policy_by_name("AcmeClientAssumeRolePolicy").unwrap();
    stack.policy_mut(policy).document =
        acme_policy_with("arn:aws:iam::081278057606:role/StuzioAcmeConsultantRol");
    let found = lint::lint_stack(&stack, &Options::default());
    let finding = found
        .iter()
        .find(|f| f.finding.code == "UNDECLARED_ROLE")
        .expect("reported");
    assert_eq!(finding.subject, "policy AcmeClientAssumeRolePolicy");
    assert_eq!(finding.finding.severity, Severity::Error);
    assert_eq!(
        finding.finding.suggestion.as_deref(),
        Some("arn:aws:iam::081278057606:role/StuzioAcmeConsultantRole")
    );
    assert_eq!(
        finding.finding.pointer.as_deref(),
        Some("/Statement/0/Resource")
    );
    // The trust now admits Acme, but nobody in Acme may assume the real role.
    assert!(found.iter().any(|f| f.finding.code == "DEAD_TRUST"));
}

#[test]
fn a_trust_naming_another_account_does_not_admit_the_holder() {
    let mut stack = Stack::reference_scenario();
    let role = stack.role_by_name("StuzioAcmeConsultantRole").unwrap();
    let statement = &mut stack.role_mut(role).trust.statement;
    let OneOrMany::Many(statements) = statement else {
        panic!("an array")
    };
    statements[0].principal = Some(PrincipalElement::Principal(Principal::single(
        PrincipalKind::Aws,
        "arn:aws:iam::111122223333:root",
    )));
    let found = lint::lint_stack(&stack, &Options::default());
    let finding = found
        .iter()
        .find(|f| f.finding.code == "TRUST_DOES_NOT_ADMIT")
        .expect("reported");
    assert_eq!(finding.subject, "policy AcmeClientAssumeRolePolicy");
    assert!(
        finding.finding.message.contains("user Troy in Acme"),
        "{}",
        finding.finding.message
    );
    assert!(
        finding
            .finding
            .help
            .as_deref()
            .unwrap()
            .contains("arn:aws:iam::183438944504:root")
    );
    // 111122223333 is not an account of the stack: nothing is known of its principals.
    assert!(!found.iter().any(|f| f.finding.code == "DEAD_TRUST"));
}

#[test]
fn a_group_is_admitted_through_its_members() {
    use iamgen_runtime::stack::cross_account::CrossAccount;

    // The hardened trust names the group's two members; the group itself is never a principal.
    let mut stack = CrossAccount::hardened_scenario().build().unwrap();
    let found = lint::lint_stack(&stack, &Options::default());
    assert!(
        !found
            .iter()
            .any(|f| f.finding.code == "TRUST_DOES_NOT_ADMIT"),
        "{found:#?}"
    );

    // A third member the trust does not name is reported by name, with the group it holds the permission by.
    let acme = stack.user(stack.users().next().unwrap().0).account;
    let group = stack.groups().next().unwrap().0;
    let annie = stack.add_user(acme, "Annie").unwrap();
    stack.add_to_group(annie, group);
    let found = lint::lint_stack(&stack, &Options::default());
    let messages: Vec<&str> = found
        .iter()
        .filter(|f| f.finding.code == "TRUST_DOES_NOT_ADMIT")
        .map(|f| f.finding.message.as_str())
        .collect();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0].starts_with("user Annie (through group "),
        "{}",
        messages[0]
    );
}

#[test]
fn a_trust_nobody_can_use_is_dead() {
    let mut stack = Stack::reference_scenario();
    let troy = stack.user_by_name("Troy").unwrap();
    let policy = stack.policy_by_name("AcmeClientAssumeRolePolicy").unwrap();
    stack.detach(troy, policy);
    let found = lint::lint_stack(&stack, &Options::default());
    let finding = found
        .iter()
        .find(|f| f.finding.code == "DEAD_TRUST")
        .expect("reported");
    assert_eq!(
        finding.subject,
        "trust policy of role StuzioAcmeConsultantRole"
    );
    assert_eq!(finding.finding.severity, Severity::Warning);
    assert_eq!(
        finding.finding.pointer.as_deref(),
        Some("/Statement/0/Principal/AWS")
    );
    assert!(finding.finding.message.contains("Acme (183438944504)"));
}

#[test]
fn quotas_over_all_of_a_principals_policies() {
    let mut stack = Stack::reference_scenario();
    let troy = stack.user_by_name("Troy").unwrap();
    let acme = stack.account_by_id("183438944504").unwrap();
    let read_only = |n: usize| {
        PolicyDocument::from_json(&format!(
            r#"{{"Version": "2012-10-17", "Statement": {{"Sid": "P{n}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::com.stuzio.projectx/{n}/*"}}}}"#
        ))
        .unwrap()
    };
    for n in 0..10 {
        let policy = stack
            .add_policy(acme, format!("Extra{n}"), read_only(n))
            .unwrap();
        stack.attach(troy, policy);
    }
    let found = lint::lint_stack(&stack, &Options::default());
    let finding = found
        .iter()
        .find(|f| f.finding.code == "ATTACHED_POLICIES_EXCEED_QUOTA")
        .expect("11 > 10");
    assert_eq!(
        (finding.subject.as_str(), finding.finding.severity),
        ("user Troy", Severity::Warning)
    );
    for n in 10..20 {
        let policy = stack
            .add_policy(acme, format!("Extra{n}"), read_only(n))
            .unwrap();
        stack.attach(troy, policy);
    }
    let found = lint::lint_stack(&stack, &Options::default());
    let finding = found
        .iter()
        .find(|f| f.finding.code == "ATTACHED_POLICIES_EXCEED_QUOTA")
        .expect("21 > 20");
    assert_eq!(finding.finding.severity, Severity::Error);

    let mut stack = Stack::reference_scenario();
    let role = stack.role_by_name("StuzioAcmeConsultantRole").unwrap();
    for n in 0..130 {
        stack.role_mut(role).inline.push(InlinePolicy {
            name: format!("Inline{n}"),
            document: read_only(n),
        });
    }
    let found = lint::lint_stack(&stack, &Options::default());
    let finding = found
        .iter()
        .find(|f| f.finding.code == "INLINE_POLICIES_EXCEED_QUOTA")
        .expect("reported");
    assert!(
        finding
            .finding
            .message
            .contains("over the 10240 allowed for a role"),
        "{}",
        finding.finding.message
    );
    assert!(
        !lint::lint_stack(&Stack::reference_scenario(), &Options::default())
            .iter()
            .any(|f| f.finding.code.ends_with("_QUOTA"))
    );

    // Issue #11: one inline policy is held to its principal's inline quota, not to the managed 6,144.
    let sized = |statements: usize| {
        let statements: Vec<String> = (0..statements)
            .map(|i| format!(r#"{{"Sid":"S{i}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::com.stuzio.projectx/{i:04}/*"}}"#))
            .collect();
        PolicyDocument::from_json(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        ))
        .unwrap()
    };
    let size_findings = |stack: &Stack| -> Vec<(String, &'static str, String)> {
        lint::lint_stack(stack, &Options::default())
            .into_iter()
            .filter(|f| f.finding.code.contains("SIZE") || f.finding.code.ends_with("_QUOTA"))
            .map(|f| (f.subject, f.finding.code, f.finding.message))
            .collect()
    };
    // 2,000, 4,000, 7,000 and 11,000 characters or so, whitespace excluded.
    let (small, medium, large, huge) = (sized(15), sized(38), sized(66), sized(110));
    assert!(lint::size_without_whitespace(&small) < 2_048);
    assert!((2_048..5_120).contains(&lint::size_without_whitespace(&medium)));
    assert!((6_144..10_240).contains(&lint::size_without_whitespace(&large)));
    assert!(lint::size_without_whitespace(&huge) > 10_240);
    let mut stack = Stack::reference_scenario();
    let role = stack.role_by_name("StuzioAcmeConsultantRole").unwrap();
    let troy = stack.user_by_name("Troy").unwrap();
    let inline = |name: &str, document: &PolicyDocument| InlinePolicy {
        name: name.to_owned(),
        document: document.clone(),
    };
    stack.add_inline(role, inline("Large", &large)).unwrap();
    assert_eq!(
        size_findings(&stack),
        [],
        "a role's inline policy may be 10,240 characters"
    );
    stack.add_inline(troy, inline("Small", &small)).unwrap();
    assert_eq!(size_findings(&stack), []);
    stack.add_inline(troy, inline("Small", &medium)).unwrap();
    let found = size_findings(&stack);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .2
            .contains("over the 2048 allowed for a user's inline policies"),
        "{found:?}"
    );
    stack.add_inline(troy, inline("Small", &small)).unwrap();
    stack.add_inline(role, inline("Large", &huge)).unwrap();
    let found = size_findings(&stack);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .2
            .contains("over the 10240 allowed for a role's inline policies"),
        "{found:?}"
    );
    let mut stack = Stack::reference_scenario();
    let acme = stack.account_by_id("183438944504").unwrap();
    let group = stack.add_group(acme, "Readers").unwrap();
    stack.add_inline(group, inline("Medium", &medium)).unwrap();
    assert_eq!(
        size_findings(&stack),
        [],
        "a group's inline policy may be 5,120 characters"
    );
    stack.add_inline(group, inline("Medium", &large)).unwrap();
    let found = size_findings(&stack);
    assert!(
        found.len() == 1
            && found[0]
                .2
                .contains("over the 5120 allowed for a group's inline policies"),
        "{found:?}"
    );
    // A managed policy of the same size is over its own quota of 6,144.
    let mut stack = Stack::reference_scenario();
    let policy = stack.policy_by_name("StuzioProjectXPolicy").unwrap();
    stack.policy_mut(policy).document = large.clone();
    let found = size_findings(&stack);
    assert!(
        found.len() == 1
            && found[0]
                .2
                .contains("over the 6144 allowed for a managed policy"),
        "{found:?}"
    );
}

#[test]
fn the_scenario_stack_holds_the_scenario_policies() {
    let stack = Stack::reference_scenario();
    let role = stack.role_by_name("StuzioAcmeConsultantRole").unwrap();
    let statement = stack.role(role).trust.statements().next().unwrap();
    assert!(
        matches!(&statement.action, ActionElement::Action(OneOrMany::One(a)) if *a == Action::new("sts:AssumeRole"))
    );
    assert_eq!(
        stack.account(stack.role(role).account).id.as_str(),
        "081278057606"
    );
}

#[test]
fn names_written_past_the_checked_constructors_are_errors_before_generation() {
    // `Stack`'s fields are public: a description, tag, path or name written there directly skips the
    // constructors' checks, and `generate` (which lints first) must still refuse it, at the item.
    let mut stack = Stack::reference_scenario();
    let role = stack.role_by_name("StuzioAcmeConsultantRole").unwrap();
    stack.role_mut(role).description = Some("drawn in ${var.x}\n\u{1F600}".to_owned());
    stack
        .role_mut(role)
        .tags
        .push(("team#1".to_owned(), "ok".to_owned()));
    stack.role_mut(role).path = "/no spaces/".to_owned();
    let policy = stack.policy_by_name("StuzioProjectXPolicy").unwrap();
    stack.policy_mut(policy).path = "/${x}/".to_owned();
    let found = lint::lint_stack(&stack, &Options::default());
    let errors: Vec<(&str, &str)> = found
        .iter()
        .filter(|f| f.finding.severity == Severity::Error)
        .map(|f| (f.subject.as_str(), f.finding.code))
        .collect();
    for expected in [
        ("role StuzioAcmeConsultantRole", "INVALID_DESCRIPTION"),
        ("role StuzioAcmeConsultantRole", "INVALID_TAG"),
        ("role StuzioAcmeConsultantRole", "INVALID_PATH"),
        ("policy StuzioProjectXPolicy", "INVALID_PATH"),
    ] {
        assert!(errors.contains(&expected), "{expected:?} not in {errors:?}");
    }
    // The scenario itself has no such finding.
    assert!(
        lint::lint_stack(&Stack::reference_scenario(), &Options::default())
            .iter()
            .all(|f| !f.finding.code.starts_with("INVALID_"))
    );
}

/// `whole_account = true` admits an account and creates nothing there: the account decides who may assume the
/// role, as documented, so the trust is not dead (issue #17: it drew `DEAD_TRUST` for doing what it says).
#[cfg(feature = "spec")]
#[test]
fn a_trust_of_a_whole_account_the_stack_leaves_alone_is_not_dead() {
    let spec = include_str!("../../../examples/cross_account.toml").replace(
        "users = [\"Troy\"]\nassume_policy = \"AcmeClientAssumeRolePolicy\"\nassume_sid = \"StuzioClientAssumeRolePolicy\"",
        "whole_account = true",
    );
    assert!(spec.contains("whole_account = true"));
    let stack = iamgen_runtime::stack::spec::from_toml(&spec).expect("the spec reads");
    let found = lint::lint_stack(&stack, &Options::default());
    assert!(
        !found.iter().any(|f| f.finding.code == "DEAD_TRUST"),
        "{found:#?}"
    );
}
