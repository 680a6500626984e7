//! What an account holds now: the roles, users, groups, customer managed policies and buckets a stack declares
//! or this stack owns, read through the SDK.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
use aws_sdk_iam::types::{AttachedPolicy, EntityType, Policy, PolicyDetail, Role};

use super::canonical::decode_document;
use super::session::AccountClients;
use super::{DeployError, Missing, OWNER_TAG, failed};
use crate::PolicyDocument;

/// A role as IAM has it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveRole {
    /// Its ARN.
    pub arn: String,
    /// Its path.
    pub path: String,
    /// Its trust policy.
    pub trust: PolicyDocument,
    /// Its description.
    pub description: Option<String>,
    /// Its longest session, in seconds.
    pub max_session_duration: u32,
    /// The ARN of its permissions boundary.
    pub boundary: Option<String>,
    /// Its tags, by key.
    pub tags: BTreeMap<String, String>,
    /// The ARNs of its attached managed policies.
    pub attached: BTreeSet<String>,
    /// Its inline policies, by name.
    pub inline: BTreeMap<String, PolicyDocument>,
}

/// A user as IAM has it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveUser {
    /// Its path.
    pub path: String,
    /// Its tags, by key.
    pub tags: BTreeMap<String, String>,
    /// The groups it is in, by name.
    pub groups: BTreeSet<String>,
    /// The ARNs of its attached managed policies.
    pub attached: BTreeSet<String>,
    /// Its inline policies, by name.
    pub inline: BTreeMap<String, PolicyDocument>,
}

/// A group as IAM has it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveGroup {
    /// Its path.
    pub path: String,
    /// The ARNs of its attached managed policies.
    pub attached: BTreeSet<String>,
    /// Its inline policies, by name.
    pub inline: BTreeMap<String, PolicyDocument>,
}

/// A customer managed policy as IAM has it.
#[derive(Debug, Clone, PartialEq)]
pub struct LivePolicy {
    /// Its ARN.
    pub arn: String,
    /// The document of its default version.
    pub document: PolicyDocument,
    /// Its tags, by key.
    pub tags: BTreeMap<String, String>,
    /// Its versions, oldest first: `(version id, is the default)`.
    pub versions: Vec<(String, bool)>,
}

/// The settings of a bucket the stack creates, as S3 has them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveBucketSettings {
    /// Versioning is on (`Enabled`; not when never set or `Suspended`).
    pub versioning: bool,
    /// The first default encryption rule: the algorithm (`AES256`, `aws:kms` ...), the KMS key as S3 gives it,
    /// and whether the rule uses an S3 Bucket Key; `None` without a default encryption configuration.
    pub encryption: Option<(String, Option<String>, bool)>,
    /// Server access logging: the target bucket and the prefix.
    pub logging: Option<(String, String)>,
}

/// One account's IAM (and S3 buckets), as far as a stack is concerned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveAccount {
    /// Roles the stack declares or this stack owns, by name.
    pub roles: BTreeMap<String, LiveRole>,
    /// Users the stack declares or this stack owns, by name.
    pub users: BTreeMap<String, LiveUser>,
    /// Groups the stack declares, by name.
    pub groups: BTreeMap<String, LiveGroup>,
    /// Customer managed policies the stack declares or this stack owns, by name.
    pub policies: BTreeMap<String, LivePolicy>,
    /// The names of every bucket the account's credentials list.
    pub buckets: BTreeSet<String>,
    /// Of the buckets the stack declares, those whose public access block has all four settings on.
    pub public_access_blocked: BTreeSet<String>,
    /// The settings of the buckets the stack creates and the account has, by name.
    pub bucket_settings: BTreeMap<String, LiveBucketSettings>,
}

/// The names a stack declares in one account, which are read whether or not this stack owns them.
#[derive(Debug, Default)]
pub(crate) struct Declared {
    pub(crate) roles: BTreeSet<String>,
    pub(crate) users: BTreeSet<String>,
    pub(crate) groups: BTreeSet<String>,
    pub(crate) policies: BTreeSet<String>,
    pub(crate) buckets: BTreeSet<String>,
    /// Of `buckets`, those that exist already and are someone else's: their settings are not read.
    pub(crate) existing_buckets: BTreeSet<String>,
}

/// A role's description as a stack holds it: none where IAM has an empty one.
pub(crate) fn role_description(role: &Role) -> Option<String> {
    role.description()
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// A role's maximum session duration in seconds: IAM's default, one hour, where it gives none.
pub(crate) fn role_max_session_duration(role: &Role) -> u32 {
    role.max_session_duration()
        .and_then(|seconds| u32::try_from(seconds).ok())
        .unwrap_or(3_600)
}

fn owned(tags: &BTreeMap<String, String>, stack_name: &str) -> bool {
    tags.get(OWNER_TAG).is_some_and(|value| value == stack_name)
}

/// A document as IAM returned it, read (`what` names it in the error).
pub(crate) fn document(text: &str, what: &str) -> Result<PolicyDocument, DeployError> {
    let decoded = decode_document(text);
    PolicyDocument::from_json(&decoded).map_err(|source| DeployError::Document {
        what: what.to_owned(),
        source,
    })
}

/// The customer managed policy `arn` and the document of its default version (`v1` where IAM names none).
pub(crate) async fn policy_and_default_document(
    iam: &aws_sdk_iam::Client,
    account: &str,
    arn: &str,
) -> Result<(Policy, PolicyDocument), DeployError> {
    let got = iam
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(failed(account, "GetPolicy"))?;
    let policy = got.policy().cloned().ok_or_else(|| {
        DeployError::Missing(Missing::Policy {
            arn: arn.to_owned(),
        })
    })?;
    let version = policy.default_version_id().unwrap_or("v1");
    let got = iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
        .map_err(failed(account, "GetPolicyVersion"))?;
    let text = got
        .policy_version()
        .and_then(|version| version.document())
        .unwrap_or("{}");
    let parsed = document(text, &format!("version {version} of {arn}"))?;
    Ok((policy, parsed))
}

fn tag_map<'t>(tags: impl IntoIterator<Item = (&'t str, &'t str)>) -> BTreeMap<String, String> {
    tags.into_iter()
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

/// A bucket's versioning, default encryption and access logging; S3's "not found" answers are the settings'
/// absence.
async fn bucket_settings(
    clients: &AccountClients,
    account: &str,
    bucket: &str,
) -> Result<LiveBucketSettings, DeployError> {
    let s3 = &clients.s3;
    let versioning = s3
        .get_bucket_versioning()
        .bucket(bucket)
        .send()
        .await
        .map_err(failed(account, "GetBucketVersioning"))?;
    let encryption = match s3
        .get_bucket_encryption()
        .bucket(bucket)
        .send()
        .await
        .map_err(failed(account, "GetBucketEncryption"))
    {
        Ok(output) => output
            .server_side_encryption_configuration()
            .and_then(|configuration| configuration.rules().first())
            .map(|rule| {
                let default = rule.apply_server_side_encryption_by_default();
                (
                    default.map_or_else(String::new, |d| d.sse_algorithm().as_str().to_owned()),
                    default.and_then(|d| d.kms_master_key_id().map(str::to_owned)),
                    rule.bucket_key_enabled().unwrap_or(false),
                )
            }),
        Err(error) if error.is_code("ServerSideEncryptionConfigurationNotFoundError") => None,
        Err(error) => return Err(error),
    };
    let logging = s3
        .get_bucket_logging()
        .bucket(bucket)
        .send()
        .await
        .map_err(failed(account, "GetBucketLogging"))?;
    Ok(LiveBucketSettings {
        versioning: versioning.status()
            == Some(&aws_sdk_s3::types::BucketVersioningStatus::Enabled),
        encryption,
        logging: logging.logging_enabled().map(|enabled| {
            (
                enabled.target_bucket().to_owned(),
                enabled.target_prefix().to_owned(),
            )
        }),
    })
}

/// Whether `bucket`'s public access block has all four settings on; a bucket without one has none on.
async fn public_access_blocked(
    clients: &AccountClients,
    account: &str,
    bucket: &str,
) -> Result<bool, DeployError> {
    match clients
        .s3
        .get_public_access_block()
        .bucket(bucket)
        .send()
        .await
        .map_err(failed(account, "GetPublicAccessBlock"))
    {
        Ok(output) => Ok(output
            .public_access_block_configuration()
            .is_some_and(|config| {
                [
                    config.block_public_acls(),
                    config.ignore_public_acls(),
                    config.block_public_policy(),
                    config.restrict_public_buckets(),
                ]
                .iter()
                .all(|setting| *setting == Some(true))
            })),
        Err(error) if error.is_code("NoSuchPublicAccessBlockConfiguration") => Ok(false),
        Err(error) => Err(error),
    }
}

/// Everything IAM holds in one account, as `iam:GetAccountAuthorizationDetails` pages it: roles, users and
/// groups with their tags, trust, inline and attached policies, and the customer managed policies with their
/// versions. A few calls for the whole account however many roles it holds, where listing roles and then each
/// role's tags would cost one call per role.
async fn authorization_details(
    iam: &aws_sdk_iam::Client,
    account: &str,
) -> Result<Vec<GetAccountAuthorizationDetailsOutput>, DeployError> {
    let mut request = iam.get_account_authorization_details().max_items(1_000);
    for kind in [
        EntityType::Role,
        EntityType::User,
        EntityType::Group,
        EntityType::LocalManagedPolicy,
    ] {
        request = request.filter(kind);
    }
    request
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(failed(account, "GetAccountAuthorizationDetails"))
}

/// Inline policies as `GetAccountAuthorizationDetails` lists them, by name; `whose` names their holder.
fn inline_documents(
    list: &[PolicyDetail],
    whose: &str,
) -> Result<BTreeMap<String, PolicyDocument>, DeployError> {
    list.iter()
        .filter_map(|policy| Some((policy.policy_name()?, policy.policy_document()?)))
        .map(|(name, text)| {
            let parsed = document(text, &format!("the inline policy {name} of {whose}"))?;
            Ok((name.to_owned(), parsed))
        })
        .collect()
}

fn attached_arns(list: &[AttachedPolicy]) -> BTreeSet<String> {
    list.iter()
        .filter_map(|policy| policy.policy_arn().map(str::to_owned))
        .collect()
}

/// Reads what `declared` names in the account of `clients`, and whatever else carries this stack's owner tag.
///
/// The account is read whole in a few paged calls (see [`authorization_details`]); then only the stack's own
/// roles cost a call each (`GetRole`: their description and session duration are not in the details), and each
/// customer managed policy one (`ListPolicyTags`: IAM lists no policy's tags in bulk).
pub(crate) async fn read_account(
    clients: &AccountClients,
    account: &str,
    declared: &Declared,
    stack_name: &str,
) -> Result<LiveAccount, DeployError> {
    let iam = &clients.iam;
    let mut live = LiveAccount::default();
    let pages = authorization_details(iam, account).await?;
    let reader = Reader {
        iam,
        account,
        pages: &pages,
        declared,
        stack_name,
    };
    reader.roles(&mut live).await?;
    reader.policies(&mut live).await?;
    reader.users(&mut live)?;
    reader.groups(&mut live)?;

    if !declared.buckets.is_empty() {
        let buckets = clients
            .s3
            .list_buckets()
            .send()
            .await
            .map_err(failed(account, "ListBuckets"))?;
        live.buckets = buckets
            .buckets()
            .iter()
            .filter_map(|bucket| bucket.name().map(str::to_owned))
            .collect();
        for bucket in declared
            .buckets
            .intersection(&live.buckets)
            .filter(|bucket| !declared.existing_buckets.contains(*bucket))
        {
            if public_access_blocked(clients, account, bucket).await? {
                live.public_access_blocked.insert(bucket.clone());
            }
            live.bucket_settings.insert(
                bucket.clone(),
                bucket_settings(clients, account, bucket).await?,
            );
        }
    }
    Ok(live)
}

/// One account's read, past its paged details: what the read of each kind of item takes.
struct Reader<'a> {
    iam: &'a aws_sdk_iam::Client,
    account: &'a str,
    pages: &'a [GetAccountAuthorizationDetailsOutput],
    declared: &'a Declared,
    stack_name: &'a str,
}

impl<'a> Reader<'a> {
    /// One list of the details (`role_detail_list` ...), over every page.
    fn details<T: 'a>(
        &self,
        list: fn(&GetAccountAuthorizationDetailsOutput) -> &[T],
    ) -> impl Iterator<Item = &'a T> {
        self.pages.iter().flat_map(list)
    }

    /// The name and tags of an item the stack declares (its name in `declared`) or owns (by its tags); `None`
    /// for any other, which the plan leaves alone.
    fn ours<'n>(
        &self,
        name: Option<&'n str>,
        tags: &[aws_sdk_iam::types::Tag],
        declared: &BTreeSet<String>,
    ) -> Option<(&'n str, BTreeMap<String, String>)> {
        let name = name?;
        let tags = tag_map(tags.iter().map(|tag| (tag.key(), tag.value())));
        (declared.contains(name) || owned(&tags, self.stack_name)).then_some((name, tags))
    }

    /// The roles `declared` names or this stack owns, with what `GetRole` adds to the details.
    async fn roles(&self, live: &mut LiveAccount) -> Result<(), DeployError> {
        let (iam, account) = (self.iam, self.account);
        for role in self.details(GetAccountAuthorizationDetailsOutput::role_detail_list) {
            let Some((name, tags)) = self.ours(role.role_name(), role.tags(), &self.declared.roles)
            else {
                continue;
            };
            let detail = iam
                .get_role()
                .role_name(name)
                .send()
                .await
                .map_err(failed(account, "GetRole"))?;
            let Some(detail) = detail.role() else {
                continue;
            };
            let trust = document(
                role.assume_role_policy_document().unwrap_or("{}"),
                &format!("the trust policy of role {name}"),
            )?;
            live.roles.insert(
                name.to_owned(),
                LiveRole {
                    arn: detail.arn().to_owned(),
                    path: detail.path().to_owned(),
                    trust,
                    description: role_description(detail),
                    max_session_duration: role_max_session_duration(detail),
                    boundary: role
                        .permissions_boundary()
                        .and_then(|boundary| boundary.permissions_boundary_arn())
                        .map(str::to_owned),
                    tags,
                    attached: attached_arns(role.attached_managed_policies()),
                    inline: inline_documents(role.role_policy_list(), &format!("role {name}"))?,
                },
            );
        }
        Ok(())
    }

    /// The customer managed policies `declared` names or this stack owns (their tags one call each).
    async fn policies(&self, live: &mut LiveAccount) -> Result<(), DeployError> {
        let (iam, account) = (self.iam, self.account);
        for policy in self.details(GetAccountAuthorizationDetailsOutput::policies) {
            let Some(arn) = policy.arn() else {
                continue;
            };
            // The name is the ARN's last segment (an emulator may leave `PolicyName` out).
            let name = policy
                .policy_name()
                .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn));
            let tags = iam
                .list_policy_tags()
                .policy_arn(arn)
                .send()
                .await
                .map_err(failed(account, "ListPolicyTags"))?;
            let Some((name, tags)) = self.ours(Some(name), tags.tags(), &self.declared.policies)
            else {
                continue;
            };
            let mut versions: Vec<_> = policy
                .policy_version_list()
                .iter()
                .map(|version| {
                    (
                        version
                            .create_date()
                            .map(aws_sdk_iam::primitives::DateTime::as_nanos),
                        version.version_id().unwrap_or_default().to_owned(),
                        version.is_default_version(),
                        version.document(),
                    )
                })
                .collect();
            // Oldest first: by creation date, then by the number in `v7`.
            versions.sort_by_key(|(date, id, _, _)| {
                (
                    *date,
                    id.trim_start_matches('v').parse::<u64>().unwrap_or(0),
                )
            });
            let default = versions
                .iter()
                .find(|(_, id, default, _)| *default || policy.default_version_id() == Some(id))
                .and_then(|(_, _, _, text)| *text)
                .unwrap_or("{}");
            live.policies.insert(
                name.to_owned(),
                LivePolicy {
                    arn: arn.to_owned(),
                    document: document(default, &format!("the policy {name}"))?,
                    tags,
                    versions: versions
                        .into_iter()
                        .map(|(_, id, default, _)| (id, default))
                        .collect(),
                },
            );
        }
        Ok(())
    }

    /// The users `declared` names or this stack owns.
    fn users(&self, live: &mut LiveAccount) -> Result<(), DeployError> {
        for user in self.details(GetAccountAuthorizationDetailsOutput::user_detail_list) {
            let Some((name, tags)) = self.ours(user.user_name(), user.tags(), &self.declared.users)
            else {
                continue;
            };
            live.users.insert(
                name.to_owned(),
                LiveUser {
                    path: user.path().unwrap_or("/").to_owned(),
                    tags,
                    groups: user.group_list().iter().cloned().collect(),
                    attached: attached_arns(user.attached_managed_policies()),
                    inline: inline_documents(user.user_policy_list(), &format!("user {name}"))?,
                },
            );
        }
        Ok(())
    }

    /// The groups `declared` names: IAM groups take no tags, so no other group is read (and none is ever deleted).
    fn groups(&self, live: &mut LiveAccount) -> Result<(), DeployError> {
        for group in self.details(GetAccountAuthorizationDetailsOutput::group_detail_list) {
            let Some(name) = group.group_name() else {
                continue;
            };
            if !self.declared.groups.contains(name) {
                continue;
            }
            live.groups.insert(
                name.to_owned(),
                LiveGroup {
                    path: group.path().unwrap_or("/").to_owned(),
                    attached: attached_arns(group.attached_managed_policies()),
                    inline: inline_documents(group.group_policy_list(), &format!("group {name}"))?,
                },
            );
        }
        Ok(())
    }
}
