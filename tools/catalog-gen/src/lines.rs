//! What the supplement files share: their line syntax (tab-separated fields, `#` comments, an action named
//! `prefix:Action` first) and how an entry finds its service, each with errors that name the file and line.

use anyhow::{Context, Result};

use crate::source::{Catalog, Service};

/// The data lines of a supplement, each with its number counted from 1 as an editor shows it; blank lines and
/// `#` comments left out.
pub(crate) fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
}

/// `prefix:Action` split in two, or an error at `path:line_no`.
pub(crate) fn split_action<'a>(
    path: &str,
    line_no: usize,
    full: &'a str,
) -> Result<(&'a str, &'a str)> {
    full.split_once(':')
        .filter(|(prefix, action)| !prefix.is_empty() && !action.is_empty())
        .with_context(|| format!("{path}:{line_no}: `{full}` is not `prefix:Action`"))
}

/// The upstream's service of `prefix`, or an error that says where the entry naming it is (`at`).
pub(crate) fn service_mut<'c>(
    catalog: &'c mut Catalog,
    prefix: &str,
    at: &str,
) -> Result<&'c mut Service> {
    catalog
        .services
        .iter_mut()
        .find(|service| service.prefix == prefix)
        .with_context(|| format!("{at}: the upstream has no service `{prefix}`"))
}
