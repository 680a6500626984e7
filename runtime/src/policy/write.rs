//! The canonical JSON printer, and `serde::Serialize` for the model.
//!
//! The printer writes straight into a `String` rather than through serde so that numbers keep their source
//! digits and printing costs one pass with no intermediate values.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{
    ActionElement, Condition, ConditionValue, OneOrMany, PolicyDocument, Principal,
    PrincipalElement, ResourceElement, Statement,
};

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

/// Sends `document` to `sink` in canonical order: `Version`, `Id`, `Statement`; in a statement `Sid`,
/// `Effect`, the principal, the actions, the resources, `Condition`.
pub(crate) fn emit_document(document: &PolicyDocument, sink: &mut impl Sink) {
    sink.begin_object();
    if let Some(version) = document.version {
        sink.key("Version");
        sink.string(version.as_str());
    }
    if let Some(id) = &document.id {
        sink.key("Id");
        sink.string(id);
    }
    sink.key("Statement");
    match &document.statement {
        OneOrMany::One(statement) => emit_statement(statement, sink),
        OneOrMany::Many(statements) => {
            sink.begin_array();
            for statement in statements {
                emit_statement(statement, sink);
            }
            sink.end_array();
        }
    }
    sink.end_object();
}

fn emit_statement(statement: &Statement, sink: &mut impl Sink) {
    sink.begin_object();
    if let Some(sid) = &statement.sid {
        sink.key("Sid");
        sink.string(sid);
    }
    sink.key("Effect");
    sink.string(statement.effect.as_str());
    if let Some(element) = &statement.principal {
        sink.key(element.element_name());
        emit_principal(element.principal(), sink);
    }
    sink.key(statement.action.element_name());
    emit_strings(statement.action.actions(), sink);
    if let Some(element) = &statement.resource {
        sink.key(element.element_name());
        emit_strings(element.resources(), sink);
    }
    if let Some(condition) = &statement.condition {
        sink.key("Condition");
        emit_condition(condition, sink);
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

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(value) => value.serialize(serializer),
            OneOrMany::Many(values) => values.serialize(serializer),
        }
    }
}

impl Serialize for PolicyDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = 1 + usize::from(self.version.is_some()) + usize::from(self.id.is_some());
        let mut map = serializer.serialize_map(Some(len))?;
        if let Some(version) = self.version {
            map.serialize_entry("Version", version.as_str())?;
        }
        if let Some(id) = &self.id {
            map.serialize_entry("Id", id)?;
        }
        map.serialize_entry("Statement", &self.statement)?;
        map.end()
    }
}

impl Serialize for Statement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(sid) = &self.sid {
            map.serialize_entry("Sid", sid)?;
        }
        map.serialize_entry("Effect", self.effect.as_str())?;
        match &self.principal {
            Some(PrincipalElement::Principal(principal)) => {
                map.serialize_entry("Principal", principal)?;
            }
            Some(PrincipalElement::NotPrincipal(principal)) => {
                map.serialize_entry("NotPrincipal", principal)?;
            }
            None => {}
        }
        match &self.action {
            ActionElement::Action(actions) => map.serialize_entry("Action", actions)?,
            ActionElement::NotAction(actions) => map.serialize_entry("NotAction", actions)?,
        }
        match &self.resource {
            Some(ResourceElement::Resource(resources)) => {
                map.serialize_entry("Resource", resources)?;
            }
            Some(ResourceElement::NotResource(resources)) => {
                map.serialize_entry("NotResource", resources)?;
            }
            None => {}
        }
        if let Some(condition) = &self.condition {
            map.serialize_entry("Condition", condition)?;
        }
        map.end()
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
