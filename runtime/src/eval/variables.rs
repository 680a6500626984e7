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
use crate::wildcard::{self, Case, Token};

/// The pattern with its variables replaced from `context`, or `None` when a variable has no value. Only called
/// for patterns that contain `${`.
fn tokens(pattern: &str, context: &dyn Lookup) -> Option<Vec<Token>> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        out.extend(wildcard::tokens(&rest[..start]));
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            // No closing brace: the text is literal.
            out.extend(wildcard::tokens(&rest[start..]));
            return Some(out);
        };
        let inner = after[..end].trim();
        match inner {
            "*" => out.push(Token::Char('*')),
            "?" => out.push(Token::Char('?')),
            "$" => out.push(Token::Char('$')),
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
                out.extend(value.chars().map(Token::Char));
            }
        }
        rest = &after[end + 1..];
    }
    out.extend(wildcard::tokens(rest));
    Some(out)
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

/// Whether `text` matches `pattern` (wildcards, and variables from `context`), characters compared exactly.
#[must_use]
pub fn matches(pattern: &str, text: &str, context: &dyn Lookup) -> bool {
    matches_with(pattern, text, context, Case::Sensitive)
}

/// Like [`matches()`], ASCII letters compared regardless of case.
#[must_use]
pub fn matches_ignore_case(pattern: &str, text: &str, context: &dyn Lookup) -> bool {
    matches_with(pattern, text, context, Case::IgnoreAscii)
}

fn matches_with(pattern: &str, text: &str, context: &dyn Lookup, case: Case) -> bool {
    if !pattern.contains("${") || !context.variables() {
        // No variable to resolve: the pattern is matched as it stands, without building tokens.
        return wildcard::matches(pattern, text, case);
    }
    tokens(pattern, context).is_some_and(|tokens| wildcard::matches_tokens(&tokens, text, case))
}

/// Whether the resource `text` matches the `Resource` element's `pattern` (variables from `context`): a `*`
/// inside an ARN segment does not cross a `:` (see [`wildcard::matches_resource_tokens`]).
#[must_use]
pub fn matches_resource(pattern: &str, text: &str, context: &dyn Lookup) -> bool {
    let bytes = pattern.as_bytes();
    let held_star = bytes
        .iter()
        .enumerate()
        .any(|(at, byte)| *byte == b'*' && !matches!(bytes.get(at + 1), None | Some(b':')));
    if !held_star {
        // Every `*` may cross colons: the plain matcher, without building tokens.
        return matches(pattern, text, context);
    }
    let tokens = if context.variables() {
        tokens(pattern, context)
    } else {
        Some(wildcard::tokens(pattern).collect())
    };
    tokens.is_some_and(|tokens| wildcard::matches_resource_tokens(&tokens, text))
}

/// `value` with its variables replaced, wildcards kept as text: for operators that compare whole strings
/// (`StringEquals`). `None` when a variable has no value.
#[must_use]
pub fn substitute(value: &str, context: &dyn Lookup) -> Option<String> {
    if !value.contains("${") || !context.variables() {
        return Some(value.to_owned());
    }
    tokens(value, context).map(|tokens| {
        tokens
            .into_iter()
            .map(|token| match token {
                Token::Char(ch) => ch,
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
