//! The difference between a stack and what its accounts hold, as an ordered list of changes, each saying what
//! it changes (settings and tags old → new, policies statement by statement: see [`diff`]).
//!
//! # What a stack owns
//!
//! A plan changes only what the stack declares or what carries its owner tag ([`OWNER_TAG`](super::OWNER_TAG)), and of that:
//!
//! - **A role the stack declares** is the stack's as a whole: its trust policy, description, session duration,
//!   permissions boundary, tags, inline policies and attachments of the account's customer managed policies.
//!   What the spec does not declare is removed, and the plan says why: a policy attached by hand is
//!   `attached outside this stack (not in the spec)`, one of the stack's own policies it no longer attaches
//!   `no longer in the spec`, an inline policy or tag the spec lacks `not in the spec`. A role that exists
//!   without the owner tag is adopted (tagged) on the first apply.
//! - **A user the stack creates** is the stack's as far as its policies go: attachments of the account's
//!   customer managed policies and inline policies, and its memberships of the groups the stack declares. Its
//!   tags are left alone but for the owner tag.
//! - **A user declared `existing`** is someone else's: the stack adds what it declares and removes only its own
//!   policies it no longer attaches.
//! - **A group the stack declares**: its attachments of customer managed policies and its inline policies.
//!   Groups take no tags, so none is ever deleted.
//! - **A customer managed policy the stack declares**: its default version's document.
//! - **AWS managed policies are never detached**: a stack cannot declare them yet.
//!
//! A role or user can leave some of this to people and other tools with
//! [`Unmanaged`](crate::stack::Unmanaged) (`unmanaged = ["tags", "managed_policies", "inline_policies"]` in a
//! spec): nothing of those kinds is removed from it, while what the stack declares of them is still added and
//! updated.

mod account;
mod bucket;
mod context;
pub mod diff;
mod group;
pub(crate) mod output;
mod policy;
mod removed;
mod role;
#[cfg(test)]
mod tests;
mod user;

use std::collections::BTreeSet;
use std::fmt;

use super::DeployError;
use super::live::{Declared, read_account};
use super::session::Session;
use crate::PolicyDocument;
use crate::stack::{AccountRef, BucketEncryption, Stack};
use context::in_account;

pub use diff::{Diff, ElementChange, StatementId};

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
    /// `s3:PutBucketVersioning`, turning versioning on.
    EnableVersioning {
        /// The bucket.
        bucket: String,
    },
    /// `s3:PutBucketEncryption`: the bucket's default encryption (with an S3 Bucket Key for SSE-KMS).
    SetDefaultEncryption {
        /// The bucket.
        bucket: String,
        /// The encryption.
        encryption: BucketEncryption,
    },
    /// `s3:PutBucketLogging`: server access logs into `target`, under `prefix`.
    SetLogging {
        /// The bucket.
        bucket: String,
        /// The bucket the logs go to.
        target: String,
        /// The prefix of the log objects' keys.
        prefix: String,
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

/// Why a plan removes something from an item the stack owns, when the spec no longer (or never) had it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// Someone outside this stack made it: a customer managed policy this stack does not own, attached to one
    /// of its principals.
    OutsideStack,
    /// The spec does not have it, and nothing tells whether it was made by hand or taken out of the spec (an
    /// inline policy, a tag, a membership, a permissions boundary).
    NotInSpec,
    /// The stack made it or declares it, and the spec no longer has it here.
    NoLongerInSpec,
}

impl Reason {
    /// `outside_stack`, `not_in_spec` or `no_longer_in_spec`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::OutsideStack => "outside_stack",
            Reason::NotInSpec => "not_in_spec",
            Reason::NoLongerInSpec => "no_longer_in_spec",
        }
    }

    /// How a change removed for this reason says why, in its detail.
    fn detail(self) -> &'static str {
        match self {
            Reason::OutsideStack => "attached outside this stack (not in the spec)",
            Reason::NotInSpec => "not in the spec",
            Reason::NoLongerInSpec => "no longer in the spec",
        }
    }
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
    /// How, when `subject` does not say it all: `trust policy`, `new default version`, `attached outside this
    /// stack (not in the spec)`.
    pub detail: Option<String>,
    /// What changes, line by line: settings and tags old → new, a policy's statements added, changed, removed.
    pub diff: Vec<Diff>,
    /// Why something of an item the stack owns is removed.
    pub reason: Option<Reason>,
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
        changes.extend(account::diff_account(
            stack,
            account_ref,
            &declared,
            &live,
            stack_name,
        )?);
    }
    Ok(ordered(stack_name, changes))
}

/// The plan of `changes` in apply order. A stable sort: within a phase, the accounts and items keep the stack's
/// order.
fn ordered(stack_name: &str, mut changes: Vec<Change>) -> Plan {
    changes.sort_by_key(|change| change.phase);
    Plan {
        stack_name: stack_name.to_owned(),
        changes,
    }
}

/// What the stack declares in `account`: the names read whether or not this stack owns them.
fn declared(stack: &Stack, account: AccountRef) -> Declared {
    Declared {
        roles: names(in_account(stack.roles(), account, |r| r.account), |r| {
            &r.name
        }),
        users: names(in_account(stack.users(), account, |u| u.account), |u| {
            &u.name
        }),
        groups: names(in_account(stack.groups(), account, |g| g.account), |g| {
            &g.name
        }),
        policies: names(in_account(stack.policies(), account, |p| p.account), |p| {
            &p.name
        }),
        buckets: names(in_account(stack.buckets(), account, |b| b.account), |b| {
            &b.name
        }),
        existing_buckets: in_account(stack.buckets(), account, |b| b.account)
            .filter(|(_, bucket)| bucket.is_existing())
            .map(|(_, bucket)| bucket.name.clone())
            .collect(),
    }
}

/// The names of `items`; `name` reads an item's.
fn names<'s, R, T: 's>(
    items: impl Iterator<Item = (R, &'s T)>,
    name: fn(&T) -> &String,
) -> BTreeSet<String> {
    items.map(|(_, item)| name(item).clone()).collect()
}
