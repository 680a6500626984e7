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
    /// The bucket's name: 3 to 63 lowercase letters, digits, `.` and `-`, unique across all of AWS. A name the
    /// pattern's `buckets` lists gives that bucket's settings.
    pub(super) name: Text,
    /// The account that owns the bucket.
    pub(super) account: Text,
    /// `true`: the bucket exists already and is someone else's; the stack refers to it (Terraform's
    /// `aws_s3_bucket` data source, a CloudFormation parameter) and never creates, configures or deletes it,
    /// nor writes its bucket policy. Default `false`: the stack creates it, with its public access block on.
    pub(super) existing: Option<Spanned<bool>>,
    /// Versioning of a bucket the stack creates. Default `true`.
    pub(super) versioning: Option<Spanned<bool>>,
    /// The default encryption of a bucket the stack creates: `"sse-s3"` (keys S3 manages; the default) or
    /// `"sse-kms"` (a KMS key: `kms_key`, or the account's AWS managed key `aws/s3` without it).
    pub(super) encryption: Option<Text>,
    /// The KMS key of `"sse-kms"` encryption, which it implies: the key's ARN, an alias's ARN, or
    /// `alias/NAME`.
    pub(super) kms_key: Option<Text>,
    /// Server access logging of a bucket the stack creates, into another bucket of the same account and
    /// region. Default: no logging.
    pub(super) logging: Option<Spanned<RawLogging>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLogging {
    /// The bucket the logs go to.
    pub(super) bucket: Text,
    /// The prefix of the log objects' keys. Default: the logged bucket's name and `/`.
    pub(super) prefix: Option<Text>,
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
