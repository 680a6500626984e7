//! Terraform's expressions read into policy trees: references typed by what they name, strings and heredocs
//! with their interpolations as unknowns, `file()` and `templatefile()` of files beside the module.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::{Element, Template};

use super::Body as PolicyBody;
use super::text::Decoded;
use super::tree::{ArnOf, At, Entry, Node, Piece, Ty, Unknown, Value};

/// The resource types whose ARN and name references stand for, and the argument that names each.
const NAMED: &[(&str, ArnOf, &str)] = &[
    ("aws_s3_bucket", ArnOf::S3Bucket, "bucket"),
    ("aws_iam_role", ArnOf::IamRole, "name"),
    ("aws_iam_user", ArnOf::IamUser, "name"),
    ("aws_iam_group", ArnOf::IamGroup, "name"),
    ("aws_iam_policy", ArnOf::IamPolicy, "name"),
    ("aws_kms_key", ArnOf::KmsKey, ""),
    ("aws_sqs_queue", ArnOf::SqsQueue, "name"),
    ("aws_sns_topic", ArnOf::SnsTopic, "name"),
    (
        "aws_lambda_function",
        ArnOf::LambdaFunction,
        "function_name",
    ),
    ("aws_dynamodb_table", ArnOf::DynamoDbTable, "name"),
];

/// One parsed `.tf` file.
#[derive(Debug)]
pub(crate) struct File {
    pub(crate) path: PathBuf,
    pub(crate) text: String,
    pub(crate) body: Body,
}

/// Why a `.tf` file could not be read.
#[derive(Debug)]
pub(crate) struct ParseError {
    pub(crate) offset: usize,
    pub(crate) message: String,
}

impl File {
    /// Parses `text`, read from `path`.
    pub(crate) fn parse(path: PathBuf, text: String) -> Result<Self, ParseError> {
        match hcl_edit::parser::parse_body(&text) {
            Ok(body) => Ok(File { path, text, body }),
            Err(error) => Err(ParseError {
                offset: error.location().offset(),
                message: error.message().to_owned(),
            }),
        }
    }
}

/// The resources and data sources of a module by address, for references.
pub(crate) struct Index<'m> {
    pub(crate) blocks: BTreeMap<String, (&'m Block, &'m File)>,
}

/// What reading one file needs: its text, its folder, the module's index.
pub(crate) struct Cx<'m> {
    pub(crate) file: &'m File,
    pub(crate) index: &'m Index<'m>,
}

impl Cx<'_> {
    /// A reader of this file's expressions.
    pub(crate) fn reader(&self) -> Reader<'_> {
        Reader { cx: self }
    }
}

/// The name of the policy document an expression takes the JSON of: `data.aws_iam_policy_document.X.json`
/// (with an index or `minified_json`).
pub(crate) fn document_reference(expr: &Expression) -> Option<String> {
    let path = reference(expr)?;
    match path.as_slice() {
        [data, kind, name, json]
            if data == "data"
                && kind == "aws_iam_policy_document"
                && (json == "json" || json == "minified_json") =>
        {
            Some(name.clone())
        }
        _ => None,
    }
}

/// The names of a reference (`data.x.y[0].json` is `data`, `x`, `y`, `json`), indexes left out.
fn reference(expr: &Expression) -> Option<Vec<String>> {
    match expr {
        Expression::Variable(name) => Some(vec![name.as_str().to_owned()]),
        Expression::Parenthesis(inner) => reference(inner.inner()),
        Expression::Traversal(traversal) => {
            let mut path = reference(&traversal.expr)?;
            for operator in &traversal.operators {
                match operator.value() {
                    TraversalOperator::GetAttr(name) => path.push(name.as_str().to_owned()),
                    TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_) => {}
                    TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                        return None;
                    }
                }
            }
            Some(path)
        }
        _ => None,
    }
}

/// Reads expressions of one file into policy trees.
pub(crate) struct Reader<'c> {
    cx: &'c Cx<'c>,
}

impl Reader<'_> {
    /// The `aws_iam_policy_document` of this file named `name`; documents of other files are not read into
    /// this one (their findings would be placed in the wrong file).
    pub(crate) fn document_block(&self, name: &str) -> Option<&Block> {
        let (block, file) = self
            .cx
            .index
            .blocks
            .get(&format!("data.aws_iam_policy_document.{name}"))?;
        std::ptr::eq(*file, self.cx.file).then_some(*block)
    }

    fn text(&self) -> &str {
        &self.cx.file.text
    }

    fn at(expr: &impl hcl_edit::Span) -> At {
        expr.span().unwrap_or(0..0)
    }

    /// The source text of an expression.
    pub(crate) fn written(&self, expr: &Expression) -> String {
        let at = Self::at(expr);
        self.text().get(at).unwrap_or_default().trim().to_owned()
    }

    /// The policy an argument's value writes: `jsonencode(...)`, a heredoc or string of JSON, `file(...)` or
    /// `templatefile(...)` of a file beside the module. `None` when only deploy time knows it.
    pub(crate) fn policy(
        &self,
        expr: &Expression,
    ) -> Option<(PolicyBody, Option<(PathBuf, String)>)> {
        match expr {
            Expression::Parenthesis(inner) => self.policy(inner.inner()),
            Expression::FuncCall(call) => {
                let name = call.name.name.as_str();
                let args: Vec<&Expression> = call.args.iter().collect();
                match (name, args.as_slice()) {
                    ("jsonencode", [value]) => Some((PolicyBody::Tree(self.node(value)), None)),
                    ("file" | "templatefile", [path, ..]) => {
                        let path = self.path(path)?;
                        let text = std::fs::read_to_string(&path).ok()?;
                        let decoded = if name == "templatefile" {
                            template_file(&path, &text)
                        } else {
                            let mut decoded = Decoded::new(0..text.len());
                            decoded.literal(&text, Some((&text, 0)));
                            decoded
                        };
                        Some((PolicyBody::from_text(decoded), Some((path, text))))
                    }
                    _ => None,
                }
            }
            Expression::String(_)
            | Expression::StringTemplate(_)
            | Expression::HeredocTemplate(_) => {
                Some((PolicyBody::from_text(self.decoded(expr)?), None))
            }
            _ => None,
        }
    }

    /// The file a `file()` argument names, when it is known: a string, or `${path.module}/...`.
    fn path(&self, expr: &Expression) -> Option<PathBuf> {
        let dir = self.cx.file.path.parent().unwrap_or(Path::new(""));
        let mut path = String::new();
        match expr {
            Expression::String(text) => path.push_str(text.value()),
            Expression::StringTemplate(template) => {
                for element in template {
                    match element {
                        Element::Literal(text) => path.push_str(text.value()),
                        Element::Interpolation(interpolation) => {
                            match reference(&interpolation.expr)?.as_slice() {
                                [p, m]
                                    if p == "path"
                                        && (m == "module" || m == "root" || m == "cwd") =>
                                {
                                    path.push('.');
                                }
                                _ => return None,
                            }
                        }
                        Element::Directive(_) => return None,
                    }
                }
            }
            _ => return None,
        }
        let path = path.strip_prefix("./").unwrap_or(&path);
        Some(dir.join(path))
    }

    /// A string's text as the template decodes it, interpolations as unknowns.
    fn decoded(&self, expr: &Expression) -> Option<Decoded> {
        let at = Self::at(expr);
        let mut decoded = Decoded::new(at.clone());
        self.decode_into(expr, &mut decoded)?;
        Some(decoded)
    }

    /// A string's text, for a value of a tree rather than a policy's JSON.
    fn string(&self, expr: &Expression) -> Option<Decoded> {
        let mut decoded = Decoded::string(Self::at(expr));
        self.decode_into(expr, &mut decoded)?;
        Some(decoded)
    }

    fn decode_into(&self, expr: &Expression, decoded: &mut Decoded) -> Option<()> {
        let at = Self::at(expr);
        match expr {
            Expression::String(text) => {
                let raw = self.text().get(at.clone()).unwrap_or_default();
                let (raw, raw_at) = match raw.strip_prefix('"') {
                    Some(inner) => (inner.strip_suffix('"').unwrap_or(inner), at.start + 1),
                    None => (raw, at.start),
                };
                decoded.literal(text.value(), Some((raw, raw_at)));
            }
            Expression::StringTemplate(template) => self.template(template, decoded),
            Expression::HeredocTemplate(heredoc) => self.template(&heredoc.template, decoded),
            _ => return None,
        }
        Some(())
    }

    fn template(&self, template: &Template, decoded: &mut Decoded) {
        for element in template {
            match element {
                Element::Literal(text) => {
                    let at = text.span().unwrap_or(0..0);
                    let raw = self.text().get(at.clone()).unwrap_or_default();
                    decoded.literal(text.value(), Some((raw, at.start)));
                }
                Element::Interpolation(interpolation) => match self.typed(&interpolation.expr) {
                    Ok(known) => decoded.literal(&known, None),
                    Err(mut unknown) => {
                        unknown.written = format!("${{{}}}", unknown.written);
                        decoded.unknown(unknown);
                    }
                },
                Element::Directive(directive) => {
                    let at = directive.span().unwrap_or(0..0);
                    decoded.unknown(Unknown {
                        written: self.text().get(at.clone()).unwrap_or_default().to_owned(),
                        ty: Ty::Any,
                        at,
                    });
                }
            }
        }
    }

    /// An expression as a value of a policy tree (the argument of `jsonencode`, a policy document's
    /// argument).
    pub(crate) fn node(&self, expr: &Expression) -> Node {
        let at = Self::at(expr);
        let value = match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(value) => Value::Bool(*value.value()),
            Expression::Number(number) => Value::Number(number.value().to_string()),
            Expression::String(_)
            | Expression::StringTemplate(_)
            | Expression::HeredocTemplate(_) => match self.string(expr) {
                Some(decoded) => Value::Text(decoded.string_pieces()),
                None => Value::Unknown(self.unknown(expr, Ty::Any)),
            },
            Expression::Array(items) => {
                Value::List(items.iter().map(|item| self.node(item)).collect())
            }
            Expression::Object(object) => Value::Map(
                object
                    .iter()
                    .map(|(key, value)| {
                        let (key, key_at) = match key {
                            ObjectKey::Ident(name) => {
                                let key_at = name.span().unwrap_or(0..0);
                                (
                                    vec![Piece::literal(name.as_str(), Some(key_at.start))],
                                    key_at,
                                )
                            }
                            ObjectKey::Expression(expr) => {
                                let key_at = Self::at(expr);
                                let key = match self.node(expr).value {
                                    Value::Text(pieces) => pieces,
                                    _ => vec![Piece::Unknown(self.unknown(expr, Ty::Any))],
                                };
                                (key, key_at)
                            }
                        };
                        Entry {
                            key,
                            key_at,
                            value: self.node(value.expr()),
                        }
                    })
                    .collect(),
            ),
            Expression::Parenthesis(inner) => return self.node(inner.inner()),
            _ => match self.typed(expr) {
                Ok(known) => Value::Text(vec![Piece::literal(known, None)]),
                Err(unknown) => Value::Unknown(unknown),
            },
        };
        Node::new(at, value)
    }

    fn unknown(&self, expr: &Expression, ty: Ty) -> Unknown {
        Unknown {
            written: self.written(expr),
            ty,
            at: Self::at(expr),
        }
    }

    /// What a reference or other expression is known to be: its value when the module writes it (the ARN
    /// of a bucket whose name is a string), else an unknown of the type the reference gives.
    fn typed(&self, expr: &Expression) -> Result<String, Unknown> {
        let Some(path) = reference(expr) else {
            return Err(self.unknown(expr, Ty::Any));
        };
        let names: Vec<&str> = path.iter().map(String::as_str).collect();
        let ty = match names.as_slice() {
            ["data", "aws_caller_identity", _, "account_id"] => Ty::AccountId,
            ["data", "aws_partition", _, "partition"] => Ty::Partition,
            ["data", "aws_region", _, "name" | "region" | "id"] => Ty::Region,
            ["data", kind, name, attribute] | [kind, name, attribute] => {
                let address = if names[0] == "data" {
                    format!("data.{kind}.{name}")
                } else {
                    format!("{kind}.{name}")
                };
                match NAMED.iter().find(|(named, _, _)| named == kind) {
                    Some((_, of, name_argument)) => {
                        let declared = self
                            .cx
                            .index
                            .blocks
                            .get(&address)
                            .and_then(|(block, _)| block.body.get_attribute(name_argument))
                            .and_then(|a| a.value.as_str().map(str::to_owned));
                        match (*attribute, of) {
                            ("arn", ArnOf::S3Bucket) => {
                                if let Some(bucket) = declared {
                                    return Ok(format!("arn:aws:s3:::{bucket}"));
                                }
                                Ty::Arn(*of)
                            }
                            ("arn", _) | ("id", ArnOf::SnsTopic) => Ty::Arn(*of),
                            (attribute, _)
                                if attribute == *name_argument
                                    || attribute == "id"
                                    || attribute == "name" =>
                            {
                                if let Some(name) = declared {
                                    return Ok(name);
                                }
                                Ty::Name(*of)
                            }
                            _ => Ty::Any,
                        }
                    }
                    None => Ty::Any,
                }
            }
            _ => Ty::Any,
        };
        Err(self.unknown(expr, ty))
    }
}

/// A file read by `templatefile()`: its `${...}` interpolations and `%{...}` directives are unknowns.
fn template_file(path: &Path, text: &str) -> Decoded {
    let _ = path;
    let mut decoded = Decoded::new(0..text.len());
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let next = ["${", "%{"].iter().filter_map(|open| rest.find(open)).min();
        let Some(open) = next else {
            decoded.literal(rest, Some((rest, at)));
            break;
        };
        // `$${` and `%%{` write the characters themselves.
        if open > 0 && rest.as_bytes()[open - 1] == rest.as_bytes()[open] {
            decoded.literal(&rest[..open - 1], Some((&rest[..open - 1], at)));
            decoded.literal(
                &rest[open..open + 2],
                Some((&rest[open..open + 2], at + open)),
            );
            at += open + 2;
            continue;
        }
        decoded.literal(&rest[..open], Some((&rest[..open], at)));
        let close = rest[open..]
            .find('}')
            .map_or(rest.len(), |close| open + close + 1);
        decoded.unknown(Unknown {
            written: rest[open + 2..close.saturating_sub(1).max(open + 2)]
                .trim()
                .to_owned(),
            ty: Ty::Any,
            at: at + open..at + close,
        });
        at += close;
    }
    decoded
}
