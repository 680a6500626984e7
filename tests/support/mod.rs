//! Shared helpers for the tests of the generator's output (`tests/generated_*.rs`) and of deploying
//! (`tests/deploy.rs`): the stacks to render, the external tools, Terraform (parsing, the provider schema,
//! evaluation), CloudFormation (evaluation), and moto with a fault-injecting proxy.
//!
//! Included by each of those tests as `pub mod support;` (`pub`, since every helper is `pub` and a test uses
//! only some of them).
//!
//! The helpers panic with a message naming the file and the value whenever the output is not what it should
//! be: that is how a test fails, so their docs do not list the panics.
#![allow(
    clippy::missing_panics_doc,
    reason = "test helpers fail the test by panicking"
)]

pub mod cloudformation;
pub mod deploy;
pub mod moto;
pub mod stacks;
pub mod terraform;
pub mod tools;
