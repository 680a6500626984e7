//! Policies inside infrastructure templates: Terraform configurations and plans, CloudFormation and SAM
//! templates (YAML or JSON, a CDK app's synthesized ones included).
//!
//! Each reader finds the policies a template declares, with the kind their place gives them (a role's
//! `assume_role_policy` is a trust policy, a bucket policy a resource policy), as located trees
//! ([`tree::Node`]) whose unknowns (a variable, a reference, an intrinsic function) are typed. [`check`] lints
//! one, and places its findings on the template's own bytes.

pub(crate) mod cloudformation;
pub(crate) mod hcl;
pub(crate) mod plan;
pub(crate) mod policy_document;
pub(crate) mod terraform;
pub(crate) mod text;
pub(crate) mod tree;
pub(crate) mod yaml;

use std::fmt::Write as _;

use iamgen_runtime::codes::{ACCOUNT_ID_ONE_DIGIT_OFF, UNDECLARED_PRINCIPAL};
use iamgen_runtime::diagnostic::Diagnostic;
use iamgen_runtime::json::{self, Node as JsonNode};
use iamgen_runtime::lint::codes;
use iamgen_runtime::lint::{self, Options, PolicyKind, Report};
use iamgen_runtime::source::Span;
use iamgen_runtime::stack::Stack;

use self::text::Decoded;
use self::tree::{Node, Rendered, Variant};

/// The codes of findings that compare a value with what the stack declares: an unknown value can never be
/// said to name nothing the stack declares.
const IDENTITY_CODES: &[&str] = &[
    "UNDECLARED_BUCKET",
    "UNDECLARED_ROLE",
    "DEAD_TRUST",
    "TRUST_DOES_NOT_ADMIT",
];

/// A policy found in a template.
#[derive(Debug)]
pub(crate) struct Embedded {
    /// The resource that holds it: `aws_iam_role.this`, `Resources.Role`.
    pub(crate) address: String,
    /// Where in the resource: `assume_role_policy`, `Properties.Policies[0].PolicyDocument`.
    pub(crate) attribute: String,
    /// The kind its place gives it; `None` when the place does not say (a policy document no resource uses).
    pub(crate) kind: Option<PolicyKind>,
    /// The policy.
    pub(crate) body: Body,
    /// The file the policy is read from when it is not the template (`file("policy.json")`), and its text.
    pub(crate) source: Option<(std::path::PathBuf, String)>,
}

/// How a policy is written.
#[derive(Debug)]
pub(crate) enum Body {
    /// As values of the template (`jsonencode`, a policy document's blocks, CloudFormation's YAML).
    Tree(Node),
    /// As text that is not JSON (the reader's errors are what there is to say).
    Text(Decoded),
}

impl Body {
    /// The body of a policy written as text: its tree when it is JSON, else the text itself.
    pub(crate) fn from_text(decoded: Decoded) -> Self {
        match decoded.tree() {
            Some(tree) => Body::Tree(tree),
            None => Body::Text(decoded),
        }
    }
}

/// What was found in one file.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub(crate) policies: Vec<Embedded>,
    /// Policies whose value only deploy time knows (`policy = var.policy`): `(address.attribute, as written)`.
    pub(crate) unknown: Vec<(String, String)>,
    /// Policies named, not written (SAM's managed policy names and policy templates): `(place, what)`.
    pub(crate) named: Vec<(String, String)>,
    /// The names of the buckets the template (or module) declares, where it writes them: what its policies'
    /// bucket ARNs are checked against.
    pub(crate) buckets: Vec<String>,
    /// The names of the users and of the roles it declares, where it writes them: what the principals its
    /// policies name by ARN are checked against.
    pub(crate) users: Vec<String>,
    pub(crate) roles: Vec<String>,
}

impl Found {
    /// A stack of what the template declares, for the checks across it: `None` when it declares nothing to
    /// check against.
    pub(crate) fn stack(&self) -> Option<Stack> {
        if self.buckets.is_empty() {
            return None;
        }
        let mut stack = Stack::new();
        // The template's account is not known; the checks on buckets do not use it.
        let account = stack.add_account(
            iamgen_runtime::policy::AccountId::parse("000000000000").ok()?,
            "this template",
        );
        for bucket in &self.buckets {
            // A name the stack refuses (not a valid bucket name) is one the policies cannot be compared with.
            let _ = stack.add_bucket(account, bucket.clone());
        }
        Some(stack)
    }
}

/// The policy as iamgen read it, its unknowns written as interpolations (`${var.account_id}`); `None` when it
/// is text that is not JSON.
pub(crate) fn document(embedded: &Embedded) -> Option<serde_json::Value> {
    match &embedded.body {
        Body::Tree(node) => serde_json::from_str(&Rendered::new(node, Variant::Written).text).ok(),
        Body::Text(_) => None,
    }
}

/// Lints a policy found in a template; the findings' spans are the template's bytes, their pointers into
/// the policy.
pub(crate) fn check(
    embedded: &Embedded,
    options: &Options,
    stack: Option<&Stack>,
    declared: &Found,
) -> Report {
    let lint = |text: &str| match stack {
        Some(stack) => lint::lint_source_with_stack(text, embedded.kind, options, stack),
        None => lint::lint_source(text, embedded.kind, options),
    };
    match &embedded.body {
        Body::Text(decoded) => {
            let text = decoded.plain();
            let mut report = lint(&text);
            for finding in &mut report.findings {
                let start = decoded
                    .file_offset(finding.span.start as usize)
                    .unwrap_or(decoded.at.start);
                let end = (finding.span.end as usize)
                    .checked_sub(1)
                    .and_then(|last| decoded.file_offset(last))
                    .map_or(start, |last| last + 1)
                    .max(start);
                finding.span = Span::new(start, end);
                for (span, _) in &mut finding.labels {
                    let at = decoded
                        .file_offset(span.start as usize)
                        .unwrap_or(decoded.at.start);
                    *span = Span::new(at, at);
                }
            }
            report
        }
        Body::Tree(node) => {
            let a = Rendered::new(node, Variant::A);
            let mut report = lint(&a.text);
            let mut b_report = None;
            let mut kept = Vec::new();
            for mut finding in std::mem::take(&mut report.findings) {
                // With unknowns, a finding stands only when the other stand-ins give it too: then it does not
                // depend on their values (B also leaves out the keys of unknown values, which may be null).
                if a.has_stand_ins() {
                    let b_report = b_report.get_or_insert_with(|| {
                        let b = Rendered::new(node, Variant::B);
                        lint(&b.text)
                    });
                    let in_both = b_report.findings.iter().any(|other| {
                        other.code == finding.code && other.pointer == finding.pointer
                    });
                    if !in_both {
                        continue;
                    }
                }
                let touched = a.touched_unknowns(finding.span);
                a.name_unknowns(&mut finding);
                if !touched.is_empty() {
                    if IDENTITY_CODES.contains(&finding.code) {
                        continue;
                    }
                    let assumed: Vec<String> = touched
                        .iter()
                        .map(|unknown| {
                            format!("`{}` is {}", unknown.written, unknown.ty_described())
                        })
                        .collect();
                    let _ = write!(
                        finding.message,
                        " (assuming {}, known only at deploy time)",
                        assumed.join(" and ")
                    );
                }
                finding.span = a.file_span(finding.span);
                for (span, _) in &mut finding.labels {
                    *span = a.file_span(*span);
                }
                kept.push(finding);
            }
            for mut finding in undeclared_principals(&a, declared) {
                if codes::is_allowed(&options.allow, finding.code) {
                    continue;
                }
                finding.span = a.file_span(finding.span);
                kept.push(finding);
            }
            kept.sort_by(|x: &Diagnostic, y: &Diagnostic| {
                (x.span.start, x.code).cmp(&(y.span.start, y.code))
            });
            report.findings = kept;
            report
        }
    }
}

/// The users and roles a policy names by ARN (`arn:aws:iam::ACCOUNT:user/NAME`, `role/PATH/NAME`) whose name is
/// close to, but not, one the template declares: IAM refuses a policy that names a principal that does not
/// exist, so the template cannot deploy. Values that hold an unknown are not judged.
fn undeclared_principals(rendered: &Rendered, declared: &Found) -> Vec<Diagnostic> {
    if declared.users.is_empty() && declared.roles.is_empty() {
        return Vec::new();
    }
    let Ok(tree) = json::parse(&rendered.text) else {
        return Vec::new();
    };
    let Some(statements) = tree.get("Statement").map(|m| &m.value) else {
        return Vec::new();
    };
    let listed: Vec<(String, &JsonNode<'_>)> = match &statements.value {
        json::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| (format!("/Statement/{index}"), item))
            .collect(),
        _ => vec![("/Statement".to_owned(), statements)],
    };
    let mut found = Vec::new();
    for (pointer, statement) in listed {
        for element in ["Principal", "NotPrincipal"] {
            let Some(aws) = statement
                .get(element)
                .and_then(|principal| principal.value.get("AWS"))
            else {
                continue;
            };
            let base = format!("{pointer}/{element}/AWS");
            let values: Vec<(String, &JsonNode<'_>)> = match &aws.value.value {
                json::Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| (format!("{base}/{index}"), item))
                    .collect(),
                _ => vec![(base, &aws.value)],
            };
            for (pointer, value) in values {
                if let Some(finding) = undeclared_principal(rendered, declared, pointer, value) {
                    found.push(finding);
                }
            }
        }
    }
    found
}

fn undeclared_principal(
    rendered: &Rendered,
    declared: &Found,
    pointer: String,
    value: &JsonNode<'_>,
) -> Option<Diagnostic> {
    let arn = value.value.as_str()?;
    if !rendered.touched_unknowns(value.span).is_empty() {
        return None;
    }
    let resource = arn.strip_prefix("arn:")?.splitn(5, ':').nth(4)?;
    let (kind, names) = if let Some(rest) = resource.strip_prefix("user/") {
        (("user", rest), &declared.users)
    } else if let Some(rest) = resource.strip_prefix("role/") {
        (("role", rest), &declared.roles)
    } else {
        return None;
    };
    let (noun, path_and_name) = kind;
    let name = path_and_name.rsplit('/').next().unwrap_or(path_and_name);
    if name.contains(['*', '?', '$']) || names.iter().any(|declared| declared == name) {
        return None;
    }
    // A name far from every declared one is someone else's principal, which the template need not declare.
    let near = iamgen_runtime::suggest::closest(name, names.iter().map(String::as_str))?;
    let fixed = arn.replacen(name, near, 1);
    let mut finding = Diagnostic::error(
        UNDECLARED_PRINCIPAL.name,
        format!(
            "`{name}` is not a {noun} of this template, which declares the {noun} `{near}`: IAM refuses a policy \
             naming a principal that does not exist, so the template cannot deploy"
        ),
        value.span,
        Some(pointer),
    );
    finding.help = Some(format!("did you mean `{near}`? write `{fixed}`"));
    finding.suggestion = Some(fixed);
    Some(finding)
}

/// One account id a template's policy names: which policy, the id, and its bytes in the template.
struct AccountMention {
    policy: usize,
    id: String,
    span: Span,
    pointer: String,
}

/// Account ids one digit apart across the policies of one template (`policies`, all read from it): the rarer
/// of the two is most likely a typo, which admits a stranger's account or locks out the one meant. Each finding
/// goes with the index of its policy. Values only deploy time knows are not judged.
pub(crate) fn account_typos(policies: &[&Embedded]) -> Vec<(usize, Diagnostic)> {
    let mut mentions = Vec::new();
    for (index, embedded) in policies.iter().enumerate() {
        let Body::Tree(node) = &embedded.body else {
            continue;
        };
        let rendered = Rendered::new(node, Variant::A);
        let Ok(tree) = json::parse(&rendered.text) else {
            continue;
        };
        collect_accounts(&rendered, &tree, String::new(), index, &mut mentions);
    }
    let count = |id: &str| mentions.iter().filter(|m| m.id == id).count();
    let mut found = Vec::new();
    for mention in &mentions {
        let near = mentions.iter().find(|other| {
            other.id != mention.id
                && other.id.bytes().zip(mention.id.bytes()).filter(|(a, b)| a != b).count() == 1
                // The rarer is the typo; of two as common, the later one.
                && (count(&other.id) > count(&mention.id)
                    || (count(&other.id) == count(&mention.id) && other.id < mention.id))
        });
        let Some(near) = near else {
            continue;
        };
        let mut finding = Diagnostic::error(
            ACCOUNT_ID_ONE_DIGIT_OFF.name,
            format!(
                "account `{}` is one digit off `{}`, which this template names {} time{}: a typo admits a \
                 stranger's account, or locks out the one meant",
                mention.id,
                near.id,
                count(&near.id),
                if count(&near.id) == 1 { "" } else { "s" }
            ),
            mention.span,
            Some(mention.pointer.clone()),
        );
        finding.severity = ACCOUNT_ID_ONE_DIGIT_OFF.severity;
        finding.help = Some(format!(
            "if the account is `{}`, write it so; if it really is `{}`, leave it (and `--allow {}`)",
            near.id, mention.id, ACCOUNT_ID_ONE_DIGIT_OFF.name
        ));
        found.push((mention.policy, finding));
    }
    found
}

/// The 12-digit account ids in the strings below `node` (an ARN's account field, a bare id), their spans in
/// the template.
fn collect_accounts(
    rendered: &Rendered,
    node: &JsonNode<'_>,
    pointer: String,
    policy: usize,
    into: &mut Vec<AccountMention>,
) {
    match &node.value {
        json::Value::String(text) => {
            if !rendered.touched_unknowns(node.span).is_empty() {
                return;
            }
            let id = if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
                Some(text.as_ref())
            } else {
                text.strip_prefix("arn:")
                    .and_then(|rest| rest.split(':').nth(3))
                    .filter(|id| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()))
            };
            if let Some(id) = id {
                into.push(AccountMention {
                    policy,
                    id: id.to_owned(),
                    span: rendered.file_span(node.span),
                    pointer,
                });
            }
        }
        json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_accounts(rendered, item, format!("{pointer}/{index}"), policy, into);
            }
        }
        json::Value::Object(members) => {
            for member in members {
                let key = json::escape_pointer_token(&member.key);
                collect_accounts(
                    rendered,
                    &member.value,
                    format!("{pointer}/{key}"),
                    policy,
                    into,
                );
            }
        }
        json::Value::Null | json::Value::Bool(_) | json::Value::Number(_) => {}
    }
}
