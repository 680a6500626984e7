//! Attribute keys, as serde's `symbol.rs` does, so that each is spelled once.

use std::fmt;

use syn::meta::ParseNestedMeta;
use syn::{Ident, Path};

/// An attribute key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Symbol(pub(crate) &'static str);

pub(crate) const POLICY: Symbol = Symbol("policy");
pub(crate) const STATEMENT: Symbol = Symbol("statement");
pub(crate) const KIND: Symbol = Symbol("kind");
pub(crate) const NAME: Symbol = Symbol("name");
pub(crate) const VERSION: Symbol = Symbol("version");
pub(crate) const ID: Symbol = Symbol("id");
pub(crate) const ALLOW: Symbol = Symbol("allow");
pub(crate) const USE: Symbol = Symbol("use");

pub(crate) const SID: Symbol = Symbol("sid");
pub(crate) const EFFECT: Symbol = Symbol("effect");
pub(crate) const PRINCIPAL: Symbol = Symbol("principal");
pub(crate) const NOT_PRINCIPAL: Symbol = Symbol("not_principal");
pub(crate) const ACTION: Symbol = Symbol("action");
pub(crate) const NOT_ACTION: Symbol = Symbol("not_action");
pub(crate) const RESOURCE: Symbol = Symbol("resource");
pub(crate) const NOT_RESOURCE: Symbol = Symbol("not_resource");
pub(crate) const CONDITION: Symbol = Symbol("condition");
pub(crate) const ROLE: Symbol = Symbol("role");

/// The keys of `#[statement(...)]`.
pub(crate) const STATEMENT_KEYS: [Symbol; 9] = [
    SID,
    EFFECT,
    PRINCIPAL,
    NOT_PRINCIPAL,
    ACTION,
    NOT_ACTION,
    RESOURCE,
    NOT_RESOURCE,
    CONDITION,
];

/// The keys of `principal(...)`, with the principal type each stands for.
pub(crate) const PRINCIPAL_KEYS: [(Symbol, &str); 4] = [
    (Symbol("aws"), "AWS"),
    (Symbol("service"), "Service"),
    (Symbol("federated"), "Federated"),
    (Symbol("canonical_user"), "CanonicalUser"),
];

pub(crate) const ACCOUNT: Symbol = Symbol("account");
pub(crate) const PATH: Symbol = Symbol("path");
pub(crate) const DESCRIPTION: Symbol = Symbol("description");
pub(crate) const MAX_SESSION_DURATION: Symbol = Symbol("max_session_duration");
pub(crate) const TRUST: Symbol = Symbol("trust");
pub(crate) const ARN: Symbol = Symbol("arn");
pub(crate) const SERVICE: Symbol = Symbol("service");
pub(crate) const FEDERATED: Symbol = Symbol("federated");
pub(crate) const EXTERNAL_ID: Symbol = Symbol("external_id");
pub(crate) const MFA: Symbol = Symbol("mfa");
pub(crate) const ATTACH: Symbol = Symbol("attach");
pub(crate) const PERMISSIONS_BOUNDARY: Symbol = Symbol("permissions_boundary");
pub(crate) const TAG: Symbol = Symbol("tag");
pub(crate) const KEY: Symbol = Symbol("key");
pub(crate) const VALUE: Symbol = Symbol("value");

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for &Ident {
    fn eq(&self, word: &Symbol) -> bool {
        *self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for &Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// An attribute key that is not one of `known`, with the closest known key or the list of them.
pub(crate) fn unknown_key(path: &Path, known: &[Symbol], within: &str) -> syn::Error {
    let name = path
        .get_ident()
        .map_or_else(|| quote::quote!(#path).to_string(), ToString::to_string);
    let names: Vec<&str> = known.iter().map(|symbol| symbol.0).collect();
    let help = match iamgen_runtime::suggest::closest(&name, names.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!(
            "the keys are {}",
            iamgen_runtime::suggest::code_list(names.iter().copied())
        ),
    };
    syn::Error::new(
        syn::spanned::Spanned::span(path),
        format!("unknown {within} key `{name}`\n= help: {help}"),
    )
}

/// `#[attr(key = ..., ...)]`: hands each key that is one of `known` to `parse`, with its input, and refuses any
/// other with [`unknown_key`], so that every attribute answers a misspelt key the same way.
pub(crate) fn parse_keys(
    attr: &syn::Attribute,
    known: &[Symbol],
    within: &str,
    mut parse: impl FnMut(Symbol, ParseNestedMeta<'_>) -> syn::Result<()>,
) -> syn::Result<()> {
    attr.parse_nested_meta(|meta| match known.iter().find(|&&key| meta.path == key) {
        Some(&key) => parse(key, meta),
        None => Err(unknown_key(&meta.path, known, within)),
    })
}
