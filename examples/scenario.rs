//! The reference scenario (`scenario.md`) declared in Rust: Troy in Acme assumes `StuzioAcmeConsultantRole` in
//! Stuzio to read and write the objects of `com.stuzio.projectx`.
//!
//! Every name is written once. The role's ARN in Acme's policy comes from the role's type, the attached
//! policy is named by its type, and the bucket is a checked value: the drift of the published text
//! (`com.stuzio.project-x`, `StuzioProjectx`) cannot be written.
//!
//! Run: `cargo run --example scenario` prints the three documents.

use iamgen::{BucketName, Policy, Role};

/// Full access to the project's bucket, and the right to list all buckets so that the console can show them.
#[derive(Debug, Policy)]
// `s3:*` is the scenario's choice; a least-privilege variant lists the object actions instead.
#[policy(allow(WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT))]
#[statement(
    sid = "FullAccessToProjectX",
    action = "s3:*",
    resource = ["arn:aws:s3:::{bucket}", "arn:aws:s3:::{bucket}/*"]
)]
#[statement(sid = "ListAllBuckets", action = "s3:ListAllMyBuckets", resource = "*")]
pub struct StuzioProjectXPolicy {
    /// The project's bucket.
    pub bucket: BucketName,
}

/// The role Acme's consultants assume in Stuzio. The trust admits the whole Acme account, as the scenario
/// does; Acme's own policies decide who there may assume it.
#[derive(Debug, Role)]
#[role(account = "081278057606", allow(TRUST_ACCOUNT_WITHOUT_CONDITION))]
#[trust(account = "183438944504")]
#[attach(StuzioProjectXPolicy)]
pub struct StuzioAcmeConsultantRole;

/// Attached to Troy in Acme: the right to assume the Stuzio role.
#[derive(Debug, Policy)]
#[statement(
    sid = "StuzioClientAssumeRolePolicy",
    action = "sts:AssumeRole",
    resource = role(StuzioAcmeConsultantRole)
)]
pub struct AcmeClientAssumeRolePolicy;

/// The project's bucket.
#[must_use]
pub fn project_bucket() -> BucketName {
    // A literal the tests pin; `BucketName::new` checks it against S3's naming rules.
    BucketName::new("com.stuzio.projectx").unwrap_or_else(|reason| unreachable!("{reason}"))
}

fn main() -> Result<(), iamgen::BuildError> {
    let permissions = StuzioProjectXPolicy {
        bucket: project_bucket(),
    };
    println!(
        "{}:\n{}",
        StuzioProjectXPolicy::NAME,
        permissions.to_json()?
    );
    println!(
        "{} trust:\n{}",
        StuzioAcmeConsultantRole::ARN,
        StuzioAcmeConsultantRole::TRUST
    );
    println!(
        "{}:\n{}",
        AcmeClientAssumeRolePolicy::NAME,
        AcmeClientAssumeRolePolicy.to_json()?
    );
    Ok(())
}
