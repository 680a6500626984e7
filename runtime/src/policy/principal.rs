use std::fmt;

use super::OneOrMany;

/// The value of a `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"*"`: everyone, including anonymous callers. Never dropped or rewritten: a reader that loses it turns
    /// a public policy into a private-looking one.
    Any,
    /// `{"AWS": ..., "Service": ...}`: principals by type, in the order written. Each type appears once.
    Map(Vec<(PrincipalKind, OneOrMany<String>)>),
}

/// The principal types IAM admits as keys of a `Principal` map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalKind {
    /// `AWS`: accounts (`123456789012` or `arn:aws:iam::123456789012:root`), IAM users and roles, assumed-role
    /// sessions, or `*`.
    Aws,
    /// `Service`: AWS service principals such as `ec2.amazonaws.com`.
    Service,
    /// `Federated`: SAML providers, OIDC providers, or web identity providers such as `accounts.google.com`.
    Federated,
    /// `CanonicalUser`: an S3 canonical user id.
    CanonicalUser,
}

impl PrincipalKind {
    /// Every kind, in the order IAM's documentation lists them.
    pub const ALL: [PrincipalKind; 4] = [
        PrincipalKind::Aws,
        PrincipalKind::Service,
        PrincipalKind::Federated,
        PrincipalKind::CanonicalUser,
    ];

    /// The key as written in policies: `AWS`, `Service`, `Federated`, `CanonicalUser`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }

    /// The kind a key names, matched exactly as IAM does.
    #[must_use]
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == key)
    }
}

impl fmt::Display for PrincipalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Principal {
    /// A map with one principal type and one value, the most common form: `{"AWS": "arn:aws:iam::...:root"}`.
    #[must_use]
    pub fn single(kind: PrincipalKind, value: impl Into<String>) -> Self {
        Principal::Map(vec![(kind, OneOrMany::One(value.into()))])
    }

    /// The values given for one principal type, if it is present.
    #[must_use]
    pub fn values(&self, kind: PrincipalKind) -> Option<&OneOrMany<String>> {
        match self {
            Principal::Any => None,
            Principal::Map(entries) => entries
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, values)| values),
        }
    }

    /// Every `(type, value)` pair, in order; `"*"` yields nothing (see [`Principal::is_any`]).
    pub fn entries(&self) -> impl Iterator<Item = (PrincipalKind, &str)> {
        let entries: &[(PrincipalKind, OneOrMany<String>)] = match self {
            Principal::Any => &[],
            Principal::Map(entries) => entries,
        };
        entries
            .iter()
            .flat_map(|(kind, values)| values.iter().map(move |value| (*kind, value.as_str())))
    }

    /// Whether this admits everyone: `"*"`, or `{"AWS": "*"}` among the entries.
    #[must_use]
    pub fn is_any(&self) -> bool {
        match self {
            Principal::Any => true,
            Principal::Map(_) => self
                .entries()
                .any(|(kind, value)| kind == PrincipalKind::Aws && value == "*"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_forms_are_recognised() {
        assert!(Principal::Any.is_any());
        assert!(Principal::single(PrincipalKind::Aws, "*").is_any());
        assert!(!Principal::single(PrincipalKind::Aws, "arn:aws:iam::183438944504:root").is_any());
        assert!(!Principal::single(PrincipalKind::Service, "*").is_any());
    }

    #[test]
    fn entries_flatten_in_order() {
        let principal = Principal::Map(vec![
            (
                PrincipalKind::Service,
                OneOrMany::One("ec2.amazonaws.com".into()),
            ),
            (
                PrincipalKind::Aws,
                OneOrMany::Many(vec!["111122223333".into(), "444455556666".into()]),
            ),
        ]);
        let entries: Vec<_> = principal.entries().collect();
        assert_eq!(
            entries,
            [
                (PrincipalKind::Service, "ec2.amazonaws.com"),
                (PrincipalKind::Aws, "111122223333"),
                (PrincipalKind::Aws, "444455556666"),
            ]
        );
        assert_eq!(principal.values(PrincipalKind::Federated), None);
        assert_eq!(PrincipalKind::from_key("aws"), None);
        assert_eq!(PrincipalKind::from_key("AWS"), Some(PrincipalKind::Aws));
    }
}
