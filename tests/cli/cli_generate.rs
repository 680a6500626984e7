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
        "diagram.svg",
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
        names.iter().all(|name| name.starts_with("terraform/")
            || name.starts_with("diagram.")
            || name == ".iamgen-manifest"),
        "{names:?}"
    );
    // A run of other targets leaves these alone: it removes only its own targets' stale files.
    let policies = iamgen(&[
        "generate",
        "--target",
        "policies",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(policies.status.code(), Some(0));
    let after: Vec<String> = contents_below(dir.path()).into_keys().collect();
    assert!(names.iter().all(|name| after.contains(name)), "{after:?}");
    let manifest = std::fs::read_to_string(dir.path().join(".iamgen-manifest")).unwrap();
    assert!(
        manifest.contains(" terraform/stuzio.tf") && manifest.contains(" policies/"),
        "{manifest}"
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

/// The reference scenario's spec with `Acme` renamed `AcmeCorp`, in `dir`.
fn renamed_spec(dir: &std::path::Path) -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = std::fs::read_to_string(root.join("examples/cross_account.toml")).unwrap();
    let path = dir.join("renamed.toml");
    std::fs::write(&path, spec.replace("\"Acme\"", "\"AcmeCorp\"")).unwrap();
    path
}

/// A run removes what an earlier run generated and this one does not (issue #17: after renaming Acme to
/// `AcmeCorp`, `terraform/acme.tf` stayed beside `acme_corp.tf`, both declaring `aws_iam_user.troy`), says so, and
/// never touches a file of the user's or one changed since it was written.
#[test]
fn stale_generated_files_are_removed_and_nothing_else() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let out_arg = out.to_str().unwrap();
    assert_eq!(
        iamgen(&["generate", "--out", out_arg]).status.code(),
        Some(0)
    );
    std::fs::write(out.join("terraform/mine.tf"), "# a user's file\n").unwrap();
    let changed = "# @generated by iamgen, then changed by hand\n";
    std::fs::write(out.join("cloudformation/acme.yaml"), changed).unwrap();

    let spec = renamed_spec(work.path());
    let output = iamgen(&["generate", spec.to_str().unwrap(), "--out", out_arg]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = String::from_utf8_lossy(&output.stderr);
    let files = contents_below(&out);
    for gone in [
        "terraform/acme.tf",
        "cloudformation/acme.json",
        "policies/acme/AcmeClientAssumeRolePolicy.json",
    ] {
        assert!(
            !files.contains_key(gone),
            "{gone} is left: {:?}",
            files.keys()
        );
        assert!(
            said.contains(&format!("removed {}", out.join(gone).display())),
            "{said}"
        );
    }
    assert!(files.contains_key("terraform/acme_corp.tf"));
    assert_eq!(files["terraform/mine.tf"], b"# a user's file\n");
    assert_eq!(files["cloudformation/acme.yaml"], changed.as_bytes());
    assert!(
        said.contains("warning: kept") && said.contains("acme.yaml"),
        "{said}"
    );
    assert!(
        !out.join("policies/acme").exists(),
        "the emptied folder is removed"
    );
    // Only `aws_iam_user.troy` of the new account remains declared.
    let declared = files
        .iter()
        .filter(|(name, _)| {
            std::path::Path::new(name)
                .extension()
                .is_some_and(|e| e == "tf")
        })
        .filter(|(_, text)| {
            String::from_utf8_lossy(text).contains("resource \"aws_iam_user\" \"troy\"")
        })
        .count();
    assert!(declared <= 1, "{declared} files declare aws_iam_user.troy");
}

/// `generate --check`: exit 0 and nothing written when `--out` is up to date; exit 1 with a unified diff when a
/// file differs or is left from an earlier run.
#[test]
fn check_says_whether_the_output_is_up_to_date() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let out_arg = out.to_str().unwrap();
    let missing = iamgen(&["generate", "--check", "--out", out_arg]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(!out.exists(), "--check writes nothing");

    assert_eq!(
        iamgen(&["generate", "--out", out_arg]).status.code(),
        Some(0)
    );
    let before = contents_below(&out);
    let fresh = iamgen(&["generate", "--check", "--out", out_arg]);
    assert_eq!(
        fresh.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fresh.stderr)
    );
    assert!(fresh.stdout.is_empty());

    let stuzio = out.join("terraform/stuzio.tf");
    let text = std::fs::read_to_string(&stuzio).unwrap();
    std::fs::write(&stuzio, text.replace("s3:*", "s3:GetObject")).unwrap();
    let stale = iamgen(&["generate", "--check", "--out", out_arg]);
    assert_eq!(stale.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&stale.stdout);
    assert!(
        diff.contains("-        Action   = \"s3:GetObject\"")
            || diff.contains("-        Action = \"s3:GetObject\""),
        "{diff}"
    );
    assert!(diff.contains("+        Action"), "{diff}");

    let spec = renamed_spec(work.path());
    let renamed = iamgen(&[
        "generate",
        spec.to_str().unwrap(),
        "--check",
        "--out",
        out_arg,
    ]);
    assert_eq!(renamed.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&renamed.stdout).contains("acme.tf: generated by an earlier run")
    );
    // Nothing was written by any --check.
    let mut after = contents_below(&out);
    after.insert(
        "terraform/stuzio.tf".to_owned(),
        before["terraform/stuzio.tf"].clone(),
    );
    assert_eq!(after, before);
}

/// `--cloudformation-format yaml|json|both` (#17): each account's template in the formats asked for, the README
/// naming those; switching removes the other format's templates.
#[test]
fn cloudformation_format_selects_the_templates() {
    let out = tempfile::tempdir().unwrap();
    let generate = |format: &str| {
        let output = iamgen(&[
            "generate",
            "--target",
            "cloudformation",
            "--cloudformation-format",
            format,
            "--out",
            out.path().to_str().unwrap(),
        ]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        contents_below(out.path())
    };
    for (format, kept, left_out) in [("yaml", ".yaml", ".json"), ("json", ".json", ".yaml")] {
        let files = generate(format);
        assert!(
            files.contains_key(&format!("cloudformation/stuzio{kept}")),
            "{:?}",
            files.keys()
        );
        assert!(
            !files.contains_key(&format!("cloudformation/stuzio{left_out}")),
            "{:?}",
            files.keys()
        );
        // The StackSet template is YAML whatever the format.
        assert!(files.contains_key("cloudformation/stackset-stuzio.yaml"));
        let readme = String::from_utf8_lossy(&files["cloudformation/README.md"]).into_owned();
        assert!(readme.contains(&format!("`stuzio{kept}`")), "{readme}");
        assert!(!readme.contains(&format!("`stuzio{left_out}`")), "{readme}");
    }
    let both = generate("both");
    assert!(
        both.contains_key("cloudformation/acme.yaml")
            && both.contains_key("cloudformation/acme.json")
    );
}

/// Findings during `generate` (issue #17) are rendered as `validate` renders them, on the spec's line, with
/// its labels; a spec accepts a known finding with `allow = [...]`, whose codes are checked.
#[test]
fn generate_findings_are_located_and_a_spec_may_accept_them() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = std::fs::read_to_string(root.join("examples/cross_account.toml")).unwrap();
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("iamgen.toml");
    let out = work.path().join("out");
    let generate = |text: &str| {
        std::fs::write(&path, text).unwrap();
        iamgen(&[
            "generate",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let plain = generate(&spec);
    assert_eq!(plain.status.code(), Some(0));
    let said = String::from_utf8_lossy(&plain.stderr).into_owned();
    assert!(said.contains("security warning: `s3:*` includes"), "{said}");
    assert!(
        said.contains(&format!("{}:29:17", path.display())),
        "{said}"
    );
    assert!(
        !said.contains("security_warning"),
        "one set of labels: {said}"
    );

    let allowing = format!("allow = [\"WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT\"]\n{spec}");
    let accepted = generate(&allowing);
    assert_eq!(accepted.status.code(), Some(0));
    let said = String::from_utf8_lossy(&accepted.stderr).into_owned();
    assert!(
        !said.contains("WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT"),
        "{said}"
    );
    assert!(said.contains("TRUST_ACCOUNT_WITHOUT_CONDITION"), "{said}");

    let misspelt = generate(&format!(
        "allow = [\"WILDCARD_INCLUDES_PERMISSION_MANAGEMENT\"]\n{spec}"
    ));
    assert_eq!(misspelt.status.code(), Some(2));
    let said = String::from_utf8_lossy(&misspelt.stderr).into_owned();
    assert!(
        said.contains("did you mean `WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT`?"),
        "{said}"
    );
    assert!(said.contains(&format!("{}:1:10", path.display())), "{said}");
    // A code whose finding means that AWS refuses the policy cannot be accepted.
    let refused = generate(&format!("allow = [\"INVALID_ACTION\"]\n{spec}"));
    assert_eq!(
        refused.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
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
