//! The linter over AWS's own managed policies (as moto ships them, extracted by `scripts/ci-tools.sh`): IAM
//! accepts every one and they are in use, so each error the linter reports on them must be one it can defend.
//! The counts of errors by code are a reviewed snapshot; docs/lint-codes.md ("AWS managed policies") says why
//! each remaining error code is right.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use iamgen::Severity;
use iamgen::lint::{self, Options, PolicyKind};

use crate::support::tools;

#[test]
fn aws_managed_policies_get_only_errors_that_are_right() {
    let Some(dir) = tools::aws_managed_policies() else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() > 1000,
        "only {} policies in {}",
        files.len(),
        dir.display()
    );
    let options = Options::default();
    let mut errors: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut with_errors = 0;
    let mut wrong = Vec::new();
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(path).expect("a readable policy");
        let report = std::panic::catch_unwind(|| {
            lint::lint_source(&source, Some(PolicyKind::Identity), &options)
        })
        .unwrap_or_else(|_| panic!("the linter panicked on {name}"));
        let flagged: HashSet<&str> = report
            .findings
            .iter()
            .filter_map(|finding| finding.pointer.as_deref())
            .collect();
        let mut any_error = false;
        for finding in &report.findings {
            if finding.help.as_deref() == Some("") {
                wrong.push(format!("{name}: {} has an empty help", finding.code));
            }
            if finding.severity != Severity::Error {
                continue;
            }
            any_error = true;
            *errors.entry(finding.code).or_default() += 1;
            // An error for an entry that grants nothing is right only when no entry of its statement works:
            // every sibling is flagged too.
            if finding.code == "RESOURCE_MATCHES_NO_ACTION"
                && let Some(pointer) = finding.pointer.as_deref()
                && let Some((element, _)) = pointer.rsplit_once('/')
                && element.ends_with("/Resource")
            {
                let statement = element.trim_end_matches("/Resource");
                let count = statement_resource_count(&source, statement);
                let unflagged = (0..count)
                    .filter(|index| !flagged.contains(format!("{element}/{index}").as_str()))
                    .count();
                if unflagged > 0 {
                    wrong.push(format!(
                        "{name}: {pointer} is an error beside {unflagged} working entries"
                    ));
                }
            }
        }
        with_errors += usize::from(any_error);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let mut table = format!("{} policies, {with_errors} with an error\n", files.len());
    for (code, count) in &errors {
        let _ = writeln!(table, "{code} {count}");
    }
    insta::assert_snapshot!(table);
}

/// How many entries the `Resource` array of the statement at `pointer` (`/Statement/3`, or `/Statement`) has.
fn statement_resource_count(source: &str, pointer: &str) -> usize {
    let value: serde_json::Value = serde_json::from_str(source).expect("JSON");
    value
        .pointer(&format!("{pointer}/Resource"))
        .and_then(serde_json::Value::as_array)
        .map_or(1, Vec::len)
}
