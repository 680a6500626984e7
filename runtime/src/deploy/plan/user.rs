//! Users: created or adopted, their memberships of the stack's groups, and their policies.

use std::collections::BTreeSet;

use super::context::{Changes, Context};
use super::{ChangeKind, Operation, Reason, phase};
use crate::deploy::{DeployError, Missing};
use crate::stack::PrincipalRef;

pub(super) fn diff(context: &Context<'_>, out: &mut Changes<'_>) -> Result<(), DeployError> {
    let stack = context.stack;
    let account = context.account;
    for (user_ref, user) in context.here(stack.users(), |u| u.account) {
        let current = context.live.users.get(&user.name);
        match current {
            None if user.existing => {
                return Err(DeployError::Missing(Missing::ExistingUser {
                    user: user.name.clone(),
                    account_name: account.name.clone(),
                    account: account.id.to_string(),
                }));
            }
            None => {
                out.push(
                    phase::PRINCIPALS,
                    ChangeKind::Create,
                    format!("user {}", user.name),
                    None,
                    Operation::CreateUser {
                        name: user.name.clone(),
                        path: user.path.clone(),
                    },
                );
            }
            Some(current) if !user.existing && !context.is_owned(&current.tags) => {
                let tag = Operation::TagUser {
                    user: user.name.clone(),
                };
                let subject = format!("user {}", user.name);
                out.adopt(context, phase::PRINCIPALS, subject, tag);
            }
            Some(_) => {}
        }
        let live_groups = current.map(|c| &c.groups);
        let wanted: BTreeSet<&str> = user
            .groups
            .iter()
            .map(|group| stack.group(*group).name.as_str())
            .collect();
        for group in &wanted {
            if !live_groups.is_some_and(|groups| groups.contains(*group)) {
                out.push(
                    phase::MEMBERSHIPS,
                    ChangeKind::Create,
                    format!("user {} in group {group}", user.name),
                    None,
                    Operation::AddUserToGroup {
                        user: user.name.clone(),
                        group: (*group).to_owned(),
                    },
                );
            }
        }
        // Memberships of groups the stack does not declare are someone else's.
        for group in live_groups.into_iter().flatten() {
            if context.declared.groups.contains(group) && !wanted.contains(group.as_str()) {
                out.delete(
                    phase::REVOKES,
                    format!("user {} in group {group}", user.name),
                    Reason::NotInSpec,
                    Operation::RemoveUserFromGroup {
                        user: user.name.clone(),
                        group: group.clone(),
                    },
                );
            }
        }
        out.grants(context, PrincipalRef::User(user_ref));
    }
    Ok(())
}
