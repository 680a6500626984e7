//! The deployable model: accounts and what lives in them (users, groups, roles, managed policies, S3 buckets)
//! and how they refer to each other.
//!
//! References are typed handles ([`AccountRef`], [`RoleRef`], [`PolicyRef`] ...) handed out by the [`Stack`]
//! that owns the items, not names: attaching a policy takes the `PolicyRef` the policy was added with, so a
//! misspelled name cannot silently attach nothing. Names appear once, where an item is declared.
//!
//! ```
//! use iamgen_runtime::stack::Stack;
//!
//! let stack = Stack::reference_scenario();
//! let role = stack.role_by_name("StuzioAcmeConsultantRole").unwrap();
//! assert_eq!(stack.role_arn(role), "arn:aws:iam::081278057606:role/StuzioAcmeConsultantRole");
//! ```

pub mod pattern;
#[cfg(feature = "spec")]
pub mod spec;

use crate::policy::{AccountId, PolicyDocument};

macro_rules! handles {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(usize);

        impl $name {
            /// The item's position in its list of the stack, which is the order it was added in.
            #[allow(dead_code)] // not every kind of handle is looked up by position
            pub(crate) fn index(self) -> usize {
                self.0
            }
        }
    )*};
}

handles! {
    /// An account of a [`Stack`].
    AccountRef;
    /// An IAM user of a [`Stack`].
    UserRef;
    /// An IAM group of a [`Stack`].
    GroupRef;
    /// An IAM role of a [`Stack`].
    RoleRef;
    /// A customer managed policy of a [`Stack`].
    PolicyRef;
    /// An S3 bucket of a [`Stack`].
    BucketRef;
}

/// An AWS account.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// The twelve-digit id.
    pub id: AccountId,
    /// A name for people (`Stuzio`).
    pub name: String,
}

/// A policy embedded in one user, group or role.
#[derive(Debug, Clone, PartialEq)]
pub struct InlinePolicy {
    /// The policy's name within its principal.
    pub name: String,
    /// The document.
    pub document: PolicyDocument,
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// The account the user is in.
    pub account: AccountRef,
    /// The user name.
    pub name: String,
    /// The IAM path, `/` by default.
    pub path: String,
    /// The groups the user belongs to.
    pub groups: Vec<GroupRef>,
    /// The managed policies attached to the user.
    pub policies: Vec<PolicyRef>,
    /// The user's inline policies.
    pub inline: Vec<InlinePolicy>,
    /// The user exists already and is managed elsewhere (an identity account, another stack, a person): the
    /// stack refers to it by name, puts it in the stack's groups and gives it the stack's policies, but never
    /// creates or deletes it. Terraform reads it through the `aws_iam_user` data source; CloudFormation names it
    /// in `AWS::IAM::UserToGroupAddition`, `AWS::IAM::UserPolicy` and the policies' `Users`.
    pub existing: bool,
}

/// An IAM group.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The account the group is in.
    pub account: AccountRef,
    /// The group name.
    pub name: String,
    /// The IAM path, `/` by default.
    pub path: String,
    /// The managed policies attached to the group.
    pub policies: Vec<PolicyRef>,
    /// The group's inline policies.
    pub inline: Vec<InlinePolicy>,
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    /// The account the role is in.
    pub account: AccountRef,
    /// The role name.
    pub name: String,
    /// The IAM path, `/` by default.
    pub path: String,
    /// A description for people.
    pub description: Option<String>,
    /// The longest session, in seconds (3,600 to 43,200); IAM's default of 3,600 when `None`.
    pub max_session_duration: Option<u32>,
    /// Who may assume the role.
    pub trust: PolicyDocument,
    /// The managed policies attached to the role.
    pub policies: Vec<PolicyRef>,
    /// The role's inline policies.
    pub inline: Vec<InlinePolicy>,
    /// The permissions boundary.
    pub permissions_boundary: Option<PolicyRef>,
    /// Tags, in order.
    pub tags: Vec<(String, String)>,
}

/// A customer managed policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedPolicy {
    /// The account the policy is in.
    pub account: AccountRef,
    /// The policy name.
    pub name: String,
    /// The IAM path, `/` by default.
    pub path: String,
    /// A description for people.
    pub description: Option<String>,
    /// The document.
    pub document: PolicyDocument,
}

/// An S3 bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    /// The account that owns the bucket.
    pub account: AccountRef,
    /// The bucket name, unique across AWS.
    pub name: String,
}

/// A principal of the stack that can hold policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalRef {
    /// A user.
    User(UserRef),
    /// A group.
    Group(GroupRef),
    /// A role.
    Role(RoleRef),
}

/// Accounts, principals, policies and buckets, with typed references between them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stack {
    accounts: Vec<Account>,
    users: Vec<User>,
    groups: Vec<Group>,
    roles: Vec<Role>,
    policies: Vec<ManagedPolicy>,
    buckets: Vec<Bucket>,
}

impl Stack {
    /// An empty stack.
    #[must_use]
    pub fn new() -> Self {
        Stack::default()
    }

    /// Adds an account.
    pub fn add_account(&mut self, id: AccountId, name: impl Into<String>) -> AccountRef {
        self.accounts.push(Account {
            id,
            name: name.into(),
        });
        AccountRef(self.accounts.len() - 1)
    }

    /// Adds a user to an account.
    pub fn add_user(&mut self, account: AccountRef, name: impl Into<String>) -> UserRef {
        self.users.push(User {
            account,
            name: name.into(),
            path: "/".to_owned(),
            groups: Vec::new(),
            policies: Vec::new(),
            inline: Vec::new(),
            existing: false,
        });
        UserRef(self.users.len() - 1)
    }

    /// Adds a user that exists already in the account (see [`User::existing`]): the stack refers to it and
    /// manages its memberships and policies, not the user itself.
    pub fn add_existing_user(&mut self, account: AccountRef, name: impl Into<String>) -> UserRef {
        let user = self.add_user(account, name);
        self.users[user.0].existing = true;
        user
    }

    /// Adds a group to an account.
    pub fn add_group(&mut self, account: AccountRef, name: impl Into<String>) -> GroupRef {
        self.groups.push(Group {
            account,
            name: name.into(),
            path: "/".to_owned(),
            policies: Vec::new(),
            inline: Vec::new(),
        });
        GroupRef(self.groups.len() - 1)
    }

    /// Adds a role with its trust policy to an account.
    pub fn add_role(
        &mut self,
        account: AccountRef,
        name: impl Into<String>,
        trust: PolicyDocument,
    ) -> RoleRef {
        self.roles.push(Role {
            account,
            name: name.into(),
            path: "/".to_owned(),
            description: None,
            max_session_duration: None,
            trust,
            policies: Vec::new(),
            inline: Vec::new(),
            permissions_boundary: None,
            tags: Vec::new(),
        });
        RoleRef(self.roles.len() - 1)
    }

    /// Adds a customer managed policy to an account.
    pub fn add_policy(
        &mut self,
        account: AccountRef,
        name: impl Into<String>,
        document: PolicyDocument,
    ) -> PolicyRef {
        self.policies.push(ManagedPolicy {
            account,
            name: name.into(),
            path: "/".to_owned(),
            description: None,
            document,
        });
        PolicyRef(self.policies.len() - 1)
    }

    /// Adds an S3 bucket to an account.
    pub fn add_bucket(&mut self, account: AccountRef, name: impl Into<String>) -> BucketRef {
        self.buckets.push(Bucket {
            account,
            name: name.into(),
        });
        BucketRef(self.buckets.len() - 1)
    }

    /// Attaches a managed policy to a user, group or role (once: attaching twice changes nothing).
    pub fn attach(&mut self, principal: impl Into<PrincipalRef>, policy: PolicyRef) {
        let list = match principal.into() {
            PrincipalRef::User(user) => &mut self.users[user.0].policies,
            PrincipalRef::Group(group) => &mut self.groups[group.0].policies,
            PrincipalRef::Role(role) => &mut self.roles[role.0].policies,
        };
        if !list.contains(&policy) {
            list.push(policy);
        }
    }

    /// Adds an inline policy to a user, group or role. IAM keys inline policies by name within their principal,
    /// so one of the same name is replaced.
    pub fn add_inline(&mut self, principal: impl Into<PrincipalRef>, policy: InlinePolicy) {
        let list = match principal.into() {
            PrincipalRef::User(user) => &mut self.users[user.0].inline,
            PrincipalRef::Group(group) => &mut self.groups[group.0].inline,
            PrincipalRef::Role(role) => &mut self.roles[role.0].inline,
        };
        match list
            .iter_mut()
            .find(|existing| existing.name == policy.name)
        {
            Some(existing) => *existing = policy,
            None => list.push(policy),
        }
    }

    /// Detaches a managed policy, if attached.
    pub fn detach(&mut self, principal: impl Into<PrincipalRef>, policy: PolicyRef) {
        match principal.into() {
            PrincipalRef::User(user) => self.users[user.0].policies.retain(|p| *p != policy),
            PrincipalRef::Group(group) => self.groups[group.0].policies.retain(|p| *p != policy),
            PrincipalRef::Role(role) => self.roles[role.0].policies.retain(|p| *p != policy),
        }
    }

    /// Adds a user to a group.
    pub fn add_to_group(&mut self, user: UserRef, group: GroupRef) {
        let groups = &mut self.users[user.0].groups;
        if !groups.contains(&group) {
            groups.push(group);
        }
    }

    /// An account.
    #[must_use]
    pub fn account(&self, account: AccountRef) -> &Account {
        &self.accounts[account.0]
    }

    /// A user.
    #[must_use]
    pub fn user(&self, user: UserRef) -> &User {
        &self.users[user.0]
    }

    /// A user, to change it (its path, its inline policies, whether it exists already).
    pub fn user_mut(&mut self, user: UserRef) -> &mut User {
        &mut self.users[user.0]
    }

    /// A group.
    #[must_use]
    pub fn group(&self, group: GroupRef) -> &Group {
        &self.groups[group.0]
    }

    /// A role.
    #[must_use]
    pub fn role(&self, role: RoleRef) -> &Role {
        &self.roles[role.0]
    }

    /// A role, to change it.
    pub fn role_mut(&mut self, role: RoleRef) -> &mut Role {
        &mut self.roles[role.0]
    }

    /// A managed policy.
    #[must_use]
    pub fn policy(&self, policy: PolicyRef) -> &ManagedPolicy {
        &self.policies[policy.0]
    }

    /// A managed policy, to change it.
    pub fn policy_mut(&mut self, policy: PolicyRef) -> &mut ManagedPolicy {
        &mut self.policies[policy.0]
    }

    /// A bucket.
    #[must_use]
    pub fn bucket(&self, bucket: BucketRef) -> &Bucket {
        &self.buckets[bucket.0]
    }

    /// Every account, in declaration order.
    #[must_use]
    pub fn accounts(&self) -> impl ExactSizeIterator<Item = (AccountRef, &Account)> {
        self.accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (AccountRef(i), a))
    }

    /// Every user, in declaration order.
    #[must_use]
    pub fn users(&self) -> impl ExactSizeIterator<Item = (UserRef, &User)> {
        self.users.iter().enumerate().map(|(i, u)| (UserRef(i), u))
    }

    /// Every group, in declaration order.
    #[must_use]
    pub fn groups(&self) -> impl ExactSizeIterator<Item = (GroupRef, &Group)> {
        self.groups
            .iter()
            .enumerate()
            .map(|(i, g)| (GroupRef(i), g))
    }

    /// Every role, in declaration order.
    #[must_use]
    pub fn roles(&self) -> impl ExactSizeIterator<Item = (RoleRef, &Role)> {
        self.roles.iter().enumerate().map(|(i, r)| (RoleRef(i), r))
    }

    /// Every managed policy, in declaration order.
    #[must_use]
    pub fn policies(&self) -> impl ExactSizeIterator<Item = (PolicyRef, &ManagedPolicy)> {
        self.policies
            .iter()
            .enumerate()
            .map(|(i, p)| (PolicyRef(i), p))
    }

    /// Every bucket, in declaration order.
    #[must_use]
    pub fn buckets(&self) -> impl ExactSizeIterator<Item = (BucketRef, &Bucket)> {
        self.buckets
            .iter()
            .enumerate()
            .map(|(i, b)| (BucketRef(i), b))
    }

    /// The account with this id, if the stack has it.
    #[must_use]
    pub fn account_by_id(&self, id: &str) -> Option<AccountRef> {
        self.accounts
            .iter()
            .position(|a| a.id.as_str() == id)
            .map(AccountRef)
    }

    /// The role with this name, in any account.
    #[must_use]
    pub fn role_by_name(&self, name: &str) -> Option<RoleRef> {
        self.roles.iter().position(|r| r.name == name).map(RoleRef)
    }

    /// The user with this name, in any account.
    #[must_use]
    pub fn user_by_name(&self, name: &str) -> Option<UserRef> {
        self.users.iter().position(|u| u.name == name).map(UserRef)
    }

    /// The managed policy with this name, in any account.
    #[must_use]
    pub fn policy_by_name(&self, name: &str) -> Option<PolicyRef> {
        self.policies
            .iter()
            .position(|p| p.name == name)
            .map(PolicyRef)
    }

    /// The role's ARN.
    #[must_use]
    pub fn role_arn(&self, role: RoleRef) -> String {
        let role = self.role(role);
        format!(
            "arn:aws:iam::{}:role{}{}",
            self.account(role.account).id,
            role.path,
            role.name
        )
    }

    /// The user's ARN.
    #[must_use]
    pub fn user_arn(&self, user: UserRef) -> String {
        let user = self.user(user);
        format!(
            "arn:aws:iam::{}:user{}{}",
            self.account(user.account).id,
            user.path,
            user.name
        )
    }

    /// The managed policy's ARN.
    #[must_use]
    pub fn policy_arn(&self, policy: PolicyRef) -> String {
        let policy = self.policy(policy);
        format!(
            "arn:aws:iam::{}:policy{}{}",
            self.account(policy.account).id,
            policy.path,
            policy.name
        )
    }

    /// The account a principal is in.
    #[must_use]
    pub fn principal_account(&self, principal: PrincipalRef) -> AccountRef {
        match principal {
            PrincipalRef::User(user) => self.user(user).account,
            PrincipalRef::Group(group) => self.group(group).account,
            PrincipalRef::Role(role) => self.role(role).account,
        }
    }

    /// A principal's name, for messages: `user Troy`, `role StuzioAcmeConsultantRole`.
    #[must_use]
    pub fn principal_label(&self, principal: PrincipalRef) -> String {
        match principal {
            PrincipalRef::User(user) => format!("user {}", self.user(user).name),
            PrincipalRef::Group(group) => format!("group {}", self.group(group).name),
            PrincipalRef::Role(role) => format!("role {}", self.role(role).name),
        }
    }

    /// The managed policies attached to a principal directly (for a user, not those of its groups).
    #[must_use]
    pub fn attached(&self, principal: PrincipalRef) -> &[PolicyRef] {
        match principal {
            PrincipalRef::User(user) => &self.user(user).policies,
            PrincipalRef::Group(group) => &self.group(group).policies,
            PrincipalRef::Role(role) => &self.role(role).policies,
        }
    }

    /// The inline policies of a principal.
    #[must_use]
    pub fn inline(&self, principal: PrincipalRef) -> &[InlinePolicy] {
        match principal {
            PrincipalRef::User(user) => &self.user(user).inline,
            PrincipalRef::Group(group) => &self.group(group).inline,
            PrincipalRef::Role(role) => &self.role(role).inline,
        }
    }

    /// Every identity policy that applies to a principal: its managed and inline policies and, for a user,
    /// those of its groups. Each comes with a name for messages.
    #[must_use]
    pub fn identity_policies(&self, principal: PrincipalRef) -> Vec<(String, &PolicyDocument)> {
        let mut found: Vec<(String, &PolicyDocument)> = Vec::new();
        let mut add = |principal: PrincipalRef| {
            for policy in self.attached(principal) {
                found.push((
                    self.policy(*policy).name.clone(),
                    &self.policy(*policy).document,
                ));
            }
            for inline in self.inline(principal) {
                found.push((
                    format!(
                        "{} (inline in {})",
                        inline.name,
                        self.principal_label(principal)
                    ),
                    &inline.document,
                ));
            }
        };
        add(principal);
        if let PrincipalRef::User(user) = principal {
            for group in &self.user(user).groups {
                add(PrincipalRef::Group(*group));
            }
        }
        found
    }

    /// Every user, group and role, in that order.
    #[must_use]
    pub fn principals(&self) -> Vec<PrincipalRef> {
        self.users()
            .map(|(user, _)| PrincipalRef::User(user))
            .chain(self.groups().map(|(group, _)| PrincipalRef::Group(group)))
            .chain(self.roles().map(|(role, _)| PrincipalRef::Role(role)))
            .collect()
    }

    /// The reference scenario of `scenario.md`: Troy in Acme assumes `StuzioAcmeConsultantRole` in Stuzio to
    /// read and write the objects of `com.stuzio.projectx`.
    #[must_use]
    pub fn reference_scenario() -> Stack {
        pattern::CrossAccount::reference_scenario()
            .build()
            .unwrap_or_else(|error| {
                unreachable!("the reference scenario is a valid pattern: {error}")
            })
    }
}

impl From<UserRef> for PrincipalRef {
    fn from(user: UserRef) -> Self {
        PrincipalRef::User(user)
    }
}

impl From<GroupRef> for PrincipalRef {
    fn from(group: GroupRef) -> Self {
        PrincipalRef::Group(group)
    }
}

impl From<RoleRef> for PrincipalRef {
    fn from(role: RoleRef) -> Self {
        PrincipalRef::Role(role)
    }
}

/// The items of each account, in stack order, gathered in one pass over the stack.
///
/// Renderers work account by account; filtering the whole stack for every account would make rendering grow
/// with accounts × items instead of with the stack's size.
#[cfg(feature = "render")]
#[derive(Debug)]
pub(crate) struct ByAccount {
    buckets: Vec<Vec<usize>>,
    policies: Vec<Vec<usize>>,
    roles: Vec<Vec<usize>>,
    users: Vec<Vec<usize>>,
    groups: Vec<Vec<usize>>,
}

#[cfg(feature = "render")]
impl ByAccount {
    pub(crate) fn new(stack: &Stack) -> Self {
        fn group<T>(
            accounts: usize,
            items: &[T],
            account: impl Fn(&T) -> AccountRef,
        ) -> Vec<Vec<usize>> {
            let mut lists = vec![Vec::new(); accounts];
            for (index, item) in items.iter().enumerate() {
                lists[account(item).0].push(index);
            }
            lists
        }
        let accounts = stack.accounts.len();
        ByAccount {
            buckets: group(accounts, &stack.buckets, |b| b.account),
            policies: group(accounts, &stack.policies, |p| p.account),
            roles: group(accounts, &stack.roles, |r| r.account),
            users: group(accounts, &stack.users, |u| u.account),
            groups: group(accounts, &stack.groups, |g| g.account),
        }
    }

    /// The buckets of `account`.
    pub(crate) fn buckets<'s>(
        &'s self,
        stack: &'s Stack,
        account: AccountRef,
    ) -> impl Iterator<Item = (BucketRef, &'s Bucket)> + 's {
        self.buckets[account.0]
            .iter()
            .map(|&i| (BucketRef(i), &stack.buckets[i]))
    }

    /// The managed policies of `account`.
    pub(crate) fn policies<'s>(
        &'s self,
        stack: &'s Stack,
        account: AccountRef,
    ) -> impl Iterator<Item = (PolicyRef, &'s ManagedPolicy)> + 's {
        self.policies[account.0]
            .iter()
            .map(|&i| (PolicyRef(i), &stack.policies[i]))
    }

    /// The roles of `account`.
    pub(crate) fn roles<'s>(
        &'s self,
        stack: &'s Stack,
        account: AccountRef,
    ) -> impl Iterator<Item = (RoleRef, &'s Role)> + 's {
        self.roles[account.0]
            .iter()
            .map(|&i| (RoleRef(i), &stack.roles[i]))
    }

    /// The users of `account`.
    pub(crate) fn users<'s>(
        &'s self,
        stack: &'s Stack,
        account: AccountRef,
    ) -> impl Iterator<Item = (UserRef, &'s User)> + 's {
        self.users[account.0]
            .iter()
            .map(|&i| (UserRef(i), &stack.users[i]))
    }

    /// The groups of `account`.
    pub(crate) fn groups<'s>(
        &'s self,
        stack: &'s Stack,
        account: AccountRef,
    ) -> impl Iterator<Item = (GroupRef, &'s Group)> + 's {
        self.groups[account.0]
            .iter()
            .map(|&i| (GroupRef(i), &stack.groups[i]))
    }
}
