//! An ordered JSON-like value, and its JSON, YAML and HCL forms.
//!
//! Generated templates keep the order of every object (policy elements, condition keys, resource properties),
//! which `serde_json::Value`'s sorted maps would lose; each writer escapes every string for its target.

use std::borrow::Cow;

use crate::escape::{
    YAML_IMPLICIT_KEY_MAX, push_hcl_string, push_json_string, push_yaml_key, push_yaml_string,
    yaml_number,
};
use crate::policy::write::{Sink, emit_document};

/// An object's key: most keys are fixed words of the format (`Type`, `Statement`), which need no allocation.
pub type Key = Cow<'static, str>;

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
    Object(Vec<(Key, Value)>),
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
    pub fn object<K: Into<Key>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key.into(), value))
                .collect(),
        )
    }

    /// The value of a policy document, in its canonical order (the order of [`PolicyDocument::to_json`], from
    /// the same printer), built from the typed document: printing and re-reading it would cost a parse per
    /// document and target.
    ///
    /// [`PolicyDocument::to_json`]: crate::PolicyDocument::to_json
    #[must_use]
    pub fn of_policy(document: &crate::PolicyDocument) -> Value {
        let mut builder = Builder::default();
        emit_document(document, &mut builder);
        builder.finished.unwrap_or(Value::Null)
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
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Value::Number(text) => out.push_str(text),
            Value::String(text) => push_json_string(out, text),
            Value::Array(items) if items.is_empty() => out.push_str("[]"),
            Value::Object(members) if members.is_empty() => out.push_str("{}"),
            Value::Array(items) => {
                out.push_str("[\n");
                for (index, item) in items.iter().enumerate() {
                    push_indent(out, depth + 1);
                    item.write_json(out, depth + 1);
                    out.push_str(if index + 1 < items.len() { ",\n" } else { "\n" });
                }
                push_indent(out, depth);
                out.push(']');
            }
            Value::Object(members) => {
                out.push_str("{\n");
                for (index, (key, value)) in members.iter().enumerate() {
                    push_indent(out, depth + 1);
                    push_json_string(out, key);
                    out.push_str(": ");
                    value.write_json(out, depth + 1);
                    out.push_str(if index + 1 < members.len() {
                        ",\n"
                    } else {
                        "\n"
                    });
                }
                push_indent(out, depth);
                out.push('}');
            }
        }
    }

    /// Block-style YAML. Every string is double-quoted and escaped; keys are quoted unless they are plain words.
    #[must_use]
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        self.push_yaml(&mut out);
        out
    }

    /// [`Value::to_yaml`], appended to `out` (after a header, say, without copying the document again).
    pub fn push_yaml(&self, out: &mut String) {
        match self {
            Value::Object(members) if !members.is_empty() => {
                write_yaml_members(members, out, 0);
            }
            other => {
                push_yaml_scalar(out, other);
                out.push('\n');
            }
        }
    }
}

/// Builds a [`Value`] from the printer's events.
#[derive(Default)]
struct Builder {
    /// The open containers, innermost last; an object's entry waits for its value under its key.
    open: Vec<Open>,
    finished: Option<Value>,
}

enum Open {
    Array(Vec<Value>),
    Object(Vec<(Key, Value)>, Option<Key>),
}

impl Builder {
    fn value(&mut self, value: Value) {
        match self.open.last_mut() {
            Some(Open::Array(items)) => items.push(value),
            Some(Open::Object(members, key)) => {
                // The printer sends a key before each member's value.
                let key = key.take().unwrap_or_default();
                members.push((key, value));
            }
            None => self.finished = Some(value),
        }
    }

    fn close(&mut self) {
        let value = match self.open.pop() {
            Some(Open::Array(items)) => Value::Array(items),
            Some(Open::Object(members, _)) => Value::Object(members),
            None => return,
        };
        self.value(value);
    }

    fn set_key(&mut self, key: Key) {
        if let Some(Open::Object(_, pending)) = self.open.last_mut() {
            *pending = Some(key);
        }
    }
}

impl Sink for Builder {
    fn begin_object(&mut self) {
        self.open.push(Open::Object(Vec::new(), None));
    }

    fn end_object(&mut self) {
        self.close();
    }

    fn begin_array(&mut self) {
        self.open.push(Open::Array(Vec::new()));
    }

    fn end_array(&mut self) {
        self.close();
    }

    fn key(&mut self, key: &'static str) {
        self.set_key(Cow::Borrowed(key));
    }

    fn owned_key(&mut self, key: &str) {
        self.set_key(Cow::Owned(key.to_owned()));
    }

    fn string(&mut self, text: &str) {
        self.value(Value::from(text));
    }

    fn bool(&mut self, value: bool) {
        self.value(Value::Bool(value));
    }

    fn number(&mut self, digits: &str) {
        self.value(Value::Number(digits.to_owned()));
    }
}

fn push_indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn push_yaml_scalar(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Value::Number(text) => out.push_str(&yaml_number(text)),
        Value::String(text) => push_yaml_string(out, text),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

fn write_yaml_members(members: &[(Key, Value)], out: &mut String, depth: usize) {
    for (key, value) in members {
        push_indent(out, depth);
        write_yaml_key(out, key, depth);
        write_yaml_value(value, out, depth);
    }
}

/// `key:`, or for a key too long for YAML's implicit form, `? key` and `:` on the next line at `depth`.
fn write_yaml_key(out: &mut String, key: &str, depth: usize) {
    let start = out.len();
    push_yaml_key(out, key);
    if out.len() - start > YAML_IMPLICIT_KEY_MAX {
        out.insert_str(start, "? ");
        out.push('\n');
        push_indent(out, depth);
    }
    out.push(':');
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
            push_yaml_scalar(out, scalar);
            out.push('\n');
        }
    }
}

fn write_yaml_items(items: &[Value], out: &mut String, depth: usize) {
    for item in items {
        push_indent(out, depth);
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
                        push_indent(out, depth + 1);
                    }
                    write_yaml_key(out, key, depth + 1);
                    write_yaml_value(value, out, depth + 1);
                }
            }
            // A nested list or a scalar follows the dash as it follows a key.
            other => write_yaml_value(other, out, depth),
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
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Value::Number(text) => out.push_str(text),
            Value::String(text) => match references.reference(text) {
                Some(expression) => out.push_str(&expression),
                None => push_hcl_string(out, text),
            },
            Value::Array(items) if items.is_empty() => out.push_str("[]"),
            Value::Object(members) if members.is_empty() => out.push_str("{}"),
            Value::Array(items) => {
                out.push_str("[\n");
                for item in items {
                    push_indent(out, depth + 1);
                    item.write_hcl(out, depth + 1, references);
                    out.push_str(",\n");
                }
                push_indent(out, depth);
                out.push(']');
            }
            Value::Object(members) => {
                out.push_str("{\n");
                for (key, value) in members {
                    push_indent(out, depth + 1);
                    push_hcl_key(out, key);
                    out.push_str(" = ");
                    value.write_hcl(out, depth + 1, references);
                    out.push('\n');
                }
                push_indent(out, depth);
                out.push('}');
            }
        }
    }
}

/// An object key: a bare identifier where HCL reads one as a literal key, quoted otherwise.
fn push_hcl_key(out: &mut String, key: &str) {
    let bare = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !matches!(key, "null" | "true" | "false" | "for" | "in" | "if");
    if bare {
        out.push_str(key);
    } else {
        push_hcl_string(out, key);
    }
}

/// Aligns the `=` of consecutive attribute lines at the same indentation, as `terraform fmt` does: an attribute
/// whose value spans lines (`policy = jsonencode({`) is aligned with nothing and ends the group before it.
#[must_use]
pub fn align_hcl(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // The current run of attribute lines at one indentation: written once its widest key is known.
    let mut run: Vec<(&str, &str, &str)> = Vec::new();
    let flush = |run: &mut Vec<(&str, &str, &str)>, out: &mut String| {
        let width = run
            .iter()
            .map(|(_, key, _)| key_width(key))
            .max()
            .unwrap_or(0);
        for (indent, key, value) in run.drain(..) {
            out.push_str(indent);
            out.push_str(key);
            for _ in key_width(key)..width {
                out.push(' ');
            }
            out.push_str(" = ");
            out.push_str(value);
            out.push('\n');
        }
    };
    for line in text.lines() {
        if let Some((indent, key, value)) = split_attribute(line)
            && spans_lines(value)
        {
            flush(&mut run, &mut out);
            out.push_str(indent);
            out.push_str(key);
            out.push_str(" = ");
            out.push_str(value);
            out.push('\n');
        } else if let Some(attribute) = split_attribute(line) {
            if run
                .first()
                .is_some_and(|(indent, _, _)| *indent != attribute.0)
            {
                flush(&mut run, &mut out);
            }
            run.push(attribute);
        } else {
            flush(&mut run, &mut out);
            out.push_str(line);
            out.push('\n');
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Whether a value goes on past its line: it opens more brackets than it closes (outside strings), or starts
/// a heredoc.
fn spans_lines(value: &str) -> bool {
    if value.starts_with("<<") {
        return true;
    }
    let mut depth = 0_i32;
    let mut in_string = false;
    let mut escaped = false;
    for byte in value.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            _ => {}
        }
    }
    depth > 0
}

/// The width of a key in characters (ASCII names are the common case: their length in bytes).
fn key_width(key: &str) -> usize {
    if key.is_ascii() {
        key.len()
    } else {
        key.chars().count()
    }
}

/// `(indent, key, value)` of a `key = value` line whose key is a name or a quoted string.
fn split_attribute(line: &str) -> Option<(&str, &str, &str)> {
    let bytes = line.as_bytes();
    let start = bytes.iter().position(|&b| b != b' ')?;
    let key_end = if bytes[start] == b'"' {
        // The closing quote: the first `"` not escaped by a backslash.
        let mut at = start + 1;
        loop {
            match bytes.get(at)? {
                b'\\' => at += 2,
                b'"' => break at + 1,
                _ => at += 1,
            }
        }
    } else {
        start
            + bytes[start..]
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))?
    };
    if key_end == start {
        return None;
    }
    let rest = line[key_end..].trim_start();
    let value = rest.strip_prefix('=')?;
    if value.starts_with('=') {
        return None;
    }
    Some((&line[..start], &line[start..key_end], value.trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_value_and_serde_print_as_the_policy_printer_does() {
        let document = crate::PolicyDocument::from_json(
            r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:root","*"],"Service":"ec2.amazonaws.com"},"NotAction":"s3:*","NotResource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"NumericLessThan":{"s3:max-keys":[10,"2.50"]},"Bool":{"aws:SecureTransport":false}}},{"Effect":"Allow","Principal":"*","Action":[],"Resource":"*"}]}"#,
        )
        .unwrap();
        assert_eq!(Value::of_policy(&document).to_json(), document.to_json());
        // `Serialize` follows the same order.
        assert_eq!(
            serde_json::to_string_pretty(&document).unwrap() + "\n",
            document.to_json()
        );
    }

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
        // A value that spans lines is aligned with nothing, and ends the group before it (issue #17: `policy   =
        // jsonencode({` was aligned with its neighbours, which `terraform fmt` undoes).
        let text = "  provider = aws.x\n  name = \"a\"\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [\n    ]\n  })\n";
        assert_eq!(
            align_hcl(text),
            "  provider = aws.x\n  name     = \"a\"\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [\n    ]\n  })\n"
        );
    }
}
