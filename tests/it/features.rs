//! What each feature pulls in: without `aws`, no AWS SDK crate is built.

use std::process::Command;

/// The normal (non-dev) dependencies of the `iamgen` package with `features`, as `cargo tree` prints them.
fn tree(features: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "tree",
        "--offline",
        "--edges",
        "normal",
        "--prefix",
        "none",
        "--package",
        "iamgen",
    ]);
    if features.is_empty() {
        command.arg("--no-default-features");
    } else {
        command.args(["--no-default-features", "--features", &features.join(",")]);
    }
    let output = command.output().expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn aws_crates(tree: &str) -> Vec<&str> {
    let mut crates: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| name.starts_with("aws-"))
        .collect();
    crates.sort_unstable();
    crates.dedup();
    crates
}

#[test]
fn without_the_aws_feature_no_aws_sdk_crate_is_built() {
    for features in [
        &[][..],
        &["macros"],
        &["generate"],
        &["cli"],
        &["macros", "generate", "cli"],
    ] {
        let tree = tree(features);
        assert!(tree.contains("iamgen-runtime"), "{tree}");
        assert_eq!(
            aws_crates(&tree),
            Vec::<&str>::new(),
            "features {features:?}"
        );
    }
    // And the check can fail: with `aws` they are there.
    let with_aws = tree(&["aws"]);
    let found = aws_crates(&with_aws);
    for expected in ["aws-config", "aws-sdk-iam", "aws-sdk-s3", "aws-sdk-sts"] {
        assert!(found.contains(&expected), "{expected} in {found:?}");
    }
}
