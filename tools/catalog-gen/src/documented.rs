//! Merges `supplement/documented-keys.tsv` into the upstream's actions: condition keys that AWS documents for
//! an action on a page other than the Service Authorization Reference, which the reference (and so the
//! upstream package) omits.
//!
//! `aws-marketplace:Subscribe` takes `aws-marketplace:ProductId` (Amazon Bedrock's user guide restricts model
//! subscriptions with it, and AWS's own managed policies do), but the reference lists no condition key for the
//! action. Every entry names the page that documents it, adds only a key the service defines, and must be new
//! to the upstream: once the upstream has it, the generator stops and names the line to remove.

use anyhow::{Context, Result, bail, ensure};

use crate::source::Catalog;

/// The file, relative to the workspace, as the error messages name it.
pub(crate) const PATH: &str = "tools/catalog-gen/supplement/documented-keys.tsv";

/// The file embedded at build time: the generator's output is a function of the package and its supplements.
pub(crate) const TEXT: &str = include_str!("../supplement/documented-keys.tsv");

/// One line: an action and the keys a documenting page gives it.
struct Entry<'a> {
    line: usize,
    prefix: &'a str,
    action: &'a str,
    keys: Vec<&'a str>,
    page: &'a str,
}

fn parse(text: &str) -> Result<Vec<Entry<'_>>> {
    let mut entries = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [full, keys, page] = fields[..] else {
            bail!(
                "{PATH}:{line_no}: expected 3 tab-separated fields (action, keys, page), found {}",
                fields.len()
            );
        };
        let (prefix, action) = full
            .split_once(':')
            .filter(|(prefix, action)| !prefix.is_empty() && !action.is_empty())
            .with_context(|| format!("{PATH}:{line_no}: `{full}` is not `prefix:Action`"))?;
        let keys: Vec<&str> = keys.split(',').filter(|key| !key.is_empty()).collect();
        ensure!(!keys.is_empty(), "{PATH}:{line_no}: `{full}` adds no key");
        // A page of AWS's own documentation, so that a reader can check the claim.
        ensure!(
            page.starts_with("https://docs.aws.amazon.com/"),
            "{PATH}:{line_no}: `{page}` is not a page of docs.aws.amazon.com"
        );
        entries.push(Entry {
            line: line_no,
            prefix,
            action,
            keys,
            page,
        });
    }
    Ok(entries)
}

/// Adds the keys of `text` to their actions in `catalog`.
pub(crate) fn apply(catalog: &mut Catalog, text: &str) -> Result<()> {
    for entry in parse(text)? {
        let at = format!(
            "{PATH}:{}: `{}:{}` (documented at {})",
            entry.line, entry.prefix, entry.action, entry.page
        );
        let service = catalog
            .services
            .iter_mut()
            .find(|service| service.prefix == entry.prefix)
            .with_context(|| format!("{at}: the upstream has no service `{}`", entry.prefix))?;
        for key in &entry.keys {
            ensure!(
                service.condition_keys.iter().any(|have| have.name == *key),
                "{at}: the service defines no condition key `{key}`"
            );
        }
        let action = service
            .actions
            .iter_mut()
            .find(|action| action.name == entry.action)
            .with_context(|| format!("{at}: the upstream has no such action"))?;
        for key in &entry.keys {
            ensure!(
                !action.condition_keys.iter().any(|have| have == key),
                "{at}: the upstream gives the action `{key}` now: remove it from the supplement"
            );
            action.condition_keys.push((*key).to_owned());
        }
        action
            .condition_keys
            .sort_by_cached_key(|key| key.to_ascii_lowercase());
        catalog
            .documented_actions
            .push(format!("{}:{}", entry.prefix, entry.action));
    }
    catalog.documented_actions.sort();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{TEXT, parse};

    #[test]
    fn the_shipped_file_parses() {
        let entries = parse(TEXT).unwrap();
        assert!(entries.iter().any(|entry| entry.prefix == "aws-marketplace"
            && entry.action == "Subscribe"
            && entry.keys == ["aws-marketplace:ProductId"]));
    }

    #[test]
    fn malformed_lines_are_located_errors() {
        let page = "https://docs.aws.amazon.com/x.html";
        for (text, message) in [
            (
                format!("aa\taa:K\t{page}\n"),
                ":1: `aa` is not `prefix:Action`",
            ),
            (format!("# c\naa:B\t\t{page}\n"), ":2: `aa:B` adds no key"),
            ("aa:B\taa:K\n".to_owned(), "expected 3 tab-separated fields"),
            (
                "aa:B\taa:K\thttps://example.com/\n".to_owned(),
                "is not a page of docs.aws.amazon.com",
            ),
        ] {
            let error = parse(&text)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains(message), "{text:?}: {error}");
        }
    }
}
