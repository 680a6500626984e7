//! Offline validation of SARIF 2.1.0 logs against the official OASIS JSON schema.
//!
//! The tests below prove the harness itself can both pass and fail, so that a green
//! `assert_valid_sarif` on `iamgen validate --format sarif` output means something.

use serde_json::{Value, json};

use crate::support::sarif::{SARIF_SCHEMA_ID, assert_valid_sarif};

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
        serde_json::from_str(include_str!("../fixtures/sarif/sarif-schema-2.1.0.json")).unwrap();
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
