//! Whether two ARN patterns can name the same resource: an ARN template from the catalogue
//! (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`, each placeholder standing for one or more characters)
//! against a resource entry from a policy (`arn:aws:s3:::bucket/*`, with IAM's `*` and `?` wildcards and
//! policy variables, which stand for any text).
//!
//! Both sides are regular languages; the answer is whether their intersection is empty, found by a search of
//! the product of the two automata. Sizes are those of ARNs, so the product stays small.
//!
//! # What a placeholder holds
//!
//! A placeholder that a `/` follows holds no `/`: `${BucketName}` in `${BucketName}/${ObjectName}` is one path
//! segment, else the template could not say where the bucket ends. The same holds for a placeholder that ends
//! a template which another template of its namespace continues with a `/` (`${BucketName}` at the end of
//! `arn:${Partition}:s3:::${BucketName}`, continued by the object's template; `table/${TableName}` by
//! `table/${TableName}/index/${IndexName}`): an ARN with more path after the name is the longer template's
//! resource, not this one's. Without this, `s3:ListBucket` on `arn:aws:s3:::bucket/*` seemed to grant
//! something. Every other placeholder (ending its template, or followed by `:` as in
//! `log-group:${LogGroupName}:log-stream:...`) may hold `/`: the names that hold paths (`${ObjectName}`,
//! `${RoleNameWithPath}`, `${ParameterNameWithoutLeadingSlash}`, log group names) are all there, which a
//! catalogue test pins. The policy side is IAM's: `*`, `?` and policy variables cross `/`.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

use super::context::Fnv;
use crate::catalog::catalog;
use crate::policy::Arn;
use crate::wildcard::{self, Case};

/// One position of a pattern.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Token {
    /// A character that matches itself.
    Char(char),
    /// Exactly one character of any kind.
    One,
    /// Any run of characters, the empty one included.
    Any,
    /// Exactly one character other than `/`.
    OneInSegment,
    /// Any run of characters other than `/`, the empty one included.
    AnyInSegment,
}

impl Token {
    /// A run, which stays where it is when it reads a character.
    fn is_run(self) -> bool {
        matches!(self, Token::Any | Token::AnyInSegment)
    }

    /// Whether this token may read `ch`.
    fn reads(self, ch: char) -> bool {
        match self {
            Token::Char(own) => own == ch,
            Token::One | Token::Any => true,
            Token::OneInSegment | Token::AnyInSegment => ch != '/',
        }
    }

    /// The wildcard token that reads at least what this one does: for the literal prefilter.
    fn relaxed(self) -> wildcard::Token {
        match self {
            Token::Char(ch) => wildcard::Token::Char(ch),
            Token::One | Token::OneInSegment => wildcard::Token::One,
            Token::Any | Token::AnyInSegment => wildcard::Token::Any,
        }
    }
}

/// The catalogue's templates whose last placeholder another template of the same namespace continues with a
/// `/` (see the module's documentation). Built once per process.
static CONTINUED: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| continued(&catalog_templates()));

/// Every ARN template of the catalogue, sorted, each once.
fn catalog_templates() -> Vec<&'static str> {
    let mut templates: Vec<&'static str> = catalog()
        .services()
        .flat_map(|service| service.resource_types())
        .flat_map(|resource_type| resource_type.arn_templates())
        .collect();
    templates.sort_unstable();
    templates.dedup();
    templates
}

/// Of `templates` (sorted), those that end in a placeholder and that another one extends with `/`. A template
/// extending `t` sorts right after `t` and its other extensions, so one scan of the sorted list finds them.
fn continued(templates: &[&'static str]) -> HashSet<&'static str> {
    let mut found = HashSet::new();
    for (index, template) in templates.iter().enumerate() {
        if !template.ends_with('}') {
            continue;
        }
        let extended = templates[index + 1..]
            .iter()
            .take_while(|other| other.starts_with(template))
            .any(|other| other.as_bytes().get(template.len()) == Some(&b'/'));
        if extended {
            found.insert(*template);
        }
    }
    found
}

/// Whether the catalogue continues `template` with a `/` (its last placeholder then holds no `/`).
#[must_use]
pub(super) fn is_continued(template: &str) -> bool {
    CONTINUED.contains(template)
}

/// Which pattern a text is, which says what its `${...}` and its other characters stand for.
#[derive(Clone, Copy)]
enum Side {
    /// A template: `${...}` is one or more characters (no `/` where a `/` follows it, or at the end when the
    /// template is continued), any other character itself.
    Template {
        /// Whether the last placeholder holds no `/`.
        continued: bool,
    },
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
            let after = &rest[close + 1..];
            match side {
                Side::Template { continued } => {
                    if after.starts_with('/') || (after.is_empty() && continued) {
                        tokens.extend([Token::OneInSegment, Token::AnyInSegment]);
                    } else {
                        tokens.extend([Token::One, Token::Any]);
                    }
                }
                Side::Resource => tokens.push(Token::Any),
            }
            rest = after;
            continue;
        }
        tokens.push(match (side, ch) {
            (Side::Resource, '*') => Token::Any,
            (Side::Resource, '?') => Token::One,
            _ => Token::Char(ch),
        });
        rest = &rest[ch.len_utf8()..];
    }
}

/// Buffers reused across calls: the linter tests each wildcard resource against dozens of templates, and
/// allocating the automata and the visited set each time was most of its cost.
struct Scratch {
    right: Vec<Token>,
    seen: Vec<bool>,
    stack: Vec<(usize, usize)>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = const {
        RefCell::new(Scratch {
            right: Vec::new(),
            seen: Vec::new(),
            stack: Vec::new(),
        })
    };
}

/// A catalogue template split into its fields and each field made into tokens, once per thread: the
/// coverage check tests each ARN against dozens of templates, and splitting and tokenizing the same templates
/// again for every ARN was most of its cost.
struct Prepared {
    /// The six fields, the last one whole; `None` for a template without six.
    fields: Option<[Pattern; 6]>,
    /// The whole template, compared when it has no six fields.
    whole: Pattern,
}

/// One template, or a field of one, tokenized: the template side of a comparison.
struct Pattern {
    text: &'static str,
    tokens: Box<[Token]>,
    /// The tokens relaxed, for the literal prefilter.
    relaxed: Box<[wildcard::Token]>,
    /// Whether a token holds no `/` (so the prefilter alone cannot say yes).
    in_segment: bool,
}

impl Pattern {
    fn new(text: &'static str, continued: bool) -> Pattern {
        let tokens = tokens(text, Side::Template { continued });
        Pattern {
            text,
            relaxed: tokens.iter().map(|token| token.relaxed()).collect(),
            in_segment: tokens
                .iter()
                .any(|token| matches!(token, Token::OneInSegment | Token::AnyInSegment)),
            tokens: tokens.into_boxed_slice(),
        }
    }
}

impl Prepared {
    fn new(template: &'static str) -> Prepared {
        let continued = is_continued(template);
        let mut split = template.splitn(6, ':');
        let parts: [Option<&'static str>; 6] = std::array::from_fn(|_| split.next());
        let fields = if parts.iter().all(Option::is_some) {
            Some(std::array::from_fn(|index| {
                Pattern::new(parts[index].unwrap_or_default(), index == 5 && continued)
            }))
        } else {
            None
        };
        Prepared {
            fields,
            whole: Pattern::new(template, continued),
        }
    }

    /// Whether some ARN matches both this template and `arn`, as [`overlaps`] says.
    fn overlaps(&self, arn: &Arn) -> bool {
        let Some(fields) = &self.fields else {
            return overlaps_prepared(&self.whole, arn.as_str());
        };
        let resource_fields = [
            "arn",
            arn.partition(),
            arn.service(),
            arn.region(),
            arn.account(),
            arn.resource(),
        ];
        fields
            .iter()
            .zip(resource_fields)
            .enumerate()
            .all(|(index, (field, resource))| {
                // AWS-owned resources (public SSM parameters and documents, public AMIs) have no account in
                // their ARN although the catalogue's template names one.
                (index == 4 && resource.is_empty() && field.text.starts_with("${"))
                    || overlaps_prepared(field, resource)
            })
    }
}

thread_local! {
    /// [`Prepared`] templates this thread has met, by the address and length of their `'static` text (which
    /// no other text can ever have, and which hashes in two words rather than a template's fifty bytes); at
    /// most one per catalogue template.
    static PREPARED: RefCell<HashMap<(usize, usize), Prepared, BuildHasherDefault<Fnv>>> =
        RefCell::new(HashMap::default());
}

/// Whether some ARN matches both the catalogue `template` and the policy's `resource` entry.
///
/// The six fields are compared one by one, so that neither a placeholder nor a wildcard reaches across a `:`
/// into the next field; the resource part (the sixth, which may itself hold colons) is compared whole.
#[cfg(test)]
#[must_use]
pub(super) fn overlaps(template: &'static str, resource: &str) -> bool {
    match Arn::parse(resource) {
        Ok(arn) => overlaps_any([template], &arn),
        Err(_) => overlaps_pattern(template, is_continued(template), resource),
    }
}

/// Whether some ARN matches both `arn` and one of the catalogue's `templates`, as [`overlaps`] says of each.
#[must_use]
pub(super) fn overlaps_any(templates: impl IntoIterator<Item = &'static str>, arn: &Arn) -> bool {
    let mut templates = templates.into_iter();
    PREPARED.with(|known| {
        let Ok(mut known) = known.try_borrow_mut() else {
            return templates.any(|template| Prepared::new(template).overlaps(arn));
        };
        templates.any(|template| {
            known
                .entry((template.as_ptr() as usize, template.len()))
                .or_insert_with(|| Prepared::new(template))
                .overlaps(arn)
        })
    })
}

/// Whether some text matches both patterns, compared as wholes (the template's last placeholder may hold `/`).
#[cfg(test)]
#[must_use]
pub(super) fn overlaps_text(template: &'static str, resource: &str) -> bool {
    overlaps_pattern(template, false, resource)
}

/// A template tokenized once for [`overlaps_text`]'s comparison: the ARN check compares each ARN with a
/// literal region or account against every template of its namespace, a hundred for `ec2`.
pub(super) struct TextPattern(Pattern);

impl TextPattern {
    pub(super) fn new(template: &'static str) -> TextPattern {
        TextPattern(Pattern::new(template, false))
    }

    /// What [`overlaps_text`] says of the template and `resource`.
    pub(super) fn overlaps(&self, resource: &str) -> bool {
        overlaps_prepared(&self.0, resource)
    }
}

/// Whether some text matches both a prepared template and the policy pattern `resource`.
fn overlaps_prepared(template: &Pattern, resource: &str) -> bool {
    if resource == "*" {
        // `*` reads any text, and every template matches some text (each of its tokens reads a character).
        return true;
    }
    SCRATCH.with(|scratch| {
        let Ok(mut scratch) = scratch.try_borrow_mut() else {
            return intersect(&template.tokens, &tokens(resource, Side::Resource));
        };
        let Scratch { right, seen, stack } = &mut *scratch;
        if !resource.contains(['*', '?', '$']) {
            // Most resources are literal: match the template, its segment tokens relaxed, against the text
            // directly, without building the product; only templates that pass and hold segment tokens get the
            // exact check.
            if !wildcard::matches_tokens(&template.relaxed, resource, Case::Sensitive) {
                return false;
            }
            if !template.in_segment {
                return true;
            }
        }
        right.clear();
        tokens_into(resource, Side::Resource, right);
        intersect_with(&template.tokens, right, seen, stack)
    })
}

/// Whether some text matches both patterns, the template's last placeholder one segment if `continued`.
#[cfg(test)]
fn overlaps_pattern(template: &'static str, continued: bool, resource: &str) -> bool {
    overlaps_prepared(&Pattern::new(template, continued), resource)
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
        if l.is_some_and(Token::is_run) {
            stack.push((i + 1, j));
        }
        if r.is_some_and(Token::is_run) {
            stack.push((i, j + 1));
        }
        // Both sides read one character they can agree on; a run stays where it is to read more.
        if let (Some(l), Some(r)) = (l, r) {
            if agree(l, r) {
                let next_i = if l.is_run() { i } else { i + 1 };
                let next_j = if r.is_run() { j } else { j + 1 };
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

/// Whether some one character can be read by both tokens.
fn agree(left: Token, right: Token) -> bool {
    match (left, right) {
        (Token::Char(ch), other) | (other, Token::Char(ch)) => other.reads(ch),
        // Every other token reads some character other than `/`.
        _ => true,
    }
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
            "${A}/${B}",
            "x/${A}/y",
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
            "a/b/c",
            "x/a/y",
            "x/a/b/y",
            "/b",
        ];
        for template in templates {
            for continued in [false, true] {
                for text in texts {
                    let fast = super::overlaps_pattern(template, continued, text);
                    let slow = super::intersect(
                        &super::tokens(template, super::Side::Template { continued }),
                        &super::tokens(text, super::Side::Resource),
                    );
                    assert_eq!(fast, slow, "{template} ~ {text} (continued: {continued})");
                }
            }
        }
    }

    #[test]
    fn a_placeholder_before_a_slash_is_one_segment() {
        // The brief's rule: a placeholder a `/` follows holds no `/`.
        assert!(
            super::overlaps_text("${A}/${B}", "a/b/c"),
            "the last one holds the rest"
        );
        assert!(!super::overlaps_text("x/${A}/y", "x/a/b/y"));
        assert!(super::overlaps_text("x/${A}/y", "x/a/y"));
        assert!(super::overlaps_text("x/${A}/y", "x/*/y"));
        assert!(super::overlaps_text("x/${A}/y", "x/a*"));
        assert!(!super::overlaps_text("x/${A}/y", "x/a/b/?"));
        // A continued template's last placeholder is one segment too.
        assert!(!super::overlaps_pattern("b/${A}", true, "b/a/c"));
        assert!(
            super::overlaps_pattern("b/${A}", true, "b/*"),
            "`*` may stop before a `/`"
        );
        assert!(super::overlaps_pattern("b/${A}", false, "b/a/c"));
    }

    #[test]
    fn a_bucket_is_not_an_object() {
        assert!(super::is_continued(BUCKET));
        assert!(!super::is_continued(OBJECT));
        assert!(!overlaps(BUCKET, "arn:aws:s3:::bucket/*"));
        assert!(!overlaps(BUCKET, "arn:aws:s3:::bucket/key.txt"));
        assert!(overlaps(BUCKET, "arn:aws:s3:::bucket*"));
        assert!(overlaps(BUCKET, "arn:aws:s3:::*"));
        assert!(overlaps(OBJECT, "arn:aws:s3:::bucket/a/b/c"));
        assert!(overlaps(
            ROLE,
            "arn:aws:iam::081278057606:role/path/to/name"
        ));
        let table = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}";
        assert!(!overlaps(
            table,
            "arn:aws:dynamodb:eu-west-3:081278057606:table/t/index/i"
        ));
        assert!(overlaps(
            table,
            "arn:aws:dynamodb:eu-west-3:081278057606:table/t"
        ));
    }

    #[test]
    fn continued_templates_are_found_by_one_scan() {
        let templates = [
            "a/${X}",
            "a/${X}-y",
            "a/${X}/b/${Y}",
            "c/${Z}",
            "c/${Z}x/d",
            "e/f",
        ];
        let mut sorted = templates.to_vec();
        sorted.sort_unstable();
        let found = super::continued(&sorted);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found.contains("a/${X}"));
    }

    /// The premise of the rule, on the whole catalogue: no placeholder that is made one segment (followed by a
    /// `/`, or ending a continued template) has a name that says it holds a path; and every placeholder whose
    /// name says so ends a template that nothing continues.
    #[test]
    fn no_path_placeholder_is_made_one_segment() {
        let says_path = |name: &str| {
            name.contains("Path")
                || name.contains("ObjectName")
                || name.contains("ObjectKey")
                || name.contains("LeadingSlash")
        };
        let templates = super::catalog_templates();
        let mut segments = 0;
        let mut wrong = Vec::new();
        for template in &templates {
            let mut rest = *template;
            while let Some(open) = rest.find("${") {
                let Some(close) = rest[open..].find('}') else {
                    break;
                };
                let name = &rest[open + 2..open + close];
                let after = &rest[open + close + 1..];
                let one_segment =
                    after.starts_with('/') || (after.is_empty() && super::is_continued(template));
                if one_segment {
                    segments += 1;
                    if says_path(name) {
                        wrong.push(format!("{name} in {template}"));
                    }
                } else if says_path(name) && !after.is_empty() && !after.starts_with(':') {
                    wrong.push(format!("{name} is followed by {after:?} in {template}"));
                }
                rest = after;
            }
        }
        assert!(
            segments > 500,
            "the rule applies to {segments} placeholders"
        );
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    /// The comparison as it was before templates were prepared once: split and tokenized on each call.
    fn overlaps_unprepared(template: &'static str, resource: &str) -> bool {
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
                let continued = super::is_continued(template);
                template_fields.iter().zip(resource_fields).enumerate().all(
                    |(index, (field, resource))| {
                        (index == 4 && resource.is_empty() && field.starts_with("${"))
                            || super::overlaps_pattern(field, index == 5 && continued, resource)
                    },
                )
            }
            _ => super::overlaps_pattern(template, super::is_continued(template), resource),
        }
    }

    #[test]
    fn prepared_templates_answer_as_before() {
        let mut templates: Vec<&'static str> = crate::catalog::catalog()
            .services()
            .filter(|service| {
                ["s3", "iam", "ec2", "ssm", "dynamodb", "logs", "lambda"]
                    .contains(&service.prefix())
            })
            .flat_map(|service| service.resource_types())
            .flat_map(|resource_type| resource_type.arn_templates())
            .collect();
        templates.extend(["a${B}", "arn:${P}:x", "${A}${B}"]);
        let resources = [
            "*",
            "arn:aws:s3:::bucket",
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a/b",
            "arn:aws:s3:::*",
            "arn:aws:iam::123456789012:role/x",
            "arn:aws:iam::*:role/path/*",
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:us-east-1::image/ami-1",
            "arn:aws:ssm:*::parameter/aws/*",
            "arn:aws:dynamodb:eu-west-3:123456789012:table/t/index/i",
            "arn:aws:logs:*:*:log-group:/aws/lambda/*:log-stream:*",
            "arn:aws:lambda:*:*:function:${aws:username}-?",
            "arn:aws:x:::a",
            "abc",
        ];
        for resource in resources {
            let Ok(arn) = crate::policy::Arn::parse(resource) else {
                continue;
            };
            for &template in &templates {
                assert_eq!(
                    super::overlaps_any([template], &arn),
                    overlaps_unprepared(template, resource),
                    "{template} ~ {resource}"
                );
            }
        }
        for &template in &templates {
            assert_eq!(
                overlaps(template, "abc"),
                overlaps_unprepared(template, "abc")
            );
        }
    }

    #[test]
    fn text_patterns_answer_as_overlaps_text() {
        let templates = [
            "${BucketName}/${ObjectName}",
            "a${B}z",
            "x/${A}/y",
            "a${B",
            "role/${RoleNameWithPath}",
            "",
        ];
        let texts = [
            "b/k", "*", "a*", "aQz", "az", "x/a/b/y", "x/*/y", "a${B", "role/p/q", "", "?",
        ];
        for template in templates {
            let prepared = super::TextPattern::new(template);
            for text in texts {
                assert_eq!(
                    prepared.overlaps(text),
                    super::overlaps_text(template, text),
                    "{template} ~ {text}"
                );
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
