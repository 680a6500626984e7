//! The `{field}` placeholders of a `#[derive(Policy)]` text: one grammar for the macro, which checks them at
//! compile time, and for the code it generates, which fills them at run time.
//!
//! A placeholder is `{name}` with `name` a Rust identifier. A `{` right after `$` opens an IAM policy variable
//! (`${aws:username}`), which runs to the next `}` and is kept as it is, even when its name is a field's.
//!
//! ```
//! # extern crate iamgen_runtime as iamgen;
//! use iamgen::placeholder::fill;
//!
//! let filled = fill("arn:aws:s3:::{bucket}/${aws:username}/*", |name| (name == "bucket").then_some("b"));
//! assert_eq!(filled, "arn:aws:s3:::b/${aws:username}/*");
//! ```

/// One piece of a text, as [`pieces`] cuts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text to keep as it is, IAM policy variables (`${aws:username}`) included.
    Text(&'a str),
    /// `{name}`: the value of the field `name` goes here.
    Placeholder(&'a str),
    /// A `{` that opens no placeholder; what follows it up to the next `}` (`None` if no `}` follows).
    /// Only the `{` itself belongs to this piece: what follows is cut into pieces of its own.
    Stray(Option<&'a str>),
}

/// The pieces of `text` in order, each with the byte offset where it starts.
pub fn pieces(text: &str) -> impl Iterator<Item = (usize, Piece<'_>)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let start = at;
        let rest = &text[start..];
        let piece = match rest.find('{') {
            Some(0) => {
                let inner = &rest[1..];
                match inner.find('}') {
                    Some(close) if is_name(&inner[..close]) => {
                        at = start + close + 2;
                        Piece::Placeholder(&inner[..close])
                    }
                    close => {
                        at = start + 1;
                        Piece::Stray(close.map(|close| &inner[..close]))
                    }
                }
            }
            Some(open) => {
                let end = if rest.as_bytes()[open - 1] == b'$' {
                    // A policy variable: kept to its `}` (or to the end, for the linter to judge).
                    rest[open..]
                        .find('}')
                        .map_or(rest.len(), |close| open + close + 1)
                } else {
                    open
                };
                at = start + end;
                Piece::Text(&rest[..end])
            }
            None => {
                at = text.len();
                Piece::Text(rest)
            }
        };
        Some((start, piece))
    })
}

/// `text` with each placeholder that `value` knows replaced by its value, in one pass (a value is never read
/// for placeholders); everything else, unknown placeholders included, as it is.
pub fn fill<'v>(text: &str, mut value: impl FnMut(&str) -> Option<&'v str>) -> String {
    let mut out = String::with_capacity(text.len());
    for (_, piece) in pieces(text) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Placeholder(name) => {
                if let Some(value) = value(name) {
                    out.push_str(value);
                } else {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            }
            Piece::Stray(_) => out.push('{'),
        }
    }
    out
}

/// Whether `name` is a Rust identifier (a field's name), as a placeholder's name must be.
fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(name: &str) -> Option<&'static str> {
        (name == "bucket").then_some("com.stuzio.projectx")
    }

    #[test]
    fn a_policy_variable_stays_next_to_a_placeholder() {
        assert_eq!(
            fill("arn:aws:s3:::{bucket}/${aws:username}/*", bucket),
            "arn:aws:s3:::com.stuzio.projectx/${aws:username}/*"
        );
        // `${bucket}` is a policy variable, even though `bucket` is a field: the `{bucket}` in it stays.
        assert_eq!(
            fill("arn:aws:s3:::{bucket}/${bucket}", bucket),
            "arn:aws:s3:::com.stuzio.projectx/${bucket}"
        );
    }

    #[test]
    fn a_derived_policy_is_filled_by_this_grammar() {
        let template = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{bucket}/${bucket}/${aws:username}"}}"#;
        let document =
            crate::typed::render_with(template, "bucket", Ok("com.stuzio.projectx".to_owned()))
                .unwrap();
        assert!(
            document
                .to_json()
                .contains(r#""arn:aws:s3:::com.stuzio.projectx/${bucket}/${aws:username}""#),
            "{document}"
        );
    }

    #[test]
    fn json_braces_and_unknown_names_are_text() {
        let template = r#"{"Statement":{"Resource":"arn:aws:s3:::{bucket}/{other}"}}"#;
        assert_eq!(
            fill(template, bucket),
            r#"{"Statement":{"Resource":"arn:aws:s3:::com.stuzio.projectx/{other}"}}"#
        );
    }

    #[test]
    fn pieces_say_where_each_starts() {
        let found: Vec<_> = pieces("a{b}${c}{ d}{").collect();
        assert_eq!(
            found,
            [
                (0, Piece::Text("a")),
                (1, Piece::Placeholder("b")),
                (4, Piece::Text("${c}")),
                (8, Piece::Stray(Some(" d"))),
                (9, Piece::Text(" d}")),
                (12, Piece::Stray(None)),
            ]
        );
    }
}
