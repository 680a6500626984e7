//! The CI kit in the repository: the pre-commit hooks (`.pre-commit-hooks.yaml`) and the GitHub Actions
//! workflow example (`examples/ci/github-actions.yml`) run what they say, and do what the README says: pass a
//! repository whose policies are sound (templates and `package.json` beside them), fail one with an error, and
//! upload SARIF that code scanning takes.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value as Json;
use serde_norway::Value as Yaml;

use crate::support::cli::described;
use crate::support::tools::root;

/// `command` run by the shell in `dir`, with the built `iamgen` first on PATH: as the hook and the workflow
/// run it.
fn shell(command: &str, dir: &Path) -> Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_iamgen"))
        .parent()
        .expect("the binary's folder");
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("a PATH");
    Command::new("sh")
        .args(["-c", command])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .expect("sh runs")
}

fn yaml(path: &str) -> Yaml {
    let text = std::fs::read_to_string(root().join(path)).expect("the file");
    serde_norway::from_str(&text).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// A repository with a sound policy, a CloudFormation template and a `package.json` beside it.
fn repository(dir: &Path) {
    let policy = std::fs::read_to_string(root().join("tests/fixtures/simulate/identity.json"))
        .expect("a fixture policy");
    std::fs::create_dir_all(dir.join("policies")).expect("a folder");
    std::fs::write(dir.join("policies/read.json"), policy).expect("written");
    std::fs::write(
        dir.join("template.json"),
        r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}"#,
    )
    .expect("written");
    std::fs::write(dir.join("package.json"), r#"{"name": "infra"}"#).expect("written");
}

/// A policy with an error: an action that does not exist.
fn break_it(dir: &Path) {
    std::fs::write(
        dir.join("policies/broken.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"}]}"#,
    )
    .expect("written");
}

#[test]
fn the_pre_commit_hooks_pass_sound_policies_and_fail_broken_ones() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_sequence().expect("a list of hooks");
    assert_eq!(hooks.len(), 2);
    for hook in hooks {
        let id = hook["id"].as_str().expect("an id");
        let entry = hook["entry"].as_str().expect("an entry");
        assert!(entry.starts_with("iamgen "), "{id}: {entry}");
        // The hook walks the repository itself: pre-commit must not add file names after the entry.
        assert_eq!(hook["pass_filenames"].as_bool(), Some(false), "{id}");
        assert_eq!(hook["language"].as_str(), Some("system"), "{id}");

        let dir = tempfile::tempdir().expect("a temporary directory");
        repository(dir.path());
        if id == "iamgen-fmt" {
            // The fixture is written as people write policies; the hook wants them canonical.
            let written = shell("iamgen fmt --write policies/read.json", dir.path());
            assert!(written.status.success(), "{}", described(&written));
        }
        let passed = shell(entry, dir.path());
        assert_eq!(
            passed.status.code(),
            Some(0),
            "{id}: {}",
            described(&passed)
        );
        break_it(dir.path());
        let failed = shell(entry, dir.path());
        assert_ne!(
            failed.status.code(),
            Some(0),
            "{id} must fail on a broken policy"
        );
        if id == "iamgen-validate" {
            assert!(
                String::from_utf8_lossy(&failed.stdout).contains("INVALID_ACTION"),
                "{}",
                described(&failed)
            );
        }
    }
}

#[test]
fn the_workflow_uploads_the_sarif_its_command_writes() {
    let workflow = yaml("examples/ci/github-actions.yml");
    let steps = workflow["jobs"]["iam"]["steps"]
        .as_sequence()
        .expect("the job's steps");
    let check = steps
        .iter()
        .filter_map(|step| step["run"].as_str())
        .find(|run| run.starts_with("iamgen validate"))
        .expect("a step that runs iamgen validate");
    let upload = steps
        .iter()
        .find(|step| {
            step["uses"]
                .as_str()
                .is_some_and(|uses| uses.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("a step that uploads SARIF");
    let sarif_file = upload["with"]["sarif_file"]
        .as_str()
        .expect("the SARIF file");
    // Findings are uploaded even when the check fails, which is when they matter.
    assert_eq!(upload["if"].as_str(), Some("always()"));
    assert_eq!(
        workflow["permissions"]["security-events"].as_str(),
        Some("write")
    );

    let dir = tempfile::tempdir().expect("a temporary directory");
    repository(dir.path());
    break_it(dir.path());
    let ran = shell(check, dir.path());
    assert_eq!(ran.status.code(), Some(1), "{}", described(&ran));
    let log: Json = serde_json::from_slice(
        &std::fs::read(dir.path().join(sarif_file))
            .expect("the command writes the file the step uploads"),
    )
    .expect("JSON");
    crate::support::sarif::assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(
        results
            .iter()
            .any(|result| result["ruleId"] == "INVALID_ACTION"),
        "{log:#}"
    );
}
