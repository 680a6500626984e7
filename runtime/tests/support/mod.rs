//! Helpers shared by the runtime's integration tests (`runtime/tests/it/`), and by the facade's tests
//! (`tests/support/mod.rs` includes `rng.rs` by path).
#![allow(
    clippy::missing_panics_doc,
    reason = "test helpers fail the test by panicking"
)]

pub mod rng;
pub mod text;

use iamgen_runtime::PolicyDocument;

/// The policy `text`, which must read.
#[must_use]
pub fn document(text: &str) -> PolicyDocument {
    PolicyDocument::from_json(text).expect("a valid policy")
}
