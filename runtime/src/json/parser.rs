//! The grammar: values, arrays and objects, their nesting bound, duplicate keys, and the diagnosis of what
//! stands where a value or a delimiter should.

use std::borrow::Cow;
use std::collections::HashSet;

use super::chars::{is_curly_quote, is_iam_char};
use super::error::{JsonError, JsonErrorKind, Unclosed};
use super::tree::{Member, Node, Value};
use crate::source::Span;

/// Objects and arrays nest at most this deep. IAM policies nest five levels at most; the limit keeps
/// recursion, and so the stack, bounded on hostile input.
pub const MAX_DEPTH: u32 = 64;

/// Reads one JSON value, normally a policy's top-level object, from `source`.
pub fn parse(source: &str) -> Result<Node<'_>, JsonError> {
    if u32::try_from(source.len()).is_err() {
        return Err(JsonError {
            kind: JsonErrorKind::TooLarge,
            span: Span::new(0, 0),
        });
    }
    if source.starts_with('\u{FEFF}') {
        return Err(JsonError {
            kind: JsonErrorKind::ByteOrderMark,
            span: Span::new(0, 3),
        });
    }
    let mut parser = Parser {
        source,
        bytes: source.as_bytes(),
        pos: 0,
        depth: 0,
    };
    parser.skip_whitespace()?;
    if parser.pos == source.len() {
        return Err(parser.error_here(JsonErrorKind::Empty));
    }
    let node = parser.parse_value("a JSON value")?;
    parser.skip_whitespace()?;
    if parser.pos < source.len() {
        let ch = parser.char_at(parser.pos);
        let kind = match parser.classify(ch) {
            Some(kind) => kind,
            None => JsonErrorKind::TrailingContent,
        };
        return Err(parser.error_at(parser.pos, kind));
    }
    Ok(node)
}

/// The reader's state: the source, and where it stands in it.
pub(super) struct Parser<'a> {
    pub(super) source: &'a str,
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
    depth: u32,
}

impl<'a> Parser<'a> {
    pub(super) fn error_at(&self, pos: usize, kind: JsonErrorKind) -> JsonError {
        let len = self.source[pos..].chars().next().map_or(0, char::len_utf8);
        JsonError {
            kind,
            span: Span::new(pos, pos + len),
        }
    }

    pub(super) fn error_here(&self, kind: JsonErrorKind) -> JsonError {
        self.error_at(self.pos, kind)
    }

    pub(super) fn char_at(&self, pos: usize) -> char {
        self.source[pos..].chars().next().unwrap_or('\0')
    }

    /// A specific diagnosis for characters that users typically paste by mistake, wherever they stand.
    fn classify(&self, ch: char) -> Option<JsonErrorKind> {
        if is_curly_quote(ch) {
            Some(JsonErrorKind::CurlyQuote(ch))
        } else if ch == '\'' {
            Some(JsonErrorKind::SingleQuote)
        } else if ch == '/' && matches!(self.bytes.get(self.pos + 1), Some(b'/' | b'*')) {
            Some(JsonErrorKind::Comment)
        } else if !is_iam_char(ch) {
            Some(JsonErrorKind::ForbiddenChar(ch))
        } else {
            None
        }
    }

    pub(super) fn unexpected(
        &self,
        expected: &'static str,
        unclosed: Option<(Unclosed, usize)>,
    ) -> JsonError {
        if self.pos >= self.bytes.len() {
            // Point where the missing text belongs: right after the last thing written, not past trailing lines.
            let end = self
                .source
                .trim_end()
                .len()
                .max(unclosed.map_or(0, |(_, at)| at + 1));
            return JsonError {
                kind: JsonErrorKind::UnexpectedEnd {
                    expected,
                    unclosed: unclosed.map(|(what, at)| (what, Span::new(at, at + 1))),
                },
                span: Span::new(end, end),
            };
        }
        let ch = self.char_at(self.pos);
        if let Some(kind) = self.classify(ch) {
            return self.error_here(kind);
        }
        if ch.is_ascii_alphabetic() || ch == '_' {
            let word_len = self.bytes[self.pos..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
                .count();
            return JsonError {
                kind: JsonErrorKind::UnexpectedWord {
                    found: self.source[self.pos..self.pos + word_len].to_owned(),
                    expected,
                },
                span: Span::new(self.pos, self.pos + word_len),
            };
        }
        self.error_here(JsonErrorKind::UnexpectedChar {
            found: ch,
            expected,
            within: unclosed.map(|(what, at)| (what, Span::new(at, at + 1))),
        })
    }

    fn skip_whitespace(&mut self) -> Result<(), JsonError> {
        while let Some(&byte) = self.bytes.get(self.pos) {
            match byte {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'/' if matches!(self.bytes.get(self.pos + 1), Some(b'/' | b'*')) => {
                    return Err(self.error_here(JsonErrorKind::Comment));
                }
                _ => break,
            }
        }
        Ok(())
    }

    fn parse_value(&mut self, expected: &'static str) -> Result<Node<'a>, JsonError> {
        let start = self.pos;
        let value = match self.bytes.get(self.pos) {
            Some(b'{') => return self.parse_object(),
            Some(b'[') => return self.parse_array(),
            Some(b'"') => {
                let (text, span) = self.parse_string()?;
                return Ok(Node {
                    span,
                    value: Value::String(text),
                });
            }
            Some(b'-' | b'0'..=b'9' | b'+' | b'.') => Value::Number(self.parse_number()?),
            Some(b't') if self.bytes[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                Value::Bool(true)
            }
            Some(b'f') if self.bytes[self.pos..].starts_with(b"false") => {
                self.pos += 5;
                Value::Bool(false)
            }
            Some(b'n') if self.bytes[self.pos..].starts_with(b"null") => {
                self.pos += 4;
                Value::Null
            }
            _ => return Err(self.unexpected(expected, None)),
        };
        // `truex` or `nullable` is one bad word, not a literal followed by garbage.
        if matches!(value, Value::Bool(_) | Value::Null)
            && self
                .bytes
                .get(self.pos)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            self.pos = start;
            return Err(self.unexpected(expected, None));
        }
        Ok(Node {
            span: Span::new(start, self.pos),
            value,
        })
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(JsonErrorKind::TooDeep));
        }
        Ok(())
    }

    fn parse_array(&mut self) -> Result<Node<'a>, JsonError> {
        let mut items = Vec::new();
        let open = self.container(Unclosed::Array, |parser, open| {
            items.push(parser.parse_value_in(Unclosed::Array, open, "a value")?);
            Ok(())
        })?;
        Ok(Node {
            span: Span::new(open, self.pos),
            value: Value::Array(items),
        })
    }

    /// Reads an array or an object (`within`) from its opening bracket to its closing one, each item through
    /// `item` (given where the container opened); returns where it opened.
    fn container(
        &mut self,
        within: Unclosed,
        mut item: impl FnMut(&mut Self, usize) -> Result<(), JsonError>,
    ) -> Result<usize, JsonError> {
        let open = self.pos;
        self.enter()?;
        self.pos += 1;
        let close = if within == Unclosed::Array {
            b']'
        } else {
            b'}'
        };
        self.skip_whitespace()?;
        if self.bytes.get(self.pos) == Some(&close) {
            self.pos += 1;
        } else {
            loop {
                item(self, open)?;
                if !self.after_item(within, open)? {
                    break;
                }
            }
        }
        self.depth -= 1;
        Ok(open)
    }

    /// After an item of the array or object `within` opened at `open`: `true` past a `,` (another item
    /// follows), `false` past the closing bracket.
    fn after_item(&mut self, within: Unclosed, open: usize) -> Result<bool, JsonError> {
        let (close, expected) = if within == Unclosed::Array {
            (b']', "`,` or `]`")
        } else {
            (b'}', "`,` or `}`")
        };
        self.skip_whitespace()?;
        match self.bytes.get(self.pos) {
            Some(b',') => {
                self.pos += 1;
                self.skip_whitespace()?;
                if self.bytes.get(self.pos) == Some(&close) {
                    return Err(self.point_at_comma(self.error_here(JsonErrorKind::TrailingComma)));
                }
                Ok(true)
            }
            Some(&byte) if byte == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.unexpected(expected, Some((within, open)))),
        }
    }

    /// Moves a trailing-comma error from the closing bracket back onto the comma itself.
    fn point_at_comma(&self, mut err: JsonError) -> JsonError {
        let comma = self.source[..self.pos].rfind(',').unwrap_or(self.pos);
        err.span = Span::new(comma, comma + 1);
        err
    }

    fn parse_value_in(
        &mut self,
        within: Unclosed,
        open: usize,
        expected: &'static str,
    ) -> Result<Node<'a>, JsonError> {
        if self.pos >= self.bytes.len() {
            return Err(self.unexpected(expected, Some((within, open))));
        }
        self.parse_value(expected)
    }

    fn parse_object(&mut self) -> Result<Node<'a>, JsonError> {
        let mut members: Vec<Member<'a>> = Vec::new();
        let mut keys = Keys::default();
        let open = self.container(Unclosed::Object, |parser, open| {
            let member = parser.parse_member(open, &members, &mut keys)?;
            members.push(member);
            Ok(())
        })?;
        Ok(Node {
            span: Span::new(open, self.pos),
            value: Value::Object(members),
        })
    }

    /// One `"key": value` member of the object opened at `open`, whose `members` so far hold `keys`.
    fn parse_member(
        &mut self,
        open: usize,
        members: &[Member<'a>],
        keys: &mut Keys<'a>,
    ) -> Result<Member<'a>, JsonError> {
        if self.bytes.get(self.pos) != Some(&b'"') {
            return Err(self.unexpected(
                "a string key in double quotes",
                Some((Unclosed::Object, open)),
            ));
        }
        let (key, key_span) = self.parse_string()?;
        if let Some(first) = keys.first(members, &key) {
            return Err(JsonError {
                kind: JsonErrorKind::DuplicateKey {
                    key: key.into_owned(),
                    first,
                },
                span: key_span,
            });
        }
        self.skip_whitespace()?;
        if self.bytes.get(self.pos) != Some(&b':') {
            return Err(self.unexpected("`:` after the key", Some((Unclosed::Object, open))));
        }
        self.pos += 1;
        self.skip_whitespace()?;
        let value = self.parse_value_in(Unclosed::Object, open, "a value")?;
        let member = Member {
            key,
            key_span,
            value,
        };
        keys.add(members, &member);
        Ok(member)
    }
}

/// The keys of one object so far, to catch a repeated one. Objects in policies are small: the members are
/// scanned, until past this many keys a set beats the scan.
#[derive(Default)]
struct Keys<'a> {
    set: Option<HashSet<Cow<'a, str>>>,
}

impl<'a> Keys<'a> {
    const SCAN_UP_TO: usize = 16;

    /// Where `key` first stood among `members`, if it did.
    fn first(&self, members: &[Member<'a>], key: &str) -> Option<Span> {
        if self.set.as_ref().is_some_and(|set| !set.contains(key)) {
            return None;
        }
        members
            .iter()
            .find(|member| member.key == key)
            .map(|member| member.key_span)
    }

    /// Records the key of `member`, about to join `members`.
    fn add(&mut self, members: &[Member<'a>], member: &Member<'a>) {
        let key = &member.key;
        if let Some(set) = &mut self.set {
            set.insert(key.clone());
        } else if members.len() >= Self::SCAN_UP_TO {
            let mut set: HashSet<Cow<'a, str>> =
                members.iter().map(|member| member.key.clone()).collect();
            set.insert(key.clone());
            self.set = Some(set);
        }
    }
}
