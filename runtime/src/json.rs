//! A strict JSON reader that keeps the span of every node and rejects what IAM rejects.
//!
//! IAM's policy parser is stricter than JSON's grammar in some places (the character set) and users paste
//! policies from web pages and editors that are laxer than it (comments, trailing commas, curly quotes).
//! [`parse`] accepts exactly RFC 8259 JSON restricted to IAM's character set (TAB, LF, CR, U+0020–U+00FF), and
//! refuses duplicate keys, which `serde_json` and most readers silently resolve to the last value while IAM
//! rejects the document. Every error names its span and says what to do.
//!
//! Strings without escapes borrow from the source, so a parse allocates only for arrays, objects and escaped
//! strings.

use crate::codes;
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
#[cfg(test)]
use std::fmt::Write as _;

use crate::source::Span;

/// Objects and arrays nest at most this deep. IAM policies nest five levels at most; the limit keeps
/// recursion, and so the stack, bounded on hostile input.
pub const MAX_DEPTH: u32 = 64;

/// A JSON value with the byte span it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    /// Where the value stands in the source, from its first to its last byte (quotes included).
    pub span: Span,
    /// The value.
    pub value: Value<'a>,
}

/// A JSON value whose strings borrow from the source where they hold no escape.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, kept as its source text so that no digit is lost or reformatted.
    Number(&'a str),
    /// A string, unescaped.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Node<'a>>),
    /// An object, its members in source order. Keys are unique: the reader rejects duplicates.
    Object(Vec<Member<'a>>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    /// The key, unescaped.
    pub key: Cow<'a, str>,
    /// The key's span, quotes included.
    pub key_span: Span,
    /// The value.
    pub value: Node<'a>,
}

impl<'a> Value<'a> {
    /// The JSON type's name as users know it (`string`, `object`, ...), for messages.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// The string, if this is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The members, if this is an object.
    #[must_use]
    pub fn as_object(&self) -> Option<&[Member<'a>]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }
}

impl<'a> Node<'a> {
    /// The node a JSON Pointer (RFC 6901, such as `/Statement/0/Action`) names below this one.
    #[must_use]
    pub fn pointer(&self, pointer: &str) -> Option<&Node<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            node = match &node.value {
                Value::Object(members) => &members.iter().find(|member| member.key == token)?.value,
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The member named `key`, if this node is an object that has it.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Member<'a>> {
        self.value
            .as_object()?
            .iter()
            .find(|member| member.key == key)
    }
}

/// Escapes one reference token of a JSON Pointer (`~` as `~0`, `/` as `~1`).
#[must_use]
pub fn escape_pointer_token(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Why a source is not an acceptable policy text, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// What is wrong.
    pub kind: JsonErrorKind,
    /// Where: the offending character or token, or the empty span at the end of the input.
    pub span: Span,
}

/// The kinds of [`JsonError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// The input holds nothing but whitespace.
    Empty,
    /// The input ends inside a value.
    UnexpectedEnd {
        /// What the reader was looking for.
        expected: &'static str,
        /// Where the innermost unclosed string, array or object started, if any.
        unclosed: Option<(Unclosed, Span)>,
    },
    /// A character that cannot stand here.
    UnexpectedChar {
        /// The character found.
        found: char,
        /// What the reader was looking for.
        expected: &'static str,
        /// The innermost array or object open at that point, and where it opened.
        within: Option<(Unclosed, Span)>,
    },
    /// A word that is not a JSON literal (`True`, `undefined`, `NaN`, an unquoted key ...).
    UnexpectedWord {
        /// The word found.
        found: String,
        /// What the reader was looking for.
        expected: &'static str,
    },
    /// A typographic quote (U+201C, U+201D, U+2018, U+2019), as word processors and web pages produce.
    CurlyQuote(char),
    /// A single-quoted string or key.
    SingleQuote,
    /// A `//` or `/* */` comment.
    Comment,
    /// A comma before a closing `]` or `}`.
    TrailingComma,
    /// A character outside IAM's set (TAB, LF, CR, U+0020–U+00FF).
    ForbiddenChar(char),
    /// A byte-order mark at the start of the input.
    ByteOrderMark,
    /// A raw control character inside a string.
    ControlCharInString(char),
    /// A backslash escape JSON does not define, or a malformed `\u` escape.
    InvalidEscape(String),
    /// A number that does not follow JSON's grammar (leading zeros, `+1`, `.5`, `1.`).
    InvalidNumber(String),
    /// A key that appears twice in one object.
    DuplicateKey {
        /// The key.
        key: String,
        /// Where it first appeared.
        first: Span,
    },
    /// Something after the end of the top-level value.
    TrailingContent,
    /// Arrays and objects nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// The input is larger than 4 GiB.
    TooLarge,
}

/// What an unexpected end of input left open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unclosed {
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonError {
    /// A code in IAM Access Analyzer's style for this error.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self.kind {
            JsonErrorKind::DuplicateKey { .. } => codes::DUPLICATE_KEY.name,
            JsonErrorKind::ForbiddenChar(_)
            | JsonErrorKind::CurlyQuote(_)
            | JsonErrorKind::ByteOrderMark => codes::INVALID_CHARACTER.name,
            JsonErrorKind::TooLarge | JsonErrorKind::TooDeep => codes::POLICY_TOO_LARGE.name,
            _ => codes::JSON_SYNTAX_ERROR.name,
        }
    }

    /// What the user should do about it, when there is something more specific to say than the message.
    #[must_use]
    pub fn help(&self) -> Option<String> {
        Some(match &self.kind {
            JsonErrorKind::CurlyQuote(_) => {
                "replace it with a straight double quote `\"`: JSON strings and keys use only U+0022".to_owned()
            }
            JsonErrorKind::SingleQuote => "JSON strings and keys use double quotes: write `\"` instead of `'`".to_owned(),
            JsonErrorKind::Comment => "remove the comment: IAM policies are plain JSON, which has no comments".to_owned(),
            JsonErrorKind::TrailingComma => "remove this comma".to_owned(),
            JsonErrorKind::ByteOrderMark => "save the file as UTF-8 without a byte-order mark".to_owned(),
            JsonErrorKind::ForbiddenChar(_) => {
                "IAM accepts only TAB, LF, CR and U+0020 to U+00FF; remove the character or replace it".to_owned()
            }
            JsonErrorKind::ControlCharInString(ch) => format!("write it as the escape `{}`", escape_char(*ch)),
            JsonErrorKind::InvalidEscape(_) => {
                "the escapes are \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t and \\uXXXX; write a lone backslash as \\\\"
                    .to_owned()
            }
            JsonErrorKind::DuplicateKey { key, .. } => {
                format!("IAM rejects a policy with a repeated key; merge the two `{key}` members or remove one")
            }
            JsonErrorKind::UnexpectedWord { found, .. } => match found.to_ascii_lowercase().as_str() {
                lower @ ("true" | "false" | "null") if found != lower => format!("JSON literals are lowercase: `{lower}`"),
                _ => "strings and keys must be in double quotes".to_owned(),
            },
            JsonErrorKind::UnexpectedChar {
                found: found @ ('}' | ']'),
                within: Some((what, _)),
                ..
            } => format!(
                "this `{found}` does not close the {} that is still open: add the `{}` that is missing before it, \
                 or remove this one",
                what.noun(),
                if *found == '}' { '{' } else { '[' }
            ),
            JsonErrorKind::UnexpectedChar { found: '"', expected, .. } if expected.contains("`,`") => {
                "add a `,` between the two".to_owned()
            }
            JsonErrorKind::UnexpectedChar { found: ':', expected, .. } if expected.contains("`]`") => {
                "only objects hold `key: value` members; open an object with `{` inside the array".to_owned()
            }
            JsonErrorKind::TrailingContent => {
                "a policy is a single JSON object; put further statements inside its `Statement` array".to_owned()
            }
            JsonErrorKind::UnexpectedEnd { unclosed: Some((what, _)), .. } => format!(
                "close the {} with `{}`",
                what.noun(),
                match what {
                    Unclosed::String => '"',
                    Unclosed::Array => ']',
                    Unclosed::Object => '}',
                }
            ),
            _ => return None,
        })
    }
}

impl Unclosed {
    /// `string`, `array` or `object`.
    #[must_use]
    pub fn noun(self) -> &'static str {
        match self {
            Unclosed::String => "string",
            Unclosed::Array => "array",
            Unclosed::Object => "object",
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            JsonErrorKind::Empty => f.write_str("the input is empty; expected a JSON object"),
            JsonErrorKind::UnexpectedEnd { expected, .. } => {
                write!(f, "unexpected end of input; expected {expected}")
            }
            JsonErrorKind::UnexpectedChar {
                found, expected, ..
            } => {
                write!(f, "expected {expected}, found {}", describe_char(*found))
            }
            JsonErrorKind::UnexpectedWord { found, expected } => {
                write!(f, "expected {expected}, found `{found}`")
            }
            JsonErrorKind::CurlyQuote(ch) => write!(
                f,
                "typographic quote {} is not a JSON quote",
                describe_char(*ch)
            ),
            JsonErrorKind::SingleQuote => {
                f.write_str("single quotes do not delimit strings in JSON")
            }
            JsonErrorKind::Comment => f.write_str("comments are not allowed in JSON"),
            JsonErrorKind::TrailingComma => f.write_str("trailing comma"),
            JsonErrorKind::ForbiddenChar(ch) => {
                write!(
                    f,
                    "character {} is not allowed in IAM policies",
                    describe_char(*ch)
                )
            }
            JsonErrorKind::ByteOrderMark => {
                f.write_str("the input starts with a byte-order mark (U+FEFF)")
            }
            JsonErrorKind::ControlCharInString(ch) => {
                write!(
                    f,
                    "raw control character {} inside a string",
                    describe_char(*ch)
                )
            }
            JsonErrorKind::InvalidEscape(text) => write!(f, "invalid escape `{text}` in string"),
            JsonErrorKind::InvalidNumber(text) => write!(f, "invalid number `{text}`"),
            JsonErrorKind::DuplicateKey { key, .. } => write!(f, "duplicate key `{key}`"),
            JsonErrorKind::TrailingContent => {
                f.write_str("unexpected content after the end of the policy")
            }
            JsonErrorKind::TooDeep => {
                write!(f, "arrays and objects nest deeper than {MAX_DEPTH} levels")
            }
            JsonErrorKind::TooLarge => f.write_str("the input is larger than 4 GiB"),
        }
    }
}

impl std::error::Error for JsonError {}

/// `` `x` `` for printable ASCII, otherwise the character with its code point and name where it helps.
fn describe_char(ch: char) -> String {
    let name = match ch {
        '\u{201C}' => Some("left double quotation mark"),
        '\u{201D}' => Some("right double quotation mark"),
        '\u{2018}' => Some("left single quotation mark"),
        '\u{2019}' => Some("right single quotation mark"),
        '\u{00A0}' => Some("no-break space"),
        '\u{FEFF}' => Some("byte-order mark"),
        '\u{200B}' => Some("zero-width space"),
        '\t' => Some("tab"),
        '\n' => Some("line feed"),
        '\r' => Some("carriage return"),
        _ => None,
    };
    match (ch, name) {
        (_, Some(name)) if ch.is_ascii() => format!("U+{:04X} ({name})", ch as u32),
        (_, Some(name)) => format!("`{ch}` (U+{:04X}, {name})", ch as u32),
        (' '..='~', None) => format!("`{ch}`"),
        (_, None) if ch.is_control() => format!("U+{:04X}", ch as u32),
        (_, None) => format!("`{ch}` (U+{:04X})", ch as u32),
    }
}

fn escape_char(ch: char) -> String {
    match ch {
        '\t' => "\\t".to_owned(),
        '\n' => "\\n".to_owned(),
        '\r' => "\\r".to_owned(),
        '\u{8}' => "\\b".to_owned(),
        '\u{c}' => "\\f".to_owned(),
        _ => format!("\\u{:04x}", ch as u32),
    }
}

/// Whether IAM's policy grammar admits `ch` anywhere in a document.
#[must_use]
pub fn is_iam_char(ch: char) -> bool {
    matches!(ch, '\t' | '\n' | '\r' | ' '..='\u{FF}')
}

fn is_curly_quote(ch: char) -> bool {
    matches!(ch, '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}')
}

/// The first character boundary of `text` at or after `at`, and at most its length.
fn ceil_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

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

struct Parser<'a> {
    source: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: u32,
}

impl<'a> Parser<'a> {
    fn error_at(&self, pos: usize, kind: JsonErrorKind) -> JsonError {
        let len = self.source[pos..].chars().next().map_or(0, char::len_utf8);
        JsonError {
            kind,
            span: Span::new(pos, pos + len),
        }
    }

    fn error_here(&self, kind: JsonErrorKind) -> JsonError {
        self.error_at(self.pos, kind)
    }

    fn char_at(&self, pos: usize) -> char {
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

    fn unexpected(&self, expected: &'static str, unclosed: Option<(Unclosed, usize)>) -> JsonError {
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
        let open = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace()?;
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
        } else {
            loop {
                items.push(self.parse_value_in(Unclosed::Array, open, "a value")?);
                self.skip_whitespace()?;
                match self.bytes.get(self.pos) {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_whitespace()?;
                        if self.bytes.get(self.pos) == Some(&b']') {
                            return Err(self.error_at(self.pos - 1, JsonErrorKind::TrailingComma))
                                .map_err(|err| self.point_at_comma(err));
                        }
                    }
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.unexpected("`,` or `]`", Some((Unclosed::Array, open)))),
                }
            }
        }
        self.depth -= 1;
        Ok(Node {
            span: Span::new(open, self.pos),
            value: Value::Array(items),
        })
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
        let open = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut members: Vec<Member<'a>> = Vec::new();
        // Objects in policies are small; past this many keys a set beats a linear scan.
        let mut seen: Option<HashSet<Cow<'a, str>>> = None;
        self.skip_whitespace()?;
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
        } else {
            loop {
                if self.bytes.get(self.pos) != Some(&b'"') {
                    return Err(self.unexpected(
                        "a string key in double quotes",
                        Some((Unclosed::Object, open)),
                    ));
                }
                let (key, key_span) = self.parse_string()?;
                let first = match &mut seen {
                    Some(set) if set.contains(&key) => {
                        members.iter().find(|m| m.key == key).map(|m| m.key_span)
                    }
                    Some(_) => None,
                    None => members.iter().find(|m| m.key == key).map(|m| m.key_span),
                };
                if let Some(first) = first {
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
                    return Err(
                        self.unexpected("`:` after the key", Some((Unclosed::Object, open)))
                    );
                }
                self.pos += 1;
                self.skip_whitespace()?;
                let value = self.parse_value_in(Unclosed::Object, open, "a value")?;
                if let Some(set) = &mut seen {
                    set.insert(key.clone());
                } else if members.len() >= 16 {
                    let mut set: HashSet<Cow<'a, str>> =
                        members.iter().map(|m| m.key.clone()).collect();
                    set.insert(key.clone());
                    seen = Some(set);
                }
                members.push(Member {
                    key,
                    key_span,
                    value,
                });
                self.skip_whitespace()?;
                match self.bytes.get(self.pos) {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_whitespace()?;
                        if self.bytes.get(self.pos) == Some(&b'}') {
                            return Err(
                                self.point_at_comma(self.error_here(JsonErrorKind::TrailingComma))
                            );
                        }
                    }
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.unexpected("`,` or `}`", Some((Unclosed::Object, open)))),
                }
            }
        }
        self.depth -= 1;
        Ok(Node {
            span: Span::new(open, self.pos),
            value: Value::Object(members),
        })
    }

    /// Reads a string starting at the opening quote; borrows unless it holds an escape.
    fn parse_string(&mut self) -> Result<(Cow<'a, str>, Span), JsonError> {
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

    fn parse_number(&mut self) -> Result<&'a str, JsonError> {
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

/// Appends `text` as a JSON string; see [`crate::escape::push_json_string`].
pub fn write_string(out: &mut String, text: &str) {
    crate::escape::push_json_string(out, text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::line_col;

    fn err(source: &str) -> (JsonError, String) {
        let error = parse(source).expect_err("should fail");
        let at = line_col(source, error.span.start as usize);
        (error, at.to_string())
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
        assert_eq!(at, "2:3");
        assert!(error.to_string().contains("U+201C"), "{error}");
        assert!(error.help().unwrap().contains("straight double quote"));
        // Inside a string too: a policy written with one real quote and one curly one.
        let (error, at) = err("{\"Sid\": \"a’b\"}");
        assert_eq!(error.kind, JsonErrorKind::CurlyQuote('\u{2019}'));
        assert_eq!(at, "1:11");
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
        assert_eq!(err("{\"a\": [1, 2,]}").1, "1:12");
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
        assert_eq!(at, "2:11");
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
        assert_eq!(at, "1:2");
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
}
