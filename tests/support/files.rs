//! Walking and copying directory trees (generated output, fixture folders).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file below `dir`, at any depth, sorted.
#[must_use]
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).expect("a readable directory") {
            let path = entry.expect("a readable directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every file below `dir` by its path relative to `dir` (with `/` between the parts), with its bytes.
#[must_use]
pub fn contents_below(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_below(dir)
        .into_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(dir)
                .expect("below the directory")
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(&path).expect("a readable file");
            (relative, bytes)
        })
        .collect()
}

/// Copies the tree `from` into `to` (made if missing).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("the target directory");
    for entry in std::fs::read_dir(from).expect("a readable directory") {
        let path = entry.expect("a readable directory entry").path();
        let target = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("a copied file");
        }
    }
}

/// The policies of the fixture corpus below `tests/fixtures/corpus/<folder>` (the whole corpus for `""`):
/// every `.json` file, sorted.
#[must_use]
pub fn corpus_files(folder: &str) -> Vec<PathBuf> {
    files_below(
        &super::tools::root()
            .join("tests/fixtures/corpus")
            .join(folder),
    )
    .into_iter()
    .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
    .collect()
}

/// Asserts that the committed file `relative` (to the project root) holds `actual`; with `IAMGEN_BLESS` set,
/// writes `actual` there first, for review in the diff.
pub fn assert_golden(relative: &str, actual: &str) {
    let golden = super::tools::root().join(relative);
    if std::env::var_os("IAMGEN_BLESS").is_some() {
        std::fs::write(&golden, actual).expect("write the golden file");
    }
    let committed = std::fs::read_to_string(&golden).unwrap_or_default();
    assert_eq!(
        committed,
        actual,
        "{} is not what the code writes now; rerun with IAMGEN_BLESS=1 and review the difference",
        golden.display()
    );
}
