//! The spec as written: the serde structs that `toml` fills. Values checked after deserializing are `Spanned`,
//! so that their errors point at them.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::source::Span;

pub(super) type Text = Spanned<String>;
pub(super) type Tags = BTreeMap<Text, Text>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSpec {
    pub(super) stack: Option<Text>,
    /// Codes whose findings the spec accepts.
    #[serde(default)]
    pub(super) allow: Vec<Text>,
    #[serde(default)]
    pub(super) account: Vec<Spanned<RawAccount>>,
    #[serde(default)]
    pub(super) policy: Vec<Spanned<RawPolicy>>,
    pub(super) cross_account: Option<Spanned<RawCrossAccount>>,
    #[serde(default)]
    pub(super) bucket: Vec<Spanned<RawBucket>>,
    #[serde(default)]
    pub(super) group: Vec<Spanned<RawGroup>>,
    #[serde(default)]
    pub(super) user: Vec<Spanned<RawUser>>,
    #[serde(default)]
    pub(super) role: Vec<Spanned<RawRole>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAccount {
    pub(super) name: Text,
    // Any TOML value, so that an integer gets its own error (quote it) rather than serde's "expected a string".
    pub(super) id: Spanned<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPolicy {
    pub(super) name: Text,
    pub(super) account: Text,
    pub(super) path: Option<Text>,
    pub(super) description: Option<Text>,
    pub(super) document: Option<Text>,
    pub(super) file: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInline {
    pub(super) name: Text,
    pub(super) document: Option<Text>,
    pub(super) file: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCrossAccount {
    pub(super) trusting: Text,
    #[serde(default)]
    pub(super) trusted: Vec<Spanned<RawTrusted>>,
    pub(super) role: Spanned<RawPatternRole>,
    #[serde(default)]
    pub(super) permissions: Vec<Text>,
    #[serde(default)]
    pub(super) buckets: Vec<Text>,
    pub(super) external_id: Option<Text>,
    #[serde(default)]
    pub(super) require_mfa: bool,
    pub(super) narrow_to_principals: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) narrow_with_principal_arn: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPatternRole {
    pub(super) name: Text,
    pub(super) path: Option<Text>,
    pub(super) description: Option<Text>,
    pub(super) max_session_duration: Option<Spanned<i64>>,
    pub(super) permissions_boundary: Option<Text>,
    #[serde(default)]
    pub(super) tags: Tags,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTrusted {
    pub(super) account: Text,
    pub(super) users: Option<Spanned<Vec<Text>>>,
    pub(super) group: Option<Text>,
    pub(super) members: Option<Spanned<Vec<Text>>>,
    pub(super) whole_account: Option<Spanned<bool>>,
    pub(super) assume_policy: Option<Text>,
    pub(super) assume_sid: Option<Text>,
    pub(super) existing_users: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBucket {
    pub(super) name: Text,
    pub(super) account: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGroup {
    pub(super) name: Text,
    pub(super) account: Text,
    pub(super) path: Option<Text>,
    #[serde(default)]
    pub(super) attach: Vec<Text>,
    #[serde(default)]
    pub(super) inline: Vec<Spanned<RawInline>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUser {
    pub(super) name: Text,
    pub(super) account: Text,
    pub(super) path: Option<Text>,
    #[serde(default)]
    pub(super) existing: bool,
    #[serde(default)]
    pub(super) groups: Vec<Text>,
    #[serde(default)]
    pub(super) attach: Vec<Text>,
    #[serde(default)]
    pub(super) inline: Vec<Spanned<RawInline>>,
    #[serde(default)]
    pub(super) unmanaged: Vec<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRole {
    pub(super) name: Text,
    pub(super) account: Text,
    pub(super) path: Option<Text>,
    pub(super) description: Option<Text>,
    pub(super) max_session_duration: Option<Spanned<i64>>,
    pub(super) permissions_boundary: Option<Text>,
    #[serde(default)]
    pub(super) tags: Tags,
    pub(super) trust: Option<Text>,
    pub(super) trust_file: Option<Text>,
    #[serde(default)]
    pub(super) attach: Vec<Text>,
    #[serde(default)]
    pub(super) inline: Vec<Spanned<RawInline>>,
    #[serde(default)]
    pub(super) unmanaged: Vec<Text>,
}

pub(super) fn span<T>(value: &Spanned<T>) -> Span {
    let range = value.span();
    Span::new(range.start, range.end)
}
