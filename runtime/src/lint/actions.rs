//! Actions: well-formed, of a known service, existing, wildcards that match something, no redundancy.

use super::context::{At, Context, child, item_pointer};
use crate::catalog::catalog;
use crate::diagnostic::Severity;
use crate::glob;
use crate::policy::Action;

pub(super) fn check(cx: &mut Context<'_, '_>) {
    for located in cx.statements() {
        let element = &located.statement.action;
        let actions = element.actions();
        let base = child(&located.pointer, element.element_name());
        let mut resolved: Vec<Option<Vec<&'static str>>> = Vec::with_capacity(actions.len());
        for (index, action) in actions.iter().enumerate() {
            let pointer = item_pointer(&base, actions, index);
            resolved.push(check_action(cx, action, pointer));
        }
        if actions.len() > 1 {
            check_redundant(cx, actions.as_slice(), &resolved, &base, actions);
        }
    }
}

/// Checks one action; returns the catalogue actions it stands for when it is valid (`None` for `*` and for
/// anything invalid).
fn check_action(
    cx: &mut Context<'_, '_>,
    action: &Action,
    pointer: String,
) -> Option<Vec<&'static str>> {
    let text = action.as_str();
    if let Err(error) = Action::check(text) {
        let trimmed = text.trim();
        let finding = cx.report(
            "INVALID_ACTION_FORMAT",
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
        return None;
    }
    let (Some(service_part), Some(name)) = (action.service(), action.name()) else {
        return None; // `*`
    };
    if glob::has_wildcard(service_part) {
        cx.report(
            "WILDCARD_IN_SERVICE_NAME",
            Severity::Suggestion,
            format!("`{text}` has a wildcard in the service name, which may match services you did not mean"),
            pointer,
            At::Value,
        )
        .help = Some("name the service exactly".to_owned());
        return None;
    }
    let Some(service) = catalog().service(service_part) else {
        let suggestion = catalog().suggest_service(service_part);
        let finding = cx.report(
            "INVALID_SERVICE_IN_ACTION",
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
        return None;
    };
    if !glob::has_wildcard(name) {
        if let Some(info) = service.action(name) {
            return Some(vec![info.full_name()]);
        }
        let suggestion = catalog().suggest_action(text);
        let finding = cx.report(
            "INVALID_ACTION",
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
        return None;
    }
    let matched: Vec<&'static str> = service.expand(name).map(|info| info.full_name()).collect();
    if matched.is_empty() {
        cx.report(
            "WILDCARD_MATCHES_NO_ACTION",
            Severity::Error,
            format!(
                "`{text}` matches no `{}` action, so it covers nothing",
                service.prefix()
            ),
            pointer,
            At::Value,
        )
        .help = Some("check the spelling of the part before or after the wildcard".to_owned());
        return None;
    }
    Some(matched)
}

/// An entry another entry of the same element already covers (`s3:GetObject` beside `s3:Get*`).
fn check_redundant<T>(
    cx: &mut Context<'_, '_>,
    actions: &[Action],
    resolved: &[Option<Vec<&'static str>>],
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
            match (&resolved[index], &resolved[other]) {
                // Two different wildcards with the same expansion: only the later one is redundant.
                (Some(mine), Some(theirs)) => {
                    mine.iter().all(|name| theirs.contains(name))
                        && (mine.len() < theirs.len() || other < index)
                }
                _ => false,
            }
        });
        if let Some((_, by)) = covering {
            cx.report(
                "REDUNDANT_ACTION",
                Severity::Suggestion,
                format!("`{action}` is already covered by `{by}` in the same statement"),
                item_pointer(base, shape, index),
                At::Value,
            )
            .help = Some(format!("remove `{action}`"));
        }
    }
}
