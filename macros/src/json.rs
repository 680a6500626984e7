//! JSON written as Rust tokens (`{ "Effect": "Allow", ... }`) to JSON text, remembering which token each byte
//! of the text came from, so that a finding about the text can be reported on the token.

use std::ops::Range;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::ToTokens;

/// JSON text and, for each token written into it, the bytes it became.
#[derive(Default)]
pub(crate) struct Text {
    pub(crate) json: String,
    spans: Vec<Written>,
    /// The statements with an action known only at run time (its stand-in is a wildcard of the service).
    statements: Vec<Range<usize>>,
}

/// Codes whose verdict on a statement depends on which actions it grants: in a statement whose action is
/// known only at run time, the wildcard standing for it would raise them for every value.
const ACTION_DEPENDENT: [&str; 4] = [
    "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOTRESOURCE",
    "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
    "REDUNDANT_ACTION",
    "WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT",
];

/// The bytes one token became.
struct Written {
    bytes: Range<usize>,
    span: Span,
    /// A string whose value is known only at run time (a placeholder stands for all of it or for the part
    /// that decides the checks): the compile-time lint's findings in it are left to the run-time check.
    unknown: bool,
}

impl Text {
    /// Appends text that stands for `span`.
    pub(crate) fn push(&mut self, text: &str, span: Span) {
        let start = self.json.len();
        self.json.push_str(text);
        self.written(start, span, false);
    }

    fn written(&mut self, start: usize, span: Span, unknown: bool) {
        self.spans.push(Written {
            bytes: start..self.json.len(),
            span,
            unknown,
        });
    }

    /// Appends a JSON string (quoted and escaped) that stands for `span`.
    pub(crate) fn push_string(&mut self, value: &str, span: Span) {
        let start = self.json.len();
        iamgen_runtime::json::write_string(&mut self.json, value);
        self.written(start, span, false);
    }

    /// Appends a JSON string whose value is known only at run time, written here as its stand-in.
    pub(crate) fn push_unknown_string(&mut self, stand_in: &str, span: Span) {
        let start = self.json.len();
        iamgen_runtime::json::write_string(&mut self.json, stand_in);
        self.written(start, span, true);
    }

    /// Marks the statement written from `start` to here as having an action known only at run time.
    pub(crate) fn actions_unknown(&mut self, start: usize) {
        self.statements.push(start..self.json.len());
    }

    /// Whether a finding with `code` at `offset` is about what is known only at run time: it is in such a
    /// string, or depends on the actions of a statement whose action is such.
    pub(crate) fn is_unknown(&self, offset: usize, code: &str) -> bool {
        self.written_at(offset)
            .is_some_and(|written| written.unknown && written.bytes.contains(&offset))
            || (ACTION_DEPENDENT.contains(&code)
                && self.statements.iter().any(|range| range.contains(&offset)))
    }

    /// What the byte at `offset` was written for; the nearest token before it otherwise.
    fn written_at(&self, offset: usize) -> Option<&Written> {
        let index = self
            .spans
            .partition_point(|written| written.bytes.start <= offset);
        index.checked_sub(1).and_then(|i| self.spans.get(i))
    }

    /// The span of the token the byte at `offset` came from; the nearest token before it otherwise.
    pub(crate) fn span_at(&self, offset: usize) -> Span {
        match self.written_at(offset) {
            Some(written) => written.span,
            None => self
                .spans
                .first()
                .map_or_else(Span::call_site, |written| written.span),
        }
    }
}

/// Writes the JSON value `tokens` stand for into `out`. Strings are Rust string literals (any form: escapes
/// and raw strings are read as Rust reads them), numbers are Rust numeric literals without suffix.
pub(crate) fn write_value(tokens: TokenStream, out: &mut Text) -> syn::Result<()> {
    write_value_with(tokens, out, &mut |value, _| Ok((value.to_owned(), false)))
}

/// What [`write_value_with`] passes each string through: the text to write, and whether its value is known
/// only at run time.
pub(crate) type StringFn<'a> = dyn FnMut(&str, Span) -> syn::Result<(String, bool)> + 'a;

/// [`write_value`], passing each string through `string` first (to check or fill placeholders).
pub(crate) fn write_value_with(
    tokens: TokenStream,
    out: &mut Text,
    string: &mut StringFn<'_>,
) -> syn::Result<()> {
    for token in tokens {
        match token {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => {
                        write_value_with(group.stream(), out, string)?;
                        continue;
                    }
                    Delimiter::Parenthesis => {
                        return Err(syn::Error::new(
                            group.span(),
                            "parentheses are not JSON\n= help: use `{ ... }` for an object and `[ ... ]` for an array",
                        ));
                    }
                };
                out.push(open, group.span_open());
                write_value_with(group.stream(), out, string)?;
                out.push(close, group.span_close());
            }
            TokenTree::Literal(literal) => write_literal(&literal, out, string)?,
            TokenTree::Punct(punct) => match punct.as_char() {
                ':' | ',' | '-' => out.push(&punct.to_string(), punct.span()),
                other => {
                    return Err(syn::Error::new(
                        punct.span(),
                        format!(
                            "`{other}` is not JSON\n= help: members are written `\"Key\": value`, separated by `,`"
                        ),
                    ));
                }
            },
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                match name.as_str() {
                    "true" | "false" | "null" => out.push(&name, ident.span()),
                    _ => {
                        return Err(syn::Error::new(
                            ident.span(),
                            format!(
                                "`{name}` is not a JSON value\n= help: strings and keys are written in double quotes: `\"{name}\"`"
                            ),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

fn write_literal(
    literal: &proc_macro2::Literal,
    out: &mut Text,
    string: &mut StringFn<'_>,
) -> syn::Result<()> {
    let span = literal.span();
    match syn::Lit::new(literal.clone()) {
        syn::Lit::Str(lit) => {
            if !lit.suffix().is_empty() {
                return Err(syn::Error::new(
                    span,
                    "a string literal with a suffix is not JSON",
                ));
            }
            let (value, unknown) = string(&lit.value(), span)?;
            if unknown {
                out.push_unknown_string(&value, span);
            } else {
                out.push_string(&value, span);
            }
        }
        syn::Lit::Int(int) if int.suffix().is_empty() => out.push(int.base10_digits(), span),
        syn::Lit::Float(float) if float.suffix().is_empty() => {
            out.push(float.base10_digits(), span);
        }
        syn::Lit::Bool(boolean) => out.push(if boolean.value { "true" } else { "false" }, span),
        other => {
            return Err(syn::Error::new(
                span,
                format!(
                    "`{}` is not JSON\n= help: write strings in double quotes, and numbers without a suffix",
                    other.to_token_stream()
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn tokens_become_json_text() {
        let mut out = Text::default();
        write_value(quote!({ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "N": -1.5, "B": true }] }), &mut out)
            .unwrap();
        assert_eq!(
            out.json,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","N":-1.5,"B":true}]}"#
        );
    }

    #[test]
    fn rust_string_escapes_are_read_as_rust_reads_them() {
        let mut out = Text::default();
        write_value(quote!({ "Sid": "a\u{e9}\"b", "Raw": r"c\d" }), &mut out).unwrap();
        assert_eq!(out.json, "{\"Sid\":\"a\u{e9}\\\"b\",\"Raw\":\"c\\\\d\"}");
    }

    #[test]
    fn non_json_tokens_are_errors() {
        for tokens in [
            quote!({ Effect: "Allow" }),
            quote!({ "A": (1) }),
            quote!({
                "A";
                1
            }),
            quote!({ "A": 1u8 }),
        ] {
            assert!(write_value(tokens, &mut Text::default()).is_err());
        }
    }
}
