//! Every real-world policy of the fixture corpus (`tests/fixtures/corpus`, copied from AWS documentation and
//! sample repositories) either reads and prints back as the same JSON value with the same shape, or is one of
//! the known-bad texts and fails with a located, specific error.

use iamgen::PolicyDocument;
use iamgen::json::{self, Node, Value};

use crate::support::files::corpus_files;

/// The texts that are not acceptable policies (listed in the corpus README), with the error each must give:
/// code, line:column, and a word of the message.
const EXPECTED_FAILURES: &[(&str, &str, &str, &str)] = &[
    // The closing brace of the policy object is missing.
    (
        "access_policies_access-advisor__00.json",
        "JSON_SYNTAX_ERROR",
        "11:6",
        "unexpected end of input",
    ),
    // A `Condition` member written straight into the `Statement` array.
    (
        "reference_policies_iam-condition-keys__06.json",
        "JSON_SYNTAX_ERROR",
        "4:20",
        "found `:`",
    ),
    // One `}` too many closes the statement array's element early.
    (
        "reference_policies_variables__09.json",
        "JSON_SYNTAX_ERROR",
        "12:5",
        "found `}`",
    ),
    // Two policies one after the other in one file.
    (
        "troubleshoot_policies__07.json",
        "JSON_SYNTAX_ERROR",
        "10:5",
        "after the end of the policy",
    ),
    // Valid JSON, but two `Statement` keys: IAM rejects it, serde_json would keep the last.
    (
        "troubleshoot_policies__09.json",
        "DUPLICATE_KEY",
        "8:7",
        "duplicate key `Statement`",
    ),
    // Two `Effect` keys in one statement.
    (
        "troubleshoot_policies__11.json",
        "DUPLICATE_KEY",
        "5:9",
        "duplicate key `Effect`",
    ),
    // A `//` comment.
    (
        "Service-specific-controls_AWS-IAM_deny-service-specific-credential-by-type.json",
        "JSON_SYNTAX_ERROR",
        "15:13",
        "comments are not allowed",
    ),
];

#[test]
fn every_corpus_policy_round_trips_or_fails_where_expected() {
    let files = corpus_files("");
    assert!(
        files.len() >= 350,
        "the corpus went missing: {} files",
        files.len()
    );
    let mut failures_seen = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let source = std::fs::read_to_string(file).unwrap();
        match PolicyDocument::from_json(&source) {
            Ok(document) => {
                assert!(
                    !EXPECTED_FAILURES
                        .iter()
                        .any(|(expected, ..)| *expected == name),
                    "{name} should have been rejected"
                );
                assert_round_trip(name, &source, &document);
            }
            Err(error) => {
                let Some((_, code, at, words)) = EXPECTED_FAILURES
                    .iter()
                    .find(|(expected, ..)| *expected == name)
                else {
                    panic!(
                        "{name} failed unexpectedly:\n{}",
                        error.render(&source, name, false)
                    );
                };
                let first = &error.diagnostics()[0];
                assert_eq!(first.code, *code, "{name}");
                assert_eq!(
                    error.positions()[0].to_string(),
                    *at,
                    "{name}: {}",
                    first.message
                );
                assert!(first.message.contains(words), "{name}: {}", first.message);
                failures_seen.push(name);
            }
        }
    }
    assert_eq!(
        failures_seen.len(),
        EXPECTED_FAILURES.len(),
        "saw {failures_seen:?}"
    );
}

fn assert_round_trip(name: &str, source: &str, document: &PolicyDocument) {
    let printed = document.to_json();
    let original: serde_json::Value = serde_json::from_str(source).unwrap();
    let reprinted: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(original, reprinted, "{name}: values differ");

    // serde_json's maps forget key order; our own trees keep it, for the shape check.
    let original_tree = json::parse(source).unwrap();
    let printed_tree = json::parse(&printed).unwrap();
    assert_same_shape(name, "", &original_tree, &printed_tree, false);

    // Canonical means stable: printing what was printed changes nothing, in either layout.
    let again = PolicyDocument::from_json(&printed).unwrap();
    assert_eq!(again.to_json(), printed, "{name}: not idempotent");
    let compact = document.to_json_compact();
    assert!(!compact.contains('\n'), "{name}");
    assert_eq!(
        PolicyDocument::from_json(&compact).unwrap().to_json(),
        printed,
        "{name}: compact differs"
    );

    // The serde path agrees with the printer on every value.
    let via_serde = serde_json::to_value(document).unwrap();
    assert_eq!(via_serde, original, "{name}: Serialize differs");
}

/// Same kinds at every node (a lone string is not a one-element array), same members, and inside `Condition`
/// the same key order.
fn assert_same_shape(name: &str, pointer: &str, left: &Node<'_>, right: &Node<'_>, ordered: bool) {
    match (&left.value, &right.value) {
        (Value::Object(left_members), Value::Object(right_members)) => {
            let keys = |members: &[json::Member<'_>]| {
                members
                    .iter()
                    .map(|m| m.key.to_string())
                    .collect::<Vec<_>>()
            };
            let (mut left_keys, mut right_keys) = (keys(left_members), keys(right_members));
            if !ordered {
                left_keys.sort();
                right_keys.sort();
            }
            assert_eq!(left_keys, right_keys, "{name}: members of {pointer}");
            for member in left_members {
                let other = right.get(&member.key).unwrap();
                let child = format!("{pointer}/{}", member.key);
                let inside_condition = ordered || member.key == "Condition";
                assert_same_shape(name, &child, &member.value, &other.value, inside_condition);
            }
        }
        (Value::Array(left_items), Value::Array(right_items)) => {
            assert_eq!(left_items.len(), right_items.len(), "{name}: {pointer}");
            for (index, (l, r)) in left_items.iter().zip(right_items).enumerate() {
                assert_same_shape(name, &format!("{pointer}/{index}"), l, r, ordered);
            }
        }
        (Value::Number(l), Value::Number(r)) => assert_eq!(l, r, "{name}: digits of {pointer}"),
        (l, r) => assert_eq!(l, r, "{name}: {pointer}"),
    }
}

#[test]
fn the_corpus_covers_what_the_model_must_keep() {
    // Guards the round-trip test's reach: if fixtures were trimmed, these shapes would go untested.
    let mut lone_statement = 0;
    let mut lone_strings = 0;
    let mut one_element_arrays = 0;
    let mut star_principal = 0;
    let mut without_version = 0;
    for file in corpus_files("") {
        let source = std::fs::read_to_string(&file).unwrap();
        let Ok(document) = PolicyDocument::from_json(&source) else {
            continue;
        };
        let printed = document.to_json();
        lone_statement += usize::from(printed.contains("\"Statement\": {"));
        lone_strings += usize::from(printed.contains("\"Action\": \""));
        one_element_arrays += usize::from(document.statements().any(
            |s| matches!(s.action.actions(), iamgen::policy::OneOrMany::Many(v) if v.len() == 1),
        ));
        star_principal += usize::from(printed.contains("\"Principal\": \"*\""));
        without_version += usize::from(document.version.is_none());
    }
    assert!(lone_statement >= 60, "{lone_statement}");
    assert!(lone_strings >= 100, "{lone_strings}");
    assert!(one_element_arrays >= 5, "{one_element_arrays}");
    assert!(star_principal >= 20, "{star_principal}");
    assert_eq!(without_version, 1);
}
