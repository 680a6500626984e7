//! `#[derive(Policy)]`: statements declared in `#[statement(...)]` attributes, `{field}` placeholders filled
//! from the struct's fields.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::ParseStream;
use syn::spanned::Spanned;

use iamgen_runtime::lint::{IdentityPolicyUse, PolicyKind};
use iamgen_runtime::names::PolicyName;
use iamgen_runtime::placeholder::{self, Piece};

use crate::ctxt::Ctxt;
use crate::json::{self, Text};
use crate::symbol::{
    ACTION, ALLOW, CONDITION, EFFECT, ID, KIND, NAME, NOT_ACTION, NOT_PRINCIPAL, NOT_RESOURCE,
    POLICY, PRINCIPAL, PRINCIPAL_KEYS, RESOURCE, ROLE, SID, STATEMENT, STATEMENT_KEYS, USE,
    VERSION, parse_keys, unknown_key,
};
use crate::validate::{self, kind_path};

/// One value of an element: a string literal, or the ARN of a role type (`role(MyRole)`).
enum Item {
    Str(syn::LitStr),
    Role(syn::Path),
}

/// The values of an element, and whether they were written as an array (the shape is kept).
struct Values {
    items: Vec<Item>,
    array: bool,
}

struct Statement {
    /// Elements in canonical order, each `(key, json writer)`.
    sid: Option<syn::LitStr>,
    effect: Option<syn::Ident>,
    /// Each element with its key and the span of the word that named it (`principal`, `action`, ...), where
    /// findings about the element as a whole point.
    principal: Option<(&'static str, Span, Principal)>,
    action: Option<(&'static str, Span, Values)>,
    resource: Option<(&'static str, Span, Values)>,
    condition: Option<TokenTree>,
    span: Span,
}

enum Principal {
    Any(Span),
    Map(Vec<(&'static str, Values)>),
}

/// What the struct's fields and role references turn into at run time.
struct Placeholders<'a> {
    fields: Vec<(String, &'a syn::Type)>,
    roles: Vec<syn::Path>,
    struct_name: String,
}

impl Placeholders<'_> {
    /// The text for the template (placeholders kept; role references become `{__iamgen_role_N}`), the text for
    /// the compile-time lint (placeholders replaced by values of the right shape for `position`), and whether
    /// the lint text's value is known only at run time. Unknown placeholders are errors on the literal.
    fn fill(&mut self, item: &Item, position: Position<'_>) -> syn::Result<(String, String, bool)> {
        match item {
            Item::Role(path) => {
                let index = self.roles.len();
                self.roles.push(path.clone());
                Ok((
                    format!("{{__iamgen_role_{index}}}"),
                    ROLE_STAND_IN.to_owned(),
                    false,
                ))
            }
            Item::Str(lit) => {
                let value = lit.value();
                let (lint, unknown) = self.substitute(&value, lit.span(), position)?;
                Ok((value, lint, unknown))
            }
        }
    }

    /// `value` with each placeholder replaced by a stand-in of its position's shape, and whether the value is
    /// known only at run time: a whole value that is one placeholder, or an action with one in it, is
    /// (its stand-in only keeps the rest of the policy readable; the value is checked when it is known).
    fn substitute(
        &self,
        value: &str,
        span: Span,
        position: Position<'_>,
    ) -> syn::Result<(String, bool)> {
        let whole = matches!(
            placeholder::pieces(value).collect::<Vec<_>>().as_slice(),
            [(0, Piece::Placeholder(name))] if name.len() + 2 == value.len()
        );
        let mut lint = String::with_capacity(value.len());
        let mut any = false;
        for (open, piece) in placeholder::pieces(value) {
            let name = match piece {
                Piece::Text(text) => {
                    lint.push_str(text);
                    continue;
                }
                Piece::Placeholder(name) | Piece::Stray(Some(name)) => name,
                Piece::Stray(None) => {
                    return Err(syn::Error::new(
                        span,
                        "a `{` without its `}`\n= help: placeholders are written `{field}`",
                    ));
                }
            };
            let Some((_, ty)) = self.fields.iter().find(|(field, _)| field == name) else {
                let names: Vec<&str> = self
                    .fields
                    .iter()
                    .map(|(field, _)| field.as_str())
                    .collect();
                let help = match iamgen_runtime::suggest::closest(name, names.iter().copied()) {
                    Some(near) => format!("did you mean `{{{near}}}`?"),
                    None if names.is_empty() => format!("`{}` has no fields", self.struct_name),
                    None => format!(
                        "the fields are {}",
                        iamgen_runtime::suggest::code_list(names.iter().copied())
                    ),
                };
                return Err(syn::Error::new(
                    span,
                    format!(
                        "`{{{name}}}` names no field of `{}`\n= help: {help}",
                        self.struct_name
                    ),
                ));
            };
            any = true;
            lint.push_str(&stand_in(position, whole, value, open, ty));
        }
        let unknown = any
            && match position {
                Position::Action => true,
                Position::Resource | Position::Principal | Position::Condition(Some(_)) => whole,
                Position::Sid | Position::Condition(None) => false,
            };
        Ok((lint, unknown))
    }
}

/// Where a string stands in the policy, which decides the shape of a placeholder's stand-in.
#[derive(Debug, Clone, Copy)]
enum Position<'o> {
    /// A `Sid`: letters and digits only.
    Sid,
    /// An action or a `NotAction`.
    Action,
    /// A resource or a `NotResource`.
    Resource,
    /// A principal of a `Principal` or `NotPrincipal`.
    Principal,
    /// A string of a `Condition`: a value compared by the operator, or a key (`None`).
    Condition(Option<&'o str>),
}

/// The stand-in of a role reference or a principal that is one placeholder: a role ARN.
const ROLE_STAND_IN: &str = "arn:aws:iam::000000000000:role/iamgen-placeholder";

/// A stand-in for the placeholder at byte `at` of `value` (`whole` when it is the whole value), of the shape
/// `position` takes, so that the compile-time lint judges the rest of the text and nothing the value alone
/// decides.
fn stand_in(position: Position<'_>, whole: bool, value: &str, at: usize, ty: &syn::Type) -> String {
    let stand_in = match position {
        Position::Sid => Some("Placeholder"),
        // Matches every action of the service, so no resource or condition key is judged against an action
        // that only the value names.
        Position::Action => Some("*"),
        Position::Resource if whole => Some("*"),
        Position::Principal if whole => Some(ROLE_STAND_IN),
        Position::Condition(Some(operator)) if whole => Some(condition_stand_in(operator)),
        _ => None,
    };
    stand_in.map_or_else(|| dummy(value, at, ty), ToOwned::to_owned)
}

/// A value of the type `operator` compares (`NumericLessThan` a number, `NotIpAddress` a public range, ...).
fn condition_stand_in(operator: &str) -> &'static str {
    let operator = operator
        .strip_prefix("ForAllValues:")
        .or_else(|| operator.strip_prefix("ForAnyValue:"))
        .unwrap_or(operator);
    let operator = operator.strip_suffix("IfExists").unwrap_or(operator);
    if operator.starts_with("Numeric") {
        "1"
    } else if operator.starts_with("Date") {
        "2020-01-01T00:00:00Z"
    } else if operator == "Bool" {
        "true"
    } else if operator.ends_with("IpAddress") {
        // A public range (TEST-NET-3): a private one would be a finding of its own.
        "203.0.113.0/24"
    } else if operator.starts_with("Arn") {
        ROLE_STAND_IN
    } else if operator.starts_with("Binary") {
        "aWFtZ2Vu"
    } else {
        "iamgen-placeholder"
    }
}

/// For each string literal of a `condition = { ... }` block, in order: the operator it is a value of, or
/// `None` for a key.
fn condition_strings(
    stream: TokenStream,
    depth: usize,
    operator: &mut Option<String>,
    out: &mut Vec<Option<String>>,
) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    for (index, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Group(group) => {
                let depth = depth + usize::from(group.delimiter() == proc_macro2::Delimiter::Brace);
                condition_strings(group.stream(), depth, operator, out);
            }
            TokenTree::Literal(literal) => {
                if let syn::Lit::Str(lit) = syn::Lit::new(literal.clone()) {
                    let key = matches!(tokens.get(index + 1), Some(TokenTree::Punct(punct)) if punct.as_char() == ':');
                    if key {
                        // The keys of the block's own object are its operators.
                        if depth == 1 {
                            *operator = Some(lit.value());
                        }
                        out.push(None);
                    } else {
                        out.push(operator.clone());
                    }
                }
            }
            TokenTree::Punct(_) | TokenTree::Ident(_) => {}
        }
    }
}

/// A stand-in value of the right shape for where a placeholder is, so that the compile-time lint judges the
/// rest of the text: an account id in an ARN's account field or for an `AccountId` field, a region in the
/// region field, a plain word elsewhere.
fn dummy(value: &str, at: usize, ty: &syn::Type) -> String {
    let type_name = quote!(#ty).to_string();
    if type_name.ends_with("AccountId") {
        return "000000000000".to_owned();
    }
    if value.starts_with("arn:") {
        match value[..at].matches(':').count() {
            3 => return "us-east-1".to_owned(),
            4 => return "000000000000".to_owned(),
            _ => {}
        }
    }
    "iamgen-placeholder".to_owned()
}

fn parse_values(input: ParseStream<'_>) -> syn::Result<Values> {
    let item = |input: ParseStream<'_>| -> syn::Result<Item> {
        if input.peek(syn::LitStr) {
            return Ok(Item::Str(input.parse()?));
        }
        let ident: syn::Ident = input.parse().map_err(|error| {
            syn::Error::new(
                error.span(),
                "expected a string literal, or `role(RoleType)`",
            )
        })?;
        if ident != ROLE {
            return Err(syn::Error::new(
                ident.span(),
                format!("expected a string literal or `role(...)`, found `{ident}`"),
            ));
        }
        let content;
        syn::parenthesized!(content in input);
        Ok(Item::Role(content.parse()?))
    };
    if input.peek(syn::token::Bracket) {
        let content;
        syn::bracketed!(content in input);
        let mut items = Vec::new();
        while !content.is_empty() {
            items.push(item(&content)?);
            if content.is_empty() {
                break;
            }
            content.parse::<syn::Token![,]>()?;
        }
        Ok(Values { items, array: true })
    } else {
        Ok(Values {
            items: vec![item(input)?],
            array: false,
        })
    }
}

fn parse_statement(attr: &syn::Attribute, cx: &mut Ctxt) -> Option<Statement> {
    let mut statement = Statement {
        sid: None,
        effect: None,
        principal: None,
        action: None,
        resource: None,
        condition: None,
        span: attr.span(),
    };
    let result = attr.parse_nested_meta(|meta| {
        let path = &meta.path;
        let duplicate = |what: &str| syn::Error::new(path.span(), format!("a statement has one `{what}`"));
        if path == SID {
            statement.sid = Some(meta.value()?.parse()?);
        } else if path == EFFECT {
            let value = meta.value()?;
            if value.peek(syn::LitStr) {
                let lit: syn::LitStr = value.parse()?;
                return Err(syn::Error::new(
                    lit.span(),
                    format!("the effect is a word, not a string\n= help: write `effect = {}`", lit.value()),
                ));
            }
            let effect: syn::Ident = value.parse()?;
            if effect != "Allow" && effect != "Deny" {
                let near = iamgen_runtime::suggest::closest(&effect.to_string(), ["Allow", "Deny"]);
                let help = near.map_or("the effect is `Allow` or `Deny`".to_owned(), |n| format!("did you mean `{n}`?"));
                return Err(syn::Error::new(effect.span(), format!("`{effect}` is not an effect\n= help: {help}")));
            }
            statement.effect = Some(effect);
        } else if path == PRINCIPAL || path == NOT_PRINCIPAL {
            if statement.principal.is_some() {
                return Err(duplicate("Principal"));
            }
            let key = if path == PRINCIPAL { "Principal" } else { "NotPrincipal" };
            if meta.input.peek(syn::Token![=]) {
                let lit: syn::LitStr = meta.value()?.parse()?;
                if lit.value() != "*" {
                    return Err(syn::Error::new(
                        lit.span(),
                        "a lone principal is `\"*\"`\n= help: name principals by type: `principal(aws = \"...\")`",
                    ));
                }
                statement.principal = Some((key, path.span(), Principal::Any(lit.span())));
            } else {
                let mut entries = Vec::new();
                meta.parse_nested_meta(|inner| {
                    let kind = PRINCIPAL_KEYS
                        .iter()
                        .find(|(symbol, _)| inner.path == *symbol)
                        .map(|(_, kind)| *kind)
                        .ok_or_else(|| {
                            unknown_key(&inner.path, &PRINCIPAL_KEYS.map(|(symbol, _)| symbol), "principal")
                        })?;
                    entries.push((kind, parse_values(inner.value()?)?));
                    Ok(())
                })?;
                statement.principal = Some((key, path.span(), Principal::Map(entries)));
            }
        } else if path == ACTION || path == NOT_ACTION {
            if statement.action.is_some() {
                return Err(duplicate("Action"));
            }
            let key = if path == ACTION { "Action" } else { "NotAction" };
            statement.action = Some((key, path.span(), parse_values(meta.value()?)?));
        } else if path == RESOURCE || path == NOT_RESOURCE {
            if statement.resource.is_some() {
                return Err(duplicate("Resource"));
            }
            let key = if path == RESOURCE { "Resource" } else { "NotResource" };
            statement.resource = Some((key, path.span(), parse_values(meta.value()?)?));
        } else if path == CONDITION {
            let value = meta.value()?;
            let tree: TokenTree = value.parse()?;
            if !matches!(&tree, TokenTree::Group(group) if group.delimiter() == proc_macro2::Delimiter::Brace) {
                return Err(syn::Error::new(tree.span(), "a condition is a JSON object: `condition = { \"StringEquals\": { ... } }`"));
            }
            statement.condition = Some(tree);
        } else {
            return Err(unknown_key(path, &STATEMENT_KEYS, "statement"));
        }
        Ok(())
    });
    match result {
        Ok(()) => Some(statement),
        Err(error) => {
            cx.syn_error(error);
            None
        }
    }
}

/// Writes the same JSON into the template and the lint texts, string values through `placeholders`.
struct Writer<'p, 'a> {
    template: Text,
    lint: Text,
    placeholders: &'p mut Placeholders<'a>,
}

impl Writer<'_, '_> {
    fn raw(&mut self, text: &str, span: Span) {
        self.template.push(text, span);
        self.lint.push(text, span);
    }

    fn key(&mut self, key: &str, span: Span, first: &mut bool) {
        if !*first {
            self.raw(",", span);
        }
        *first = false;
        self.template.push_string(key, span);
        self.lint.push_string(key, span);
        self.raw(":", span);
    }

    fn literal(&mut self, value: &str, span: Span) {
        self.template.push_string(value, span);
        self.lint.push_string(value, span);
    }

    /// Writes the values; whether one of them is known only at run time.
    fn values(&mut self, values: &Values, position: Position<'_>) -> syn::Result<bool> {
        let mut any_unknown = false;
        let span = values.items.first().map_or_else(Span::call_site, item_span);
        if values.array {
            self.raw("[", span);
        }
        for (index, item) in values.items.iter().enumerate() {
            if index > 0 {
                self.raw(",", span);
            }
            let (template, lint, unknown) = self.placeholders.fill(item, position)?;
            self.template.push_string(&template, item_span(item));
            if unknown {
                self.lint.push_unknown_string(&lint, item_span(item));
            } else {
                self.lint.push_string(&lint, item_span(item));
            }
            any_unknown |= unknown;
        }
        if values.array {
            self.raw("]", span);
        }
        Ok(any_unknown)
    }

    fn condition(&mut self, tree: &TokenTree) -> syn::Result<()> {
        let stream: TokenStream = tree.clone().into();
        let mut operators = Vec::new();
        condition_strings(stream.clone(), 0, &mut None, &mut operators);
        let mut operators = operators.into_iter();
        let placeholders = &*self.placeholders;
        json::write_value_with(stream.clone(), &mut self.lint, &mut |value, span| {
            let operator = operators.next().flatten();
            placeholders.substitute(value, span, Position::Condition(operator.as_deref()))
        })?;
        json::write_value(stream, &mut self.template)
    }

    fn statement(&mut self, statement: &Statement) -> syn::Result<()> {
        let span = statement.span;
        let start = self.lint.json.len();
        let mut actions_unknown = false;
        self.raw("{", span);
        let mut first = true;
        if let Some(sid) = &statement.sid {
            self.key("Sid", sid.span(), &mut first);
            let (lint, _) =
                self.placeholders
                    .substitute(&sid.value(), sid.span(), Position::Sid)?;
            self.template.push_string(&sid.value(), sid.span());
            self.lint.push_string(&lint, sid.span());
        }
        let effect_span = statement.effect.as_ref().map_or(span, syn::Ident::span);
        self.key("Effect", effect_span, &mut first);
        let effect = statement
            .effect
            .as_ref()
            .map_or_else(|| "Allow".to_owned(), ToString::to_string);
        self.literal(&effect, effect_span);
        if let Some((key, key_span, principal)) = &statement.principal {
            let key_span = *key_span;
            self.key(key, key_span, &mut first);
            match principal {
                Principal::Any(span) => self.literal("*", *span),
                Principal::Map(entries) => {
                    self.raw("{", key_span);
                    let mut first_kind = true;
                    for (kind, values) in entries {
                        self.key(kind, key_span, &mut first_kind);
                        self.values(values, Position::Principal)?;
                    }
                    self.raw("}", key_span);
                }
            }
        }
        for (element, position) in [
            (&statement.action, Position::Action),
            (&statement.resource, Position::Resource),
        ] {
            if let Some((key, key_span, values)) = element {
                self.key(key, *key_span, &mut first);
                let unknown = self.values(values, position)?;
                actions_unknown |= unknown && matches!(position, Position::Action);
            }
        }
        if let Some(condition) = &statement.condition {
            self.key("Condition", condition.span(), &mut first);
            self.condition(condition)?;
        }
        self.raw("}", span);
        if actions_unknown {
            self.lint.actions_unknown(start);
        }
        Ok(())
    }
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Str(lit) => lit.span(),
        Item::Role(path) => path.span(),
    }
}

struct Options {
    kind: PolicyKind,
    /// `use = inline_role`: the keyword's span and the word, read once the kind is known.
    identity_use: Option<(Span, syn::Ident)>,
    name: Option<syn::LitStr>,
    version: Option<syn::LitStr>,
    id: Option<syn::LitStr>,
    allow: Vec<String>,
}

fn parse_options(input: &syn::DeriveInput, cx: &mut Ctxt) -> Options {
    let mut options = Options {
        kind: PolicyKind::Identity,
        identity_use: None,
        name: None,
        version: None,
        id: None,
        allow: Vec::new(),
    };
    for attr in input.attrs.iter().filter(|attr| attr.path() == POLICY) {
        let result = parse_keys(
            attr,
            &[KIND, NAME, VERSION, ID, USE, ALLOW],
            "policy",
            |key, meta| {
                match key {
                    KIND => options.kind = validate::parse_kind(&meta.value()?.parse()?)?,
                    NAME => options.name = Some(meta.value()?.parse::<syn::LitStr>()?),
                    VERSION => options.version = Some(meta.value()?.parse()?),
                    ID => options.id = Some(meta.value()?.parse()?),
                    USE => options.identity_use = Some((meta.path.span(), meta.value()?.parse()?)),
                    ALLOW => options
                        .allow
                        .extend(validate::parse_allow_parenthesized(meta.input)?),
                    _ => unreachable!("`parse_keys` hands over only the keys it is given"),
                }
                Ok(())
            },
        );
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    options
}

/// Parse, write, check, expand: the struct's attributes become a policy template, checked by the linter at
/// compile time, and an impl of `Policy` that fills the template's placeholders from the fields.
pub(crate) fn expand_derive_policy(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let mut cx = Ctxt::new();
    let fields = named_fields(input, &mut cx);
    let options = parse_options(input, &mut cx);
    let statements: Vec<Statement> = input
        .attrs
        .iter()
        .filter(|attr| attr.path() == STATEMENT)
        .filter_map(|attr| parse_statement(attr, &mut cx))
        .collect();
    if statements.is_empty() && cx.is_empty() {
        cx.error(
            input.ident.span(),
            "a policy needs at least one statement\n= help: add `#[statement(action = \"s3:GetObject\", resource = \"*\")]`",
        );
    }
    cx.check()?;

    let struct_name = input.ident.to_string();
    check_identity_name(input, &options)?;
    let mut placeholders = Placeholders {
        fields,
        roles: Vec::new(),
        struct_name: struct_name.clone(),
    };
    let span = input.ident.span();
    let (template, lint) = write_document(&options, &statements, &mut placeholders, span, &mut cx);
    cx.check()?;

    let identity_use = match &options.identity_use {
        Some((keyword, value)) => validate::parse_identity_use(options.kind, *keyword, value)?,
        None => IdentityPolicyUse::default(),
    };
    let checked = validate::check(
        &lint,
        Some(&template),
        options.kind,
        identity_use,
        &options.allow,
    );
    for error in checked.errors {
        cx.syn_error(error);
    }
    cx.check()?;
    let Some(json) = checked.canonical else {
        return Err(syn::Error::new(span, "the policy could not be read back"));
    };
    let name = options
        .name
        .as_ref()
        .map_or(struct_name, syn::LitStr::value);
    Ok(impl_policy(
        input,
        &name,
        (options.kind, identity_use),
        &json,
        &placeholders,
        &checked.warnings,
    ))
}

/// The struct's named fields, which fill the placeholders; an error for a tuple struct or a non-struct.
fn named_fields<'a>(input: &'a syn::DeriveInput, cx: &mut Ctxt) -> Vec<(String, &'a syn::Type)> {
    let syn::Data::Struct(data) = &input.data else {
        cx.error(
            input.ident.span(),
            "`#[derive(Policy)]` is for structs: their fields fill the policy's placeholders",
        );
        return Vec::new();
    };
    match &data.fields {
        syn::Fields::Named(named) => named
            .named
            .iter()
            .filter_map(|field| {
                field
                    .ident
                    .as_ref()
                    .map(|ident| (ident.to_string(), &field.ty))
            })
            .collect(),
        syn::Fields::Unit => Vec::new(),
        syn::Fields::Unnamed(unnamed) => {
            cx.error(
                unnamed.span(),
                "give the fields names: placeholders name them, as in `{bucket}`",
            );
            Vec::new()
        }
    }
}

/// An identity policy's name is the managed policy's name in IAM, which a role attaches by it: it must be a
/// name IAM takes.
fn check_identity_name(input: &syn::DeriveInput, options: &Options) -> syn::Result<()> {
    if options.kind != PolicyKind::Identity {
        return Ok(());
    }
    let (name, name_span) = options.name.as_ref().map_or_else(
        || (input.ident.to_string(), input.ident.span()),
        |lit| (lit.value(), lit.span()),
    );
    PolicyName::check(&name).map_err(|error| {
        syn::Error::new(
            name_span,
            format!("{}\n= help: {}", error.message(), error.help()),
        )
    })
}

/// The policy's JSON twice: the template (placeholders as written) and the text the linter reads (each
/// placeholder replaced by a stand-in of the right shape). Errors in statements go to `cx`.
fn write_document(
    options: &Options,
    statements: &[Statement],
    placeholders: &mut Placeholders<'_>,
    span: Span,
    cx: &mut Ctxt,
) -> (Text, Text) {
    let mut writer = Writer {
        template: Text::default(),
        lint: Text::default(),
        placeholders,
    };
    writer.raw("{", span);
    let mut first = true;
    let version = options
        .version
        .as_ref()
        .map_or_else(|| "2012-10-17".to_owned(), syn::LitStr::value);
    let version_span = options.version.as_ref().map_or(span, syn::LitStr::span);
    writer.key("Version", version_span, &mut first);
    writer.literal(&version, version_span);
    if let Some(id) = &options.id {
        writer.key("Id", id.span(), &mut first);
        writer.literal(&id.value(), id.span());
    }
    writer.key("Statement", span, &mut first);
    writer.raw("[", span);
    for (index, statement) in statements.iter().enumerate() {
        if index > 0 {
            writer.raw(",", statement.span);
        }
        if let Err(error) = writer.statement(statement) {
            cx.syn_error(error);
        }
    }
    writer.raw("]", span);
    writer.raw("}", span);
    (writer.template, writer.lint)
}

/// The `Policy` impl: the checked template as a constant, and `document()` filling the fields the template
/// uses and the ARNs of the roles it names.
fn impl_policy(
    input: &syn::DeriveInput,
    name: &str,
    (kind, identity_use): (PolicyKind, IdentityPolicyUse),
    json: &str,
    placeholders: &Placeholders<'_>,
    warnings: &TokenStream,
) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let kind = kind_path(kind);
    let identity_use = validate::identity_use_path(identity_use);
    // The fields the template names, by the grammar that fills it, so that a field is read exactly when a
    // placeholder names it.
    let named: Vec<&str> = placeholder::pieces(json)
        .filter_map(|(_, piece)| match piece {
            Piece::Placeholder(name) => Some(name),
            Piece::Text(_) | Piece::Stray(_) => None,
        })
        .collect();
    let used: Vec<&(String, &syn::Type)> = placeholders
        .fields
        .iter()
        .filter(|(field, _)| named.contains(&field.as_str()))
        .collect();
    let field_names: Vec<&str> = used.iter().map(|(field, _)| field.as_str()).collect();
    // Each value is read with the span of its field's type, so that a type that cannot fill a placeholder is
    // an error there, naming the field, rather than on the derive.
    let field_values = used.iter().map(|(field, ty)| {
        let ident = format_ident!("{}", field);
        quote_spanned!(ty.span()=> ::iamgen::__private::policy_text::<#ty>(&self.#ident))
    });
    let role_names: Vec<String> = (0..placeholders.roles.len())
        .map(|index| format!("__iamgen_role_{index}"))
        .collect();
    let roles = &placeholders.roles;
    quote! {
        #warnings
        #[automatically_derived]
        impl #impl_generics ::iamgen::__private::Policy for #ident #ty_generics #where_clause {
            const NAME: &'static str = #name;
            const KIND: ::iamgen::__private::PolicyKind = #kind;
            const TEMPLATE: &'static str = #json;
            const IDENTITY_USE: ::iamgen::__private::IdentityPolicyUse = #identity_use;

            fn document(&self) -> ::core::result::Result<::iamgen::__private::PolicyDocument, ::iamgen::__private::BuildError> {
                ::iamgen::__private::render(
                    <Self as ::iamgen::__private::Policy>::NAME,
                    <Self as ::iamgen::__private::Policy>::KIND,
                    <Self as ::iamgen::__private::Policy>::IDENTITY_USE,
                    <Self as ::iamgen::__private::Policy>::TEMPLATE,
                    &[
                        #( (#field_names, #field_values), )*
                        #( (#role_names, ::core::result::Result::Ok(::iamgen::__private::ToOwned::to_owned(<#roles as ::iamgen::__private::Role>::ARN))), )*
                    ],
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_condition_value_knows_its_operator_and_a_key_is_none() {
        let mut found = Vec::new();
        condition_strings(
            quote!({ "NumericLessThan": { "aws:MultiFactorAuthAge": "{age}" },
                     "ForAnyValue:IpAddressIfExists": { "aws:SourceIp": ["{a}", "{b}"] } }),
            0,
            &mut None,
            &mut found,
        );
        let ip = Some("ForAnyValue:IpAddressIfExists".to_owned());
        assert_eq!(
            found,
            [
                None,
                None,
                Some("NumericLessThan".to_owned()),
                None,
                None,
                ip.clone(),
                ip
            ]
        );
        assert_eq!(condition_stand_in("NumericLessThan"), "1");
        assert_eq!(
            condition_stand_in("ForAnyValue:IpAddressIfExists"),
            "203.0.113.0/24"
        );
        assert_eq!(
            condition_stand_in("DateGreaterThan"),
            "2020-01-01T00:00:00Z"
        );
    }

    #[test]
    fn each_placeholder_gets_a_stand_in_for_where_it_is() {
        let ty: syn::Type = syn::parse_quote!(String);
        let placeholders = Placeholders {
            fields: vec![("region".to_owned(), &ty), ("account".to_owned(), &ty)],
            roles: Vec::new(),
            struct_name: "P".to_owned(),
        };
        let lint = placeholders
            .substitute(
                "arn:aws:ec2:{region}:{account}:instance/${aws:username}",
                Span::call_site(),
                Position::Resource,
            )
            .unwrap()
            .0;
        assert_eq!(
            lint,
            "arn:aws:ec2:us-east-1:000000000000:instance/${aws:username}"
        );
    }
}
