//! The lexical layer: strings with their escapes, and numbers.

use std::borrow::Cow;

use super::chars::{is_curly_quote, is_iam_char};
use super::error::{JsonError, JsonErrorKind, Unclosed};
use super::parser::Parser;
use crate::source::Span;

/// The first character boundary of `text` at or after `at`, and at most its length.
pub(super) fn ceil_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

impl<'a> Parser<'a> {
    /// Reads a string starting at the opening quote; borrows unless it holds an escape.
    pub(super) fn parse_string(&mut self) -> Result<(Cow<'a, str>, Span), JsonError> {
        let open = self.pos;
        let content_start = open + 1;
        let mut pos = content_start;
        let mut owned: Option<String> = None;
        let mut chunk_start = content_start;
        loop {
            let Some(&byte) = self.bytes.get(pos) else {
                self.pos = pos;
                return Err(self.unexpected("a closing `\"`", Some((Unclosed::String, open))));
            };
            match byte {
                b'"' => break,
                b'\\' => {
                    let buffer = owned.get_or_insert_with(String::new);
                    buffer.push_str(&self.source[chunk_start..pos]);
                    pos = self.parse_escape(pos, buffer)?;
                    chunk_start = pos;
                }
                0..=0x1F => {
                    return Err(
                        self.error_at(pos, JsonErrorKind::ControlCharInString(char::from(byte)))
                    );
                }
                0x20..=0x7F => pos += 1,
                _ => {
                    let ch = self.char_at(pos);
                    if !is_iam_char(ch) {
                        let kind = if is_curly_quote(ch) {
                            JsonErrorKind::CurlyQuote(ch)
                        } else {
                            JsonErrorKind::ForbiddenChar(ch)
                        };
                        return Err(self.error_at(pos, kind));
                    }
                    pos += ch.len_utf8();
                }
            }
        }
        let text = match owned {
            Some(mut buffer) => {
                buffer.push_str(&self.source[chunk_start..pos]);
                Cow::Owned(buffer)
            }
            None => Cow::Borrowed(&self.source[content_start..pos]),
        };
        self.pos = pos + 1;
        Ok((text, Span::new(open, self.pos)))
    }

    /// Decodes the escape at `pos` (a backslash) into `out`; returns the position after it.
    fn parse_escape(&self, pos: usize, out: &mut String) -> Result<usize, JsonError> {
        // A malformed escape is quoted up to where a well-formed one would end, which can fall inside a
        // multi-byte character (`\u0é`): the quote then takes that whole character.
        let invalid = |end: usize| {
            let end = ceil_char_boundary(self.source, end);
            JsonError {
                kind: JsonErrorKind::InvalidEscape(self.source[pos..end].to_owned()),
                span: Span::new(pos, end),
            }
        };
        let Some(&kind) = self.bytes.get(pos + 1) else {
            return Err(invalid(pos + 1));
        };
        let simple = match kind {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self
                    .hex4(pos + 2)
                    .ok_or_else(|| invalid(self.end_of_bad_hex(pos + 2)))?;
                let (ch, end) = if (0xD800..0xDC00).contains(&high) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    let low = (self.bytes.get(pos + 6) == Some(&b'\\')
                        && self.bytes.get(pos + 7) == Some(&b'u'))
                    .then(|| self.hex4(pos + 8))
                    .flatten()
                    .filter(|low| (0xDC00..0xE000).contains(low))
                    .ok_or_else(|| invalid(pos + 6))?;
                    let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    (char::from_u32(code), pos + 12)
                } else {
                    (char::from_u32(high), pos + 6)
                };
                out.push(ch.ok_or_else(|| invalid(end))?);
                return Ok(end);
            }
            _ => {
                let width = self.source[pos + 1..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
                return Err(invalid(pos + 1 + width));
            }
        };
        out.push(simple);
        Ok(pos + 2)
    }

    /// Where a malformed `\\uXXXX` ends for the message: after its first character that is not a hex digit
    /// (`\\u0é`), or after the four digits.
    fn end_of_bad_hex(&self, digits_at: usize) -> usize {
        let rest = self.source.get(digits_at..).unwrap_or_default();
        match rest
            .char_indices()
            .take(4)
            .find(|(_, ch)| !ch.is_ascii_hexdigit())
        {
            Some((at, ch)) => digits_at + at + ch.len_utf8(),
            None => digits_at + 4,
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.source.get(at..at + 4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    }

    pub(super) fn parse_number(&mut self) -> Result<&'a str, JsonError> {
        let start = self.pos;
        let bytes = self.bytes;
        let digits_from = |mut at: usize| {
            while bytes.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            at
        };
        let mut pos = start;
        if bytes[pos] == b'-' {
            pos += 1;
        }
        let int_start = pos;
        pos = digits_from(pos);
        let mut valid = pos > int_start && !(bytes[int_start] == b'0' && pos - int_start > 1);
        if bytes.get(pos) == Some(&b'.') {
            let frac_start = pos + 1;
            pos = digits_from(frac_start);
            valid &= pos > frac_start;
        }
        if matches!(bytes.get(pos), Some(b'e' | b'E')) {
            pos += 1;
            if matches!(bytes.get(pos), Some(b'+' | b'-')) {
                pos += 1;
            }
            let exp_start = pos;
            pos = digits_from(exp_start);
            valid &= pos > exp_start;
        }
        // Swallow the rest of a malformed token (`1.2.3`, `0x1F`) so the message quotes all of it.
        let token_end = pos
            + bytes[pos..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_'))
                .count();
        if !valid || token_end != pos {
            return Err(JsonError {
                kind: JsonErrorKind::InvalidNumber(self.source[start..token_end].to_owned()),
                span: Span::new(start, token_end),
            });
        }
        self.pos = pos;
        Ok(&self.source[start..pos])
    }
}
