//! Building the stack from a checked spec: every value was checked and every reference resolved, so nothing
//! here can fail.

use std::collections::BTreeSet;

use super::checked::{
    CheckedAccount, CheckedGroup, CheckedInline, CheckedPolicy, CheckedRole, CheckedSpec,
    CheckedUser, Target,
};
use crate::stack::{
    AccountRef, Bucket, Group, GroupRef, InlinePolicy, ManagedPolicy, PolicyRef, Role, Stack, User,
};

/// The stack: the pattern's, then the declared items it did not create, in the spec's order.
pub(super) fn build(checked: CheckedSpec) -> Stack {
    let CheckedSpec {
        name,
        base: mut stack,
        accounts,
        policies,
        buckets,
        groups,
        users,
        roles,
        ..
    } = checked;
    if name.is_some() {
        stack.name = name;
    }
    let accounts: Vec<AccountRef> = accounts
        .into_iter()
        .map(|account| match account {
            CheckedAccount::InBase(account) => account,
            CheckedAccount::New { name, id } => stack.add_account(id, name),
        })
        .collect();
    let policies: Vec<PolicyRef> = policies
        .into_iter()
        .map(|policy| add_policy(&mut stack, &accounts, policy))
        .collect();
    for (account, name, origin) in buckets {
        stack.push_bucket(Bucket {
            account: accounts[account],
            name: name.into_string(),
            origin,
        });
    }
    let groups: Vec<GroupRef> = groups
        .into_iter()
        .map(|group| add_group(&mut stack, &accounts, &policies, group))
        .collect();
    for user in users {
        add_user(&mut stack, &accounts, &policies, &groups, user);
    }
    for role in roles {
        add_role(&mut stack, &accounts, &policies, role);
    }
    stack
}

/// The item a reference names; a declared one by its place among the items built from the same checked spec.
fn resolve<R: Copy>(target: Target<R>, declared: &[R]) -> R {
    match target {
        Target::InBase(item) => item,
        Target::Declared(index) => declared[index],
    }
}

fn resolve_all<R: Copy>(targets: Vec<Target<R>>, declared: &[R]) -> Vec<R> {
    targets
        .into_iter()
        .map(|target| resolve(target, declared))
        .collect()
}

fn inline(policies: Vec<CheckedInline>) -> Vec<InlinePolicy> {
    policies
        .into_iter()
        .map(|policy| InlinePolicy {
            name: policy.name.into_string(),
            document: policy.document,
        })
        .collect()
}

fn path(path: Option<crate::names::IamPath>) -> String {
    path.map_or_else(|| "/".to_owned(), crate::names::IamPath::into_string)
}

fn add_policy(stack: &mut Stack, accounts: &[AccountRef], policy: CheckedPolicy) -> PolicyRef {
    let added = match policy.target {
        // The pattern has already created the policies it uses; the spec may still give their path and
        // description.
        Ok(existing) => existing,
        Err(document) => stack.push_policy(ManagedPolicy {
            account: accounts[policy.account],
            name: policy.name.into_string(),
            path: "/".to_owned(),
            description: None,
            document,
        }),
    };
    let declared = stack.policy_mut(added);
    if let Some(path) = policy.path {
        declared.path = path.into_string();
    }
    if let Some(description) = policy.description {
        declared.description = Some(description.into_string());
    }
    added
}

fn add_group(
    stack: &mut Stack,
    accounts: &[AccountRef],
    policies: &[PolicyRef],
    group: CheckedGroup,
) -> GroupRef {
    stack.push_group(Group {
        account: accounts[group.account],
        name: group.name.into_string(),
        path: path(group.path),
        policies: resolve_all(group.attach, policies),
        inline: inline(group.inline),
    })
}

fn add_user(
    stack: &mut Stack,
    accounts: &[AccountRef],
    policies: &[PolicyRef],
    groups: &[GroupRef],
    user: CheckedUser,
) {
    stack.push_user(User {
        account: accounts[user.account],
        name: user.name.into_string(),
        path: path(user.path),
        groups: resolve_all(user.groups, groups),
        policies: resolve_all(user.attach, policies),
        inline: inline(user.inline),
        existing: user.existing,
        unmanaged: user.unmanaged.into_iter().collect::<BTreeSet<_>>(),
    });
}

fn add_role(stack: &mut Stack, accounts: &[AccountRef], policies: &[PolicyRef], role: CheckedRole) {
    stack.push_role(Role {
        account: accounts[role.account],
        name: role.name.into_string(),
        path: path(role.path),
        description: role
            .description
            .map(crate::names::RoleDescription::into_string),
        max_session_duration: role.max_session_duration,
        trust: role.trust,
        policies: resolve_all(role.attach, policies),
        inline: inline(role.inline),
        permissions_boundary: role
            .permissions_boundary
            .map(|target| resolve(target, policies)),
        tags: role
            .tags
            .into_iter()
            .map(|(key, value)| (key.into_string(), value.into_string()))
            .collect(),
        unmanaged: role.unmanaged.into_iter().collect(),
    });
}
