//! The tests of the generator's output (feature `generate`), in one binary: each former `tests/<name>.rs` is
//! the module `<name>`, so a test keeps its name under its module path
//! (`cargo test --features generate --test generate generated_injection::`).

#[path = "../support/mod.rs"]
pub mod support;

mod cloudformation_limits;
mod diagram_svg;
mod escape_parsers;
mod fuzz_regressions;
mod generated_equivalence;
mod generated_injection;
mod generated_names;
mod generated_snapshots;
mod generated_terraform;
mod generated_validators;
