//! `#[derive(Role)]`: a role, its trust, and the policies attached to it by type.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;

use iamgen_runtime::AccountId;
use iamgen_runtime::lint::{IdentityPolicyUse, PolicyKind};
use iamgen_runtime::names::{
    ExternalId, IamPath, NameError, RoleDescription, RoleName, TagKey, TagValue,
};
use iamgen_runtime::stack::MAX_TAGS;

use crate::ctxt::Ctxt;
use crate::json::Text;
use crate::symbol::{
    ACCOUNT, ALLOW, ARN, ATTACH, DESCRIPTION, EXTERNAL_ID, FEDERATED, KEY, MAX_SESSION_DURATION,
    MFA, NAME, PATH, PERMISSIONS_BOUNDARY, ROLE, SERVICE, TAG, TRUST, VALUE, parse_keys,
};
use crate::validate::{self, kind_path};

#[derive(Default)]
struct Role {
    name: Option<syn::LitStr>,
    account: Option<syn::LitStr>,
    path: Option<syn::LitStr>,
    description: Option<syn::LitStr>,
    max_session_duration: Option<syn::LitInt>,
    allow: Vec<String>,
    /// One per `#[trust(...)]`, each a statement of the trust policy of its own.
    trusts: Vec<Trust>,
    attach: Vec<syn::Path>,
    boundary: Option<syn::Path>,
    tags: Vec<(syn::LitStr, syn::LitStr)>,
}

/// One `#[trust(...)]`: who may assume the role, and the conditions that bind them (and no one else).
struct Trust {
    /// `AWS` principals: account ids (written as their root ARN) and ARNs, each with the literal it came from.
    aws: Vec<(String, Span)>,
    service: Vec<syn::LitStr>,
    federated: Vec<syn::LitStr>,
    external_id: Option<syn::LitStr>,
    mfa: Option<Span>,
    /// The attribute's `trust`, where an error about the whole attribute points.
    span: Span,
}

fn account_id(lit: &syn::LitStr) -> syn::Result<String> {
    let value = lit.value();
    if AccountId::is_valid(&value) {
        Ok(value)
    } else {
        Err(syn::Error::new(
            lit.span(),
            format!(
                "`{value}` is not an AWS account id\n= help: an account id is exactly 12 digits, such as `081278057606`"
            ),
        ))
    }
}

fn parse(input: &syn::DeriveInput, cx: &mut Ctxt) -> Role {
    let mut role = Role::default();
    for attr in &input.attrs {
        let path = attr.path();
        let result = if path == ROLE {
            parse_role_keys(attr, &mut role)
        } else if path == TRUST {
            parse_trust(attr, &mut role)
        } else if path == ATTACH {
            attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .map(|paths| role.attach.extend(paths))
        } else if path == PERMISSIONS_BOUNDARY {
            attr.parse_args::<syn::Path>()
                .map(|path| role.boundary = Some(path))
        } else if path == TAG {
            parse_tag(attr).map(|tag| role.tags.push(tag))
        } else {
            continue;
        };
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    role
}

/// `#[role(name = ..., account = ..., path = ..., description = ..., max_session_duration = ..., allow(...))]`.
fn parse_role_keys(attr: &syn::Attribute, role: &mut Role) -> syn::Result<()> {
    let known = [
        NAME,
        ACCOUNT,
        PATH,
        DESCRIPTION,
        MAX_SESSION_DURATION,
        ALLOW,
    ];
    parse_keys(attr, &known, "role", |key, meta| {
        match key {
            NAME => role.name = Some(meta.value()?.parse()?),
            ACCOUNT => {
                let lit: syn::LitStr = meta.value()?.parse()?;
                account_id(&lit)?;
                role.account = Some(lit);
            }
            PATH => role.path = Some(meta.value()?.parse()?),
            DESCRIPTION => role.description = Some(meta.value()?.parse()?),
            MAX_SESSION_DURATION => role.max_session_duration = Some(meta.value()?.parse()?),
            ALLOW => role
                .allow
                .extend(validate::parse_allow_parenthesized(meta.input)?),
            _ => unreachable!("`parse_keys` hands over only the keys it is given"),
        }
        Ok(())
    })
}

/// `#[trust(account = ... | arn = ... | service = ... | federated = ..., external_id = ..., mfa)]`: one
/// statement of the trust policy. Its conditions bind only its own principals, so each partner has its own
/// external id and a service is never held to the people's MFA.
fn parse_trust(attr: &syn::Attribute, role: &mut Role) -> syn::Result<()> {
    let mut trust = Trust {
        aws: Vec::new(),
        service: Vec::new(),
        federated: Vec::new(),
        external_id: None,
        mfa: None,
        span: attr.path().span(),
    };
    let known = [ACCOUNT, ARN, SERVICE, FEDERATED, EXTERNAL_ID, MFA];
    parse_keys(attr, &known, "trust", |key, meta| {
        match key {
            ACCOUNT => {
                let lit: syn::LitStr = meta.value()?.parse()?;
                let id = account_id(&lit)?;
                trust
                    .aws
                    .push((iamgen_runtime::names::account_root_arn(&id), lit.span()));
            }
            ARN => {
                let lit: syn::LitStr = meta.value()?.parse()?;
                trust.aws.push((lit.value(), lit.span()));
            }
            SERVICE => trust.service.push(meta.value()?.parse()?),
            FEDERATED => trust.federated.push(meta.value()?.parse()?),
            EXTERNAL_ID => {
                let lit: syn::LitStr = meta.value()?.parse()?;
                if trust.external_id.is_some() {
                    return Err(syn::Error::new(
                        lit.span(),
                        "a trust has one external id\n= help: a partner with another id gets its own `#[trust(...)]`",
                    ));
                }
                trust.external_id = Some(lit);
            }
            MFA if meta.input.peek(syn::Token![=]) => {
                let value: syn::LitBool = meta.value()?.parse()?;
                if value.value {
                    trust.mfa = Some(value.span());
                }
            }
            MFA => trust.mfa = Some(meta.path.span()),
            _ => unreachable!("`parse_keys` hands over only the keys it is given"),
        }
        Ok(())
    })?;
    check_trust(&trust)?;
    role.trusts.push(trust);
    Ok(())
}

/// Refuses a trust whose statement could not say what it is written to say: conditions without anyone they
/// bind, conditions a principal can never meet, principals that assume the role by different actions.
fn check_trust(trust: &Trust) -> syn::Result<()> {
    let conditions = [
        trust
            .external_id
            .as_ref()
            .map(|lit| (lit.span(), "an external id")),
        trust.mfa.map(|span| (span, "MFA")),
    ];
    if trust.aws.is_empty() && trust.service.is_empty() && trust.federated.is_empty() {
        let help = "a condition binds the principals of its own `#[trust(...)]`: write it there, as in \
                    `#[trust(account = \"183438944504\", external_id = \"...\", mfa)]`";
        return Err(syn::Error::new(
            trust.span,
            format!("this trust names no principal\n= help: {help}"),
        ));
    }
    // STS takes an external id only in `AssumeRole` by an IAM principal, and sets MFA only for one: a
    // service or a federated user never meets such a condition, so the trust would keep them out.
    let (outsider, kind) = match (trust.service.first(), trust.federated.first()) {
        (Some(service), _) => (service, "a service principal"),
        (None, Some(federated)) => (federated, "a federated principal"),
        (None, None) => return Ok(()),
    };
    if let Some((span, what)) = conditions.into_iter().flatten().next() {
        return Err(syn::Error::new(
            span,
            format!(
                "{kind} never has {what}: `{}` could never assume the role\n= help: trust it in a \
                 `#[trust(...)]` of its own, without the condition",
                outsider.value()
            ),
        ));
    }
    if !trust.federated.is_empty() && (!trust.aws.is_empty() || !trust.service.is_empty()) {
        return Err(syn::Error::new(
            trust.federated[0].span(),
            "a federated principal assumes the role by another action than an account, a role or a service\n\
             = help: trust it in a `#[trust(federated = \"...\")]` of its own",
        ));
    }
    Ok(())
}

/// `#[tag(key = "...", value = "...")]`: both are required.
fn parse_tag(attr: &syn::Attribute) -> syn::Result<(syn::LitStr, syn::LitStr)> {
    let (mut key, mut value) = (None, None);
    parse_keys(attr, &[KEY, VALUE], "tag", |symbol, meta| {
        let slot = if symbol == KEY { &mut key } else { &mut value };
        *slot = Some(meta.value()?.parse::<syn::LitStr>()?);
        Ok(())
    })?;
    match (key, value) {
        (Some(key), Some(value)) => Ok((key, value)),
        _ => Err(syn::Error::new(
            attr.span(),
            "a tag is written `#[tag(key = \"...\", value = \"...\")]`",
        )),
    }
}

/// A check of [`iamgen_runtime::names`].
type Check = fn(&str) -> Result<(), NameError>;

/// A value AWS refuses, as a compile error on its literal: what is wrong, then the rule.
fn name_error(error: &NameError) -> String {
    format!("{}\n= help: {}", error.message(), error.help())
}

fn check_fields(role: &Role, name: &str, name_span: Span, cx: &mut Ctxt) {
    if let Err(error) = RoleName::check(name) {
        cx.error(name_span, name_error(&error));
    }
    let checks: [(Option<&syn::LitStr>, Check); 2] = [
        (role.path.as_ref(), IamPath::check),
        (role.description.as_ref(), RoleDescription::check),
    ];
    let external_ids = role
        .trusts
        .iter()
        .map(|trust| (trust.external_id.as_ref(), ExternalId::check as Check));
    for (lit, check) in checks.into_iter().chain(external_ids) {
        if let Some(lit) = lit
            && let Err(error) = check(&lit.value())
        {
            cx.error(lit.span(), name_error(&error));
        }
    }
    if let Some(duration) = &role.max_session_duration {
        match duration.base10_parse::<u32>() {
            Ok(seconds) if (3_600..=43_200).contains(&seconds) => {}
            _ => cx.error(
                duration.span(),
                format!(
                    "`{duration}` is not a session duration IAM accepts\n= help: the maximum session duration is 3600 to 43200 seconds (1 to 12 hours)"
                ),
            ),
        }
    }
    let mut keys: Vec<String> = Vec::new();
    for (key, value) in &role.tags {
        if let Err(error) = TagKey::check(&key.value()) {
            cx.error(key.span(), name_error(&error));
        }
        if let Err(error) = TagValue::check(&value.value()) {
            cx.error(value.span(), name_error(&error));
        }
        // IAM ignores case in a role's tag keys: `Project` and `project` are one key.
        let lower = key.value().to_lowercase();
        if keys.contains(&lower) {
            cx.error(
                key.span(),
                format!(
                    "tag key `{}` is given twice\n= help: IAM ignores case in a role's tag keys; keep one",
                    key.value()
                ),
            );
        }
        keys.push(lower);
    }
    if role.tags.len() > MAX_TAGS {
        cx.error(
            role.tags[MAX_TAGS].0.span(),
            format!("a role has at most {MAX_TAGS} tags"),
        );
    }
    if role.account.is_none() {
        cx.error(
            name_span,
            "a role needs the account it is in, for its ARN\n= help: add `#[role(account = \"081278057606\")]`",
        );
    }
    if role.trusts.is_empty() {
        cx.error(
            name_span,
            "a role needs someone to trust\n= help: add `#[trust(account = \"...\")]`, `#[trust(arn = \"...\")]` or `#[trust(service = \"...\")]`",
        );
    }
}

/// The trust policy as JSON text, a statement per trust, each value spanned on the literal it came from.
fn trust_text(role: &Role, span: Span) -> Text {
    let mut text = Text::default();
    text.push("{\"Version\":\"2012-10-17\",\"Statement\":[", span);
    for (index, trust) in role.trusts.iter().enumerate() {
        if index > 0 {
            text.push(",", trust.span);
        }
        trust_statement(&mut text, trust);
    }
    text.push("]}", span);
    text
}

/// One trust's statement: its principals, the action they assume the role by, and its own conditions.
fn trust_statement(text: &mut Text, trust: &Trust) {
    let span = trust.span;
    let list = |text: &mut Text, values: &[(String, Span)]| {
        if let [(value, value_span)] = values {
            text.push_string(value, *value_span);
        } else {
            text.push("[", span);
            for (index, (value, value_span)) in values.iter().enumerate() {
                if index > 0 {
                    text.push(",", span);
                }
                text.push_string(value, *value_span);
            }
            text.push("]", span);
        }
    };
    let lits = |lits: &[syn::LitStr]| {
        lits.iter()
            .map(|lit| (lit.value(), lit.span()))
            .collect::<Vec<_>>()
    };
    text.push("{\"Effect\":\"Allow\",\"Principal\":{", span);
    let mut first = true;
    for (kind, values) in [
        ("AWS", trust.aws.clone()),
        ("Service", lits(&trust.service)),
        ("Federated", lits(&trust.federated)),
    ] {
        if values.is_empty() {
            continue;
        }
        if !first {
            text.push(",", span);
        }
        first = false;
        text.push_string(kind, span);
        text.push(":", span);
        list(text, &values);
    }
    text.push("},\"Action\":", span);
    let saml = trust
        .federated
        .iter()
        .any(|lit| lit.value().contains(":saml-provider/"));
    let action = match (trust.federated.is_empty(), saml) {
        (true, _) => "sts:AssumeRole",
        (false, true) => "sts:AssumeRoleWithSAML",
        (false, false) => "sts:AssumeRoleWithWebIdentity",
    };
    text.push_string(action, span);
    if trust.external_id.is_some() || trust.mfa.is_some() {
        text.push(",\"Condition\":{", span);
        let mut first = true;
        if let Some(external_id) = &trust.external_id {
            text.push("\"StringEquals\":{\"sts:ExternalId\":", external_id.span());
            text.push_string(&external_id.value(), external_id.span());
            text.push("}", span);
            first = false;
        }
        if let Some(mfa) = trust.mfa {
            if !first {
                text.push(",", span);
            }
            text.push("\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}", mfa);
        }
        text.push("}", span);
    }
    text.push("}", span);
}

pub(crate) fn expand_derive_role(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let mut cx = Ctxt::new();
    if !matches!(input.data, syn::Data::Struct(_)) {
        cx.error(input.ident.span(), "`#[derive(Role)]` is for structs");
    }
    let role = parse(input, &mut cx);
    cx.check()?;
    let (name, name_span) = match &role.name {
        Some(lit) => (lit.value(), lit.span()),
        None => (input.ident.to_string(), input.ident.span()),
    };
    check_fields(&role, &name, name_span, &mut cx);
    cx.check()?;

    let text = trust_text(&role, input.ident.span());
    let checked = validate::check(
        &text,
        None,
        PolicyKind::Trust,
        IdentityPolicyUse::default(),
        &role.allow,
    );
    for error in checked.errors {
        cx.syn_error(error);
    }
    cx.check()?;
    let Some(trust) = checked.canonical else {
        return Err(syn::Error::new(
            input.ident.span(),
            "the trust policy could not be read back",
        ));
    };

    let account = role
        .account
        .as_ref()
        .map(syn::LitStr::value)
        .unwrap_or_default();
    let path = role
        .path
        .as_ref()
        .map_or_else(|| "/".to_owned(), syn::LitStr::value);
    let arn = iamgen_runtime::names::role_arn(&account, &path, &name);
    let none = quote!(::core::option::Option::None);
    let description = role.description.as_ref().map_or_else(
        || none.clone(),
        |lit| quote!(::core::option::Option::Some(#lit)),
    );
    let duration = if let Some(lit) = &role.max_session_duration {
        let seconds: u32 = lit.base10_parse()?;
        quote!(::core::option::Option::Some(#seconds))
    } else {
        none.clone()
    };
    let tag_keys = role.tags.iter().map(|(key, _)| key);
    let tag_values = role.tags.iter().map(|(_, value)| value);
    let attach = &role.attach;
    let boundary = role.boundary.as_ref().map_or_else(
        || none.clone(),
        |path| quote!(::core::option::Option::Some(<#path as ::iamgen::__private::Policy>::NAME)),
    );
    let trust_kind = kind_path(PolicyKind::Trust);
    let warnings = checked.warnings;
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        #warnings
        #[automatically_derived]
        impl #impl_generics ::iamgen::__private::Role for #ident #ty_generics #where_clause {
            const NAME: &'static str = #name;
            const PATH: &'static str = #path;
            const ACCOUNT: &'static str = #account;
            const ARN: &'static str = #arn;
            const DESCRIPTION: ::core::option::Option<&'static str> = #description;
            const MAX_SESSION_DURATION: ::core::option::Option<u32> = #duration;
            const TAGS: &'static [(&'static str, &'static str)] = &[#( (#tag_keys, #tag_values) ),*];
            const TRUST: ::iamgen::__private::StaticPolicy = ::iamgen::__private::StaticPolicy::__new(#trust_kind, #trust);
            const POLICIES: &'static [&'static str] = &[#( <#attach as ::iamgen::__private::Policy>::NAME ),*];
            const PERMISSIONS_BOUNDARY: ::core::option::Option<&'static str> = #boundary;
        }
    })
}
