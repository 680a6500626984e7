//! Shared helpers of the integration tests (`tests/{it,cli,generate,deploy}/`): the seeded random generator,
//! assertions on text, SARIF validation, the spec's JSON Schema, the stacks to render, the external tools, Terraform (parsing, the
//! provider schema, evaluation), CloudFormation (evaluation), and moto with a fault-injecting proxy.
//!
//! Included once by each test binary's `main.rs` as `pub mod support;` (`pub`, since every helper is `pub`
//! and a binary uses only some of them). The modules that need the generator or the SDK are there only with
//! the feature.
//!
//! The helpers panic with a message naming the file and the value whenever the output is not what it should
//! be: that is how a test fails, so their docs do not list the panics.
#![allow(
    clippy::missing_panics_doc,
    reason = "test helpers fail the test by panicking"
)]

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "generate")]
pub mod cloudformation;
#[cfg(feature = "aws")]
pub mod deploy;
pub mod files;
pub mod moto;
// The runtime's tests use the same generator; it lives with them, since that package must stand alone.
#[path = "../../runtime/tests/support/rng.rs"]
pub mod rng;
pub mod sarif;
#[cfg(feature = "generate")]
pub mod spec_schema;
#[cfg(feature = "generate")]
pub mod stacks;
#[cfg(feature = "generate")]
pub mod terraform;
#[path = "../../runtime/tests/support/text.rs"]
pub mod text;
pub mod tools;
