//! Every input the fuzzers ever crashed on, replayed on stable through the very bodies the fuzz targets run
//! (`fuzz/src/lib.rs`): a file under `fuzz/regressions/<target>/` is a defect found once, and this test keeps
//! it fixed. The seed corpus (`fuzz/seeds/`) is replayed too, so that a body that panics on ordinary input is
//! caught here rather than at the start of a fuzzing run. How to fuzz, and how a crash becomes a regression
//! file: README.md, "Fuzzing".

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[path = "../../fuzz/src/lib.rs"]
#[allow(
    unreachable_pub,
    reason = "the bodies are the fuzz crate's public API; here they are a module of the test"
)]
mod bodies;

/// The files directly below `dir`, sorted, but for hidden ones (`.gitkeep`); none when `dir` does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| {
            path.is_file()
                && !path
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    files
}

/// Runs `body` on every file of `dirs`, and fails naming each file it panicked on.
fn replay(target: &str, body: bodies::Body, dirs: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut failed = Vec::new();
    let mut count = 0;
    for dir in dirs {
        for path in files(&root.join(dir)) {
            let data = std::fs::read(&path).expect("a readable file");
            count += 1;
            if catch_unwind(AssertUnwindSafe(|| body(&data))).is_err() {
                failed.push(
                    path.strip_prefix(&root)
                        .unwrap_or(&path)
                        .display()
                        .to_string(),
                );
            }
        }
    }
    assert!(
        failed.is_empty(),
        "the `{target}` body panicked on {} of {count} inputs (messages above):\n  fuzz/{}",
        failed.len(),
        failed.join("\n  fuzz/")
    );
}

fn body(target: &str) -> bodies::Body {
    bodies::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, body)| *body)
        .expect("a fuzz target of that name")
}

#[test]
fn json_regressions() {
    replay("json", body("json"), &["regressions/json"]);
}

#[test]
fn lint_regressions() {
    replay("lint", body("lint"), &["regressions/lint"]);
}

#[test]
fn spec_regressions() {
    replay("spec", body("spec"), &["regressions/spec"]);
}

#[test]
fn eval_regressions() {
    replay("eval", body("eval"), &["regressions/eval"]);
}

#[test]
fn json_and_lint_seeds() {
    replay("json", body("json"), &["seeds/policy"]);
    replay("lint", body("lint"), &["seeds/policy"]);
}

#[test]
fn spec_seeds() {
    replay("spec", body("spec"), &["seeds/spec"]);
}

#[test]
fn eval_seeds() {
    replay("eval", body("eval"), &["seeds/eval"]);
}

/// Every target has its seeds, its dictionary and its regression folder, and every regression folder is a
/// target's: a crash file put in a misspelt folder would never be replayed.
#[test]
fn every_target_is_complete() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let names: Vec<&str> = bodies::TARGETS.iter().map(|(name, _)| *name).collect();
    for name in &names {
        assert!(
            root.join("dict").join(format!("{name}.dict")).is_file(),
            "fuzz/dict/{name}.dict is missing"
        );
        assert!(
            root.join("fuzz_targets")
                .join(format!("{name}.rs"))
                .is_file(),
            "fuzz/fuzz_targets/{name}.rs is missing"
        );
    }
    for dir in std::fs::read_dir(root.join("regressions")).expect("fuzz/regressions") {
        let dir = dir.expect("a readable directory entry").file_name();
        let dir = dir.to_string_lossy();
        assert!(
            names.contains(&dir.as_ref()),
            "fuzz/regressions/{dir} is no target's"
        );
    }
}
