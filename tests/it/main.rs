//! The integration tests that need no feature beyond the default ones, in one binary: each former
//! `tests/<name>.rs` is the module `<name>`, so a test keeps its name under its module path
//! (`cargo test --test it corpus::`). The other binaries: `tests/generate/` (feature `generate`), `tests/cli/`
//! (`cli`), `tests/deploy/` (`aws`).

#[path = "../support/mod.rs"]
pub mod support;

mod aws_managed;
mod corpus;
mod error_rendering;
mod features;
#[cfg(feature = "macros")]
mod macros;
mod references;
mod robustness;
mod sarif_schema;
mod scenario;
