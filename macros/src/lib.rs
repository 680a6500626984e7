//! Procedural macros for iamgen. Use them through the `iamgen` facade crate, which documents them.
//!
//! Each macro turns its input into JSON, checks it with `iamgen-runtime`'s linter (the engine behind
//! `iamgen validate`, so compile time and run time agree), reports every error-severity finding as a compile
//! error on the token that caused it, and warning-severity findings as warnings.

mod ctxt;
mod derive_policy;
mod derive_role;
mod fallback;
mod json;
mod policy_macro;
mod symbol;
mod validate;

use proc_macro::TokenStream;

/// See `iamgen::policy!`.
#[proc_macro]
pub fn policy(input: TokenStream) -> TokenStream {
    policy_macro::expand_policy_macro(input.into()).into()
}

/// See `iamgen::Policy`.
#[proc_macro_derive(Policy, attributes(policy, statement))]
pub fn derive_policy(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive_policy::expand_derive_policy(&input)
        .unwrap_or_else(|error| fallback::policy(&input, &error))
        .into()
}

/// See `iamgen::Role`.
#[proc_macro_derive(Role, attributes(role, trust, attach, permissions_boundary, tag))]
pub fn derive_role(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive_role::expand_derive_role(&input)
        .unwrap_or_else(|error| fallback::role(&input, &error))
        .into()
}
