//! The spec's JSON Schema (`iamgen schema`), compiled once per test binary, to hold the specs iamgen writes
//! (`iamgen init`, `iamgen import`) to it as an editor would: the TOML read into JSON, validated with `boon`.

use std::sync::OnceLock;

use iamgen::stack::spec::{SCHEMA_ID, json_schema};
use serde_json::Value;

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
            .expect("the schema compiles");
        (schemas, index)
    })
}

/// Asserts that the spec `text` passes the schema, naming every problem and the spec otherwise.
pub fn assert_spec_passes_schema(text: &str) {
    let table: toml::Table =
        toml::from_str(text).unwrap_or_else(|error| panic!("not TOML: {error}\n{text}"));
    let json = serde_json::to_value(&table).expect("TOML is JSON");
    let (schemas, index) = validator();
    if let Err(error) = schemas.validate(&json, *index) {
        panic!("the spec does not pass the schema: {error:#}\n{text}");
    }
}
