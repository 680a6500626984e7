//! What the checking pass hands to the build: a spec every check accepted, as values of the types that hold
//! what was checked (a [`UserName`], a resolved reference, a document that was read), so that building the
//! stack from them cannot fail.
//!
//! The checks collect every error of a spec with its place; only a spec without any is turned into a
//! [`CheckedSpec`]. A value the checks accepted that cannot be turned into its checked type would be a bug in
//! the checks: it is reported here, at the value, rather than by a panic.

use std::collections::HashMap;

use super::check::{DeclaredPolicy, Plan, Reader};
use super::raw::{RawGroup, RawInline, RawPolicy, RawRole, RawSpec, RawUser, Text, span};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::names::{
    BucketName, GroupName, IamPath, InlinePolicyName, NameError, PolicyDescription, PolicyName,
    PolicyPath, RoleDescription, RoleName, TagKey, TagValue, UserName,
};
use crate::policy::{AccountId, PolicyDocument};
use crate::source::Span;
use crate::stack::{AccountRef, BucketOrigin, GroupRef, PolicyRef, Stack, Unmanaged};

/// A spec every check accepted.
pub(super) struct CheckedSpec {
    /// The stack's name, a valid tag value.
    pub(super) name: Option<String>,
    /// The stack the `[cross_account]` pattern builds, or an empty one.
    pub(super) base: Stack,
    pub(super) accounts: Vec<CheckedAccount>,
    pub(super) policies: Vec<CheckedPolicy>,
    /// The `[[bucket]]` tables the pattern did not use: the account, name and origin of each.
    pub(super) buckets: Vec<(usize, BucketName, BucketOrigin)>,
    pub(super) groups: Vec<CheckedGroup>,
    pub(super) users: Vec<CheckedUser>,
    pub(super) roles: Vec<CheckedRole>,
    /// The declared policies and groups by account and name, to their index: a reference is one lookup, so that
    /// checking N references to N items is linear.
    pub(super) policy_index: HashMap<(usize, String), usize>,
    pub(super) group_index: HashMap<(usize, String), usize>,
}

/// A declared account: one the pattern's stack has already, by name, or one to add.
pub(super) enum CheckedAccount {
    InBase(AccountRef),
    New { name: String, id: AccountId },
}

/// An item the spec refers to by name: in the pattern's stack already, or the n-th declared one.
#[derive(Clone, Copy)]
pub(super) enum Target<R> {
    InBase(R),
    Declared(usize),
}

/// The items below name their account by its index among the declared accounts.
pub(super) struct CheckedPolicy {
    pub(super) account: usize,
    /// The policy the pattern created under this name, or the document of a new one.
    pub(super) target: Result<PolicyRef, PolicyDocument>,
    pub(super) name: PolicyName,
    pub(super) path: Option<PolicyPath>,
    pub(super) description: Option<PolicyDescription>,
}

pub(super) struct CheckedInline {
    pub(super) name: InlinePolicyName,
    pub(super) document: PolicyDocument,
}

pub(super) struct CheckedGroup {
    pub(super) account: usize,
    pub(super) name: GroupName,
    pub(super) path: Option<IamPath>,
    pub(super) attach: Vec<Target<PolicyRef>>,
    pub(super) inline: Vec<CheckedInline>,
}

pub(super) struct CheckedUser {
    pub(super) account: usize,
    pub(super) name: UserName,
    pub(super) existing: bool,
    pub(super) path: Option<IamPath>,
    pub(super) groups: Vec<Target<GroupRef>>,
    pub(super) attach: Vec<Target<PolicyRef>>,
    pub(super) inline: Vec<CheckedInline>,
    pub(super) unmanaged: Vec<Unmanaged>,
}

pub(super) struct CheckedRole {
    pub(super) account: usize,
    pub(super) name: RoleName,
    pub(super) trust: PolicyDocument,
    pub(super) path: Option<IamPath>,
    pub(super) description: Option<RoleDescription>,
    pub(super) max_session_duration: Option<u32>,
    /// In the spec's order.
    pub(super) tags: Vec<(TagKey, TagValue)>,
    pub(super) attach: Vec<Target<PolicyRef>>,
    pub(super) permissions_boundary: Option<Target<PolicyRef>>,
    pub(super) inline: Vec<CheckedInline>,
    pub(super) unmanaged: Vec<Unmanaged>,
}

/// The error for a value the checks accepted but that has no checked form: a bug in the checks.
fn internal(at: Span, what: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            codes::SPEC_ERROR.name,
            format!("internal error: {what} was checked but cannot be built"),
            at,
            None,
        )
        .with_help("please report this spec"),
    )
}

/// A name in its checked type; `new` repeats the check that accepted it, so it cannot fail but for a bug.
fn typed<T>(
    text: &Text,
    new: impl FnOnce(String) -> Result<T, NameError>,
) -> Result<T, Box<Diagnostic>> {
    new(text.get_ref().clone()).map_err(|error| {
        internal(
            span(text),
            &format!("a value the stack refuses ({})", error.message()),
        )
    })
}

fn typed_opt<T>(
    text: Option<&Text>,
    new: impl FnOnce(String) -> Result<T, NameError>,
) -> Result<Option<T>, Box<Diagnostic>> {
    text.map(|text| typed(text, new)).transpose()
}

fn unmanaged(entries: &[Text]) -> Result<Vec<Unmanaged>, Box<Diagnostic>> {
    entries
        .iter()
        .map(|entry| {
            Unmanaged::from_name(entry.get_ref())
                .ok_or_else(|| internal(span(entry), "an `unmanaged` entry"))
        })
        .collect()
}

/// The checked inline policies of the next principal, in the order the checks read them.
fn inline(
    policies: &[toml::Spanned<RawInline>],
    documents: Option<Vec<Option<PolicyDocument>>>,
) -> Result<Vec<CheckedInline>, Box<Diagnostic>> {
    let documents = documents.unwrap_or_default();
    policies
        .iter()
        .zip(documents)
        .map(|(policy, document)| {
            let name = &policy.get_ref().name;
            Ok(CheckedInline {
                name: typed(name, InlinePolicyName::new)?,
                document: document.ok_or_else(|| internal(span(name), "an inline policy"))?,
            })
        })
        .collect()
}

impl Reader<'_> {
    /// The checked spec, once the checks found no error; `plan` is what they gathered.
    pub(super) fn checked(
        &self,
        raw: &RawSpec,
        plan: Plan,
    ) -> Result<CheckedSpec, Box<Diagnostic>> {
        let base = match (&plan.pattern, &raw.cross_account) {
            (Some(pattern), Some(raw)) => pattern.build().map_err(|error| {
                Box::new(Diagnostic::error(
                    codes::SPEC_ERROR.name,
                    error.to_string(),
                    span(raw),
                    None,
                ))
            })?,
            _ => Stack::new(),
        };
        let mut checked = CheckedSpec {
            name: raw.stack.as_ref().map(|name| name.get_ref().clone()),
            base,
            accounts: Vec::new(),
            policies: Vec::new(),
            buckets: Vec::new(),
            groups: Vec::new(),
            users: Vec::new(),
            roles: Vec::new(),
            policy_index: HashMap::new(),
            group_index: HashMap::new(),
        };
        self.check_accounts(raw, &mut checked)?;
        for (policy, declared) in raw.policy.iter().zip(plan.policies) {
            let policy =
                self.check_policy(&policy.get_ref().name, policy.get_ref(), declared, &checked)?;
            checked
                .policy_index
                .entry((policy.account, policy.name.as_str().to_owned()))
                .or_insert(checked.policies.len());
            checked.policies.push(policy);
        }
        for (bucket, origin) in raw.bucket.iter().zip(plan.buckets) {
            let bucket = bucket.get_ref();
            // The pattern's `buckets` named it: the pattern created it with this table's settings.
            if checked.base.bucket_by_name(bucket.name.get_ref()).is_some() {
                continue;
            }
            let account = self.account_index(&bucket.account)?;
            let origin = origin.ok_or_else(|| internal(span(&bucket.name), "a bucket"))?;
            checked
                .buckets
                .push((account, typed(&bucket.name, BucketName::new)?, origin));
        }
        let mut inline_documents = plan.inline.into_iter();
        for group in &raw.group {
            let group = self.check_group(group.get_ref(), inline_documents.next(), &checked)?;
            checked
                .group_index
                .entry((group.account, group.name.as_str().to_owned()))
                .or_insert(checked.groups.len());
            checked.groups.push(group);
        }
        for user in &raw.user {
            let user = self.check_user(user.get_ref(), inline_documents.next(), &checked)?;
            checked.users.push(user);
        }
        for (role, trust) in raw.role.iter().zip(plan.roles) {
            let role = self.check_role(role.get_ref(), trust, inline_documents.next(), &checked)?;
            checked.roles.push(role);
        }
        Ok(checked)
    }

    fn check_accounts(
        &self,
        raw: &RawSpec,
        checked: &mut CheckedSpec,
    ) -> Result<(), Box<Diagnostic>> {
        for (declared, raw_account) in self.accounts.iter().zip(&raw.account) {
            let found = checked
                .base
                .accounts()
                .find(|(_, account)| account.name == declared.name)
                .map(|(account, _)| account);
            checked.accounts.push(match (found, &declared.id) {
                (Some(account), _) => CheckedAccount::InBase(account),
                (None, Some(id)) => CheckedAccount::New {
                    name: declared.name.clone(),
                    id: id.clone(),
                },
                (None, None) => {
                    return Err(internal(span(&raw_account.get_ref().name), "an account"));
                }
            });
        }
        Ok(())
    }

    fn account_index(&self, reference: &Text) -> Result<usize, Box<Diagnostic>> {
        self.account_quietly(reference)
            .ok_or_else(|| internal(span(reference), "an account reference"))
    }

    fn check_policy(
        &self,
        name: &Text,
        raw: &RawPolicy,
        declared: Option<DeclaredPolicy>,
        checked: &CheckedSpec,
    ) -> Result<CheckedPolicy, Box<Diagnostic>> {
        let account = self.account_index(&raw.account)?;
        // The pattern has already created the policies it uses; the others are new.
        let target = match (
            in_base_policy(checked, account, name.get_ref()),
            declared.and_then(|d| d.document),
        ) {
            (Some(policy), _) => Ok(policy),
            (None, Some(document)) => Err(document),
            (None, None) => return Err(internal(span(name), "a policy")),
        };
        Ok(CheckedPolicy {
            account,
            target,
            name: typed(name, PolicyName::new)?,
            path: typed_opt(raw.path.as_ref(), PolicyPath::new)?,
            description: typed_opt(raw.description.as_ref(), PolicyDescription::new)?,
        })
    }

    fn check_group(
        &self,
        group: &RawGroup,
        documents: Option<Vec<Option<PolicyDocument>>>,
        checked: &CheckedSpec,
    ) -> Result<CheckedGroup, Box<Diagnostic>> {
        let account = self.account_index(&group.account)?;
        Ok(CheckedGroup {
            account,
            name: typed(&group.name, GroupName::new)?,
            path: typed_opt(group.path.as_ref(), IamPath::new)?,
            attach: policies(checked, account, &group.attach)?,
            inline: inline(&group.inline, documents)?,
        })
    }

    fn check_user(
        &self,
        user: &RawUser,
        documents: Option<Vec<Option<PolicyDocument>>>,
        checked: &CheckedSpec,
    ) -> Result<CheckedUser, Box<Diagnostic>> {
        let account = self.account_index(&user.account)?;
        let groups = user
            .groups
            .iter()
            .map(|name| group(checked, account, name))
            .collect::<Result<_, _>>()?;
        Ok(CheckedUser {
            account,
            name: typed(&user.name, UserName::new)?,
            existing: user.existing,
            path: typed_opt(user.path.as_ref(), IamPath::new)?,
            groups,
            attach: policies(checked, account, &user.attach)?,
            inline: inline(&user.inline, documents)?,
            unmanaged: unmanaged(&user.unmanaged)?,
        })
    }

    fn check_role(
        &self,
        role: &RawRole,
        trust: Option<PolicyDocument>,
        documents: Option<Vec<Option<PolicyDocument>>>,
        checked: &CheckedSpec,
    ) -> Result<CheckedRole, Box<Diagnostic>> {
        let account = self.account_index(&role.account)?;
        let max_session_duration = role
            .max_session_duration
            .as_ref()
            .map(|seconds| {
                u32::try_from(*seconds.get_ref())
                    .ok()
                    .filter(|seconds| (3_600..=43_200).contains(seconds))
                    .ok_or_else(|| internal(span(seconds), "a session duration"))
            })
            .transpose()?;
        // The map orders keys by name; the spec's order is the order of their spans.
        let mut tags: Vec<(&Text, &Text)> = role.tags.iter().collect();
        tags.sort_by_key(|(key, _)| key.span().start);
        let tags = tags
            .into_iter()
            .map(|(key, value)| Ok((typed(key, TagKey::new)?, typed(value, TagValue::new)?)))
            .collect::<Result<_, Box<Diagnostic>>>()?;
        Ok(CheckedRole {
            account,
            name: typed(&role.name, RoleName::new)?,
            trust: trust.ok_or_else(|| internal(span(&role.name), "a trust policy"))?,
            path: typed_opt(role.path.as_ref(), IamPath::new)?,
            description: typed_opt(role.description.as_ref(), RoleDescription::new)?,
            max_session_duration,
            tags,
            attach: policies(checked, account, &role.attach)?,
            permissions_boundary: role
                .permissions_boundary
                .as_ref()
                .map(|name| policy(checked, account, name))
                .transpose()?,
            inline: inline(&role.inline, documents)?,
            unmanaged: unmanaged(&role.unmanaged)?,
        })
    }
}

/// The pattern's policy of this name in the declared account `account`, if the pattern made one.
fn in_base_policy(checked: &CheckedSpec, account: usize, name: &str) -> Option<PolicyRef> {
    let CheckedAccount::InBase(account) = checked.accounts.get(account)? else {
        return None;
    };
    checked
        .base
        .policies()
        .find(|(_, policy)| policy.account == *account && policy.name == name)
        .map(|(policy, _)| policy)
}

/// A reference to a managed policy: the pattern's, or a declared one (as the stack would find it by name: the
/// pattern's come first).
fn policy(
    checked: &CheckedSpec,
    account: usize,
    name: &Text,
) -> Result<Target<PolicyRef>, Box<Diagnostic>> {
    if let Some(policy) = in_base_policy(checked, account, name.get_ref()) {
        return Ok(Target::InBase(policy));
    }
    checked
        .policy_index
        .get(&(account, name.get_ref().clone()))
        .copied()
        .map(Target::Declared)
        .ok_or_else(|| internal(span(name), "a policy reference"))
}

fn policies(
    checked: &CheckedSpec,
    account: usize,
    names: &[Text],
) -> Result<Vec<Target<PolicyRef>>, Box<Diagnostic>> {
    names
        .iter()
        .map(|name| policy(checked, account, name))
        .collect()
}

/// A reference to a group: the pattern's, or a declared one.
fn group(
    checked: &CheckedSpec,
    account: usize,
    name: &Text,
) -> Result<Target<GroupRef>, Box<Diagnostic>> {
    if let Some(CheckedAccount::InBase(in_base)) = checked.accounts.get(account)
        && let Some((group, _)) = checked
            .base
            .groups()
            .find(|(_, group)| group.account == *in_base && group.name == *name.get_ref())
    {
        return Ok(Target::InBase(group));
    }
    checked
        .group_index
        .get(&(account, name.get_ref().clone()))
        .copied()
        .map(Target::Declared)
        .ok_or_else(|| internal(span(name), "a group reference"))
}
