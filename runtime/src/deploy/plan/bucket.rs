//! Buckets: created when missing, and their public access block turned on. A bucket that exists already is
//! someone else's: it must be there, and nothing of it is changed.

use super::context::{Changes, Context};
use super::{ChangeKind, Operation, phase};
use crate::deploy::{DeployError, Missing};

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
    }
    Ok(())
}
