//! Buckets: created when missing, and their public access block turned on.

use super::context::{Changes, Context};
use super::{ChangeKind, Operation, phase};

pub(super) fn diff(context: &Context<'_>, out: &mut Changes<'_>) {
    let live = context.live;
    for (_, bucket) in context.here(context.stack.buckets(), |b| b.account) {
        let exists = live.buckets.contains(&bucket.name);
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
}
