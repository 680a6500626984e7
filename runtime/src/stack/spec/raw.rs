//! The spec as written: the serde structs that `toml` fills. Values checked after deserializing are `Spanned`,
//! so that their errors point at them.
//!
//! The same structs give the spec's JSON Schema (`schema.rs`): their doc comments are what editors show on a
//! key, so they are written for the person editing `iamgen.toml`. A `Spanned<T>` is a `T` there
//! (`#[schemars(with = ...)]`), and each rule the schema can state is taken from `schema.rs`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::schema;
use crate::source::Span;

pub(super) type Text = Spanned<String>;
pub(super) type Tags = BTreeMap<Text, Text>;

/// A stack declared in TOML: accounts, policies, the cross-account pattern, and any other users, groups, roles
/// and buckets. Everything refers to accounts and policies by the names declared here. `iamgen check` and
/// `iamgen generate` check what a schema cannot: that every name referred to is declared, that names are
/// unique, and that each policy document is a valid IAM policy.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Spec")]
pub(super) struct RawSpec {
    /// The stack's name (optional; written before any table). `iamgen apply` tags what it creates with
    /// `iamgen:stack` = this name, and `iamgen plan` deletes only what carries it; `--stack-name` overrides it,
    /// and `iamgen` is the default. A tag value: 1 to 256 letters, digits, spaces and `_.:/=+-@`. Example:
    /// `stack = "payments"`.
    #[schemars(with = "Option<String>", transform = schema::stack_name)]
    pub(super) stack: Option<Text>,
    /// Lint codes whose findings this stack accepts (optional; written before any table): `generate`,
    /// `check`, `plan` and `apply` leave them out. Codes whose findings mean that AWS refuses the policy cannot
    /// be accepted. Example: `allow = ["WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT"]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>", transform = schema::allowable_codes)]
    pub(super) allow: Vec<Text>,
    /// `[[account]]`: every AWS account of the stack, once, with a name and its 12-digit id. The rest of the
    /// spec refers to an account by its name.
    #[serde(default)]
    #[schemars(with = "Vec<RawAccount>")]
    pub(super) account: Vec<Spanned<RawAccount>>,
    /// `[[policy]]`: a customer managed policy, in one account, with its JSON document inline or in a file.
    /// Users, groups and roles of the same account attach it by name.
    #[serde(default)]
    #[schemars(with = "Vec<RawPolicy>")]
    pub(super) policy: Vec<Spanned<RawPolicy>>,
    /// `[cross_account]`: the cross-account pattern (at most one): a role in the trusting account, and in each
    /// trusted account the principals allowed to assume it, both halves from this one table.
    #[schemars(with = "Option<RawCrossAccount>")]
    pub(super) cross_account: Option<Spanned<RawCrossAccount>>,
    /// `[[bucket]]`: an S3 bucket the stack creates, private (all four public access block settings on).
    #[serde(default)]
    #[schemars(with = "Vec<RawBucket>")]
    pub(super) bucket: Vec<Spanned<RawBucket>>,
    /// `[[group]]`: an IAM group, with managed policies attached and inline policies
    /// (`[[group.inline]]`).
    #[serde(default)]
    #[schemars(with = "Vec<RawGroup>")]
    pub(super) group: Vec<Spanned<RawGroup>>,
    /// `[[user]]`: an IAM user (created, or `existing = true`), with groups, managed policies and inline
    /// policies (`[[user.inline]]`).
    #[serde(default)]
    #[schemars(with = "Vec<RawUser>")]
    pub(super) user: Vec<Spanned<RawUser>>,
    /// `[[role]]`: an IAM role with its trust policy, managed policies and inline policies
    /// (`[[role.inline]]`). The stack owns the whole role: `plan` removes what the spec does not declare,
    /// unless `unmanaged` says otherwise.
    #[serde(default)]
    #[schemars(with = "Vec<RawRole>")]
    pub(super) role: Vec<Spanned<RawRole>>,
}

/// An AWS account: a name for people and the rest of the spec, and its 12-digit id.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Account")]
pub(super) struct RawAccount {
    /// The account's name, which the rest of the spec uses (`account = "Acme"`, `trusting = "Stuzio"`);
    /// unique in the spec. Example: `name = "Stuzio"`.
    #[schemars(with = "String", length(min = 1))]
    pub(super) name: Text,
    /// The 12-digit AWS account id, as a quoted string: an integer loses leading zeros. Example:
    /// `id = "081278057606"`.
    // Any TOML value, so that an integer gets its own error (quote it) rather than serde's "expected a string".
    #[schemars(schema_with = "schema::account_id")]
    pub(super) id: Spanned<toml::Value>,
}

/// A customer managed policy: its name, account and document (exactly one of `document` or `file`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Policy", transform = schema::document_or_file)]
pub(super) struct RawPolicy {
    /// The policy's name, unique in its account ignoring case: 1 to 128 of `A-Z a-z 0-9 _+=,.@-`. Example:
    /// `name = "StuzioProjectXPolicy"`.
    #[schemars(with = "String", pattern(schema::IAM_NAME), length(max = 128))]
    pub(super) name: Text,
    /// The name of the `[[account]]` the policy is created in. Example: `account = "Stuzio"`.
    #[schemars(with = "String")]
    pub(super) account: Text,
    /// The policy's IAM path (optional, `/` by default): `/`, or segments of `A-Z a-z 0-9 .,+@=_-` between
    /// slashes. Example: `path = "/audit/"`.
    #[schemars(
        with = "Option<String>",
        pattern(schema::POLICY_PATH),
        length(max = 512)
    )]
    pub(super) path: Option<Text>,
    /// The policy's description (optional): up to 1000 characters.
    #[schemars(with = "Option<String>", length(max = 1000))]
    pub(super) description: Option<Text>,
    /// The policy document, IAM JSON, inline: best as a multi-line literal string (`'''...'''`), which has no
    /// escapes, so that an error in it is shown at its line in this file. Exactly one of `document` or `file`.
    #[schemars(with = "Option<String>")]
    pub(super) document: Option<Text>,
    /// A file holding the policy document, IAM JSON, relative to this spec's directory. Exactly one of
    /// `document` or `file`. Example: `file = "policies/project-x.json"`.
    #[schemars(with = "Option<String>")]
    pub(super) file: Option<Text>,
}

/// An inline policy of the user, group or role declared just above it: a name, and the document (exactly one
/// of `document` or `file`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "InlinePolicy", transform = schema::document_or_file)]
pub(super) struct RawInline {
    /// The inline policy's name, unique within its user, group or role ignoring case: 1 to 128 of
    /// `A-Z a-z 0-9 _+=,.@-`. Example: `name = "NoDeletes"`.
    #[schemars(with = "String", pattern(schema::IAM_NAME), length(max = 128))]
    pub(super) name: Text,
    /// The policy document, IAM JSON, inline (best as `'''...'''`). Exactly one of `document` or `file`.
    #[schemars(with = "Option<String>")]
    pub(super) document: Option<Text>,
    /// A file holding the policy document, relative to this spec's directory. Exactly one of `document` or
    /// `file`. Example: `file = "policies/no-deletes.json"`.
    #[schemars(with = "Option<String>")]
    pub(super) file: Option<Text>,
}

/// The cross-account pattern: the role in the trusting account (`[cross_account.role]`), its permissions,
/// and the trusted accounts whose principals may assume it (`[[cross_account.trusted]]`). The trust policy is
/// generated.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CrossAccount", transform = schema::at_least_one_trusted)]
pub(super) struct RawCrossAccount {
    /// The account that owns the role (and the data): an `[[account]]` name. Example: `trusting = "Stuzio"`.
    #[schemars(with = "String")]
    pub(super) trusting: Text,
    /// `[[cross_account.trusted]]`: each account whose principals may assume the role, once; at least one.
    #[serde(default)]
    #[schemars(with = "Vec<RawTrusted>", length(min = 1))]
    pub(super) trusted: Vec<Spanned<RawTrusted>>,
    /// `[cross_account.role]`: the role the trusted accounts assume, in the trusting account.
    #[schemars(with = "RawPatternRole")]
    pub(super) role: Spanned<RawPatternRole>,
    /// `[[policy]]` names of the trusting account attached to the role (optional, none by default). Example:
    /// `permissions = ["StuzioProjectXPolicy"]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>", extend("uniqueItems" = true))]
    pub(super) permissions: Vec<Text>,
    /// S3 buckets the pattern creates in the trusting account, private (optional, none by default). Example:
    /// `buckets = ["com.stuzio.projectx"]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>", transform = schema::bucket_names)]
    pub(super) buckets: Vec<Text>,
    /// Require this `sts:ExternalId` of whoever assumes the role (optional): for third parties, against the
    /// confused deputy. 2 to 1224 of `A-Z a-z 0-9 _+=,.@:/-`. Example: `external_id = "stuzio-acme-projectx"`.
    #[schemars(
        with = "Option<String>",
        pattern(schema::EXTERNAL_ID),
        length(min = 2, max = 1224)
    )]
    pub(super) external_id: Option<Text>,
    /// Require MFA (`aws:MultiFactorAuthPresent`) of whoever assumes the role (optional, `false` by default).
    #[serde(default)]
    pub(super) require_mfa: bool,
    /// Narrow the trust from whole accounts to the named users, who become its principals (optional, `false`
    /// by default). The users must exist before the role, and every trusted account then needs named users.
    #[schemars(with = "Option<bool>", extend("default" = false))]
    pub(super) narrow_to_principals: Option<Spanned<bool>>,
    /// Narrow the trust to the named users with an `ArnEquals aws:PrincipalArn` condition, keeping the account
    /// as the principal (optional, `false` by default): the users need not exist first.
    #[serde(default)]
    pub(super) narrow_with_principal_arn: bool,
}

/// The pattern's role, created in the trusting account.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CrossAccountRole")]
pub(super) struct RawPatternRole {
    /// The role's name: 1 to 64 of `A-Z a-z 0-9 _+=,.@-`. Example: `name = "StuzioAcmeConsultantRole"`.
    #[schemars(with = "String", pattern(schema::IAM_NAME), length(max = 64))]
    pub(super) name: Text,
    /// The role's IAM path (optional, `/` by default): `/`, or up to 512 printable ASCII characters starting
    /// and ending with `/`. Example: `path = "/consultants/"`.
    #[schemars(with = "Option<String>", pattern(schema::PATH), length(max = 512))]
    pub(super) path: Option<Text>,
    /// The role's description (optional): up to 1000 characters of printable ASCII and Latin-1, tabs and line
    /// breaks (no emoji).
    #[schemars(
        with = "Option<String>",
        pattern(schema::ROLE_DESCRIPTION),
        length(max = 1000)
    )]
    pub(super) description: Option<Text>,
    /// How long a session lasts, in seconds (optional): 3600 (one hour, IAM's default) to 43200 (twelve
    /// hours). Example: `max_session_duration = 7200`.
    #[schemars(with = "Option<i64>", range(min = 3_600, max = 43_200))]
    pub(super) max_session_duration: Option<Spanned<i64>>,
    /// A `[[policy]]` name of the trusting account set as the role's permissions boundary (optional); not also
    /// one of `permissions`. Example: `permissions_boundary = "ProjectXBoundary"`.
    #[schemars(with = "Option<String>")]
    pub(super) permissions_boundary: Option<Text>,
    /// The role's tags (optional): at most 50, kept in the order written. Keys are 1 to 128 letters, digits,
    /// spaces and `_.:/=+-@`, not starting with `aws:`, and differ by more than case; values up to 256 of the
    /// same. Example: `tags = { project = "x", owner = "platform" }`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>", transform = schema::tags)]
    pub(super) tags: Tags,
}

/// A trusted account of the pattern, and who there may assume the role: exactly one of `users`, `group` or
/// `whole_account = true`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "TrustedAccount", transform = schema::trusted_assumers)]
pub(super) struct RawTrusted {
    /// The trusted account, an `[[account]]` name other than the trusting one; each trusted once. Example:
    /// `account = "Acme"`.
    #[schemars(with = "String")]
    pub(super) account: Text,
    /// Users of this account who may assume the role, each holding the assume policy: created by the pattern
    /// unless `existing_users = true`. At least one. Example: `users = ["Troy"]`.
    #[schemars(
        with = "Option<Vec<String>>",
        length(min = 1),
        inner(pattern(schema::IAM_NAME), length(max = 64)),
        extend("uniqueItems" = true)
    )]
    pub(super) users: Option<Spanned<Vec<Text>>>,
    /// A group of this account whose members may assume the role, holding the assume policy. Example:
    /// `group = "AcmeConsultants"`.
    #[schemars(with = "Option<String>", pattern(schema::IAM_NAME), length(max = 128))]
    pub(super) group: Option<Text>,
    /// The group's members, users of this account (only with `group`; none by default). Example:
    /// `members = ["Troy", "Dana"]`.
    #[schemars(
        with = "Option<Vec<String>>",
        inner(pattern(schema::IAM_NAME), length(max = 64)),
        extend("uniqueItems" = true)
    )]
    pub(super) members: Option<Spanned<Vec<Text>>>,
    /// `true`: the trust admits the whole account, and the pattern creates nothing there; the account decides
    /// who may assume the role (`false` by default).
    #[schemars(with = "Option<bool>", extend("default" = false))]
    pub(super) whole_account: Option<Spanned<bool>>,
    /// The name of the managed policy the pattern creates in this account, allowing `sts:AssumeRole` on the
    /// role: required with `users` or `group`, refused with `whole_account`. Example:
    /// `assume_policy = "AcmeClientAssumeRolePolicy"`.
    #[schemars(with = "Option<String>", pattern(schema::IAM_NAME), length(max = 128))]
    pub(super) assume_policy: Option<Text>,
    /// The assume policy's statement id (optional): ASCII letters and digits; `Assume` and the role's name by
    /// default.
    #[schemars(with = "Option<String>", pattern(schema::SID))]
    pub(super) assume_sid: Option<Text>,
    /// `true`: the `users` or `members` exist already and are managed elsewhere; the pattern gives them the
    /// assume policy or the group, and never creates or deletes them (`false` by default).
    #[schemars(with = "Option<bool>", extend("default" = false))]
    pub(super) existing_users: Option<Spanned<bool>>,
}

/// An S3 bucket: one the stack creates, private (all four public access block settings on), or one that exists
/// already (`existing = true`), which it only refers to.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Bucket")]
pub(super) struct RawBucket {
    /// The bucket's name, unique across all of AWS: 3 to 63 of `a-z 0-9 . -`, starting and ending with a
    /// letter or digit. A name the pattern's `buckets` lists gives that bucket's settings. Example:
    /// `name = "com.stuzio.projectx"`.
    #[schemars(with = "String", transform = schema::bucket_name)]
    pub(super) name: Text,
    /// The `[[account]]` that owns the bucket. Example: `account = "Stuzio"`.
    #[schemars(with = "String")]
    pub(super) account: Text,
    /// `true`: the bucket exists already and is someone else's; the stack refers to it (Terraform's
    /// `aws_s3_bucket` data source, a CloudFormation parameter) and never creates, configures or deletes it,
    /// nor writes its bucket policy; no other setting may be given. Default `false`: the stack creates it,
    /// with its public access block on. Example: `existing = true`.
    #[schemars(with = "Option<bool>", extend("default" = false))]
    pub(super) existing: Option<Spanned<bool>>,
    /// Versioning of a bucket the stack creates. Default `true`. Example: `versioning = true`.
    #[schemars(with = "Option<bool>", extend("default" = true))]
    pub(super) versioning: Option<Spanned<bool>>,
    /// The default encryption of a bucket the stack creates: `"sse-s3"` (keys S3 manages; the default) or
    /// `"sse-kms"` (a KMS key: `kms_key`, or the account's AWS managed key `aws/s3` without it). Example:
    /// `encryption = "sse-kms"`.
    #[schemars(
        with = "Option<String>",
        extend("enum" = ["sse-s3", "sse-kms"], "default" = "sse-s3")
    )]
    pub(super) encryption: Option<Text>,
    /// The KMS key of `"sse-kms"` encryption, which it implies: the key's ARN, an alias's ARN, or
    /// `alias/NAME` (not a bare key id). Example: `kms_key = "alias/projectx"`.
    #[schemars(with = "Option<String>")]
    pub(super) kms_key: Option<Text>,
    /// Server access logging of a bucket the stack creates, into another bucket of the same account and
    /// region. Default: no logging. Example: `logging = { bucket = "com.stuzio.logs" }`.
    #[schemars(with = "Option<RawLogging>")]
    pub(super) logging: Option<Spanned<RawLogging>>,
}

/// Where a bucket's server access logs go.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "BucketLogging")]
pub(super) struct RawLogging {
    /// The bucket the logs go to: another bucket of the same account and region. Example:
    /// `bucket = "com.stuzio.logs"`.
    #[schemars(with = "String", transform = schema::bucket_name)]
    pub(super) bucket: Text,
    /// The prefix of the log objects' keys. Default: the logged bucket's name and `/`. Example:
    /// `prefix = "projectx/"`.
    #[schemars(with = "Option<String>")]
    pub(super) prefix: Option<Text>,
}

/// An IAM group.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Group")]
pub(super) struct RawGroup {
    /// The group's name, unique in its account ignoring case: 1 to 128 of `A-Z a-z 0-9 _+=,.@-`. Example:
    /// `name = "Auditors"`.
    #[schemars(with = "String", pattern(schema::IAM_NAME), length(max = 128))]
    pub(super) name: Text,
    /// The `[[account]]` the group is created in. Example: `account = "Stuzio"`.
    #[schemars(with = "String")]
    pub(super) account: Text,
    /// The group's IAM path (optional, `/` by default): `/`, or up to 512 printable ASCII characters starting
    /// and ending with `/`. Example: `path = "/audit/"`.
    #[schemars(with = "Option<String>", pattern(schema::PATH), length(max = 512))]
    pub(super) path: Option<Text>,
    /// `[[policy]]` names of the same account attached to the group (optional, none by default). Example:
    /// `attach = ["ReadLogs"]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>", extend("uniqueItems" = true))]
    pub(super) attach: Vec<Text>,
    /// `[[group.inline]]`: the group's inline policies (optional).
    #[serde(default)]
    #[schemars(with = "Vec<RawInline>")]
    pub(super) inline: Vec<Spanned<RawInline>>,
}

/// An IAM user.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "User")]
pub(super) struct RawUser {
    /// The user's name, unique in its account ignoring case: 1 to 64 of `A-Z a-z 0-9 _+=,.@-`. Example:
    /// `name = "Mia"`.
    #[schemars(with = "String", pattern(schema::IAM_NAME), length(max = 64))]
    pub(super) name: Text,
    /// The `[[account]]` the user is in. Example: `account = "Stuzio"`.
    #[schemars(with = "String")]
    pub(super) account: Text,
    /// The user's IAM path (optional, `/` by default): `/`, or up to 512 printable ASCII characters starting
    /// and ending with `/`. Example: `path = "/people/"`.
    #[schemars(with = "Option<String>", pattern(schema::PATH), length(max = 512))]
    pub(super) path: Option<Text>,
    /// `true`: the user exists already and is managed elsewhere; the stack manages its groups and policies,
    /// never the user itself (`false` by default: the stack creates it).
    #[serde(default)]
    pub(super) existing: bool,
    /// `[[group]]` names of the same account the user joins (optional, none by default). Example:
    /// `groups = ["Auditors"]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>", extend("uniqueItems" = true))]
    pub(super) groups: Vec<Text>,
    /// `[[policy]]` names of the same account attached to the user (optional, none by default). Example:
    /// `attach = ["ReadLogs"]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>", extend("uniqueItems" = true))]
    pub(super) attach: Vec<Text>,
    /// `[[user.inline]]`: the user's inline policies (optional).
    #[serde(default)]
    #[schemars(with = "Vec<RawInline>")]
    pub(super) inline: Vec<Spanned<RawInline>>,
    /// What `iamgen apply` leaves alone on the user (optional, nothing by default): `"managed_policies"`,
    /// `"inline_policies"`; nothing of that kind is removed, so what was added by hand stays.
    #[serde(default)]
    #[schemars(with = "Vec<String>", transform = schema::user_unmanaged)]
    pub(super) unmanaged: Vec<Text>,
}

/// An IAM role, with its trust policy (exactly one of `trust` or `trust_file`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Role", transform = schema::trust_or_trust_file)]
pub(super) struct RawRole {
    /// The role's name, unique in its account ignoring case: 1 to 64 of `A-Z a-z 0-9 _+=,.@-`. Example:
    /// `name = "LogShipper"`.
    #[schemars(with = "String", pattern(schema::IAM_NAME), length(max = 64))]
    pub(super) name: Text,
    /// The `[[account]]` the role is created in. Example: `account = "Stuzio"`.
    #[schemars(with = "String")]
    pub(super) account: Text,
    /// The role's IAM path (optional, `/` by default): `/`, or up to 512 printable ASCII characters starting
    /// and ending with `/`. Example: `path = "/service/"`.
    #[schemars(with = "Option<String>", pattern(schema::PATH), length(max = 512))]
    pub(super) path: Option<Text>,
    /// The role's description (optional): up to 1000 characters of printable ASCII and Latin-1, tabs and line
    /// breaks (no emoji).
    #[schemars(
        with = "Option<String>",
        pattern(schema::ROLE_DESCRIPTION),
        length(max = 1000)
    )]
    pub(super) description: Option<Text>,
    /// How long a session lasts, in seconds (optional): 3600 (one hour, IAM's default) to 43200 (twelve
    /// hours). Example: `max_session_duration = 7200`.
    #[schemars(with = "Option<i64>", range(min = 3_600, max = 43_200))]
    pub(super) max_session_duration: Option<Spanned<i64>>,
    /// A `[[policy]]` name of the same account set as the role's permissions boundary (optional). Example:
    /// `permissions_boundary = "ServiceBoundary"`.
    #[schemars(with = "Option<String>")]
    pub(super) permissions_boundary: Option<Text>,
    /// The role's tags (optional): at most 50, kept in the order written. Keys are 1 to 128 letters, digits,
    /// spaces and `_.:/=+-@`, not starting with `aws:`, and differ by more than case; values up to 256 of the
    /// same. Example: `tags = { project = "x", owner = "platform" }`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>", transform = schema::tags)]
    pub(super) tags: Tags,
    /// The trust policy, IAM JSON, inline (best as `'''...'''`): who may assume the role. Exactly one of
    /// `trust` or `trust_file`.
    #[schemars(with = "Option<String>")]
    pub(super) trust: Option<Text>,
    /// A file holding the trust policy, relative to this spec's directory. Exactly one of `trust` or
    /// `trust_file`. Example: `trust_file = "policies/lambda-trust.json"`.
    #[schemars(with = "Option<String>")]
    pub(super) trust_file: Option<Text>,
    /// `[[policy]]` names of the same account attached to the role (optional, none by default). Example:
    /// `attach = ["ReadLogs"]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>", extend("uniqueItems" = true))]
    pub(super) attach: Vec<Text>,
    /// `[[role.inline]]`: the role's inline policies (optional).
    #[serde(default)]
    #[schemars(with = "Vec<RawInline>")]
    pub(super) inline: Vec<Spanned<RawInline>>,
    /// What `iamgen apply` leaves alone on the role (optional, nothing by default): any of `"tags"`,
    /// `"managed_policies"`, `"inline_policies"`; nothing of that kind is removed, so what was added by hand
    /// stays (the spec's own are still added and updated).
    #[serde(default)]
    #[schemars(with = "Vec<String>", transform = schema::role_unmanaged)]
    pub(super) unmanaged: Vec<Text>,
}

pub(super) fn span<T>(value: &Spanned<T>) -> Span {
    let range = value.span();
    Span::new(range.start, range.end)
}
