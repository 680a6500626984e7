//! What this stack made (it carries the owner tag) and no longer declares: deleted, last.

use super::context::{Changes, Context};
use super::{ChangeKind, Operation, Reason, phase};

const WHY: &str = "no longer in the spec";

pub(super) fn diff(context: &Context<'_>, out: &mut Changes<'_>) {
    let (live, declared) = (context.live, context.declared);
    for (name, role) in &live.roles {
        if !declared.roles.contains(name) && context.is_owned(&role.tags) {
            out.push(
                phase::DELETE_PRINCIPALS,
                ChangeKind::Delete,
                format!("role {name}"),
                Some(WHY.to_owned()),
                Operation::DeleteRole { name: name.clone() },
            )
            .reason = Some(Reason::NoLongerInSpec);
        }
    }
    for (name, user) in &live.users {
        if !declared.users.contains(name) && context.is_owned(&user.tags) {
            out.push(
                phase::DELETE_PRINCIPALS,
                ChangeKind::Delete,
                format!("user {name}"),
                Some(WHY.to_owned()),
                Operation::DeleteUser { name: name.clone() },
            )
            .reason = Some(Reason::NoLongerInSpec);
        }
    }
    for (name, policy) in &live.policies {
        if !declared.policies.contains(name) && context.is_owned(&policy.tags) {
            out.push(
                phase::DELETE_POLICIES,
                ChangeKind::Delete,
                format!("policy {name}"),
                Some(WHY.to_owned()),
                Operation::DeletePolicy {
                    arn: policy.arn.clone(),
                },
            )
            .reason = Some(Reason::NoLongerInSpec);
        }
    }
}
