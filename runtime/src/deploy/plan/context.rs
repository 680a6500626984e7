//! What the diffs of each kind of item share: the account's context, the collector they push changes to, the
//! stack's side of a principal's grants, and the diff of one setting.

use std::collections::{BTreeMap, BTreeSet};

use super::diff::policy_diff;
use super::{Change, ChangeKind, Diff, Holder, Operation, Reason, phase};
use crate::PolicyDocument;
use crate::deploy::OWNER_TAG;
use crate::deploy::canonical::same_policy;
use crate::deploy::live::{Declared, LiveAccount};
use crate::stack::{Account, AccountRef, InlinePolicy, PrincipalRef, Stack, Unmanaged};

/// What every item's diff reads: the stack, the account as the stack declares it and as it is.
pub(super) struct Context<'a> {
    pub(super) stack: &'a Stack,
    pub(super) account_ref: AccountRef,
    pub(super) account: &'a Account,
    pub(super) declared: &'a Declared,
    pub(super) live: &'a LiveAccount,
    pub(super) stack_name: &'a str,
    /// The stack's policies in this account, by ARN: attachments name them so.
    stack_policies: BTreeMap<String, String>,
}

impl<'a> Context<'a> {
    /// The context of `account_ref`'s diff.
    pub(super) fn new(
        stack: &'a Stack,
        account_ref: AccountRef,
        declared: &'a Declared,
        live: &'a LiveAccount,
        stack_name: &'a str,
    ) -> Self {
        Context {
            stack,
            account_ref,
            account: stack.account(account_ref),
            declared,
            live,
            stack_name,
            stack_policies: in_account(stack.policies(), account_ref, |p| p.account)
                .map(|(policy, p)| (stack.policy_arn(policy), p.name.clone()))
                .collect(),
        }
    }

    /// The items of one kind of the stack (`stack.roles()` ...) that are in this account; `account` reads an
    /// item's account.
    pub(super) fn here<'s, R, T: 's>(
        &self,
        items: impl Iterator<Item = (R, &'s T)>,
        account: impl Fn(&T) -> AccountRef,
    ) -> impl Iterator<Item = (R, &'s T)> {
        in_account(items, self.account_ref, account)
    }

    /// Whether `tags` carry this stack's owner tag.
    pub(super) fn is_owned(&self, tags: &BTreeMap<String, String>) -> bool {
        tags.get(OWNER_TAG).is_some_and(|v| v == self.stack_name)
    }

    /// The owner tag.
    pub(super) fn owner_tag(&self) -> (String, String) {
        (OWNER_TAG.to_owned(), self.stack_name.to_owned())
    }

    /// The ARNs and names of the policies the stack attaches to `principal`.
    pub(super) fn attached_arns(&self, principal: PrincipalRef) -> BTreeMap<String, String> {
        self.stack
            .attached(principal)
            .iter()
            .map(|policy| {
                (
                    self.stack.policy_arn(*policy),
                    self.stack.policy(*policy).name.clone(),
                )
            })
            .collect()
    }
}

/// The items of `items` (`stack.roles()` ...) in `account_ref`; `account` reads an item's account.
pub(super) fn in_account<'s, R, T: 's>(
    items: impl Iterator<Item = (R, &'s T)>,
    account_ref: AccountRef,
    account: impl Fn(&T) -> AccountRef,
) -> impl Iterator<Item = (R, &'s T)> {
    items.filter(move |(_, item)| account(item) == account_ref)
}

/// Collects the changes of one account.
pub(super) struct Changes<'a> {
    account: &'a str,
    account_name: &'a str,
    pub(super) list: Vec<Change>,
}

/// What a principal's grants are diffed against: the stack's side.
pub(super) struct Grants<'a> {
    /// The principal.
    pub(super) holder: Holder,
    /// The policies the stack attaches, by ARN, with their names.
    pub(super) attached: BTreeMap<String, String>,
    /// Its inline policies.
    pub(super) inline: &'a [InlinePolicy],
    /// Whether the stack owns the principal's grants, and so removes those it does not declare.
    pub(super) exclusive: bool,
    /// What the stack leaves alone on the principal.
    pub(super) unmanaged: &'a BTreeSet<Unmanaged>,
}

/// What the stack leaves alone on a group: groups declare nothing unmanaged.
static NOTHING_UNMANAGED: BTreeSet<Unmanaged> = BTreeSet::new();

impl<'a> Grants<'a> {
    /// The stack's side of `principal`'s grants. The stack owns them, except those of a user it names as
    /// existing.
    fn of(context: &Context<'a>, principal: PrincipalRef) -> Self {
        let stack = context.stack;
        let (holder, inline, exclusive, unmanaged) = match principal {
            PrincipalRef::Role(role) => {
                let role = stack.role(role);
                let holder = Holder::Role(role.name.clone());
                (holder, &role.inline, true, &role.unmanaged)
            }
            PrincipalRef::User(user) => {
                let user = stack.user(user);
                let holder = Holder::User(user.name.clone());
                (holder, &user.inline, !user.existing, &user.unmanaged)
            }
            PrincipalRef::Group(group) => {
                let group = stack.group(group);
                let holder = Holder::Group(group.name.clone());
                (holder, &group.inline, true, &NOTHING_UNMANAGED)
            }
        };
        Grants {
            holder,
            attached: context.attached_arns(principal),
            inline,
            exclusive,
            unmanaged,
        }
    }
}

impl<'a> Changes<'a> {
    /// No changes yet, in `account`.
    pub(super) fn new(account: &'a Account) -> Self {
        Changes {
            account: account.id.as_str(),
            account_name: &account.name,
            list: Vec::new(),
        }
    }

    /// Adds a change, returned to add its diff or reason.
    pub(super) fn push(
        &mut self,
        phase: u8,
        kind: ChangeKind,
        subject: String,
        detail: Option<String>,
        operation: Operation,
    ) -> &mut Change {
        self.list.push(Change {
            account: self.account.to_owned(),
            account_name: self.account_name.to_owned(),
            kind,
            subject,
            detail,
            diff: Vec::new(),
            reason: None,
            operation,
            phase,
        });
        let last = self.list.len() - 1;
        &mut self.list[last]
    }

    /// Adds the change that adopts an item into this stack: its owner tag set.
    pub(super) fn adopt(
        &mut self,
        context: &Context<'_>,
        phase: u8,
        subject: String,
        operation: Operation,
    ) {
        let detail = format!("adopted: tag {OWNER_TAG} = {}", context.stack_name);
        self.push(phase, ChangeKind::Update, subject, Some(detail), operation);
    }

    /// Adds a change that deletes something, its detail and reason saying why.
    pub(super) fn delete(
        &mut self,
        phase: u8,
        subject: String,
        reason: Reason,
        operation: Operation,
    ) -> &mut Change {
        let change = self.push(
            phase,
            ChangeKind::Delete,
            subject,
            Some(reason.detail().to_owned()),
            operation,
        );
        change.reason = Some(reason);
        change
    }

    /// `principal`'s attachments and inline policies, against what IAM has (nothing for a principal to
    /// create).
    pub(super) fn grants(&mut self, context: &Context<'_>, principal: PrincipalRef) {
        let grants = Grants::of(context, principal);
        let live = &context.live;
        let (attached, inline) = match &grants.holder {
            Holder::Role(name) => live.roles.get(name).map(|c| (&c.attached, &c.inline)),
            Holder::User(name) => live.users.get(name).map(|c| (&c.attached, &c.inline)),
            Holder::Group(name) => live.groups.get(name).map(|c| (&c.attached, &c.inline)),
        }
        .unzip();
        self.attachments(context, &grants, attached.unwrap_or(&BTreeSet::new()));
        self.inline(&grants, inline.unwrap_or(&BTreeMap::new()));
    }

    /// Attachments: the missing ones attached. Extra ones are detached when the stack owns the principal's
    /// grants and they are customer managed policies of the account, and otherwise only those of policies the
    /// stack declares; none when the principal's managed policies are unmanaged.
    fn attachments(&mut self, context: &Context<'_>, grants: &Grants<'_>, live: &BTreeSet<String>) {
        let holder = &grants.holder;
        for (arn, name) in &grants.attached {
            if !live.contains(arn) {
                self.push(
                    phase::GRANTS,
                    ChangeKind::Create,
                    format!("policy {name} attached to {holder}"),
                    None,
                    Operation::Attach {
                        holder: holder.clone(),
                        arn: arn.clone(),
                    },
                );
            }
        }
        if grants.unmanaged.contains(&Unmanaged::ManagedPolicies) {
            return;
        }
        // AWS managed policies cannot be declared in a stack yet: they stay, even on what this stack owns.
        let local = format!("arn:aws:iam::{}:policy/", self.account);
        for arn in live {
            let declarable = grants.exclusive && arn.starts_with(&local);
            let stacks = context.stack_policies.contains_key(arn)
                || context
                    .live
                    .policies
                    .values()
                    .any(|policy| policy.arn == *arn && context.is_owned(&policy.tags));
            if grants.attached.contains_key(arn) || !(declarable || stacks) {
                continue;
            }
            let name = arn.rsplit('/').next().unwrap_or(arn);
            let reason = if stacks {
                Reason::NoLongerInSpec
            } else {
                Reason::OutsideStack
            };
            self.delete(
                phase::REVOKES,
                format!("policy {name} attached to {holder}"),
                reason,
                Operation::Detach {
                    holder: holder.clone(),
                    arn: arn.clone(),
                },
            );
        }
    }

    /// Inline policies: put when missing or different; removed when not declared, the stack owns the
    /// principal's grants and its inline policies are not unmanaged.
    fn inline(&mut self, grants: &Grants<'_>, live: &BTreeMap<String, PolicyDocument>) {
        let holder = &grants.holder;
        for policy in grants.inline {
            let (kind, diff) = match live.get(&policy.name) {
                None => (ChangeKind::Create, Vec::new()),
                Some(current) if same_policy(current, &policy.document) => continue,
                Some(current) => (ChangeKind::Update, policy_diff(current, &policy.document)),
            };
            self.push(
                phase::GRANTS,
                kind,
                format!("inline policy {} of {holder}", policy.name),
                None,
                Operation::PutInline {
                    holder: holder.clone(),
                    name: policy.name.clone(),
                    document: policy.document.clone(),
                },
            )
            .diff = diff;
        }
        if !grants.exclusive || grants.unmanaged.contains(&Unmanaged::InlinePolicies) {
            return;
        }
        for name in live.keys() {
            if grants.inline.iter().any(|wanted| wanted.name == *name) {
                continue;
            }
            self.delete(
                phase::REVOKES,
                format!("inline policy {name} of {holder}"),
                Reason::NotInSpec,
                Operation::DeleteInline {
                    holder: holder.clone(),
                    name: name.clone(),
                },
            );
        }
    }
}

/// The diff of a setting, when it changed.
pub(super) fn setting<T: PartialEq + Into<serde_json::Value> + Clone>(
    name: &'static str,
    old: Option<&T>,
    new: Option<&T>,
) -> Option<Diff> {
    (old != new).then(|| Diff::setting(name, old.cloned(), new.cloned()))
}
