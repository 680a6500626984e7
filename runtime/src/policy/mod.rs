//! The typed IAM policy model: [`PolicyDocument`] and everything in it.
//!
//! The model covers IAM's whole policy grammar and is lossless: reading a policy with
//! [`PolicyDocument::from_json`] and printing it with [`PolicyDocument::to_json`] keeps every value and the
//! shape of every element (a lone string stays a string, a one-element array stays an array, a lone
//! statement object stays an object, condition keys keep their order, numbers keep their digits).
//!
//! The model holds what IAM's grammar admits, and no more: an unknown element, an `Effect` other than
//! `Allow`/`Deny`, a principal type other than `AWS`/`Service`/`Federated`/`CanonicalUser` or an unknown
//! condition operator cannot be represented, so reading them fails with a located [`Diagnostic`]. Values whose
//! meaning depends on context (action names, ARNs, account ids, condition values) are kept as written and
//! checked by typed views ([`Action::parse`], [`Arn::parse`], [`AccountId::parse`]) and by the linter.
//!
//! [`Diagnostic`]: crate::diagnostic::Diagnostic

mod action;
mod arn;
mod condition;
mod principal;
mod read;
pub(crate) mod write;

use std::fmt;
use std::str::FromStr;

pub use action::{Action, ActionError};
pub use arn::{AccountId, AccountIdError, Arn, ArnError};
pub use condition::{
    Condition, ConditionBlock, ConditionValue, ConditionValues, Operator, OperatorBase,
    OperatorFamily, SetQualifier,
};
pub use principal::{Principal, PrincipalKind};
pub use read::{ParseError, Parsed};

/// A policy's elements, in the order IAM documents them and iamgen prints them.
pub(crate) const DOCUMENT_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];

/// A statement's elements, in the order IAM documents them and iamgen prints them.
pub(crate) const STATEMENT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// The policy language version named by the `Version` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2012-10-17`, the current language: policy variables are supported.
    V2012_10_17,
    /// `2008-10-17`, the original language: `${...}` is literal text.
    V2008_10_17,
}

impl Version {
    /// The version string as it appears in policies.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }

    /// Every version IAM accepts, newest first.
    pub const ALL: [Version; 2] = [Version::V2012_10_17, Version::V2008_10_17];
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a statement allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

impl Effect {
    /// `Allow` or `Deny`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value IAM lets users write either alone or in an array; which one was written is kept, so that printing
/// gives back the same shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OneOrMany<T> {
    /// A lone value: `"Action": "s3:GetObject"`.
    One(T),
    /// An array, possibly of one or of none: `"Action": ["s3:GetObject"]`.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The values as a slice, whichever the shape.
    #[must_use]
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(value) => std::slice::from_ref(value),
            OneOrMany::Many(values) => values,
        }
    }

    /// The values, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// How many values there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether this is an empty array.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Adds a value; a lone value becomes an array of two.
    pub fn push(&mut self, value: T) {
        match self {
            OneOrMany::Many(values) => values.push(value),
            OneOrMany::One(_) => {
                let OneOrMany::One(first) =
                    std::mem::replace(self, OneOrMany::Many(Vec::with_capacity(2)))
                else {
                    unreachable!("matched One above")
                };
                *self = OneOrMany::Many(vec![first, value]);
            }
        }
    }

    /// Applies `f` to every value, keeping the shape.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> OneOrMany<U> {
        match self {
            OneOrMany::One(value) => OneOrMany::One(f(value)),
            OneOrMany::Many(values) => OneOrMany::Many(values.into_iter().map(f).collect()),
        }
    }
}

impl<T> From<T> for OneOrMany<T> {
    fn from(value: T) -> Self {
        OneOrMany::One(value)
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(values: Vec<T>) -> Self {
        OneOrMany::Many(values)
    }
}

impl<T> FromIterator<T> for OneOrMany<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        OneOrMany::Many(iter.into_iter().collect())
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// An IAM policy document: identity, trust, resource, SCP or RCP alike (the kind is the linter's concern).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    /// The `Version` element; `None` when absent (IAM then assumes `2008-10-17`).
    pub version: Option<Version>,
    /// The optional `Id` element.
    pub id: Option<String>,
    /// The statements, as one object or an array.
    pub statement: OneOrMany<Statement>,
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The optional statement id.
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal`, for resource-based and trust policies.
    pub principal: Option<PrincipalElement>,
    /// `Action` or `NotAction`.
    pub action: ActionElement,
    /// `Resource` or `NotResource`; absent in trust policies.
    pub resource: Option<ResourceElement>,
    /// The `Condition` block.
    pub condition: Option<Condition>,
}

/// The `Principal` or `NotPrincipal` element of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalElement {
    /// `Principal`: the statement applies to these principals.
    Principal(Principal),
    /// `NotPrincipal`: the statement applies to every principal except these.
    NotPrincipal(Principal),
}

/// The `Action` or `NotAction` element of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionElement {
    /// `Action`: the statement covers these actions.
    Action(OneOrMany<Action>),
    /// `NotAction`: the statement covers every action except these.
    NotAction(OneOrMany<Action>),
}

/// The `Resource` or `NotResource` element of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceElement {
    /// `Resource`: the statement covers these resources.
    Resource(OneOrMany<Resource>),
    /// `NotResource`: the statement covers every resource except these.
    NotResource(OneOrMany<Resource>),
}

impl ActionElement {
    /// The listed actions, whether the element is `Action` or `NotAction`.
    #[must_use]
    pub fn actions(&self) -> &OneOrMany<Action> {
        match self {
            ActionElement::Action(actions) | ActionElement::NotAction(actions) => actions,
        }
    }

    /// The element's name: `Action` or `NotAction`.
    #[must_use]
    pub fn element_name(&self) -> &'static str {
        match self {
            ActionElement::Action(_) => "Action",
            ActionElement::NotAction(_) => "NotAction",
        }
    }
}

impl ResourceElement {
    /// The listed resources, whether the element is `Resource` or `NotResource`.
    #[must_use]
    pub fn resources(&self) -> &OneOrMany<Resource> {
        match self {
            ResourceElement::Resource(resources) | ResourceElement::NotResource(resources) => {
                resources
            }
        }
    }

    /// The element's name: `Resource` or `NotResource`.
    #[must_use]
    pub fn element_name(&self) -> &'static str {
        match self {
            ResourceElement::Resource(_) => "Resource",
            ResourceElement::NotResource(_) => "NotResource",
        }
    }
}

impl PrincipalElement {
    /// The principals, whether the element is `Principal` or `NotPrincipal`.
    #[must_use]
    pub fn principal(&self) -> &Principal {
        match self {
            PrincipalElement::Principal(principal) | PrincipalElement::NotPrincipal(principal) => {
                principal
            }
        }
    }

    /// The element's name: `Principal` or `NotPrincipal`.
    #[must_use]
    pub fn element_name(&self) -> &'static str {
        match self {
            PrincipalElement::Principal(_) => "Principal",
            PrincipalElement::NotPrincipal(_) => "NotPrincipal",
        }
    }
}

/// One entry of a `Resource` element, kept as written: `*`, an ARN (possibly with wildcards and policy
/// variables), or text that is neither, which the linter reports.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Resource(String);

impl Resource {
    /// A resource entry, as written; no check is made (see [`Resource::arn`]).
    #[must_use]
    pub fn new(text: impl Into<String>) -> Self {
        Resource(text.into())
    }

    /// The entry as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the entry is `*`, every resource.
    #[must_use]
    pub fn is_any(&self) -> bool {
        self.0 == "*"
    }

    /// The entry read as an ARN.
    pub fn arn(&self) -> Result<Arn, ArnError> {
        Arn::parse(&self.0)
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Resource {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<Arn> for Resource {
    fn from(arn: Arn) -> Self {
        Resource(arn.as_str().to_owned())
    }
}

impl From<&str> for Resource {
    fn from(text: &str) -> Self {
        Resource::new(text)
    }
}

impl PolicyDocument {
    /// Reads a policy from JSON text, strictly: see [`crate::json`] for the text-level rules and the module docs
    /// for the grammar. Every problem found is reported, each with its location.
    pub fn from_json(source: &str) -> Result<Self, ParseError> {
        read::parse(source).map(|parsed| parsed.document)
    }

    /// Reads a policy and keeps its JSON tree, so that later findings can point into the source.
    pub fn parse_with_tree(source: &str) -> Result<Parsed<'_>, ParseError> {
        read::parse(source)
    }

    /// The canonical JSON text: two-space indentation, elements in IAM's documented order (`Version`, `Id`,
    /// `Statement`; `Sid`, `Effect`, `Principal`, `Action`, `Resource`, `Condition`), every value and shape kept,
    /// and a final newline.
    #[must_use]
    pub fn to_json(&self) -> String {
        write::to_json(self, true)
    }

    /// The canonical JSON on one line without spaces, as IAM counts a policy's size.
    #[must_use]
    pub fn to_json_compact(&self) -> String {
        write::to_json(self, false)
    }

    /// How many characters of [`to_json_compact`](Self::to_json_compact) are not whitespace, counted without
    /// printing: the size IAM's quotas measure.
    pub(crate) fn compact_non_whitespace_len(&self) -> usize {
        write::compact_non_whitespace_len(self)
    }

    /// The statements, in order.
    pub fn statements(&self) -> std::slice::Iter<'_, Statement> {
        self.statement.iter()
    }
}

impl FromStr for PolicyDocument {
    type Err = ParseError;

    fn from_str(source: &str) -> Result<Self, Self::Err> {
        PolicyDocument::from_json(source)
    }
}

impl fmt::Display for PolicyDocument {
    /// The canonical JSON, as [`PolicyDocument::to_json`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}
