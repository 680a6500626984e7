//! Properties of the evaluator, on seeded random inputs (`IAMGEN_PROPERTY_SEED`, `IAMGEN_PROPERTY_CASES` to
//! change them): the wildcard matcher agrees with a regex reference; decisions do not change when statements
//! are reordered, or when a statement's `Action` list is split into one statement per action.

use crate::support::rng::{Rng, env_number};

use iamgen_runtime::eval::variables::{matches, matches_ignore_case};
use iamgen_runtime::eval::{Caller, Context, Named, Policies, evaluate};
use iamgen_runtime::policy::{ActionElement, OneOrMany, PolicyDocument, Statement};

/// A pattern over a small alphabet, so that random texts often match.
fn pattern(rng: &mut Rng) -> String {
    let length = rng.below(8);
    (0..length)
        .map(|_| *rng.pick(&['a', 'b', 'A', ':', '/', '*', '?', '*', 'é']))
        .collect()
}

fn text(rng: &mut Rng) -> String {
    let length = rng.below(10);
    (0..length)
        .map(|_| *rng.pick(&['a', 'b', 'A', ':', '/', 'é']))
        .collect()
}

/// The reference: `*` as `.*`, `?` as `.`, everything else literal, anchored at both ends; ignoring the case
/// of ASCII letters (as IAM does for actions) by lowering them on both sides first.
fn reference(pattern: &str, text: &str, ignore_case: bool) -> bool {
    if ignore_case {
        return reference(
            &pattern.to_ascii_lowercase(),
            &text.to_ascii_lowercase(),
            false,
        );
    }
    let mut expression = String::from("(?s)^");
    for ch in pattern.chars() {
        match ch {
            '*' => expression.push_str(".*"),
            '?' => expression.push('.'),
            ch => expression.push_str(&regex::escape(&ch.to_string())),
        }
    }
    expression.push('$');
    regex::Regex::new(&expression)
        .expect("a valid expression")
        .is_match(text)
}

#[test]
fn the_wildcard_matcher_agrees_with_a_regex() {
    let mut rng = Rng::new(env_number("IAMGEN_PROPERTY_SEED", 0x1a3e_5eed));
    let context = Context::new();
    for _ in 0..env_number("IAMGEN_PROPERTY_CASES", 5_000) {
        let (pattern, text) = (pattern(&mut rng), text(&mut rng));
        assert_eq!(
            matches(&pattern, &text, &context),
            reference(&pattern, &text, false),
            "{pattern:?} against {text:?}"
        );
        assert_eq!(
            matches_ignore_case(&pattern, &text, &context),
            reference(&pattern, &text, true),
            "{pattern:?} against {text:?}, ignoring case"
        );
    }
}

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:Get*",
    "s3:*",
    "ec2:RunInstances",
    "iam:PassRole",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/home/${aws:username}/*",
    "*",
    "arn:aws:s3:::c/*",
];
const CONDITIONS: &[&str] = &[
    "",
    r#", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#,
    r#", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
    r#", "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "ops"}}"#,
];

/// A random identity policy of one to five statements.
fn policy(rng: &mut Rng) -> PolicyDocument {
    let statements: Vec<String> = (0..=rng.below(5))
        .map(|_| {
            let effect = if rng.below(4) == 0 { "Deny" } else { "Allow" };
            let actions: Vec<String> = (0..=rng.below(3))
                .map(|_| format!("\"{}\"", rng.pick(ACTIONS)))
                .collect();
            let element = if rng.below(6) == 0 {
                "NotAction"
            } else {
                "Action"
            };
            format!(
                r#"{{"Effect": "{effect}", "{element}": [{}], "Resource": "{}"{}}}"#,
                actions.join(", "),
                rng.pick(RESOURCES),
                rng.pick(CONDITIONS)
            )
        })
        .collect();
    PolicyDocument::from_json(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(", ")
    ))
    .expect("a valid policy")
}

fn decide(documents: &[PolicyDocument], action: &str, resource: &str, context: &Context) -> String {
    let policies = Policies {
        identity: documents
            .iter()
            .map(|document| Named {
                name: "p",
                document,
            })
            .collect(),
        ..Policies::default()
    };
    let caller = Caller::new("arn:aws:iam::111111111111:user/alice");
    evaluate(
        &caller,
        action,
        resource,
        "111111111111",
        &policies,
        context,
    )
    .decision
    .as_str()
    .to_owned()
}

fn statements(document: &PolicyDocument) -> Vec<Statement> {
    document.statements().cloned().collect()
}

fn with_statements(document: &PolicyDocument, statements: Vec<Statement>) -> PolicyDocument {
    PolicyDocument {
        statement: OneOrMany::Many(statements),
        ..document.clone()
    }
}

#[test]
fn reordering_statements_and_splitting_action_lists_keep_the_decision() {
    let mut rng = Rng::new(env_number("IAMGEN_PROPERTY_SEED", 0x0de0_5eed));
    let contexts = [
        Context::new(),
        Context::new()
            .with("aws:MultiFactorAuthPresent", "true")
            .with("aws:SourceIp", "203.0.113.5"),
        Context::new().with("aws:PrincipalTag/team", "ops"),
    ];
    let requests = [
        ("s3:GetObject", "arn:aws:s3:::b/x"),
        ("s3:GetObject", "arn:aws:s3:::b/home/alice/x"),
        ("s3:PutObject", "arn:aws:s3:::c/x"),
        ("s3:ListBucket", "arn:aws:s3:::b"),
        ("iam:PassRole", "arn:aws:iam::111111111111:role/r"),
    ];
    for _ in 0..env_number("IAMGEN_PROPERTY_CASES", 2_000) {
        let documents: Vec<PolicyDocument> = (0..=rng.below(3)).map(|_| policy(&mut rng)).collect();

        // Reordered: statements within each policy shuffled, and the policies themselves.
        let mut reordered: Vec<PolicyDocument> = documents
            .iter()
            .map(|document| {
                let mut shuffled = statements(document);
                for index in (1..shuffled.len()).rev() {
                    let other = rng.below(index + 1);
                    shuffled.swap(index, other);
                }
                with_statements(document, shuffled)
            })
            .collect();
        reordered.reverse();

        // Split: a statement with N actions becomes N statements of one action each (NotAction stays whole: its
        // meaning is "all but these", which does not split).
        let split: Vec<PolicyDocument> = documents
            .iter()
            .map(|document| {
                let mut out = Vec::new();
                for statement in statements(document) {
                    match &statement.action {
                        ActionElement::Action(actions) => {
                            for action in actions.as_slice() {
                                out.push(Statement {
                                    action: ActionElement::Action(OneOrMany::One(action.clone())),
                                    ..statement.clone()
                                });
                            }
                        }
                        ActionElement::NotAction(_) => out.push(statement.clone()),
                    }
                }
                with_statements(document, out)
            })
            .collect();

        let context = rng.pick(&contexts);
        let (action, resource) = *rng.pick(&requests);
        let mut context = context.clone();
        context.set_default("aws:username", "alice");
        let original = decide(&documents, action, resource, &context);
        let texts: Vec<String> = documents.iter().map(PolicyDocument::to_json).collect();
        assert_eq!(
            decide(&reordered, action, resource, &context),
            original,
            "reordering changed the decision for {action} on {resource}:\n{}",
            texts.join("\n")
        );
        assert_eq!(
            decide(&split, action, resource, &context),
            original,
            "splitting Action lists changed the decision for {action} on {resource}:\n{}",
            texts.join("\n")
        );
    }
}
