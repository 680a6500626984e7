//! Elements a kind requires or forbids, statement ids, the version, and empty elements.

use super::codes;
use std::collections::HashMap;

use super::PolicyKind;
use super::context::{At, Context, Located, child};
use crate::diagnostic::Severity;
use crate::policy::{
    ActionElement, ConditionValues, Effect, Principal, PrincipalElement, ResourceElement,
    SetQualifier,
};

pub(super) fn check(cx: &mut Context<'_, '_>) {
    check_version(cx);
    check_statement_present(cx);
    let mut sids: HashMap<&str, usize> = HashMap::new();
    for located in cx.statements().iter() {
        if let Some(sid) = &located.statement.sid {
            let sid_pointer = child(&located.pointer, "Sid");
            check_sid_format(cx, sid, &sid_pointer);
            check_sid_unique(cx, sid, sid_pointer, &mut sids);
        }
        check_kind_elements(cx, located);
        check_empty_elements(cx, located);
    }
}

fn check_version(cx: &mut Context<'_, '_>) {
    if cx.document.version.is_none() {
        let finding = cx.report(
            codes::MISSING_VERSION.name,
            Severity::Warning,
            "the policy has no `Version`, so IAM reads it as the 2008-10-17 language, in which `${...}` policy \
             variables are plain text",
            String::new(),
            At::Value,
        );
        finding.suggestion = Some("2012-10-17".to_owned());
        finding.help = Some("add `\"Version\": \"2012-10-17\"` as the first element".to_owned());
    }
}

fn check_statement_present(cx: &mut Context<'_, '_>) {
    if cx.document.statement.is_empty() {
        cx.report(
            codes::MISSING_STATEMENT.name,
            Severity::Error,
            "the `Statement` array is empty, so the policy grants and denies nothing",
            "/Statement".to_owned(),
            At::Value,
        )
        .help = Some("add at least one statement".to_owned());
    }
}

/// An empty `Sid`, or one with other characters than letters and digits where the kind allows only those.
fn check_sid_format(cx: &mut Context<'_, '_>, sid: &str, sid_pointer: &str) {
    let kind = cx.kind;
    if sid.is_empty() {
        cx.report(
            codes::EMPTY_SID_VALUE.name,
            Severity::Suggestion,
            "the `Sid` is empty",
            sid_pointer.to_owned(),
            At::Value,
        )
        .help = Some("give the statement a name, or remove the `Sid`".to_owned());
    } else if kind != PolicyKind::Resource && !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        let cleaned: String = sid.chars().filter(char::is_ascii_alphanumeric).collect();
        let finding = cx.report(
            codes::UNSUPPORTED_SID.name,
            Severity::Error,
            format!(
                "`{sid}`: the `Sid` of {} may hold only letters A-Z, a-z and digits 0-9",
                kind.describe()
            ),
            sid_pointer.to_owned(),
            At::Value,
        );
        if !cleaned.is_empty() {
            finding.suggestion = Some(cleaned.clone());
            finding.help = Some(format!("write it as `{cleaned}`"));
        }
    }
}

/// A `Sid` seen for the second time (`sids` counts them).
///
/// Whether a duplicate is refused depends on who reads the policy:
/// - IAM refuses it in identity and trust policies: `MalformedPolicyDocument`: "Statement IDs (SID) in a single
///   policy must be unique", from `PutRolePolicy`, `CreatePolicy` and CloudFormation.
/// - SNS and SQS refuse it in topic and queue policies ("Every policy statement must have a unique ID");
///   S3 bucket policies and ECR repository policies accept it (moto follows ECR there), so another
///   resource policy gets the warning.
/// - Organizations (SCPs, RCPs): no statement from AWS or from users was found either way (searched: the
///   Organizations SCP syntax and troubleshooting pages, issue trackers). Organizations validates with IAM's
///   policy grammar (its errors are IAM's `MalformedPolicyDocumentException`), and Access Analyzer's "Unique
///   Sids required" check is for the policy types that refuse duplicates, so these stay errors.
fn check_sid_unique<'s>(
    cx: &mut Context<'_, '_>,
    sid: &'s str,
    sid_pointer: String,
    sids: &mut HashMap<&'s str, usize>,
) {
    let kind = cx.kind;
    if !sid.is_empty() {
        *sids.entry(sid).or_default() += 1;
        if sids[sid] == 2 {
            let required = match kind {
                PolicyKind::Identity | PolicyKind::Trust | PolicyKind::Scp | PolicyKind::Rcp => {
                    true
                }
                PolicyKind::Resource => is_sns_or_sqs_policy(cx.document),
            };
            let (code, severity, wording) = if required {
                (
                    codes::UNIQUE_SIDS_REQUIRED.name,
                    Severity::Error,
                    "must be unique",
                )
            } else {
                (
                    codes::UNIQUE_SIDS_RECOMMENDED.name,
                    Severity::Warning,
                    "should be unique",
                )
            };
            cx.report(
                code,
                severity,
                format!(
                    "the `Sid` `{sid}` is used twice; statement ids in {} {wording}",
                    kind.describe()
                ),
                sid_pointer,
                At::Value,
            )
            .help = Some("rename one of the statements".to_owned());
        }
    }
}

/// Whether a resource policy's actions are all SNS or all SQS ones: a topic or a queue policy.
fn is_sns_or_sqs_policy(document: &crate::policy::PolicyDocument) -> bool {
    let mut prefixes = document
        .statements()
        .flat_map(|statement| statement.action.actions().iter())
        .map(|action| {
            let text = action.as_str();
            text.split(':').next().unwrap_or(text).to_ascii_lowercase()
        })
        .peekable();
    prefixes.peek().is_some() && prefixes.all(|prefix| prefix == "sns" || prefix == "sqs")
}

/// The elements the kind requires or forbids.
fn check_kind_elements(cx: &mut Context<'_, '_>, located: &Located<'_>) {
    check_principal_element(cx, located);
    check_resource_element(cx, located);
    check_rcp_allow(cx, located);
}

/// An `Allow` in a custom resource control policy. "The effect of `Allow` is only supported for the
/// `RCPFullAWSAccess` policy. This policy is automatically attached to the organization root, every OU, and every
/// account ... You cannot detach this policy" (AWS Organizations User Guide, "RCP syntax"): a custom RCP can only
/// deny. A document that is
/// `RCPFullAWSAccess` itself (one statement allowing every action on every resource to `*`) is not reported.
fn check_rcp_allow(cx: &mut Context<'_, '_>, located: &Located<'_>) {
    let statement = located.statement;
    if cx.kind != PolicyKind::Rcp || statement.effect != Effect::Allow {
        return;
    }
    let mut statements = cx.document.statements();
    if let (Some(only), None) = (statements.next(), statements.next()) {
        if allows_everything(only) {
            return;
        }
    }
    cx.report(
        codes::RCP_SYNTAX_ERROR_ALLOW.name,
        Severity::Error,
        "a resource control policy cannot `Allow`: only AWS's `RCPFullAWSAccess` does, and it is attached to \
         every root, OU and account already",
        child(&located.pointer, "Effect"),
        At::Value,
    )
    .help = Some(
        "write what must not happen as a `Deny` (with a `Condition` for the exceptions); everything else is \
         allowed by `RCPFullAWSAccess`"
            .to_owned(),
    );
}

/// Whether `statement` is `RCPFullAWSAccess`'s: `Allow` `*` to `"Principal": "*"` on `*`, with no condition.
fn allows_everything(statement: &crate::policy::Statement) -> bool {
    let only_star = |items: &[&str]| !items.is_empty() && items.iter().all(|item| *item == "*");
    let actions = match &statement.action {
        ActionElement::Action(actions) => {
            actions.iter().map(crate::policy::Action::as_str).collect()
        }
        ActionElement::NotAction(_) => Vec::new(),
    };
    let resources = match &statement.resource {
        Some(ResourceElement::Resource(resources)) => resources
            .iter()
            .map(crate::policy::Resource::as_str)
            .collect(),
        _ => Vec::new(),
    };
    statement.effect == Effect::Allow
        && statement.condition.is_none()
        && matches!(
            statement.principal,
            Some(PrincipalElement::Principal(Principal::Any))
        )
        && only_star(&actions)
        && only_star(&resources)
}

/// A principal where the kind forbids one, none where it needs one, or `NotPrincipal` in a trust policy.
fn check_principal_element(cx: &mut Context<'_, '_>, located: &Located<'_>) {
    let kind = cx.kind;
    let statement = located.statement;
    let pointer = &located.pointer;
    match (&statement.principal, kind) {
        (Some(element), PolicyKind::Identity | PolicyKind::Scp) => {
            let (code, what) = if kind == PolicyKind::Identity {
                (
                    codes::UNSUPPORTED_PRINCIPAL.name,
                    "an identity policy applies to the user, group or role it is attached to",
                )
            } else {
                (
                    codes::SCP_SYNTAX_ERROR_PRINCIPAL.name,
                    "a service control policy applies to the accounts it is attached to",
                )
            };
            cx.report(
                code,
                Severity::Error,
                format!(
                    "`{}` is not allowed in {}: {what}",
                    element.element_name(),
                    kind.describe()
                ),
                child(pointer, element.element_name()),
                At::Key,
            )
            .help = Some(format!(
                "remove the `{}`; to say who may use a resource, write a resource-based or trust policy",
                element.element_name()
            ));
        }
        (None, PolicyKind::Trust | PolicyKind::Resource | PolicyKind::Rcp) => {
            let help = match kind {
                PolicyKind::Trust => {
                    "name who may assume the role, e.g. `\"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}`"
                }
                PolicyKind::Rcp => {
                    "resource control policies apply to every principal: add `\"Principal\": \"*\"`"
                }
                _ => {
                    "name who the statement applies to, e.g. `\"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}`"
                }
            };
            cx.report(
                codes::MISSING_PRINCIPAL.name,
                Severity::Error,
                format!(
                    "the statement has no `Principal`, which {} requires",
                    kind.describe()
                ),
                pointer.clone(),
                At::Value,
            )
            .help = Some(help.to_owned());
        }
        (Some(PrincipalElement::NotPrincipal(_)), PolicyKind::Trust) => {
            cx.report(
                codes::ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL.name,
                Severity::Error,
                "role trust policies do not support `NotPrincipal`",
                child(pointer, "NotPrincipal"),
                At::Key,
            )
            .help = Some(
                "name the principals that may assume the role in a `Principal` element".to_owned(),
            );
        }
        _ => {}
    }
}

/// A resource in a trust policy, or none where the kind needs one.
fn check_resource_element(cx: &mut Context<'_, '_>, located: &Located<'_>) {
    let kind = cx.kind;
    let statement = located.statement;
    let pointer = &located.pointer;
    match (&statement.resource, kind) {
        (Some(element), PolicyKind::Trust) => {
            cx.report(
                codes::ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE.name,
                Severity::Error,
                format!(
                    "a role trust policy applies to the role it belongs to and cannot name a `{}`",
                    element.element_name()
                ),
                child(pointer, element.element_name()),
                At::Key,
            )
            .help = Some(format!("remove the `{}` element", element.element_name()));
        }
        (None, kind) if kind != PolicyKind::Trust => {
            cx.report(
                codes::MISSING_RESOURCE.name,
                Severity::Error,
                format!(
                    "the statement has no `Resource`, which {} requires",
                    kind.describe()
                ),
                pointer.clone(),
                At::Value,
            )
            .help = Some(
                "add `\"Resource\"` with the ARNs the statement covers, or `\"*\"`".to_owned(),
            );
        }
        _ => {}
    }
}

/// Elements that are empty, and so make the statement or the element do nothing.
fn check_empty_elements(cx: &mut Context<'_, '_>, located: &Located<'_>) {
    check_empty_actions_and_resources(cx, located);
    check_empty_principal(cx, located);
    check_empty_condition(cx, located);
}

fn check_empty_actions_and_resources(cx: &mut Context<'_, '_>, located: &Located<'_>) {
    let statement = located.statement;
    let pointer = &located.pointer;
    if statement.action.actions().is_empty() {
        cx.report(
            codes::EMPTY_ARRAY_ACTION.name,
            Severity::Suggestion,
            format!(
                "`{}` is empty, so the statement has no effect",
                statement.action.element_name()
            ),
            child(pointer, statement.action.element_name()),
            At::Value,
        )
        .help = Some("list the actions, or remove the statement".to_owned());
    }
    if let Some(element) = &statement.resource
        && element.resources().is_empty()
    {
        cx.report(
            codes::EMPTY_ARRAY_RESOURCE.name,
            Severity::Suggestion,
            format!(
                "`{}` is empty, so the statement has no effect",
                element.element_name()
            ),
            child(pointer, element.element_name()),
            At::Value,
        )
        .help = Some("list the resources, or remove the statement".to_owned());
    }
}

fn check_empty_principal(cx: &mut Context<'_, '_>, located: &Located<'_>) {
    let statement = located.statement;
    let pointer = &located.pointer;
    if let Some(element) = &statement.principal
        && let Principal::Map(entries) = element.principal()
    {
        let base = child(pointer, element.element_name());
        if entries.is_empty() {
            cx.report(
                codes::EMPTY_OBJECT_PRINCIPAL.name,
                Severity::Suggestion,
                format!(
                    "`{}` is empty, so the statement applies to no one",
                    element.element_name()
                ),
                base.clone(),
                At::Value,
            )
            .help = Some("name the principals, or remove the statement".to_owned());
        }
        for (kind, values) in entries {
            if values.is_empty() {
                cx.report(
                    codes::EMPTY_ARRAY_PRINCIPAL.name,
                    Severity::Suggestion,
                    format!("the `{kind}` principal list is empty"),
                    child(&base, kind.as_str()),
                    At::Value,
                )
                .help = Some(format!("list the `{kind}` principals, or remove the key"));
            }
        }
    }
}

/// An empty `Condition`, an operator without keys, and keys without values (whose meaning depends on the
/// operator's qualifier).
fn check_empty_condition(cx: &mut Context<'_, '_>, located: &Located<'_>) {
    let pointer = &located.pointer;
    let Some(condition) = &located.statement.condition else {
        return;
    };
    let base = child(pointer, "Condition");
    if condition.0.is_empty() {
        cx.report(
            codes::EMPTY_OBJECT_CONDITION.name,
            Severity::Suggestion,
            "the `Condition` block is empty and has no effect",
            base.clone(),
            At::Value,
        )
        .help = Some("add conditions, or remove the block".to_owned());
    }
    for block in &condition.0 {
        let operator = block.operator.to_string();
        let block_pointer = child(&base, &operator);
        if block.entries.is_empty() {
            cx.report(
                codes::EMPTY_OBJECT_CONDITION.name,
                Severity::Suggestion,
                format!("`{operator}` has no condition keys and has no effect"),
                block_pointer.clone(),
                At::Value,
            );
        }
        for ConditionValues { key, values } in &block.entries {
            if !values.is_empty() {
                continue;
            }
            let (code, meaning) = match (block.operator.qualifier, block.operator.if_exists) {
                (Some(SetQualifier::ForAllValues), _) => (
                    codes::EMPTY_ARRAY_CONDITION_FORALLVALUES.name,
                    "with `ForAllValues` it matches only requests without the key",
                ),
                (Some(SetQualifier::ForAnyValue), _) => (
                    codes::EMPTY_ARRAY_CONDITION_FORANYVALUE.name,
                    "with `ForAnyValue` it never matches",
                ),
                (None, true) => (
                    codes::EMPTY_ARRAY_CONDITION_IFEXISTS.name,
                    "with `IfExists` it matches only requests without the key",
                ),
                (None, false) => (codes::EMPTY_ARRAY_CONDITION.name, "it has no effect"),
            };
            cx.report(
                code,
                Severity::Suggestion,
                format!("`{key}` has no values: {meaning}"),
                child(&block_pointer, key),
                At::Key,
            )
            .help = Some("list the values to compare with, or remove the key".to_owned());
        }
    }
}
