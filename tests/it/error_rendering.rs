//! How errors look to a user: the rustc-style rendering of every known-bad text of the corpus and of the
//! scenario's policies as published with typographic quotes, pinned as reviewed snapshots.

use std::path::Path;

use iamgen::PolicyDocument;

fn render(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative);
    let source = std::fs::read_to_string(&path).unwrap();
    let error = PolicyDocument::from_json(&source).expect_err("a known-bad text");
    error.render(&source, relative, false)
}

#[test]
fn known_bad_texts_render_like_rustc() {
    insta::glob!(
        "../fixtures",
        "corpus/iam-user-guide-invalid/*.json",
        |path| {
            let relative = path
                .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
                .unwrap();
            insta::assert_snapshot!(render(relative.to_str().unwrap()));
        }
    );
}

#[test]
fn duplicate_keys_and_comments_render_like_rustc() {
    for file in [
        "corpus/iam-user-guide/troubleshoot_policies__09.json",
        "corpus/iam-user-guide/troubleshoot_policies__11.json",
        "corpus/scp-examples/Service-specific-controls_AWS-IAM_deny-service-specific-credential-by-type.json",
        "curly/StuzioProjectXPolicy.json",
    ] {
        let name = Path::new(file)
            .file_stem()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        insta::assert_snapshot!(name, render(file));
    }
}

#[test]
fn grammar_errors_render_with_every_problem() {
    let source = r#"{
  "Version": "2012-10-18",
  "Statement": [
    {"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"},
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"aws": "arn:aws:iam::183438944504:root"}},
    {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringEqual": {"aws:username": "Troy"}}}
  ]
}
"#;
    let error = PolicyDocument::from_json(source).unwrap_err();
    insta::assert_snapshot!(error.render(source, "policy.json", false));
}
