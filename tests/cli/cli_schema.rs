//! `iamgen schema` (#17): the JSON Schema of `iamgen.toml` for editors, the same as the committed
//! `docs/iamgen.schema.json`, and the schema `iamgen init` writes beside its spec, whose first line names it.

use std::process::Command;

use crate::support::cli::{described, iamgen};
use crate::support::spec_schema::assert_spec_passes_schema;
use crate::support::tools;

#[test]
fn schema_prints_the_committed_schema_and_writes_it_with_out() {
    let printed = iamgen(&["schema"]);
    assert_eq!(printed.status.code(), Some(0), "{}", described(&printed));
    let schema = String::from_utf8(printed.stdout).expect("UTF-8");
    let committed = std::fs::read_to_string(tools::root().join("docs/iamgen.schema.json"))
        .expect("the committed schema");
    assert!(
        schema == committed,
        "docs/iamgen.schema.json is stale: `iamgen schema --out docs/iamgen.schema.json`"
    );
    let json: serde_json::Value = serde_json::from_str(&schema).expect("JSON");
    assert_eq!(json["$schema"], "http://json-schema.org/draft-07/schema#");

    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("editor/iamgen.schema.json");
    let path_text = path.to_str().expect("UTF-8");
    let written = iamgen(&["schema", "--out", path_text]);
    assert_eq!(written.status.code(), Some(0), "{}", described(&written));
    assert_eq!(
        String::from_utf8_lossy(&written.stdout),
        format!("wrote {path_text}\n")
    );
    assert_eq!(std::fs::read_to_string(&path).expect("written"), schema);
    // Written again over the first: the file is replaced, as a regenerated schema should be.
    let again = iamgen(&["schema", "--out", path_text]);
    assert_eq!(again.status.code(), Some(0), "{}", described(&again));

    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, "").expect("a file");
    let below_a_file = blocked.join("iamgen.schema.json");
    let refused = iamgen(&["schema", "--out", below_a_file.to_str().expect("UTF-8")]);
    assert_eq!(refused.status.code(), Some(2), "{}", described(&refused));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("cannot write"),
        "{}",
        described(&refused)
    );
}

/// `iamgen init` writes the schema beside the spec and names it on the spec's first line, where Taplo reads a
/// `#:schema` directive: the path resolves, from the spec's directory, to a schema the spec passes.
#[test]
fn init_writes_the_schema_its_spec_names() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let init = iamgen(&["init", dir.path().to_str().expect("UTF-8")]);
    assert_eq!(init.status.code(), Some(0), "{}", described(&init));
    let spec = std::fs::read_to_string(dir.path().join("iamgen.toml")).expect("the spec");
    let first = spec.lines().next().expect("a first line");
    let named = first
        .strip_prefix("#:schema ")
        .expect("a schema directive on the first line");
    let schema = std::fs::read_to_string(dir.path().join(named)).expect("the schema it names");
    let printed = iamgen(&["schema"]);
    assert_eq!(String::from_utf8_lossy(&printed.stdout), schema);
    assert_spec_passes_schema(&spec);
}

/// A directory holding a schema beside its spec and policies is walked by `validate` and `fmt` as before: the
/// schema is JSON that is no policy, and is left out rather than refused or rewritten.
#[test]
fn validate_and_fmt_leave_the_schema_out() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().to_str().expect("UTF-8");
    let init = iamgen(&["init", path]);
    assert_eq!(init.status.code(), Some(0), "{}", described(&init));
    let validate = iamgen(&["validate", path]);
    assert_eq!(validate.status.code(), Some(0), "{}", described(&validate));
    // `init`'s policy file is laid out for reading, not in `fmt`'s canonical form: only the schema matters here.
    let fmt = iamgen(&["fmt", "--check", path]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&fmt.stdout),
        String::from_utf8_lossy(&fmt.stderr)
    );
    assert!(!said.contains("iamgen.schema.json"), "{}", described(&fmt));
}

/// Taplo, as an editor runs it, follows the `#:schema` line of `init`'s spec to the schema beside it: the spec
/// lints clean, and a misspelt key and an unquoted account id are marked at their lines.
#[test]
fn taplo_lints_init_s_spec_through_its_schema_directive() {
    let Some((node, taplo)) = tools::taplo() else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let init = iamgen(&["init", dir.path().to_str().expect("UTF-8")]);
    assert_eq!(init.status.code(), Some(0), "{}", described(&init));
    let lint = || {
        tools::run(
            Command::new(&node)
                .arg(&taplo)
                .args([
                    "lint",
                    "--no-auto-config",
                    "--colors",
                    "never",
                    "iamgen.toml",
                ])
                .current_dir(dir.path()),
        )
    };
    let clean = lint();
    assert!(clean.status.success(), "{}", tools::describe(&clean));

    let spec = dir.path().join("iamgen.toml");
    let text = std::fs::read_to_string(&spec).expect("the spec");
    let broken = text
        .replacen("name = \"Owner\"", "nmae = \"Owner\"", 1)
        .replacen("id = \"222222222222\"", "id = 222222222222", 1);
    assert_ne!(broken, text);
    std::fs::write(&spec, broken).expect("the broken spec");
    let refused = lint();
    assert!(!refused.status.success(), "{}", tools::describe(&refused));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("'nmae' was unexpected")
            && said.contains("222222222222 is not of type \"string\""),
        "{}",
        tools::describe(&refused)
    );
}
