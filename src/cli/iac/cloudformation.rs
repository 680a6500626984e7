//! CloudFormation and SAM templates (a CDK app's synthesized ones too): the policy properties of their
//! resources, with the intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::If`, ...)
//! read as what they are known to give.

use iamgen_runtime::lint::PolicyKind;

use super::text::Decoded;
use super::tree::{ArnOf, At, Entry, Node, Piece, Ty, Unknown, Value};
use super::yaml::{Src, SrcValue};
use super::{Body, Embedded, Found};

/// The resource types that hold policies: `(type, property, kind)`; a property path with `[]` is one policy
/// per item of the list.
const POLICY_PROPERTIES: &[(&str, &str, PolicyKind)] = &[
    (
        "AWS::IAM::Role",
        "AssumeRolePolicyDocument",
        PolicyKind::Trust,
    ),
    (
        "AWS::IAM::Role",
        "Policies[].PolicyDocument",
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::User",
        "Policies[].PolicyDocument",
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::Group",
        "Policies[].PolicyDocument",
        PolicyKind::Identity,
    ),
    ("AWS::IAM::Policy", "PolicyDocument", PolicyKind::Identity),
    (
        "AWS::IAM::ManagedPolicy",
        "PolicyDocument",
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::RolePolicy",
        "PolicyDocument",
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::UserPolicy",
        "PolicyDocument",
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::GroupPolicy",
        "PolicyDocument",
        PolicyKind::Identity,
    ),
    (
        "AWS::SSO::PermissionSet",
        "InlinePolicy",
        PolicyKind::Identity,
    ),
    (
        "AWS::S3::BucketPolicy",
        "PolicyDocument",
        PolicyKind::Resource,
    ),
    ("AWS::KMS::Key", "KeyPolicy", PolicyKind::Resource),
    (
        "AWS::SQS::QueuePolicy",
        "PolicyDocument",
        PolicyKind::Resource,
    ),
    (
        "AWS::SQS::QueueInlinePolicy",
        "PolicyDocument",
        PolicyKind::Resource,
    ),
    (
        "AWS::SNS::TopicPolicy",
        "PolicyDocument",
        PolicyKind::Resource,
    ),
    (
        "AWS::SNS::TopicInlinePolicy",
        "PolicyDocument",
        PolicyKind::Resource,
    ),
    (
        "AWS::ECR::Repository",
        "RepositoryPolicyText",
        PolicyKind::Resource,
    ),
    (
        "AWS::SecretsManager::ResourcePolicy",
        "ResourcePolicy",
        PolicyKind::Resource,
    ),
    (
        "AWS::Logs::ResourcePolicy",
        "PolicyDocument",
        PolicyKind::Resource,
    ),
    (
        "AWS::OpenSearchService::Domain",
        "AccessPolicies",
        PolicyKind::Resource,
    ),
    (
        "AWS::Elasticsearch::Domain",
        "AccessPolicies",
        PolicyKind::Resource,
    ),
    (
        "AWS::EFS::FileSystem",
        "FileSystemPolicy",
        PolicyKind::Resource,
    ),
    ("AWS::S3::AccessPoint", "Policy", PolicyKind::Resource),
    (
        "AWS::Backup::BackupVault",
        "AccessPolicy",
        PolicyKind::Resource,
    ),
];

/// What `Ref` and `Fn::GetAtt` of a resource type give: `(type, ARN kind, the property naming it, what Ref
/// gives)`.
const NAMED: &[(&str, ArnOf, &str, RefGives)] = &[
    (
        "AWS::S3::Bucket",
        ArnOf::S3Bucket,
        "BucketName",
        RefGives::Name,
    ),
    ("AWS::IAM::Role", ArnOf::IamRole, "RoleName", RefGives::Name),
    ("AWS::IAM::User", ArnOf::IamUser, "UserName", RefGives::Name),
    (
        "AWS::IAM::Group",
        ArnOf::IamGroup,
        "GroupName",
        RefGives::Name,
    ),
    (
        "AWS::IAM::ManagedPolicy",
        ArnOf::IamPolicy,
        "ManagedPolicyName",
        RefGives::Arn,
    ),
    ("AWS::KMS::Key", ArnOf::KmsKey, "", RefGives::Other),
    (
        "AWS::SQS::Queue",
        ArnOf::SqsQueue,
        "QueueName",
        RefGives::Other,
    ),
    (
        "AWS::SNS::Topic",
        ArnOf::SnsTopic,
        "TopicName",
        RefGives::Arn,
    ),
    (
        "AWS::Lambda::Function",
        ArnOf::LambdaFunction,
        "FunctionName",
        RefGives::Name,
    ),
    (
        "AWS::DynamoDB::Table",
        ArnOf::DynamoDbTable,
        "TableName",
        RefGives::Name,
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefGives {
    Name,
    Arn,
    /// A queue's URL, a key's id.
    Other,
}

/// Whether a parsed JSON or YAML document is a CloudFormation template.
pub(crate) fn is_template(root: &Src) -> bool {
    root.get("AWSTemplateFormatVersion").is_some()
        || root
            .get("Resources")
            .is_some_and(|resources| match &resources.value {
                SrcValue::Map(entries) => entries
                    .iter()
                    .any(|(_, resource)| resource.get("Type").is_some()),
                _ => false,
            })
}

/// The policies a template declares.
pub(crate) fn found(root: &Src) -> Found {
    let mut found = Found::default();
    let Some(SrcValue::Map(resources)) = root.get("Resources").map(|r| &r.value) else {
        return found;
    };
    let cx = Cx { root };
    for (id, resource) in resources {
        let (Some(id), Some(kind)) = (id.as_str(), resource.get("Type").and_then(Src::as_str))
        else {
            continue;
        };
        let Some(properties) = resource.get("Properties") else {
            continue;
        };
        let declared = match kind {
            "AWS::S3::Bucket" => Some((&mut found.buckets, "BucketName")),
            "AWS::IAM::User" => Some((&mut found.users, "UserName")),
            "AWS::IAM::Role" => Some((&mut found.roles, "RoleName")),
            _ => None,
        };
        if let Some((list, property)) = declared
            && let Some(name) = properties.get(property)
            && intrinsic(name).is_none()
            && let Some(name) = name.as_str()
        {
            list.push(name.to_owned());
        }
        let address = format!("Resources.{id}");
        for (resource_type, path, policy_kind) in POLICY_PROPERTIES {
            if *resource_type != kind {
                continue;
            }
            for (attribute, value) in property(properties, path) {
                cx.policy(
                    &address,
                    &format!("Properties.{attribute}"),
                    *policy_kind,
                    &value,
                    &mut found,
                );
            }
        }
        if kind == "AWS::Organizations::Policy" {
            let policy_kind = match properties.get("Type").and_then(Src::as_str) {
                Some("SERVICE_CONTROL_POLICY") => Some(PolicyKind::Scp),
                Some("RESOURCE_CONTROL_POLICY") => Some(PolicyKind::Rcp),
                _ => None,
            };
            if let (Some(policy_kind), Some(content)) = (policy_kind, properties.get("Content")) {
                cx.policy(
                    &address,
                    "Properties.Content",
                    policy_kind,
                    content,
                    &mut found,
                );
            }
        }
        if kind == "AWS::Serverless::Function" || kind == "AWS::Serverless::StateMachine" {
            cx.sam_policies(&address, properties, &mut found);
        }
    }
    found
}

/// The values at `path` below `properties` (`Policies[].PolicyDocument`: one per item), each with its path
/// written with indexes (`Policies[0].PolicyDocument`). An `Fn::If` around an item gives its branches.
fn property(properties: &Src, path: &str) -> Vec<(String, Src)> {
    let mut found = vec![(String::new(), properties.clone())];
    for step in path.split('.') {
        let (name, each) = match step.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (step, false),
        };
        let mut next = Vec::new();
        for (at, node) in found {
            let Some(value) = node.get(name) else {
                continue;
            };
            let here = if at.is_empty() {
                name.to_owned()
            } else {
                format!("{at}.{name}")
            };
            if each {
                if let SrcValue::Seq(items) = &value.value {
                    for (index, item) in items.iter().enumerate() {
                        for branch in branches(item) {
                            next.push((format!("{here}[{index}]"), branch));
                        }
                    }
                }
            } else {
                next.push((here, value.clone()));
            }
        }
        found = next;
    }
    found
}

/// The intrinsic function a node calls, and its argument: `{"Fn::Sub": ...}`, `{"Ref": ...}` or a short-form
/// tag.
fn intrinsic(node: &Src) -> Option<(String, Src)> {
    if let Some(tag) = &node.tag {
        let name = if tag == "Ref" || tag == "Condition" {
            tag.clone()
        } else {
            format!("Fn::{tag}")
        };
        let mut argument = node.clone();
        argument.tag = None;
        return Some((name, argument));
    }
    match &node.value {
        SrcValue::Map(entries) if entries.len() == 1 => {
            let name = entries[0].0.as_str()?;
            (name == "Ref" || name.starts_with("Fn::"))
                .then(|| (name.to_owned(), entries[0].1.clone()))
        }
        _ => None,
    }
}

struct Cx<'t> {
    root: &'t Src,
}

/// The values a node may take under `Fn::If` (both branches, `AWS::NoValue` dropped), or the node itself.
fn branches(node: &Src) -> Vec<Src> {
    match intrinsic(node) {
        Some((name, argument)) if name == "Fn::If" => match &argument.value {
            SrcValue::Seq(items) if items.len() == 3 => items[1..]
                .iter()
                .filter(|branch| !is_no_value(branch))
                .flat_map(branches)
                .collect(),
            _ => vec![node.clone()],
        },
        _ if is_no_value(node) => Vec::new(),
        _ => vec![node.clone()],
    }
}

impl Cx<'_> {
    fn policy(
        &self,
        address: &str,
        attribute: &str,
        kind: PolicyKind,
        value: &Src,
        found: &mut Found,
    ) {
        for value in branches(value) {
            let node = self.node(&value);
            let body = match node.value {
                Value::Map(_) => Body::Tree(node),
                // A policy written as a JSON string (`PolicyDocument: '{"Version": ...}'`, `!Sub '{...}'`).
                Value::Text(pieces) => {
                    let mut decoded = Decoded::new(node.at.clone());
                    for piece in pieces {
                        match piece {
                            Piece::Literal { text, runs } => decoded.literal_runs(&text, &runs),
                            Piece::Unknown(unknown) => decoded.unknown(unknown),
                        }
                    }
                    Body::from_text(decoded)
                }
                Value::Unknown(unknown) => {
                    found
                        .unknown
                        .push((format!("{address}.{attribute}"), unknown.written));
                    continue;
                }
                _ => continue,
            };
            found.policies.push(Embedded {
                address: address.to_owned(),
                attribute: attribute.to_owned(),
                kind: Some(kind),
                body,
                source: None,
            });
        }
    }

    /// SAM's `Policies`: policy documents are read; managed policy names and SAM's policy templates
    /// (`S3ReadPolicy: {BucketName: ...}`) are named, not guessed.
    fn sam_policies(&self, address: &str, properties: &Src, found: &mut Found) {
        let Some(policies) = properties.get("Policies") else {
            return;
        };
        let items: Vec<(String, Src)> = match &policies.value {
            SrcValue::Seq(items) if intrinsic(policies).is_none() => items
                .iter()
                .enumerate()
                .flat_map(|(index, item)| {
                    branches(item)
                        .into_iter()
                        .map(move |branch| (format!("Properties.Policies[{index}]"), branch))
                })
                .collect(),
            _ => vec![("Properties.Policies".to_owned(), policies.clone())],
        };
        for (attribute, item) in items {
            if item.get("Statement").is_some() {
                self.policy(address, &attribute, PolicyKind::Identity, &item, found);
            } else if let Some(name) = item.as_str() {
                found.named.push((
                    format!("{address}.{attribute}"),
                    format!("managed policy {name}"),
                ));
            } else if let SrcValue::Map(entries) = &item.value
                && let Some(name) = entries.first().and_then(|(key, _)| key.as_str())
            {
                found.named.push((
                    format!("{address}.{attribute}"),
                    format!("SAM policy template {name}"),
                ));
            }
        }
    }

    /// A template value as a value of a policy tree.
    fn node(&self, src: &Src) -> Node {
        let at = src.at.clone();
        if let Some((name, argument)) = intrinsic(src) {
            return self.intrinsic(&name, &argument, src);
        }
        let value = match &src.value {
            SrcValue::Scalar { text, quoted, runs } => {
                if !quoted && let Some(value) = yaml_literal(text) {
                    value
                } else {
                    Value::Text(vec![Piece::Literal {
                        text: text.clone(),
                        runs: runs.clone(),
                    }])
                }
            }
            SrcValue::Literal(text) => match text.as_str() {
                "null" => Value::Null,
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                number => Value::Number(number.to_owned()),
            },
            SrcValue::Seq(items) => Value::List(
                items
                    .iter()
                    .flat_map(branches)
                    .map(|item| self.node(&item))
                    .collect(),
            ),
            SrcValue::Map(entries) => Value::Map(
                entries
                    .iter()
                    .filter(|(_, value)| !is_no_value(value))
                    .map(|(key, value)| Entry {
                        key: match self.node(key).value {
                            Value::Text(pieces) => pieces,
                            _ => vec![Piece::literal(key.as_str().unwrap_or_default(), None)],
                        },
                        key_at: key.at.clone(),
                        value: self.node(value),
                    })
                    .collect(),
            ),
        };
        Node::new(at, value)
    }

    fn unknown(written: String, ty: Ty, at: At) -> Unknown {
        Unknown { written, ty, at }
    }

    fn intrinsic(&self, name: &str, argument: &Src, src: &Src) -> Node {
        let at = src.at.clone();
        let written = |what: &str| format!("{} {what}", short_name(name));
        let value = match name {
            "Ref" => match argument.as_str() {
                Some(target) => self.reference(target, &at),
                None => Value::Unknown(Self::unknown(written(""), Ty::Any, at.clone())),
            },
            "Fn::GetAtt" => {
                let (resource, attribute) = match &argument.value {
                    SrcValue::Scalar { text, .. } => match text.split_once('.') {
                        Some((resource, attribute)) => (resource.to_owned(), attribute.to_owned()),
                        None => (text.clone(), String::new()),
                    },
                    SrcValue::Seq(items) if items.len() == 2 => (
                        items[0].as_str().unwrap_or_default().to_owned(),
                        items[1].as_str().unwrap_or_default().to_owned(),
                    ),
                    _ => (String::new(), String::new()),
                };
                self.get_att(&resource, &attribute, &at)
            }
            "Fn::Sub" => self.sub(argument, &at),
            "Fn::Join" => self.join(argument, &at),
            "Fn::If" => {
                // As a value (not an item of a list, where both branches are read): the branches as a list
                // when both are strings, else the first that is not `AWS::NoValue`.
                let branches = branches(src);
                let nodes: Vec<Node> = branches.iter().map(|b| self.node(b)).collect();
                if nodes.len() == 2 && nodes.iter().all(|n| matches!(n.value, Value::Text(_))) {
                    Value::List(nodes)
                } else {
                    return nodes
                        .into_iter()
                        .next()
                        .unwrap_or_else(|| Node::new(at.clone(), Value::Null));
                }
            }
            _ => Value::Unknown(Self::unknown(
                format!("{} {}", short_name(name), short(argument)),
                Ty::Any,
                at.clone(),
            )),
        };
        Node::new(at, value)
    }

    /// The resource with logical id `id`: its type and properties.
    fn resource(&self, id: &str) -> Option<(&str, Option<&Src>)> {
        let resource = self.root.get("Resources")?.get(id)?;
        Some((resource.get("Type")?.as_str()?, resource.get("Properties")))
    }

    fn reference(&self, target: &str, at: &At) -> Value {
        let ty = match target {
            "AWS::AccountId" => Ty::AccountId,
            "AWS::Region" => Ty::Region,
            "AWS::Partition" => Ty::Partition,
            _ => match self.resource(target) {
                Some((kind, properties)) => match NAMED.iter().find(|(named, ..)| *named == kind) {
                    Some((_, of, name_property, gives)) => {
                        let declared = properties
                            .and_then(|p| p.get(name_property))
                            .and_then(|n| (intrinsic(n).is_none()).then(|| n.as_str()).flatten());
                        match gives {
                            RefGives::Name => {
                                if let Some(name) = declared {
                                    return Value::Text(vec![Piece::literal(name, None)]);
                                }
                                Ty::Name(*of)
                            }
                            RefGives::Arn => Ty::Arn(*of),
                            RefGives::Other => Ty::Any,
                        }
                    }
                    None => Ty::Any,
                },
                None => Ty::Any,
            },
        };
        Value::Unknown(Self::unknown(format!("!Ref {target}"), ty, at.clone()))
    }

    fn get_att(&self, resource: &str, attribute: &str, at: &At) -> Value {
        let written = format!("!GetAtt {resource}.{attribute}");
        let ty = match self.resource(resource) {
            Some((kind, properties)) => match NAMED.iter().find(|(named, ..)| *named == kind) {
                Some((_, of, name_property, _))
                    if attribute == "Arn"
                        || (attribute == "TopicArn" && *of == ArnOf::SnsTopic) =>
                {
                    let declared = properties
                        .and_then(|p| p.get(name_property))
                        .and_then(|n| (intrinsic(n).is_none()).then(|| n.as_str()).flatten());
                    if let (ArnOf::S3Bucket, Some(name)) = (of, declared) {
                        return Value::Text(vec![Piece::literal(
                            format!("arn:aws:s3:::{name}"),
                            None,
                        )]);
                    }
                    Ty::Arn(*of)
                }
                _ => Ty::Any,
            },
            None => Ty::Any,
        };
        Value::Unknown(Self::unknown(written, ty, at.clone()))
    }

    /// `Fn::Sub`: `${Name}` (a parameter, a resource, a pseudo parameter, or a variable of the map),
    /// `${Resource.Attribute}`, and `${!Literal}` for the text `${Literal}`.
    fn sub(&self, argument: &Src, at: &At) -> Value {
        let (template, variables) = match &argument.value {
            SrcValue::Seq(items) if items.len() == 2 => (&items[0], Some(&items[1])),
            _ => (argument, None),
        };
        let SrcValue::Scalar { text, runs, .. } = &template.value else {
            return Value::Unknown(Self::unknown(
                format!("!Sub {}", short(argument)),
                Ty::Any,
                at.clone(),
            ));
        };
        let mut pieces = Vec::new();
        let mut rest = 0;
        let literal = |pieces: &mut Vec<Piece>, from: usize, to: usize, text: &str| {
            if from < to {
                pieces.push(Piece::Literal {
                    text: text[from..to].to_owned(),
                    runs: slice_runs(runs, from, to),
                });
            }
        };
        while let Some(open) = text[rest..].find("${").map(|open| rest + open) {
            let Some(close) = text[open..].find('}').map(|close| open + close) else {
                break;
            };
            let name = &text[open + 2..close];
            if let Some(kept) = name.strip_prefix('!') {
                literal(&mut pieces, rest, open, text);
                pieces.push(Piece::literal(format!("${{{kept}}}"), None));
                rest = close + 1;
                continue;
            }
            literal(&mut pieces, rest, open, text);
            let place_at = slice_runs(runs, open, close + 1)
                .first()
                .map_or(at.clone(), |(_, file)| *file..*file + (close + 1 - open));
            let variable = variables.and_then(|map| map.get(name.trim()));
            let value = match variable {
                Some(value) => self.node(value).value,
                None => match name.split_once('.') {
                    Some((resource, attribute)) => self.get_att(resource, attribute, &place_at),
                    None => self.reference(name.trim(), &place_at),
                },
            };
            match value {
                Value::Text(inner) => pieces.extend(inner),
                Value::Unknown(mut unknown) => {
                    unknown.at = place_at;
                    unknown.written = format!("${{{name}}}");
                    pieces.push(Piece::Unknown(unknown));
                }
                _ => pieces.push(Piece::Unknown(Self::unknown(
                    format!("${{{name}}}"),
                    Ty::Any,
                    place_at,
                ))),
            }
            rest = close + 1;
        }
        literal(&mut pieces, rest, text.len(), text);
        if pieces.is_empty() {
            pieces.push(Piece::literal("", None));
        }
        Value::Text(pieces)
    }

    /// `Fn::Join`: the items' pieces with the delimiter between them.
    fn join(&self, argument: &Src, at: &At) -> Value {
        let unknown = || {
            Value::Unknown(Self::unknown(
                format!("!Join {}", short(argument)),
                Ty::Any,
                at.clone(),
            ))
        };
        let SrcValue::Seq(parts) = &argument.value else {
            return unknown();
        };
        let (Some(delimiter), Some(list)) = (parts.first().and_then(Src::as_str), parts.get(1))
        else {
            return unknown();
        };
        let SrcValue::Seq(items) = &list.value else {
            return unknown();
        };
        if intrinsic(list).is_some() {
            return unknown();
        }
        let mut pieces = Vec::new();
        for (index, item) in items.iter().enumerate() {
            if index > 0 && !delimiter.is_empty() {
                pieces.push(Piece::literal(delimiter, None));
            }
            match self.node(item).value {
                Value::Text(inner) => pieces.extend(inner),
                Value::Unknown(unknown) => pieces.push(Piece::Unknown(unknown)),
                Value::Number(number) => pieces.push(Piece::literal(number, None)),
                _ => return unknown(),
            }
        }
        Value::Text(pieces)
    }
}

fn is_no_value(node: &Src) -> bool {
    matches!(intrinsic(node), Some((name, argument)) if name == "Ref" && argument.as_str() == Some("AWS::NoValue"))
}

/// An intrinsic function's short form: `!GetAtt` for `Fn::GetAtt`.
fn short_name(name: &str) -> String {
    format!("!{}", name.strip_prefix("Fn::").unwrap_or(name))
}

/// A short text of a template value, for an unknown's name.
fn short(node: &Src) -> String {
    match &node.value {
        SrcValue::Scalar { text, .. } | SrcValue::Literal(text) => {
            let text: String = text.chars().take(60).collect();
            text
        }
        SrcValue::Seq(_) => "[...]".to_owned(),
        SrcValue::Map(_) => "{...}".to_owned(),
    }
}

/// Runs of `runs` for the text bytes `from..to`, relative to `from`.
fn slice_runs(runs: &[(usize, usize)], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut sliced = Vec::new();
    if let Some((start, file)) = runs.iter().rev().find(|(start, _)| *start <= from) {
        sliced.push((0, file + (from - start)));
    }
    for (start, file) in runs {
        if from < *start && *start < to {
            sliced.push((start - from, *file));
        }
    }
    sliced
}

/// What a plain YAML scalar resolves to under YAML 1.1, as CloudFormation reads it: null, a boolean, a number;
/// `None` for a string.
fn yaml_literal(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Some(Value::Null),
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            Some(Value::Bool(true))
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            Some(Value::Bool(false))
        }
        _ => {
            let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
            let number = !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && digits.bytes().filter(|b| *b == b'.').count() <= 1
                && !digits.starts_with('.')
                // A leading zero makes an octal in YAML 1.1 and an id in practice (`012345678901`): keep the text.
                && !(digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0."));
            number.then(|| Value::Number(text.to_owned()))
        }
    }
}
