//! Many requests against policies parsed once: a [`PolicySet`] holds the documents, each [`BatchRequest`] names
//! the ones that apply to it, and [`evaluate_many`] decides them in order, as [`evaluate`]
//! decides one.
//!
//! ```
//! # extern crate iamgen_runtime as iamgen;
//! use iamgen::PolicyDocument;
//! use iamgen::eval::Decision;
//! use iamgen::eval::batch::{BatchRequest, PolicySet, evaluate_many};
//!
//! let mut policies = PolicySet::new();
//! let read = policies.insert(
//!     "read",
//!     PolicyDocument::from_json(
//!         r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
//!     )
//!     .unwrap(),
//! );
//! let alice = "arn:aws:iam::111122223333:user/alice";
//! let mut get = BatchRequest::new(alice, "s3:GetObject", "arn:aws:s3:::b/k");
//! get.identity.push(read);
//! let mut put = BatchRequest::new(alice, "s3:PutObject", "arn:aws:s3:::b/k");
//! put.identity.push(read);
//! let decisions: Vec<Decision> = evaluate_many(&policies, &[get, put]).map(|e| e.decision).collect();
//! assert_eq!(decisions, [Decision::Allowed, Decision::ImplicitDeny]);
//! ```

use super::{Caller, Context, Evaluation, Named, Policies, evaluate, is_trust_action};
use crate::policy::PolicyDocument;

/// A policy of a [`PolicySet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PolicyId(usize);

/// Policies parsed once and shared by every request of a batch, each with the name decisions cite.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    policies: Vec<(String, PolicyDocument)>,
}

impl PolicySet {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        PolicySet::default()
    }

    /// Adds a policy under `name` (how decisions cite it: a file's path, `StuzioProjectXPolicy`) and returns
    /// how requests name it. Two policies may share a name; each is its own.
    pub fn insert(&mut self, name: impl Into<String>, document: PolicyDocument) -> PolicyId {
        self.policies.push((name.into(), document));
        PolicyId(self.policies.len() - 1)
    }

    /// The policy `id` names, as decisions cite it.
    ///
    /// # Panics
    ///
    /// If `id` is of another set: ids are only handed out by [`PolicySet::insert`].
    #[must_use]
    pub fn named(&self, id: PolicyId) -> Named<'_> {
        let (name, document) = &self.policies[id.0];
        Named { name, document }
    }

    /// How many policies the set holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.policies.len()
    }

    /// Whether the set holds none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// Decides one request of the batch.
    #[must_use]
    pub fn evaluate(&self, request: &BatchRequest) -> Evaluation {
        let named = |ids: &[PolicyId]| ids.iter().map(|id| self.named(*id)).collect::<Vec<_>>();
        let levels =
            |levels: &[Vec<PolicyId>]| levels.iter().map(|level| named(level)).collect::<Vec<_>>();
        let policies = Policies {
            identity: named(&request.identity),
            resource: request.resource_policy.map(|id| self.named(id)),
            resource_is_role_trust: request.resource_is_role_trust,
            boundary: request.boundary.map(|id| self.named(id)),
            session: request.session.map(|id| self.named(id)),
            scps: levels(&request.scps),
            rcps: levels(&request.rcps),
            caller_is_management_account: request.caller_is_management_account,
            resource_in_management_account: request.resource_in_management_account,
        };
        let resource_account = request
            .resource_account
            .as_deref()
            .unwrap_or(&request.caller.account);
        evaluate(
            &request.caller,
            &request.action,
            &request.resource,
            resource_account,
            &policies,
            &request.context,
        )
    }
}

/// One request of a batch: who asks, for what, on which resource, with which context, and which policies of
/// the [`PolicySet`] apply (as [`Policies`] does for one request).
#[derive(Debug, Clone)]
pub struct BatchRequest {
    /// Who asks.
    pub caller: Caller,
    /// The action: `s3:GetObject`.
    pub action: String,
    /// The resource's ARN.
    pub resource: String,
    /// The account that owns the resource; the caller's when `None`.
    pub resource_account: Option<String>,
    /// The request context.
    pub context: Context,
    /// The caller's identity-based policies.
    pub identity: Vec<PolicyId>,
    /// The resource's policy (a bucket policy; a role's trust policy for `sts:AssumeRole` on it).
    pub resource_policy: Option<PolicyId>,
    /// Whether the resource is a role whose trust policy must allow: set by [`BatchRequest::new`] for a trust
    /// action (`sts:AssumeRole`, `sts:TagSession` ...) on a role's ARN.
    pub resource_is_role_trust: bool,
    /// The caller's permissions boundary.
    pub boundary: Option<PolicyId>,
    /// The caller's session policy.
    pub session: Option<PolicyId>,
    /// The caller account's service control policies, one list per level from the root down.
    pub scps: Vec<Vec<PolicyId>>,
    /// The resource account's resource control policies, one list per level.
    pub rcps: Vec<Vec<PolicyId>>,
    /// The caller's account is the organization's management account (SCPs do not apply).
    pub caller_is_management_account: bool,
    /// The resource's account is the management account (RCPs do not apply).
    pub resource_in_management_account: bool,
}

impl BatchRequest {
    /// A request of `caller` (an ARN or a service principal) with no context and no policies yet.
    #[must_use]
    pub fn new(caller: &str, action: &str, resource: &str) -> Self {
        BatchRequest {
            caller: Caller::new(caller),
            action: action.to_owned(),
            resource: resource.to_owned(),
            resource_account: None,
            context: Context::new(),
            identity: Vec::new(),
            resource_policy: None,
            resource_is_role_trust: is_trust_action(action) && resource.contains(":role/"),
            boundary: None,
            session: None,
            scps: Vec::new(),
            rcps: Vec::new(),
            caller_is_management_account: false,
            resource_in_management_account: false,
        }
    }
}

/// Decides `requests` in order against the policies of `policies`, each as [`PolicySet::evaluate`].
pub fn evaluate_many<'a>(
    policies: &'a PolicySet,
    requests: &'a [BatchRequest],
) -> impl Iterator<Item = Evaluation> + 'a {
    requests.iter().map(|request| policies.evaluate(request))
}
