//! Every file the repository's prose names exists: a path in a README, a doc comment, a script or a manifest
//! (`tests/deploy*.rs`, `docs/spec.md`, `templates/terraform/account.tf.hbs`) that points at nothing is a
//! reader sent nowhere, and a rename leaves such paths behind silently.
//!
//! A path counts when it starts with one of the repository's top-level folders; it is looked up from the
//! repository's root, then from the naming file's folder and its crate's. `*` is a wildcard that must match at
//! least one file. Placeholders (`TARGET`, `NAME`, `<crate>`, `{x}`) and what builds or tools make
//! (`target/`, fuzzing's `corpus/` and `artifacts/`, snapshot names) are not files to find.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The top-level folders whose paths are checked.
const ROOTS: &[&str] = &[
    "benches",
    "docs",
    "examples",
    "fuzz",
    "macros",
    "runtime",
    "scripts",
    "src",
    "templates",
    "tests",
    "tools",
    ".ci",
];

/// Files whose text is read for paths.
const READ: &[&str] = &["md", "rs", "toml", "sh", "hbs", "py", "mjs", "js"];

/// Folders never read: build output, fixtures (inputs written by others), fuzzing's generated files.
const SKIP_DIRS: &[&str] = &[
    "target",
    ".git",
    "node_modules",
    "fixtures",
    "snapshots",
    "corpus",
    "artifacts",
    "regressions",
    "seeds",
];

/// Folders whose files a run makes: prose names them as examples of what to expect.
const MADE: &[&str] = &["fuzz/artifacts/", "fuzz/corpus/"];

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_below(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !SKIP_DIRS.contains(&name.as_str()) {
                files_below(root, &path, out);
            }
        } else {
            out.push(
                path.strip_prefix(root)
                    .expect("below the root")
                    .to_path_buf(),
            );
        }
    }
}

/// The paths in `line` that start with a checked top-level folder.
fn named_paths(line: &str) -> Vec<String> {
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || "._-/*".contains(c);
    let mut found = Vec::new();
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, _) = chars[i];
        let before = line[..at].chars().next_back();
        let starts = before.is_none_or(|c| !is_path_char(c) && c != '$' && c != ':');
        let root = ROOTS
            .iter()
            .find(|root| line[at..].starts_with(&format!("{root}/")));
        if let (true, Some(_)) = (starts, root) {
            let end = line[at..]
                .find(|c: char| !is_path_char(c))
                .map_or(line.len(), |end| at + end);
            let path = line[at..end].trim_end_matches(['.', '/']);
            // A path followed by a placeholder is a pattern, not a file.
            let next = line[end..].chars().next();
            if !matches!(next, Some('<' | '{' | '$')) && path.contains('/') {
                found.push(path.to_owned());
            }
            while i < chars.len() && chars[i].0 < end {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    found
}

/// Whether a path is a placeholder or a made thing rather than a file of the repository.
fn is_not_a_file(path: &str) -> bool {
    // The folder itself too: it exists only after a fuzz run, so a clean checkout lacks it.
    MADE.iter()
        .any(|made| path.starts_with(made) || path == made.trim_end_matches('/'))
        || path.split('/').any(|segment| {
            segment.len() > 1 && segment.chars().all(|c| c.is_ascii_uppercase() || c == '_')
        })
        || path.ends_with('_')
}

fn wildcard_matches(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len()).any(|skip| {
                    text.is_char_boundary(head.len() + skip)
                        && wildcard_matches(tail, &text[head.len() + skip..])
                })
        }
    }
}

/// Every file and folder below `dir`, fixtures and generated folders included: prose may name them.
fn everything(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "target" || name == ".git" || name == "node_modules" {
            continue;
        }
        out.push(
            path.strip_prefix(root)
                .expect("below the root")
                .to_string_lossy()
                .into_owned(),
        );
        if path.is_dir() {
            everything(root, &path, out);
        }
    }
}

#[test]
fn every_path_the_repository_names_exists() {
    let root = repository();
    let mut files = Vec::new();
    files_below(&root, &root, &mut files);
    let all: BTreeSet<String> = {
        let mut all = Vec::new();
        everything(&root, &root, &mut all);
        all.into_iter().collect()
    };
    let mut dangling = Vec::new();
    for file in &files {
        let Some(extension) = file.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if !READ.contains(&extension) {
            continue;
        }
        let Ok(text) = fs::read_to_string(root.join(file)) else {
            continue;
        };
        let folder = file.parent().unwrap_or(Path::new(""));
        let krate = [
            "runtime",
            "macros",
            "fuzz",
            "tools/catalog-gen",
            "tests/consumer",
        ]
        .iter()
        .find(|krate| file.starts_with(krate))
        .map_or(Path::new(""), Path::new);
        for (number, line) in text.lines().enumerate() {
            for path in named_paths(line) {
                if is_not_a_file(&path) {
                    continue;
                }
                let candidates = [
                    path.clone(),
                    folder.join(&path).to_string_lossy().into_owned(),
                    krate.join(&path).to_string_lossy().into_owned(),
                ];
                let exists = candidates.iter().any(|candidate| {
                    if candidate.contains('*') {
                        all.iter().any(|known| wildcard_matches(candidate, known))
                    } else {
                        all.contains(candidate)
                    }
                });
                if !exists {
                    dangling.push(format!("{}:{}: `{path}`", file.display(), number + 1));
                }
            }
        }
    }
    assert!(
        dangling.is_empty(),
        "paths named but not in the repository (rename them, or remove the mention):\n{}",
        dangling.join("\n")
    );
}
