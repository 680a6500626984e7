//! The cross-account pattern, declared once: a role in the trusting account, trusted by one or more other
//! accounts, and the permission to assume it on the principals of those accounts that need it. Both halves are
//! built from one declaration, so they cannot disagree.

use super::{
    AccountRef, BucketEncryption, BucketLogging, BucketOrigin, BucketSettings, KmsKey, Stack,
    StackError,
};
use crate::names::{
    BucketName, ExternalId, GroupName, IamPath, NameError, PolicyName, RoleDescription, RoleName,
    TagKey, TagValue, UserName,
};
use crate::policy::{
    AccountId, Action, ActionElement, Condition, ConditionBlock, ConditionValue, ConditionValues,
    Effect, OneOrMany, Operator, OperatorBase, PolicyDocument, Principal, PrincipalElement,
    PrincipalKind, Resource, ResourceElement, Statement, Version,
};

/// An account of the pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    /// Its twelve-digit id.
    pub id: AccountId,
    /// A name for people (`Stuzio`).
    pub name: String,
}

/// The role the trusted principals assume.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleSpec {
    /// The role name.
    pub name: String,
    /// The IAM path, `/` by default.
    pub path: String,
    /// A description for people.
    pub description: Option<String>,
    /// The longest session in seconds, 3,600 to 43,200.
    pub max_session_duration: Option<u32>,
    /// A permissions boundary: a managed policy of the trusting account, by name and document.
    pub permissions_boundary: Option<(String, PolicyDocument)>,
    /// Tags, in order.
    pub tags: Vec<(String, String)>,
}

/// A bucket of the trusting account: one the pattern creates, with its settings, or one that exists already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketSpec {
    /// The bucket's name.
    pub name: String,
    /// Whether the pattern creates it, and how, or refers to it.
    pub origin: BucketOrigin,
}

impl BucketSpec {
    /// A bucket the pattern creates with the default settings (versioning on, SSE-S3).
    #[must_use]
    pub fn created(name: impl Into<String>) -> BucketSpec {
        BucketSpec {
            name: name.into(),
            origin: BucketOrigin::default(),
        }
    }

    /// A bucket that exists already: the pattern refers to it and never creates or changes it.
    #[must_use]
    pub fn existing(name: impl Into<String>) -> BucketSpec {
        BucketSpec {
            name: name.into(),
            origin: BucketOrigin::Existing,
        }
    }
}

/// Who in a trusted account may assume the role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assumers {
    /// These users (created in the trusted account), each holding the assume-role policy.
    Users(Vec<String>),
    /// A group (created in the trusted account) holding the assume-role policy, with these users in it.
    Group {
        /// The group's name.
        name: String,
        /// Its members, created with it.
        members: Vec<String>,
    },
    /// The trusted account decides: the trust admits the account, and the pattern creates no principals there.
    WholeAccount,
}

/// One trusted account and who there may assume the role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedSpec {
    /// The account.
    pub account: AccountSpec,
    /// Who may assume the role.
    pub assumers: Assumers,
    /// The name of the managed policy, in this account, that allows `sts:AssumeRole` on the role.
    pub assume_policy_name: String,
    /// The `Sid` of that policy's statement; `Assume` and the role's name when `None`.
    pub assume_sid: Option<String>,
    /// The users exist already in this account (see [`User::existing`](super::User::existing)): the pattern
    /// gives them the assume-role policy or puts them in the group, and does not create them. IAM users carry
    /// long-term credentials; where an identity account or another stack manages them, this stack should not.
    pub existing_users: bool,
}

/// The cross-account pattern: the trusting side (role, permissions, buckets) and the trusted side.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossAccount {
    /// The account that owns the data and the role.
    pub trusting: AccountSpec,
    /// The accounts whose principals assume the role.
    pub trusted: Vec<TrustedSpec>,
    /// The role.
    pub role: RoleSpec,
    /// Managed policies of the trusting account attached to the role, by name.
    pub permissions: Vec<(String, PolicyDocument)>,
    /// S3 buckets of the trusting account: created by the pattern, or existing ones it refers to.
    pub buckets: Vec<BucketSpec>,
    /// Require this `sts:ExternalId` (for third parties: the confused-deputy problem).
    pub external_id: Option<String>,
    /// Require MFA (`aws:MultiFactorAuthPresent`) for people assuming the role.
    pub require_mfa: bool,
    /// Narrow the trust from whole accounts to the named users, who become the trust's principals.
    pub narrow_to_principals: bool,
    /// Narrow the trust to the named users with an `ArnEquals aws:PrincipalArn` condition. The principal stays
    /// the account (unless `narrow_to_principals`), so the users need not exist before the role and a user
    /// recreated under the same name is admitted again; scanners that read only `Principal` (checkov
    /// `CKV_AWS_61`) do not see this narrowing.
    pub narrow_with_principal_arn: bool,
}

/// Why a pattern cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    /// No trusted account.
    #[error("the pattern trusts no account: add at least one trusted account")]
    NoTrustedAccount,
    /// The trusting account is also a trusted one.
    #[error(
        "account {0} is both the trusting and a trusted account; within one account, use a role without this pattern"
    )]
    SameAccount(AccountId),
    /// A session duration outside IAM's range.
    #[error("max_session_duration {0} is outside 3600 to 43200 seconds")]
    SessionDuration(u32),
    /// Principal narrowing asked for, but an account has no named principals.
    #[error(
        "narrowing the trust to named principals needs users or a group in account {0}, not the whole account"
    )]
    NothingToNarrowTo(AccountId),
    /// A name, path, description, tag or external id AWS would refuse, or a name IAM would take for another.
    #[error(transparent)]
    Stack(#[from] StackError),
}

impl From<NameError> for PatternError {
    fn from(error: NameError) -> Self {
        PatternError::Stack(StackError::Name(error))
    }
}

fn allow(
    sid: &str,
    actions: OneOrMany<Action>,
    resources: Option<OneOrMany<Resource>>,
) -> Statement {
    Statement {
        sid: Some(sid.to_owned()),
        effect: Effect::Allow,
        principal: None,
        action: ActionElement::Action(actions),
        resource: resources.map(ResourceElement::Resource),
        condition: None,
    }
}

fn one_or_many<T>(mut values: Vec<T>) -> OneOrMany<T> {
    if values.len() == 1 {
        OneOrMany::One(values.remove(0))
    } else {
        OneOrMany::Many(values)
    }
}

fn condition_entry(base: OperatorBase, key: &str, values: Vec<ConditionValue>) -> ConditionBlock {
    ConditionBlock {
        operator: Operator::plain(base),
        entries: vec![ConditionValues {
            key: key.to_owned(),
            values: one_or_many(values),
        }],
    }
}

impl CrossAccount {
    /// The ARN the role will have.
    #[must_use]
    pub fn role_arn(&self) -> String {
        crate::names::role_arn(self.trusting.id.as_str(), &self.role.path, &self.role.name)
    }

    /// The ARNs of the users the trust narrows to, when it narrows; empty otherwise.
    fn named_users(&self) -> Result<Vec<String>, PatternError> {
        if !self.narrow_to_principals && !self.narrow_with_principal_arn {
            return Ok(Vec::new());
        }
        let mut arns = Vec::new();
        for trusted in &self.trusted {
            let users = match &trusted.assumers {
                Assumers::Users(users) => users,
                Assumers::Group { members, .. } => members,
                Assumers::WholeAccount => {
                    return Err(PatternError::NothingToNarrowTo(trusted.account.id.clone()));
                }
            };
            arns.extend(
                users
                    .iter()
                    .map(|user| crate::names::user_arn(trusted.account.id.as_str(), "/", user)),
            );
        }
        Ok(arns)
    }

    /// Checks every name, path, description, tag and the external id as AWS checks them, so that neither the
    /// trust nor the stack is made of values AWS refuses.
    fn check_names(&self) -> Result<(), PatternError> {
        RoleName::check(&self.role.name)?;
        IamPath::check(&self.role.path)?;
        if let Some(description) = &self.role.description {
            RoleDescription::check(description)?;
        }
        for (key, value) in &self.role.tags {
            TagKey::check(key)?;
            TagValue::check(value)?;
        }
        if let Some((name, _)) = &self.role.permissions_boundary {
            PolicyName::check(name)?;
        }
        for (name, _) in &self.permissions {
            PolicyName::check(name)?;
        }
        for bucket in &self.buckets {
            BucketName::check(&bucket.name)?;
        }
        if let Some(external_id) = &self.external_id {
            ExternalId::check(external_id)?;
        }
        for trusted in &self.trusted {
            let users = match &trusted.assumers {
                Assumers::Users(users) => users.as_slice(),
                Assumers::Group { name, members } => {
                    GroupName::check(name)?;
                    members.as_slice()
                }
                Assumers::WholeAccount => continue,
            };
            PolicyName::check(&trusted.assume_policy_name)?;
            for user in users {
                UserName::check(user)?;
            }
        }
        Ok(())
    }

    /// The trust policy: the trusted accounts (as their root, meaning "principals of that account whose own
    /// policies allow it"), with the conditions asked for.
    pub fn trust_policy(&self) -> Result<PolicyDocument, PatternError> {
        self.check_names()?;
        // Narrowed, the principals are the named users themselves rather than the account root qualified by an
        // `aws:PrincipalArn` condition: IAM then pins each to the user's unique id, so a user deleted and
        // recreated under the same name is not trusted until the trust is reapplied, and scanners that read only
        // `Principal` (checkov CKV_AWS_61) see the narrowing. The users must exist before the role: Terraform
        // orders that through the references, CloudFormation by deploying the trusted accounts first.
        let named_users = self.named_users()?;
        let principals: Vec<String> = if self.narrow_to_principals {
            named_users.clone()
        } else {
            self.trusted
                .iter()
                .map(|trusted| trusted.account.id.root_arn("aws"))
                .collect()
        };
        let mut blocks = Vec::new();
        if let Some(external_id) = &self.external_id {
            blocks.push(condition_entry(
                OperatorBase::StringEquals,
                "sts:ExternalId",
                vec![ConditionValue::String(external_id.clone())],
            ));
        }
        if self.narrow_with_principal_arn {
            blocks.push(condition_entry(
                OperatorBase::ArnEquals,
                "aws:PrincipalArn",
                named_users
                    .into_iter()
                    .map(ConditionValue::String)
                    .collect(),
            ));
        }
        if self.require_mfa {
            blocks.push(condition_entry(
                OperatorBase::Bool,
                "aws:MultiFactorAuthPresent",
                vec![ConditionValue::String("true".to_owned())],
            ));
        }
        Ok(PolicyDocument {
            version: Some(Version::V2012_10_17),
            id: None,
            statement: OneOrMany::Many(vec![Statement {
                sid: None,
                effect: Effect::Allow,
                principal: Some(PrincipalElement::Principal(Principal::Map(vec![(
                    PrincipalKind::Aws,
                    one_or_many(principals),
                )]))),
                action: ActionElement::Action(OneOrMany::One(Action::new("sts:AssumeRole"))),
                resource: None,
                condition: (!blocks.is_empty()).then_some(Condition(blocks)),
            }]),
        })
    }

    /// The policy the trusted principals hold: `sts:AssumeRole` on the role, and nothing else.
    #[must_use]
    pub fn assume_policy(&self, trusted: &TrustedSpec) -> PolicyDocument {
        let sid = trusted.assume_sid.clone().unwrap_or_else(|| {
            format!(
                "Assume{}",
                self.role
                    .name
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
            )
        });
        PolicyDocument {
            version: Some(Version::V2012_10_17),
            id: None,
            statement: OneOrMany::Many(vec![allow(
                &sid,
                OneOrMany::One(Action::new("sts:AssumeRole")),
                // The path is any printable ASCII: `*`, `?` and `${` in it must name themselves, not a pattern.
                Some(OneOrMany::One(Resource::new(
                    crate::escape::policy_literal(&self.role_arn()).into_owned(),
                ))),
            )]),
        }
    }

    /// Both halves as one stack: the trusting account with its buckets, policies and role; each trusted account
    /// with its principals and the policy that lets them assume the role.
    pub fn build(&self) -> Result<Stack, PatternError> {
        if self.trusted.is_empty() {
            return Err(PatternError::NoTrustedAccount);
        }
        if let Some(same) = self
            .trusted
            .iter()
            .find(|trusted| trusted.account.id == self.trusting.id)
        {
            return Err(PatternError::SameAccount(same.account.id.clone()));
        }
        if let Some(seconds) = self.role.max_session_duration
            && !(3_600..=43_200).contains(&seconds)
        {
            return Err(PatternError::SessionDuration(seconds));
        }
        self.check_names()?;
        let mut stack = Stack::new();
        let trusting = stack.add_account(self.trusting.id.clone(), &self.trusting.name);
        for bucket in &self.buckets {
            let added = stack.add_bucket(trusting, &bucket.name)?;
            stack.set_bucket_origin(added, bucket.origin.clone())?;
        }
        let role = stack.add_role(trusting, &self.role.name, self.trust_policy()?)?;
        stack.set_path(role, &self.role.path)?;
        if let Some(description) = &self.role.description {
            stack.set_role_description(role, description)?;
        }
        if let Some(seconds) = self.role.max_session_duration {
            stack.set_max_session_duration(role, seconds)?;
        }
        for (key, value) in &self.role.tags {
            stack.add_tag(role, key, value)?;
        }
        if let Some((name, document)) = &self.role.permissions_boundary {
            let boundary = stack.add_policy(trusting, name, document.clone())?;
            stack.role_mut(role).permissions_boundary = Some(boundary);
        }
        for (name, document) in &self.permissions {
            let policy = stack.add_policy(trusting, name, document.clone())?;
            stack.attach(role, policy);
        }
        for trusted in &self.trusted {
            let account: AccountRef =
                stack.add_account(trusted.account.id.clone(), &trusted.account.name);
            let document = self.assume_policy(trusted);
            let add_user = |stack: &mut Stack, account, name: &String| {
                if trusted.existing_users {
                    stack.add_existing_user(account, name)
                } else {
                    stack.add_user(account, name)
                }
            };
            match &trusted.assumers {
                Assumers::Users(users) => {
                    let policy =
                        stack.add_policy(account, &trusted.assume_policy_name, document)?;
                    for user in users {
                        let user = add_user(&mut stack, account, user)?;
                        stack.attach(user, policy);
                    }
                }
                Assumers::Group { name, members } => {
                    let policy =
                        stack.add_policy(account, &trusted.assume_policy_name, document)?;
                    let group = stack.add_group(account, name)?;
                    stack.attach(group, policy);
                    for member in members {
                        let user = add_user(&mut stack, account, member)?;
                        stack.add_to_group(user, group);
                    }
                }
                Assumers::WholeAccount => {}
            }
        }
        Ok(stack)
    }
}

impl CrossAccount {
    /// The reference scenario of `scenario.md` as a pattern: Stuzio trusts Acme; Troy in Acme may assume
    /// `StuzioAcmeConsultantRole`, which has full access to `com.stuzio.projectx`. The bucket holds Stuzio's
    /// data before any of this exists: the pattern refers to it and does not create it.
    #[must_use]
    pub fn reference_scenario() -> CrossAccount {
        // The scenario's ids and names are fixed text, pinned by tests against `scenario.md`'s policies.
        let id = |text: &str| {
            AccountId::parse(text).unwrap_or_else(|_| unreachable!("the scenario's ids are valid"))
        };
        let bucket = "com.stuzio.projectx";
        let project_x = PolicyDocument {
            version: Some(Version::V2012_10_17),
            id: None,
            statement: OneOrMany::Many(vec![
                allow(
                    "FullAccessToProjectX",
                    OneOrMany::One(Action::new("s3:*")),
                    Some(OneOrMany::Many(vec![
                        Resource::new(format!("arn:aws:s3:::{bucket}")),
                        Resource::new(format!("arn:aws:s3:::{bucket}/*")),
                    ])),
                ),
                allow(
                    "ListAllBuckets",
                    OneOrMany::One(Action::new("s3:ListAllMyBuckets")),
                    Some(OneOrMany::One(Resource::new("*"))),
                ),
            ]),
        };
        CrossAccount {
            trusting: AccountSpec {
                id: id("081278057606"),
                name: "Stuzio".to_owned(),
            },
            trusted: vec![TrustedSpec {
                account: AccountSpec {
                    id: id("183438944504"),
                    name: "Acme".to_owned(),
                },
                assumers: Assumers::Users(vec!["Troy".to_owned()]),
                assume_policy_name: "AcmeClientAssumeRolePolicy".to_owned(),
                assume_sid: Some("StuzioClientAssumeRolePolicy".to_owned()),
                existing_users: false,
            }],
            role: RoleSpec {
                name: "StuzioAcmeConsultantRole".to_owned(),
                path: "/".to_owned(),
                description: None,
                max_session_duration: None,
                permissions_boundary: None,
                tags: Vec::new(),
            },
            permissions: vec![("StuzioProjectXPolicy".to_owned(), project_x)],
            buckets: vec![BucketSpec::existing(bucket)],
            external_id: None,
            require_mfa: false,
            narrow_to_principals: false,
            narrow_with_principal_arn: false,
        }
    }
}

impl CrossAccount {
    /// The KMS key the hardened scenario's bucket encrypts its objects with.
    pub const HARDENED_KMS_KEY: &str =
        "arn:aws:kms:us-east-1:081278057606:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    /// The reference scenario hardened as users of the pattern expect: an `sts:ExternalId`, MFA, the trust
    /// narrowed to the named principals, a permissions boundary, two consultants (users that exist already in
    /// Acme) through a group, the object-level actions a consultant needs instead of `s3:*`, a description,
    /// tags and a two-hour session. The pattern creates the bucket, with the settings scanners ask for:
    /// versioning, default encryption with a KMS key of Stuzio's (which the role's policies let it use), and
    /// access logs in `com.stuzio.logs`.
    #[must_use]
    pub fn hardened_scenario() -> CrossAccount {
        let mut pattern = CrossAccount::reference_scenario();
        let bucket = pattern.buckets[0].name.clone();
        pattern.buckets[0] = hardened_bucket(&bucket);
        let key = CrossAccount::HARDENED_KMS_KEY;
        let statement = |sid: &str, actions: &[&str], resources: Vec<String>| {
            allow(
                sid,
                one_or_many(actions.iter().map(|action| Action::new(*action)).collect()),
                Some(one_or_many(
                    resources.into_iter().map(Resource::new).collect(),
                )),
            )
        };
        let document = |statements: Vec<Statement>| PolicyDocument {
            version: Some(Version::V2012_10_17),
            id: None,
            statement: OneOrMany::Many(statements),
        };
        pattern.permissions = vec![(
            "StuzioProjectXPolicy".to_owned(),
            document(vec![
                statement(
                    "ListProjectX",
                    &["s3:ListBucket"],
                    vec![format!("arn:aws:s3:::{bucket}")],
                ),
                statement(
                    "ReadWriteProjectXObjects",
                    &["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    vec![format!("arn:aws:s3:::{bucket}/*")],
                ),
                // The objects are encrypted with the key: reading and writing them uses it.
                statement(
                    "UseProjectXKey",
                    &["kms:Decrypt", "kms:GenerateDataKey"],
                    vec![key.to_owned()],
                ),
            ]),
        )];
        pattern.role.description = Some("Acme consultants working on project X".to_owned());
        pattern.role.max_session_duration = Some(7_200);
        pattern.role.tags = vec![
            ("project".to_owned(), "x".to_owned()),
            ("owner".to_owned(), "stuzio-platform".to_owned()),
        ];
        pattern.role.permissions_boundary = Some((
            "StuzioConsultantBoundary".to_owned(),
            document(vec![
                statement(
                    "OnlyProjectX",
                    &[
                        "s3:ListBucket",
                        "s3:GetObject",
                        "s3:PutObject",
                        "s3:DeleteObject",
                    ],
                    vec![
                        format!("arn:aws:s3:::{bucket}"),
                        format!("arn:aws:s3:::{bucket}/*"),
                    ],
                ),
                statement(
                    "OnlyProjectXKey",
                    &["kms:Decrypt", "kms:GenerateDataKey"],
                    vec![key.to_owned()],
                ),
            ]),
        ));
        pattern.trusted[0].assumers = Assumers::Group {
            name: "StuzioConsultants".to_owned(),
            members: vec!["Troy".to_owned(), "Dana".to_owned()],
        };
        // The consultants' users are Acme's to manage: the pattern refers to them and creates no IAM users.
        pattern.trusted[0].existing_users = true;
        pattern.external_id = Some("stuzio-acme-projectx".to_owned());
        pattern.require_mfa = true;
        pattern.narrow_to_principals = true;
        pattern
    }
}

/// The hardened scenario's bucket: created by the pattern, versioned, encrypted with Stuzio's KMS key, logging
/// into `com.stuzio.logs`.
fn hardened_bucket(bucket: &str) -> BucketSpec {
    let valid = "the hardened scenario's names and key are valid";
    let name = BucketName::new(bucket).unwrap_or_else(|_| unreachable!("{valid}"));
    let logs = BucketName::new("com.stuzio.logs").unwrap_or_else(|_| unreachable!("{valid}"));
    let key =
        KmsKey::new(CrossAccount::HARDENED_KMS_KEY).unwrap_or_else(|_| unreachable!("{valid}"));
    BucketSpec {
        name: bucket.to_owned(),
        origin: BucketOrigin::Created(BucketSettings {
            versioning: true,
            encryption: BucketEncryption::Kms { key: Some(key) },
            logging: Some(BucketLogging::into_bucket(logs, &name)),
        }),
    }
}
