//! One test per documented rule of AWS's policy evaluation logic and per condition operator family, each citing
//! the IAM User Guide sentence it encodes (page, then the sentence, in the page's words or closely).
#![allow(clippy::too_many_lines, reason = "a table of cases")]

use iamgen_runtime::PolicyDocument;
use iamgen_runtime::eval::{Caller, Context, Decision, Named, Policies, evaluate};

const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
const ROLE: &str = "arn:aws:iam::111111111111:role/app";
const SESSION: &str = "arn:aws:sts::111111111111:assumed-role/app/s1";
const OTHER_USER: &str = "arn:aws:iam::222222222222:user/bob";
const BUCKET: &str = "arn:aws:s3:::doc-bucket";
const OBJECT: &str = "arn:aws:s3:::doc-bucket/report.csv";

/// A request and the policies that apply to it, as JSON.
#[derive(Clone)]
struct Case {
    caller: &'static str,
    action: &'static str,
    resource: &'static str,
    resource_account: &'static str,
    identity: Vec<String>,
    resource_policy: Option<String>,
    trust: bool,
    boundary: Option<String>,
    session: Option<String>,
    scps: Vec<Vec<String>>,
    rcps: Vec<Vec<String>>,
    management: bool,
    context: Vec<(&'static str, &'static str)>,
}

fn case() -> Case {
    Case {
        caller: ALICE,
        action: "s3:GetObject",
        resource: OBJECT,
        resource_account: "111111111111",
        identity: Vec::new(),
        resource_policy: None,
        trust: false,
        boundary: None,
        session: None,
        scps: Vec::new(),
        rcps: Vec::new(),
        management: false,
        context: Vec::new(),
    }
}

/// A policy of one statement.
fn stmt(effect: &str, action: &str, resource: &str, extra: &str) -> String {
    let resource = if resource.is_empty() {
        String::new()
    } else if resource.starts_with('[') {
        format!(r#", "Resource": {resource}"#)
    } else {
        format!(r#", "Resource": "{resource}""#)
    };
    let action = if action.starts_with('"') {
        action.to_owned()
    } else {
        format!(r#""Action": "{action}""#)
    };
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "{effect}", {action}{resource}{extra}}}]}}"#
    )
}

fn allow(action: &str, resource: &str) -> String {
    stmt("Allow", action, resource, "")
}

fn deny(action: &str, resource: &str) -> String {
    stmt("Deny", action, resource, "")
}

/// A resource-based policy allowing `principal` (JSON) to get the object.
fn grant(principal: &str) -> String {
    stmt(
        "Allow",
        "s3:GetObject",
        OBJECT,
        &format!(r#", "Principal": {principal}"#),
    )
}

/// An identity policy allowing the action only under `condition` (the inside of `"Condition": {...}`).
fn when(condition: &str) -> String {
    stmt(
        "Allow",
        "s3:GetObject",
        OBJECT,
        &format!(r#", "Condition": {{{condition}}}"#),
    )
}

fn run(case: &Case) -> Decision {
    let evaluation = evaluation(case);
    // Every reason has its code, in step.
    assert_eq!(
        evaluation.reasons.len(),
        evaluation.reason_codes.len(),
        "{:?} / {:?}",
        evaluation.reasons,
        evaluation.reason_codes
    );
    evaluation.decision
}

/// The whole evaluation of `case`: decision, statements, reasons and fix.
fn evaluation(case: &Case) -> iamgen_runtime::eval::Evaluation {
    let parse = |text: &String| {
        PolicyDocument::from_json(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    };
    let identity: Vec<PolicyDocument> = case.identity.iter().map(parse).collect();
    let resource = case.resource_policy.as_ref().map(parse);
    let boundary = case.boundary.as_ref().map(parse);
    let session = case.session.as_ref().map(parse);
    let scps: Vec<Vec<PolicyDocument>> = case
        .scps
        .iter()
        .map(|level| level.iter().map(parse).collect())
        .collect();
    let rcps: Vec<Vec<PolicyDocument>> = case
        .rcps
        .iter()
        .map(|level| level.iter().map(parse).collect())
        .collect();
    let named = |document| Named {
        name: "p",
        document,
    };
    let policies = Policies {
        identity: identity.iter().map(named).collect(),
        resource: resource.as_ref().map(named),
        resource_is_role_trust: case.trust,
        boundary: boundary.as_ref().map(named),
        session: session.as_ref().map(named),
        scps: scps
            .iter()
            .map(|level| level.iter().map(named).collect())
            .collect(),
        rcps: rcps
            .iter()
            .map(|level| level.iter().map(named).collect())
            .collect(),
        caller_is_management_account: case.management,
        resource_in_management_account: false,
    };
    let mut context = Context::new();
    for (key, value) in &case.context {
        if *value == "<empty>" {
            context.set_empty(key);
        } else {
            context.add(key, value);
        }
    }
    evaluate(
        &Caller::new(case.caller),
        case.action,
        case.resource,
        case.resource_account,
        &policies,
        &context,
    )
}

macro_rules! rule {
    ($name:ident, $cite:expr, $case:expr, $expected:expr) => {
        #[test]
        fn $name() {
            let case: Case = $case;
            assert_eq!(run(&case), $expected, "{}", $cite);
        }
    };
}

use Decision::{Allowed, ExplicitDeny, ImplicitDeny};

// --- The decision flow ("Policy evaluation logic"; "How AWS enforcement code logic evaluates requests") --------

rule!(
    no_policy_is_an_implicit_deny,
    "denyallow: By default, all requests are implicitly denied with the exception of the AWS account root user",
    case(),
    ImplicitDeny
);
rule!(
    an_identity_allow_allows,
    "denyallow: Requests must be explicitly allowed by a policy or set of policies",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        ..case()
    },
    Allowed
);
rule!(
    explicit_deny_overrides_allow,
    "denyallow: An explicit deny overrides an explicit allow.",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT), deny("s3:GetObject", OBJECT)],
        ..case()
    },
    ExplicitDeny
);
rule!(
    deny_in_another_policy_wins,
    "denyallow: In all those policies, the enforcement code looks for an explicit Deny statement that applies to the request",
    Case {
        identity: vec![allow("s3:*", "*")],
        resource_policy: Some(stmt(
            "Deny",
            "s3:GetObject",
            OBJECT,
            r#", "Principal": "*""#
        )),
        ..case()
    },
    ExplicitDeny
);
rule!(
    deny_in_a_boundary_wins,
    "denyallow: If the enforcement code finds even one explicit deny that applies, the code returns a final decision of Deny",
    Case {
        identity: vec![allow("s3:*", "*")],
        boundary: Some(deny("s3:GetObject", "*")),
        ..case()
    },
    ExplicitDeny
);
rule!(
    deny_in_a_session_policy_wins,
    "denyallow: session policies are among the policies searched for an explicit Deny",
    Case {
        caller: SESSION,
        identity: vec![allow("s3:*", "*")],
        session: Some(deny("s3:*", "*")),
        ..case()
    },
    ExplicitDeny
);
rule!(
    deny_in_an_scp_wins,
    "denyallow: These include AWS Organizations SCPs and RCPs ... In all those policies, the enforcement code looks for an explicit Deny",
    Case {
        identity: vec![allow("s3:*", "*")],
        scps: vec![vec![allow("*", "*"), deny("s3:GetObject", "*")]],
        ..case()
    },
    ExplicitDeny
);
rule!(
    deny_in_an_rcp_wins,
    "denyallow: RCPs are searched for an explicit Deny like every other applicable policy",
    Case {
        identity: vec![allow("s3:*", "*")],
        rcps: vec![vec![
            stmt("Allow", "*", "*", r#", "Principal": "*""#),
            stmt("Deny", "s3:GetObject", "*", r#", "Principal": "*""#)
        ]],
        ..case()
    },
    ExplicitDeny
);
rule!(
    a_deny_that_does_not_match_does_not_deny,
    "denyallow: an explicit Deny statement that applies to the request",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT), deny("s3:PutObject", OBJECT)],
        ..case()
    },
    Allowed
);
rule!(
    an_allow_for_another_action_is_no_allow,
    "denyallow: if the code doesn't find an Allow statement that applies, the final decision is an implicit Deny",
    Case {
        identity: vec![allow("s3:PutObject", OBJECT)],
        ..case()
    },
    ImplicitDeny
);
rule!(
    an_allow_for_another_resource_is_no_allow,
    "denyallow: an Allow statement that applies to the request (the resource must match)",
    Case {
        identity: vec![allow("s3:GetObject", "arn:aws:s3:::other/*")],
        ..case()
    },
    ImplicitDeny
);

// --- SCPs and RCPs -----------------------------------------------------------------------------------------------

rule!(
    scp_must_allow,
    "SCPs: for a permission to be allowed, it must be allowed by an SCP at every level from the root to the account",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        scps: vec![vec![allow("ec2:*", "*")]],
        ..case()
    },
    ImplicitDeny
);
rule!(
    scps_do_not_limit_a_service_principal,
    "Organizations, SCPs: SCPs affect only IAM users and roles that are managed by accounts that are part of the \
     organization (a service principal acting under a bucket policy is neither)",
    Case {
        caller: "cloudtrail.amazonaws.com",
        resource_policy: Some(grant(r#"{"Service": "cloudtrail.amazonaws.com"}"#)),
        scps: vec![vec![allow("*", "*"), deny("s3:GetObject", "*")]],
        ..case()
    },
    Allowed
);
rule!(
    scp_allow_at_every_level,
    "SCPs: an Allow is needed at every level from the root through each OU to the account",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        scps: vec![
            vec![allow("*", "*")],
            vec![allow("s3:*", "*")],
            vec![allow("s3:Get*", "*")]
        ],
        ..case()
    },
    Allowed
);
rule!(
    scp_missing_at_one_ou_denies,
    "SCPs: if any level in the path does not allow the action, it is denied",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        scps: vec![
            vec![allow("*", "*")],
            vec![allow("ec2:*", "*")],
            vec![allow("*", "*")]
        ],
        ..case()
    },
    ImplicitDeny
);
rule!(
    scps_grant_nothing,
    "SCPs: SCPs don't grant permissions; the identity-based policy must still allow",
    Case {
        scps: vec![vec![allow("*", "*")]],
        ..case()
    },
    ImplicitDeny
);
rule!(
    scps_skip_the_management_account,
    "SCPs: SCPs don't affect users or roles in the management account",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        scps: vec![vec![deny("*", "*")]],
        management: true,
        ..case()
    },
    Allowed
);
rule!(
    rcp_must_allow,
    "RCPs: the resource control policies at every level must allow the request",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        rcps: vec![vec![stmt("Allow", "ec2:*", "*", r#", "Principal": "*""#)]],
        ..case()
    },
    ImplicitDeny
);
rule!(
    rcp_allow_passes,
    "RCPs: RCPs don't grant permissions; they allow what identity or resource policies grant",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        rcps: vec![vec![stmt("Allow", "*", "*", r#", "Principal": "*""#)]],
        ..case()
    },
    Allowed
);

// AWS's defaults (#15): a level given with Deny statements alone still has AWS's full-access policy beside them.
rule!(
    rcp_full_aws_access_is_at_every_level,
    "Organizations, RCP syntax: The effect of Allow is only supported for the RCPFullAWSAccess policy. This policy \
     is automatically attached to the organization root, every OU, and every account ... You cannot detach this \
     policy",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        rcps: vec![vec![stmt(
            "Deny",
            "s3:DeleteObject",
            "*",
            r#", "Principal": "*""#
        )]],
        ..case()
    },
    Allowed
);
rule!(
    rcp_deny_still_denies_under_the_default,
    "Organizations, RCPs: RCPFullAWSAccess allows all principals and actions to pass through RCP evaluation; a \
     Deny in an RCP still denies",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        rcps: vec![
            vec![stmt(
                "Deny",
                "s3:DeleteObject",
                "*",
                r#", "Principal": "*""#
            )],
            vec![stmt("Deny", "s3:GetObject", "*", r#", "Principal": "*""#)]
        ],
        ..case()
    },
    ExplicitDeny
);
rule!(
    full_aws_access_stays_beside_a_deny_list,
    "Organizations, DetachPolicy: If you instead attach a second SCP and leave the FullAWSAccess SCP still \
     attached, and specify \"Effect\": \"Deny\" in the second SCP ..., you're using the authorization strategy of \
     a deny list (a level given with Deny statements alone keeps FullAWSAccess)",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        scps: vec![vec![allow("*", "*")], vec![deny("ec2:*", "*")]],
        ..case()
    },
    Allowed
);
rule!(
    an_allow_list_replaces_full_aws_access,
    "Organizations, DetachPolicy: If you want to replace the default FullAWSAccess policy with an SCP that limits \
     the permissions that can be delegated, you must attach the replacement SCP before you can remove the \
     default SCP (a level with an Allow is the allow list that replaced it)",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        scps: vec![vec![deny("ec2:*", "*")], vec![allow("ec2:*", "*")]],
        ..case()
    },
    ImplicitDeny
);

/// The explanation says that AWS's default was read in, and at which level.
#[test]
fn the_explanation_names_the_default_control_policy() {
    let scp = PolicyDocument::from_json(&deny("ec2:*", "*")).expect("a policy");
    let identity = PolicyDocument::from_json(&allow("s3:GetObject", OBJECT)).expect("a policy");
    let named = |document| Named {
        name: "p",
        document,
    };
    let policies = Policies {
        identity: vec![named(&identity)],
        scps: vec![vec![named(&scp)]],
        rcps: vec![vec![named(&scp)]],
        ..Policies::default()
    };
    let evaluation = evaluate(
        &Caller::new(ALICE),
        "s3:GetObject",
        OBJECT,
        "111111111111",
        &policies,
        &Context::new(),
    );
    assert_eq!(evaluation.decision, Allowed);
    let reasons = evaluation.reasons.join("\n");
    for default in ["RCPFullAWSAccess", "FullAWSAccess (which AWS attaches"] {
        assert!(reasons.contains(default), "{reasons}");
    }
    assert!(
        reasons.contains("at level 0 of the organization"),
        "{reasons}"
    );
}

// --- Within one account -------------------------------------------------------------------------------------------

rule!(
    same_account_resource_policy_alone_allows_a_user,
    "policy-eval-basics: If either the identity-based policy or the resource-based policy within the same account allows the request and the other doesn't, the request is still allowed.",
    Case {
        resource_policy: Some(grant(&format!(r#"{{"AWS": "{ALICE}"}}"#))),
        ..case()
    },
    Allowed
);
rule!(
    same_account_identity_alone_allows,
    "policy-eval-basics: If either the identity-based policy or the resource-based policy ... allows the request, the request is still allowed",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(grant(r#"{"AWS": "arn:aws:iam::111111111111:user/other"}"#)),
        ..case()
    },
    Allowed
);
rule!(
    resource_policy_naming_the_account_delegates,
    "evaluation-logic: When the resource-based policy grants to the account, the identity-based policies of the account's principals must allow",
    Case {
        resource_policy: Some(grant(r#"{"AWS": "111111111111"}"#)),
        ..case()
    },
    ImplicitDeny
);
rule!(
    resource_policy_naming_the_account_with_identity_allows,
    "evaluation-logic: permissions delegated to the account are granted through the identity-based policy",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(grant(r#"{"AWS": "arn:aws:iam::111111111111:root"}"#)),
        ..case()
    },
    Allowed
);
rule!(
    boundary_limits_identity_policies,
    "access_policies_boundaries: An entity's permissions boundary allows it to perform only the actions that are allowed by both its identity-based policies and its permissions boundaries.",
    Case {
        identity: vec![allow("s3:*", "*")],
        boundary: Some(allow("s3:PutObject", "*")),
        ..case()
    },
    ImplicitDeny
);
rule!(
    boundary_and_identity_both_allow,
    "access_policies_boundaries: allowed by both its identity-based policies and its permissions boundaries",
    Case {
        identity: vec![allow("s3:*", "*")],
        boundary: Some(allow("s3:GetObject", "*")),
        ..case()
    },
    Allowed
);
rule!(
    boundary_grants_nothing,
    "access_policies_boundaries: Permissions boundaries do not grant permissions on their own",
    Case {
        boundary: Some(allow("s3:*", "*")),
        ..case()
    },
    ImplicitDeny
);
rule!(
    boundary_does_not_limit_a_resource_policy_naming_the_user,
    "access_policies_boundaries: Within an account, an implicit deny in a permissions boundary does not limit the permissions granted to an IAM user by a resource-based policy naming the user",
    Case {
        resource_policy: Some(grant(&format!(r#"{{"AWS": "{ALICE}"}}"#))),
        boundary: Some(allow("ec2:*", "*")),
        ..case()
    },
    Allowed
);
rule!(
    boundary_limits_a_resource_policy_naming_the_role,
    "access_policies_boundaries: If the resource-based policy grants to the role's ARN, an implicit deny in the boundary limits the role session",
    Case {
        caller: SESSION,
        resource_policy: Some(grant(&format!(r#"{{"AWS": "{ROLE}"}}"#))),
        boundary: Some(allow("ec2:*", "*")),
        ..case()
    },
    ImplicitDeny
);
rule!(
    resource_policy_naming_the_session_bypasses_the_boundary,
    "access_policies_boundaries: resource-based policies that specify the role session ARN grant directly to the session",
    Case {
        caller: SESSION,
        resource_policy: Some(grant(&format!(r#"{{"AWS": "{SESSION}"}}"#))),
        boundary: Some(allow("ec2:*", "*")),
        ..case()
    },
    Allowed
);
rule!(
    resource_policy_naming_the_role_allows_its_session,
    "reference_policies_elements_principal: a role principal in a resource-based policy grants to the sessions of that role",
    Case {
        caller: SESSION,
        resource_policy: Some(grant(&format!(r#"{{"AWS": "{ROLE}"}}"#))),
        ..case()
    },
    Allowed
);
rule!(
    session_policy_limits,
    "access_policies_session: The resulting session's permissions are the intersection of the role's identity-based policies and the session policies.",
    Case {
        caller: SESSION,
        identity: vec![allow("s3:*", "*")],
        session: Some(allow("s3:PutObject", "*")),
        ..case()
    },
    ImplicitDeny
);
rule!(
    session_policy_and_identity_allow,
    "access_policies_session: the intersection of the identity-based policies and the session policies",
    Case {
        caller: SESSION,
        identity: vec![allow("s3:*", "*")],
        session: Some(allow("s3:Get*", "*")),
        ..case()
    },
    Allowed
);
rule!(
    session_policy_grants_nothing,
    "access_policies_session: Session policies limit permissions ... they can't be used to grant more permissions than the identity-based policy",
    Case {
        caller: SESSION,
        session: Some(allow("*", "*")),
        ..case()
    },
    ImplicitDeny
);

// --- Across accounts -----------------------------------------------------------------------------------------------

rule!(
    cross_account_needs_both_sides,
    "cross-account: the trusting account must allow via a resource-based policy and the trusted account via an identity-based policy",
    Case {
        caller: OTHER_USER,
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(grant(r#"{"AWS": "222222222222"}"#)),
        ..case()
    },
    Allowed
);
rule!(
    cross_account_identity_only_is_denied,
    "cross-account: If the resource-based policy does not allow, the request is denied even when the identity-based policy allows",
    Case {
        caller: OTHER_USER,
        identity: vec![allow("s3:GetObject", OBJECT)],
        ..case()
    },
    ImplicitDeny
);
rule!(
    cross_account_resource_only_is_denied,
    "cross-account: the requesting principal's identity-based policy must also allow the action",
    Case {
        caller: OTHER_USER,
        resource_policy: Some(grant(&format!(r#"{{"AWS": "{OTHER_USER}"}}"#))),
        ..case()
    },
    ImplicitDeny
);
rule!(
    cross_account_boundary_applies,
    "cross-account: the trusted side's boundary and session policies apply to what its identity-based policies grant",
    Case {
        caller: OTHER_USER,
        identity: vec![allow("s3:GetObject", OBJECT)],
        boundary: Some(allow("ec2:*", "*")),
        resource_policy: Some(grant(r#"{"AWS": "222222222222"}"#)),
        ..case()
    },
    ImplicitDeny
);
rule!(
    cross_account_resource_deny_wins,
    "cross-account: an explicit deny in either account's policies denies the request",
    Case {
        caller: OTHER_USER,
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"222222222222"}},"Action":"s3:GetObject","Resource":"{OBJECT}"}},{{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"{OBJECT}"}}]}}"#
        )),
        ..case()
    },
    ExplicitDeny
);

// --- Role trust policies ("Role trust policies ... must always allow explicitly") --------------------------------

fn assume() -> Case {
    Case {
        action: "sts:AssumeRole",
        resource: ROLE,
        trust: true,
        ..case()
    }
}
fn trust(principal: &str) -> String {
    stmt(
        "Allow",
        "sts:AssumeRole",
        "",
        &format!(r#", "Principal": {principal}"#),
    )
}
rule!(
    the_trust_policy_decides_tag_session,
    "session tags: If the role trust policy doesn't allow the sts:TagSession action, the AssumeRole request \
     fails (the trust decides it as it decides sts:AssumeRole: eval::is_trust_action)",
    Case {
        action: "sts:TagSession",
        trust: iamgen_runtime::eval::is_trust_action("sts:TagSession"),
        identity: vec![allow("sts:TagSession", ROLE)],
        resource_policy: Some(trust(r#"{"AWS": "111111111111"}"#)),
        ..assume()
    },
    ImplicitDeny
);
rule!(
    the_trust_policy_decides_set_source_identity,
    "source identity: the role trust policy must allow sts:SetSourceIdentity for a source identity to be set",
    Case {
        action: "sts:SetSourceIdentity",
        trust: iamgen_runtime::eval::is_trust_action("sts:SetSourceIdentity"),
        identity: vec![allow("sts:SetSourceIdentity", ROLE)],
        resource_policy: Some(trust(r#"{"AWS": "111111111111"}"#)),
        ..assume()
    },
    ImplicitDeny
);
rule!(
    trust_must_allow_even_in_one_account,
    "evaluation-logic: Role trust policies ... must always allow explicitly, even within one account",
    Case {
        identity: vec![allow("sts:AssumeRole", ROLE)],
        resource_policy: Some(trust(r#"{"AWS": "999999999999"}"#)),
        ..assume()
    },
    ImplicitDeny
);
rule!(
    trust_naming_the_user_is_enough_in_one_account,
    "roles_terms: a trust policy that names the user lets it assume the role; within one account no identity-based policy is needed",
    Case {
        resource_policy: Some(trust(&format!(r#"{{"AWS": "{ALICE}"}}"#))),
        ..assume()
    },
    Allowed
);
rule!(
    trust_naming_the_account_needs_identity_in_one_account,
    "roles_terms: a trust that names the account delegates to the account's principals' identity-based policies",
    Case {
        resource_policy: Some(trust(r#"{"AWS": "111111111111"}"#)),
        ..assume()
    },
    ImplicitDeny
);
rule!(
    trust_naming_the_account_with_identity_allows,
    "roles_terms: the account root principal in a trust policy plus an identity-based permission lets the principal assume the role",
    Case {
        identity: vec![allow("sts:AssumeRole", ROLE)],
        resource_policy: Some(trust(r#"{"AWS": "arn:aws:iam::111111111111:root"}"#)),
        ..assume()
    },
    Allowed
);
rule!(
    cross_account_assume_needs_the_callers_policy,
    "cross-account: to assume a role in another account, the trusted principal needs sts:AssumeRole in its identity-based policy",
    Case {
        caller: OTHER_USER,
        resource_policy: Some(trust(&format!(r#"{{"AWS": "{OTHER_USER}"}}"#))),
        ..assume()
    },
    ImplicitDeny
);
rule!(
    cross_account_assume_with_both,
    "cross-account: both the trust policy and the caller's identity-based policy allow",
    Case {
        caller: OTHER_USER,
        identity: vec![allow("sts:AssumeRole", ROLE)],
        resource_policy: Some(trust(r#"{"AWS": "222222222222"}"#)),
        ..assume()
    },
    Allowed
);
rule!(
    trust_with_external_id_condition_needs_it,
    "id_roles_create_for_user_externalid: the trust policy's sts:ExternalId condition must be satisfied",
    Case {
        caller: OTHER_USER,
        identity: vec![allow("sts:AssumeRole", ROLE)],
        resource_policy: Some(stmt(
            "Allow",
            "sts:AssumeRole",
            "",
            r#", "Principal": {"AWS": "222222222222"}, "Condition": {"StringEquals": {"sts:ExternalId": "x-1"}}"#
        )),
        ..assume()
    },
    ImplicitDeny
);
rule!(
    trust_with_external_id_given,
    "id_roles_create_for_user_externalid: with the right external id the role can be assumed",
    Case {
        caller: OTHER_USER,
        identity: vec![allow("sts:AssumeRole", ROLE)],
        resource_policy: Some(stmt(
            "Allow",
            "sts:AssumeRole",
            "",
            r#", "Principal": {"AWS": "222222222222"}, "Condition": {"StringEquals": {"sts:ExternalId": "x-1"}}"#
        )),
        context: vec![("sts:ExternalId", "x-1")],
        ..assume()
    },
    Allowed
);

// --- Action, NotAction, Resource, NotResource -----------------------------------------------------------------------

rule!(
    actions_match_case_insensitively,
    "reference_policies_elements_action: action names are case insensitive",
    Case {
        identity: vec![allow("S3:getobject", OBJECT)],
        ..case()
    },
    Allowed
);
rule!(
    action_star_wildcard,
    "reference_policies_elements_action: You can use wildcards (*) ... \"s3:*\"",
    Case {
        identity: vec![allow("s3:Get*", OBJECT)],
        ..case()
    },
    Allowed
);
rule!(
    action_question_wildcard,
    "reference_policies_elements_action: the ? wildcard matches one character",
    Case {
        identity: vec![allow("s3:GetObjec?", OBJECT)],
        ..case()
    },
    Allowed
);
rule!(
    action_all,
    "reference_policies_elements_action: \"Action\": \"*\" matches every action",
    Case {
        identity: vec![allow("*", OBJECT)],
        ..case()
    },
    Allowed
);
rule!(
    action_list_any,
    "reference_policies_elements_action: a list of actions matches any of them",
    Case {
        identity: vec![stmt(
            "Allow",
            r#""Action": ["s3:PutObject", "s3:GetObject"]"#,
            OBJECT,
            ""
        )],
        ..case()
    },
    Allowed
);
rule!(
    not_action_allows_everything_else,
    "reference_policies_elements_notaction: NotAction matches everything except the specified list of actions",
    Case {
        identity: vec![stmt("Allow", r#""NotAction": "iam:*""#, "*", "")],
        ..case()
    },
    Allowed
);
rule!(
    not_action_excludes_the_listed,
    "reference_policies_elements_notaction: the listed actions are not matched",
    Case {
        identity: vec![stmt("Allow", r#""NotAction": "s3:*""#, "*", "")],
        ..case()
    },
    ImplicitDeny
);
rule!(
    deny_with_not_action_denies_the_rest,
    "reference_policies_elements_notaction: Deny with NotAction denies all actions except those listed",
    Case {
        identity: vec![
            allow("*", "*"),
            stmt("Deny", r#""NotAction": "iam:*""#, "*", "")
        ],
        ..case()
    },
    ExplicitDeny
);
rule!(
    resources_match_case_sensitively,
    "reference_policies_elements_resource: resource ARNs are case sensitive",
    Case {
        identity: vec![allow("s3:GetObject", "arn:aws:s3:::DOC-BUCKET/*")],
        ..case()
    },
    ImplicitDeny
);
rule!(
    resource_star_in_the_path,
    "reference_policies_elements_resource: You can use wildcard characters (* and ?) within any ARN segment",
    Case {
        identity: vec![allow("s3:GetObject", "arn:aws:s3:::doc-*/*.csv")],
        ..case()
    },
    Allowed
);
rule!(
    resource_question_mark,
    "reference_policies_elements_resource: the ? wildcard matches one character",
    Case {
        identity: vec![allow("s3:GetObject", "arn:aws:s3:::doc-bucket/report.cs?")],
        ..case()
    },
    Allowed
);
rule!(
    resource_star_crosses_slashes,
    "reference_policies_elements_resource: a * wildcard can match slashes in the resource part",
    Case {
        identity: vec![allow("s3:GetObject", "arn:aws:s3:::doc-bucket*")],
        ..case()
    },
    Allowed
);
rule!(
    bucket_arn_is_not_its_objects,
    "s3 ARNs: arn:aws:s3:::bucket names the bucket, not its objects",
    Case {
        identity: vec![allow("s3:GetObject", BUCKET)],
        ..case()
    },
    ImplicitDeny
);
rule!(
    not_resource_matches_the_rest,
    "reference_policies_elements_notresource: NotResource matches every resource except those specified",
    Case {
        identity: vec![stmt(
            "Allow",
            "s3:GetObject",
            "",
            r#", "NotResource": "arn:aws:s3:::secret/*""#
        )],
        ..case()
    },
    Allowed
);
rule!(
    not_resource_excludes_the_listed,
    "reference_policies_elements_notresource: the specified resources are excluded",
    Case {
        identity: vec![stmt(
            "Allow",
            "s3:GetObject",
            "",
            r#", "NotResource": "arn:aws:s3:::doc-bucket/*""#
        )],
        ..case()
    },
    ImplicitDeny
);
rule!(
    resource_list_any,
    "reference_policies_elements_resource: a list of resources matches any of them",
    Case {
        identity: vec![allow(
            "s3:GetObject",
            r#"["arn:aws:s3:::a/*", "arn:aws:s3:::doc-bucket/*"]"#
        )],
        ..case()
    },
    Allowed
);

// --- Principal, NotPrincipal ----------------------------------------------------------------------------------------

rule!(
    principal_star_is_everyone,
    "reference_policies_elements_principal: \"Principal\": \"*\" ... grants to everyone",
    Case {
        resource_policy: Some(grant(r#""*""#)),
        ..case()
    },
    Allowed
);
rule!(
    principal_aws_star_is_everyone,
    "reference_policies_elements_principal: {\"AWS\": \"*\"} is equivalent to \"*\"",
    Case {
        resource_policy: Some(grant(r#"{"AWS": "*"}"#)),
        ..case()
    },
    Allowed
);
rule!(
    principal_account_id_short_form,
    "reference_policies_elements_principal: you can use the account ARN (arn:aws:iam::account-ID:root), or a shortened form that consists of the \"AWS\": prefix followed by the account ID",
    Case {
        caller: OTHER_USER,
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(grant(r#"{"AWS": "222222222222"}"#)),
        ..case()
    },
    Allowed
);
rule!(
    principal_root_arn_means_the_account,
    "reference_policies_elements_principal: arn:aws:iam::account-ID:root stands for the account, not only its root user",
    Case {
        caller: OTHER_USER,
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(grant(r#"{"AWS": "arn:aws:iam::222222222222:root"}"#)),
        ..case()
    },
    Allowed
);
rule!(
    principal_other_account_does_not_match,
    "reference_policies_elements_principal: a principal of another account is not matched",
    Case {
        caller: OTHER_USER,
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(grant(r#"{"AWS": "333333333333"}"#)),
        ..case()
    },
    ImplicitDeny
);
rule!(
    principal_user_arn,
    "reference_policies_elements_principal: IAM user principals are specified by ARN",
    Case {
        caller: OTHER_USER,
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(grant(&format!(r#"{{"AWS": "{OTHER_USER}"}}"#))),
        ..case()
    },
    Allowed
);
rule!(
    principal_other_user_arn_does_not_match,
    "reference_policies_elements_principal: naming one user does not name another",
    Case {
        caller: OTHER_USER,
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(grant(r#"{"AWS": "arn:aws:iam::222222222222:user/carol"}"#)),
        ..case()
    },
    ImplicitDeny
);
rule!(
    principal_role_names_its_sessions,
    "reference_policies_elements_principal: role sessions are matched by the role's ARN",
    Case {
        caller: "arn:aws:sts::222222222222:assumed-role/ops/s",
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(grant(r#"{"AWS": "arn:aws:iam::222222222222:role/ops"}"#)),
        ..case()
    },
    Allowed
);
rule!(
    principal_session_arn_names_one_session,
    "reference_policies_elements_principal: an assumed-role session principal names that session only",
    Case {
        caller: "arn:aws:sts::222222222222:assumed-role/ops/other",
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(grant(
            r#"{"AWS": "arn:aws:sts::222222222222:assumed-role/ops/s"}"#
        )),
        ..case()
    },
    ImplicitDeny
);
rule!(
    principal_service,
    "reference_policies_elements_principal: AWS service principals are specified with Service",
    Case {
        caller: "ec2.amazonaws.com",
        resource_account: "111111111111",
        action: "sts:AssumeRole",
        resource: ROLE,
        trust: true,
        resource_policy: Some(trust(r#"{"Service": "ec2.amazonaws.com"}"#)),
        ..case()
    },
    Allowed
);
rule!(
    principal_other_service,
    "reference_policies_elements_principal: a service principal names that service only",
    Case {
        caller: "lambda.amazonaws.com",
        action: "sts:AssumeRole",
        resource: ROLE,
        trust: true,
        resource_policy: Some(trust(r#"{"Service": "ec2.amazonaws.com"}"#)),
        ..case()
    },
    ImplicitDeny
);
rule!(
    not_principal_excludes,
    "reference_policies_elements_notprincipal: NotPrincipal matches every principal except those specified",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(stmt(
            "Deny",
            "s3:GetObject",
            OBJECT,
            &format!(r#", "NotPrincipal": {{"AWS": "{ALICE}"}}"#)
        )),
        ..case()
    },
    Allowed
);
rule!(
    not_principal_denies_the_others,
    "reference_policies_elements_notprincipal: Deny with NotPrincipal denies everyone not listed",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(stmt(
            "Deny",
            "s3:GetObject",
            OBJECT,
            r#", "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:user/admin"}"#
        )),
        ..case()
    },
    ExplicitDeny
);

/// A bucket policy denying the object to everyone but `exempt` (the inside of `"NotPrincipal": {...}`).
fn deny_all_but(exempt: &str) -> String {
    stmt(
        "Deny",
        "s3:GetObject",
        OBJECT,
        &format!(r#", "NotPrincipal": {{{exempt}}}"#),
    )
}

rule!(
    not_principal_with_an_account_exempts_only_its_root,
    "reference_policies_elements_notprincipal: When you use NotPrincipal with Effect: Deny ... specifying the \
     account ARN (or id) exempts the account's root user, not the users and roles of the account",
    Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(deny_all_but(r#""AWS": "111111111111""#)),
        ..case()
    },
    ExplicitDeny
);
rule!(
    not_principal_with_a_role_does_not_exempt_its_sessions,
    "reference_policies_elements_notprincipal: you must include both the role ARN and the assumed-role session \
     ARN (a role's ARN alone does not exempt its sessions)",
    Case {
        caller: SESSION,
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(deny_all_but(&format!(r#""AWS": "{ROLE}""#))),
        ..case()
    },
    ExplicitDeny
);
rule!(
    not_principal_with_the_session_listed_exempts_it,
    "reference_policies_elements_notprincipal: include both the role ARN and the assumed-role session ARN",
    Case {
        caller: SESSION,
        identity: vec![allow("s3:GetObject", OBJECT)],
        resource_policy: Some(deny_all_but(&format!(r#""AWS": ["{ROLE}", "{SESSION}"]"#))),
        ..case()
    },
    Allowed
);

// --- Conditions: composition ("Creating a condition with multiple keys or values") ----------------------------------

rule!(
    keys_are_anded,
    "multi-value-conditions: if there are multiple keys attached to a single condition operator, the conditions are evaluated using a logical AND",
    Case {
        identity: vec![when(
            r#""StringEquals": {"aws:username": "alice", "aws:PrincipalTag/team": "data"}"#
        )],
        context: vec![("aws:PrincipalTag/team", "ops")],
        ..case()
    },
    ImplicitDeny
);
rule!(
    keys_anded_all_hold,
    "multi-value-conditions: evaluated using a logical AND (all hold)",
    Case {
        identity: vec![when(
            r#""StringEquals": {"aws:username": "alice", "aws:PrincipalTag/team": "data"}"#
        )],
        context: vec![("aws:PrincipalTag/team", "data")],
        ..case()
    },
    Allowed
);
rule!(
    operators_are_anded,
    "multi-value-conditions: If there are multiple condition operators ... the conditions are evaluated using a logical AND",
    Case {
        identity: vec![when(
            r#""StringEquals": {"aws:username": "alice"}, "Bool": {"aws:SecureTransport": "true"}"#
        )],
        context: vec![("aws:SecureTransport", "false")],
        ..case()
    },
    ImplicitDeny
);
rule!(
    values_are_ored,
    "multi-value-conditions: If a single condition operator includes multiple values for one key, that condition operator is evaluated using a logical OR",
    Case {
        identity: vec![when(
            r#""StringEquals": {"aws:username": ["bob", "alice"]}"#
        )],
        ..case()
    },
    Allowed
);
rule!(
    condition_keys_are_case_insensitive,
    "reference_policies_elements_condition: condition key names are not case sensitive",
    Case {
        identity: vec![when(r#""StringEquals": {"AWS:USERNAME": "alice"}"#)],
        ..case()
    },
    Allowed
);

// --- Conditions: missing keys, IfExists, Null ----------------------------------------------------------------------

rule!(
    missing_key_is_false,
    "condition_operators: If the key that you specify in a policy condition is not present in the request context, the values do not match and the condition is false",
    Case {
        identity: vec![when(r#""StringEquals": {"aws:PrincipalTag/team": "data"}"#)],
        ..case()
    },
    ImplicitDeny
);
rule!(
    missing_key_negated_is_true,
    "condition_operators: with a negated operator (StringNotEquals ...) a missing key makes the condition true",
    Case {
        identity: vec![when(
            r#""StringNotEquals": {"aws:PrincipalTag/team": "data"}"#
        )],
        ..case()
    },
    Allowed
);
rule!(
    if_exists_missing_is_true,
    "condition_operators: ...IfExists: If the key is not present, evaluate the condition element as true.",
    Case {
        identity: vec![when(
            r#""StringEqualsIfExists": {"aws:PrincipalTag/team": "data"}"#
        )],
        ..case()
    },
    Allowed
);
rule!(
    if_exists_present_is_evaluated,
    "condition_operators: ...IfExists: If the policy key is present in the context of the request, process the key as specified in the policy.",
    Case {
        identity: vec![when(
            r#""StringEqualsIfExists": {"aws:PrincipalTag/team": "data"}"#
        )],
        context: vec![("aws:PrincipalTag/team", "ops")],
        ..case()
    },
    ImplicitDeny
);
rule!(
    null_true_when_absent,
    "condition_operators: Null ... true if the key doesn't exist (\"true\")",
    Case {
        identity: vec![when(r#""Null": {"aws:TokenIssueTime": "true"}"#)],
        ..case()
    },
    Allowed
);
rule!(
    null_true_fails_when_present,
    "condition_operators: Null \"true\" fails when the key exists",
    Case {
        identity: vec![when(r#""Null": {"aws:TokenIssueTime": "true"}"#)],
        context: vec![("aws:TokenIssueTime", "2026-11-29T10:00:00Z")],
        ..case()
    },
    ImplicitDeny
);
rule!(
    null_false_when_present,
    "condition_operators: Null \"false\": the key exists and its value is not null",
    Case {
        identity: vec![when(r#""Null": {"aws:TokenIssueTime": "false"}"#)],
        context: vec![("aws:TokenIssueTime", "2026-11-29T10:00:00Z")],
        ..case()
    },
    Allowed
);

// --- Conditions: set operators ("Condition keys with multiple values") ---------------------------------------------

rule!(
    for_all_values_all_match,
    "condition-single-vs-multi-valued: ForAllValues returns true if every value in the request matches at least one value in the policy",
    Case {
        identity: vec![when(
            r#""ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}"#
        )],
        context: vec![("aws:TagKeys", "a"), ("aws:TagKeys", "b")],
        ..case()
    },
    Allowed
);
rule!(
    for_all_values_one_outside,
    "condition-single-vs-multi-valued: ForAllValues is false when a request value matches none",
    Case {
        identity: vec![when(
            r#""ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}"#
        )],
        context: vec![("aws:TagKeys", "a"), ("aws:TagKeys", "c")],
        ..case()
    },
    ImplicitDeny
);
rule!(
    for_all_values_missing_key,
    "condition-single-vs-multi-valued: ForAllValues ... also returns true if there are no keys in the request",
    Case {
        identity: vec![when(
            r#""ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}"#
        )],
        ..case()
    },
    Allowed
);
rule!(
    for_all_values_empty_set,
    "condition-single-vs-multi-valued: ForAllValues returns true if the key resolves to an empty data set",
    Case {
        identity: vec![when(
            r#""ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}"#
        )],
        context: vec![("aws:TagKeys", "<empty>")],
        ..case()
    },
    Allowed
);
rule!(
    for_any_value_one_matches,
    "condition-single-vs-multi-valued: ForAnyValue returns true if at least one of the request values matches",
    Case {
        identity: vec![when(
            r#""ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}"#
        )],
        context: vec![("aws:TagKeys", "z"), ("aws:TagKeys", "a")],
        ..case()
    },
    Allowed
);
rule!(
    for_any_value_none_matches,
    "condition-single-vs-multi-valued: ForAnyValue is false when no request value matches",
    Case {
        identity: vec![when(
            r#""ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}"#
        )],
        context: vec![("aws:TagKeys", "z")],
        ..case()
    },
    ImplicitDeny
);
rule!(
    for_any_value_missing_key,
    "condition-single-vs-multi-valued: ForAnyValue returns false if there are no keys in the request",
    Case {
        identity: vec![when(
            r#""ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}"#
        )],
        ..case()
    },
    ImplicitDeny
);
rule!(
    for_any_value_empty_set,
    "condition-single-vs-multi-valued: ForAnyValue returns false if the key resolves to an empty data set",
    Case {
        identity: vec![when(
            r#""ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}"#
        )],
        context: vec![("aws:TagKeys", "<empty>")],
        ..case()
    },
    ImplicitDeny
);
// Item 9 of #15, `ForAnyValue:...IfExists` with the key missing. Two sentences of the guide meet here:
// condition_operators says of `...IfExists` "If the key is not present, evaluate the condition element as true",
// and condition-single-vs-multi-valued says of `ForAnyValue` "if the key ... is missing ... the condition returns
// false". The set operator's page is the specific one (it is about exactly this operator over a missing key), and
// it is what IAM does (the ForAnyValue:StringEqualsIfExists on aws:TagKeys thread on AWS re:Post: a ListQueues
// request without tags is denied). Our reading: with a set operator the qualifier decides a missing key or an
// empty set, and `IfExists` changes nothing; `ForAllValues` is true either way, `ForAnyValue` false.
rule!(
    for_any_value_if_exists_missing_key_is_false,
    "condition-single-vs-multi-valued: ForAnyValue ... If the key in your request is missing, the condition \
     returns false (the set operator decides; ...IfExists does not make a missing key true under ForAnyValue)",
    Case {
        identity: vec![when(
            r#""ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": ["team"]}"#
        )],
        ..case()
    },
    ImplicitDeny
);
rule!(
    for_any_value_if_exists_missing_key_does_not_deny,
    "condition-single-vs-multi-valued: ForAnyValue ... If the key in your request is missing, the condition \
     returns false, so a Deny with ForAnyValue:...IfExists does not apply to a request without the key",
    Case {
        identity: vec![
            allow("s3:GetObject", OBJECT),
            stmt(
                "Deny",
                "s3:GetObject",
                OBJECT,
                r#", "Condition": {"ForAnyValue:StringNotEqualsIfExists": {"aws:TagKeys": ["team"]}}"#,
            ),
        ],
        ..case()
    },
    Allowed
);
rule!(
    for_any_value_if_exists_present_key_is_evaluated,
    "condition_operators: ...IfExists: If the policy key is present in the context of the request, process the key \
     as specified in the policy (ForAnyValue: at least one request value matches)",
    Case {
        identity: vec![when(
            r#""ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": ["team"]}"#
        )],
        context: vec![("aws:TagKeys", "team"), ("aws:TagKeys", "cost")],
        ..case()
    },
    Allowed
);
rule!(
    for_all_values_if_exists_missing_key_is_true,
    "condition-single-vs-multi-valued: ForAllValues ... If there are no context keys in the request, the \
     condition returns true (and ...IfExists agrees: a missing key is true)",
    Case {
        identity: vec![when(
            r#""ForAllValues:StringEqualsIfExists": {"aws:TagKeys": ["team"]}"#
        )],
        ..case()
    },
    Allowed
);
rule!(
    for_all_values_an_empty_string_is_a_value,
    "condition-single-vs-multi-valued: ForAllValues returns true if every value in the request matches at least \
     one value in the policy (an empty string is a value, not an empty data set: it must match too)",
    Case {
        identity: vec![when(
            r#""ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}"#
        )],
        context: vec![("aws:TagKeys", "")],
        ..case()
    },
    ImplicitDeny
);
rule!(
    for_all_values_negated,
    "condition-single-vs-multi-valued: ForAllValues:StringNotEquals holds when no request value is one of the policy's",
    Case {
        identity: vec![when(
            r#""ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}"#
        )],
        context: vec![("aws:TagKeys", "a"), ("aws:TagKeys", "b")],
        ..case()
    },
    Allowed
);
rule!(
    for_any_value_negated,
    "condition-single-vs-multi-valued: ForAnyValue:StringNotEquals holds when some request value is not among the policy's",
    Case {
        identity: vec![when(
            r#""ForAnyValue:StringNotEquals": {"aws:TagKeys": ["a"]}"#
        )],
        context: vec![("aws:TagKeys", "a")],
        ..case()
    },
    ImplicitDeny
);

// --- Conditions: each operator family ("IAM JSON policy elements: Condition operators") -----------------------------

fn op(condition: &str, context: Vec<(&'static str, &'static str)>) -> Case {
    Case {
        identity: vec![when(condition)],
        context,
        ..case()
    }
}
rule!(
    string_equals_exact,
    "condition_operators: StringEquals: Exact matching, case sensitive",
    op(
        r#""StringEquals": {"aws:PrincipalTag/team": "Data"}"#,
        vec![("aws:PrincipalTag/team", "Data")]
    ),
    Allowed
);
rule!(
    string_equals_is_case_sensitive,
    "condition_operators: StringEquals: Exact matching, case sensitive",
    op(
        r#""StringEquals": {"aws:PrincipalTag/team": "Data"}"#,
        vec![("aws:PrincipalTag/team", "data")]
    ),
    ImplicitDeny
);
rule!(
    string_not_equals,
    "condition_operators: StringNotEquals: Negated matching",
    op(
        r#""StringNotEquals": {"aws:PrincipalTag/team": "data"}"#,
        vec![("aws:PrincipalTag/team", "ops")]
    ),
    Allowed
);
rule!(
    string_not_equals_equal,
    "condition_operators: StringNotEquals: Negated matching (an equal value fails)",
    op(
        r#""StringNotEquals": {"aws:PrincipalTag/team": "data"}"#,
        vec![("aws:PrincipalTag/team", "data")]
    ),
    ImplicitDeny
);
rule!(
    string_equals_ignore_case,
    "condition_operators: StringEqualsIgnoreCase: Exact matching, ignoring case",
    op(
        r#""StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "DATA"}"#,
        vec![("aws:PrincipalTag/team", "data")]
    ),
    Allowed
);
rule!(
    string_not_equals_ignore_case,
    "condition_operators: StringNotEqualsIgnoreCase: Negated matching, ignoring case",
    op(
        r#""StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "DATA"}"#,
        vec![("aws:PrincipalTag/team", "data")]
    ),
    ImplicitDeny
);
rule!(
    string_like_wildcards,
    "condition_operators: StringLike: Case-sensitive matching. The values can include multi-character match wildcards (*) and single-character match wildcards (?) anywhere in the string.",
    op(
        r#""StringLike": {"s3:prefix": "home/*/docs?"}"#,
        vec![("s3:prefix", "home/alice/docs1")]
    ),
    Allowed
);
rule!(
    string_like_is_case_sensitive,
    "condition_operators: StringLike: Case-sensitive matching",
    op(
        r#""StringLike": {"s3:prefix": "home/*"}"#,
        vec![("s3:prefix", "HOME/alice")]
    ),
    ImplicitDeny
);
rule!(
    string_not_like,
    "condition_operators: StringNotLike: Negated case-sensitive matching",
    op(
        r#""StringNotLike": {"s3:prefix": "secret/*"}"#,
        vec![("s3:prefix", "home/alice")]
    ),
    Allowed
);
rule!(
    numeric_equals,
    "condition_operators: NumericEquals: Matching",
    op(
        r#""NumericEquals": {"s3:max-keys": "10"}"#,
        vec![("s3:max-keys", "10")]
    ),
    Allowed
);
const NUMBERS_ARE_INTEGERS_OR_DECIMALS: &str = "condition_operators: Numeric condition operators let you \
    construct Condition elements that restrict access based on comparing a key to an integer or decimal value";

rule!(
    zero_equals_minus_zero,
    NUMBERS_ARE_INTEGERS_OR_DECIMALS,
    op(
        r#""NumericEquals": {"s3:max-keys": "0"}"#,
        vec![("s3:max-keys", "-0")]
    ),
    Allowed
);
rule!(
    infinity_is_not_a_number,
    NUMBERS_ARE_INTEGERS_OR_DECIMALS,
    op(
        r#""NumericGreaterThan": {"s3:max-keys": "10"}"#,
        vec![("s3:max-keys", "inf")]
    ),
    ImplicitDeny
);
rule!(
    nan_is_not_a_number,
    NUMBERS_ARE_INTEGERS_OR_DECIMALS,
    op(
        r#""NumericEquals": {"s3:max-keys": "NaN"}"#,
        vec![("s3:max-keys", "NaN")]
    ),
    ImplicitDeny
);
rule!(
    a_policy_infinity_is_not_a_bound,
    NUMBERS_ARE_INTEGERS_OR_DECIMALS,
    op(
        r#""NumericLessThan": {"s3:max-keys": "Infinity"}"#,
        vec![("s3:max-keys", "10")]
    ),
    ImplicitDeny
);
rule!(
    numeric_not_equals,
    "condition_operators: NumericNotEquals: Negated matching",
    op(
        r#""NumericNotEquals": {"s3:max-keys": "10"}"#,
        vec![("s3:max-keys", "10")]
    ),
    ImplicitDeny
);
rule!(
    numeric_less_than,
    "condition_operators: NumericLessThan: \"Less than\" matching",
    op(
        r#""NumericLessThan": {"s3:max-keys": "10"}"#,
        vec![("s3:max-keys", "9")]
    ),
    Allowed
);
rule!(
    numeric_less_than_equals,
    "condition_operators: NumericLessThanEquals: \"Less than or equals\" matching",
    op(
        r#""NumericLessThanEquals": {"s3:max-keys": "10"}"#,
        vec![("s3:max-keys", "10")]
    ),
    Allowed
);
rule!(
    numeric_greater_than,
    "condition_operators: NumericGreaterThan: \"Greater than\" matching",
    op(
        r#""NumericGreaterThan": {"s3:max-keys": "10"}"#,
        vec![("s3:max-keys", "10")]
    ),
    ImplicitDeny
);
rule!(
    numeric_greater_than_equals,
    "condition_operators: NumericGreaterThanEquals: \"Greater than or equals\" matching",
    op(
        r#""NumericGreaterThanEquals": {"s3:max-keys": "10"}"#,
        vec![("s3:max-keys", "10.5")]
    ),
    Allowed
);
rule!(
    numeric_not_a_number,
    "condition_operators: a value that is not a number does not match a numeric operator",
    op(
        r#""NumericLessThan": {"s3:max-keys": "10"}"#,
        vec![("s3:max-keys", "ten")]
    ),
    ImplicitDeny
);
rule!(
    date_equals,
    "condition_operators: DateEquals: Matching a specific date",
    op(
        r#""DateEquals": {"aws:CurrentTime": "2026-11-29T00:00:00Z"}"#,
        vec![("aws:CurrentTime", "2026-11-29")]
    ),
    Allowed
);
rule!(
    date_not_equals,
    "condition_operators: DateNotEquals: Negated matching",
    op(
        r#""DateNotEquals": {"aws:CurrentTime": "2026-11-29T00:00:00Z"}"#,
        vec![("aws:CurrentTime", "2026-11-30T00:00:00Z")]
    ),
    Allowed
);
rule!(
    date_less_than,
    "condition_operators: DateLessThan: Matching before a specific date and time",
    op(
        r#""DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}"#,
        vec![("aws:CurrentTime", "2026-11-29T10:00:00Z")]
    ),
    Allowed
);
rule!(
    date_less_than_equals,
    "condition_operators: DateLessThanEquals: Matching at or before a specific date and time",
    op(
        r#""DateLessThanEquals": {"aws:CurrentTime": "2026-11-29T10:00:00Z"}"#,
        vec![("aws:CurrentTime", "2026-11-29T11:00:00+01:00")]
    ),
    Allowed
);
rule!(
    date_greater_than,
    "condition_operators: DateGreaterThan: Matching after a specific date and time",
    op(
        r#""DateGreaterThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}"#,
        vec![("aws:CurrentTime", "2026-11-29T10:00:00Z")]
    ),
    ImplicitDeny
);
rule!(
    date_greater_than_equals_epoch,
    "condition_operators: dates in ISO 8601 or epoch (UNIX) time; DateGreaterThanEquals",
    op(
        r#""DateGreaterThanEquals": {"aws:EpochTime": "1796000000"}"#,
        vec![("aws:EpochTime", "1796000001")]
    ),
    Allowed
);
rule!(
    date_epoch_against_iso,
    "condition_operators: epoch and ISO 8601 values compare as the same instants",
    op(
        r#""DateLessThan": {"aws:CurrentTime": "1970-01-02T00:00:00Z"}"#,
        vec![("aws:CurrentTime", "86399")]
    ),
    Allowed
);
rule!(
    bool_true,
    "condition_operators: Bool: Boolean matching",
    op(
        r#""Bool": {"aws:MultiFactorAuthPresent": "true"}"#,
        vec![("aws:MultiFactorAuthPresent", "true")]
    ),
    Allowed
);
rule!(
    bool_false_value,
    "condition_operators: Bool: Boolean matching (false does not match true)",
    op(
        r#""Bool": {"aws:MultiFactorAuthPresent": "true"}"#,
        vec![("aws:MultiFactorAuthPresent", "false")]
    ),
    ImplicitDeny
);
rule!(
    bool_missing_key,
    "condition_operators: a missing key (no MFA information) makes Bool false",
    op(r#""Bool": {"aws:MultiFactorAuthPresent": "true"}"#, vec![]),
    ImplicitDeny
);
rule!(
    binary_equals,
    "condition_operators: BinaryEquals: byte-for-byte comparison of base-64 encoded values",
    op(
        r#""BinaryEquals": {"aws:RequestTag/key": "QmluYXJ5VmFsdWU="}"#,
        vec![("aws:RequestTag/key", "QmluYXJ5VmFsdWU=")]
    ),
    Allowed
);
rule!(
    ip_address_v4_range,
    "condition_operators: IpAddress: The specified IP address or range",
    op(
        r#""IpAddress": {"aws:SourceIp": "203.0.113.0/24"}"#,
        vec![("aws:SourceIp", "203.0.113.9")]
    ),
    Allowed
);
rule!(
    ip_address_outside,
    "condition_operators: IpAddress: an address outside the range does not match",
    op(
        r#""IpAddress": {"aws:SourceIp": "203.0.113.0/24"}"#,
        vec![("aws:SourceIp", "198.51.100.9")]
    ),
    ImplicitDeny
);
rule!(
    not_ip_address,
    "condition_operators: NotIpAddress: All IP addresses except the specified IP address or range",
    op(
        r#""NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}"#,
        vec![("aws:SourceIp", "198.51.100.9")]
    ),
    Allowed
);
rule!(
    ip_address_v6,
    "condition_operators: IpAddress accepts IPv6 addresses and ranges",
    op(
        r#""IpAddress": {"aws:SourceIp": "2001:db8::/32"}"#,
        vec![("aws:SourceIp", "2001:db8:1234::1")]
    ),
    Allowed
);
rule!(
    arn_equals,
    "condition_operators: ArnEquals, ArnLike: Case-sensitive matching of the ARN.",
    op(
        r#""ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111111111111:topic"}"#,
        vec![("aws:SourceArn", "arn:aws:sns:us-east-1:111111111111:topic")]
    ),
    Allowed
);
rule!(
    arn_like_segments,
    "condition_operators: Each of the six colon-delimited components of the ARN is checked separately and each can include multi-character match wildcards (*) or single-character match wildcards (?).",
    op(
        r#""ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111111111111:*"}"#,
        vec![("aws:SourceArn", "arn:aws:sns:eu-west-1:111111111111:topic")]
    ),
    Allowed
);
rule!(
    arn_like_star_stays_in_its_segment,
    "condition_operators: each component is checked separately: a * does not reach into the next component",
    op(
        r#""ArnLike": {"aws:SourceArn": "arn:aws:sns:*"}"#,
        vec![("aws:SourceArn", "arn:aws:sns:eu-west-1:111111111111:topic")]
    ),
    ImplicitDeny
);
rule!(
    arn_not_equals,
    "condition_operators: ArnNotEquals, ArnNotLike: Negated matching for ARN.",
    op(
        r#""ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:999999999999:*"}"#,
        vec![("aws:SourceArn", "arn:aws:sns:eu-west-1:111111111111:topic")]
    ),
    Allowed
);

// --- Policy variables ("IAM policy elements: Variables and tags") ---------------------------------------------------

rule!(
    variable_in_resource,
    "policy variables: ${aws:username} is replaced with the friendly name of the current user",
    Case {
        identity: vec![allow(
            "s3:GetObject",
            "arn:aws:s3:::doc-bucket/home/${aws:username}/*"
        )],
        resource: "arn:aws:s3:::doc-bucket/home/alice/x",
        ..case()
    },
    Allowed
);
rule!(
    variable_does_not_match_another_user,
    "policy variables: the variable is the caller's own name, not another's",
    Case {
        identity: vec![allow(
            "s3:GetObject",
            "arn:aws:s3:::doc-bucket/home/${aws:username}/*"
        )],
        resource: "arn:aws:s3:::doc-bucket/home/bob/x",
        ..case()
    },
    ImplicitDeny
);
rule!(
    variable_missing_does_not_match,
    "policy variables: If there is no value for the variable, the policy element does not match",
    Case {
        identity: vec![allow(
            "s3:GetObject",
            "arn:aws:s3:::doc-bucket/${aws:PrincipalTag/team}/*"
        )],
        resource: "arn:aws:s3:::doc-bucket/data/x",
        ..case()
    },
    ImplicitDeny
);
rule!(
    variable_default_value,
    "policy variables: To add a default value to a variable, surround the default value with single quotes ('') ... ${aws:PrincipalTag/team, 'company-wide'}",
    Case {
        identity: vec![allow(
            "s3:GetObject",
            "arn:aws:s3:::doc-bucket/${aws:PrincipalTag/team, 'company-wide'}/*"
        )],
        resource: "arn:aws:s3:::doc-bucket/company-wide/x",
        ..case()
    },
    Allowed
);
rule!(
    variable_escape_star,
    "policy variables: ${*} represents the * (asterisk) character ... as a literal character",
    Case {
        identity: vec![allow("s3:GetObject", "arn:aws:s3:::doc-bucket/a${*}b")],
        resource: "arn:aws:s3:::doc-bucket/axb",
        ..case()
    },
    ImplicitDeny
);
rule!(
    variable_escape_question,
    "policy variables: ${?} represents the ? (question mark) character",
    Case {
        identity: vec![allow("s3:GetObject", "arn:aws:s3:::doc-bucket/a${?}")],
        resource: "arn:aws:s3:::doc-bucket/a?",
        ..case()
    },
    Allowed
);
rule!(
    variable_escape_dollar,
    "policy variables: ${$} represents the $ (dollar sign) character",
    Case {
        identity: vec![allow("s3:GetObject", "arn:aws:s3:::doc-bucket/${$}x")],
        resource: "arn:aws:s3:::doc-bucket/$x",
        ..case()
    },
    Allowed
);
rule!(
    variable_in_condition,
    "policy variables: you can use policy variables in the Condition element",
    Case {
        identity: vec![when(
            r#""StringLike": {"s3:prefix": "home/${aws:username}/*"}"#
        )],
        context: vec![("s3:prefix", "home/alice/docs")],
        ..case()
    },
    Allowed
);
rule!(
    variable_principal_tag,
    "policy variables: aws:PrincipalTag/tag-key is available as a variable",
    Case {
        identity: vec![allow(
            "s3:GetObject",
            "arn:aws:s3:::doc-bucket/${aws:PrincipalTag/team}/*"
        )],
        resource: "arn:aws:s3:::doc-bucket/data/x",
        context: vec![("aws:PrincipalTag/team", "data")],
        ..case()
    },
    Allowed
);
const QUEUE: &str = "arn:aws:sqs:us-east-1:111111111111:queue1";
const STAR_ENDING_A_SEGMENT: &str = "resource: You can use wildcard characters (* and ?) within any ARN segment \
    ... If the * wildcard is the last character of a resource ARN segment, it can expand to match beyond the colon \
    boundaries";

/// A request to send to [`QUEUE`], allowed on `pattern`.
fn send_to_queue(pattern: &str) -> Case {
    Case {
        action: "sqs:SendMessage",
        resource: QUEUE,
        identity: vec![allow("sqs:SendMessage", pattern)],
        ..case()
    }
}

rule!(
    a_star_inside_a_segment_does_not_cross_a_colon,
    STAR_ENDING_A_SEGMENT,
    send_to_queue("arn:aws:sqs:us-*1:queue1"),
    ImplicitDeny
);
rule!(
    a_star_ending_a_segment_crosses_colons,
    STAR_ENDING_A_SEGMENT,
    send_to_queue("arn:aws:sqs:us-*:queue1"),
    Allowed
);
rule!(
    stars_inside_their_segments_match_within_them,
    STAR_ENDING_A_SEGMENT,
    send_to_queue("arn:aws:sqs:us-*-1:1111*1:q*1"),
    Allowed
);

/// `policy` with its `Version` replaced by `version` (`None`: no `Version` element).
fn in_version(policy: &str, version: Option<&str>) -> String {
    let current = r#""Version": "2012-10-17", "#;
    assert!(policy.contains(current), "{policy}");
    policy.replace(
        current,
        &version.map_or_else(String::new, |v| format!(r#""Version": "{v}", "#)),
    )
}

const LITERAL_UNDER_OLD_VERSION: &str = "policy variables: Because policy variables are only supported in the \
    2012-10-17 version of the policy language, a variable in a policy with an earlier version (or with no Version \
    element) is treated as a literal string";

rule!(
    variable_is_literal_under_2008_10_17,
    LITERAL_UNDER_OLD_VERSION,
    Case {
        identity: vec![in_version(
            &allow(
                "s3:GetObject",
                "arn:aws:s3:::doc-bucket/home/${aws:username}/*"
            ),
            Some("2008-10-17")
        )],
        resource: "arn:aws:s3:::doc-bucket/home/alice/x",
        ..case()
    },
    ImplicitDeny
);
rule!(
    variable_is_literal_without_version,
    LITERAL_UNDER_OLD_VERSION,
    Case {
        identity: vec![in_version(
            &allow(
                "s3:GetObject",
                "arn:aws:s3:::doc-bucket/home/${aws:username}/*"
            ),
            None
        )],
        resource: "arn:aws:s3:::doc-bucket/home/alice/x",
        ..case()
    },
    ImplicitDeny
);
rule!(
    a_literal_variable_matches_its_own_text,
    LITERAL_UNDER_OLD_VERSION,
    Case {
        identity: vec![in_version(
            &allow(
                "s3:GetObject",
                "arn:aws:s3:::doc-bucket/home/${aws:username}/*"
            ),
            None
        )],
        resource: "arn:aws:s3:::doc-bucket/home/${aws:username}/x",
        ..case()
    },
    Allowed
);
rule!(
    a_condition_variable_is_literal_under_2008_10_17,
    LITERAL_UNDER_OLD_VERSION,
    Case {
        identity: vec![in_version(
            &when(r#""StringLike": {"s3:prefix": "home/${aws:username}/*"}"#),
            Some("2008-10-17")
        )],
        context: vec![("s3:prefix", "home/alice/docs")],
        ..case()
    },
    ImplicitDeny
);
rule!(
    a_variable_in_action_is_not_substituted,
    "policy variables: You can use policy variables in the Resource element and in string comparisons in the \
     Condition element (not in Action: there, ${...} is text no action name has)",
    Case {
        identity: vec![allow("s3:Get${aws:PrincipalTag/verb}", OBJECT)],
        context: vec![("aws:PrincipalTag/verb", "Object")],
        ..case()
    },
    ImplicitDeny
);
const FEDERATED: &str = "arn:aws:sts::111111111111:federated-user/carol";
const FEDERATION_WITHOUT_POLICY: &str = "GetFederationToken (API reference, and IAM User Guide \"Compare AWS STS \
    credentials\"): If you do not pass a policy to this operation, the resulting temporary credentials have no \
    effective permissions. The only exception is when the credentials are used to access a resource that has a \
    resource-based policy that specifically references the federated user session";

rule!(
    a_federated_user_without_a_session_policy_has_no_permissions,
    FEDERATION_WITHOUT_POLICY,
    Case {
        caller: FEDERATED,
        identity: vec![allow("s3:GetObject", OBJECT)],
        ..case()
    },
    ImplicitDeny
);
rule!(
    a_resource_policy_naming_the_federated_session_still_grants,
    FEDERATION_WITHOUT_POLICY,
    Case {
        caller: FEDERATED,
        resource_policy: Some(grant(&format!(r#"{{"AWS": "{FEDERATED}"}}"#))),
        ..case()
    },
    Allowed
);
rule!(
    a_federated_users_principal_type,
    "condition keys: aws:PrincipalType ... FederatedUser for a federated user (GetFederationToken)",
    Case {
        caller: "arn:aws:sts::111111111111:federated-user/carol",
        identity: vec![when(
            r#""StringEquals": {"aws:PrincipalType": "FederatedUser"}"#
        )],
        session: Some(allow("s3:GetObject", OBJECT)),
        ..case()
    },
    Allowed
);
rule!(
    principal_is_aws_service_is_false_for_a_user,
    "condition keys: aws:PrincipalIsAWSService ... This key is present in the request context for all signed \
     API requests (false when the caller is not a service principal)",
    Case {
        identity: vec![when(
            r#""Bool": {"aws:PrincipalIsAWSService": "false"}, "Null": {"aws:PrincipalIsAWSService": "false"}"#
        )],
        ..case()
    },
    Allowed
);
rule!(
    principal_is_aws_service_is_true_for_a_service,
    "condition keys: aws:PrincipalIsAWSService: whether the call is made by an AWS service principal",
    Case {
        caller: "cloudtrail.amazonaws.com",
        resource_policy: Some(stmt(
            "Allow",
            "s3:GetObject",
            OBJECT,
            r#", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}"#
        )),
        ..case()
    },
    Allowed
);
rule!(
    principal_arn_key_is_filled,
    "condition keys: aws:PrincipalArn is the ARN of the principal that made the request (for a role session, the role's ARN)",
    Case {
        caller: SESSION,
        identity: vec![when(&format!(
            r#""ArnEquals": {{"aws:PrincipalArn": "{ROLE}"}}"#
        ))],
        ..case()
    },
    Allowed
);

// --- KMS key policies ("Key policies in AWS KMS") ------------------------------------------------------------------

const KEY: &str = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
fn kms() -> Case {
    Case {
        action: "kms:Decrypt",
        resource: KEY,
        ..case()
    }
}
const ROLE_ARN_GRANTS_ARE_LIMITED: &str = "evaluation-logic: Resource-based policies that grant permissions to \
    the role ARN (not the session ARN) are limited by an implicit deny in the permissions boundary or session \
    policy";

rule!(
    a_key_policy_naming_the_role_is_limited_by_the_session_policy,
    ROLE_ARN_GRANTS_ARE_LIMITED,
    Case {
        caller: SESSION,
        resource_policy: Some(stmt(
            "Allow",
            "kms:Decrypt",
            "*",
            &format!(r#", "Principal": {{"AWS": "{ROLE}"}}"#)
        )),
        session: Some(allow("s3:GetObject", "*")),
        ..kms()
    },
    ImplicitDeny
);
rule!(
    a_trust_naming_the_callers_role_is_limited_by_its_boundary,
    ROLE_ARN_GRANTS_ARE_LIMITED,
    Case {
        caller: SESSION,
        resource: "arn:aws:iam::111111111111:role/next",
        resource_policy: Some(trust(&format!(r#"{{"AWS": "{ROLE}"}}"#))),
        boundary: Some(allow("s3:*", "*")),
        ..assume()
    },
    ImplicitDeny
);
rule!(
    a_trust_naming_the_callers_role_allows_within_its_limits,
    ROLE_ARN_GRANTS_ARE_LIMITED,
    Case {
        caller: SESSION,
        resource: "arn:aws:iam::111111111111:role/next",
        resource_policy: Some(trust(&format!(r#"{{"AWS": "{ROLE}"}}"#))),
        boundary: Some(allow("sts:AssumeRole", "*")),
        ..assume()
    },
    Allowed
);
rule!(
    key_policy_must_allow_even_when_iam_allows,
    "kms key-policies: Unless the key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key.",
    Case {
        identity: vec![allow("kms:Decrypt", "*")],
        ..kms()
    },
    ImplicitDeny
);
rule!(
    key_policy_naming_the_account_enables_iam_policies,
    "kms key-policies: the default key policy gives the AWS account (root) full access, which enables IAM policies to allow access to the key",
    Case {
        identity: vec![allow("kms:Decrypt", "*")],
        resource_policy: Some(stmt(
            "Allow",
            "kms:*",
            "*",
            r#", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}"#
        )),
        ..kms()
    },
    Allowed
);
rule!(
    key_policy_naming_the_account_alone_is_not_enough,
    "kms key-policies: with the account as principal, the IAM policies must also allow the use of the key",
    Case {
        resource_policy: Some(stmt(
            "Allow",
            "kms:*",
            "*",
            r#", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}"#
        )),
        ..kms()
    },
    ImplicitDeny
);
rule!(
    key_policy_naming_the_user_is_enough,
    "kms key-policies: a key policy statement that names the principal allows it without an IAM policy",
    Case {
        resource_policy: Some(stmt(
            "Allow",
            "kms:Decrypt",
            "*",
            &format!(r#", "Principal": {{"AWS": "{ALICE}"}}"#)
        )),
        ..kms()
    },
    Allowed
);

// --- Stack mode: a role session's principal tags ("Passing session tags in AWS STS") ---------------------------------

/// A stack of one account: `alice`, who may assume and tag the session of `app`; `app`, tagged `team=data`
/// (when `tagged`), whose policy reads the object only as `team` `data`, and whose trust lets alice assume it and,
/// when `trusts_tags`, tag the session.
fn tagged_stack(tagged: bool, trusts_tags: bool) -> iamgen_runtime::stack::Stack {
    use iamgen_runtime::AccountId;
    use iamgen_runtime::stack::Stack;
    let parse = |text: &str| PolicyDocument::from_json(text).expect("a policy");
    let mut stack = Stack::new();
    let account = stack.add_account(AccountId::parse("111111111111").expect("an id"), "Main");
    let alice = stack.add_user(account, "alice").expect("a user");
    let trusted = if trusts_tags {
        r#"["sts:AssumeRole", "sts:TagSession"]"#
    } else {
        r#""sts:AssumeRole""#
    };
    let trust = parse(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "Action": {trusted}}}]}}"#
    ));
    let role = stack.add_role(account, "app", trust).expect("a role");
    if tagged {
        stack.add_tag(role, "team", "data").expect("a tag");
    }
    let assume = stack
        .add_policy(
            account,
            "assume",
            parse(&stmt(
                "Allow",
                r#""Action": ["sts:AssumeRole", "sts:TagSession"]"#,
                ROLE,
                "",
            )),
        )
        .expect("a policy");
    stack.attach(alice, assume);
    let read = stack
        .add_policy(
            account,
            "read",
            parse(&when(
                r#""StringEquals": {"aws:PrincipalTag/team": "data"}"#,
            )),
        )
        .expect("a policy");
    stack.attach(role, read);
    stack
}

/// `principal` reading the object (through `app` when `via_role`) with `context`, in `stack`.
fn read_in_stack(
    stack: &iamgen_runtime::stack::Stack,
    principal: &str,
    via_role: bool,
    context: &[(&str, &str)],
) -> Decision {
    use iamgen_runtime::eval::chain::{Request, simulate};
    let mut given = Context::new();
    for (key, value) in context {
        given.add(key, value);
    }
    let request = Request {
        principal,
        action: "s3:GetObject",
        resource: OBJECT,
        via_role: via_role.then_some("app"),
        context: given,
    };
    let simulation = simulate(stack, &request).expect("a known principal and role");
    simulation.decision
}

/// Item 13 of #15: the session of a role sees the role's tags.
#[test]
fn a_role_session_sees_the_roles_tags() {
    let cite = "id_session-tags: the aws:PrincipalTag context key ... includes session tags and the tags \
                attached to the role";
    let stack = tagged_stack(true, true);
    assert_eq!(read_in_stack(&stack, "alice", true, &[]), Allowed, "{cite}");
    assert_eq!(
        read_in_stack(&tagged_stack(false, true), "alice", true, &[]),
        ImplicitDeny,
        "{cite}"
    );
}

/// Item 13 of #15: the caller's own principal tags are not the session's.
#[test]
fn the_callers_principal_tags_stay_out_of_the_session() {
    let cite = "id_session-tags: the session's principal tags are the role's tags and the session tags; the \
                tags of the principal that assumed the role are not among them (aws:PrincipalTag of a role \
                session: session tags and the tags attached to the role)";
    let stack = tagged_stack(false, true);
    let alice_tagged = [("aws:PrincipalTag/team", "data")];
    assert_eq!(
        read_in_stack(&stack, "alice", true, &alice_tagged),
        ImplicitDeny,
        "{cite}"
    );
}

/// Item 13 of #15: a session tag replaces the role's tag of the same key, and passing one needs `sts:TagSession`.
#[test]
fn a_session_tag_replaces_the_roles_tag_and_needs_tag_session() {
    let cite = "id_session-tags: If a session tag has the same key as a role tag, the session tag value \
                overrides the role tag; to pass session tags, the role's trust policy must allow sts:TagSession";
    let as_ops = [("aws:RequestTag/team", "ops")];
    let as_data = [("aws:RequestTag/team", "data")];
    let stack = tagged_stack(true, true);
    assert_eq!(
        read_in_stack(&stack, "alice", true, &as_ops),
        ImplicitDeny,
        "{cite}"
    );
    assert_eq!(
        read_in_stack(&tagged_stack(false, true), "alice", true, &as_data),
        Allowed,
        "{cite}"
    );
    assert_eq!(
        read_in_stack(&tagged_stack(false, false), "alice", true, &as_data),
        ImplicitDeny,
        "{cite}"
    );
}

/// Item 13 of #15: a role acting as itself (stack mode without `--via-role`) carries its tags.
#[test]
fn a_role_as_the_principal_carries_its_tags() {
    let cite = "condition-keys: aws:PrincipalTag/tag-key ... the tags attached to the principal making the \
                request";
    assert_eq!(
        read_in_stack(&tagged_stack(true, true), "app", false, &[]),
        Allowed,
        "{cite}"
    );
}

// --- Explanations that point the right way (#15) ---------------------------------------------------------------------

/// The fix of `case`'s denial, which must name `wanted` and none of `misleading`.
fn fix_names(case: &Case, wanted: &[&str], misleading: &str) {
    let evaluation = evaluation(case);
    assert_ne!(evaluation.decision, Allowed);
    let fix = evaluation.fix.expect("a denial has a fix");
    for part in wanted {
        assert!(fix.contains(part), "the fix should name {part}: {fix}");
    }
    assert!(!fix.contains(misleading), "misleading fix: {fix}");
}

#[test]
fn a_trust_naming_the_caller_whose_mfa_condition_fails_says_so() {
    let mfa_trust = stmt(
        "Allow",
        "sts:AssumeRole",
        "",
        &format!(
            r#", "Principal": {{"AWS": "{ALICE}"}}, "Condition": {{"Bool": {{"aws:MultiFactorAuthPresent": "true"}}}}"#
        ),
    );
    let case = Case {
        resource_policy: Some(mfa_trust),
        ..assume()
    };
    fix_names(
        &case,
        &[
            "#0",
            "`Bool`",
            "aws:MultiFactorAuthPresent",
            "the request has no",
        ],
        "add the caller",
    );
    let reasons = evaluation(&case).reasons.join("; ");
    assert!(
        reasons.contains("names the caller, but a condition"),
        "{reasons}"
    );
}

#[test]
fn a_session_policy_that_allows_but_for_a_condition_says_which() {
    let case = Case {
        caller: SESSION,
        identity: vec![allow("s3:GetObject", OBJECT)],
        session: Some(stmt(
            "Allow",
            "s3:GetObject",
            OBJECT,
            r#", "Sid": "OfficeOnly", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
        )),
        context: vec![("aws:SourceIp", "198.51.100.7")],
        ..case()
    };
    fix_names(
        &case,
        &[
            "OfficeOnly",
            "`IpAddress`",
            "aws:SourceIp",
            "`198.51.100.7`",
        ],
        "allow s3:GetObject on",
    );
}

#[test]
fn an_identity_policy_that_allows_but_for_a_condition_says_which() {
    let case = Case {
        identity: vec![when(r#""StringEquals": {"aws:PrincipalTag/team": "data"}"#)],
        context: vec![("aws:PrincipalTag/team", "ops")],
        ..case()
    };
    fix_names(
        &case,
        &["`StringEquals`", "aws:PrincipalTag/team", "`ops`"],
        "allow s3:GetObject on",
    );
}

#[test]
fn a_missing_grant_still_says_to_add_it() {
    let case = Case {
        identity: vec![allow("s3:PutObject", OBJECT)],
        ..case()
    };
    fix_names(&case, &["allow s3:GetObject on"], "condition");
}

/// Each decision says why in codes a program can sort on, beside the sentences.
#[test]
fn reasons_have_stable_codes() {
    let codes = |case: &Case| evaluation(case).reason_codes;
    let denied = Case {
        identity: vec![allow("s3:GetObject", OBJECT), deny("s3:GetObject", OBJECT)],
        ..case()
    };
    assert_eq!(codes(&denied), ["explicit_deny"]);
    let mfa_trust = stmt(
        "Allow",
        "sts:AssumeRole",
        "",
        &format!(
            r#", "Principal": {{"AWS": "{ALICE}"}}, "Condition": {{"Bool": {{"aws:MultiFactorAuthPresent": "true"}}}}"#
        ),
    );
    let without_mfa = Case {
        resource_policy: Some(mfa_trust),
        ..assume()
    };
    assert_eq!(codes(&without_mfa), ["trust_condition_unmet"]);
    let deny_list = Case {
        identity: vec![allow("s3:GetObject", OBJECT)],
        scps: vec![vec![deny("ec2:*", "*")]],
        ..case()
    };
    assert_eq!(
        codes(&deny_list),
        ["scp_full_aws_access", "scps_allow", "identity_allows"]
    );
    let nothing = case();
    assert_eq!(codes(&nothing), ["no_allow"]);
}
