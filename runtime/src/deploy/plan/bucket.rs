//! Buckets: created when missing, with their public access block, versioning, default encryption and access
//! logging as the stack declares them, and each of these put back when it has changed. A bucket that exists
//! already is someone else's: it must be there, and nothing of it is changed.
//!
//! As in the generated Terraform, a setting the stack leaves off (versioning off, no logging) is not managed:
//! what the bucket has of it is left as it is.

use super::context::{Changes, Context};
use super::{ChangeKind, Operation, phase};
use crate::deploy::live::LiveBucketSettings;
use crate::deploy::{DeployError, Missing};
use crate::stack::{BucketEncryption, BucketSettings};

pub(super) fn diff(context: &Context<'_>, out: &mut Changes<'_>) -> Result<(), DeployError> {
    let live = context.live;
    for (_, bucket) in context.here(context.stack.buckets(), |b| b.account) {
        let exists = live.buckets.contains(&bucket.name);
        if bucket.is_existing() {
            if !exists {
                return Err(DeployError::Missing(Missing::ExistingBucket {
                    bucket: bucket.name.clone(),
                    account_name: context.account.name.clone(),
                    account: context.account.id.to_string(),
                }));
            }
            continue;
        }
        if !exists {
            out.push(
                phase::BUCKETS,
                ChangeKind::Create,
                format!("bucket {}", bucket.name),
                None,
                Operation::CreateBucket {
                    bucket: bucket.name.clone(),
                },
            );
        }
        if !live.public_access_blocked.contains(&bucket.name) {
            out.push(
                phase::BUCKETS,
                if exists {
                    ChangeKind::Update
                } else {
                    ChangeKind::Create
                },
                format!("public access block of bucket {}", bucket.name),
                Some("block public ACLs and public bucket policies".to_owned()),
                Operation::BlockPublicAccess {
                    bucket: bucket.name.clone(),
                },
            );
        }
        if let Some(settings) = bucket.settings() {
            let kind = if exists {
                ChangeKind::Update
            } else {
                ChangeKind::Create
            };
            let live = live.bucket_settings.get(&bucket.name);
            settings_diff(&bucket.name, settings, live, kind, out);
        }
    }
    Ok(())
}

/// What S3 answers for `encryption` once it is set: the algorithm, the key, the S3 Bucket Key.
pub(super) fn as_live(encryption: &BucketEncryption) -> (String, Option<String>, bool) {
    match encryption {
        BucketEncryption::SseS3 => ("AES256".to_owned(), None, false),
        BucketEncryption::Kms { key } => (
            "aws:kms".to_owned(),
            key.as_ref().map(|key| key.as_str().to_owned()),
            true,
        ),
    }
}

/// The settings of a bucket the stack creates that it lacks (every one for a bucket being made), in the order
/// they are applied.
fn settings_diff(
    bucket: &str,
    settings: &BucketSettings,
    live: Option<&LiveBucketSettings>,
    kind: ChangeKind,
    out: &mut Changes<'_>,
) {
    let default = LiveBucketSettings::default();
    let live = live.unwrap_or(&default);
    if settings.versioning && !live.versioning {
        out.push(
            phase::BUCKETS,
            kind,
            format!("versioning of bucket {bucket}"),
            Some("enabled".to_owned()),
            Operation::EnableVersioning {
                bucket: bucket.to_owned(),
            },
        );
    }
    if live.encryption.as_ref() != Some(&as_live(&settings.encryption)) {
        let detail = match &settings.encryption {
            BucketEncryption::SseS3 => "SSE-S3".to_owned(),
            BucketEncryption::Kms { key: None } => {
                "SSE-KMS with the AWS managed key aws/s3".to_owned()
            }
            BucketEncryption::Kms { key: Some(key) } => format!("SSE-KMS with {key}"),
        };
        out.push(
            phase::BUCKETS,
            kind,
            format!("default encryption of bucket {bucket}"),
            Some(detail),
            Operation::SetDefaultEncryption {
                bucket: bucket.to_owned(),
                encryption: settings.encryption.clone(),
            },
        );
    }
    if let Some(logging) = &settings.logging {
        let wanted = (
            logging.target.as_str().to_owned(),
            logging.prefix.as_str().to_owned(),
        );
        if live.logging.as_ref() != Some(&wanted) {
            out.push(
                phase::BUCKETS,
                kind,
                format!("access logging of bucket {bucket}"),
                Some(format!(
                    "into {} under `{}`",
                    logging.target,
                    logging.prefix.as_str().escape_debug()
                )),
                Operation::SetLogging {
                    bucket: bucket.to_owned(),
                    target: wanted.0,
                    prefix: wanted.1,
                },
            );
        }
    }
}
