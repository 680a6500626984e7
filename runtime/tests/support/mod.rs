//! Helpers shared by the runtime's integration tests (`runtime/tests/it/`), and by the facade's tests
//! (`tests/support/mod.rs` includes `rng.rs` by path).

pub mod rng;
