//! Size quotas, which depend on what the policy is and where it is attached.

use super::PolicyKind;
use super::codes;
use super::context::{At, Context};
use crate::diagnostic::Severity;
use crate::policy::{AccountId, Arn, Principal, PrincipalKind};

/// Where an identity policy is used, which sets its size quota (IAM counts characters without whitespace).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdentityPolicyUse {
    /// A customer managed policy: 6,144 characters.
    #[default]
    Managed,
    /// Inline in a user: 2,048 characters for all of the user's inline policies together.
    InlineUser,
    /// Inline in a group: 5,120 characters.
    InlineGroup,
    /// Inline in a role: 10,240 characters.
    InlineRole,
}

impl IdentityPolicyUse {
    /// The quota in characters, whitespace excluded.
    #[must_use]
    pub fn quota(self) -> usize {
        match self {
            IdentityPolicyUse::Managed => 6_144,
            IdentityPolicyUse::InlineUser => 2_048,
            IdentityPolicyUse::InlineGroup => 5_120,
            IdentityPolicyUse::InlineRole => 10_240,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            IdentityPolicyUse::Managed => "a managed policy",
            IdentityPolicyUse::InlineUser => "a user's inline policies",
            IdentityPolicyUse::InlineGroup => "a group's inline policies",
            IdentityPolicyUse::InlineRole => "a role's inline policies",
        }
    }
}

/// The default quota of a role trust policy, and the most a quota increase allows.
const TRUST_DEFAULT: usize = 2_048;
const TRUST_MAX: usize = 4_096;
/// Organizations policies count every character, whitespace included.
const ORGANIZATIONS_POLICY: usize = 5_120;

/// The size IAM counts: the characters of the policy, whitespace excluded.
#[must_use]
pub fn size_without_whitespace(document: &crate::PolicyDocument) -> usize {
    document.compact_non_whitespace_len()
}

pub(super) fn check(
    cx: &mut Context<'_, '_>,
    source: Option<&str>,
    identity_use: IdentityPolicyUse,
) {
    let compact = || size_without_whitespace(cx.document);
    let (size, quota, code, severity, what, help) = match cx.kind {
        PolicyKind::Identity => {
            let quota = identity_use.quota();
            (
                compact(),
                quota,
                codes::POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA.name,
                Severity::Error,
                identity_use.describe(),
                "split the statements across several policies, or merge actions with wildcards such as `s3:Get*`"
                    .to_owned(),
            )
        }
        PolicyKind::Trust => {
            let size = compact();
            let severity = if size > TRUST_MAX {
                Severity::Error
            } else {
                Severity::Warning
            };
            (
                size,
                TRUST_DEFAULT,
                codes::POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA.name,
                severity,
                "a role trust policy (default quota)",
                trust_help(cx.document, size),
            )
        }
        PolicyKind::Scp | PolicyKind::Rcp => {
            // Organizations counts whitespace too: the text as written, when there is one.
            let size = source.map_or_else(compact, |text| text.chars().count());
            let (code, what) = if cx.kind == PolicyKind::Scp {
                (
                    codes::POLICY_SIZE_EXCEEDS_SCP_QUOTA.name,
                    "a service control policy",
                )
            } else {
                (
                    codes::POLICY_SIZE_EXCEEDS_RCP_QUOTA.name,
                    "a resource control policy",
                )
            };
            (
                size,
                ORGANIZATIONS_POLICY,
                code,
                Severity::Error,
                what,
                "remove whitespace outside strings (Organizations counts it), or split the policy"
                    .to_owned(),
            )
        }
        // Each service sets its own limit for resource-based policies; they are checked where the type is known.
        PolicyKind::Resource => return,
    };
    if size > quota {
        cx.report(
            code,
            severity,
            format!("the policy is {size} characters, over the {quota} allowed for {what}"),
            String::new(),
            At::Value,
        )
        .help = Some(help);
    }
}

/// Trusts that name many accounts one by one reach the quota first: for those, what works instead.
const MANY_ACCOUNTS: usize = 10;

/// What to do about a trust policy of `size` characters over the quota.
fn trust_help(document: &crate::PolicyDocument, size: usize) -> String {
    let accounts = trusted_accounts(document);
    if accounts < MANY_ACCOUNTS {
        return "shorten it, or raise the account's quota (up to 4,096 characters) through Service Quotas"
            .to_owned();
    }
    // The characters each account costs, on average, fixed parts included: a conservative share per role.
    let per_role = (accounts * TRUST_DEFAULT / size).max(1);
    format!(
        "it names {accounts} accounts one by one, and each costs characters of the quota. If they are the \
         accounts of one AWS Organization, trust the organization instead: `\"Principal\": {{\"AWS\": \"*\"}}` \
         with `\"Condition\": {{\"StringEquals\": {{\"aws:PrincipalOrgID\": \"o-...\"}}}}` (or \
         `aws:PrincipalOrgPaths` for an organizational unit), as a role declared with its own trust (`[[role]]` \
         `trust = ...`); otherwise give each group of at most {per_role} accounts a role of its own. Raising \
         the quota through Service Quotas (up to {TRUST_MAX} characters) holds about twice as many"
    )
}

/// How many distinct accounts the `AWS` principals of `document` name (by id or ARN).
fn trusted_accounts(document: &crate::PolicyDocument) -> usize {
    let mut accounts = std::collections::HashSet::new();
    for statement in document.statements() {
        let Some(element) = &statement.principal else {
            continue;
        };
        let Principal::Map(entries) = element.principal() else {
            continue;
        };
        for (kind, values) in entries {
            if *kind != PrincipalKind::Aws {
                continue;
            }
            for value in values.as_slice() {
                if AccountId::is_valid(value) {
                    accounts.insert(value.clone());
                } else if let Ok(arn) = Arn::parse(value) {
                    accounts.insert(arn.account().to_owned());
                }
            }
        }
    }
    accounts.len()
}

#[cfg(test)]
mod tests {
    use super::size_without_whitespace;
    use crate::PolicyDocument;

    /// The count the quota check made before it stopped printing the policy.
    fn printed_size(document: &PolicyDocument) -> usize {
        document
            .to_json_compact()
            .chars()
            .filter(|ch| !ch.is_whitespace())
            .count()
    }

    #[test]
    fn counted_size_is_the_printed_size() {
        let tricky = [
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
            r#"{"Version": "2012-10-17", "Id": "id with spaces\ttab", "Statement": [
                {"Sid": "A b", "Effect": "Allow", "NotAction": ["s3:Get*", "iam:Pass Role"],
                 "NotResource": "arn:aws:s3:::b/k\u00e9y \u00a0nbsp\u0085\u2028\u3000 \ud83d\ude00 \"q\" \\ \n\r\f\b\u000b",
                 "Condition": {"NumericLessThan": {"s3:max-keys": [10, 1.5e3, -2]},
                               "Bool": {"aws:SecureTransport": false, "aws:MultiFactorAuthPresent": [true]},
                               "ForAnyValue:StringLike": {"aws:TagKeys": ["a b", "\u00ff\u00a1"]}}},
                {"Effect": "Deny", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"], "Service": "s3.amazonaws.com"},
                 "Action": [], "Resource": []},
                {"Effect": "Allow", "NotPrincipal": "*", "Action": "*"}
            ]}"#,
        ];
        for text in tricky {
            let document = PolicyDocument::from_json(text).unwrap();
            assert_eq!(
                size_without_whitespace(&document),
                printed_size(&document),
                "{text}"
            );
        }
        // Every policy of the fixture corpus that parses.
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut checked = 0;
        let mut folders = vec![corpus];
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|ext| ext == "json") {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    if let Ok(document) = PolicyDocument::from_json(&text) {
                        assert_eq!(
                            size_without_whitespace(&document),
                            printed_size(&document),
                            "{}",
                            path.display()
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100, "only {checked} fixture policies parsed");
    }
}
