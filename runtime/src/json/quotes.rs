//! Typographic quotes (`“ ” ‘ ’`) in a text meant to be JSON: every one, located, with the part it plays.
//!
//! The reader stops at the first error, but a policy pasted from a word processor or a web page holds its
//! typographic quotes by the dozen, so [`typographic_quotes`] finds them all in one pass. It also tells which
//! of them stand where a string's delimiter must (and so can be replaced by `"` without changing what the
//! author wrote) from those that are part of a string's text (`"O’Brien"`), which only the author can decide
//! about. A JSON string cannot hold a raw line break, so each string opens and closes on one line: the scan
//! works line by line and never has to guess across lines.

use super::chars::is_curly_quote;
use crate::source::Span;

/// The part a typographic quote plays in the text around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum QuoteRole {
    /// It opens or closes a string or a key, where JSON wants `"`: replacing it by `"` is the fix.
    Delimiter,
    /// It is part of a string's text, between delimiters that are already settled.
    Content,
    /// It opens a string that no quote on its line closes, so where the string ends cannot be told.
    Unclear,
}

/// One typographic quote: which one, where, and its part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypographicQuote {
    /// The quote (U+201C, U+201D, U+2018 or U+2019).
    pub ch: char,
    /// Its bytes in the source.
    pub span: Span,
    /// Whether it delimits a string, is part of one, or cannot be told.
    pub role: QuoteRole,
}

impl TypographicQuote {
    /// What the user should do about it, which depends on its part. It names no tool: the same reader reads
    /// policy files, documents inside a stack's spec and `policy!` in Rust source.
    #[must_use]
    pub fn help(&self) -> &'static str {
        match self.role {
            QuoteRole::Delimiter => {
                "replace it with a straight double quote `\"`: JSON strings and keys use only U+0022"
            }
            QuoteRole::Content => {
                "this quote is part of the string's text, and IAM accepts only TAB, LF, CR and U+0020 to U+00FF, \
                 inside strings too: write `'` or `\\\"` instead"
            }
            QuoteRole::Unclear => {
                "a string opens here but no quote on this line closes it: put straight double quotes `\"` around \
                 the string"
            }
        }
    }
}

/// Every typographic quote of `source`, in order, each with its part.
///
/// A string opens at any quote, straight or typographic, met outside a string. It closes at the first quote
/// on the same line that is followed (after spaces) by `:`, `,`, `}`, `]` or the end of the line, which is
/// where a JSON string must end; but a string opened by `"` keeps JSON's own reading (its first unescaped
/// `"`) whenever that reading ends where a string can, so that `"Say “hi”, then"` is one string with two
/// quotes of content. A string opened by a typographic quote that nothing closes makes its quotes
/// [`QuoteRole::Unclear`].
#[must_use]
pub fn typographic_quotes(source: &str) -> Vec<TypographicQuote> {
    let mut quotes = Vec::new();
    let mut line_start = 0;
    for line in source.split_inclusive('\n') {
        let chars: Vec<(usize, char)> = line
            .char_indices()
            .map(|(at, ch)| (line_start + at, ch))
            .collect();
        scan_line(&chars, &mut quotes);
        line_start += line.len();
    }
    quotes
}

fn scan_line(chars: &[(usize, char)], out: &mut Vec<TypographicQuote>) {
    let mut push = |(at, ch): (usize, char), role| {
        if is_curly_quote(ch) {
            out.push(TypographicQuote {
                ch,
                span: Span::new(at, at + ch.len_utf8()),
                role,
            });
        }
    };
    let mut ending_after = true;
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i].1;
        if ch != '"' && !is_curly_quote(ch) {
            i += 1;
            continue;
        }
        if let Some(close) = closing_quote(chars, i, &mut ending_after) {
            push(chars[i], QuoteRole::Delimiter);
            for &inner in &chars[i + 1..close] {
                push(inner, QuoteRole::Content);
            }
            push(chars[close], QuoteRole::Delimiter);
            i = close + 1;
        } else {
            // Nothing on the line closes the string: its opening quote and every quote after it are in doubt.
            // The reader reports a string opened by `"` that never closes on its own.
            let role = if ch == '"' {
                QuoteRole::Content
            } else {
                QuoteRole::Unclear
            };
            for &rest in &chars[i..] {
                push(rest, role);
            }
            return;
        }
    }
}

/// The index of the quote that closes the string opened at `open`, if any on this line.
///
/// `ending_after` says whether a quote that ends where a string can may still follow on the line; a scan that
/// finds none clears it, and later strings of the line stop looking, so that a line is scanned in linear time
/// (each search otherwise stops at the quote it returns, where the next one starts).
fn closing_quote(chars: &[(usize, char)], open: usize, ending_after: &mut bool) -> Option<usize> {
    let straight = chars[open].1 == '"';
    if !straight && !*ending_after {
        return None;
    }
    let mut first_straight = None;
    let mut first_ending = None;
    let mut k = open + 1;
    while k < chars.len() {
        let ch = chars[k].1;
        if ch == '\\' {
            // An escape, as the repaired string will read it: the next character is not a delimiter.
            k += 2;
            continue;
        }
        if ch == '\n' {
            break;
        }
        if ch == '"' || is_curly_quote(ch) {
            let ends = *ending_after && ends_a_string(chars, k);
            if straight && ch == '"' && first_straight.is_none() {
                first_straight = Some(k);
                // JSON's own reading wins when it ends where a string can; otherwise a typographic quote
                // before it that does is the closing one (`"s3:GetObject”, "Resource": "*"`); and when no
                // quote left on the line ends where a string can, JSON's reading is all there is.
                if ends || !*ending_after {
                    return Some(k);
                }
                if first_ending.is_some() {
                    return first_ending;
                }
            } else if ends {
                if !straight || first_straight.is_some() {
                    return Some(k);
                }
                first_ending.get_or_insert(k);
            }
        }
        k += 1;
    }
    if first_ending.is_none() {
        *ending_after = false;
    }
    if straight {
        first_ending.or(first_straight)
    } else {
        None
    }
}

/// Whether what follows the character at `at` on its line is what may follow a string: spaces, then `:`,
/// `,`, `}`, `]` or the end of the line.
fn ends_a_string(chars: &[(usize, char)], at: usize) -> bool {
    chars[at + 1..]
        .iter()
        .map(|&(_, ch)| ch)
        .find(|ch| !matches!(ch, ' ' | '\t' | '\r'))
        .is_none_or(|ch| matches!(ch, ':' | ',' | '}' | ']' | '\n'))
}
