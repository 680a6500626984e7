//! The reference scenario's chain, simulated: Troy assumes `StuzioAcmeConsultantRole`, then reads
//! `com.stuzio.projectx`; the four ways it breaks; and the chain under an organization's control policies.

use iamgen_runtime::PolicyDocument;
use iamgen_runtime::eval::chain::{Organization, Request, Simulation, simulate, simulate_in};
use iamgen_runtime::eval::{Context, Decision};
use iamgen_runtime::stack::Stack;

use crate::support::document;

/// An object of the project's bucket, which the role may read.
const PROJECT_KEY: &str = "arn:aws:s3:::com.stuzio.projectx/any-key";

/// Troy reading `resource` through the role.
fn troy_reading(resource: &str) -> Request<'_> {
    Request {
        principal: "Troy",
        action: "s3:GetObject",
        resource,
        via_role: Some("StuzioAcmeConsultantRole"),
        context: Context::new(),
    }
}

/// Requires `simulation` to end in `decision`, and returns it.
fn decided(simulation: Simulation, decision: Decision) -> Simulation {
    assert_eq!(simulation.decision, decision, "{}", simulation.to_text());
    simulation
}

/// Troy reading `resource` through the role, which must decide `decision`.
fn troy_reads(stack: &Stack, resource: &str, decision: Decision) -> Simulation {
    let simulation =
        simulate(stack, &troy_reading(resource)).expect("the scenario's principal and role");
    decided(simulation, decision)
}

#[test]
fn troy_reads_the_project_bucket_through_the_role() {
    let stack = Stack::reference_scenario();
    let simulation = troy_reads(&stack, PROJECT_KEY, Decision::Allowed);
    assert_eq!(simulation.steps.len(), 2);
    let assume = &simulation.steps[0];
    assert_eq!(assume.action, "sts:AssumeRole");
    assert_eq!(assume.caller, "arn:aws:iam::183438944504:user/Troy");
    let deciding: Vec<(&str, &str, &str)> = assume
        .evaluation
        .deciding
        .iter()
        .map(|d| (d.policy.as_str(), d.statement.as_str(), d.pointer.as_str()))
        .collect();
    assert_eq!(
        deciding,
        [
            ("StuzioAcmeConsultantRole trust", "#0", "/Statement/0"),
            (
                "AcmeClientAssumeRolePolicy",
                "StuzioClientAssumeRolePolicy",
                "/Statement/0"
            ),
        ]
    );
    let read = &simulation.steps[1];
    assert_eq!(
        read.caller,
        "arn:aws:sts::081278057606:assumed-role/StuzioAcmeConsultantRole/iamgen-simulate"
    );
    assert_eq!(read.evaluation.deciding[0].policy, "StuzioProjectXPolicy");
    assert_eq!(
        read.evaluation.deciding[0].statement,
        "FullAccessToProjectX"
    );
}

#[test]
fn another_bucket_is_an_implicit_deny_at_step_two() {
    let stack = Stack::reference_scenario();
    let simulation = troy_reads(
        &stack,
        "arn:aws:s3:::com.stuzio.payroll/salaries.csv",
        Decision::ImplicitDeny,
    );
    assert_eq!(simulation.steps.len(), 2);
    assert_eq!(simulation.steps[0].evaluation.decision, Decision::Allowed);
    assert!(simulation.steps[1].evaluation.fix.is_some());
}

#[test]
fn without_the_assume_policy_step_one_is_denied_on_acmes_side() {
    let mut stack = Stack::reference_scenario();
    let troy = stack.user_by_name("Troy").expect("Troy");
    let policy = stack
        .policy_by_name("AcmeClientAssumeRolePolicy")
        .expect("the assume policy");
    stack.detach(troy, policy);
    let simulation = troy_reads(&stack, PROJECT_KEY, Decision::ImplicitDeny);
    assert_eq!(simulation.steps.len(), 1);
    let step = &simulation.steps[0].evaluation;
    // The trust (Stuzio's side) allows; Acme's side has nothing that does.
    assert_eq!(step.deciding[0].policy, "StuzioAcmeConsultantRole trust");
    assert!(
        step.reasons
            .iter()
            .any(|r| r.contains("no identity-based policy")),
        "{step:?}"
    );
    assert!(
        step.fix
            .as_deref()
            .is_some_and(|fix| fix.contains("user/Troy"))
    );
}

#[test]
fn with_the_trust_naming_another_account_step_one_is_denied_on_stuzios_side() {
    let mut stack = Stack::reference_scenario();
    let role = stack
        .role_by_name("StuzioAcmeConsultantRole")
        .expect("the role");
    stack.role_mut(role).trust = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#,
    )
    .expect("a trust");
    let simulation = troy_reads(&stack, PROJECT_KEY, Decision::ImplicitDeny);
    assert_eq!(simulation.steps.len(), 1);
    let step = &simulation.steps[0].evaluation;
    assert!(
        step.reasons
            .iter()
            .any(|r| r.contains("the trust policy of the role does not allow")),
        "{step:?}"
    );
    // Acme's side allowed: its statement is shown.
    assert_eq!(step.deciding[0].policy, "AcmeClientAssumeRolePolicy");
}

#[test]
fn an_explicit_deny_in_the_roles_policy_is_named() {
    let mut stack = Stack::reference_scenario();
    let policy = stack
        .policy_by_name("StuzioProjectXPolicy")
        .expect("the policy");
    let mut document = stack.policy(policy).document.clone();
    let deny = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoReadingAnything","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}"#,
    )
    .expect("a deny");
    if let iamgen_runtime::policy::OneOrMany::Many(statements) = &mut document.statement {
        statements.extend(deny.statements().cloned());
    }
    stack.policy_mut(policy).document = document;
    let simulation = troy_reads(&stack, PROJECT_KEY, Decision::ExplicitDeny);
    let step = &simulation.steps[1].evaluation;
    assert_eq!(step.deciding.len(), 1);
    assert_eq!(step.deciding[0].policy, "StuzioProjectXPolicy");
    assert_eq!(step.deciding[0].statement, "NoReadingAnything");
    assert_eq!(step.deciding[0].pointer, "/Statement/2");
}

// --- The chain under the organization's control policies ------------------------------------------------------

const ACME: &str = "183438944504";
const STUZIO: &str = "081278057606";

/// `FullAWSAccess` and `RCPFullAWSAccess`, which AWS attaches to every level of an organization.
fn full_access(resource_control: bool) -> (String, PolicyDocument) {
    let principal = if resource_control {
        r#", "Principal": "*""#
    } else {
        ""
    };
    (
        if resource_control {
            "RCPFullAWSAccess"
        } else {
            "FullAWSAccess"
        }
        .to_owned(),
        document(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow"{principal}, "Action": "*", "Resource": "*"}}]}}"#
        )),
    )
}

/// Troy reading the project's bucket through the role, under `organization`, which must decide `decision`.
fn troy_reads_in(stack: &Stack, organization: &Organization, decision: Decision) -> Simulation {
    let request = troy_reading(PROJECT_KEY);
    let simulation =
        simulate_in(stack, organization, &request).expect("the scenario's principal and role");
    decided(simulation, decision)
}

#[test]
fn the_chain_holds_under_full_access_control_policies_at_every_level() {
    let stack = Stack::reference_scenario();
    let mut organization = Organization::new();
    for account in [ACME, STUZIO] {
        for _level in 0..3 {
            organization.add_scp_level(account, vec![full_access(false)]);
            organization.add_rcp_level(account, vec![full_access(true)]);
        }
    }
    troy_reads_in(&stack, &organization, Decision::Allowed);
}

#[test]
fn an_scp_on_acme_without_sts_stops_step_one_and_one_on_stuzio_leaves_it() {
    let stack = Stack::reference_scenario();
    let s3_only = (
        "S3Only".to_owned(),
        document(
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "OnlyS3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
        ),
    );

    // Troy's account may use S3 only: he cannot assume the role.
    let mut acme_limited = Organization::new();
    acme_limited.add_scp_level(ACME, vec![full_access(false)]);
    acme_limited.add_scp_level(ACME, vec![s3_only.clone()]);
    let simulation = troy_reads_in(&stack, &acme_limited, Decision::ImplicitDeny);
    assert_eq!(simulation.steps.len(), 1, "{}", simulation.to_text());
    let reasons = simulation.steps[0].evaluation.reasons.join("\n");
    assert!(
        reasons.contains("no service control policy at level 1 of the organization allows"),
        "{reasons}"
    );

    // The same SCP on Stuzio: the role's session there uses S3 only, which is all it does.
    let mut stuzio_limited = Organization::new();
    stuzio_limited.add_scp_level(STUZIO, vec![s3_only]);
    troy_reads_in(&stack, &stuzio_limited, Decision::Allowed);
}

#[test]
fn an_rcp_on_stuzio_that_denies_outside_callers_names_its_statement_at_step_two() {
    let stack = Stack::reference_scenario();
    // A data perimeter on Stuzio's resources: only Stuzio's own principals.
    let perimeter = (
        "DataPerimeter".to_owned(),
        document(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "OnlyStuzio", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {{"StringNotEqualsIfExists": {{"aws:PrincipalAccount": "{STUZIO}"}}}}}}]}}"#
        )),
    );
    let mut organization = Organization::new();
    organization.add_rcp_level(STUZIO, vec![full_access(true), perimeter.clone()]);
    // The role's session is Stuzio's own principal: the perimeter lets it through.
    troy_reads_in(&stack, &organization, Decision::Allowed);

    // A perimeter that admits only another account stops the session at step two, naming the statement.
    let mut strict = Organization::new();
    let other = (
        "OtherPerimeter".to_owned(),
        document(
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "OnlyElsewhere", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "999999999999"}}}]}"#,
        ),
    );
    strict.add_rcp_level(STUZIO, vec![full_access(true), other]);
    let simulation = troy_reads_in(&stack, &strict, Decision::ExplicitDeny);
    assert_eq!(simulation.steps.len(), 2);
    assert_eq!(simulation.steps[0].evaluation.decision, Decision::Allowed);
    let deciding = &simulation.steps[1].evaluation.deciding;
    assert_eq!(
        (deciding[0].policy.as_str(), deciding[0].statement.as_str()),
        ("OtherPerimeter", "OnlyElsewhere")
    );
}

#[test]
fn the_principal_and_the_role_are_found_by_name_or_by_their_arn_with_its_path() {
    let mut stack = Stack::reference_scenario();
    let troy = stack.user_by_name("Troy").expect("Troy");
    stack.user_mut(troy).path = "/consultants/".to_owned();
    let role = stack
        .role_by_name("StuzioAcmeConsultantRole")
        .expect("the role");
    stack.role_mut(role).path = "/clients/acme/".to_owned();
    let (troy_arn, role_arn) = (stack.user_arn(troy), stack.role_arn(role));
    assert_eq!(troy_arn, "arn:aws:iam::183438944504:user/consultants/Troy");
    let request = |principal, via_role| Request {
        principal,
        action: "s3:GetObject",
        resource: PROJECT_KEY,
        via_role,
        context: Context::new(),
    };
    for principal in ["Troy", troy_arn.as_str()] {
        for via in ["StuzioAcmeConsultantRole", role_arn.as_str()] {
            let simulation = simulate(&stack, &request(principal, Some(via))).expect("found");
            assert_eq!(
                simulation.steps[0].caller, troy_arn,
                "{principal} via {via}"
            );
            assert_eq!(
                simulation.steps[0].resource, role_arn,
                "{principal} via {via}"
            );
        }
    }
    // The ARN without its path, or with another account, names nobody.
    for principal in [
        "arn:aws:iam::183438944504:user/Troy",
        "arn:aws:iam::081278057606:user/consultants/Troy",
        "arn:aws:iam::183438944504:user/consultants/Troy/",
    ] {
        assert!(
            simulate(&stack, &request(principal, None)).is_err(),
            "{principal}"
        );
    }
    assert!(
        simulate(
            &stack,
            &request(
                "Troy",
                Some("arn:aws:iam::081278057606:role/StuzioAcmeConsultantRole")
            )
        )
        .is_err()
    );
}
