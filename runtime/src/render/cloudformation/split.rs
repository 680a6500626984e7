//! An account's template over CloudFormation's limits (500 resources, 200 outputs, 200 parameters, 1 MB),
//! split into nested stacks as CloudFormation users split a large stack: a parent template whose resources are
//! `AWS::CloudFormation::Stack`s, one per part, each part a template within every limit.
//!
//! Resources are placed in dependency order (what a resource refers to comes first), filling one part before the
//! next, so the resources that refer to each other mostly land together. A reference to a resource of an earlier
//! part cannot be a `Ref` across templates: it becomes the name or ARN the referenced resource is given (every
//! IAM and S3 resource here is named), and the parent orders the parts with `DependsOn`, which keeps the
//! creation order the references gave.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::{MAX_BYTES, MAX_OUTPUTS, MAX_PARAMETERS, MAX_RESOURCES, Template, object, reference};
use crate::escape::sub_literal;
use crate::render::RenderError;
use crate::render::value::{Key, Value};

/// The parameter through which a part learns its parent's stack name, so that its exports keep the names the
/// unsplit template gives them (`<stack name>-<id>Arn`).
const PARENT_STACK_NAME: &str = "ParentStackName";

/// What a part may hold, below CloudFormation's limits. The byte budget is below 1 MB because it is estimated
/// from each resource's JSON alone, before the part's own sections and indentation; the finished part is
/// checked against the real limit.
const PART_RESOURCES: usize = MAX_RESOURCES;
const PART_OUTPUTS: usize = MAX_OUTPUTS;
const PART_PARAMETERS: usize = MAX_PARAMETERS - 1;
const PART_BYTES: usize = MAX_BYTES * 9 / 10;

/// One account's stack as a parent template and its nested parts.
pub(super) struct Split {
    account: String,
    description: String,
    /// The parameters that name other accounts which any part uses: the parent declares them and passes them on.
    parent_parameters: Vec<(Key, Value)>,
    parts: Vec<PartPlan>,
}

/// A part: its template, and what the parent gives it.
struct PartPlan {
    template: Value,
    /// The parent's parameters the part uses, by name.
    passed: Vec<String>,
    /// Whether the part exports outputs, and so needs the parent's stack name.
    exports: bool,
    /// The earlier parts whose resources it names.
    depends_on: BTreeSet<usize>,
}

impl Split {
    /// How many parts there are.
    pub(super) fn len(&self) -> usize {
        self.parts.len()
    }

    /// The file name of part `index` (from 0) below `cloudformation/`, for the format of `extension`.
    pub(super) fn part_path(&self, alias: &str, index: usize, extension: &str) -> String {
        let width = self.parts.len().to_string().len();
        format!("{alias}/part-{:0width$}.{extension}", index + 1)
    }

    /// The parts' templates, in order.
    pub(super) fn parts(&self) -> impl Iterator<Item = &Value> {
        self.parts.iter().map(|part| &part.template)
    }

    /// The parent template, whose parts are read from the files of `extension` (`yaml` or `json`) that
    /// `aws cloudformation package` uploads.
    pub(super) fn parent(&self, alias: &str, extension: &str) -> Value {
        let resources = self
            .parts
            .iter()
            .enumerate()
            .map(|(index, part)| {
                let mut parameters: Vec<(Key, Value)> = part
                    .passed
                    .iter()
                    .map(|name| (Key::from(name.clone()), reference(name)))
                    .collect();
                if part.exports {
                    parameters.push((PARENT_STACK_NAME.into(), reference("AWS::StackName")));
                }
                let mut entries: Vec<(&'static str, Value)> =
                    vec![("Type", Value::from("AWS::CloudFormation::Stack"))];
                if !part.depends_on.is_empty() {
                    entries.push((
                        "DependsOn",
                        Value::Array(
                            part.depends_on
                                .iter()
                                .map(|earlier| Value::from(part_id(*earlier)))
                                .collect(),
                        ),
                    ));
                }
                let mut properties = vec![(
                    "TemplateURL",
                    Value::from(self.part_path(alias, index, extension)),
                )];
                if !parameters.is_empty() {
                    properties.push(("Parameters", Value::Object(parameters)));
                }
                entries.push(("Properties", object(properties)));
                (Key::from(part_id(index)), object(entries))
            })
            .collect();
        let mut template = vec![
            ("AWSTemplateFormatVersion", Value::from("2010-09-09")),
            ("Description", Value::from(self.description.as_str())),
            // cfn-lint warns that a local `TemplateURL` needs `aws cloudformation package` (W3002): that is
            // how this template is deployed, as its description says.
            (
                "Metadata",
                object(vec![(
                    "cfn-lint",
                    object(vec![(
                        "config",
                        object(vec![(
                            "ignore_checks",
                            Value::Array(vec![Value::from("W3002")]),
                        )]),
                    )]),
                )]),
            ),
        ];
        if !self.parent_parameters.is_empty() {
            template.push(("Parameters", Value::Object(self.parent_parameters.clone())));
        }
        template.push(("Resources", Value::Object(resources)));
        object(template)
    }

    /// Checks a finished part's text against CloudFormation's byte limit.
    pub(super) fn check_part_bytes(&self, index: usize, text: &str) -> Result<(), RenderError> {
        if text.len() > MAX_BYTES {
            return Err(RenderError::TooLarge {
                account: format!("{} (part {} of {})", self.account, index + 1, self.len()),
                what: "bytes",
                found: text.len(),
                limit: MAX_BYTES,
                help: "a single resource of it is that large: shorten its policies or split them into several"
                    .to_owned(),
            });
        }
        Ok(())
    }
}

fn part_id(index: usize) -> String {
    format!("Part{}", index + 1)
}

/// What one resource of the account's template needs in a part.
struct Item {
    key: Key,
    value: Value,
    /// The resources it refers to, by index.
    depends_on: Vec<usize>,
    /// The template's parameters it refers to, by index.
    parameters: Vec<usize>,
    /// Its outputs, by index.
    outputs: Vec<usize>,
    /// About how many bytes it adds to a part's JSON, its outputs included.
    bytes: usize,
}

/// Splits `template`, the template of the account `account` (its name), into parts within every limit.
pub(super) fn split(account: &str, template: Template) -> Result<Split, RenderError> {
    let Template {
        description,
        parameters,
        shared_parameters,
        resources,
        outputs,
    } = template;
    let resource_index: HashMap<&str, usize> = resources
        .iter()
        .enumerate()
        .map(|(index, (key, _))| (key.as_ref(), index))
        .collect();
    let parameter_index: HashMap<&str, usize> = parameters
        .iter()
        .enumerate()
        .map(|(index, (key, _))| (key.as_ref(), index))
        .collect();
    let mut owner_of_output = vec![None; outputs.len()];
    let mut outputs_of: Vec<Vec<usize>> = vec![Vec::new(); resources.len()];
    for (index, (_, output)) in outputs.iter().enumerate() {
        // An output goes with the resource its value names.
        let mut owner = None;
        for_each_reference(output, &mut |name| {
            if let Some(&resource) = resource_index.get(name) {
                owner.get_or_insert(resource);
            }
        });
        let owner = owner.ok_or_else(|| RenderError::TooLarge {
            account: account.to_owned(),
            what: "outputs",
            found: outputs.len(),
            limit: MAX_OUTPUTS,
            help: "an output names none of the template's resources, so no part can hold it"
                .to_owned(),
        })?;
        owner_of_output[index] = Some(owner);
        outputs_of[owner].push(index);
    }
    let mut items: Vec<Item> = Vec::with_capacity(resources.len());
    for (index, (key, value)) in resources.iter().enumerate() {
        let (mut depends_on, mut used) = (Vec::new(), Vec::new());
        for_each_reference(value, &mut |name| {
            if let Some(&resource) = resource_index.get(name) {
                if resource != index && !depends_on.contains(&resource) {
                    depends_on.push(resource);
                }
            } else if let Some(&parameter) = parameter_index.get(name) {
                if !used.contains(&parameter) {
                    used.push(parameter);
                }
            }
        });
        let bytes = json_bytes(key, value, 2)
            + outputs_of[index]
                .iter()
                .map(|&output| json_bytes(&outputs[output].0, &outputs[output].1, 2))
                .sum::<usize>();
        items.push(Item {
            key: key.clone(),
            value: Value::Null,
            depends_on,
            parameters: used,
            outputs: outputs_of[index].clone(),
            bytes,
        });
    }
    for (item, (_, value)) in items.iter_mut().zip(resources) {
        item.value = value;
    }
    let order = dependency_order(&items);
    let assignment = pack(account, &items, &order, &parameters, &shared_parameters)?;
    let literals: Vec<Option<Literal>> = items.iter().map(|item| literal(&item.value)).collect();
    let pieces = Pieces {
        account,
        description: &description,
        parameters: &parameters,
        shared: &shared_parameters,
    };
    assemble(&pieces, outputs, items, &assignment, &literals)
}

/// The resources in an order where each comes after the resources it refers to, otherwise in the template's
/// order.
fn dependency_order(items: &[Item]) -> Vec<usize> {
    const NEW: u8 = 0;
    const OPEN: u8 = 1;
    let mut state = vec![NEW; items.len()];
    let mut order = Vec::with_capacity(items.len());
    for root in 0..items.len() {
        if state[root] != NEW {
            continue;
        }
        state[root] = OPEN;
        let mut path = vec![(root, 0usize)];
        while let Some((node, next)) = path.last_mut() {
            if let Some(&dependency) = items[*node].depends_on.get(*next) {
                *next += 1;
                // An open dependency is a cycle, which CloudFormation refuses within one template too: the
                // template builder never writes one.
                if state[dependency] == NEW {
                    state[dependency] = OPEN;
                    path.push((dependency, 0));
                }
            } else {
                order.push(*node);
                path.pop();
            }
        }
    }
    order
}

/// Which part each resource goes to: parts filled in `order`, a new one begun when the next resource would take
/// the current one over a limit.
fn pack(
    account: &str,
    items: &[Item],
    order: &[usize],
    parameters: &[(Key, Value)],
    shared: &HashSet<String>,
) -> Result<Vec<usize>, RenderError> {
    struct Fill {
        resources: usize,
        outputs: usize,
        parameters: BTreeSet<usize>,
        bytes: usize,
    }
    let empty = || Fill {
        resources: 0,
        outputs: 0,
        parameters: BTreeSet::new(),
        bytes: 0,
    };
    // Each parameter's bytes, measured once: many resources use the same one.
    let parameter_bytes: Vec<usize> = parameters
        .iter()
        .map(|(key, value)| json_bytes(key, value, 2))
        .collect();
    let mut assignment = vec![0; items.len()];
    let mut part = 0;
    let mut fill = empty();
    for &index in order {
        let item = &items[index];
        // The parameters the resource would add to the part: how many, and their bytes.
        let added = |fill: &Fill| {
            item.parameters
                .iter()
                .filter(|parameter| !fill.parameters.contains(parameter))
                .fold((0, 0), |(count, bytes), &parameter| {
                    (count + 1, bytes + parameter_bytes[parameter])
                })
        };
        let (new_parameters, new_bytes) = added(&fill);
        let fits = fill.resources < PART_RESOURCES
            && fill.outputs + item.outputs.len() <= PART_OUTPUTS
            && fill.parameters.len() + new_parameters <= PART_PARAMETERS
            && fill.bytes + item.bytes + new_bytes <= PART_BYTES;
        if !fits {
            if fill.resources == 0 {
                return Err(RenderError::TooLarge {
                    account: account.to_owned(),
                    what: "bytes",
                    found: item.bytes,
                    limit: PART_BYTES,
                    help: format!(
                        "the resource `{}` alone is too large for a template: shorten its policies or split them",
                        item.key
                    ),
                });
            }
            part += 1;
            fill = empty();
        }
        fill.bytes += item.bytes + added(&fill).1;
        fill.resources += 1;
        fill.outputs += item.outputs.len();
        fill.parameters.extend(item.parameters.iter().copied());
        assignment[index] = part;
    }
    let parts = part + 1;
    if parts > MAX_RESOURCES {
        return Err(RenderError::TooLarge {
            account: account.to_owned(),
            what: "nested stacks",
            found: parts,
            limit: MAX_RESOURCES,
            help: "spread the account's items over several spec files, each generating a stack of its own"
                .to_owned(),
        });
    }
    let shared_used = items
        .iter()
        .flat_map(|item| &item.parameters)
        .filter(|&&parameter| shared.contains(parameters[parameter].0.as_ref()))
        .collect::<BTreeSet<_>>()
        .len();
    if shared_used > MAX_PARAMETERS {
        return Err(RenderError::TooLarge {
            account: account.to_owned(),
            what: "parameters naming other accounts",
            found: shared_used,
            limit: MAX_PARAMETERS,
            help: "the account's policies name too many other accounts: name them through an organization \
                   condition (`aws:PrincipalOrgID`) instead of one by one"
                .to_owned(),
        });
    }
    Ok(assignment)
}

/// The bytes of `"key": value` in pretty JSON, at `depth`.
fn json_bytes(key: &str, value: &Value, depth: usize) -> usize {
    let text = value.to_json();
    let lines = text.bytes().filter(|&byte| byte == b'\n').count();
    key.len() + 4 + text.len() + lines * 2 * depth
}

/// A part while resources are distributed to it.
#[derive(Default)]
struct PartBuilder {
    resources: Vec<(Key, Value)>,
    /// The account template's parameters its resources use, by index.
    parameters: BTreeSet<usize>,
    outputs: Vec<(Key, Value)>,
    /// The earlier parts whose resources it names.
    depends_on: BTreeSet<usize>,
}

/// The template's pieces that every part draws on.
struct Pieces<'a> {
    account: &'a str,
    description: &'a str,
    parameters: &'a [(Key, Value)],
    shared: &'a HashSet<String>,
}

/// The parts' templates from the assignment.
fn assemble(
    pieces: &Pieces<'_>,
    outputs: Vec<(Key, Value)>,
    items: Vec<Item>,
    assignment: &[usize],
    literals: &[Option<Literal>],
) -> Result<Split, RenderError> {
    let builders = distribute(pieces.account, outputs, items, assignment, literals)?;
    let parts = builders.len();
    let mut parent_parameters = BTreeSet::new();
    let built: Vec<PartPlan> = builders
        .into_iter()
        .enumerate()
        .map(|(index, builder)| {
            parent_parameters.extend(builder.parameters.iter().copied().filter(|&parameter| {
                pieces
                    .shared
                    .contains(pieces.parameters[parameter].0.as_ref())
            }));
            finish_part(pieces, builder, index, parts)
        })
        .collect();
    Ok(Split {
        account: pieces.account.to_owned(),
        description: format!(
            "{} Over one template's limits, so split into {parts} nested stacks: package it with \
             `aws cloudformation package` (which uploads the parts) before deploying.",
            pieces.description
        ),
        parent_parameters: parent_parameters
            .into_iter()
            .map(|parameter| pieces.parameters[parameter].clone())
            .collect(),
        parts: built,
    })
}

/// Moves each resource and its outputs to its part, a reference to an earlier part's resource written as that
/// resource's name or ARN.
fn distribute(
    account: &str,
    outputs: Vec<(Key, Value)>,
    items: Vec<Item>,
    assignment: &[usize],
    literals: &[Option<Literal>],
) -> Result<Vec<PartBuilder>, RenderError> {
    let parts = assignment.iter().max().map_or(0, |last| last + 1);
    let key_index: HashMap<String, usize> = items
        .iter()
        .enumerate()
        .map(|(index, item)| (item.key.to_string(), index))
        .collect();
    let mut outputs: Vec<Option<(Key, Value)>> = outputs.into_iter().map(Some).collect();
    let mut builders: Vec<PartBuilder> = (0..parts).map(|_| PartBuilder::default()).collect();
    for (index, item) in items.into_iter().enumerate() {
        let part = assignment[index];
        let builder = &mut builders[part];
        builder.parameters.extend(item.parameters.iter().copied());
        let mut value = item.value;
        let mut failure = None;
        rewrite_references(&mut value, &mut |name, attribute| {
            let &target = key_index.get(name)?;
            if assignment[target] == part {
                return None;
            }
            builder.depends_on.insert(assignment[target]);
            let replacement = literals[target]
                .as_ref()
                .and_then(|literal| literal.of(attribute));
            if replacement.is_none() {
                failure = Some(format!("{}.{}", name, attribute.unwrap_or("Ref")));
            }
            replacement
        });
        if let Some(what) = failure {
            return Err(RenderError::TooLarge {
                account: account.to_owned(),
                what: "resources",
                found: assignment.len(),
                limit: MAX_RESOURCES,
                help: format!(
                    "`{}` names `{what}` of another part, which has no name to refer to it by",
                    item.key
                ),
            });
        }
        builder.resources.push((item.key, value));
        for output in item.outputs {
            if let Some(output) = outputs[output].take() {
                builder.outputs.push(output);
            }
        }
    }
    Ok(builders)
}

/// Part `index` of `parts` as a template, and what its parent hands it.
fn finish_part(pieces: &Pieces<'_>, builder: PartBuilder, index: usize, parts: usize) -> PartPlan {
    let PartBuilder {
        resources,
        parameters: used,
        mut outputs,
        depends_on,
    } = builder;
    let exports = outputs.iter_mut().fold(false, |exports, (_, output)| {
        export_from_parent(output) || exports
    });
    let mut parameters: Vec<(Key, Value)> = used
        .iter()
        .map(|&parameter| pieces.parameters[parameter].clone())
        .collect();
    if exports {
        parameters.push((
            PARENT_STACK_NAME.into(),
            object(vec![
                ("Type", Value::from("String")),
                (
                    "Description",
                    Value::from(
                        "The name of the parent stack, which the exports of this part begin with.",
                    ),
                ),
            ]),
        ));
    }
    let passed: Vec<String> = used
        .iter()
        .map(|&parameter| pieces.parameters[parameter].0.to_string())
        .filter(|name| pieces.shared.contains(name))
        .collect();
    let mut template = vec![
        ("AWSTemplateFormatVersion", Value::from("2010-09-09")),
        (
            "Description",
            Value::from(format!(
                "{} Part {} of {parts}: a nested stack of the account's template, not deployed on its own.",
                pieces.description,
                index + 1
            )),
        ),
    ];
    if !parameters.is_empty() {
        template.push(("Parameters", Value::Object(parameters)));
    }
    template.push(("Resources", Value::Object(resources)));
    if !outputs.is_empty() {
        template.push(("Outputs", Value::Object(outputs)));
    }
    PartPlan {
        template: object(template),
        passed,
        exports,
        depends_on,
    }
}

/// Makes an output's export name begin with the parent's stack name instead of the part's own (a nested stack
/// is named after its parent and a random suffix); whether it had an export.
fn export_from_parent(output: &mut Value) -> bool {
    let Value::Object(members) = output else {
        return false;
    };
    let Some((_, export)) = members.iter_mut().find(|(key, _)| key == "Export") else {
        return false;
    };
    let mut changed = false;
    rewrite_strings(export, &mut |text| {
        if text.contains("${AWS::StackName}") {
            *text = text.replace("${AWS::StackName}", &format!("${{{PARENT_STACK_NAME}}}"));
            changed = true;
        }
    });
    changed
}

fn rewrite_strings(value: &mut Value, visit: &mut impl FnMut(&mut String)) {
    match value {
        Value::String(text) => visit(text),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_strings(item, visit)),
        Value::Object(members) => members
            .iter_mut()
            .for_each(|(_, value)| rewrite_strings(value, visit)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// What a named resource is, written without referring to it: its `Ref` and its ARN, as `Fn::Sub` text.
struct Literal {
    /// What replaces `Ref`: the name, or (for a managed policy, whose `Ref` is its ARN) `Fn::Sub` of the ARN.
    reference: Value,
    /// `Fn::GetAtt [.., Arn]`, as `Fn::Sub` text.
    arn: Option<String>,
}

impl Literal {
    /// The value that replaces `Ref` (`attribute` `None`) or `Fn::GetAtt` of `attribute`.
    fn of(&self, attribute: Option<&str>) -> Option<Value> {
        match attribute {
            None => Some(self.reference.clone()),
            Some("Arn") => self.arn.as_deref().map(sub),
            Some(_) => None,
        }
    }
}

fn sub(text: &str) -> Value {
    object(vec![("Fn::Sub", Value::String(text.to_owned()))])
}

/// The literal of a resource, from its type and the name its properties give it.
fn literal(resource: &Value) -> Option<Literal> {
    fn get<'v>(object: &'v [(Key, Value)], name: &str) -> Option<&'v Value> {
        object
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }
    let Value::Object(members) = resource else {
        return None;
    };
    let Some(Value::String(kind)) = get(members, "Type") else {
        return None;
    };
    let Some(Value::Object(properties)) = get(members, "Properties") else {
        return None;
    };
    let text = |name: &str| match get(properties, name) {
        Some(Value::String(text)) => Some(text.as_str()),
        _ => None,
    };
    let iam = |kind: &str, name: &str| {
        let path = text("Path").unwrap_or("/");
        format!(
            "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:{kind}{}",
            sub_literal(&format!("{path}{name}"))
        )
    };
    let named = |name: &str, arn: String| Literal {
        reference: Value::from(name),
        arn: Some(arn),
    };
    match kind.as_str() {
        "AWS::IAM::Role" => text("RoleName").map(|name| named(name, iam("role", name))),
        "AWS::IAM::User" => text("UserName").map(|name| named(name, iam("user", name))),
        "AWS::IAM::Group" => text("GroupName").map(|name| named(name, iam("group", name))),
        "AWS::IAM::ManagedPolicy" => text("ManagedPolicyName").map(|name| Literal {
            reference: sub(&iam("policy", name)),
            arn: None,
        }),
        "AWS::S3::Bucket" => text("BucketName").map(|name| {
            named(
                name,
                format!("arn:${{AWS::Partition}}:s3:::{}", sub_literal(name)),
            )
        }),
        _ => None,
    }
}

/// Calls `visit` with every logical id (or parameter) that `value` refers to through `Ref`, `Fn::GetAtt` or
/// `Fn::Sub`.
pub(super) fn for_each_reference(value: &Value, visit: &mut impl FnMut(&str)) {
    match value {
        Value::Object(members) => {
            if let [(key, inner)] = members.as_slice() {
                match (key.as_ref(), inner) {
                    ("Ref", Value::String(name)) => return visit(name),
                    ("Fn::GetAtt", Value::Array(items)) => {
                        if let Some(Value::String(name)) = items.first() {
                            return visit(name);
                        }
                    }
                    ("Fn::Sub", Value::String(text)) => {
                        return for_each_sub_variable(text, &mut |name, _| visit(name));
                    }
                    _ => {}
                }
            }
            for (_, member) in members {
                for_each_reference(member, visit);
            }
        }
        Value::Array(items) => {
            for item in items {
                for_each_reference(item, visit);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}

/// Calls `visit` with the name and attribute of every `${name}` and `${name.attribute}` of `Fn::Sub` text
/// (`${!...}` is literal text).
fn for_each_sub_variable(text: &str, visit: &mut impl FnMut(&str, Option<&str>)) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        if let Some(literal) = after.strip_prefix('!') {
            rest = literal;
            continue;
        }
        let Some(end) = after.find('}') else {
            return;
        };
        let variable = &after[..end];
        match variable.split_once('.') {
            Some((name, attribute)) => visit(name, Some(attribute)),
            None => visit(variable, None),
        }
        rest = &after[end + 1..];
    }
}

/// Replaces each reference for which `replace` (given the name and attribute) has a value.
fn rewrite_references(
    value: &mut Value,
    replace: &mut impl FnMut(&str, Option<&str>) -> Option<Value>,
) {
    match value {
        Value::Object(members) => {
            if let [(key, inner)] = members.as_mut_slice() {
                match (key.as_ref(), &mut *inner) {
                    ("Ref", Value::String(name)) => {
                        if let Some(replacement) = replace(name, None) {
                            *value = replacement;
                        }
                        return;
                    }
                    ("Fn::GetAtt", Value::Array(items)) => {
                        if let [Value::String(name), Value::String(attribute)] = items.as_slice() {
                            if let Some(replacement) = replace(name, Some(attribute)) {
                                *value = replacement;
                            }
                            return;
                        }
                    }
                    ("Fn::Sub", Value::String(text)) => {
                        *text = rewrite_sub(text, replace);
                        return;
                    }
                    _ => {}
                }
            }
            for (_, member) in members {
                rewrite_references(member, replace);
            }
        }
        Value::Array(items) => {
            for item in items {
                rewrite_references(item, replace);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}

/// `Fn::Sub` text with each variable that `replace` has a value for written in: the value is itself `Fn::Sub`
/// text (a name or ARN with `${AWS::AccountId}`) or a plain string.
fn rewrite_sub(
    text: &str,
    replace: &mut impl FnMut(&str, Option<&str>) -> Option<Value>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        if let Some(literal) = after.strip_prefix('!') {
            out.push_str("${!");
            rest = literal;
            continue;
        }
        let Some(end) = after.find('}') else {
            rest = &rest[start..];
            break;
        };
        let variable = &after[..end];
        let (name, attribute) = match variable.split_once('.') {
            Some((name, attribute)) => (name, Some(attribute)),
            None => (variable, None),
        };
        match replace(name, attribute) {
            Some(Value::Object(members)) => match members.as_slice() {
                [(_, Value::String(sub_text))] => out.push_str(sub_text),
                _ => out.push_str(&rest[start..=start + 2 + end]),
            },
            Some(Value::String(plain)) => out.push_str(&sub_literal(&plain)),
            _ => out.push_str(&rest[start..=start + 2 + end]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{for_each_sub_variable, rewrite_sub};
    use crate::render::value::Value;

    #[test]
    fn sub_variables_skip_literal_dollar_braces() {
        let mut seen = Vec::new();
        for_each_sub_variable("${A.Arn}/x/${!Literal}/${B}", &mut |name, attribute| {
            seen.push((name.to_owned(), attribute.map(str::to_owned)));
        });
        assert_eq!(
            seen,
            [
                ("A".to_owned(), Some("Arn".to_owned())),
                ("B".to_owned(), None)
            ]
        );
    }

    #[test]
    fn sub_text_gets_the_literal_of_a_moved_resource() {
        let text = rewrite_sub("${Bucket.Arn}/${!keep}/${Other}", &mut |name, _| {
            (name == "Bucket").then(|| Value::String("plain-name".to_owned()))
        });
        assert_eq!(text, "plain-name/${!keep}/${Other}");
    }
}
