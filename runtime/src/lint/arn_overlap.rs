//! Whether two ARN patterns can name the same resource: an ARN template from the catalogue
//! (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`, each placeholder standing for one or more characters)
//! against a resource entry from a policy (`arn:aws:s3:::bucket/*`, with IAM's `*` and `?` wildcards and
//! policy variables, which stand for any text).
//!
//! Both sides are regular languages; the answer is whether their intersection is empty, found by a search of
//! the product of the two automata. Sizes are those of ARNs, so the product stays small.

use crate::wildcard::{self, Case, Token};

/// Which pattern a text is, which says what its `${...}` and its other characters stand for.
#[derive(Clone, Copy)]
enum Side {
    /// A template: `${...}` is one or more characters, any other character itself.
    Template,
    /// A policy's resource entry: `*` is any run, `?` one character, and a policy variable any run.
    Resource,
}

fn tokens(text: &str, side: Side) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len());
    tokens_into(text, side, &mut tokens);
    tokens
}

fn tokens_into(text: &str, side: Side, tokens: &mut Vec<Token>) {
    let mut rest = text;
    while let Some(ch) = rest.chars().next() {
        if rest.starts_with("${")
            && let Some(close) = rest.find('}')
        {
            match side {
                Side::Template => tokens.extend([Token::One, Token::Any]),
                Side::Resource => tokens.push(Token::Any),
            }
            rest = &rest[close + 1..];
            continue;
        }
        match side {
            Side::Template => tokens.push(Token::Char(ch)),
            Side::Resource => tokens.extend(wildcard::tokens(&rest[..ch.len_utf8()])),
        }
        rest = &rest[ch.len_utf8()..];
    }
}

/// Buffers reused across calls: the linter tests each wildcard resource against dozens of templates, and
/// allocating the automata and the visited set each time was most of its cost.
struct Scratch {
    left: Vec<Token>,
    right: Vec<Token>,
    seen: Vec<bool>,
    stack: Vec<(usize, usize)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = const {
        std::cell::RefCell::new(Scratch { left: Vec::new(), right: Vec::new(), seen: Vec::new(), stack: Vec::new() })
    };
}

/// Whether some ARN matches both the catalogue `template` and the policy's `resource` entry.
///
/// The six fields are compared one by one, so that neither a placeholder nor a wildcard reaches across a `:`
/// into the next field; the resource part (the sixth, which may itself hold colons) is compared whole.
#[must_use]
pub(super) fn overlaps(template: &str, resource: &str) -> bool {
    let template_fields: Vec<&str> = template.splitn(6, ':').collect();
    match crate::policy::Arn::parse(resource) {
        Ok(arn) if template_fields.len() == 6 => {
            let resource_fields = [
                "arn",
                arn.partition(),
                arn.service(),
                arn.region(),
                arn.account(),
                arn.resource(),
            ];
            // AWS-owned resources (public SSM parameters and documents, public AMIs) have no account in their ARN
            // although the catalogue's template names one.
            let aws_owned = |index: usize, template: &str, resource: &str| {
                index == 4 && resource.is_empty() && template.starts_with("${")
            };
            template_fields.iter().zip(resource_fields).enumerate().all(
                |(index, (template, resource))| {
                    aws_owned(index, template, resource) || overlaps_text(template, resource)
                },
            )
        }
        _ => overlaps_text(template, resource),
    }
}

/// Whether some text matches both patterns, compared as wholes.
#[must_use]
pub(super) fn overlaps_text(template: &str, resource: &str) -> bool {
    if !resource.contains(['*', '?', '$']) {
        // Most resources are literal: match the template against the text directly, without building automata.
        return template_matches(template, resource);
    }
    SCRATCH.with(|scratch| {
        let Ok(mut scratch) = scratch.try_borrow_mut() else {
            return intersect(
                &tokens(template, Side::Template),
                &tokens(resource, Side::Resource),
            );
        };
        let Scratch {
            left,
            right,
            seen,
            stack,
        } = &mut *scratch;
        left.clear();
        right.clear();
        tokens_into(template, Side::Template, left);
        tokens_into(resource, Side::Resource, right);
        intersect_with(left, right, seen, stack)
    })
}

/// Whether literal `text` matches `template`, each `${...}` standing for one or more characters.
fn template_matches(template: &str, text: &str) -> bool {
    SCRATCH.with(|scratch| {
        let Ok(mut scratch) = scratch.try_borrow_mut() else {
            return wildcard::matches_tokens(
                &tokens(template, Side::Template),
                text,
                Case::Sensitive,
            );
        };
        scratch.left.clear();
        tokens_into(template, Side::Template, &mut scratch.left);
        wildcard::matches_tokens(&scratch.left, text, Case::Sensitive)
    })
}

fn intersect(left: &[Token], right: &[Token]) -> bool {
    intersect_with(left, right, &mut Vec::new(), &mut Vec::new())
}

fn intersect_with(
    left: &[Token],
    right: &[Token],
    seen: &mut Vec<bool>,
    stack: &mut Vec<(usize, usize)>,
) -> bool {
    let width = right.len() + 1;
    seen.clear();
    seen.resize((left.len() + 1) * width, false);
    stack.clear();
    stack.push((0usize, 0usize));
    while let Some((i, j)) = stack.pop() {
        let slot = i * width + j;
        if seen[slot] {
            continue;
        }
        seen[slot] = true;
        if i == left.len() && j == right.len() {
            return true;
        }
        let l = left.get(i).copied();
        let r = right.get(j).copied();
        // A run may match nothing: step past it on its own.
        if l == Some(Token::Any) {
            stack.push((i + 1, j));
        }
        if r == Some(Token::Any) {
            stack.push((i, j + 1));
        }
        // Both sides read one character they can agree on; a run stays where it is to read more.
        if let (Some(l), Some(r)) = (l, r) {
            let agree = match (l, r) {
                (Token::Char(a), Token::Char(b)) => a == b,
                _ => true,
            };
            if agree {
                let next_i = if l == Token::Any { i } else { i + 1 };
                let next_j = if r == Token::Any { j } else { j + 1 };
                if (next_i, next_j) == (i, j) {
                    // Two runs facing each other can read anything together: either may end.
                    stack.push((i + 1, j));
                    stack.push((i, j + 1));
                } else {
                    stack.push((next_i, next_j));
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::overlaps;

    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const ROLE: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";

    #[test]
    fn s3_buckets_and_objects() {
        assert!(overlaps(OBJECT, "arn:aws:s3:::com.stuzio.projectx/*"));
        assert!(overlaps(
            OBJECT,
            "arn:aws:s3:::com.stuzio.projectx/report.csv"
        ));
        assert!(!overlaps(OBJECT, "arn:aws:s3:::com.stuzio.projectx"));
        assert!(overlaps(BUCKET, "arn:aws:s3:::com.stuzio.projectx"));
        assert!(overlaps(OBJECT, "arn:aws:s3:::*"));
        assert!(overlaps(OBJECT, "arn:aws:s3:::b/${aws:username}/*"));
        assert!(
            !overlaps(OBJECT, "arn:aws:s3:::b/"),
            "an object name has at least one character"
        );
    }

    #[test]
    fn other_services_and_fields() {
        assert!(overlaps(
            ROLE,
            "arn:aws:iam::081278057606:role/StuzioAcmeConsultantRole"
        ));
        assert!(!overlaps(ROLE, "arn:aws:iam::081278057606:user/Troy"));
        assert!(!overlaps(OBJECT, "arn:aws:iam::081278057606:role/x"));
        assert!(overlaps(ROLE, "arn:aws:iam::*:role/*"));
        assert!(overlaps(ROLE, "arn:aws:iam::?????????????:role/a?c"));
        assert!(overlaps(ROLE, "*"));
    }

    #[test]
    fn literal_fast_path_agrees_with_the_automata() {
        let templates = [
            OBJECT,
            BUCKET,
            ROLE,
            "arn:${P}:x:::a${B}z",
            "${A}${B}",
            "a${B}b${C}c",
            "a${B",
        ];
        let texts = [
            "arn:aws:s3:::b/k",
            "arn:aws:s3:::b",
            "arn:aws:x:::aQz",
            "arn:aws:x:::az",
            "abbc",
            "abbcc",
            "ab",
            "x",
            "a${B",
            "abc",
        ];
        for template in templates {
            for text in texts {
                let fast = super::template_matches(template, text);
                let slow = super::intersect(
                    &super::tokens(template, super::Side::Template),
                    &super::tokens(text, super::Side::Resource),
                );
                assert_eq!(fast, slow, "{template} ~ {text}");
            }
        }
    }

    #[test]
    fn an_unterminated_placeholder_is_literal_text() {
        // The literal fast path used to read `${B` to the end of the template as a placeholder, while the
        // automata (and the catalogue's condition-key templates) read it as text.
        assert!(!super::overlaps_text("a${B", "abc"));
        assert!(super::overlaps_text("a${B", "a${B"));
    }

    #[test]
    fn question_mark_is_one_character_not_one_byte() {
        // IAM's `?` matches any single character; the automata used to read UTF-8 bytes.
        assert!(super::overlaps_text("x/é", "x/?"));
        assert!(!super::overlaps_text("x/é", "x/??"));
    }

    #[test]
    fn arns_compare_exactly() {
        assert!(!overlaps(ROLE, "arn:aws:IAM::081278057606:role/x"));
        assert!(!super::overlaps_text("a${B}", "A*"));
    }

    #[test]
    fn runs_against_runs() {
        assert!(overlaps("arn:${P}:x:::a${B}z", "arn:aws:x:::*q*"));
        assert!(!overlaps("arn:${P}:x:::a${B}z", "arn:aws:x:::b*"));
    }
}
