//! # iamgen: typed AWS IAM for Rust
//!
//! iamgen reads, checks and writes AWS IAM policies. This release holds the foundation the rest of the tool
//! stands on:
//!
//! - a **lossless, typed policy model** ([`PolicyDocument`]) covering IAM's whole grammar: `Principal` and
//!   `NotPrincipal` in every form (including `"*"`, which is never dropped), `Action`/`NotAction`,
//!   `Resource`/`NotResource`, and `Condition` with every operator, `IfExists` and the
//!   `ForAllValues:`/`ForAnyValue:` qualifiers. Reading and printing keep every value and the shape of every
//!   element: a lone string stays a string, a one-element array stays an array, condition keys keep their order;
//! - a **strict reader** that rejects what IAM rejects (duplicate keys, comments, trailing commas, characters
//!   outside IAM's set, typographic quotes pasted from a web page) and says where: line, column, JSON Pointer,
//!   and what to do;
//! - the **IAM action catalogue** ([`catalog`]): every service, action, resource type and condition key of the
//!   AWS Service Authorization Reference, embedded, with case-insensitive lookups, wildcard expansion and
//!   did-you-mean.
//!
//! ```
//! use iamgen::{PolicyDocument, catalog};
//!
//! let policy = PolicyDocument::from_json(r#"{
//!     "Version": "2012-10-17",
//!     "Statement": {
//!         "Effect": "Allow",
//!         "Action": "s3:getobject",
//!         "Resource": "arn:aws:s3:::com.stuzio.projectx/*"
//!     }
//! }"#)?;
//!
//! // The shape is kept: `Statement` was a lone object and stays one.
//! assert!(policy.to_json().contains("\"Statement\": {"));
//!
//! // Actions compare case-insensitively, as IAM compares them; the catalogue knows the exact name.
//! let statement = policy.statements().next().unwrap();
//! let action = &statement.action.actions().as_slice()[0];
//! let info = catalog::catalog().action(action.as_str()).expect("a real action");
//! assert_eq!(info.to_string(), "s3:GetObject");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Errors point at the source:
//!
//! ```
//! let pasted = "{\n  “Version”: “2012-10-17”\n}";
//! let error = iamgen::PolicyDocument::from_json(pasted).unwrap_err();
//! assert!(error.to_string().starts_with("2:3: typographic quote `“` (U+201C"));
//! ```
//!
//! The command line (`iamgen fmt`, and the commands to come) is described in the README.
#![warn(missing_docs)]

#[cfg(feature = "aws")]
pub use iamgen_runtime::deploy;
#[cfg(feature = "generate")]
pub use iamgen_runtime::render;
pub use iamgen_runtime::typed::{
    BucketName, BuildError, Policy, PolicyValue, Role, StaticPolicy, ValueError,
};
pub use iamgen_runtime::{
    AccountId, Action, Arn, Diagnostic, PolicyDocument, Principal, Severity, Statement, catalog,
    diagnostic, escape, eval, glob, json, lint, policy, source, stack,
};

/// An IAM policy written as JSON inside Rust, checked at compile time by the same linter as `iamgen validate`.
///
/// The first word is the policy's kind: `identity`, `trust`, `resource`, `scp` or `rcp`. Then, optionally,
/// `allow(CODE, ...)` to accept warnings by their codes. Then the policy as a JSON object. The value is a
/// [`StaticPolicy`] whose canonical JSON was computed by the macro, so it can be a `const` or a `static`.
///
/// ```
/// use iamgen::policy;
///
/// const READ_PROJECT_X: iamgen::StaticPolicy = policy!(identity {
///     "Version": "2012-10-17",
///     "Statement": [{
///         "Effect": "Allow",
///         "Action": ["s3:GetObject", "s3:ListBucket"],
///         "Resource": ["arn:aws:s3:::com.stuzio.projectx", "arn:aws:s3:::com.stuzio.projectx/*"]
///     }]
/// });
/// assert!(READ_PROJECT_X.json().contains("\"s3:GetObject\""));
/// ```
///
/// An error-severity finding is a compile error on the token that caused it, with a did-you-mean:
///
/// ```compile_fail
/// iamgen::policy!(identity { "Version": "2012-10-17", "Statement": {
///     "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*" } });
/// ```
///
/// A warning (a security warning, or a warning such as `MISSING_VERSION`) is reported as a deprecation
/// warning at its token; `allow(CODE)` accepts it:
///
/// ```
/// let admin = iamgen::policy!(identity, allow(WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT) {
///     "Version": "2012-10-17",
///     "Statement": { "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::com.stuzio.projectx/*" }
/// });
/// assert_eq!(admin.kind(), iamgen::lint::PolicyKind::Identity);
/// ```
///
/// Available with the `macros` feature (on by default).
#[cfg(feature = "macros")]
pub use iamgen_macros::policy;

/// Derives [`Policy`] for a struct whose `#[statement(...)]` attributes declare the statements; `{field}`
/// placeholders in strings are filled from the struct's fields when [`Policy::document`] is called.
///
/// Attributes: `#[policy(kind = identity, name = "...", version = "2012-10-17", id = "...", allow(CODE, ...))]`
/// (all optional) and one `#[statement(...)]` per statement with `sid = "..."`, `effect = Allow` or `Deny`
/// (default `Allow`), `action`/`not_action`, `resource`/`not_resource` (a string, or `[...]` of them, or
/// `role(RoleType)` for a role's ARN), `principal = "*"` or `principal(aws = ..., service = ...)`, and
/// `condition = { JSON }`. The template is checked at compile time, with placeholders standing for values of
/// the right shape; the values are checked when the document is built.
///
/// ```
/// use iamgen::{BucketName, Policy};
///
/// #[derive(Policy)]
/// #[statement(sid = "ReadObjects", action = ["s3:GetObject"], resource = "arn:aws:s3:::{bucket}/*")]
/// struct ReadBucket {
///     bucket: BucketName,
/// }
///
/// let policy = ReadBucket { bucket: BucketName::new("com.stuzio.projectx").unwrap() };
/// assert!(policy.to_json().unwrap().contains("arn:aws:s3:::com.stuzio.projectx/*"));
/// ```
///
/// Derive macro available with the `macros` feature (on by default).
#[cfg(feature = "macros")]
pub use iamgen_macros::Policy;

/// Derives [`Role`] for a struct: `#[role(account = "...", name = "...", path = "/", description = "...",
/// max_session_duration = 3600, allow(CODE, ...))]`, one or more `#[trust(account = "...")]`, `#[trust(arn =
/// "...")]`, `#[trust(service = "...")]`, `#[trust(federated = "...")]`, `#[trust(external_id = "...")]`,
/// `#[trust(mfa)]`, `#[attach(PolicyType, ...)]` (by type: a misspelt policy does not compile),
/// `#[permissions_boundary(PolicyType)]` and `#[tag(key = "...", value = "...")]`.
///
/// ```
/// use iamgen::{Policy, Role};
///
/// #[derive(Policy)]
/// #[statement(action = "s3:ListAllMyBuckets", resource = "*")]
/// struct ListBuckets;
///
/// #[derive(Role)]
/// #[role(account = "081278057606")]
/// #[trust(account = "183438944504", external_id = "stuzio-acme")]
/// #[attach(ListBuckets)]
/// struct Consultant;
///
/// assert_eq!(Consultant::ARN, "arn:aws:iam::081278057606:role/Consultant");
/// assert_eq!(Consultant::POLICIES, ["ListBuckets"]);
/// ```
///
/// Derive macro available with the `macros` feature (on by default).
#[cfg(feature = "macros")]
pub use iamgen_macros::Role;

#[cfg(feature = "generate")]
pub mod build_script;

// Used by generated code. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use iamgen_runtime;
    pub use iamgen_runtime::PolicyDocument;
    pub use iamgen_runtime::lint::PolicyKind;
    pub use iamgen_runtime::typed::__render as render;
    pub use iamgen_runtime::typed::{BuildError, Policy, PolicyValue, Role, StaticPolicy};
    pub use std::borrow::ToOwned;
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
