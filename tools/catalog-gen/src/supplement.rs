//! Merges `supplement/shared-prefixes.tsv` into the upstream's actions: what the upstream loses where several
//! pages of the Service Authorization Reference share one prefix.
//!
//! The upstream keeps one entry per action name, so an action on two pages (`apigateway:GET` on API Gateway
//! Management and Management V2, `elasticloadbalancing:AddTags` on Elastic Load Balancing V1 and V2) keeps
//! one page's resource types, condition keys and dependent actions. The supplement holds the other pages'
//! (`scripts/derive-catalog-supplement.py` derives it, its header says from what). Every part of an entry
//! must be new to the upstream: once the upstream keeps every page, the generator stops and names the entry
//! to remove, so the supplement shrinks instead of silently duplicating the upstream.

use std::collections::BTreeSet;

use anyhow::{Context, Result, bail, ensure};

use crate::source::{ActionResourceType, Catalog};

/// The file, relative to this crate, as the error messages name it.
pub(crate) const PATH: &str = "tools/catalog-gen/supplement/shared-prefixes.tsv";

/// The supplement embedded at build time: the generator's output is a function of the package and this file.
pub(crate) const TEXT: &str = include_str!("../supplement/shared-prefixes.tsv");

/// One line of the supplement: what one page gives one action beyond the upstream's entry.
struct Entry<'a> {
    line: usize,
    prefix: &'a str,
    action: &'a str,
    page: &'a str,
    /// `(name, condition keys)`.
    resource_types: Vec<(&'a str, Vec<&'a str>)>,
    condition_keys: Vec<&'a str>,
    dependent_actions: Vec<&'a str>,
}

fn list(field: Option<&str>, separator: char) -> Vec<&str> {
    field
        .filter(|field| !field.is_empty())
        .map(|field| field.split(separator).collect())
        .unwrap_or_default()
}

fn parse(text: &str) -> Result<Vec<Entry<'_>>> {
    let mut entries = Vec::new();
    for (line_no, line) in crate::lines::data_lines(text) {
        let mut fields = line.split('\t');
        let full = fields.next().unwrap_or_default();
        let (prefix, action) = crate::lines::split_action(PATH, line_no, full)?;
        let page = fields
            .next()
            .filter(|page| !page.is_empty())
            .with_context(|| format!("{PATH}:{line_no}: `{full}` names no reference page"))?;
        let resource_types = list(fields.next(), ';')
            .into_iter()
            .map(|rt| match rt.split_once('=') {
                Some((name, keys)) => (name, list(Some(keys), ',')),
                None => (rt, Vec::new()),
            })
            .collect();
        let entry = Entry {
            line: line_no,
            prefix,
            action,
            page,
            resource_types,
            condition_keys: list(fields.next(), ','),
            dependent_actions: list(fields.next(), ','),
        };
        ensure!(
            fields.next().is_none(),
            "{PATH}:{line_no}: more than five fields"
        );
        ensure!(
            !(entry.resource_types.is_empty()
                && entry.condition_keys.is_empty()
                && entry.dependent_actions.is_empty()),
            "{PATH}:{line_no}: `{full}` adds nothing"
        );
        entries.push(entry);
    }
    Ok(entries)
}

/// Merges the supplement `text` into `catalog`, recording the prefixes it merged in `merged_prefixes`.
pub(crate) fn apply(catalog: &mut Catalog, text: &str) -> Result<()> {
    let entries = parse(text)?;
    let mut merged = BTreeSet::new();
    let mut merged_actions = BTreeSet::new();
    for entry in &entries {
        let at = format!(
            "{PATH}:{}: `{}:{}` from page `{}`",
            entry.line, entry.prefix, entry.action, entry.page
        );
        let service = crate::lines::service_mut(catalog, entry.prefix, &at)?;
        let defined: Vec<&str> = service
            .resource_types
            .iter()
            .map(|rt| rt.name.as_str())
            .collect();
        for (name, _) in &entry.resource_types {
            ensure!(
                defined.contains(name),
                "{at}: the upstream no longer defines resource type `{name}`: rerun scripts/derive-catalog-supplement.py"
            );
        }
        let action = service
            .actions
            .iter_mut()
            .find(|action| action.name == entry.action)
            .with_context(|| {
                format!("{at}: the upstream has no such action: rerun scripts/derive-catalog-supplement.py")
            })?;
        let upstream_has = |what: &str, name: &str| -> anyhow::Error {
            anyhow::anyhow!(
                "{at}: the upstream has {what} `{name}` now: remove it from the supplement \
                 (rerun scripts/derive-catalog-supplement.py)"
            )
        };
        for (name, keys) in &entry.resource_types {
            if action.resource_types.iter().any(|rt| rt.name == *name) {
                return Err(upstream_has("resource type", name));
            }
            action.resource_types.push(ActionResourceType {
                name: (*name).to_owned(),
                required: false,
                condition_keys: keys.iter().map(|&key| key.to_owned()).collect(),
            });
        }
        for key in &entry.condition_keys {
            if action.condition_keys.iter().any(|have| have == key) {
                return Err(upstream_has("condition key", key));
            }
            action.condition_keys.push((*key).to_owned());
        }
        for dependent in &entry.dependent_actions {
            if action
                .dependent_actions
                .iter()
                .any(|have| have == dependent)
            {
                return Err(upstream_has("dependent action", dependent));
            }
            action.dependent_actions.push((*dependent).to_owned());
        }
        merged.insert(entry.prefix.to_owned());
        merged_actions.insert((entry.prefix, entry.action));
    }
    for (prefix, name) in merged_actions {
        let Some(action) = catalog
            .services
            .iter_mut()
            .find(|service| service.prefix == prefix)
            .and_then(|service| {
                service
                    .actions
                    .iter_mut()
                    .find(|action| action.name == name)
            })
        else {
            bail!("{PATH}: `{prefix}:{name}` vanished while merging");
        };
        // A request through one page's API names none of another page's resources, so a merged action
        // requires none of them: "required" holds of one page only.
        for rt in &mut action.resource_types {
            rt.required = false;
        }
        action
            .resource_types
            .sort_by_cached_key(|rt| rt.name.to_ascii_lowercase());
        action
            .condition_keys
            .sort_by_cached_key(|key| key.to_ascii_lowercase());
        action
            .dependent_actions
            .sort_by_cached_key(|dependent| dependent.to_ascii_lowercase());
    }
    catalog.merged_prefixes = merged.into_iter().collect();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{TEXT, parse};

    #[test]
    fn the_shipped_supplement_parses() {
        let entries = parse(TEXT).unwrap();
        assert!(entries.iter().any(|entry| entry.prefix == "apigateway"
            && entry.action == "GET"
            && entry.resource_types.iter().any(|(name, _)| *name == "Apis")));
    }

    #[test]
    fn malformed_lines_are_located_errors() {
        for (text, message) in [
            ("apigateway\tpage\tApi\n", "is not `prefix:Action`"),
            ("apigateway:GET\n", "names no reference page"),
            (
                "# c\napigateway:GET\tpage\n",
                ":2: `apigateway:GET` adds nothing",
            ),
            ("a:B\tp\tx\t\t\tmore\n", "more than five fields"),
        ] {
            let error = parse(text).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(error.contains(message), "{text:?}: {error}");
        }
    }
}
