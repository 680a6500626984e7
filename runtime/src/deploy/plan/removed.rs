//! What this stack made (it carries the owner tag) and no longer declares: deleted, last.

use std::collections::{BTreeMap, BTreeSet};

use super::context::{Changes, Context};
use super::{Operation, Reason, phase};

const WHY: Reason = Reason::NoLongerInSpec;

pub(super) fn diff(context: &Context<'_>, out: &mut Changes<'_>) {
    let (live, declared) = (context.live, context.declared);
    for (name, _) in stale(context, &live.roles, &declared.roles, |role| &role.tags) {
        let operation = Operation::DeleteRole { name: name.clone() };
        let subject = format!("role {name}");
        out.delete(phase::DELETE_PRINCIPALS, subject, WHY, operation);
    }
    for (name, _) in stale(context, &live.users, &declared.users, |user| &user.tags) {
        let operation = Operation::DeleteUser { name: name.clone() };
        let subject = format!("user {name}");
        out.delete(phase::DELETE_PRINCIPALS, subject, WHY, operation);
    }
    for (name, policy) in stale(context, &live.policies, &declared.policies, |p| &p.tags) {
        let operation = Operation::DeletePolicy {
            arn: policy.arn.clone(),
        };
        let subject = format!("policy {name}");
        out.delete(phase::DELETE_POLICIES, subject, WHY, operation);
    }
}

/// The items of `live` this stack owns (`tags` reads an item's) and `declared` does not name.
fn stale<'l, T>(
    context: &'l Context<'_>,
    live: &'l BTreeMap<String, T>,
    declared: &'l BTreeSet<String>,
    tags: fn(&T) -> &BTreeMap<String, String>,
) -> impl Iterator<Item = (&'l String, &'l T)> {
    live.iter()
        .filter(move |(name, item)| !declared.contains(*name) && context.is_owned(tags(item)))
}
