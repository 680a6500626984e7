//! The trust diagram: accounts, their principals, roles and buckets; who trusts whom, who may assume what, and
//! which role's policies name which bucket. As Mermaid (`diagram.mmd`) and Graphviz (`diagram.dot`).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value as Json, json};

use super::escape::snake_name;
use super::unique::{Fold, Unique};
use super::{RenderError, Renderer, account_aliases};
use crate::escape::{dot_string as dot, mermaid_label as mermaid};
use crate::eval::{self, Caller, Conditions, Context, Decision};
use crate::policy::{
    ActionElement, Effect, PolicyDocument, Principal, PrincipalElement, PrincipalKind,
    ResourceElement,
};
use crate::stack::{AccountRef, BucketRef, ByAccount, PrincipalRef, Stack};

/// How the evaluator answers one of the diagram's questions: yes for a request that brings no context, yes only
/// for a request whose context meets some statement's conditions, or no whatever the request brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Answer {
    No,
    IfConditionsHold,
    Yes,
}

impl Answer {
    /// Asks `question` first of a request with no context, then of one whose context is unknown.
    fn of(question: impl Fn(Conditions<'_>) -> Decision) -> Answer {
        if question(Conditions::Given(&Context::new())) == Decision::Allowed {
            Answer::Yes
        } else if question(Conditions::Unknown) == Decision::Allowed {
            Answer::IfConditionsHold
        } else {
            Answer::No
        }
    }

    /// The edge's label: `what`, and whether it holds only under conditions.
    fn label(self, what: &str) -> String {
        match self {
            Answer::IfConditionsHold => format!("{what} if conditions hold"),
            Answer::Yes | Answer::No => what.to_owned(),
        }
    }
}

/// Whether `documents` on their own let `caller` assume the role `role_arn` of account `role_account`.
fn may_assume(
    documents: &[&PolicyDocument],
    caller: &Caller,
    role_arn: &str,
    role_account: &str,
    trust: bool,
) -> Answer {
    Answer::of(|conditions| {
        eval::policies_decide(
            documents.iter().copied(),
            caller,
            "sts:AssumeRole",
            role_arn,
            role_account,
            trust,
            conditions,
        )
    })
}

/// How the trust policy of a role admits principals of account `account`: the best answer among the
/// account itself (`:root`) and each principal of the account that the trust names.
fn trust_admits(
    trust: &PolicyDocument,
    role_arn: &str,
    role_account: &str,
    account: &str,
) -> Answer {
    let root = crate::names::account_root_arn(account);
    let named = trust
        .statements()
        .filter_map(|statement| match &statement.principal {
            Some(PrincipalElement::Principal(Principal::Map(entries))) => Some(entries),
            _ => None,
        })
        .flatten()
        .filter(|(kind, _)| *kind == PrincipalKind::Aws)
        .flat_map(|(_, values)| values.as_slice())
        .map(String::as_str);
    std::iter::once(root.as_str())
        .chain(named)
        .map(Caller::new)
        .filter(|caller| caller.account == account)
        .map(|caller| may_assume(&[trust], &caller, role_arn, role_account, true))
        .max()
        .unwrap_or(Answer::No)
}

/// How the identity-based policies of `principal` (and a role's permissions boundary) let it assume the role
/// `role_arn`. A user's edge stands for what its own policies allow, what its groups' allow being drawn
/// from the groups; a `Deny` in a group's policy still holds the user back.
fn principal_may_assume(
    stack: &Stack,
    principal: PrincipalRef,
    role_arn: &str,
    role_account: &str,
) -> Answer {
    let account = &stack.account(stack.principal_account(principal)).id;
    let (caller, boundary) = match principal {
        PrincipalRef::User(user) => (Caller::new(&stack.user_arn(user)), None),
        PrincipalRef::Group(group) => {
            let group = stack.group(group);
            // A group is no caller: its policies are asked as a member's would be.
            (
                Caller::new(&format!(
                    "arn:aws:iam::{account}:group{}{}",
                    group.path, group.name
                )),
                None,
            )
        }
        PrincipalRef::Role(role) => (
            Caller::new(&stack.role_arn(role)),
            stack.role(role).permissions_boundary,
        ),
    };
    let own = stack
        .attached(principal)
        .iter()
        .map(|policy| &stack.policy(*policy).document)
        .chain(
            stack
                .inline(principal)
                .iter()
                .map(|inline| &inline.document),
        )
        .collect::<Vec<_>>();
    let all: Vec<&PolicyDocument> = stack
        .identity_policies(principal)
        .into_iter()
        .map(|(_, document)| document)
        .collect();
    let mut answer = may_assume(&own, &caller, role_arn, role_account, false).min(may_assume(
        &all,
        &caller,
        role_arn,
        role_account,
        false,
    ));
    if let Some(boundary) = boundary {
        let boundary = &stack.policy(boundary).document;
        answer = answer.min(may_assume(
            &[boundary],
            &caller,
            role_arn,
            role_account,
            false,
        ));
    }
    answer
}

/// The accounts a trust may admit, in the stack's order: only those it names (by id, anywhere in it), unless a
/// wildcard in it may stand for any.
fn trust_candidates(
    stack: &Stack,
    trust: &PolicyDocument,
    account_by_id: &HashMap<&str, AccountRef>,
) -> Vec<AccountRef> {
    let text = trust.to_json();
    if text.contains('*') {
        return stack
            .accounts()
            .map(|(account_ref, _)| account_ref)
            .collect();
    }
    let mut named: Vec<AccountRef> = account_by_id
        .iter()
        .filter(|(id, _)| text.contains(*id))
        .map(|(_, account_ref)| *account_ref)
        .collect();
    named.sort_unstable();
    named
}

/// The buckets an `Allow` of `document` names by ARN (`arn:aws:s3:::NAME` or an object ARN below it).
fn named_buckets(document: &PolicyDocument) -> Vec<&str> {
    let mut names = Vec::new();
    for statement in document.statements() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let Some(ResourceElement::Resource(resources)) = &statement.resource else {
            continue;
        };
        for resource in resources {
            if let Some(rest) = resource.as_str().strip_prefix("arn:aws:s3:::") {
                names.push(rest.split('/').next().unwrap_or(rest));
            }
        }
    }
    names
}

/// Whether `document` has an `Allow` whose actions may include `sts:AssumeRole` (a `NotAction` may).
fn may_allow_assume(document: &PolicyDocument) -> bool {
    document.statements().any(|statement| {
        statement.effect == Effect::Allow
            && match &statement.action {
                ActionElement::Action(actions) => actions
                    .iter()
                    .any(|action| action.matches("sts:AssumeRole")),
                ActionElement::NotAction(_) => true,
            }
    })
}

/// The diagram's ids: subgraphs (the account aliases), account nodes and one node per item, each unique.
///
/// An id is made from the item's name in snake case, which loses punctuation and case (`Troy.A`, `Troy-A`,
/// `Troy_A` and `TroyA` are all `troy_a`): ids are handed out once each, so that four users stay four nodes.
struct NodeIds {
    accounts: Vec<String>,
    users: Vec<String>,
    groups: Vec<String>,
    roles: Vec<String>,
    buckets: Vec<String>,
}

impl NodeIds {
    fn new(stack: &Stack, aliases: &[String]) -> Self {
        let mut unique = Unique::new(Fold::Exact);
        for alias in aliases {
            unique.reserve(alias);
        }
        let accounts = aliases
            .iter()
            .map(|alias| unique.claim(&format!("{alias}_account")))
            .collect();
        let mut node = |kind: &str, account: AccountRef, name: &str| {
            unique.claim(&format!(
                "{}_{kind}_{}",
                aliases[account.index()],
                snake_name(name)
            ))
        };
        let users = stack
            .users()
            .map(|(_, user)| node("user", user.account, &user.name))
            .collect();
        let groups = stack
            .groups()
            .map(|(_, group)| node("group", group.account, &group.name))
            .collect();
        let roles = stack
            .roles()
            .map(|(_, role)| node("role", role.account, &role.name))
            .collect();
        let buckets = stack
            .buckets()
            .map(|(_, bucket)| node("bucket", bucket.account, &bucket.name))
            .collect();
        NodeIds {
            accounts,
            users,
            groups,
            roles,
            buckets,
        }
    }
}

pub(super) fn render(
    renderer: &Renderer,
    stack: &Stack,
) -> Result<BTreeMap<String, String>, RenderError> {
    let aliases = account_aliases(stack);
    let by_account = ByAccount::new(stack);
    let ids = NodeIds::new(stack, &aliases);
    let mut accounts = Vec::new();
    for (index, (account_ref, account)) in stack.accounts().enumerate() {
        let alias = &aliases[index];
        let mut nodes: Vec<Json> = Vec::new();
        let mut push = |id: String, label: String, shape: (&str, &str), dot_shape: &str| {
            nodes.push(json!({
                "id": id,
                "label": mermaid(&label),
                "shape_open": shape.0,
                "shape_close": shape.1,
                "dot_label": dot(&label),
                "dot_shape": dot_shape,
            }));
        };
        // The account itself, as trusts name it (`:root`): edges go to a node, which Graphviz needs.
        push(
            ids.accounts[index].clone(),
            format!("account {} (root)", account.name),
            ("[/", "/]"),
            "folder",
        );
        for (user_ref, user) in by_account.users(stack, account_ref) {
            push(
                ids.users[user_ref.index()].clone(),
                if user.existing {
                    format!("user {} (existing)", user.name)
                } else {
                    format!("user {}", user.name)
                },
                ("([", "])"),
                "ellipse",
            );
        }
        for (group_ref, group) in by_account.groups(stack, account_ref) {
            push(
                ids.groups[group_ref.index()].clone(),
                format!("group {}", group.name),
                ("{{", "}}"),
                "hexagon",
            );
        }
        for (role_ref, role) in by_account.roles(stack, account_ref) {
            push(
                ids.roles[role_ref.index()].clone(),
                format!("role {}", role.name),
                ("[", "]"),
                "box",
            );
        }
        for (bucket_ref, bucket) in by_account.buckets(stack, account_ref) {
            push(
                ids.buckets[bucket_ref.index()].clone(),
                if bucket.is_existing() {
                    format!("bucket {} (existing)", bucket.name)
                } else {
                    format!("bucket {}", bucket.name)
                },
                ("[(", ")]"),
                "cylinder",
            );
        }
        let label = format!("{} ({})", account.name, account.id);
        accounts.push(json!({ "id": alias, "label": mermaid(&label), "dot_label": dot(&label), "nodes": nodes }));
    }

    let edges = edges(stack, &ids);
    let view = json!({
        "version": env!("CARGO_PKG_VERSION"),
        "command": "iamgen generate",
        "accounts": accounts,
        "edges": edges,
    });
    let mut files = BTreeMap::new();
    files.insert(
        "diagram.mmd".to_owned(),
        renderer.render_template("diagram/diagram.mmd", view.clone())?,
    );
    files.insert(
        "diagram.dot".to_owned(),
        renderer.render_template("diagram/diagram.dot", view)?,
    );
    Ok(files)
}

/// The diagram's edges, each the answer to one question: whom a role trusts and who may assume it (both asked of
/// the evaluator), which buckets its policies name, and who is a member of which group.
fn edges(stack: &Stack, ids: &NodeIds) -> Vec<Json> {
    let mut edges: Vec<Json> = Vec::new();
    let mut edge = |from: String, to: String, label: &str, arrow: &str, style: &str| {
        edges.push(json!({
            "from": from,
            "to": to,
            "label": mermaid(label),
            "arrow": arrow,
            "dot_label": dot(label),
            "dot_style": style,
        }));
    };
    // Indexed once: asked of every pair, the questions below made the diagram quadratic in the roles.
    let account_by_id: HashMap<&str, AccountRef> = stack
        .accounts()
        .map(|(account_ref, account)| (account.id.as_str(), account_ref))
        .collect();
    let bucket_by_name: HashMap<&str, BucketRef> = stack
        .buckets()
        .map(|(bucket_ref, bucket)| (bucket.name.as_str(), bucket_ref))
        .collect();
    // Only a principal with a policy that may allow `sts:AssumeRole` at all may assume a role.
    let assumers: Vec<PrincipalRef> = stack
        .principals()
        .into_iter()
        .filter(|principal| {
            stack
                .identity_policies(*principal)
                .iter()
                .any(|(_, document)| may_allow_assume(document))
        })
        .collect();
    for (role_ref, role) in stack.roles() {
        let role_node = ids.roles[role_ref.index()].clone();
        let role_arn = stack.role_arn(role_ref);
        let role_account = stack.account(role.account).id.as_str();
        // Trust: the role admits principals of another account.
        let candidates = trust_candidates(stack, &role.trust, &account_by_id);
        for other_ref in candidates {
            if other_ref == role.account {
                continue;
            }
            let other = stack.account(other_ref);
            let answer = trust_admits(&role.trust, &role_arn, role_account, other.id.as_str());
            if answer != Answer::No {
                edge(
                    role_node.clone(),
                    ids.accounts[other_ref.index()].clone(),
                    &answer.label("trusts"),
                    "-.->",
                    "dashed",
                );
            }
        }
        // Assume: a principal whose own policies allow sts:AssumeRole on the role.
        for principal in &assumers {
            let principal = *principal;
            let answer = principal_may_assume(stack, principal, &role_arn, role_account);
            if answer != Answer::No {
                let from = match principal {
                    PrincipalRef::User(user) => &ids.users[user.index()],
                    PrincipalRef::Group(group) => &ids.groups[group.index()],
                    PrincipalRef::Role(role) => &ids.roles[role.index()],
                };
                edge(
                    from.clone(),
                    role_node.clone(),
                    &answer.label("sts:AssumeRole"),
                    "==>",
                    "bold",
                );
            }
        }
        // Access: the role's policies name a bucket (by its ARN, or an object ARN below it).
        let mut named: Vec<BucketRef> = stack
            .identity_policies(PrincipalRef::Role(role_ref))
            .iter()
            .flat_map(|(_, document)| named_buckets(document))
            .filter_map(|name| bucket_by_name.get(name).copied())
            .collect();
        named.sort_unstable();
        named.dedup();
        for bucket_ref in named {
            edge(
                role_node.clone(),
                ids.buckets[bucket_ref.index()].clone(),
                "s3",
                "-->",
                "solid",
            );
        }
    }
    for (user_ref, user) in stack.users() {
        for group in &user.groups {
            edge(
                ids.users[user_ref.index()].clone(),
                ids.groups[group.index()].clone(),
                "member of",
                "---",
                "dotted",
            );
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use crate::policy::{AccountId, PolicyDocument};
    use crate::render::{Target, render};
    use crate::stack::{InlinePolicy, PrincipalRef, Stack};

    const ACME: &str = "183438944504";
    const ROLE: &str = "arn:aws:iam::081278057606:role/Consultant";

    /// `diagram.mmd` of a stack: Stuzio's role `Consultant` with trust policy `trust`, Acme's user Troy in group
    /// Staff, each with the statements given as an inline policy (none when empty).
    fn diagram(trust: &str, troy: &str, staff: &str) -> String {
        let document = |statements: &str| {
            let json = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
            PolicyDocument::from_json(&json).unwrap_or_else(|error| panic!("{error}\n{json}"))
        };
        let mut stack = Stack::new();
        let stuzio = stack.add_account(AccountId::parse("081278057606").expect("an id"), "Stuzio");
        let acme = stack.add_account(AccountId::parse(ACME).expect("an id"), "Acme");
        let staff_group = stack.add_group(acme, "Staff").expect("a group");
        let troy_user = stack.add_user(acme, "Troy").expect("a user");
        stack.add_to_group(troy_user, staff_group);
        for (principal, statements) in [
            (PrincipalRef::Group(staff_group), staff),
            (PrincipalRef::User(troy_user), troy),
        ] {
            if !statements.is_empty() {
                let policy = InlinePolicy {
                    name: "Inline".to_owned(),
                    document: document(statements),
                };
                stack
                    .add_inline(principal, policy)
                    .expect("an inline policy");
            }
        }
        stack
            .add_role(stuzio, "Consultant", document(trust))
            .expect("a role");
        let rendered = render(&stack, &[Target::Diagram]).expect("renders");
        rendered.files()["diagram.mmd"].clone()
    }

    fn edges(diagram: &str) -> Vec<&str> {
        diagram
            .lines()
            .map(str::trim)
            .filter(|line| line.contains("|\""))
            .collect()
    }

    const TRUST_ACME: &str = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "Action": "sts:AssumeRole"}"#;
    const TROY_ASSUMES: &str = r#"{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::081278057606:role/Consultant"}"#;

    #[test]
    fn a_plain_trust_and_assume_policy_are_drawn_as_before() {
        let drawn = diagram(TRUST_ACME, TROY_ASSUMES, "");
        assert_eq!(
            edges(&drawn),
            [
                r#"stuzio_role_consultant -.->|"trusts"| acme_account"#,
                r#"acme_user_troy ==>|"sts:AssumeRole"| stuzio_role_consultant"#,
                r#"acme_user_troy ---|"member of"| acme_group_staff"#,
            ],
            "{drawn}"
        );
    }

    #[test]
    fn a_trust_that_denies_the_account_draws_no_trust_edge() {
        let trust = format!(
            r#"{TRUST_ACME}, {{"Effect": "Deny", "Principal": {{"AWS": "{ACME}"}}, "Action": "sts:AssumeRole"}}"#
        );
        let drawn = diagram(&trust, "", "");
        assert!(!drawn.contains("trusts"), "{drawn}");
    }

    #[test]
    fn a_trust_that_requires_an_external_id_draws_a_conditional_edge() {
        let trust = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}"#;
        let drawn = diagram(trust, "", "");
        assert!(
            drawn.contains(
                r#"stuzio_role_consultant -.->|"trusts if conditions hold"| acme_account"#
            ),
            "{drawn}"
        );
        assert!(!drawn.contains(r#"|"trusts"|"#), "{drawn}");
    }

    #[test]
    fn a_trust_that_names_the_account_only_in_a_condition_does_not_trust_it() {
        // The account's id is in the policy, but the role admits only EC2.
        let trust = r#"{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "183438944504"}}}"#;
        let drawn = diagram(trust, "", "");
        assert!(!drawn.contains("trusts"), "{drawn}");
    }

    #[test]
    fn a_trust_that_allows_other_actions_only_does_not_trust() {
        let trust = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "NotAction": "sts:AssumeRole"}"#;
        let drawn = diagram(trust, "", "");
        assert!(!drawn.contains("trusts"), "{drawn}");
    }

    #[test]
    fn an_explicit_deny_in_the_users_policy_draws_no_assume_edge() {
        let troy = format!(
            r#"{TROY_ASSUMES}, {{"Effect": "Deny", "Action": "sts:*", "Resource": "{ROLE}"}}"#
        );
        let drawn = diagram(TRUST_ACME, &troy, "");
        assert!(!drawn.contains("sts:AssumeRole"), "{drawn}");
    }

    #[test]
    fn a_deny_in_a_group_holds_its_member_back() {
        let staff =
            format!(r#"{{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "{ROLE}"}}"#);
        let drawn = diagram(TRUST_ACME, TROY_ASSUMES, &staff);
        assert!(!drawn.contains("sts:AssumeRole"), "{drawn}");
    }

    #[test]
    fn not_action_allows_what_it_does_not_list() {
        let troy = r#"{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}"#;
        let drawn = diagram(TRUST_ACME, troy, "");
        assert!(
            drawn.contains(r#"acme_user_troy ==>|"sts:AssumeRole"| stuzio_role_consultant"#),
            "{drawn}"
        );
    }

    #[test]
    fn an_assume_policy_that_requires_mfa_draws_a_conditional_edge() {
        let troy = format!(
            r#"{{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "{ROLE}", "Condition": {{"Bool": {{"aws:MultiFactorAuthPresent": "true"}}}}}}"#
        );
        let drawn = diagram(TRUST_ACME, &troy, "");
        assert!(
            drawn.contains(
                r#"acme_user_troy ==>|"sts:AssumeRole if conditions hold"| stuzio_role_consultant"#
            ),
            "{drawn}"
        );
    }
}
