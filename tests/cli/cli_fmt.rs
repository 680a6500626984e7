//! `iamgen fmt` end to end, through the built binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn iamgen(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamgen"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        // A command that rejects its arguments exits without reading stdin; the broken pipe is not the test.
        let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_below(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn scenario_policies_are_already_canonical() {
    let dir = root().join("examples/scenario");
    let output = iamgen(&["fmt", "--check", dir.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
}

#[test]
fn prints_canonical_json_of_one_file() {
    let output = iamgen(
        &["fmt", "-"],
        Some(
            r#"{"Statement":{"Action":"s3:GetObject","Effect":"Allow","Resource":["*"]},"Version":"2012-10-17"}"#,
        ),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\n    \"Effect\": \"Allow\",\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": [\n      \"*\"\n    ]\n  }\n}\n"
    );
}

#[test]
fn check_reports_a_diff_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.json");
    std::fs::write(
        &file,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    )
    .unwrap();
    let output = iamgen(&["fmt", "--check", file.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(1));
    let diff = text(&output.stdout);
    assert!(diff.contains("+  \"Version\": \"2012-10-17\","), "{diff}");
    assert!(text(&output.stderr).contains("1 of 1 file(s) not in canonical form"));
}

#[test]
fn write_rewrites_a_corpus_copy_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("tests/fixtures/corpus"), dir.path());
    let before: Vec<(PathBuf, Vec<u8>)> = files_below(dir.path())
        .into_iter()
        .map(|path| (path.clone(), std::fs::read(&path).unwrap()))
        .collect();

    let output = iamgen(&["fmt", "--write", dir.path().to_str().unwrap()], None);
    // The corpus holds seven texts that are not valid policies: each is reported, and fmt exits 2.
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.matches("error: ").count(), 7, "{stderr}");
    assert!(
        stderr.contains("troubleshoot_policies__09.json:8:7"),
        "{stderr}"
    );

    for (path, old) in &before {
        let new = std::fs::read(path).unwrap();
        if path.extension().is_none_or(|ext| ext != "json") {
            assert_eq!(
                &new,
                old,
                "{} is not a policy and must be untouched",
                path.display()
            );
            continue;
        }
        match serde_json::from_slice::<serde_json::Value>(old) {
            // Invalid JSON is left exactly as it was.
            Err(_) => assert_eq!(&new, old, "{}", path.display()),
            Ok(value) => {
                let new_value: serde_json::Value = serde_json::from_slice(&new).unwrap();
                // Duplicate-key files are valid to serde_json but rejected by fmt, so they too stay as they were.
                if &new == old {
                    continue;
                }
                assert_eq!(new_value, value, "{}", path.display());
            }
        }
    }

    // A second run finds everything canonical and rewrites nothing.
    let mtimes: Vec<_> = before
        .iter()
        .map(|(path, _)| std::fs::metadata(path).unwrap().modified().unwrap())
        .collect();
    let again = iamgen(&["fmt", "--write", dir.path().to_str().unwrap()], None);
    assert_eq!(again.status.code(), Some(2));
    let mtimes_after: Vec<_> = before
        .iter()
        .map(|(path, _)| std::fs::metadata(path).unwrap().modified().unwrap())
        .collect();
    assert_eq!(mtimes, mtimes_after);
    let check = iamgen(&["fmt", "--check", dir.path().to_str().unwrap()], None);
    assert!(check.stdout.is_empty(), "{}", text(&check.stdout));
}

#[test]
fn curly_quotes_exit_two_with_the_position() {
    let file = root().join("tests/fixtures/curly/StuzioProjectXPolicy.json");
    let output = iamgen(&["fmt", file.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("U+201C"), "{stderr}");
    assert!(stderr.contains("StuzioProjectXPolicy.json:2:3"), "{stderr}");
    assert!(
        stderr.contains("help: replace it with a straight double quote"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn unreadable_and_non_utf8_inputs_exit_two() {
    let output = iamgen(&["fmt", "/nonexistent/policy.json"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("cannot read `/nonexistent/policy.json`"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin1.json");
    std::fs::write(&file, b"{\n  \"Sid\": \"caf\xe9\"\n}").unwrap();
    let output = iamgen(&["fmt", file.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("is not UTF-8: byte 0xE9 at"), "{stderr}");
    assert!(stderr.contains("latin1.json:2:14"), "{stderr}");
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(iamgen(&["fmt"], None).status.code(), Some(2));
    assert_eq!(
        iamgen(&["fmt", "--check", "--write", "x"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(iamgen(&["frobnicate"], None).status.code(), Some(2));
    assert_eq!(iamgen(&["--help"], None).status.code(), Some(0));
}
