//! Resources: `*` or a well-formed ARN whose fields the service admits, and that some action of the statement
//! applies to (otherwise the statement grants nothing on it).

use super::codes;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use super::arn_overlap;
use super::context::{At, Context, Located, child, item_pointer, placeholder_help};
use crate::catalog::catalog;
use crate::diagnostic::Severity;
use crate::glob;
use crate::policy::{Arn, ArnError, Effect, Resource, ResourceElement};

/// The partitions AWS has; a resource in any other names nothing.
pub(crate) const PARTITIONS: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// One ARN template of the catalogue, split into the fields that matter here.
struct Template {
    arn: &'static str,
    /// The part after the account field: `${BucketName}/${ObjectName}`, tokenized.
    resource_part: arn_overlap::TextPattern,
    region_required: bool,
    account_required: bool,
}

/// The catalogue's ARN templates by the service namespace in their ARN (which is not always the action prefix:
/// `execute-api`, `s3-object-lambda` ...). Built once per process.
static TEMPLATES: LazyLock<HashMap<&'static str, Vec<Template>>> = LazyLock::new(|| {
    let mut by_namespace: HashMap<&'static str, Vec<Template>> = HashMap::new();
    for service in catalog().services() {
        for resource_type in service.resource_types() {
            for template in resource_type.arn_templates() {
                let fields: Vec<&'static str> = template.splitn(6, ':').collect();
                if fields.len() < 6 {
                    continue;
                }
                let list = by_namespace.entry(fields[2]).or_default();
                if !list.iter().any(|known| known.arn == template) {
                    list.push(Template {
                        arn: template,
                        resource_part: arn_overlap::TextPattern::new(fields[5]),
                        region_required: !fields[3].is_empty(),
                        account_required: !fields[4].is_empty(),
                    });
                }
            }
        }
    }
    by_namespace
});

fn is_pattern(text: &str) -> bool {
    glob::has_wildcard(text) || text.contains("${")
}

pub(super) fn check(cx: &mut Context<'_, '_>) {
    for located in cx.statements().iter() {
        let Some(element) = &located.statement.resource else {
            continue;
        };
        let resources = element.resources();
        let base = child(&located.pointer, element.element_name());
        let mut arns = Vec::with_capacity(resources.len());
        let mut may_work = false;
        for (index, resource) in resources.iter().enumerate() {
            let pointer = item_pointer(&base, resources, index);
            match check_syntax(cx, resource, &pointer) {
                Checked::Arn(arn) => arns.push((arn, pointer)),
                Checked::MayWork => may_work = true,
                Checked::Broken => {}
            }
        }
        if let ResourceElement::Resource(_) = element {
            check_coverage(cx, located, &arns, may_work);
        }
    }
}

/// What the form of one resource entry says about it.
enum Checked {
    /// An ARN whose fields are right, to compare with the statement's actions.
    Arn(Arn),
    /// `*`, or an ARN this check cannot judge (a wildcard service, a namespace the catalogue lacks): it may
    /// name what the statement's actions apply to.
    MayWork,
    /// An entry that names nothing, already reported.
    Broken,
}

/// Checks the form of one entry.
fn check_syntax(cx: &mut Context<'_, '_>, resource: &Resource, pointer: &str) -> Checked {
    let text = resource.as_str();
    if resource.is_any() {
        return Checked::MayWork;
    }
    let arn = match Arn::parse(text) {
        Ok(arn) => arn,
        Err(error) => {
            let trimmed = text.trim();
            let (code, help) = match &error {
                ArnError::MissingPrefix(_) => (
                    codes::INVALID_ARN_PREFIX.name,
                    "a resource is `*` or an ARN, such as `arn:aws:s3:::bucket/*`",
                ),
                ArnError::MissingFields { .. }
                | ArnError::EmptyField {
                    field: "partition" | "service",
                    ..
                } => (
                    codes::MISSING_ARN_FIELD.name,
                    "an ARN has six fields: arn:partition:service:region:account-id:resource",
                ),
                // The variable check reports it (MISSING_BRACE_IN_VARIABLE).
                ArnError::UnclosedVariable(_) => return Checked::Broken,
                ArnError::EmptyField { .. } => (
                    codes::INVALID_ARN_RESOURCE.name,
                    "the resource part, after the fifth `:`, is empty: end the ARN with the resource's type and \
                     name (such as `account/o-a1b2c3d4e5/*`), or `*` for all of them",
                ),
                ArnError::InvalidChar { .. } => (
                    codes::INVALID_ARN_RESOURCE.name,
                    "no ARN holds whitespace or control characters: remove them",
                ),
            };
            let finding = cx.report(
                code,
                Severity::Error,
                error.to_string(),
                pointer.to_owned(),
                At::Value,
            );
            finding.help = Some(placeholder_help(text, help));
            if trimmed != text && (trimmed == "*" || Arn::parse(trimmed).is_ok()) {
                finding.suggestion = Some(trimmed.to_owned());
                finding.help = Some(format!("remove the surrounding whitespace: `{trimmed}`"));
            }
            return Checked::Broken;
        }
    };
    let service = arn.service();
    if service.bytes().any(|b| b.is_ascii_uppercase()) {
        let lower = text.replacen(service, &service.to_ascii_lowercase(), 1);
        let finding = cx.report(
            codes::INVALID_ARN_SERVICE_CASE.name,
            Severity::Error,
            format!("the service `{service}` in `{text}` must be lowercase"),
            pointer.to_owned(),
            At::Value,
        );
        finding.help = Some(format!("write `{lower}`"));
        finding.suggestion = Some(lower);
        return Checked::Broken;
    }
    let partition = arn.partition();
    if !is_pattern(partition) && !PARTITIONS.contains(&partition) {
        let suggestion = crate::suggest::closest(partition, PARTITIONS);
        let finding = cx.report(
            codes::INVALID_PARTITION.name,
            Severity::Error,
            format!("`{partition}` in `{text}` is not an AWS partition"),
            pointer.to_owned(),
            At::Value,
        );
        finding.help = Some(match suggestion {
            Some(near) => format!(
                "did you mean `{near}`? the partitions are {}",
                PARTITIONS.join(", ")
            ),
            None => placeholder_help(
                partition,
                &format!("the partitions are {}", PARTITIONS.join(", ")),
            ),
        });
        finding.suggestion = suggestion.map(|near| text.replacen(partition, near, 1));
        return Checked::Broken;
    }
    let account = arn.account();
    if !account.is_empty()
        && !is_pattern(account)
        && account != "aws"
        && !crate::AccountId::is_valid(account)
    {
        cx.report(
            codes::INVALID_ARN_ACCOUNT.name,
            Severity::Error,
            format!("the account `{account}` in `{text}` is not an account id"),
            pointer.to_owned(),
            At::Value,
        )
        .help = Some(placeholder_help(
            account,
            "an account id is exactly 12 digits, such as `081278057606`",
        ));
        return Checked::Broken;
    }
    let region = arn.region();
    if !region.is_empty() && !is_pattern(region) && !is_region_shaped(region) {
        cx.report(
            codes::INVALID_ARN_REGION.name,
            Severity::Error,
            format!("`{region}` in `{text}` is not a region"),
            pointer.to_owned(),
            At::Value,
        )
        .help = Some(placeholder_help(
            region,
            "a region is written like `us-east-1` or `eu-west-3`",
        ));
        return Checked::Broken;
    }
    if is_pattern(service) {
        return Checked::MayWork;
    }
    let Some(templates) = TEMPLATES.get(service) else {
        cx.report(
            codes::UNKNOWN_ARN_SERVICE.name,
            Severity::Warning,
            format!("no resource type of any service has ARNs in the `{service}` namespace"),
            pointer.to_owned(),
            At::Value,
        )
        .help = Some("check the service part of the ARN".to_owned());
        return Checked::MayWork;
    };
    let literal_region = !region.is_empty() && !is_pattern(region);
    let literal_account = !account.is_empty() && !is_pattern(account);
    if !literal_region && !literal_account {
        return Checked::Arn(arn);
    }
    // Compare resource parts only: a region or account where none belongs is what this check looks for.
    let matching: Vec<&Template> = templates
        .iter()
        .filter(|t| t.resource_part.overlaps(arn.resource()))
        .collect();
    if !matching.is_empty() {
        // A field that every matching template leaves empty cannot hold a value: the ARN then names nothing.
        let namespace_fields = [
            (
                region,
                matching.iter().all(|t| !t.region_required),
                "region",
            ),
            (
                account,
                matching.iter().all(|t| !t.account_required),
                "account",
            ),
        ];
        for (value, none_allow, field) in namespace_fields {
            if !value.is_empty() && !is_pattern(value) && none_allow {
                let code = if field == "region" {
                    codes::ARN_REGION_NOT_ALLOWED.name
                } else {
                    codes::ARN_ACCOUNT_NOT_ALLOWED.name
                };
                let fixed = strip_field(&arn, field);
                let finding = cx.report(
                    code,
                    Severity::Error,
                    format!("`{service}` resource ARNs have no {field}, so `{text}` names nothing"),
                    pointer.to_owned(),
                    At::Value,
                );
                finding.help = Some(format!("leave the {field} empty: `{fixed}`"));
                finding.suggestion = Some(fixed);
                return Checked::Broken;
            }
        }
    }
    Checked::Arn(arn)
}

/// `arn` with its region or account field emptied.
fn strip_field(arn: &Arn, field: &str) -> String {
    let (region, account) = if field == "region" {
        ("", arn.account())
    } else {
        (arn.region(), "")
    };
    format!(
        "arn:{}:{}:{region}:{account}:{}",
        arn.partition(),
        arn.service(),
        arn.resource()
    )
}

/// Whether `region` is written as AWS writes regions: `us-east-1`, `us-gov-west-1`, `eu-west-3`.
pub(crate) fn is_region_shaped(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// For an `Action` + `Resource` statement whose actions are all known: every ARN must be one some action
/// applies to, or the statement grants (or denies) nothing on it.
///
/// An `Allow` whose every entry is dead grants nothing at all: an error. A dead entry beside entries that work
/// (or beside `*`) is a warning with the same code: the fact is the same (this ARN matches no action), the
/// consequence milder (the statement does its job; the entry is clutter or a typo), and one code keeps
/// `--allow` lists and the Access Analyzer mapping simple. AWS's own managed policies have 134 such entries and
/// they work.
fn check_coverage(
    cx: &mut Context<'_, '_>,
    located: &Located<'_>,
    arns: &[(Arn, String)],
    may_work: bool,
) {
    if arns.is_empty() || !located.is_resolved() {
        return;
    }
    // No catalogue action to compare with: an empty `Action` (EMPTY_ARRAY_ACTION) or a wildcard that matches
    // nothing (WILDCARD_MATCHES_NO_ACTION) is the statement's problem, not its resources'.
    if located.actions().next().is_none() {
        return;
    }
    let templates = located.templates();
    let star_only = located.star_only();
    let mut works = may_work;
    let mut dead = Vec::new();
    let mut service_wide = Vec::new();
    for (arn, pointer) in arns {
        if arn_overlap::overlaps_any(located.templates_for(arn.service()), arn) {
            works = true;
        } else if is_service_wide(arn)
            && star_only
                .iter()
                .any(|name| name.split(':').next() == Some(arn.service()))
        {
            service_wide.push((arn, pointer));
        } else {
            dead.push((arn, pointer));
        }
    }
    // Whether IAM matches a service-wide ARN against requests of actions without resource types is not
    // documented: such an entry may work, so the dead ones beside it are not the whole statement.
    works |= !service_wide.is_empty();
    for (arn, pointer) in service_wide {
        report_service_wide(cx, &star_only, arn, pointer);
    }
    let (severity, consequence) = match (located.statement.effect, works) {
        (Effect::Deny, _) => (Severity::Warning, "so the statement denies nothing on it"),
        (Effect::Allow, false) => (Severity::Error, "so the statement grants nothing on it"),
        (Effect::Allow, true) => (
            Severity::Warning,
            "so this entry grants nothing; the statement's other resources still work",
        ),
    };
    for (arn, pointer) in dead {
        let text = arn.as_str();
        let mut help = String::new();
        if !templates.is_empty() {
            // The templates of the ARN's own service first: they show what a fixed ARN would look like.
            let service = format!(":{}:", arn.service());
            let mut ordered: Vec<&&'static str> = templates.iter().collect();
            ordered.sort_by_key(|template| !template.contains(&service));
            let shown: Vec<String> = ordered.iter().take(3).map(|t| format!("`{t}`")).collect();
            let _ = write!(
                help,
                "the statement's actions apply to {}{}",
                shown.join(", "),
                if templates.len() > 3 { ", ..." } else { "" }
            );
        }
        if !star_only.is_empty() {
            if !help.is_empty() {
                help.push_str("; ");
            }
            let shown: Vec<String> = star_only
                .iter()
                .take(3)
                .map(|name| format!("`{name}`"))
                .collect();
            let (more, verbs) = match star_only.len() {
                1 => ("", "supports no resource-level permissions and needs"),
                2 | 3 => ("", "support no resource-level permissions and need"),
                _ => (", ...", "support no resource-level permissions and need"),
            };
            let _ = write!(
                help,
                "{}{more} {verbs} `\"Resource\": \"*\"`",
                shown.join(", ")
            );
        }
        let finding = cx.report(
            codes::RESOURCE_MATCHES_NO_ACTION.name,
            severity,
            format!("no action of this statement applies to `{text}`, {consequence}"),
            pointer.clone(),
            At::Value,
        );
        // Some actions always have a template or a star-only action to name; the fallback keeps a help.
        finding.help = Some(if help.is_empty() {
            "remove the entry, or add the actions that apply to it".to_owned()
        } else {
            help
        });
    }
}

/// An ARN that stands for every resource of its service: region, account and resource all wildcards or empty
/// (`arn:aws:storagegateway:*:*:*`).
fn is_service_wide(arn: &Arn) -> bool {
    let stars = |field: &str| field.bytes().all(|b| b == b'*');
    stars(arn.region())
        && stars(arn.account())
        && !arn.resource().is_empty()
        && stars(arn.resource())
}

/// A service-wide ARN given for actions that have no resource types.
///
/// The Service Authorization Reference says of its "Resource types" column: "If the column has no value, you
/// must specify all resources ("*") to which the policy applies in the `Resource` element of your policy
/// statement." An ARN such as `arn:aws:storagegateway:*:*:*` is not `*`: the reference asks for `*`, and
/// whether IAM matches such an ARN against these actions' requests is not documented (it names no resource
/// the request could carry). So this is a warning, not the error of an ARN that matches nothing: AWS's own
/// managed policies write it, and they are in use.
fn report_service_wide(
    cx: &mut Context<'_, '_>,
    star_only: &[&'static str],
    arn: &Arn,
    pointer: &str,
) {
    let service = arn.service();
    let actions: Vec<String> = star_only
        .iter()
        .filter(|name| name.split(':').next() == Some(service))
        .take(3)
        .map(|name| format!("`{name}`"))
        .collect();
    let finding = cx.report(
        codes::SERVICE_WIDE_ARN_FOR_UNSCOPED_ACTIONS.name,
        Severity::Warning,
        format!(
            "`{}` stands for every `{service}` resource, but no resource type belongs to {}: the Service \
             Authorization Reference asks for `\"Resource\": \"*\"` for such actions",
            arn.as_str(),
            actions.join(", ")
        ),
        pointer.to_owned(),
        At::Value,
    );
    finding.help = Some(
        "write `\"*\"`: whether IAM matches a service-wide ARN against actions without resource types is not \
         documented"
            .to_owned(),
    );
    finding.suggestion = Some("*".to_owned());
}
