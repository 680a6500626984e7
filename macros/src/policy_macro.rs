//! `policy!(kind [, allow(CODE, ...)] [, use = inline_role] { JSON })`.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;
use syn::parse::{Parse, ParseStream};

use iamgen_runtime::lint::{IdentityPolicyUse, PolicyKind};

use crate::json::{self, Text};
use crate::validate::{self, kind_path};

struct Input {
    kind: PolicyKind,
    allow: Vec<String>,
    /// Where an identity policy is used, which sets its size quota.
    identity_use: IdentityPolicyUse,
    body: TokenStream,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let kind_ident: syn::Ident = input.parse().map_err(|error| {
            syn::Error::new(
                error.span(),
                "expected the policy's kind first: `policy!(identity { ... })`\n= help: the kinds are `identity`, \
                 `trust`, `resource`, `scp` and `rcp`",
            )
        })?;
        let kind = validate::parse_kind(&kind_ident)?;
        let mut allow = Vec::new();
        let mut identity_use = None;
        if input.peek(syn::Token![,]) {
            input.parse::<syn::Token![,]>()?;
        }
        // Options, each followed by a comma or by the body: `allow(CODE, ...)`, `use = inline_role`.
        loop {
            if input.peek(syn::Token![use]) {
                let keyword: syn::Token![use] = input.parse()?;
                input.parse::<syn::Token![=]>()?;
                let value: syn::Ident = input.parse()?;
                identity_use = Some(validate::parse_identity_use(kind, keyword.span, &value)?);
            } else if input.peek(syn::Ident) {
                let keyword: syn::Ident = input.parse()?;
                if keyword != "allow" {
                    return Err(syn::Error::new(
                        keyword.span(),
                        format!(
                            "unknown option `{keyword}`\n= help: the options are `allow(CODE, ...)` and `use = \
                             managed | inline_role | inline_group | inline_user`"
                        ),
                    ));
                }
                allow.extend(validate::parse_allow_parenthesized(input)?);
            } else {
                break;
            }
            if input.peek(syn::Token![,]) {
                input.parse::<syn::Token![,]>()?;
            }
        }
        let body = match input.parse::<TokenTree>() {
            Ok(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                TokenTree::Group(group).into()
            }
            Ok(other) => {
                return Err(syn::Error::new(
                    other.span(),
                    "expected the policy as a JSON object: `{ ... }`",
                ));
            }
            Err(error) => {
                return Err(syn::Error::new(
                    error.span(),
                    "expected the policy as a JSON object: `{ ... }`",
                ));
            }
        };
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the policy's closing `}`"));
        }
        Ok(Input {
            kind,
            allow,
            identity_use: identity_use.unwrap_or_default(),
            body,
        })
    }
}

pub(crate) fn expand_policy_macro(input: TokenStream) -> TokenStream {
    match expand(input) {
        Ok(tokens) => tokens,
        Err((error, kind)) => {
            // The value still has the right type, so only the real error is reported, not a cascade.
            let error = error.into_compile_error();
            let kind = kind_path(kind.unwrap_or(PolicyKind::Identity));
            quote! {{
                #error
                ::iamgen::__private::StaticPolicy::__new(#kind, "")
            }}
        }
    }
}

fn expand(input: TokenStream) -> Result<TokenStream, (syn::Error, Option<PolicyKind>)> {
    let Input {
        kind,
        allow,
        identity_use,
        body,
    } = syn::parse2(input).map_err(|error| (error, None))?;
    let mut text = Text::default();
    json::write_value(body, &mut text).map_err(|error| (error, Some(kind)))?;
    let checked = validate::check(&text, None, kind, identity_use, &allow);
    let mut errors = checked.errors.into_iter();
    if let Some(mut first) = errors.next() {
        errors.for_each(|error| first.combine(error));
        return Err((first, Some(kind)));
    }
    let Some(json) = checked.canonical else {
        return Err((
            syn::Error::new(
                proc_macro2::Span::call_site(),
                "the policy could not be read",
            ),
            Some(kind),
        ));
    };
    let warnings = checked.warnings;
    let kind = kind_path(kind);
    Ok(quote! {{
        #warnings
        ::iamgen::__private::StaticPolicy::__new(#kind, #json)
    }})
}
