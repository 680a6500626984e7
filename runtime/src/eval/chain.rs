//! Requests over a stack: a principal of the stack performs an action on a resource, assuming a role first
//! when asked (the cross-account pattern), and the access matrix of a whole stack.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use super::{Caller, Context, Decision, Evaluation, Named, Policies, evaluate, principal_matches};
use crate::policy::{
    AccountId, ActionElement, Effect, PolicyDocument, PrincipalElement, ResourceElement,
};
use crate::stack::{AccountRef, PrincipalRef, RoleRef, Stack, UserRef};

/// A principal of a stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    User(UserRef),
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
    /// "deciding": [{"policy", "statement", "pointer", "effect"}], "reasons", "reason_codes", "fix"}]}`.
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
                "reason_codes": step.evaluation.reason_codes,
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

/// Whether `text` is `arn:aws:iam::{account}:{kind}{path}{name}`, the ARN the stack gives a user or role,
/// without building it.
fn is_arn(text: &str, account: &AccountId, kind: &str, path: &str, name: &str) -> bool {
    text.strip_prefix("arn:aws:iam::")
        .and_then(|rest| rest.strip_prefix(account.as_str()))
        .and_then(|rest| rest.strip_prefix(':'))
        .and_then(|rest| rest.strip_prefix(kind))
        .and_then(|rest| rest.strip_prefix(path))
        == Some(name)
}

/// The stack's users and roles by name and by ARN, and its buckets by name: each keeps the first of the stack
/// with that name or ARN, as a search in stack order finds it.
struct Directory<'s> {
    user_names: HashMap<&'s str, UserRef>,
    user_arns: HashMap<String, UserRef>,
    role_names: HashMap<&'s str, RoleRef>,
    role_arns: HashMap<String, RoleRef>,
    buckets: HashMap<&'s str, AccountRef>,
}

impl<'s> Directory<'s> {
    fn new(stack: &'s Stack) -> Self {
        let mut directory = Directory {
            user_names: HashMap::with_capacity(stack.users().len()),
            user_arns: HashMap::with_capacity(stack.users().len()),
            role_names: HashMap::with_capacity(stack.roles().len()),
            role_arns: HashMap::with_capacity(stack.roles().len()),
            buckets: HashMap::with_capacity(stack.buckets().len()),
        };
        index(
            stack
                .users()
                .map(|(user, u)| (user, u.name.as_str(), stack.user_arn(user))),
            &mut directory.user_names,
            &mut directory.user_arns,
        );
        index(
            stack
                .roles()
                .map(|(role, r)| (role, r.name.as_str(), stack.role_arn(role))),
            &mut directory.role_names,
            &mut directory.role_arns,
        );
        for (_, bucket) in stack.buckets() {
            directory
                .buckets
                .entry(&bucket.name)
                .or_insert(bucket.account);
        }
        directory
    }
}

/// Files each entity under its name and its ARN; the first of a name or an ARN given twice wins.
fn index<'s, R: Copy>(
    entities: impl Iterator<Item = (R, &'s str, String)>,
    names: &mut HashMap<&'s str, R>,
    arns: &mut HashMap<String, R>,
) {
    for (entity, name, arn) in entities {
        names.entry(name).or_insert(entity);
        arns.entry(arn).or_insert(entity);
    }
}

/// The first, in the stack's order, of the entity named `text` and the one whose ARN `text` is.
fn earliest<R: Ord + Copy>(
    names: &HashMap<&str, R>,
    arns: &HashMap<String, R>,
    text: &str,
) -> Option<R> {
    names
        .get(text)
        .into_iter()
        .chain(arns.get(text))
        .min()
        .copied()
}

/// How the principals, roles and buckets that requests name are found in a stack: by going through it, for
/// one request, or in a [`Directory`] built once, for many.
struct Finder<'s> {
    stack: &'s Stack,
    directory: Option<Directory<'s>>,
}

impl<'s> Finder<'s> {
    fn scan(stack: &'s Stack) -> Self {
        Finder {
            stack,
            directory: None,
        }
    }

    fn index(stack: &'s Stack) -> Self {
        Finder {
            stack,
            directory: Some(Directory::new(stack)),
        }
    }

    /// The first user whose name or ARN is `text`, else the first such role.
    fn principal(&self, text: &str) -> Option<Who> {
        let stack = self.stack;
        match &self.directory {
            None => stack
                .users()
                .find(|(_, u)| {
                    u.name == text
                        || is_arn(text, &stack.account(u.account).id, "user", &u.path, &u.name)
                })
                .map(|(user, _)| Who::User(user)),
            Some(directory) => {
                earliest(&directory.user_names, &directory.user_arns, text).map(Who::User)
            }
        }
        .or_else(|| self.role(text).map(Who::Role))
    }

    /// The first role whose name or ARN is `text`.
    fn role(&self, text: &str) -> Option<RoleRef> {
        let stack = self.stack;
        match &self.directory {
            None => stack
                .roles()
                .find(|(_, r)| {
                    r.name == text
                        || is_arn(text, &stack.account(r.account).id, "role", &r.path, &r.name)
                })
                .map(|(role, _)| role),
            Some(directory) => earliest(&directory.role_names, &directory.role_arns, text),
        }
    }

    /// The account of the first bucket named `name`.
    fn bucket_account(&self, name: &str) -> Option<AccountRef> {
        match &self.directory {
            None => self
                .stack
                .buckets()
                .find(|(_, b)| b.name == name)
                .map(|(_, b)| b.account),
            Some(directory) => directory.buckets.get(name).copied(),
        }
    }
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
fn resource_account(finder: &Finder<'_>, resource: &str, caller_account: &str) -> String {
    if let Some(rest) = resource.strip_prefix("arn:") {
        let account = rest.split(':').nth(3).unwrap_or_default();
        if !account.is_empty() {
            return account.to_owned();
        }
    }
    if let Some(bucket) = resource.strip_prefix("arn:aws:s3:::") {
        let bucket = bucket.split('/').next().unwrap_or_default();
        if let Some(account) = finder.bucket_account(bucket) {
            return finder.stack.account(account).id.to_string();
        }
    }
    caller_account.to_owned()
}

/// Whether `key` is `prefix` followed by a tag key (`aws:PrincipalTag/team` for `aws:PrincipalTag/`), compared
/// without regard to case as condition keys are.
fn tag_key<'k>(key: &'k str, prefix: &str) -> Option<&'k str> {
    let (head, tag) = key.split_at_checked(prefix.len())?;
    (head.eq_ignore_ascii_case(prefix) && !tag.is_empty()).then_some(tag)
}

/// The session tags a request passes with `sts:AssumeRole`: its `aws:RequestTag/KEY` keys, each with its
/// values ("Passing session tags in AWS STS": the tags are request tags of the `AssumeRole` call).
fn session_tags(context: &Context) -> Vec<(&str, &[String])> {
    context
        .entries
        .iter()
        .filter_map(|(key, values)| {
            tag_key(key, "aws:RequestTag/").map(|tag| (tag, values.as_slice()))
        })
        .collect()
}

/// The context of the step after `sts:AssumeRole`: the caller's keys, without those that described the first
/// principal (its ARN, account, name, type, id and its principal tags) or its `AssumeRole` call (the request
/// tags, which become the session's tags, and `aws:TagKeys`), and with the session's principal tags: the role's
/// tags, a session tag replacing a role tag of the same key. "The aws:PrincipalTag context key ... includes
/// session tags and the tags attached to the role; if a session tag has the same key as a role tag, the session
/// tag's value is used" (IAM User Guide, "Passing session tags in AWS STS").
fn session_context(context: &Context, role_tags: &[(String, String)]) -> Context {
    let mut next = Context::new();
    for (key, values) in &context.entries {
        let describes_first = [
            "aws:PrincipalArn",
            "aws:PrincipalAccount",
            "aws:username",
            "aws:PrincipalType",
            "aws:userid",
            "aws:TagKeys",
        ]
        .iter()
        .any(|dropped| dropped.eq_ignore_ascii_case(key))
            || tag_key(key, "aws:PrincipalTag/").is_some()
            || tag_key(key, "aws:RequestTag/").is_some();
        if describes_first {
            continue;
        }
        for value in values {
            next.add(key, value);
        }
    }
    let session = session_tags(context);
    for (tag, value) in role_tags {
        if !session
            .iter()
            .any(|(given, _)| given.eq_ignore_ascii_case(tag))
        {
            next.add(&format!("aws:PrincipalTag/{tag}"), value);
        }
    }
    for (tag, values) in session {
        for value in values {
            next.add(&format!("aws:PrincipalTag/{tag}"), value);
        }
    }
    next
}

/// The context of a request a role makes as itself (stack mode without `--via-role`): the caller's keys, and
/// the role's tags as its principal tags where the caller did not give the key (a tag given in the context is
/// read as a session tag, which replaces the role's).
fn role_context(context: &Context, role_tags: &[(String, String)]) -> Context {
    let mut next = context.clone();
    for (tag, value) in role_tags {
        next.set_default(&format!("aws:PrincipalTag/{tag}"), value);
    }
    next
}

/// Who acts in a step, with what every request of it needs: its ARN (a role session's when it acts as one), its
/// identity-based policies and permissions boundary with the names a decision gives them, and the service
/// control policies of its account.
struct Actor<'s> {
    caller: Caller,
    held: Held<'s>,
    boundary: Option<(String, &'s PolicyDocument)>,
    scps: Vec<Vec<Named<'s>>>,
}

impl<'s> Actor<'s> {
    fn new(
        stack: &'s Stack,
        organization: &'s Organization,
        who: Who,
        session: Option<&str>,
    ) -> Self {
        let caller = match (who, session) {
            (_, Some(session)) => Caller::new(session),
            (Who::User(user), None) => Caller::new(&stack.user_arn(user)),
            (Who::Role(role), None) => Caller::new(&stack.role_arn(role)),
        };
        let boundary = match who {
            Who::Role(role) => stack
                .role(role)
                .permissions_boundary
                .map(|policy| stack.policy(policy)),
            Who::User(_) => None,
        };
        let scps = Organization::levels(&organization.scps, &caller.account);
        Actor {
            held: identity_policies(stack, who),
            boundary: boundary.map(|policy| {
                (
                    format!("{} (permissions boundary)", policy.name),
                    &policy.document,
                )
            }),
            scps,
            caller,
        }
    }
}

/// The ARN of the session `simulate` opens when it assumes `role`.
fn session_arn(stack: &Stack, role: RoleRef) -> String {
    format!(
        "arn:aws:sts::{}:assumed-role/{}/iamgen-simulate",
        stack.account(stack.role(role).account).id,
        stack.role(role).name
    )
}

/// Evaluates `action` on `resource` by `actor`.
fn act(
    finder: &Finder<'_>,
    organization: &Organization,
    actor: &Actor<'_>,
    action: &str,
    resource: &str,
    context: &Context,
) -> Evaluation {
    let stack = finder.stack;
    // A role as the resource of `sts:AssumeRole` (or of the tags and identity passed with it): its trust policy
    // is the resource-based policy.
    let target_role = if super::is_trust_action(action) {
        finder.role(resource)
    } else {
        None
    };
    let trust_name = target_role.map(|role| format!("{} trust", stack.role(role).name));
    let account = resource_account(finder, resource, &actor.caller.account);
    let policies = Policies {
        identity: actor.held.named(),
        resource: target_role
            .zip(trust_name.as_deref())
            .map(|(role, name)| Named {
                name,
                document: &stack.role(role).trust,
            }),
        resource_is_role_trust: target_role.is_some(),
        boundary: actor
            .boundary
            .as_ref()
            .map(|(name, document)| Named { name, document }),
        scps: actor.scps.clone(),
        rcps: Organization::levels(&organization.rcps, &account),
        ..Policies::default()
    };
    evaluate(
        &actor.caller,
        action,
        resource,
        &account,
        &policies,
        context,
    )
}

/// A step of `actor`: the request and its evaluation.
fn step(
    finder: &Finder<'_>,
    organization: &Organization,
    actor: &Actor<'_>,
    action: &str,
    resource: &str,
    context: &Context,
) -> Step {
    Step {
        caller: actor.caller.arn.clone(),
        action: action.to_owned(),
        resource: resource.to_owned(),
        evaluation: act(finder, organization, actor, action, resource, context),
    }
}

/// Whether `trust` may let `caller` assume its role at all: it has an `Allow` statement whose `Principal` names
/// the caller, or that has a `NotPrincipal`. A decision on `sts:AssumeRole` is never an allow unless the trust
/// policy allows (see [`evaluate`]), so a role whose trust policy cannot is no route for the caller, whatever
/// the caller's own policies and the conditions say.
fn trust_may_admit(trust: &PolicyDocument, caller: &Caller) -> bool {
    trust.statements().any(|statement| {
        statement.effect == Effect::Allow
            && match &statement.principal {
                None => false,
                Some(PrincipalElement::Principal(principal)) => {
                    principal_matches(principal, caller)
                }
                Some(PrincipalElement::NotPrincipal(_)) => true,
            }
    })
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
    chain(&Finder::scan(stack), organization, request)
}

/// Simulates many requests over one stack and organization: the stack's principals, roles and buckets are
/// indexed once, where [`simulate_in`] goes through the stack for each request.
pub struct Simulator<'s> {
    finder: Finder<'s>,
    organization: &'s Organization,
}

impl std::fmt::Debug for Simulator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("organization", self.organization)
            .finish_non_exhaustive()
    }
}

impl<'s> Simulator<'s> {
    /// A simulator over `stack`, its accounts under `organization`'s control policies.
    #[must_use]
    pub fn new(stack: &'s Stack, organization: &'s Organization) -> Self {
        Simulator {
            finder: Finder::index(stack),
            organization,
        }
    }

    /// Simulates `request`, as [`simulate_in`] does.
    pub fn simulate(&self, request: &Request<'_>) -> Result<Simulation, SimulateError> {
        chain(&self.finder, self.organization, request)
    }
}

/// The steps of `request`: `sts:AssumeRole` (and `sts:TagSession`) first when it goes through a role.
fn chain(
    finder: &Finder<'_>,
    organization: &Organization,
    request: &Request<'_>,
) -> Result<Simulation, SimulateError> {
    let stack = finder.stack;
    let who = finder.principal(request.principal).ok_or_else(|| {
        SimulateError::UnknownPrincipal(request.principal.to_owned(), names_of(stack))
    })?;
    let mut steps = Vec::new();
    let (actor, context) = match request.via_role {
        None => {
            let context = match who {
                Who::Role(role) => role_context(&request.context, &stack.role(role).tags),
                Who::User(_) => request.context.clone(),
            };
            (Actor::new(stack, organization, who, None), context)
        }
        Some(role) => {
            let role = finder
                .role(role)
                .ok_or_else(|| SimulateError::UnknownRole(role.to_owned(), names_of(stack)))?;
            let caller = Actor::new(stack, organization, who, None);
            // Session tags are passed with the `AssumeRole` call, and the trust policy and the caller's policies
            // must also allow `sts:TagSession` ("Permissions required to tag sessions").
            let mut actions = vec!["sts:AssumeRole"];
            if !session_tags(&request.context).is_empty() {
                actions.push("sts:TagSession");
            }
            for action in actions {
                let assume = step(
                    finder,
                    organization,
                    &caller,
                    action,
                    &stack.role_arn(role),
                    &request.context,
                );
                let decision = assume.evaluation.decision;
                steps.push(assume);
                if decision != Decision::Allowed {
                    return Ok(Simulation { decision, steps });
                }
            }
            (
                Actor::new(
                    stack,
                    organization,
                    Who::Role(role),
                    Some(&session_arn(stack, role)),
                ),
                session_context(&request.context, &stack.role(role).tags),
            )
        }
    };
    let last = step(
        finder,
        organization,
        &actor,
        request.action,
        request.resource,
        &context,
    );
    let decision = last.evaluation.decision;
    steps.push(last);
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
///
/// Each cell is what [`simulate_in`] decides for the principal, the action and the resource (an object of a
/// bucket is `example-object`), directly or through each other role of the stack (two roles of one name in two
/// accounts are two routes); a route whose `sts:AssumeRole` is not allowed gives no cells. The principals, roles
/// and buckets are looked up in an index built once; the step through a role is decided once per principal and
/// role, and what a role's session may do once per role, since neither depends on the rest of the cell.
#[must_use]
pub fn access_matrix_in(
    stack: &Stack,
    organization: &Organization,
    context: &Context,
) -> Vec<Access> {
    let asks = matrix_asks(stack);
    let finder = Finder::index(stack);
    // Each role, its name, its ARN, and the role `sts:AssumeRole` on that ARN finds (the first of the ARN, as
    // in `simulate_in`), whose trust policy decides.
    let roles: Vec<(RoleRef, &str, String, &PolicyDocument)> = stack
        .roles()
        .map(|(role, r)| {
            let arn = stack.role_arn(role);
            let assumed = finder.role(&arn).unwrap_or(role);
            (role, r.name.as_str(), arn, &stack.role(assumed).trust)
        })
        .collect();
    let principals = stack
        .users()
        .map(|(user, u)| (u.name.as_str(), Who::User(user)))
        .chain(
            stack
                .roles()
                .map(|(role, r)| (r.name.as_str(), Who::Role(role))),
        );
    let tag_session = !session_tags(context).is_empty();
    // What each role's session may do, the same whoever assumed the role: decided for the first who can.
    let mut sessions: Vec<Option<Vec<Decision>>> = vec![None; roles.len()];
    let mut cells = Vec::new();
    let mut push = |principal: &str, via_role: Option<&str>, decisions: &[Decision]| {
        for ((resource, _, action), decision) in asks.iter().zip(decisions) {
            cells.push(Access {
                principal: principal.to_owned(),
                via_role: via_role.map(str::to_owned),
                action: action.clone(),
                resource: resource.clone(),
                decision: *decision,
            });
        }
    };
    for (name, who) in principals {
        let actor = Actor::new(stack, organization, who, None);
        let own = match who {
            Who::Role(role) => role_context(context, &stack.role(role).tags),
            Who::User(_) => context.clone(),
        };
        let direct: Vec<Decision> = asks
            .iter()
            .map(|(_, target, action)| {
                act(&finder, organization, &actor, action, target, &own).decision
            })
            .collect();
        push(name, None, &direct);
        for (index, (role, role_name, arn, trust)) in roles.iter().enumerate() {
            if who == Who::Role(*role) {
                continue;
            }
            if !trust_may_admit(trust, &actor.caller) {
                continue;
            }
            // A route whose first step is denied says nothing about the role's permissions; with session tags,
            // `sts:TagSession` is a first step too, as in `simulate_in`.
            let steps: &[&str] = if tag_session {
                &["sts:AssumeRole", "sts:TagSession"]
            } else {
                &["sts:AssumeRole"]
            };
            if steps.iter().any(|action| {
                act(&finder, organization, &actor, action, arn, context).decision
                    != Decision::Allowed
            }) {
                continue;
            }
            let decisions = sessions[index].get_or_insert_with(|| {
                let session = Actor::new(
                    stack,
                    organization,
                    Who::Role(*role),
                    Some(&session_arn(stack, *role)),
                );
                let in_session = session_context(context, &stack.role(*role).tags);
                asks.iter()
                    .map(|(_, target, action)| {
                        act(&finder, organization, &session, action, target, &in_session).decision
                    })
                    .collect()
            });
            push(name, Some(role_name), decisions);
        }
    }
    cells
}

/// The cells of one principal's row, in order: each as shown (`arn:aws:s3:::b/*`), the ARN asked about
/// (`arn:aws:s3:::b/example-object`), and the action. The actions are S3's core ones and those the stack's
/// policies name without a wildcard, each asked of buckets or of objects as the catalogue says.
fn matrix_asks(stack: &Stack) -> Vec<(String, String, String)> {
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
    let object_actions: Vec<(&str, bool)> = actions
        .iter()
        .map(|action| {
            let on_objects = crate::catalog::catalog()
                .action(action)
                .is_some_and(|found| found.resource_types().any(|kind| kind.name() == "object"));
            (action.as_str(), on_objects)
        })
        .collect();
    stack
        .buckets()
        .flat_map(|(_, bucket)| {
            [
                (format!("arn:aws:s3:::{}", bucket.name), true),
                (format!("arn:aws:s3:::{}/*", bucket.name), false),
            ]
        })
        .flat_map(|(resource, is_bucket)| {
            let target = if is_bucket {
                resource.clone()
            } else {
                resource.replace("/*", "/example-object")
            };
            object_actions
                .iter()
                .filter(move |(_, on_objects)| *on_objects != is_bucket)
                .map(move |(action, _)| (resource.clone(), target.clone(), (*action).to_owned()))
        })
        .collect()
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
