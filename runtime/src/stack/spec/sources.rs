//! Where each policy of a spec is written: a file it names, or a document inline in the spec. A stack's
//! findings name their policy (`policy StuzioProjectXPolicy`, `trust policy of role R`); with these a tool
//! places them on the line that wrote it.

use super::raw::{RawInline, RawSpec, span};
use super::toml_errors::content_offset;
use crate::source::Span;

/// Where one policy of a spec is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySource {
    /// The policy as a stack's findings name it: `policy NAME`, `trust policy of role NAME`,
    /// `inline policy NAME of user|group|role NAME`.
    pub subject: String,
    /// Where the document is.
    pub at: SourceAt,
    /// The table that declares the policy, in the spec.
    pub declared: Span,
}

/// Where a policy's document is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceAt {
    /// A file, as the spec names it (relative to the spec's directory).
    File(String),
    /// Inline in the spec, byte for byte at these bytes.
    Inline(Span),
    /// Inline in the spec, in a string whose escapes move its bytes: only the string's span is known.
    InlineEscaped(Span),
    /// Made by the `[cross_account]` pattern from its settings (`declared` is the pattern's table).
    Pattern,
}

/// Where each policy of the spec `text` is written, in the spec's order; empty when it is not a spec that
/// reads (its errors are [`super::from_toml`]'s to give).
#[must_use]
pub fn sources(text: &str) -> Vec<PolicySource> {
    let Ok(raw) = toml::from_str::<RawSpec>(text) else {
        return Vec::new();
    };
    let document = |inline: Option<&super::raw::Text>, file: Option<&super::raw::Text>| {
        if let Some(file) = file {
            return Some(SourceAt::File(file.get_ref().clone()));
        }
        let inline = inline?;
        Some(
            match content_offset(text, inline.span(), inline.get_ref()) {
                Some(offset) => {
                    SourceAt::Inline(Span::new(offset, offset + inline.get_ref().len()))
                }
                None => SourceAt::InlineEscaped(span(inline)),
            },
        )
    };
    let mut found = Vec::new();
    for policy in &raw.policy {
        let raw_policy = policy.get_ref();
        if let Some(at) = document(raw_policy.document.as_ref(), raw_policy.file.as_ref()) {
            found.push(PolicySource {
                subject: format!("policy {}", raw_policy.name.get_ref()),
                at,
                declared: span(policy),
            });
        }
    }
    let mut inline = |owner: String, policies: &[toml::Spanned<RawInline>]| {
        for policy in policies {
            let raw_inline = policy.get_ref();
            if let Some(at) = document(raw_inline.document.as_ref(), raw_inline.file.as_ref()) {
                found.push(PolicySource {
                    subject: format!("inline policy {} of {owner}", raw_inline.name.get_ref()),
                    at,
                    declared: span(policy),
                });
            }
        }
    };
    for user in &raw.user {
        inline(
            format!("user {}", user.get_ref().name.get_ref()),
            &user.get_ref().inline,
        );
    }
    for group in &raw.group {
        inline(
            format!("group {}", group.get_ref().name.get_ref()),
            &group.get_ref().inline,
        );
    }
    for role in &raw.role {
        inline(
            format!("role {}", role.get_ref().name.get_ref()),
            &role.get_ref().inline,
        );
    }
    for role in &raw.role {
        let raw_role = role.get_ref();
        if let Some(at) = document(raw_role.trust.as_ref(), raw_role.trust_file.as_ref()) {
            found.push(PolicySource {
                subject: format!("trust policy of role {}", raw_role.name.get_ref()),
                at,
                declared: span(role),
            });
        }
    }
    if let Some(pattern) = &raw.cross_account {
        let role = pattern.get_ref().role.get_ref();
        found.push(PolicySource {
            subject: format!("trust policy of role {}", role.name.get_ref()),
            at: SourceAt::Pattern,
            declared: span(pattern),
        });
    }
    found
}
