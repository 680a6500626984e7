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

mod chars;
mod error;
mod parser;
mod pointer;
mod quotes;
mod scan;
#[cfg(test)]
mod tests;
mod tree;

pub use chars::is_iam_char;
pub use error::{JsonError, JsonErrorKind, Unclosed};
pub use parser::{MAX_DEPTH, parse};
pub use pointer::escape_pointer_token;
pub use quotes::{QuoteRole, TypographicQuote, typographic_quotes};
pub use tree::{Member, Node, Value};

/// Appends `text` as a JSON string; see [`crate::escape::push_json_string`].
pub fn write_string(out: &mut String, text: &str) {
    crate::escape::push_json_string(out, text);
}
