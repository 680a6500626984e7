//! Inferring what a policy is for from what it contains.

use super::PolicyKind;
use crate::policy::{ActionElement, PolicyDocument};

/// The actions a role trust policy grants to the principals that may assume the role.
pub(super) const TRUST_ACTIONS: [&str; 6] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

/// The kind a policy most likely is, and why. A policy that names principals and grants only the
/// `sts:AssumeRole` family without `Resource` is a trust policy; one that names principals otherwise is a
/// resource-based policy; one without principals is an identity policy (an SCP looks the same: say so with an
/// explicit kind).
#[must_use]
pub fn infer_kind(document: &PolicyDocument) -> (PolicyKind, &'static str) {
    let with_principal: Vec<_> = document
        .statements()
        .filter(|s| s.principal.is_some())
        .collect();
    if with_principal.is_empty() {
        return (
            PolicyKind::Identity,
            "no statement names a principal; an SCP looks the same, so give its kind to check one as an SCP",
        );
    }
    let trust_only = with_principal.iter().all(|statement| {
        statement.resource.is_none()
            && matches!(&statement.action, ActionElement::Action(actions)
                if actions.iter().all(|action| TRUST_ACTIONS.iter().any(|t| t.eq_ignore_ascii_case(action.as_str()))))
    });
    if trust_only && document.statements().all(|s| s.resource.is_none()) {
        (
            PolicyKind::Trust,
            "it names principals and grants only sts:AssumeRole-family actions, without a Resource",
        )
    } else {
        (PolicyKind::Resource, "it names principals on resources")
    }
}
