//! Groups: created when missing (before the users that join them), then their policies. Groups take no tags, so
//! the stack never deletes one.

use std::collections::BTreeSet;

use super::context::{Changes, Context, Grants};
use super::{ChangeKind, Holder, Operation, phase};
use crate::stack::PrincipalRef;

pub(super) fn create(context: &Context<'_>, out: &mut Changes<'_>) {
    for (_, group) in context
        .stack
        .groups()
        .filter(|(_, g)| g.account == context.account_ref)
    {
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
    let none = BTreeSet::new();
    for (group_ref, group) in context
        .stack
        .groups()
        .filter(|(_, g)| g.account == context.account_ref)
    {
        let current = context.live.groups.get(&group.name);
        out.grants(
            context,
            &Grants {
                holder: Holder::Group(group.name.clone()),
                attached: context.attached_arns(PrincipalRef::Group(group_ref)),
                inline: &group.inline,
                exclusive: true,
                unmanaged: &none,
            },
            current.map(|c| &c.attached),
            current.map(|c| &c.inline),
        );
    }
}
