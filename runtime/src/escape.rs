//! Every function that puts text into a target syntax: JSON strings, HCL strings, YAML scalars and keys, `#`
//! comments, Markdown table cells, Graphviz and Mermaid labels, `Fn::Sub` literals and literal text inside IAM
//! policy patterns. Each is the one place that knows its format's rules, and each has a property test against a
//! real parser of that format (`tests/generate/escape_parsers.rs`), so that no text can break out of its place or be
//! read as syntax.

use std::fmt::Write as _;

/// Appends `text` as a JSON string that iamgen's own reader ([`crate::json::parse`]) accepts and reads back
/// as `text`: the reader takes raw only IAM's character set (TAB, LF, CR, U+0020 to U+00FF) and no raw control
/// character inside a string, so every C0 control, DEL, C1 control and every character above U+00FF is
/// written as a `\uXXXX` escape (a surrogate pair above U+FFFF). `"` and `\` are escaped, and the usual
/// short escapes (`\n`, `\t` ...) are used where JSON has them.
pub fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    let mut clean_from = 0;
    for (at, ch) in text.char_indices() {
        let escape = match ch {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            ' '..='~' | '\u{A0}'..='\u{FF}' => continue,
            _ => "",
        };
        out.push_str(&text[clean_from..at]);
        if escape.is_empty() {
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push_str(escape);
        }
        clean_from = at + ch.len_utf8();
    }
    out.push_str(&text[clean_from..]);
    out.push('"');
}

/// How many characters of what [`push_json_string`] writes for `text` are not whitespace, without writing it:
/// IAM's size quota counts the compact policy that way, and printing the policy only to count it cost 8% of
/// the linter's time. A unit test checks it against the written text.
#[must_use]
pub(crate) fn json_string_non_whitespace_len(text: &str) -> usize {
    /// What each ASCII character counts once written: the byte loop below reads these, and only text past the
    /// first non-ASCII byte goes through `char`s.
    const ASCII: [u8; 128] = {
        let mut table = [0u8; 128];
        let mut byte = 0;
        while byte < 128 {
            table[byte] = match byte as u8 {
                b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
                b' ' => 0,
                b'!'..=b'~' => 1,
                // Other C0 controls and DEL: `\u00XX`.
                _ => 6,
            };
            byte += 1;
        }
        table
    };
    // The two quotes.
    let mut count = 2;
    for (at, &byte) in text.as_bytes().iter().enumerate() {
        match ASCII.get(usize::from(byte)) {
            Some(&counted) => count += usize::from(counted),
            None => return count + non_ascii_len(text.get(at..).unwrap_or_default()),
        }
    }
    count
}

/// [`json_string_non_whitespace_len`] of the rest of a text from its first non-ASCII character, quotes
/// not included.
fn non_ascii_len(text: &str) -> usize {
    text.chars()
        .map(|ch| match ch {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            ' ' => 0,
            '!'..='~' => 1,
            '\u{A0}'..='\u{FF}' => usize::from(!ch.is_whitespace()),
            // `\uXXXX` for each UTF-16 unit, no whitespace in it.
            _ => 6 * ch.len_utf16(),
        })
        .sum()
}

/// [`push_json_string`] into a new string.
#[must_use]
pub fn json_string(text: &str) -> String {
    written(text, push_json_string)
}

/// A quoted HCL string. Besides `"`, `\` and control characters, HCL templates give `${` and `%{` a meaning
/// inside any quoted string: they are doubled (`$${`, `%%{`) so that IAM policy variables such as
/// `${aws:username}` reach IAM as written.
#[must_use]
pub fn hcl_string(text: &str) -> String {
    written(text, push_hcl_string)
}

/// [`hcl_string`], appended to `out`.
pub fn push_hcl_string(out: &mut String, text: &str) {
    push_quoted(
        out,
        text,
        |b| !matches!(b, b'"' | b'\\' | b'$' | b'%'),
        |out, text| {
            let mut chars = text.chars().peekable();
            while let Some(ch) = chars.next() {
                if let Some(escape) = short_escape(ch) {
                    out.push_str(escape);
                    continue;
                }
                match ch {
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
        },
    );
}

/// A double-quoted YAML scalar: always quoted, so that no value is read as a number, a boolean, `null`, an
/// anchor, a tag or a document marker, with JSON-compatible escapes.
#[must_use]
pub fn yaml_string(text: &str) -> String {
    written(text, push_yaml_string)
}

/// [`yaml_string`], appended to `out`.
pub fn push_yaml_string(out: &mut String, text: &str) {
    push_quoted(
        out,
        text,
        |b| !matches!(b, b'"' | b'\\'),
        // YAML forbids these unescaped even in quoted scalars: they are not printable, or break lines.
        |out, text| push_escaped(out, text, |ch| ch.is_control() || breaks_or_unprintable(ch)),
    );
}

/// A TOML basic string (`"..."`) that TOML reads back as `text`: `"`, `\\` and control characters escaped.
#[must_use]
pub fn toml_string(text: &str) -> String {
    written(text, |out, text| {
        push_quoted(
            out,
            text,
            |b| !matches!(b, b'"' | b'\\'),
            |out, text| push_escaped(out, text, char::is_control),
        );
    })
}

/// A new string holding `text` as `push` appends it: each `*_string` function over its `push_*` form.
fn written(text: &str, push: fn(&mut String, &str)) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push(&mut out, text);
    out
}

/// `text` between double quotes. Most strings (names, ARNs, actions) need no escape at all, so printable ASCII
/// that `plain` accepts byte by byte is copied in one scan; any other text goes through `escape`.
fn push_quoted(
    out: &mut String,
    text: &str,
    plain: fn(u8) -> bool,
    escape: impl FnOnce(&mut String, &str),
) {
    out.push('"');
    if text.bytes().all(|b| (b' '..=b'~').contains(&b) && plain(b)) {
        out.push_str(text);
    } else {
        escape(out, text);
    }
    out.push('"');
}

/// `text` with [`short_escape`]s, and `\uXXXX` for the characters `unicode` picks, as YAML and TOML escape
/// inside their double quotes.
fn push_escaped(out: &mut String, text: &str, unicode: fn(char) -> bool) {
    for ch in text.chars() {
        match short_escape(ch) {
            Some(escape) => out.push_str(escape),
            None if unicode(ch) => {
                let _ = write!(out, "\\u{:04X}", ch as u32);
            }
            None => out.push(ch),
        }
    }
}

/// The backslash escapes that HCL and YAML double-quoted strings share with JSON.
fn short_escape(ch: char) -> Option<&'static str> {
    match ch {
        '"' => Some("\\\""),
        '\\' => Some("\\\\"),
        '\n' => Some("\\n"),
        '\r' => Some("\\r"),
        '\t' => Some("\\t"),
        _ => None,
    }
}

/// Characters that YAML does not allow raw (outside its printable set) or that end a line in YAML or in an
/// editor, beyond the ASCII and C1 control characters.
fn breaks_or_unprintable(ch: char) -> bool {
    matches!(
        ch,
        '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
    )
}

/// Characters a reader cannot see for what they are: controls (C0, DEL, C1), line and paragraph separators,
/// the byte-order mark, the noncharacters U+FFFE and U+FFFF, and the bidirectional controls, which reorder
/// what is shown around them (CVE-2021-42574). Text meant for people (comments, diagram labels) shows them as
/// a visible `\u{XXXX}` instead.
fn invisible(ch: char) -> bool {
    ch.is_control()
        || breaks_or_unprintable(ch)
        || matches!(ch, '\u{61C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` as diagram labels and comments show it: every character a reader cannot see for what it is (controls,
/// line and paragraph separators, the byte-order mark, U+FFFE, U+FFFF, bidirectional controls) replaced by a
/// visible `\u{XXXX}`; any other text as it is.
#[must_use]
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(invisible) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        if invisible(ch) {
            let _ = write!(out, "\\u{{{:04X}}}", ch as u32);
        } else {
            out.push(ch);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A YAML number that YAML 1.1 (`PyYAML`, the readers CloudFormation tools use) and YAML 1.2 both read as the
/// number JSON reads from `text`, a JSON number. YAML 1.1 reads an exponent only after a fraction and with a
/// sign (`1e2` is a string there, 100 in JSON), so such a number gains `.0` and `+`: `1e2` is written
/// `1.0e+2`, the same value, read as a float by both, as JSON readers read `1e2`.
#[must_use]
pub fn yaml_number(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(at) = text.find(['e', 'E']) else {
        return std::borrow::Cow::Borrowed(text);
    };
    let (mantissa, exponent) = (&text[..at], &text[at + 1..]);
    let dot = if mantissa.contains('.') { "" } else { ".0" };
    let sign = if exponent.starts_with(['+', '-']) {
        ""
    } else {
        "+"
    };
    if dot.is_empty() && sign.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(format!("{mantissa}{dot}{}{sign}{exponent}", &text[at..=at]))
}

/// The longest key YAML reads in the implicit `key: value` form is 1,024 characters, `:` included (`PyYAML` and
/// libyaml stop looking for the `:` after that); a longer key is written in the explicit `? key` form. Bytes
/// bound characters from above, so comparing byte lengths is safe.
pub const YAML_IMPLICIT_KEY_MAX: usize = 1_000;

/// Free text for a one-line `#` comment in HCL or YAML: anything that could end the line, that the format
/// rejects raw, or that reorders the text around it is written as a visible `\u{..}` escape, so the text cannot
/// leave its comment or hide what follows.
#[must_use]
pub fn comment_text(text: &str) -> String {
    visible(text).into_owned()
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
        } else if invisible(ch) {
            out.push(' ');
        } else {
            out.push(ch);
        }
    }
    out
}

/// Text for inside a Mermaid `"..."` label, read back by Mermaid as `text`. Mermaid reads `%%{...}%%`
/// anywhere as a directive and `#name;` as an entity, and shows labels as HTML, so every ASCII character but
/// letters, digits, space and `-_.,:/()@+=` is written as a numeric entity (`#35;` for `#`), as is `°`, which
/// Mermaid's own entity placeholders (`ﬂ°°35¶ß`) use. Characters with no visible form are shown as `\u{XXXX}`;
/// white space at either end is an entity too, as Mermaid trims labels (with JavaScript's `trim`).
#[must_use]
pub fn mermaid_label(text: &str) -> String {
    let text = visible(text);
    let mut out = String::with_capacity(text.len() + 8);
    let last = text.chars().count().saturating_sub(1);
    for (index, ch) in text.chars().enumerate() {
        let edge_space = ch.is_whitespace() && (index == 0 || index == last);
        if (ch.is_ascii_alphanumeric() || " -_.,:/()@+=".contains(ch) || !ch.is_ascii())
            && ch != '\u{B0}'
            && !edge_space
        {
            out.push(ch);
        } else {
            let _ = write!(out, "#{};", ch as u32);
        }
    }
    out
}

/// A quoted Graphviz string for a label, read back by Graphviz as `text`. Graphviz gives `\` escapes a meaning
/// in labels (`\N` is the node's name, `\l` a line break) and decodes HTML entities (`&amp;`), so `\`, `"`
/// and `&` are escaped; characters with no visible form (Graphviz drops the labels that hold NUL or other
/// controls) are shown as `\u{XXXX}`.
#[must_use]
pub fn dot_string(text: &str) -> String {
    let text = visible(text);
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '&' => out.push_str("&amp;"),
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// Text inside `Fn::Sub`: `${` is written `${!` so that IAM policy variables stay literal.
#[must_use]
pub fn sub_literal(text: &str) -> String {
    text.replace("${", "${!")
}

/// Literal text inside an IAM policy pattern (a `Resource`, a `*Like` condition value): `*`, `?` and `$` are
/// written as IAM's escapes `${*}`, `${?}` and `${$}`, so that a role path such as `/*/` or
/// `/${aws:username}/` names exactly that path, not a wildcard or a policy variable.
#[must_use]
pub fn policy_literal(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['*', '?', '$']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '*' => out.push_str("${*}"),
            '?' => out.push_str("${?}"),
            '$' => out.push_str("${$}"),
            ch => out.push(ch),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A YAML mapping key: a bare word where YAML 1.1 and 1.2 both read it as that string, double-quoted
/// otherwise. Words YAML 1.1 reads as null or a boolean (IAM's condition operator `Null` among them) are
/// quoted. The caller writes keys longer than [`YAML_IMPLICIT_KEY_MAX`] in the explicit `? key` form.
pub fn push_yaml_key(out: &mut String, key: &str) {
    const RESERVED: &[&str] = &["null", "true", "false", "yes", "no", "on", "off", "y", "n"];
    if !key.is_empty()
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && !RESERVED.iter().any(|word| key.eq_ignore_ascii_case(word))
    {
        out.push_str(key);
    } else {
        push_yaml_string(out, key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_whitespace_len_counts_the_written_string() {
        for text in [
            "",
            "plain",
            "quote \" backslash \\ tab \t space  ",
            "line\nbreak\r ff \u{c} bs \u{8} vt \u{b}",
            "nul \0 bell \u{7} del \u{7f} c1 \u{85} \u{9f}",
            "nbsp \u{a0} latin \u{e9}\u{ff}\u{a1} next \u{100}",
            "\u{2028}\u{2029}\u{3000}\u{1680}\u{feff} \u{1F600} \u{10FFFF} ${aws:username}",
            "\u{d7ff}\u{e000}\u{fffd}",
        ] {
            let written = json_string(text);
            assert_eq!(
                json_string_non_whitespace_len(text),
                written.chars().filter(|ch| !ch.is_whitespace()).count(),
                "{text:?}"
            );
        }
        // Every character of the first planes and a sample above, one at a time.
        for ch in (0..0x3100_u32)
            .chain((0x1_0000..0x11_0000).step_by(4093))
            .filter_map(char::from_u32)
        {
            let text = ch.to_string();
            let written = json_string(&text);
            assert_eq!(
                json_string_non_whitespace_len(&text),
                written.chars().filter(|ch| !ch.is_whitespace()).count(),
                "{ch:?}"
            );
        }
    }

    #[cfg(feature = "spec")]
    #[test]
    fn toml_strings_read_back_as_written() {
        for text in [
            "plain",
            "quote \" backslash \\ tab \t",
            "line\nbreak\r",
            "nul \0 bell \u{7} del \u{7f} c1 \u{85}",
            "\u{2028} é ${aws:username} ''' \"\"\"",
        ] {
            let quoted = toml_string(text);
            let read: toml::Table = toml::from_str(&format!("v = {quoted}"))
                .unwrap_or_else(|error| panic!("{quoted}: {error}"));
            assert_eq!(read["v"].as_str(), Some(text), "{quoted}");
        }
    }

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
    fn json_strings_use_only_what_iamgens_reader_accepts_raw_and_read_back() {
        // Every character, in strings of 64, through iamgen's own reader.
        let all: Vec<char> = (0..=0x10_FFFF).filter_map(char::from_u32).collect();
        for chunk in all.chunks(64) {
            let text: String = chunk.iter().collect();
            let written = json_string(&text);
            assert!(
                written
                    .chars()
                    .all(|c| matches!(c, ' '..='~' | '\u{A0}'..='\u{FF}')),
                "{written:?}"
            );
            let document = format!("{{\"k\":{written}}}");
            let node = crate::json::parse(&document).expect("the reader accepts the writer's text");
            assert_eq!(
                node.pointer("/k").and_then(|n| n.value.as_str()),
                Some(text.as_str())
            );
        }
        assert_eq!(
            json_string("\u{7f}\u{85}\u{100}😀"),
            r#""\u007f\u0085\u0100\ud83d\ude00""#
        );
        assert_eq!(
            json_string("a\"\\\n\té\u{ff}"),
            r#""a\"\\\n\té\u{ff}""#.replace("\\u{ff}", "\u{ff}")
        );
    }

    #[test]
    fn bug_fmt_writes_what_validate_rejects() {
        // `"\u0100"` reads as `Ā`; the printer wrote it raw, which the reader refuses (INVALID_CHARACTER).
        let source = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/\u0100\u007f\u0085\u2028x"}}"#;
        let document = crate::PolicyDocument::from_json(source).expect("the source reads");
        for printed in [document.to_json(), document.to_json_compact()] {
            let again = crate::PolicyDocument::from_json(&printed).unwrap_or_else(|error| {
                panic!("the printer's output is refused: {error:?}\n{printed}")
            });
            assert_eq!(again, document);
        }
    }

    #[test]
    fn yaml_numbers_keep_json_s_value_in_yaml_1_1() {
        assert_eq!(yaml_number("1e2"), "1.0e+2");
        assert_eq!(yaml_number("-1E-2"), "-1.0E-2");
        assert_eq!(yaml_number("1.5e3"), "1.5e+3");
        assert_eq!(yaml_number("2.5E-3"), "2.5E-3");
        assert_eq!(yaml_number("12"), "12");
    }

    #[test]
    fn yaml_keys_that_yaml_1_1_resolves_are_quoted() {
        for (key, written) in [
            ("Null", "\"Null\""),
            ("null", "\"null\""),
            ("Yes", "\"Yes\""),
            ("OFF", "\"OFF\""),
            ("y", "\"y\""),
            ("Bool", "Bool"),
            ("StringEquals", "StringEquals"),
            ("aws:SourceIp", "\"aws:SourceIp\""),
        ] {
            let mut out = String::new();
            push_yaml_key(&mut out, key);
            assert_eq!(out, written);
        }
    }

    #[test]
    fn policy_literals_escape_wildcards_and_variables() {
        assert_eq!(
            policy_literal("arn:aws:iam::1:role/*/${aws:username}/a?"),
            "arn:aws:iam::1:role/${*}/${$}{aws:username}/a${?}"
        );
        assert_eq!(
            policy_literal("arn:aws:iam::1:role/x/N"),
            "arn:aws:iam::1:role/x/N"
        );
    }

    #[test]
    fn labels_show_invisible_characters_and_escape_syntax() {
        assert_eq!(
            dot_string("a\u{0}\\N&amp;\""),
            r#""a\\u{0000}\\N&amp;amp;\"""#
        );
        assert_eq!(
            mermaid_label("%%{init}%% &lt; °"),
            "#37;#37;#123;init#125;#37;#37; #38;lt#59; #176;"
        );
        assert_eq!(mermaid_label(" a "), "#32;a#32;");
        assert_eq!(sub_literal("a${b}"), "a${!b}");
    }
}
