//! Dates out of ISO 8601's range: the evaluator reads them as no date at all (their condition never holds),
//! never as a wrapped-around instant, and says so in the decision's reasons.

use iamgen_runtime::PolicyDocument;
use iamgen_runtime::eval::{Caller, Context, Decision, Evaluation, Named, Policies, evaluate};

const OBJECT: &str = "arn:aws:s3:::bucket/key";

fn decide(statements: &str, now: &str) -> Evaluation {
    let document = PolicyDocument::from_json(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#
    ))
    .expect("a policy");
    let policies = Policies {
        identity: vec![Named {
            name: "Dates",
            document: &document,
        }],
        ..Policies::default()
    };
    let context = Context::new().with("aws:CurrentTime", now);
    evaluate(
        &Caller::new("arn:aws:iam::111111111111:user/alice"),
        "s3:GetObject",
        OBJECT,
        "111111111111",
        &policies,
        &context,
    )
}

const ALLOW_BEFORE_FAR_FUTURE: &str = r#"{"Sid": "Until", "Effect": "Allow", "Action": "s3:GetObject",
    "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "99999999999999999-01-01"}}}"#;

#[test]
fn a_year_past_9999_is_not_a_date_and_the_reasons_say_so() {
    // Before: the year's days overflowed an i64 (a panic in debug builds, a wrapped instant in release).
    let evaluation = decide(ALLOW_BEFORE_FAR_FUTURE, "2026-12-03T18:00:00Z");
    assert_eq!(evaluation.decision, Decision::ImplicitDeny);
    let note = evaluation
        .reasons
        .iter()
        .find(|reason| reason.contains("is not a date"))
        .unwrap_or_else(|| panic!("no reason names the date: {:?}", evaluation.reasons));
    assert!(note.contains("`99999999999999999-01-01`"), "{note}");
    assert!(note.contains("DateLessThan"), "{note}");
    assert!(note.contains("Dates statement Until"), "{note}");
}

#[test]
fn a_deny_on_an_unreadable_date_does_not_apply() {
    let deny = r#"{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": "99999999999999999-01-01"}}}"#;
    let allow = r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#;
    let evaluation = decide(&format!("{deny}, {allow}"), "2026-12-03T18:00:00Z");
    assert_eq!(evaluation.decision, Decision::Allowed);
    assert!(
        evaluation
            .reasons
            .iter()
            .any(|r| r.contains("is not a date")),
        "{:?}",
        evaluation.reasons
    );
}

#[test]
fn huge_epoch_seconds_in_the_request_are_not_a_date_either() {
    let allow = r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}}"#;
    for now in [
        "99999999999999999999999999999999999999999",
        "253402300800",
        "10000-01-01",
    ] {
        let evaluation = decide(allow, now);
        assert_eq!(evaluation.decision, Decision::ImplicitDeny, "{now}");
        assert!(
            evaluation
                .reasons
                .iter()
                .any(|r| r.contains(&format!("`{now}` is not a date"))),
            "{now}: {:?}",
            evaluation.reasons
        );
    }
    // The last instant of year 9999 is still a date.
    assert_eq!(decide(allow, "253402300799").decision, Decision::Allowed);
    assert_eq!(
        decide(allow, "9999-12-31T23:59:59Z").decision,
        Decision::Allowed
    );
}
