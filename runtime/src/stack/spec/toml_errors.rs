//! toml's and serde's errors, translated into located diagnostics in the words of the spec format.

use std::ops::Range;

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::suggest;

/// A toml error as a diagnostic, in the words of this format: unknown keys get a did-you-mean, integer account
/// ids the advice to quote them.
pub(super) fn toml_error(source: &str, error: &toml::de::Error) -> Diagnostic {
    let range = error.span().unwrap_or(0..0);
    let start = range.start.min(source.len());
    let end = range.end.clamp(start, source.len());
    let at = Span::new(start, end);
    let message = error.message().trim_end();
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if message.starts_with("unknown field `")
        && let Some((key, expected)) = quoted.split_first()
    {
        let diagnostic = Diagnostic::error(
            codes::UNKNOWN_KEY.name,
            format!("unknown key `{key}`"),
            at,
            None,
        );
        return match suggest::closest(key, expected.iter().copied()) {
            Some(close) => diagnostic.with_suggestion(close),
            None if expected.is_empty() => diagnostic.with_help("this table takes no keys"),
            None => diagnostic.with_help(format!(
                "the keys of this table are {}",
                suggest::code_list(expected.iter().copied())
            )),
        };
    }
    if message.starts_with("missing field `")
        && let Some(key) = quoted.first()
    {
        let help = if *key == "role" {
            "add a `[cross_account.role]` table with the role's `name`".to_owned()
        } else {
            format!("add `{key} = ...` to this table")
        };
        return Diagnostic::error(
            codes::MISSING_KEY.name,
            format!("missing key `{key}`"),
            at,
            None,
        )
        .with_help(help);
    }
    if message == "duplicate key" {
        let key = source.get(start..end).unwrap_or_default();
        return Diagnostic::error(
            codes::DUPLICATE_KEY.name,
            format!("key `{key}` is given twice"),
            at,
            None,
        )
        .with_help("TOML allows each key once per table");
    }
    if message.contains("leading zero") {
        return leading_zero(source, at, message);
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let help = if rest.ends_with("expected a string") {
            Some("quote it: strings are written in double quotes")
        } else if rest.ends_with("expected a sequence") {
            Some("write a list: `[\"...\", \"...\"]`")
        } else if rest.ends_with("expected a boolean") {
            Some("write `true` or `false`")
        } else if rest.ends_with("expected i64") {
            Some("write a whole number")
        } else {
            None
        };
        // serde names Rust's types; the spec's readers know TOML's.
        let message = message.replace("expected i64", "expected an integer");
        let diagnostic = Diagnostic::error(codes::INVALID_TYPE.name, message, at, None);
        return match help {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        };
    }
    Diagnostic::error(codes::INVALID_TOML.name, message, at, None)
}

/// TOML has no integers with a leading zero, so `id = 081278057606` fails to parse before any account id
/// check could run; it is the mistake the format most expects, so it gets the account id's own error.
pub(super) fn leading_zero(source: &str, at: Span, message: &str) -> Diagnostic {
    let bytes = source.as_bytes();
    let number = |b: u8| b.is_ascii_digit() || b == b'_';
    let mut start = at.start as usize;
    while start > 0 && bytes.get(start - 1).copied().is_some_and(number) {
        start -= 1;
    }
    let mut end = start;
    while bytes.get(end).copied().is_some_and(number) {
        end += 1;
    }
    let digits = source.get(start..end).unwrap_or_default().replace('_', "");
    let line_start = source
        .get(..start)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |newline| newline + 1);
    let before = source.get(line_start..start).unwrap_or_default().trim_end();
    let key = before.strip_suffix('=').map(str::trim_end);
    let at = Span::new(start, end.max(start));
    if key.is_some_and(|key| key.rsplit('.').next() == Some("id")) {
        Diagnostic::error(
            codes::INVALID_ACCOUNT_ID.name,
            format!("account id `{digits}` is written as a number"),
            at,
            None,
        )
        .with_help(format!(
            "write it as a string, `id = \"{digits}\"`: an integer cannot keep the leading zero"
        ))
    } else {
        Diagnostic::error(codes::INVALID_TOML.name, message, at, None)
            .with_help("TOML numbers cannot start with `0`; quote the value if it is text")
    }
}

/// Where the text of the string value `value`, spanning `span` in `source` with its delimiters, starts, when
/// the source holds it verbatim (a literal string, or a basic string without escapes), so that an offset in
/// the value is the same offset in the source.
pub(super) fn content_offset(source: &str, span: Range<usize>, value: &str) -> Option<usize> {
    let token = source.get(span.clone())?;
    for delimiter in ["'''", "\"\"\"", "'", "\""] {
        let Some(rest) = token.strip_prefix(delimiter) else {
            continue;
        };
        let mut start = span.start + delimiter.len();
        if delimiter.len() == 3 {
            // TOML drops a newline right after the opening delimiter of a multi-line string.
            if rest.starts_with("\r\n") {
                start += 2;
            } else if rest.starts_with('\n') {
                start += 1;
            }
        }
        let end = start.checked_add(value.len())?;
        let raw = source.get(start..end)?;
        let escapes = delimiter.starts_with('"') && raw.contains('\\');
        return (end <= span.end && raw == value && !escapes).then_some(start);
    }
    None
}
