//! Every file the generator emits, for the reference scenario and the hardened variant, pinned as reviewed
//! snapshots, and the files that show a bucket of each kind of setting; and the output is the same, byte for
//! byte, on every run.

use iamgen::render::{Target, render};
use iamgen::stack::cross_account::CrossAccount;

fn snapshot_all(prefix: &str, pattern: &CrossAccount) {
    let stack = pattern.build().unwrap();
    let output = render(&stack, &Target::ALL).unwrap();
    for (path, content) in output.files() {
        let name = format!("{prefix}__{}", path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, content);
    }
}

#[test]
fn scenario_files() {
    snapshot_all("scenario", &CrossAccount::reference_scenario());
}

#[test]
fn hardened_files() {
    snapshot_all("hardened", &CrossAccount::hardened_scenario());
}

/// A bucket of each kind of setting (one that exists already, logging targets in and out of the stack, KMS
/// with and without a key, versioning off, a prefix with `"`, `${` and `%{`): the files that show them.
#[test]
fn bucket_settings_files() {
    let stack = crate::support::stacks::with_bucket_settings();
    let output = render(&stack, &Target::ALL).unwrap();
    for path in [
        "terraform/stuzio.tf",
        "terraform/README.md",
        "cloudformation/stuzio.yaml",
        "cloudformation/README.md",
    ] {
        let name = format!("buckets__{}", path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, output.files()[path]);
    }
}

#[test]
fn output_is_deterministic() {
    let stack = CrossAccount::hardened_scenario().build().unwrap();
    let first = render(&stack, &Target::ALL).unwrap();
    for _ in 0..5 {
        assert_eq!(render(&stack, &Target::ALL).unwrap(), first);
    }
}

#[test]
fn only_changed_files_are_rewritten() {
    let stack = CrossAccount::reference_scenario().build().unwrap();
    let output = render(&stack, &Target::ALL).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let first = output.write_to(dir.path()).unwrap();
    assert_eq!(first.written.len(), output.files().len());
    let stamp = |path: &std::path::Path| std::fs::metadata(path).unwrap().modified().unwrap();
    let before: Vec<_> = first.written.iter().map(|path| stamp(path)).collect();
    let second = output.write_to(dir.path()).unwrap();
    assert!(second.written.is_empty());
    assert_eq!(second.unchanged.len(), output.files().len());
    let after: Vec<_> = first.written.iter().map(|path| stamp(path)).collect();
    assert_eq!(before, after);
    // No temporary file is left behind.
    let leftovers = crate::support::files::files_below(dir.path())
        .into_iter()
        .filter(|path| path.to_string_lossy().ends_with(".tmp"))
        .count();
    assert_eq!(leftovers, 0);
}
