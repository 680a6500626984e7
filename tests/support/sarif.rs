//! Offline validation of SARIF 2.1.0 logs against the official OASIS JSON schema, for `iamgen validate
//! --format sarif` (`tests/cli/cli_validate.rs`) and the harness's own tests (`tests/it/sarif_schema.rs`).
//!
//! The schema is vendored in `tests/fixtures/sarif/` (provenance and checksum in the README there), embedded
//! with `include_str!` and compiled once per test binary. Nothing is fetched or read at run time: the schema is
//! self-contained and is registered with the validator (`boon`) under its own `id`, so its loader is never
//! asked for anything.

use std::fmt::Write as _;
use std::sync::OnceLock;

use serde_json::Value;

/// The `id` of the vendored schema: SARIF 2.1.0 with errata 01, as published by OASIS.
pub const SARIF_SCHEMA_ID: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The SARIF 2.1.0 schema, compiled once per test binary, and its index in the set.
///
/// # Panics
///
/// If the vendored schema is not JSON or does not compile, which is a broken fixture.
#[must_use]
pub fn sarif_validator() -> &'static (boon::Schemas, boon::SchemaIndex) {
    static VALIDATOR: OnceLock<(boon::Schemas, boon::SchemaIndex)> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(include_str!("../fixtures/sarif/sarif-schema-2.1.0.json"))
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
