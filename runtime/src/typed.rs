//! What the compile-time macros expand to: policies checked at compile time, and the traits that
//! `#[derive(Policy)]` and `#[derive(Role)]` implement.
//!
//! `policy!` yields a [`StaticPolicy`]: its canonical JSON is a `&'static str` computed by the macro, so using it
//! costs nothing at run time. A derived [`Policy`] is a template whose `{field}` placeholders are filled from the
//! struct's fields when [`Policy::document`] is called; the values are checked then, and a bad one is an
//! error, never a panic.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

use crate::lint::{self, IdentityPolicyUse, Options, PolicyKind};
// The names of AWS (`BucketName`, `RoleName`, ...) live in `names`, the model's leaf vocabulary that the stack,
// the linter and this module all use; this re-export gives derived policies' fields the one checked type they
// are most often declared with.
pub use crate::names::BucketName;
use crate::names::NameError;
use crate::placeholder::Piece;
use crate::policy::{ParseError, PolicyDocument};
use crate::{Diagnostic, Severity};

/// A policy checked at compile time by `policy!`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StaticPolicy {
    kind: PolicyKind,
    json: &'static str,
}

impl StaticPolicy {
    /// Used by `policy!`; the JSON it passes is canonical and was checked by the linter.
    #[doc(hidden)]
    #[must_use]
    pub const fn __new(kind: PolicyKind, json: &'static str) -> Self {
        StaticPolicy { kind, json }
    }

    /// What the policy is for.
    #[must_use]
    pub const fn kind(&self) -> PolicyKind {
        self.kind
    }

    /// The text to hand to AWS, as [`text_for`] prints it: the canonical indented JSON for the IAM kinds, the
    /// compact one for SCPs and RCPs, whose size Organizations counts with whitespace. Either way it is the
    /// text whose size the macro checked against the kind's quota.
    #[must_use]
    pub const fn json(&self) -> &'static str {
        self.json
    }

    /// The typed document.
    #[must_use]
    pub fn document(&self) -> PolicyDocument {
        // The macro printed this text from a document it had read, so reading it back cannot fail.
        PolicyDocument::from_json(self.json)
            .unwrap_or_else(|error| unreachable!("policy! emitted invalid JSON: {error}"))
    }
}

impl fmt::Display for StaticPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.json)
    }
}

/// Why a derived policy or role could not be built from its fields' values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A value cannot stand where the placeholder is (a quote, a control character, a brace).
    #[error("the value of `{field}` in `{name}` cannot stand in a policy: {reason}")]
    InvalidValue {
        /// The policy or role.
        name: &'static str,
        /// The field.
        field: &'static str,
        /// What is wrong with the value.
        #[source]
        reason: ValueError,
    },
    /// With the values filled in, the policy is not valid: the linter's errors.
    #[error("`{name}` is not a valid policy with these values: {}{}", .findings.iter().map(|f| format!("{} at {} ({})", f.message, f.pointer.as_deref().unwrap_or(""), f.code)).collect::<Vec<_>>().join("; "), fields_clause(.fields))]
    Invalid {
        /// The policy or role.
        name: &'static str,
        /// The error findings.
        findings: Vec<Diagnostic>,
        /// The fields whose values the findings are about, in the order of the struct's placeholders (empty
        /// when the findings are about the text around the values).
        fields: Vec<&'static str>,
    },
    /// The filled-in text is not a policy at all (cannot happen for templates the macro accepted, but a value
    /// could in principle break the text).
    #[error("`{name}` does not read as a policy with these values: {error}")]
    Unreadable {
        /// The policy or role.
        name: &'static str,
        /// The reader's error.
        error: ParseError,
    },
}

/// The end of [`BuildError::Invalid`]'s message: which fields' values the findings are in.
fn fields_clause(fields: &[&'static str]) -> String {
    match fields {
        [] => String::new(),
        [field] => format!(" (in the value of `{field}`)"),
        _ => format!(
            " (in the values of {})",
            crate::suggest::code_list(fields.iter().copied())
        ),
    }
}

/// Why a value cannot fill a `{placeholder}` of a derived policy: what [`PolicyValue::policy_text`] refuses,
/// and what [`BuildError::InvalidValue`] holds.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// A character that would break the policy's JSON text or its placeholders: a quote, a backslash, a brace or
    /// a control character.
    #[error("it contains {0:?}, which cannot stand inside a policy value")]
    Character(char),
    /// The value is empty: in a policy it would name nothing (an ARN without its bucket, an account, ...).
    #[error("it is empty, so it would name nothing")]
    Empty,
    /// The value holds a wildcard (`*` or `?`), but the field's type holds one name: a `String` given `"*"`
    /// would grant every bucket, account or role. A field meant to hold a wildcard says so with the type
    /// [`Pattern`].
    #[error(
        "it contains the wildcard {0:?}, but the field holds one name; give the field the type `iamgen::Pattern` where a wildcard is meant"
    )]
    Wildcard(char),
    /// A name AWS would refuse, as the value's type checked it (a [`BucketName`], say).
    #[error(transparent)]
    Name(#[from] NameError),
    /// The reason of a value type outside iamgen, kept as its own error (see [`ValueError::custom`]).
    #[error(transparent)]
    Custom(Arc<dyn Error + Send + Sync + 'static>),
}

impl ValueError {
    /// Wraps the error of a [`PolicyValue`] type of yours, keeping it as the source.
    pub fn custom(error: impl Into<Box<dyn Error + Send + Sync + 'static>>) -> Self {
        ValueError::Custom(Arc::from(error.into()))
    }
}

// `Custom` holds a foreign error that need not be comparable: two are equal when they are the same error or say
// the same thing, so that `BuildError` stays `PartialEq` for tests.
impl PartialEq for ValueError {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ValueError::Character(a), ValueError::Character(b))
            | (ValueError::Wildcard(a), ValueError::Wildcard(b)) => a == b,
            (ValueError::Empty, ValueError::Empty) => true,
            (ValueError::Name(a), ValueError::Name(b)) => a == b,
            (ValueError::Custom(a), ValueError::Custom(b)) => {
                Arc::ptr_eq(a, b) || a.to_string() == b.to_string()
            }
            _ => false,
        }
    }
}

impl Eq for ValueError {}

/// A policy declared with `#[derive(Policy)]`: a JSON template checked at compile time, filled from the struct's
/// fields.
pub trait Policy {
    /// The policy's name: the struct's name, or the one given with `#[iamgen(name = "...")]`.
    const NAME: &'static str;
    /// What the policy is for.
    const KIND: PolicyKind;
    /// The JSON template, with `{field}` placeholders, printed as [`text_for`] prints the kind.
    const TEMPLATE: &'static str;
    /// Where an identity policy is used (`#[policy(use = inline_role)]`), which sets its size quota; a
    /// managed policy unless said.
    const IDENTITY_USE: IdentityPolicyUse = IdentityPolicyUse::Managed;

    /// The document with this value's fields filled in, checked by the linter.
    fn document(&self) -> Result<PolicyDocument, BuildError>;

    /// The text of [`Policy::document`] to hand to AWS, as [`text_for`] prints it: indented for the IAM kinds,
    /// compact for SCPs and RCPs (Organizations counts whitespace against their quota, and the check counted
    /// the compact text).
    fn to_json(&self) -> Result<String, BuildError> {
        self.document()
            .map(|document| text_for(Self::KIND, &document))
    }
}

/// The text of a policy of `kind` to hand to AWS, the one its size quota is checked on: the canonical
/// indented JSON ([`PolicyDocument::to_json`]) for identity, trust and resource policies, whose size IAM counts
/// without whitespace; the compact one ([`PolicyDocument::to_json_compact`]) for SCPs and RCPs, whose size
/// Organizations counts with whitespace (a 4,795-character SCP is 8,446 characters indented, over the 5,120
/// allowed).
#[must_use]
pub fn text_for(kind: PolicyKind, document: &PolicyDocument) -> String {
    match kind {
        PolicyKind::Scp | PolicyKind::Rcp => document.to_json_compact(),
        PolicyKind::Identity | PolicyKind::Trust | PolicyKind::Resource => document.to_json(),
    }
}

/// A role declared with `#[derive(Role)]`.
pub trait Role {
    /// The role's name.
    const NAME: &'static str;
    /// The IAM path, `/` by default.
    const PATH: &'static str;
    /// The twelve-digit id of the account the role is in.
    const ACCOUNT: &'static str;
    /// The role's ARN, `arn:aws:iam::{ACCOUNT}:role{PATH}{NAME}`.
    const ARN: &'static str;
    /// The description, if any.
    const DESCRIPTION: Option<&'static str>;
    /// The longest session in seconds, if set (3,600 to 43,200).
    const MAX_SESSION_DURATION: Option<u32>;
    /// Tags, in order.
    const TAGS: &'static [(&'static str, &'static str)];
    /// The trust policy, checked at compile time.
    const TRUST: StaticPolicy;
    /// The names of the managed policies attached, each from a type that implements [`Policy`].
    const POLICIES: &'static [&'static str];
    /// The name of the permissions boundary policy, if any.
    const PERMISSIONS_BOUNDARY: Option<&'static str>;
}

/// A value that can fill a `{placeholder}` of a derived policy.
///
/// Implemented for strings, numbers, booleans and [`crate::AccountId`]; a type of yours can implement it to
/// check its values (`BucketName`, say) before they reach a policy.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot fill a placeholder of a derived policy",
    label = "this field fills a `{{placeholder}}`, so its type must implement `PolicyValue`",
    note = "strings, numbers, `bool`, `AccountId` and `BucketName` can; implement `iamgen::PolicyValue` for `{Self}` to say how it is written in a policy"
)]
pub trait PolicyValue {
    /// The text to put in the policy, or why this value cannot stand in one.
    fn policy_text(&self) -> Result<String, ValueError>;
}

/// A string field holds one name: not nothing, and no wildcard (which would widen the policy to every name
/// that matches); [`Pattern`] is the type that takes one.
impl PolicyValue for str {
    fn policy_text(&self) -> Result<String, ValueError> {
        if self.is_empty() {
            return Err(ValueError::Empty);
        }
        match self.chars().find(|ch| matches!(ch, '*' | '?')) {
            Some(wildcard) => Err(ValueError::Wildcard(wildcard)),
            None => Ok(self.to_owned()),
        }
    }
}

impl PolicyValue for String {
    fn policy_text(&self) -> Result<String, ValueError> {
        self.as_str().policy_text()
    }
}

/// A field value that may hold IAM's wildcards `*` and `?`: the type that says a wildcard is meant where a
/// `String` field refuses one (`resource = "arn:aws:iam::{account}:role/{name}"` with `name:
/// Pattern` takes `reports-*`). It still may not be empty.
///
/// ```
/// # extern crate iamgen_runtime as iamgen;
/// use iamgen::typed::{Pattern, PolicyValue};
///
/// // With `roles: Pattern`, `resource = "arn:aws:iam::081278057606:role/{roles}"` takes `reports-*` ...
/// assert_eq!(Pattern::new("reports-*").policy_text().unwrap(), "reports-*");
/// // ... which a `String` field refuses.
/// assert!("reports-*".to_owned().policy_text().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pattern(String);

impl Pattern {
    /// The pattern `text`, wildcards and all.
    pub fn new(text: impl Into<String>) -> Pattern {
        Pattern(text.into())
    }

    /// The pattern's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PolicyValue for Pattern {
    fn policy_text(&self) -> Result<String, ValueError> {
        if self.0.is_empty() {
            Err(ValueError::Empty)
        } else {
            Ok(self.0.clone())
        }
    }
}

impl<T: PolicyValue + ?Sized> PolicyValue for &T {
    fn policy_text(&self) -> Result<String, ValueError> {
        (**self).policy_text()
    }
}

impl PolicyValue for crate::AccountId {
    fn policy_text(&self) -> Result<String, ValueError> {
        Ok(self.as_str().to_owned())
    }
}

macro_rules! display_values {
    ($($ty:ty),*) => {$(
        impl PolicyValue for $ty {
            fn policy_text(&self) -> Result<String, ValueError> {
                Ok(self.to_string())
            }
        }
    )*};
}

display_values!(u8, u16, u32, u64, usize, i32, i64, bool);

/// The text of one field's value. Used by the code `#[derive(Policy)]` generates, with the field's type
/// written out: a type that cannot fill a placeholder is then an error on the field's type.
#[doc(hidden)]
pub fn __policy_text<T: PolicyValue + ?Sized>(value: &T) -> Result<String, ValueError> {
    value.policy_text()
}

/// Fills a template's `{field}` placeholders ([`crate::placeholder`]) and checks the result with the linter.
/// Used by the code `#[derive(Policy)]` generates.
#[doc(hidden)]
pub fn __render(
    name: &'static str,
    kind: PolicyKind,
    identity_use: IdentityPolicyUse,
    template: &'static str,
    values: &[(&'static str, Result<String, ValueError>)],
) -> Result<PolicyDocument, BuildError> {
    for (field, value) in values {
        let value = value.as_ref().map_err(|reason| BuildError::InvalidValue {
            name,
            field,
            reason: reason.clone(),
        })?;
        if let Some(bad) = value
            .chars()
            .find(|ch| matches!(ch, '"' | '\\' | '{' | '}') || ch.is_control())
        {
            return Err(BuildError::InvalidValue {
                name,
                field,
                reason: ValueError::Character(bad),
            });
        }
    }
    // Filled by the placeholders' one grammar, remembering where each field's value went, so that a finding
    // in a value can name its field.
    let mut text = String::with_capacity(template.len());
    let mut filled: Vec<(std::ops::Range<usize>, &'static str)> = Vec::new();
    for (_, piece) in crate::placeholder::pieces(template) {
        match piece {
            Piece::Text(part) => text.push_str(part),
            Piece::Placeholder(placeholder) => {
                if let Some((field, Ok(value))) =
                    values.iter().find(|(field, _)| *field == placeholder)
                {
                    let start = text.len();
                    text.push_str(value);
                    filled.push((start..text.len(), field));
                } else {
                    text.push('{');
                    text.push_str(placeholder);
                    text.push('}');
                }
            }
            Piece::Stray(_) => text.push('{'),
        }
    }
    let document =
        PolicyDocument::from_json(&text).map_err(|error| BuildError::Unreadable { name, error })?;
    let options = Options {
        identity_use,
        ..Options::default()
    };
    let findings: Vec<Diagnostic> = lint::lint_source(&text, Some(kind), &options)
        .findings
        .into_iter()
        .filter(|finding| finding.severity == Severity::Error)
        .collect();
    if findings.is_empty() {
        return Ok(document);
    }
    // A finding is about a value when its span or the element its pointer names (a condition key's values,
    // say) holds the value.
    let tree = crate::json::parse(&text).ok();
    let about: Vec<std::ops::Range<usize>> = findings
        .iter()
        .flat_map(|finding| {
            let element = tree
                .as_ref()
                .zip(finding.pointer.as_deref())
                .and_then(|(tree, pointer)| tree.pointer(pointer))
                // A statement or a condition block holds many values: a finding about it as a whole is not
                // about any one of them.
                .filter(|node| !matches!(node.value, crate::json::Value::Object(_)))
                .map(|node| node.span);
            std::iter::once(finding.span)
                .chain(element)
                .map(|span| span.start as usize..(span.end as usize).max(span.start as usize + 1))
        })
        .collect();
    let mut fields: Vec<&'static str> = Vec::new();
    for (range, field) in &filled {
        let inside = about
            .iter()
            .any(|span| span.start < range.end && range.start < span.end);
        if inside && !fields.contains(field) {
            fields.push(field);
        }
    }
    Err(BuildError::Invalid {
        name,
        findings,
        fields,
    })
}

/// Checks a bucket name against S3's rules; see [`BucketName`] for them.
pub fn check_bucket_name(name: &str) -> Result<(), NameError> {
    BucketName::check(name)
}

impl PolicyValue for BucketName {
    fn policy_text(&self) -> Result<String, ValueError> {
        Ok(self.as_str().to_owned())
    }
}

/// An identity policy `P` rendered from `template` with one field's value, as a derive renders it.
#[cfg(test)]
pub(crate) fn render_with(
    template: &'static str,
    field: &'static str,
    value: Result<String, ValueError>,
) -> Result<PolicyDocument, BuildError> {
    __render(
        "P",
        PolicyKind::Identity,
        IdentityPolicyUse::Managed,
        template,
        &[(field, value)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_are_checked_where_they_are_used() {
        assert!(check_bucket_name("com.stuzio.projectx").is_ok());
        let error = check_bucket_name("amzn-s3-demo-bucket")
            .unwrap_err()
            .to_string();
        assert!(error.contains("starts with `amzn-s3-demo-`"), "{error}");
    }

    #[test]
    fn render_fills_checks_and_rejects() {
        let template = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::{bucket}/*\"}}";
        let document =
            render_with(template, "bucket", Ok("com.stuzio.projectx".to_owned())).unwrap();
        assert!(
            document
                .to_json()
                .contains("arn:aws:s3:::com.stuzio.projectx/*")
        );
        let quote = render_with(template, "bucket", Ok("a\"b".to_owned()));
        assert!(matches!(
            quote,
            Err(BuildError::InvalidValue {
                field: "bucket",
                ..
            })
        ));
        let bad = render_with(
            template,
            "bucket",
            BucketName::new("Bad_Name")
                .map(BucketName::into_string)
                .map_err(ValueError::from),
        );
        let Err(BuildError::InvalidValue { reason, .. }) = &bad else {
            panic!("{bad:?}")
        };
        // The name's own error is kept as the source, not flattened to its text.
        assert!(matches!(reason, ValueError::Name(_)));
        assert!(Error::source(&bad.unwrap_err()).is_some());
        let account_template = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"iam:GetRole\",\"Resource\":\"arn:aws:iam::{account}:role/R\"}}";
        let short = render_with(account_template, "account", Ok("12345".to_owned()));
        let Err(BuildError::Invalid { findings, .. }) = short else {
            panic!("{short:?}")
        };
        assert_eq!(findings[0].code, "INVALID_ARN_ACCOUNT");
    }
}
