//! `iamgen.toml`: a [`Stack`] declared in TOML, for people who write Terraform or CloudFormation rather than Rust.
//!
//! Accounts are declared once, by name and id; policies by name, account and JSON document; everything else
//! refers to them by name. The cross-account pattern has a table of its own that maps onto
//! [`CrossAccount`](super::cross_account::CrossAccount). `docs/spec.md` documents every key, and
//! [`json_schema`] is the spec's JSON Schema, for editors, derived from the same types the reader fills.
//!
//! ```
//! # extern crate iamgen_runtime as iamgen;
//! use iamgen::stack::spec;
//!
//! let text = r#"
//! [[account]]
//! name = "Stuzio"
//! id = "081278057606"
//!
//! [[account]]
//! name = "Acme"
//! id = "183438944504"
//!
//! [cross_account]
//! trusting = "Stuzio"
//! role.name = "StuzioAuditRole"
//!
//! [[cross_account.trusted]]
//! account = "Acme"
//! whole_account = true
//! "#;
//! let stack = spec::from_toml(text).unwrap();
//! assert_eq!(stack.accounts().len(), 2);
//!
//! let error = spec::from_toml(&text.replace("\"Acme\"\nwhole", "\"Acne\"\nwhole")).unwrap_err();
//! assert_eq!(error.code(), "UNKNOWN_ACCOUNT");
//! assert_eq!(error.position().to_string(), "15:11");
//! assert_eq!(error.help(), Some("did you mean `Acme`?"));
//! ```
//!
//! Every error points into the spec: a JSON error inside an inline policy document points at its line and
//! column in the TOML file, and an error in a policy file named by the spec is shown in that file.

mod buckets;
mod build;
mod check;
mod checked;
mod cross_account;
mod documents;
mod error;
mod raw;
mod schema;
#[cfg(test)]
mod tests;

/// The reference scenario's two accounts as spec text, for the unit tests that build small stacks in them
/// (a macro, so that `concat!` can make constants of it).
#[cfg(test)]
macro_rules! scenario_accounts {
    () => {
        "[[account]]\nname = \"Stuzio\"\nid = \"081278057606\"\n\n[[account]]\nname = \"Acme\"\nid = \"183438944504\"\n"
    };
}
#[cfg(test)]
pub(crate) use scenario_accounts;
mod sources;
mod toml_errors;

use std::path::Path;

pub use error::{PolicyFileError, SpecError};
pub use schema::{SCHEMA_ID, json_schema};
pub use sources::{PolicySource, SourceAt, sources};

use super::Stack;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use check::Reader;
use raw::RawSpec;
use toml_errors::toml_error;

/// The stack a spec declares. Policy files (`file = ...`) are read relative to the current directory; use
/// [`from_toml_at`] to read them relative to the spec's own directory.
pub fn from_toml(text: &str) -> Result<Stack, SpecError> {
    from_toml_at(text, Path::new(""))
}

/// The stack a spec declares, reading policy files (`file = ...`, `trust_file = ...`) relative to `base_dir`,
/// normally the directory the spec is in.
pub fn from_toml_at(text: &str, base_dir: &Path) -> Result<Stack, SpecError> {
    if u32::try_from(text.len()).is_err() {
        let error = Diagnostic::error(
            codes::SPEC_ERROR.name,
            "the spec is larger than 4 GiB",
            Span::default(),
            None,
        );
        return Err(SpecError::new("", vec![error], Vec::new()));
    }
    let raw: RawSpec = toml::from_str(text)
        .map_err(|error| SpecError::new(text, vec![toml_error(text, &error)], Vec::new()))?;
    let mut reader = Reader {
        source: text,
        base_dir,
        errors: Vec::new(),
        files: Vec::new(),
        accounts: Vec::new(),
        names: Vec::new(),
        declared: std::collections::HashMap::new(),
    };
    let plan = reader.check(&raw);
    for code in &raw.allow {
        if let Err(error) = codes::check_allow(code.get_ref()) {
            let help = match &error {
                codes::AllowError::Unknown(_) => "docs/lint-codes.md lists the codes".to_owned(),
                codes::AllowError::Refused(_) => {
                    "fix the policy: AWS refuses it with this finding".to_owned()
                }
            };
            reader.error(
                codes::SPEC_ERROR.name,
                error.to_string(),
                raw::span(code),
                help,
            );
        }
    }
    if !reader.errors.is_empty() {
        return Err(SpecError::new(text, reader.errors, reader.files));
    }
    let checked = reader
        .checked(&raw, plan)
        .map_err(|diagnostic| SpecError::new(text, vec![*diagnostic], Vec::new()))?;
    let mut stack = build::build(checked);
    for code in &raw.allow {
        stack.allow(code.get_ref().clone());
    }
    Ok(stack)
}
