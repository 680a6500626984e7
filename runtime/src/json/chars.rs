//! IAM's character set, which the parser and the scanner both test against: a leaf, so that neither imports
//! it from the other.

/// Whether IAM's policy grammar admits `ch` anywhere in a document.
#[must_use]
pub fn is_iam_char(ch: char) -> bool {
    matches!(ch, '\t' | '\n' | '\r' | ' '..='\u{FF}')
}

/// Typographic quotes, which a policy pasted from a web page holds where JSON wants `"` or `'`.
pub(super) fn is_curly_quote(ch: char) -> bool {
    matches!(ch, '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}')
}
