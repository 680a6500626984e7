//! The reference scenario's three policies (`../shared/scenario.md`): they read, they are already canonical,
//! and the typographic-quote version in which they were published fails where and how a user needs to know.

use std::path::Path;

use iamgen::PolicyDocument;
use iamgen::policy::{ActionElement, Effect, OneOrMany, PrincipalElement, PrincipalKind};

const NAMES: [&str; 3] = [
    "StuzioProjectXPolicy",
    "StuzioAcmeConsultantRole-trust",
    "AcmeClientAssumeRolePolicy",
];

fn read(dir: &str, name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(dir)
            .join(format!("{name}.json")),
    )
    .unwrap()
}

#[test]
fn the_scenario_policies_read_and_are_canonical() {
    for name in NAMES {
        let source = read("examples/scenario", name);
        let document = PolicyDocument::from_json(&source).unwrap();
        assert_eq!(document.to_json(), source, "{name}");
    }
}

#[test]
fn the_trust_policy_names_the_acme_account() {
    let document =
        PolicyDocument::from_json(&read("examples/scenario", "StuzioAcmeConsultantRole-trust"))
            .unwrap();
    let statement = document.statements().next().unwrap();
    assert_eq!(statement.effect, Effect::Allow);
    let Some(PrincipalElement::Principal(principal)) = &statement.principal else {
        panic!("a Principal")
    };
    assert_eq!(
        principal.values(PrincipalKind::Aws),
        Some(&OneOrMany::One("arn:aws:iam::183438944504:root".to_owned()))
    );
    assert!(
        matches!(&statement.action, ActionElement::Action(OneOrMany::One(a)) if a.as_str() == "sts:AssumeRole")
    );
    assert!(statement.resource.is_none());
}

#[test]
fn curly_quotes_as_published_fail_at_the_first_one() {
    for name in NAMES {
        let source = read("tests/fixtures/curly", name);
        let error = PolicyDocument::from_json(&source).unwrap_err();
        let first = &error.diagnostics()[0];
        assert_eq!(error.positions()[0].to_string(), "2:3", "{name}");
        assert!(
            first.message.contains("U+201C"),
            "{name}: {}",
            first.message
        );
        assert!(
            first
                .help
                .as_deref()
                .unwrap()
                .contains("straight double quote `\"`"),
            "{name}"
        );
        let rendered = error.render(&source, &format!("{name}.json"), false);
        assert!(rendered.contains(&format!("{name}.json:2:3")), "{rendered}");
        assert!(rendered.contains("2 |   “Version”"), "{rendered}");
    }
}

#[test]
fn a_right_curly_quote_alone_is_named_too() {
    // Editors sometimes turn only the closing quote: `"Version”`.
    let error = PolicyDocument::from_json("{\"Version\u{201D}: 1}").unwrap_err();
    assert!(error.diagnostics()[0].message.contains("U+201D"));
    assert_eq!(error.positions()[0].to_string(), "1:10");
}

#[test]
fn the_built_in_stack_holds_exactly_the_scenario_policies() {
    use iamgen::stack::Stack;
    let stack = Stack::reference_scenario();
    let value = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    let role = stack.role_by_name("StuzioAcmeConsultantRole").unwrap();
    assert_eq!(
        value(&stack.role(role).trust.to_json()),
        value(&read("examples/scenario", "StuzioAcmeConsultantRole-trust"))
    );
    for name in ["StuzioProjectXPolicy", "AcmeClientAssumeRolePolicy"] {
        let policy = stack.policy_by_name(name).unwrap();
        assert_eq!(
            value(&stack.policy(policy).document.to_json()),
            value(&read("examples/scenario", name)),
            "{name}"
        );
        // Canonical text too, byte for byte.
        assert_eq!(
            stack.policy(policy).document.to_json(),
            read("examples/scenario", name),
            "{name}"
        );
    }
    assert_eq!(
        stack.account(stack.role(role).account).id.as_str(),
        "081278057606"
    );
    let troy = stack.user_by_name("Troy").unwrap();
    assert_eq!(stack.user_arn(troy), "arn:aws:iam::183438944504:user/Troy");
}
