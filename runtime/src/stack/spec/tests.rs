//! The spec's top-level `stack` key.

use super::from_toml;

const ACCOUNT: &str = "[[account]]\nname = \"Stuzio\"\nid = \"081278057606\"\n";

#[test]
fn a_spec_names_its_stack() {
    let stack = from_toml(&format!("stack = \"payments\"\n\n{ACCOUNT}")).expect("a valid spec");
    assert_eq!(stack.name(), Some("payments"));
    let unnamed = from_toml(ACCOUNT).expect("a valid spec");
    assert_eq!(unnamed.name(), None);
}

#[test]
fn a_stack_name_that_is_no_tag_value_is_an_error_at_the_name() {
    for (name, message) in [
        (
            "a,b",
            "the stack name `a,b` contains `,`, which IAM does not allow",
        ),
        ("", "the stack name is empty"),
    ] {
        let text = format!("stack = \"{name}\"\n{ACCOUNT}");
        let error = from_toml(&text).expect_err("not a tag value");
        assert_eq!(error.code(), "INVALID_NAME");
        assert_eq!(error.message(), message);
        assert_eq!(error.position().to_string(), "1:9");
        assert!(
            error
                .help()
                .is_some_and(|help| help.contains("iamgen:stack")),
            "{error}"
        );
    }
    let long = "x".repeat(257);
    let error = from_toml(&format!("stack = \"{long}\"\n{ACCOUNT}")).expect_err("too long");
    assert!(error.message().contains("more than IAM's 256"), "{error}");
}

#[test]
fn the_stack_key_is_a_string() {
    let error = from_toml(&format!("stack = 1\n{ACCOUNT}")).expect_err("not a string");
    assert_eq!(error.position().to_string(), "1:9");
}
