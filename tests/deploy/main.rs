//! Deploying through the AWS SDK against moto (feature `aws`), in one binary: each former `tests/<name>.rs` is
//! the module `<name>`, so a test keeps its name under its module path (`cargo test --features aws --test
//! deploy deploy_faults::`). The modules that run the `iamgen` binary need the feature `cli` too.
//!
//! Each test starts its own `moto_server` on a free loopback port (`tests/support/moto.rs`): the tests share
//! a process now, and nothing else.
#![allow(
    clippy::missing_panics_doc,
    clippy::too_many_lines,
    reason = "an end-to-end test reads as one story, and fails by panicking"
)]

#[path = "../support/mod.rs"]
pub mod support;

#[cfg(feature = "cli")]
mod cli_deploy;
mod deploy;
#[cfg(feature = "cli")]
mod deploy_credentials;
mod deploy_faults;
#[cfg(feature = "cli")]
mod deploy_import;
mod deploy_plan;
