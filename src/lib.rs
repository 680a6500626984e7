//! # iamgen: typed AWS IAM for Rust
//!
//! iamgen writes AWS IAM policies in Rust, checks them as IAM and IAM Access Analyzer would, and ships them as
//! Terraform or CloudFormation, or straight through the AWS SDK. This crate is the one to depend on: it
//! re-exports the run-time library (`iamgen-runtime`) and the macros (`iamgen-macros`), and its features choose
//! how much comes along.
//!
//! | feature | what it adds |
//! |---|---|
//! | `macros` (default) | [`policy!`], `#[derive(Policy)]`, `#[derive(Role)]`: policies checked at compile time |
//! | `generate` | [`render`] (Terraform, CloudFormation, policy files, diagrams), [`stack::spec`] (`iamgen.toml`), [`build_script`] |
//! | `aws` | [`deploy`]: plan, apply, import and verify a stack through the AWS SDK |
//! | `cli` | the `iamgen` binary (`cargo install iamgen --features cli`) |
//!
//! Without any feature, the crate still holds:
//!
//! - a **lossless, typed policy model** ([`PolicyDocument`]) covering IAM's whole grammar: `Principal` and
//!   `NotPrincipal` in every form (including `"*"`, which is never dropped), `Action`/`NotAction`,
//!   `Resource`/`NotResource`, and `Condition` with every operator, `IfExists` and the
//!   `ForAllValues:`/`ForAnyValue:` qualifiers. Reading and printing keep every value and the shape of every
//!   element: a lone string stays a string, a one-element array stays an array, condition keys keep their order;
//! - a **strict reader** ([`json`]) that rejects what IAM rejects (duplicate keys, comments, trailing commas,
//!   characters outside IAM's set, typographic quotes pasted from a web page) and says where: line, column,
//!   JSON Pointer, and what to do;
//! - the **IAM action catalogue** ([`catalog`]): every service, action, resource type and condition key of the
//!   AWS Service Authorization Reference, embedded, with case-insensitive lookups, wildcard expansion and
//!   did-you-mean;
//! - the **linter** ([`lint`]): kind-aware checks under IAM Access Analyzer's codes and severities (every code
//!   is listed in [`lint::codes`]), the engine of `iamgen validate` and of the macros;
//! - the **evaluator** ([`eval`]): AWS's policy evaluation logic (explicit deny, resource-based and
//!   identity-based policies, permissions boundaries, session policies, SCPs and RCPs, the cross-account rule),
//!   the engine of `iamgen simulate`;
//! - the **stack model** ([`stack`]): accounts, roles, users, groups, policies and buckets with typed
//!   references, the input of the generator and of deploying.
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
//! Asking the evaluator whether a user's policy lets it read an object:
//!
//! ```
//! use iamgen::PolicyDocument;
//! use iamgen::eval::{self, Caller, Context, Decision, Named, Policies};
//!
//! let document = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": {
//!     "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::com.stuzio.projectx/*" }}"#)?;
//! let policies = Policies {
//!     identity: vec![Named { name: "ReadProjectX", document: &document }],
//!     ..Policies::default()
//! };
//! let evaluation = eval::evaluate(
//!     &Caller::new("arn:aws:iam::081278057606:user/Troy"),
//!     "s3:GetObject",
//!     "arn:aws:s3:::com.stuzio.projectx/report.csv",
//!     "081278057606",
//!     &policies,
//!     &Context::new(),
//! );
//! assert_eq!(evaluation.decision, Decision::Allowed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The command line (`iamgen validate`, `fmt`, `generate`, `simulate`, `plan`, `apply`, `import`, `verify`) is
//! described in the README.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Deploying a [`Stack`](stack::Stack) through the AWS SDK: [`plan()`](deploy::plan()) what would change in
/// every account the stack touches, [`apply()`](deploy::apply()) a plan, [`import_role()`](deploy::import_role())
/// to bring existing roles in as a spec or Rust source, and [`verify()`](deploy::verify()) the cross-account chain
/// as a principal of the trusted account.
///
/// iamgen marks what it creates with the tag [`OWNER_TAG`](deploy::OWNER_TAG) (the stack's name as its value)
/// and deletes nothing without it: a role made by hand in the same account never appears in a plan. Policies
/// are compared by meaning, not text (see [`canonical`](deploy::canonical)), so an unchanged stack plans nothing.
#[cfg(feature = "aws")]
#[cfg_attr(docsrs, doc(cfg(feature = "aws")))]
pub mod deploy {
    #[doc(inline)]
    pub use iamgen_runtime::deploy::*;

    /// The AWS SDK crates iamgen deploys with, for callers that make requests of their own with the same
    /// versions.
    ///
    /// Linked, not inlined: the SDK's thousands of items would bury iamgen's own, in the pages and in their
    /// search. (This module shadows the runtime's `deploy::sdk`, whose re-exports rustdoc would inline here.)
    pub mod sdk {
        #[doc(no_inline)]
        pub use iamgen_runtime::deploy::sdk::{config, credentials, iam, s3, sts};
    }
}
#[cfg(feature = "generate")]
#[cfg_attr(docsrs, doc(cfg(feature = "generate")))]
pub use iamgen_runtime::render;
pub use iamgen_runtime::typed::{
    BucketName, BuildError, Pattern, Policy, PolicyValue, Role, StaticPolicy, ValueError, text_for,
};
pub use iamgen_runtime::{
    AccountId, Action, Arn, Diagnostic, PolicyDocument, Principal, Severity, Statement, catalog,
    diagnostic, escape, eval, glob, json, lint, names, policy, source, stack, wildcard,
};

/// An IAM policy written as JSON inside Rust, checked at compile time by the same linter as `iamgen validate`.
///
/// The first word is the policy's kind: `identity`, `trust`, `resource`, `scp` or `rcp`. Then, optionally and
/// separated by commas, `allow(CODE, ...)` to accept findings by their codes (not those that mean AWS refuses
/// the policy: docs/lint-codes.md says which), and for an identity policy `use = managed` (the default),
/// `inline_role`, `inline_group` or `inline_user`: where it is used, which sets its size quota (6,144, 10,240,
/// 5,120 or 2,048 characters; the CLI's `--identity-use`). Then the policy as a JSON object. The value is a
/// [`StaticPolicy`] whose JSON was computed by the macro, so it can be a `const` or a `static`; its text is the
/// one whose size was checked ([`text_for`]).
///
/// ```
/// let inline = iamgen::policy!(identity, use = inline_role {
///     "Version": "2012-10-17",
///     "Statement": { "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*" }
/// });
/// assert!(inline.json().contains("s3:ListAllMyBuckets"));
/// ```
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
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
pub use iamgen_macros::policy;

/// Derives [`Policy`] for a struct whose `#[statement(...)]` attributes declare the statements; `{field}`
/// placeholders in strings are filled from the struct's fields when [`Policy::document`] is called.
///
/// Attributes: `#[policy(kind = identity, name = "...", version = "2012-10-17", id = "...", use = inline_role,
/// allow(CODE, ...))]` (all optional; `use` as in [`policy!`]) and one `#[statement(...)]` per statement with `sid = "..."`, `effect = Allow` or `Deny`
/// (default `Allow`), `action`/`not_action`, `resource`/`not_resource` (a string, or `[...]` of them, or
/// `role(RoleType)` for a role's ARN), `principal = "*"` or `principal(aws = ..., service = ...)`, and
/// `condition = { JSON }`. The template is checked at compile time, with each placeholder standing for a value
/// of its position's shape (letters for a `Sid`, a number under `NumericLessThan`, ...; what only the value
/// decides, such as whether the action `s3:{verb}` exists, is left to run time); the values are checked when
/// the document is built, and a bad one is a [`BuildError`] naming its field. A field's type says what it
/// holds: a `String` holds one name, never empty and without the wildcards `*` and `?`; a [`Pattern`] may hold
/// wildcards; [`BucketName`] and [`AccountId`] are checked as such.
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
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
pub use iamgen_macros::Policy;

/// Derives [`Role`] for a struct: `#[role(account = "...", name = "...", path = "/", description = "...",
/// max_session_duration = 3600, allow(CODE, ...))]`, one or more `#[trust(...)]`, `#[attach(PolicyType, ...)]`
/// (by type: a misspelt policy does not compile),
/// `#[permissions_boundary(PolicyType)]` and `#[tag(key = "...", value = "...")]`.
///
/// Each `#[trust(...)]` is one statement of the trust policy: its principals (`account = "..."`, `arn = "..."`,
/// `service = "..."`, `federated = "..."`, any number of them) and the conditions that bind those principals
/// and no others (`external_id = "..."`, `mfa`). Two partners with their own external ids are two
/// `#[trust(...)]`s; a service is trusted in one of its own, since it never has an external id or MFA (the
/// macro refuses such a condition on a service or federated principal, and a `#[trust(...)]` that names no
/// principal).
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
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
pub use iamgen_macros::Role;

#[cfg(feature = "generate")]
#[cfg_attr(docsrs, doc(cfg(feature = "generate")))]
pub mod build_script;

// Used by generated code. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use iamgen_runtime;
    pub use iamgen_runtime::PolicyDocument;
    pub use iamgen_runtime::lint::{IdentityPolicyUse, PolicyKind};
    pub use iamgen_runtime::typed::__policy_text as policy_text;
    pub use iamgen_runtime::typed::__render as render;
    pub use iamgen_runtime::typed::{BuildError, Policy, PolicyValue, Role, StaticPolicy};
    pub use std::borrow::ToOwned;
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
