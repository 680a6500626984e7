//! Principals: well-formed accounts, ARNs and service names; no wildcard where it opens a role or resource
//! to everyone; federated principals with the action their provider uses.

use super::PolicyKind;
use super::codes;
use super::context::{At, Context, child, item_pointer, placeholder_help};
use crate::diagnostic::Severity;
use crate::policy::{
    AccountId, ActionElement, Arn, Effect, OperatorBase, Principal, PrincipalElement,
    PrincipalKind, SetQualifier, Statement,
};

/// Condition keys that narrow who a `"*"` principal can be, making it no longer public.
const NARROWING_KEYS: [&str; 14] = [
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:userid",
];

pub(super) fn check(cx: &mut Context<'_, '_>) {
    let kind = cx.kind;
    for located in cx.statements().iter() {
        let statement = located.statement;
        let Some(element) = &statement.principal else {
            continue;
        };
        let base = child(&located.pointer, element.element_name());
        if let PrincipalElement::NotPrincipal(_) = element
            && statement.effect == Effect::Allow
            && kind != PolicyKind::Trust
        {
            cx.report(
                codes::ALLOW_WITH_NOTPRINCIPAL.name,
                Severity::SecurityWarning,
                "`Allow` with `NotPrincipal` grants access to everyone except the principals listed, anonymous \
                 users included",
                base.clone(),
                At::Key,
            )
            .help = Some("name the principals to allow in a `Principal` element instead".to_owned());
        }
        let narrowed = is_narrowed(statement);
        match element.principal() {
            Principal::Any => check_wildcard(cx, kind, statement.effect, element, narrowed, base),
            Principal::Map(entries) => {
                for (principal_kind, values) in entries {
                    let kind_pointer = child(&base, principal_kind.as_str());
                    for (index, value) in values.iter().enumerate() {
                        let pointer = item_pointer(&kind_pointer, values, index);
                        check_principal(cx, statement, *principal_kind, value, narrowed, pointer);
                    }
                }
            }
        }
        if kind == PolicyKind::Trust {
            check_trust_actions(
                cx,
                &located.statement.action,
                element.principal(),
                &located.pointer,
            );
        }
    }
}

/// Whether a condition of the statement narrows who a `"*"` principal can be.
fn is_narrowed(statement: &Statement) -> bool {
    statement.condition.as_ref().is_some_and(|condition| {
        condition
            .0
            .iter()
            .flat_map(|block| &block.entries)
            .any(|entry| {
                NARROWING_KEYS
                    .iter()
                    .any(|key| key.eq_ignore_ascii_case(&entry.key))
            })
    })
}

/// The condition keys that say which principals a `{"AWS": "*"}` of a trust policy can be.
const PRINCIPAL_IDENTITY_KEYS: [&str; 4] = [
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
];

/// Whether a condition of the statement restricts its principals to an organization, account or ARN.
fn names_the_principals(statement: &Statement) -> bool {
    statement.condition.as_ref().is_some_and(|condition| {
        condition
            .0
            .iter()
            // A negated test, `...IfExists`, `Null` or `ForAllValues:` also holds for a principal the key does not
            // name (or a request without the key): none of them restricts who the principal is.
            .filter(|block| {
                let operator = &block.operator;
                !operator.base.is_negated()
                    && !operator.if_exists
                    && operator.base != OperatorBase::Null
                    && operator.qualifier != Some(SetQualifier::ForAllValues)
            })
            .flat_map(|block| &block.entries)
            .any(|entry| {
                PRINCIPAL_IDENTITY_KEYS
                    .iter()
                    .any(|key| key.eq_ignore_ascii_case(&entry.key))
            })
    })
}

/// One principal of a `Principal` or `NotPrincipal` map, by its kind.
fn check_principal(
    cx: &mut Context<'_, '_>,
    statement: &Statement,
    principal_kind: PrincipalKind,
    value: &str,
    narrowed: bool,
    pointer: String,
) {
    let kind = cx.kind;
    let Some(element) = &statement.principal else {
        return;
    };
    match principal_kind {
        // `{"AWS": "*"}` narrowed to an organization or account by a condition is how AWS documents a role that
        // a whole organization may assume: IAM takes it (only the bare `"Principal": "*"` is refused in a trust).
        PrincipalKind::Aws
            if value == "*" && kind == PolicyKind::Trust && names_the_principals(statement) => {}
        PrincipalKind::Aws if value == "*" => {
            check_wildcard(cx, kind, statement.effect, element, narrowed, pointer);
        }
        PrincipalKind::Aws => check_aws(cx, value, pointer),
        PrincipalKind::Service => check_service(cx, value, pointer),
        PrincipalKind::Federated => {
            check_federated(cx, kind, &statement.action, value, pointer);
        }
        PrincipalKind::CanonicalUser => {}
    }
}

fn check_wildcard(
    cx: &mut Context<'_, '_>,
    kind: PolicyKind,
    effect: Effect,
    element: &PrincipalElement,
    narrowed: bool,
    pointer: String,
) {
    if effect == Effect::Deny || matches!(element, PrincipalElement::NotPrincipal(_)) {
        return;
    }
    match kind {
        PolicyKind::Trust => {
            cx.report(
                codes::ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL.name,
                Severity::Error,
                "a role trust policy cannot trust `*`: anyone in any account could assume the role",
                pointer,
                At::Value,
            )
            .help = Some(
                "name the accounts or roles that may assume it, e.g. `{\"AWS\": \"arn:aws:iam::111122223333:root\"}`"
                    .to_owned(),
            );
        }
        PolicyKind::Rcp => {}
        _ if narrowed => {}
        _ => {
            cx.report(
                codes::PUBLIC_PRINCIPAL.name,
                Severity::SecurityWarning,
                "`*` as the principal of an `Allow` admits anyone, anonymous users included, and no condition \
                 narrows it",
                pointer,
                At::Value,
            )
            .help = Some(
                "name the principals, or add a condition such as `aws:PrincipalOrgID` or `aws:SourceAccount`"
                    .to_owned(),
            );
        }
    }
}

/// An AWS principal, its forms checked in the order IAM reads them: an account id (or a unique id), else an ARN.
fn check_aws(cx: &mut Context<'_, '_>, value: &str, pointer: String) {
    let trimmed = value.trim();
    if trimmed != value {
        let finding = cx.report(
            codes::INVALID_PRINCIPAL_ARN.name,
            Severity::Error,
            format!("`{value}` has whitespace around it, so it names no principal"),
            pointer,
            At::Value,
        );
        finding.help = Some(format!("write `{trimmed}`"));
        finding.suggestion = Some(trimmed.to_owned());
        return;
    }
    if value.starts_with("arn:") {
        check_aws_arn(cx, value, pointer);
    } else {
        check_aws_id(cx, value, pointer);
    }
}

/// An AWS principal that is no ARN: an account id, or an IAM unique id, which works but is brittle.
fn check_aws_id(cx: &mut Context<'_, '_>, value: &str, pointer: String) {
    if AccountId::is_valid(value) {
        return;
    }
    if value.len() == 21 && (value.starts_with("AIDA") || value.starts_with("AROA")) {
        let (code, what) = if value.starts_with("AIDA") {
            (codes::INVALID_USER_REFERENCE.name, "user")
        } else {
            (codes::INVALID_ROLE_REFERENCE.name, "role")
        };
        cx.report(
            code,
            Severity::Warning,
            format!("`{value}` is an IAM {what} id; it stops matching if the {what} is deleted and recreated"),
            pointer,
            At::Value,
        )
        .help = Some(format!("name the {what} by its ARN"));
        return;
    }
    let digits = value.bytes().all(|b| b.is_ascii_digit());
    cx.report(
        codes::INVALID_ACCOUNT_ID.name,
        Severity::Error,
        if digits {
            format!(
                "`{value}` has {} digits; an account id has exactly 12",
                value.len()
            )
        } else {
            format!("`{value}` is neither an account id nor an ARN")
        },
        pointer,
        At::Value,
    )
    .help = Some(placeholder_help(
        value,
        "write a 12-digit account id (as a string: ids may start with 0) or an ARN such as \
         `arn:aws:iam::111122223333:root`",
    ));
}

/// An AWS principal ARN: well-formed, without wildcards, of IAM or STS, in a valid account, of a principal kind.
fn check_aws_arn(cx: &mut Context<'_, '_>, value: &str, pointer: String) {
    let arn = match Arn::parse(value) {
        Ok(arn) => arn,
        Err(error) => {
            cx.report(codes::INVALID_PRINCIPAL_ARN.name, Severity::Error, error.to_string(), pointer, At::Value).help =
                Some("write the principal as `arn:aws:iam::111122223333:root`, `...:role/Name` or `...:user/Name`".to_owned());
            return;
        }
    };
    if value.contains(['*', '?']) {
        cx.report(
            codes::UNSUPPORTED_WILDCARD_IN_PRINCIPAL.name,
            Severity::Error,
            format!("`{value}`: wildcards are not supported in principal ARNs"),
            pointer,
            At::Value,
        )
        .help = Some(
            "use `\"*\"` with an `aws:PrincipalArn` condition (`ArnLike`) to match a pattern"
                .to_owned(),
        );
        return;
    }
    if !matches!(arn.service(), "iam" | "sts") {
        cx.report(
            codes::INVALID_PRINCIPAL_ARN.name,
            Severity::Error,
            format!(
                "`{value}` is a `{}` ARN, not an IAM principal",
                arn.service()
            ),
            pointer,
            At::Value,
        )
        .help = Some(
            "AWS principals are accounts, IAM users and roles, and assumed-role sessions"
                .to_owned(),
        );
        return;
    }
    if !AccountId::is_valid(arn.account()) {
        cx.report(
            codes::INVALID_ACCOUNT_ID.name,
            Severity::Error,
            format!(
                "the account `{}` in `{value}` is not a 12-digit account id",
                arn.account()
            ),
            pointer,
            At::Value,
        )
        .help = Some(placeholder_help(
            arn.account(),
            "an account id is exactly 12 digits, such as `081278057606`",
        ));
        return;
    }
    check_principal_resource(cx, value, arn.resource(), pointer);
}

/// The resource part of an AWS principal ARN: `root`, or a user, role or session; not a group.
fn check_principal_resource(
    cx: &mut Context<'_, '_>,
    value: &str,
    resource: &str,
    pointer: String,
) {
    let known = resource == "root"
        || [
            "user/",
            "role/",
            "assumed-role/",
            "federated-user/",
            "group/",
        ]
        .iter()
        .any(|p| resource.starts_with(p));
    if !known {
        cx.report(
            codes::INVALID_PRINCIPAL_ARN.name,
            Severity::Error,
            format!("`{value}` names no kind of principal IAM knows (`{resource}`)"),
            pointer,
            At::Value,
        )
        .help = Some(
            "the forms are `:root`, `:user/Name`, `:role/Name` and `:assumed-role/Role/Session`"
                .to_owned(),
        );
    } else if resource.starts_with("group/") {
        cx.report(
            codes::INVALID_PRINCIPAL_ARN.name,
            Severity::Error,
            format!("`{value}`: an IAM group cannot be a principal"),
            pointer,
            At::Value,
        )
        .help = Some(
            "name the group's users, or the account with an `aws:PrincipalArn` condition"
                .to_owned(),
        );
    }
}

fn check_service(cx: &mut Context<'_, '_>, value: &str, pointer: String) {
    let well_formed = value.split_once('.').is_some_and(|(name, domain)| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && (domain.ends_with("amazonaws.com")
                || domain.ends_with("amazonaws.com.cn")
                || domain.ends_with("amazon.com"))
    });
    if !well_formed {
        cx.report(
            codes::INVALID_SERVICE_PRINCIPAL_FORMAT.name,
            Severity::Error,
            format!("`{value}` is not a service principal"),
            pointer,
            At::Value,
        )
        .help = Some("service principals are written `service.amazonaws.com`, such as `lambda.amazonaws.com`".to_owned());
    }
}

fn check_federated(
    cx: &mut Context<'_, '_>,
    kind: PolicyKind,
    action: &ActionElement,
    value: &str,
    pointer: String,
) {
    if kind != PolicyKind::Trust {
        return;
    }
    let saml = value.contains(":saml-provider/");
    let expected = if saml {
        "sts:AssumeRoleWithSAML"
    } else {
        "sts:AssumeRoleWithWebIdentity"
    };
    let ActionElement::Action(actions) = action else {
        return;
    };
    let grants = |name: &str| actions.iter().any(|a| a.matches(name));
    if !grants(expected) {
        cx.report(
            codes::MISMATCHED_ACTION_FOR_PRINCIPAL.name,
            Severity::Error,
            format!("`{value}` can only assume the role through `{expected}`, which the statement does not grant"),
            pointer,
            At::Value,
        )
        .help = Some(format!("set the statement's action to `{expected}`"));
    }
}

/// In a trust policy, an AWS principal assumes with `sts:AssumeRole`; `AssumeRoleWith*` is for federation.
fn check_trust_actions(
    cx: &mut Context<'_, '_>,
    action: &ActionElement,
    principal: &Principal,
    pointer: &str,
) {
    let ActionElement::Action(actions) = action else {
        return;
    };
    let only_aws = matches!(principal, Principal::Map(entries)
        if !entries.is_empty() && entries.iter().all(|(kind, _)| *kind == PrincipalKind::Aws));
    if !only_aws {
        return;
    }
    for (index, action) in actions.iter().enumerate() {
        let text = action.as_str();
        if text.eq_ignore_ascii_case("sts:AssumeRoleWithSAML")
            || text.eq_ignore_ascii_case("sts:AssumeRoleWithWebIdentity")
        {
            cx.report(
                codes::MISMATCHED_ACTION_FOR_PRINCIPAL.name,
                Severity::Error,
                format!("`{text}` is for federated principals; the `AWS` principals here assume roles with `sts:AssumeRole`"),
                item_pointer(&child(pointer, "Action"), actions, index),
                At::Value,
            )
            .help = Some("use `sts:AssumeRole`".to_owned());
        }
    }
}
