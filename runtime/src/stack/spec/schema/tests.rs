//! The schema against the reader: the committed file is current and a valid draft-07 schema, every spec the
//! repository ships passes it, every structural mistake the reader refuses it refuses too, each rule it states
//! gives the reader's verdict on values at its edges, what it leaves to `iamgen check` is pinned, and Taplo (the
//! validator behind the editors) gives the verdicts `boon` gives.

mod cases;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use super::super::from_toml_at;
use super::{SCHEMA_ID, json_schema};
use cases::{base, beyond_the_schema, rules, structural_mistakes};

const COMMITTED: &str = "docs/iamgen.schema.json";
const REGENERATE: &str =
    "UPDATE_SCHEMA=1 cargo test -p iamgen-runtime --features spec --lib stack::spec::schema";

fn workspace_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?.to_owned();
    // A packaged crate is built without its workspace, and so without the examples and the committed schema.
    std::fs::read_to_string(root.join("Cargo.toml"))
        .ok()?
        .contains("[workspace]")
        .then_some(root)
}

/// The schema, compiled once: compiling validates it against the draft-07 meta-schema.
fn validator() -> &'static (boon::Schemas, boon::SchemaIndex) {
    static VALIDATOR: OnceLock<(boon::Schemas, boon::SchemaIndex)> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(&json_schema()).expect("the schema is JSON");
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler
            .add_resource(SCHEMA_ID, schema)
            .expect("the schema registers");
        let index = compiler
            .compile(SCHEMA_ID, &mut schemas)
            .unwrap_or_else(|error| panic!("the schema is not a valid draft-07 schema: {error:#}"));
        (schemas, index)
    })
}

/// What the schema says is wrong with a spec, one line per problem; empty when it passes. The TOML is read as
/// editors read it, into the JSON the schema describes.
fn schema_problems(text: &str) -> Vec<String> {
    fn leaves(error: &boon::ValidationError<'_, '_>, out: &mut Vec<String>) {
        if error.causes.is_empty() {
            out.push(format!("at `{}`: {}", error.instance_location, error.kind));
        }
        for cause in &error.causes {
            leaves(cause, out);
        }
    }
    let table: toml::Table = toml::from_str(text).expect("the case is TOML");
    let json = serde_json::to_value(&table).expect("TOML is JSON");
    let (schemas, index) = validator();
    let mut problems = Vec::new();
    if let Err(error) = schemas.validate(&json, *index) {
        leaves(&error, &mut problems);
    }
    problems
}

/// The reader's codes for a spec; empty when it reads.
fn reader_codes(text: &str, base_dir: &Path) -> Vec<&'static str> {
    match from_toml_at(text, base_dir) {
        Ok(_) => Vec::new(),
        Err(error) => error.diagnostics().iter().map(|d| d.code).collect(),
    }
}

#[test]
fn the_committed_schema_is_current() {
    let Some(root) = workspace_root() else {
        return;
    };
    let path = root.join(COMMITTED);
    let expected = json_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &expected).expect("write the schema");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "{COMMITTED} is stale: the spec's structs (runtime/src/stack/spec/raw.rs), their rules (schema.rs), the \
         lint codes or the version changed. Regenerate it with\n    {REGENERATE}"
    );
}

#[test]
fn the_schema_is_a_valid_draft_07_schema() {
    let schema: Value = serde_json::from_str(&json_schema()).expect("JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["$id"], SCHEMA_ID);
    validator();
    // Compiling checks a schema against its meta-schema: one that breaks it is refused.
    let mut broken = schema;
    broken["definitions"]["Account"]["required"] = Value::from("name");
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("urn:broken", broken)
        .expect("registers");
    assert!(
        compiler
            .compile("urn:broken", &mut boon::Schemas::new())
            .is_err()
    );
}

/// Editors show a key's description on hover and in completion: every key has one, and every table.
#[test]
fn every_key_and_table_is_documented() {
    fn walk(at: &str, schema: &Value, missing: &mut Vec<String>) {
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (key, property) in properties {
                let described = property
                    .get("description")
                    .and_then(Value::as_str)
                    .is_some_and(|text| text.len() > 20);
                if !described {
                    missing.push(format!("{at}.{key}"));
                }
            }
        }
    }
    let schema: Value = serde_json::from_str(&json_schema()).expect("JSON");
    let mut missing = Vec::new();
    walk("spec", &schema, &mut missing);
    for (name, definition) in schema["definitions"].as_object().expect("definitions") {
        if definition.get("description").is_none() {
            missing.push(name.clone());
        }
        walk(name, definition, &mut missing);
    }
    assert!(
        missing.is_empty(),
        "write a `///` doc comment (what it is, its default, an example) on: {missing:?}"
    );
}

/// The specs the repository ships: the examples, `iamgen init`'s, and the fuzzers' seeds.
fn shipped_specs(root: &Path) -> Vec<PathBuf> {
    let mut specs = Vec::new();
    for dir in ["examples", "src/cli/init", "fuzz/seeds/spec"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect("a directory of specs")
            .map(|entry| entry.expect("an entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        found.sort();
        specs.extend(found);
    }
    specs
}

/// Every spec the repository ships passes the schema; the examples, whose policy files are beside them, read
/// clean too (`init`'s policy file is written to `policies/` by `iamgen init`, which `tests/cli` checks, and a
/// seed may name a missing file on purpose).
#[test]
fn every_spec_the_repository_ships_passes_the_schema() {
    let Some(root) = workspace_root() else {
        return;
    };
    let specs = shipped_specs(&root);
    assert!(specs.len() >= 8, "{specs:?}");
    let mut report = String::new();
    for path in &specs {
        let text = std::fs::read_to_string(path).expect("a readable spec");
        let problems = schema_problems(&text);
        if !problems.is_empty() {
            let _ = writeln!(report, "{}: {problems:#?}", path.display());
        }
        if path.starts_with(root.join("examples")) {
            let codes = reader_codes(&text, &root.join("examples"));
            if !codes.is_empty() {
                let _ = writeln!(report, "{}: the reader gives {codes:?}", path.display());
            }
        }
    }
    assert!(report.is_empty(), "{report}");
}

/// The TOML blocks of the docs that are whole specs (the reader takes them): the schema takes them too.
#[test]
fn every_spec_in_the_docs_passes_the_schema() {
    let Some(root) = workspace_root() else {
        return;
    };
    let mut whole = 0;
    for page in ["docs/spec.md", "README.md"] {
        let text = std::fs::read_to_string(root.join(page)).expect("the page");
        for block in text.split("```toml\n").skip(1) {
            // The closing fence, indented as its block is in a list item (TOML takes the indentation).
            let block = &block[..block.find("```").expect("a closed block")];
            if !reader_codes(block, &root.join("examples")).is_empty() {
                continue;
            }
            whole += 1;
            let problems = schema_problems(block);
            assert!(problems.is_empty(), "{page}:\n{block}\n{problems:#?}");
        }
    }
    assert!(whole >= 2, "the docs' whole specs: {whole}");
}

#[test]
fn a_schema_directive_is_a_comment_to_the_reader() {
    let text = format!("#:schema ./iamgen.schema.json\n{}", base());
    assert_eq!(reader_codes(&text, Path::new("")), Vec::<&str>::new());
    assert_eq!(schema_problems(&text), Vec::<String>::new());
}

#[test]
fn every_structural_mistake_the_reader_refuses_the_schema_refuses() {
    let mut report = String::new();
    for (what, text, code) in structural_mistakes() {
        let codes = reader_codes(&text, Path::new(""));
        if !codes.contains(&code) {
            let _ = writeln!(
                report,
                "{what}: the reader gave {codes:?}, not {code}\n{text}"
            );
        }
        if schema_problems(&text).is_empty() {
            let _ = writeln!(report, "{what}: the schema takes it\n{text}");
        }
    }
    assert!(report.is_empty(), "{report}");
}

#[test]
fn what_needs_the_whole_spec_is_left_to_the_reader() {
    let mut report = String::new();
    for (what, text, code) in beyond_the_schema() {
        let codes = reader_codes(&text, Path::new(""));
        if !codes.contains(&code) {
            let _ = writeln!(
                report,
                "{what}: the reader gave {codes:?}, not {code}\n{text}"
            );
        }
        let problems = schema_problems(&text);
        if !problems.is_empty() {
            let _ = writeln!(
                report,
                "{what}: the schema refuses it now ({problems:?}): move the case to `structural_mistakes` \
                 and say so in docs/spec.md\n{text}"
            );
        }
    }
    assert!(report.is_empty(), "{report}");
}

/// For every rule, the schema's verdict on each value is the reader's, and values lie on both sides of it.
#[test]
fn each_rule_the_schema_states_gives_the_readers_verdict() {
    let mut report = String::new();
    for rule in rules() {
        let mut read = 0;
        for (value, text) in rule.specs() {
            let codes = reader_codes(&text, Path::new(""));
            let problems = schema_problems(&text);
            if codes.is_empty() != problems.is_empty() {
                let shown: String = value.chars().take(40).collect();
                let _ = writeln!(
                    report,
                    "{} {shown} ({} characters): reader {codes:?}, schema {problems:?}",
                    rule.name,
                    value.chars().count()
                );
            }
            read += usize::from(codes.is_empty());
        }
        // A template the reader refuses whatever the value would make every verdict agree, and prove nothing.
        if read == 0 || read == rule.values.len() {
            let _ = writeln!(
                report,
                "{}: {read} of {} values read: give values on both sides of the rule",
                rule.name,
                rule.values.len()
            );
        }
    }
    assert!(
        report.is_empty(),
        "the schema and the reader disagree:\n{report}"
    );
}

/// Taplo's command line as `scripts/ci-tools.sh` installs it, and `node` to run it; `None` (skipped) outside
/// CI when it is not there. The policy of `tests/support/tools.rs`, which this package cannot reach.
fn taplo(root: &Path) -> Option<(PathBuf, PathBuf)> {
    let cli = root.join("target/ci-tools/node/node_modules/@taplo/cli/dist/cli.js");
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    if !cli.exists() {
        assert!(
            !in_ci,
            "Taplo is not installed at {}: CI must run `scripts/ci-tools.sh` before the tests",
            cli.display()
        );
        eprintln!("skipped: Taplo is not installed (run `scripts/ci-tools.sh` to install it)");
        return None;
    }
    let node = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("node"))
            .find(|node| node.is_file())
    })?;
    Some((node, cli))
}

/// Taplo, the validator behind the editors (its own JSON Schema implementation and regex dialect), gives each
/// spec of the cases above and each shipped spec the verdict `boon` gives.
#[test]
fn taplo_gives_the_verdicts_boon_gives() {
    let Some(root) = workspace_root() else {
        return;
    };
    let Some((node, cli)) = taplo(&root) else {
        return;
    };
    let mut specs: Vec<(String, String)> = Vec::new();
    for rule in rules() {
        for (value, text) in rule.specs() {
            let shown: String = value.chars().take(40).collect();
            specs.push((format!("{} {shown}", rule.name), text));
        }
    }
    for (what, text, _) in structural_mistakes().into_iter().chain(beyond_the_schema()) {
        specs.push((what.to_owned(), text));
    }
    for path in shipped_specs(&root) {
        let text = std::fs::read_to_string(&path).expect("a readable spec");
        specs.push((path.display().to_string(), text));
    }
    let dir = std::env::temp_dir().join(format!("iamgen-schema-taplo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let schema = dir.join("iamgen.schema.json");
    std::fs::write(&schema, json_schema()).expect("the schema");
    let mut command = Command::new(node);
    command
        .arg(cli)
        .args(["lint", "--no-auto-config", "--colors", "never", "--schema"])
        .arg(format!("file://{}", schema.display()))
        .current_dir(&dir);
    for (index, (_, text)) in specs.iter().enumerate() {
        let path = dir.join(format!("case-{index}.toml"));
        std::fs::write(&path, text).expect("a case");
        command.arg(path);
    }
    let output = command.output().expect("Taplo runs");
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    let _ = std::fs::remove_dir_all(&dir);
    let mut report = String::new();
    for (index, (what, text)) in specs.iter().enumerate() {
        let refused = said.contains(&format!("case-{index}.toml\""));
        if refused == schema_problems(text).is_empty() {
            let _ = writeln!(report, "{what}: Taplo refuses it: {refused}");
        }
    }
    assert!(
        report.is_empty(),
        "Taplo and boon disagree:\n{report}\nTaplo said:\n{said}"
    );
}
