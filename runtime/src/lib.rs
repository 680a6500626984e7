//! The run-time half of iamgen: everything that runs, with no proc-macro dependencies. Use it through the
//! `iamgen` facade crate, which re-exports it and documents what each feature adds; the macros crate depends on
//! this one so that compile time and run time share one reader, one catalogue and one linter.
//!
//! From the bottom layer up:
//!
//! - [`source`]: spans, lines and columns; [`diagnostic`]: located findings and their rustc-style rendering;
//!   [`suggest`]: did-you-mean; [`wildcard`]: one linear `*`/`?` matcher, and [`glob`]: IAM's use of it;
//!   [`escape`]: quoting for HCL, YAML and JSON; [`names`]: the names of IAM and S3 (roles, users, paths,
//!   tags, buckets...), each checked as AWS checks it.
//! - [`json`]: a strict JSON reader that keeps the byte span of every node and rejects what IAM rejects.
//! - [`policy`]: the typed, lossless IAM policy model ([`PolicyDocument`]) and its canonical printer.
//! - [`catalog`]: the IAM service-authorization catalogue (services, actions, resource types, condition keys).
//! - [`codes`]: the registry of every finding code (also `lint::codes`), a leaf the readers and the stack name
//!   codes from without depending on the linter.
//! - [`lint`]: kind-aware checks under IAM Access Analyzer's codes and severities.
//! - [`eval`]: AWS's policy evaluation logic, for one request and for a stack's cross-account chain.
//! - [`stack`]: the deployable model (accounts, principals, policies, buckets) with typed references, and
//!   (feature `spec`) its `iamgen.toml` reader.
//! - [`typed`]: what the compile-time macros expand to (`StaticPolicy`, the `Policy` and `Role` traits), and
//!   [`placeholder`]: the `{field}` grammar their templates use.
//! - `render` (feature `render`): the generator, for Terraform, CloudFormation, policy files and diagrams.
//! - `deploy` (feature `aws`): plan, apply, import and verify a stack through the AWS SDK.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod catalog;
pub mod codes;
#[cfg(feature = "aws")]
#[cfg_attr(docsrs, doc(cfg(feature = "aws")))]
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
#[cfg_attr(docsrs, doc(cfg(feature = "render")))]
pub mod render;
pub mod source;
pub mod stack;
pub mod suggest;
pub mod typed;
pub mod wildcard;

pub use diagnostic::{Diagnostic, Severity};
pub use policy::{AccountId, Action, Arn, PolicyDocument, Principal, Statement};
