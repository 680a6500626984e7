//! The policy model: what it keeps, what it refuses, and how it says so.

use iamgen_runtime::policy::{
    ActionElement, Condition, ConditionValue, Effect, OneOrMany, OperatorBase, Principal,
    PrincipalElement, ResourceElement, SetQualifier, Version,
};
use iamgen_runtime::{Diagnostic, PolicyDocument};

fn parse(source: &str) -> PolicyDocument {
    PolicyDocument::from_json(source)
        .unwrap_or_else(|error| panic!("{}", error.render(source, "test", false)))
}

fn errors(source: &str) -> Vec<(Diagnostic, String)> {
    let error = PolicyDocument::from_json(source).expect_err("should be rejected");
    error
        .diagnostics()
        .iter()
        .cloned()
        .zip(error.positions().iter().map(ToString::to_string))
        .collect()
}

/// Each error's code and `line:column`, in the order they are reported.
fn codes_at(all: &[(Diagnostic, String)]) -> Vec<(&'static str, &str)> {
    all.iter()
        .map(|(error, at)| (error.code, at.as_str()))
        .collect()
}

fn only_error(source: &str) -> (Diagnostic, String) {
    let mut all = errors(source);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

#[test]
fn star_principal_is_kept() {
    // One Rust crate drops `"Principal": "*"` on parse, turning a public policy into one that looks private.
    let source = r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}}"#;
    let document = parse(source);
    let statement = document.statements().next().unwrap();
    assert_eq!(
        statement.principal,
        Some(PrincipalElement::Principal(Principal::Any))
    );
    assert!(document.to_json_compact().contains(r#""Principal":"*""#));
    assert_eq!(document.version, None);
}

#[test]
fn shapes_are_kept() {
    let source = r#"{
  "Version": "2012-10-17",
  "Id": "shapes",
  "Statement": [
    {
      "Sid": "One",
      "Effect": "Deny",
      "NotPrincipal": {
        "AWS": [
          "arn:aws:iam::081278057606:root"
        ],
        "Service": "ec2.amazonaws.com"
      },
      "NotAction": [
        "s3:GetObject"
      ],
      "NotResource": "arn:aws:s3:::b/*",
      "Condition": {
        "StringLike": {
          "s3:prefix": [],
          "aws:username": "${aws:username}"
        },
        "NumericLessThanEquals": {
          "s3:max-keys": 10.50
        },
        "ForAnyValue:StringEqualsIfExists": {
          "aws:TagKeys": [
            "a",
            "b"
          ]
        },
        "Bool": {
          "aws:SecureTransport": false
        }
      }
    }
  ]
}
"#;
    let document = parse(source);
    assert_eq!(
        document.to_json(),
        source,
        "printing gives back the same text"
    );
    let statement = &document.statement.as_slice()[0];
    assert!(
        matches!(&statement.action, ActionElement::NotAction(OneOrMany::Many(actions)) if actions.len() == 1)
    );
    assert!(matches!(
        &statement.resource,
        Some(ResourceElement::NotResource(OneOrMany::One(_)))
    ));
    let Condition(blocks) = statement.condition.as_ref().unwrap();
    let operators: Vec<String> = blocks
        .iter()
        .map(|block| block.operator.to_string())
        .collect();
    assert_eq!(
        operators,
        [
            "StringLike",
            "NumericLessThanEquals",
            "ForAnyValue:StringEqualsIfExists",
            "Bool"
        ]
    );
    assert_eq!(
        blocks[2].operator.qualifier,
        Some(SetQualifier::ForAnyValue)
    );
    assert_eq!(blocks[1].operator.base, OperatorBase::NumericLessThanEquals);
    assert_eq!(
        blocks[1].entries[0].values,
        OneOrMany::One(ConditionValue::Number("10.50".into())),
        "numbers keep their digits"
    );
    assert_eq!(
        blocks[3].entries[0].values,
        OneOrMany::One(ConditionValue::Bool(false))
    );
    assert!(blocks[0].entries[0].values.is_empty());
}

#[test]
fn escapes_and_latin1_survive() {
    let source = "{\"Statement\":{\"Sid\":\"caf\u{e9}\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/\\\"q\\\\\\u0001\"}}";
    let document = parse(source);
    let reprinted = document.to_json_compact();
    assert_eq!(
        reprinted,
        "{\"Statement\":{\"Sid\":\"caf\u{e9}\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/\\\"q\\\\\\u0001\"}}"
    );
    assert_eq!(parse(&reprinted), document);
}

#[test]
fn unknown_elements_are_refused_with_did_you_mean() {
    let (error, at) = only_error(
        r#"{"Version": "2012-10-17", "Statement": {"effect": "Allow", "Effect": "Allow", "Action": "*"}}"#,
    );
    assert_eq!(error.code, "INVALID_POLICY_ELEMENT");
    assert_eq!(error.pointer.as_deref(), Some("/Statement/effect"));
    assert_eq!(error.suggestion.as_deref(), Some("Effect"));
    assert_eq!(at, "1:41");
    let (error, _) = only_error(r#"{"Statment": []}"#);
    assert_eq!(error.suggestion.as_deref(), Some("Statement"));
    let (error, _) = only_error(r#"{"Statement": [], "Banana": 1}"#);
    assert_eq!(error.suggestion, None);
    assert!(error.help.unwrap().contains("`Version`, `Id`, `Statement`"));
}

#[test]
fn invalid_values_name_the_fix() {
    let (error, at) = only_error(r#"{"Version": "2012-10-18", "Statement": []}"#);
    assert_eq!((error.code, at.as_str()), ("INVALID_VERSION", "1:13"));
    assert_eq!(error.suggestion.as_deref(), Some("2012-10-17"));

    let (error, _) = only_error(r#"{"Statement": [{"Effect": "allow", "Action": "*"}]}"#);
    assert_eq!(
        (error.code, error.pointer.as_deref()),
        ("INVALID_EFFECT", Some("/Statement/0/Effect"))
    );
    assert_eq!(error.suggestion.as_deref(), Some("Allow"));

    let (error, _) = only_error(
        r#"{"Statement": {"Effect": "Allow", "Principal": {"aws": "*"}, "Action": "*"}}"#,
    );
    assert_eq!(
        (error.code, error.suggestion.as_deref()),
        ("INVALID_PRINCIPAL_KEY", Some("AWS"))
    );
    assert_eq!(error.pointer.as_deref(), Some("/Statement/Principal/aws"));

    let (error, _) = only_error(
        r#"{"Statement": {"Effect": "Allow", "Principal": "arn:aws:iam::081278057606:root", "Action": "*"}}"#,
    );
    assert_eq!(error.code, "INVALID_PRINCIPAL_FORMAT");
    assert!(
        error
            .help
            .unwrap()
            .contains(r#"{"AWS": "arn:aws:iam::081278057606:root"}"#)
    );

    let (error, _) = only_error(
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"StringEqual": {"aws:username": "x"}}}}"#,
    );
    assert_eq!(
        (error.code, error.suggestion.as_deref()),
        ("INVALID_CONDITION_OPERATOR", Some("StringEquals"))
    );
    assert_eq!(
        error.pointer.as_deref(),
        Some("/Statement/Condition/StringEqual")
    );
}

#[test]
fn missing_and_conflicting_elements() {
    let (error, at) = only_error(r#"{"Version": "2012-10-17"}"#);
    assert_eq!((error.code, at.as_str()), ("MISSING_STATEMENT", "1:1"));

    let all = errors(r#"{"Statement": [{"Resource": "*"}]}"#);
    let codes: Vec<&str> = all.iter().map(|(error, _)| error.code).collect();
    assert_eq!(codes, ["MISSING_EFFECT", "MISSING_ACTION"]);
    assert_eq!(all[0].0.pointer.as_deref(), Some("/Statement/0"));

    let (error, at) =
        only_error(r#"{"Statement": {"Effect": "Deny", "Action": "*", "NotAction": "s3:*"}}"#);
    assert_eq!(
        (error.code, at.as_str()),
        ("UNSUPPORTED_ELEMENT_COMBINATION", "1:49")
    );
}

#[test]
fn wrong_types_are_type_mismatches_at_the_value() {
    let cases = [
        (r#"{"Statement": "s3:*"}"#, "/Statement"),
        (r#"{"Statement": [1]}"#, "/Statement/0"),
        (
            r#"{"Statement": {"Effect": true, "Action": "*"}}"#,
            "/Statement/Effect",
        ),
        (
            r#"{"Statement": {"Effect": "Allow", "Action": ["s3:*", 3]}}"#,
            "/Statement/Action/1",
        ),
        (
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": {"a": 1}}}"#,
            "/Statement/Resource",
        ),
        (
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Null": {"k": null}}}}"#,
            "/Statement/Condition/Null/k",
        ),
        (
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Null": {"k": [[true]]}}}}"#,
            "/Statement/Condition/Null/k/0",
        ),
        (
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Null": "k"}}}"#,
            "/Statement/Condition/Null",
        ),
        (
            r#"{"Statement": {"Sid": 7, "Effect": "Allow", "Action": "*"}}"#,
            "/Statement/Sid",
        ),
        (r#"["Statement"]"#, ""),
    ];
    for (source, pointer) in cases {
        let (error, _) = only_error(source);
        assert_eq!(error.code, "DATA_TYPE_MISMATCH", "{source}");
        assert_eq!(error.pointer.as_deref(), Some(pointer), "{source}");
    }
}

#[test]
fn every_problem_is_reported_in_one_pass() {
    let source = r#"{
  "Version": "2012-10-18",
  "Statement": [
    {"Effect": "Alow", "Action": "*"},
    {"Effect": "Allow", "Action": "*", "Principal": {"Aws": "*"}},
    {"Effect": "Allow", "Action": "*", "Condition": {"DateGreaterThen": {"aws:CurrentTime": "2020-01-01"}}}
  ]
}"#;
    assert_eq!(
        codes_at(&errors(source)),
        [
            ("INVALID_VERSION", "2:14"),
            ("INVALID_EFFECT", "4:16"),
            ("INVALID_PRINCIPAL_KEY", "5:54"),
            ("INVALID_CONDITION_OPERATOR", "6:54"),
        ]
    );
}

#[test]
fn every_typographic_quote_is_reported_with_what_to_do() {
    // Pasted from a web page, with one apostrophe that is the author's own text: the reader stops at the first
    // quote, yet each one is a finding of its own, at its own place.
    let source = "{\n  “Version”: “2012-10-17”,\n  \"Statement\": {\"Sid\": \"Bob’s\"}\n}";
    let all = errors(source);
    assert_eq!(
        codes_at(&all),
        [
            ("INVALID_CHARACTER", "2:3"),
            ("INVALID_CHARACTER", "2:11"),
            ("INVALID_CHARACTER", "2:14"),
            ("INVALID_CHARACTER", "2:25"),
            ("INVALID_CHARACTER", "3:28"),
        ]
    );
    // The delimiters are to be straightened; the apostrophe is the author's to decide.
    for (i, advice) in [
        (0, "replace it with a straight double quote"),
        (4, "this quote is part of the string's text"),
    ] {
        let help = all[i].0.help.clone().unwrap_or_default();
        assert!(help.starts_with(advice), "{help}");
    }
    // The one-line message names the first quote and counts the others.
    let error = PolicyDocument::from_json(source).unwrap_err().to_string();
    let (first, rest) = ("2:3: typographic quote `“` (U+201C", "(and 4 more)");
    assert!(error.starts_with(first) && error.ends_with(rest), "{error}");
}

#[test]
fn version_2008_and_effects() {
    let document =
        parse(r#"{"Version": "2008-10-17", "Statement": [{"Effect": "Deny", "Action": "*"}]}"#);
    assert_eq!(document.version, Some(Version::V2008_10_17));
    assert_eq!(document.statements().next().unwrap().effect, Effect::Deny);
}

#[test]
fn parse_errors_display_their_position() {
    let error = PolicyDocument::from_json(
        "{\n  \"Statement\": {\"Effect\": \"allow\", \"Action\": \"*\"}\n}",
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "2:27: `allow` is not an effect (did you mean `Allow`? the effect is `Allow` or `Deny`, case-sensitive)"
    );
}
