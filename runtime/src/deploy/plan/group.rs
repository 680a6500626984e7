//! Groups: created when missing (before the users that join them), then their policies. Groups take no tags, so
//! the stack never deletes one.

use super::context::{Changes, Context};
use super::{ChangeKind, Operation, phase};
use crate::stack::PrincipalRef;

pub(super) fn create(context: &Context<'_>, out: &mut Changes<'_>) {
    for (_, group) in context.here(context.stack.groups(), |g| g.account) {
        if !context.live.groups.contains_key(&group.name) {
            out.push(
                phase::PRINCIPALS,
                ChangeKind::Create,
                format!("group {}", group.name),
                None,
                Operation::CreateGroup {
                    name: group.name.clone(),
                    path: group.path.clone(),
                },
            );
        }
    }
}

pub(super) fn grants(context: &Context<'_>, out: &mut Changes<'_>) {
    for (group_ref, _) in context.here(context.stack.groups(), |g| g.account) {
        out.grants(context, PrincipalRef::Group(group_ref));
    }
}
