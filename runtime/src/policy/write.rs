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
    };
    writer.document(document);
    if pretty {
        writer.out.push('\n');
    }
    writer.out
}

struct Writer {
    out: String,
    pretty: bool,
    depth: usize,
    /// Whether the innermost open container has no item yet (so no comma is due).
    first: bool,
}

impl Writer {
    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.depth += 1;
        self.first = true;
    }

    fn close(&mut self, bracket: char) {
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

    fn key(&mut self, key: &str) {
        self.next_item();
        self.string(key);
        self.out.push(':');
        if self.pretty {
            self.out.push(' ');
        }
    }

    fn string(&mut self, text: &str) {
        crate::escape::push_json_string(&mut self.out, text);
    }

    fn strings<T: AsRef<str>>(&mut self, values: &OneOrMany<T>) {
        match values {
            OneOrMany::One(value) => self.string(value.as_ref()),
            OneOrMany::Many(values) => {
                self.open('[');
                for value in values {
                    self.next_item();
                    self.string(value.as_ref());
                }
                self.close(']');
            }
        }
    }

    fn document(&mut self, document: &PolicyDocument) {
        self.open('{');
        if let Some(version) = document.version {
            self.key("Version");
            self.string(version.as_str());
        }
        if let Some(id) = &document.id {
            self.key("Id");
            self.string(id);
        }
        self.key("Statement");
        match &document.statement {
            OneOrMany::One(statement) => self.statement(statement),
            OneOrMany::Many(statements) => {
                self.open('[');
                for statement in statements {
                    self.next_item();
                    self.statement(statement);
                }
                self.close(']');
            }
        }
        self.close('}');
    }

    fn statement(&mut self, statement: &Statement) {
        self.open('{');
        if let Some(sid) = &statement.sid {
            self.key("Sid");
            self.string(sid);
        }
        self.key("Effect");
        self.string(statement.effect.as_str());
        if let Some(element) = &statement.principal {
            self.key(element.element_name());
            self.principal(element.principal());
        }
        self.key(statement.action.element_name());
        self.strings(statement.action.actions());
        if let Some(element) = &statement.resource {
            self.key(element.element_name());
            self.strings(element.resources());
        }
        if let Some(condition) = &statement.condition {
            self.key("Condition");
            self.condition(condition);
        }
        self.close('}');
    }

    fn principal(&mut self, principal: &Principal) {
        match principal {
            Principal::Any => self.string("*"),
            Principal::Map(entries) => {
                self.open('{');
                for (kind, values) in entries {
                    self.key(kind.as_str());
                    self.strings(values);
                }
                self.close('}');
            }
        }
    }

    fn condition(&mut self, condition: &Condition) {
        self.open('{');
        for block in &condition.0 {
            self.key(&block.operator.to_string());
            self.open('{');
            for entry in &block.entries {
                self.key(&entry.key);
                match &entry.values {
                    OneOrMany::One(value) => self.condition_value(value),
                    OneOrMany::Many(values) => {
                        self.open('[');
                        for value in values {
                            self.next_item();
                            self.condition_value(value);
                        }
                        self.close(']');
                    }
                }
            }
            self.close('}');
        }
        self.close('}');
    }

    fn condition_value(&mut self, value: &ConditionValue) {
        match value {
            ConditionValue::String(text) => self.string(text),
            ConditionValue::Bool(value) => self.out.push_str(if *value { "true" } else { "false" }),
            ConditionValue::Number(text) => self.out.push_str(text),
        }
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
