use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{ALL, AllowError, REFUSED_BY_AWS, check, check_allow, lookup, suggest};
use crate::diagnostic::Severity;

#[test]
fn codes_are_sorted_unique_and_upper_snake_case() {
    for pair in ALL.windows(2) {
        assert!(
            pair[0].name < pair[1].name,
            "`{}` must come after `{}`",
            pair[0].name,
            pair[1].name
        );
    }
    for code in ALL {
        assert!(
            is_code_shaped(code.name),
            "`{}` is not UPPER_SNAKE_CASE",
            code.name
        );
        assert!(
            code.summary.ends_with('.'),
            "the summary of `{}` is a sentence",
            code.name
        );
    }
    assert_eq!(
        ALL.len(),
        143,
        "a code was added or removed: update this count"
    );
}

#[test]
fn lookup_finds_every_code_and_nothing_else() {
    for code in ALL {
        assert_eq!(lookup(code.name), Some(code));
    }
    assert_eq!(lookup("missing_version"), None);
    assert_eq!(lookup(""), None);
}

#[test]
fn an_unknown_code_gets_a_did_you_mean() {
    assert_eq!(suggest("MISSING_VERSON"), Some("MISSING_VERSION")); // misspelt on purpose
    assert_eq!(suggest("missing_version"), Some("MISSING_VERSION"));
    let error = check("PUBLIC_PRINCIPLE").unwrap_err(); // misspelt on purpose
    assert_eq!(
        error.to_string(),
        "unknown lint code `PUBLIC_PRINCIPLE`; did you mean `PUBLIC_PRINCIPAL`?" // misspelt on purpose
    );
    let error = check("NOTHING_LIKE_IT_AT_ALL_QQQ").unwrap_err(); // misspelt on purpose
    assert_eq!(error.suggestion, None);
}

#[test]
fn codes_that_mean_aws_refuses_the_policy_cannot_be_allowed() {
    for name in REFUSED_BY_AWS {
        let code = lookup(name).unwrap_or_else(|| panic!("`{name}` is not a code"));
        assert_eq!(
            code.severity,
            Severity::Error,
            "`{name}` is refused, so an error"
        );
        assert!(!code.allowable);
    }
    assert!(
        REFUSED_BY_AWS.windows(2).all(|pair| pair[0] < pair[1]),
        "sorted"
    );
    let Err(AllowError::Refused(code)) = check_allow("INVALID_ACTION") else {
        panic!("INVALID_ACTION was allowed")
    };
    assert_eq!(code.name, "INVALID_ACTION");
    assert!(
        check_allow("INVALID_ACTION")
            .unwrap_err()
            .to_string()
            .ends_with("(the action does not exist in its service); fix the policy instead"),
    );
    assert!(check_allow("MISSING_VERSION").is_ok());
    assert!(matches!(
        check_allow("MISSING_VERSON"), // misspelt on purpose
        Err(AllowError::Unknown(_))
    ));
}

/// Where iamgen's default severity differs from Access Analyzer's finding type, and why.
const SEVERITY_DIFFERS_FROM_ACCESS_ANALYZER: &[(&str, &str)] = &[
    (
        "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
        "IAM rejects the policy at its use's quota, which iamgen knows; Access Analyzer does not know the use",
    ),
    (
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
        "the key may come from a service iamgen's catalogue does not describe for that action, so iamgen warns",
    ),
];

#[test]
fn access_analyzer_names_match_its_check_reference() {
    let reference: Vec<(&str, &str, &str)> = include_str!("access-analyzer-2023.tsv")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| {
            let mut fields = line.split('\t');
            let mut next = || fields.next().expect("three tab-separated fields");
            (next(), next(), next())
        })
        .collect();
    let mut differences = Vec::new();
    for code in ALL {
        let entry = reference.iter().find(|(name, _, _)| *name == code.name);
        match (code.access_analyzer, entry) {
            (Some(title), Some((_, severity, reference_title))) => {
                assert_eq!(
                    title, *reference_title,
                    "`{}`: Access Analyzer's title",
                    code.name
                );
                if *severity != code.severity.as_str() {
                    differences.push(code.name);
                }
            }
            (Some(title), None) => panic!(
                "`{}` names the Access Analyzer check `{title}`, which does not exist",
                code.name
            ),
            (None, Some((_, _, title))) => {
                panic!(
                    "`{}` is Access Analyzer's check `{title}`: say so in the registry",
                    code.name
                )
            }
            (None, None) => {}
        }
    }
    let expected: Vec<&str> = SEVERITY_DIFFERS_FROM_ACCESS_ANALYZER
        .iter()
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(
        differences, expected,
        "severities that differ from Access Analyzer's, each with a reason"
    );
}

fn is_code_shaped(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_uppercase())
        && text.contains('_')
        && !text.ends_with('_')
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Upper-snake-case string literals that are not codes: environment variables and AWS constants.
fn is_not_a_code(text: &str) -> bool {
    [
        "AWS_", "IAMGEN_", "CARGO_", "INSTA_", "RUST_", "MOTO_", "UPDATE_", "CKV",
    ]
    .iter()
    .any(|prefix| text.starts_with(prefix))
        || [
            "OUT_DIR",
            "NO_COLOR",
            "CAPABILITY_NAMED_IAM",
            "SERVICE_MANAGED",
            // The types of an Organizations policy, in Terraform and CloudFormation.
            "SERVICE_CONTROL_POLICY",
            "RESOURCE_CONTROL_POLICY",
            "ACME_1_2",
            "TEST_CODE",
        ]
        .contains(&text)
}

/// The codes a line names: quoted (`"MISSING_VERSION"`), in `allow(...)`, or after `--allow`.
fn named_codes(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (index, piece) in line.split('"').enumerate() {
        if index % 2 == 1 && is_code_shaped(piece) && !is_not_a_code(piece) {
            found.push(piece.to_owned());
        }
    }
    for (at, _) in line.match_indices("allow(") {
        let rest = &line[at + "allow(".len()..];
        let inside = &rest[..rest.find(')').unwrap_or(rest.len())];
        for item in inside.split(',') {
            let item = item.trim().trim_matches('"');
            if is_code_shaped(item) {
                found.push(item.to_owned());
            }
        }
    }
    for (at, _) in line.match_indices("--allow") {
        let rest = line[at + "--allow".len()..].trim_start_matches([' ', '=']);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if is_code_shaped(&rest[..end]) {
            found.push(rest[..end].to_owned());
        }
    }
    found.sort();
    found.dedup();
    found
}

fn workspace_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?.to_owned();
    // A packaged crate is built without its workspace: then only its own sources are there to scan.
    std::fs::read_to_string(root.join("Cargo.toml"))
        .ok()?
        .contains("[workspace]")
        .then_some(root)
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|entry| entry.path()).collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        if path.is_dir() {
            if !matches!(name, "target" | "node_modules" | ".git" | "snapshots") {
                collect(&path, files);
            }
        } else if path.extension().is_some_and(|extension| {
            ["rs", "md", "toml"]
                .iter()
                .any(|known| extension.eq_ignore_ascii_case(known))
        }) {
            files.push(path);
        }
    }
}

#[test]
fn every_code_named_in_the_sources_is_in_the_registry() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    match workspace_root() {
        Some(root) => {
            for dir in [
                "runtime", "src", "tests", "macros", "examples", "docs", "benches", "fuzz",
            ] {
                collect(&root.join(dir), &mut files);
            }
            files.push(root.join("README.md"));
        }
        None => collect(manifest, &mut files),
    }
    assert!(
        files.len() > 50,
        "the scan found only {} files",
        files.len()
    );
    let mut unknown = String::new();
    let mut seen = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for (number, line) in text.lines().enumerate() {
            // Tests of the did-you-mean misspell codes on purpose, and say so on the line.
            if line.contains("misspelt on purpose") {
                continue;
            }
            for name in named_codes(line) {
                seen += 1;
                // A family's prefix, as in `code.starts_with("POLICY_SIZE")`, names the codes it begins.
                let prefix = format!("{name}_");
                if lookup(&name).is_none() && !ALL.iter().any(|code| code.name.starts_with(&prefix))
                {
                    let near = suggest(&name)
                        .map(|near| format!(" (did you mean `{near}`?)"))
                        .unwrap_or_default();
                    let _ = writeln!(unknown, "{}:{}: `{name}`{near}", file.display(), number + 1);
                }
            }
        }
    }
    assert!(seen > 200, "the scan recognised only {seen} codes");
    assert!(
        unknown.is_empty(),
        "codes named in the sources but not in runtime/src/codes.rs: add them to the registry, fix the \
         spelling, or (for a string that is not a code) to `is_not_a_code`:\n{unknown}"
    );
}

#[test]
fn the_scanner_recognises_each_way_of_naming_a_code() {
    assert_eq!(
        named_codes(r#"cx.report("MISSING_VERSION", x)"#),
        ["MISSING_VERSION"]
    );
    assert_eq!(
        named_codes("policy!(identity, allow(MISSING_VERSION, \"PUBLIC_PRINCIPAL\") {"),
        ["MISSING_VERSION", "PUBLIC_PRINCIPAL"]
    );
    assert_eq!(
        named_codes("iamgen validate --allow MISSING_VERSION p.json"),
        ["MISSING_VERSION"]
    );
    assert_eq!(named_codes("--allow=DEAD_TRUST"), ["DEAD_TRUST"]);
    assert!(
        named_codes(r#"std::env::var("AWS_REGION"); #[allow(clippy::too_many_lines)]"#).is_empty()
    );
}

const DOCS_PAGE: &str = "docs/lint-codes.md";
const REGENERATE: &str = "UPDATE_LINT_CODES=1 cargo test -p iamgen-runtime --lib codes::tests";

fn docs_page() -> String {
    let mut page = format!(
        "<!-- @generated from runtime/src/codes.rs by `{REGENERATE}`. DO NOT EDIT. -->\n\n\
         # Lint codes\n\n\
         Every code a finding of `iamgen validate`, the macros or the stack checks can carry. A code that IAM Access \
         Analyzer's policy validation also reports has the same name there, and its check's title is given. The \
         severity is the default one: a few checks report a milder or stricter one depending on the case, as the \
         meaning says.\n\n\
         Accept a finding by its code with `iamgen validate --allow CODE` or a macro's `allow(CODE)`; either \
         rejects a code that is not in this list, and a code whose finding means that AWS refuses the policy or \
         that what it names never takes effect (\"no\" in the column *Allow*; see `REFUSED_BY_AWS` in \
         `runtime/src/codes.rs` for the rule).\n\n\
         What the linter reports on AWS's own managed policies, and why each error there is right, is in \
         [lint-aws-managed-policies.md](lint-aws-managed-policies.md).\n\n\
         | Code | Severity | Allow | Access Analyzer check | Meaning |\n\
         |------|----------|-------|-----------------------|---------|\n"
    );
    for code in ALL {
        let severity = match code.severity {
            Severity::Error => "error",
            Severity::SecurityWarning => "security warning",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        };
        let _ = writeln!(
            page,
            "| `{}` | {severity} | {} | {} | {} |",
            code.name,
            if code.allowable { "yes" } else { "no" },
            code.access_analyzer.unwrap_or("—"),
            code.summary
        );
    }
    page
}

#[test]
fn the_docs_page_lists_every_code() {
    let Some(root) = workspace_root() else {
        return;
    };
    let path = root.join(DOCS_PAGE);
    let expected = docs_page();
    if std::env::var_os("UPDATE_LINT_CODES").is_some() {
        std::fs::write(&path, &expected).expect("write the docs page");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "{DOCS_PAGE} is stale: the registry in runtime/src/codes.rs changed. Regenerate it with\n    {REGENERATE}"
    );
}
