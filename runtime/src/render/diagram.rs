//! The trust diagram: accounts, their principals, roles and buckets; who trusts whom, who may assume what, and
//! which role's policies name which bucket. As Mermaid (`diagram.mmd`) and Graphviz (`diagram.dot`).

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use super::escape::snake_name;
use super::unique::{Fold, Unique};
use super::{RenderError, Renderer, account_aliases};
use crate::escape::{dot_string as dot, mermaid_label as mermaid};
use crate::policy::{ActionElement, Effect, PolicyDocument, ResourceElement};
use crate::stack::{AccountRef, ByAccount, PrincipalRef, Stack};

/// Whether a document allows `action` on `resource` in some statement (a reading good enough for drawing).
fn allows(document: &PolicyDocument, action: &str, resource: &str) -> bool {
    document.statements().any(|statement| {
        statement.effect == Effect::Allow
            && matches!(&statement.action, ActionElement::Action(actions) if actions.iter().any(|a| a.matches(action)))
            && matches!(&statement.resource, Some(ResourceElement::Resource(resources))
                // IAM's reading of a pattern, escapes included: a role path's `*` is written `${*}` there.
                if resources.iter().any(|r| crate::eval::variables::matches(r.as_str(), resource, &crate::eval::Context::new())))
    })
}

fn names_bucket(document: &PolicyDocument, bucket: &str) -> bool {
    let arn = format!("arn:aws:s3:::{bucket}");
    document.statements().any(|statement| {
        statement.effect == Effect::Allow
            && matches!(&statement.resource, Some(ResourceElement::Resource(resources))
                if resources.iter().any(|r| r.as_str() == arn || r.as_str().starts_with(&format!("{arn}/"))))
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

#[allow(clippy::too_many_lines, reason = "nodes then edges, each kind in turn")]
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
                format!("bucket {}", bucket.name),
                ("[(", ")]"),
                "cylinder",
            );
        }
        let label = format!("{} ({})", account.name, account.id);
        accounts.push(json!({ "id": alias, "label": mermaid(&label), "dot_label": dot(&label), "nodes": nodes }));
    }

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
    for (role_ref, role) in stack.roles() {
        let role_node = ids.roles[role_ref.index()].clone();
        let role_arn = stack.role_arn(role_ref);
        // Trust: the role admits an account.
        for (other_ref, other) in stack.accounts() {
            if other_ref != role.account && role.trust.to_json().contains(other.id.as_str()) {
                edge(
                    role_node.clone(),
                    ids.accounts[other_ref.index()].clone(),
                    "trusts",
                    "-.->",
                    "dashed",
                );
            }
        }
        // Assume: a principal whose own policies allow sts:AssumeRole on the role.
        for principal in stack.principals() {
            let holds = stack
                .identity_policies(principal)
                .iter()
                .any(|(_, document)| allows(document, "sts:AssumeRole", &role_arn));
            // A user who may assume through a group is drawn through the group.
            let direct =
                match principal {
                    PrincipalRef::User(user) => {
                        stack.attached(principal).iter().any(|p| {
                            allows(&stack.policy(*p).document, "sts:AssumeRole", &role_arn)
                        }) || stack
                            .user(user)
                            .inline
                            .iter()
                            .any(|p| allows(&p.document, "sts:AssumeRole", &role_arn))
                    }
                    _ => holds,
                };
            if holds && direct {
                let from = match principal {
                    PrincipalRef::User(user) => &ids.users[user.index()],
                    PrincipalRef::Group(group) => &ids.groups[group.index()],
                    PrincipalRef::Role(role) => &ids.roles[role.index()],
                };
                edge(
                    from.clone(),
                    role_node.clone(),
                    "sts:AssumeRole",
                    "==>",
                    "bold",
                );
            }
        }
        // Access: the role's policies name a bucket.
        for (bucket_ref, bucket) in stack.buckets() {
            let names = stack
                .identity_policies(PrincipalRef::Role(role_ref))
                .iter()
                .any(|(_, document)| names_bucket(document, &bucket.name));
            if names {
                edge(
                    role_node.clone(),
                    ids.buckets[bucket_ref.index()].clone(),
                    "s3",
                    "-->",
                    "solid",
                );
            }
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
