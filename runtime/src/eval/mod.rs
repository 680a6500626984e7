//! Offline authorization: AWS's policy evaluation logic, for one request and for the cross-account chain of a
//! stack, with the statements that decided.
//!
//! The decision flow is the IAM User Guide's ("Policy evaluation logic", "Cross-account policy evaluation
//! logic"): an explicit `Deny` in any applicable policy wins; resource control policies must allow at every
//! level of the organization (not for the management account's resources), service control policies likewise
//! (not for the management account's principals); within one account an `Allow` in either the identity-based or the resource-based policy suffices, subject to the
//! permissions boundary and the session policy; across accounts both sides must allow; a role's trust policy
//! must always allow `sts:AssumeRole` explicitly.

pub mod batch;
pub mod chain;
pub mod conditions;
mod flow;
pub mod variables;

pub use flow::evaluate;

use std::fmt;

use crate::policy::{
    ActionElement, ConditionValue, Effect, OneOrMany, PolicyDocument, Principal as PrincipalValue,
    PrincipalElement, PrincipalKind, ResourceElement, Statement,
};

/// The request context: condition keys (compared without regard to case) and their values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    entries: Vec<(String, Vec<String>)>,
}

impl Context {
    /// An empty context.
    #[must_use]
    pub fn new() -> Self {
        Context::default()
    }

    /// The context with `value` added to `key` (a key given twice is multi-valued).
    #[must_use]
    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.add(key, value);
        self
    }

    /// Adds `value` to `key`.
    pub fn add(&mut self, key: &str, value: &str) {
        match self
            .entries
            .iter_mut()
            .find(|(existing, _)| existing.eq_ignore_ascii_case(key))
        {
            Some((_, values)) => values.push(value.to_owned()),
            None => self.entries.push((key.to_owned(), vec![value.to_owned()])),
        }
    }

    /// Sets `key` to `value` unless the caller gave the key already.
    pub fn set_default(&mut self, key: &str, value: &str) {
        if self.values(key).is_none() {
            self.add(key, value);
        }
    }

    /// Sets `key` to an empty set of values (a multi-valued key present but empty).
    pub fn set_empty(&mut self, key: &str) {
        self.entries
            .retain(|(existing, _)| !existing.eq_ignore_ascii_case(key));
        self.entries.push((key.to_owned(), Vec::new()));
    }

    /// The values of `key`, if the request has it.
    #[must_use]
    pub fn values(&self, key: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(existing, _)| existing.eq_ignore_ascii_case(key))
            .map(|(_, values)| values.as_slice())
    }
}

/// The values of a condition key in a request.
#[derive(Debug, Clone, Copy)]
pub enum Values<'a> {
    /// Several (or none: a multi-valued key present but empty).
    Many(&'a [String]),
    /// One.
    One(&'a str),
}

impl<'a> Values<'a> {
    /// How many.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Values::Many(values) => values.len(),
            Values::One(_) => 1,
        }
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The only value, if there is exactly one.
    #[must_use]
    pub fn single(&self) -> Option<&'a str> {
        match self {
            Values::Many([value]) => Some(value),
            Values::Many(_) => None,
            Values::One(value) => Some(value),
        }
    }

    /// Each value.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let (many, one): (&'a [String], Option<&'a str>) = match *self {
            Values::Many(values) => (values, None),
            Values::One(value) => (&[], Some(value)),
        };
        many.iter().map(String::as_str).chain(one)
    }
}

/// Where condition keys and policy variables are looked up.
pub trait Lookup {
    /// The values of `key` (compared without regard to case), if the request has it.
    fn lookup(&self, key: &str) -> Option<Values<'_>>;

    /// Whether `${...}` in the policy being read is a policy variable. Only a `2012-10-17` policy has them:
    /// "If you use a policy variable with an earlier version [or none], the variable is treated as a literal
    /// string" (IAM User Guide, "IAM policy elements: Variables and tags").
    fn variables(&self) -> bool {
        true
    }
}

/// A request's values as one policy reads them: with policy variables, or (`Version` `2008-10-17`, or none)
/// with `${...}` as literal text.
struct Reading<'a> {
    scope: &'a dyn Lookup,
    variables: bool,
}

impl Lookup for Reading<'_> {
    fn lookup(&self, key: &str) -> Option<Values<'_>> {
        self.scope.lookup(key)
    }

    fn variables(&self) -> bool {
        self.variables && self.scope.variables()
    }
}

/// Whether `document` has policy variables: only the `2012-10-17` language does.
fn has_variables(document: &PolicyDocument) -> bool {
    document.version == Some(crate::policy::Version::V2012_10_17)
}

impl Lookup for Context {
    fn lookup(&self, key: &str) -> Option<Values<'_>> {
        self.values(key).map(Values::Many)
    }
}

/// The keys AWS derives from the caller and the resource, which every request's context has: the principal's
/// ARN (a role's for its sessions), account, user name and type, whether it is a service, and the resource's
/// account.
pub const DERIVED_KEYS: [&str; 6] = [
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:username",
    "aws:PrincipalType",
    "aws:PrincipalIsAWSService",
    "aws:ResourceAccount",
];

/// Whether `key` is one of [`DERIVED_KEYS`] (compared without regard to case).
fn is_derived(key: &str) -> bool {
    DERIVED_KEYS
        .iter()
        .any(|derived| derived.eq_ignore_ascii_case(key))
}

/// A request's whole context: what the caller supplied, then the keys AWS derives from the caller and the
/// resource (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:username`, `aws:PrincipalType`,
/// `aws:PrincipalIsAWSService`, `aws:ResourceAccount`). Built once per decision without copying the caller's
/// context.
struct Scope<'a> {
    given: &'a Context,
    derived: [(&'static str, Option<std::borrow::Cow<'a, str>>); 6],
}

impl<'a> Scope<'a> {
    fn new(given: &'a Context, caller: &'a Caller, resource_account: &'a str) -> Self {
        use std::borrow::Cow;
        let role = caller.role_of_session();
        // "FederatedUser" for a GetFederationToken session (IAM User Guide, "AWS global condition context
        // keys": aws:PrincipalType).
        let principal_type = if caller.is_user() {
            Some("User")
        } else if caller.is_federated_user() {
            Some("FederatedUser")
        } else if role.is_some() {
            Some("AssumedRole")
        } else if caller.arn.ends_with(":root") {
            Some("Account")
        } else {
            None
        };
        let username = caller
            .is_user()
            .then(|| caller.arn.rsplit('/').next())
            .flatten();
        Scope {
            given,
            derived: [
                (
                    "aws:PrincipalArn",
                    Some(role.map_or(Cow::Borrowed(caller.arn.as_str()), Cow::Owned)),
                ),
                (
                    "aws:PrincipalAccount",
                    (!caller.account.is_empty()).then_some(Cow::Borrowed(caller.account.as_str())),
                ),
                ("aws:username", username.map(Cow::Borrowed)),
                ("aws:PrincipalType", principal_type.map(Cow::Borrowed)),
                // "This key is present in the request context for all signed API requests": `true` for a
                // service principal, `false` for every other caller.
                (
                    "aws:PrincipalIsAWSService",
                    Some(Cow::Borrowed(if caller.is_service() {
                        "true"
                    } else {
                        "false"
                    })),
                ),
                (
                    "aws:ResourceAccount",
                    (!resource_account.is_empty()).then_some(Cow::Borrowed(resource_account)),
                ),
            ],
        }
    }
}

impl Lookup for Scope<'_> {
    fn lookup(&self, key: &str) -> Option<Values<'_>> {
        self.given.lookup(key).or_else(|| {
            self.derived.iter().find_map(|(name, value)| {
                if name.eq_ignore_ascii_case(key) {
                    value.as_deref().map(Values::One)
                } else {
                    None
                }
            })
        })
    }
}

/// Who makes a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The principal's ARN: `arn:aws:iam::ACCOUNT:user/NAME`, `arn:aws:iam::ACCOUNT:role/NAME`,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, `arn:aws:iam::ACCOUNT:root`, or a service principal
    /// (`ec2.amazonaws.com`).
    pub arn: String,
    /// Its account (empty for a service principal).
    pub account: String,
}

impl Caller {
    /// The caller whose ARN is `arn`; the account is read from it.
    #[must_use]
    pub fn new(arn: &str) -> Caller {
        let account = arn
            .strip_prefix("arn:")
            .and_then(|rest| rest.split(':').nth(3))
            .unwrap_or_default()
            .to_owned();
        Caller {
            arn: arn.to_owned(),
            account,
        }
    }

    /// For a role session, the role's ARN (`arn:aws:iam::ACCOUNT:role/ROLE`).
    #[must_use]
    pub fn role_of_session(&self) -> Option<String> {
        let rest = self.arn.strip_prefix("arn:")?;
        let mut parts = rest.splitn(5, ':');
        let partition = parts.next()?;
        let service = parts.next()?;
        let _region = parts.next()?;
        let account = parts.next()?;
        let resource = parts.next()?;
        if service != "sts" {
            return None;
        }
        let role = resource.strip_prefix("assumed-role/")?.split('/').next()?;
        Some(format!("arn:{partition}:iam::{account}:role/{role}"))
    }

    /// Whether the caller is an IAM user.
    #[must_use]
    pub fn is_user(&self) -> bool {
        self.arn.contains(":user/")
    }

    /// Whether the caller is a federated user's session (`GetFederationToken`,
    /// `arn:aws:sts::ACCOUNT:federated-user/NAME`).
    #[must_use]
    pub fn is_federated_user(&self) -> bool {
        self.arn.starts_with("arn:") && self.arn.contains(":federated-user/")
    }

    /// Whether the caller is an AWS service principal (`ec2.amazonaws.com`): a name, not an ARN.
    #[must_use]
    pub fn is_service(&self) -> bool {
        !self.arn.starts_with("arn:") && self.arn.ends_with(".amazonaws.com")
    }
}

/// The actions a role's trust policy governs, as the role's resource-based policy: assuming the role, and the
/// session tags, source identity and context passed while assuming it ("the role trust policy must also allow
/// the sts:TagSession action" / "sts:SetSourceIdentity", IAM User Guide, "Passing session tags in AWS STS" and
/// "Monitor and control actions taken with assumed roles").
pub const TRUST_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:SetContext",
    "sts:SetSourceIdentity",
    "sts:TagSession",
];

/// Whether a role's trust policy decides `action` on the role (one of [`TRUST_ACTIONS`], ignoring case).
#[must_use]
pub fn is_trust_action(action: &str) -> bool {
    TRUST_ACTIONS
        .iter()
        .any(|trusted| trusted.eq_ignore_ascii_case(action))
}

/// A policy with the name that a decision cites.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    /// How the decision names it: `StuzioProjectXPolicy`, `StuzioAcmeConsultantRole trust`.
    pub name: &'a str,
    /// The document.
    pub document: &'a PolicyDocument,
}

/// Every policy that applies to one request.
#[derive(Debug, Clone, Default)]
pub struct Policies<'a> {
    /// The caller's identity-based policies (managed and inline; for a role session, the role's).
    pub identity: Vec<Named<'a>>,
    /// The resource's policy (a bucket policy, a role's trust policy ...).
    pub resource: Option<Named<'a>>,
    /// Whether the resource is a role being assumed, whose trust policy must allow explicitly.
    pub resource_is_role_trust: bool,
    /// The caller's permissions boundary.
    pub boundary: Option<Named<'a>>,
    /// The session policy the caller's session was created with.
    pub session: Option<Named<'a>>,
    /// The caller account's service control policies, by level: the root, each OU, the account. Empty when
    /// the account is in no organization.
    pub scps: Vec<Vec<Named<'a>>>,
    /// The resource account's resource control policies, by level.
    pub rcps: Vec<Vec<Named<'a>>>,
    /// The caller's account is the organization's management account: SCPs do not apply to it.
    pub caller_is_management_account: bool,
    /// The resource's account is the management account: RCPs do not apply to it.
    pub resource_in_management_account: bool,
}

/// The outcome of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Allowed.
    Allowed,
    /// Denied by a statement with `"Effect": "Deny"`.
    ExplicitDeny,
    /// Denied because nothing (or not everything that must) allowed it.
    ImplicitDeny,
}

impl Decision {
    /// `allowed`, `explicit_deny` or `implicit_deny`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::ExplicitDeny => "explicit_deny",
            Decision::ImplicitDeny => "implicit_deny",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Decision::Allowed => "allowed",
            Decision::ExplicitDeny => "explicitly denied",
            Decision::ImplicitDeny => "implicitly denied",
        })
    }
}

/// A statement that took part in a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deciding {
    /// The policy's name.
    pub policy: String,
    /// The statement's `Sid`, or its position (`#0`).
    pub statement: String,
    /// The statement's JSON Pointer in its policy: `/Statement/0`, or `/Statement` for a lone statement.
    pub pointer: String,
    /// `Allow` or `Deny`.
    pub effect: Effect,
}

/// A decision and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The decision.
    pub decision: Decision,
    /// The statements that decided: the matching `Deny`s for an explicit deny, the `Allow`s that made it for an
    /// allow; for an implicit deny, the `Allow`s that matched where it was not enough (if any).
    pub deciding: Vec<Deciding>,
    /// The reasoning, a sentence per rule applied.
    pub reasons: Vec<String>,
    /// A stable code for each reason, in step with `reasons` (`explicit_deny`, `trust_condition_unmet`,
    /// `scp_level_without_allow`, `identity_allows` ...), for programs that sort many decisions.
    pub reason_codes: Vec<&'static str>,
    /// For a denial, what would have to change.
    pub fix: Option<String>,
}

/// The statements of `policy` that apply to the request, with `effect`.
fn matching(
    policy: Named<'_>,
    effect: Effect,
    request: &Request<'_>,
    check_principal: bool,
) -> Vec<Deciding> {
    let lone = matches!(policy.document.statement, OneOrMany::One(_));
    let request = &Request {
        variables: has_variables(policy.document),
        ..*request
    };
    let mut found = Vec::new();
    for (index, statement) in policy.document.statements().enumerate() {
        if statement.effect == effect && request.applies(statement, check_principal) {
            found.push(Deciding {
                policy: policy.name.to_owned(),
                statement: statement.sid.clone().unwrap_or_else(|| format!("#{index}")),
                pointer: if lone {
                    "/Statement".to_owned()
                } else {
                    format!("/Statement/{index}")
                },
                effect,
            });
        }
    }
    found
}

/// The first `Allow` statement of `policy` that matches the request in all but its `Condition`, described with
/// the condition entry that failed and what the request has for its key: what a denial's fix names instead of
/// "allow it in ...", when the policy already allows and a condition stopped it.
fn unmet_condition(
    policy: Named<'_>,
    request: &Request<'_>,
    check_principal: bool,
) -> Option<String> {
    let lone = matches!(policy.document.statement, OneOrMany::One(_));
    let request = &Request {
        variables: has_variables(policy.document),
        ..*request
    };
    policy
        .document
        .statements()
        .enumerate()
        .find_map(|(index, statement)| {
            if statement.effect != Effect::Allow
                || !request.applies_but_for_condition(statement, check_principal)
            {
                return None;
            }
            let context = request.read_as();
            let (operator, key) = conditions::first_unmet(statement.condition.as_ref()?, &context)?;
            let has = match context.lookup(key) {
                None => format!("the request has no `{key}`"),
                Some(values) if values.is_empty() => format!("the request's `{key}` has no values"),
                Some(values) => format!(
                    "the request's `{key}` is {}",
                    values
                        .iter()
                        .map(|value| format!("`{value}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let name = statement.sid.clone().unwrap_or_else(|| format!("#{index}"));
            let pointer = if lone {
                "/Statement".to_owned()
            } else {
                format!("/Statement/{index}")
            };
            Some(format!(
                "statement {name} of {} ({pointer}) allows the request but for its condition `{operator}` on \
                 `{key}`, which does not hold ({has}): meet that condition, or change it",
                policy.name
            ))
        })
}

/// One request, as the matching functions see it.
#[derive(Clone, Copy)]
struct Request<'a> {
    caller: &'a Caller,
    action: &'a str,
    resource: &'a str,
    scope: &'a dyn Lookup,
    /// Whether the policy being read has policy variables (see [`has_variables`]).
    variables: bool,
}

/// Whether a statement applies to the request: action, resource, principal (for resource-based policies) and
/// condition.
#[must_use]
pub fn statement_applies(
    statement: &Statement,
    caller: &Caller,
    action: &str,
    resource: &str,
    context: &dyn Lookup,
    check_principal: bool,
) -> bool {
    Request {
        caller,
        action,
        resource,
        scope: context,
        variables: true,
    }
    .applies(statement, check_principal)
}

impl Request<'_> {
    /// [`statement_applies`] to this request.
    fn applies(&self, statement: &Statement, check_principal: bool) -> bool {
        self.applies_but_for_condition(statement, check_principal)
            && statement
                .condition
                .as_ref()
                .is_none_or(|condition| conditions::holds(condition, &self.read_as()))
    }

    /// The request's context as the policy being read sees it: with or without policy variables.
    fn read_as(&self) -> impl Lookup + '_ {
        Reading {
            scope: self.scope,
            variables: self.variables,
        }
    }

    /// [`statement_applies`] without the `Condition` element.
    fn applies_but_for_condition(&self, statement: &Statement, check_principal: bool) -> bool {
        let &Request {
            caller,
            action,
            resource,
            ..
        } = self;
        let context = &self.read_as();
        // Variables work in `Resource` and condition values only: in `Action`, `${...}` is literal text
        // ("You can use policy variables in the Resource element and in string comparisons in the Condition
        // element", IAM User Guide, "IAM policy elements: Variables and tags").
        let action_is = |pattern: &crate::policy::Action| {
            crate::wildcard::matches(pattern.as_str(), action, crate::wildcard::Case::IgnoreAscii)
        };
        let action_matches = match &statement.action {
            ActionElement::Action(actions) => covers(actions, false, action_is),
            ActionElement::NotAction(actions) => covers(actions, true, action_is),
        };
        if !action_matches {
            return false;
        }
        let resource_matches = |resources, negated| {
            covers(resources, negated, |pattern: &crate::policy::Resource| {
                variables::matches_resource(pattern.as_str(), resource, context)
            })
        };
        let resource_matches = match &statement.resource {
            // A trust policy has no `Resource`: it is the role's own.
            None => true,
            Some(ResourceElement::Resource(resources)) => resource_matches(resources, false),
            Some(ResourceElement::NotResource(resources)) => resource_matches(resources, true),
        };
        if !resource_matches {
            return false;
        }
        if check_principal {
            let principal_matches = match &statement.principal {
                None => false,
                Some(PrincipalElement::Principal(principal)) => {
                    principal_matches(principal, caller)
                }
                Some(PrincipalElement::NotPrincipal(principal)) => {
                    !not_principal_exempts(principal, caller)
                }
            };
            if !principal_matches {
                return false;
            }
        }
        true
    }
}

/// Whether a list of patterns covers a value: one of them matches it, or, `negated` (`NotAction`,
/// `NotResource`), none does.
fn covers<P>(patterns: &OneOrMany<P>, negated: bool, matches: impl Fn(&P) -> bool) -> bool {
    patterns.as_slice().iter().any(matches) != negated
}

/// Whether `principal` names the caller. An account (`123456789012`, `arn:aws:iam::123456789012:root`)
/// names every principal of the account; a role names its sessions; `"*"` names everyone.
#[must_use]
pub fn principal_matches(principal: &PrincipalValue, caller: &Caller) -> bool {
    match principal {
        PrincipalValue::Any => true,
        PrincipalValue::Map(entries) => entries.iter().any(|(kind, values)| {
            values
                .as_slice()
                .iter()
                .any(|value| names(*kind, value, caller))
        }),
    }
}

/// Whether a `NotPrincipal` element exempts the caller. It names principals exactly: an account (`123456789012`,
/// its `:root` ARN) is the account's root user only, not its users and roles, and a role is the role, not its
/// sessions, unless the session's own ARN is listed ("When you use `NotPrincipal` ... you must also include the
/// account ARN" and "you must include both the role ARN and the assumed-role session ARN", IAM User Guide,
/// "AWS JSON policy elements: `NotPrincipal`").
#[must_use]
pub fn not_principal_exempts(principal: &PrincipalValue, caller: &Caller) -> bool {
    match principal {
        PrincipalValue::Any => true,
        PrincipalValue::Map(entries) => entries.iter().any(|(kind, values)| {
            values.as_slice().iter().any(|value| match kind {
                PrincipalKind::Aws if *value == "*" => true,
                PrincipalKind::Aws => match account_named(value) {
                    Some(account) => caller.arn.ends_with(":root") && account == caller.account,
                    None => *value == caller.arn,
                },
                _ => names(*kind, value, caller),
            })
        }),
    }
}

fn names(kind: PrincipalKind, value: &str, caller: &Caller) -> bool {
    match kind {
        PrincipalKind::Service | PrincipalKind::Federated | PrincipalKind::CanonicalUser => {
            value == caller.arn
        }
        PrincipalKind::Aws => {
            if value == "*" {
                return true;
            }
            if let Some(account) = account_named(value) {
                return !caller.account.is_empty() && account == caller.account;
            }
            value == caller.arn || caller.role_of_session().is_some_and(|role| value == role)
        }
    }
}

/// Whether `resource` is a KMS key, whose key policy must allow every use of it.
fn is_kms_key(resource: &str) -> bool {
    resource.starts_with("arn:") && resource.contains(":kms:") && resource.contains(":key/")
}

/// The account a principal value stands for, when it is an account (`123456789012` or its root ARN).
fn account_named(value: &str) -> Option<&str> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value);
    }
    // The suffix first: most values are user and role ARNs, and an access matrix asks this for every pair.
    if !value.ends_with(":root") {
        return None;
    }
    value.strip_prefix("arn:")?.split(':').nth(3)
}

/// How an allowing resource-based statement names the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Naming {
    /// Through its account (`123456789012`, `arn:aws:iam::123456789012:root`): the account's own policies decide.
    Account,
    /// Through the role whose session the caller is.
    Role,
    /// By its own ARN (a user, a role session), by `"*"`, or by `NotPrincipal`.
    Exact,
}

fn naming(policy: Named<'_>, deciding: &Deciding, caller: &Caller) -> Naming {
    let Some(statement) = statement_at(policy.document, &deciding.pointer) else {
        return Naming::Account;
    };
    // `"Principal": "*"` and `NotPrincipal` name the caller without its account.
    let Some(PrincipalElement::Principal(PrincipalValue::Map(entries))) = &statement.principal
    else {
        return Naming::Exact;
    };
    let role = caller.role_of_session();
    entries
        .iter()
        .flat_map(|(kind, values)| values.as_slice().iter().map(move |value| (*kind, value)))
        .filter(|(kind, value)| names(*kind, value, caller))
        .map(|(kind, value)| {
            if kind != PrincipalKind::Aws || value == "*" || *value == caller.arn {
                Naming::Exact
            } else if role.as_deref() == Some(value.as_str()) {
                Naming::Role
            } else {
                Naming::Account
            }
        })
        .max()
        .unwrap_or(Naming::Account)
}

fn statement_at<'d>(document: &'d PolicyDocument, pointer: &str) -> Option<&'d Statement> {
    match pointer.strip_prefix("/Statement/") {
        Some(index) => document.statements().nth(index.parse().ok()?),
        None => document.statements().next(),
    }
}

/// A sentence for every date-condition value, in a statement that applies to the request's action and
/// resource, that is not a date (`99999999999999999-01-01`): its condition never holds, whatever the time.
fn unreadable_dates(
    request: &Request<'_>,
    policies: &Policies<'_>,
    context: &Context,
) -> Vec<String> {
    let named = policies
        .identity
        .iter()
        .chain(&policies.resource)
        .chain(&policies.boundary)
        .chain(&policies.session)
        .chain(policies.scps.iter().flatten())
        .chain(policies.rcps.iter().flatten());
    let mut notes = Vec::new();
    for policy in named {
        let request = &Request {
            variables: has_variables(policy.document),
            ..*request
        };
        for (index, statement) in policy.document.statements().enumerate() {
            let date_blocks = statement
                .condition
                .iter()
                .flat_map(|condition| &condition.0)
                .filter(|block| {
                    block.operator.base.family() == crate::policy::OperatorFamily::Date
                });
            for block in date_blocks {
                for entry in &block.entries {
                    let policy_values = entry.values.as_slice().iter().map(ConditionValue::as_text);
                    // Dates come from the caller's context (`aws:CurrentTime`), never from the derived keys.
                    let request_values = context
                        .lookup(&entry.key)
                        .into_iter()
                        .flat_map(|values| values.iter());
                    for value in policy_values.chain(request_values) {
                        if value.contains("${") || conditions::parse_date(value).is_some() {
                            continue;
                        }
                        if !request.applies_but_for_condition(statement, false) {
                            continue;
                        }
                        notes.push(format!(
                            "`{value}` is not a date (an ISO 8601 date or time from year 0000 to 9999, or epoch \
                             seconds), so the `{}` condition on `{}` in {} statement {} never holds",
                            block.operator,
                            entry.key,
                            policy.name,
                            statement.sid.clone().unwrap_or_else(|| format!("#{index}")),
                        ));
                    }
                }
            }
        }
    }
    notes.dedup();
    notes
}

/// How [`policies_decide`] reads the `Condition` elements of the statements it asks.
#[derive(Debug, Clone, Copy)]
pub enum Conditions<'c> {
    /// Against a request's context, with the keys AWS derives from the caller and the resource: the answer
    /// is the one that request gets.
    Given(&'c Context),
    /// As unknown: every `Allow`'s condition may hold, every `Deny`'s may not (an unconditional `Deny` still
    /// denies). The answer says whether some request of this caller, action and resource could be allowed.
    Unknown,
}

/// What `documents` on their own answer a request, as each step of [`evaluate`] reads a set of policies: an
/// explicit deny when a `Deny` statement applies, else an allow when an `Allow` statement does, else an
/// implicit deny. `check_principal` for resource-based policies (a trust policy), whose `Principal` must name
/// the caller.
///
/// This is one side of a decision only (the trust policy without the caller's own policies, or the caller's
/// policies without its permissions boundary): for the whole decision, ask [`evaluate`].
#[must_use]
pub fn policies_decide<'d>(
    documents: impl IntoIterator<Item = &'d PolicyDocument>,
    caller: &Caller,
    action: &str,
    resource: &str,
    resource_account: &str,
    check_principal: bool,
    conditions: Conditions<'_>,
) -> Decision {
    let nothing = Context::new();
    let given = match conditions {
        Conditions::Given(context) => context,
        Conditions::Unknown => &nothing,
    };
    let scope = Scope::new(given, caller, resource_account);
    let mut allowed = false;
    let statements = documents.into_iter().flat_map(|document| {
        let request = Request {
            caller,
            action,
            resource,
            scope: &scope,
            variables: has_variables(document),
        };
        document
            .statements()
            .map(move |statement| (request, statement))
    });
    for (request, statement) in statements {
        if !request.applies_but_for_condition(statement, check_principal) {
            continue;
        }
        let holds = match (&statement.condition, conditions) {
            (None, _) => true,
            (Some(condition), Conditions::Given(_)) => {
                conditions::holds(condition, &request.read_as())
            }
            (Some(_), Conditions::Unknown) => statement.effect == Effect::Allow,
        };
        match (holds, statement.effect) {
            (true, Effect::Deny) => return Decision::ExplicitDeny,
            (true, Effect::Allow) => allowed = true,
            (false, _) => {}
        }
    }
    if allowed {
        Decision::Allowed
    } else {
        Decision::ImplicitDeny
    }
}

/// What [`policies_require`] finds: whether some request could be allowed, and what the rest of its context
/// must then meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirements<'d> {
    /// `Allowed` when some request could be allowed; `ExplicitDeny` when a `Deny` applies to every request;
    /// `ImplicitDeny` when nothing allows any.
    pub decision: Decision,
    /// When allowed, the ways in: for each allowing statement, the keys of its conditions that the request's
    /// context must meet. An empty list among them: allowed whatever the context holds.
    pub any_of: Vec<Vec<&'d str>>,
    /// When allowed, the keys of the conditional `Deny` statements that apply: the request must not meet
    /// their conditions.
    pub unless: Vec<&'d str>,
}

impl Requirements<'_> {
    fn denied(decision: Decision) -> Self {
        Requirements {
            decision,
            any_of: Vec::new(),
            unless: Vec::new(),
        }
    }
}

/// What `documents` on their own (as [`policies_decide`] reads them) answer every request of `caller` for
/// `action` on `resource`, whatever its context: the conditions on keys AWS derives from the caller and the
/// resource ([`DERIVED_KEYS`]: `aws:PrincipalArn`, `aws:PrincipalAccount` ...) are decided, and those on other
/// keys (`sts:ExternalId`, `aws:MultiFactorAuthPresent`, `aws:SourceIp` ...) are what the answer requires.
///
/// So a trust that names an account with an `aws:PrincipalArn` condition admits the users that condition
/// names, not the account's root; and one that requires an external id admits its principals if the request
/// brings it.
#[must_use]
pub fn policies_require<'d>(
    documents: impl IntoIterator<Item = &'d PolicyDocument>,
    caller: &Caller,
    action: &str,
    resource: &str,
    resource_account: &str,
    check_principal: bool,
) -> Requirements<'d> {
    let nothing = Context::new();
    let scope = Scope::new(&nothing, caller, resource_account);
    let mut any_of: Vec<Vec<&'d str>> = Vec::new();
    let mut unless: Vec<&'d str> = Vec::new();
    for document in documents {
        let request = Request {
            caller,
            action,
            resource,
            scope: &scope,
            variables: has_variables(document),
        };
        for statement in document.statements() {
            if !request.applies_but_for_condition(statement, check_principal) {
                continue;
            }
            let open = match &statement.condition {
                None => Vec::new(),
                Some(condition) => {
                    match conditions::holds_partly(condition, &request.read_as(), &is_derived) {
                        conditions::Partly::Fails => continue,
                        conditions::Partly::Open(keys) => keys,
                    }
                }
            };
            match statement.effect {
                Effect::Deny if open.is_empty() => {
                    return Requirements::denied(Decision::ExplicitDeny);
                }
                Effect::Deny => unless.extend(open),
                Effect::Allow => any_of.push(open),
            }
        }
    }
    if any_of.is_empty() {
        return Requirements::denied(Decision::ImplicitDeny);
    }
    Requirements {
        decision: Decision::Allowed,
        any_of,
        unless,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLE: &str = "arn:aws:iam::081278057606:role/Consultant";

    fn trust(statements: &str) -> PolicyDocument {
        PolicyDocument::from_json(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#
        ))
        .expect("a policy")
    }

    fn require<'d>(document: &'d PolicyDocument, caller: &str) -> Requirements<'d> {
        policies_require(
            [document],
            &Caller::new(caller),
            "sts:AssumeRole",
            ROLE,
            "081278057606",
            true,
        )
    }

    #[test]
    fn conditions_on_the_callers_own_keys_are_decided_and_the_rest_required() {
        let document = trust(
            r#"{"Effect": "Allow", "Principal": {"AWS": "183438944504"}, "Action": "sts:AssumeRole",
                "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::183438944504:user/Dana"},
                              "StringEquals": {"sts:ExternalId": "x"}}}"#,
        );
        let root = require(&document, "arn:aws:iam::183438944504:root");
        assert_eq!(root.decision, Decision::ImplicitDeny);
        let dana = require(&document, "arn:aws:iam::183438944504:user/Dana");
        assert_eq!(dana.decision, Decision::Allowed);
        assert_eq!(dana.any_of, [["sts:ExternalId"]]);
        assert!(dana.unless.is_empty());
    }

    #[test]
    fn denies_deny_every_request_or_are_what_a_request_must_avoid() {
        let allow = r#"{"Effect": "Allow", "Principal": {"AWS": "183438944504"}, "Action": "sts:AssumeRole"}"#;
        let always = trust(&format!(
            r#"{allow}, {{"Effect": "Deny", "Principal": {{"AWS": "183438944504"}}, "Action": "sts:*"}}"#
        ));
        assert_eq!(
            require(&always, "arn:aws:iam::183438944504:root").decision,
            Decision::ExplicitDeny
        );
        let sometimes = trust(&format!(
            r#"{allow}, {{"Effect": "Deny", "Principal": {{"AWS": "183438944504"}}, "Action": "sts:*",
                "Condition": {{"BoolIfExists": {{"aws:MultiFactorAuthPresent": "false"}}}}}}"#
        ));
        let required = require(&sometimes, "arn:aws:iam::183438944504:root");
        assert_eq!(required.decision, Decision::Allowed);
        assert_eq!(required.any_of, [Vec::<&str>::new()]);
        assert_eq!(required.unless, ["aws:MultiFactorAuthPresent"]);
    }

    #[test]
    fn a_variable_leaves_a_decided_key_open() {
        // `${aws:PrincipalTag/team}` is not known, so neither is whether the ARN matches.
        let document = trust(
            r#"{"Effect": "Allow", "Principal": {"AWS": "183438944504"}, "Action": "sts:AssumeRole",
                "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::183438944504:user/${aws:PrincipalTag/team}-*"}}}"#,
        );
        let required = require(&document, "arn:aws:iam::183438944504:user/Troy");
        assert_eq!(required.decision, Decision::Allowed);
        assert_eq!(required.any_of, [["aws:PrincipalArn"]]);
    }

    #[test]
    fn the_derived_keys_are_the_ones_every_request_has() {
        let (context, caller) = (
            Context::new(),
            Caller::new("arn:aws:iam::183438944504:user/Troy"),
        );
        let scope = Scope::new(&context, &caller, "081278057606");
        let derived: Vec<&str> = scope.derived.iter().map(|(name, _)| *name).collect();
        assert_eq!(derived, DERIVED_KEYS);
    }
}
