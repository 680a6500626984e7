//! What every check needs: the document, its kind, the source tree for locations, and the findings so far.

use crate::diagnostic::{Diagnostic, Severity};
use crate::json::{self, Node};
use crate::policy::{OneOrMany, PolicyDocument, Statement};
use crate::source::Span;

/// Whether a finding points at a member's key (`"StringEqual"` in a `Condition`) or at a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum At {
    Key,
    Value,
}

pub(super) struct Context<'d, 't> {
    pub(super) document: &'d PolicyDocument,
    pub(super) kind: super::PolicyKind,
    tree: Option<&'t Node<'t>>,
    findings: Vec<Diagnostic>,
}

/// A statement with the JSON Pointer it stands at.
pub(super) struct Located<'d> {
    pub(super) statement: &'d Statement,
    pub(super) pointer: String,
}

impl<'d, 't> Context<'d, 't> {
    pub(super) fn new(
        document: &'d PolicyDocument,
        kind: super::PolicyKind,
        tree: Option<&'t Node<'t>>,
    ) -> Self {
        Context {
            document,
            kind,
            tree,
            findings: Vec::new(),
        }
    }

    pub(super) fn statements(&self) -> Vec<Located<'d>> {
        let document = self.document;
        document
            .statement
            .iter()
            .enumerate()
            .map(|(index, statement)| Located {
                statement,
                pointer: item_pointer("/Statement", &document.statement, index),
            })
            .collect()
    }

    /// Records a finding at `pointer`, locating it in the source when there is one.
    pub(super) fn report(
        &mut self,
        code: &'static str,
        severity: Severity,
        message: impl Into<String>,
        pointer: String,
        at: At,
    ) -> &mut Diagnostic {
        let span = self.locate(&pointer, at);
        self.findings.push(Diagnostic {
            code,
            severity,
            message: message.into(),
            span,
            pointer: Some(pointer),
            help: None,
            suggestion: None,
            labels: Vec::new(),
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    fn locate(&self, pointer: &str, at: At) -> Span {
        let Some(tree) = self.tree else {
            return Span::default();
        };
        if at == At::Key
            && let Some((parent, key)) = pointer.rsplit_once('/')
            && let Some(member) = tree
                .pointer(parent)
                .and_then(|node| node.get(&unescape(key)))
        {
            return member.key_span;
        }
        // A pointer that does not resolve (the checks only build real ones) falls back to its nearest ancestor.
        let mut pointer = pointer;
        loop {
            if let Some(node) = tree.pointer(pointer) {
                // A whole object or array would underline many lines: its opening bracket says where it is.
                return match node.value {
                    json::Value::Object(_) | json::Value::Array(_) => {
                        Span::new(node.span.start as usize, node.span.start as usize + 1)
                    }
                    _ => node.span,
                };
            }
            match pointer.rsplit_once('/') {
                Some((parent, _)) => pointer = parent,
                None => return Span::new(tree.span.start as usize, tree.span.start as usize + 1),
            }
        }
    }

    pub(super) fn into_findings(self) -> Vec<Diagnostic> {
        self.findings
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The pointer of the `index`-th value of a one-or-many element at `base`: `base` itself for a lone value.
pub(super) fn item_pointer<T>(base: &str, values: &OneOrMany<T>, index: usize) -> String {
    match values {
        OneOrMany::One(_) => base.to_owned(),
        OneOrMany::Many(_) => format!("{base}/{index}"),
    }
}

/// `base/key`, with the key escaped for a JSON Pointer.
pub(super) fn child(base: &str, key: &str) -> String {
    format!("{base}/{}", json::escape_pointer_token(key))
}

/// Whether a value looks like a documentation placeholder (`<region>`, `ACCOUNT-ID`, `account-id`) that was
/// meant to be replaced, so that the help can say so.
pub(super) fn looks_like_placeholder(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    (text.starts_with('<') && text.ends_with('>'))
        || (text.len() > 1
            && text.bytes().any(|b| b.is_ascii_uppercase())
            && !text.bytes().any(|b| b.is_ascii_lowercase())
            && !text.bytes().all(|b| b.is_ascii_digit()))
        || [
            "account",
            "region",
            "example",
            "your",
            "name-of",
            "partition",
        ]
        .iter()
        .any(|word| lower.contains(word))
}

/// `help`, preceded by a note when `value` looks like a placeholder left in.
pub(super) fn placeholder_help(value: &str, help: &str) -> String {
    if looks_like_placeholder(value) {
        format!("`{value}` looks like a placeholder: replace it with the real value; {help}")
    } else {
        help.to_owned()
    }
}
