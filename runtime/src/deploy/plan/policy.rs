//! Customer managed policies: created, or a new default version when the document changed, and adopted.

use super::context::{Changes, Context};
use super::diff::policy_diff;
use super::{ChangeKind, Operation, phase};
use crate::deploy::canonical::same_policy;

/// IAM keeps at most five versions of a policy.
const MAX_VERSIONS: usize = 5;

pub(super) fn diff(context: &Context<'_>, out: &mut Changes<'_>) {
    let stack = context.stack;
    for (policy_ref, policy) in context.here(stack.policies(), |p| p.account) {
        let Some(current) = context.live.policies.get(&policy.name) else {
            out.push(
                phase::POLICIES,
                ChangeKind::Create,
                format!("policy {}", policy.name),
                None,
                Operation::CreatePolicy {
                    name: policy.name.clone(),
                    path: policy.path.clone(),
                    description: policy.description.clone(),
                    document: policy.document.clone(),
                },
            );
            continue;
        };
        if !same_policy(&current.document, &policy.document) {
            // The oldest version that is not the default makes room.
            let prune = (current.versions.len() >= MAX_VERSIONS)
                .then(|| {
                    current
                        .versions
                        .iter()
                        .find(|(_, default)| !default)
                        .map(|(id, _)| id.clone())
                })
                .flatten();
            out.push(
                phase::POLICIES,
                ChangeKind::Update,
                format!("policy {}", policy.name),
                Some(match &prune {
                    Some(old) => format!("new default version (deleting the oldest, {old})"),
                    None => "new default version".to_owned(),
                }),
                Operation::NewPolicyVersion {
                    arn: stack.policy_arn(policy_ref),
                    document: policy.document.clone(),
                    prune,
                },
            )
            .diff = policy_diff(&current.document, &policy.document);
        }
        if !context.is_owned(&current.tags) {
            let tag = Operation::TagPolicy {
                arn: current.arn.clone(),
            };
            let subject = format!("policy {}", policy.name);
            out.adopt(context, phase::POLICIES, subject, tag);
        }
    }
}
