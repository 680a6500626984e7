//! What a change does, line by line: settings and tags old → new, and policies statement by statement.
//!
//! Statements are compared by meaning, in the canonical form of [`canonical`](super::super::canonical): a
//! statement that means the same on both sides is unchanged wherever it moved, so the diff of two documents
//! that [`same_policy`](super::super::canonical::same_policy) takes for one is empty. The others are paired by
//! `Sid` where both sides have the same one, else by position among the statements without a `Sid`; a pair is
//! a changed statement, with the elements that differ named, and what is left is added or removed.

use crate::policy::STATEMENT_ELEMENTS;
use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

use serde_json::Value;

use super::ChangeKind;
use crate::PolicyDocument;
use crate::deploy::canonical::{header, statements};

/// Which statement of a policy: by its `Sid`, or by its place in the document when it has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementId {
    /// The statement's `Sid`.
    Sid(String),
    /// Its place in the document, from 1 (in the new document, or the old one for a removed statement).
    Position(usize),
}

impl fmt::Display for StatementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatementId::Sid(sid) => write!(f, "statement {}", quoted(sid)),
            StatementId::Position(position) => write!(f, "statement #{position}"),
        }
    }
}

/// One element of a changed statement (`Action`, `Resource`, `Condition` ...), in canonical form; `Null` on
/// the side that lacks it.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementChange {
    /// The element's name.
    pub name: String,
    /// Its value before.
    pub old: Value,
    /// Its value after.
    pub new: Value,
}

/// One line of what a change does.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Diff {
    /// A setting of the item, old → new (`Null` for none): `max_session_duration 3600 → 7200`.
    Setting {
        /// Its name, as the spec names it.
        name: &'static str,
        /// Before.
        old: Value,
        /// After.
        new: Value,
    },
    /// A tag added (no `old`), removed (no `new`) or changed.
    Tag {
        /// The key.
        key: String,
        /// The value before.
        old: Option<String>,
        /// The value after.
        new: Option<String>,
    },
    /// An element of a policy outside its statements (`Version`, `Id`).
    Header {
        /// The element.
        name: String,
        /// Before.
        old: Value,
        /// After.
        new: Value,
    },
    /// A statement of a policy added, removed, or changed in some of its elements.
    Statement {
        /// Which statement.
        id: StatementId,
        /// Added, changed or removed.
        kind: ChangeKind,
        /// The statement as written, for one added or removed.
        statement: Option<Value>,
        /// The elements that differ, for a changed statement.
        elements: Vec<ElementChange>,
    },
}

impl Diff {
    /// A setting's change.
    pub(crate) fn setting(
        name: &'static str,
        old: impl Into<Value>,
        new: impl Into<Value>,
    ) -> Diff {
        Diff::Setting {
            name,
            old: old.into(),
            new: new.into(),
        }
    }

    /// A tag's change: added without `old`, removed without `new`.
    pub(crate) fn tag(key: &str, old: Option<&String>, new: Option<&String>) -> Diff {
        Diff::Tag {
            key: key.to_owned(),
            old: old.cloned(),
            new: new.cloned(),
        }
    }

    /// Whether this line adds, changes or removes.
    #[must_use]
    pub fn kind(&self) -> ChangeKind {
        let by_sides = |old: bool, new: bool| match (old, new) {
            (false, _) => ChangeKind::Create,
            (true, false) => ChangeKind::Delete,
            (true, true) => ChangeKind::Update,
        };
        match self {
            Diff::Setting { old, new, .. } | Diff::Header { old, new, .. } => {
                by_sides(!old.is_null(), !new.is_null())
            }
            Diff::Tag { old, new, .. } => by_sides(old.is_some(), new.is_some()),
            Diff::Statement { kind, .. } => *kind,
        }
    }

    /// The line for people after `indent`, signed as a plan signs changes; a statement's changed elements
    /// follow on lines of their own, further in.
    pub(crate) fn write_text(&self, out: &mut String, indent: &str) {
        let sign = self.kind().sign();
        let _ = write!(out, "{indent}{sign} ");
        match self {
            Diff::Setting { name, old, new } => {
                let _ = writeln!(out, "{name}: {} → {}", shown(old), shown(new));
            }
            Diff::Header { name, old, new } => {
                let _ = writeln!(out, "{name}: {} → {}", shown(old), shown(new));
            }
            Diff::Tag { key, old, new } => {
                let _ = match (old, new) {
                    (Some(old), Some(new)) => {
                        writeln!(
                            out,
                            "tag {} = {} → {}",
                            quoted(key),
                            quoted(old),
                            quoted(new)
                        )
                    }
                    (None, Some(value)) | (Some(value), None) => {
                        writeln!(out, "tag {} = {}", quoted(key), quoted(value))
                    }
                    (None, None) => writeln!(out, "tag {}", quoted(key)),
                };
            }
            Diff::Statement {
                id,
                statement,
                elements,
                ..
            } => {
                let _ = match statement {
                    Some(statement) => writeln!(out, "{id}: {statement}"),
                    None => writeln!(out, "{id}"),
                };
                for element in elements {
                    element.write_text(out, &format!("{indent}    "));
                }
            }
        }
    }

    /// The line as JSON: `{"type": "setting" | "tag" | "header" | "statement", "action", ...}`.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let action = self.kind().as_str();
        match self {
            Diff::Setting { name, old, new } => serde_json::json!({
                "type": "setting", "action": action, "name": name, "old": old, "new": new,
            }),
            Diff::Header { name, old, new } => serde_json::json!({
                "type": "header", "action": action, "name": name, "old": old, "new": new,
            }),
            Diff::Tag { key, old, new } => serde_json::json!({
                "type": "tag", "action": action, "key": key, "old": old, "new": new,
            }),
            Diff::Statement {
                id,
                statement,
                elements,
                ..
            } => {
                let (sid, position) = match id {
                    StatementId::Sid(sid) => (Some(sid.as_str()), None),
                    StatementId::Position(position) => (None, Some(*position)),
                };
                serde_json::json!({
                    "type": "statement",
                    "action": action,
                    "sid": sid,
                    "position": position,
                    "statement": statement,
                    "elements": elements.iter().map(|element| serde_json::json!({
                        "name": element.name,
                        "old": element.old,
                        "new": element.new,
                    })).collect::<Vec<_>>(),
                })
            }
        }
    }
}

impl ElementChange {
    fn write_text(&self, out: &mut String, indent: &str) {
        let sign = match (self.old.is_null(), self.new.is_null()) {
            (true, _) => '+',
            (false, true) => '-',
            (false, false) => '~',
        };
        // Lists of values (actions, resources) read best as the values that come and go.
        if let (Some(old), Some(new)) = (scalars(&self.old), scalars(&self.new)) {
            let _ = writeln!(out, "{indent}{sign} {}", self.name);
            for value in old.difference(&new) {
                let _ = writeln!(out, "{indent}    - {value}");
            }
            for value in new.difference(&old) {
                let _ = writeln!(out, "{indent}    + {value}");
            }
            return;
        }
        let _ = writeln!(
            out,
            "{indent}{sign} {}: {} → {}",
            self.name,
            shown(&self.old),
            shown(&self.new)
        );
    }
}

/// The texts of a list of scalars, or `None` for anything else.
fn scalars(value: &Value) -> Option<BTreeSet<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| match item {
            Value::String(text) => Some(text.clone()),
            Value::Array(_) | Value::Object(_) => None,
            other => Some(other.to_string()),
        })
        .collect()
}

/// A value for people: `(none)` for nothing, JSON otherwise (strings quoted).
fn shown(value: &Value) -> String {
    if value.is_null() {
        "(none)".to_owned()
    } else {
        value.to_string()
    }
}

/// A text in double quotes, escaped as JSON, so that a value with spaces or quotes stays one value.
pub(crate) fn quoted(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// The statements' diff of two documents: empty exactly when they mean the same.
#[must_use]
pub fn policy_diff(old: &PolicyDocument, new: &PolicyDocument) -> Vec<Diff> {
    let mut out = Vec::new();
    let (old_header, new_header) = (header(old), header(new));
    let names: BTreeSet<&String> = old_header.keys().chain(new_header.keys()).collect();
    for name in names {
        let (before, after) = (old_header.get(name), new_header.get(name));
        if before != after {
            out.push(Diff::Header {
                name: name.clone(),
                old: before.cloned().unwrap_or(Value::Null),
                new: after.cloned().unwrap_or(Value::Null),
            });
        }
    }

    // One entry per meaning, at its first place: a repeated statement means nothing more.
    let unique = |document: &PolicyDocument| {
        let mut seen = Vec::new();
        let mut list = Vec::new();
        for (index, (written, canonical)) in statements(document).into_iter().enumerate() {
            if !seen.contains(&canonical) {
                seen.push(canonical.clone());
                list.push((index + 1, written, canonical));
            }
        }
        list
    };
    let (old_list, new_list) = (unique(old), unique(new));
    let mut old_left: Vec<&(usize, Value, Value)> = old_list
        .iter()
        .filter(|(_, _, canonical)| !new_list.iter().any(|(_, _, c)| c == canonical))
        .collect();
    let new_left: Vec<&(usize, Value, Value)> = new_list
        .iter()
        .filter(|(_, _, canonical)| !old_list.iter().any(|(_, _, c)| c == canonical))
        .collect();

    for (position, written, canonical) in new_left {
        let sid = sid_of(canonical);
        let partner = old_left
            .iter()
            .position(
                |(old_position, _, old_canonical)| match (&sid, sid_of(old_canonical)) {
                    (Some(sid), Some(old_sid)) => *sid == old_sid,
                    (None, None) => old_position == position,
                    _ => false,
                },
            );
        let id = sid.map_or(StatementId::Position(*position), |sid| {
            StatementId::Sid(sid.to_owned())
        });
        match partner {
            Some(index) => {
                let (_, _, old_canonical) = old_left.remove(index);
                out.push(Diff::Statement {
                    id,
                    kind: ChangeKind::Update,
                    statement: None,
                    elements: elements(old_canonical, canonical),
                });
            }
            None => out.push(Diff::Statement {
                id,
                kind: ChangeKind::Create,
                statement: Some(written.clone()),
                elements: Vec::new(),
            }),
        }
    }
    for (position, written, canonical) in old_left {
        out.push(Diff::Statement {
            id: sid_of(canonical).map_or(StatementId::Position(*position), |sid| {
                StatementId::Sid(sid.to_owned())
            }),
            kind: ChangeKind::Delete,
            statement: Some(written.clone()),
            elements: Vec::new(),
        });
    }
    out
}

fn sid_of(statement: &Value) -> Option<&str> {
    statement
        .get("Sid")
        .and_then(Value::as_str)
        .filter(|sid| !sid.is_empty())
}

/// The elements two canonical statements differ in, in reading order.
fn elements(old: &Value, new: &Value) -> Vec<ElementChange> {
    let empty = serde_json::Map::new();
    let old = old.as_object().unwrap_or(&empty);
    let new = new.as_object().unwrap_or(&empty);
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort_by_key(|name| {
        (
            // Elements in the order a policy is read; others follow by name.
            STATEMENT_ELEMENTS
                .iter()
                .position(|known| known == name)
                .unwrap_or(STATEMENT_ELEMENTS.len()),
            name.as_str(),
        )
    });
    names.dedup();
    names
        .into_iter()
        .filter(|name| old.get(*name) != new.get(*name))
        .map(|name| ElementChange {
            name: name.clone(),
            old: old.get(name).cloned().unwrap_or(Value::Null),
            new: new.get(name).cloned().unwrap_or(Value::Null),
        })
        .collect()
}
