//! The decision flow of [`evaluate`], one function per step of the IAM User Guide's "How AWS
//! enforcement code logic evaluates requests to allow or deny access", in its order: deny evaluation, AWS
//! Organizations RCPs, AWS Organizations SCPs, resource-based policies, identity-based policies, IAM
//! permissions boundaries, session policies; and, from "Cross-account policy evaluation logic", the rule that
//! across accounts both sides must allow.

use std::ops::ControlFlow;

use super::{
    Caller, Context, Deciding, Decision, Evaluation, Named, Naming, Policies, Request, Scope,
    is_kms_key, matching, naming, unmet_condition, unreadable_dates,
};
use crate::policy::Effect;

/// A step either ends the decision (`Break`) or hands on what the next step needs (`Continue`).
type Step<T = ()> = ControlFlow<Evaluation, T>;

/// Evaluates one request against its policies.
#[must_use]
pub fn evaluate(
    caller: &Caller,
    action: &str,
    resource: &str,
    resource_account: &str,
    policies: &Policies<'_>,
    context: &Context,
) -> Evaluation {
    let scope = Scope::new(context, caller, resource_account);
    let mut flow = Flow {
        // Each policy's own language decides whether it has variables; `matching` sets it per policy.
        request: Request {
            caller,
            action,
            resource,
            scope: &scope,
            variables: true,
        },
        policies,
        same_account: caller.account.is_empty() || caller.account == resource_account,
        reasons: Vec::new(),
        reason_codes: Vec::new(),
    };
    let (ControlFlow::Break(mut evaluation) | ControlFlow::Continue(mut evaluation)) = flow.run();
    // A decision that turned on a value no date operator can read would look arbitrary without saying so.
    for reason in unreadable_dates(&flow.request, policies, context) {
        evaluation.reasons.push(reason);
        evaluation.reason_codes.push("unreadable_date");
    }
    evaluation
}

/// One decision under way: the request, the policies that apply to it, and the reasons given so far.
struct Flow<'r, 'p> {
    request: Request<'r>,
    policies: &'r Policies<'p>,
    /// A service principal has no account and no identity-based policies: the resource's policy decides, as
    /// within one account.
    same_account: bool,
    reasons: Vec<String>,
    /// A code for each reason, in step with `reasons`.
    reason_codes: Vec<&'static str>,
}

/// The `Allow` statements of each kind of policy that apply to the request.
struct Allows {
    identity: Vec<Deciding>,
    resource: Vec<Deciding>,
    limits: Limits,
}

/// The `Allow`s of the permissions boundary and the session policy: one that is absent (`None`) does not
/// limit; one that is present must allow.
struct Limits {
    boundary: Option<Vec<Deciding>>,
    session: Option<Vec<Deciding>>,
}

/// An organization's control policies of one kind, as the flow reads them.
struct ControlPolicies<'r, 'p> {
    levels: &'r [Vec<Named<'p>>],
    /// RCPs are resource-based: their `Principal` must name the caller.
    check_principal: bool,
    kind: &'static str,
    short: &'static str,
    what: &'static str,
    /// AWS's full-access policy of the kind, attached where a level names no `Allow`.
    default: &'static str,
    /// How AWS attaches it, for the reason a decision gives.
    default_attached: &'static str,
    /// The reason codes: AWS's default read in, a level that allows nothing, every level allows.
    default_code: &'static str,
    denied_code: &'static str,
    allowed_code: &'static str,
}

/// The reason codes of a policy that must allow: a trust policy's, or a key policy's.
struct MustAllowCodes {
    condition_unmet: &'static str,
    does_not_allow: &'static str,
    allows: &'static str,
    names_caller: &'static str,
    names_role: &'static str,
}

/// The reason code of a permissions boundary or a session policy (`what`) that did not allow, by whether an
/// `Allow` of it failed only on its condition.
fn limit_code(what: &str, condition_unmet: bool) -> &'static str {
    match (what == "permissions boundary", condition_unmet) {
        (true, true) => "boundary_condition_unmet",
        (true, false) => "boundary_does_not_allow",
        (false, true) => "session_policy_condition_unmet",
        (false, false) => "session_policy_does_not_allow",
    }
}

/// Whether any policy of a level of control policies has an `Allow` statement.
fn names_an_allow(level: &[Named<'_>]) -> bool {
    level.iter().any(|policy| {
        policy
            .document
            .statements()
            .any(|s| s.effect == Effect::Allow)
    })
}

impl Flow<'_, '_> {
    /// The steps in AWS's order; the first that decides ends the flow.
    fn run(&mut self) -> Step<Evaluation> {
        self.deny_evaluation()?;
        self.organizations_rcps()?;
        self.organizations_scps()?;
        let allows = self.allows();
        // A role's trust policy and a KMS key policy must allow, in every case: IAM policies alone never
        // suffice.
        let key_policy = is_kms_key(self.request.resource);
        if self.policies.resource_is_role_trust || key_policy {
            return self.resource_policy_that_must_allow(allows, key_policy);
        }
        if !self.same_account {
            return self.cross_account(allows);
        }
        let Allows {
            identity,
            resource,
            limits,
        } = self.resource_based_policy(allows)?;
        self.identity_based_policies(&identity, resource)?;
        let identity = self.permissions_boundary(&limits, identity)?;
        let identity = self.session_policy(&limits, identity)?;
        self.reason(
            "identity_allows",
            "an identity-based policy allows the request".to_owned(),
        );
        ControlFlow::Break(self.allowed(with_limits(identity, &limits)))
    }

    fn find(&self, policy: Named<'_>, effect: Effect, check_principal: bool) -> Vec<Deciding> {
        matching(policy, effect, &self.request, check_principal)
    }

    /// SCPs limit the IAM users and roles of member accounts (and their sessions and root users), never an
    /// AWS service principal ("SCPs affect only IAM users and roles that are managed by accounts that are part
    /// of the organization", AWS Organizations User Guide).
    fn scps_apply(&self) -> bool {
        !self.policies.scps.is_empty()
            && !self.policies.caller_is_management_account
            && !self.request.caller.is_service()
    }

    fn rcps_apply(&self) -> bool {
        !self.policies.rcps.is_empty() && !self.policies.resource_in_management_account
    }

    /// Gives a reason, with its code.
    fn reason(&mut self, code: &'static str, text: impl Into<String>) {
        self.reasons.push(text.into());
        self.reason_codes.push(code);
    }

    /// An allow, decided by `deciding`, with the reasons given so far.
    fn allowed(&mut self, deciding: Vec<Deciding>) -> Evaluation {
        Evaluation {
            decision: Decision::Allowed,
            deciding,
            reasons: std::mem::take(&mut self.reasons),
            reason_codes: std::mem::take(&mut self.reason_codes),
            fix: None,
        }
    }

    /// An implicit deny after the reason just given; `deciding` are the `Allow`s that were not enough.
    fn implicit_deny(&mut self, deciding: Vec<Deciding>, fix: String) -> Evaluation {
        Evaluation {
            decision: Decision::ImplicitDeny,
            deciding,
            reasons: std::mem::take(&mut self.reasons),
            reason_codes: std::mem::take(&mut self.reason_codes),
            fix: Some(fix),
        }
    }

    /// The fix when the caller's own policies do not allow: the condition that stopped one of them if one
    /// allows but for its condition, else an allow to add.
    fn allow_in_callers_policy(&self) -> String {
        let Request {
            caller,
            action,
            resource,
            ..
        } = self.request;
        self.unmet_in(&self.policies.identity, false)
            .unwrap_or_else(|| {
                format!("allow {action} on {resource} in a policy of {}", caller.arn)
            })
    }

    /// The first of `policies` whose `Allow` matches the request but for its condition, described (see
    /// [`unmet_condition`]).
    fn unmet_in(&self, policies: &[Named<'_>], check_principal: bool) -> Option<String> {
        policies
            .iter()
            .find_map(|policy| unmet_condition(*policy, &self.request, check_principal))
    }

    /// Deny evaluation: an explicit `Deny` in any applicable policy (identity-based, resource-based,
    /// permissions boundary, session policy, SCPs, RCPs) is the final decision.
    fn deny_evaluation(&mut self) -> Step {
        let policies = self.policies;
        let mut denies = Vec::new();
        for policy in &policies.identity {
            denies.extend(self.find(*policy, Effect::Deny, false));
        }
        if let Some(policy) = policies.resource {
            denies.extend(self.find(policy, Effect::Deny, true));
        }
        for policy in policies.boundary.iter().chain(&policies.session) {
            denies.extend(self.find(*policy, Effect::Deny, false));
        }
        if self.scps_apply() {
            for policy in policies.scps.iter().flatten() {
                denies.extend(self.find(*policy, Effect::Deny, false));
            }
        }
        if self.rcps_apply() {
            for policy in policies.rcps.iter().flatten() {
                denies.extend(self.find(*policy, Effect::Deny, true));
            }
        }
        if denies.is_empty() {
            return ControlFlow::Continue(());
        }
        self.reason(
            "explicit_deny",
            "an explicit Deny in an applicable policy overrides every Allow".to_owned(),
        );
        let fix = Some(format!(
            "remove or narrow the denying statement{} ({})",
            if denies.len() == 1 { "" } else { "s" },
            denies
                .iter()
                .map(|d| format!("{} {}", d.policy, d.statement))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        ControlFlow::Break(Evaluation {
            decision: Decision::ExplicitDeny,
            deciding: denies,
            reasons: std::mem::take(&mut self.reasons),
            reason_codes: std::mem::take(&mut self.reason_codes),
            fix,
        })
    }

    /// AWS Organizations RCPs: for a resource of a member account, an `Allow` at every level of the
    /// organization, from the root down. AWS's `RCPFullAWSAccess` is at every level (see
    /// [`Flow::control_policies`]).
    fn organizations_rcps(&mut self) -> Step {
        if !self.rcps_apply() {
            return ControlFlow::Continue(());
        }
        self.control_policies(&ControlPolicies {
            levels: &self.policies.rcps,
            check_principal: true,
            kind: "resource control",
            short: "RCP",
            default_code: "rcp_full_aws_access",
            denied_code: "rcp_level_without_allow",
            allowed_code: "rcps_allow",
            what: "the request",
            default: "RCPFullAWSAccess",
            default_attached: "which AWS attaches to every root, OU and account and which cannot be detached",
        })
    }

    /// AWS Organizations SCPs: for a principal of a member account, an `Allow` at every level of the
    /// organization, from the root down. AWS's `FullAWSAccess` is at a level that names no `Allow` (see
    /// [`Flow::control_policies`]).
    fn organizations_scps(&mut self) -> Step {
        if !self.scps_apply() {
            return ControlFlow::Continue(());
        }
        self.control_policies(&ControlPolicies {
            levels: &self.policies.scps,
            check_principal: false,
            kind: "service control",
            short: "SCP",
            default_code: "scp_full_aws_access",
            denied_code: "scp_level_without_allow",
            allowed_code: "scps_allow",
            what: "the action",
            default: "FullAWSAccess",
            default_attached: "which AWS attaches to every root, OU and account unless it is replaced",
        })
    }

    /// Every level of control policies must allow. A level given without any `Allow` statement (Deny
    /// statements alone, the "deny list" strategy) is read with AWS's full-access policy attached beside them,
    /// as AWS attaches it: `RCPFullAWSAccess` cannot be detached ("RCP syntax"), and `FullAWSAccess` stays
    /// unless an allow-list SCP replaces it ("Every root, OU, and account must have at least one SCP
    /// attached"). A level with an `Allow` is read as given whole: it is the allow list that replaced
    /// `FullAWSAccess` (or, for RCPs, a level given with `RCPFullAWSAccess` spelt out).
    fn control_policies(&mut self, control: &ControlPolicies<'_, '_>) -> Step {
        let defaulted: Vec<usize> = (0..control.levels.len())
            .filter(|level| !names_an_allow(&control.levels[*level]))
            .collect();
        let unallowed = control
            .levels
            .iter()
            .enumerate()
            .position(|(index, level)| {
                !defaulted.contains(&index)
                    && !level.iter().any(|policy| {
                        !self
                            .find(*policy, Effect::Allow, control.check_principal)
                            .is_empty()
                    })
            });
        let ControlPolicies {
            kind,
            short,
            what,
            default,
            default_attached,
            ..
        } = control;
        if !defaulted.is_empty() {
            let levels: Vec<String> = defaulted.iter().map(ToString::to_string).collect();
            self.reason(control.default_code, format!(
                "AWS's {default} ({default_attached}) allows {what} at level{} {} of the organization, whose \
                 {short}s only deny",
                if levels.len() == 1 { "" } else { "s" },
                levels.join(", ")
            ));
        }
        if let Some(level) = unallowed {
            self.reason(
                control.denied_code,
                format!("no {kind} policy at level {level} of the organization allows {what}"),
            );
            let fix = self
                .unmet_in(&control.levels[level], control.check_principal)
                .unwrap_or_else(|| {
                    format!(
                        "allow {} in an {short} at level {level} (the root is level 0)",
                        self.request.action
                    )
                });
            return ControlFlow::Break(self.implicit_deny(Vec::new(), fix));
        }
        self.reason(
            control.allowed_code,
            format!("the {kind} policies allow {what} at every level"),
        );
        ControlFlow::Continue(())
    }

    fn allows(&self) -> Allows {
        let policies = self.policies;
        Allows {
            identity: policies
                .identity
                .iter()
                .flat_map(|policy| self.find(*policy, Effect::Allow, false))
                .collect(),
            resource: policies
                .resource
                .map(|policy| self.find(policy, Effect::Allow, true))
                .unwrap_or_default(),
            limits: Limits {
                boundary: policies
                    .boundary
                    .map(|policy| self.find(policy, Effect::Allow, false)),
                session: match policies.session {
                    Some(policy) => Some(self.find(policy, Effect::Allow, false)),
                    // A federated user's session without a passed policy has no permissions of its own
                    // ("If you do not pass a policy to this operation, the resulting temporary credentials
                    // have no effective permissions", GetFederationToken): as a session policy that allows
                    // nothing. A resource-based policy naming the session itself still grants.
                    None if self.request.caller.is_federated_user() => Some(Vec::new()),
                    None => None,
                },
            },
        }
    }

    /// The strongest way in which the resource's allowing statements name the caller.
    fn strongest_naming(&self, deciding: &[Deciding]) -> Naming {
        self.policies.resource.map_or(Naming::Account, |policy| {
            deciding
                .iter()
                .map(|deciding| naming(policy, deciding, self.request.caller))
                .max()
                .unwrap_or(Naming::Account)
        })
    }

    /// A role's trust policy or a KMS key policy: the resource-based policy must allow, in every case; within
    /// one account, naming the caller itself is enough; otherwise (another account, or the account as
    /// principal) the caller's identity-based policies, within its limits, must allow too.
    fn resource_policy_that_must_allow(
        &mut self,
        allows: Allows,
        key_policy: bool,
    ) -> Step<Evaluation> {
        let codes = if key_policy {
            MustAllowCodes {
                condition_unmet: "key_policy_condition_unmet",
                does_not_allow: "key_policy_does_not_allow",
                allows: "key_policy_allows",
                names_caller: "key_policy_names_caller",
                names_role: "key_policy_names_role",
            }
        } else {
            MustAllowCodes {
                condition_unmet: "trust_condition_unmet",
                does_not_allow: "trust_does_not_allow",
                allows: "trust_allows",
                names_caller: "trust_names_caller",
                names_role: "trust_names_role",
            }
        };
        let (policy_kind, subject) = if key_policy {
            ("key policy", "the key")
        } else {
            ("trust policy", "the role")
        };
        if allows.resource.is_empty() {
            let resource = self.policies.resource.as_slice();
            let fix = if let Some(unmet) = self.unmet_in(resource, true) {
                self.reason(codes.condition_unmet, format!(
                    "the {policy_kind} of {subject} names the caller, but a condition of it does not hold, \
                     and it must allow"
                ));
                unmet
            } else {
                self.reason(
                    codes.does_not_allow,
                    format!(
                        "the {policy_kind} of {subject} does not allow the caller, and it must"
                    ),
                );
                format!(
                    "add the caller ({}) or its account to the {policy_kind} of {subject}",
                    self.request.caller.arn
                )
            };
            return ControlFlow::Break(self.implicit_deny(allows.identity, fix));
        }
        self.reason(
            codes.allows,
            format!("the {policy_kind} of {subject} allows the caller"),
        );
        if self.same_account {
            match self.strongest_naming(&allows.resource) {
                Naming::Exact => {
                    self.reason(codes.names_caller, format!(
                        "within one account, a {policy_kind} that names the caller itself is enough"
                    ));
                    return ControlFlow::Break(self.allowed(allows.resource));
                }
                // "Resource-based policies that grant permissions to the role ARN are limited by an implicit
                // deny in the permissions boundary or session policy" (IAM User Guide, "Policy evaluation
                // logic"): as for any resource-based policy, one path.
                Naming::Role => {
                    let deciding = self.permissions_boundary(&allows.limits, allows.resource)?;
                    let deciding = self.session_policy(&allows.limits, deciding)?;
                    self.reason(codes.names_role, format!(
                        "within one account, a {policy_kind} that names the caller's role grants to its \
                         session, within the session's limits"
                    ));
                    return ControlFlow::Break(self.allowed(with_limits(deciding, &allows.limits)));
                }
                Naming::Account => {}
            }
        }
        if allows.identity.is_empty() {
            self.reason("no_identity_allow", format!(
                "no identity-based policy of the caller allows {} on {subject}{}",
                self.request.action,
                if self.same_account {
                    " (the policy names the account, which delegates the decision to its policies)"
                } else {
                    " (across accounts both sides must allow)"
                }
            ));
            let fix = self.allow_in_callers_policy();
            return ControlFlow::Break(self.implicit_deny(allows.resource, fix));
        }
        let mut deciding = self.permissions_boundary(&allows.limits, allows.resource)?;
        deciding = self.session_policy(&allows.limits, deciding)?;
        self.reason(
            "identity_allows",
            "the caller's identity-based policies allow it".to_owned(),
        );
        deciding.extend(with_limits(allows.identity, &allows.limits));
        ControlFlow::Break(self.allowed(deciding))
    }

    /// Resource-based policies, within one account: a statement that names a user or a role session itself
    /// grants directly, and the permissions boundary and the session policy do not limit it; one that names
    /// the role, not the session, grants to the session through the role, within its limits. One that names
    /// the account delegates to the identity-based policies.
    fn resource_based_policy(&mut self, allows: Allows) -> Step<Allows> {
        let Some(policy) = self.policies.resource else {
            return ControlFlow::Continue(allows);
        };
        let caller = self.request.caller;
        let by_naming = |wanted: Naming| -> Vec<Deciding> {
            allows
                .resource
                .iter()
                .filter(|deciding| naming(policy, deciding, caller) == wanted)
                .cloned()
                .collect()
        };
        let exact = by_naming(Naming::Exact);
        if !exact.is_empty() {
            self.reason(
                "resource_policy_names_caller",
                "within one account, the resource-based policy allows the caller by its own ARN"
                    .to_owned(),
            );
            return ControlFlow::Break(self.allowed(exact));
        }
        let role = by_naming(Naming::Role);
        if role.is_empty() {
            return ControlFlow::Continue(allows);
        }
        let role = self.permissions_boundary(&allows.limits, role)?;
        let role = self.session_policy(&allows.limits, role)?;
        self.reason(
            "resource_policy_names_role",
            "within one account, the resource-based policy allows the caller's role".to_owned(),
        );
        ControlFlow::Break(self.allowed(with_limits(role, &allows.limits)))
    }

    /// Identity-based policies, within one account, when the resource-based policy has not granted: one of
    /// them must allow. `resource` are the resource-based policy's `Allow`s (naming the account), cited if
    /// none does.
    fn identity_based_policies(&mut self, identity: &[Deciding], resource: Vec<Deciding>) -> Step {
        if !identity.is_empty() {
            return ControlFlow::Continue(());
        }
        if resource.is_empty() {
            self.reason(
                "no_allow",
                "no identity-based or resource-based policy allows the request",
            );
        } else {
            self.reason(
                "resource_policy_delegates_to_identity",
                "the resource-based policy names the account, which delegates to the identity-based policies, \
                 and none allows the request",
            );
        }
        let fix = self.allow_in_callers_policy();
        ControlFlow::Break(self.implicit_deny(resource, fix))
    }

    /// IAM permissions boundaries: when the caller has one, it must allow too. `deciding` are the `Allow`s
    /// so far, cited if the boundary stops the request and handed on if it does not.
    fn permissions_boundary(
        &mut self,
        limits: &Limits,
        deciding: Vec<Deciding>,
    ) -> Step<Vec<Deciding>> {
        let policy = self.policies.boundary;
        self.limit(
            limits.boundary.as_deref(),
            policy,
            "permissions boundary",
            deciding,
        )
    }

    /// Session policies: when the caller's session has one, it must allow too. As
    /// [`permissions_boundary`](Self::permissions_boundary) for `deciding`.
    fn session_policy(&mut self, limits: &Limits, deciding: Vec<Deciding>) -> Step<Vec<Deciding>> {
        let policy = self.policies.session;
        self.limit(
            limits.session.as_deref(),
            policy,
            "session policy",
            deciding,
        )
    }

    /// A policy that limits what the identity may do (`what`): present with no `Allow` for the request, it
    /// denies; absent, it does not apply.
    fn limit(
        &mut self,
        allows: Option<&[Deciding]>,
        policy: Option<Named<'_>>,
        what: &str,
        deciding: Vec<Deciding>,
    ) -> Step<Vec<Deciding>> {
        if allows.is_some_and(<[Deciding]>::is_empty) {
            let Request {
                action, resource, ..
            } = self.request;
            let fix = if let Some(unmet) = self.unmet_in(policy.as_slice(), false) {
                self.reason(
                    limit_code(what, true),
                    format!(
                        "the {what} allows the action but for a condition, which does not hold"
                    ),
                );
                unmet
            } else {
                self.reason(
                    limit_code(what, false),
                    format!("the {what} does not allow the action"),
                );
                format!("allow {action} on {resource} in the {what}")
            };
            return ControlFlow::Break(self.implicit_deny(deciding, fix));
        }
        ControlFlow::Continue(deciding)
    }

    /// Cross-account policy evaluation logic: the caller's identity-based policies (within its limits) and
    /// the resource's policy must both allow.
    fn cross_account(&mut self, allows: Allows) -> Step<Evaluation> {
        let Allows {
            identity,
            resource,
            limits,
        } = allows;
        if identity.is_empty() {
            self.reason(
                "cross_account_no_identity_allow",
                "across accounts the caller's identity-based policies must allow, and none does"
                    .to_owned(),
            );
            let fix = self.allow_in_callers_policy();
            return ControlFlow::Break(self.implicit_deny(resource, fix));
        }
        let identity = self.permissions_boundary(&limits, identity)?;
        let identity = self.session_policy(&limits, identity)?;
        if resource.is_empty() {
            self.reason(
                "cross_account_no_resource_allow",
                "across accounts the resource's policy must allow the caller, and none does"
                    .to_owned(),
            );
            let fix = self
                .unmet_in(self.policies.resource.as_slice(), true)
                .unwrap_or_else(|| {
                    format!(
                        "allow {} in the resource-based policy of {}",
                        self.request.caller.arn, self.request.resource
                    )
                });
            return ControlFlow::Break(self.implicit_deny(identity, fix));
        }
        self.reason(
            "cross_account_allowed",
            "both the caller's policies and the resource's policy allow the request".to_owned(),
        );
        let mut deciding = with_limits(identity, &limits);
        deciding.extend(resource);
        ControlFlow::Break(self.allowed(deciding))
    }
}

/// `deciding` with the permissions boundary's and the session policy's `Allow`s, which took part.
fn with_limits(mut deciding: Vec<Deciding>, limits: &Limits) -> Vec<Deciding> {
    deciding.extend(limits.boundary.iter().flatten().cloned());
    deciding.extend(limits.session.iter().flatten().cloned());
    deciding
}

#[cfg(test)]
mod tests {
    use super::super::{Caller, Context, Decision, Named, Policies, evaluate};
    use crate::PolicyDocument;

    fn allow_all(principal: &str) -> PolicyDocument {
        PolicyDocument::from_json(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow"{principal}, "Action": "*", "Resource": "*"}}]}}"#
        ))
        .expect("a policy")
    }

    fn named(document: &PolicyDocument) -> Named<'_> {
        Named {
            name: "P",
            document,
        }
    }

    /// "How AWS enforcement code logic evaluates requests": RCPs, then SCPs. When both stop a request, the
    /// RCP is the one cited (before #13 the SCP was read first).
    #[test]
    fn resource_control_policies_are_read_before_service_control_policies() {
        let identity = allow_all("");
        let scp_s3 = PolicyDocument::from_json(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
        )
        .expect("a policy");
        let rcp_s3 = PolicyDocument::from_json(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}"#,
        )
        .expect("a policy");
        let rcp_all = allow_all(r#", "Principal": "*""#);
        let caller = Caller::new("arn:aws:iam::111111111111:user/alice");
        let request = |scps: &PolicyDocument, rcps: &PolicyDocument| {
            let policies = Policies {
                identity: vec![named(&identity)],
                scps: vec![vec![named(scps)]],
                rcps: vec![vec![named(rcps)]],
                ..Policies::default()
            };
            evaluate(
                &caller,
                "kms:Decrypt",
                "arn:aws:kms:us-east-1:111111111111:key/k",
                "111111111111",
                &policies,
                &Context::new(),
            )
        };

        let both = request(&scp_s3, &rcp_s3);
        assert_eq!(both.decision, Decision::ImplicitDeny);
        assert_eq!(
            both.reasons,
            ["no resource control policy at level 0 of the organization allows the request"]
        );

        let scp_only = request(&scp_s3, &rcp_all);
        assert_eq!(
            scp_only.reasons,
            [
                "the resource control policies allow the request at every level",
                "no service control policy at level 0 of the organization allows the action",
            ]
        );
    }
}
