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

/// Where the file is, as its errors name it; embedded as [`TEXT`] so that the output depends on nothing else.
pub(crate) const PATH: &str = "tools/catalog-gen/supplement/documented-keys.tsv";
/// The file's text.
pub(crate) const TEXT: &str = include_str!("../supplement/documented-keys.tsv");

fn parse(text: &str) -> Result<Vec<Entry<'_>>> {
    let mut entries = Vec::new();
    for (line_no, line) in crate::lines::data_lines(text) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [full, keys, page] = fields[..] else {
            bail!(
                "{PATH}:{line_no}: expected 3 tab-separated fields (action, keys, page), found {}",
                fields.len()
            );
        };
        let (prefix, action) = crate::lines::split_action(PATH, line_no, full)?;
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

/// One line: an action, the keys a documenting page gives it, and that page.
struct Entry<'a> {
    line: usize,
    prefix: &'a str,
    action: &'a str,
    keys: Vec<&'a str>,
    page: &'a str,
}

/// Adds the keys of `text` to their actions in `catalog`.
pub(crate) fn apply(catalog: &mut Catalog, text: &str) -> Result<()> {
    for entry in parse(text)? {
        let at = format!(
            "{PATH}:{}: `{}:{}` (documented at {})",
            entry.line, entry.prefix, entry.action, entry.page
        );
        let service = crate::lines::service_mut(catalog, entry.prefix, &at)?;
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
    use super::parse;

    #[test]
    fn the_shipped_file_gives_subscribe_the_product_id() {
        let shipped = parse(super::TEXT).unwrap();
        let subscribe = shipped
            .iter()
            .find(|entry| (entry.prefix, entry.action) == ("aws-marketplace", "Subscribe"));
        assert_eq!(
            subscribe.map(|entry| entry.keys.as_slice()),
            Some(&["aws-marketplace:ProductId"][..])
        );
    }

    #[test]
    fn malformed_lines_are_located_errors() {
        let error_of = |text: &str| parse(text).err().map(|e| e.to_string()).unwrap_or_default();
        let page = "https://docs.aws.amazon.com/x.html";
        let not_an_action = error_of(&format!("aa\taa:K\t{page}\n"));
        assert!(
            not_an_action.contains(":1: `aa` is not `prefix:Action`"),
            "{not_an_action}"
        );
        let no_key = error_of(&format!("# c\naa:B\t\t{page}\n"));
        assert!(no_key.contains(":2: `aa:B` adds no key"), "{no_key}");
        let no_page = error_of("aa:B\taa:K\n");
        assert!(
            no_page.contains("expected 3 tab-separated fields"),
            "{no_page}"
        );
        let elsewhere = error_of("aa:B\taa:K\thttps://example.com/\n");
        assert!(
            elsewhere.contains("is not a page of docs.aws.amazon.com"),
            "{elsewhere}"
        );
    }
}
