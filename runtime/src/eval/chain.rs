//! Requests over a stack: a principal of the stack performs an action on a resource, assuming a role first
//! when asked (the cross-account pattern), and the access matrix of a whole stack.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{Caller, Context, Decision, Evaluation, Named, Policies, evaluate};
use crate::policy::{ActionElement, PolicyDocument, ResourceElement};
use crate::stack::{PrincipalRef, RoleRef, Stack};

/// A principal of a stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    User(crate::stack::UserRef),
    Role(RoleRef),
}

/// Why a request over a stack cannot be simulated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimulateError {
    /// The principal is not in the stack.
    #[error("the stack has no user or role {0}{1}")]
    UnknownPrincipal(String, String),
    /// The role to go through is not in the stack.
    #[error("the stack has no role {0}{1}")]
    UnknownRole(String, String),
}

/// One step of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Who acts: a user's or role's ARN, or a role session's.
    pub caller: String,
    /// The action.
    pub action: String,
    /// The resource.
    pub resource: String,
    /// The decision and why.
    pub evaluation: Evaluation,
}

/// A simulated request: its steps and the overall decision (the first step that was not allowed decides).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulation {
    /// The overall decision.
    pub decision: Decision,
    /// The steps: `sts:AssumeRole` first when a role is gone through, then the action.
    pub steps: Vec<Step>,
}

impl Simulation {
    /// The simulation for people: each step, the statements that decided, the reasons and the fix.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (index, step) in self.steps.iter().enumerate() {
            let _ = writeln!(
                out,
                "step {}: {} {} on {}: {}",
                index + 1,
                step.caller,
                step.action,
                step.resource,
                step.evaluation.decision
            );
            for deciding in &step.evaluation.deciding {
                let _ = writeln!(
                    out,
                    "  {:?} {} statement {} ({})",
                    deciding.effect, deciding.policy, deciding.statement, deciding.pointer
                );
            }
            for reason in &step.evaluation.reasons {
                let _ = writeln!(out, "  because {reason}");
            }
            if let Some(fix) = &step.evaluation.fix {
                let _ = writeln!(out, "  to allow it: {fix}");
            }
        }
        let _ = writeln!(out, "decision: {}", self.decision);
        out
    }

    /// The simulation as JSON: `{"decision", "steps": [{"caller", "action", "resource", "decision",
    /// "deciding": [{"policy", "statement", "pointer", "effect"}], "reasons", "fix"}]}`.
    #[cfg(feature = "render")]
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "decision": self.decision.as_str(),
            "steps": self.steps.iter().map(|step| serde_json::json!({
                "caller": step.caller,
                "action": step.action,
                "resource": step.resource,
                "decision": step.evaluation.decision.as_str(),
                "deciding": step.evaluation.deciding.iter().map(|d| serde_json::json!({
                    "policy": d.policy,
                    "statement": d.statement,
                    "pointer": d.pointer,
                    "effect": d.effect.as_str(),
                })).collect::<Vec<_>>(),
                "reasons": step.evaluation.reasons,
                "fix": step.evaluation.fix,
            })).collect::<Vec<_>>(),
        })
    }
}

/// The organization a stack's accounts belong to, as far as a decision goes: the service control policies that
/// limit each account's principals and the resource control policies that limit its resources, level by level
/// from the root down (the root, each organizational unit, the account itself). An account with no level is in
/// no organization, or is the management account, to which neither kind applies.
#[derive(Debug, Clone, Default)]
pub struct Organization {
    scps: BTreeMap<String, Vec<Vec<(String, PolicyDocument)>>>,
    rcps: BTreeMap<String, Vec<Vec<(String, PolicyDocument)>>>,
}

impl Organization {
    /// An organization with no control policy: every decision as if the accounts were in none.
    #[must_use]
    pub fn new() -> Organization {
        Organization::default()
    }

    /// Adds the next level of service control policies of `account` (a 12-digit id), below those added
    /// before; an action must be allowed by some policy of every level. Each policy is named for decisions.
    pub fn add_scp_level(&mut self, account: &str, policies: Vec<(String, PolicyDocument)>) {
        self.scps
            .entry(account.to_owned())
            .or_default()
            .push(policies);
    }

    /// Adds the next level of resource control policies of `account`, as [`Organization::add_scp_level`].
    pub fn add_rcp_level(&mut self, account: &str, policies: Vec<(String, PolicyDocument)>) {
        self.rcps
            .entry(account.to_owned())
            .or_default()
            .push(policies);
    }

    /// Whether no account has a control policy.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.scps.is_empty() && self.rcps.is_empty()
    }

    fn levels<'o>(
        levels: &'o BTreeMap<String, Vec<Vec<(String, PolicyDocument)>>>,
        account: &str,
    ) -> Vec<Vec<Named<'o>>> {
        levels.get(account).map_or_else(Vec::new, |levels| {
            levels
                .iter()
                .map(|level| {
                    level
                        .iter()
                        .map(|(name, document)| Named { name, document })
                        .collect()
                })
                .collect()
        })
    }
}

/// A request over a stack.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The principal: a user's or role's name or ARN.
    pub principal: &'a str,
    /// The action: `s3:GetObject`.
    pub action: &'a str,
    /// The resource's ARN.
    pub resource: &'a str,
    /// A role to assume first, by name or ARN.
    pub via_role: Option<&'a str>,
    /// Keys the caller supplies (`sts:ExternalId`, `aws:MultiFactorAuthPresent`, `aws:SourceIp` ...).
    pub context: Context,
}

/// The name a decision gives each policy of a principal, and the documents.
struct Held<'s> {
    names: Vec<String>,
    documents: Vec<&'s PolicyDocument>,
}

impl Held<'_> {
    fn named(&self) -> Vec<Named<'_>> {
        self.names
            .iter()
            .zip(&self.documents)
            .map(|(name, document)| Named { name, document })
            .collect()
    }
}

/// The identity-based policies of a principal: attached and inline, and for a user those of its groups.
fn identity_policies(stack: &Stack, who: Who) -> Held<'_> {
    let mut names = Vec::new();
    let mut documents = Vec::new();
    let principals: Vec<(PrincipalRef, String)> = match who {
        Who::User(user) => std::iter::once((
            PrincipalRef::User(user),
            format!("user {}", stack.user(user).name),
        ))
        .chain(stack.user(user).groups.iter().map(|group| {
            (
                PrincipalRef::Group(*group),
                format!("group {}", stack.group(*group).name),
            )
        }))
        .collect(),
        Who::Role(role) => vec![(
            PrincipalRef::Role(role),
            format!("role {}", stack.role(role).name),
        )],
    };
    for (principal, owner) in principals {
        for policy in stack.attached(principal) {
            let policy = stack.policy(*policy);
            names.push(policy.name.clone());
            documents.push(&policy.document);
        }
        let inline = match principal {
            PrincipalRef::User(user) => &stack.user(user).inline,
            PrincipalRef::Group(group) => &stack.group(group).inline,
            PrincipalRef::Role(role) => &stack.role(role).inline,
        };
        for policy in inline {
            names.push(format!("{} (inline in {owner})", policy.name));
            documents.push(&policy.document);
        }
    }
    Held { names, documents }
}

fn find_principal(stack: &Stack, text: &str) -> Option<Who> {
    stack
        .users()
        .find(|(user, u)| u.name == text || stack.user_arn(*user) == text)
        .map(|(user, _)| Who::User(user))
        .or_else(|| {
            stack
                .roles()
                .find(|(role, r)| r.name == text || stack.role_arn(*role) == text)
                .map(|(role, _)| Who::Role(role))
        })
}

fn find_role(stack: &Stack, text: &str) -> Option<RoleRef> {
    stack
        .roles()
        .find(|(role, r)| r.name == text || stack.role_arn(*role) == text)
        .map(|(role, _)| role)
}

fn names_of(stack: &Stack) -> String {
    let names: Vec<&str> = stack
        .users()
        .map(|(_, u)| u.name.as_str())
        .chain(stack.roles().map(|(_, r)| r.name.as_str()))
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" (it has {})", names.join(", "))
    }
}

/// The account a resource is in: an IAM ARN's, a declared bucket's; the caller's otherwise.
fn resource_account(stack: &Stack, resource: &str, caller_account: &str) -> String {
    if let Some(rest) = resource.strip_prefix("arn:") {
        let account = rest.split(':').nth(3).unwrap_or_default();
        if !account.is_empty() {
            return account.to_owned();
        }
    }
    if let Some(bucket) = resource.strip_prefix("arn:aws:s3:::") {
        let bucket = bucket.split('/').next().unwrap_or_default();
        if let Some((_, declared)) = stack.buckets().find(|(_, b)| b.name == bucket) {
            return stack.account(declared.account).id.to_string();
        }
    }
    caller_account.to_owned()
}

/// The context of the step after `sts:AssumeRole`: the caller's keys, without those that described the first
/// principal.
fn session_context(context: &Context) -> Context {
    let mut next = Context::new();
    for (key, values) in &context.entries {
        if [
            "aws:PrincipalArn",
            "aws:PrincipalAccount",
            "aws:username",
            "aws:PrincipalType",
            "aws:userid",
        ]
        .iter()
        .any(|dropped| dropped.eq_ignore_ascii_case(key))
        {
            continue;
        }
        for value in values {
            next.add(key, value);
        }
    }
    next
}

/// Evaluates `action` on `resource` by `who`, the role session `session` of it when given.
fn act(
    stack: &Stack,
    organization: &Organization,
    who: Who,
    session: Option<&str>,
    action: &str,
    resource: &str,
    context: &Context,
) -> Step {
    let caller = match (who, session) {
        (_, Some(session)) => Caller::new(session),
        (Who::User(user), None) => Caller::new(&stack.user_arn(user)),
        (Who::Role(role), None) => Caller::new(&stack.role_arn(role)),
    };
    let held = identity_policies(stack, who);
    let boundary = match who {
        Who::Role(role) => stack
            .role(role)
            .permissions_boundary
            .map(|policy| stack.policy(policy)),
        Who::User(_) => None,
    };
    let boundary_name = boundary.map(|policy| format!("{} (permissions boundary)", policy.name));
    // A role as the resource of `sts:AssumeRole`: its trust policy is the resource-based policy.
    let target_role = if action.eq_ignore_ascii_case("sts:AssumeRole") {
        find_role(stack, resource)
    } else {
        None
    };
    let trust_name = target_role.map(|role| format!("{} trust", stack.role(role).name));
    let account = resource_account(stack, resource, &caller.account);
    let policies = Policies {
        identity: held.named(),
        resource: target_role
            .zip(trust_name.as_deref())
            .map(|(role, name)| Named {
                name,
                document: &stack.role(role).trust,
            }),
        resource_is_role_trust: target_role.is_some(),
        boundary: boundary
            .zip(boundary_name.as_deref())
            .map(|(policy, name)| Named {
                name,
                document: &policy.document,
            }),
        scps: Organization::levels(&organization.scps, &caller.account),
        rcps: Organization::levels(&organization.rcps, &account),
        ..Policies::default()
    };
    Step {
        caller: caller.arn.clone(),
        action: action.to_owned(),
        resource: resource.to_owned(),
        evaluation: evaluate(&caller, action, resource, &account, &policies, context),
    }
}

/// Simulates `request` over `stack`, its accounts in no organization.
pub fn simulate(stack: &Stack, request: &Request<'_>) -> Result<Simulation, SimulateError> {
    simulate_in(stack, &Organization::new(), request)
}

/// Simulates `request` over `stack`, its accounts under `organization`'s control policies: the service control
/// policies of each step's caller's account, the resource control policies of its resource's account.
pub fn simulate_in(
    stack: &Stack,
    organization: &Organization,
    request: &Request<'_>,
) -> Result<Simulation, SimulateError> {
    let who = find_principal(stack, request.principal).ok_or_else(|| {
        SimulateError::UnknownPrincipal(request.principal.to_owned(), names_of(stack))
    })?;
    let mut steps = Vec::new();
    let (actor, session, context) = match request.via_role {
        None => (who, None, request.context.clone()),
        Some(role) => {
            let role = find_role(stack, role)
                .ok_or_else(|| SimulateError::UnknownRole(role.to_owned(), names_of(stack)))?;
            let arn = stack.role_arn(role);
            let step = act(
                stack,
                organization,
                who,
                None,
                "sts:AssumeRole",
                &arn,
                &request.context,
            );
            let allowed = step.evaluation.decision == Decision::Allowed;
            steps.push(step);
            if !allowed {
                return Ok(Simulation {
                    decision: steps[0].evaluation.decision,
                    steps,
                });
            }
            let session = format!(
                "arn:aws:sts::{}:assumed-role/{}/iamgen-simulate",
                stack.account(stack.role(role).account).id,
                stack.role(role).name
            );
            (
                Who::Role(role),
                Some(session),
                session_context(&request.context),
            )
        }
    };
    let step = act(
        stack,
        organization,
        actor,
        session.as_deref(),
        request.action,
        request.resource,
        &context,
    );
    let decision = step.evaluation.decision;
    steps.push(step);
    Ok(Simulation { decision, steps })
}

/// One cell of the access matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// The principal's name.
    pub principal: String,
    /// The role gone through, if any.
    pub via_role: Option<String>,
    /// The action.
    pub action: String,
    /// The resource.
    pub resource: String,
    /// The decision.
    pub decision: Decision,
}

/// Actions of S3 a review always asks about, besides those the stack's policies name.
const CORE_S3_ACTIONS: &[&str] = &[
    "s3:ListBucket",
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
];

/// Who can do what on the stack's declared resources: every user and role, directly and through each role
/// whose trust lets it in, for the stack's concrete actions and the core S3 ones, on each bucket and its
/// objects. Decisions use `context` (give `sts:ExternalId` and `aws:MultiFactorAuthPresent` to see what a
/// caller who has them can do).
#[must_use]
pub fn access_matrix(stack: &Stack, context: &Context) -> Vec<Access> {
    access_matrix_in(stack, &Organization::new(), context)
}

/// [`access_matrix`] with the stack's accounts under `organization`'s control policies.
#[must_use]
pub fn access_matrix_in(
    stack: &Stack,
    organization: &Organization,
    context: &Context,
) -> Vec<Access> {
    let mut actions: BTreeSet<String> = CORE_S3_ACTIONS.iter().map(|a| (*a).to_owned()).collect();
    for (_, policy) in stack.policies() {
        collect_actions(&policy.document, &mut actions);
    }
    for document in stack
        .roles()
        .flat_map(|(_, r)| r.inline.iter())
        .chain(stack.users().flat_map(|(_, u)| u.inline.iter()))
        .chain(stack.groups().flat_map(|(_, g)| g.inline.iter()))
        .map(|inline| &inline.document)
    {
        collect_actions(document, &mut actions);
    }
    actions.retain(|action| action.starts_with("s3:") && action != "s3:ListAllMyBuckets");
    let resources: Vec<(String, bool)> = stack
        .buckets()
        .flat_map(|(_, bucket)| {
            [
                (format!("arn:aws:s3:::{}", bucket.name), true),
                (format!("arn:aws:s3:::{}/*", bucket.name), false),
            ]
        })
        .collect();
    let object_action = |action: &str| {
        crate::catalog::catalog()
            .action(action)
            .is_some_and(|found| found.resource_types().any(|kind| kind.name() == "object"))
    };
    let principals: Vec<(String, Who)> = stack
        .users()
        .map(|(user, u)| (u.name.clone(), Who::User(user)))
        .chain(
            stack
                .roles()
                .map(|(role, r)| (r.name.clone(), Who::Role(role))),
        )
        .collect();
    let mut cells = Vec::new();
    for (name, who) in &principals {
        let principal = match who {
            Who::User(user) => stack.user_arn(*user),
            Who::Role(role) => stack.role_arn(*role),
        };
        let routes = std::iter::once(None).chain(
            stack
                .roles()
                .filter(|(role, _)| {
                    Some(*role)
                        != match who {
                            Who::Role(own) => Some(*own),
                            Who::User(_) => None,
                        }
                })
                .map(|(_, r)| Some(r.name.clone())),
        );
        for route in routes {
            for (resource, is_bucket) in &resources {
                for action in &actions {
                    if object_action(action) == *is_bucket {
                        continue;
                    }
                    let target = if *is_bucket {
                        resource.clone()
                    } else {
                        resource.replace("/*", "/example-object")
                    };
                    let request = Request {
                        principal: &principal,
                        action,
                        resource: &target,
                        via_role: route.as_deref(),
                        context: context.clone(),
                    };
                    let Ok(simulation) = simulate_in(stack, organization, &request) else {
                        continue;
                    };
                    // A route whose first step is denied says nothing about the role's permissions.
                    if route.is_some() && simulation.steps.len() < 2 {
                        continue;
                    }
                    cells.push(Access {
                        principal: name.clone(),
                        via_role: route.clone(),
                        action: action.clone(),
                        resource: resource.clone(),
                        decision: simulation.decision,
                    });
                }
            }
        }
    }
    cells
}

fn collect_actions(document: &PolicyDocument, into: &mut BTreeSet<String>) {
    for statement in document.statements() {
        if let (ActionElement::Action(actions), Some(ResourceElement::Resource(_))) =
            (&statement.action, &statement.resource)
        {
            for action in actions.as_slice() {
                if !crate::glob::has_wildcard(action.as_str()) {
                    into.insert(action.as_str().to_owned());
                }
            }
        }
    }
}
