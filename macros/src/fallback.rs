//! What a derive emits next to its errors: an impl whose items are placeholders, so that the user sees the
//! real error and not a cascade of "trait not implemented" errors where the type is used (thiserror's
//! `fallback.rs`).

use proc_macro2::TokenStream;
use quote::quote;

/// The error, then `impl TRAIT for Type { ITEMS }` with the type's generics.
fn with_error(
    input: &syn::DeriveInput,
    error: &syn::Error,
    trait_path: &TokenStream,
    items: &TokenStream,
) -> TokenStream {
    let error = error.to_compile_error();
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #error
        #[automatically_derived]
        impl #impl_generics #trait_path for #ident #ty_generics #where_clause {
            #items
        }
    }
}

/// `#[derive(Policy)]`'s fallback.
pub(crate) fn policy(input: &syn::DeriveInput, error: &syn::Error) -> TokenStream {
    let items = quote! {
        const NAME: &'static str = "";
        const KIND: ::iamgen::__private::PolicyKind = ::iamgen::__private::PolicyKind::Identity;
        const TEMPLATE: &'static str = "";

        fn document(&self) -> ::core::result::Result<::iamgen::__private::PolicyDocument, ::iamgen::__private::BuildError> {
            ::core::unreachable!()
        }
    };
    with_error(input, error, &quote!(::iamgen::__private::Policy), &items)
}

/// `#[derive(Role)]`'s fallback.
pub(crate) fn role(input: &syn::DeriveInput, error: &syn::Error) -> TokenStream {
    let items = quote! {
        const NAME: &'static str = "";
        const PATH: &'static str = "/";
        const ACCOUNT: &'static str = "";
        const ARN: &'static str = "";
        const DESCRIPTION: ::core::option::Option<&'static str> = ::core::option::Option::None;
        const MAX_SESSION_DURATION: ::core::option::Option<u32> = ::core::option::Option::None;
        const TAGS: &'static [(&'static str, &'static str)] = &[];
        const TRUST: ::iamgen::__private::StaticPolicy =
            ::iamgen::__private::StaticPolicy::__new(::iamgen::__private::PolicyKind::Trust, "");
        const POLICIES: &'static [&'static str] = &[];
        const PERMISSIONS_BOUNDARY: ::core::option::Option<&'static str> = ::core::option::Option::None;
    };
    with_error(input, error, &quote!(::iamgen::__private::Role), &items)
}
