//! Checks that need the whole stack: references from policies to the buckets and roles it declares, trusts
//! that admit the accounts of the principals meant to use them, and quotas over all of a principal's policies.
//!
//! A single-policy linter cannot see that `arn:aws:s3:::com.stuzio.project-x` names no bucket while the stack
//! declares `com.stuzio.projectx`: the policy is valid, and the role silently gets no access to the real bucket.

use std::collections::HashMap;

use super::codes;
use super::context::{At, Context, child, item_pointer};
use super::{IdentityPolicyUse, Options, PolicyKind, Report};
use crate::diagnostic::{Diagnostic, Severity};
use crate::eval::{self, Caller, Conditions, Decision, variables};
use crate::glob;
use crate::policy::{
    AccountId, ActionElement, Arn, Effect, PolicyDocument, Principal, PrincipalElement,
    PrincipalKind, ResourceElement,
};
use crate::stack::{AccountRef, PolicyRef, PrincipalRef, RoleRef, Stack};

/// Managed policies a principal may have attached: the default quota, and the most it can be raised to.
const ATTACHED_DEFAULT: usize = 10;
const ATTACHED_MAX: usize = 20;

const ASSUME_ROLE: &str = "sts:AssumeRole";

/// What the checks across the stack look up for every policy or role, indexed once: looked up by scanning the
/// stack each time, it made `generate` quadratic in the number of roles.
struct Index {
    /// The principals each managed policy is attached to, in the stack's order.
    holders: HashMap<PolicyRef, Vec<PrincipalRef>>,
    /// The principals of each account, in the stack's order.
    by_account: HashMap<AccountRef, Vec<PrincipalRef>>,
    /// Of those, the ones with an identity policy that may allow `sts:AssumeRole` at all: the only ones worth
    /// asking whether they may assume a given role.
    assumers: HashMap<AccountRef, Vec<PrincipalRef>>,
}

impl Index {
    fn new(stack: &Stack) -> Self {
        let mut index = Index {
            holders: HashMap::new(),
            by_account: HashMap::new(),
            assumers: HashMap::new(),
        };
        for principal in stack.principals() {
            for policy in stack.attached(principal) {
                index.holders.entry(*policy).or_default().push(principal);
            }
            let account = stack.principal_account(principal);
            index.by_account.entry(account).or_default().push(principal);
            let may_assume = stack
                .identity_policies(principal)
                .iter()
                .any(|(_, document)| {
                    document.statements().any(|statement| {
                        statement.effect == Effect::Allow
                            && match &statement.action {
                                ActionElement::Action(actions) => {
                                    actions.iter().any(|action| action.matches(ASSUME_ROLE))
                                }
                                // A `NotAction` may leave `sts:AssumeRole` in: asked like any other.
                                ActionElement::NotAction(_) => true,
                            }
                    })
                });
            if may_assume {
                index.assumers.entry(account).or_default().push(principal);
            }
        }
        index
    }
}

/// A finding about one policy of a stack.
#[derive(Debug, Clone)]
pub struct StackFinding {
    /// What the finding is about: `policy StuzioProjectXPolicy`, `trust policy of role X`, `user Troy`.
    pub subject: String,
    /// The finding; its pointer is into the subject's policy document, when it has one.
    pub finding: Diagnostic,
}

/// Lints every policy of a stack (managed and inline policies as identity policies, role trusts as trust
/// policies) and checks them against each other and against what the stack declares.
#[must_use]
pub fn lint_stack(stack: &Stack, options: &Options) -> Vec<StackFinding> {
    let mut found = Vec::new();
    let mut push = |subject: String, findings: Vec<Diagnostic>| {
        found.extend(findings.into_iter().map(|finding| StackFinding {
            subject: subject.clone(),
            finding,
        }));
    };
    // `Stack`'s constructors check names, but its items' fields are public: what was written there directly is
    // checked here, before anything is generated from it.
    for (subject, findings) in invalid_names(stack) {
        push(subject, findings);
    }
    // Each use has its own size quota: a managed policy's, or the inline quota of the principal holding it.
    let used_as = |identity_use| Options {
        identity_use,
        ..options.clone()
    };
    let managed_options = used_as(IdentityPolicyUse::Managed);
    let index = Index::new(stack);
    for (policy, managed) in stack.policies() {
        let holders = index.holders.get(&policy).cloned().unwrap_or_default();
        let mut findings =
            super::lint_document(&managed.document, PolicyKind::Identity, &managed_options);
        findings.extend(references(stack, &managed.document, None, &holders));
        push(format!("policy {}", managed.name), findings);
    }
    for principal in stack.principals() {
        let inline_options = used_as(match principal {
            PrincipalRef::User(_) => IdentityPolicyUse::InlineUser,
            PrincipalRef::Group(_) => IdentityPolicyUse::InlineGroup,
            PrincipalRef::Role(_) => IdentityPolicyUse::InlineRole,
        });
        for inline in stack.inline(principal) {
            let mut findings =
                super::lint_document(&inline.document, PolicyKind::Identity, &inline_options);
            findings.extend(references(stack, &inline.document, None, &[principal]));
            push(
                format!(
                    "inline policy {} of {}",
                    inline.name,
                    stack.principal_label(principal)
                ),
                findings,
            );
        }
    }
    for (role, declared) in stack.roles() {
        let mut findings = super::lint_document(&declared.trust, PolicyKind::Trust, options);
        findings.extend(dead_trusts(stack, role, &index));
        push(format!("trust policy of role {}", declared.name), findings);
    }
    for principal in stack.principals() {
        push(stack.principal_label(principal), quotas(stack, principal));
    }
    // What the caller leaves out, and what the stack itself accepts (a spec's `allow = [...]`).
    found.retain(|f| {
        !codes::is_allowed(&options.allow, f.finding.code)
            && !codes::is_allowed(stack.allowed(), f.finding.code)
    });
    found
}

/// Lints a policy text as [`super::lint_source`] does, then checks its references against `stack`: buckets
/// and roles it names that the stack does not declare under that name.
#[must_use]
pub fn lint_source_with_stack(
    source: &str,
    kind: Option<PolicyKind>,
    options: &Options,
    stack: &Stack,
) -> Report {
    let mut report = super::lint_source(source, kind, options);
    if let Ok(parsed) = PolicyDocument::parse_with_tree(source) {
        let mut extra = references(stack, &parsed.document, Some(&parsed.tree), &[]);
        extra.retain(|f| !codes::is_allowed(&options.allow, f.code));
        report.findings.extend(extra);
        report
            .findings
            .sort_by(|a, b| (a.span.start, a.code).cmp(&(b.span.start, b.code)));
    }
    report
}

/// Buckets and roles a policy names that the stack does not declare, and roles whose trust does not admit the
/// policy's holders.
fn references(
    stack: &Stack,
    document: &PolicyDocument,
    tree: Option<&crate::json::Node<'_>>,
    holders: &[PrincipalRef],
) -> Vec<Diagnostic> {
    let mut cx = Context::new(document, PolicyKind::Identity, tree);
    for located in cx.statements().iter() {
        let statement = located.statement;
        if statement.effect != Effect::Allow {
            continue;
        }
        let Some(ResourceElement::Resource(resources)) = &statement.resource else {
            continue;
        };
        let base = child(&located.pointer, "Resource");
        let assumes = match &statement.action {
            ActionElement::Action(actions) => actions.iter().any(|a| a.matches(ASSUME_ROLE)),
            ActionElement::NotAction(_) => false,
        };
        for (index, resource) in resources.iter().enumerate() {
            let Ok(arn) = resource.arn() else { continue };
            let pointer = item_pointer(&base, resources, index);
            match arn.service() {
                "s3" => check_bucket(&mut cx, stack, &arn, pointer),
                "iam" if assumes => check_role(&mut cx, stack, &arn, pointer, holders),
                _ => {}
            }
        }
    }
    cx.into_findings()
}

fn check_bucket(cx: &mut Context<'_, '_>, stack: &Stack, arn: &Arn, pointer: String) {
    let name = arn.resource().split('/').next().unwrap_or_default();
    if name.is_empty() || glob::has_wildcard(name) || name.contains("${") {
        return;
    }
    if stack.buckets().any(|(_, bucket)| bucket.name == name) {
        return;
    }
    let declared: Vec<&str> = stack
        .buckets()
        .map(|(_, bucket)| bucket.name.as_str())
        .collect();
    // A name far from every declared bucket is someone else's bucket, which the stack need not declare.
    let Some(near) = crate::suggest::closest(name, declared) else {
        return;
    };
    let owner = stack
        .buckets()
        .find(|(_, bucket)| bucket.name == near)
        .map(|(_, bucket)| stack.account(bucket.account).name.clone())
        .unwrap_or_default();
    let fixed = arn.as_str().replacen(name, near, 1);
    let finding = cx.report(
        codes::UNDECLARED_BUCKET.name,
        Severity::Error,
        format!(
            "`{name}` is not a bucket of this stack, which declares `{near}` (in {owner}): the policy grants nothing \
             on the real bucket"
        ),
        pointer,
        At::Value,
    );
    finding.help = Some(format!("did you mean `{near}`? write `{fixed}`"));
    finding.suggestion = Some(near.to_owned());
}

fn check_role(
    cx: &mut Context<'_, '_>,
    stack: &Stack,
    arn: &Arn,
    pointer: String,
    holders: &[PrincipalRef],
) {
    let Some(account) = stack.account_by_id(arn.account()) else {
        return;
    };
    let Some(path_and_name) = arn.resource().strip_prefix("role") else {
        return;
    };
    // A pattern that can name several roles (a wildcard, a variable) is not checked against one; IAM's escapes
    // (`${*}` for a path holding `*`) name exactly one role.
    let Some(literal) = variables::literal(arn.as_str()) else {
        return;
    };
    let target = stack
        .roles()
        .find(|(role, _)| stack.role_arn(*role) == literal)
        .map(|(role, _)| role);
    let Some(role) = target else {
        let names: Vec<&str> = stack
            .roles()
            .filter(|(_, r)| r.account == account)
            .map(|(_, r)| r.name.as_str())
            .collect();
        let name = path_and_name.rsplit('/').next().unwrap_or(path_and_name);
        let near = crate::suggest::closest(name, names);
        let finding = cx.report(
            codes::UNDECLARED_ROLE.name,
            Severity::Error,
            format!(
                "`{}` names no role of {} ({}), so `sts:AssumeRole` on it can never succeed",
                arn.as_str(),
                stack.account(account).name,
                stack.account(account).id
            ),
            pointer,
            At::Value,
        );
        if let Some(near) = near {
            finding.help = Some(format!("did you mean the role `{near}`?"));
            finding.suggestion = Some(arn.as_str().replacen(name, near, 1));
        } else {
            finding.help = Some("declare the role in the stack, or fix the ARN".to_owned());
        }
        return;
    };
    // A group is never a principal: the people who assume are its members, each admitted or not on their own.
    let mut assumers: Vec<(PrincipalRef, Option<PrincipalRef>)> = Vec::new();
    for holder in holders {
        match holder {
            PrincipalRef::Group(group) => {
                let members: Vec<PrincipalRef> = stack
                    .users()
                    .filter(|(_, user)| user.groups.contains(group))
                    .map(|(user, _)| PrincipalRef::User(user))
                    .collect();
                if members.is_empty() {
                    assumers.push((*holder, None));
                }
                assumers.extend(members.into_iter().map(|member| (member, Some(*holder))));
            }
            _ => assumers.push((*holder, None)),
        }
    }
    for (assumer, through) in assumers {
        let holder_account = stack.account(stack.principal_account(assumer));
        let holder_arn = match assumer {
            PrincipalRef::User(user) => Some(stack.user_arn(user)),
            PrincipalRef::Role(role) => Some(stack.role_arn(role)),
            PrincipalRef::Group(_) => None,
        };
        if !trust_admits(stack, role, &holder_account.id, holder_arn.as_deref()) {
            let through = through
                .map(|group| format!(" (through {})", stack.principal_label(group)))
                .unwrap_or_default();
            cx.report(
                codes::TRUST_DOES_NOT_ADMIT.name,
                Severity::Error,
                format!(
                    "{}{through} in {} holds this permission, but the trust policy of role {} does not admit it \
                     or {} ({}): the assume fails",
                    stack.principal_label(assumer),
                    holder_account.name,
                    stack.role(role).name,
                    holder_account.name,
                    holder_account.id
                ),
                pointer.clone(),
                At::Value,
            )
            .help = Some(format!(
                "add `arn:aws:iam::{}:root` (or the principal's ARN) to the role's trust policy",
                holder_account.id
            ));
        }
    }
}

/// Whether the role's trust, asked on its own as IAM evaluates it, lets the principal `principal_arn` of
/// `account` assume the role (`None`: a group with no member, asked as the account itself). A conditional
/// `Allow` counts, as the request may meet its condition; a `Deny` that applies whatever the request brings wins.
fn trust_admits(
    stack: &Stack,
    role: RoleRef,
    account: &AccountId,
    principal_arn: Option<&str>,
) -> bool {
    let declared = stack.role(role);
    let caller = Caller::new(&principal_arn.map_or_else(|| account.root_arn("aws"), str::to_owned));
    eval::policies_decide(
        [&declared.trust],
        &caller,
        ASSUME_ROLE,
        &stack.role_arn(role),
        stack.account(declared.account).id.as_str(),
        true,
        Conditions::Unknown,
    ) == Decision::Allowed
}

/// Accounts of the stack that a role trusts, but in which no principal is allowed to assume it.
fn dead_trusts(stack: &Stack, role: RoleRef, lookup: &Index) -> Vec<Diagnostic> {
    let declared = stack.role(role);
    let role_arn = stack.role_arn(role);
    let role_account = stack.account(declared.account).id.as_str();
    let mut cx = Context::new(&declared.trust, PolicyKind::Trust, None);
    for located in cx.statements().iter() {
        let statement = located.statement;
        if statement.effect != Effect::Allow {
            continue;
        }
        let Some(PrincipalElement::Principal(Principal::Map(entries))) = &statement.principal
        else {
            continue;
        };
        for (kind, values) in entries {
            if *kind != PrincipalKind::Aws {
                continue;
            }
            for (index, value) in values.iter().enumerate() {
                let account_id = if AccountId::is_valid(value) {
                    value.as_str()
                } else {
                    match value
                        .strip_prefix("arn:aws:iam::")
                        .and_then(|rest| rest.strip_suffix(":root"))
                    {
                        Some(id) => id,
                        None => continue,
                    }
                };
                let Some(account) = stack.account_by_id(account_id) else {
                    continue;
                };
                // A stack with no principal in the account leaves it to decide who may assume the role (the
                // pattern's `whole_account = true`): the trust is not dead, only not the stack's to judge.
                if !lookup.by_account.contains_key(&account) {
                    continue;
                }
                let can_assume = lookup.assumers.get(&account).is_some_and(|principals| {
                    principals
                        .iter()
                        .any(|principal| allows_assume(stack, *principal, &role_arn, role_account))
                });
                if !can_assume {
                    let pointer = item_pointer(
                        &child(&child(&located.pointer, "Principal"), kind.as_str()),
                        values,
                        index,
                    );
                    let name = &stack.account(account).name;
                    cx.report(
                        codes::DEAD_TRUST.name,
                        Severity::Warning,
                        format!(
                            "the role trusts {name} ({account_id}), but no principal of {name} in this stack is \
                             allowed `sts:AssumeRole` on `{role_arn}`: both sides must allow"
                        ),
                        pointer,
                        At::Value,
                    )
                    .help = Some(format!(
                        "attach a policy allowing `sts:AssumeRole` on `{role_arn}` to the {name} principals who need \
                         the role, or remove the account from the trust"
                    ));
                }
            }
        }
    }
    cx.into_findings()
}

/// Whether the identity-based policies of `principal`, asked on their own as IAM evaluates them, let it call
/// `sts:AssumeRole` on `role_arn`; as for the trust, a conditional `Allow` counts and an applying `Deny` wins.
fn allows_assume(
    stack: &Stack,
    principal: PrincipalRef,
    role_arn: &str,
    role_account: &str,
) -> bool {
    let arn = match principal {
        PrincipalRef::User(user) => stack.user_arn(user),
        PrincipalRef::Role(role) => stack.role_arn(role),
        // A group is no caller: its policies are asked as a member's would be, from the group's account.
        PrincipalRef::Group(group) => {
            let group = stack.group(group);
            format!(
                "arn:aws:iam::{}:group{}{}",
                stack.account(group.account).id,
                group.path,
                group.name
            )
        }
    };
    let policies = stack.identity_policies(principal);
    eval::policies_decide(
        policies.iter().map(|(_, document)| *document),
        &Caller::new(&arn),
        ASSUME_ROLE,
        role_arn,
        role_account,
        false,
        Conditions::Unknown,
    ) == Decision::Allowed
}

/// Every name, path, description and tag of the stack that AWS would refuse, as error findings by item.
fn invalid_names(stack: &Stack) -> Vec<(String, Vec<Diagnostic>)> {
    use crate::names::{
        BucketName, GroupName, IamPath, InlinePolicyName, NameError, PolicyDescription, PolicyName,
        PolicyPath, RoleDescription, RoleName, TagKey, TagValue, UserName,
    };
    let finding =
        |error: NameError| stack_finding(error.kind().code(), error.message(), error.help());
    let inline = |policies: &[crate::stack::InlinePolicy]| {
        policies
            .iter()
            .map(|policy| InlinePolicyName::check(&policy.name))
            .collect::<Vec<_>>()
    };
    let mut found = Vec::new();
    let mut push = |subject: String, checks: Vec<Result<(), NameError>>| {
        let findings: Vec<Diagnostic> = checks
            .into_iter()
            .filter_map(Result::err)
            .map(finding)
            .collect();
        if !findings.is_empty() {
            found.push((subject, findings));
        }
    };
    for (_, user) in stack.users() {
        let mut checks = vec![UserName::check(&user.name), IamPath::check(&user.path)];
        checks.extend(inline(&user.inline));
        push(format!("user {}", user.name), checks);
    }
    for (_, group) in stack.groups() {
        let mut checks = vec![GroupName::check(&group.name), IamPath::check(&group.path)];
        checks.extend(inline(&group.inline));
        push(format!("group {}", group.name), checks);
    }
    for (_, role) in stack.roles() {
        let mut checks = vec![RoleName::check(&role.name), IamPath::check(&role.path)];
        checks.extend(role.description.as_deref().map(RoleDescription::check));
        for (key, value) in &role.tags {
            checks.push(TagKey::check(key));
            checks.push(TagValue::check(value));
        }
        checks.extend(inline(&role.inline));
        push(format!("role {}", role.name), checks);
    }
    for (_, policy) in stack.policies() {
        let mut checks = vec![
            PolicyName::check(&policy.name),
            PolicyPath::check(&policy.path),
        ];
        checks.extend(policy.description.as_deref().map(PolicyDescription::check));
        push(format!("policy {}", policy.name), checks);
    }
    for (_, bucket) in stack.buckets() {
        push(
            format!("bucket {}", bucket.name),
            vec![BucketName::check(&bucket.name)],
        );
    }
    found
}

fn quotas(stack: &Stack, principal: PrincipalRef) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let attached = stack.attached(principal).len();
    if attached > ATTACHED_DEFAULT {
        let severity = if attached > ATTACHED_MAX {
            Severity::Error
        } else {
            Severity::Warning
        };
        let mut finding = stack_finding(
            codes::ATTACHED_POLICIES_EXCEED_QUOTA.name,
            format!(
                "{} has {attached} managed policies attached, over the default quota of {ATTACHED_DEFAULT}",
                stack.principal_label(principal)
            ),
            format!(
                "merge policies, or raise the quota (up to {ATTACHED_MAX}) through Service Quotas"
            ),
        );
        finding.severity = severity;
        found.push(finding);
    }
    let inline = stack.inline(principal);
    // One inline policy over the quota is reported on the policy itself, by the quota check of its use.
    if inline.len() > 1 {
        let (limit, what) = match principal {
            PrincipalRef::User(_) => (IdentityPolicyUse::InlineUser.quota(), "a user"),
            PrincipalRef::Group(_) => (IdentityPolicyUse::InlineGroup.quota(), "a group"),
            PrincipalRef::Role(_) => (IdentityPolicyUse::InlineRole.quota(), "a role"),
        };
        let size: usize = inline
            .iter()
            .map(|policy| super::size_without_whitespace(&policy.document))
            .sum();
        if size > limit {
            found.push(stack_finding(
                codes::INLINE_POLICIES_EXCEED_QUOTA.name,
                format!(
                    "the inline policies of {} total {size} characters, over the {limit} allowed for {what}",
                    stack.principal_label(principal)
                ),
                "move statements into managed policies",
            ));
        }
    }
    found
}

/// A finding about the stack's items rather than a policy's text: it has no span or pointer in a source.
fn stack_finding(code: &'static str, message: String, help: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, message, crate::source::Span::default(), None).with_help(help)
}

#[cfg(test)]
mod tests {
    use super::{Options, lint_stack};
    use crate::policy::PolicyDocument;
    use crate::stack::Stack;

    const ACME: &str = "183438944504";

    fn codes(stack: &Stack) -> Vec<&'static str> {
        lint_stack(stack, &Options::default())
            .into_iter()
            .map(|found| found.finding.code)
            .collect()
    }

    /// The codes found in the reference scenario once the consultant role's trust holds `statements`.
    fn codes_with_trust(statements: &str) -> Vec<&'static str> {
        let mut stack = Stack::reference_scenario();
        let role = stack.role_by_name("StuzioAcmeConsultantRole").unwrap();
        let json = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
        stack.role_mut(role).trust = PolicyDocument::from_json(&json).unwrap();
        codes(&stack)
    }

    // The copy this replaced read only `Allow` statements: a trust that also denies the assume was taken as
    // admitting Troy, while IAM refuses him.
    #[test]
    fn a_deny_in_the_trust_wins_over_its_allow() {
        let codes = codes_with_trust(&format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{ACME}:root"}}, "Action": "sts:AssumeRole"}},
               {{"Effect": "Deny", "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole"}}"#
        ));
        assert!(codes.contains(&"TRUST_DOES_NOT_ADMIT"));
    }

    // The copy required `Action` to name `sts:AssumeRole`; a `NotAction` that leaves it out allows it in IAM.
    #[test]
    fn a_not_action_allow_in_the_trust_admits() {
        let codes = codes_with_trust(&format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{ACME}:root"}}, "NotAction": "s3:*"}}"#
        ));
        assert!(!codes.contains(&"TRUST_DOES_NOT_ADMIT"));
    }

    // The copy read only `Allow` statements of the holder's policies: a `Deny` of `sts:*` beside the `Allow`
    // left the trust counted as used, while nobody in Acme can assume the role.
    #[test]
    fn a_deny_in_the_holders_policy_makes_the_trust_dead() {
        let mut stack = Stack::reference_scenario();
        let role = stack.role_by_name("StuzioAcmeConsultantRole").unwrap();
        let policy = stack.policy_by_name("AcmeClientAssumeRolePolicy").unwrap();
        stack.policy_mut(policy).document = PolicyDocument::from_json(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [
                {{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "{}"}},
                {{"Effect": "Deny", "Action": "sts:*", "Resource": "*"}}]}}"#,
            stack.role_arn(role)
        ))
        .unwrap();
        assert!(
            codes(&Stack::reference_scenario())
                .iter()
                .all(|code| *code != "DEAD_TRUST")
        );
        assert!(codes(&stack).contains(&"DEAD_TRUST"));
    }
}
