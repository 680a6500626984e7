//! CloudFormation: one template per account in YAML and in JSON, and for each account whose role other
//! accounts trust, a StackSet template that rolls that role out to every account of an organizational unit.
//!
//! Values that name a resource of the same template become `Ref`/`Fn::GetAtt`; values that name another
//! account become `Fn::Sub` over a parameter for its id (with an `AllowedPattern`), since stacks in different
//! accounts cannot reference each other.

use std::collections::BTreeMap;

use serde_json::json;

use super::escape::logical_id;
use super::value::Value;
use super::{RenderError, Renderer, account_aliases};
use crate::stack::{AccountRef, PrincipalRef, Stack};

/// CloudFormation's limits on one template.
const MAX_RESOURCES: usize = 500;
const MAX_OUTPUTS: usize = 200;
const MAX_PARAMETERS: usize = 200;
const MAX_BYTES: usize = 1_000_000;

fn object(entries: Vec<(&str, Value)>) -> Value {
    Value::object(entries)
}

fn reference(name: &str) -> Value {
    object(vec![("Ref", Value::from(name))])
}

fn get_att(name: &str, attribute: &str) -> Value {
    object(vec![(
        "Fn::GetAtt",
        Value::Array(vec![Value::from(name), Value::from(attribute)]),
    )])
}

/// Text inside `Fn::Sub`: `${` is written `${!` so that IAM policy variables stay literal.
fn sub_literal(text: &str) -> String {
    text.replace("${", "${!")
}

/// Strings that name something of the stack, and what to write instead within one account's template.
struct Intrinsics {
    exact: Vec<(String, Value)>,
    prefixes: Vec<(String, String)>,
}

impl Intrinsics {
    fn rewrite(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => {
                if let Some((_, replacement)) = self.exact.iter().find(|(known, _)| known == text) {
                    return replacement.clone();
                }
                if let Some((prefix, variable)) = self
                    .prefixes
                    .iter()
                    .find(|(prefix, _)| text.starts_with(prefix.as_str()))
                {
                    let rest = sub_literal(&text[prefix.len()..]);
                    return object(vec![(
                        "Fn::Sub",
                        Value::String(format!("${{{variable}}}/{rest}")),
                    )]);
                }
                value.clone()
            }
            Value::Array(items) => {
                Value::Array(items.iter().map(|item| self.rewrite(item)).collect())
            }
            Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(key, value)| (key.clone(), self.rewrite(value)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// A logical id for an item of one template: its name, with the kind (`Role`, `Policy` ...) appended unless the
/// name already ends with it, or when another item of the template would get the same id.
fn logical_name(stack: &Stack, account: AccountRef, kind: &str, name: &str) -> String {
    let base = logical_id(name);
    let short = if base.ends_with(kind) {
        base.clone()
    } else {
        format!("{base}{kind}")
    };
    // Every id the short form could collide with: the other items of this account, named the same way.
    let mut others: Vec<String> = Vec::new();
    let mut add = |other_kind: &str, other_name: &str| {
        if (other_kind, other_name) != (kind, name) {
            let other = logical_id(other_name);
            others.push(if other.ends_with(other_kind) {
                other
            } else {
                format!("{other}{other_kind}")
            });
        }
    };
    stack
        .buckets()
        .filter(|(_, b)| b.account == account)
        .for_each(|(_, b)| add("Bucket", &b.name));
    stack
        .policies()
        .filter(|(_, p)| p.account == account)
        .for_each(|(_, p)| add("Policy", &p.name));
    stack
        .roles()
        .filter(|(_, r)| r.account == account)
        .for_each(|(_, r)| add("Role", &r.name));
    stack
        .users()
        .filter(|(_, u)| u.account == account)
        .for_each(|(_, u)| add("User", &u.name));
    stack
        .groups()
        .filter(|(_, g)| g.account == account)
        .for_each(|(_, g)| add("Group", &g.name));
    if others.contains(&short) {
        format!("{base}{kind}{kind}")
    } else {
        short
    }
}

/// One account's template.
struct Template {
    value: Value,
    resources: usize,
    outputs: usize,
    parameters: usize,
}

#[allow(
    clippy::too_many_lines,
    reason = "one section per kind of resource, in the order of the template"
)]
fn account_template(
    stack: &Stack,
    account_ref: AccountRef,
    aliases: &[String],
    roles_only: bool,
) -> Template {
    let account = stack.account(account_ref);
    let mut parameters: Vec<(String, Value)> = Vec::new();
    let mut intrinsics = Intrinsics {
        exact: Vec::new(),
        prefixes: Vec::new(),
    };
    // Other accounts: parameters for their ids, and their ARNs through `Fn::Sub`.
    for (index, (other_ref, other)) in stack.accounts().enumerate() {
        if other_ref == account_ref {
            continue;
        }
        let parameter = format!("{}AccountId", logical_id(&aliases[index]));
        let id = other.id.as_str();
        let mentions = |text: &str| text.contains(id);
        let referenced = stack
            .policies()
            .any(|(_, p)| p.account == account_ref && mentions(&p.document.to_json()))
            || stack
                .roles()
                .any(|(_, r)| r.account == account_ref && mentions(&r.trust.to_json()));
        if !referenced {
            continue;
        }
        parameters.push((
            parameter.clone(),
            object(vec![
                ("Type", Value::from("String")),
                ("Default", Value::from(id)),
                ("AllowedPattern", Value::from("^[0-9]{12}$")),
                (
                    "ConstraintDescription",
                    Value::from("an AWS account id: exactly 12 digits"),
                ),
                (
                    "Description",
                    Value::from(format!("The id of the {} account.", other.name)),
                ),
            ]),
        ));
        intrinsics.exact.push((
            other.id.root_arn("aws"),
            object(vec![(
                "Fn::Sub",
                Value::String(format!("arn:aws:iam::${{{parameter}}}:root")),
            )]),
        ));
        intrinsics
            .exact
            .push((id.to_owned(), reference(&parameter)));
        for (role_ref, _) in stack.roles().filter(|(_, role)| role.account == other_ref) {
            let arn = stack.role_arn(role_ref);
            let rest = sub_literal(&arn[format!("arn:aws:iam::{id}:").len()..]);
            intrinsics.exact.push((
                arn,
                object(vec![(
                    "Fn::Sub",
                    Value::String(format!("arn:aws:iam::${{{parameter}}}:{rest}")),
                )]),
            ));
        }
        for (user_ref, _) in stack.users().filter(|(_, user)| user.account == other_ref) {
            let arn = stack.user_arn(user_ref);
            let rest = sub_literal(&arn[format!("arn:aws:iam::{id}:").len()..]);
            intrinsics.exact.push((
                arn,
                object(vec![(
                    "Fn::Sub",
                    Value::String(format!("arn:aws:iam::${{{parameter}}}:{rest}")),
                )]),
            ));
        }
    }

    let mut resources: Vec<(String, Value)> = Vec::new();
    let mut outputs: Vec<(String, Value)> = Vec::new();
    let logical = |kind: &str, name: &str| logical_name(stack, account_ref, kind, name);
    if !roles_only {
        for (_, bucket) in stack
            .buckets()
            .filter(|(_, bucket)| bucket.account == account_ref)
        {
            let id = logical("Bucket", &bucket.name);
            let arn = format!("arn:aws:s3:::{}", bucket.name);
            intrinsics.exact.push((arn.clone(), get_att(&id, "Arn")));
            intrinsics
                .prefixes
                .push((format!("{arn}/"), format!("{id}.Arn")));
            resources.push((
                id,
                object(vec![
                    ("Type", Value::from("AWS::S3::Bucket")),
                    // The data outlives the stack: deleting or replacing the stack keeps the bucket.
                    ("DeletionPolicy", Value::from("Retain")),
                    ("UpdateReplacePolicy", Value::from("Retain")),
                    (
                        "Properties",
                        object(vec![("BucketName", Value::from(bucket.name.as_str()))]),
                    ),
                ]),
            ));
        }
    }
    for (role_ref, role) in stack
        .roles()
        .filter(|(_, role)| role.account == account_ref)
    {
        intrinsics.exact.push((
            stack.role_arn(role_ref),
            get_att(&logical("Role", &role.name), "Arn"),
        ));
    }
    for (policy_ref, policy) in stack
        .policies()
        .filter(|(_, policy)| policy.account == account_ref)
    {
        intrinsics.exact.push((
            stack.policy_arn(policy_ref),
            reference(&logical("Policy", &policy.name)),
        ));
    }
    if !roles_only {
        for (user_ref, user) in stack
            .users()
            .filter(|(_, user)| user.account == account_ref)
        {
            intrinsics.exact.push((
                stack.user_arn(user_ref),
                get_att(&logical("User", &user.name), "Arn"),
            ));
        }
    }

    // Managed policies, attached from their side (`Roles`, `Users`, `Groups`).
    for (policy_ref, policy) in stack
        .policies()
        .filter(|(_, policy)| policy.account == account_ref)
    {
        let id = logical("Policy", &policy.name);
        let holders = |principal: PrincipalRef| stack.attached(principal).contains(&policy_ref);
        let roles: Vec<Value> = stack
            .roles()
            .filter(|(role, r)| r.account == account_ref && holders(PrincipalRef::Role(*role)))
            .map(|(_, role)| reference(&logical("Role", &role.name)))
            .collect();
        let users: Vec<Value> = stack
            .users()
            .filter(|(user, u)| {
                !roles_only && u.account == account_ref && holders(PrincipalRef::User(*user))
            })
            .map(|(_, user)| reference(&logical("User", &user.name)))
            .collect();
        let groups: Vec<Value> = stack
            .groups()
            .filter(|(group, g)| {
                !roles_only && g.account == account_ref && holders(PrincipalRef::Group(*group))
            })
            .map(|(_, group)| reference(&logical("Group", &group.name)))
            .collect();
        if roles_only
            && roles.is_empty()
            && !stack
                .roles()
                .any(|(_, r)| r.permissions_boundary == Some(policy_ref))
        {
            continue;
        }
        let mut properties = vec![
            ("ManagedPolicyName", Value::from(policy.name.as_str())),
            ("Path", Value::from(policy.path.as_str())),
        ];
        if let Some(description) = &policy.description {
            properties.push(("Description", Value::from(description.as_str())));
        }
        let document = Value::of_policy(&policy.document);
        properties.push((
            "PolicyDocument",
            if roles_only {
                document
            } else {
                intrinsics.rewrite(&document)
            },
        ));
        for (key, list) in [("Roles", roles), ("Users", users), ("Groups", groups)] {
            if !list.is_empty() {
                properties.push((key, Value::Array(list)));
            }
        }
        resources.push((
            id.clone(),
            object(vec![
                ("Type", Value::from("AWS::IAM::ManagedPolicy")),
                ("Properties", object(properties)),
            ]),
        ));
        outputs.push((
            format!("{id}Arn"),
            object(vec![
                (
                    "Description",
                    Value::from(format!("The ARN of the policy {}.", policy.name)),
                ),
                ("Value", reference(&id)),
            ]),
        ));
    }
    for (_, role) in stack
        .roles()
        .filter(|(_, role)| role.account == account_ref)
    {
        let id = logical("Role", &role.name);
        let duration_parameter = format!("{id}MaxSessionDuration");
        parameters.push((
            duration_parameter.clone(),
            object(vec![
                ("Type", Value::from("Number")),
                (
                    "Default",
                    Value::from(role.max_session_duration.unwrap_or(3_600)),
                ),
                ("MinValue", Value::from(3_600u32)),
                ("MaxValue", Value::from(43_200u32)),
                (
                    "Description",
                    Value::from(format!(
                        "The maximum session duration of the role {}, in seconds.",
                        role.name
                    )),
                ),
            ]),
        ));
        let mut properties = vec![
            ("RoleName", Value::from(role.name.as_str())),
            ("Path", Value::from(role.path.as_str())),
        ];
        if let Some(description) = &role.description {
            properties.push(("Description", Value::from(description.as_str())));
        }
        properties.push(("MaxSessionDuration", reference(&duration_parameter)));
        properties.push((
            "AssumeRolePolicyDocument",
            intrinsics.rewrite(&Value::of_policy(&role.trust)),
        ));
        if let Some(boundary) = role.permissions_boundary {
            properties.push((
                "PermissionsBoundary",
                reference(&logical("Policy", &stack.policy(boundary).name)),
            ));
        }
        if !role.tags.is_empty() {
            let tags = role
                .tags
                .iter()
                .map(|(key, value)| {
                    object(vec![
                        ("Key", Value::from(key.as_str())),
                        ("Value", Value::from(value.as_str())),
                    ])
                })
                .collect();
            properties.push(("Tags", Value::Array(tags)));
        }
        resources.push((
            id.clone(),
            object(vec![
                ("Type", Value::from("AWS::IAM::Role")),
                ("Properties", object(properties)),
            ]),
        ));
        outputs.push((
            format!("{id}Arn"),
            object(vec![
                (
                    "Description",
                    Value::from(format!("The ARN of the role {}.", role.name)),
                ),
                ("Value", get_att(&id, "Arn")),
                (
                    "Export",
                    object(vec![(
                        "Name",
                        object(vec![(
                            "Fn::Sub",
                            Value::String(format!("${{AWS::StackName}}-{id}Arn")),
                        )]),
                    )]),
                ),
            ]),
        ));
    }
    if !roles_only {
        for (_, group) in stack
            .groups()
            .filter(|(_, group)| group.account == account_ref)
        {
            resources.push((
                logical("Group", &group.name),
                object(vec![
                    ("Type", Value::from("AWS::IAM::Group")),
                    (
                        "Properties",
                        object(vec![
                            ("GroupName", Value::from(group.name.as_str())),
                            ("Path", Value::from(group.path.as_str())),
                        ]),
                    ),
                ]),
            ));
        }
        for (_, user) in stack
            .users()
            .filter(|(_, user)| user.account == account_ref)
        {
            let mut properties = vec![
                ("UserName", Value::from(user.name.as_str())),
                ("Path", Value::from(user.path.as_str())),
            ];
            if !user.groups.is_empty() {
                let groups = user
                    .groups
                    .iter()
                    .map(|group| reference(&logical("Group", &stack.group(*group).name)))
                    .collect();
                properties.push(("Groups", Value::Array(groups)));
            }
            resources.push((
                logical("User", &user.name),
                object(vec![
                    ("Type", Value::from("AWS::IAM::User")),
                    ("Properties", object(properties)),
                ]),
            ));
        }
    }
    let counts = (resources.len(), outputs.len(), parameters.len());
    let description = format!(
        "IAM for {} ({}), generated by iamgen. Deploy with the CAPABILITY_NAMED_IAM capability: it names IAM resources.",
        account.name, account.id
    );
    let mut template = vec![
        ("AWSTemplateFormatVersion", Value::from("2010-09-09")),
        ("Description", Value::from(description)),
    ];
    if !parameters.is_empty() {
        template.push(("Parameters", Value::Object(parameters)));
    }
    template.push(("Resources", Value::Object(resources)));
    if !outputs.is_empty() {
        template.push(("Outputs", Value::Object(outputs)));
    }
    Template {
        value: object(template),
        resources: counts.0,
        outputs: counts.1,
        parameters: counts.2,
    }
}

fn check_limits(account: &str, template: &Template, text: &str) -> Result<(), RenderError> {
    for (what, found, limit) in [
        ("resources", template.resources, MAX_RESOURCES),
        ("outputs", template.outputs, MAX_OUTPUTS),
        ("parameters", template.parameters, MAX_PARAMETERS),
        ("bytes", text.len(), MAX_BYTES),
    ] {
        if found > limit {
            return Err(RenderError::TooLarge {
                account: account.to_owned(),
                what,
                found,
                limit,
            });
        }
    }
    Ok(())
}

#[allow(
    clippy::too_many_lines,
    reason = "the account templates, then the StackSets, then the README"
)]
pub(super) fn render(
    renderer: &Renderer,
    stack: &Stack,
) -> Result<BTreeMap<String, String>, RenderError> {
    let aliases = account_aliases(stack);
    let header = |comment: &str| {
        format!(
            "# @generated by iamgen {}. DO NOT EDIT: regenerate with `iamgen generate`.\n# {comment}\n",
            env!("CARGO_PKG_VERSION")
        )
    };
    let mut files = BTreeMap::new();
    let mut stacksets = Vec::new();
    for (index, (account_ref, account)) in stack.accounts().enumerate() {
        let alias = &aliases[index];
        let template = account_template(stack, account_ref, &aliases, false);
        let json_text = template.value.to_json();
        check_limits(&account.name, &template, &json_text)?;
        files.insert(
            format!("cloudformation/{alias}.yaml"),
            header(&format!(
                "{} ({}): deploy in that account.",
                account.name, account.id
            )) + &template.value.to_yaml(),
        );
        files.insert(format!("cloudformation/{alias}.json"), json_text);

        // Roles that another account trusts can be rolled out to a whole organizational unit.
        let trusted_from_elsewhere = stack.roles().any(|(_, role)| {
            role.account == account_ref
                && stack.accounts().any(|(other, o)| {
                    other != account_ref && role.trust.to_json().contains(o.id.as_str())
                })
        });
        if trusted_from_elsewhere {
            let roles_only = account_template(stack, account_ref, &aliases, true);
            let body = roles_only.value.to_json();
            let stackset = object(vec![
                ("AWSTemplateFormatVersion", Value::from("2010-09-09")),
                (
                    "Description",
                    Value::from(format!(
                        "Rolls the roles of {} out to every account of the given organizational units, generated by iamgen. \
                         StackSets with service-managed permissions never deploy to the organization's management \
                         account: deploy cloudformation/{alias}.yaml there yourself if it needs the roles.",
                        account.name
                    )),
                ),
                (
                    "Parameters",
                    object(vec![(
                        "OrganizationalUnitIds",
                        object(vec![
                            ("Type", Value::from("CommaDelimitedList")),
                            (
                                "Description",
                                Value::from(
                                    "The organizational units (ou-...) whose accounts get the roles.",
                                ),
                            ),
                        ]),
                    )]),
                ),
                (
                    "Resources",
                    object(vec![(
                        "RolesStackSet",
                        object(vec![
                            ("Type", Value::from("AWS::CloudFormation::StackSet")),
                            (
                                "Properties",
                                object(vec![
                                    (
                                        "StackSetName",
                                        Value::from(format!("iamgen-{}", alias.replace('_', "-"))),
                                    ),
                                    (
                                        "Description",
                                        Value::from(format!(
                                            "The roles of {}, generated by iamgen.",
                                            account.name
                                        )),
                                    ),
                                    ("PermissionModel", Value::from("SERVICE_MANAGED")),
                                    (
                                        "AutoDeployment",
                                        object(vec![
                                            ("Enabled", Value::from(true)),
                                            ("RetainStacksOnAccountRemoval", Value::from(false)),
                                        ]),
                                    ),
                                    (
                                        "ManagedExecution",
                                        object(vec![("Active", Value::from(true))]),
                                    ),
                                    (
                                        "Capabilities",
                                        Value::Array(vec![Value::from("CAPABILITY_NAMED_IAM")]),
                                    ),
                                    (
                                        "StackInstancesGroup",
                                        Value::Array(vec![object(vec![
                                            (
                                                "DeploymentTargets",
                                                object(vec![(
                                                    "OrganizationalUnitIds",
                                                    reference("OrganizationalUnitIds"),
                                                )]),
                                            ),
                                            // IAM is global: one region per account, or the role names clash.
                                            (
                                                "Regions",
                                                Value::Array(vec![reference("AWS::Region")]),
                                            ),
                                        ])]),
                                    ),
                                    ("TemplateBody", Value::String(body)),
                                ]),
                            ),
                        ]),
                    )]),
                ),
            ]);
            files.insert(
                format!("cloudformation/stackset-{alias}.yaml"),
                header(&format!(
                    "The roles of {}, for every account of an organizational unit.",
                    account.name
                )) + &stackset.to_yaml(),
            );
            stacksets.push(json!({ "alias": alias, "name": account.name }));
        }
    }
    let accounts: Vec<serde_json::Value> = stack
        .accounts()
        .enumerate()
        .map(|(index, (_, account))| json!({ "alias": aliases[index], "name": account.name, "id": account.id.as_str() }))
        .collect();
    files.insert(
        "cloudformation/README.md".to_owned(),
        renderer.render_template(
            "cloudformation/README.md",
            &json!({ "version": env!("CARGO_PKG_VERSION"), "command": "iamgen generate", "accounts": accounts, "stacksets": stacksets }),
        )?,
    );
    Ok(files)
}
