//! Procedural macros for iamgen. Use them through the `iamgen` facade crate, which documents them.
//!
//! The macros land with the compile-time validation work; the crate exists now so that the workspace has its
//! final shape and the dependency on `iamgen-runtime` (one parser and one catalogue for compile time and run
//! time) is in place from the start.

// Linked so that the macros and `iamgen validate` share one parser and catalogue once the macros land.
use iamgen_runtime as _;
use proc_macro2 as _;
use quote as _;
use syn as _;
