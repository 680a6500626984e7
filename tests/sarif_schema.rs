//! Offline validation of SARIF 2.1.0 logs against the official OASIS JSON schema.
//!
//! The schema is vendored in `tests/fixtures/sarif/` (provenance and checksum in the README
//! there), embedded with `include_str!` and compiled once per test binary. Nothing is fetched
//! or read at run time: the schema is self-contained and is registered with the validator
//! (`boon`) under its own `id`, so its loader is never asked for anything.
//!
//! The tests below prove the harness itself can both pass and fail, so that a green
//! `assert_valid_sarif` on `iamgen validate --format sarif` output means something.

use std::fmt::Write as _;
use std::sync::OnceLock;

use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// Reusable helpers: copy into the validate CLI test or include via `#[path]`:
//
//     #[path = "sarif_schema.rs"]
//     pub mod sarif_schema;
//     use sarif_schema::assert_valid_sarif;
//
// (`pub mod`, not `mod`: the helpers are `pub` so that a `#[path]` module can export them,
// and a private module would trip the workspace's `unreachable_pub` lint. Including the
// file also runs the self-tests below in that binary, which is harmless.)
// ---------------------------------------------------------------------------------------

/// The `id` of the vendored schema: SARIF 2.1.0 with errata 01, as published by OASIS.
pub const SARIF_SCHEMA_ID: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The SARIF 2.1.0 schema, compiled once per test binary, and its index in the set.
///
/// Copy into the validate CLI test or include via `#[path]` (see the note above).
///
/// # Panics
///
/// If the vendored schema is not JSON or does not compile, which is a broken fixture.
#[must_use]
pub fn sarif_validator() -> &'static (boon::Schemas, boon::SchemaIndex) {
    static VALIDATOR: OnceLock<(boon::Schemas, boon::SchemaIndex)> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(include_str!("fixtures/sarif/sarif-schema-2.1.0.json"))
                .expect("the vendored SARIF schema is JSON");
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        // The draft comes from the schema's `$schema` (draft-04 for the OASIS file), which
        // asserts `format` already; this keeps it so should the file ever move to a newer draft.
        compiler.enable_format_assertions();
        compiler
            .add_resource(SARIF_SCHEMA_ID, schema)
            .expect("the vendored SARIF schema registers");
        let index = compiler
            .compile(SARIF_SCHEMA_ID, &mut schemas)
            .expect("the vendored SARIF schema compiles");
        (schemas, index)
    })
}

/// Asserts that `value` is a valid SARIF 2.1.0 log, panicking with every validation error
/// (instance path, message, and the schema keyword that rejected it) otherwise.
///
/// Copy into the validate CLI test or include via `#[path]` (see the note above).
///
/// # Panics
///
/// If `value` does not validate against the SARIF 2.1.0 schema.
pub fn assert_valid_sarif(value: &Value) {
    fn leaves<'e, 's, 'v>(
        error: &'e boon::ValidationError<'s, 'v>,
        out: &mut Vec<&'e boon::ValidationError<'s, 'v>>,
    ) {
        if error.causes.is_empty() {
            out.push(error);
        }
        for cause in &error.causes {
            leaves(cause, out);
        }
    }

    let (schemas, index) = sarif_validator();
    let Err(error) = schemas.validate(value, *index) else {
        return;
    };
    let mut errors = Vec::new();
    leaves(&error, &mut errors);
    let mut report = format!(
        "not a valid SARIF 2.1.0 log: {} schema error(s)\n",
        errors.len()
    );
    for error in errors {
        let instance = error.instance_location.to_string();
        let instance = if instance.is_empty() { "/" } else { &instance };
        let schema = error
            .schema_url
            .rsplit_once('#')
            .map_or("", |(_, pointer)| pointer);
        let keyword = error
            .kind
            .keyword_path()
            .map(|k| format!("/{k}"))
            .unwrap_or_default();
        let _ = writeln!(
            report,
            "  at {instance}: {} (schema: #{schema}{keyword})",
            error.kind
        );
    }
    let _ = write!(
        report,
        "document:\n{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
    panic!("{report}");
}

// ---------------------------------------------------------------------------------------
// Self-tests of the harness.
// ---------------------------------------------------------------------------------------

/// A small log shaped like what `iamgen validate --format sarif` emits: one run, one rule,
/// one result with a physical location and a property bag.
fn minimal_log() -> Value {
    json!({
        "$schema": SARIF_SCHEMA_ID,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "iamgen",
                    "informationUri": "https://example.invalid/iamgen",
                    "version": "0.1.0",
                    "rules": [{
                        "id": "IAM001",
                        "name": "WildcardAction",
                        "shortDescription": { "text": "Statement allows every action" },
                        "defaultConfiguration": { "level": "warning" },
                        "properties": { "tags": ["security"] }
                    }]
                }
            },
            "results": [{
                "ruleId": "IAM001",
                "ruleIndex": 0,
                "level": "error",
                "message": { "text": "`Action: \"*\"` grants every action on every service" },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": "policies/admin.json" },
                        "region": { "startLine": 3, "startColumn": 7 }
                    }
                }],
                "properties": { "statementIndex": 0, "sid": "AllowAll" }
            }]
        }]
    })
}

/// Runs the harness on `log` and returns its panic message, or `None` if it accepted the log.
fn rejection(log: &Value) -> Option<String> {
    let outcome = std::panic::catch_unwind(|| assert_valid_sarif(log));
    let payload = outcome.err()?;
    Some(
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(ToString::to_string))
            .unwrap_or_default(),
    )
}

/// Asserts that the harness rejects `log` and that its report names `instance_path`.
fn assert_rejected_at(log: &Value, instance_path: &str) {
    let report = rejection(log).expect("the harness accepted an invalid SARIF log");
    assert!(
        report.contains(&format!("at {instance_path}: ")),
        "expected an error at {instance_path}, got:\n{report}"
    );
}

#[test]
fn schema_is_the_oasis_sarif_2_1_0_schema() {
    let schema: Value =
        serde_json::from_str(include_str!("fixtures/sarif/sarif-schema-2.1.0.json")).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
    assert_eq!(schema["id"], SARIF_SCHEMA_ID);
    assert_eq!(schema["properties"]["version"]["enum"], json!(["2.1.0"]));
}

#[test]
fn minimal_log_is_valid() {
    assert_valid_sarif(&minimal_log());
}

#[test]
fn log_with_no_results_is_valid() {
    let mut log = minimal_log();
    log["runs"][0]["results"] = json!([]);
    assert_valid_sarif(&log);
}

#[test]
fn missing_runs_is_rejected() {
    let mut log = minimal_log();
    log.as_object_mut().unwrap().remove("runs");
    assert_rejected_at(&log, "/");
}

#[test]
fn wrong_version_is_rejected() {
    let mut log = minimal_log();
    log["version"] = json!("2.0.0");
    assert_rejected_at(&log, "/version");
}

#[test]
fn unknown_result_level_is_rejected() {
    let mut log = minimal_log();
    log["runs"][0]["results"][0]["level"] = json!("fatal");
    assert_rejected_at(&log, "/runs/0/results/0/level");
}

#[test]
fn zero_start_line_is_rejected() {
    let mut log = minimal_log();
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    assert_rejected_at(
        &log,
        "/runs/0/results/0/locations/0/physicalLocation/region/startLine",
    );
}

#[test]
fn unknown_rule_level_is_rejected() {
    let mut log = minimal_log();
    log["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] =
        json!("critical");
    assert_rejected_at(
        &log,
        "/runs/0/tool/driver/rules/0/defaultConfiguration/level",
    );
}

#[test]
fn result_without_message_is_rejected() {
    let mut log = minimal_log();
    log["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert_rejected_at(&log, "/runs/0/results/0");
}

#[test]
fn unknown_property_outside_a_property_bag_is_rejected() {
    let mut log = minimal_log();
    log["runs"][0]["results"][0]["severity"] = json!("high");
    assert_rejected_at(&log, "/runs/0/results/0");
}

#[test]
fn artifact_uri_that_is_not_a_uri_reference_is_rejected() {
    let mut log = minimal_log();
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        json!("policies\\admin policy.json");
    assert_rejected_at(
        &log,
        "/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri",
    );
}

#[test]
fn every_error_is_reported() {
    let mut log = minimal_log();
    log["version"] = json!("2.0.0");
    log["runs"][0]["results"][0]["level"] = json!("fatal");
    let report = rejection(&log).expect("the harness accepted an invalid SARIF log");
    assert!(report.contains("2 schema error(s)"), "{report}");
    assert!(report.contains("at /version: "), "{report}");
    assert!(report.contains("at /runs/0/results/0/level: "), "{report}");
}
