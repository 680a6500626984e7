//! The reader against what IAM accepts and rejects, and where its errors point.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::*;
use crate::source::{LineCol, Span, line_col};

/// The error `source` gives, and where it starts.
fn err(source: &str) -> (JsonError, LineCol) {
    let error = parse(source).expect_err("should fail");
    let at = line_col(source, error.span.start as usize);
    (error, at)
}

fn line_column(line: u32, column: u32) -> LineCol {
    LineCol { line, column }
}

#[test]
fn reads_every_value_kind_with_spans() {
    let source = r#"{"a": [1, -2.5e3, true, false, null], "b": "x\"y", "c": {}}"#;
    let node = parse(source).unwrap();
    let Value::Object(members) = &node.value else {
        panic!("object")
    };
    assert_eq!(members.len(), 3);
    assert_eq!(&source[members[1].value.span.range()], r#""x\"y""#);
    assert_eq!(
        members[1].value.value,
        Value::String(Cow::Owned("x\"y".into()))
    );
    assert_eq!(node.pointer("/a/1").unwrap().value, Value::Number("-2.5e3"));
    assert_eq!(node.pointer("/c").unwrap().value, Value::Object(vec![]));
    assert!(node.pointer("/a/9").is_none());
}

#[test]
fn unescaped_strings_borrow() {
    let node = parse(r#"["plain"]"#).unwrap();
    let Value::Array(items) = node.value else {
        panic!()
    };
    assert!(matches!(
        items[0].value,
        Value::String(Cow::Borrowed("plain"))
    ));
}

#[test]
fn decodes_escapes_and_surrogate_pairs() {
    let node = parse(r#""\u00e9\ud83d\ude00\n\/""#).unwrap();
    assert_eq!(node.value.as_str(), Some("é😀\n/"));
    assert!(matches!(
        err(r#""\ud83d""#).0.kind,
        JsonErrorKind::InvalidEscape(_)
    ));
    assert!(matches!(
        err(r#""\x41""#).0.kind,
        JsonErrorKind::InvalidEscape(_)
    ));
}

#[test]
fn curly_quotes_are_named_with_their_position() {
    let (error, at) = err("{\n  “Version”: “2012-10-17”\n}");
    assert_eq!(error.kind, JsonErrorKind::CurlyQuote('\u{201C}'));
    assert_eq!(at, line_column(2, 3));
    assert!(error.to_string().contains("U+201C"), "{error}");
    assert!(error.help().unwrap().contains("straight double quote"));
    // Inside a string too: a policy written with one real quote and one curly one.
    let (error, at) = err("{\"Sid\": \"a’b\"}");
    assert_eq!(error.kind, JsonErrorKind::CurlyQuote('\u{2019}'));
    assert_eq!(at, line_column(1, 11));
}

#[test]
fn rejects_what_iam_rejects() {
    assert_eq!(
        err(r#"{"a": 1, "a": 2}"#).0.kind,
        JsonErrorKind::DuplicateKey {
            key: "a".into(),
            first: Span::new(1, 4)
        }
    );
    assert_eq!(err("{\"a\": 1 // no\n}").0.kind, JsonErrorKind::Comment);
    assert_eq!(err("{\"a\": [1, 2,]}").0.kind, JsonErrorKind::TrailingComma);
    assert_eq!(err("{\"a\": [1, 2,]}").1, line_column(1, 12));
    assert_eq!(err("{\"a\": 1,}").0.kind, JsonErrorKind::TrailingComma);
    assert_eq!(err("{'a': 1}").0.kind, JsonErrorKind::SingleQuote);
    assert_eq!(
        err("{\"a\": \"\u{0100}\"}").0.kind,
        JsonErrorKind::ForbiddenChar('\u{100}')
    );
    assert_eq!(
        err("{\"a\": \"tab\there\"}").0.kind,
        JsonErrorKind::ControlCharInString('\t')
    );
    assert_eq!(err("\u{FEFF}{}").0.kind, JsonErrorKind::ByteOrderMark);
    assert_eq!(err("   ").0.kind, JsonErrorKind::Empty);
    assert_eq!(err("{} {}").0.kind, JsonErrorKind::TrailingContent);
    for bad in ["01", "+1", ".5", "1.", "1e", "-", "1.2.3", "0x10"] {
        assert!(
            matches!(err(bad).0.kind, JsonErrorKind::InvalidNumber(_)),
            "{bad}"
        );
    }
}

#[test]
fn iam_allows_latin1_in_strings() {
    assert_eq!(
        parse("\"caf\u{e9} \u{ff}\"").unwrap().value.as_str(),
        Some("café ÿ")
    );
}

#[test]
fn words_that_are_not_literals() {
    let (error, _) = err("[True]");
    assert_eq!(
        error.kind,
        JsonErrorKind::UnexpectedWord {
            found: "True".into(),
            expected: "a value"
        }
    );
    assert_eq!(error.help().unwrap(), "JSON literals are lowercase: `true`");
    assert!(matches!(
        err("[nullx]").0.kind,
        JsonErrorKind::UnexpectedWord { .. }
    ));
    assert!(matches!(
        err("{Effect: 1}").0.kind,
        JsonErrorKind::UnexpectedWord { .. }
    ));
}

#[test]
fn unexpected_end_names_what_is_open() {
    // Points right after the last thing written, where the missing bracket belongs.
    let (error, at) = err("{\n  \"a\": [1,\n");
    assert_eq!(at, line_column(2, 11));
    match error.kind {
        JsonErrorKind::UnexpectedEnd {
            unclosed: Some((Unclosed::Array, span)),
            ..
        } => assert_eq!(span, Span::new(9, 10)),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        err("{\"a\": \"open").0.kind,
        JsonErrorKind::UnexpectedEnd {
            unclosed: Some((Unclosed::String, _)),
            ..
        }
    ));
}

#[test]
fn depth_is_bounded() {
    let deep = "[".repeat(MAX_DEPTH as usize + 1) + &"]".repeat(MAX_DEPTH as usize + 1);
    assert_eq!(err(&deep).0.kind, JsonErrorKind::TooDeep);
    let ok = "[".repeat(MAX_DEPTH as usize) + &"]".repeat(MAX_DEPTH as usize);
    assert!(parse(&ok).is_ok());
}

#[test]
fn malformed_escapes_before_multibyte_characters_are_errors_not_panics() {
    // Found by fuzzing: `"\u0éé"` sliced the source inside `é` to quote the escape.
    for escape in [
        "\\",
        "\\u",
        "\\u0",
        "\\u00",
        "\\u000",
        "\\ud83d",
        "\\ud83d\\",
        "\\ud83d\\u",
        "\\ud83d\\udc",
    ] {
        for tail in ["é", "éé", "€", "😀", "\u{100}"] {
            let source = format!("\"{escape}{tail}\"");
            let error = parse(&source).expect_err(&source);
            assert!(
                matches!(error.kind, JsonErrorKind::InvalidEscape(_)),
                "{source}: {error:?}"
            );
            let span = error.span.range();
            assert!(
                source.is_char_boundary(span.start) && source.is_char_boundary(span.end),
                "{source}: {span:?}"
            );
        }
    }
    let (error, at) = err("\"\\u0éé\"");
    assert_eq!(error.kind, JsonErrorKind::InvalidEscape("\\u0é".into()));
    assert_eq!(at, line_column(1, 2));
}

#[test]
fn many_keys_still_catch_duplicates() {
    let mut source = String::from("{");
    for i in 0..40 {
        let _ = write!(source, "\"k{i}\": {i},");
    }
    source.push_str("\"k3\": 0}");
    assert!(matches!(
        err(&source).0.kind,
        JsonErrorKind::DuplicateKey { .. }
    ));
}

/// The typographic quotes of `source`, as `{quote}{line}:{column}` each, followed by ` (text)` for one that is
/// part of a string's text and ` (unclear)` for one whose string has no end on its line: one line per source,
/// so that the cases below read side by side.
fn quote_roles(source: &str) -> String {
    typographic_quotes(source)
        .into_iter()
        .map(|quote| {
            let at = line_col(source, quote.span.start as usize);
            assert_eq!(&source[quote.span.range()], quote.ch.to_string());
            let role = match quote.role {
                QuoteRole::Delimiter => "",
                QuoteRole::Content => " (text)",
                QuoteRole::Unclear => " (unclear)",
            };
            format!("{}{}:{}{role}", quote.ch, at.line, at.column)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn typographic_quotes_are_all_found_with_their_part() {
    for (source, roles) in [
        // Pasted from a word processor: every quote delimits.
        (
            "{\n  “Version”: “2012-10-17”,\n  ‘Sid’: ‘x’}",
            "“2:3 ”2:11 “2:14 ”2:25 ‘3:3 ’3:7 ‘3:10 ’3:12",
        ),
        // Inside a string, between straight delimiters, a quote is the author's text, even one followed by `,`.
        (
            r#"{"a": "O’Brien", "b": "Say “hi”, then"}"#,
            "’1:9 (text) “1:28 (text) ”1:31 (text)",
        ),
        // Mixed: a straight opening and a typographic closing quote, on one line or at the end of one.
        (
            "{\"Action\": \"s3:GetObject”, \"Resource\": \"*”\n}",
            "”1:25 ”1:42",
        ),
        // An apostrophe in a string opened by a typographic quote is text; the quote before `}` closes it.
        ("{“Sid”: “Bob’s”}", "“1:2 ”1:6 “1:9 ’1:13 (text) ”1:15"),
        // A string that no quote on its line closes: where it ends cannot be told.
        (
            "{“Sid”: “Bob’s x\n}",
            "“1:2 ”1:6 “1:9 (unclear) ’1:13 (unclear)",
        ),
        // An escaped quote does not close a string.
        (r#"{“a”: “x\"y”}"#, "“1:2 ”1:4 “1:7 ”1:12"),
        ("{\"a\": \"b\"}", ""),
    ] {
        assert_eq!(quote_roles(source), roles, "{source}");
    }
}

#[test]
fn typographic_quotes_are_found_in_linear_time() {
    // Lines a quadratic scan would take minutes on (1 MiB each): strings that never end where a string can,
    // straight and typographic, and a minified policy's one long line.
    let unending = "\"a".repeat(1 << 19);
    let unclosed = "“a”a".repeat(1 << 17);
    let minified = format!("[{}\"x\"]", "“s3:GetObject”, \"O’Brien\", ".repeat(1 << 15));
    let started = std::time::Instant::now();
    assert!(typographic_quotes(&unending).is_empty());
    let quotes = typographic_quotes(&unclosed);
    assert_eq!(quotes.len(), 1 << 18);
    assert!(quotes.iter().all(|quote| quote.role == QuoteRole::Unclear));
    let quotes = typographic_quotes(&minified);
    assert_eq!(quotes.len(), 3 << 15);
    assert_eq!(quotes[2].role, QuoteRole::Content);
    let elapsed = started.elapsed();
    assert!(elapsed.as_secs() < 5, "{elapsed:?}");
}
