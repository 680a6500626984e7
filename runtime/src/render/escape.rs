//! Identifiers derived from names: Terraform names and CloudFormation logical ids. Text written into a target
//! syntax (quoted strings, comments, labels) is escaped in [`crate::escape`].

/// A Terraform name (resource, variable, output): lowercase ASCII letters, digits and `_`, starting with a
/// letter. `StuzioProjectXPolicy` becomes `stuzio_project_x_policy`, `com.stuzio.projectx` becomes
/// `com_stuzio_projectx`.
#[must_use]
pub fn snake_name(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    for (index, &ch) in chars.iter().enumerate() {
        if ch.is_ascii_alphanumeric() {
            let previous = index.checked_sub(1).map(|i| chars[i]);
            let next = chars.get(index + 1).copied();
            // A word starts at a capital after a lowercase letter or digit (`projectX`), or at the last capital
            // of an acronym before a lowercase letter (`XPolicy` is `x_policy`).
            let boundary = ch.is_ascii_uppercase()
                && (previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                    || (previous.is_some_and(|p| p.is_ascii_uppercase())
                        && next.is_some_and(|n| n.is_ascii_lowercase())));
            if boundary && !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if !out.starts_with(|ch: char| ch.is_ascii_lowercase()) {
        out.insert_str(0, "n_");
    }
    out
}

/// A CloudFormation logical id: ASCII letters and digits only, starting with a letter.
#[must_use]
pub fn logical_id(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut upper = true;
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(if upper { ch.to_ascii_uppercase() } else { ch });
            upper = false;
        } else {
            upper = true;
        }
    }
    if !out.starts_with(|ch: char| ch.is_ascii_alphabetic()) {
        out.insert(0, 'R');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            snake_name("StuzioProjectXPolicy"),
            "stuzio_project_x_policy"
        );
        assert_eq!(
            snake_name("AcmeClientAssumeRolePolicy"),
            "acme_client_assume_role_policy"
        );
        assert_eq!(snake_name("IAMRole"), "iam_role");
        assert_eq!(snake_name("com.stuzio.projectx"), "com_stuzio_projectx");
        assert_eq!(snake_name("123-abc"), "n_123_abc");
        assert_eq!(
            logical_id("StuzioAcmeConsultantRole"),
            "StuzioAcmeConsultantRole"
        );
        assert_eq!(logical_id("com.stuzio.projectx"), "ComStuzioProjectx");
        assert_eq!(logical_id("9lives"), "R9lives");
    }
}
