//! Terraform configurations (`.tf`), read with `hcl-edit`'s parser, which keeps the byte span of every
//! expression: the policy arguments of the AWS provider's resources, and `aws_iam_policy_document` data
//! sources with the kind of the arguments that use them.
//!
//! A module is the `.tf` files of one folder: a resource in one file may use a policy document of another.

use std::collections::BTreeMap;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Block;
use iamgen_runtime::lint::PolicyKind;

pub(crate) use super::hcl::File;
use super::hcl::{Cx, Index, document_reference};
use super::{Body as PolicyBody, Embedded, Found};

/// Where a policy argument puts its policy.
#[derive(Debug, Clone, Copy)]
enum Placed {
    Kind(PolicyKind),
    /// `aws_organizations_policy.content`: an SCP or an RCP by the resource's `type`.
    Organizations,
}

/// The provider's resources that hold policies, and the argument of each.
const POLICY_ARGUMENTS: &[(&str, &str, Placed)] = &[
    (
        "aws_iam_policy",
        "policy",
        Placed::Kind(PolicyKind::Identity),
    ),
    (
        "aws_iam_role",
        "assume_role_policy",
        Placed::Kind(PolicyKind::Trust),
    ),
    (
        "aws_iam_role_policy",
        "policy",
        Placed::Kind(PolicyKind::Identity),
    ),
    (
        "aws_iam_user_policy",
        "policy",
        Placed::Kind(PolicyKind::Identity),
    ),
    (
        "aws_iam_group_policy",
        "policy",
        Placed::Kind(PolicyKind::Identity),
    ),
    (
        "aws_ssoadmin_permission_set_inline_policy",
        "inline_policy",
        Placed::Kind(PolicyKind::Identity),
    ),
    (
        "aws_s3_bucket_policy",
        "policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_s3_bucket",
        "policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_s3_access_point",
        "policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    ("aws_kms_key", "policy", Placed::Kind(PolicyKind::Resource)),
    (
        "aws_kms_key_policy",
        "policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_sqs_queue_policy",
        "policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_sqs_queue",
        "policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_sns_topic_policy",
        "policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_sns_topic",
        "policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_ecr_repository_policy",
        "policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_secretsmanager_secret_policy",
        "policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_s3tables_table_policy",
        "resource_policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_s3tables_table_bucket_policy",
        "resource_policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_s3vectors_vector_bucket_policy",
        "policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_efs_file_system_policy",
        "policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_backup_vault_policy",
        "policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_cloudwatch_log_resource_policy",
        "policy_document",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_opensearch_domain_policy",
        "access_policies",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_elasticsearch_domain_policy",
        "access_policies",
        Placed::Kind(PolicyKind::Resource),
    ),
    (
        "aws_glacier_vault",
        "access_policy",
        Placed::Kind(PolicyKind::Resource),
    ),
    ("aws_organizations_policy", "content", Placed::Organizations),
];

/// The kind of policy argument `attribute` of a resource of type `kind` holds, if it holds one;
/// `organizations_type` is an `aws_organizations_policy`'s `type`.
pub(crate) fn placement(
    kind: &str,
    attribute: &str,
    organizations_type: Option<&str>,
) -> Option<PolicyKind> {
    let (_, _, placed) = POLICY_ARGUMENTS
        .iter()
        .find(|(resource, argument, _)| *resource == kind && *argument == attribute)?;
    match placed {
        Placed::Kind(kind) => Some(*kind),
        Placed::Organizations => organizations_kind(organizations_type),
    }
}

/// An `aws_organizations_policy`'s kind by its `type`: SCPs by default; tag, backup and other policies are
/// not IAM policies.
fn organizations_kind(policy_type: Option<&str>) -> Option<PolicyKind> {
    match policy_type {
        None | Some("SERVICE_CONTROL_POLICY") => Some(PolicyKind::Scp),
        Some("RESOURCE_CONTROL_POLICY") => Some(PolicyKind::Rcp),
        Some(_) => None,
    }
}

/// The `.tf` files of one folder.
#[derive(Debug)]
pub(crate) struct Module {
    pub(crate) files: Vec<File>,
}

/// The kinds the resources of a module give each policy document they use: `(kind, where it is used)`.
type Uses = BTreeMap<String, Vec<(Placed, String)>>;

impl Module {
    /// The policies of file `which` of the module, found with what the whole module declares.
    pub(crate) fn found(&self, which: usize) -> Found {
        let index = self.index();
        let uses = self.uses();
        let file = &self.files[which];
        let cx = Cx {
            file,
            index: &index,
        };
        let mut found = Found::default();
        for (address, (block, _)) in &index.blocks {
            let (list, argument) = match address.split_once('.').map(|(kind, _)| kind) {
                Some("aws_s3_bucket") => (&mut found.buckets, "bucket"),
                Some("aws_iam_user") => (&mut found.users, "name"),
                Some("aws_iam_role") => (&mut found.roles, "name"),
                _ => continue,
            };
            if let Some(name) = block
                .body
                .get_attribute(argument)
                .and_then(|a| a.value.as_str())
            {
                list.push(name.to_owned());
            }
        }
        for block in file.body.blocks() {
            let labels: Vec<&str> = block
                .labels
                .iter()
                .map(hcl_edit::structure::BlockLabel::as_str)
                .collect();
            match (block.ident.as_str(), labels.as_slice()) {
                ("resource", [kind, name]) => resource(&cx, block, kind, name, &mut found),
                ("data", ["aws_iam_policy_document", name]) => {
                    let address = format!("data.aws_iam_policy_document.{name}");
                    // The first resource using the document gives its kind.
                    let kind =
                        uses.get(*name)
                            .and_then(|places| places.first())
                            .map(|(placed, _)| match placed {
                                Placed::Kind(kind) => *kind,
                                Placed::Organizations => PolicyKind::Scp,
                            });
                    let tree = super::policy_document::document(block, &cx.reader(), 0);
                    found.policies.push(Embedded {
                        address,
                        attribute: String::new(),
                        kind,
                        body: PolicyBody::Tree(tree),
                        source: None,
                    });
                }
                _ => {}
            }
        }
        found
    }

    fn index(&self) -> Index<'_> {
        let mut blocks = BTreeMap::new();
        for file in &self.files {
            for block in file.body.blocks() {
                let labels: Vec<&str> = block
                    .labels
                    .iter()
                    .map(hcl_edit::structure::BlockLabel::as_str)
                    .collect();
                match (block.ident.as_str(), labels.as_slice()) {
                    ("resource", [kind, name]) => {
                        blocks.insert(format!("{kind}.{name}"), (block, file));
                    }
                    ("data", [kind, name]) => {
                        blocks.insert(format!("data.{kind}.{name}"), (block, file));
                    }
                    _ => {}
                }
            }
        }
        Index { blocks }
    }

    /// Which policy documents the module's resources use, and as what.
    fn uses(&self) -> Uses {
        let mut uses = Uses::new();
        for file in &self.files {
            for block in file.body.blocks() {
                let labels: Vec<&str> = block
                    .labels
                    .iter()
                    .map(hcl_edit::structure::BlockLabel::as_str)
                    .collect();
                let ("resource", [kind, name]) = (block.ident.as_str(), labels.as_slice()) else {
                    continue;
                };
                for (attribute, expr, placed) in policy_arguments(block, kind) {
                    if let Some(document) = document_reference(expr) {
                        uses.entry(document)
                            .or_default()
                            .push((placed, format!("{kind}.{name}.{attribute}")));
                    }
                }
            }
        }
        uses
    }
}

/// The policy arguments of a resource block of type `kind`: `(argument, value, place)`, nested
/// `inline_policy` blocks of a role included.
fn policy_arguments<'b>(block: &'b Block, kind: &str) -> Vec<(String, &'b Expression, Placed)> {
    let mut arguments = Vec::new();
    for (resource, argument, placed) in POLICY_ARGUMENTS {
        if *resource != kind {
            continue;
        }
        if let Some(attribute) = block.body.get_attribute(argument) {
            arguments.push(((*argument).to_owned(), &attribute.value, *placed));
        }
    }
    if kind == "aws_iam_role" {
        for inner in block.body.blocks() {
            let content = match inner.ident.as_str() {
                "inline_policy" => &inner.body,
                "dynamic"
                    if inner
                        .labels
                        .first()
                        .is_some_and(|l| l.as_str() == "inline_policy") =>
                {
                    match inner.body.blocks().find(|b| b.ident.as_str() == "content") {
                        Some(content) => &content.body,
                        None => continue,
                    }
                }
                _ => continue,
            };
            if let Some(attribute) = content.get_attribute("policy") {
                arguments.push((
                    "inline_policy.policy".to_owned(),
                    &attribute.value,
                    Placed::Kind(PolicyKind::Identity),
                ));
            }
        }
    }
    arguments
}

/// The policies of a resource block's policy arguments; those written as deploy time knows them go to
/// `found.unknown`.
fn resource(cx: &Cx<'_>, block: &Block, kind: &str, name: &str, found: &mut Found) {
    for (attribute, expr, placed) in policy_arguments(block, kind) {
        let kind = match placed {
            Placed::Kind(kind) => kind,
            Placed::Organizations => {
                let policy_type = block
                    .body
                    .get_attribute("type")
                    .and_then(|a| a.value.as_str().map(str::to_owned));
                match organizations_kind(policy_type.as_deref()) {
                    Some(kind) => kind,
                    None => continue,
                }
            }
        };
        let address = format!("{kind_name}.{name}", kind_name = block.labels[0].as_str());
        if document_reference(expr).is_some() {
            continue;
        }
        let reader = cx.reader();
        match reader.policy(expr) {
            Some((body, source)) => found.policies.push(Embedded {
                address,
                attribute,
                kind: Some(kind),
                body,
                source,
            }),
            None => found
                .unknown
                .push((format!("{address}.{attribute}"), reader.written(expr))),
        }
    }
}
