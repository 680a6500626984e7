//! The names and short texts of IAM, STS and S3, one type per kind, each checked as AWS checks it.
//!
//! The spec reader, `#[derive(Role)]`, the cross-account pattern and [`Stack`](crate::stack::Stack)'s
//! constructors all check through this module, so that a value is refused the same way wherever it comes from,
//! and before AWS refuses it in the middle of a deployment.
//!
//! Each rule is the one of the AWS API: the length constraints and the pattern of the parameter in the IAM API
//! Reference (`CreateRole`, `CreateUser`, `CreateGroup`, `CreatePolicy`, `PutRolePolicy`, `TagRole`), the STS
//! API Reference (`AssumeRole`) and the S3 User Guide ("General purpose bucket naming rules"). AWS counts
//! lengths in characters (Unicode code points), as these checks do.
//!
//! IAM's `\w` is ASCII: letters, digits and `_`. IAM names are unique within an account ignoring case (`Troy`
//! and `troy` are one user); [`same_iam_name`] compares them as IAM does.
//!
//! ```
//! # extern crate iamgen_runtime as iamgen;
//! use iamgen::names::{PolicyPath, RoleName, TagKey};
//!
//! assert!(RoleName::new("StuzioAcmeConsultantRole").is_ok());
//! let error = TagKey::new("cost#center").unwrap_err();
//! assert_eq!(error.message(), "the tag key `cost#center` contains `#`, which IAM does not allow");
//! assert!(PolicyPath::new("/${aws:username}/").is_err());
//! ```

use crate::codes;
use std::borrow::Borrow;
use std::fmt;

mod tag_chars;

/// What kind of value a [`NameError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameKind {
    /// [`RoleName`].
    RoleName,
    /// [`UserName`].
    UserName,
    /// [`GroupName`].
    GroupName,
    /// [`PolicyName`].
    PolicyName,
    /// [`InlinePolicyName`].
    InlinePolicyName,
    /// [`IamPath`].
    Path,
    /// [`PolicyPath`].
    PolicyPath,
    /// [`RoleDescription`].
    RoleDescription,
    /// [`PolicyDescription`].
    PolicyDescription,
    /// [`TagKey`].
    TagKey,
    /// [`TagValue`].
    TagValue,
    /// [`ExternalId`].
    ExternalId,
    /// [`BucketName`].
    BucketName,
}

impl NameKind {
    /// What the value is, for messages: `role name`, `tag key`.
    #[must_use]
    pub fn noun(self) -> &'static str {
        match self {
            NameKind::RoleName => "role name",
            NameKind::UserName => "user name",
            NameKind::GroupName => "group name",
            NameKind::PolicyName => "policy name",
            NameKind::InlinePolicyName => "inline policy name",
            NameKind::Path => "path",
            NameKind::PolicyPath => "policy path",
            NameKind::RoleDescription => "role description",
            NameKind::PolicyDescription => "policy description",
            NameKind::TagKey => "tag key",
            NameKind::TagValue => "tag value",
            NameKind::ExternalId => "external id",
            NameKind::BucketName => "bucket name",
        }
    }

    /// The code of a finding about a value of this kind, as the spec reader reports it.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            NameKind::RoleName
            | NameKind::UserName
            | NameKind::GroupName
            | NameKind::PolicyName
            | NameKind::InlinePolicyName => codes::INVALID_NAME.name,
            NameKind::Path | NameKind::PolicyPath => codes::INVALID_PATH.name,
            NameKind::RoleDescription | NameKind::PolicyDescription => {
                codes::INVALID_DESCRIPTION.name
            }
            NameKind::TagKey | NameKind::TagValue => codes::INVALID_TAG.name,
            NameKind::ExternalId => codes::INVALID_EXTERNAL_ID.name,
            NameKind::BucketName => codes::INVALID_BUCKET_NAME.name,
        }
    }

    /// The service whose rule it is.
    fn service(self) -> &'static str {
        match self {
            NameKind::ExternalId => "STS",
            NameKind::BucketName => "S3",
            _ => "IAM",
        }
    }

    /// The whole rule, for help texts.
    #[must_use]
    pub fn rule(self) -> &'static str {
        match self {
            NameKind::RoleName => "a role name is 1 to 64 letters, digits and `_+=,.@-`",
            NameKind::UserName => "a user name is 1 to 64 letters, digits and `_+=,.@-`",
            NameKind::GroupName => "a group name is 1 to 128 letters, digits and `_+=,.@-`",
            NameKind::PolicyName | NameKind::InlinePolicyName => {
                "a policy name is 1 to 128 letters, digits and `_+=,.@-`"
            }
            NameKind::Path => {
                "a path is `/`, or starts and ends with `/` as in `/consultants/`: up to 512 printable ASCII \
                 characters, no spaces"
            }
            NameKind::PolicyPath => {
                "a policy path is `/`, or segments of letters, digits and `.,+@=_-` between slashes as in \
                 `/audit/`: up to 512 characters"
            }
            NameKind::RoleDescription => {
                "a role description is up to 1000 characters: printable ASCII, the Latin-1 characters U+00A1 to \
                 U+00FF, tabs and line breaks"
            }
            NameKind::PolicyDescription => "a policy description is up to 1000 characters",
            NameKind::TagKey => {
                "a tag key is 1 to 128 letters, digits, spaces and `_.:/=+-@`, and does not start with `aws:`"
            }
            NameKind::TagValue => "a tag value is up to 256 letters, digits, spaces and `_.:/=+-@`",
            NameKind::ExternalId => "an external id is 2 to 1224 letters, digits and `_+=,.@:/-`",
            NameKind::BucketName => {
                "a bucket name is 3 to 63 lowercase letters, digits, `.` and `-`, starts and ends with a letter or \
                 a digit, and has none of S3's reserved prefixes (`xn--`, `sthree-`, `amzn-s3-demo-`) and \
                 suffixes (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`)"
            }
        }
    }
}

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The value is empty, and the rule needs at least one character.
    Empty,
    /// Fewer characters than the rule's minimum.
    TooShort {
        /// The value's length in characters.
        length: usize,
        /// The rule's minimum.
        min: usize,
    },
    /// More characters than the rule's maximum.
    TooLong {
        /// The value's length in characters.
        length: usize,
        /// The rule's maximum.
        max: usize,
    },
    /// A character the rule does not allow.
    Character(char),
    /// A path that does not start and end with `/`.
    Slashes,
    /// A path with nothing between two slashes.
    EmptySegment,
    /// A prefix AWS reserves.
    ReservedPrefix(&'static str),
    /// A suffix AWS reserves.
    ReservedSuffix(&'static str),
    /// A bucket name that starts or ends with something other than a lowercase letter or a digit.
    Edge,
    /// A bucket name with two periods in a row.
    AdjacentPeriods,
    /// A bucket name that is an IP address.
    IpAddress,
}

/// Why a value is not a valid name (or path, description, tag, external id) of its kind: the value, what is
/// wrong with it, and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameError {
    kind: NameKind,
    value: String,
    problem: Problem,
}

impl NameError {
    /// The kind of value that was refused.
    #[must_use]
    pub fn kind(&self) -> NameKind {
        self.kind
    }

    /// The value that was refused.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }

    /// What is wrong with it.
    #[must_use]
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// What is wrong, in rustc's style: ``the role name `a b` contains ` ` (U+0020), which IAM does not allow``.
    #[must_use]
    pub fn message(&self) -> String {
        let noun = self.kind.noun();
        let service = self.kind.service();
        let value = shown(&self.value);
        match &self.problem {
            Problem::Empty => format!("the {noun} is empty"),
            Problem::TooShort { length, min } => format!(
                "the {noun} `{value}` has {}, fewer than {service}'s {min}",
                characters(*length)
            ),
            Problem::TooLong { length, max } => format!(
                "the {noun} `{value}` has {}, more than {service}'s {max}",
                characters(*length)
            ),
            Problem::Character(ch) => format!(
                "the {noun} `{value}` contains {}, which {service} does not allow",
                character(*ch)
            ),
            Problem::Slashes => format!("the {noun} `{value}` does not start and end with `/`"),
            Problem::EmptySegment => {
                format!("the {noun} `{value}` has nothing between two slashes")
            }
            Problem::ReservedPrefix(prefix) => {
                format!("the {noun} `{value}` starts with `{prefix}`, which {service} reserves")
            }
            Problem::ReservedSuffix(suffix) => {
                format!("the {noun} `{value}` ends with `{suffix}`, which {service} reserves")
            }
            Problem::Edge => format!(
                "the {noun} `{value}` does not start and end with a lowercase letter or a digit"
            ),
            Problem::AdjacentPeriods => format!("the {noun} `{value}` contains `..`"),
            Problem::IpAddress => format!("the {noun} `{value}` is an IP address"),
        }
    }

    /// The rule the value breaks.
    #[must_use]
    pub fn help(&self) -> &'static str {
        self.kind.rule()
    }
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.message(), self.help())
    }
}

impl std::error::Error for NameError {}

/// A value as messages show it: escaped (a line break or a bidi control cannot reorder the message) and cut
/// short, since a description may be long.
fn shown(value: &str) -> String {
    const SHOWN: usize = 64;
    let mut out: String = value
        .chars()
        .take(SHOWN)
        .flat_map(char::escape_debug)
        .collect();
    if value.chars().nth(SHOWN).is_some() {
        out.push('…');
    }
    out
}

fn characters(count: usize) -> String {
    if count == 1 {
        "1 character".to_owned()
    } else {
        format!("{count} characters")
    }
}

/// A character as messages show it: itself when visible ASCII, escaped with its code point otherwise.
fn character(ch: char) -> String {
    if ch.is_ascii_graphic() {
        format!("`{ch}`")
    } else {
        format!("`{}` (U+{:04X})", ch.escape_debug(), u32::from(ch))
    }
}

/// Whether two IAM names are the same to IAM, which ignores case in the names of users, groups, roles and
/// policies ("Names are not distinguished by case", `CreateRole` in the IAM API Reference).
#[must_use]
pub fn same_iam_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The ARN of the role `name` with the path `path` (`/` or `/a/b/`) in the account `account`:
/// `arn:aws:iam::{account}:role{path}{name}`.
///
/// The one place a role's ARN is made: [`Stack::role_arn`](crate::stack::Stack::role_arn), the cross-account
/// pattern, the deployer's role and `#[derive(Role)]`'s `ARN` all ask it.
///
/// ```
/// # extern crate iamgen_runtime as iamgen;
/// use iamgen::names::role_arn;
///
/// assert_eq!(role_arn("111122223333", "/ops/", "Deployer"), "arn:aws:iam::111122223333:role/ops/Deployer");
/// ```
#[must_use]
pub fn role_arn(account: &str, path: &str, name: &str) -> String {
    iam_arn(account, "role", path, name)
}

/// The ARN of the user `name` with the path `path` in the account `account`, made as [`role_arn`] makes a
/// role's.
#[must_use]
pub fn user_arn(account: &str, path: &str, name: &str) -> String {
    iam_arn(account, "user", path, name)
}

/// The ARN of the customer managed policy `name` with the path `path` in the account `account`, made as
/// [`role_arn`] makes a role's.
#[must_use]
pub fn policy_arn(account: &str, path: &str, name: &str) -> String {
    iam_arn(account, "policy", path, name)
}

/// The ARN that stands for the account `account` as a principal: `arn:aws:iam::{account}:root`.
#[must_use]
pub fn account_root_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:root")
}

/// An IAM entity's ARN: the path (`/` or `/a/b/`) sits between the entity's type and its name.
fn iam_arn(account: &str, kind: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:{kind}{path}{name}")
}

fn length_between(value: &str, min: usize, max: usize) -> Result<usize, Problem> {
    let length = value.chars().count();
    if length == 0 && min > 0 {
        Err(Problem::Empty)
    } else if length < min {
        Err(Problem::TooShort { length, min })
    } else if length > max {
        Err(Problem::TooLong { length, max })
    } else {
        Ok(length)
    }
}

fn only(value: &str, allowed: impl Fn(char) -> bool) -> Result<(), Problem> {
    match value.chars().find(|ch| !allowed(*ch)) {
        Some(ch) => Err(Problem::Character(ch)),
        None => Ok(()),
    }
}

/// IAM's `[\w+=,.@-]`, with `\w` ASCII.
fn iam_name_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || matches!(ch, '_' | '+' | '=' | ',' | '.' | '@' | '-')
}

fn iam_name(value: &str, max: usize) -> Result<(), Problem> {
    if value.is_empty() {
        return Err(Problem::Empty);
    }
    only(value, iam_name_char)?;
    length_between(value, 1, max).map(drop)
}

fn check_role_name(value: &str) -> Result<(), Problem> {
    iam_name(value, 64)
}

fn check_user_name(value: &str) -> Result<(), Problem> {
    iam_name(value, 64)
}

fn check_group_name(value: &str) -> Result<(), Problem> {
    iam_name(value, 128)
}

fn check_policy_name(value: &str) -> Result<(), Problem> {
    iam_name(value, 128)
}

/// `pathType`: `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`, 1 to 512.
fn check_path(value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Err(Problem::Empty);
    }
    only(value, |ch| ('\u{21}'..='\u{7e}').contains(&ch))?;
    if !(value.starts_with('/') && value.ends_with('/')) {
        return Err(Problem::Slashes);
    }
    if value == "//" {
        return Err(Problem::EmptySegment);
    }
    length_between(value, 1, 512).map(drop)
}

/// `policyPathType`: `((/[A-Za-z0-9\.,\+@=_-]+)*)/`, 1 to 512.
fn check_policy_path(value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Err(Problem::Empty);
    }
    only(value, |ch| {
        ch.is_ascii_alphanumeric() || matches!(ch, '/' | '.' | ',' | '+' | '@' | '=' | '_' | '-')
    })?;
    if !(value.starts_with('/') && value.ends_with('/')) {
        return Err(Problem::Slashes);
    }
    if value.contains("//") {
        return Err(Problem::EmptySegment);
    }
    length_between(value, 1, 512).map(drop)
}

/// `roleDescriptionType`: `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`, up to 1,000.
fn check_role_description(value: &str) -> Result<(), Problem> {
    only(
        value,
        |ch| matches!(ch, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{a1}'..='\u{ff}'),
    )?;
    length_between(value, 0, 1_000).map(drop)
}

/// `policyDescriptionType`: up to 1,000, with no pattern.
fn check_policy_description(value: &str) -> Result<(), Problem> {
    length_between(value, 0, 1_000).map(drop)
}

/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, with the general categories of [`tag_chars`].
fn tag_char(ch: char) -> bool {
    if ch.is_ascii() {
        return ch.is_ascii_alphanumeric()
            || matches!(ch, ' ' | '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@');
    }
    let code = u32::from(ch);
    tag_chars::LETTERS_SEPARATORS_NUMBERS
        .binary_search_by(|&(low, high)| {
            if high < code {
                std::cmp::Ordering::Less
            } else if low > code {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// `tagKeyType`: `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`, 1 to 128; AWS reserves the prefix `aws:`, in any case.
fn check_tag_key(value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Err(Problem::Empty);
    }
    only(value, tag_char)?;
    if value
        .get(..4)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("aws:"))
    {
        return Err(Problem::ReservedPrefix("aws:"));
    }
    length_between(value, 1, 128).map(drop)
}

/// `tagValueType`: `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`, up to 256.
fn check_tag_value(value: &str) -> Result<(), Problem> {
    only(value, tag_char)?;
    length_between(value, 0, 256).map(drop)
}

/// `externalIdType` (STS): `[\w+=,.@:\/-]*`, 2 to 1,224.
fn check_external_id(value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Err(Problem::Empty);
    }
    only(value, |ch| iam_name_char(ch) || matches!(ch, ':' | '/'))?;
    length_between(value, 2, 1_224).map(drop)
}

/// Prefixes S3 reserves ("General purpose bucket naming rules"; `sthree-configurator` starts with `sthree-`).
pub(crate) const BUCKET_PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
/// Suffixes S3 reserves: access point aliases, Object Lambda access point aliases, Multi-Region Access Points,
/// directory buckets and table buckets.
pub(crate) const BUCKET_SUFFIXES: [&str; 5] =
    ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

fn check_bucket_name(value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Err(Problem::Empty);
    }
    only(value, |ch| {
        ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '.' | '-')
    })?;
    length_between(value, 3, 63)?;
    let edge =
        |ch: Option<char>| ch.is_some_and(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit());
    if !edge(value.chars().next()) || !edge(value.chars().last()) {
        return Err(Problem::Edge);
    }
    if value.contains("..") {
        return Err(Problem::AdjacentPeriods);
    }
    if value.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err(Problem::IpAddress);
    }
    if let Some(prefix) = BUCKET_PREFIXES.iter().find(|p| value.starts_with(*p)) {
        return Err(Problem::ReservedPrefix(prefix));
    }
    if let Some(suffix) = BUCKET_SUFFIXES.iter().find(|s| value.ends_with(*s)) {
        return Err(Problem::ReservedSuffix(suffix));
    }
    Ok(())
}

macro_rules! names {
    ($($(#[$doc:meta])* $name:ident, $kind:ident, $check:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The value, if AWS accepts it as this kind; otherwise what is wrong with it.
            pub fn new(value: impl Into<String>) -> Result<Self, NameError> {
                let value = value.into();
                match $check(&value) {
                    Ok(()) => Ok($name(value)),
                    Err(problem) => Err(NameError { kind: NameKind::$kind, value, problem }),
                }
            }

            /// Checks a value without keeping it.
            pub fn check(value: &str) -> Result<(), NameError> {
                $check(value).map_err(|problem| NameError {
                    kind: NameKind::$kind,
                    value: value.to_owned(),
                    problem,
                })
            }

            /// The value.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The value, as a `String`.
            #[must_use]
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = NameError;

            fn try_from(value: String) -> Result<Self, NameError> {
                $name::new(value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = NameError;

            fn try_from(value: &str) -> Result<Self, NameError> {
                $name::new(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    )*};
}

names! {
    /// An IAM role name: 1 to 64 of `[\w+=,.@-]` (`roleNameType`, `CreateRole` in the IAM API Reference).
    RoleName, RoleName, check_role_name;
    /// An IAM user name: 1 to 64 of `[\w+=,.@-]` (`userNameType`, `CreateUser`).
    UserName, UserName, check_user_name;
    /// An IAM group name: 1 to 128 of `[\w+=,.@-]` (`groupNameType`, `CreateGroup`).
    GroupName, GroupName, check_group_name;
    /// A customer managed policy name: 1 to 128 of `[\w+=,.@-]` (`policyNameType`, `CreatePolicy`).
    PolicyName, PolicyName, check_policy_name;
    /// The name of a policy embedded in a user, group or role: 1 to 128 of `[\w+=,.@-]` (`policyNameType`,
    /// `PutRolePolicy`, `PutUserPolicy`, `PutGroupPolicy`).
    InlinePolicyName, InlinePolicyName, check_policy_name;
    /// The path of a role, user or group: `/`, or 1 to 512 of U+0021 to U+007E starting and ending with `/`
    /// (`pathType`: `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`, `CreateRole`). `*`, `$` and `{` are allowed:
    /// where a path goes into a policy, the writer of that policy escapes it.
    IamPath, Path, check_path;
    /// The path of a managed policy, a stricter rule than [`IamPath`]: `/`, or segments of
    /// `[A-Za-z0-9.,+@=_-]` between slashes, up to 512 (`policyPathType`: `((/[A-Za-z0-9\.,\+@=_-]+)*)/`,
    /// `CreatePolicy`). `/${x}/` and `/*/` are not policy paths.
    PolicyPath, PolicyPath, check_policy_path;
    /// A role's description: up to 1,000 of `[\t\n\r\u0020-\u007E\u00A1-\u00FF]` (`roleDescriptionType`,
    /// `CreateRole`). No emoji, no characters past Latin-1, no other control characters.
    RoleDescription, RoleDescription, check_role_description;
    /// A managed policy's description: up to 1,000 characters of any kind (`policyDescriptionType`,
    /// `CreatePolicy`, which has no pattern).
    PolicyDescription, PolicyDescription, check_policy_description;
    /// A tag key: 1 to 128 of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, not starting with `aws:` in any case (`tagKeyType`,
    /// `TagRole` in the IAM API Reference; "Tagging IAM resources" in the IAM User Guide). `$`, `{`, `"`, `#`,
    /// line breaks and emoji are refused.
    TagKey, TagKey, check_tag_key;
    /// A tag value: up to 256 of `[\p{L}\p{Z}\p{N}_.:/=+\-@]` (`tagValueType`, `TagRole`).
    TagValue, TagValue, check_tag_value;
    /// The `sts:ExternalId` a role's trust requires: 2 to 1,224 of `[\w+=,.@:/-]` (`externalIdType`,
    /// `AssumeRole` in the STS API Reference). A value STS refuses could never be sent, so the role could never
    /// be assumed.
    ExternalId, ExternalId, check_external_id;
    /// An S3 bucket name ("General purpose bucket naming rules", S3 User Guide): 3 to 63 lowercase letters,
    /// digits, `.` and `-`; starting and ending with a letter or digit; no `..`; not an IP address; none of the
    /// reserved prefixes `xn--`, `sthree-` (which covers `sthree-configurator`) and `amzn-s3-demo-`, nor the
    /// reserved suffixes `-s3alias`, `--ol-s3`, `.mrap`, `--x-s3` and `--table-s3`.
    BucketName, BucketName, check_bucket_name;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(result: Result<(), NameError>) -> Problem {
        result.expect_err("refused").problem
    }

    #[test]
    fn iam_names_have_their_length_and_characters() {
        assert!(RoleName::check(&"R".repeat(64)).is_ok());
        assert_eq!(
            problem(RoleName::check(&"R".repeat(65))),
            Problem::TooLong {
                length: 65,
                max: 64
            }
        );
        assert!(UserName::check(&"u".repeat(64)).is_ok());
        assert!(UserName::check(&"u".repeat(65)).is_err());
        assert!(GroupName::check(&"g".repeat(128)).is_ok());
        assert!(GroupName::check(&"g".repeat(129)).is_err());
        assert!(PolicyName::check(&"p".repeat(128)).is_ok());
        assert!(InlinePolicyName::check(&"p".repeat(129)).is_err());
        assert_eq!(problem(RoleName::check("")), Problem::Empty);
        assert!(RoleName::check("a_b+c=d,e.f@g-h9").is_ok());
        for bad in [' ', '/', '*', '$', '{', 'é', ':'] {
            assert_eq!(
                problem(RoleName::check(&format!("Role{bad}"))),
                Problem::Character(bad)
            );
        }
        assert!(same_iam_name("Troy", "troy"));
        assert!(!same_iam_name("Troy", "Troy2"));
    }

    #[test]
    fn entity_and_policy_paths_differ() {
        for good in [
            "/",
            "/a/",
            "/a/b/",
            "/*/",
            "/${aws:username}/",
            "///",
            "/!~/",
        ] {
            assert!(IamPath::check(good).is_ok(), "{good}");
        }
        assert_eq!(problem(IamPath::check("//")), Problem::EmptySegment);
        assert_eq!(problem(IamPath::check("a/")), Problem::Slashes);
        assert_eq!(problem(IamPath::check("/a b/")), Problem::Character(' '));
        assert_eq!(
            problem(IamPath::check("/\u{7f}/")),
            Problem::Character('\u{7f}')
        );
        assert!(IamPath::check(&format!("/{}/", "a".repeat(510))).is_ok());
        assert!(IamPath::check(&format!("/{}/", "a".repeat(511))).is_err());

        for good in ["/", "/audit/", "/a.b,c+d@e=f_g-h/x/"] {
            assert!(PolicyPath::check(good).is_ok(), "{good}");
        }
        assert_eq!(
            problem(PolicyPath::check("/${x}/")),
            Problem::Character('$')
        );
        assert_eq!(problem(PolicyPath::check("/*/")), Problem::Character('*'));
        assert_eq!(problem(PolicyPath::check("/a//b/")), Problem::EmptySegment);
        assert_eq!(problem(PolicyPath::check("/a")), Problem::Slashes);
        assert!(PolicyPath::check(&format!("/{}/", "a".repeat(510))).is_ok());
        assert!(PolicyPath::check(&format!("/{}/", "a".repeat(511))).is_err());
    }

    #[test]
    fn descriptions() {
        assert!(RoleDescription::check("").is_ok());
        assert!(
            RoleDescription::check("Acme's consultants: ${x} \"quoted\"\ttab\r\nnext — no")
                .is_err()
        );
        assert!(
            RoleDescription::check("Acme's consultants: ${x} \"quoted\"\ttab\r\nnext café ÿ")
                .is_ok()
        );
        for bad in [
            '\u{0}', '\u{7f}', '\u{85}', '\u{a0}', '\u{100}', '😀', '\u{202e}',
        ] {
            assert_eq!(
                problem(RoleDescription::check(&format!("a{bad}"))),
                Problem::Character(bad)
            );
        }
        assert!(RoleDescription::check(&"d".repeat(1_000)).is_ok());
        assert!(RoleDescription::check(&"d".repeat(1_001)).is_err());
        assert!(PolicyDescription::check("any 😀 text").is_ok());
        assert!(PolicyDescription::check(&"é".repeat(1_000)).is_ok());
        assert!(PolicyDescription::check(&"é".repeat(1_001)).is_err());
    }

    #[test]
    fn tags() {
        for good in [
            "project",
            "cost center",
            "a_.:/=+-@",
            "Größe",
            "プロジェクト",
            "٣",
            "x\u{3000}y",
        ] {
            assert!(TagKey::check(good).is_ok(), "{good}");
            assert!(TagValue::check(good).is_ok(), "{good}");
        }
        for bad in ['$', '{', '"', '\n', '#', '😀', '\t', '\u{301}', '*', ','] {
            let text = format!("a{bad}b");
            assert_eq!(
                problem(TagKey::check(&text)),
                Problem::Character(bad),
                "{text:?}"
            );
            assert_eq!(
                problem(TagValue::check(&text)),
                Problem::Character(bad),
                "{text:?}"
            );
        }
        assert_eq!(problem(TagKey::check("")), Problem::Empty);
        assert!(TagValue::check("").is_ok());
        assert_eq!(
            problem(TagKey::check("AWS:x")),
            Problem::ReservedPrefix("aws:")
        );
        assert!(TagKey::check(&"k".repeat(128)).is_ok());
        assert!(TagKey::check(&"k".repeat(129)).is_err());
        assert!(TagValue::check(&"v".repeat(256)).is_ok());
        assert!(TagValue::check(&"v".repeat(257)).is_err());
    }

    #[test]
    fn external_ids() {
        assert!(ExternalId::check("stuzio-acme-projectx").is_ok());
        assert!(ExternalId::check("a:b/c=d,e.f@g+h_i").is_ok());
        assert_eq!(
            problem(ExternalId::check("a")),
            Problem::TooShort { length: 1, min: 2 }
        );
        assert_eq!(problem(ExternalId::check("")), Problem::Empty);
        assert_eq!(problem(ExternalId::check("${x}")), Problem::Character('$'));
        assert!(ExternalId::check(&"e".repeat(1_224)).is_ok());
        assert!(ExternalId::check(&"e".repeat(1_225)).is_err());
    }

    #[test]
    fn bucket_names_follow_s3_rules() {
        for good in [
            "com.stuzio.projectx",
            "abc",
            &"a".repeat(63),
            "my-xn--bucket",
            "a.mrap.b",
        ] {
            assert!(BucketName::check(good).is_ok(), "{good}");
        }
        for (bad, expected) in [
            ("ab", Problem::TooShort { length: 2, min: 3 }),
            ("Com.stuzio", Problem::Character('C')),
            ("-abc", Problem::Edge),
            ("abc-", Problem::Edge),
            ("a..b", Problem::AdjacentPeriods),
            ("192.168.0.1", Problem::IpAddress),
            ("a_b", Problem::Character('_')),
            ("xn--bucket", Problem::ReservedPrefix("xn--")),
            ("sthree-bucket", Problem::ReservedPrefix("sthree-")),
            ("sthree-configurator-x", Problem::ReservedPrefix("sthree-")),
            (
                "amzn-s3-demo-bucket",
                Problem::ReservedPrefix("amzn-s3-demo-"),
            ),
            ("bucket-s3alias", Problem::ReservedSuffix("-s3alias")),
            ("bucket--ol-s3", Problem::ReservedSuffix("--ol-s3")),
            ("bucket.mrap", Problem::ReservedSuffix(".mrap")),
            ("bucket--x-s3", Problem::ReservedSuffix("--x-s3")),
            ("bucket--table-s3", Problem::ReservedSuffix("--table-s3")),
        ] {
            assert_eq!(problem(BucketName::check(bad)), expected, "{bad}");
        }
        assert!(BucketName::check(&"a".repeat(64)).is_err());
    }

    #[test]
    fn messages_name_the_character_and_the_rule() {
        let error = TagKey::new("a\nb").unwrap_err();
        assert_eq!(
            error.message(),
            "the tag key `a\\nb` contains `\\n` (U+000A), which IAM does not allow"
        );
        assert_eq!(error.help(), NameKind::TagKey.rule());
        assert!(error.to_string().ends_with(NameKind::TagKey.rule()));
        let long = RoleDescription::new("x".repeat(2_000)).unwrap_err();
        assert!(long.message().contains('…'), "{}", long.message());
        assert!(long.message().len() < 200);
    }

    #[test]
    fn the_table_is_sorted_and_knows_the_categories() {
        let table = tag_chars::LETTERS_SEPARATORS_NUMBERS;
        assert!(table.windows(2).all(|pair| pair[0].1 + 1 < pair[1].0));
        assert!(table.iter().all(|(low, high)| low <= high));
        // Letters, separators and numbers of several scripts; combining marks, symbols, controls and format
        // characters (which `char::is_alphabetic` would let through in part) are not.
        for yes in ['a', 'Ω', 'ß', '中', '\u{a0}', '\u{2028}', 'Ⅻ', '½'] {
            assert!(tag_char(yes), "{yes:?}");
        }
        for no in [
            '\u{301}', '\u{93f}', 'Ⓐ', '€', '\u{200b}', '\u{85}', '\u{fe0f}', '😀',
        ] {
            assert!(!tag_char(no), "{no:?}");
        }
    }
}
