//! The trust diagram: accounts, their principals, roles and buckets; whom each role's trust admits, who may
//! assume it, what each principal may do to the buckets of its account, and who is in which group. As Mermaid
//! (`diagram.mmd`), Graphviz (`diagram.dot`) and a picture (`diagram.svg`, laid out in-process).
//!
//! Every edge is an answer of the evaluator ([`crate::eval::policies_require`]), labelled with what a request
//! must bring for it to hold ("external id", "MFA").

mod ask;
mod svg;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use super::escape::snake_name;
use super::unique::{Fold, Unique};
use super::{RenderError, Renderer, account_aliases};
use crate::escape::{dot_string as dot, mermaid_label as mermaid};
use crate::stack::{AccountRef, ByAccount, PrincipalRef, Stack};
use ask::{Index, Outside, Trusted};

/// What a node stands for, which gives its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeKind {
    /// An account as a whole (its `:root`).
    Account,
    User,
    Group,
    Role,
    Bucket,
    /// A principal the stack does not hold, which a trust names.
    Outside,
}

impl NodeKind {
    /// The Mermaid brackets around the label.
    fn mermaid_shape(self) -> (&'static str, &'static str) {
        match self {
            NodeKind::Account => ("[/", "/]"),
            NodeKind::User => ("([", "])"),
            NodeKind::Group => ("{{", "}}"),
            NodeKind::Role => ("[", "]"),
            NodeKind::Bucket => ("[(", ")]"),
            NodeKind::Outside => (">", "]"),
        }
    }

    /// The Graphviz shape.
    fn dot_shape(self) -> &'static str {
        match self {
            NodeKind::Account => "folder",
            NodeKind::User => "ellipse",
            NodeKind::Group => "hexagon",
            NodeKind::Role => "box",
            NodeKind::Bucket => "cylinder",
            NodeKind::Outside => "octagon",
        }
    }
}

/// What an edge says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EdgeKind {
    /// A role's trust admits the principal.
    Trust,
    /// The principal's policies allow `sts:AssumeRole` on the role.
    Assume,
    /// The principal's policies allow actions on the bucket.
    Access,
    /// The user is in the group.
    Member,
}

impl EdgeKind {
    fn mermaid_arrow(self) -> &'static str {
        match self {
            EdgeKind::Trust => "-.->",
            EdgeKind::Assume => "==>",
            EdgeKind::Access => "-->",
            EdgeKind::Member => "---",
        }
    }

    fn dot_style(self) -> &'static str {
        match self {
            EdgeKind::Trust => "dashed",
            EdgeKind::Assume => "bold",
            EdgeKind::Access => "solid",
            EdgeKind::Member => "dotted",
        }
    }
}

/// A node: its id in both languages, and its label as people read it (escaped only when written).
#[derive(Debug, Clone)]
struct Node {
    id: String,
    label: String,
    kind: NodeKind,
}

/// An account's nodes, drawn as a box around them.
#[derive(Debug, Clone)]
struct Cluster {
    id: String,
    label: String,
    nodes: Vec<Node>,
}

#[derive(Debug, Clone)]
struct Edge {
    from: String,
    to: String,
    label: String,
    kind: EdgeKind,
}

/// The diagram, whatever language it is written in.
#[derive(Debug, Clone)]
struct Graph {
    clusters: Vec<Cluster>,
    /// Nodes outside every account of the stack.
    outside: Vec<Node>,
    edges: Vec<Edge>,
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
    /// Principals outside the stack, given an id when an edge first reaches them.
    outside: BTreeMap<Outside, String>,
    unique: Unique,
}

/// The longest id made from a name outside the stack (an ARN may be 2,048 characters long).
const MAX_OUTSIDE_ID: usize = 64;

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
            outside: BTreeMap::new(),
            unique,
        }
    }

    fn principal(&self, principal: PrincipalRef) -> &str {
        match principal {
            PrincipalRef::User(user) => &self.users[user.index()],
            PrincipalRef::Group(group) => &self.groups[group.index()],
            PrincipalRef::Role(role) => &self.roles[role.index()],
        }
    }

    /// The id of a principal outside the stack, handed out on first use.
    fn outside(&mut self, outside: &Outside) -> String {
        if let Some(id) = self.outside.get(outside) {
            return id.clone();
        }
        let mut name = match outside {
            Outside::Account(id) => format!("outside_account_{id}"),
            Outside::Principal(arn) => format!("outside_{}", snake_name(arn)),
            Outside::Service(service) => format!("service_{}", snake_name(service)),
            Outside::Federated(provider) => format!("federated_{}", snake_name(provider)),
            Outside::Anyone => "anyone".to_owned(),
        };
        // Ids are ASCII (`snake_name`), so a byte index is a character boundary.
        name.truncate(MAX_OUTSIDE_ID);
        let id = self.unique.claim(name.trim_end_matches('_'));
        self.outside.insert(outside.clone(), id.clone());
        id
    }
}

pub(super) fn render(
    renderer: &Renderer,
    stack: &Stack,
    notes: &mut Vec<String>,
) -> Result<BTreeMap<String, String>, RenderError> {
    let graph = graph(stack);
    let view = json!({
        "version": env!("CARGO_PKG_VERSION"),
        "command": "iamgen generate",
        "accounts": graph.clusters.iter().map(|cluster| json!({
            "id": cluster.id,
            "label": mermaid(&cluster.label),
            "dot_label": dot(&cluster.label),
            "nodes": cluster.nodes.iter().map(node_view).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "outside": graph.outside.iter().map(node_view).collect::<Vec<_>>(),
        "edges": graph.edges.iter().map(|edge| json!({
            "from": edge.from,
            "to": edge.to,
            "label": mermaid(&edge.label),
            "arrow": edge.kind.mermaid_arrow(),
            "dot_label": dot(&edge.label),
            "dot_style": edge.kind.dot_style(),
        })).collect::<Vec<_>>(),
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
    match svg::draw(&graph) {
        Ok(picture) => {
            files.insert("diagram.svg".to_owned(), picture);
        }
        Err(too_large) => notes.push(too_large),
    }
    Ok(files)
}

fn node_view(node: &Node) -> Json {
    let (open, close) = node.kind.mermaid_shape();
    json!({
        "id": node.id,
        "label": mermaid(&node.label),
        "shape_open": open,
        "shape_close": close,
        "dot_label": dot(&node.label),
        "dot_shape": node.kind.dot_shape(),
    })
}

/// The diagram of `stack`: its edges first, so that an account's own node (its `:root`) is drawn only when an
/// edge reaches it, or when the account has nothing else to show.
fn graph(stack: &Stack) -> Graph {
    let aliases = account_aliases(stack);
    let mut ids = NodeIds::new(stack, &aliases);
    let (edges, reached) = edges(stack, &mut ids);
    let by_account = ByAccount::new(stack);
    let mut clusters = Vec::new();
    for (index, (account_ref, account)) in stack.accounts().enumerate() {
        let mut nodes = Vec::new();
        let mut push = |id: &str, label: String, kind: NodeKind| {
            nodes.push(Node {
                id: id.to_owned(),
                label,
                kind,
            });
        };
        for (user_ref, user) in by_account.users(stack, account_ref) {
            let label = if user.existing {
                format!("user {} (existing)", user.name)
            } else {
                format!("user {}", user.name)
            };
            push(&ids.users[user_ref.index()], label, NodeKind::User);
        }
        for (group_ref, group) in by_account.groups(stack, account_ref) {
            let label = format!("group {}", group.name);
            push(&ids.groups[group_ref.index()], label, NodeKind::Group);
        }
        for (role_ref, role) in by_account.roles(stack, account_ref) {
            push(
                &ids.roles[role_ref.index()],
                format!("role {}", role.name),
                NodeKind::Role,
            );
        }
        for (bucket_ref, bucket) in by_account.buckets(stack, account_ref) {
            let label = if bucket.is_existing() {
                format!("bucket {} (existing)", bucket.name)
            } else {
                format!("bucket {}", bucket.name)
            };
            push(&ids.buckets[bucket_ref.index()], label, NodeKind::Bucket);
        }
        if reached[index] || nodes.is_empty() {
            nodes.insert(
                0,
                Node {
                    id: ids.accounts[index].clone(),
                    label: format!("account {} (root)", account.name),
                    kind: NodeKind::Account,
                },
            );
        }
        clusters.push(Cluster {
            id: aliases[index].clone(),
            label: format!("{} ({})", account.name, account.id),
            nodes,
        });
    }
    let outside = ids
        .outside
        .iter()
        .map(|(outside, id)| Node {
            id: id.clone(),
            label: outside.label(),
            kind: NodeKind::Outside,
        })
        .collect();
    Graph {
        clusters,
        outside,
        edges,
    }
}

/// The diagram's edges, each the answer to one question: whom a role's trust admits and who may assume it
/// (both asked of the evaluator), what each principal may do to its account's buckets, and who is a member of
/// which group. With them, which accounts' own nodes an edge reaches.
fn edges(stack: &Stack, ids: &mut NodeIds) -> (Vec<Edge>, Vec<bool>) {
    let index = Index::new(stack);
    let mut edges = Vec::new();
    let mut reached = vec![false; stack.accounts().len()];
    let mut edge = |from: &str, to: &str, label: String, kind: EdgeKind| {
        edges.push(Edge {
            from: from.to_owned(),
            to: to.to_owned(),
            label,
            kind,
        });
    };
    // Only a principal with a policy that may allow `sts:AssumeRole` at all may assume a role: asked of every
    // pair, the question made the diagram quadratic in the roles.
    let assumers: Vec<ask::Holder<'_>> = stack
        .principals()
        .into_iter()
        .filter(|principal| {
            stack
                .identity_policies(*principal)
                .iter()
                .any(|(_, document)| ask::may_allow_assume(document))
        })
        .map(|principal| ask::Holder::new(&index, principal))
        .collect();
    for (role_ref, _) in stack.roles() {
        let role_node = ids.roles[role_ref.index()].clone();
        for (trusted, need) in ask::trusted(&index, role_ref) {
            let to = match &trusted {
                Trusted::Account(account) => {
                    reached[account.index()] = true;
                    ids.accounts[account.index()].clone()
                }
                Trusted::Principal(principal) => ids.principal(*principal).to_owned(),
                Trusted::Outside(outside) => ids.outside(outside),
            };
            edge(&role_node, &to, need.label("trusts"), EdgeKind::Trust);
        }
        for holder in &assumers {
            if let Some((need, trusted)) = ask::may_assume(&index, holder, role_ref) {
                let what = if trusted {
                    "sts:AssumeRole"
                } else {
                    "sts:AssumeRole, not trusted"
                };
                let from = ids.principal(holder.principal());
                edge(from, &role_node, need.label(what), EdgeKind::Assume);
            }
        }
    }
    for principal in stack.principals() {
        for (bucket, grants) in ask::access(&index, principal) {
            for grant in grants {
                let label = grant.need.label(&grant.label);
                edge(
                    ids.principal(principal),
                    &ids.buckets[bucket.index()],
                    label,
                    EdgeKind::Access,
                );
            }
        }
    }
    for (user_ref, user) in stack.users() {
        for group in &user.groups {
            edge(
                &ids.users[user_ref.index()],
                &ids.groups[group.index()],
                "member of".to_owned(),
                EdgeKind::Member,
            );
        }
    }
    (edges, reached)
}
