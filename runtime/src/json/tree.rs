//! The located tree a parse gives: every value with the span it was read from.

use std::borrow::Cow;

use crate::source::Span;

/// A JSON value with the byte span it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    /// Where the value stands in the source, from its first to its last byte (quotes included).
    pub span: Span,
    /// The value.
    pub value: Value<'a>,
}

/// A JSON value whose strings borrow from the source where they hold no escape.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, kept as its source text so that no digit is lost or reformatted.
    Number(&'a str),
    /// A string, unescaped.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Node<'a>>),
    /// An object, its members in source order. Keys are unique: the reader rejects duplicates.
    Object(Vec<Member<'a>>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    /// The key, unescaped.
    pub key: Cow<'a, str>,
    /// The key's span, quotes included.
    pub key_span: Span,
    /// The value.
    pub value: Node<'a>,
}

impl<'a> Value<'a> {
    /// The JSON type's name as users know it (`string`, `object`, ...), for messages.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// The string, if this is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The members, if this is an object.
    #[must_use]
    pub fn as_object(&self) -> Option<&[Member<'a>]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }
}

impl<'a> Node<'a> {
    /// The member named `key`, if this node is an object that has it.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Member<'a>> {
        self.value
            .as_object()?
            .iter()
            .find(|member| member.key == key)
    }
}
