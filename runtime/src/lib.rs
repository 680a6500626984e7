//! The run-time half of iamgen: everything that runs, with no proc-macro dependencies.
//!
//! - [`json`]: a strict JSON reader that keeps the byte span of every node and rejects what IAM rejects.
//! - [`policy`]: the typed, lossless IAM policy model ([`PolicyDocument`]) and its canonical printer.
//! - [`render`] (feature `render`): the generator, for Terraform, CloudFormation, policy files and diagrams.
//! - [`stack`]: the deployable model (accounts, principals, policies, buckets) with typed references.
//! - [`names`]: the names of IAM and S3 (roles, users, paths, tags, buckets...), each checked as AWS checks it.
//! - [`typed`]: what the compile-time macros expand to (`StaticPolicy`, the `Policy` and `Role` traits).
//! - [`catalog`]: the IAM service-authorization catalogue (services, actions, resource types, condition keys).
//! - [`lint`]: kind-aware checks with IAM Access Analyzer's codes and severities.
//! - [`glob`]: IAM's `*`/`?` wildcard matching.
//! - [`diagnostic`]: located findings and their rustc-style rendering; [`source`]: spans, lines and columns.
//!
//! The macros crate depends on this one so that compile time and run time share one parser and one catalogue.

pub mod catalog;
#[cfg(feature = "aws")]
pub mod deploy;
pub mod diagnostic;
pub mod escape;
pub mod eval;
pub mod glob;
pub mod json;
pub mod lint;
pub mod names;
pub mod placeholder;
pub mod policy;
#[cfg(feature = "render")]
pub mod render;
pub mod source;
pub mod stack;
pub mod suggest;
pub mod typed;
pub mod wildcard;

pub use diagnostic::{Diagnostic, Severity};
pub use policy::{AccountId, Action, Arn, PolicyDocument, Principal, Statement};
