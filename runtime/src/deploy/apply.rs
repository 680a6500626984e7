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
    BucketLocationConstraint, BucketLoggingStatus, BucketVersioningStatus,
    CreateBucketConfiguration, LoggingEnabled, PublicAccessBlockConfiguration,
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule, VersioningConfiguration,
};

use super::canonical::same_policy;
use super::live::policy_and_default_document;
use super::plan::{Change, Holder, Operation, Plan};
use super::session::{AccountClients, Session};
use super::{DeployError, OWNER_TAG, failed};
use crate::stack::BucketEncryption;
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
                Ok(clients) => {
                    let calls = Calls {
                        clients: &clients,
                        account: &change.account,
                        stack_name: &plan.stack_name,
                    };
                    calls.run(&change.operation).await
                }
                Err(error) => Err(error),
            },
            Err(source) => Err(DeployError::NotAnAccount { source }),
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
        .map_err(|error| DeployError::Tag {
            key: key.to_owned(),
            source: std::sync::Arc::new(error),
        })
}

/// Ok when the error means the change had already been made (a retried create or delete).
fn done_already(result: Result<(), DeployError>, code: &str) -> Result<(), DeployError> {
    match result {
        Err(error) if error.is_code(code) => Ok(()),
        other => other,
    }
}

/// A role's maximum session duration as IAM's API takes it. IAM's bound is 12 hours, so a plan never holds
/// more; the default stands for what cannot be.
fn session_seconds(duration: u32) -> i32 {
    i32::try_from(duration).unwrap_or(3_600)
}

/// A call's answer, as the SDK's `send()` gives it.
type Sent<T, E> = Result<T, SdkError<E, HttpResponse>>;

/// The calls that carry out changes in one account, for one stack.
struct Calls<'a> {
    clients: &'a AccountClients,
    account: &'a str,
    stack_name: &'a str,
}

impl Calls<'_> {
    /// What a call answered, or the error naming the account and `operation`.
    fn read<T, E>(&self, operation: &'static str, answer: Sent<T, E>) -> Result<T, DeployError>
    where
        E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
    {
        answer.map_err(failed(self.account, operation))
    }

    /// A write that sets a state: doing it twice changes nothing.
    fn write<T, E>(&self, operation: &'static str, answer: Sent<T, E>) -> Result<(), DeployError>
    where
        E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
    {
        self.read(operation, answer).map(|_| ())
    }

    /// A create: `EntityAlreadyExists` on a retry means the first attempt made it.
    fn create<T, E>(&self, operation: &'static str, answer: Sent<T, E>) -> Result<(), DeployError>
    where
        E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
    {
        done_already(self.write(operation, answer), "EntityAlreadyExists")
    }

    /// A delete or a removal: `NoSuchEntity` means it is gone already.
    fn remove<T, E>(&self, operation: &'static str, answer: Sent<T, E>) -> Result<(), DeployError>
    where
        E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
    {
        done_already(self.write(operation, answer), "NoSuchEntity")
    }

    /// A request the SDK would not build (a required field missing: a bug here, since every one is set), as
    /// the failure of `operation`.
    fn unbuilt(
        &self,
        operation: &'static str,
        error: aws_sdk_s3::error::BuildError,
    ) -> DeployError {
        DeployError::Sdk {
            account: self.account.to_owned(),
            operation,
            message: error.to_string(),
            code: None,
            source: Some(std::sync::Arc::new(error)),
        }
    }

    /// The owner tag of the stack.
    fn owner_tag(&self) -> Result<Tag, DeployError> {
        tag(OWNER_TAG, self.stack_name)
    }

    /// Carries out one operation.
    async fn run(&self, operation: &Operation) -> Result<(), DeployError> {
        let iam = &self.clients.iam;
        match operation {
            Operation::CreateBucket { bucket } => self.create_bucket(bucket).await,
            Operation::BlockPublicAccess { bucket } => self.block_public_access(bucket).await,
            Operation::EnableVersioning { bucket } => self.enable_versioning(bucket).await,
            Operation::SetDefaultEncryption { bucket, encryption } => {
                self.set_default_encryption(bucket, encryption).await
            }
            Operation::SetLogging {
                bucket,
                target,
                prefix,
            } => self.set_logging(bucket, target, prefix).await,
            Operation::CreateUser { name, path } => self.create_user(name, path).await,
            Operation::CreateGroup { name, path } => self.create_group(name, path).await,
            Operation::AddUserToGroup { user, group } => self.add_to_group(user, group).await,
            Operation::RemoveUserFromGroup { user, group } => {
                self.remove_from_group(user, group).await
            }
            Operation::CreateRole {
                name,
                path,
                trust,
                description,
                max_session_duration,
                tags,
            } => {
                let description = description.as_ref();
                self.create_role(name, path, trust, description, *max_session_duration, tags)
                    .await
            }
            Operation::UpdateRole {
                role,
                description,
                max_session_duration,
            } => {
                self.update_role(role, description, *max_session_duration)
                    .await
            }
            Operation::UpdateTrust { role, trust } => self.update_trust(role, trust).await,
            Operation::TagRole { role, tags } => self.tag_role(role, tags).await,
            Operation::UntagRole { role, keys } => self.untag_role(role, keys).await,
            Operation::TagUser { user } => {
                let sent = iam.tag_user().user_name(user).tags(self.owner_tag()?);
                self.write("TagUser", sent.send().await)
            }
            Operation::TagPolicy { arn } => {
                let sent = iam.tag_policy().policy_arn(arn).tags(self.owner_tag()?);
                self.write("TagPolicy", sent.send().await)
            }
            Operation::CreatePolicy {
                name,
                path,
                description,
                document,
            } => {
                self.create_policy(name, path, description.as_ref(), document)
                    .await
            }
            Operation::NewPolicyVersion {
                arn,
                document,
                prune,
            } => self.new_policy_version(arn, document, prune.as_ref()).await,
            Operation::SetBoundary { role, arn } => self.set_boundary(role, arn).await,
            Operation::RemoveBoundary { role } => self.remove_boundary(role).await,
            Operation::Attach { holder, arn } => self.attach(holder, arn).await,
            Operation::Detach { holder, arn } => self.detach(holder, arn).await,
            Operation::PutInline {
                holder,
                name,
                document,
            } => self.put_inline(holder, name, document).await,
            Operation::DeleteInline { holder, name } => self.delete_inline(holder, name).await,
            Operation::DeleteRole { name } => {
                done_already(self.delete_role(name).await, "NoSuchEntity")
            }
            Operation::DeleteUser { name } => {
                done_already(self.delete_user(name).await, "NoSuchEntity")
            }
            Operation::DeletePolicy { arn } => {
                done_already(self.delete_policy(arn).await, "NoSuchEntity")
            }
        }
    }

    async fn create_user(&self, name: &str, path: &str) -> Result<(), DeployError> {
        let request = self.clients.iam.create_user().user_name(name).path(path);
        let sent = request.tags(self.owner_tag()?).send();
        self.create("CreateUser", sent.await)
    }

    async fn create_group(&self, name: &str, path: &str) -> Result<(), DeployError> {
        let sent = self.clients.iam.create_group().group_name(name).path(path);
        self.create("CreateGroup", sent.send().await)
    }

    async fn add_to_group(&self, user: &str, group: &str) -> Result<(), DeployError> {
        let sent = self.clients.iam.add_user_to_group().user_name(user);
        self.write("AddUserToGroup", sent.group_name(group).send().await)
    }

    async fn remove_from_group(&self, user: &str, group: &str) -> Result<(), DeployError> {
        let sent = self.clients.iam.remove_user_from_group().user_name(user);
        self.remove("RemoveUserFromGroup", sent.group_name(group).send().await)
    }

    async fn update_trust(&self, role: &str, trust: &PolicyDocument) -> Result<(), DeployError> {
        let request = self.clients.iam.update_assume_role_policy().role_name(role);
        let sent = request.policy_document(trust.to_json_compact()).send();
        self.write("UpdateAssumeRolePolicy", sent.await)
    }

    async fn untag_role(&self, role: &str, keys: &[String]) -> Result<(), DeployError> {
        let request = self.clients.iam.untag_role().role_name(role);
        let sent = request.set_tag_keys(Some(keys.to_vec())).send();
        self.write("UntagRole", sent.await)
    }

    async fn set_boundary(&self, role: &str, arn: &str) -> Result<(), DeployError> {
        let request = self
            .clients
            .iam
            .put_role_permissions_boundary()
            .role_name(role);
        let sent = request.permissions_boundary(arn).send();
        self.write("PutRolePermissionsBoundary", sent.await)
    }

    async fn remove_boundary(&self, role: &str) -> Result<(), DeployError> {
        let request = self.clients.iam.delete_role_permissions_boundary();
        let sent = request.role_name(role).send();
        self.remove("DeleteRolePermissionsBoundary", sent.await)
    }

    async fn create_bucket(&self, bucket: &str) -> Result<(), DeployError> {
        let s3 = &self.clients.s3;
        // S3 wants the region named in the request everywhere but in us-east-1, where naming it is an error.
        let location = s3
            .config()
            .region()
            .map(|region| region.as_ref().to_owned())
            .filter(|region| region != "us-east-1")
            .map(|region| {
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region.as_str()))
                    .build()
            });
        let sent = s3
            .create_bucket()
            .bucket(bucket)
            .set_create_bucket_configuration(location)
            .send();
        // `BucketAlreadyExists` is not done: the name belongs to another account, whose bucket this stack
        // must neither adopt nor report as made.
        done_already(
            self.write("CreateBucket", sent.await),
            "BucketAlreadyOwnedByYou",
        )
    }

    async fn block_public_access(&self, bucket: &str) -> Result<(), DeployError> {
        let all_on = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        let sent = self
            .clients
            .s3
            .put_public_access_block()
            .bucket(bucket)
            .public_access_block_configuration(all_on)
            .send();
        self.write("PutPublicAccessBlock", sent.await)
    }

    async fn enable_versioning(&self, bucket: &str) -> Result<(), DeployError> {
        let enabled = VersioningConfiguration::builder()
            .status(BucketVersioningStatus::Enabled)
            .build();
        let sent = self
            .clients
            .s3
            .put_bucket_versioning()
            .bucket(bucket)
            .versioning_configuration(enabled)
            .send();
        self.write("PutBucketVersioning", sent.await)
    }

    async fn set_default_encryption(
        &self,
        bucket: &str,
        encryption: &BucketEncryption,
    ) -> Result<(), DeployError> {
        let (algorithm, key, bucket_key) = match encryption {
            BucketEncryption::SseS3 => (ServerSideEncryption::Aes256, None, false),
            BucketEncryption::Kms { key } => (
                ServerSideEncryption::AwsKms,
                key.as_ref().map(|key| key.as_str().to_owned()),
                true,
            ),
        };
        let invalid = |error| self.unbuilt("PutBucketEncryption", error);
        let default = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(algorithm)
            .set_kms_master_key_id(key)
            .build()
            .map_err(invalid)?;
        let rule = ServerSideEncryptionRule::builder()
            .apply_server_side_encryption_by_default(default)
            .bucket_key_enabled(bucket_key)
            .build();
        let configuration = ServerSideEncryptionConfiguration::builder()
            .rules(rule)
            .build()
            .map_err(invalid)?;
        let sent = self
            .clients
            .s3
            .put_bucket_encryption()
            .bucket(bucket)
            .server_side_encryption_configuration(configuration)
            .send();
        self.write("PutBucketEncryption", sent.await)
    }

    async fn set_logging(
        &self,
        bucket: &str,
        target: &str,
        prefix: &str,
    ) -> Result<(), DeployError> {
        let enabled = LoggingEnabled::builder()
            .target_bucket(target)
            .target_prefix(prefix)
            .build()
            .map_err(|error| self.unbuilt("PutBucketLogging", error))?;
        let status = BucketLoggingStatus::builder()
            .logging_enabled(enabled)
            .build();
        let sent = self
            .clients
            .s3
            .put_bucket_logging()
            .bucket(bucket)
            .bucket_logging_status(status)
            .send();
        self.write("PutBucketLogging", sent.await)
    }

    async fn create_role(
        &self,
        name: &str,
        path: &str,
        trust: &PolicyDocument,
        description: Option<&String>,
        max_session_duration: u32,
        tags: &[(String, String)],
    ) -> Result<(), DeployError> {
        let mut request = self
            .clients
            .iam
            .create_role()
            .role_name(name)
            .path(path)
            .assume_role_policy_document(trust.to_json_compact())
            .max_session_duration(session_seconds(max_session_duration))
            .set_description(description.cloned());
        for (key, value) in tags {
            request = request.tags(tag(key, value)?);
        }
        self.create("CreateRole", request.send().await)
    }

    async fn update_role(
        &self,
        role: &str,
        description: &str,
        max_session_duration: u32,
    ) -> Result<(), DeployError> {
        let sent = self
            .clients
            .iam
            .update_role()
            .role_name(role)
            .description(description)
            .max_session_duration(session_seconds(max_session_duration))
            .send();
        self.write("UpdateRole", sent.await)
    }

    async fn tag_role(&self, role: &str, tags: &[(String, String)]) -> Result<(), DeployError> {
        let mut request = self.clients.iam.tag_role().role_name(role);
        for (key, value) in tags {
            request = request.tags(tag(key, value)?);
        }
        self.write("TagRole", request.send().await)
    }

    async fn create_policy(
        &self,
        name: &str,
        path: &str,
        description: Option<&String>,
        document: &PolicyDocument,
    ) -> Result<(), DeployError> {
        let sent = self
            .clients
            .iam
            .create_policy()
            .policy_name(name)
            .path(path)
            .policy_document(document.to_json_compact())
            .set_description(description.cloned())
            .tags(self.owner_tag()?)
            .send();
        self.create("CreatePolicy", sent.await)
    }

    /// A new default version, pruning `prune` first when IAM's five versions are there.
    async fn new_policy_version(
        &self,
        arn: &str,
        document: &PolicyDocument,
        prune: Option<&String>,
    ) -> Result<(), DeployError> {
        let iam = &self.clients.iam;
        if let Some(old) = prune {
            let sent = iam.delete_policy_version().policy_arn(arn).version_id(old);
            self.remove("DeletePolicyVersion", sent.send().await)?;
        }
        create_policy_version(iam, self.account, arn, document).await
    }

    async fn attach(&self, holder: &Holder, arn: &str) -> Result<(), DeployError> {
        let iam = &self.clients.iam;
        match holder {
            Holder::Role(role) => {
                let sent = iam.attach_role_policy().role_name(role).policy_arn(arn);
                self.write("AttachRolePolicy", sent.send().await)
            }
            Holder::User(user) => {
                let sent = iam.attach_user_policy().user_name(user).policy_arn(arn);
                self.write("AttachUserPolicy", sent.send().await)
            }
            Holder::Group(group) => {
                let sent = iam.attach_group_policy().group_name(group).policy_arn(arn);
                self.write("AttachGroupPolicy", sent.send().await)
            }
        }
    }

    /// Detaches a policy; done already when it is not attached.
    async fn detach(&self, holder: &Holder, arn: &str) -> Result<(), DeployError> {
        let iam = &self.clients.iam;
        match holder {
            Holder::Role(role) => {
                let sent = iam.detach_role_policy().role_name(role).policy_arn(arn);
                self.remove("DetachRolePolicy", sent.send().await)
            }
            Holder::User(user) => {
                let sent = iam.detach_user_policy().user_name(user).policy_arn(arn);
                self.remove("DetachUserPolicy", sent.send().await)
            }
            Holder::Group(group) => {
                let sent = iam.detach_group_policy().group_name(group).policy_arn(arn);
                self.remove("DetachGroupPolicy", sent.send().await)
            }
        }
    }

    async fn put_inline(
        &self,
        holder: &Holder,
        name: &str,
        document: &PolicyDocument,
    ) -> Result<(), DeployError> {
        let iam = &self.clients.iam;
        let text = document.to_json_compact();
        match holder {
            Holder::Role(role) => {
                let sent = iam.put_role_policy().role_name(role).policy_name(name);
                self.write("PutRolePolicy", sent.policy_document(text).send().await)
            }
            Holder::User(user) => {
                let sent = iam.put_user_policy().user_name(user).policy_name(name);
                self.write("PutUserPolicy", sent.policy_document(text).send().await)
            }
            Holder::Group(group) => {
                let sent = iam.put_group_policy().group_name(group).policy_name(name);
                self.write("PutGroupPolicy", sent.policy_document(text).send().await)
            }
        }
    }

    /// Deletes an inline policy; done already when it is not there.
    async fn delete_inline(&self, holder: &Holder, name: &str) -> Result<(), DeployError> {
        let iam = &self.clients.iam;
        match holder {
            Holder::Role(role) => {
                let sent = iam.delete_role_policy().role_name(role).policy_name(name);
                self.remove("DeleteRolePolicy", sent.send().await)
            }
            Holder::User(user) => {
                let sent = iam.delete_user_policy().user_name(user).policy_name(name);
                self.remove("DeleteUserPolicy", sent.send().await)
            }
            Holder::Group(group) => {
                let sent = iam
                    .delete_group_policy()
                    .group_name(group)
                    .policy_name(name);
                self.remove("DeleteGroupPolicy", sent.send().await)
            }
        }
    }

    /// Detaches every policy of `attached`, before the principal is deleted.
    async fn detach_all(
        &self,
        holder: &Holder,
        attached: &[aws_sdk_iam::types::AttachedPolicy],
    ) -> Result<(), DeployError> {
        for arn in attached.iter().filter_map(|policy| policy.policy_arn()) {
            self.detach(holder, arn).await?;
        }
        Ok(())
    }

    /// Deletes every inline policy of `names`, before the principal is deleted.
    async fn delete_all_inline(
        &self,
        holder: &Holder,
        names: &[String],
    ) -> Result<(), DeployError> {
        for name in names {
            self.delete_inline(holder, name).await?;
        }
        Ok(())
    }

    async fn delete_role(&self, name: &str) -> Result<(), DeployError> {
        let iam = &self.clients.iam;
        let listed = iam.list_attached_role_policies().role_name(name).send();
        let attached = self.read("ListAttachedRolePolicies", listed.await)?;
        let holder = Holder::Role(name.to_owned());
        self.detach_all(&holder, attached.attached_policies())
            .await?;
        let listed = iam.list_role_policies().role_name(name).send();
        let inline = self.read("ListRolePolicies", listed.await)?;
        self.delete_all_inline(&holder, inline.policy_names())
            .await?;
        let listed = iam.list_instance_profiles_for_role().role_name(name).send();
        let profiles = self.read("ListInstanceProfilesForRole", listed.await)?;
        for profile in profiles.instance_profiles() {
            let sent = iam
                .remove_role_from_instance_profile()
                .instance_profile_name(profile.instance_profile_name())
                .role_name(name)
                .send();
            self.remove("RemoveRoleFromInstanceProfile", sent.await)?;
        }
        let sent = iam.delete_role().role_name(name).send();
        self.write("DeleteRole", sent.await)
    }

    async fn delete_user(&self, name: &str) -> Result<(), DeployError> {
        let iam = &self.clients.iam;
        let listed = iam.list_access_keys().user_name(name).send();
        let keys = self.read("ListAccessKeys", listed.await)?;
        for id in keys
            .access_key_metadata()
            .iter()
            .filter_map(|key| key.access_key_id())
        {
            let sent = iam.delete_access_key().user_name(name).access_key_id(id);
            self.remove("DeleteAccessKey", sent.send().await)?;
        }
        let sent = iam.delete_login_profile().user_name(name).send();
        self.remove("DeleteLoginProfile", sent.await)?;
        let listed = iam.list_groups_for_user().user_name(name).send();
        let groups = self.read("ListGroupsForUser", listed.await)?;
        for group in groups.groups() {
            let sent = iam
                .remove_user_from_group()
                .user_name(name)
                .group_name(group.group_name());
            self.remove("RemoveUserFromGroup", sent.send().await)?;
        }
        let listed = iam.list_attached_user_policies().user_name(name).send();
        let attached = self.read("ListAttachedUserPolicies", listed.await)?;
        let holder = Holder::User(name.to_owned());
        self.detach_all(&holder, attached.attached_policies())
            .await?;
        let listed = iam.list_user_policies().user_name(name).send();
        let inline = self.read("ListUserPolicies", listed.await)?;
        self.delete_all_inline(&holder, inline.policy_names())
            .await?;
        let sent = iam.delete_user().user_name(name).send();
        self.write("DeleteUser", sent.await)
    }

    async fn delete_policy(&self, arn: &str) -> Result<(), DeployError> {
        let iam = &self.clients.iam;
        let listed = iam.list_entities_for_policy().policy_arn(arn).send();
        let entities = self.read("ListEntitiesForPolicy", listed.await)?;
        let roles = entities
            .policy_roles()
            .iter()
            .filter_map(|role| role.role_name());
        let users = entities
            .policy_users()
            .iter()
            .filter_map(|user| user.user_name());
        let groups = entities
            .policy_groups()
            .iter()
            .filter_map(|group| group.group_name());
        let holders = roles
            .map(|name| Holder::Role(name.to_owned()))
            .chain(users.map(|name| Holder::User(name.to_owned())))
            .chain(groups.map(|name| Holder::Group(name.to_owned())));
        for holder in holders {
            self.detach(&holder, arn).await?;
        }
        let listed = iam.list_policy_versions().policy_arn(arn).send();
        let versions = self.read("ListPolicyVersions", listed.await)?;
        for version in versions.versions() {
            if version.is_default_version() {
                continue;
            }
            if let Some(id) = version.version_id() {
                let sent = iam.delete_policy_version().policy_arn(arn).version_id(id);
                self.remove("DeletePolicyVersion", sent.send().await)?;
            }
        }
        let sent = iam.delete_policy().policy_arn(arn).send();
        self.write("DeletePolicy", sent.await)
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
