//! IAM's wildcard matching, as used in the `Action`, `NotAction` and `Resource` elements and in the
//! `StringLike` condition operators.
//!
//! Only two characters are special: `*` matches any run of characters, the empty run included, and `?`
//! matches exactly one character. There is no escaping, no character class and no special treatment of
//! `/` or `:`. The matching itself is [`crate::wildcard`]'s, which stays linear on adversarial patterns.
//!
//! ```
//! # extern crate iamgen_runtime as iamgen;
//! use iamgen::glob;
//!
//! assert!(glob::matches("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b.txt"));
//! assert!(glob::matches("s3:Get?bject", "s3:GetObject"));
//! assert!(!glob::matches("s3:get*", "s3:GetObject"));
//! assert!(glob::matches_ignore_ascii_case("s3:get*", "s3:GetObject"));
//! ```

use crate::wildcard::{self, Case};

/// Whether `text` matches the IAM wildcard `pattern`, comparing characters exactly.
///
/// `*` matches any sequence of characters (including none), `?` exactly one character; every other
/// character matches itself. This is how IAM compares ARNs in `Resource` and values under `StringLike`.
#[must_use]
pub fn matches(pattern: &str, text: &str) -> bool {
    wildcard::matches(pattern, text, Case::Sensitive)
}

/// Like [`matches()`], but ASCII letters match regardless of case, as IAM compares action names.
///
/// ```
/// # extern crate iamgen_runtime as iamgen;
/// assert!(iamgen::glob::matches_ignore_ascii_case("EC2:describe*", "ec2:DescribeInstances"));
/// ```
#[must_use]
pub fn matches_ignore_ascii_case(pattern: &str, text: &str) -> bool {
    wildcard::matches(pattern, text, Case::IgnoreAscii)
}

/// Whether `pattern` contains a wildcard, that is, whether it can match more than one string.
#[must_use]
pub fn has_wildcard(pattern: &str) -> bool {
    wildcard::has_wildcard(pattern)
}

#[cfg(test)]
mod tests {
    use super::{matches, matches_ignore_ascii_case};

    #[test]
    fn literals() {
        assert!(matches("", ""));
        assert!(matches("abc", "abc"));
        assert!(!matches("abc", "abd"));
        assert!(!matches("abc", "ab"));
        assert!(!matches("ab", "abc"));
        assert!(!matches("", "a"));
        assert!(!matches("abc", "ABC"));
    }

    #[test]
    fn star() {
        assert!(matches("*", ""));
        assert!(matches("*", "anything at all"));
        assert!(matches("**", "x"));
        assert!(matches("a*", "a"));
        assert!(matches("a*c", "abbbc"));
        assert!(matches("a*c", "ac"));
        assert!(!matches("a*c", "abcd"));
        assert!(matches("*c", "abcabc"));
        assert!(matches("a*b*c", "axxbyyc"));
        assert!(!matches("a*b*c", "axxcyyb"));
        assert!(matches("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/"));
        assert!(matches("s3:*Object*", "s3:GetObjectAcl"));
    }

    #[test]
    fn question_mark() {
        assert!(matches("?", "a"));
        assert!(!matches("?", ""));
        assert!(!matches("?", "ab"));
        assert!(matches("a?c", "abc"));
        assert!(matches("???", "abc"));
        assert!(!matches("a?c", "ac"));
        assert!(matches("*?", "a"));
        assert!(!matches("*?", ""));
        assert!(matches("?*?", "ab"));
    }

    #[test]
    fn no_other_specials() {
        assert!(matches("[ab]", "[ab]"));
        assert!(!matches("[ab]", "a"));
        assert!(matches(r"a\*", r"a\bc"));
        assert!(matches("${aws:username}", "${aws:username}"));
    }

    #[test]
    fn question_mark_is_one_character_not_one_byte() {
        assert!(matches("caf?", "café"));
        assert!(matches("?", "é"));
        assert!(!matches("??", "é"));
        assert!(matches("*é", "aé"));
        assert!(matches("日*語", "日本語"));
    }

    #[test]
    fn ignore_ascii_case() {
        assert!(matches_ignore_ascii_case("S3:GET*", "s3:GetObject"));
        assert!(matches_ignore_ascii_case("s3:getobject", "s3:GetObject"));
        assert!(!matches_ignore_ascii_case("s3:getobjects", "s3:GetObject"));
        assert!(!matches_ignore_ascii_case("É", "é"));
    }

    #[test]
    fn pathological_patterns_stay_fast() {
        let text = "a".repeat(20_000);
        assert!(!matches("a*a*a*a*a*b", &text));
        assert!(!matches("*a*a*a*a*a*a*a*a*a*a*b", &text));
        assert!(matches("a*a*a*a*a*", &text));
        assert!(matches("*a", &text));
        assert!(!matches_ignore_ascii_case("A*A*A*A*A*B", &text));
        let long_pattern = format!("{}b", "*a".repeat(500));
        assert!(!matches(&long_pattern, &text[..2_000]));
        // No clock: an exponential matcher would not finish at all, and the matcher's linearity is
        // `wildcard`'s test; the machines are shared, so a time limit here would fail at random.
    }
}
