//! Grants that are valid but broader than they read: `iam:PassRole` on every role, service-wide wildcards that
//! include permissions management, and a trust that admits a whole account with nothing narrowing it.

use super::PolicyKind;
use super::codes;
use super::context::{At, Context, Located, child, item_pointer};
use super::kind::TRUST_ACTIONS;
use crate::catalog::AccessLevel;
use crate::diagnostic::Severity;
use crate::policy::{
    AccountId, ActionElement, Arn, Effect, Principal, PrincipalElement, PrincipalKind,
    ResourceElement,
};

/// Conditions that narrow who, within a trusted account, may assume a role.
const TRUST_NARROWING_KEYS: [&str; 8] = [
    "sts:ExternalId",
    "aws:MultiFactorAuthPresent",
    "aws:MultiFactorAuthAge",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:userid",
    "aws:SourceIdentity",
];

pub(super) fn check(cx: &mut Context<'_, '_>) {
    for located in cx.statements().iter() {
        if located.statement.effect != Effect::Allow {
            continue;
        }
        match cx.kind {
            PolicyKind::Identity => {
                check_pass_role(cx, located);
                check_permissions_management(cx, located);
            }
            PolicyKind::Resource => check_permissions_management(cx, located),
            PolicyKind::Trust => check_account_trust(cx, located),
            PolicyKind::Scp | PolicyKind::Rcp => {}
        }
    }
}

/// How a statement comes to allow `iam:PassRole`.
enum Grant {
    Explicit,
    Wildcard,
    NotAction,
}

fn check_pass_role(cx: &mut Context<'_, '_>, located: &Located<'_>) {
    let statement = located.statement;
    let grant = match &statement.action {
        ActionElement::Action(actions) => {
            if actions
                .iter()
                .any(|a| a.as_str().eq_ignore_ascii_case("iam:PassRole"))
            {
                Grant::Explicit
            } else if actions
                .iter()
                .any(|a| a.is_wildcard() && a.matches("iam:PassRole"))
            {
                Grant::Wildcard
            } else {
                return;
            }
        }
        ActionElement::NotAction(actions) => {
            if actions.iter().any(|a| a.matches("iam:PassRole")) {
                return;
            }
            Grant::NotAction
        }
    };
    let (code, pointer) = match &statement.resource {
        Some(ResourceElement::Resource(resources)) => {
            let Some(index) = resources.iter().position(crate::policy::Resource::is_any) else {
                return;
            };
            let code = match grant {
                Grant::Explicit => codes::PASS_ROLE_WITH_STAR_IN_RESOURCE.name,
                Grant::Wildcard => codes::PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE.name,
                Grant::NotAction => codes::PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOTACTION.name,
            };
            (
                code,
                item_pointer(&child(&located.pointer, "Resource"), resources, index),
            )
        }
        Some(ResourceElement::NotResource(_)) => {
            let code = match grant {
                Grant::Explicit => codes::PASS_ROLE_WITH_NOTRESOURCE.name,
                Grant::Wildcard => codes::PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOTRESOURCE.name,
                Grant::NotAction => codes::PASS_ROLE_WITH_NOTACTION_AND_NOTRESOURCE.name,
            };
            (code, child(&located.pointer, "NotResource"))
        }
        None => return,
    };
    cx.report(
        code,
        Severity::SecurityWarning,
        "the statement allows `iam:PassRole` on every role, so its holder can hand any role, an administrator's \
         included, to a service and act with that role's permissions",
        pointer,
        At::Value,
    )
    .help = Some(
        "list the roles that may be passed (`arn:aws:iam::111122223333:role/app-*`) and add an \
         `iam:PassedToService` condition"
            .to_owned(),
    );
}

fn check_permissions_management(cx: &mut Context<'_, '_>, located: &Located<'_>) {
    let ActionElement::Action(actions) = &located.statement.action else {
        return;
    };
    // A resource policy for everyone is a perimeter or an endpoint filter, judged by its conditions (and by
    // `PUBLIC_PRINCIPAL` when none narrows it), not a grant to a holder.
    if matches!(
        &located.statement.principal,
        Some(PrincipalElement::Principal(Principal::Any))
    ) {
        return;
    }
    let holder = if cx.kind == PolicyKind::Resource {
        "the principals it names"
    } else {
        "whoever holds it"
    };
    let base = child(&located.pointer, "Action");
    for (index, action) in actions.iter().enumerate() {
        if !action.is_wildcard() {
            continue;
        }
        if action.as_str() == "*" {
            cx.report(
                codes::WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT.name,
                Severity::SecurityWarning,
                format!(
                    "`*` allows every action of every service, permissions management included: {holder} can grant \
                     themselves anything"
                ),
                item_pointer(&base, actions, index),
                At::Value,
            )
            .help = Some("list the actions the principal needs".to_owned());
            continue;
        }
        // Known services only: the entries say which, with the actions the wildcard stands for.
        let entry = &located.entries()[index];
        let Some(service) = entry.actions().next().map(|info| info.service()) else {
            continue;
        };
        let mut management: Vec<&'static str> = entry
            .actions()
            .filter(|info| info.access_level() == AccessLevel::PermissionsManagement)
            // Reading a policy (`GetResourcePolicy`) is classed with managing it, but changes no one's access.
            .filter(|info| {
                !["Get", "List", "Describe"]
                    .iter()
                    .any(|verb| info.name().starts_with(verb))
            })
            .map(|info| info.full_name())
            .collect();
        // Name the ones users recognise first: those that rewrite policies and ACLs.
        management.sort_by_key(|name| {
            (
                !(name.contains("Policy") || name.contains("Acl")),
                name.len(),
                *name,
            )
        });
        if management.is_empty() {
            continue;
        }
        let examples = crate::suggest::code_list(management.iter().take(3).copied());
        let help = if service.prefix() == "s3" {
            "list only what is needed; to read and write objects: `s3:ListBucket` on the bucket and \
             `s3:GetObject`, `s3:PutObject`, `s3:DeleteObject` on its objects"
                .to_owned()
        } else {
            format!(
                "list the `{}` actions needed, leaving out the permissions-management ones",
                service.prefix()
            )
        };
        cx.report(
            codes::WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT.name,
            Severity::SecurityWarning,
            format!(
                "`{action}` includes {} permissions-management action{} ({examples}{}): {holder} can change who \
                 else has access",
                management.len(),
                if management.len() == 1 { "" } else { "s" },
                if management.len() > 3 { ", ..." } else { "" },
            ),
            item_pointer(&base, actions, index),
            At::Value,
        )
        .help = Some(help);
    }
}

fn check_account_trust(cx: &mut Context<'_, '_>, located: &Located<'_>) {
    let statement = located.statement;
    let Some(PrincipalElement::Principal(Principal::Map(entries))) = &statement.principal else {
        return;
    };
    let ActionElement::Action(actions) = &statement.action else {
        return;
    };
    if !actions.iter().any(|a| a.matches("sts:AssumeRole"))
        || !actions
            .iter()
            .all(|a| TRUST_ACTIONS.iter().any(|t| a.matches(t)))
    {
        return;
    }
    let narrowed = statement.condition.as_ref().is_some_and(|condition| {
        condition
            .0
            .iter()
            .flat_map(|block| &block.entries)
            .any(|entry| {
                TRUST_NARROWING_KEYS
                    .iter()
                    .any(|key| key.eq_ignore_ascii_case(&entry.key))
                    || entry
                        .key
                        .to_ascii_lowercase()
                        .starts_with("aws:principaltag/")
            })
    });
    if narrowed {
        return;
    }
    let base = child(&located.pointer, "Principal");
    for (kind, values) in entries {
        if *kind != PrincipalKind::Aws {
            continue;
        }
        for (index, value) in values.iter().enumerate() {
            let account = if AccountId::is_valid(value) {
                Some(value.as_str())
            } else {
                Arn::parse(value)
                    .ok()
                    .filter(|arn| arn.resource() == "root")
                    .map(|arn| {
                        // The ARN borrows from `value`; the account is a slice of it.
                        let start = value.len() - ":root".len() - arn.account().len();
                        &value[start..value.len() - ":root".len()]
                    })
            };
            let Some(account) = account else { continue };
            cx.report(
                codes::TRUST_ACCOUNT_WITHOUT_CONDITION.name,
                Severity::SecurityWarning,
                format!(
                    "the role trusts all of account {account}: every principal there whose own policies allow \
                     `sts:AssumeRole` on it can assume it, and no condition narrows who"
                ),
                item_pointer(&child(&base, kind.as_str()), values, index),
                At::Value,
            )
            .help = Some(format!(
                "to admit named principals only, add `\"Condition\": {{\"ArnEquals\": {{\"aws:PrincipalArn\": \
                 \"arn:aws:iam::{account}:user/NAME\"}}}}`; require `sts:ExternalId` when the account is a third \
                 party's, `aws:MultiFactorAuthPresent` for people"
            ));
        }
    }
}
