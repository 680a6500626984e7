//! Carrying out a plan, change by change, in its order.
//!
//! Each call is retried by the SDK (throttling, 5xx, dropped connections: exponential backoff with jitter). A
//! retried write must not happen twice when its first attempt reached AWS and only the answer was lost:
//! - a create answers `EntityAlreadyExists` (`BucketAlreadyOwnedByYou`) on the retry, and a delete
//!   `NoSuchEntity`: both mean the change is done;
//! - attaching, putting, tagging and updating set a state, so doing them twice changes nothing;
//! - `CreatePolicyVersion` is the one write that IAM would carry out again (a second version, or `LimitExceeded`
//!   at five): it is sent without the SDK's retries, and after a failure that may have reached IAM, the
//!   policy's default version is read before trying again.
//!
//! On any other failure `apply` stops and reports what it did and what it did not; planning again picks up from
//! the state the accounts are in.
use std::time::Duration;

use aws_sdk_iam::config::http::HttpResponse;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_iam::types::Tag;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, PublicAccessBlockConfiguration,
};

use super::canonical::same_policy;
use super::live::policy_and_default_document;
use super::plan::{Change, Holder, Operation, Plan};
use super::session::{AccountClients, Session};
use super::{DeployError, OWNER_TAG, failed};
use crate::{AccountId, PolicyDocument};

/// What `apply` did.
#[derive(Debug, Clone, Default)]
pub struct ApplyReport {
    /// The changes made, in order.
    pub done: Vec<Change>,
    /// The change that failed, and why.
    pub failed: Option<(Change, DeployError)>,
    /// The changes not attempted after the failure.
    pub not_done: Vec<Change>,
}

impl ApplyReport {
    /// Whether every change was made.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.failed.is_none()
    }

    /// The report for people: each change as the plan showed it, then `Apply complete: 1 change.` or where it
    /// stopped.
    #[must_use]
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for change in &self.done {
            let _ = writeln!(
                out,
                "  {} ({}): done",
                change.headline(),
                change.account_name
            );
        }
        if let Some((change, error)) = &self.failed {
            let _ = writeln!(
                out,
                "  {} ({}): FAILED: {error}",
                change.headline(),
                change.account_name
            );
            for change in &self.not_done {
                let _ = writeln!(
                    out,
                    "  {} ({}): not attempted",
                    change.headline(),
                    change.account_name
                );
            }
            let _ = writeln!(
                out,
                "\nApply stopped: {} done, 1 failed, {} not attempted. Fix the cause and run it again: the next plan starts from what is there now.",
                self.done.len(),
                self.not_done.len()
            );
        } else {
            let _ = writeln!(
                out,
                "\nApply complete: {}.",
                super::plan::output::count(self.done.len(), "change")
            );
        }
        out
    }
}

/// Carries out `plan`, in order, stopping at the first change that fails.
pub async fn apply(session: &Session, plan: &Plan) -> ApplyReport {
    let mut report = ApplyReport::default();
    let mut changes = plan.changes.iter();
    for change in changes.by_ref() {
        let result = match AccountId::parse(&change.account) {
            Ok(account) => match session.clients(&account).await {
                Ok(clients) => run(&clients, change, &plan.stack_name).await,
                Err(error) => Err(error),
            },
            Err(_) => Err(DeployError::Missing(format!(
                "{} is not an account id",
                change.account
            ))),
        };
        match result {
            Ok(()) => report.done.push(change.clone()),
            Err(error) => {
                report.failed = Some((change.clone(), error));
                break;
            }
        }
    }
    report.not_done = changes.cloned().collect();
    report
}

fn tag(key: &str, value: &str) -> Result<Tag, DeployError> {
    Tag::builder()
        .key(key)
        .value(value)
        .build()
        .map_err(|error| DeployError::Missing(format!("a tag {key}: {error}")))
}

/// Ok when the error means the change had already been made (a retried create or delete).
fn done_already(result: Result<(), DeployError>, code: &str) -> Result<(), DeployError> {
    match result {
        Err(error) if error.is_code(code) => Ok(()),
        other => other,
    }
}

#[allow(
    clippy::too_many_lines,
    reason = "one arm per operation, each a call or two"
)]
async fn run(
    clients: &AccountClients,
    change: &Change,
    stack_name: &str,
) -> Result<(), DeployError> {
    let iam = &clients.iam;
    let account = change.account.as_str();
    match &change.operation {
        Operation::CreateBucket { bucket } => {
            // S3 wants the region named in the request everywhere but in us-east-1, where naming it is an error.
            let location = clients
                .s3
                .config()
                .region()
                .map(|region| region.as_ref().to_owned())
                .filter(|region| region != "us-east-1")
                .map(|region| {
                    CreateBucketConfiguration::builder()
                        .location_constraint(BucketLocationConstraint::from(region.as_str()))
                        .build()
                });
            let result = clients
                .s3
                .create_bucket()
                .bucket(bucket)
                .set_create_bucket_configuration(location)
                .send()
                .await
                .map(|_| ())
                .map_err(failed(account, "CreateBucket"));
            // `BucketAlreadyExists` is not done: the name belongs to another account, whose bucket this stack
            // must neither adopt nor report as made.
            done_already(result, "BucketAlreadyOwnedByYou")
        }
        Operation::BlockPublicAccess { bucket } => {
            let all_on = PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build();
            clients
                .s3
                .put_public_access_block()
                .bucket(bucket)
                .public_access_block_configuration(all_on)
                .send()
                .await
                .map(|_| ())
                .map_err(failed(account, "PutPublicAccessBlock"))
        }
        Operation::CreateUser { name, path } => done_already(
            iam.create_user()
                .user_name(name)
                .path(path)
                .tags(tag(OWNER_TAG, stack_name)?)
                .send()
                .await
                .map(|_| ())
                .map_err(failed(account, "CreateUser")),
            "EntityAlreadyExists",
        ),
        Operation::CreateGroup { name, path } => done_already(
            iam.create_group()
                .group_name(name)
                .path(path)
                .send()
                .await
                .map(|_| ())
                .map_err(failed(account, "CreateGroup")),
            "EntityAlreadyExists",
        ),
        Operation::AddUserToGroup { user, group } => iam
            .add_user_to_group()
            .user_name(user)
            .group_name(group)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "AddUserToGroup")),
        Operation::RemoveUserFromGroup { user, group } => done_already(
            iam.remove_user_from_group()
                .user_name(user)
                .group_name(group)
                .send()
                .await
                .map(|_| ())
                .map_err(failed(account, "RemoveUserFromGroup")),
            "NoSuchEntity",
        ),
        Operation::CreateRole {
            name,
            path,
            trust,
            description,
            max_session_duration,
            tags,
        } => {
            let mut request = iam
                .create_role()
                .role_name(name)
                .path(path)
                .assume_role_policy_document(trust.to_json_compact())
                .max_session_duration(i32::try_from(*max_session_duration).unwrap_or(3_600))
                .set_description(description.clone());
            for (key, value) in tags {
                request = request.tags(tag(key, value)?);
            }
            done_already(
                request
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(failed(account, "CreateRole")),
                "EntityAlreadyExists",
            )
        }
        Operation::UpdateTrust { role, trust } => iam
            .update_assume_role_policy()
            .role_name(role)
            .policy_document(trust.to_json_compact())
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "UpdateAssumeRolePolicy")),
        Operation::UpdateRole {
            role,
            description,
            max_session_duration,
        } => iam
            .update_role()
            .role_name(role)
            .description(description)
            .max_session_duration(i32::try_from(*max_session_duration).unwrap_or(3_600))
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "UpdateRole")),
        Operation::TagRole { role, tags } => {
            let mut request = iam.tag_role().role_name(role);
            for (key, value) in tags {
                request = request.tags(tag(key, value)?);
            }
            request
                .send()
                .await
                .map(|_| ())
                .map_err(failed(account, "TagRole"))
        }
        Operation::UntagRole { role, keys } => iam
            .untag_role()
            .role_name(role)
            .set_tag_keys(Some(keys.clone()))
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "UntagRole")),
        Operation::TagUser { user } => iam
            .tag_user()
            .user_name(user)
            .tags(tag(OWNER_TAG, stack_name)?)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "TagUser")),
        Operation::TagPolicy { arn } => iam
            .tag_policy()
            .policy_arn(arn)
            .tags(tag(OWNER_TAG, stack_name)?)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "TagPolicy")),
        Operation::CreatePolicy {
            name,
            path,
            description,
            document,
        } => done_already(
            iam.create_policy()
                .policy_name(name)
                .path(path)
                .policy_document(document.to_json_compact())
                .set_description(description.clone())
                .tags(tag(OWNER_TAG, stack_name)?)
                .send()
                .await
                .map(|_| ())
                .map_err(failed(account, "CreatePolicy")),
            "EntityAlreadyExists",
        ),
        Operation::NewPolicyVersion {
            arn,
            document,
            prune,
        } => {
            if let Some(old) = prune {
                done_already(
                    iam.delete_policy_version()
                        .policy_arn(arn)
                        .version_id(old)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(failed(account, "DeletePolicyVersion")),
                    "NoSuchEntity",
                )?;
            }
            create_policy_version(iam, account, arn, document).await
        }
        Operation::SetBoundary { role, arn } => iam
            .put_role_permissions_boundary()
            .role_name(role)
            .permissions_boundary(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "PutRolePermissionsBoundary")),
        Operation::RemoveBoundary { role } => done_already(
            iam.delete_role_permissions_boundary()
                .role_name(role)
                .send()
                .await
                .map(|_| ())
                .map_err(failed(account, "DeleteRolePermissionsBoundary")),
            "NoSuchEntity",
        ),
        Operation::Attach { holder, arn } => attach(clients, account, holder, arn).await,
        Operation::Detach { holder, arn } => {
            done_already(detach(clients, account, holder, arn).await, "NoSuchEntity")
        }
        Operation::PutInline {
            holder,
            name,
            document,
        } => {
            let text = document.to_json_compact();
            match holder {
                Holder::Role(role) => iam
                    .put_role_policy()
                    .role_name(role)
                    .policy_name(name)
                    .policy_document(text)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(failed(account, "PutRolePolicy")),
                Holder::User(user) => iam
                    .put_user_policy()
                    .user_name(user)
                    .policy_name(name)
                    .policy_document(text)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(failed(account, "PutUserPolicy")),
                Holder::Group(group) => iam
                    .put_group_policy()
                    .group_name(group)
                    .policy_name(name)
                    .policy_document(text)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(failed(account, "PutGroupPolicy")),
            }
        }
        Operation::DeleteInline { holder, name } => done_already(
            delete_inline(clients, account, holder, name).await,
            "NoSuchEntity",
        ),
        Operation::DeleteRole { name } => {
            done_already(delete_role(clients, account, name).await, "NoSuchEntity")
        }
        Operation::DeleteUser { name } => {
            done_already(delete_user(clients, account, name).await, "NoSuchEntity")
        }
        Operation::DeletePolicy { arn } => {
            done_already(delete_policy(clients, account, arn).await, "NoSuchEntity")
        }
    }
}

/// Whether a failed call may have reached AWS and may succeed when tried again: the transport failed, the
/// answer was unreadable, or the service was throttling or failing.
fn worth_retrying<E>(error: &SdkError<E, HttpResponse>) -> bool
where
    E: ProvideErrorMetadata,
{
    match error {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(service) => {
            service.raw().status().is_server_error()
                || matches!(
                    service.err().code(),
                    Some(
                        "Throttling"
                            | "ThrottlingException"
                            | "RequestLimitExceeded"
                            | "ServiceFailure"
                            | "ServiceUnavailable"
                            | "InternalFailure"
                    )
                )
        }
        _ => false,
    }
}

/// Whether the default version of the policy `arn` already has `wanted`'s meaning.
async fn default_version_is(
    iam: &aws_sdk_iam::Client,
    account: &str,
    arn: &str,
    wanted: &PolicyDocument,
) -> Result<bool, DeployError> {
    let (_, default) = policy_and_default_document(iam, account, arn).await?;
    Ok(same_policy(&default, wanted))
}

/// `iam:CreatePolicyVersion` as the default, at most once. IAM carries out a repeated request again, so the SDK
/// must not repeat it blindly: each attempt is sent on its own, and after one that may have reached IAM the
/// policy's default version is read. Holding `document` means the lost attempt did the work (a plan only makes a
/// version when the default differs). The attempts and the backoff are the session's.
async fn create_policy_version(
    iam: &aws_sdk_iam::Client,
    account: &str,
    arn: &str,
    document: &PolicyDocument,
) -> Result<(), DeployError> {
    use aws_sdk_iam::config::retry::RetryConfig;
    let retry = iam
        .config()
        .retry_config()
        .cloned()
        .unwrap_or_else(RetryConfig::standard);
    let attempts = retry.max_attempts().max(1);
    let mut backoff = retry.initial_backoff().max(Duration::from_millis(10));
    let single_attempt =
        aws_sdk_iam::config::Builder::default().retry_config(RetryConfig::disabled());
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = iam
            .create_policy_version()
            .policy_arn(arn)
            .policy_document(document.to_json_compact())
            .set_as_default(true)
            .customize()
            .config_override(single_attempt.clone())
            .send()
            .await;
        let Err(error) = result else {
            return Ok(());
        };
        if attempt >= attempts || !worth_retrying(&error) {
            return Err(failed(account, "CreatePolicyVersion")(error));
        }
        if default_version_is(iam, account, arn, document).await? {
            return Ok(());
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(retry.max_backoff());
    }
}

async fn attach(
    clients: &AccountClients,
    account: &str,
    holder: &Holder,
    arn: &str,
) -> Result<(), DeployError> {
    let iam = &clients.iam;
    match holder {
        Holder::Role(role) => iam
            .attach_role_policy()
            .role_name(role)
            .policy_arn(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "AttachRolePolicy")),
        Holder::User(user) => iam
            .attach_user_policy()
            .user_name(user)
            .policy_arn(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "AttachUserPolicy")),
        Holder::Group(group) => iam
            .attach_group_policy()
            .group_name(group)
            .policy_arn(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "AttachGroupPolicy")),
    }
}

async fn detach(
    clients: &AccountClients,
    account: &str,
    holder: &Holder,
    arn: &str,
) -> Result<(), DeployError> {
    let iam = &clients.iam;
    match holder {
        Holder::Role(role) => iam
            .detach_role_policy()
            .role_name(role)
            .policy_arn(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "DetachRolePolicy")),
        Holder::User(user) => iam
            .detach_user_policy()
            .user_name(user)
            .policy_arn(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "DetachUserPolicy")),
        Holder::Group(group) => iam
            .detach_group_policy()
            .group_name(group)
            .policy_arn(arn)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "DetachGroupPolicy")),
    }
}

async fn delete_inline(
    clients: &AccountClients,
    account: &str,
    holder: &Holder,
    name: &str,
) -> Result<(), DeployError> {
    let iam = &clients.iam;
    match holder {
        Holder::Role(role) => iam
            .delete_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "DeleteRolePolicy")),
        Holder::User(user) => iam
            .delete_user_policy()
            .user_name(user)
            .policy_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "DeleteUserPolicy")),
        Holder::Group(group) => iam
            .delete_group_policy()
            .group_name(group)
            .policy_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "DeleteGroupPolicy")),
    }
}

async fn delete_role(
    clients: &AccountClients,
    account: &str,
    name: &str,
) -> Result<(), DeployError> {
    let iam = &clients.iam;
    let holder = Holder::Role(name.to_owned());
    let attached = iam
        .list_attached_role_policies()
        .role_name(name)
        .send()
        .await
        .map_err(failed(account, "ListAttachedRolePolicies"))?;
    for policy in attached.attached_policies() {
        if let Some(arn) = policy.policy_arn() {
            done_already(detach(clients, account, &holder, arn).await, "NoSuchEntity")?;
        }
    }
    let inline = iam
        .list_role_policies()
        .role_name(name)
        .send()
        .await
        .map_err(failed(account, "ListRolePolicies"))?;
    for policy in inline.policy_names() {
        done_already(
            delete_inline(clients, account, &holder, policy).await,
            "NoSuchEntity",
        )?;
    }
    let profiles = iam
        .list_instance_profiles_for_role()
        .role_name(name)
        .send()
        .await
        .map_err(failed(account, "ListInstanceProfilesForRole"))?;
    for profile in profiles.instance_profiles() {
        done_already(
            iam.remove_role_from_instance_profile()
                .instance_profile_name(profile.instance_profile_name())
                .role_name(name)
                .send()
                .await
                .map(|_| ())
                .map_err(failed(account, "RemoveRoleFromInstanceProfile")),
            "NoSuchEntity",
        )?;
    }
    iam.delete_role()
        .role_name(name)
        .send()
        .await
        .map(|_| ())
        .map_err(failed(account, "DeleteRole"))
}

async fn delete_user(
    clients: &AccountClients,
    account: &str,
    name: &str,
) -> Result<(), DeployError> {
    let iam = &clients.iam;
    let holder = Holder::User(name.to_owned());
    let keys = iam
        .list_access_keys()
        .user_name(name)
        .send()
        .await
        .map_err(failed(account, "ListAccessKeys"))?;
    for key in keys.access_key_metadata() {
        if let Some(id) = key.access_key_id() {
            done_already(
                iam.delete_access_key()
                    .user_name(name)
                    .access_key_id(id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(failed(account, "DeleteAccessKey")),
                "NoSuchEntity",
            )?;
        }
    }
    done_already(
        iam.delete_login_profile()
            .user_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(failed(account, "DeleteLoginProfile")),
        "NoSuchEntity",
    )?;
    let groups = iam
        .list_groups_for_user()
        .user_name(name)
        .send()
        .await
        .map_err(failed(account, "ListGroupsForUser"))?;
    for group in groups.groups() {
        done_already(
            iam.remove_user_from_group()
                .user_name(name)
                .group_name(group.group_name())
                .send()
                .await
                .map(|_| ())
                .map_err(failed(account, "RemoveUserFromGroup")),
            "NoSuchEntity",
        )?;
    }
    let attached = iam
        .list_attached_user_policies()
        .user_name(name)
        .send()
        .await
        .map_err(failed(account, "ListAttachedUserPolicies"))?;
    for policy in attached.attached_policies() {
        if let Some(arn) = policy.policy_arn() {
            done_already(detach(clients, account, &holder, arn).await, "NoSuchEntity")?;
        }
    }
    let inline = iam
        .list_user_policies()
        .user_name(name)
        .send()
        .await
        .map_err(failed(account, "ListUserPolicies"))?;
    for policy in inline.policy_names() {
        done_already(
            delete_inline(clients, account, &holder, policy).await,
            "NoSuchEntity",
        )?;
    }
    iam.delete_user()
        .user_name(name)
        .send()
        .await
        .map(|_| ())
        .map_err(failed(account, "DeleteUser"))
}

async fn delete_policy(
    clients: &AccountClients,
    account: &str,
    arn: &str,
) -> Result<(), DeployError> {
    let iam = &clients.iam;
    let entities = iam
        .list_entities_for_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(failed(account, "ListEntitiesForPolicy"))?;
    for role in entities.policy_roles() {
        if let Some(name) = role.role_name() {
            done_already(
                detach(clients, account, &Holder::Role(name.to_owned()), arn).await,
                "NoSuchEntity",
            )?;
        }
    }
    for user in entities.policy_users() {
        if let Some(name) = user.user_name() {
            done_already(
                detach(clients, account, &Holder::User(name.to_owned()), arn).await,
                "NoSuchEntity",
            )?;
        }
    }
    for group in entities.policy_groups() {
        if let Some(name) = group.group_name() {
            done_already(
                detach(clients, account, &Holder::Group(name.to_owned()), arn).await,
                "NoSuchEntity",
            )?;
        }
    }
    let versions = iam
        .list_policy_versions()
        .policy_arn(arn)
        .send()
        .await
        .map_err(failed(account, "ListPolicyVersions"))?;
    for version in versions.versions() {
        if version.is_default_version() {
            continue;
        }
        if let Some(id) = version.version_id() {
            done_already(
                iam.delete_policy_version()
                    .policy_arn(arn)
                    .version_id(id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(failed(account, "DeletePolicyVersion")),
                "NoSuchEntity",
            )?;
        }
    }
    iam.delete_policy()
        .policy_arn(arn)
        .send()
        .await
        .map(|_| ())
        .map_err(failed(account, "DeletePolicy"))
}
