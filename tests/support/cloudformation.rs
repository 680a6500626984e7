//! CloudFormation: a template's values evaluated as CloudFormation would deploy it with its parameters'
//! defaults: `Ref` (parameters, resources, pseudo parameters), `Fn::GetAtt`, `Fn::Sub` (with `${Param}`,
//! `${Resource.Attribute}`, `${AWS::...}` and the `${!literal}` escape) and `Fn::Join`.

use serde_json::{Map, Value as Json};

/// The region the evaluation assumes.
pub const REGION: &str = "us-east-1";
/// The stack name the evaluation assumes.
pub const STACK_NAME: &str = "iamgen-test";

/// A template and the account it is deployed in.
#[derive(Debug, Clone)]
pub struct Template {
    /// The template.
    pub json: Json,
    /// The account it is deployed in (`AWS::AccountId`).
    pub account: String,
    /// Where it came from, for messages.
    pub origin: String,
}

fn as_text(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        Json::Number(number) => number.to_string(),
        Json::Bool(value) => value.to_string(),
        other => panic!("a string was expected, not {other}"),
    }
}

impl Template {
    /// A template.
    #[must_use]
    pub fn new(json: Json, account: &str, origin: &str) -> Template {
        Template {
            json,
            account: account.to_owned(),
            origin: origin.to_owned(),
        }
    }

    /// Resources of `kind` (`AWS::IAM::Role`), `(logical id, resource)`, in template order.
    #[must_use]
    pub fn resources(&self, kind: &str) -> Vec<(String, Json)> {
        self.json["Resources"]
            .as_object()
            .unwrap_or_else(|| panic!("{}: no Resources", self.origin))
            .iter()
            .filter(|(_, resource)| resource["Type"] == kind)
            .map(|(id, resource)| (id.clone(), resource.clone()))
            .collect()
    }

    fn resource(&self, id: &str) -> Option<&Json> {
        self.json["Resources"].get(id)
    }

    fn property(&self, id: &str, resource: &Json, key: &str) -> Option<String> {
        resource["Properties"]
            .get(key)
            .map(|value| as_text(&self.evaluate_at(value, &format!("{id}.{key}"))))
    }

    /// `arn:aws:iam::ACCOUNT:KIND/PATH/NAME` of an IAM resource.
    fn iam_arn(&self, id: &str, resource: &Json, what: &str, name_key: &str) -> String {
        let path = self
            .property(id, resource, "Path")
            .unwrap_or_else(|| "/".to_owned());
        let name = self
            .property(id, resource, name_key)
            .unwrap_or_else(|| panic!("{}: {id} has no {name_key}", self.origin));
        format!("arn:aws:iam::{}:{what}{path}{name}", self.account)
    }

    /// What `Ref` of `name` gives.
    fn reference(&self, name: &str) -> Json {
        match name {
            "AWS::AccountId" => return Json::String(self.account.clone()),
            "AWS::Partition" => return Json::String("aws".to_owned()),
            "AWS::Region" => return Json::String(REGION.to_owned()),
            "AWS::StackName" => return Json::String(STACK_NAME.to_owned()),
            "AWS::URLSuffix" => return Json::String("amazonaws.com".to_owned()),
            _ => {}
        }
        if let Some(parameter) = self.json["Parameters"].get(name) {
            return parameter
                .get("Default")
                .cloned()
                .unwrap_or_else(|| panic!("{}: parameter {name} has no default", self.origin));
        }
        let resource = self
            .resource(name)
            .unwrap_or_else(|| panic!("{}: `Ref` to {name}, which is not declared", self.origin));
        let text = match resource["Type"].as_str().unwrap_or_default() {
            "AWS::IAM::ManagedPolicy" => {
                self.iam_arn(name, resource, "policy", "ManagedPolicyName")
            }
            "AWS::IAM::Role" => self
                .property(name, resource, "RoleName")
                .unwrap_or_default(),
            "AWS::IAM::User" => self
                .property(name, resource, "UserName")
                .unwrap_or_default(),
            "AWS::IAM::Group" => self
                .property(name, resource, "GroupName")
                .unwrap_or_default(),
            "AWS::S3::Bucket" => self
                .property(name, resource, "BucketName")
                .unwrap_or_default(),
            other => panic!("{}: `Ref` to {name} of type {other}", self.origin),
        };
        Json::String(text)
    }

    /// What `Fn::GetAtt` of `name.attribute` gives.
    fn get_att(&self, name: &str, attribute: &str) -> Json {
        let resource = self.resource(name).unwrap_or_else(|| {
            panic!(
                "{}: `Fn::GetAtt` of {name}, which is not declared",
                self.origin
            )
        });
        let kind = resource["Type"].as_str().unwrap_or_default();
        let text = match (kind, attribute) {
            ("AWS::IAM::Role", "Arn") => self.iam_arn(name, resource, "role", "RoleName"),
            ("AWS::IAM::User", "Arn") => self.iam_arn(name, resource, "user", "UserName"),
            ("AWS::IAM::Group", "Arn") => self.iam_arn(name, resource, "group", "GroupName"),
            ("AWS::IAM::ManagedPolicy", "PolicyArn") => {
                self.iam_arn(name, resource, "policy", "ManagedPolicyName")
            }
            ("AWS::S3::Bucket", "Arn") => format!(
                "arn:aws:s3:::{}",
                self.property(name, resource, "BucketName")
                    .unwrap_or_else(|| panic!("{}: {name} has no BucketName", self.origin))
            ),
            _ => panic!(
                "{}: `Fn::GetAtt` {name}.{attribute} of {kind} is not known to this evaluator",
                self.origin
            ),
        };
        Json::String(text)
    }

    /// `Fn::Sub`'s text with its variables replaced.
    fn sub(&self, text: &str, variables: &Map<String, Json>, at: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .unwrap_or_else(|| panic!("{}: {at}: `${{` without `}}` in {text:?}", self.origin));
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else if let Some(value) = variables.get(name) {
                out.push_str(&as_text(&self.evaluate_at(value, at)));
            } else if name.starts_with("AWS::") || !name.contains('.') {
                out.push_str(&as_text(&self.reference(name)));
            } else {
                let (resource, attribute) = name.split_once('.').unwrap_or((name, ""));
                out.push_str(&as_text(&self.get_att(resource, attribute)));
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// `value` with every intrinsic function evaluated.
    #[must_use]
    pub fn evaluate(&self, value: &Json) -> Json {
        self.evaluate_at(value, "")
    }

    fn evaluate_at(&self, value: &Json, at: &str) -> Json {
        match value {
            Json::Array(items) => Json::Array(
                items
                    .iter()
                    .map(|item| self.evaluate_at(item, at))
                    .collect(),
            ),
            Json::Object(members) => {
                if members.len() == 1 {
                    let (key, argument) = members.iter().next().unwrap_or_else(|| unreachable!());
                    if key == "Ref" || key.starts_with("Fn::") {
                        return self.intrinsic(key, argument, at);
                    }
                }
                Json::Object(
                    members
                        .iter()
                        .map(|(key, value)| {
                            (key.clone(), self.evaluate_at(value, &format!("{at}/{key}")))
                        })
                        .collect(),
                )
            }
            scalar => scalar.clone(),
        }
    }

    fn intrinsic(&self, function: &str, argument: &Json, at: &str) -> Json {
        match (function, argument) {
            ("Ref", Json::String(name)) => self.reference(name),
            ("Fn::GetAtt", Json::Array(parts)) => match parts.as_slice() {
                [Json::String(name), Json::String(attribute)] => self.get_att(name, attribute),
                _ => panic!("{}: {at}: malformed Fn::GetAtt {argument}", self.origin),
            },
            ("Fn::GetAtt", Json::String(dotted)) => {
                let (name, attribute) = dotted.split_once('.').unwrap_or_else(|| {
                    panic!("{}: {at}: malformed Fn::GetAtt {dotted}", self.origin)
                });
                self.get_att(name, attribute)
            }
            ("Fn::Sub", Json::String(text)) => Json::String(self.sub(text, &Map::new(), at)),
            ("Fn::Sub", Json::Array(parts)) => match parts.as_slice() {
                [Json::String(text), Json::Object(variables)] => {
                    Json::String(self.sub(text, variables, at))
                }
                _ => panic!("{}: {at}: malformed Fn::Sub {argument}", self.origin),
            },
            ("Fn::Join", Json::Array(parts)) => match parts.as_slice() {
                [Json::String(separator), list] => {
                    let Json::Array(items) = self.evaluate_at(list, at) else {
                        panic!("{}: {at}: Fn::Join of a non-list", self.origin);
                    };
                    Json::String(
                        items
                            .iter()
                            .map(as_text)
                            .collect::<Vec<_>>()
                            .join(separator),
                    )
                }
                _ => panic!("{}: {at}: malformed Fn::Join {argument}", self.origin),
            },
            _ => panic!(
                "{}: {at}: {function} {argument} is not known to this evaluator",
                self.origin
            ),
        }
    }

    /// The template's managed policies, `(ManagedPolicyName, evaluated PolicyDocument)`.
    #[must_use]
    pub fn managed_policies(&self) -> Vec<(String, Json)> {
        self.resources("AWS::IAM::ManagedPolicy")
            .into_iter()
            .map(|(id, resource)| {
                let name = self
                    .property(&id, &resource, "ManagedPolicyName")
                    .unwrap_or_else(|| panic!("{}: {id} has no ManagedPolicyName", self.origin));
                let document = self.evaluate_at(
                    &resource["Properties"]["PolicyDocument"],
                    &format!("{id}/PolicyDocument"),
                );
                (name, document)
            })
            .collect()
    }

    /// The template's roles, `(RoleName, evaluated AssumeRolePolicyDocument)`.
    #[must_use]
    pub fn trusts(&self) -> Vec<(String, Json)> {
        self.resources("AWS::IAM::Role")
            .into_iter()
            .map(|(id, resource)| {
                let name = self
                    .property(&id, &resource, "RoleName")
                    .unwrap_or_else(|| panic!("{}: {id} has no RoleName", self.origin));
                let document = self.evaluate_at(
                    &resource["Properties"]["AssumeRolePolicyDocument"],
                    &format!("{id}/AssumeRolePolicyDocument"),
                );
                (name, document)
            })
            .collect()
    }
}

/// The `TemplateBody` of every `AWS::CloudFormation::StackSet` in `template`, parsed.
#[must_use]
pub fn stackset_bodies(template: &Json, origin: &str) -> Vec<(String, Json)> {
    template["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, resource)| resource["Type"] == "AWS::CloudFormation::StackSet")
        .map(|(id, resource)| {
            let body = resource["Properties"]["TemplateBody"]
                .as_str()
                .unwrap_or_else(|| panic!("{origin}: {id} has no literal TemplateBody"));
            let parsed = serde_json::from_str(body).unwrap_or_else(|error| {
                panic!("{origin}: {id}'s TemplateBody is not JSON: {error}")
            });
            (id.clone(), parsed)
        })
        .collect()
}
