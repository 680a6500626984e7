//! What the reader rejects, where, and what to do about it.

use std::fmt;

use super::MAX_DEPTH;
use crate::codes;
use crate::source::Span;

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
