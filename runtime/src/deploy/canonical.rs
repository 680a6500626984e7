//! Policies compared as IAM reads them, not as text.
//!
//! IAM returns documents URL-encoded, may print them differently from how they were sent, and rewrites some
//! values (a bare account id in a `Principal` becomes the account's root ARN). Two documents that mean the same
//! must plan no change, so both sides are brought to one canonical form first: one-or-many values as sorted,
//! de-duplicated lists, statements in a sorted order, account principals as root ARNs.

use serde_json::Value;

use crate::PolicyDocument;

/// A document as IAM returned it: URL-encoded (real IAM, moto) or plain JSON (some emulators).
#[must_use]
pub fn decode_document(text: &str) -> String {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return text.to_owned();
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The canonical form of `document`: equal for two documents exactly when IAM treats them as the same.
#[must_use]
pub fn canonical(document: &PolicyDocument) -> Value {
    let value: Value = serde_json::from_str(&document.to_json()).unwrap_or(Value::Null);
    normalize(&value, None)
}

/// Whether two documents mean the same to IAM.
#[must_use]
pub fn same_policy(left: &PolicyDocument, right: &PolicyDocument) -> bool {
    canonical(left) == canonical(right)
}

/// The statements of `document` in the order it lists them, each as written and in canonical form (the same
/// form [`canonical`] gives them, so two statements [`same_policy`] takes for one have equal canonical forms).
#[must_use]
pub fn statements(document: &PolicyDocument) -> Vec<(Value, Value)> {
    let value: Value = serde_json::from_str(&document.to_json()).unwrap_or(Value::Null);
    let written = match value.get("Statement") {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    };
    written
        .into_iter()
        .map(|statement| {
            let canonical = normalize(&statement, Some("Statement"));
            (statement, canonical)
        })
        .collect()
}

/// The canonical form of `document` without its statements: `Version` and `Id`.
#[must_use]
pub fn header(document: &PolicyDocument) -> serde_json::Map<String, Value> {
    match canonical(document) {
        Value::Object(mut members) => {
            members.remove("Statement");
            members
        }
        _ => serde_json::Map::new(),
    }
}

/// Elements whose value is one scalar, never a list.
const SCALAR_KEYS: &[&str] = &["Version", "Id", "Sid", "Effect"];

fn normalize(value: &Value, key: Option<&str>) -> Value {
    match value {
        Value::Object(members) => {
            let mut out = serde_json::Map::new();
            for (member, inner) in members {
                let mut normalized = normalize(inner, Some(member));
                if member == "Statement" && normalized.is_object() {
                    normalized = Value::Array(vec![normalized]);
                }
                if key == Some("Principal") || key == Some("NotPrincipal") {
                    normalized = root_principals(member, normalized);
                }
                out.insert(member.clone(), normalized);
            }
            Value::Object(out)
        }
        // The elements of a list: scalars as the text IAM keeps (not each wrapped in a list of its own).
        Value::Array(items) => sorted(
            items
                .iter()
                .map(|item| match item {
                    Value::Object(_) | Value::Array(_) => normalize(item, key),
                    scalar => scalar_text(scalar),
                })
                .collect(),
        ),
        Value::String(_) | Value::Bool(_) | Value::Number(_)
            if key.is_some_and(|key| SCALAR_KEYS.contains(&key)) =>
        {
            value.clone()
        }
        Value::Null | Value::String(_) | Value::Bool(_) | Value::Number(_) => {
            // A lone value and a list of one mean the same; condition values compare as the text IAM keeps.
            sorted(vec![scalar_text(value)])
        }
    }
}

/// `"Statement": {...}` and a lone value of any list element: a sorted, de-duplicated list.
fn sorted(mut items: Vec<Value>) -> Value {
    items.sort_by_key(Value::to_string);
    items.dedup();
    Value::Array(items)
}

/// Condition values: `true` and `"true"`, `5` and `"5"` are the same to IAM.
fn scalar_text(value: &Value) -> Value {
    match value {
        Value::Bool(flag) => Value::String(flag.to_string()),
        Value::Number(number) => Value::String(number.to_string()),
        other => other.clone(),
    }
}

/// IAM stores an account named by its id in an `AWS` principal as the account's root ARN.
fn root_principals(kind: &str, values: Value) -> Value {
    if kind != "AWS" {
        return values;
    }
    match values {
        Value::Array(items) => sorted(
            items
                .into_iter()
                .map(|item| match item {
                    Value::String(text)
                        if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        Value::String(crate::names::account_root_arn(&text))
                    }
                    other => other,
                })
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(text: &str) -> PolicyDocument {
        PolicyDocument::from_json(text).unwrap()
    }

    #[test]
    fn shape_order_and_encoding_do_not_matter() {
        let sent = document(
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}}"#,
        );
        let returned = "%7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Statement%22%3A%20%5B%7B%22Effect%22%3A%20%22Allow%22%2C%20%22Action%22%3A%20%5B%22s3%3AGetObject%22%2C%20%22s3%3APutObject%22%5D%2C%20%22Resource%22%3A%20%5B%22arn%3Aaws%3As3%3A%3A%3Ab%2F%2A%22%5D%7D%5D%7D";
        let decoded = document(&decode_document(returned));
        assert!(same_policy(&sent, &decoded));
    }

    #[test]
    fn account_ids_are_root_principals_and_condition_scalars_are_text() {
        let left = document(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "183438944504"}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": true}}}]}"#,
        );
        let right = document(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::183438944504:root"]}, "Action": ["sts:AssumeRole"], "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}"#,
        );
        assert!(same_policy(&left, &right));
    }

    #[test]
    fn a_changed_statement_is_a_difference() {
        let left = document(
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
        );
        for right in [
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}"#,
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "B", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "NotAction": "s3:GetObject", "Resource": "*"}]}"#,
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b"}]}"#,
        ] {
            assert!(!same_policy(&left, &document(right)), "{right}");
        }
    }
}
