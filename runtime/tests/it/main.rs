//! The runtime's integration tests, in one binary: each former `tests/<name>.rs` is the module `<name>`, so a
//! test keeps its name under its module path (`cargo test -p iamgen-runtime --test it eval_rules::`).

#[path = "../support/mod.rs"]
pub mod support;

mod access_matrix;
mod catalog;
mod diagnostic_render;
mod eval_dates;
mod eval_properties;
mod eval_rules;
mod global_keys;
mod lint_checks;
mod lint_stack;
mod lint_verdicts;
mod pattern;
mod policy;
mod simulate_scenario;
#[cfg(feature = "spec")]
mod spec;
#[cfg(feature = "spec")]
mod spec_buckets;
