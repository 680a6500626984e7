//! What a condition key in a policy refers to: a global key, a service's key, a federation provider's claim.

use crate::catalog::{self, ConditionKeyType};

/// A condition key, resolved against the catalogue.
#[derive(Debug, Clone, Copy)]
pub(super) enum Key {
    /// An `aws:` key, or a SAML or web-identity key, documented for every service.
    Global {
        key_type: ConditionKeyType,
        multivalued: bool,
        deprecated: Option<&'static str>,
    },
    /// A key a service defines (`s3:prefix`, `sts:ExternalId`).
    Service { key_type: ConditionKeyType },
    /// A claim of an OIDC provider (`token.actions.githubusercontent.com:sub`), whose names the provider sets.
    Provider,
    /// Not a key of the form `prefix:name`.
    Malformed,
    /// A key IAM does not know, with the closest known one.
    Unknown {
        global: bool,
        suggestion: Option<&'static str>,
    },
}

pub(super) fn resolve(key: &str) -> Key {
    let Some((prefix, name)) = key.split_once(':') else {
        return Key::Malformed;
    };
    if prefix.is_empty() || name.is_empty() {
        return Key::Malformed;
    }
    if let Some(global) = catalog::global_condition_key(key) {
        return Key::Global {
            key_type: global.key_type(),
            multivalued: global.is_multivalued(),
            deprecated: global.deprecated(),
        };
    }
    if prefix.eq_ignore_ascii_case("aws") {
        return Key::Unknown {
            global: true,
            suggestion: catalog::suggest_global_condition_key(key),
        };
    }
    if let Some(service) = catalog::catalog().service(prefix) {
        return match service.condition_key(key) {
            Some(info) => Key::Service {
                key_type: info.key_type,
            },
            None => Key::Unknown {
                global: false,
                suggestion: crate::suggest::closest(
                    key,
                    service.condition_keys().map(|info| info.name),
                ),
            },
        };
    }
    if catalog::is_oidc_provider_key(key) {
        return Key::Provider;
    }
    if let Some(info) = catalog::catalog().condition_key_under_other_prefix(key) {
        return Key::Service {
            key_type: info.key_type,
        };
    }
    Key::Unknown {
        global: false,
        suggestion: None,
    }
}

impl Key {
    pub(super) fn key_type(self) -> Option<ConditionKeyType> {
        match self {
            Key::Global { key_type, .. } | Key::Service { key_type, .. } => Some(key_type),
            _ => None,
        }
    }

    pub(super) fn is_multivalued(self) -> Option<bool> {
        match self {
            Key::Global { multivalued, .. } => Some(multivalued),
            Key::Service { key_type, .. } => Some(key_type.is_array()),
            _ => None,
        }
    }

    pub(super) fn is_known(self) -> bool {
        matches!(
            self,
            Key::Global { .. } | Key::Service { .. } | Key::Provider
        )
    }
}
