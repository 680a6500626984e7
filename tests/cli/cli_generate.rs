//! `iamgen generate` end to end, through the built binary.

use crate::support::cli::iamgen;
use crate::support::files::contents_below;

#[test]
fn generates_the_reference_scenario_the_same_way_twice() {
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [&one, &two] {
        let output = iamgen(&["generate", "--out", dir.path().to_str().unwrap()]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("TRUST_ACCOUNT_WITHOUT_CONDITION"),
            "the stack's warnings are shown: {stderr}"
        );
    }
    let first = contents_below(one.path());
    assert_eq!(first, contents_below(two.path()));
    let names: Vec<&str> = first.keys().map(String::as_str).collect();
    for expected in [
        "terraform/stuzio.tf",
        "terraform/acme.tf",
        "terraform/providers.tf",
        "terraform/variables.tf",
        "cloudformation/stuzio.yaml",
        "cloudformation/acme.json",
        "cloudformation/stackset-stuzio.yaml",
        "policies/stuzio/StuzioProjectXPolicy.json",
        "diagram.mmd",
        "diagram.dot",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    // A second run into the same directory rewrites nothing.
    let again = iamgen(&["generate", "--out", one.path().to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("wrote 0 file(s)"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn targets_select_what_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let output = iamgen(&[
        "generate",
        "--target",
        "terraform",
        "--target",
        "diagram",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let names: Vec<String> = contents_below(dir.path()).into_keys().collect();
    assert!(
        names
            .iter()
            .all(|name| name.starts_with("terraform/") || name.starts_with("diagram.")),
        "{names:?}"
    );
    assert_eq!(
        iamgen(&["generate", "--target", "pulumi"]).status.code(),
        Some(2)
    );
}

#[test]
fn templates_can_be_overridden() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(templates.path().join("terraform")).unwrap();
    std::fs::write(
        templates.path().join("terraform/versions.tf.hbs"),
        "# ours, iamgen {{version}}\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let generate = || {
        iamgen(&[
            "generate",
            "--target",
            "terraform",
            "--templates",
            templates.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ])
    };
    let output = generate();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let versions = std::fs::read_to_string(out.path().join("terraform/versions.tf")).unwrap();
    assert!(versions.starts_with("# ours, iamgen "), "{versions}");

    // Strict mode: a field the view does not have is an error that names the template, not an empty string.
    std::fs::write(
        templates.path().join("terraform/versions.tf.hbs"),
        "{{no_such_field}}\n",
    )
    .unwrap();
    let broken = generate();
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("terraform/versions.tf"));
}

/// The reference scenario has security warnings and no error: generation goes ahead by default and at
/// `--fail-on error`, and stops, writing nothing, at `security-warning` and milder levels.
#[test]
fn fail_on_stops_generation_at_its_severity() {
    for (level, code) in [
        (None, 0),
        (Some("error"), 0),
        (Some("security-warning"), 1),
        (Some("warning"), 1),
        (Some("suggestion"), 1),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut args = vec!["generate", "--out", out.to_str().unwrap()];
        args.extend(level.iter().flat_map(|level| ["--fail-on", level]));
        let output = iamgen(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{level:?}: {stderr}");
        assert_eq!(out.exists(), code == 0, "{level:?}: {stderr}");
        if code == 1 {
            assert!(
                stderr.contains("error: the stack has ")
                    && stderr.contains(" finding(s) of severity")
                    && stderr.contains("or worse (--fail-on); nothing was generated"),
                "{stderr}"
            );
        }
    }
}
