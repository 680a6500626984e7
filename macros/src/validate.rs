//! Checking JSON built from tokens with the runtime linter, and turning its findings into compile errors on
//! the offending tokens (errors) or warnings (everything a user should see but may allow).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote_spanned};

use iamgen_runtime::lint::{self, IdentityPolicyUse, Options, PolicyKind};
use iamgen_runtime::{PolicyDocument, Severity};

use crate::json::Text;

/// The outcome of checking one policy.
pub(crate) struct Checked {
    /// The text to hand out (`typed::text_for`), when the text is a policy without errors.
    pub(crate) canonical: Option<String>,
    /// One error per error-severity finding, on its token.
    pub(crate) errors: Vec<syn::Error>,
    /// Code that makes rustc print each warning-severity finding on its token.
    pub(crate) warnings: TokenStream,
}

/// Lints `lint_text` as `kind`. The canonical JSON is printed from `template` (the same policy with `{field}`
/// placeholders kept) when it is given, from `lint_text` otherwise.
pub(crate) fn check(
    lint_text: &Text,
    template: Option<&Text>,
    kind: PolicyKind,
    identity_use: IdentityPolicyUse,
    allow: &[String],
) -> Checked {
    let options = Options {
        allow: allow.to_vec(),
        identity_use,
    };
    let report = lint::lint_source(&lint_text.json, Some(kind), &options);
    let mut errors = Vec::new();
    let mut warnings = TokenStream::new();
    for finding in &report.findings {
        // What a placeholder's value decides is checked when the document is built, on the value.
        if lint_text.is_unknown(finding.span.start as usize, finding.code) {
            continue;
        }
        let span = lint_text.span_at(finding.span.start as usize);
        let mut message = format!("{} [{}]", finding.message, finding.code);
        if let Some(help) = &finding.help {
            message.push_str("\n= help: ");
            message.push_str(help);
        }
        match finding.severity {
            Severity::Error => errors.push(syn::Error::new(span, message)),
            Severity::SecurityWarning | Severity::Warning => {
                warnings.extend(warning(span, finding.code, finding.severity, &message));
            }
            // Suggestions are for `iamgen validate`; at compile time they would only be noise.
            Severity::Suggestion => {}
        }
    }
    let canonical = if errors.is_empty() {
        let source = template.map_or(lint_text.json.as_str(), |template| template.json.as_str());
        // The text handed out is the one the quota was checked on (compact for SCPs and RCPs).
        PolicyDocument::from_json(source)
            .ok()
            .map(|document| iamgen_runtime::typed::text_for(kind, &document))
    } else {
        None
    };
    Checked {
        canonical,
        errors,
        warnings,
    }
}

/// Stable proc macros cannot emit warnings; using a `#[deprecated]` item can, at the span of the use. The note
/// says what the finding is and how to allow it.
fn warning(span: Span, code: &str, severity: Severity, message: &str) -> TokenStream {
    let name = format_ident!("__iamgen_{}", code.to_ascii_lowercase(), span = span);
    let kind = if severity == Severity::SecurityWarning {
        "security warning"
    } else {
        "warning"
    };
    let note = format!(
        "iamgen {kind}: {message}\n= note: to accept it, add `allow({code})` to the policy or role"
    );
    quote_spanned! {span=>
        const _: () = {
            #[deprecated(note = #note)]
            #[allow(non_camel_case_types, dead_code)]
            struct #name;
            let _ = #name;
        };
    }
}

/// Reads the kind keyword of `policy!` and the derives.
pub(crate) fn parse_kind(ident: &syn::Ident) -> syn::Result<PolicyKind> {
    ident.to_string().parse::<PolicyKind>().map_err(|_| {
        let names = PolicyKind::ALL.map(PolicyKind::as_str);
        let near = iamgen_runtime::suggest::closest(&ident.to_string(), names);
        let help = match near {
            Some(near) => format!("did you mean `{near}`?"),
            None => "the kinds are `identity`, `trust`, `resource`, `scp` and `rcp`".to_owned(),
        };
        syn::Error::new(
            ident.span(),
            format!("unknown policy kind `{ident}`\n= help: {help}"),
        )
    })
}

/// The words of `use = ...`, each with where an identity policy is used (the CLI's `--identity-use`).
const IDENTITY_USES: [(&str, IdentityPolicyUse); 4] = [
    ("managed", IdentityPolicyUse::Managed),
    ("inline_role", IdentityPolicyUse::InlineRole),
    ("inline_group", IdentityPolicyUse::InlineGroup),
    ("inline_user", IdentityPolicyUse::InlineUser),
];

/// Reads the value of `use = ...`: where an identity policy is used, which sets its size quota. Only an
/// identity policy has a use; `keyword` is where the option starts.
pub(crate) fn parse_identity_use(
    kind: PolicyKind,
    keyword: Span,
    value: &syn::Ident,
) -> syn::Result<IdentityPolicyUse> {
    if kind != PolicyKind::Identity {
        return Err(syn::Error::new(
            keyword,
            format!(
                "`use` says where an identity policy is used, which sets its size quota; a {} policy has one \
                 quota wherever it is\n= help: remove `use = {value}`",
                kind.as_str()
            ),
        ));
    }
    let word = value.to_string();
    IDENTITY_USES
        .iter()
        .find(|(name, _)| *name == word)
        .map(|(_, identity_use)| *identity_use)
        .ok_or_else(|| {
            let names = IDENTITY_USES.map(|(name, _)| name);
            let help = iamgen_runtime::suggest::closest(&word, names).map_or_else(
                || {
                    "the uses are `managed`, `inline_role`, `inline_group` and `inline_user`"
                        .to_owned()
                },
                |near| format!("did you mean `{near}`?"),
            );
            syn::Error::new(
                value.span(),
                format!("unknown use `{word}`\n= help: {help}"),
            )
        })
}

/// The path of a use in generated code.
pub(crate) fn identity_use_path(identity_use: IdentityPolicyUse) -> TokenStream {
    let variant = format_ident!(
        "{}",
        match identity_use {
            IdentityPolicyUse::Managed => "Managed",
            IdentityPolicyUse::InlineRole => "InlineRole",
            IdentityPolicyUse::InlineGroup => "InlineGroup",
            IdentityPolicyUse::InlineUser => "InlineUser",
        }
    );
    quote::quote!(::iamgen::__private::IdentityPolicyUse::#variant)
}

/// The path of a kind in generated code.
pub(crate) fn kind_path(kind: PolicyKind) -> TokenStream {
    let variant = format_ident!(
        "{}",
        match kind {
            PolicyKind::Identity => "Identity",
            PolicyKind::Trust => "Trust",
            PolicyKind::Resource => "Resource",
            PolicyKind::Scp => "Scp",
            PolicyKind::Rcp => "Rcp",
        }
    );
    quote::quote!(::iamgen::__private::PolicyKind::#variant)
}

/// Reads `(CODE, CODE, ...)` after the word `allow`, in an attribute's `allow(...)` or in `policy!`'s.
pub(crate) fn parse_allow_parenthesized(
    input: syn::parse::ParseStream<'_>,
) -> syn::Result<Vec<String>> {
    let content;
    syn::parenthesized!(content in input);
    parse_allow(&content)
}

/// Reads `allow(CODE, CODE, ...)`'s contents: identifiers or string literals.
fn parse_allow(content: syn::parse::ParseStream<'_>) -> syn::Result<Vec<String>> {
    let mut codes = Vec::new();
    while !content.is_empty() {
        let (code, span) = if content.peek(syn::LitStr) {
            let literal = content.parse::<syn::LitStr>()?;
            (literal.value(), literal.span())
        } else {
            let ident = content.parse::<syn::Ident>()?;
            (ident.to_string(), ident.span())
        };
        // A misspelt code would otherwise allow nothing, silently; a code that means AWS refuses the policy
        // would let a policy compile that cannot be used.
        if let Err(refused) = lint::codes::check_allow(&code) {
            return Err(syn::Error::new(span, refused));
        }
        codes.push(code);
        if content.is_empty() {
            break;
        }
        content.parse::<syn::Token![,]>()?;
    }
    Ok(codes)
}
