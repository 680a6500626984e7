//! The difference between a stack and what its accounts hold, as an ordered list of changes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};

use super::canonical::same_policy;
use super::live::{Declared, LiveAccount, read_account};
use super::session::Session;
use super::{DeployError, OWNER_TAG};
use crate::PolicyDocument;
use crate::stack::{AccountRef, PrincipalRef, Stack};

/// What a change does to its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Something new: a resource, an attachment, a membership.
    Create,
    /// Something that exists, changed in place.
    Update,
    /// Something removed.
    Delete,
}

impl ChangeKind {
    /// `+`, `~` or `-`, as `terraform plan` marks them.
    #[must_use]
    pub fn sign(self) -> char {
        match self {
            ChangeKind::Create => '+',
            ChangeKind::Update => '~',
            ChangeKind::Delete => '-',
        }
    }

    /// `create`, `update` or `delete`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Create => "create",
            ChangeKind::Update => "update",
            ChangeKind::Delete => "delete",
        }
    }
}

/// A principal that holds policies, by kind and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Holder {
    /// A role.
    Role(String),
    /// A user.
    User(String),
    /// A group.
    Group(String),
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Holder::Role(name) => write!(f, "role {name}"),
            Holder::User(name) => write!(f, "user {name}"),
            Holder::Group(name) => write!(f, "group {name}"),
        }
    }
}

/// One API step of a plan, with everything it needs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Operation {
    /// `s3:CreateBucket`.
    CreateBucket {
        /// The bucket.
        bucket: String,
    },
    /// `s3:PutBucketPublicAccessBlock` with all four settings on: the stack's buckets are reached through its
    /// roles, never publicly (the generated Terraform and CloudFormation say the same).
    BlockPublicAccess {
        /// The bucket.
        bucket: String,
    },
    /// `iam:CreateUser`, tagged as this stack's.
    CreateUser {
        /// The user.
        name: String,
        /// Its path.
        path: String,
    },
    /// `iam:CreateGroup`.
    CreateGroup {
        /// The group.
        name: String,
        /// Its path.
        path: String,
    },
    /// `iam:AddUserToGroup`.
    AddUserToGroup {
        /// The user.
        user: String,
        /// The group.
        group: String,
    },
    /// `iam:RemoveUserFromGroup`.
    RemoveUserFromGroup {
        /// The user.
        user: String,
        /// The group.
        group: String,
    },
    /// `iam:CreateRole`, tagged as this stack's (the boundary follows once the policies exist).
    CreateRole {
        /// The role.
        name: String,
        /// Its path.
        path: String,
        /// Its trust policy.
        trust: PolicyDocument,
        /// Its description.
        description: Option<String>,
        /// Its longest session.
        max_session_duration: u32,
        /// Its tags, the owner tag included.
        tags: Vec<(String, String)>,
    },
    /// `iam:UpdateAssumeRolePolicy`.
    UpdateTrust {
        /// The role.
        role: String,
        /// The new trust policy.
        trust: PolicyDocument,
    },
    /// `iam:UpdateRole`.
    UpdateRole {
        /// The role.
        role: String,
        /// Its description (empty to clear it).
        description: String,
        /// Its longest session.
        max_session_duration: u32,
    },
    /// `iam:TagRole`.
    TagRole {
        /// The role.
        role: String,
        /// The tags to set.
        tags: Vec<(String, String)>,
    },
    /// `iam:UntagRole`.
    UntagRole {
        /// The role.
        role: String,
        /// The keys to remove.
        keys: Vec<String>,
    },
    /// `iam:TagUser`: a declared user that exists becomes this stack's.
    TagUser {
        /// The user.
        user: String,
    },
    /// `iam:TagPolicy`: a declared policy that exists becomes this stack's.
    TagPolicy {
        /// The policy's ARN.
        arn: String,
    },
    /// `iam:CreatePolicy`, tagged as this stack's.
    CreatePolicy {
        /// The policy.
        name: String,
        /// Its path.
        path: String,
        /// Its description.
        description: Option<String>,
        /// Its document.
        document: PolicyDocument,
    },
    /// `iam:CreatePolicyVersion` as the default, after `iam:DeletePolicyVersion` of `prune` (IAM keeps five).
    NewPolicyVersion {
        /// The policy's ARN.
        arn: String,
        /// The new document.
        document: PolicyDocument,
        /// The oldest version that is not the default, deleted first when the policy has five.
        prune: Option<String>,
    },
    /// `iam:PutRolePermissionsBoundary`.
    SetBoundary {
        /// The role.
        role: String,
        /// The boundary policy's ARN.
        arn: String,
    },
    /// `iam:DeleteRolePermissionsBoundary`.
    RemoveBoundary {
        /// The role.
        role: String,
    },
    /// `iam:Attach{Role,User,Group}Policy`.
    Attach {
        /// Who gets the policy.
        holder: Holder,
        /// The policy's ARN.
        arn: String,
    },
    /// `iam:Detach{Role,User,Group}Policy`.
    Detach {
        /// Who loses the policy.
        holder: Holder,
        /// The policy's ARN.
        arn: String,
    },
    /// `iam:Put{Role,User,Group}Policy`.
    PutInline {
        /// Whose policy.
        holder: Holder,
        /// Its name.
        name: String,
        /// Its document.
        document: PolicyDocument,
    },
    /// `iam:Delete{Role,User,Group}Policy`.
    DeleteInline {
        /// Whose policy.
        holder: Holder,
        /// Its name.
        name: String,
    },
    /// The role's attachments and inline policies removed, then `iam:DeleteRole`.
    DeleteRole {
        /// The role.
        name: String,
    },
    /// The user's keys, login profile, groups and policies removed, then `iam:DeleteUser`.
    DeleteUser {
        /// The user.
        name: String,
    },
    /// The policy detached everywhere, its other versions deleted, then `iam:DeletePolicy`.
    DeletePolicy {
        /// The policy's ARN.
        arn: String,
    },
}

/// One change of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The account's id.
    pub account: String,
    /// The account's name in the stack.
    pub account_name: String,
    /// Create, update or delete.
    pub kind: ChangeKind,
    /// What changes, for people: `role StuzioAcmeConsultantRole`, `policy X attached to role Y`.
    pub subject: String,
    /// How, when `subject` does not say it all: `trust policy`, `new default version (v2)`.
    pub detail: Option<String>,
    /// The API step.
    pub operation: Operation,
    /// When it runs: the order of the phases (create what others name first, delete last).
    phase: u8,
}

/// What `apply` would do, in the order it would do it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// The stack's name, the value of the owner tag.
    pub stack_name: String,
    /// The changes, in apply order.
    pub changes: Vec<Change>,
}

impl Plan {
    /// Whether nothing would change.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// `(to add, to change, to destroy)`.
    #[must_use]
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |kind| self.changes.iter().filter(|c| c.kind == kind).count();
        (
            count(ChangeKind::Create),
            count(ChangeKind::Update),
            count(ChangeKind::Delete),
        )
    }

    /// The plan for people, laid out like `terraform plan`: by account, `+`, `~` and `-`, and a summary.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.changes.is_empty() {
            out.push_str("No changes. The accounts match the stack.\n");
            return out;
        }
        out.push_str("iamgen will perform the following actions:\n");
        let mut by_account: BTreeMap<(&str, &str), Vec<&Change>> = BTreeMap::new();
        for change in &self.changes {
            by_account
                .entry((&change.account_name, &change.account))
                .or_default()
                .push(change);
        }
        for ((name, id), changes) in by_account {
            let _ = write!(out, "\n  # {name} ({id})\n");
            for change in changes {
                let _ = write!(out, "  {} {}", change.kind.sign(), change.subject);
                if let Some(detail) = &change.detail {
                    let _ = write!(out, ": {detail}");
                }
                out.push('\n');
            }
        }
        let (add, update, delete) = self.counts();
        let _ = writeln!(
            out,
            "\nPlan: {add} to add, {update} to change, {delete} to destroy."
        );
        out
    }

    /// The plan as JSON: `{"stack": .., "changes": [{"account", "account_name", "action", "subject",
    /// "detail"}], "summary": {"add", "change", "destroy"}}`.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        let (add, update, delete) = self.counts();
        serde_json::json!({
            "stack": self.stack_name,
            "changes": self.changes.iter().map(|change| serde_json::json!({
                "account": change.account,
                "account_name": change.account_name,
                "action": change.kind.as_str(),
                "subject": change.subject,
                "detail": change.detail,
            })).collect::<Vec<_>>(),
            "summary": { "add": add, "change": update, "destroy": delete },
        })
    }
}

/// Phases, in apply order: what others name exists before they name it, and removals come last.
mod phase {
    pub(super) const BUCKETS: u8 = 0;
    pub(super) const PRINCIPALS: u8 = 1;
    pub(super) const MEMBERSHIPS: u8 = 2;
    pub(super) const ROLES: u8 = 3;
    pub(super) const POLICIES: u8 = 4;
    pub(super) const GRANTS: u8 = 5;
    pub(super) const REVOKES: u8 = 6;
    pub(super) const DELETE_PRINCIPALS: u8 = 7;
    pub(super) const DELETE_POLICIES: u8 = 8;
}

/// Reads every account `stack` touches and plans the changes that make them match it. Only the accounts of the
/// stack are read; in each, only what the stack declares or what carries the owner tag with `stack_name`.
pub async fn plan(session: &Session, stack: &Stack, stack_name: &str) -> Result<Plan, DeployError> {
    let mut changes = Vec::new();
    for (account_ref, account) in stack.accounts() {
        let clients = session.clients(&account.id).await?;
        let declared = declared(stack, account_ref);
        let live = read_account(&clients, account.id.as_str(), &declared, stack_name).await?;
        changes.extend(diff_account(
            stack,
            account_ref,
            &declared,
            &live,
            stack_name,
        )?);
    }
    // A stable sort: within a phase, the accounts and items keep the stack's order.
    changes.sort_by_key(|change| change.phase);
    Ok(Plan {
        stack_name: stack_name.to_owned(),
        changes,
    })
}

fn declared(stack: &Stack, account: AccountRef) -> Declared {
    Declared {
        roles: stack
            .roles()
            .filter(|(_, r)| r.account == account)
            .map(|(_, r)| r.name.clone())
            .collect(),
        users: stack
            .users()
            .filter(|(_, u)| u.account == account)
            .map(|(_, u)| u.name.clone())
            .collect(),
        groups: stack
            .groups()
            .filter(|(_, g)| g.account == account)
            .map(|(_, g)| g.name.clone())
            .collect(),
        policies: stack
            .policies()
            .filter(|(_, p)| p.account == account)
            .map(|(_, p)| p.name.clone())
            .collect(),
        buckets: stack
            .buckets()
            .filter(|(_, b)| b.account == account)
            .map(|(_, b)| b.name.clone())
            .collect(),
    }
}

/// Collects the changes of one account.
struct Changes<'a> {
    account: &'a str,
    account_name: &'a str,
    list: Vec<Change>,
}

impl Changes<'_> {
    fn push(
        &mut self,
        phase: u8,
        kind: ChangeKind,
        subject: String,
        detail: Option<String>,
        operation: Operation,
    ) {
        self.list.push(Change {
            account: self.account.to_owned(),
            account_name: self.account_name.to_owned(),
            kind,
            subject,
            detail,
            operation,
            phase,
        });
    }

    /// Attachments of `holder`: the missing ones attached; extra ones detached when `exclusive` (a principal
    /// this stack owns) and they are customer managed policies of the account, and otherwise only those of
    /// policies the stack declares.
    fn attachments(
        &mut self,
        holder: &Holder,
        desired: &BTreeMap<String, String>,
        live: &BTreeSet<String>,
        exclusive: bool,
        stack_policies: &BTreeMap<String, String>,
    ) {
        for (arn, name) in desired {
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
        // AWS managed policies cannot be declared in a stack yet: they stay, even on what this stack owns.
        let local = format!("arn:aws:iam::{}:policy/", self.account);
        for arn in live {
            let declarable = exclusive && arn.starts_with(&local);
            if desired.contains_key(arn) || !(declarable || stack_policies.contains_key(arn)) {
                continue;
            }
            let name = arn.rsplit('/').next().unwrap_or(arn);
            self.push(
                phase::REVOKES,
                ChangeKind::Delete,
                format!("policy {name} attached to {holder}"),
                None,
                Operation::Detach {
                    holder: holder.clone(),
                    arn: arn.clone(),
                },
            );
        }
    }

    /// Inline policies of `holder`: put when missing or different; removed when not declared and `exclusive`.
    fn inline(
        &mut self,
        holder: &Holder,
        desired: &[(String, PolicyDocument)],
        live: &BTreeMap<String, PolicyDocument>,
        exclusive: bool,
    ) {
        for (name, document) in desired {
            let kind = match live.get(name) {
                None => ChangeKind::Create,
                Some(current) if same_policy(current, document) => continue,
                Some(_) => ChangeKind::Update,
            };
            self.push(
                phase::GRANTS,
                kind,
                format!("inline policy {name} of {holder}"),
                None,
                Operation::PutInline {
                    holder: holder.clone(),
                    name: name.clone(),
                    document: document.clone(),
                },
            );
        }
        if exclusive {
            for name in live.keys() {
                if desired.iter().any(|(wanted, _)| wanted == name) {
                    continue;
                }
                self.push(
                    phase::REVOKES,
                    ChangeKind::Delete,
                    format!("inline policy {name} of {holder}"),
                    None,
                    Operation::DeleteInline {
                        holder: holder.clone(),
                        name: name.clone(),
                    },
                );
            }
        }
    }
}

#[allow(
    clippy::too_many_lines,
    reason = "one section per kind of item, in apply order"
)]
fn diff_account(
    stack: &Stack,
    account_ref: AccountRef,
    declared: &Declared,
    live: &LiveAccount,
    stack_name: &str,
) -> Result<Vec<Change>, DeployError> {
    let account = stack.account(account_ref);
    let mut out = Changes {
        account: account.id.as_str(),
        account_name: &account.name,
        list: Vec::new(),
    };
    let owner = (OWNER_TAG.to_owned(), stack_name.to_owned());
    let is_owned =
        |tags: &BTreeMap<String, String>| tags.get(OWNER_TAG).is_some_and(|v| v == stack_name);
    // The stack's policies in this account, by ARN: attachments name them so.
    let stack_policies: BTreeMap<String, String> = stack
        .policies()
        .filter(|(_, p)| p.account == account_ref)
        .map(|(policy, p)| (stack.policy_arn(policy), p.name.clone()))
        .collect();
    let attached_arns = |principal: PrincipalRef| -> BTreeMap<String, String> {
        stack
            .attached(principal)
            .iter()
            .map(|policy| {
                (
                    stack.policy_arn(*policy),
                    stack.policy(*policy).name.clone(),
                )
            })
            .collect()
    };
    let inline_of = |policies: &[crate::stack::InlinePolicy]| -> Vec<(String, PolicyDocument)> {
        policies
            .iter()
            .map(|p| (p.name.clone(), p.document.clone()))
            .collect()
    };
    let no_attachments = BTreeSet::new();
    let no_inline = BTreeMap::new();

    for (_, bucket) in stack.buckets().filter(|(_, b)| b.account == account_ref) {
        let exists = live.buckets.contains(&bucket.name);
        if !exists {
            out.push(
                phase::BUCKETS,
                ChangeKind::Create,
                format!("bucket {}", bucket.name),
                None,
                Operation::CreateBucket {
                    bucket: bucket.name.clone(),
                },
            );
        }
        if !live.public_access_blocked.contains(&bucket.name) {
            out.push(
                phase::BUCKETS,
                if exists {
                    ChangeKind::Update
                } else {
                    ChangeKind::Create
                },
                format!("public access block of bucket {}", bucket.name),
                Some("block public ACLs and public bucket policies".to_owned()),
                Operation::BlockPublicAccess {
                    bucket: bucket.name.clone(),
                },
            );
        }
    }

    for (_, group) in stack.groups().filter(|(_, g)| g.account == account_ref) {
        if !live.groups.contains_key(&group.name) {
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
    for (user_ref, user) in stack.users().filter(|(_, u)| u.account == account_ref) {
        let current = live.users.get(&user.name);
        match current {
            None if user.existing => {
                return Err(DeployError::Missing(format!(
                    "user {} is declared as existing, but account {} ({}) has no such user: create it, or \
                     declare it without `existing` so that the stack creates it",
                    user.name, account.name, account.id
                )));
            }
            None => out.push(
                phase::PRINCIPALS,
                ChangeKind::Create,
                format!("user {}", user.name),
                None,
                Operation::CreateUser {
                    name: user.name.clone(),
                    path: user.path.clone(),
                },
            ),
            Some(current) if !user.existing && !is_owned(&current.tags) => out.push(
                phase::PRINCIPALS,
                ChangeKind::Update,
                format!("user {}", user.name),
                Some(format!("adopted: tag {OWNER_TAG} = {stack_name}")),
                Operation::TagUser {
                    user: user.name.clone(),
                },
            ),
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
            if declared.groups.contains(group) && !wanted.contains(group.as_str()) {
                out.push(
                    phase::REVOKES,
                    ChangeKind::Delete,
                    format!("user {} in group {group}", user.name),
                    None,
                    Operation::RemoveUserFromGroup {
                        user: user.name.clone(),
                        group: group.clone(),
                    },
                );
            }
        }
        let holder = Holder::User(user.name.clone());
        out.attachments(
            &holder,
            &attached_arns(PrincipalRef::User(user_ref)),
            current.map_or(&no_attachments, |c| &c.attached),
            !user.existing,
            &stack_policies,
        );
        out.inline(
            &holder,
            &inline_of(&user.inline),
            current.map_or(&no_inline, |c| &c.inline),
            !user.existing,
        );
    }

    for (role_ref, role) in stack.roles().filter(|(_, r)| r.account == account_ref) {
        let desired_tags: BTreeMap<String, String> = role
            .tags
            .iter()
            .cloned()
            .chain(std::iter::once(owner.clone()))
            .collect();
        let duration = role.max_session_duration.unwrap_or(3_600);
        let current = live.roles.get(&role.name);
        let desired_boundary = role.permissions_boundary.map(|p| stack.policy_arn(p));
        match current {
            None => out.push(
                phase::ROLES,
                ChangeKind::Create,
                format!("role {}", role.name),
                None,
                Operation::CreateRole {
                    name: role.name.clone(),
                    path: role.path.clone(),
                    trust: role.trust.clone(),
                    description: role.description.clone(),
                    max_session_duration: duration,
                    tags: desired_tags.clone().into_iter().collect(),
                },
            ),
            Some(current) => {
                if !same_policy(&current.trust, &role.trust) {
                    out.push(
                        phase::ROLES,
                        ChangeKind::Update,
                        format!("role {}", role.name),
                        Some("trust policy".to_owned()),
                        Operation::UpdateTrust {
                            role: role.name.clone(),
                            trust: role.trust.clone(),
                        },
                    );
                }
                if current.description != role.description
                    || current.max_session_duration != duration
                {
                    out.push(
                        phase::ROLES,
                        ChangeKind::Update,
                        format!("role {}", role.name),
                        Some("description and session duration".to_owned()),
                        Operation::UpdateRole {
                            role: role.name.clone(),
                            description: role.description.clone().unwrap_or_default(),
                            max_session_duration: duration,
                        },
                    );
                }
                let to_set: Vec<(String, String)> = desired_tags
                    .iter()
                    .filter(|(key, value)| current.tags.get(*key) != Some(*value))
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect();
                if !to_set.is_empty() {
                    let keys: Vec<&str> = to_set.iter().map(|(key, _)| key.as_str()).collect();
                    out.push(
                        phase::ROLES,
                        ChangeKind::Update,
                        format!("role {}", role.name),
                        Some(format!("tags {}", keys.join(", "))),
                        Operation::TagRole {
                            role: role.name.clone(),
                            tags: to_set,
                        },
                    );
                }
                let to_remove: Vec<String> = current
                    .tags
                    .keys()
                    .filter(|key| !desired_tags.contains_key(*key))
                    .cloned()
                    .collect();
                if !to_remove.is_empty() {
                    out.push(
                        phase::ROLES,
                        ChangeKind::Update,
                        format!("role {}", role.name),
                        Some(format!("remove tags {}", to_remove.join(", "))),
                        Operation::UntagRole {
                            role: role.name.clone(),
                            keys: to_remove,
                        },
                    );
                }
            }
        }
        let current_boundary = current.and_then(|c| c.boundary.as_ref());
        match (&desired_boundary, current_boundary) {
            (Some(wanted), found) if found != Some(wanted) => out.push(
                phase::GRANTS,
                if found.is_some() || current.is_some() {
                    ChangeKind::Update
                } else {
                    ChangeKind::Create
                },
                format!("permissions boundary of role {}", role.name),
                Some(wanted.rsplit('/').next().unwrap_or(wanted).to_owned()),
                Operation::SetBoundary {
                    role: role.name.clone(),
                    arn: wanted.clone(),
                },
            ),
            (None, Some(_)) => out.push(
                phase::REVOKES,
                ChangeKind::Delete,
                format!("permissions boundary of role {}", role.name),
                None,
                Operation::RemoveBoundary {
                    role: role.name.clone(),
                },
            ),
            _ => {}
        }
        let holder = Holder::Role(role.name.clone());
        out.attachments(
            &holder,
            &attached_arns(PrincipalRef::Role(role_ref)),
            current.map_or(&no_attachments, |c| &c.attached),
            true,
            &stack_policies,
        );
        out.inline(
            &holder,
            &inline_of(&role.inline),
            current.map_or(&no_inline, |c| &c.inline),
            true,
        );
    }

    for (policy_ref, policy) in stack.policies().filter(|(_, p)| p.account == account_ref) {
        match live.policies.get(&policy.name) {
            None => out.push(
                phase::POLICIES,
                ChangeKind::Create,
                format!("policy {}", policy.name),
                None,
                Operation::CreatePolicy {
                    name: policy.name.clone(),
                    path: policy.path.clone(),
                    description: policy.description.clone(),
                    document: policy.document.clone(),
                },
            ),
            Some(current) => {
                if !same_policy(&current.document, &policy.document) {
                    // IAM keeps at most five versions: the oldest that is not the default makes room.
                    let prune = (current.versions.len() >= 5)
                        .then(|| {
                            current
                                .versions
                                .iter()
                                .find(|(_, default)| !default)
                                .map(|(id, _)| id.clone())
                        })
                        .flatten();
                    out.push(
                        phase::POLICIES,
                        ChangeKind::Update,
                        format!("policy {}", policy.name),
                        Some(match &prune {
                            Some(old) => {
                                format!("new default version (deleting the oldest, {old})")
                            }
                            None => "new default version".to_owned(),
                        }),
                        Operation::NewPolicyVersion {
                            arn: stack.policy_arn(policy_ref),
                            document: policy.document.clone(),
                            prune,
                        },
                    );
                }
                if !is_owned(&current.tags) {
                    out.push(
                        phase::POLICIES,
                        ChangeKind::Update,
                        format!("policy {}", policy.name),
                        Some(format!("adopted: tag {OWNER_TAG} = {stack_name}")),
                        Operation::TagPolicy {
                            arn: current.arn.clone(),
                        },
                    );
                }
            }
        }
    }

    for (group_ref, group) in stack.groups().filter(|(_, g)| g.account == account_ref) {
        let current = live.groups.get(&group.name);
        let holder = Holder::Group(group.name.clone());
        out.attachments(
            &holder,
            &attached_arns(PrincipalRef::Group(group_ref)),
            current.map_or(&no_attachments, |c| &c.attached),
            true,
            &stack_policies,
        );
        out.inline(
            &holder,
            &inline_of(&group.inline),
            current.map_or(&no_inline, |c| &c.inline),
            true,
        );
    }

    // What this stack made and no longer declares.
    for (name, role) in &live.roles {
        if !declared.roles.contains(name) && is_owned(&role.tags) {
            out.push(
                phase::DELETE_PRINCIPALS,
                ChangeKind::Delete,
                format!("role {name}"),
                None,
                Operation::DeleteRole { name: name.clone() },
            );
        }
    }
    for (name, user) in &live.users {
        if !declared.users.contains(name) && is_owned(&user.tags) {
            out.push(
                phase::DELETE_PRINCIPALS,
                ChangeKind::Delete,
                format!("user {name}"),
                None,
                Operation::DeleteUser { name: name.clone() },
            );
        }
    }
    for (name, policy) in &live.policies {
        if !declared.policies.contains(name) && is_owned(&policy.tags) {
            out.push(
                phase::DELETE_POLICIES,
                ChangeKind::Delete,
                format!("policy {name}"),
                None,
                Operation::DeletePolicy {
                    arn: policy.arn.clone(),
                },
            );
        }
    }
    Ok(out.list)
}
