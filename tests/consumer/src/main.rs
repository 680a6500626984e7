//! Every macro, in the ways users write them. `cargo clippy -- -D warnings` must pass, pedantic lints
//! included.
#![warn(clippy::pedantic)]

use iamgen::eval::{self, Caller, Context, Decision, Named, Policies};
use iamgen::{AccountId, BucketName, Policy, Role, StaticPolicy, policy};

/// A policy known entirely at compile time, usable in a `static`.
static READ_ONLY: StaticPolicy = policy!(identity {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "Read",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": ["arn:aws:s3:::com.stuzio.projectx", "arn:aws:s3:::com.stuzio.projectx/*"],
        "Condition": { "Bool": { "aws:SecureTransport": "true" } }
    }]
});

/// A bucket policy with a principal, accepting a warning by its code.
const BUCKET_POLICY: StaticPolicy = policy!(resource, allow(WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT) {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::183438944504:root" },
        "Action": "s3:*",
        "Resource": "arn:aws:s3:::com.stuzio.projectx/*"
    }
});

#[derive(Debug, Policy)]
#[policy(
    name = "ProjectObjects",
    version = "2012-10-17",
    id = "project-objects"
)]
#[statement(sid = "List", action = "s3:ListBucket", resource = "arn:aws:s3:::{bucket}",
    condition = { "StringLike": { "s3:prefix": ["{prefix}/*"] } })]
#[statement(sid = "ReadWrite", action = ["s3:GetObject", "s3:PutObject"], resource = "arn:aws:s3:::{bucket}/{prefix}/*")]
#[statement(sid = "NoDelete", effect = Deny, action = "s3:DeleteObject", resource = "arn:aws:s3:::{bucket}/*")]
struct ProjectObjects {
    bucket: BucketName,
    prefix: String,
}

#[derive(Debug, Policy)]
#[statement(action = "s3:ListAllMyBuckets", resource = "*")]
struct ListBuckets;

#[derive(Debug, Role)]
#[role(
    account = "081278057606",
    name = "Consultant",
    path = "/partners/",
    description = "Acme's consultants",
    max_session_duration = 7200
)]
#[trust(account = "183438944504", external_id = "acme-2026", mfa)]
#[attach(ProjectObjects, ListBuckets)]
#[permissions_boundary(ListBuckets)]
#[tag(key = "owner", value = "platform")]
struct Consultant;

#[derive(Debug, Role)]
#[role(account = "081278057606")]
#[trust(service = "lambda.amazonaws.com")]
struct Worker;

#[derive(Debug, Policy)]
#[policy(kind = identity)]
#[statement(action = "sts:AssumeRole", resource = [role(Consultant)])]
#[statement(
    action = "iam:GetRole",
    resource = "arn:aws:iam::{account}:role/partners/Consultant"
)]
struct AssumeConsultant {
    account: AccountId,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let objects = ProjectObjects {
        bucket: BucketName::new("com.stuzio.projectx")?,
        prefix: "acme".to_owned(),
    };
    let assume = AssumeConsultant {
        account: AccountId::parse("081278057606")?,
    };
    println!("{}", READ_ONLY.json());
    println!("{}", BUCKET_POLICY.json());
    println!("{}", objects.to_json()?);
    println!("{}", ListBuckets.to_json()?);
    println!("{}", assume.to_json()?);
    println!(
        "{} {} {:?} {:?}",
        Consultant::ARN,
        Consultant::TRUST,
        Consultant::POLICIES,
        Consultant::PERMISSIONS_BOUNDARY
    );
    println!("{} {}", Worker::ARN, Worker::TRUST);

    // The facade is the API: the simulator answers for a policy the macro checked.
    let read_only = READ_ONLY.document();
    let policies = Policies {
        identity: vec![Named {
            name: "the read-only policy",
            document: &read_only,
        }],
        ..Policies::default()
    };
    let context = Context::new().with("aws:SecureTransport", "true");
    let evaluation = eval::evaluate(
        &Caller::new("arn:aws:iam::081278057606:user/Troy"),
        "s3:GetObject",
        "arn:aws:s3:::com.stuzio.projectx/report.csv",
        "081278057606",
        &policies,
        &context,
    );
    assert_eq!(evaluation.decision, Decision::Allowed);
    Ok(())
}
