//! `data "aws_iam_policy_document"`: the policy its blocks build, as the AWS provider builds it.
//!
//! `statement` blocks (and the `content` of `dynamic "statement"` blocks, whose iterator's values are
//! unknown) in order; `principals` and `condition` blocks grouped by type and test; statements of the
//! `source_policy_documents` first, those of this document replacing the ones with the same `sid`, then those
//! of the `override_policy_documents` replacing or adding, as the provider's documentation describes.

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};

use super::hcl::{Reader, document_reference};
use super::tree::{At, Entry, Node, Piece, Value, literal};

/// How deep documents may build on each other before the rest is left unknown (a cycle would be endless).
const MAX_DEPTH: usize = 8;

/// The policy `block` builds.
pub(crate) fn document(block: &Block, reader: &Reader<'_>, depth: usize) -> Node {
    let at = block.span().unwrap_or(0..0);
    let body = &block.body;
    let mut entries = vec![entry(
        "Version",
        at.start..at.start,
        body.get_attribute("version").map_or_else(
            || Node::text(at.start..at.start, "2012-10-17", None),
            |a| reader.node(&a.value),
        ),
    )];
    if let Some(id) = body.get_attribute("policy_id") {
        entries.push(entry("Id", key_at(id), reader.node(&id.value)));
    }
    let mut statements = Vec::new();
    if let Some(sources) = body.get_attribute("source_policy_documents") {
        for source in documents(&sources.value, reader, depth) {
            merge(&mut statements, source, true);
        }
    }
    let own: Vec<Node> = body
        .blocks()
        .filter_map(|inner| match inner.ident.as_str() {
            "statement" => Some(statement(&inner.body, inner.span().unwrap_or(0..0), reader)),
            "dynamic" if first_label(inner) == Some("statement") => content(inner)
                .map(|content| statement(content, inner.span().unwrap_or(0..0), reader)),
            _ => None,
        })
        .collect();
    merge(&mut statements, own, true);
    if let Some(overrides) = body.get_attribute("override_policy_documents") {
        for source in documents(&overrides.value, reader, depth) {
            merge(&mut statements, source, true);
        }
    }
    entries.push(entry(
        "Statement",
        at.clone(),
        Node::new(at.clone(), Value::List(statements)),
    ));
    Node::new(at, Value::Map(entries))
}

fn first_label(block: &Block) -> Option<&str> {
    block
        .labels
        .first()
        .map(hcl_edit::structure::BlockLabel::as_str)
}

/// The body of a `dynamic` block's `content`.
fn content(block: &Block) -> Option<&Body> {
    block
        .body
        .blocks()
        .find(|inner| inner.ident.as_str() == "content")
        .map(|content| &content.body)
}

fn key_at(attribute: &hcl_edit::structure::Attribute) -> At {
    attribute.key.span().unwrap_or(0..0)
}

fn entry(key: &str, key_at: At, value: Node) -> Entry {
    Entry {
        key: vec![Piece::literal(key, None)],
        key_at,
        value,
    }
}

/// The statements of the documents a `source_policy_documents` or `override_policy_documents` lists; one
/// unknown statement for each document that is not one of this file's.
fn documents(expr: &Expression, reader: &Reader<'_>, depth: usize) -> Vec<Vec<Node>> {
    let items: Vec<&Expression> = match expr {
        Expression::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    items
        .into_iter()
        .map(|item| {
            let found = document_reference(item)
                .filter(|_| depth < MAX_DEPTH)
                .and_then(|name| reader.document_block(&name));
            match found {
                Some(block) => match document(block, reader, depth + 1).get("Statement") {
                    Some(Node {
                        value: Value::List(statements),
                        ..
                    }) => statements.clone(),
                    _ => Vec::new(),
                },
                None => vec![reader.node(item).into_unknown()],
            }
        })
        .collect()
}

/// Adds `statements` to `into`, each replacing the one with the same `sid` when `replace`.
fn merge(into: &mut Vec<Node>, statements: Vec<Node>, replace: bool) {
    for statement in statements {
        let sid = statement
            .get("Sid")
            .and_then(Node::as_literal)
            .filter(|sid| !sid.is_empty());
        let same = sid.as_ref().and_then(|sid| {
            into.iter()
                .position(|other| other.get("Sid").and_then(Node::as_literal).as_ref() == Some(sid))
        });
        match same {
            Some(index) if replace => into[index] = statement,
            _ => into.push(statement),
        }
    }
}

/// One statement from a `statement` block's body (or a `dynamic` block's `content`).
fn statement(body: &Body, at: At, reader: &Reader<'_>) -> Node {
    let mut entries = Vec::new();
    let attribute = |name: &str| body.get_attribute(name);
    if let Some(sid) = attribute("sid") {
        entries.push(entry("Sid", key_at(sid), reader.node(&sid.value)));
    }
    match attribute("effect") {
        Some(effect) => entries.push(entry("Effect", key_at(effect), reader.node(&effect.value))),
        // The provider's default.
        None => entries.push(entry(
            "Effect",
            at.start..at.start,
            Node::text(at.clone(), "Allow", None),
        )),
    }
    for (argument, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(value) = attribute(argument) {
            entries.push(entry(key, key_at(value), reader.node(&value.value)));
        }
    }
    for (block, key) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        if let Some(principal) = principals(body, block, reader) {
            entries.push(entry(key, principal.at.clone(), principal));
        }
    }
    if let Some(condition) = conditions(body, reader) {
        entries.push(entry("Condition", condition.at.clone(), condition));
    }
    Node::new(at, Value::Map(entries))
}

/// The bodies of the blocks named `name`, `dynamic` ones' `content` included, with their spans.
fn blocks<'b>(body: &'b Body, name: &str) -> Vec<(&'b Body, At)> {
    body.blocks()
        .filter_map(|inner| {
            let at = inner.span().unwrap_or(0..0);
            if inner.ident.as_str() == name {
                Some((&inner.body, at))
            } else if inner.ident.as_str() == "dynamic" && first_label(inner) == Some(name) {
                content(inner).map(|content| (content, at))
            } else {
                None
            }
        })
        .collect()
}

/// A statement's `principals` (or `not_principals`) blocks as its `Principal` map, identifiers of one type
/// together; `type = "*"` with `identifiers = ["*"]` is `"*"`.
fn principals(body: &Body, name: &str, reader: &Reader<'_>) -> Option<Node> {
    let found = blocks(body, name);
    let first = found.first()?.1.clone();
    let mut groups: Vec<Entry> = Vec::new();
    for (principal, at) in found {
        let Some(kind) = principal.get_attribute("type") else {
            continue;
        };
        let kind_node = reader.node(&kind.value);
        let identifiers = principal
            .get_attribute("identifiers")
            .map(|a| reader.node(&a.value));
        let kind_text = kind_node.as_literal();
        if kind_text.as_deref() == Some("*") {
            return Some(Node::text(at, "*", None));
        }
        let key = match &kind_node.value {
            Value::Text(pieces) => pieces.clone(),
            _ => vec![Piece::Unknown(kind_node.clone().into_unknown_value())],
        };
        let items = match identifiers {
            Some(Node {
                value: Value::List(items),
                ..
            }) => items,
            Some(other) => vec![other],
            None => Vec::new(),
        };
        match groups
            .iter_mut()
            .find(|group| kind_text.is_some() && literal(&group.key) == kind_text)
        {
            Some(group) => {
                if let Value::List(existing) = &mut group.value.value {
                    existing.extend(items);
                }
            }
            None => groups.push(Entry {
                key,
                key_at: kind_node.at.clone(),
                value: Node::new(at, Value::List(items)),
            }),
        }
    }
    Some(Node::new(first, Value::Map(groups)))
}

/// A statement's `condition` blocks as its `Condition` map: tests, then variables, then values.
fn conditions(body: &Body, reader: &Reader<'_>) -> Option<Node> {
    let found = blocks(body, "condition");
    let first = found.first()?.1.clone();
    let mut tests: Vec<Entry> = Vec::new();
    for (condition, at) in found {
        let (Some(test), Some(variable)) = (
            condition.get_attribute("test"),
            condition.get_attribute("variable"),
        ) else {
            continue;
        };
        let test_node = reader.node(&test.value);
        let variable_node = reader.node(&variable.value);
        let values = condition.get_attribute("values").map_or_else(
            || Node::new(at.clone(), Value::List(Vec::new())),
            |a| reader.node(&a.value),
        );
        let pieces = |node: &Node| match &node.value {
            Value::Text(pieces) => pieces.clone(),
            _ => vec![Piece::Unknown(node.clone().into_unknown_value())],
        };
        let variable_entry = Entry {
            key: pieces(&variable_node),
            key_at: variable_node.at.clone(),
            value: values,
        };
        let test_text = test_node.as_literal();
        match tests
            .iter_mut()
            .find(|group| test_text.is_some() && literal(&group.key) == test_text)
        {
            Some(group) => {
                if let Value::Map(variables) = &mut group.value.value {
                    variables.push(variable_entry);
                }
            }
            None => tests.push(Entry {
                key: pieces(&test_node),
                key_at: test_node.at.clone(),
                value: Node::new(at, Value::Map(vec![variable_entry])),
            }),
        }
    }
    Some(Node::new(first, Value::Map(tests)))
}
