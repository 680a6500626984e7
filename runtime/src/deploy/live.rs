//! What an account holds now: the roles, users, groups, customer managed policies and buckets a stack declares
//! or this stack owns, read through the SDK.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::types::{PolicyScopeType, Role};

use super::canonical::decode_document;
use super::session::AccountClients;
use super::{DeployError, OWNER_TAG, failed};
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
}

/// The names a stack declares in one account, which are read whether or not this stack owns them.
#[derive(Debug, Default)]
pub(crate) struct Declared {
    pub(crate) roles: BTreeSet<String>,
    pub(crate) users: BTreeSet<String>,
    pub(crate) groups: BTreeSet<String>,
    pub(crate) policies: BTreeSet<String>,
    pub(crate) buckets: BTreeSet<String>,
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
    PolicyDocument::from_json(&decoded).map_err(|error| DeployError::Document {
        what: what.to_owned(),
        message: error.to_string(),
    })
}

fn tag_map<'t>(tags: impl IntoIterator<Item = (&'t str, &'t str)>) -> BTreeMap<String, String> {
    tags.into_iter()
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

/// The inline policies of the role `name`, by name.
pub(crate) async fn role_inline_policies(
    iam: &aws_sdk_iam::Client,
    account: &str,
    name: &str,
) -> Result<BTreeMap<String, PolicyDocument>, DeployError> {
    let names = iam
        .list_role_policies()
        .role_name(name)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(failed(account, "ListRolePolicies"))?;
    let mut inline = BTreeMap::new();
    for policy in names {
        let got = iam
            .get_role_policy()
            .role_name(name)
            .policy_name(&policy)
            .send()
            .await
            .map_err(failed(account, "GetRolePolicy"))?;
        let parsed = document(
            got.policy_document(),
            &format!("the inline policy {policy} of role {name}"),
        )?;
        inline.insert(policy, parsed);
    }
    Ok(inline)
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

/// Reads what `declared` names in the account of `clients`, and whatever else carries this stack's owner tag.
#[allow(
    clippy::too_many_lines,
    reason = "one section per kind of item, in the order they are read"
)]
pub(crate) async fn read_account(
    clients: &AccountClients,
    account: &str,
    declared: &Declared,
    stack_name: &str,
) -> Result<LiveAccount, DeployError> {
    let iam = &clients.iam;
    let mut live = LiveAccount::default();

    // Roles: those declared, and those this stack tagged (to delete the ones no longer declared).
    let roles = iam
        .list_roles()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(failed(account, "ListRoles"))?;
    for role in roles {
        let name = role.role_name().to_owned();
        let tags = iam
            .list_role_tags()
            .role_name(&name)
            .send()
            .await
            .map_err(failed(account, "ListRoleTags"))?;
        let tags = tag_map(tags.tags().iter().map(|tag| (tag.key(), tag.value())));
        if !declared.roles.contains(&name) && !owned(&tags, stack_name) {
            continue;
        }
        let detail = iam
            .get_role()
            .role_name(&name)
            .send()
            .await
            .map_err(failed(account, "GetRole"))?;
        let Some(detail) = detail.role() else {
            continue;
        };
        let trust = document(
            detail.assume_role_policy_document().unwrap_or("{}"),
            &format!("the trust policy of role {name}"),
        )?;
        let attached = iam
            .list_attached_role_policies()
            .role_name(&name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(failed(account, "ListAttachedRolePolicies"))?
            .iter()
            .filter_map(|policy| policy.policy_arn().map(str::to_owned))
            .collect();
        let inline = role_inline_policies(iam, account, &name).await?;
        live.roles.insert(
            name,
            LiveRole {
                arn: detail.arn().to_owned(),
                path: detail.path().to_owned(),
                trust,
                description: role_description(detail),
                max_session_duration: role_max_session_duration(detail),
                boundary: detail
                    .permissions_boundary()
                    .and_then(|boundary| boundary.permissions_boundary_arn())
                    .map(str::to_owned),
                tags,
                attached,
                inline,
            },
        );
    }

    // Customer managed policies.
    let policies = iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(failed(account, "ListPolicies"))?;
    for policy in policies {
        let (Some(name), Some(arn)) = (policy.policy_name(), policy.arn()) else {
            continue;
        };
        let tags = iam
            .list_policy_tags()
            .policy_arn(arn)
            .send()
            .await
            .map_err(failed(account, "ListPolicyTags"))?;
        let tags = tag_map(tags.tags().iter().map(|tag| (tag.key(), tag.value())));
        if !declared.policies.contains(name) && !owned(&tags, stack_name) {
            continue;
        }
        let versions = iam
            .list_policy_versions()
            .policy_arn(arn)
            .send()
            .await
            .map_err(failed(account, "ListPolicyVersions"))?;
        let mut versions: Vec<_> = versions
            .versions()
            .iter()
            .map(|version| {
                (
                    version
                        .create_date()
                        .map(aws_sdk_iam::primitives::DateTime::as_nanos),
                    version.version_id().unwrap_or_default().to_owned(),
                    version.is_default_version(),
                )
            })
            .collect();
        // Oldest first: by creation date, then by the number in `v7`.
        versions.sort_by_key(|(date, id, _)| {
            (
                *date,
                id.trim_start_matches('v').parse::<u64>().unwrap_or(0),
            )
        });
        let default = policy
            .default_version_id()
            .map(str::to_owned)
            .or_else(|| {
                versions
                    .iter()
                    .find(|(_, _, default)| *default)
                    .map(|(_, id, _)| id.clone())
            })
            .unwrap_or_else(|| "v1".to_owned());
        let version = iam
            .get_policy_version()
            .policy_arn(arn)
            .version_id(&default)
            .send()
            .await
            .map_err(failed(account, "GetPolicyVersion"))?;
        let text = version
            .policy_version()
            .and_then(|version| version.document())
            .unwrap_or("{}");
        live.policies.insert(
            name.to_owned(),
            LivePolicy {
                arn: arn.to_owned(),
                document: document(text, &format!("the policy {name}"))?,
                tags,
                versions: versions
                    .into_iter()
                    .map(|(_, id, default)| (id, default))
                    .collect(),
            },
        );
    }

    // Users.
    let users = iam
        .list_users()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(failed(account, "ListUsers"))?;
    for user in users {
        let name = user.user_name().to_owned();
        let tags = iam
            .list_user_tags()
            .user_name(&name)
            .send()
            .await
            .map_err(failed(account, "ListUserTags"))?;
        let tags = tag_map(tags.tags().iter().map(|tag| (tag.key(), tag.value())));
        if !declared.users.contains(&name) && !owned(&tags, stack_name) {
            continue;
        }
        let groups = iam
            .list_groups_for_user()
            .user_name(&name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(failed(account, "ListGroupsForUser"))?
            .iter()
            .map(|group| group.group_name().to_owned())
            .collect();
        let attached = iam
            .list_attached_user_policies()
            .user_name(&name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(failed(account, "ListAttachedUserPolicies"))?
            .iter()
            .filter_map(|policy| policy.policy_arn().map(str::to_owned))
            .collect();
        let names = iam
            .list_user_policies()
            .user_name(&name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(failed(account, "ListUserPolicies"))?;
        let mut inline = BTreeMap::new();
        for policy in names {
            let got = iam
                .get_user_policy()
                .user_name(&name)
                .policy_name(&policy)
                .send()
                .await
                .map_err(failed(account, "GetUserPolicy"))?;
            let parsed = document(
                got.policy_document(),
                &format!("the inline policy {policy} of user {name}"),
            )?;
            inline.insert(policy, parsed);
        }
        live.users.insert(
            name,
            LiveUser {
                path: user.path().to_owned(),
                tags,
                groups,
                attached,
                inline,
            },
        );
    }

    // Groups: IAM groups take no tags, so only declared groups are read (and none is ever deleted).
    let groups = iam
        .list_groups()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(failed(account, "ListGroups"))?;
    for group in groups {
        let name = group.group_name().to_owned();
        if !declared.groups.contains(&name) {
            continue;
        }
        let attached = iam
            .list_attached_group_policies()
            .group_name(&name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(failed(account, "ListAttachedGroupPolicies"))?
            .iter()
            .filter_map(|policy| policy.policy_arn().map(str::to_owned))
            .collect();
        let names = iam
            .list_group_policies()
            .group_name(&name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(failed(account, "ListGroupPolicies"))?;
        let mut inline = BTreeMap::new();
        for policy in names {
            let got = iam
                .get_group_policy()
                .group_name(&name)
                .policy_name(&policy)
                .send()
                .await
                .map_err(failed(account, "GetGroupPolicy"))?;
            let parsed = document(
                got.policy_document(),
                &format!("the inline policy {policy} of group {name}"),
            )?;
            inline.insert(policy, parsed);
        }
        live.groups.insert(
            name,
            LiveGroup {
                path: group.path().to_owned(),
                attached,
                inline,
            },
        );
    }

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
        for bucket in declared.buckets.intersection(&live.buckets) {
            if public_access_blocked(clients, account, bucket).await? {
                live.public_access_blocked.insert(bucket.clone());
            }
        }
    }
    Ok(live)
}
