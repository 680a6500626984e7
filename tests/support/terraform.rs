//! Terraform: the generated `.tf` files read with hcl-rs, the module they declare, a check against the AWS
//! provider's schema (`tests/fixtures/tf-schema-aws-*.json`), and evaluation of their expressions.

use std::collections::{BTreeMap, BTreeSet};

use hcl::eval::{Context, Evaluate as _, FuncArgs, FuncDef, ParamType};
use hcl::expr::{Expression, ObjectKey, Operation, TemplateExpr, TraversalOperator};
use hcl::template::{Directive, Element, Template};
use hcl::{Block, Body, Value};
use serde_json::Value as Json;

use super::stacks::Case;

/// One generated `.tf` file.
#[derive(Debug, Clone)]
pub struct TfFile {
    /// Its path relative to the output directory (`terraform/stuzio.tf`).
    pub path: String,
    /// Its text.
    pub text: String,
    /// Its body as hcl-rs reads it.
    pub body: Body,
}

/// Every `.tf` file of `case`, parsed by hcl-rs (a file that does not parse fails the test).
#[must_use]
pub fn parse_files(case: &Case) -> Vec<TfFile> {
    let files: Vec<TfFile> = case
        .files("terraform/", ".tf")
        .into_iter()
        .map(|(path, text)| {
            let body = hcl::parse(&text)
                .unwrap_or_else(|error| panic!("{}: {path} does not parse: {error}", case.name));
            TfFile { path, text, body }
        })
        .collect();
    assert!(
        !files.is_empty(),
        "{}: no .tf file was generated",
        case.name
    );
    files
}

/// A block of the module, with the file it is in.
#[derive(Debug, Clone)]
pub struct Declared {
    /// The file.
    pub file: String,
    /// The block.
    pub block: Block,
}

/// What a root module declares: resources, data sources, variables, providers and outputs.
#[derive(Debug, Clone, Default)]
pub struct Module {
    /// `(type, name)` to the resource block.
    pub resources: BTreeMap<(String, String), Declared>,
    /// `(type, name)` to the data block.
    pub data: BTreeMap<(String, String), Declared>,
    /// Name to the variable block.
    pub variables: BTreeMap<String, Declared>,
    /// Provider blocks: `(provider name, alias)`, the alias empty for the default configuration.
    pub providers: BTreeMap<(String, String), Declared>,
    /// Name to the output block.
    pub outputs: BTreeMap<String, Declared>,
    /// `terraform` blocks.
    pub settings: Vec<Declared>,
    /// Anything else at the top level: `kind name` or `attribute name`, for an error message.
    pub unexpected: Vec<String>,
}

fn label(block: &Block, index: usize) -> String {
    block
        .labels()
        .get(index)
        .map(|label| label.as_str().to_owned())
        .unwrap_or_default()
}

/// The string value of a literal attribute of `body` (`alias = "acme"`).
#[must_use]
pub fn literal_string(body: &Body, key: &str) -> Option<String> {
    body.attributes()
        .find(|attribute| attribute.key() == key)
        .and_then(|attribute| match attribute.expr() {
            Expression::String(text) => Some(text.clone()),
            Expression::TemplateExpr(template) => match template.as_ref() {
                TemplateExpr::QuotedString(text) if !text.contains("${") => Some(text.clone()),
                _ => None,
            },
            _ => None,
        })
}

/// An attribute's expression.
#[must_use]
pub fn attribute<'a>(body: &'a Body, key: &str) -> Option<&'a Expression> {
    body.attributes()
        .find(|attribute| attribute.key() == key)
        .map(hcl::Attribute::expr)
}

impl Module {
    /// The module the files declare; a name declared twice fails the test.
    #[must_use]
    pub fn new(files: &[TfFile]) -> Module {
        let mut module = Module::default();
        for file in files {
            for attribute in file.body.attributes() {
                module
                    .unexpected
                    .push(format!("{}: attribute {}", file.path, attribute.key()));
            }
            for block in file.body.blocks() {
                let declared = Declared {
                    file: file.path.clone(),
                    block: block.clone(),
                };
                let twice = match block.identifier() {
                    "resource" => module
                        .resources
                        .insert((label(block, 0), label(block, 1)), declared)
                        .is_some(),
                    "data" => module
                        .data
                        .insert((label(block, 0), label(block, 1)), declared)
                        .is_some(),
                    "variable" => module.variables.insert(label(block, 0), declared).is_some(),
                    "output" => module.outputs.insert(label(block, 0), declared).is_some(),
                    "provider" => {
                        let alias = literal_string(block.body(), "alias").unwrap_or_default();
                        module
                            .providers
                            .insert((label(block, 0), alias), declared)
                            .is_some()
                    }
                    "terraform" => {
                        module.settings.push(declared);
                        false
                    }
                    other => {
                        module
                            .unexpected
                            .push(format!("{}: block {other}", file.path));
                        false
                    }
                };
                assert!(
                    !twice,
                    "{}: {} {:?} is declared twice",
                    file.path,
                    block.identifier(),
                    block.labels()
                );
            }
        }
        module
    }

    /// How many resources of each type.
    #[must_use]
    pub fn resource_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for (kind, _) in self.resources.keys() {
            *counts.entry(kind.clone()).or_insert(0) += 1;
        }
        counts
    }
}

// ---------------------------------------------------------------------------------------------------------
// References

/// A name an expression refers to: `aws_iam_role.x.arn` is root `aws_iam_role` with path `[x, arn]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reference {
    /// The variable the traversal starts from.
    pub root: String,
    /// The attribute names that follow, up to the first index.
    pub path: Vec<String>,
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.root)?;
        for part in &self.path {
            write!(f, ".{part}")?;
        }
        Ok(())
    }
}

/// What an expression uses: references and function names.
#[derive(Debug, Clone, Default)]
pub struct Uses {
    /// The references, in order of appearance.
    pub references: Vec<Reference>,
    /// The functions called.
    pub functions: BTreeSet<String>,
}

impl Uses {
    /// Everything `expression` uses.
    #[must_use]
    pub fn of(expression: &Expression) -> Uses {
        let mut uses = Uses::default();
        uses.expression(expression);
        uses
    }

    fn expression(&mut self, expression: &Expression) {
        match expression {
            Expression::Variable(variable) => self.references.push(Reference {
                root: variable.as_str().to_owned(),
                path: Vec::new(),
            }),
            Expression::Traversal(traversal) => {
                let mut path = Vec::new();
                let mut indexed = false;
                for operator in &traversal.operators {
                    match operator {
                        TraversalOperator::GetAttr(name) if !indexed => {
                            path.push(name.as_str().to_owned());
                        }
                        TraversalOperator::Index(index) => {
                            indexed = true;
                            self.expression(index);
                        }
                        _ => indexed = true,
                    }
                }
                if let Expression::Variable(variable) = &traversal.expr {
                    self.references.push(Reference {
                        root: variable.as_str().to_owned(),
                        path,
                    });
                } else {
                    self.expression(&traversal.expr);
                }
            }
            Expression::Array(items) => items.iter().for_each(|item| self.expression(item)),
            Expression::Object(members) => {
                for (key, value) in members {
                    if let ObjectKey::Expression(key) = key {
                        self.expression(key);
                    }
                    self.expression(value);
                }
            }
            Expression::TemplateExpr(template) => {
                let template = Template::from_expr(template)
                    .unwrap_or_else(|error| panic!("a template does not parse: {error}"));
                self.template(&template);
            }
            Expression::FuncCall(call) => {
                self.functions.insert(call.name.name.as_str().to_owned());
                call.args.iter().for_each(|arg| self.expression(arg));
            }
            Expression::Parenthesis(inner) => self.expression(inner),
            Expression::Conditional(conditional) => {
                self.expression(&conditional.cond_expr);
                self.expression(&conditional.true_expr);
                self.expression(&conditional.false_expr);
            }
            Expression::Operation(operation) => match operation.as_ref() {
                Operation::Unary(unary) => self.expression(&unary.expr),
                Operation::Binary(binary) => {
                    self.expression(&binary.lhs_expr);
                    self.expression(&binary.rhs_expr);
                }
            },
            Expression::ForExpr(for_expr) => {
                // The iteration variables are local: references to them are not the module's.
                let locals: Vec<&str> = for_expr
                    .key_var
                    .iter()
                    .chain(std::iter::once(&for_expr.value_var))
                    .map(hcl::Identifier::as_str)
                    .collect();
                self.expression(&for_expr.collection_expr);
                let mut inner = Uses::default();
                if let Some(key) = &for_expr.key_expr {
                    inner.expression(key);
                }
                inner.expression(&for_expr.value_expr);
                if let Some(condition) = &for_expr.cond_expr {
                    inner.expression(condition);
                }
                self.functions.extend(inner.functions);
                self.references.extend(
                    inner
                        .references
                        .into_iter()
                        .filter(|reference| !locals.contains(&reference.root.as_str())),
                );
            }
            _ => {}
        }
    }

    fn template(&mut self, template: &Template) {
        for element in template.elements() {
            match element {
                Element::Literal(_) => {}
                Element::Interpolation(interpolation) => self.expression(&interpolation.expr),
                Element::Directive(directive) => match directive.as_ref() {
                    Directive::If(directive) => {
                        self.expression(&directive.cond_expr);
                        self.template(&directive.true_template);
                        if let Some(other) = &directive.false_template {
                            self.template(other);
                        }
                    }
                    Directive::For(directive) => {
                        self.expression(&directive.collection_expr);
                        self.template(&directive.template);
                    }
                },
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// The provider schema

/// The AWS provider's schema for the `aws_iam_*` and `aws_s3_bucket` resources and data sources, as committed in
/// `tests/fixtures/tf-schema-aws-iam.json` (extracted from `@cdktf/provider-aws`), with the other resources the
/// generator emits from `tests/fixtures/tf-schema-aws-extra.json` (`scripts/refresh-tf-schema-extra.sh`, from
/// the same package and provider version).
#[derive(Debug, Clone)]
pub struct Schema {
    json: Json,
}

/// Attributes that a resource exports but that cannot be set, so that the schema fixture (which lists the
/// arguments only) does not have them; from the "Attribute Reference" of each resource's documentation in the
/// provider (6.x). `id` and `tags_all` are in the fixture already.
pub const EXPORTED_ONLY: &[(&str, &[&str])] = &[
    ("aws_iam_role", &["arn", "create_date", "unique_id"]),
    ("aws_iam_policy", &["arn", "attachment_count", "policy_id"]),
    ("aws_iam_user", &["arn", "unique_id"]),
    ("aws_iam_group", &["arn", "unique_id"]),
    (
        "aws_s3_bucket",
        &[
            "arn",
            "bucket_domain_name",
            "bucket_region",
            "bucket_regional_domain_name",
            "hosted_zone_id",
            "website_domain",
            "website_endpoint",
        ],
    ),
];

/// Terraform's meta-arguments of a `resource` block.
pub const RESOURCE_META_ATTRIBUTES: &[&str] = &["provider", "count", "for_each", "depends_on"];
/// Terraform's meta-blocks of a `resource` block.
pub const RESOURCE_META_BLOCKS: &[&str] = &["lifecycle", "connection", "provisioner"];

/// Terraform functions the generated code may call.
pub const FUNCTIONS: &[&str] = &[
    "jsonencode",
    "jsondecode",
    "can",
    "regex",
    "format",
    "join",
    "length",
    "lower",
    "tostring",
    "tonumber",
];

impl Schema {
    /// The committed schema: the shared IAM one and the extra resources, which must be of the same provider
    /// version and name no resource twice.
    #[must_use]
    pub fn load() -> Schema {
        let read = |name: &str| -> Json {
            let path = super::tools::root().join("tests/fixtures").join(name);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            serde_json::from_str(&text)
                .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
        };
        let mut json = read("tf-schema-aws-iam.json");
        let extra = read("tf-schema-aws-extra.json");
        assert_eq!(
            extra["provider_version"], json["provider_version"],
            "the extra schema is of another provider version"
        );
        let resources = json["resource"].as_object_mut().expect("resources");
        for (kind, block) in extra["resource"].as_object().expect("extra resources") {
            assert!(
                resources.insert(kind.clone(), block.clone()).is_none(),
                "{kind} is in both schema files"
            );
        }
        Schema { json }
    }

    /// `provider_version` of the schema.
    #[must_use]
    pub fn provider_version(&self) -> &str {
        self.json["provider_version"].as_str().unwrap_or_default()
    }

    /// The schema block of a resource type.
    #[must_use]
    pub fn resource(&self, kind: &str) -> Option<&Json> {
        self.json["resource"].get(kind)
    }

    /// The schema block of a data source type.
    #[must_use]
    pub fn data(&self, kind: &str) -> Option<&Json> {
        self.json["data"].get(kind)
    }

    /// The provider configuration's schema block.
    #[must_use]
    pub fn provider(&self) -> &Json {
        &self.json["provider"]["aws"]
    }

    /// Whether `attribute` can be read from a resource (or data source) of `kind`.
    #[must_use]
    pub fn readable(&self, block: &Json, kind: &str, attribute: &str) -> bool {
        block["attributes"].get(attribute).is_some()
            || block["blocks"].get(attribute).is_some()
            || EXPORTED_ONLY
                .iter()
                .any(|(k, names)| *k == kind && names.contains(&attribute))
    }
}

/// Whether a literal expression can be of the schema's attribute type (references and calls can be anything).
fn type_fits(kind: &str, expression: &Expression) -> bool {
    if kind == "any" {
        return true;
    }
    match expression {
        Expression::Null
        | Expression::Variable(_)
        | Expression::Traversal(_)
        | Expression::FuncCall(_)
        | Expression::Parenthesis(_)
        | Expression::Conditional(_)
        | Expression::Operation(_)
        | Expression::ForExpr(_) => true,
        Expression::String(_) | Expression::TemplateExpr(_) => {
            matches!(kind, "string" | "number" | "boolean")
        }
        Expression::Number(_) => matches!(kind, "number" | "string"),
        Expression::Bool(_) => matches!(kind, "boolean" | "string"),
        Expression::Array(_) => kind.ends_with("List") || kind.ends_with("Set"),
        Expression::Object(_) => kind.ends_with("Map"),
        _ => false,
    }
}

/// Checks a block's body against a schema block: every attribute and nested block exists with a fitting
/// literal type, every required one is there, a `struct` (single) block appears at most once.
fn check_body(
    body: &Body,
    schema: &Json,
    meta_attributes: &[&str],
    meta_blocks: &[&str],
    place: &str,
    problems: &mut Vec<String>,
) {
    let mut seen = BTreeSet::new();
    for attribute in body.attributes() {
        let key = attribute.key();
        seen.insert(key.to_owned());
        if meta_attributes.contains(&key) {
            continue;
        }
        match schema["attributes"].get(key) {
            None => problems.push(format!("{place}: `{key}` is not an argument of this block")),
            Some(definition) => {
                let kind = definition["type"].as_str().unwrap_or_default();
                if !type_fits(kind, attribute.expr()) {
                    problems.push(format!(
                        "{place}: `{key}` is a {kind}, but its value is {:?}",
                        attribute.expr()
                    ));
                }
            }
        }
    }
    let mut block_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for block in body.blocks() {
        let name = block.identifier();
        *block_counts.entry(name).or_insert(0) += 1;
        if meta_blocks.contains(&name) {
            continue;
        }
        match schema["blocks"].get(name) {
            None => problems.push(format!(
                "{place}: `{name}` is not a nested block of this block"
            )),
            Some(nested) => {
                if !block.labels().is_empty() {
                    problems.push(format!("{place}: nested block `{name}` has labels"));
                }
                check_body(
                    block.body(),
                    nested,
                    &[],
                    &[],
                    &format!("{place} > {name}"),
                    problems,
                );
            }
        }
    }
    if let Some(attributes) = schema["attributes"].as_object() {
        for (key, definition) in attributes {
            if definition["required"] == Json::Bool(true) && !seen.contains(key) {
                problems.push(format!("{place}: the required argument `{key}` is missing"));
            }
        }
    }
    if let Some(blocks) = schema["blocks"].as_object() {
        for (name, definition) in blocks {
            let count = block_counts.get(name.as_str()).copied().unwrap_or(0);
            if definition["required"] == Json::Bool(true) && count == 0 {
                problems.push(format!("{place}: the required block `{name}` is missing"));
            }
            if definition["nesting"] == "struct" && count > 1 {
                problems.push(format!(
                    "{place}: the block `{name}` may appear once, not {count} times"
                ));
            }
        }
    }
}

/// Every expression of a body, with the attribute's name, recursively through nested blocks.
fn expressions<'a>(body: &'a Body, out: &mut Vec<(&'a str, &'a Expression)>) {
    for attribute in body.attributes() {
        out.push((attribute.key(), attribute.expr()));
    }
    for block in body.blocks() {
        expressions(block.body(), out);
    }
}

/// Checks a reference: a declared variable, provider alias, resource or data source, and an attribute its
/// type has. `locals` are names valid in this context only (`each`, `count`, `self`).
fn check_reference(
    module: &Module,
    schema: &Schema,
    reference: &Reference,
    place: &str,
    problems: &mut Vec<String>,
) {
    let first = reference.path.first().map(String::as_str);
    match reference.root.as_str() {
        "var" => match first {
            Some(name) if module.variables.contains_key(name) => {}
            _ => problems.push(format!("{place}: `{reference}` names no declared variable")),
        },
        "data" => {
            let [kind, name, attribute, ..] = reference.path.as_slice() else {
                problems.push(format!(
                    "{place}: `{reference}` is not a data source attribute"
                ));
                return;
            };
            let declared = module.data.contains_key(&(kind.clone(), name.clone()));
            match schema.data(kind) {
                _ if !declared => {
                    problems.push(format!(
                        "{place}: `{reference}` names no declared data source"
                    ));
                }
                Some(block) if schema.readable(block, kind, attribute) => {}
                _ => problems.push(format!(
                    "{place}: `{reference}`: no attribute `{attribute}` in the schema"
                )),
            }
        }
        root if module
            .providers
            .keys()
            .any(|(provider, _)| provider == root) =>
        {
            match first {
                Some(alias)
                    if reference.path.len() == 1
                        && module
                            .providers
                            .contains_key(&(root.to_owned(), alias.to_owned())) => {}
                _ => problems.push(format!("{place}: `{reference}` names no provider alias")),
            }
        }
        kind => {
            let [name, attribute, ..] = reference.path.as_slice() else {
                problems.push(format!(
                    "{place}: `{reference}` is not a resource attribute"
                ));
                return;
            };
            if !module
                .resources
                .contains_key(&(kind.to_owned(), name.clone()))
            {
                problems.push(format!("{place}: `{reference}` names no declared resource"));
                return;
            }
            match schema.resource(kind) {
                Some(block) if schema.readable(block, kind, attribute) => {}
                _ => problems.push(format!(
                    "{place}: `{reference}`: `{kind}` has no attribute `{attribute}` in the schema"
                )),
            }
        }
    }
}

fn check_uses(
    module: &Module,
    schema: &Schema,
    uses: &Uses,
    locals: &[&str],
    place: &str,
    problems: &mut Vec<String>,
) {
    for reference in &uses.references {
        if !locals.contains(&reference.root.as_str()) {
            check_reference(module, schema, reference, place, problems);
        }
    }
    for function in &uses.functions {
        if !FUNCTIONS.contains(&function.as_str()) {
            problems.push(format!(
                "{place}: `{function}` is not a known Terraform function"
            ));
        }
    }
}

/// Checks the module against the schema; returns every problem found.
#[must_use]
pub fn check_module(module: &Module, schema: &Schema) -> Vec<String> {
    let mut problems: Vec<String> = module
        .unexpected
        .iter()
        .map(|what| format!("unexpected top-level {what}"))
        .collect();
    check_providers_resources_and_data(module, schema, &mut problems);
    check_variables_and_outputs(module, schema, &mut problems);
    check_references(module, schema, &mut problems);
    problems
}

/// A resource's or data source's body against its type's schema, Terraform's meta-arguments (`provider`,
/// `count`, `lifecycle`...) allowed besides.
fn check_resource_body(declared: &Declared, block: &Json, place: &str, problems: &mut Vec<String>) {
    check_body(
        declared.block.body(),
        block,
        RESOURCE_META_ATTRIBUTES,
        RESOURCE_META_BLOCKS,
        place,
        problems,
    );
}

/// Resources, data sources and provider configurations against the provider's schema.
fn check_providers_resources_and_data(
    module: &Module,
    schema: &Schema,
    problems: &mut Vec<String>,
) {
    for ((kind, name), declared) in &module.resources {
        let place = format!("{}: resource {kind}.{name}", declared.file);
        let Some(block) = schema.resource(kind) else {
            problems.push(format!(
                "{place}: `{kind}` is not a resource type of the provider"
            ));
            continue;
        };
        check_resource_body(declared, block, &place, problems);
        if attribute(declared.block.body(), "provider").is_none() && module.providers.len() > 1 {
            problems.push(format!(
                "{place}: no `provider`, with several provider configurations"
            ));
        }
    }
    for ((kind, name), declared) in &module.data {
        let place = format!("{}: data {kind}.{name}", declared.file);
        match schema.data(kind) {
            None => problems.push(format!(
                "{place}: `{kind}` is not a data source of the provider"
            )),
            Some(block) => check_resource_body(declared, block, &place, problems),
        }
    }
    for ((provider, alias), declared) in &module.providers {
        let place = format!("{}: provider {provider} (alias {alias:?})", declared.file);
        if provider != "aws" {
            problems.push(format!("{place}: only the aws provider's schema is known"));
            continue;
        }
        check_body(
            declared.block.body(),
            schema.provider(),
            &["alias"],
            &[],
            &place,
            problems,
        );
    }
}

/// Checks one of Terraform's own blocks, `variable NAME` or `output NAME`, against the attributes Terraform
/// defines for it and its one kind of nested block; returns the block's place for further problems.
fn check_terraform_block(
    declared: &Declared,
    kind: &str,
    name: &str,
    problems: &mut Vec<String>,
) -> String {
    let (attributes, nested): (&[&str], &str) = match kind {
        "variable" => (
            &[
                "description",
                "type",
                "default",
                "sensitive",
                "nullable",
                "ephemeral",
            ],
            "validation",
        ),
        _ => (
            &[
                "description",
                "value",
                "sensitive",
                "depends_on",
                "ephemeral",
            ],
            "precondition",
        ),
    };
    let place = format!("{}: {kind} {name}", declared.file);
    let schema = json_schema(attributes, &[(nested, &["condition", "error_message"])]);
    check_body(declared.block.body(), &schema, &[], &[], &place, problems);
    place
}

/// Terraform's own `variable` and `output` blocks.
fn check_variables_and_outputs(module: &Module, schema: &Schema, problems: &mut Vec<String>) {
    for (name, declared) in &module.variables {
        let place = check_terraform_block(declared, "variable", name, problems);
        for block in declared.block.body().blocks() {
            for (key, expression) in block.body().attributes().map(|a| (a.key(), a.expr())) {
                let uses = Uses::of(expression);
                check_uses(
                    module,
                    schema,
                    &uses,
                    &[],
                    &format!("{place} > {key}"),
                    problems,
                );
                if key == "condition"
                    && !uses
                        .references
                        .iter()
                        .any(|r| r.root == "var" && r.path.first() == Some(name))
                {
                    problems.push(format!(
                        "{place}: the validation does not refer to the variable"
                    ));
                }
            }
        }
        // `type` is a type constraint, not an expression; `default` must be a literal of that type.
        if let Some(default) = attribute(declared.block.body(), "default") {
            if !Uses::of(default).references.is_empty() {
                problems.push(format!("{place}: the default refers to something"));
            }
            let fits = match attribute(declared.block.body(), "type") {
                Some(Expression::Variable(kind)) => match kind.as_str() {
                    "string" => {
                        matches!(default, Expression::String(_) | Expression::TemplateExpr(_))
                    }
                    "number" => matches!(default, Expression::Number(_)),
                    "bool" => matches!(default, Expression::Bool(_)),
                    _ => true,
                },
                _ => true,
            };
            if !fits {
                problems.push(format!(
                    "{place}: the default is not of the variable's type"
                ));
            }
        }
    }
    for (name, declared) in &module.outputs {
        let place = check_terraform_block(declared, "output", name, problems);
        if attribute(declared.block.body(), "value").is_none() {
            problems.push(format!("{place}: no `value`"));
        }
    }
}

/// References everywhere but in variables (whose `type` is a constraint and whose validations are checked with
/// them): each names something declared, and an attribute its type has.
fn check_references(module: &Module, schema: &Schema, problems: &mut Vec<String>) {
    let everywhere = module
        .resources
        .values()
        .chain(module.data.values())
        .chain(module.providers.values())
        .chain(module.outputs.values());
    for declared in everywhere {
        let mut found = Vec::new();
        expressions(declared.block.body(), &mut found);
        let place = format!(
            "{}: {} {}",
            declared.file,
            declared.block.identifier(),
            declared
                .block
                .labels()
                .iter()
                .map(hcl::BlockLabel::as_str)
                .collect::<Vec<_>>()
                .join(".")
        );
        for (key, expression) in found {
            let uses = Uses::of(expression);
            check_uses(
                module,
                schema,
                &uses,
                &["each", "count", "self"],
                &format!("{place} > {key}"),
                problems,
            );
        }
    }
}

/// A schema block of string attributes (for Terraform's own blocks: `variable`, `output`).
fn json_schema(attributes: &[&str], blocks: &[(&str, &[&str])]) -> Json {
    let strings = |names: &[&str]| -> Json {
        names
            .iter()
            .map(|name| {
                (
                    (*name).to_owned(),
                    serde_json::json!({ "type": "any", "required": false }),
                )
            })
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    serde_json::json!({
        "attributes": strings(attributes),
        "blocks": blocks
            .iter()
            .map(|(name, inner)| ((*name).to_owned(), serde_json::json!({ "nesting": "list", "required": false, "attributes": strings(inner), "blocks": {} })))
            .collect::<serde_json::Map<_, _>>(),
    })
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation

#[allow(
    clippy::needless_pass_by_value,
    reason = "hcl-rs's function signature takes the arguments by value"
)]
fn jsonencode(args: FuncArgs) -> Result<Value, String> {
    let [value] = args.as_slice() else {
        return Err(format!("jsonencode takes one argument, not {}", args.len()));
    };
    serde_json::to_string(value)
        .map(Value::String)
        .map_err(|error| error.to_string())
}

/// An expression's value, with the context the module gives it.
pub struct Evaluator {
    context: Context<'static>,
}

impl std::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Evaluator")
    }
}

fn evaluate_in(context: &Context<'_>, expression: &Expression, what: &str) -> Value {
    expression
        .evaluate(context)
        .unwrap_or_else(|error| panic!("{what}: {error}"))
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => panic!("a string was expected, not {other:?}"),
    }
}

/// The alias of a block's `provider = aws.ALIAS`, empty for the default provider.
fn provider_alias(body: &Body, what: &str) -> String {
    match attribute(body, "provider") {
        Some(Expression::Traversal(traversal)) => match traversal.operators.as_slice() {
            [TraversalOperator::GetAttr(alias)] => alias.as_str().to_owned(),
            _ => panic!("{what}: provider is not `aws.ALIAS`"),
        },
        _ => String::new(),
    }
}

/// The `data` variable: data sources read what exists already. An `aws_iam_user` is known by its `user_name`,
/// and its ARN is the one IAM gives a user of that name at the root path in the provider's account; an
/// `aws_s3_bucket` by its `bucket`, which is also its id.
fn data_sources(
    module: &Module,
    context: &Context<'_>,
    accounts: &BTreeMap<String, String>,
) -> Value {
    let mut data: BTreeMap<String, hcl::Map<String, Value>> = BTreeMap::new();
    for ((kind, name), declared) in &module.data {
        let body = declared.block.body();
        let alias = provider_alias(body, &format!("data.{kind}.{name}"));
        let account = accounts
            .get(&alias)
            .unwrap_or_else(|| panic!("data.{kind}.{name}: no provider with the alias `{alias}`"));
        let mut attributes = hcl::Map::new();
        for attribute in body.attributes() {
            if let Ok(value) = attribute.expr().evaluate(context) {
                attributes.insert(attribute.key().to_owned(), value);
            }
        }
        if kind == "aws_iam_user" {
            let user = attributes
                .get("user_name")
                .map_or_else(|| panic!("data.{kind}.{name}: no literal user_name"), text);
            attributes.insert(
                "arn".to_owned(),
                Value::String(format!("arn:aws:iam::{account}:user/{user}")),
            );
        }
        if kind == "aws_s3_bucket" {
            let bucket = attributes
                .get("bucket")
                .map_or_else(|| panic!("data.{kind}.{name}: no literal bucket"), text);
            attributes.insert(
                "arn".to_owned(),
                Value::String(format!("arn:aws:s3:::{bucket}")),
            );
            attributes.insert("id".to_owned(), Value::String(bucket));
        }
        data.entry(kind.clone())
            .or_default()
            .insert(name.clone(), Value::Object(attributes));
    }
    Value::Object(
        data.into_iter()
            .map(|(kind, sources)| (kind, Value::Object(sources)))
            .collect(),
    )
}

impl Evaluator {
    /// The context of `module` as Terraform would plan it with no input: `var.*` are the variables' defaults;
    /// a resource's `arn` (and `id`) is computed from its `name`, `path` or `bucket` and the account of its
    /// provider, which is the first of the provider's `allowed_account_ids`.
    #[must_use]
    pub fn new(module: &Module) -> Evaluator {
        let mut context = Context::new();
        context.declare_func(
            "jsonencode",
            FuncDef::builder().param(ParamType::Any).build(jsonencode),
        );
        let mut variables = hcl::Map::new();
        for (name, declared) in &module.variables {
            let default = attribute(declared.block.body(), "default")
                .unwrap_or_else(|| panic!("variable {name} has no default"));
            variables.insert(
                name.clone(),
                evaluate_in(&context, default, &format!("variable {name}")),
            );
        }
        context.declare_var("var", Value::Object(variables));

        let mut accounts = BTreeMap::new();
        for ((_, alias), declared) in &module.providers {
            let allowed = attribute(declared.block.body(), "allowed_account_ids")
                .unwrap_or_else(|| panic!("provider {alias} has no allowed_account_ids"));
            let Value::Array(ids) = evaluate_in(&context, allowed, "allowed_account_ids") else {
                panic!("provider {alias}: allowed_account_ids is not a list");
            };
            let [id] = ids.as_slice() else {
                panic!("provider {alias}: allowed_account_ids should name exactly its account");
            };
            accounts.insert(alias.clone(), text(id));
        }

        let mut by_type: BTreeMap<String, hcl::Map<String, Value>> = BTreeMap::new();
        for ((kind, name), declared) in &module.resources {
            let body = declared.block.body();
            let mut attributes = hcl::Map::new();
            for attribute in body.attributes() {
                // What can be known before apply: literals and variables, not other resources.
                if let Ok(value) = attribute.expr().evaluate(&context) {
                    attributes.insert(attribute.key().to_owned(), value);
                }
            }
            let alias = provider_alias(body, &format!("{kind}.{name}"));
            let account = accounts
                .get(&alias)
                .unwrap_or_else(|| panic!("{kind}.{name}: no provider with the alias `{alias}`"));
            let get = |key: &str| attributes.get(key).map(text);
            let path = get("path").unwrap_or_else(|| "/".to_owned());
            let iam = |what: &str| {
                let name = get("name").unwrap_or_else(|| panic!("{kind}.{name}: no literal name"));
                (format!("arn:aws:iam::{account}:{what}{path}{name}"), name)
            };
            let computed = match kind.as_str() {
                "aws_iam_role" => Some(iam("role")),
                "aws_iam_user" => Some(iam("user")),
                "aws_iam_group" => Some(iam("group")),
                "aws_iam_policy" => {
                    let (arn, _) = iam("policy");
                    Some((arn.clone(), arn))
                }
                "aws_s3_bucket" => {
                    let bucket =
                        get("bucket").unwrap_or_else(|| panic!("{kind}.{name}: no bucket"));
                    Some((format!("arn:aws:s3:::{bucket}"), bucket))
                }
                _ => None,
            };
            if let Some((arn, id)) = computed {
                attributes.insert("arn".to_owned(), Value::String(arn));
                attributes.insert("id".to_owned(), Value::String(id));
            }
            by_type
                .entry(kind.clone())
                .or_default()
                .insert(name.clone(), Value::Object(attributes));
        }
        for (kind, resources) in by_type {
            context.declare_var(kind, Value::Object(resources));
        }

        let data = data_sources(module, &context, &accounts);
        context.declare_var("data", data);
        Evaluator { context }
    }

    /// The value of `expression`.
    #[must_use]
    pub fn evaluate(&self, expression: &Expression, what: &str) -> Value {
        evaluate_in(&self.context, expression, what)
    }

    /// The value of a string attribute of a resource.
    #[must_use]
    pub fn string(&self, declared: &Declared, key: &str) -> String {
        let expression = attribute(declared.block.body(), key)
            .unwrap_or_else(|| panic!("{}: no `{key}`", declared.file));
        text(&self.evaluate(expression, key))
    }

    /// A policy attribute (`policy`, `assume_role_policy`) evaluated and read as JSON.
    #[must_use]
    pub fn policy(&self, declared: &Declared, key: &str) -> Json {
        let encoded = self.string(declared, key);
        serde_json::from_str(&encoded).unwrap_or_else(|error| {
            panic!(
                "{}: `{key}` is not JSON ({error}): {encoded}",
                declared.file
            )
        })
    }
}
