//! The command line's tests through the built binary (feature `cli`), in one binary: each former
//! `tests/<name>.rs` is the module `<name>`, so a test keeps its name under its module path
//! (`cargo test --features cli --test cli cli_validate::`). The deploy commands' are in `tests/deploy/`.

#[path = "../support/mod.rs"]
pub mod support;

mod cli_check;
mod cli_ci_kit;
mod cli_fmt;
mod cli_generate;
mod cli_generate_spec;
mod cli_inputs;
mod cli_schema;
mod cli_shell;
mod cli_simulate;
mod cli_simulate_batch;
mod cli_validate;
mod cli_validate_templates;
