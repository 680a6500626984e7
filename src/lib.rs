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

pub use iamgen_runtime::{
    AccountId, Action, Arn, Diagnostic, PolicyDocument, Principal, Severity, Statement, catalog,
    diagnostic, glob, json, lint, policy, source, stack,
};

// Used by generated code. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use iamgen_runtime;
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
