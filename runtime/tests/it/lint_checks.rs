//! Every linter check, positive and negative: a policy that triggers it (the finding's code, severity, JSON
//! pointer and line:column are pinned) and the same policy fixed (no finding with that code).
//!
//! The expected position is given as a marker: the text the finding must start at, so that a case stays
//! readable; the test turns it into the line and column and compares them with the finding's.

use iamgen_runtime::Severity;
use iamgen_runtime::lint::{self, IdentityPolicyUse, Options, PolicyKind};
use iamgen_runtime::source::line_col;

use PolicyKind::{Identity, Rcp, Resource, Scp, Trust};
use Severity::{Error, SecurityWarning, Suggestion, Warning};

struct Case {
    code: &'static str,
    severity: Severity,
    kind: PolicyKind,
    /// A policy that triggers the check.
    bad: &'static str,
    /// Where the finding starts: the first occurrence of this text in `bad` (empty: the document's `{`).
    at: &'static str,
    pointer: &'static str,
    /// The same policy, fixed.
    good: &'static str,
}

const V: &str = "\"Version\": \"2012-10-17\"";

#[allow(clippy::too_many_lines, reason = "the table of cases, one per check")]
fn cases() -> Vec<Case> {
    vec![
        // --- Structure ---
        Case {
            code: "MISSING_VERSION",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
            at: "",
            pointer: "",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
        },
        Case {
            code: "INVALID_VERSION",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-18", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
            at: "\"2012-10-18\"",
            pointer: "/Version",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
        },
        Case {
            code: "MISSING_STATEMENT",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": []}"#,
            at: "[",
            pointer: "/Statement",
            good: r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}"#,
        },
        Case {
            code: "MISSING_EFFECT",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": [{"Action": "s3:GetObject", "Resource": "*"}]}"#,
            at: "{\"Action\"",
            pointer: "/Statement/0",
            good: r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
        },
        Case {
            code: "MISSING_ACTION",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}"#,
            at: "{\"Effect\"",
            pointer: "/Statement/0",
            good: r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
        },
        Case {
            code: "UNSUPPORTED_ELEMENT_COMBINATION",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "NotAction": "s3:PutObject", "Resource": "*"}}"#,
            at: "\"NotAction\"",
            pointer: "/Statement",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotAction": "s3:PutObject", "Resource": "*"}}"#,
        },
        Case {
            code: "INVALID_POLICY_ELEMENT",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Actions": "s3:GetObject", "Action": "s3:GetObject", "Resource": "*"}}"#,
            at: "\"Actions\"",
            pointer: "/Statement/Actions",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
        },
        Case {
            code: "MISSING_RESOURCE",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject"}}"#,
            at: "{\"Effect\"",
            pointer: "/Statement",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
        },
        Case {
            code: "UNSUPPORTED_PRINCIPAL",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "*"}}"#,
            at: "\"Principal\"",
            pointer: "/Statement/Principal",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
        },
        Case {
            code: "FORANYVALUE_WITH_IF_EXISTS",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "sqs:TagQueue", "Resource": "*", "Condition": {"ForAnyValue:StringNotEqualsIfExists": {"aws:TagKeys": ["team"]}}}}"#,
            at: "\"ForAnyValue:StringNotEqualsIfExists\"",
            pointer: "/Statement/Condition/ForAnyValue:StringNotEqualsIfExists",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "sqs:TagQueue", "Resource": "*", "Condition": {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team"]}}}}"#,
        },
        Case {
            code: "RCP_SYNTAX_ERROR_ALLOW",
            severity: Error,
            kind: Rcp,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}}"#,
            at: "\"Allow\"",
            pointer: "/Statement/Effect",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}}"#,
        },
        Case {
            code: "SCP_SYNTAX_ERROR_PRINCIPAL",
            severity: Error,
            kind: Scp,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "*"}}"#,
            at: "\"Principal\"",
            pointer: "/Statement/Principal",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}}"#,
        },
        Case {
            code: "MISSING_PRINCIPAL",
            severity: Error,
            kind: Trust,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}"#,
            at: "{\"Effect\"",
            pointer: "/Statement",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}}"#,
        },
        Case {
            code: "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
            severity: Error,
            kind: Trust,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}}"#,
            at: "\"Resource\"",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}"#,
        },
        Case {
            code: "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
            severity: Error,
            kind: Trust,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotPrincipal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}"#,
            at: "\"NotPrincipal\"",
            pointer: "/Statement/NotPrincipal",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}"#,
        },
        Case {
            code: "UNIQUE_SIDS_RECOMMENDED",
            severity: Warning,
            kind: Resource,
            bad: r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::081278057606:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::081278057606:root"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
            at: "\"A\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::081278057606:root\"}, \"Action\": \"s3:PutObject\"",
            pointer: "/Statement/1/Sid",
            good: r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::081278057606:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, {"Sid": "B", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::081278057606:root"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
        },
        Case {
            code: "UNIQUE_SIDS_REQUIRED",
            severity: Error,
            kind: Scp,
            bad: r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}, {"Sid": "A", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}"#,
            at: "\"A\", \"Effect\": \"Deny\", \"Action\": \"s3:DeleteObject\"",
            pointer: "/Statement/1/Sid",
            good: r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}, {"Sid": "B", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}"#,
        },
        Case {
            code: "UNSUPPORTED_SID",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Sid": "read objects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
            at: "\"read objects\"",
            pointer: "/Statement/Sid",
            good: r#"{"Version": "2012-10-17", "Statement": {"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
        },
        Case {
            code: "EMPTY_SID_VALUE",
            severity: Suggestion,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Sid": "", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
            at: "\"\"",
            pointer: "/Statement/Sid",
            good: r#"{"Version": "2012-10-17", "Statement": {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
        },
        Case {
            code: "EMPTY_ARRAY_ACTION",
            severity: Suggestion,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": [], "Resource": "*"}}"#,
            at: "[]",
            pointer: "/Statement/Action",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}}"#,
        },
        Case {
            code: "EMPTY_ARRAY_RESOURCE",
            severity: Suggestion,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": []}}"#,
            at: "[]",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["*"]}}"#,
        },
        Case {
            code: "EMPTY_OBJECT_PRINCIPAL",
            severity: Suggestion,
            kind: Resource,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": {}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
            at: "{}",
            pointer: "/Statement/Principal",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
        },
        Case {
            code: "EMPTY_ARRAY_PRINCIPAL",
            severity: Suggestion,
            kind: Resource,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": {"AWS": []}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
            at: "[]",
            pointer: "/Statement/Principal/AWS",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": {"AWS": ["111122223333"]}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
        },
        Case {
            code: "EMPTY_OBJECT_CONDITION",
            severity: Suggestion,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {}}}"#,
            at: "{}",
            pointer: "/Statement/Condition",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": false}}}}"#,
        },
        Case {
            code: "EMPTY_ARRAY_CONDITION",
            severity: Suggestion,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": []}}}}"#,
            at: "\"aws:PrincipalAccount\"",
            pointer: "/Statement/Condition/StringEquals/aws:PrincipalAccount",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": ["111122223333"]}}}}"#,
        },
        Case {
            code: "EMPTY_ARRAY_CONDITION_IFEXISTS",
            severity: Suggestion,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqualsIfExists": {"aws:PrincipalAccount": []}}}}"#,
            at: "\"aws:PrincipalAccount\"",
            pointer: "/Statement/Condition/StringEqualsIfExists/aws:PrincipalAccount",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqualsIfExists": {"aws:PrincipalAccount": "111122223333"}}}}"#,
        },
        Case {
            code: "EMPTY_ARRAY_CONDITION_FORANYVALUE",
            severity: Suggestion,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": []}}}}"#,
            at: "\"aws:TagKeys\"",
            pointer: "/Statement/Condition/ForAnyValue:StringEquals/aws:TagKeys",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}}}"#,
        },
        Case {
            code: "EMPTY_ARRAY_CONDITION_FORALLVALUES",
            severity: Suggestion,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": []}}}}"#,
            at: "\"aws:TagKeys\"",
            pointer: "/Statement/Condition/ForAllValues:StringEquals/aws:TagKeys",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}}}"#,
        },
        // --- Actions ---
        Case {
            code: "INVALID_ACTION",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObjekt"], "Resource": "*"}}"#,
            at: "\"s3:GetObjekt\"",
            pointer: "/Statement/Action/1",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "*"}}"#,
        },
        Case {
            code: "INVALID_SERVICE_IN_ACTION",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s4:GetObject", "Resource": "*"}}"#,
            at: "\"s4:GetObject\"",
            pointer: "/Statement/Action",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
        },
        Case {
            code: "INVALID_ACTION_FORMAT",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3::GetObject", "Resource": "*"}}"#,
            at: "\"s3::GetObject\"",
            pointer: "/Statement/Action",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
        },
        Case {
            code: "WILDCARD_IN_SERVICE_NAME",
            severity: Suggestion,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s*:GetObject", "Resource": "*"}}"#,
            at: "\"s*:GetObject\"",
            pointer: "/Statement/Action",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}}"#,
        },
        Case {
            code: "WILDCARD_MATCHES_NO_ACTION",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:Get*Zzz", "Resource": "*"}}"#,
            at: "\"s3:Get*Zzz\"",
            pointer: "/Statement/Action",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:Get*Tagging", "Resource": "*"}}"#,
        },
        Case {
            code: "REDUNDANT_ACTION",
            severity: Suggestion,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "*"}}"#,
            at: "\"s3:GetObject\"",
            pointer: "/Statement/Action/1",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:Get*", "s3:PutObject"], "Resource": "*"}}"#,
        },
        // --- Resources ---
        Case {
            code: "INVALID_ARN_PREFIX",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "com.stuzio.projectx/*"}}"#,
            at: "\"com.stuzio.projectx/*\"",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::com.stuzio.projectx/*"}}"#,
        },
        Case {
            code: "MISSING_ARN_FIELD",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:com.stuzio.projectx/*"}}"#,
            at: "\"arn:aws:s3:com",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::com.stuzio.projectx/*"}}"#,
        },
        Case {
            code: "INVALID_PARTITION",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:awz:s3:::b/*"}}"#,
            at: "\"arn:awz",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws-cn:s3:::b/*"}}"#,
        },
        Case {
            code: "INVALID_ARN_SERVICE_CASE",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:S3:::b/*"}}"#,
            at: "\"arn:aws:S3",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
        },
        Case {
            code: "ARN_REGION_NOT_ALLOWED",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:us-east-1::b/*"}}"#,
            at: "\"arn:aws:s3:us-east-1",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
        },
        Case {
            code: "ARN_ACCOUNT_NOT_ALLOWED",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3::081278057606:b/*"}}"#,
            at: "\"arn:aws:s3::0812",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
        },
        Case {
            code: "INVALID_ARN_ACCOUNT",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:GetRole", "Resource": "arn:aws:iam::81278057606:role/R"}}"#,
            at: "\"arn:aws:iam::8127",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:GetRole", "Resource": "arn:aws:iam::081278057606:role/R"}}"#,
        },
        Case {
            code: "INVALID_ARN_REGION",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:REGION:081278057606:q"}}"#,
            at: "\"arn:aws:sqs:REGION",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:eu-west-3:081278057606:q"}}"#,
        },
        Case {
            code: "INVALID_ARN_RESOURCE",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/* "}}"#,
            at: "\"arn:aws:s3:::b/* \"",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
        },
        Case {
            code: "UNKNOWN_ARN_SERVICE",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s4:::b/*"}}"#,
            at: "\"arn:aws:s4",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
        },
        Case {
            code: "RESOURCE_MATCHES_NO_ACTION",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::com.stuzio.projectx"}}"#,
            at: "\"arn:aws:s3:::com.stuzio.projectx\"",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::com.stuzio.projectx/*"}}"#,
        },
        Case {
            code: "SERVICE_WIDE_ARN_FOR_UNSCOPED_ACTIONS",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "storagegateway:ListGateways", "Resource": "arn:aws:storagegateway:*:*:*"}}"#,
            at: "\"arn:aws:storagegateway:*:*:*\"",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "storagegateway:ListGateways", "Resource": "*"}}"#,
        },
        // --- Policy variables ---
        Case {
            code: "MISSING_BRACE_IN_VARIABLE",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username/*"}}"#,
            at: "\"arn:aws:s3:::b/$",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}}"#,
        },
        Case {
            code: "EMPTY_VARIABLE",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${}/*"}}"#,
            at: "\"arn:aws:s3:::b/$",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:userid}/*"}}"#,
        },
        Case {
            code: "UNSUPPORTED_SPACE_IN_VARIABLE",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws: username}/*"}}"#,
            at: "\"arn:aws:s3:::b/$",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}}"#,
        },
        Case {
            code: "MISSING_QUOTE_IN_VARIABLE",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:PrincipalTag/team, shared}/*"}}"#,
            at: "\"arn:aws:s3:::b/$",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*"}}"#,
        },
        Case {
            code: "VARIABLE_UNSUPPORTED_IN_VERSION",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}}"#,
            at: "\"arn:aws:s3:::b/$",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}}"#,
        },
        Case {
            code: "VARIABLE_UNSUPPORTED_IN_ELEMENT",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:${aws:username}", "Resource": "*"}}"#,
            at: "\"s3:$",
            pointer: "/Statement/Action",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
        },
        Case {
            code: "UNKNOWN_POLICY_VARIABLE",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:GetRole", "Resource": "arn:aws:iam::${Account}:role/R"}}"#,
            at: "\"arn:aws:iam::$",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:GetRole", "Resource": "arn:aws:iam::${aws:PrincipalAccount}:role/R"}}"#,
        },
        // --- Conditions ---
        Case {
            code: "INVALID_CONDITION_OPERATOR",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqual": {"aws:PrincipalAccount": "111122223333"}}}}"#,
            at: "\"StringEqual\"",
            pointer: "/Statement/Condition/StringEqual",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}}"#,
        },
        Case {
            code: "NULL_WITH_IF_EXISTS",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NullIfExists": {"aws:MultiFactorAuthAge": true}}}}"#,
            at: "\"NullIfExists\"",
            pointer: "/Statement/Condition/NullIfExists",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Null": {"aws:MultiFactorAuthAge": true}}}}"#,
        },
        Case {
            code: "NULL_WITH_QUALIFIER",
            severity: Suggestion,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAnyValue:Null": {"aws:TagKeys": true}}}}"#,
            at: "\"ForAnyValue:Null\"",
            pointer: "/Statement/Condition/ForAnyValue:Null",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Null": {"aws:TagKeys": true}}}}"#,
        },
        Case {
            code: "TYPE_MISMATCH_BOOLEAN",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "no"}}}}"#,
            at: "\"no\"",
            pointer: "/Statement/Condition/Bool/aws:SecureTransport",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}}"#,
        },
        Case {
            code: "TYPE_MISMATCH_NUMBER",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "1h"}}}}"#,
            at: "\"1h\"",
            pointer: "/Statement/Condition/NumericGreaterThan/aws:MultiFactorAuthAge",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "3600"}}}}"#,
        },
        Case {
            code: "TYPE_MISMATCH_DATE",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "31/12/2026"}}}}"#,
            at: "\"31/12/2026\"",
            pointer: "/Statement/Condition/DateGreaterThan/aws:CurrentTime",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2026-12-31T00:00:00Z"}}}}"#,
        },
        Case {
            code: "TYPE_MISMATCH_IP_RANGE",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/33"}}}}"#,
            at: "\"203.0.113.0/33\"",
            pointer: "/Statement/Condition/NotIpAddress/aws:SourceIp",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}}"#,
        },
        Case {
            code: "TYPE_MISMATCH_ARN",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ArnNotLike": {"aws:PrincipalArn": "role/Admin"}}}}"#,
            at: "\"role/Admin\"",
            pointer: "/Statement/Condition/ArnNotLike/aws:PrincipalArn",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}}}}"#,
        },
        Case {
            code: "TYPE_MISMATCH_STRING",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"BinaryEquals": {"aws:UserAgent": "not base64!"}}}}"#,
            at: "\"not base64!\"",
            pointer: "/Statement/Condition/BinaryEquals/aws:UserAgent",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"BinaryEquals": {"aws:UserAgent": "QmluYXJ5"}}}}"#,
        },
        Case {
            code: "INVALID_VARIABLE_FOR_OPERATOR",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "${aws:TokenIssueTime}"}}}}"#,
            at: "\"${aws:TokenIssueTime}\"",
            pointer: "/Statement/Condition/DateLessThan/aws:CurrentTime",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2026-12-31"}}}}"#,
        },
        Case {
            code: "INVALID_CONDITION_KEY_FORMAT",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"SourceIp": "203.0.113.0/24"}}}}"#,
            at: "\"SourceIp\"",
            pointer: "/Statement/Condition/IpAddress/SourceIp",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}}"#,
        },
        Case {
            code: "INVALID_GLOBAL_CONDITION_KEY",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIpp": "203.0.113.0/24"}}}}"#,
            at: "\"aws:SourceIpp\"",
            pointer: "/Statement/Condition/IpAddress/aws:SourceIpp",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}}"#,
        },
        Case {
            code: "INVALID_SERVICE_CONDITION_KEY",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"s3:prefixx": "home/*"}}}}"#,
            at: "\"s3:prefixx\"",
            pointer: "/Statement/Condition/StringLike/s3:prefixx",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"s3:prefix": "home/*"}}}}"#,
        },
        Case {
            code: "DEPRECATED_GLOBAL_CONDITION_KEY",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ArnNotLike": {"aws:ARN": "arn:aws:iam::*:role/Admin"}}}}"#,
            at: "\"aws:ARN\"",
            pointer: "/Statement/Condition/ArnNotLike/aws:ARN",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}}}}"#,
        },
        Case {
            code: "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringLike": {"s3:prefix": "home/*"}}}}"#,
            at: "\"s3:prefix\"",
            pointer: "/Statement/Condition/StringLike/s3:prefix",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"s3:prefix": "home/*"}}}}"#,
        },
        Case {
            code: "TYPE_MISMATCH",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringNotEquals": {"aws:SourceIp": "203.0.113.7"}}}}"#,
            at: "\"aws:SourceIp\"",
            pointer: "/Statement/Condition/StringNotEquals/aws:SourceIp",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.7"}}}}"#,
        },
        Case {
            code: "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
            severity: SecurityWarning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalAccount": "111122223333"}}}}"#,
            at: "\"aws:PrincipalAccount\"",
            pointer: "/Statement/Condition/ForAllValues:StringEquals/aws:PrincipalAccount",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}}"#,
        },
        Case {
            code: "MISSING_QUALIFIER",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*", "Condition": {"StringEquals": {"aws:TagKeys": "team"}}}}"#,
            at: "\"aws:TagKeys\"",
            pointer: "/Statement/Condition/StringEquals/aws:TagKeys",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}}}}"#,
        },
        Case {
            code: "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "1", "aws:principalaccount": "2"}}}}"#,
            at: "\"aws:principalaccount\"",
            pointer: "/Statement/Condition/StringEquals/aws:principalaccount",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": ["1", "2"]}}}}"#,
        },
        Case {
            code: "WILDCARD_WITHOUT_LIKE_OPERATOR",
            severity: Warning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}}}}"#,
            at: "\"o-a1b2c3d4e5/*\"",
            pointer: "/Statement/Condition/StringNotEquals/aws:PrincipalOrgPaths",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAnyValue:StringNotLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}}}}"#,
        },
        Case {
            code: "PRIVATE_IP_ADDRESS",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/16"}}}}"#,
            at: "\"aws:SourceIp\"",
            pointer: "/Statement/Condition/IpAddress/aws:SourceIp",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}}"#,
        },
        Case {
            code: "PRIVATE_NOTIPADDRESS",
            severity: Error,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.168.0.0/16"]}}}}"#,
            at: "\"aws:SourceIp\"",
            pointer: "/Statement/Condition/NotIpAddress/aws:SourceIp",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": ["198.51.100.0/24"]}}}}"#,
        },
        Case {
            code: "PRIVATE_IP_ADDRESS_SUBSET",
            severity: Suggestion,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "172.16.0.0/12"]}}}}"#,
            at: "\"aws:SourceIp\"",
            pointer: "/Statement/Condition/IpAddress/aws:SourceIp",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}}}"#,
        },
        Case {
            code: "IMPROVE_IP_RANGE",
            severity: Suggestion,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.7/24"}}}}"#,
            at: "\"203.0.113.7/24\"",
            pointer: "/Statement/Condition/IpAddress/aws:SourceIp",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}}"#,
        },
        // --- Principals ---
        Case {
            code: "INVALID_ACCOUNT_ID",
            severity: Error,
            kind: Trust,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "83438944504"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}}"#,
            at: "\"83438944504\"",
            pointer: "/Statement/Principal/AWS",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "183438944504"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}}"#,
        },
        Case {
            code: "INVALID_PRINCIPAL_ARN",
            severity: Error,
            kind: Trust,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:group/Consultants"}, "Action": "sts:AssumeRole"}}"#,
            at: "\"arn:aws:iam::183438944504:group",
            pointer: "/Statement/Principal/AWS",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:user/Troy"}, "Action": "sts:AssumeRole"}}"#,
        },
        Case {
            code: "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
            severity: Error,
            kind: Trust,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:user/*"}, "Action": "sts:AssumeRole"}}"#,
            at: "\"arn:aws:iam::183438944504:user/*\"",
            pointer: "/Statement/Principal/AWS",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:user/Troy"}, "Action": "sts:AssumeRole"}}"#,
        },
        Case {
            code: "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
            severity: Error,
            kind: Trust,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}}"#,
            at: "\"*\"",
            pointer: "/Statement/Principal/AWS",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:user/Troy"}, "Action": "sts:AssumeRole"}}"#,
        },
        Case {
            code: "PUBLIC_PRINCIPAL",
            severity: SecurityWarning,
            kind: Resource,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
            at: "\"*\"",
            pointer: "/Statement/Principal",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}}"#,
        },
        Case {
            code: "ALLOW_WITH_NOTPRINCIPAL",
            severity: SecurityWarning,
            kind: Resource,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
            at: "\"NotPrincipal\"",
            pointer: "/Statement/NotPrincipal",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
        },
        Case {
            code: "INVALID_SERVICE_PRINCIPAL_FORMAT",
            severity: Error,
            kind: Trust,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "lambda"}, "Action": "sts:AssumeRole"}}"#,
            at: "\"lambda\"",
            pointer: "/Statement/Principal/Service",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}"#,
        },
        Case {
            code: "MISMATCHED_ACTION_FOR_PRINCIPAL",
            severity: Error,
            kind: Trust,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::183438944504:saml-provider/Okta"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"saml:aud": "https://signin.aws.amazon.com/saml"}}}}"#,
            at: "\"arn:aws:iam::183438944504:saml",
            pointer: "/Statement/Principal/Federated",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::183438944504:saml-provider/Okta"}, "Action": "sts:AssumeRoleWithSAML", "Condition": {"StringEquals": {"saml:aud": "https://signin.aws.amazon.com/saml"}}}}"#,
        },
        Case {
            code: "INVALID_USER_REFERENCE",
            severity: Warning,
            kind: Resource,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "AIDAJQABLZS4A3QDU576Q"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
            at: "\"AIDA",
            pointer: "/Statement/Principal/AWS",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:user/Troy"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
        },
        // --- Security ---
        Case {
            code: "PASS_ROLE_WITH_STAR_IN_RESOURCE",
            severity: SecurityWarning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}"#,
            at: "\"*\"",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::081278057606:role/app-*"}}"#,
        },
        Case {
            code: "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
            severity: SecurityWarning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:Pass*", "Resource": "*"}}"#,
            at: "\"*\"}",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}}"#,
        },
        Case {
            code: "PASS_ROLE_WITH_NOTRESOURCE",
            severity: SecurityWarning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:PassRole", "NotResource": "arn:aws:iam::081278057606:role/Admin"}}"#,
            at: "\"arn:aws:iam::081278057606:role/Admin\"",
            pointer: "/Statement/NotResource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::081278057606:role/app"}}"#,
        },
        Case {
            code: "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOTACTION",
            severity: SecurityWarning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}}"#,
            at: "\"*\"}",
            pointer: "/Statement/Resource",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": ["s3:*", "iam:*"], "Resource": "*"}}"#,
        },
        Case {
            code: "WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT",
            severity: SecurityWarning,
            kind: Identity,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}}"#,
            at: "\"s3:*\"",
            pointer: "/Statement/Action",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}}"#,
        },
        Case {
            code: "TRUST_ACCOUNT_WITHOUT_CONDITION",
            severity: SecurityWarning,
            kind: Trust,
            bad: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "Action": "sts:AssumeRole"}}"#,
            at: "\"arn:aws:iam::183438944504:root\"",
            pointer: "/Statement/Principal/AWS",
            good: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "Action": "sts:AssumeRole", "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::183438944504:user/Troy"}}}}"#,
        },
    ]
}

fn findings(source: &str, kind: PolicyKind, options: &Options) -> Vec<iamgen_runtime::Diagnostic> {
    lint::lint_source(source, Some(kind), options).findings
}

#[test]
fn every_check_fires_where_expected_and_not_on_the_fix() {
    let cases = cases();
    let mut codes: Vec<&str> = cases.iter().map(|case| case.code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), cases.len(), "one case per code");
    let options = Options::default();
    let mut failures = Vec::new();
    for case in &cases {
        let found = findings(case.bad, case.kind, &options);
        let expected_offset = if case.at.is_empty() {
            0
        } else {
            case.bad.find(case.at).expect("marker in source")
        };
        let expected_at = line_col(case.bad, expected_offset).to_string();
        match found.iter().find(|f| f.code == case.code) {
            None => failures.push(format!(
                "{}: not reported; got {:?}",
                case.code,
                found.iter().map(|f| f.code).collect::<Vec<_>>()
            )),
            Some(finding) => {
                let at = line_col(case.bad, finding.span.start as usize).to_string();
                if finding.severity != case.severity
                    || finding.pointer.as_deref() != Some(case.pointer)
                    || at != expected_at
                {
                    failures.push(format!(
                        "{}: got {:?} at {:?} {at}, expected {:?} at {:?} {expected_at}",
                        case.code, finding.severity, finding.pointer, case.severity, case.pointer
                    ));
                }
                if finding.help.as_deref().is_none_or(str::is_empty) {
                    failures.push(format!("{}: no help", case.code));
                }
            }
        }
        let fixed = findings(case.good, case.kind, &options);
        if let Some(finding) = fixed.iter().find(|f| f.code == case.code) {
            failures.push(format!(
                "{}: still reported on the fixed policy: {}",
                case.code, finding.message
            ));
        }
        if fixed.iter().any(|f| f.severity == Error) {
            failures.push(format!(
                "{}: the fixed policy has errors: {:?}",
                case.code,
                fixed
                    .iter()
                    .filter(|f| f.severity == Error)
                    .map(|f| f.code)
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn quotas_name_the_size_and_the_limit() {
    let statements: Vec<String> = (0..100)
        .map(|i| format!(r#"{{"Sid": "S{i}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-{i}/*"}}"#))
        .collect();
    let big = format!("{{{V}, \"Statement\": [{}]}}", statements.join(","));
    let found = findings(&big, Identity, &Options::default());
    let quota = found
        .iter()
        .find(|f| f.code == "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA")
        .expect("reported");
    assert_eq!(quota.severity, Error);
    assert!(
        quota
            .message
            .contains("over the 6144 allowed for a managed policy"),
        "{}",
        quota.message
    );
    let inline_role = Options {
        identity_use: IdentityPolicyUse::InlineRole,
        ..Options::default()
    };
    assert!(
        !findings(&big, Identity, &inline_role)
            .iter()
            .any(|f| f.code.starts_with("POLICY_SIZE")),
        "an inline role policy may be 10,240 characters"
    );
    let small = format!("{{{V}, \"Statement\": [{}]}}", statements[..5].join(","));
    assert!(
        !findings(&small, Identity, &Options::default())
            .iter()
            .any(|f| f.code.starts_with("POLICY_SIZE"))
    );

    // Trust policies: a warning past the default quota, which can be raised to 4,096.
    let principals: Vec<String> = (0..60)
        .map(|i| format!("\"arn:aws:iam::183438944504:user/consultant-{i:03}\""))
        .collect();
    let trust = format!(
        "{{{V}, \"Statement\": {{\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": [{}]}}, \"Action\": \"sts:AssumeRole\"}}}}",
        principals.join(",")
    );
    let found = findings(&trust, Trust, &Options::default());
    let quota = found
        .iter()
        .find(|f| f.code == "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA")
        .expect("reported");
    assert_eq!(quota.severity, Warning);
    assert!(
        quota.message.contains("over the 2048 allowed"),
        "{}",
        quota.message
    );

    // SCPs count whitespace.
    let padded = format!(
        "{{{V}, \"Statement\": {{\"Effect\": \"Deny\", \"Action\": \"s3:DeleteBucket\", \"Resource\": \"*\"}}{}}}",
        " ".repeat(5_200)
    );
    let found = findings(&padded, Scp, &Options::default());
    assert!(
        found
            .iter()
            .any(|f| f.code == "POLICY_SIZE_EXCEEDS_SCP_QUOTA" && f.severity == Error)
    );
}

#[test]
fn rcp_principal_star_is_expected() {
    let rcp = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}}"#;
    let found = findings(rcp, Rcp, &Options::default());
    assert!(found.is_empty(), "{found:?}");
}

/// AWS's own `RCPFullAWSAccess`, the one RCP that may allow, draws no finding.
#[test]
fn rcp_full_aws_access_is_not_reported() {
    let rcp = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}"#;
    let found = findings(rcp, Rcp, &Options::default());
    assert!(found.is_empty(), "{found:?}");
    let widened = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    let found = findings(widened, Rcp, &Options::default());
    assert_eq!(
        found
            .iter()
            .filter(|f| f.code == "RCP_SYNTAX_ERROR_ALLOW")
            .count(),
        2,
        "{found:?}"
    );
}

#[test]
fn allow_list_silences_codes() {
    let source = r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#;
    assert!(
        findings(source, Identity, &Options::default())
            .iter()
            .any(|f| f.code == "MISSING_VERSION")
    );
    let options = Options {
        allow: vec!["MISSING_VERSION".to_owned()],
        ..Options::default()
    };
    assert!(findings(source, Identity, &options).is_empty());
}

#[test]
fn an_allow_list_built_in_code_cannot_silence_what_aws_refuses() {
    // `--allow` and `allow(...)` refuse such a code when they read it; a list built in code is held to the
    // same rule by the linter itself.
    let source = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}}"#; // misspelt on purpose
    let options = Options {
        allow: vec!["INVALID_ACTION".to_owned()],
        ..Options::default()
    };
    assert!(
        findings(source, Identity, &options)
            .iter()
            .any(|f| f.code == "INVALID_ACTION")
    );
}

#[test]
fn kinds_are_inferred_with_a_reason() {
    let trust = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "Action": "sts:AssumeRole"}}"#;
    let report = lint::lint_source(trust, None, &Options::default());
    assert_eq!((report.kind, report.kind_inferred), (Trust, true));
    assert!(report.kind_reason.unwrap().contains("sts:AssumeRole"));
    let bucket = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#;
    assert_eq!(
        lint::lint_source(bucket, None, &Options::default()).kind,
        Resource
    );
    let identity = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#;
    assert_eq!(
        lint::lint_source(identity, None, &Options::default()).kind,
        Identity
    );
}

#[test]
fn documents_built_in_code_lint_without_spans() {
    let document = iamgen_runtime::PolicyDocument::from_json(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}}"#,
    )
    .unwrap();
    let found = lint::lint_document(&document, Identity, &Options::default());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].pointer.as_deref(), Some("/Statement/Action"));
    assert_eq!(found[0].suggestion.as_deref(), Some("s3:GetObject"));
}

/// `{"AWS": "*"}` in a trust, narrowed to an organization, is how AWS documents a role a whole organization may
/// assume: no error. A condition that does not say who the principal is (negated, `IfExists`) leaves the error,
/// and the bare `"Principal": "*"`, which IAM refuses in a trust, is an error however narrowed.
#[test]
fn a_trust_of_every_principal_of_an_organization_is_accepted() {
    let wildcard_error = |trust: &str| {
        findings(trust, Trust, &Options::default())
            .iter()
            .any(|f| f.code == "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL")
    };
    let organization = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}}"#;
    assert!(!wildcard_error(organization));
    let paths = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}}}"#;
    assert!(!wildcard_error(paths));
    let negated = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}}"#;
    assert!(wildcard_error(negated));
    let if_exists = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}}"#;
    assert!(wildcard_error(if_exists));
    let bare = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}}"#;
    assert!(wildcard_error(bare));
}
