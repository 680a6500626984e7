//! Verdicts that say what IAM does: the severity of a finding is the consequence in IAM (refused, grants
//! nothing, or works but is not what the reference asks for), checked on the mistakes people make and on the
//! shapes AWS's own managed policies have.

use iamgen_runtime::Severity;
use iamgen_runtime::lint::{self, Options, PolicyKind};

use PolicyKind::{Identity, Rcp, Resource, Scp, Trust};

fn findings(source: &str, kind: PolicyKind) -> Vec<iamgen_runtime::Diagnostic> {
    lint::lint_source(source, Some(kind), &Options::default()).findings
}

/// An identity policy of one `Allow` statement.
fn allow(actions: &str, resources: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": {actions}, "Resource": {resources}}}}}"#
    )
}

/// The `(code, severity, pointer)` of each finding.
fn verdicts(source: &str, kind: PolicyKind) -> Vec<(&'static str, Severity, String)> {
    findings(source, kind)
        .into_iter()
        .map(|f| (f.code, f.severity, f.pointer.unwrap_or_default()))
        .collect()
}

fn dead(pointer: &str, severity: Severity) -> (&'static str, Severity, String) {
    ("RESOURCE_MATCHES_NO_ACTION", severity, pointer.to_owned())
}

#[test]
fn a_bucket_name_holds_no_slash() {
    // The most common S3 mistake: the bucket-level action given the objects' ARN, or one object's key.
    for object in ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/key.txt"] {
        assert_eq!(
            verdicts(
                &allow(r#""s3:ListBucket""#, &format!("\"{object}\"")),
                Identity
            ),
            [dead("/Statement/Resource", Severity::Error)],
            "{object}"
        );
    }
    assert_eq!(
        verdicts(
            &allow(r#""s3:ListBucket""#, r#""arn:aws:s3:::bucket""#),
            Identity
        ),
        []
    );
}

#[test]
fn path_placeholders_still_hold_slashes() {
    // A placeholder at the end of its template, or before a `:`, may hold `/`: object keys, role names with a
    // path, log group names.
    for (action, resource) in [
        ("s3:GetObject", "arn:aws:s3:::bucket/a/b/c.txt"),
        ("s3:GetObject", "arn:aws:s3:::bucket/a/*"),
        (
            "iam:PassRole",
            "arn:aws:iam::081278057606:role/service-role/deployer",
        ),
        (
            "logs:PutLogEvents",
            "arn:aws:logs:eu-west-3:081278057606:log-group:/aws/lambda/fn:log-stream:2026/12/04/x",
        ),
        (
            "ssm:GetParameter",
            "arn:aws:ssm:eu-west-3:081278057606:parameter/app/prod/db",
        ),
    ] {
        assert_eq!(
            verdicts(
                &allow(&format!("\"{action}\""), &format!("\"{resource}\"")),
                Identity
            ),
            [],
            "{action} on {resource}"
        );
    }
}

#[test]
fn a_dead_entry_beside_working_ones_is_a_warning() {
    let source = allow(
        r#""s3:GetObject""#,
        r#"["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket"]"#,
    );
    assert_eq!(
        verdicts(&source, Identity),
        [dead("/Statement/Resource/1", Severity::Warning)]
    );
    let finding = &findings(&source, Identity)[0];
    assert!(
        finding.message.contains("other"),
        "the message says the statement still works: {}",
        finding.message
    );
}

#[test]
fn a_statement_that_grants_nothing_is_an_error_on_each_entry() {
    let source = allow(
        r#""s3:GetObject""#,
        r#"["arn:aws:s3:::one", "arn:aws:s3:::two"]"#,
    );
    assert_eq!(
        verdicts(&source, Identity),
        [
            dead("/Statement/Resource/0", Severity::Error),
            dead("/Statement/Resource/1", Severity::Error)
        ]
    );
}

#[test]
fn star_beside_a_dead_entry_makes_it_a_warning() {
    let source = allow(r#""s3:GetObject""#, r#"["*", "arn:aws:s3:::bucket"]"#);
    assert_eq!(
        verdicts(&source, Identity),
        [dead("/Statement/Resource/1", Severity::Warning)]
    );
}

#[test]
fn a_service_wide_arn_for_actions_without_resource_types_has_its_own_finding() {
    let source = allow(
        r#"["storagegateway:ListGateways"]"#,
        r#""arn:aws:storagegateway:*:*:*""#,
    );
    let found = findings(&source, Identity);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code, "SERVICE_WIDE_ARN_FOR_UNSCOPED_ACTIONS");
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(found[0].suggestion.as_deref() == Some("*"), "{found:#?}");
    // An ARN of one resource is not service-wide: it is dead.
    let source = allow(
        r#"["storagegateway:ListGateways"]"#,
        r#""arn:aws:storagegateway:*:*:gateway/sgw-1""#,
    );
    assert_eq!(
        verdicts(&source, Identity),
        [dead("/Statement/Resource", Severity::Error)]
    );
}

#[test]
fn an_empty_action_list_is_not_a_coverage_question() {
    let source = allow("[]", r#""arn:aws:s3:::bucket/*""#);
    let found = verdicts(&source, Identity);
    assert_eq!(
        found,
        [(
            "EMPTY_ARRAY_ACTION",
            Severity::Suggestion,
            "/Statement/Action".to_owned()
        )]
    );
}

#[test]
fn no_finding_has_an_empty_help() {
    for source in [
        allow("[]", r#""arn:aws:s3:::bucket/*""#),
        allow(r#""s3:Nothing*""#, r#""arn:aws:s3:::bucket/*""#),
        allow(r#""s3:GetObject""#, r#""arn:aws:organizations::*:""#),
    ] {
        for finding in findings(&source, Identity) {
            assert_ne!(finding.help.as_deref(), Some(""), "{source}: {finding:#?}");
        }
    }
}

#[test]
fn an_arn_error_help_says_what_is_wrong() {
    let found = findings(
        &allow(
            r#""organizations:DescribeAccount""#,
            r#""arn:aws:organizations::*:""#,
        ),
        Identity,
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    let help = found[0].help.as_deref().unwrap_or_default();
    assert!(!help.contains("whitespace"), "{help}");
    assert!(help.contains("resource part"), "{help}");
    let found = findings(
        &allow(r#""s3:GetObject""#, r#""arn:aws:s3:::my bucket/*""#),
        Identity,
    );
    let help = found[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("whitespace"), "{help}");
}

fn two_statements_with_one_sid(kind: PolicyKind, action: &str, principal: bool) -> String {
    let principal = if principal {
        r#""Principal": {"AWS": "arn:aws:iam::081278057606:root"}, "#
    } else {
        ""
    };
    let resource = if kind == Trust {
        ""
    } else {
        r#", "Resource": "*""#
    };
    let statement = format!(
        r#"{{"Sid": "Same", "Effect": "Allow", {principal}"Action": "{action}"{resource}}}"#
    );
    format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}, {statement}]}}"#)
}

#[test]
fn duplicate_sids_are_refused_where_iam_refuses_them() {
    let cases = [
        (
            Identity,
            "s3:GetObject",
            false,
            "UNIQUE_SIDS_REQUIRED",
            Severity::Error,
        ),
        (
            Trust,
            "sts:AssumeRole",
            true,
            "UNIQUE_SIDS_REQUIRED",
            Severity::Error,
        ),
        (
            Scp,
            "s3:GetObject",
            false,
            "UNIQUE_SIDS_REQUIRED",
            Severity::Error,
        ),
        (
            Resource,
            "s3:GetObject",
            true,
            "UNIQUE_SIDS_RECOMMENDED",
            Severity::Warning,
        ),
        (
            Resource,
            "sqs:SendMessage",
            true,
            "UNIQUE_SIDS_REQUIRED",
            Severity::Error,
        ),
        (
            Resource,
            "sns:Publish",
            true,
            "UNIQUE_SIDS_REQUIRED",
            Severity::Error,
        ),
    ];
    for (kind, action, principal, code, severity) in cases {
        let source = two_statements_with_one_sid(kind, action, principal);
        let found: Vec<_> = findings(&source, kind)
            .into_iter()
            .filter(|f| f.code.starts_with("UNIQUE_SIDS"))
            .map(|f| (f.code, f.severity))
            .collect();
        assert_eq!(found, [(code, severity)], "{kind:?} {action}");
    }
    let _ = Rcp;
}

#[test]
fn a_missing_qualifier_on_a_multivalued_key_stays_an_error_and_says_why() {
    // As in AWS's own managed policies (AWSAuditManagerAdministratorAccess, CloudTrailEventContext, ...).
    let source = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "events:PutRule",
        "Resource": "arn:aws:events:*:*:rule/*",
        "Condition": {"StringEquals": {"events:detail-type": "AWS API Call via CloudTrail"}}}}"#;
    let found: Vec<_> = findings(source, Identity)
        .into_iter()
        .filter(|f| f.code == "MISSING_QUALIFIER")
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Error);
    let help = found[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("managed policies"), "{help}");
    assert!(help.contains("not documented"), "{help}");
}

#[test]
fn a_dead_entry_help_names_the_actions_that_need_a_star() {
    let help = |actions: &str| {
        let found = findings(
            &allow(actions, r#""arn:aws:ram:*:*:resource-share/*""#),
            Identity,
        );
        let dead: Vec<_> = found
            .into_iter()
            .filter(|f| f.code == "RESOURCE_MATCHES_NO_ACTION")
            .collect();
        assert_eq!(dead.len(), 1, "{actions}");
        dead[0].help.clone().unwrap_or_default()
    };
    // One action: the verb agrees with it.
    assert_eq!(
        help(r#""ram:CreateResourceShare""#),
        "`ram:CreateResourceShare` supports no resource-level permissions and needs `\"Resource\": \"*\"`"
    );
    // More than the three shown: the list says it goes on.
    let four = r#"["ram:CreateResourceShare", "ram:EnableSharingWithAwsOrganization", "ram:GetResourceShareAssociations", "ram:ListPermissions"]"#;
    let many = help(four);
    assert!(
        many.ends_with(
            ", ... support no resource-level permissions and need `\"Resource\": \"*\"`"
        ),
        "{many}"
    );
}

#[test]
fn a_key_filed_under_another_services_prefix_is_known() {
    // The reference gives AWS Marketplace Catalog's `catalog:ChangeType` to `aws-marketplace` actions, and IAM
    // Identity Center's `identitycenter:` keys to `sso`: no service has the key's own prefix.
    let with_condition = |action: &str, key: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "{action}", "Resource": "*", "Condition": {{"StringEquals": {{"{key}": "x"}}}}}}}}"#
        )
    };
    let codes = |source: &str| -> Vec<&'static str> {
        findings(source, Identity)
            .into_iter()
            .map(|f| f.code)
            .collect()
    };
    assert_eq!(
        codes(&with_condition(
            "aws-marketplace:StartChangeSet",
            "catalog:ChangeType"
        )),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes(&with_condition(
            "aws-marketplace:StartChangeSet",
            "catalog:changetype"
        )),
        Vec::<&str>::new(),
        "condition keys ignore case"
    );
    assert_eq!(
        codes(&with_condition(
            "aws-marketplace:StartChangeSet",
            "catalog:ChangeTyp"
        )),
        ["INVALID_SERVICE_CONDITION_KEY"]
    );
    // Known, but not a key of this action: the action-level check still applies.
    assert_eq!(
        codes(&with_condition("s3:GetObject", "catalog:ChangeType")),
        ["UNSUPPORTED_ACTION_FOR_CONDITION_KEY"]
    );
}

#[test]
fn a_key_aws_documents_outside_the_reference_is_taken() {
    // Amazon Bedrock's user guide restricts model subscriptions with `aws-marketplace:ProductId` on
    // `aws-marketplace:Subscribe`; the reference lists no key for the action (tools/catalog-gen/supplement/
    // documented-keys.tsv). AnthropicFullAccess has this statement.
    let policy = r#"{"Version": "2012-10-17", "Statement": {"Sid": "AnthropicSubscriptionManagement", "Effect": "Allow",
        "Action": ["aws-marketplace:Subscribe", "aws-marketplace:Unsubscribe"], "Resource": "*",
        "Condition": {"ForAnyValue:StringEquals": {"aws-marketplace:ProductId": ["prod-3qbeiztufnva6"]}}}}"#;
    assert_eq!(verdicts(policy, Identity), []);
    // Unsubscribe alone is not documented to take it.
    let unsubscribe = policy.replace("\"aws-marketplace:Subscribe\", ", "");
    assert_eq!(
        verdicts(&unsubscribe, Identity)
            .into_iter()
            .map(|(code, ..)| code)
            .collect::<Vec<_>>(),
        ["UNSUPPORTED_ACTION_FOR_CONDITION_KEY"]
    );
}
