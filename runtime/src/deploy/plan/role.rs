//! Roles: created, or their trust, settings and tags brought to the stack's; their boundary and policies.

use std::collections::BTreeMap;

use super::context::{Changes, Context, setting};
use super::diff::policy_diff;
use super::{Change, ChangeKind, Diff, Operation, Reason, phase};
use crate::deploy::canonical::same_policy;
use crate::deploy::live::LiveRole;
use crate::stack::{PrincipalRef, Role, Unmanaged};

/// IAM's session duration when a role sets none.
const DEFAULT_SESSION: u32 = 3_600;

pub(super) fn diff(context: &Context<'_>, out: &mut Changes<'_>) {
    let stack = context.stack;
    for (role_ref, role) in context.here(stack.roles(), |r| r.account) {
        let desired_tags: BTreeMap<String, String> = role
            .tags
            .iter()
            .cloned()
            .chain(std::iter::once(context.owner_tag()))
            .collect();
        let current = context.live.roles.get(&role.name);
        match current {
            None => {
                out.push(
                    phase::ROLES,
                    ChangeKind::Create,
                    format!("role {}", role.name),
                    None,
                    Operation::CreateRole {
                        name: role.name.clone(),
                        path: role.path.clone(),
                        trust: role.trust.clone(),
                        description: role.description.clone(),
                        max_session_duration: role.max_session_duration.unwrap_or(DEFAULT_SESSION),
                        tags: desired_tags.clone().into_iter().collect(),
                    },
                );
            }
            Some(current) => {
                update(role, current, out);
                tags(role, current, &desired_tags, out);
            }
        }
        boundary(context, role, current, out);
        out.grants(context, PrincipalRef::Role(role_ref));
    }
}

/// Adds a change to the role `role`, which exists; `detail` says what changes.
fn updated<'c>(
    out: &'c mut Changes<'_>,
    role: &Role,
    detail: String,
    operation: Operation,
) -> &'c mut Change {
    let subject = format!("role {}", role.name);
    out.push(
        phase::ROLES,
        ChangeKind::Update,
        subject,
        Some(detail),
        operation,
    )
}

/// The trust policy, the description and the session duration of a role that exists.
fn update(role: &Role, current: &LiveRole, out: &mut Changes<'_>) {
    if !same_policy(&current.trust, &role.trust) {
        updated(
            out,
            role,
            "trust policy".to_owned(),
            Operation::UpdateTrust {
                role: role.name.clone(),
                trust: role.trust.clone(),
            },
        )
        .diff = policy_diff(&current.trust, &role.trust);
    }
    let duration = role.max_session_duration.unwrap_or(DEFAULT_SESSION);
    let settings: Vec<Diff> = [
        setting(
            "description",
            current.description.as_ref(),
            role.description.as_ref(),
        ),
        setting(
            "max_session_duration",
            Some(&current.max_session_duration),
            Some(&duration),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    if settings.is_empty() {
        return;
    }
    let detail = match settings.as_slice() {
        [Diff::Setting { name, .. }] if *name == "description" => "description",
        [_] => "session duration",
        _ => "description and session duration",
    };
    updated(
        out,
        role,
        detail.to_owned(),
        Operation::UpdateRole {
            role: role.name.clone(),
            description: role.description.clone().unwrap_or_default(),
            max_session_duration: duration,
        },
    )
    .diff = settings;
}

/// Tags of a role that exists: the declared ones and the owner tag set; the others removed unless the role's
/// tags are unmanaged.
fn tags(
    role: &Role,
    current: &LiveRole,
    desired: &BTreeMap<String, String>,
    out: &mut Changes<'_>,
) {
    let to_set: Vec<(String, String)> = desired
        .iter()
        .filter(|(key, value)| current.tags.get(*key) != Some(*value))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if !to_set.is_empty() {
        let keys: Vec<&str> = to_set.iter().map(|(key, _)| key.as_str()).collect();
        let diff = to_set
            .iter()
            .map(|(key, value)| Diff::tag(key, current.tags.get(key), Some(value)))
            .collect();
        updated(
            out,
            role,
            format!("tags {}", keys.join(", ")),
            Operation::TagRole {
                role: role.name.clone(),
                tags: to_set,
            },
        )
        .diff = diff;
    }
    if role.unmanaged.contains(&Unmanaged::Tags) {
        return;
    }
    let to_remove: Vec<(&String, &String)> = current
        .tags
        .iter()
        .filter(|(key, _)| !desired.contains_key(*key))
        .collect();
    if !to_remove.is_empty() {
        let keys: Vec<&str> = to_remove.iter().map(|(key, _)| key.as_str()).collect();
        let change = updated(
            out,
            role,
            format!("remove tags {} (not in the spec)", keys.join(", ")),
            Operation::UntagRole {
                role: role.name.clone(),
                keys: keys.iter().map(|key| (*key).to_owned()).collect(),
            },
        );
        change.reason = Some(Reason::NotInSpec);
        change.diff = to_remove
            .into_iter()
            .map(|(key, value)| Diff::tag(key, Some(value), None))
            .collect();
    }
}

/// The permissions boundary: set once its policy exists, removed when the stack declares none. A boundary that
/// is not a customer managed policy of the account (an AWS managed one) stays: a stack cannot declare it, so
/// removing it would be a change no spec could undo, and an imported role would never plan clean.
fn boundary(context: &Context<'_>, role: &Role, current: Option<&LiveRole>, out: &mut Changes<'_>) {
    let name_of = |arn: &String| arn.rsplit('/').next().unwrap_or(arn).to_owned();
    let desired = role
        .permissions_boundary
        .map(|p| context.stack.policy_arn(p));
    let found = current.and_then(|c| c.boundary.as_ref());
    match (&desired, found) {
        (Some(wanted), found) if found != Some(wanted) => {
            let change = out.push(
                phase::GRANTS,
                if found.is_some() || current.is_some() {
                    ChangeKind::Update
                } else {
                    ChangeKind::Create
                },
                format!("permissions boundary of role {}", role.name),
                Some(name_of(wanted)),
                Operation::SetBoundary {
                    role: role.name.clone(),
                    arn: wanted.clone(),
                },
            );
            if current.is_some() {
                change.diff = vec![Diff::setting(
                    "permissions_boundary",
                    found.map(name_of),
                    name_of(wanted),
                )];
            }
        }
        (None, Some(found))
            if found.starts_with(&format!("arn:aws:iam::{}:policy/", context.account.id)) =>
        {
            out.delete(
                phase::REVOKES,
                format!("permissions boundary of role {}", role.name),
                Reason::NotInSpec,
                Operation::RemoveBoundary {
                    role: role.name.clone(),
                },
            )
            .diff = vec![Diff::setting(
                "permissions_boundary",
                name_of(found),
                serde_json::Value::Null,
            )];
        }
        _ => {}
    }
}
