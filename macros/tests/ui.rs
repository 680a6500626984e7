//! The macros' diagnostics, pinned: every class of error is a compile error on the offending token, with a
//! help line; see `tests/ui/README.md`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    for topic in [
        "action",
        "resource",
        "principal",
        "version",
        "condition",
        "kind",
        "statement",
        "placeholder",
        "attribute",
        "quota",
        "role",
        "json",
        "warning",
        "variable",
        "names",
        "allow",
    ] {
        cases.compile_fail(format!("tests/ui/{topic}/*.rs"));
    }
    cases.pass("tests/ui/pass/*.rs");
}
