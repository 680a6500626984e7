//! The checking pass: every name, reference, path, tag and setting of a spec, as AWS and the stack check them,
//! collecting every error.

use std::collections::HashMap;
use std::path::Path;

use toml::Spanned;

use super::error::PolicyFileError;
use super::raw::{RawAccount, RawSpec, Tags, Text, span};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::names::{
    BucketName, GroupName, IamPath, NameError, PolicyDescription, PolicyName, PolicyPath,
    RoleDescription, RoleName, TagKey, TagValue, UserName,
};
use crate::policy::{AccountId, PolicyDocument};
use crate::source::Span;
use crate::stack::cross_account::CrossAccount;
use crate::stack::{BucketOrigin, StackError, USER_TAGS_UNMANAGED, Unmanaged};
use crate::suggest;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
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

pub(super) struct DeclaredAccount {
    pub(super) name: String,
    pub(super) id: Option<AccountId>,
    pub(super) span: Span,
}

/// A name declared in the spec (or created by the pattern), for duplicates and references.
pub(super) struct Entry {
    pub(super) kind: Kind,
    pub(super) account: Option<usize>,
    pub(super) name: String,
    pub(super) span: Span,
}

pub(super) struct DeclaredPolicy {
    pub(super) name: String,
    pub(super) account: usize,
    pub(super) document: Option<PolicyDocument>,
}

/// What the checks hand to the build: the pattern, and the declared policies with their documents.
pub(super) struct Plan {
    pub(super) pattern: Option<CrossAccount>,
    /// The origin of each `[[bucket]]` table.
    pub(super) buckets: Vec<Option<BucketOrigin>>,
    pub(super) policies: Vec<Option<DeclaredPolicy>>,
    pub(super) roles: Vec<Option<PolicyDocument>>,
    pub(super) inline: Vec<Vec<Option<PolicyDocument>>>,
}

pub(super) struct Reader<'s> {
    pub(super) source: &'s str,
    pub(super) base_dir: &'s Path,
    pub(super) errors: Vec<Diagnostic>,
    pub(super) files: Vec<PolicyFileError>,
    pub(super) accounts: Vec<DeclaredAccount>,
    pub(super) names: Vec<Entry>,
    /// `names` by kind, account (none for buckets, whose names are global) and name without case, to the
    /// entry: a search of every earlier name for each new one made reading a spec quadratic.
    pub(super) declared: HashMap<(Kind, Option<usize>, String), usize>,
}

impl Reader<'_> {
    /// Reports an error with `help`; returned so that a caller can label another place it concerns (where a
    /// name was first declared).
    pub(super) fn error(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        at: Span,
        help: impl Into<String>,
    ) -> &mut Diagnostic {
        let index = self.errors.len();
        self.errors
            .push(Diagnostic::error(code, message, at, None).with_help(help));
        &mut self.errors[index]
    }

    /// Every check, collecting every error; what the build needs when there are none.
    pub(super) fn check(&mut self, raw: &RawSpec) -> Plan {
        if let Some(name) = &raw.stack
            && let Err(error) = crate::stack::check_stack_name(name.get_ref())
        {
            let message = match &error {
                StackError::StackName(error) => error.to_string(),
                other => other.to_string(),
            };
            self.error(
                codes::INVALID_NAME.name,
                message,
                span(name),
                crate::stack::STACK_NAME_RULE,
            );
        }
        for account in &raw.account {
            self.declare_account(account.get_ref());
        }
        let mut policies = Vec::new();
        for policy in &raw.policy {
            policies.push(self.declare_policy(policy));
        }
        // Before the pattern, whose `buckets` may name them.
        let buckets = self.declare_buckets(&raw.bucket);
        let pattern = raw
            .cross_account
            .as_ref()
            .and_then(|pattern| self.pattern(pattern, &policies, &raw.bucket, &buckets));
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
        self.check_log_targets(&raw.bucket);
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
            buckets,
            policies,
            roles,
            inline,
        }
    }

    pub(super) fn declare_account(&mut self, account: &RawAccount) {
        let name = account.name.get_ref();
        if name.trim().is_empty() {
            self.error(
                codes::INVALID_NAME.name,
                "the account name is empty",
                span(&account.name),
                "name the account for people, as in `name = \"Stuzio\"`",
            );
        }
        if let Some(first) = self
            .accounts
            .iter()
            .find(|a| a.name == *name)
            .map(|a| a.span)
        {
            self.error(
                codes::DUPLICATE_NAME.name,
                format!("account `{name}` is declared twice"),
                span(&account.name),
                "declare each account once; everything else refers to it by name",
            )
            .labels
            .push((first, "first declared here".to_owned()));
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

    pub(super) fn account_id(&mut self, id: &Spanned<toml::Value>) -> Option<AccountId> {
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
    pub(super) fn account(&mut self, reference: &Text) -> Option<usize> {
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
    pub(super) fn account_quietly(&self, reference: &Text) -> Option<usize> {
        self.accounts
            .iter()
            .position(|a| a.name == *reference.get_ref())
    }

    pub(super) fn account_name(&self, account: Option<usize>) -> &str {
        account
            .and_then(|account| self.accounts.get(account))
            .map_or("", |a| a.name.as_str())
    }

    /// Declares a name: checks it against IAM's rules and against the names already declared.
    pub(super) fn declare(&mut self, kind: Kind, account: Option<usize>, name: &Text) -> bool {
        let valid = if kind == Kind::Bucket {
            self.check_bucket(name)
        } else {
            self.check_name(kind, name)
        };
        let text = name.get_ref();
        // IAM compares names without case (`names::same_iam_name`): the key is the name in lower case.
        let key = (
            kind,
            if kind == Kind::Bucket { None } else { account },
            text.to_ascii_lowercase(),
        );
        let duplicate = if text.is_empty() {
            None
        } else {
            self.declared.get(&key).map(|index| &self.names[*index])
        };
        if let Some(first) = duplicate.map(|first| first.span) {
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
            self.error(codes::DUPLICATE_NAME.name, message, span(name), help)
                .labels
                .push((first, "first declared here".to_owned()));
            return false;
        }
        if !text.is_empty() {
            self.declared.insert(key, self.names.len());
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
    /// Whether `text` passes `check`, one of the IAM naming rules; the problem is reported under `code`
    /// otherwise.
    pub(super) fn accept(
        &mut self,
        code: &'static str,
        text: &Text,
        check: impl FnOnce(&str) -> Result<(), NameError>,
    ) -> bool {
        match check(text.get_ref()) {
            Ok(()) => true,
            Err(error) => {
                self.error(code, error.message(), span(text), error.help());
                false
            }
        }
    }

    pub(super) fn check_name(&mut self, kind: Kind, name: &Text) -> bool {
        let check = match kind {
            Kind::User => UserName::check,
            Kind::Group => GroupName::check,
            Kind::Role => RoleName::check,
            Kind::Policy => PolicyName::check,
            Kind::Bucket => return self.check_bucket(name),
        };
        self.accept(codes::INVALID_NAME.name, name, check)
    }

    pub(super) fn check_bucket(&mut self, name: &Text) -> bool {
        self.accept(codes::INVALID_BUCKET_NAME.name, name, BucketName::check)
    }

    /// The path of a user, group or role, `/` when not given.
    pub(super) fn check_path(&mut self, path: Option<&Text>) -> String {
        let Some(path) = path else {
            return "/".to_owned();
        };
        self.accept(codes::INVALID_PATH.name, path, IamPath::check);
        path.get_ref().clone()
    }

    /// The path of a managed policy, whose rule is stricter than a principal's.
    pub(super) fn check_policy_path(&mut self, path: Option<&Text>) {
        if let Some(path) = path {
            self.accept(codes::INVALID_PATH.name, path, PolicyPath::check);
        }
    }

    pub(super) fn check_description(&mut self, description: Option<&Text>) -> Option<String> {
        let description = description?;
        self.accept(
            codes::INVALID_DESCRIPTION.name,
            description,
            RoleDescription::check,
        );
        Some(description.get_ref().clone())
    }

    pub(super) fn check_policy_description(&mut self, description: Option<&Text>) {
        if let Some(description) = description {
            self.accept(
                codes::INVALID_DESCRIPTION.name,
                description,
                PolicyDescription::check,
            );
        }
    }

    pub(super) fn check_session(&mut self, duration: Option<&Spanned<i64>>) -> Option<u32> {
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

    pub(super) fn check_tags(&mut self, tags: &Tags) -> Vec<(String, String)> {
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
            self.accept(codes::INVALID_TAG.name, key, TagKey::check);
            self.accept(codes::INVALID_TAG.name, value, TagValue::check);
            // IAM ignores case in the tag keys of roles: `Project` and `project` are one key.
            let lower = key.get_ref().to_lowercase();
            if let Some((first, _)) = entries[..index]
                .iter()
                .find(|(first, _)| first.get_ref().to_lowercase() == lower)
            {
                self.error(
                    codes::DUPLICATE_KEY.name,
                    format!(
                        "tag key `{}` is given twice: IAM takes it for `{}`",
                        key.get_ref(),
                        first.get_ref()
                    ),
                    span(key),
                    "IAM ignores case in a role's tag keys; keep one of the two",
                )
                .labels
                .push((span(first), "first given here".to_owned()));
            }
        }
        entries
            .into_iter()
            .map(|(key, value)| (key.get_ref().clone(), value.get_ref().clone()))
            .collect()
    }

    /// `unmanaged = [...]` of a role or user: known kinds, each once, and no `tags` on a user.
    pub(super) fn check_unmanaged(&mut self, entries: &[Text], kind: Kind) {
        for entry in self.each_once(entries, "list each kind once") {
            let text = entry.get_ref().as_str();
            match Unmanaged::from_name(text) {
                Some(Unmanaged::Tags) if kind == Kind::User => {
                    self.error(
                        codes::INVALID_UNMANAGED.name,
                        "a user cannot leave `tags` unmanaged",
                        span(entry),
                        format!("{USER_TAGS_UNMANAGED}; remove `\"tags\"`"),
                    );
                }
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
    pub(super) fn references(
        &mut self,
        kind: Kind,
        account: Option<usize>,
        names: &[Text],
        what: &str,
    ) {
        let Some(account) = account else {
            return;
        };
        for name in self.each_once(names, "list each name once") {
            self.reference(kind, account, name, what);
        }
    }

    /// The entries of a list, each once: an entry listed again is reported, with `help` (what to list once),
    /// and left out.
    pub(super) fn each_once<'t>(&mut self, entries: &'t [Text], help: &str) -> Vec<&'t Text> {
        let mut seen: Vec<&str> = Vec::new();
        let mut once = Vec::with_capacity(entries.len());
        for entry in entries {
            let text = entry.get_ref().as_str();
            if seen.contains(&text) {
                self.error(
                    codes::DUPLICATE_NAME.name,
                    format!("`{text}` is listed twice"),
                    span(entry),
                    help,
                );
            } else {
                seen.push(text);
                once.push(entry);
            }
        }
        once
    }

    pub(super) fn reference(
        &mut self,
        kind: Kind,
        account: usize,
        name: &Text,
        what: &str,
    ) -> bool {
        let text = name.get_ref();
        let here = |n: &&Entry| n.kind == kind && n.account == Some(account) && !n.name.is_empty();
        // Found through the index (a reference names exactly what was declared); only a miss, which is an
        // error, searches the names for the closest.
        let key = (kind, Some(account), text.to_ascii_lowercase());
        if self
            .declared
            .get(&key)
            .is_some_and(|index| self.names[*index].name == *text)
        {
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
}
