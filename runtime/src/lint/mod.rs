//! The policy linter: kind-aware checks that report what IAM would reject, what grants nothing, and what
//! grants too much, with IAM Access Analyzer's issue codes and severities where they exist.
//!
//! One engine serves the `iamgen validate` command, the compile-time macros and the generator. It works on a
//! typed [`PolicyDocument`]; given the source text, findings also carry the line and column of the offending
//! token. Problems that stop a text from being a policy at all (JSON syntax, unknown elements, an `Effect`
//! other than `Allow`/`Deny`) come from the reader and are reported as findings too, so one call says
//! everything.
//!
//! ```
//! # extern crate iamgen_runtime as iamgen;
//! use iamgen::lint::{self, PolicyKind};
//!
//! let source = r#"{"Version": "2012-10-17", "Statement": {
//!     "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::bucket/*"}}"#;
//! let report = lint::lint_source(source, Some(PolicyKind::Identity), &lint::Options::default());
//! let finding = &report.findings[0];
//! assert_eq!(finding.code, "INVALID_ACTION");
//! assert_eq!(finding.suggestion.as_deref(), Some("s3:GetObject"));
//! ```

#[doc(no_inline)]
pub use crate::codes;

mod actions;
mod arn_overlap;
mod conditions;
mod context;
mod keys;
mod kind;
mod principals;
mod quota;
mod resources;
mod security;
mod stack;
mod structure;
mod variables;

use std::fmt;

pub use kind::infer_kind;
pub use quota::{IdentityPolicyUse, size_without_whitespace};
pub(crate) use resources::{PARTITIONS, is_region_shaped};
pub use stack::{StackFinding, lint_source_with_stack, lint_stack};

use crate::diagnostic::{Diagnostic, Severity};
use crate::json::Node;
use crate::policy::PolicyDocument;
use context::Context;

/// What a policy is for, which decides which elements it must have and which it must not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyKind {
    /// Attached to a user, group or role (also a permissions boundary or a session policy): no `Principal`.
    Identity,
    /// A role's trust policy (assume-role policy document): `Principal` required, no `Resource`.
    Trust,
    /// Attached to a resource (an S3 bucket policy, a KMS key policy ...): `Principal` required.
    Resource,
    /// An AWS Organizations service control policy: no `Principal`.
    Scp,
    /// An AWS Organizations resource control policy: `Principal` is `"*"`.
    Rcp,
}

impl PolicyKind {
    /// Every kind.
    pub const ALL: [PolicyKind; 5] = [
        PolicyKind::Identity,
        PolicyKind::Trust,
        PolicyKind::Resource,
        PolicyKind::Scp,
        PolicyKind::Rcp,
    ];

    /// The name used on the command line and in JSON output: `identity`, `trust`, `resource`, `scp`, `rcp`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Trust => "trust",
            PolicyKind::Resource => "resource",
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
        }
    }

    /// How the kind reads in a sentence: `an identity policy`, `a role trust policy`, ...
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            PolicyKind::Identity => "an identity policy",
            PolicyKind::Trust => "a role trust policy",
            PolicyKind::Resource => "a resource-based policy",
            PolicyKind::Scp => "a service control policy",
            PolicyKind::Rcp => "a resource control policy",
        }
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PolicyKind {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        PolicyKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| format!("unknown policy kind `{name}`; the kinds are identity, trust, resource, scp, rcp"))
    }
}

/// Settings that change what the linter reports.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where an identity policy is used, which sets its size quota; managed by default.
    pub identity_use: IdentityPolicyUse,
    /// Finding codes to leave out (a user's allow-list, such as `MISSING_VERSION`); a code of
    /// [`codes::REFUSED_BY_AWS`] is never left out.
    pub allow: Vec<String>,
}

/// The outcome of linting one policy text.
#[derive(Debug, Clone)]
pub struct Report {
    /// The kind the policy was checked as.
    pub kind: PolicyKind,
    /// Whether that kind was inferred from the content rather than given.
    pub kind_inferred: bool,
    /// Why the inferred kind was chosen, for users who wonder.
    pub kind_reason: Option<&'static str>,
    /// The findings, ordered by position in the source, then code.
    pub findings: Vec<Diagnostic>,
}

impl Report {
    /// Whether any finding is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|finding| finding.severity == Severity::Error)
    }
}

/// Lints a policy text: reads it strictly (reporting every reader error as a finding), then runs every check
/// for `kind`, or for the kind inferred from the content when `kind` is `None`.
#[must_use]
pub fn lint_source(source: &str, kind: Option<PolicyKind>, options: &Options) -> Report {
    match PolicyDocument::parse_with_tree(source) {
        Ok(parsed) => {
            let (kind, inferred, reason) = if let Some(kind) = kind {
                (kind, false, None)
            } else {
                let (kind, reason) = infer_kind(&parsed.document);
                (kind, true, Some(reason))
            };
            let findings = run(
                &parsed.document,
                kind,
                Some((&parsed.tree, source)),
                options,
            );
            Report {
                kind,
                kind_inferred: inferred,
                kind_reason: reason,
                findings,
            }
        }
        Err(error) => Report {
            kind: kind.unwrap_or(PolicyKind::Identity),
            kind_inferred: kind.is_none(),
            kind_reason: kind
                .is_none()
                .then_some("the text is not a policy, so no kind could be inferred"),
            findings: error
                .diagnostics()
                .iter()
                .filter(|finding| !codes::is_allowed(&options.allow, finding.code))
                .cloned()
                .collect(),
        },
    }
}

/// Lints a policy built in code, with no source: findings carry JSON pointers but no spans.
#[must_use]
pub fn lint_document(
    document: &PolicyDocument,
    kind: PolicyKind,
    options: &Options,
) -> Vec<Diagnostic> {
    run(document, kind, None, options)
}

fn run(
    document: &PolicyDocument,
    kind: PolicyKind,
    source: Option<(&Node<'_>, &str)>,
    options: &Options,
) -> Vec<Diagnostic> {
    let mut cx = Context::new(document, kind, source.map(|(tree, _)| tree));
    structure::check(&mut cx);
    variables::check(&mut cx);
    actions::check(&mut cx);
    resources::check(&mut cx);
    conditions::check(&mut cx);
    principals::check(&mut cx);
    security::check(&mut cx);
    quota::check(&mut cx, source.map(|(_, text)| text), options.identity_use);
    let mut findings = cx.into_findings();
    findings.retain(|finding| !codes::is_allowed(&options.allow, finding.code));
    findings.sort_by(|a, b| {
        (a.span.start, a.pointer.as_deref(), a.code).cmp(&(
            b.span.start,
            b.pointer.as_deref(),
            b.code,
        ))
    });
    findings.dedup_by(|a, b| a.code == b.code && a.pointer == b.pointer && a.message == b.message);
    findings
}
