//! Actions: well-formed, of a known service, existing, wildcards that match something, no redundancy.

use super::codes;
use super::context::{At, Context, Entry, child, item_pointer};
use crate::catalog::{ActionInfo, catalog};
use crate::diagnostic::Severity;
use crate::glob;
use crate::policy::Action;

pub(super) fn check(cx: &mut Context<'_, '_>) {
    for located in cx.statements().iter() {
        let element = &located.statement.action;
        let actions = element.actions();
        let base = child(&located.pointer, element.element_name());
        let entries = located.entries();
        for (index, action) in actions.iter().enumerate() {
            if !entries[index].is_resolved() {
                check_action(cx, action, item_pointer(&base, actions, index));
            }
        }
        if actions.len() > 1 {
            check_redundant(cx, actions.as_slice(), entries, &base, actions);
        }
    }
}

/// Says what is wrong with an entry that names no catalogue action (nothing, for `*`).
fn check_action(cx: &mut Context<'_, '_>, action: &Action, pointer: String) {
    let text = action.as_str();
    if text.contains("${") {
        return; // A policy variable where none is substituted: the variable check says so.
    }
    if let Err(error) = Action::check(text) {
        let trimmed = text.trim();
        let finding = cx.report(
            codes::INVALID_ACTION_FORMAT.name,
            Severity::Error,
            error.to_string(),
            pointer,
            At::Value,
        );
        if trimmed != text && Action::check(trimmed).is_ok() {
            finding.suggestion = Some(trimmed.to_owned());
            finding.help = Some(format!("remove the surrounding whitespace: `{trimmed}`"));
        } else if text.contains("::") {
            let fixed = text.replace("::", ":");
            if Action::check(&fixed).is_ok() {
                finding.suggestion = Some(fixed.clone());
                finding.help = Some(format!("write `{fixed}`, with a single `:`"));
            }
        }
        return;
    }
    let (Some(service_part), Some(name)) = (action.service(), action.name()) else {
        return; // `*`
    };
    if glob::has_wildcard(service_part) {
        cx.report(
            codes::WILDCARD_IN_SERVICE_NAME.name,
            Severity::Suggestion,
            format!("`{text}` has a wildcard in the service name, which may match services you did not mean"),
            pointer,
            At::Value,
        )
        .help = Some("name the service exactly".to_owned());
        return;
    }
    let Some(service) = catalog().service(service_part) else {
        report_unknown_service(cx, service_part, name, text, pointer);
        return;
    };
    if !glob::has_wildcard(name) {
        let suggestion = catalog().suggest_action(text);
        let finding = cx.report(
            codes::INVALID_ACTION.name,
            Severity::Error,
            format!("unknown action `{text}`"),
            pointer,
            At::Value,
        );
        if let Some(near) = suggestion {
            finding.help = Some(format!("did you mean `{near}`?"));
            finding.suggestion = Some(near.to_owned());
        } else {
            finding.help = Some(format!(
                "`{}` has no action of that name; its actions are listed in the Service Authorization Reference",
                service.prefix()
            ));
        }
        return;
    }
    cx.report(
        codes::WILDCARD_MATCHES_NO_ACTION.name,
        Severity::Error,
        format!(
            "`{text}` matches no `{}` action, so it covers nothing",
            service.prefix()
        ),
        pointer,
        At::Value,
    )
    .help = Some("check the spelling of the part before or after the wildcard".to_owned());
}

/// An action whose service part names no current service: a retired one, or a misspelt one.
fn report_unknown_service(
    cx: &mut Context<'_, '_>,
    service_part: &str,
    name: &str,
    text: &str,
    pointer: String,
) {
    if let Some(retired) = catalog().retired_service(service_part) {
        // Access Analyzer's check for a service prefix that does not exist, with its true reason.
        cx.report(
            codes::INVALID_SERVICE_IN_ACTION.name,
            Severity::Error,
            retired.to_string(),
            pointer,
            At::Value,
        )
        .help = Some(format!(
            "AWS has retired {}: its actions grant nothing, remove them",
            retired.name
        ));
        return;
    }
    let suggestion = catalog().suggest_service(service_part);
    let finding = cx.report(
        codes::INVALID_SERVICE_IN_ACTION.name,
        Severity::Error,
        format!("unknown service `{service_part}` in `{text}`"),
        pointer,
        At::Value,
    );
    if let Some(prefix) = suggestion {
        let fixed = format!("{prefix}:{name}");
        finding.help = Some(format!("did you mean `{fixed}`?"));
        finding.suggestion = Some(fixed);
    } else {
        finding.help = Some(
            "service prefixes are listed in the AWS Service Authorization Reference".to_owned(),
        );
    }
}

/// An entry another entry of the same element already covers (`s3:GetObject` beside `s3:Get*`).
fn check_redundant<T>(
    cx: &mut Context<'_, '_>,
    actions: &[Action],
    entries: &[Entry],
    base: &str,
    shape: &crate::policy::OneOrMany<T>,
) {
    for (index, action) in actions.iter().enumerate() {
        let covering = actions.iter().enumerate().find(|&(other, candidate)| {
            if other == index {
                return false;
            }
            if candidate == action {
                // Exact duplicates: report the later one only.
                return other < index;
            }
            if !candidate.is_wildcard() {
                return false;
            }
            if candidate.as_str() == "*" {
                return true;
            }
            match (&entries[index], &entries[other]) {
                (Entry::Actions(mine), Entry::Service(service)) => {
                    mine.first().is_some_and(|info| info.service() == *service)
                }
                // Two different wildcards with the same expansion: only the later one is redundant.
                (Entry::Actions(mine), Entry::Actions(theirs)) if !mine.is_empty() => {
                    is_sorted_subset(mine, theirs) && (mine.len() < theirs.len() || other < index)
                }
                _ => false,
            }
        });
        if let Some((_, by)) = covering {
            cx.report(
                codes::REDUNDANT_ACTION.name,
                Severity::Suggestion,
                format!("`{action}` is already covered by `{by}` in the same statement"),
                item_pointer(base, shape, index),
                At::Value,
            )
            .help = Some(format!("remove `{action}`"));
        }
    }
}

/// Whether every action of `small` is in `large`, both in the catalogue's order (by ASCII-lowercased name within
/// one service): a merge, not a search per name, since wildcard expansions run to hundreds of actions.
fn is_sorted_subset(small: &[ActionInfo], large: &[ActionInfo]) -> bool {
    let mut large = large.iter().peekable();
    small.iter().all(|name| {
        while let Some(candidate) = large.peek() {
            match cmp_lowercase(candidate.full_name(), name.full_name()) {
                std::cmp::Ordering::Less => {
                    large.next();
                }
                std::cmp::Ordering::Equal => {
                    large.next();
                    return true;
                }
                std::cmp::Ordering::Greater => return false,
            }
        }
        false
    })
}

fn cmp_lowercase(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}
