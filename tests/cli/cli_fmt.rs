//! `iamgen fmt` end to end, through the built binary.

use std::path::PathBuf;

use crate::support::cli::{
    assert_stderr_holds, assert_stdout_holds, iamgen, iamgen_with_stdin, stderr, stdout,
};
use crate::support::files::{copy_dir, files_below};
use crate::support::tools::root;

#[test]
fn scenario_policies_are_already_canonical() {
    let dir = root().join("examples/scenario");
    let output = iamgen(&["fmt", "--check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
}

#[test]
fn prints_canonical_json_of_one_file() {
    let output = iamgen_with_stdin(
        &["fmt", "-"],
        r#"{"Statement":{"Action":"s3:GetObject","Effect":"Allow","Resource":["*"]},"Version":"2012-10-17"}"#,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
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
    let output = iamgen(&["fmt", "--check", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let diff = stdout(&output);
    assert!(diff.contains("+  \"Version\": \"2012-10-17\","), "{diff}");
    assert!(stderr(&output).contains("1 of 1 file(s) not in canonical form"));
}

#[test]
fn write_rewrites_a_corpus_copy_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("tests/fixtures/corpus"), dir.path());
    let before: Vec<(PathBuf, Vec<u8>)> = files_below(dir.path())
        .into_iter()
        .map(|path| (path.clone(), std::fs::read(&path).unwrap()))
        .collect();

    let output = iamgen(&["fmt", "--write", dir.path().to_str().unwrap()]);
    // The corpus holds seven texts that are not valid policies: each is reported, and fmt exits 2.
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
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
    let again = iamgen(&["fmt", "--write", dir.path().to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    let mtimes_after: Vec<_> = before
        .iter()
        .map(|(path, _)| std::fs::metadata(path).unwrap().modified().unwrap())
        .collect();
    assert_eq!(mtimes, mtimes_after);
    let check = iamgen(&["fmt", "--check", dir.path().to_str().unwrap()]);
    assert!(check.stdout.is_empty(), "{}", stdout(&check));
}

/// A policy pasted from a word processor: every string delimited by typographic quotes, and a byte-order mark.
fn pasted_policy() -> String {
    "\u{FEFF}{\n  “Version”: “2012-10-17”,\n  “Statement”: [\n    {\n      “Effect”: “Allow”,\n      \
     ‘Action’: ‘s3:GetObject’,\n      “Resource”: “arn:aws:s3:::bucket/*”\n    }\n  ]\n}\n"
        .to_owned()
}

#[test]
fn write_repairs_typographic_quotes_and_a_byte_order_mark_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pasted.json");
    std::fs::write(&file, pasted_policy()).unwrap();
    let output = iamgen(&["fmt", "--write", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        format!(
            "{}: 18 typographic quotes replaced with `\"` (lines 2-3, 5-7) and the byte-order mark removed\n",
            file.display()
        )
    );
    let expected = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::bucket/*"
    }
  ]
}
"#;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    // Now canonical: a second run neither rewrites nor reports anything.
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let again = iamgen(&["fmt", "--write", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stderr.is_empty(), "{}", stderr(&again));
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        modified
    );
}

#[test]
fn print_and_check_show_the_repair_without_writing() {
    let output = iamgen_with_stdin(&["fmt", "-"], &pasted_policy());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("{\n  \"Version\": \"2012-10-17\","));
    assert!(
        stderr(&output).starts_with("<stdin> (in the output): 18 typographic quotes replaced"),
        "{}",
        stderr(&output)
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pasted.json");
    std::fs::write(&file, pasted_policy()).unwrap();
    let check = iamgen(&["fmt", "--check", file.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert_stdout_holds(&check, &["+  \"Version\": \"2012-10-17\","]);
    assert_stderr_holds(&check, &["(with --write): 18 typographic quotes"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), pasted_policy());
    // `validate` names the command.
    let validate = iamgen(&["validate", file.to_str().unwrap()]);
    assert_eq!(validate.status.code(), Some(1));
    assert!(
        stdout(&validate).contains(&format!(
            "note: `iamgen fmt --write {}` replaces the 18 typographic quotes that delimit strings with `\"` and \
             removes the byte-order mark",
            file.display()
        )),
        "{}",
        stdout(&validate)
    );
}

/// The stderr of `fmt --write` on a file `p.json` holding `source`, which the command must refuse (exit 2)
/// and leave as it was.
fn refused_write(source: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.json");
    std::fs::write(&file, source).unwrap();
    let output = iamgen(&["fmt", "--write", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), source);
    stderr(&output)
}

#[test]
fn a_quote_inside_a_string_is_left_to_the_author_and_nothing_changes() {
    // The delimiters could be repaired, but `O’Brien` is text: IAM refuses it, and only its author knows
    // whether `'` is meant.
    let source = "{\n  “Version”: “2012-10-17”,\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \
                  \"Resource\": \"*\",\n    \"Condition\": {\"StringEquals\": {\"aws:PrincipalTag/name\": \"O’Brien\"}}}\n}\n";
    let stderr = refused_write(source);
    for expected in [
        // Located in the file as it stands (line 4, column 63), not in the repaired text.
        "p.json:4:63",
        "this quote is part of the string's text",
        "left unchanged: the errors above remain after the repair `iamgen fmt --write` would make (4 typographic quotes",
    ] {
        assert!(stderr.contains(expected), "{stderr}");
    }
}

#[test]
fn what_remains_after_the_repair_is_located_past_a_byte_order_mark_and_quotes() {
    let source = "\u{FEFF}{“Version”: “2012-10-17”, \"Id\": \"O’Brien\", \"Statement\": []}";
    let output = iamgen_with_stdin(&["fmt", "-"], source);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    // Column 36 of the text as given: the mark and the four quotes before it are three bytes each.
    assert!(stderr.contains("<stdin>:1:36"), "{stderr}");
    assert!(
        stderr.contains(
            "(4 typographic quotes replaced with `\"` (line 1) and the byte-order mark removed)"
        ),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn an_ambiguous_repair_is_refused_with_the_place() {
    // The string opened on line 3 is never closed on its line: where it ends would be a guess.
    let source = "{\n  “Version”: “2012-10-17”,\n  “Statement”: [{“Effect”: “Allow,\n    “Action”: “s3:*”}]\n}\n";
    let stderr = refused_write(source);
    for expected in [
        "p.json:3:28",
        "no quote on this line closes it",
        "p.json: left unchanged: the string opened at ",
        "p.json:3:28 has no end",
    ] {
        assert!(stderr.contains(expected), "{stderr}");
    }
}

#[test]
fn curly_quotes_of_the_fixture_are_all_reported_and_repaired() {
    let fixture = root().join("tests/fixtures/curly/StuzioProjectXPolicy.json");
    let text = std::fs::read_to_string(&fixture).unwrap();
    let quotes = text.matches(['“', '”']).count();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("StuzioProjectXPolicy.json");
    std::fs::write(&file, &text).unwrap();
    let output = iamgen(&["fmt", "--write", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "{quotes} typographic quotes replaced with `\"` (lines 2-3, 5-10, 14-17)"
        )),
        "{}",
        stderr(&output)
    );
    // The scenario's own policy is this one with straight quotes.
    let expected =
        std::fs::read_to_string(root().join("examples/scenario/StuzioProjectXPolicy.json"))
            .unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
}

#[test]
fn unreadable_and_non_utf8_inputs_exit_two() {
    let output = iamgen(&["fmt", "/nonexistent/policy.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot read `/nonexistent/policy.json`"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin1.json");
    std::fs::write(&file, b"{\n  \"Sid\": \"caf\xe9\"\n}").unwrap();
    let output = iamgen(&["fmt", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert!(stderr.contains("is not UTF-8: byte 0xE9 at"), "{stderr}");
    assert!(stderr.contains("latin1.json:2:14"), "{stderr}");
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(iamgen(&["fmt"]).status.code(), Some(2));
    assert_eq!(
        iamgen(&["fmt", "--check", "--write", "x"]).status.code(),
        Some(2)
    );
    assert_eq!(iamgen(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(iamgen(&["--help"]).status.code(), Some(0));
}
