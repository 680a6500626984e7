//! The canonical JSON printer, and `serde::Serialize` for the model.
//!
//! The printer writes straight into a `String` rather than through serde so that numbers keep their source
//! digits and printing costs one pass with no intermediate values.
//!
//! The canonical order of the elements is written once, in [`document_elements`] and [`statement_elements`]:
//! the printer, `Serialize` and the generator's ordered values (a [`Sink`] of `render::value`) all read it.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{Condition, ConditionValue, OneOrMany, PolicyDocument, Principal, Statement};

pub(super) fn to_json(document: &PolicyDocument, pretty: bool) -> String {
    let mut writer = Writer {
        out: String::with_capacity(512),
        pretty,
        depth: 0,
        first: true,
        in_array: Vec::with_capacity(8),
    };
    emit_document(document, &mut writer);
    if pretty {
        writer.out.push('\n');
    }
    writer.out
}

/// How many characters of [`to_json`]'s compact text are not whitespace, counted without writing the text.
pub(super) fn compact_non_whitespace_len(document: &PolicyDocument) -> usize {
    let mut counter = Counter {
        count: 0,
        first: true,
        in_array: Vec::with_capacity(8),
    };
    emit_document(document, &mut counter);
    counter.count
}

/// What receives a document's JSON structure from [`emit_document`], one event at a time, in canonical order.
///
/// The order of the elements is a rule of the printer alone; other forms of a document (the ordered values
/// the generator writes as YAML or HCL) are built by a sink of their own, so that the order lives in one place.
pub(crate) trait Sink {
    /// `{`: the members follow as `key`, value pairs.
    fn begin_object(&mut self);
    /// `}`.
    fn end_object(&mut self);
    /// `[`: the items follow.
    fn begin_array(&mut self);
    /// `]`.
    fn end_array(&mut self);
    /// A key that is a fixed word of the grammar (`Statement`, `Effect`, `AWS`).
    fn key(&mut self, key: &'static str);
    /// A key taken from the document (an operator or a condition key).
    fn owned_key(&mut self, key: &str);
    /// A string.
    fn string(&mut self, text: &str);
    /// `true` or `false`.
    fn bool(&mut self, value: bool);
    /// A number, as the digits of its source.
    fn number(&mut self, digits: &str);
}

/// A document's or a statement's element, as [`document_elements`] and [`statement_elements`] list them.
enum Element<'a> {
    Text(&'a str),
    Statements(&'a OneOrMany<Statement>),
    Principal(&'a Principal),
    Actions(&'a OneOrMany<super::Action>),
    Resources(&'a OneOrMany<super::Resource>),
    Condition(&'a Condition),
}

/// The canonical order of a document's elements: `Version`, `Id`, `Statement`. The printer, the generator's
/// values (through [`emit_document`]) and `Serialize` all follow it from here.
fn document_elements(
    document: &PolicyDocument,
) -> impl Iterator<Item = (&'static str, Element<'_>)> {
    [
        document
            .version
            .map(|version| ("Version", Element::Text(version.as_str()))),
        document.id.as_deref().map(|id| ("Id", Element::Text(id))),
        Some(("Statement", Element::Statements(&document.statement))),
    ]
    .into_iter()
    .flatten()
}

/// The canonical order of a statement's elements: `Sid`, `Effect`, the principal, the actions, the
/// resources, `Condition`.
fn statement_elements(statement: &Statement) -> impl Iterator<Item = (&'static str, Element<'_>)> {
    [
        statement
            .sid
            .as_deref()
            .map(|sid| ("Sid", Element::Text(sid))),
        Some(("Effect", Element::Text(statement.effect.as_str()))),
        statement.principal.as_ref().map(|element| {
            (
                element.element_name(),
                Element::Principal(element.principal()),
            )
        }),
        Some((
            statement.action.element_name(),
            Element::Actions(statement.action.actions()),
        )),
        statement.resource.as_ref().map(|element| {
            (
                element.element_name(),
                Element::Resources(element.resources()),
            )
        }),
        statement
            .condition
            .as_ref()
            .map(|condition| ("Condition", Element::Condition(condition))),
    ]
    .into_iter()
    .flatten()
}

/// Sends `document` to `sink`, its elements in canonical order.
pub(crate) fn emit_document(document: &PolicyDocument, sink: &mut impl Sink) {
    emit_elements(document_elements(document), sink);
}

fn emit_elements<'a>(
    elements: impl Iterator<Item = (&'static str, Element<'a>)>,
    sink: &mut impl Sink,
) {
    sink.begin_object();
    for (key, element) in elements {
        sink.key(key);
        match element {
            Element::Text(text) => sink.string(text),
            Element::Statements(OneOrMany::One(statement)) => {
                emit_elements(statement_elements(statement), sink);
            }
            Element::Statements(OneOrMany::Many(statements)) => {
                sink.begin_array();
                for statement in statements {
                    emit_elements(statement_elements(statement), sink);
                }
                sink.end_array();
            }
            Element::Principal(principal) => emit_principal(principal, sink),
            Element::Actions(actions) => emit_strings(actions, sink),
            Element::Resources(resources) => emit_strings(resources, sink),
            Element::Condition(condition) => emit_condition(condition, sink),
        }
    }
    sink.end_object();
}

fn emit_strings<T: AsRef<str>>(values: &OneOrMany<T>, sink: &mut impl Sink) {
    match values {
        OneOrMany::One(value) => sink.string(value.as_ref()),
        OneOrMany::Many(values) => {
            sink.begin_array();
            for value in values {
                sink.string(value.as_ref());
            }
            sink.end_array();
        }
    }
}

fn emit_principal(principal: &Principal, sink: &mut impl Sink) {
    match principal {
        Principal::Any => sink.string("*"),
        Principal::Map(entries) => {
            sink.begin_object();
            for (kind, values) in entries {
                sink.key(kind.as_str());
                emit_strings(values, sink);
            }
            sink.end_object();
        }
    }
}

fn emit_condition(condition: &Condition, sink: &mut impl Sink) {
    sink.begin_object();
    for block in &condition.0 {
        sink.owned_key(&block.operator.to_string());
        sink.begin_object();
        for entry in &block.entries {
            sink.owned_key(&entry.key);
            match &entry.values {
                OneOrMany::One(value) => emit_condition_value(value, sink),
                OneOrMany::Many(values) => {
                    sink.begin_array();
                    for value in values {
                        emit_condition_value(value, sink);
                    }
                    sink.end_array();
                }
            }
        }
        sink.end_object();
    }
    sink.end_object();
}

fn emit_condition_value(value: &ConditionValue, sink: &mut impl Sink) {
    match value {
        ConditionValue::String(text) => sink.string(text),
        ConditionValue::Bool(value) => sink.bool(*value),
        ConditionValue::Number(digits) => sink.number(digits),
    }
}

/// The JSON text, compact or two-space indented.
struct Writer {
    out: String,
    pretty: bool,
    depth: usize,
    /// Whether the innermost open container has no item yet (so no comma is due).
    first: bool,
    /// For each open container, whether it is an array (whose items each need a separator before them).
    in_array: Vec<bool>,
}

impl Writer {
    fn open(&mut self, bracket: char, array: bool) {
        self.before_value();
        self.out.push(bracket);
        self.depth += 1;
        self.first = true;
        self.in_array.push(array);
    }

    fn close(&mut self, bracket: char) {
        self.in_array.pop();
        self.depth -= 1;
        if !self.first {
            self.newline();
        }
        self.out.push(bracket);
        self.first = false;
    }

    fn newline(&mut self) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
    }

    fn next_item(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.newline();
        self.first = false;
    }

    /// An array's item starts on a line of its own; an object's member value follows its key.
    fn before_value(&mut self) {
        if self.in_array.last() == Some(&true) {
            self.next_item();
        }
    }
}

impl Sink for Writer {
    fn begin_object(&mut self) {
        self.open('{', false);
    }

    fn end_object(&mut self) {
        self.close('}');
    }

    fn begin_array(&mut self) {
        self.open('[', true);
    }

    fn end_array(&mut self) {
        self.close(']');
    }

    fn key(&mut self, key: &'static str) {
        self.owned_key(key);
    }

    fn owned_key(&mut self, key: &str) {
        self.next_item();
        crate::escape::push_json_string(&mut self.out, key);
        self.out.push(':');
        if self.pretty {
            self.out.push(' ');
        }
    }

    fn string(&mut self, text: &str) {
        self.before_value();
        crate::escape::push_json_string(&mut self.out, text);
    }

    fn bool(&mut self, value: bool) {
        self.before_value();
        self.out.push_str(if value { "true" } else { "false" });
    }

    fn number(&mut self, digits: &str) {
        self.before_value();
        self.out.push_str(digits);
    }
}

/// The compact [`Writer`]'s separators and brackets, counted rather than written; the strings count only
/// their characters that are not whitespace, as IAM's size quota does.
struct Counter {
    count: usize,
    /// As [`Writer::first`].
    first: bool,
    /// As [`Writer::in_array`].
    in_array: Vec<bool>,
}

impl Counter {
    /// The comma the compact writer puts before every item but the first.
    fn next_item(&mut self) {
        if !self.first {
            self.count += 1;
        }
        self.first = false;
    }

    fn before_value(&mut self) {
        if self.in_array.last() == Some(&true) {
            self.next_item();
        }
    }

    fn open(&mut self, array: bool) {
        self.before_value();
        self.count += 1;
        self.first = true;
        self.in_array.push(array);
    }

    fn close(&mut self) {
        self.in_array.pop();
        self.count += 1;
        self.first = false;
    }
}

impl Sink for Counter {
    fn begin_object(&mut self) {
        self.open(false);
    }

    fn end_object(&mut self) {
        self.close();
    }

    fn begin_array(&mut self) {
        self.open(true);
    }

    fn end_array(&mut self) {
        self.close();
    }

    fn key(&mut self, key: &'static str) {
        self.owned_key(key);
    }

    fn owned_key(&mut self, key: &str) {
        self.next_item();
        // The key and its colon.
        self.count += crate::escape::json_string_non_whitespace_len(key) + 1;
    }

    fn string(&mut self, text: &str) {
        self.before_value();
        self.count += crate::escape::json_string_non_whitespace_len(text);
    }

    fn bool(&mut self, value: bool) {
        self.before_value();
        self.count += if value { 4 } else { 5 };
    }

    fn number(&mut self, digits: &str) {
        self.before_value();
        self.count += digits.chars().filter(|ch| !ch.is_whitespace()).count();
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(value) => value.serialize(serializer),
            OneOrMany::Many(values) => values.serialize(serializer),
        }
    }
}

impl Serialize for Element<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Element::Text(text) => serializer.serialize_str(text),
            Element::Statements(statements) => statements.serialize(serializer),
            Element::Principal(principal) => principal.serialize(serializer),
            Element::Actions(actions) => actions.serialize(serializer),
            Element::Resources(resources) => resources.serialize(serializer),
            Element::Condition(condition) => condition.serialize(serializer),
        }
    }
}

fn serialize_elements<'a, S: Serializer>(
    elements: impl Iterator<Item = (&'static str, Element<'a>)>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let elements: Vec<_> = elements.collect();
    let mut map = serializer.serialize_map(Some(elements.len()))?;
    for (key, element) in &elements {
        map.serialize_entry(key, element)?;
    }
    map.end()
}

impl Serialize for PolicyDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_elements(document_elements(self), serializer)
    }
}

impl Serialize for Statement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_elements(statement_elements(self), serializer)
    }
}

impl Serialize for super::Action {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Serialize for super::Resource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Principal::Any => serializer.serialize_str("*"),
            Principal::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (kind, values) in entries {
                    map.serialize_entry(kind.as_str(), values)?;
                }
                map.end()
            }
        }
    }
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Entries<'a>(&'a [super::ConditionValues]);
        impl Serialize for Entries<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for entry in self.0 {
                    map.serialize_entry(&entry.key, &entry.values)?;
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for block in &self.0 {
            map.serialize_entry(&block.operator.to_string(), &Entries(&block.entries))?;
        }
        map.end()
    }
}

impl Serialize for ConditionValue {
    /// Numbers go out as integers when they are exact integers, otherwise as floats; a serializer cannot take
    /// raw digits, so use [`PolicyDocument::to_json`] where the exact text matters.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ConditionValue::String(text) => serializer.serialize_str(text),
            ConditionValue::Bool(value) => serializer.serialize_bool(*value),
            ConditionValue::Number(text) => {
                if let Ok(integer) = text.parse::<u64>() {
                    serializer.serialize_u64(integer)
                } else if let Ok(integer) = text.parse::<i64>() {
                    serializer.serialize_i64(integer)
                } else if let Ok(float) = text.parse::<f64>() {
                    serializer.serialize_f64(float)
                } else {
                    serializer.serialize_str(text)
                }
            }
        }
    }
}
