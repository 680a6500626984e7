//! Strings into HCL, YAML and identifiers, so that no text can break out of its place or be read as syntax.

use std::fmt::Write as _;

/// A quoted HCL string. Besides `"`, `\` and control characters, HCL templates give `${` and `%{` a meaning
/// inside any quoted string: they are doubled (`$${`, `%%{`) so that IAM policy variables such as
/// `${aws:username}` reach IAM as written.
#[must_use]
pub fn hcl_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_hcl_string(&mut out, text);
    out
}

/// [`hcl_string`], appended to `out`.
pub fn push_hcl_string(out: &mut String, text: &str) {
    out.push('"');
    // Most strings (names, ARNs, actions) need no escape at all: one scan, one copy.
    if text
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && !matches!(b, b'"' | b'\\' | b'$' | b'%'))
    {
        out.push_str(text);
        out.push('"');
        return;
    }
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(ch);
                out.push(ch);
            }
            ch if ch.is_control() => {
                let _ = write!(out, "\\u{:04X}", ch as u32);
            }
            ch => out.push(ch),
        }
    }
    out.push('"');
}

/// A double-quoted YAML scalar: always quoted, so that no value is read as a number, a boolean, `null`, an
/// anchor, a tag or a document marker, with JSON-compatible escapes.
#[must_use]
pub fn yaml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_yaml_string(&mut out, text);
    out
}

/// [`yaml_string`], appended to `out`.
pub fn push_yaml_string(out: &mut String, text: &str) {
    out.push('"');
    if text
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && !matches!(b, b'"' | b'\\'))
    {
        out.push_str(text);
        out.push('"');
        return;
    }
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // YAML forbids these unescaped even in quoted scalars: they are not printable, or break lines.
            ch if ch.is_control() || breaks_or_unprintable(ch) => {
                let _ = write!(out, "\\u{:04X}", ch as u32);
            }
            ch => out.push(ch),
        }
    }
    out.push('"');
}

/// Characters that YAML does not allow raw (outside its printable set) or that end a line in YAML or in an
/// editor, beyond the ASCII and C1 control characters.
fn breaks_or_unprintable(ch: char) -> bool {
    matches!(
        ch,
        '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
    )
}

/// Free text for a one-line `#` comment in HCL or YAML: anything that could end the line, or that the format
/// rejects raw, is written as a visible `\u{..}` escape, so the text cannot leave its comment.
#[must_use]
pub fn comment_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_control() || breaks_or_unprintable(ch) {
            let _ = write!(out, "\\u{{{:04X}}}", ch as u32);
        } else {
            out.push(ch);
        }
    }
    out
}

/// Free text for a Markdown table cell: every ASCII punctuation character is backslash-escaped (CommonMark
/// allows that for all of them, and GFM tables need it for `|`), and line breaks become spaces.
#[must_use]
pub fn markdown_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        if ch.is_ascii_punctuation() {
            out.push('\\');
            out.push(ch);
        } else if ch.is_control() || breaks_or_unprintable(ch) {
            out.push(' ');
        } else {
            out.push(ch);
        }
    }
    out
}

/// A Terraform name (resource, variable, output): lowercase ASCII letters, digits and `_`, starting with a
/// letter. `StuzioProjectXPolicy` becomes `stuzio_project_x_policy`, `com.stuzio.projectx` becomes
/// `com_stuzio_projectx`.
#[must_use]
pub fn snake_name(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    for (index, &ch) in chars.iter().enumerate() {
        if ch.is_ascii_alphanumeric() {
            let previous = index.checked_sub(1).map(|i| chars[i]);
            let next = chars.get(index + 1).copied();
            // A word starts at a capital after a lowercase letter or digit (`projectX`), or at the last capital
            // of an acronym before a lowercase letter (`XPolicy` is `x_policy`).
            let boundary = ch.is_ascii_uppercase()
                && (previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                    || (previous.is_some_and(|p| p.is_ascii_uppercase())
                        && next.is_some_and(|n| n.is_ascii_lowercase())));
            if boundary && !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if !out.starts_with(|ch: char| ch.is_ascii_lowercase()) {
        out.insert_str(0, "n_");
    }
    out
}

/// A CloudFormation logical id: ASCII letters and digits only, starting with a letter.
#[must_use]
pub fn logical_id(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut upper = true;
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(if upper { ch.to_ascii_uppercase() } else { ch });
            upper = false;
        } else {
            upper = true;
        }
    }
    if !out.starts_with(|ch: char| ch.is_ascii_alphabetic()) {
        out.insert(0, 'R');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hcl_strings_keep_policy_variables_literal() {
        assert_eq!(
            hcl_string("arn:aws:s3:::b/${aws:username}/*"),
            r#""arn:aws:s3:::b/$${aws:username}/*""#
        );
        assert_eq!(hcl_string("%{if x}"), r#""%%{if x}""#);
        assert_eq!(hcl_string("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(hcl_string("$5 and %s"), r#""$5 and %s""#);
    }

    #[test]
    fn yaml_strings_are_always_quoted() {
        assert_eq!(yaml_string("true"), r#""true""#);
        assert_eq!(yaml_string("--- #: x"), r#""--- #: x""#);
        assert_eq!(yaml_string("a\"b\nc"), r#""a\"b\nc""#);
    }

    #[test]
    fn free_text_stays_in_comments_and_table_cells() {
        assert_eq!(
            comment_text("a\nb\u{2028}c\u{1}"),
            r"a\u{000A}b\u{2028}c\u{0001}"
        );
        assert_eq!(markdown_cell("a|b*c\n<d>"), r"a\|b\*c \<d\>");
        assert_eq!(yaml_string("x\u{FFFF}"), r#""x\uFFFF""#);
    }

    #[test]
    fn names() {
        assert_eq!(
            snake_name("StuzioProjectXPolicy"),
            "stuzio_project_x_policy"
        );
        assert_eq!(
            snake_name("AcmeClientAssumeRolePolicy"),
            "acme_client_assume_role_policy"
        );
        assert_eq!(snake_name("IAMRole"), "iam_role");
        assert_eq!(snake_name("com.stuzio.projectx"), "com_stuzio_projectx");
        assert_eq!(snake_name("123-abc"), "n_123_abc");
        assert_eq!(
            logical_id("StuzioAcmeConsultantRole"),
            "StuzioAcmeConsultantRole"
        );
        assert_eq!(logical_id("com.stuzio.projectx"), "ComStuzioProjectx");
        assert_eq!(logical_id("9lives"), "R9lives");
    }
}
