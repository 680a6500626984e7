//! `iamgen.toml`: a [`Stack`] declared in TOML, for people who write Terraform or CloudFormation rather than Rust.
//!
//! Accounts are declared once, by name and id; policies by name, account and JSON document; everything else
//! refers to them by name. The cross-account pattern has a table of its own that maps onto
//! [`CrossAccount`]. `docs/spec.md` documents every key.
//!
//! ```
//! use iamgen_runtime::stack::spec;
//!
//! let text = r#"
//! [[account]]
//! name = "Stuzio"
//! id = "081278057606"
//!
//! [[account]]
//! name = "Acme"
//! id = "183438944504"
//!
//! [cross_account]
//! trusting = "Stuzio"
//! role.name = "StuzioAuditRole"
//!
//! [[cross_account.trusted]]
//! account = "Acme"
//! whole_account = true
//! "#;
//! let stack = spec::from_toml(text).unwrap();
//! assert_eq!(stack.accounts().len(), 2);
//!
//! let error = spec::from_toml(&text.replace("\"Acme\"\nwhole", "\"Acne\"\nwhole")).unwrap_err();
//! assert_eq!(error.code(), "UNKNOWN_ACCOUNT");
//! assert_eq!(error.position().to_string(), "15:11");
//! assert_eq!(error.help(), Some("did you mean `Acme`?"));
//! ```
//!
//! Every error points into the spec: a JSON error inside an inline policy document points at its line and
//! column in the TOML file, and an error in a policy file named by the spec is shown in that file.

use crate::codes;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::cross_account::{AccountSpec, Assumers, CrossAccount, RoleSpec, TrustedSpec};
use super::{
    AccountRef, GroupRef, InlinePolicy, PolicyRef, PrincipalRef, Stack, StackError,
    USER_TAGS_UNMANAGED, Unmanaged,
};
use crate::diagnostic::{self, Diagnostic};
use crate::names::{
    self, BucketName, ExternalId, GroupName, IamPath, InlinePolicyName, NameError,
    PolicyDescription, PolicyName, PolicyPath, RoleDescription, RoleName, TagKey, TagValue,
    UserName,
};
use crate::policy::{AccountId, PolicyDocument};
use crate::source::{LineCol, LineIndex, Span};
use crate::suggest;

/// Why a spec cannot be read: every problem found, each located in the spec, in source order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    diagnostics: Vec<Diagnostic>,
    positions: Vec<LineCol>,
    files: Vec<PolicyFileError>,
}

/// A policy file named by a spec (`file = "policies/x.json"`) that is not a policy, with its problems located
/// in that file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFileError {
    /// The file, as the spec's directory and the spec's `file` joined.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// What is wrong with it, with spans into `text`.
    pub diagnostics: Vec<Diagnostic>,
}

impl SpecError {
    fn new(source: &str, mut diagnostics: Vec<Diagnostic>, files: Vec<PolicyFileError>) -> Self {
        if diagnostics.is_empty() {
            // Keeps the accessors total: an error always has a first problem.
            diagnostics.push(Diagnostic::error(
                codes::SPEC_ERROR.name,
                "the spec cannot be read",
                Span::default(),
                None,
            ));
        }
        diagnostics.sort_by_key(|diagnostic| (diagnostic.span.start, diagnostic.span.end));
        let index = LineIndex::new(source);
        let positions = diagnostics
            .iter()
            .map(|diagnostic| index.line_col(diagnostic.span.start as usize))
            .collect();
        SpecError {
            diagnostics,
            positions,
            files,
        }
    }

    /// The problems, in source order; never empty. Spans are byte offsets into the spec's text.
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Where each problem starts, parallel to [`SpecError::diagnostics`].
    #[must_use]
    pub fn positions(&self) -> &[LineCol] {
        &self.positions
    }

    /// The policy files named by the spec that are not policies, with their own located problems.
    #[must_use]
    pub fn files(&self) -> &[PolicyFileError] {
        &self.files
    }

    /// The first problem's code: `UNKNOWN_ACCOUNT`, `INVALID_ACCOUNT_ID`, `UNKNOWN_KEY`...
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.diagnostics
            .first()
            .map_or(codes::SPEC_ERROR.name, |d| d.code)
    }

    /// The first problem's message.
    #[must_use]
    pub fn message(&self) -> &str {
        self.diagnostics.first().map_or("", |d| d.message.as_str())
    }

    /// What to do about the first problem.
    #[must_use]
    pub fn help(&self) -> Option<&str> {
        self.diagnostics.first().and_then(|d| d.help.as_deref())
    }

    /// The first problem's bytes in the spec.
    #[must_use]
    pub fn span(&self) -> Span {
        self.diagnostics.first().map_or(Span::default(), |d| d.span)
    }

    /// Where the first problem starts in the spec.
    #[must_use]
    pub fn position(&self) -> LineCol {
        self.positions
            .first()
            .copied()
            .unwrap_or(LineCol { line: 1, column: 1 })
    }

    /// Renders every problem like rustc: `origin:line:column`, the line of the spec and a caret under the
    /// offending text, then the help. `source` is the spec's text and `origin` its path. Problems inside policy
    /// files follow, located in those files.
    #[must_use]
    pub fn render(&self, source: &str, origin: &str) -> String {
        let mut out = diagnostic::render(&self.diagnostics, source, origin, false);
        for file in &self.files {
            out.push_str(&diagnostic::render(
                &file.diagnostics,
                &file.text,
                &file.path.display().to_string(),
                false,
            ));
        }
        out
    }
}

impl fmt::Display for SpecError {
    /// `line:column: message [CODE]` of the first problem, and how many more there are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} [{}]",
            self.position(),
            self.message(),
            self.code()
        )?;
        if let Some(help) = self.help() {
            write!(f, " ({help})")?;
        }
        if self.diagnostics.len() > 1 {
            write!(f, " (and {} more)", self.diagnostics.len() - 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}

/// The stack a spec declares. Policy files (`file = ...`) are read relative to the current directory; use
/// [`from_toml_at`] to read them relative to the spec's own directory.
pub fn from_toml(text: &str) -> Result<Stack, SpecError> {
    from_toml_at(text, Path::new(""))
}

/// The stack a spec declares, reading policy files (`file = ...`, `trust_file = ...`) relative to `base_dir`,
/// normally the directory the spec is in.
pub fn from_toml_at(text: &str, base_dir: &Path) -> Result<Stack, SpecError> {
    if u32::try_from(text.len()).is_err() {
        let error = Diagnostic::error(
            codes::SPEC_ERROR.name,
            "the spec is larger than 4 GiB",
            Span::default(),
            None,
        );
        return Err(SpecError::new("", vec![error], Vec::new()));
    }
    let raw: RawSpec = toml::from_str(text)
        .map_err(|error| SpecError::new(text, vec![toml_error(text, &error)], Vec::new()))?;
    let mut reader = Reader {
        source: text,
        base_dir,
        errors: Vec::new(),
        files: Vec::new(),
        accounts: Vec::new(),
        names: Vec::new(),
    };
    let plan = reader.check(&raw);
    if !reader.errors.is_empty() {
        return Err(SpecError::new(text, reader.errors, reader.files));
    }
    reader
        .build(&raw, plan)
        .map_err(|diagnostic| SpecError::new(text, vec![*diagnostic], Vec::new()))
}

#[cfg(test)]
mod tests;

// The spec as written. Values checked after deserializing are `Spanned`, so that their errors point at them.

type Text = Spanned<String>;
type Tags = BTreeMap<Text, Text>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    stack: Option<Text>,
    #[serde(default)]
    account: Vec<Spanned<RawAccount>>,
    #[serde(default)]
    policy: Vec<Spanned<RawPolicy>>,
    cross_account: Option<Spanned<RawCrossAccount>>,
    #[serde(default)]
    bucket: Vec<Spanned<RawBucket>>,
    #[serde(default)]
    group: Vec<Spanned<RawGroup>>,
    #[serde(default)]
    user: Vec<Spanned<RawUser>>,
    #[serde(default)]
    role: Vec<Spanned<RawRole>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
    name: Text,
    // Any TOML value, so that an integer gets its own error (quote it) rather than serde's "expected a string".
    id: Spanned<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    name: Text,
    account: Text,
    path: Option<Text>,
    description: Option<Text>,
    document: Option<Text>,
    file: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInline {
    name: Text,
    document: Option<Text>,
    file: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCrossAccount {
    trusting: Text,
    #[serde(default)]
    trusted: Vec<Spanned<RawTrusted>>,
    role: Spanned<RawPatternRole>,
    #[serde(default)]
    permissions: Vec<Text>,
    #[serde(default)]
    buckets: Vec<Text>,
    external_id: Option<Text>,
    #[serde(default)]
    require_mfa: bool,
    narrow_to_principals: Option<Spanned<bool>>,
    #[serde(default)]
    narrow_with_principal_arn: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPatternRole {
    name: Text,
    path: Option<Text>,
    description: Option<Text>,
    max_session_duration: Option<Spanned<i64>>,
    permissions_boundary: Option<Text>,
    #[serde(default)]
    tags: Tags,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrusted {
    account: Text,
    users: Option<Spanned<Vec<Text>>>,
    group: Option<Text>,
    members: Option<Spanned<Vec<Text>>>,
    whole_account: Option<Spanned<bool>>,
    assume_policy: Option<Text>,
    assume_sid: Option<Text>,
    existing_users: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBucket {
    name: Text,
    account: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    name: Text,
    account: Text,
    path: Option<Text>,
    #[serde(default)]
    attach: Vec<Text>,
    #[serde(default)]
    inline: Vec<Spanned<RawInline>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUser {
    name: Text,
    account: Text,
    path: Option<Text>,
    #[serde(default)]
    existing: bool,
    #[serde(default)]
    groups: Vec<Text>,
    #[serde(default)]
    attach: Vec<Text>,
    #[serde(default)]
    inline: Vec<Spanned<RawInline>>,
    #[serde(default)]
    unmanaged: Vec<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    name: Text,
    account: Text,
    path: Option<Text>,
    description: Option<Text>,
    max_session_duration: Option<Spanned<i64>>,
    permissions_boundary: Option<Text>,
    #[serde(default)]
    tags: Tags,
    trust: Option<Text>,
    trust_file: Option<Text>,
    #[serde(default)]
    attach: Vec<Text>,
    #[serde(default)]
    inline: Vec<Spanned<RawInline>>,
    #[serde(default)]
    unmanaged: Vec<Text>,
}

fn span<T>(value: &Spanned<T>) -> Span {
    let range = value.span();
    Span::new(range.start, range.end)
}

/// A toml error as a diagnostic, in the words of this format: unknown keys get a did-you-mean, integer account
/// ids the advice to quote them.
fn toml_error(source: &str, error: &toml::de::Error) -> Diagnostic {
    let range = error.span().unwrap_or(0..0);
    let start = range.start.min(source.len());
    let end = range.end.clamp(start, source.len());
    let at = Span::new(start, end);
    let message = error.message().trim_end();
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if message.starts_with("unknown field `")
        && let Some((key, expected)) = quoted.split_first()
    {
        let diagnostic = Diagnostic::error(
            codes::UNKNOWN_KEY.name,
            format!("unknown key `{key}`"),
            at,
            None,
        );
        return match suggest::closest(key, expected.iter().copied()) {
            Some(close) => diagnostic.with_suggestion(close),
            None if expected.is_empty() => diagnostic.with_help("this table takes no keys"),
            None => diagnostic.with_help(format!(
                "the keys of this table are {}",
                expected
                    .iter()
                    .map(|key| format!("`{key}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
    }
    if message.starts_with("missing field `")
        && let Some(key) = quoted.first()
    {
        let help = if *key == "role" {
            "add a `[cross_account.role]` table with the role's `name`".to_owned()
        } else {
            format!("add `{key} = ...` to this table")
        };
        return Diagnostic::error(
            codes::MISSING_KEY.name,
            format!("missing key `{key}`"),
            at,
            None,
        )
        .with_help(help);
    }
    if message == "duplicate key" {
        let key = source.get(start..end).unwrap_or_default();
        return Diagnostic::error(
            codes::DUPLICATE_KEY.name,
            format!("key `{key}` is given twice"),
            at,
            None,
        )
        .with_help("TOML allows each key once per table");
    }
    if message.contains("leading zero") {
        return leading_zero(source, at, message);
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let help = if rest.ends_with("expected a string") {
            Some("quote it: strings are written in double quotes")
        } else if rest.ends_with("expected a sequence") {
            Some("write a list: `[\"...\", \"...\"]`")
        } else if rest.ends_with("expected a boolean") {
            Some("write `true` or `false`")
        } else if rest.ends_with("expected i64") {
            Some("write a whole number")
        } else {
            None
        };
        // serde names Rust's types; the spec's readers know TOML's.
        let message = message.replace("expected i64", "expected an integer");
        let diagnostic = Diagnostic::error(codes::INVALID_TYPE.name, message, at, None);
        return match help {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        };
    }
    Diagnostic::error(codes::INVALID_TOML.name, message, at, None)
}

/// TOML has no integers with a leading zero, so `id = 081278057606` fails to parse before any account id
/// check could run; it is the mistake the format most expects, so it gets the account id's own error.
fn leading_zero(source: &str, at: Span, message: &str) -> Diagnostic {
    let bytes = source.as_bytes();
    let number = |b: u8| b.is_ascii_digit() || b == b'_';
    let mut start = at.start as usize;
    while start > 0 && bytes.get(start - 1).copied().is_some_and(number) {
        start -= 1;
    }
    let mut end = start;
    while bytes.get(end).copied().is_some_and(number) {
        end += 1;
    }
    let digits = source.get(start..end).unwrap_or_default().replace('_', "");
    let line_start = source
        .get(..start)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |newline| newline + 1);
    let before = source.get(line_start..start).unwrap_or_default().trim_end();
    let key = before.strip_suffix('=').map(str::trim_end);
    let at = Span::new(start, end.max(start));
    if key.is_some_and(|key| key.rsplit('.').next() == Some("id")) {
        Diagnostic::error(
            codes::INVALID_ACCOUNT_ID.name,
            format!("account id `{digits}` is written as a number"),
            at,
            None,
        )
        .with_help(format!(
            "write it as a string, `id = \"{digits}\"`: an integer cannot keep the leading zero"
        ))
    } else {
        Diagnostic::error(codes::INVALID_TOML.name, message, at, None)
            .with_help("TOML numbers cannot start with `0`; quote the value if it is text")
    }
}

/// Where the text of the string value `value`, spanning `span` in `source` with its delimiters, starts, when
/// the source holds it verbatim (a literal string, or a basic string without escapes), so that an offset in
/// the value is the same offset in the source.
fn content_offset(source: &str, span: Range<usize>, value: &str) -> Option<usize> {
    let token = source.get(span.clone())?;
    for delimiter in ["'''", "\"\"\"", "'", "\""] {
        let Some(rest) = token.strip_prefix(delimiter) else {
            continue;
        };
        let mut start = span.start + delimiter.len();
        if delimiter.len() == 3 {
            // TOML drops a newline right after the opening delimiter of a multi-line string.
            if rest.starts_with("\r\n") {
                start += 2;
            } else if rest.starts_with('\n') {
                start += 1;
            }
        }
        let end = start.checked_add(value.len())?;
        let raw = source.get(start..end)?;
        let escapes = delimiter.starts_with('"') && raw.contains('\\');
        return (end <= span.end && raw == value && !escapes).then_some(start);
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    User,
    Group,
    Role,
    Policy,
    Bucket,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Group => "group",
            Kind::Role => "role",
            Kind::Policy => "policy",
            Kind::Bucket => "bucket",
        }
    }
}

struct DeclaredAccount {
    name: String,
    id: Option<AccountId>,
    span: Span,
}

/// A name declared in the spec (or created by the pattern), for duplicates and references.
struct Entry {
    kind: Kind,
    account: Option<usize>,
    name: String,
    span: Span,
}

struct DeclaredPolicy {
    name: String,
    account: usize,
    document: Option<PolicyDocument>,
}

/// What the checks hand to the build: the pattern, and the declared policies with their documents.
struct Plan {
    pattern: Option<CrossAccount>,
    policies: Vec<Option<DeclaredPolicy>>,
    roles: Vec<Option<PolicyDocument>>,
    inline: Vec<Vec<Option<PolicyDocument>>>,
}

struct Reader<'s> {
    source: &'s str,
    base_dir: &'s Path,
    errors: Vec<Diagnostic>,
    files: Vec<PolicyFileError>,
    accounts: Vec<DeclaredAccount>,
    names: Vec<Entry>,
}

impl Reader<'_> {
    fn error(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        at: Span,
        help: impl Into<String>,
    ) {
        self.errors
            .push(Diagnostic::error(code, message, at, None).with_help(help));
    }

    /// Every check, collecting every error; what the build needs when there are none.
    fn check(&mut self, raw: &RawSpec) -> Plan {
        if let Some(name) = &raw.stack
            && let Err(error) = super::check_stack_name(name.get_ref())
        {
            let message = match &error {
                StackError::StackName(error) => error.to_string(),
                other => other.to_string(),
            };
            self.error(
                codes::INVALID_NAME.name,
                message,
                span(name),
                super::STACK_NAME_RULE,
            );
        }
        for account in &raw.account {
            self.declare_account(account.get_ref());
        }
        let mut policies = Vec::new();
        for policy in &raw.policy {
            policies.push(self.declare_policy(policy));
        }
        let pattern = raw
            .cross_account
            .as_ref()
            .and_then(|pattern| self.pattern(pattern, &policies));
        for bucket in &raw.bucket {
            let bucket = bucket.get_ref();
            if let Some(account) = self.account(&bucket.account) {
                self.declare(Kind::Bucket, Some(account), &bucket.name);
            }
        }
        for group in &raw.group {
            let group = group.get_ref();
            if let Some(account) = self.account(&group.account) {
                self.declare(Kind::Group, Some(account), &group.name);
            }
            self.check_path(group.path.as_ref());
        }
        for user in &raw.user {
            let user = user.get_ref();
            if let Some(account) = self.account(&user.account) {
                self.declare(Kind::User, Some(account), &user.name);
            }
            self.check_path(user.path.as_ref());
        }
        let mut roles = Vec::new();
        for role in &raw.role {
            roles.push(self.declare_role(role));
        }
        // References are resolved once every name is declared, so the order of the spec's tables is free.
        let mut inline = Vec::new();
        for group in &raw.group {
            let group = group.get_ref();
            let account = self.account_quietly(&group.account);
            self.references(Kind::Policy, account, &group.attach, "attached to a group");
            inline.push(self.inline(&group.inline));
        }
        for user in &raw.user {
            let user = user.get_ref();
            let account = self.account_quietly(&user.account);
            self.references(Kind::Group, account, &user.groups, "joined by a user");
            self.references(Kind::Policy, account, &user.attach, "attached to a user");
            self.check_unmanaged(&user.unmanaged, Kind::User);
            inline.push(self.inline(&user.inline));
        }
        for role in &raw.role {
            let role = role.get_ref();
            let account = self.account_quietly(&role.account);
            self.references(Kind::Policy, account, &role.attach, "attached to a role");
            self.check_unmanaged(&role.unmanaged, Kind::Role);
            if let Some(boundary) = &role.permissions_boundary {
                self.references(
                    Kind::Policy,
                    account,
                    std::slice::from_ref(boundary),
                    "used as a permissions boundary",
                );
            }
            inline.push(self.inline(&role.inline));
        }
        Plan {
            pattern,
            policies,
            roles,
            inline,
        }
    }

    fn declare_account(&mut self, account: &RawAccount) {
        let name = account.name.get_ref();
        if name.trim().is_empty() {
            self.error(
                codes::INVALID_NAME.name,
                "the account name is empty",
                span(&account.name),
                "name the account for people, as in `name = \"Stuzio\"`",
            );
        }
        if let Some(first) = self.accounts.iter().find(|a| a.name == *name) {
            let mut diagnostic = Diagnostic::error(
                codes::DUPLICATE_NAME.name,
                format!("account `{name}` is declared twice"),
                span(&account.name),
                None,
            )
            .with_help("declare each account once; everything else refers to it by name");
            diagnostic
                .labels
                .push((first.span, "first declared here".to_owned()));
            self.errors.push(diagnostic);
        }
        let id = self.account_id(&account.id);
        if let Some(id) = &id
            && let Some(same) = self.accounts.iter().find(|a| a.id.as_ref() == Some(id))
        {
            let message = format!("account id `{id}` is already the id of `{}`", same.name);
            self.error(
                codes::DUPLICATE_ACCOUNT.name,
                message,
                span(&account.id),
                "declare each account once, with one name",
            );
        }
        self.accounts.push(DeclaredAccount {
            name: name.clone(),
            id,
            span: span(&account.name),
        });
    }

    fn account_id(&mut self, id: &Spanned<toml::Value>) -> Option<AccountId> {
        let at = span(id);
        if let toml::Value::String(text) = id.get_ref()
            && let Ok(id) = AccountId::parse(text)
        {
            return Some(id);
        }
        match id.get_ref() {
            toml::Value::String(text) => {
                let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                let help = if digits.len() == 12 && digits.len() != text.len() {
                    format!("write only the digits: `\"{digits}\"`")
                } else {
                    "an AWS account id is exactly 12 digits, as in `\"081278057606\"`".to_owned()
                };
                self.error(
                    codes::INVALID_ACCOUNT_ID.name,
                    format!("`{text}` is not an account id"),
                    at,
                    help,
                );
                None
            }
            toml::Value::Integer(number) => {
                let digits = number.to_string();
                let help = if *number >= 0 && digits.len() <= 12 {
                    format!(
                        "write it as a string, `id = \"{digits:0>12}\"`: account ids are 12 digits, and an \
                         integer loses leading zeros"
                    )
                } else {
                    "write it as a string of 12 digits, as in `id = \"081278057606\"`".to_owned()
                };
                self.error(
                    codes::INVALID_ACCOUNT_ID.name,
                    format!("account id `{number}` is an integer, not a string"),
                    at,
                    help,
                );
                None
            }
            other => {
                self.error(
                    codes::INVALID_ACCOUNT_ID.name,
                    format!(
                        "an account id is a string of 12 digits, not a {}",
                        other.type_str()
                    ),
                    at,
                    "write it as a string, as in `id = \"081278057606\"`",
                );
                None
            }
        }
    }

    /// The declared account a reference names, or an error at the reference with a did-you-mean.
    fn account(&mut self, reference: &Text) -> Option<usize> {
        let name = reference.get_ref();
        if let Some(found) = self.accounts.iter().position(|a| a.name == *name) {
            return Some(found);
        }
        let by_id = self
            .accounts
            .iter()
            .find(|a| a.id.as_ref().is_some_and(|id| id.as_str() == name))
            .map(|a| a.name.clone());
        let close = suggest::closest(name, self.accounts.iter().map(|a| a.name.as_str()))
            .map(str::to_owned);
        let mut diagnostic = Diagnostic::error(
            codes::UNKNOWN_ACCOUNT.name,
            format!("no account is named `{name}`"),
            span(reference),
            None,
        );
        diagnostic = if let Some(by_id) = by_id {
            diagnostic
                .with_help(format!(
                    "accounts are referred to by name: `{by_id}` has this id"
                ))
                .with_suggestion(by_id)
        } else if let Some(close) = close {
            diagnostic.with_suggestion(close)
        } else if self.accounts.is_empty() {
            diagnostic.with_help("declare it first: `[[account]]` with its `name` and `id`")
        } else {
            diagnostic.with_help(format!(
                "the declared accounts are {}",
                self.accounts
                    .iter()
                    .map(|a| format!("`{}`", a.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        };
        self.errors.push(diagnostic);
        None
    }

    /// The account a reference names, without a second error for a name already reported.
    fn account_quietly(&self, reference: &Text) -> Option<usize> {
        self.accounts
            .iter()
            .position(|a| a.name == *reference.get_ref())
    }

    fn account_name(&self, account: Option<usize>) -> &str {
        account
            .and_then(|account| self.accounts.get(account))
            .map_or("", |a| a.name.as_str())
    }

    /// Declares a name: checks it against IAM's rules and against the names already declared.
    fn declare(&mut self, kind: Kind, account: Option<usize>, name: &Text) -> bool {
        let valid = if kind == Kind::Bucket {
            self.check_bucket(name)
        } else {
            self.check_name(kind, name)
        };
        let text = name.get_ref();
        let duplicate = self.names.iter().find(|n| {
            n.kind == kind
                && !n.name.is_empty()
                && (kind == Kind::Bucket || n.account == account)
                && names::same_iam_name(&n.name, text)
        });
        if let Some(first) = duplicate {
            let (message, help) = if kind == Kind::Bucket {
                (
                    format!("bucket `{text}` is declared twice"),
                    "bucket names are unique across all of AWS".to_owned(),
                )
            } else {
                (
                    format!(
                        "{} `{text}` is declared twice in account `{}`",
                        kind.noun(),
                        self.account_name(account)
                    ),
                    format!(
                        "IAM {} names are unique within an account, ignoring case",
                        kind.noun()
                    ),
                )
            };
            let mut diagnostic =
                Diagnostic::error(codes::DUPLICATE_NAME.name, message, span(name), None)
                    .with_help(help);
            diagnostic
                .labels
                .push((first.span, "first declared here".to_owned()));
            self.errors.push(diagnostic);
            return false;
        }
        self.names.push(Entry {
            kind,
            account,
            name: text.clone(),
            span: span(name),
        });
        valid
    }

    /// Reports a value AWS refuses at its place in the spec; whether it was accepted.
    fn accept(&mut self, code: &'static str, checked: Result<(), NameError>, at: Span) -> bool {
        match checked {
            Ok(()) => true,
            Err(error) => {
                self.error(code, error.message(), at, error.help());
                false
            }
        }
    }

    fn check_name(&mut self, kind: Kind, name: &Text) -> bool {
        let text = name.get_ref();
        let checked = match kind {
            Kind::User => UserName::check(text),
            Kind::Group => GroupName::check(text),
            Kind::Role => RoleName::check(text),
            Kind::Policy => PolicyName::check(text),
            Kind::Bucket => return self.check_bucket(name),
        };
        self.accept(codes::INVALID_NAME.name, checked, span(name))
    }

    fn check_bucket(&mut self, name: &Text) -> bool {
        self.accept(
            codes::INVALID_BUCKET_NAME.name,
            BucketName::check(name.get_ref()),
            span(name),
        )
    }

    /// The path of a user, group or role, `/` when not given.
    fn check_path(&mut self, path: Option<&Text>) -> String {
        let Some(path) = path else {
            return "/".to_owned();
        };
        self.accept(
            codes::INVALID_PATH.name,
            IamPath::check(path.get_ref()),
            span(path),
        );
        path.get_ref().clone()
    }

    /// The path of a managed policy, whose rule is stricter than a principal's.
    fn check_policy_path(&mut self, path: Option<&Text>) {
        if let Some(path) = path {
            self.accept(
                codes::INVALID_PATH.name,
                PolicyPath::check(path.get_ref()),
                span(path),
            );
        }
    }

    fn check_description(&mut self, description: Option<&Text>) -> Option<String> {
        let description = description?;
        self.accept(
            codes::INVALID_DESCRIPTION.name,
            RoleDescription::check(description.get_ref()),
            span(description),
        );
        Some(description.get_ref().clone())
    }

    fn check_policy_description(&mut self, description: Option<&Text>) {
        if let Some(description) = description {
            self.accept(
                codes::INVALID_DESCRIPTION.name,
                PolicyDescription::check(description.get_ref()),
                span(description),
            );
        }
    }

    fn check_session(&mut self, duration: Option<&Spanned<i64>>) -> Option<u32> {
        let duration = duration?;
        let seconds = *duration.get_ref();
        match u32::try_from(seconds) {
            Ok(seconds) if (3_600..=43_200).contains(&seconds) => Some(seconds),
            _ => {
                self.error(
                    codes::INVALID_SESSION_DURATION.name,
                    format!("max_session_duration {seconds} is outside 3600 to 43200 seconds"),
                    span(duration),
                    "a role's sessions last one to twelve hours: 3600 (IAM's default) to 43200 seconds",
                );
                None
            }
        }
    }

    fn check_tags(&mut self, tags: &Tags) -> Vec<(String, String)> {
        let mut entries: Vec<(&Text, &Text)> = tags.iter().collect();
        // The map orders keys by name; the spec's order is the order of their spans.
        entries.sort_by_key(|(key, _)| key.span().start);
        if let Some((extra, _)) = entries.get(50) {
            self.error(
                codes::INVALID_TAG.name,
                format!("{} tags, over IAM's 50", entries.len()),
                span(extra),
                "a role has at most 50 tags",
            );
        }
        for (index, (key, value)) in entries.iter().enumerate() {
            self.accept(
                codes::INVALID_TAG.name,
                TagKey::check(key.get_ref()),
                span(key),
            );
            self.accept(
                codes::INVALID_TAG.name,
                TagValue::check(value.get_ref()),
                span(value),
            );
            // IAM ignores case in the tag keys of roles: `Project` and `project` are one key.
            let lower = key.get_ref().to_lowercase();
            if let Some((first, _)) = entries[..index]
                .iter()
                .find(|(first, _)| first.get_ref().to_lowercase() == lower)
            {
                let mut diagnostic = Diagnostic::error(
                    codes::DUPLICATE_KEY.name,
                    format!(
                        "tag key `{}` is given twice: IAM takes it for `{}`",
                        key.get_ref(),
                        first.get_ref()
                    ),
                    span(key),
                    None,
                )
                .with_help("IAM ignores case in a role's tag keys; keep one of the two");
                diagnostic
                    .labels
                    .push((span(first), "first given here".to_owned()));
                self.errors.push(diagnostic);
            }
        }
        entries
            .into_iter()
            .map(|(key, value)| (key.get_ref().clone(), value.get_ref().clone()))
            .collect()
    }

    /// `unmanaged = [...]` of a role or user: known kinds, each once, and no `tags` on a user.
    fn check_unmanaged(&mut self, entries: &[Text], kind: Kind) {
        let mut seen: Vec<&str> = Vec::new();
        for entry in entries {
            let text = entry.get_ref().as_str();
            if seen.contains(&text) {
                self.error(
                    codes::DUPLICATE_NAME.name,
                    format!("`{text}` is listed twice"),
                    span(entry),
                    "list each kind once",
                );
                continue;
            }
            seen.push(text);
            match Unmanaged::from_name(text) {
                Some(Unmanaged::Tags) if kind == Kind::User => self.error(
                    codes::INVALID_UNMANAGED.name,
                    "a user cannot leave `tags` unmanaged",
                    span(entry),
                    format!("{USER_TAGS_UNMANAGED}; remove `\"tags\"`"),
                ),
                Some(_) => {}
                None => {
                    let kinds = Unmanaged::ALL
                        .into_iter()
                        .filter(|k| kind == Kind::Role || *k != Unmanaged::Tags)
                        .map(Unmanaged::as_str);
                    let diagnostic = Diagnostic::error(
                        codes::INVALID_UNMANAGED.name,
                        format!("`{text}` is not something a deploy can leave unmanaged"),
                        span(entry),
                        None,
                    );
                    let diagnostic = match suggest::closest(text, kinds.clone()) {
                        Some(close) => diagnostic.with_suggestion(close),
                        None => diagnostic.with_help(format!(
                            "the kinds are {}",
                            kinds
                                .map(|k| format!("`\"{k}\"`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    };
                    self.errors.push(diagnostic);
                }
            }
        }
    }

    /// Checks that each name is a declared item of this kind in the account, with a did-you-mean otherwise.
    fn references(&mut self, kind: Kind, account: Option<usize>, names: &[Text], what: &str) {
        let Some(account) = account else {
            return;
        };
        let mut seen: Vec<&str> = Vec::new();
        for name in names {
            let text = name.get_ref().as_str();
            if seen.contains(&text) {
                self.error(
                    codes::DUPLICATE_NAME.name,
                    format!("`{text}` is listed twice"),
                    span(name),
                    "list each name once",
                );
                continue;
            }
            seen.push(text);
            self.reference(kind, account, name, what);
        }
    }

    fn reference(&mut self, kind: Kind, account: usize, name: &Text, what: &str) -> bool {
        let text = name.get_ref();
        let here = |n: &&Entry| n.kind == kind && n.account == Some(account) && !n.name.is_empty();
        if self.names.iter().filter(here).any(|n| n.name == *text) {
            return true;
        }
        let close = suggest::closest(
            text,
            self.names.iter().filter(here).map(|n| n.name.as_str()),
        )
        .map(str::to_owned);
        let elsewhere = self
            .names
            .iter()
            .find(|n| n.kind == kind && n.name == *text && n.account != Some(account))
            .map(|n| self.account_name(n.account).to_owned());
        let noun = kind.noun();
        let code = match kind {
            Kind::Group => codes::UNKNOWN_GROUP.name,
            _ => codes::UNKNOWN_POLICY.name,
        };
        let account_name = self.account_name(Some(account)).to_owned();
        let mut diagnostic = Diagnostic::error(
            code,
            format!("no {noun} named `{text}` in account `{account_name}`"),
            span(name),
            None,
        );
        diagnostic = if let Some(close) = close {
            diagnostic.with_suggestion(close)
        } else if let Some(other) = elsewhere {
            diagnostic.with_help(format!(
                "`{text}` is a {noun} of account `{other}`, but a {noun} {what} must be in the same account \
                 (`{account_name}`)"
            ))
        } else {
            diagnostic.with_help(format!(
                "declare it with `[[{noun}]]`, `name = \"{text}\"` and `account = \"{account_name}\"`"
            ))
        };
        self.errors.push(diagnostic);
        false
    }

    fn declare_policy(&mut self, policy: &Spanned<RawPolicy>) -> Option<DeclaredPolicy> {
        let raw = policy.get_ref();
        let account = self.account(&raw.account);
        let declared =
            account.is_some_and(|account| self.declare(Kind::Policy, Some(account), &raw.name));
        self.check_policy_path(raw.path.as_ref());
        self.check_policy_description(raw.description.as_ref());
        let document = self.document(
            span(policy),
            &format!("policy `{}`", raw.name.get_ref()),
            raw.document.as_ref(),
            raw.file.as_ref(),
            ("document", "file"),
        );
        let account = account.filter(|_| declared)?;
        Some(DeclaredPolicy {
            name: raw.name.get_ref().clone(),
            account,
            document,
        })
    }

    fn declare_role(&mut self, role: &Spanned<RawRole>) -> Option<PolicyDocument> {
        let raw = role.get_ref();
        if let Some(account) = self.account(&raw.account) {
            self.declare(Kind::Role, Some(account), &raw.name);
        }
        self.check_path(raw.path.as_ref());
        self.check_description(raw.description.as_ref());
        self.check_session(raw.max_session_duration.as_ref());
        self.check_tags(&raw.tags);
        self.document(
            span(role),
            &format!("role `{}`", raw.name.get_ref()),
            raw.trust.as_ref(),
            raw.trust_file.as_ref(),
            ("trust", "trust_file"),
        )
    }

    fn inline(&mut self, policies: &[Spanned<RawInline>]) -> Vec<Option<PolicyDocument>> {
        let mut seen: Vec<(&str, Span)> = Vec::new();
        let mut documents = Vec::new();
        for policy in policies {
            let raw = policy.get_ref();
            let name = raw.name.get_ref().as_str();
            if self.accept(
                codes::INVALID_NAME.name,
                InlinePolicyName::check(name),
                span(&raw.name),
            ) {
                if let Some((_, first)) = seen
                    .iter()
                    .find(|(seen, _)| names::same_iam_name(seen, name))
                {
                    let mut diagnostic = Diagnostic::error(
                        codes::DUPLICATE_NAME.name,
                        format!("inline policy `{name}` is declared twice"),
                        span(&raw.name),
                        None,
                    )
                    .with_help("inline policy names are unique within their user, group or role");
                    diagnostic
                        .labels
                        .push((*first, "first declared here".to_owned()));
                    self.errors.push(diagnostic);
                }
                seen.push((name, span(&raw.name)));
            }
            documents.push(self.document(
                span(policy),
                &format!("inline policy `{name}`"),
                raw.document.as_ref(),
                raw.file.as_ref(),
                ("document", "file"),
            ));
        }
        documents
    }

    /// A policy document given inline or as a file (exactly one of the two keys).
    fn document(
        &mut self,
        owner: Span,
        what: &str,
        inline: Option<&Text>,
        file: Option<&Text>,
        keys: (&str, &str),
    ) -> Option<PolicyDocument> {
        match (inline, file) {
            (Some(inline), None) => self.inline_document(inline),
            (None, Some(file)) => self.file_document(file),
            (Some(_), Some(file)) => {
                self.error(
                    codes::CONFLICTING_KEYS.name,
                    format!("{what} has both `{}` and `{}`", keys.0, keys.1),
                    span(file),
                    format!(
                        "keep one: the document inline in `{}`, or a JSON file in `{}`",
                        keys.0, keys.1
                    ),
                );
                None
            }
            (None, None) => {
                self.error(
                    codes::MISSING_KEY.name,
                    format!("{what} has no document"),
                    owner,
                    format!(
                        "add `{} = '''{{ ... }}'''` with the JSON inline, or `{} = \"policies/NAME.json\"`",
                        keys.0, keys.1
                    ),
                );
                None
            }
        }
    }

    fn inline_document(&mut self, text: &Text) -> Option<PolicyDocument> {
        let value = text.get_ref();
        let error = match PolicyDocument::from_json(value) {
            Ok(document) => return Some(document),
            Err(error) => error,
        };
        if let Some(offset) = content_offset(self.source, text.span(), value) {
            // The source holds the document verbatim: each position in it is a position in the spec.
            let shift = |at: Span| Span::new(at.start as usize + offset, at.end as usize + offset);
            for diagnostic in error.diagnostics() {
                let mut diagnostic = diagnostic.clone();
                diagnostic.span = shift(diagnostic.span);
                for (at, _) in &mut diagnostic.labels {
                    *at = shift(*at);
                }
                self.errors.push(diagnostic);
            }
        } else {
            for (diagnostic, at) in error.diagnostics().iter().zip(error.positions()) {
                let mut diagnostic = diagnostic.clone();
                diagnostic.message = format!(
                    "{} (line {}, column {} of the document)",
                    diagnostic.message, at.line, at.column
                );
                diagnostic.span = span(text);
                diagnostic.labels.clear();
                let help = diagnostic
                    .help
                    .take()
                    .map(|help| format!("{help}; "))
                    .unwrap_or_default();
                diagnostic.help = Some(format!(
                    "{help}write the document as a multi-line literal string (`'''`), which has no escapes, to see \
                     the exact place"
                ));
                self.errors.push(diagnostic);
            }
        }
        None
    }

    fn file_document(&mut self, file: &Text) -> Option<PolicyDocument> {
        let path = self.base_dir.join(file.get_ref());
        let read =
            crate::source::read_file_limited(&path, crate::source::MAX_POLICY_BYTES, "a policy")
                .map_err(|error| error.to_string())
                .and_then(|bytes| {
                    String::from_utf8(bytes)
                        .map_err(|_| format!("`{}` is not UTF-8", path.display()))
                });
        let text = match read {
            Ok(text) => text,
            Err(error) => {
                let base = if self.base_dir.as_os_str().is_empty() {
                    "the current directory".to_owned()
                } else {
                    format!("`{}`", self.base_dir.display())
                };
                self.error(
                    codes::UNREADABLE_FILE.name,
                    error,
                    span(file),
                    format!("the path is relative to the spec's directory, {base}"),
                );
                return None;
            }
        };
        match PolicyDocument::from_json(&text) {
            Ok(document) => Some(document),
            Err(error) => {
                let count = error.diagnostics().len();
                self.error(
                    codes::INVALID_POLICY_FILE.name,
                    format!("`{}` is not a policy: {error}", path.display()),
                    span(file),
                    format!("{count} problem(s) in the file, shown below"),
                );
                self.files.push(PolicyFileError {
                    path,
                    text,
                    diagnostics: error.diagnostics().to_vec(),
                });
                None
            }
        }
    }

    /// The pattern, when it is valid; declares the names it creates.
    fn pattern(
        &mut self,
        pattern: &Spanned<RawCrossAccount>,
        policies: &[Option<DeclaredPolicy>],
    ) -> Option<CrossAccount> {
        let raw = pattern.get_ref();
        let errors = self.errors.len();
        let trusting = self.account(&raw.trusting);
        let role = self.pattern_role(raw.role.get_ref(), trusting, policies);
        let mut permissions = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for name in &raw.permissions {
            if seen.contains(&name.get_ref().as_str()) {
                self.error(
                    codes::DUPLICATE_NAME.name,
                    format!("`{}` is listed twice", name.get_ref()),
                    span(name),
                    "list each policy once",
                );
                continue;
            }
            seen.push(name.get_ref());
            if raw
                .role
                .get_ref()
                .permissions_boundary
                .as_ref()
                .map(Spanned::get_ref)
                == Some(name.get_ref())
            {
                self.error(
                    codes::CONFLICTING_KEYS.name,
                    format!("`{}` is both the permissions boundary and a permission", name.get_ref()),
                    span(name),
                    "the pattern creates each policy once, as one or the other: give the boundary a policy of its \
                     own",
                );
                continue;
            }
            if let Some(document) =
                self.pattern_policy(trusting, name, policies, "attached to the pattern's role")
            {
                permissions.push((name.get_ref().clone(), document));
            }
        }
        let mut buckets = Vec::new();
        for bucket in &raw.buckets {
            self.declare(Kind::Bucket, trusting, bucket);
            buckets.push(bucket.get_ref().clone());
        }
        if let Some(external_id) = &raw.external_id {
            self.check_external_id(external_id);
        }
        let narrow = raw.narrow_to_principals.as_ref();
        let mut trusted = Vec::new();
        for entry in &raw.trusted {
            if let Some(spec) = self.trusted(entry, trusting, &raw.trusted, narrow) {
                trusted.push(spec);
            }
        }
        if raw.trusted.is_empty() {
            self.error(
                codes::NO_TRUSTED_ACCOUNT.name,
                "the pattern trusts no account",
                span(pattern),
                "add a `[[cross_account.trusted]]` table with the `account` whose principals assume the role",
            );
        }
        if self.errors.len() > errors {
            return None;
        }
        let trusting = self.account_spec(trusting?)?;
        Some(CrossAccount {
            trusting,
            trusted,
            role: role?,
            permissions,
            buckets,
            external_id: raw.external_id.as_ref().map(|id| id.get_ref().clone()),
            require_mfa: raw.require_mfa,
            narrow_to_principals: narrow.is_some_and(|narrow| *narrow.get_ref()),
            narrow_with_principal_arn: raw.narrow_with_principal_arn,
        })
    }

    fn account_spec(&self, account: usize) -> Option<AccountSpec> {
        let account = self.accounts.get(account)?;
        Some(AccountSpec {
            id: account.id.clone()?,
            name: account.name.clone(),
        })
    }

    fn pattern_role(
        &mut self,
        raw: &RawPatternRole,
        trusting: Option<usize>,
        policies: &[Option<DeclaredPolicy>],
    ) -> Option<RoleSpec> {
        if let Some(trusting) = trusting {
            self.declare(Kind::Role, Some(trusting), &raw.name);
        }
        let path = self.check_path(raw.path.as_ref());
        let description = self.check_description(raw.description.as_ref());
        let max_session_duration = self.check_session(raw.max_session_duration.as_ref());
        let tags = self.check_tags(&raw.tags);
        let permissions_boundary = match &raw.permissions_boundary {
            Some(name) => Some((
                name.get_ref().clone(),
                self.pattern_policy(
                    trusting,
                    name,
                    policies,
                    "used as the pattern's permissions boundary",
                )?,
            )),
            None => None,
        };
        Some(RoleSpec {
            name: raw.name.get_ref().clone(),
            path,
            description,
            max_session_duration,
            permissions_boundary,
            tags,
        })
    }

    /// A declared policy of the trusting account, used by the pattern.
    fn pattern_policy(
        &mut self,
        trusting: Option<usize>,
        name: &Text,
        policies: &[Option<DeclaredPolicy>],
        what: &str,
    ) -> Option<PolicyDocument> {
        let trusting = trusting?;
        if !self.reference(Kind::Policy, trusting, name, what) {
            return None;
        }
        // The pattern creates policies only in trusted accounts, so a policy of the trusting account is a
        // declared `[[policy]]`, with its document.
        policies
            .iter()
            .flatten()
            .find(|policy| policy.account == trusting && policy.name == *name.get_ref())
            .and_then(|policy| policy.document.clone())
    }

    fn check_external_id(&mut self, external_id: &Text) {
        self.accept(
            codes::INVALID_EXTERNAL_ID.name,
            ExternalId::check(external_id.get_ref()),
            span(external_id),
        );
    }

    fn trusted(
        &mut self,
        entry: &Spanned<RawTrusted>,
        trusting: Option<usize>,
        all: &[Spanned<RawTrusted>],
        narrow: Option<&Spanned<bool>>,
    ) -> Option<TrustedSpec> {
        let raw = entry.get_ref();
        let account = self.account(&raw.account);
        if let Some(account) = account {
            if Some(account) == trusting {
                self.error(
                    codes::SAME_ACCOUNT.name,
                    format!("account `{}` is both the trusting and a trusted account", raw.account.get_ref()),
                    span(&raw.account),
                    "the pattern is for crossing accounts; within one account, declare a `[[role]]` with its trust",
                );
            }
            let first = all
                .iter()
                .find(|other| other.get_ref().account.get_ref() == raw.account.get_ref())
                .map(|other| span(&other.get_ref().account));
            if let Some(first) = first.filter(|first| *first != span(&raw.account)) {
                let mut diagnostic = Diagnostic::error(
                    codes::DUPLICATE_NAME.name,
                    format!("account `{}` is trusted twice", raw.account.get_ref()),
                    span(&raw.account),
                    None,
                )
                .with_help(
                    "list each trusted account once, with everyone there who may assume the role",
                );
                diagnostic
                    .labels
                    .push((first, "first trusted here".to_owned()));
                self.errors.push(diagnostic);
            }
        }
        let assumers = self.assumers(entry, account, narrow)?;
        let whole = assumers == Assumers::WholeAccount;
        let assume_policy_name = match (&raw.assume_policy, whole) {
            (Some(name), false) => {
                if let Some(account) = account {
                    self.declare(Kind::Policy, Some(account), name);
                }
                name.get_ref().clone()
            }
            (None, false) => {
                self.error(
                    codes::MISSING_KEY.name,
                    format!(
                        "trusted account `{}` needs the name of the policy that lets its principals assume the role",
                        raw.account.get_ref()
                    ),
                    span(entry),
                    "add `assume_policy = \"...\"`: the pattern creates this managed policy in the trusted account",
                );
                String::new()
            }
            (Some(name), true) => {
                self.error(
                    codes::CONFLICTING_KEYS.name,
                    "`assume_policy` has no effect with `whole_account = true`",
                    span(name),
                    "the trusted account grants `sts:AssumeRole` to its own principals; remove `assume_policy`, or \
                     name `users` or a `group` instead of the whole account",
                );
                String::new()
            }
            (None, true) => String::new(),
        };
        if let Some(sid) = &raw.assume_sid {
            if whole {
                self.error(
                    codes::CONFLICTING_KEYS.name,
                    "`assume_sid` has no effect with `whole_account = true`",
                    span(sid),
                    "the pattern creates no assume policy for a whole account; remove `assume_sid`",
                );
            } else if sid.get_ref().is_empty()
                || !sid.get_ref().chars().all(|c| c.is_ascii_alphanumeric())
            {
                self.error(
                    codes::INVALID_SID.name,
                    format!("`{}` is not a valid statement id", sid.get_ref()),
                    span(sid),
                    "a `Sid` is one or more ASCII letters and digits",
                );
            }
        }
        let existing_users = self.existing_users(raw, whole);
        Some(TrustedSpec {
            account: self.account_spec(account?)?,
            assumers,
            assume_policy_name,
            assume_sid: raw.assume_sid.as_ref().map(|sid| sid.get_ref().clone()),
            existing_users,
        })
    }

    /// Whether the trusted account's users exist already; an error with a whole account, which names none.
    fn existing_users(&mut self, raw: &RawTrusted, whole: bool) -> bool {
        let existing = raw
            .existing_users
            .as_ref()
            .filter(|existing| *existing.get_ref());
        if let (Some(existing), true) = (existing, whole) {
            self.error(
                codes::CONFLICTING_KEYS.name,
                "`existing_users` has no effect with `whole_account = true`",
                span(existing),
                "the pattern names no users for a whole account; remove `existing_users`",
            );
        }
        existing.is_some()
    }

    /// Declares the users the pattern creates in a trusted account.
    fn assumer_names(
        &mut self,
        list: &[Text],
        list_span: Span,
        account: Option<usize>,
        narrowing: Option<&Spanned<bool>>,
    ) -> Vec<String> {
        if list.is_empty() && narrowing.is_some() {
            self.error(
                codes::NOTHING_TO_NARROW_TO.name,
                "`narrow_to_principals` needs at least one named user here",
                list_span,
                "name the users who may assume the role in `members`",
            );
        }
        for user in list {
            if let Some(account) = account {
                self.declare(Kind::User, Some(account), user);
            }
        }
        list.iter().map(|user| user.get_ref().clone()).collect()
    }

    /// Who in a trusted account may assume the role: exactly one of `users`, `group` or `whole_account`.
    fn assumers(
        &mut self,
        entry: &Spanned<RawTrusted>,
        account: Option<usize>,
        narrow: Option<&Spanned<bool>>,
    ) -> Option<Assumers> {
        let raw = entry.get_ref();
        let whole = raw.whole_account.as_ref().filter(|whole| *whole.get_ref());
        let given: Vec<(&str, Span)> = [
            raw.users.as_ref().map(|users| ("users", span(users))),
            raw.group.as_ref().map(|group| ("group", span(group))),
            whole.map(|whole| ("whole_account", span(whole))),
        ]
        .into_iter()
        .flatten()
        .collect();
        if let (Some(members), None) = (&raw.members, &raw.group) {
            self.error(
                codes::CONFLICTING_KEYS.name,
                "`members` without a `group`",
                span(members),
                "members belong to a group: add `group = \"...\"`, or list them in `users`",
            );
            return None;
        }
        if let [(first, _), (second, at), ..] = given.as_slice() {
            self.error(
                codes::CONFLICTING_KEYS.name,
                format!("`{first}` and `{second}` both say who may assume the role"),
                *at,
                "keep one: `users`, a `group` with `members`, or `whole_account = true`",
            );
            return None;
        }
        if given.is_empty() {
            self.error(
                codes::MISSING_KEY.name,
                format!("trusted account `{}` does not say who may assume the role", raw.account.get_ref()),
                span(entry),
                "add `users = [\"...\"]`, `group = \"...\"` with `members = [\"...\"]`, or `whole_account = true`",
            );
            return None;
        }
        let narrowing = narrow.filter(|narrow| *narrow.get_ref());
        if let (Some(narrow), Some(whole)) = (narrowing, whole) {
            let mut diagnostic = Diagnostic::error(
                codes::NOTHING_TO_NARROW_TO.name,
                format!(
                    "`narrow_to_principals` needs named principals in account `{}`, not the whole account",
                    raw.account.get_ref()
                ),
                span(whole),
                None,
            )
            .with_help("name `users` or a `group` with `members`, or set `narrow_to_principals = false`");
            diagnostic
                .labels
                .push((span(narrow), "narrowing asked for here".to_owned()));
            self.errors.push(diagnostic);
            return None;
        }
        if whole.is_some() {
            return Some(Assumers::WholeAccount);
        }
        if let Some(users) = &raw.users {
            if users.get_ref().is_empty() {
                self.error(
                    codes::MISSING_KEY.name,
                    "the list of users who may assume the role is empty",
                    span(users),
                    "name at least one user, or use `whole_account = true`",
                );
                return None;
            }
            let users = self.assumer_names(users.get_ref(), span(users), account, narrowing);
            return Some(Assumers::Users(users));
        }
        let group = raw.group.as_ref()?;
        let (members, members_span) = raw
            .members
            .as_ref()
            .map_or((&[][..], span(group)), |members| {
                (members.get_ref().as_slice(), span(members))
            });
        let members = self.assumer_names(members, members_span, account, narrowing);
        if let Some(account) = account {
            self.declare(Kind::Group, Some(account), group);
        }
        Some(Assumers::Group {
            name: group.get_ref().clone(),
            members,
        })
    }

    /// The stack, once every check has passed: the pattern's stack, then the declared items it did not create.
    fn build(&self, raw: &RawSpec, plan: Plan) -> Result<Stack, Box<Diagnostic>> {
        let stack = match (&plan.pattern, &raw.cross_account) {
            (Some(pattern), Some(raw)) => pattern.build().map_err(|error| {
                Box::new(Diagnostic::error(
                    codes::SPEC_ERROR.name,
                    error.to_string(),
                    span(raw),
                    None,
                ))
            })?,
            _ => Stack::new(),
        };
        let mut builder = Builder {
            reader: self,
            stack,
            accounts: Vec::new(),
            inline: plan.inline.into_iter(),
        };
        if let Some(name) = &raw.stack {
            builder
                .stack
                .set_name(name.get_ref())
                .map_err(|error| refused(span(name), &error))?;
        }
        builder.accounts(raw)?;
        builder.policies(raw, &plan.policies)?;
        for bucket in &raw.bucket {
            let bucket = bucket.get_ref();
            let account = builder.account(&bucket.account)?;
            builder
                .stack
                .add_bucket(account, bucket.name.get_ref())
                .map_err(|error| refused(span(&bucket.name), &error))?;
        }
        for group in &raw.group {
            builder.group(group.get_ref())?;
        }
        for user in &raw.user {
            builder.user(user.get_ref())?;
        }
        for (role, trust) in raw.role.iter().zip(plan.roles) {
            builder.role(role.get_ref(), trust)?;
        }
        Ok(builder.stack)
    }
}

/// Builds the stack from a checked spec. A failed lookup here is a bug in the checks, reported rather than
/// panicking.
struct Builder<'r, 's> {
    reader: &'r Reader<'s>,
    stack: Stack,
    accounts: Vec<AccountRef>,
    inline: std::vec::IntoIter<Vec<Option<PolicyDocument>>>,
}

fn internal(at: Span, what: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            codes::SPEC_ERROR.name,
            format!("internal error: {what} was checked but cannot be built"),
            at,
            None,
        )
        .with_help("please report this spec"),
    )
}

/// What the stack refused although the checks accepted it: a bug in the checks, reported at the value.
fn refused(at: Span, error: &StackError) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            codes::SPEC_ERROR.name,
            format!("internal error: the checks accepted what the stack refuses: {error}"),
            at,
            None,
        )
        .with_help("please report this spec"),
    )
}

impl Builder<'_, '_> {
    fn accounts(&mut self, raw: &RawSpec) -> Result<(), Box<Diagnostic>> {
        for (declared, raw_account) in self.reader.accounts.iter().zip(&raw.account) {
            let found = self
                .stack
                .accounts()
                .find(|(_, account)| account.name == declared.name)
                .map(|(account, _)| account);
            let account = match (found, &declared.id) {
                (Some(account), _) => account,
                (None, Some(id)) => self.stack.add_account(id.clone(), &declared.name),
                (None, None) => {
                    return Err(internal(span(&raw_account.get_ref().name), "an account"));
                }
            };
            self.accounts.push(account);
        }
        Ok(())
    }

    fn account(&self, reference: &Text) -> Result<AccountRef, Box<Diagnostic>> {
        self.reader
            .account_quietly(reference)
            .and_then(|index| self.accounts.get(index).copied())
            .ok_or_else(|| internal(span(reference), "an account reference"))
    }

    fn policy(&self, account: AccountRef, name: &Text) -> Result<PolicyRef, Box<Diagnostic>> {
        find_policy(&self.stack, account, name.get_ref())
            .ok_or_else(|| internal(span(name), "a policy reference"))
    }

    fn policies(
        &mut self,
        raw: &RawSpec,
        declared: &[Option<DeclaredPolicy>],
    ) -> Result<(), Box<Diagnostic>> {
        for (raw_policy, declared) in raw.policy.iter().zip(declared) {
            let raw_policy = raw_policy.get_ref();
            let account = self.account(&raw_policy.account)?;
            // The pattern has already created the policies it uses; the others are added here.
            let existing = find_policy(&self.stack, account, raw_policy.name.get_ref());
            let document = declared.as_ref().and_then(|d| d.document.clone());
            let policy = match (existing, document) {
                (Some(policy), _) => policy,
                (None, Some(document)) => self
                    .stack
                    .add_policy(account, raw_policy.name.get_ref(), document)
                    .map_err(|error| refused(span(&raw_policy.name), &error))?,
                (None, None) => return Err(internal(span(&raw_policy.name), "a policy")),
            };
            if let Some(path) = &raw_policy.path {
                self.stack
                    .set_policy_path(policy, path.get_ref())
                    .map_err(|error| refused(span(path), &error))?;
            }
            if let Some(description) = &raw_policy.description {
                self.stack
                    .set_policy_description(policy, description.get_ref())
                    .map_err(|error| refused(span(description), &error))?;
            }
        }
        Ok(())
    }

    /// Adds the next principal's inline policies, in the order the checks read them.
    fn inline(
        &mut self,
        principal: PrincipalRef,
        policies: &[Spanned<RawInline>],
    ) -> Result<(), Box<Diagnostic>> {
        let documents = self.inline.next().unwrap_or_default();
        for (policy, document) in policies.iter().zip(documents) {
            let name = &policy.get_ref().name;
            let document = document.ok_or_else(|| internal(span(name), "an inline policy"))?;
            self.stack
                .add_inline(
                    principal,
                    InlinePolicy {
                        name: name.get_ref().clone(),
                        document,
                    },
                )
                .map_err(|error| refused(span(name), &error))?;
        }
        Ok(())
    }

    fn path(
        &mut self,
        principal: PrincipalRef,
        path: Option<&Text>,
    ) -> Result<(), Box<Diagnostic>> {
        if let Some(path) = path {
            self.stack
                .set_path(principal, path.get_ref())
                .map_err(|error| refused(span(path), &error))?;
        }
        Ok(())
    }

    fn group(&mut self, group: &RawGroup) -> Result<(), Box<Diagnostic>> {
        let account = self.account(&group.account)?;
        let added = self
            .stack
            .add_group(account, group.name.get_ref())
            .map_err(|error| refused(span(&group.name), &error))?;
        for name in &group.attach {
            let policy = self.policy(account, name)?;
            self.stack.attach(added, policy);
        }
        self.inline(added.into(), &group.inline)?;
        self.path(added.into(), group.path.as_ref())
    }

    fn user(&mut self, user: &RawUser) -> Result<(), Box<Diagnostic>> {
        let account = self.account(&user.account)?;
        let added = if user.existing {
            self.stack.add_existing_user(account, user.name.get_ref())
        } else {
            self.stack.add_user(account, user.name.get_ref())
        }
        .map_err(|error| refused(span(&user.name), &error))?;
        for name in &user.groups {
            let group = find_group(&self.stack, account, name.get_ref())
                .ok_or_else(|| internal(span(name), "a group reference"))?;
            self.stack.add_to_group(added, group);
        }
        for name in &user.attach {
            let policy = self.policy(account, name)?;
            self.stack.attach(added, policy);
        }
        self.inline(added.into(), &user.inline)?;
        self.unmanaged(added.into(), &user.unmanaged)?;
        self.path(added.into(), user.path.as_ref())
    }

    fn unmanaged(
        &mut self,
        principal: PrincipalRef,
        entries: &[Text],
    ) -> Result<(), Box<Diagnostic>> {
        for entry in entries {
            let what = Unmanaged::from_name(entry.get_ref())
                .ok_or_else(|| internal(span(entry), "an `unmanaged` entry"))?;
            self.stack
                .leave_unmanaged(principal, what)
                .map_err(|error| refused(span(entry), &error))?;
        }
        Ok(())
    }

    fn role(
        &mut self,
        role: &RawRole,
        trust: Option<PolicyDocument>,
    ) -> Result<(), Box<Diagnostic>> {
        let account = self.account(&role.account)?;
        let trust = trust.ok_or_else(|| internal(span(&role.name), "a trust policy"))?;
        let added = self
            .stack
            .add_role(account, role.name.get_ref(), trust)
            .map_err(|error| refused(span(&role.name), &error))?;
        for name in &role.attach {
            let policy = self.policy(account, name)?;
            self.stack.attach(PrincipalRef::Role(added), policy);
        }
        if let Some(name) = &role.permissions_boundary {
            let boundary = self.policy(account, name)?;
            self.stack.role_mut(added).permissions_boundary = Some(boundary);
        }
        self.inline(added.into(), &role.inline)?;
        self.unmanaged(added.into(), &role.unmanaged)?;
        self.path(added.into(), role.path.as_ref())?;
        if let Some(description) = &role.description {
            self.stack
                .set_role_description(added, description.get_ref())
                .map_err(|error| refused(span(description), &error))?;
        }
        if let Some(seconds) = &role.max_session_duration {
            let checked = u32::try_from(*seconds.get_ref())
                .map_err(|_| StackError::SessionDuration(u32::MAX))
                .and_then(|duration| self.stack.set_max_session_duration(added, duration));
            checked.map_err(|error| refused(span(seconds), &error))?;
        }
        let mut tags: Vec<(&Text, &Text)> = role.tags.iter().collect();
        tags.sort_by_key(|(key, _)| key.span().start);
        for (key, value) in tags {
            self.stack
                .add_tag(added, key.get_ref(), value.get_ref())
                .map_err(|error| refused(span(key), &error))?;
        }
        Ok(())
    }
}

fn find_policy(stack: &Stack, account: AccountRef, name: &str) -> Option<PolicyRef> {
    stack
        .policies()
        .find(|(_, policy)| policy.account == account && policy.name == name)
        .map(|(policy, _)| policy)
}

fn find_group(stack: &Stack, account: AccountRef, name: &str) -> Option<GroupRef> {
    stack
        .groups()
        .find(|(_, group)| group.account == account && group.name == name)
        .map(|(group, _)| group)
}
