//! `iamgen generate SPEC` end to end, through the built binary: the scenario's spec generates exactly what the
//! built-in scenario does, the hardened spec generates, and a broken spec stops with its line and column.

use std::path::Path;

use crate::support::cli::{iamgen, stderr};
use crate::support::files::contents_below;

#[test]
fn the_scenario_spec_generates_the_built_in_scenario_byte_for_byte() {
    let from_spec = tempfile::tempdir().unwrap();
    let built_in = tempfile::tempdir().unwrap();
    let spec_out = from_spec.path().to_str().unwrap();
    let built_in_out = built_in.path().to_str().unwrap();

    let output = iamgen(&["generate", "examples/cross_account.toml", "--out", spec_out]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = iamgen(&["generate", "--out", built_in_out]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let generated = contents_below(from_spec.path());
    assert!(
        generated.keys().any(|path| path.starts_with("terraform/")),
        "{:?}",
        generated.keys()
    );
    assert_eq!(generated, contents_below(built_in.path()));
}

#[test]
fn the_hardened_spec_generates() {
    let out = tempfile::tempdir().unwrap();
    let output = iamgen(&[
        "generate",
        "examples/hardened.toml",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let generated = contents_below(out.path());
    let trust = generated
        .iter()
        .find(|(name, _)| name.contains("StuzioAcmeConsultantRole") && name.contains("trust"))
        .map_or_else(
            || panic!("no trust policy among {:?}", generated.keys()),
            |(_, bytes)| String::from_utf8_lossy(bytes).into_owned(),
        );
    assert!(trust.contains("stuzio-acme-projectx"), "{trust}");
    assert!(
        trust.contains("arn:aws:iam::183438944504:user/Dana"),
        "{trust}"
    );
}

#[test]
fn a_broken_spec_exits_2_with_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("iamgen.toml");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cross_account.toml"),
    )
    .unwrap()
    .replace("id = \"183438944504\"", "id = 183438944504");
    let line = text
        .lines()
        .position(|line| line == "id = 183438944504")
        .unwrap()
        + 1;
    std::fs::write(&spec, &text).unwrap();
    let out = dir.path().join("out");
    let output = iamgen(&[
        "generate",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let stderr = stderr(&output);
    assert!(
        stderr.contains(&format!("{}:{line}:6", spec.display())),
        "{stderr}"
    );
    assert!(stderr.contains("[INVALID_ACCOUNT_ID]"), "{stderr}");
    assert!(stderr.contains("id = \"183438944504\""), "{stderr}");
    assert!(!out.exists(), "nothing is generated from a broken spec");
}
