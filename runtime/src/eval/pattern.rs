//! Policy variables and the patterns that contain them.
//!
//! `${aws:username}` in a `Resource` or a condition value is replaced by the request's value for that key;
//! `${aws:username, 'nobody'}` has a default; `${*}`, `${?}` and `${$}` are a literal `*`, `?` and `$`, which
//! are then not wildcards. A variable with no value and no default makes the pattern match nothing ("If there
//! is no value for the variable, the policy element or condition does not match", IAM User Guide, "IAM policy
//! elements: Variables and tags").

#[cfg(test)]
use super::Context;
use super::Lookup;
use crate::glob;

/// One piece of a pattern after its variables are replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// A character that matches itself (a literal `*` from `${*}` among them).
    Literal(char),
    /// `*`.
    Any,
    /// `?`.
    One,
}

/// The pattern with its variables replaced from `context`, or `None` when a variable has no value. Only called
/// for patterns that contain `${`.
fn tokens(pattern: &str, context: &dyn Lookup) -> Option<Vec<Token>> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        push_plain(&rest[..start], &mut out);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            // No closing brace: the text is literal.
            push_plain(&rest[start..], &mut out);
            return Some(out);
        };
        let inner = after[..end].trim();
        match inner {
            "*" => out.push(Token::Literal('*')),
            "?" => out.push(Token::Literal('?')),
            "$" => out.push(Token::Literal('$')),
            _ => {
                let (key, default) = match inner.split_once(',') {
                    Some((key, default)) => {
                        let default = default.trim();
                        let default = default
                            .strip_prefix('\'')
                            .and_then(|d| d.strip_suffix('\''))
                            .unwrap_or(default);
                        (key.trim(), Some(default))
                    }
                    None => (inner, None),
                };
                // A variable stands for one value: a multi-valued key cannot be a variable.
                let value = match context.lookup(key).and_then(|values| values.single()) {
                    Some(value) => value,
                    None => default?,
                };
                out.extend(value.chars().map(Token::Literal));
            }
        }
        rest = &after[end + 1..];
    }
    push_plain(rest, &mut out);
    Some(out)
}

fn push_plain(text: &str, out: &mut Vec<Token>) {
    out.extend(text.chars().map(|ch| match ch {
        '*' => Token::Any,
        '?' => Token::One,
        ch => Token::Literal(ch),
    }));
}

/// The one text `pattern` matches, when it has no wildcard and no variable: IAM's escapes `${*}`, `${?}` and
/// `${$}` read as the characters they stand for (`role/${*}/Name` is the role at path `/*/`). `None` for a
/// pattern that can match more than one text, or whose meaning depends on the request.
#[must_use]
pub fn literal(pattern: &str) -> Option<String> {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    loop {
        let (plain, escape) = match rest.find("${") {
            Some(start) => (&rest[..start], Some(&rest[start + 2..])),
            None => (rest, None),
        };
        if plain.contains(['*', '?']) {
            return None;
        }
        out.push_str(plain);
        let Some(after) = escape else {
            return Some(out);
        };
        let end = after.find('}')?;
        match after[..end].trim() {
            inner @ ("*" | "?" | "$") => out.push_str(inner),
            _ => return None,
        }
        rest = &after[end + 1..];
    }
}

/// Whether `text` matches the tokens, `*` and `?` as wildcards.
fn matches_tokens(pattern: &[Token], text: &str, eq: impl Fn(char, char) -> bool) -> bool {
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut resume: Option<(usize, usize)> = None;
    loop {
        match (pattern.get(p), text.get(t)) {
            (Some(Token::Any), _) => {
                p += 1;
                resume = Some((p, t));
            }
            (Some(Token::One), Some(_)) => {
                p += 1;
                t += 1;
            }
            (Some(Token::Literal(expected)), Some(&found)) if eq(*expected, found) => {
                p += 1;
                t += 1;
            }
            (None, None) => return true,
            _ => match resume {
                Some((after_star, absorbed)) if absorbed < text.len() => {
                    p = after_star;
                    t = absorbed + 1;
                    resume = Some((after_star, absorbed + 1));
                }
                _ => return false,
            },
        }
    }
}

/// Whether `text` matches `pattern` (wildcards, and variables from `context`), characters compared exactly.
#[must_use]
pub fn matches(pattern: &str, text: &str, context: &dyn Lookup) -> bool {
    if !pattern.contains("${") {
        return glob::matches(pattern, text);
    }
    tokens(pattern, context).is_some_and(|tokens| matches_tokens(&tokens, text, |a, b| a == b))
}

/// Like [`matches()`], ASCII letters compared regardless of case.
#[must_use]
pub fn matches_ignore_case(pattern: &str, text: &str, context: &dyn Lookup) -> bool {
    if !pattern.contains("${") {
        return glob::matches_ignore_ascii_case(pattern, text);
    }
    tokens(pattern, context)
        .is_some_and(|tokens| matches_tokens(&tokens, text, |a, b| a.eq_ignore_ascii_case(&b)))
}

/// `value` with its variables replaced, wildcards kept as text: for operators that compare whole strings
/// (`StringEquals`). `None` when a variable has no value.
#[must_use]
pub fn substitute(value: &str, context: &dyn Lookup) -> Option<String> {
    if !value.contains("${") {
        return Some(value.to_owned());
    }
    tokens(value, context).map(|tokens| {
        tokens
            .into_iter()
            .map(|token| match token {
                Token::Literal(ch) => ch,
                Token::Any => '*',
                Token::One => '?',
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_defaults_and_escapes() {
        let context = Context::new().with("aws:username", "troy");
        assert!(matches(
            "arn:aws:s3:::b/home/${aws:username}/*",
            "arn:aws:s3:::b/home/troy/x",
            &context
        ));
        assert!(!matches(
            "arn:aws:s3:::b/home/${aws:username}/*",
            "arn:aws:s3:::b/home/dana/x",
            &context
        ));
        assert!(matches("${aws:userid, 'nobody'}", "nobody", &context));
        assert!(!matches("${aws:userid}", "", &context));
        assert!(matches("a${*}b", "a*b", &context));
        assert!(!matches("a${*}b", "axb", &context));
        assert!(matches("a${?}", "a?", &context));
        assert!(matches("${$}x", "$x", &context));
        assert!(matches_ignore_case("${AWS:USERNAME}", "TROY", &context));
    }
}
