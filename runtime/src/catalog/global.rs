//! The global condition keys: `aws:` keys usable with every service, the cross-service keys the IAM User
//! Guide lists with them, and the keys of SAML and web identity federation that trust policies test.
//!
//! The service catalogue knows only the keys each service documents for its own actions; these are the
//! keys that can appear in any statement. The data is `runtime/data/global-condition-keys.txt`, curated by
//! hand from the IAM User Guide (its header names the pages), and indexed on first use, once per process.
//!
//! ```
//! # extern crate iamgen_runtime as iamgen;
//! use iamgen::catalog::{
//!     ConditionKeyType, KeyFamily, global_condition_key, is_oidc_provider_key,
//!     suggest_global_condition_key,
//! };
//!
//! let key = global_condition_key("aws:sourceip").unwrap();
//! assert_eq!(key.name(), "aws:SourceIp");
//! assert_eq!(key.key_type(), ConditionKeyType::IpAddress);
//!
//! let tag = global_condition_key("aws:PrincipalTag/team").unwrap();
//! assert_eq!(tag.name(), "aws:PrincipalTag/${TagKey}");
//!
//! assert!(global_condition_key("saml:edupersonaffiliation").unwrap().is_multivalued());
//! assert_eq!(global_condition_key("aws:ARN").unwrap().deprecated(), Some("aws:PrincipalArn"));
//! assert_eq!(global_condition_key("saml:aud").unwrap().family(), KeyFamily::Saml);
//!
//! assert!(is_oidc_provider_key("token.actions.githubusercontent.com:sub"));
//! assert_eq!(suggest_global_condition_key("aws:SourceIpp"), Some("aws:SourceIp"));
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::sync::LazyLock;

use super::condition::{name_matches, template_matches};
use super::{ConditionKeyType, catalog};

/// The embedded data file; a function for the same reason as the catalogue's `data()`.
fn data() -> &'static str {
    include_str!("../../data/global-condition-keys.txt")
}

/// The claims IAM exposes as `<provider-url>:<claim>` condition keys for any OIDC provider: the "Default"
/// list of "Available keys for AWS OIDC federation" in the IAM User Guide. AWS does not expose other claims
/// of custom providers; the provider-specific ones it does (GitHub's `actor`, ...) are in the catalogue.
const OIDC_CLAIMS: [&str; 5] = ["amr", "aud", "email", "oaud", "sub"];

/// Where a global condition key comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFamily {
    /// An `aws:` key from the request context, such as `aws:SourceIp`.
    Aws,
    /// A key with a service prefix that the IAM User Guide lists as available across services, such as
    /// `ec2:SourceInstanceArn` or `lambda:SourceFunctionArn`.
    CrossService,
    /// A `saml:` key of SAML-based federation, such as `saml:aud`.
    Saml,
    /// A key of a built-in web identity provider, such as `accounts.google.com:aud` or
    /// `cognito-identity.amazonaws.com:sub`.
    WebIdentity,
}

impl KeyFamily {
    /// The data file's spelling: `aws`, `cross-service`, `saml` or `web-identity`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyFamily::Aws => "aws",
            KeyFamily::CrossService => "cross-service",
            KeyFamily::Saml => "saml",
            KeyFamily::WebIdentity => "web-identity",
        }
    }

    fn from_source(name: &str) -> Option<KeyFamily> {
        [
            KeyFamily::Aws,
            KeyFamily::CrossService,
            KeyFamily::Saml,
            KeyFamily::WebIdentity,
        ]
        .into_iter()
        .find(|family| family.as_str() == name)
    }
}

impl fmt::Display for KeyFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A global condition key, such as `aws:SourceIp` of type `IPAddress`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalConditionKey {
    name: &'static str,
    key_type: ConditionKeyType,
    multivalued: bool,
    deprecated: Option<&'static str>,
    family: KeyFamily,
}

impl GlobalConditionKey {
    /// From a line of the data file; `None` if the line is malformed.
    fn parse(line: &'static str) -> Option<GlobalConditionKey> {
        let mut fields = line.split('\t');
        let name = fields.next().filter(|name| !name.is_empty())?;
        let key_type = ConditionKeyType::from_source(fields.next()?)?;
        let family = KeyFamily::from_source(fields.next()?)?;
        let deprecated = match fields.next() {
            None => None,
            Some("") => return None,
            Some(replacement) => Some(replacement),
        };
        if fields.next().is_some() {
            return None;
        }
        Some(GlobalConditionKey {
            name,
            key_type,
            multivalued: key_type.is_array(),
            deprecated,
            family,
        })
    }

    /// The key in the documentation's exact case, placeholder included: `aws:SourceIp`,
    /// `aws:PrincipalTag/${TagKey}`.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The type of the key's values, spelled as in the service catalogue.
    #[must_use]
    pub const fn key_type(&self) -> ConditionKeyType {
        self.key_type
    }

    /// Whether the key can hold several values in one request (an `ArrayOf` type), so that conditions on
    /// it take the `ForAnyValue:` or `ForAllValues:` operator prefixes.
    #[must_use]
    pub const fn is_multivalued(&self) -> bool {
        self.multivalued
    }

    /// For a deprecated key, the key that replaces it: `aws:PrincipalArn` for `aws:ARN`.
    #[must_use]
    pub const fn deprecated(&self) -> Option<&'static str> {
        self.deprecated
    }

    /// Where the key comes from.
    #[must_use]
    pub const fn family(&self) -> KeyFamily {
        self.family
    }

    /// Whether the name has a placeholder, as `aws:RequestTag/${TagKey}` does.
    #[must_use]
    pub fn is_template(&self) -> bool {
        self.name.contains("${")
    }

    /// Whether a key from a policy is this key: ASCII case ignored, a placeholder standing for one or more
    /// characters (`aws:ResourceTag/team` is `aws:ResourceTag/${TagKey}`).
    #[must_use]
    pub fn matches(&self, key: &str) -> bool {
        name_matches(self.name, key)
    }
}

/// The keys sorted by ASCII-lowercased name, and which of them are templates.
struct Table {
    keys: Vec<GlobalConditionKey>,
    templates: Vec<GlobalConditionKey>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut keys: Vec<GlobalConditionKey> = data()
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(GlobalConditionKey::parse)
        .collect();
    // The file is sorted already (a test checks it); sorting again keeps the binary search right regardless.
    keys.sort_by(|a, b| cmp_ignore_ascii_case(a.name, b.name));
    let templates = keys
        .iter()
        .copied()
        .filter(GlobalConditionKey::is_template)
        .collect();
    Table { keys, templates }
});

fn cmp_ignore_ascii_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|byte| byte.to_ascii_lowercase())
        .cmp(b.bytes().map(|byte| byte.to_ascii_lowercase()))
}

/// The global condition key a policy's key names, ignoring ASCII case as IAM does.
///
/// A concrete tag key matches its template: `aws:PrincipalTag/team` finds `aws:PrincipalTag/${TagKey}`,
/// whatever follows the `/` as long as something does. Service keys (`s3:prefix`, `sts:ExternalId`) are
/// the service catalogue's, and the keys of OIDC providers other than the built-in web identity ones
/// (`token.actions.githubusercontent.com:sub`) are recognised by [`is_oidc_provider_key`]; both are `None`.
#[must_use]
pub fn global_condition_key(key: &str) -> Option<GlobalConditionKey> {
    let table = &*TABLE;
    if let Ok(index) = table
        .keys
        .binary_search_by(|entry| cmp_ignore_ascii_case(entry.name, key))
    {
        return table.keys.get(index).copied();
    }
    table
        .templates
        .iter()
        .find(|template| template.matches(key))
        .copied()
}

/// Every global condition key, sorted by name ignoring ASCII case.
pub fn global_condition_keys() -> impl Iterator<Item = GlobalConditionKey> {
    TABLE.keys.iter().copied()
}

/// The `aws:` key most similar to a misspelled one, as [`crate::suggest::closest`] judges it, for a
/// did-you-mean: `aws:SourceIpp` suggests `aws:SourceIp`. Deprecated keys are never suggested.
#[must_use]
pub fn suggest_global_condition_key(key: &str) -> Option<&'static str> {
    let candidates = TABLE
        .keys
        .iter()
        .filter(|entry| entry.family == KeyFamily::Aws && entry.deprecated.is_none())
        .map(|entry| entry.name);
    // The shared `aws:` prefix would make every name look similar (`aws:Banana` to `aws:PrincipalArn`), so
    // a key with that prefix is compared by what follows it, up to a tag key's `/`: `aws:PrincipleTag/team`
    // is compared as `PrincipleTag` with `PrincipalTag` of `aws:PrincipalTag/${TagKey}`.
    let stem = |name: &'static str| {
        name.get(4..)
            .unwrap_or(name)
            .split('/')
            .next()
            .unwrap_or(name)
    };
    match key.split_at_checked(4) {
        Some((prefix, rest)) if prefix.eq_ignore_ascii_case("aws:") => crate::suggest::best_match(
            rest.split('/').next().unwrap_or(rest),
            candidates.map(|name| (stem(name), name)),
        ),
        _ => crate::suggest::closest(key, candidates),
    }
}

/// Whether a key is one an OIDC identity provider supplies to trust policies: `<provider>:<claim>`, where
/// the provider is the host of the provider's URL (with a `.`), optionally followed by a path, as in
/// `token.actions.githubusercontent.com:sub` or `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud`.
///
/// The claim is one IAM exposes for every provider (`amr`, `aud`, `email`, `oaud`, `sub`, ASCII case
/// ignored), or one the service catalogue's `sts` keys define for that provider, such as
/// `token.actions.githubusercontent.com:repository` or `gitlab.com:project_id`. IAM exposes no other
/// claims, so `token.actions.githubusercontent.com:run_id` is not a key.
#[must_use]
pub fn is_oidc_provider_key(key: &str) -> bool {
    let Some((provider, claim)) = key.split_once(':') else {
        return false;
    };
    if !is_provider(provider) || claim.is_empty() {
        return false;
    }
    OIDC_CLAIMS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(claim))
        || PROVIDER_KEYS
            .iter()
            .any(|template| template_matches(template, key))
}

/// The provider-specific keys of the service catalogue's `sts` entry: those whose prefix is a URL host.
static PROVIDER_KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    catalog()
        .service("sts")
        .map(|sts| {
            sts.condition_keys()
                .map(|info| info.name)
                .filter(|name| {
                    name.split_once(':')
                        .is_some_and(|(prefix, _)| prefix.contains('.'))
                })
                .collect()
        })
        .unwrap_or_default()
});

/// `host[/path]`: a host of two or more dot-separated labels of letters, digits and `-`, then any path.
fn is_provider(provider: &str) -> bool {
    let (host, path) = provider.split_once('/').unwrap_or((provider, ""));
    let labels_ok = host.split('.').all(|label| {
        !label.is_empty()
            && label
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
    });
    let path_ok = path
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || b"-._~%/@+=".contains(&byte));
    host.contains('.') && labels_ok && path_ok
}

#[cfg(test)]
mod tests {
    use super::{GlobalConditionKey, cmp_ignore_ascii_case, is_provider};
    use std::cmp::Ordering;

    #[test]
    fn malformed_lines_are_skipped() {
        for line in [
            "",
            "aws:X",
            "aws:X\tstring\taws",
            "aws:X\tString\tnope",
            "aws:X\tString\taws\t",
            "aws:X\tString\taws\taws:Y\textra",
            "\tString\taws",
        ] {
            assert_eq!(GlobalConditionKey::parse(line), None, "{line:?}");
        }
        let key = GlobalConditionKey::parse("aws:X\tArrayOfARN\taws\taws:Y").unwrap();
        assert!(key.is_multivalued());
        assert_eq!(key.deprecated(), Some("aws:Y"));
    }

    #[test]
    fn ordering_ignores_ascii_case() {
        assert_eq!(cmp_ignore_ascii_case("aws:A", "AWS:a"), Ordering::Equal);
        assert_eq!(
            cmp_ignore_ascii_case("aws:sub", "aws:sub_type"),
            Ordering::Less
        );
        assert_eq!(cmp_ignore_ascii_case("aws:Z", "aws:a"), Ordering::Greater);
    }

    #[test]
    fn providers_are_hosts_with_an_optional_path() {
        assert!(is_provider("token.actions.githubusercontent.com"));
        assert!(is_provider("oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"));
        assert!(is_provider("auth-dev.mozilla.auth0.com/"));
        assert!(!is_provider("aws"));
        assert!(!is_provider("example..com"));
        assert!(!is_provider(".example.com"));
        assert!(!is_provider("exa mple.com"));
        assert!(!is_provider("example.com/a b"));
        assert!(!is_provider(""));
    }
}
