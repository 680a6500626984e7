//! The deployable model: accounts and what lives in them (users, groups, roles, managed policies, S3 buckets)
//! and how they refer to each other.
//!
//! References are typed handles ([`AccountRef`], [`RoleRef`], [`PolicyRef`] ...) handed out by the [`Stack`]
//! that owns the items, not names: attaching a policy takes the `PolicyRef` the policy was added with, so a
//! misspelled name cannot silently attach nothing. Names appear once, where an item is declared.
//!
//! Every name, path, description and tag is checked as AWS checks it ([`crate::names`]) when it enters the stack
//! through [`Stack`]'s methods, and so is a name IAM would take for one already in the account (`Troy` and
//! `troy`): a stack built in Rust is refused where a spec saying the same would be.
//!
//! ```
//! # extern crate iamgen_runtime as iamgen;
//! use iamgen::stack::Stack;
//!
//! let stack = Stack::reference_scenario();
//! let role = stack.role_by_name("StuzioAcmeConsultantRole").unwrap();
//! assert_eq!(stack.role_arn(role), "arn:aws:iam::081278057606:role/StuzioAcmeConsultantRole");
//!
//! let mut stack = Stack::new();
//! let acme = stack.add_account("183438944504".parse().unwrap(), "Acme");
//! stack.add_user(acme, "Troy").unwrap();
//! assert!(stack.add_user(acme, "troy").is_err());
//! assert!(stack.add_user(acme, "Troy Smith").is_err());
//! ```

mod bucket;
pub mod cross_account;
#[cfg(feature = "spec")]
#[cfg_attr(docsrs, doc(cfg(feature = "spec")))]
pub mod spec;

use std::collections::{BTreeSet, HashMap};

use crate::names::{
    self, BucketName, GroupName, IamPath, InlinePolicyName, NameError, PolicyDescription,
    PolicyName, PolicyPath, RoleDescription, RoleName, TagKey, TagValue, UserName,
};
use crate::policy::{AccountId, PolicyDocument};

pub use bucket::{
    BucketEncryption, BucketLogging, BucketOrigin, BucketSettings, BucketSettingsError, KmsKey,
    KmsKeyError, LogPrefix, LogPrefixError,
};

/// Why users take no `unmanaged = ["tags"]`, in the words of the error.
pub(crate) const USER_TAGS_UNMANAGED: &str =
    "a stack sets only its owner tag on a user and removes none, so there is nothing to keep";

/// The most tags an IAM role has ("IAM and AWS STS quotas", IAM User Guide).
pub const MAX_TAGS: usize = 50;

/// Why a stack refuses an item: a value AWS would refuse, or a name IAM would take for one already there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StackError {
    /// A name, path, description or tag that AWS does not accept.
    #[error(transparent)]
    Name(#[from] NameError),
    /// A name that IAM takes for one already in the account: IAM ignores case in names.
    #[error(
        "{kind} `{name}` is already in account {account} as `{existing}`; IAM {kind} names are unique within an \
         account, ignoring case"
    )]
    Duplicate {
        /// `user`, `group`, `role` or `policy`.
        kind: &'static str,
        /// The name refused.
        name: String,
        /// The name already there.
        existing: String,
        /// The account's id.
        account: AccountId,
    },
    /// A bucket name already in the stack: bucket names are unique across all of AWS.
    #[error("bucket `{0}` is already in the stack; bucket names are unique across all of AWS")]
    DuplicateBucket(BucketName),
    /// Settings of a bucket that S3 would refuse or that cannot work.
    #[error(transparent)]
    BucketSettings(#[from] BucketSettingsError),
    /// A tag key the role has already, ignoring case as IAM does.
    #[error(
        "role `{role}` already has the tag key `{existing}`, which IAM takes for `{key}`: tag keys of roles \
         ignore case"
    )]
    DuplicateTag {
        /// The role.
        role: String,
        /// The key refused.
        key: String,
        /// The key already there.
        existing: String,
    },
    /// More tags than IAM allows on a role: the role's name (the count is IAM's most, [`MAX_TAGS`]).
    #[error("role `{0}` has {MAX_TAGS} tags already, IAM's most")]
    TooManyTags(String),
    /// A session duration outside IAM's range.
    #[error("max_session_duration {0} is outside 3600 to 43200 seconds")]
    SessionDuration(u32),
    /// A stack name that cannot be the value of the owner tag.
    #[error("{0}; {STACK_NAME_RULE}")]
    StackName(#[source] StackNameError),
    /// A kind of setting a deploy cannot leave unmanaged on this principal (see [`Unmanaged`]).
    #[error("{kind} {name} cannot leave `{what}` unmanaged: {why}")]
    Unmanaged {
        /// `user` or `group`.
        kind: &'static str,
        /// The principal's name.
        name: String,
        /// The setting.
        what: Unmanaged,
        /// Why not.
        why: &'static str,
    },
}

/// What is wrong with a stack name; [`StackError::StackName`] adds the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StackNameError {
    /// The name is empty.
    #[error("the stack name is empty")]
    Empty,
    /// The name is not a valid tag value (the owner tag's), said of the stack name.
    #[error("{}", .0.message().replacen("the tag value", "the stack name", 1))]
    NotATagValue(#[source] NameError),
}

/// The rule of a stack name, for messages.
pub const STACK_NAME_RULE: &str = "a stack name is the value of the `iamgen:stack` tag: 1 to 256 letters, digits, \
                                   spaces and `_.:/=+-@`";

/// Checks a stack name (see [`Stack::set_name`]): what is wrong with it, in rustc's style, otherwise.
pub fn check_stack_name(name: &str) -> Result<(), StackError> {
    if name.is_empty() {
        return Err(StackError::StackName(StackNameError::Empty));
    }
    // The name is a tag value: the tag value's rule, named as what it is here.
    TagValue::check(name)
        .map_err(|error| StackError::StackName(StackNameError::NotATagValue(error)))
}

/// What a deploy leaves alone on a role or user the stack owns, in the spirit of Terraform's
/// `lifecycle { ignore_changes = [...] }`: nothing of that kind is removed, so what someone added by hand stays,
/// while what the stack declares of that kind is still added and kept up to date. A spec says
/// `unmanaged = ["tags", "managed_policies", "inline_policies"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Unmanaged {
    /// Tags the stack does not declare are kept (the owner tag and the declared tags are still set). Roles only:
    /// a stack tags its users with the owner tag alone and removes no user tag.
    Tags,
    /// Managed policies attached outside the stack stay attached, and so do the stack's own policies it no
    /// longer attaches to this principal.
    ManagedPolicies,
    /// Inline policies the stack does not declare are kept.
    InlinePolicies,
}

impl Unmanaged {
    /// Every kind, in the order a spec lists them.
    pub const ALL: [Unmanaged; 3] = [
        Unmanaged::Tags,
        Unmanaged::ManagedPolicies,
        Unmanaged::InlinePolicies,
    ];

    /// The name a spec uses: `tags`, `managed_policies`, `inline_policies`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Unmanaged::Tags => "tags",
            Unmanaged::ManagedPolicies => "managed_policies",
            Unmanaged::InlinePolicies => "inline_policies",
        }
    }

    /// The kind a spec names, if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Unmanaged> {
        Unmanaged::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

impl std::fmt::Display for Unmanaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! handles {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// Only the stack hands out handles, and it never removes an item, so a handle always names an item of the
        /// stack that made it (and of its clones). The accessors ([`Stack::role`], ...) index with it and panic on
        /// a handle of another, smaller stack: taking a handle across stacks is a programming error, and making
        /// them return `Option` would make every caller unwrap a `None` that cannot happen.
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
    /// What a deploy leaves alone on the user (never [`Unmanaged::Tags`]: see [`Stack::leave_unmanaged`]).
    pub unmanaged: BTreeSet<Unmanaged>,
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
    /// What a deploy leaves alone on the role (see [`Unmanaged`]).
    pub unmanaged: BTreeSet<Unmanaged>,
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
    /// Whether the stack creates the bucket, and how, or refers to one that exists already. Values written
    /// here directly are not checked: prefer [`Stack::set_bucket_origin`].
    pub origin: BucketOrigin,
}

impl Bucket {
    /// Whether the bucket exists already and the stack only refers to it ([`BucketOrigin::Existing`]).
    #[must_use]
    pub fn is_existing(&self) -> bool {
        self.origin == BucketOrigin::Existing
    }

    /// The settings the stack creates the bucket with; `None` for a bucket that exists already.
    #[must_use]
    pub fn settings(&self) -> Option<&BucketSettings> {
        match &self.origin {
            BucketOrigin::Created(settings) => Some(settings),
            BucketOrigin::Existing => None,
        }
    }
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
    name: Option<String>,
    /// Codes whose findings the stack accepts (a spec's `allow = [...]`).
    allowed: Vec<String>,
    accounts: Vec<Account>,
    users: Vec<User>,
    groups: Vec<Group>,
    roles: Vec<Role>,
    policies: Vec<ManagedPolicy>,
    buckets: Vec<Bucket>,
    /// The names of users, groups, roles and policies by kind and account, ASCII-lowercased as IAM compares
    /// them, to the name as given: a duplicate is found with one lookup, not a scan of the stack, so building a
    /// stack of N items costs O(N), not O(N²). Kept by the `push_*` methods every item goes through.
    taken_names: HashMap<(&'static str, AccountRef, String), String>,
}

impl Stack {
    /// An empty stack.
    #[must_use]
    pub fn new() -> Self {
        Stack::default()
    }

    /// The stack's name, if it has one: the value of the `iamgen:stack` tag that marks what the stack owns in
    /// its accounts when it is deployed (`iamgen plan` and `apply` use it unless `--stack-name` says otherwise,
    /// and `iamgen` when neither does). Generated Terraform and CloudFormation do not carry it.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Names the stack (see [`Stack::name`]). The name is a tag value: 1 to 256 letters, digits, spaces and
    /// `_.:/=+-@`.
    ///
    /// ```
    /// # extern crate iamgen_runtime as iamgen;
    /// use iamgen::stack::Stack;
    ///
    /// let mut stack = Stack::new();
    /// stack.set_name("payments").unwrap();
    /// assert_eq!(stack.name(), Some("payments"));
    /// assert!(stack.set_name("a,b").is_err());
    /// ```
    pub fn set_name(&mut self, name: impl Into<String>) -> Result<(), StackError> {
        let name = name.into();
        check_stack_name(&name)?;
        self.name = Some(name);
        Ok(())
    }

    /// The codes whose findings the stack accepts (a spec's `allow = [...]`): `generate`, `check` and `plan` leave
    /// them out, as `validate --allow` does.
    #[must_use]
    pub fn allowed(&self) -> &[String] {
        &self.allowed
    }

    /// Accepts the findings with `code` (see [`Stack::allowed`]). A code whose findings mean that AWS refuses
    /// the policy is never left out (see [`crate::codes::is_allowed`]).
    pub fn allow(&mut self, code: impl Into<String>) {
        let code = code.into();
        if !self.allowed.contains(&code) {
            self.allowed.push(code);
        }
    }

    /// Adds an account.
    pub fn add_account(&mut self, id: AccountId, name: impl Into<String>) -> AccountRef {
        self.accounts.push(Account {
            id,
            name: name.into(),
        });
        AccountRef(self.accounts.len() - 1)
    }

    /// The name of this kind already in the account that IAM takes for `name`, as an error.
    fn taken(&self, kind: &'static str, account: AccountRef, name: &str) -> Result<(), StackError> {
        match self
            .taken_names
            .get(&(kind, account, name.to_ascii_lowercase()))
        {
            Some(existing) => Err(StackError::Duplicate {
                kind,
                name: name.to_owned(),
                existing: existing.clone(),
                account: self.account(account).id.clone(),
            }),
            None => Ok(()),
        }
    }

    fn claim(&mut self, kind: &'static str, account: AccountRef, name: &str) {
        self.taken_names
            .entry((kind, account, name.to_ascii_lowercase()))
            .or_insert_with(|| name.to_owned());
    }

    /// Adds a user to an account. The name must be a valid IAM user name, and not one the account has already
    /// (ignoring case, as IAM does).
    pub fn add_user(
        &mut self,
        account: AccountRef,
        name: impl Into<String>,
    ) -> Result<UserRef, StackError> {
        let name = UserName::new(name)?.into_string();
        self.taken("user", account, &name)?;
        Ok(self.push_user(User {
            account,
            name,
            path: "/".to_owned(),
            groups: Vec::new(),
            policies: Vec::new(),
            inline: Vec::new(),
            existing: false,
            unmanaged: BTreeSet::new(),
        }))
    }

    /// Adds a user that exists already in the account (see [`User::existing`]): the stack refers to it and
    /// manages its memberships and policies, not the user itself.
    pub fn add_existing_user(
        &mut self,
        account: AccountRef,
        name: impl Into<String>,
    ) -> Result<UserRef, StackError> {
        let user = self.add_user(account, name)?;
        self.users[user.0].existing = true;
        Ok(user)
    }

    /// Adds a group to an account.
    pub fn add_group(
        &mut self,
        account: AccountRef,
        name: impl Into<String>,
    ) -> Result<GroupRef, StackError> {
        let name = GroupName::new(name)?.into_string();
        self.taken("group", account, &name)?;
        Ok(self.push_group(Group {
            account,
            name,
            path: "/".to_owned(),
            policies: Vec::new(),
            inline: Vec::new(),
        }))
    }

    /// Adds a role with its trust policy to an account.
    pub fn add_role(
        &mut self,
        account: AccountRef,
        name: impl Into<String>,
        trust: PolicyDocument,
    ) -> Result<RoleRef, StackError> {
        let name = RoleName::new(name)?.into_string();
        self.taken("role", account, &name)?;
        Ok(self.push_role(Role {
            account,
            name,
            path: "/".to_owned(),
            description: None,
            max_session_duration: None,
            trust,
            policies: Vec::new(),
            inline: Vec::new(),
            permissions_boundary: None,
            tags: Vec::new(),
            unmanaged: BTreeSet::new(),
        }))
    }

    /// Adds a customer managed policy to an account.
    pub fn add_policy(
        &mut self,
        account: AccountRef,
        name: impl Into<String>,
        document: PolicyDocument,
    ) -> Result<PolicyRef, StackError> {
        let name = PolicyName::new(name)?.into_string();
        self.taken("policy", account, &name)?;
        Ok(self.push_policy(ManagedPolicy {
            account,
            name,
            path: "/".to_owned(),
            description: None,
            document,
        }))
    }

    /// Adds an S3 bucket the stack creates, with the default settings ([`BucketSettings::default`]: versioning
    /// on, SSE-S3), to an account. The name must follow S3's rules and be new to the stack.
    pub fn add_bucket(
        &mut self,
        account: AccountRef,
        name: impl Into<String>,
    ) -> Result<BucketRef, StackError> {
        let name = BucketName::new(name)?;
        if self
            .buckets
            .iter()
            .any(|bucket| bucket.name == name.as_str())
        {
            return Err(StackError::DuplicateBucket(name));
        }
        Ok(self.push_bucket(Bucket {
            account,
            name: name.into_string(),
            origin: BucketOrigin::default(),
        }))
    }

    /// Adds a bucket that exists already in an account: the stack refers to it and never creates, configures
    /// or deletes it (see [`BucketOrigin::Existing`]).
    pub fn add_existing_bucket(
        &mut self,
        account: AccountRef,
        name: impl Into<String>,
    ) -> Result<BucketRef, StackError> {
        let bucket = self.add_bucket(account, name)?;
        self.buckets[bucket.0].origin = BucketOrigin::Existing;
        Ok(bucket)
    }

    /// Sets whether the stack creates a bucket, with which settings, or refers to one that exists already.
    /// A bucket logs into another bucket, and not into one of the stack in another account: S3 delivers
    /// server access logs within an account and region.
    ///
    /// ```
    /// # extern crate iamgen_runtime as iamgen;
    /// use iamgen::names::BucketName;
    /// use iamgen::stack::{BucketLogging, BucketOrigin, BucketSettings, Stack};
    ///
    /// let mut stack = Stack::new();
    /// let account = stack.add_account("081278057606".parse().unwrap(), "Stuzio");
    /// let data = stack.add_bucket(account, "com.stuzio.data").unwrap();
    /// let name = BucketName::new("com.stuzio.data").unwrap();
    /// let logs = BucketName::new("com.stuzio.logs").unwrap();
    /// let settings = BucketSettings { logging: Some(BucketLogging::into_bucket(logs, &name)), ..BucketSettings::default() };
    /// stack.set_bucket_origin(data, BucketOrigin::Created(settings)).unwrap();
    /// assert_eq!(stack.bucket(data).settings().unwrap().logging.as_ref().unwrap().prefix.as_str(), "com.stuzio.data/");
    ///
    /// let itself = BucketSettings { logging: Some(BucketLogging::into_bucket(name.clone(), &name)), ..BucketSettings::default() };
    /// assert!(stack.set_bucket_origin(data, BucketOrigin::Created(itself)).is_err());
    /// ```
    pub fn set_bucket_origin(
        &mut self,
        bucket: BucketRef,
        origin: BucketOrigin,
    ) -> Result<(), StackError> {
        let own = &self.buckets[bucket.0];
        if let BucketOrigin::Created(BucketSettings {
            logging: Some(logging),
            ..
        }) = &origin
        {
            let name = BucketName::new(own.name.clone())?;
            if logging.target == name {
                return Err(BucketSettingsError::LogsIntoItself(name).into());
            }
            if self
                .buckets
                .iter()
                .any(|other| other.name == logging.target.as_str() && other.account != own.account)
            {
                return Err(BucketSettingsError::LogTargetInAnotherAccount {
                    bucket: name,
                    target: logging.target.clone(),
                }
                .into());
            }
        }
        self.buckets[bucket.0].origin = origin;
        Ok(())
    }

    // The `push_*` methods add an item whose every value was checked already, as the `add_*` methods check
    // them (the spec's build, from a checked spec): they check nothing, so they cannot fail.

    fn push_user(&mut self, user: User) -> UserRef {
        self.claim("user", user.account, &user.name);
        self.users.push(user);
        UserRef(self.users.len() - 1)
    }

    fn push_group(&mut self, group: Group) -> GroupRef {
        self.claim("group", group.account, &group.name);
        self.groups.push(group);
        GroupRef(self.groups.len() - 1)
    }

    fn push_role(&mut self, role: Role) -> RoleRef {
        self.claim("role", role.account, &role.name);
        self.roles.push(role);
        RoleRef(self.roles.len() - 1)
    }

    fn push_policy(&mut self, policy: ManagedPolicy) -> PolicyRef {
        self.claim("policy", policy.account, &policy.name);
        self.policies.push(policy);
        PolicyRef(self.policies.len() - 1)
    }

    fn push_bucket(&mut self, bucket: Bucket) -> BucketRef {
        self.buckets.push(bucket);
        BucketRef(self.buckets.len() - 1)
    }

    /// Sets the IAM path of a user, group or role (`/` until set).
    pub fn set_path(
        &mut self,
        principal: impl Into<PrincipalRef>,
        path: impl Into<String>,
    ) -> Result<(), StackError> {
        let path = IamPath::new(path)?.into_string();
        match principal.into() {
            PrincipalRef::User(user) => self.users[user.0].path = path,
            PrincipalRef::Group(group) => self.groups[group.0].path = path,
            PrincipalRef::Role(role) => self.roles[role.0].path = path,
        }
        Ok(())
    }

    /// Sets the path of a managed policy, whose rule is stricter than a principal's (see [`PolicyPath`]).
    pub fn set_policy_path(
        &mut self,
        policy: PolicyRef,
        path: impl Into<String>,
    ) -> Result<(), StackError> {
        self.policies[policy.0].path = PolicyPath::new(path)?.into_string();
        Ok(())
    }

    /// Sets a role's description.
    pub fn set_role_description(
        &mut self,
        role: RoleRef,
        description: impl Into<String>,
    ) -> Result<(), StackError> {
        self.roles[role.0].description = Some(RoleDescription::new(description)?.into_string());
        Ok(())
    }

    /// Sets a managed policy's description.
    pub fn set_policy_description(
        &mut self,
        policy: PolicyRef,
        description: impl Into<String>,
    ) -> Result<(), StackError> {
        self.policies[policy.0].description =
            Some(PolicyDescription::new(description)?.into_string());
        Ok(())
    }

    /// Sets the longest session of a role, 3,600 to 43,200 seconds.
    pub fn set_max_session_duration(
        &mut self,
        role: RoleRef,
        seconds: u32,
    ) -> Result<(), StackError> {
        if !(3_600..=43_200).contains(&seconds) {
            return Err(StackError::SessionDuration(seconds));
        }
        self.roles[role.0].max_session_duration = Some(seconds);
        Ok(())
    }

    /// Adds a tag to a role. IAM ignores case in a role's tag keys, so `Project` and `project` are one key, and
    /// allows 50 tags.
    pub fn add_tag(
        &mut self,
        role: RoleRef,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> Result<(), StackError> {
        let key = TagKey::new(key)?.into_string();
        let value = TagValue::new(value)?.into_string();
        let declared = &mut self.roles[role.0];
        if let Some((existing, _)) = declared
            .tags
            .iter()
            .find(|(existing, _)| existing.to_lowercase() == key.to_lowercase())
        {
            return Err(StackError::DuplicateTag {
                role: declared.name.clone(),
                key,
                existing: existing.clone(),
            });
        }
        if declared.tags.len() >= MAX_TAGS {
            return Err(StackError::TooManyTags(declared.name.clone()));
        }
        declared.tags.push((key, value));
        Ok(())
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
    /// ignoring case, so one of the same name is replaced.
    pub fn add_inline(
        &mut self,
        principal: impl Into<PrincipalRef>,
        policy: InlinePolicy,
    ) -> Result<(), StackError> {
        InlinePolicyName::check(&policy.name)?;
        let list = match principal.into() {
            PrincipalRef::User(user) => &mut self.users[user.0].inline,
            PrincipalRef::Group(group) => &mut self.groups[group.0].inline,
            PrincipalRef::Role(role) => &mut self.roles[role.0].inline,
        };
        match list
            .iter_mut()
            .find(|existing| names::same_iam_name(&existing.name, &policy.name))
        {
            Some(existing) => *existing = policy,
            None => list.push(policy),
        }
        Ok(())
    }

    /// Leaves `what` unmanaged on a role or user: a deploy removes nothing of that kind from it (see
    /// [`Unmanaged`]). Groups take no such setting, and users not [`Unmanaged::Tags`], whose tags a stack never
    /// removes.
    ///
    /// ```
    /// # extern crate iamgen_runtime as iamgen;
    /// use iamgen::stack::{Stack, Unmanaged};
    ///
    /// let mut stack = Stack::reference_scenario();
    /// let role = stack.role_by_name("StuzioAcmeConsultantRole").unwrap();
    /// stack.leave_unmanaged(role, Unmanaged::Tags).unwrap();
    /// assert!(stack.role(role).unmanaged.contains(&Unmanaged::Tags));
    ///
    /// let troy = stack.user_by_name("Troy").unwrap();
    /// assert!(stack.leave_unmanaged(troy, Unmanaged::Tags).is_err());
    /// ```
    pub fn leave_unmanaged(
        &mut self,
        principal: impl Into<PrincipalRef>,
        what: Unmanaged,
    ) -> Result<(), StackError> {
        match principal.into() {
            PrincipalRef::Role(role) => {
                self.roles[role.0].unmanaged.insert(what);
            }
            PrincipalRef::User(user) if what == Unmanaged::Tags => {
                return Err(StackError::Unmanaged {
                    kind: "user",
                    name: self.users[user.0].name.clone(),
                    what,
                    why: USER_TAGS_UNMANAGED,
                });
            }
            PrincipalRef::User(user) => {
                self.users[user.0].unmanaged.insert(what);
            }
            PrincipalRef::Group(group) => {
                return Err(StackError::Unmanaged {
                    kind: "group",
                    name: self.groups[group.0].name.clone(),
                    what,
                    why: "the setting is for roles and users",
                });
            }
        }
        Ok(())
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
    ///
    /// # Panics
    ///
    /// If the handle comes from another stack with fewer items of its kind (see the handle's docs).
    #[must_use]
    pub fn account(&self, account: AccountRef) -> &Account {
        &self.accounts[account.0]
    }

    /// A user.
    ///
    /// # Panics
    ///
    /// If the handle comes from another stack with fewer items of its kind (see the handle's docs).
    #[must_use]
    pub fn user(&self, user: UserRef) -> &User {
        &self.users[user.0]
    }

    /// A user, to change it. Values written here directly are not checked: prefer [`Stack::set_path`] and
    /// [`Stack::add_inline`], which check them as AWS does.
    ///
    /// # Panics
    ///
    /// If the handle comes from another stack with fewer items of its kind (see the handle's docs).
    pub fn user_mut(&mut self, user: UserRef) -> &mut User {
        &mut self.users[user.0]
    }

    /// A group.
    ///
    /// # Panics
    ///
    /// If the handle comes from another stack with fewer items of its kind (see the handle's docs).
    #[must_use]
    pub fn group(&self, group: GroupRef) -> &Group {
        &self.groups[group.0]
    }

    /// A role.
    ///
    /// # Panics
    ///
    /// If the handle comes from another stack with fewer items of its kind (see the handle's docs).
    #[must_use]
    pub fn role(&self, role: RoleRef) -> &Role {
        &self.roles[role.0]
    }

    /// A role, to change it. Values written here directly are not checked: prefer [`Stack::set_path`],
    /// [`Stack::set_role_description`], [`Stack::add_tag`] and the other setters, which check them as AWS does.
    ///
    /// # Panics
    ///
    /// If the handle comes from another stack with fewer items of its kind (see the handle's docs).
    pub fn role_mut(&mut self, role: RoleRef) -> &mut Role {
        &mut self.roles[role.0]
    }

    /// A managed policy.
    ///
    /// # Panics
    ///
    /// If the handle comes from another stack with fewer items of its kind (see the handle's docs).
    #[must_use]
    pub fn policy(&self, policy: PolicyRef) -> &ManagedPolicy {
        &self.policies[policy.0]
    }

    /// A managed policy, to change it. Values written here directly are not checked: prefer
    /// [`Stack::set_policy_path`] and [`Stack::set_policy_description`], which check them as AWS does.
    ///
    /// # Panics
    ///
    /// If the handle comes from another stack with fewer items of its kind (see the handle's docs).
    pub fn policy_mut(&mut self, policy: PolicyRef) -> &mut ManagedPolicy {
        &mut self.policies[policy.0]
    }

    /// A bucket.
    ///
    /// # Panics
    ///
    /// If the handle comes from another stack with fewer items of its kind (see the handle's docs).
    #[must_use]
    pub fn bucket(&self, bucket: BucketRef) -> &Bucket {
        &self.buckets[bucket.0]
    }

    /// A bucket, to change it. Values written here directly are not checked: prefer
    /// [`Stack::set_bucket_origin`], which checks them.
    ///
    /// # Panics
    ///
    /// If the handle comes from another stack with fewer items of its kind (see the handle's docs).
    pub fn bucket_mut(&mut self, bucket: BucketRef) -> &mut Bucket {
        &mut self.buckets[bucket.0]
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

    /// The bucket with this name, if the stack has it.
    #[must_use]
    pub fn bucket_by_name(&self, name: &str) -> Option<BucketRef> {
        self.buckets
            .iter()
            .position(|b| b.name == name)
            .map(BucketRef)
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
        names::role_arn(
            self.account(role.account).id.as_str(),
            &role.path,
            &role.name,
        )
    }

    /// The user's ARN.
    #[must_use]
    pub fn user_arn(&self, user: UserRef) -> String {
        let user = self.user(user);
        names::user_arn(
            self.account(user.account).id.as_str(),
            &user.path,
            &user.name,
        )
    }

    /// The managed policy's ARN.
    #[must_use]
    pub fn policy_arn(&self, policy: PolicyRef) -> String {
        let policy = self.policy(policy);
        names::policy_arn(
            self.account(policy.account).id.as_str(),
            &policy.path,
            &policy.name,
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
        cross_account::CrossAccount::reference_scenario()
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

#[cfg(test)]
mod tests {
    use std::error::Error;

    use super::{Stack, StackError, StackNameError, Unmanaged, check_stack_name};
    use crate::policy::AccountId;

    // The errors hold what was wrong (the name's own error, the bucket's name), not a message made of it; the
    // messages are the ones the variants held as text before.
    #[test]
    fn stack_errors_keep_their_values_and_sources() {
        let empty = check_stack_name("").unwrap_err();
        assert_eq!(empty, StackError::StackName(StackNameError::Empty));
        assert!(empty.to_string().starts_with("the stack name is empty; "));

        let bad = check_stack_name("a\u{1}b").unwrap_err();
        let StackError::StackName(StackNameError::NotATagValue(_)) = &bad else {
            panic!("{bad:?}")
        };
        assert!(bad.source().is_some_and(|source| source.source().is_some()));
        assert!(bad.to_string().starts_with("the stack name "), "{bad}");

        let mut stack = Stack::new();
        let account = stack.add_account(AccountId::parse("123456789012").unwrap(), "A");
        stack.add_bucket(account, "com.example.b").unwrap();
        let duplicate = stack.add_bucket(account, "com.example.b").unwrap_err();
        let StackError::DuplicateBucket(name) = &duplicate else {
            panic!("{duplicate:?}")
        };
        assert_eq!(name.as_str(), "com.example.b");
        assert_eq!(
            duplicate.to_string(),
            "bucket `com.example.b` is already in the stack; bucket names are unique across all of AWS"
        );

        let user = stack.add_user(account, "Troy").unwrap();
        let refused = stack.leave_unmanaged(user, Unmanaged::Tags).unwrap_err();
        assert!(matches!(
            &refused,
            StackError::Unmanaged { kind: "user", name, what: Unmanaged::Tags, .. } if name == "Troy"
        ));
        assert!(
            refused
                .to_string()
                .starts_with("user Troy cannot leave `tags` unmanaged: "),
            "{refused}"
        );
        stack.add_user(account, "Ann").unwrap();
        let Err(StackError::Duplicate { account: id, .. }) = stack.add_user(account, "ann") else {
            panic!("a duplicate")
        };
        assert_eq!(id.as_str(), "123456789012");
    }
}
