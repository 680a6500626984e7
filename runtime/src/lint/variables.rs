//! Policy variables (`${aws:username}`): well-formed, in an element that supports them, under a version that
//! supports them, and naming a key IAM can substitute.

use super::codes;
use super::context::{At, Context, child, item_pointer};
use super::keys::{self, Key};
use crate::diagnostic::Severity;
use crate::policy::{ConditionValue, Principal, Version};

/// One `${...}` found in a string.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Variable<'a> {
    /// `${key}` or `${key, 'default'}`.
    Named {
        key: &'a str,
        default: Option<&'a str>,
    },
    /// `${*}`, `${?}`, `${$}`: the escapes for literal `*`, `?`, `$`.
    Escape,
    /// `${` without a closing `}`.
    Unclosed,
    /// `${}` or `${ }`.
    Empty,
    /// A space inside the key: `${aws: username}`.
    Space(&'a str),
    /// A default value not in single quotes: `${aws:username, guest}`.
    UnquotedDefault(&'a str),
}

/// Every `${...}` in `text`, in order.
pub(super) fn variables(text: &str) -> Vec<Variable<'_>> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            found.push(Variable::Unclosed);
            break;
        };
        let inside = &after[..end];
        rest = &after[end + 1..];
        found.push(classify(inside));
    }
    found
}

fn classify(inside: &str) -> Variable<'_> {
    if matches!(inside, "*" | "?" | "$") {
        return Variable::Escape;
    }
    if inside.trim().is_empty() {
        return Variable::Empty;
    }
    let (key, default) = match inside.split_once(',') {
        Some((key, default)) => (key, Some(default.trim())),
        None => (inside, None),
    };
    if key.contains(char::is_whitespace) {
        return Variable::Space(inside);
    }
    if let Some(default) = default
        && !(default.len() >= 2 && default.starts_with('\'') && default.ends_with('\''))
    {
        return Variable::UnquotedDefault(inside);
    }
    Variable::Named {
        key,
        default: default.map(|d| &d[1..d.len() - 1]),
    }
}

pub(super) fn check(cx: &mut Context<'_, '_>) {
    let supports_variables = cx.document.version == Some(Version::V2012_10_17);
    for located in cx.statements().iter() {
        let statement = located.statement;
        let actions = statement.action.actions();
        for (index, action) in actions.iter().enumerate() {
            if action.as_str().contains("${") {
                cx.report(
                    codes::VARIABLE_UNSUPPORTED_IN_ELEMENT.name,
                    Severity::Error,
                    format!(
                        "`{action}`: policy variables are not substituted in `{}`",
                        statement.action.element_name()
                    ),
                    item_pointer(
                        &child(&located.pointer, statement.action.element_name()),
                        actions,
                        index,
                    ),
                    At::Value,
                )
                .help =
                    Some("policy variables work in `Resource` and in condition values".to_owned());
            }
        }
        if let Some(element) = &statement.principal
            && let Principal::Map(entries) = element.principal()
        {
            for (kind, values) in entries {
                for (index, value) in values.iter().enumerate() {
                    if value.contains("${") {
                        let base = child(
                            &child(&located.pointer, element.element_name()),
                            kind.as_str(),
                        );
                        cx.report(
                            codes::VARIABLE_UNSUPPORTED_IN_ELEMENT.name,
                            Severity::Error,
                            format!(
                                "`{value}`: policy variables are not substituted in `{}`",
                                element.element_name()
                            ),
                            item_pointer(&base, values, index),
                            At::Value,
                        )
                        .help = Some(
                            "name principals literally; compare request context in a `Condition`"
                                .to_owned(),
                        );
                    }
                }
            }
        }
        if let Some(element) = &statement.resource {
            let base = child(&located.pointer, element.element_name());
            let resources = element.resources();
            for (index, resource) in resources.iter().enumerate() {
                // No variable, nothing to say: the pointer is not worth building.
                if !resource.as_str().contains("${") {
                    continue;
                }
                check_text(
                    cx,
                    resource.as_str(),
                    &item_pointer(&base, resources, index),
                    supports_variables,
                );
            }
        }
        if let Some(condition) = &statement.condition {
            let base = child(&located.pointer, "Condition");
            for block in &condition.0 {
                for entry in &block.entries {
                    let has_variable = |value: &ConditionValue| matches!(value, ConditionValue::String(text) if text.contains("${"));
                    // Most values hold no variable: their pointers are built only when one does.
                    if !entry.values.iter().any(has_variable) {
                        continue;
                    }
                    let block_pointer = child(&base, &block.operator.to_string());
                    let key_pointer = child(&block_pointer, &entry.key);
                    for (index, value) in entry.values.iter().enumerate() {
                        if let ConditionValue::String(text) = value
                            && text.contains("${")
                        {
                            check_text(
                                cx,
                                text,
                                &item_pointer(&key_pointer, &entry.values, index),
                                supports_variables,
                            );
                        }
                    }
                }
            }
        }
    }
}

fn check_text(cx: &mut Context<'_, '_>, text: &str, pointer: &str, supports_variables: bool) {
    let found = variables(text);
    if found.is_empty() {
        return;
    }
    if !supports_variables
        && found
            .iter()
            .any(|variable| !matches!(variable, Variable::Unclosed))
    {
        let finding = cx.report(
            codes::VARIABLE_UNSUPPORTED_IN_VERSION.name,
            Severity::Error,
            format!(
                "`{text}` holds a policy variable, but without `\"Version\": \"2012-10-17\"` IAM reads it as plain text"
            ),
            pointer.to_owned(),
            At::Value,
        );
        finding.help = Some("set `\"Version\": \"2012-10-17\"`".to_owned());
        return;
    }
    for variable in found {
        let (code, message, help) = match variable {
            Variable::Escape => continue,
            Variable::Named { key, .. } => {
                let resolved = keys::resolve(key);
                if resolved.is_known() {
                    continue;
                }
                let suggestion = match resolved {
                    Key::Unknown { suggestion, .. } => suggestion,
                    _ => None,
                };
                let finding = cx.report(
                    codes::UNKNOWN_POLICY_VARIABLE.name,
                    Severity::Warning,
                    format!("`${{{key}}}` names no condition key, so IAM has nothing to substitute for it"),
                    pointer.to_owned(),
                    At::Value,
                );
                finding.help = Some(match suggestion {
                    Some(name) => format!("did you mean `${{{name}}}`?"),
                    None => "if it is a template placeholder (such as `${Account}`), replace it before using the \
                             policy"
                        .to_owned(),
                });
                continue;
            }
            Variable::Unclosed => (
                codes::MISSING_BRACE_IN_VARIABLE.name,
                format!("`{text}`: a policy variable opened with `${{` is not closed"),
                "add `}` after the variable's key",
            ),
            Variable::Empty => (
                codes::EMPTY_VARIABLE.name,
                format!("`{text}` holds an empty policy variable `${{}}`"),
                "name a key inside the braces, or remove them",
            ),
            Variable::Space(inside) => (
                codes::UNSUPPORTED_SPACE_IN_VARIABLE.name,
                format!("`${{{inside}}}`: a policy variable's key cannot contain a space"),
                "remove the space",
            ),
            Variable::UnquotedDefault(inside) => (
                codes::MISSING_QUOTE_IN_VARIABLE.name,
                format!(
                    "`${{{inside}}}`: a policy variable's default value must be in single quotes"
                ),
                "write the default as `'value'`",
            ),
        };
        cx.report(
            code,
            Severity::Error,
            message,
            pointer.to_owned(),
            At::Value,
        )
        .help = Some(help.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::{Variable, variables};

    #[test]
    fn finds_and_classifies_variables() {
        assert_eq!(
            variables("arn:aws:s3:::b/${aws:username}/*"),
            [Variable::Named {
                key: "aws:username",
                default: None
            }]
        );
        assert_eq!(
            variables("${aws:PrincipalTag/team, 'none'}"),
            [Variable::Named {
                key: "aws:PrincipalTag/team",
                default: Some("none")
            }]
        );
        assert_eq!(
            variables("a${*}b${?}${$}"),
            [Variable::Escape, Variable::Escape, Variable::Escape]
        );
        assert_eq!(variables("${aws:username"), [Variable::Unclosed]);
        assert_eq!(variables("${ }"), [Variable::Empty]);
        assert_eq!(
            variables("${aws: username}"),
            [Variable::Space("aws: username")]
        );
        assert_eq!(
            variables("${aws:username, guest}"),
            [Variable::UnquotedDefault("aws:username, guest")]
        );
        assert!(variables("no variables").is_empty());
    }
}
