//! From a JSON tree to the typed model, reporting every problem in one pass.

use super::{DOCUMENT_ELEMENTS, STATEMENT_ELEMENTS};
use crate::codes;
use std::fmt;

use super::{
    Action, ActionElement, Condition, ConditionBlock, ConditionValue, ConditionValues, Effect,
    OneOrMany, Operator, PolicyDocument, Principal, PrincipalElement, PrincipalKind, Resource,
    ResourceElement, Statement, Version,
};
use crate::diagnostic::{self, Diagnostic};
use crate::json::{self, Member, Node, Value};
use crate::source::{LineCol, LineIndex, Span};
use crate::suggest;

/// A policy read from text, with the JSON tree it came from so that findings can point into the source.
#[derive(Debug, Clone)]
pub struct Parsed<'a> {
    /// The typed policy.
    pub document: PolicyDocument,
    /// The JSON tree, with the span of every node.
    pub tree: Node<'a>,
}

/// Why a text is not an IAM policy: every problem found, each located, in source order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    diagnostics: Vec<Diagnostic>,
    positions: Vec<LineCol>,
}

impl ParseError {
    fn new(source: &str, mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by_key(|diagnostic| diagnostic.span.start);
        let index = LineIndex::new(source);
        let positions = diagnostics
            .iter()
            .map(|diagnostic| index.line_col(diagnostic.span.start as usize))
            .collect();
        ParseError {
            diagnostics,
            positions,
        }
    }

    /// The problems, in source order; never empty.
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Where each problem starts, parallel to [`ParseError::diagnostics`].
    #[must_use]
    pub fn positions(&self) -> &[LineCol] {
        &self.positions
    }

    /// Renders every problem like rustc, with the source line and a caret. `origin` names the source (a path).
    #[must_use]
    pub fn render(&self, source: &str, origin: &str, color: bool) -> String {
        diagnostic::render(&self.diagnostics, source, origin, color)
    }
}

impl fmt::Display for ParseError {
    /// `line:column: message` of the first problem, and how many more there are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(first), Some(at)) = (self.diagnostics.first(), self.positions.first()) {
            write!(f, "{at}: {}", first.message)?;
            if let Some(help) = &first.help {
                write!(f, " ({help})")?;
            }
            if self.diagnostics.len() > 1 {
                write!(f, " (and {} more)", self.diagnostics.len() - 1)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

impl From<&json::JsonError> for Diagnostic {
    fn from(error: &json::JsonError) -> Self {
        let mut diagnostic = Diagnostic::error(error.code(), error.to_string(), error.span, None);
        diagnostic.help = error.help();
        match &error.kind {
            json::JsonErrorKind::DuplicateKey { first, .. } => {
                diagnostic
                    .labels
                    .push((*first, "first defined here".to_owned()));
            }
            json::JsonErrorKind::UnexpectedEnd {
                unclosed: Some((what, opened)),
                ..
            } => diagnostic
                .labels
                .push((*opened, format!("this {} is never closed", what.noun()))),
            json::JsonErrorKind::UnexpectedChar {
                within: Some((what, opened)),
                ..
            } => diagnostic
                .labels
                .push((*opened, format!("the {} that is still open", what.noun()))),
            _ => {}
        }
        diagnostic
    }
}

pub(super) fn parse(source: &str) -> Result<Parsed<'_>, ParseError> {
    let tree = json::parse(source)
        .map_err(|error| ParseError::new(source, reader_diagnostics(source, &error)))?;
    let mut reader = Reader {
        diagnostics: Vec::new(),
        path: Vec::new(),
    };
    match reader.document(&tree) {
        Some(document) if reader.diagnostics.is_empty() => Ok(Parsed { document, tree }),
        _ => Err(ParseError::new(source, reader.diagnostics)),
    }
}

/// The reader's error, and every typographic quote of the text besides the one it stopped at.
///
/// One finding per quote rather than the first and "and N more": editors, problem matchers and code scanning
/// put one marker per finding, so each quote gets its own marker to jump to, and each says whether
/// `iamgen fmt --write` can replace it or the author must decide (see [`json::QuoteRole`]). A summary finding
/// would mark the first line only and leave the user to hunt for the rest.
fn reader_diagnostics(source: &str, error: &json::JsonError) -> Vec<Diagnostic> {
    let quotes = json::typographic_quotes(source);
    let mut diagnostics = Vec::with_capacity(quotes.len() + 1);
    if !quotes.iter().any(|quote| quote.span == error.span) {
        diagnostics.push(Diagnostic::from(error));
    }
    diagnostics.extend(quotes.iter().map(|quote| {
        let mut diagnostic = Diagnostic::from(&json::JsonError {
            kind: json::JsonErrorKind::CurlyQuote(quote.ch),
            span: quote.span,
        });
        diagnostic.help = Some(quote.help().to_owned());
        diagnostic
    }));
    diagnostics
}

#[derive(Clone, Copy)]
enum Segment<'t> {
    Key(&'t str),
    Index(usize),
}

/// The elements of one statement read so far; the exclusive pairs keep the member each came from.
#[derive(Default)]
struct Elements<'t> {
    sid: Option<String>,
    effect: Option<Effect>,
    principal: Option<(PrincipalElement, &'t Member<'t>)>,
    action: Option<(ActionElement, &'t Member<'t>)>,
    resource: Option<(ResourceElement, &'t Member<'t>)>,
    condition: Option<Condition>,
}

struct Reader<'t> {
    diagnostics: Vec<Diagnostic>,
    /// The JSON Pointer of the node being read, built only when a diagnostic needs it.
    path: Vec<Segment<'t>>,
}

impl<'t> Reader<'t> {
    fn pointer(&self) -> String {
        let mut pointer = String::new();
        for segment in &self.path {
            pointer.push('/');
            match segment {
                Segment::Key(key) => pointer.push_str(&json::escape_pointer_token(key)),
                Segment::Index(index) => pointer.push_str(&index.to_string()),
            }
        }
        pointer
    }

    fn error(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        span: Span,
    ) -> &mut Diagnostic {
        let pointer = self.pointer();
        self.diagnostics
            .push(Diagnostic::error(code, message, span, Some(pointer)));
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    fn type_mismatch(&mut self, node: &Node<'_>, what: &str, expected: &str) {
        let found = node.value.type_name();
        self.error(
            codes::DATA_TYPE_MISMATCH.name,
            format!("{what} must be {expected}, found {found}"),
            node.span,
        );
    }

    fn in_member<T>(
        &mut self,
        member: &'t Member<'t>,
        read: impl FnOnce(&mut Self, &'t Node<'t>) -> T,
    ) -> T {
        self.path.push(Segment::Key(&member.key));
        let result = read(self, &member.value);
        self.path.pop();
        result
    }

    fn in_index<T>(
        &mut self,
        index: usize,
        node: &'t Node<'t>,
        read: impl FnOnce(&mut Self, &'t Node<'t>) -> T,
    ) -> T {
        self.path.push(Segment::Index(index));
        let result = read(self, node);
        self.path.pop();
        result
    }

    fn unknown_element(&mut self, member: &'t Member<'t>, known: &[&'static str], within: &str) {
        let suggestion = suggest::closest(&member.key, known.iter().copied());
        self.path.push(Segment::Key(&member.key));
        let key = &member.key;
        let diagnostic = self.error(
            codes::INVALID_POLICY_ELEMENT.name,
            format!("unknown {within} element `{key}`"),
            member.key_span,
        );
        match suggestion {
            Some(name) => {
                diagnostic.suggestion = Some(name.to_owned());
                diagnostic.help = Some(format!(
                    "did you mean `{name}`? element names are case-sensitive"
                ));
            }
            None => {
                diagnostic.help = Some(format!(
                    "the elements of a {within} are {}",
                    suggest::code_list(known.iter().copied())
                ));
            }
        }
        self.path.pop();
    }

    fn document(&mut self, node: &'t Node<'t>) -> Option<PolicyDocument> {
        let Value::Object(members) = &node.value else {
            self.type_mismatch(node, "a policy", "a JSON object");
            return None;
        };
        let mut version = None;
        let mut id = None;
        let mut statement = None;
        for member in members {
            match &*member.key {
                "Version" => version = self.in_member(member, Self::version),
                "Id" => id = self.in_member(member, |reader, value| reader.string(value, "`Id`")),
                "Statement" => statement = self.in_member(member, Self::statements),
                _ => self.unknown_element(member, &DOCUMENT_ELEMENTS, "policy"),
            }
        }
        if !present_or_misspelled(members, &["Statement"], &DOCUMENT_ELEMENTS) {
            self.error(
                codes::MISSING_STATEMENT.name,
                "the policy has no `Statement` element",
                Span::new(node.span.start as usize, node.span.start as usize + 1),
            )
            .help = Some("add a `Statement` with at least one statement".to_owned());
        }
        Some(PolicyDocument {
            version,
            id,
            statement: statement?,
        })
    }

    fn version(&mut self, node: &'t Node<'t>) -> Option<Version> {
        let text = self.string(node, "`Version`")?;
        let version = Version::ALL
            .into_iter()
            .find(|version| version.as_str() == text);
        if version.is_none() {
            let diagnostic = self.error(
                codes::INVALID_VERSION.name,
                format!("`{text}` is not a policy language version"),
                node.span,
            );
            diagnostic.help = Some(
                "use `2012-10-17`, the current version (`2008-10-17` is the only other one)"
                    .to_owned(),
            );
            diagnostic.suggestion = Some(Version::V2012_10_17.as_str().to_owned());
        }
        version
    }

    fn string(&mut self, node: &Node<'_>, what: &str) -> Option<String> {
        if let Value::String(text) = &node.value {
            Some(text.to_string())
        } else {
            self.type_mismatch(node, what, "a string");
            None
        }
    }

    fn statements(&mut self, node: &'t Node<'t>) -> Option<OneOrMany<Statement>> {
        match &node.value {
            Value::Object(_) => self.statement(node).map(OneOrMany::One),
            Value::Array(items) => {
                let mut statements = Vec::with_capacity(items.len());
                let mut complete = true;
                for (index, item) in items.iter().enumerate() {
                    match self.in_index(index, item, Self::statement) {
                        Some(statement) => statements.push(statement),
                        None => complete = false,
                    }
                }
                complete.then_some(OneOrMany::Many(statements))
            }
            _ => {
                self.type_mismatch(node, "`Statement`", "an object or an array of objects");
                None
            }
        }
    }

    fn statement(&mut self, node: &'t Node<'t>) -> Option<Statement> {
        let Value::Object(members) = &node.value else {
            self.type_mismatch(node, "a statement", "an object");
            return None;
        };
        let errors_before = self.diagnostics.len();
        let mut elements = Elements::default();
        for member in members {
            self.statement_element(member, &mut elements);
        }
        let at_open = Span::new(node.span.start as usize, node.span.start as usize + 1);
        self.required_elements(members, at_open);
        if self.diagnostics.len() > errors_before {
            return None;
        }
        Some(Statement {
            sid: elements.sid,
            effect: elements.effect?,
            principal: elements.principal.map(|(element, _)| element),
            action: elements.action?.0,
            resource: elements.resource.map(|(element, _)| element),
            condition: elements.condition,
        })
    }

    /// Reads one member of a statement into `elements`.
    fn statement_element(&mut self, member: &'t Member<'t>, elements: &mut Elements<'t>) {
        match &*member.key {
            "Sid" => {
                elements.sid =
                    self.in_member(member, |reader, value| reader.string(value, "`Sid`"));
            }
            "Effect" => elements.effect = self.in_member(member, Self::effect),
            "Principal" | "NotPrincipal" => {
                let read = self.in_member(member, Self::principal);
                let element = match &*member.key {
                    "Principal" => read.map(PrincipalElement::Principal),
                    _ => read.map(PrincipalElement::NotPrincipal),
                };
                self.combine(
                    &mut elements.principal,
                    element,
                    member,
                    "Principal",
                    "NotPrincipal",
                );
            }
            "Action" | "NotAction" => {
                let element = self.listed(member, "Action", |texts, listed| {
                    let actions = texts.map(Action::new);
                    if listed {
                        ActionElement::Action(actions)
                    } else {
                        ActionElement::NotAction(actions)
                    }
                });
                self.combine(&mut elements.action, element, member, "Action", "NotAction");
            }
            "Resource" | "NotResource" => {
                let element = self.listed(member, "Resource", |texts, listed| {
                    let resources = texts.map(Resource::new);
                    if listed {
                        ResourceElement::Resource(resources)
                    } else {
                        ResourceElement::NotResource(resources)
                    }
                });
                self.combine(
                    &mut elements.resource,
                    element,
                    member,
                    "Resource",
                    "NotResource",
                );
            }
            "Condition" => elements.condition = self.in_member(member, Self::condition),
            _ => self.unknown_element(member, &STATEMENT_ELEMENTS, "statement"),
        }
    }

    /// `Action`/`NotAction` or `Resource`/`NotResource`: a string or a list of strings, made an element by
    /// `wrap`, told whether the member is the `positive` form.
    fn listed<E>(
        &mut self,
        member: &'t Member<'t>,
        positive: &str,
        wrap: impl FnOnce(OneOrMany<String>, bool) -> E,
    ) -> Option<E> {
        let read = self.in_member(member, |reader, value| reader.strings(value, &member.key));
        read.map(|texts| wrap(texts, *member.key == *positive))
    }

    /// Reports a missing `Effect`, or a missing `Action` and `NotAction`, at the statement's opening brace,
    /// unless a misspelt key stands for it (reported already).
    fn required_elements(&mut self, members: &[Member<'t>], at_open: Span) {
        if !present_or_misspelled(members, &["Effect"], &STATEMENT_ELEMENTS) {
            self.error(
                codes::MISSING_EFFECT.name,
                "the statement has no `Effect`",
                at_open,
            )
            .help = Some("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`".to_owned());
        }
        if !present_or_misspelled(members, &["Action", "NotAction"], &STATEMENT_ELEMENTS) {
            self.error(
                codes::MISSING_ACTION.name,
                "the statement has no `Action` or `NotAction`",
                at_open,
            )
            .help = Some(
                "add an `Action` element listing what the statement allows or denies".to_owned(),
            );
        }
    }

    /// Keeps the first of a pair of exclusive elements (`Action`/`NotAction`) and reports the second.
    fn combine<'m, T>(
        &mut self,
        slot: &mut Option<(T, &'m Member<'m>)>,
        element: Option<T>,
        member: &'m Member<'m>,
        positive: &str,
        negative: &str,
    ) {
        if let Some((_, first)) = slot {
            let first_key = first.key.to_string();
            self.error(
                codes::UNSUPPORTED_ELEMENT_COMBINATION.name,
                format!("a statement cannot have both `{positive}` and `{negative}`"),
                member.key_span,
            )
            .help = Some(format!(
                "remove this `{}` or the `{first_key}` before it",
                member.key
            ));
        } else if let Some(element) = element {
            *slot = Some((element, member));
        }
    }

    fn effect(&mut self, node: &'t Node<'t>) -> Option<Effect> {
        let text = self.string(node, "`Effect`")?;
        match text.as_str() {
            "Allow" => Some(Effect::Allow),
            "Deny" => Some(Effect::Deny),
            _ => {
                let suggestion = suggest::closest(&text, ["Allow", "Deny"]);
                let diagnostic = self.error(
                    codes::INVALID_EFFECT.name,
                    format!("`{text}` is not an effect"),
                    node.span,
                );
                diagnostic.help = Some(match suggestion {
                    Some(name) => format!(
                        "did you mean `{name}`? the effect is `Allow` or `Deny`, case-sensitive"
                    ),
                    None => "the effect is `Allow` or `Deny`".to_owned(),
                });
                diagnostic.suggestion = suggestion.map(str::to_owned);
                None
            }
        }
    }

    /// A string, or an array of strings.
    fn strings(&mut self, node: &'t Node<'t>, element: &str) -> Option<OneOrMany<String>> {
        match &node.value {
            Value::String(text) => Some(OneOrMany::One(text.to_string())),
            Value::Array(items) => {
                let mut texts = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    if let Value::String(text) = &item.value {
                        texts.push(text.to_string());
                    } else {
                        self.path.push(Segment::Index(index));
                        self.type_mismatch(item, &format!("each entry of `{element}`"), "a string");
                        self.path.pop();
                    }
                }
                (texts.len() == items.len()).then_some(OneOrMany::Many(texts))
            }
            _ => {
                self.type_mismatch(
                    node,
                    &format!("`{element}`"),
                    "a string or an array of strings",
                );
                None
            }
        }
    }

    fn principal(&mut self, node: &'t Node<'t>) -> Option<Principal> {
        match &node.value {
            Value::String(text) if text == "*" => Some(Principal::Any),
            Value::String(text) => {
                let text = text.to_string();
                let diagnostic = self.error(
                    codes::INVALID_PRINCIPAL_FORMAT.name,
                    format!("a principal must be `\"*\"` or an object such as `{{\"AWS\": ...}}`, found the string `{text}`"),
                    node.span,
                );
                diagnostic.help = Some(format!(
                    "write `{{\"{}\": \"{text}\"}}`",
                    guess_principal_kind(&text)
                ));
                None
            }
            Value::Object(members) => {
                let mut entries = Vec::with_capacity(members.len());
                let mut complete = true;
                for member in members {
                    let Some(kind) = PrincipalKind::from_key(&member.key) else {
                        complete = false;
                        let keys = PrincipalKind::ALL.map(PrincipalKind::as_str);
                        let suggestion = suggest::closest(&member.key, keys);
                        let key = member.key.to_string();
                        self.path.push(Segment::Key(&member.key));
                        let diagnostic = self.error(
                            codes::INVALID_PRINCIPAL_KEY.name,
                            format!("`{key}` is not a principal type"),
                            member.key_span,
                        );
                        diagnostic.help = Some(match suggestion {
                            Some(name) => {
                                format!("did you mean `{name}`? principal types are case-sensitive")
                            }
                            None => format!(
                                "the principal types are {}",
                                suggest::code_list(keys.iter().copied())
                            ),
                        });
                        diagnostic.suggestion = suggestion.map(str::to_owned);
                        self.path.pop();
                        continue;
                    };
                    let values =
                        self.in_member(member, |reader, value| reader.strings(value, &member.key));
                    match values {
                        Some(values) => entries.push((kind, values)),
                        None => complete = false,
                    }
                }
                complete.then_some(Principal::Map(entries))
            }
            _ => {
                self.type_mismatch(
                    node,
                    "a principal",
                    "`\"*\"` or an object such as `{\"AWS\": ...}`",
                );
                None
            }
        }
    }

    fn condition(&mut self, node: &'t Node<'t>) -> Option<Condition> {
        let Value::Object(members) = &node.value else {
            self.type_mismatch(node, "`Condition`", "an object of operators");
            return None;
        };
        let mut blocks = Vec::with_capacity(members.len());
        let mut complete = true;
        for member in members {
            let Some(operator) = Operator::parse(&member.key) else {
                complete = false;
                let names: Vec<String> = Operator::all_names().collect();
                let suggestion = suggest::closest(&member.key, names.iter().map(String::as_str))
                    .map(str::to_owned);
                let key = member.key.to_string();
                self.path.push(Segment::Key(&member.key));
                let diagnostic = self.error(
                    codes::INVALID_CONDITION_OPERATOR.name,
                    format!("`{key}` is not a condition operator"),
                    member.key_span,
                );
                match suggestion {
                    Some(name) => *diagnostic = diagnostic.clone().with_suggestion(name),
                    None => {
                        diagnostic.help = Some(
                            "operators are String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, \
                             Arn* and Null, optionally with `ForAllValues:`/`ForAnyValue:` and `IfExists`"
                                .to_owned(),
                        );
                    }
                }
                self.path.pop();
                continue;
            };
            match self.in_member(member, Self::condition_entries) {
                Some(entries) => blocks.push(ConditionBlock { operator, entries }),
                None => complete = false,
            }
        }
        complete.then_some(Condition(blocks))
    }

    fn condition_entries(&mut self, node: &'t Node<'t>) -> Option<Vec<ConditionValues>> {
        let Value::Object(members) = &node.value else {
            self.type_mismatch(
                node,
                "an operator's value",
                "an object of condition keys and values",
            );
            return None;
        };
        let mut entries = Vec::with_capacity(members.len());
        let mut complete = true;
        for member in members {
            match self.in_member(member, Self::condition_values) {
                Some(values) => entries.push(ConditionValues {
                    key: member.key.to_string(),
                    values,
                }),
                None => complete = false,
            }
        }
        complete.then_some(entries)
    }

    fn condition_values(&mut self, node: &'t Node<'t>) -> Option<OneOrMany<ConditionValue>> {
        match &node.value {
            Value::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    if let Some(value) = self.in_index(index, item, Self::condition_value) {
                        values.push(value);
                    }
                }
                (values.len() == items.len()).then_some(OneOrMany::Many(values))
            }
            _ => self.condition_value(node).map(OneOrMany::One),
        }
    }

    fn condition_value(&mut self, node: &'t Node<'t>) -> Option<ConditionValue> {
        match &node.value {
            Value::String(text) => Some(ConditionValue::String(text.to_string())),
            Value::Bool(value) => Some(ConditionValue::Bool(*value)),
            Value::Number(text) => Some(ConditionValue::Number((*text).to_owned())),
            _ => {
                self.type_mismatch(
                    node,
                    "a condition value",
                    "a string, a boolean, a number, or an array of them",
                );
                None
            }
        }
    }
}

/// Whether one of `names` is among the members, or a misspelling of it is (which is reported on its own, so
/// saying that the element is missing too would only repeat it).
fn present_or_misspelled(members: &[Member<'_>], names: &[&str], known: &[&'static str]) -> bool {
    members.iter().any(|member| {
        names.contains(&&*member.key)
            || (!known.contains(&&*member.key)
                && suggest::closest(&member.key, known.iter().copied())
                    .is_some_and(|near| names.contains(&near)))
    })
}

/// The principal type a lone principal string most likely belongs under, for the help line.
fn guess_principal_kind(text: &str) -> &'static str {
    if text.ends_with(".amazonaws.com") {
        "Service"
    } else if text.contains(":saml-provider/")
        || text.contains(":oidc-provider/")
        || text.contains('.')
    {
        "Federated"
    } else {
        "AWS"
    }
}
