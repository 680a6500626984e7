//! An ordered JSON-like value, and its JSON, YAML and HCL forms.
//!
//! Generated templates keep the order of every object (policy elements, condition keys, resource properties),
//! which `serde_json::Value`'s sorted maps would lose; each writer escapes every string for its target.

use std::fmt::Write as _;

use super::escape::{hcl_string, yaml_string};
use crate::json::{self, Node};

/// A JSON value whose objects keep their order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its text.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, in order.
    Object(Vec<(String, Value)>),
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::String(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::String(text)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Bool(value)
    }
}

impl From<u32> for Value {
    fn from(value: u32) -> Self {
        Value::Number(value.to_string())
    }
}

impl Value {
    /// An object from `(key, value)` pairs, in order.
    pub fn object<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key.into(), value))
                .collect(),
        )
    }

    /// The value of a policy document, in its canonical order.
    #[must_use]
    pub fn of_policy(document: &crate::PolicyDocument) -> Value {
        let text = document.to_json();
        // The canonical printer's output always reads back; an empty object stands in should it not.
        json::parse(&text).map_or(Value::Object(Vec::new()), |node| Value::of_node(&node))
    }

    fn of_node(node: &Node<'_>) -> Value {
        match &node.value {
            json::Value::Null => Value::Null,
            json::Value::Bool(value) => Value::Bool(*value),
            json::Value::Number(text) => Value::Number((*text).to_owned()),
            json::Value::String(text) => Value::String(text.to_string()),
            json::Value::Array(items) => Value::Array(items.iter().map(Value::of_node).collect()),
            json::Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|member| (member.key.to_string(), Value::of_node(&member.value)))
                    .collect(),
            ),
        }
    }

    /// Pretty JSON, two-space indented, with a final newline.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out, 0);
        out.push('\n');
        out
    }

    fn write_json(&self, out: &mut String, depth: usize) {
        let indent = |out: &mut String, depth: usize| {
            for _ in 0..depth {
                out.push_str("  ");
            }
        };
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Value::Number(text) => out.push_str(text),
            Value::String(text) => json::write_string(out, text),
            Value::Array(items) if items.is_empty() => out.push_str("[]"),
            Value::Object(members) if members.is_empty() => out.push_str("{}"),
            Value::Array(items) => {
                out.push_str("[\n");
                for (index, item) in items.iter().enumerate() {
                    indent(out, depth + 1);
                    item.write_json(out, depth + 1);
                    out.push_str(if index + 1 < items.len() { ",\n" } else { "\n" });
                }
                indent(out, depth);
                out.push(']');
            }
            Value::Object(members) => {
                out.push_str("{\n");
                for (index, (key, value)) in members.iter().enumerate() {
                    indent(out, depth + 1);
                    json::write_string(out, key);
                    out.push_str(": ");
                    value.write_json(out, depth + 1);
                    out.push_str(if index + 1 < members.len() {
                        ",\n"
                    } else {
                        "\n"
                    });
                }
                indent(out, depth);
                out.push('}');
            }
        }
    }

    /// Block-style YAML. Every string is double-quoted and escaped; keys are quoted unless they are plain words.
    #[must_use]
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        match self {
            Value::Object(members) if !members.is_empty() => {
                write_yaml_members(members, &mut out, 0);
            }
            other => {
                out.push_str(&yaml_scalar(other));
                out.push('\n');
            }
        }
        out
    }
}

fn yaml_key(key: &str) -> String {
    if !key.is_empty()
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !key.starts_with(|c: char| c.is_ascii_digit())
    {
        key.to_owned()
    } else {
        yaml_string(key)
    }
}

fn yaml_scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(value) => value.to_string(),
        Value::Number(text) => text.clone(),
        Value::String(text) => yaml_string(text),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

fn write_yaml_members(members: &[(String, Value)], out: &mut String, depth: usize) {
    for (key, value) in members {
        out.push_str(&"  ".repeat(depth));
        out.push_str(&yaml_key(key));
        out.push(':');
        write_yaml_value(value, out, depth);
    }
}

/// Writes what follows `key:` or `- `: a scalar on the same line, a block on the next lines.
fn write_yaml_value(value: &Value, out: &mut String, depth: usize) {
    match value {
        Value::Object(members) if !members.is_empty() => {
            out.push('\n');
            write_yaml_members(members, out, depth + 1);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_yaml_items(items, out, depth + 1);
        }
        scalar => {
            out.push(' ');
            out.push_str(&yaml_scalar(scalar));
            out.push('\n');
        }
    }
}

fn write_yaml_items(items: &[Value], out: &mut String, depth: usize) {
    for item in items {
        out.push_str(&"  ".repeat(depth));
        out.push('-');
        match item {
            Value::Object(members) if !members.is_empty() => {
                // The first member shares the dash's line; the rest align under it.
                let mut first = true;
                for (key, value) in members {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        out.push_str(&"  ".repeat(depth + 1));
                    }
                    out.push_str(&yaml_key(key));
                    out.push(':');
                    write_yaml_value(value, out, depth + 1);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_yaml_items(inner, out, depth + 1);
            }
            scalar => {
                out.push(' ');
                out.push_str(&yaml_scalar(scalar));
                out.push('\n');
            }
        }
    }
}

/// How the HCL writer may turn a string into a Terraform reference instead of a literal.
pub trait References {
    /// An expression for `text`: a bare reference (`aws_iam_role.x.arn`), or a string template with one
    /// (`"${aws_s3_bucket.x.arn}/*"`); `None` for a plain literal.
    fn reference(&self, text: &str) -> Option<String>;
}

/// No references: every string is a literal.
#[derive(Debug, Clone, Copy)]
pub struct Literal;

impl References for Literal {
    fn reference(&self, _text: &str) -> Option<String> {
        None
    }
}

impl Value {
    /// An HCL expression (as `jsonencode` takes), indented for `depth`, strings through `references`.
    #[must_use]
    pub fn to_hcl(&self, depth: usize, references: &dyn References) -> String {
        let mut out = String::new();
        self.write_hcl(&mut out, depth, references);
        out
    }

    fn write_hcl(&self, out: &mut String, depth: usize, references: &dyn References) {
        let indent = |out: &mut String, depth: usize| {
            for _ in 0..depth {
                out.push_str("  ");
            }
        };
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Value::Number(text) => out.push_str(text),
            Value::String(text) => match references.reference(text) {
                Some(expression) => out.push_str(&expression),
                None => out.push_str(&hcl_string(text)),
            },
            Value::Array(items) if items.is_empty() => out.push_str("[]"),
            Value::Object(members) if members.is_empty() => out.push_str("{}"),
            Value::Array(items) => {
                out.push_str("[\n");
                for item in items {
                    indent(out, depth + 1);
                    item.write_hcl(out, depth + 1, references);
                    out.push_str(",\n");
                }
                indent(out, depth);
                out.push(']');
            }
            Value::Object(members) => {
                out.push_str("{\n");
                for (key, value) in members {
                    indent(out, depth + 1);
                    out.push_str(&hcl_key(key));
                    out.push_str(" = ");
                    value.write_hcl(out, depth + 1, references);
                    out.push('\n');
                }
                indent(out, depth);
                out.push('}');
            }
        }
    }
}

/// An object key: a bare identifier where HCL reads one as a literal key, quoted otherwise.
fn hcl_key(key: &str) -> String {
    let bare = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !matches!(key, "null" | "true" | "false" | "for" | "in" | "if");
    if bare {
        key.to_owned()
    } else {
        hcl_string(key)
    }
}

/// Aligns the `=` of consecutive attribute lines at the same indentation, as `terraform fmt` does.
#[must_use]
pub fn align_hcl(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + 64);
    let mut index = 0;
    while index < lines.len() {
        let Some((indent, _, _)) = split_attribute(lines[index]) else {
            out.push_str(lines[index]);
            out.push('\n');
            index += 1;
            continue;
        };
        let mut end = index;
        while end < lines.len() && split_attribute(lines[end]).is_some_and(|(i, _, _)| i == indent)
        {
            end += 1;
        }
        let width = lines[index..end]
            .iter()
            .filter_map(|line| split_attribute(line))
            .map(|(_, key, _)| key.chars().count())
            .max()
            .unwrap_or(0);
        for line in &lines[index..end] {
            if let Some((indent, key, value)) = split_attribute(line) {
                let _ = writeln!(
                    out,
                    "{indent}{key}{} = {value}",
                    " ".repeat(width - key.chars().count())
                );
            }
        }
        index = end;
    }
    out
}

/// `(indent, key, value)` of a `key = value` line whose key is a name or a quoted string.
fn split_attribute(line: &str) -> Option<(&str, &str, &str)> {
    let body = line.trim_start_matches(' ');
    let indent = &line[..line.len() - body.len()];
    let key_end = if let Some(quoted) = body.strip_prefix('"') {
        let mut escaped = false;
        let close = quoted.char_indices().find(|&(_, ch)| {
            let end = ch == '"' && !escaped;
            escaped = ch == '\\' && !escaped;
            end
        })?;
        close.0 + 2
    } else {
        body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?
    };
    if key_end == 0 {
        return None;
    }
    let (key, rest) = body.split_at(key_end);
    let value = rest.trim_start().strip_prefix('=')?;
    if value.starts_with('=') {
        return None;
    }
    Some((indent, key, value.trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_blocks_and_quoting() {
        let value = Value::object([
            ("Type", Value::from("AWS::IAM::Role")),
            (
                "Tags",
                Value::Array(vec![Value::object([
                    ("Key", Value::from("a: b")),
                    ("Value", Value::from("---")),
                ])]),
            ),
            ("Empty", Value::Array(Vec::new())),
            ("aws:SourceIp", Value::from("203.0.113.0/24")),
        ]);
        assert_eq!(
            value.to_yaml(),
            "Type: \"AWS::IAM::Role\"\nTags:\n  - Key: \"a: b\"\n    Value: \"---\"\nEmpty: []\n\"aws:SourceIp\": \"203.0.113.0/24\"\n"
        );
    }

    #[test]
    fn hcl_objects_quote_keys_that_need_it() {
        let value = Value::object([
            ("Version", Value::from("2012-10-17")),
            ("aws:username", Value::from("${aws:username}")),
        ]);
        assert_eq!(
            value.to_hcl(0, &Literal),
            "{\n  Version = \"2012-10-17\"\n  \"aws:username\" = \"$${aws:username}\"\n}"
        );
    }

    #[test]
    fn alignment_follows_terraform_fmt() {
        let text = "resource \"x\" \"y\" {\n  name = \"a\"\n  max_session_duration = 3600\n\n  tags = {\n    a = 1\n    bbb = 2\n  }\n}\n";
        assert_eq!(
            align_hcl(text),
            "resource \"x\" \"y\" {\n  name                 = \"a\"\n  max_session_duration = 3600\n\n  tags = {\n    a   = 1\n    bbb = 2\n  }\n}\n"
        );
    }
}
