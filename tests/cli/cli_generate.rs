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

/// `--templates` problems are errors, not silent fallbacks to the embedded templates (issue #17): a directory
/// that is not there, and a file that replaces no template, with the name it most likely meant.
#[test]
fn template_directory_mistakes_are_errors() {
    let out = tempfile::tempdir().unwrap();
    let generate = |templates: &std::path::Path| {
        iamgen(&[
            "generate",
            "--templates",
            templates.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ])
    };
    let missing = generate(&out.path().join("no-such-dir"));
    assert_eq!(missing.status.code(), Some(2));
    let said = String::from_utf8_lossy(&missing.stderr);
    assert!(
        said.contains("does not exist") && said.contains("iamgen templates --dump"),
        "{said}"
    );

    let templates = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(templates.path().join("terraform")).unwrap();
    std::fs::write(templates.path().join("terraform/acount.tf.hbs"), "# ours\n").unwrap();
    let misspelt = generate(templates.path());
    assert_eq!(misspelt.status.code(), Some(2));
    let said = String::from_utf8_lossy(&misspelt.stderr);
    assert!(
        said.contains("did you mean `terraform/account.tf.hbs`?"),
        "{said}"
    );
    assert!(contents_below(out.path()).is_empty(), "nothing is written");
}

/// `iamgen templates --dump DIR` writes the embedded templates; generating with them gives the same files as
/// without; a second dump keeps what is there unless `--force`.
#[test]
fn templates_dump_writes_the_embedded_ones() {
    let templates = tempfile::tempdir().unwrap();
    let dir = templates.path().join("mine");
    let dump = |force: bool| {
        let mut args = vec!["templates", "--dump", dir.to_str().unwrap()];
        if force {
            args.push("--force");
        }
        iamgen(&args)
    };
    let first = dump(false);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let written = contents_below(&dir);
    assert_eq!(written.len(), 9, "{:?}", written.keys());
    assert!(written.contains_key("terraform/account.tf.hbs"));

    let with = tempfile::tempdir().unwrap();
    let without = tempfile::tempdir().unwrap();
    for (out, templates) in [(&with, Some(&dir)), (&without, None)] {
        let mut args = vec!["generate", "--out", out.path().to_str().unwrap()];
        if let Some(templates) = templates {
            args.extend(["--templates", templates.to_str().unwrap()]);
        }
        let output = iamgen(&args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(contents_below(with.path()), contents_below(without.path()));

    std::fs::write(dir.join("terraform/account.tf.hbs"), "# edited\n").unwrap();
    let again = dump(false);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(dir.join("terraform/account.tf.hbs")).unwrap(),
        "# edited\n"
    );
    let forced = dump(true);
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(contents_below(&dir), written);
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
