//! The spec's `[cross_account]` section: checked, and mapped onto the [`CrossAccount`] pattern.

use toml::Spanned;

use super::check::{DeclaredPolicy, Kind, Reader};
use super::raw::{RawBucket, RawCrossAccount, RawPatternRole, RawTrusted, Text, span};
use crate::codes;
use crate::names::ExternalId;
use crate::policy::PolicyDocument;
use crate::source::Span;
use crate::stack::BucketOrigin;
use crate::stack::cross_account::{AccountSpec, Assumers, CrossAccount, RoleSpec, TrustedSpec};

impl Reader<'_> {
    /// The pattern, when it is valid; declares the names it creates.
    pub(super) fn pattern(
        &mut self,
        pattern: &Spanned<RawCrossAccount>,
        policies: &[Option<DeclaredPolicy>],
        bucket_tables: &[Spanned<RawBucket>],
        bucket_origins: &[Option<BucketOrigin>],
    ) -> Option<CrossAccount> {
        let raw = pattern.get_ref();
        let errors = self.errors.len();
        let trusting = self.account(&raw.trusting);
        let role = self.pattern_role(raw.role.get_ref(), trusting, policies);
        let mut permissions = Vec::new();
        for name in self.each_once(&raw.permissions, "list each policy once") {
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
        let buckets = self.pattern_buckets(&raw.buckets, trusting, bucket_tables, bucket_origins);
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

    pub(super) fn account_spec(&self, account: usize) -> Option<AccountSpec> {
        let account = self.accounts.get(account)?;
        Some(AccountSpec {
            id: account.id.clone()?,
            name: account.name.clone(),
        })
    }

    pub(super) fn pattern_role(
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
    pub(super) fn pattern_policy(
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

    pub(super) fn check_external_id(&mut self, external_id: &Text) {
        self.accept(
            codes::INVALID_EXTERNAL_ID.name,
            external_id,
            ExternalId::check,
        );
    }

    pub(super) fn trusted(
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
                self.error(
                    codes::DUPLICATE_NAME.name,
                    format!("account `{}` is trusted twice", raw.account.get_ref()),
                    span(&raw.account),
                    "list each trusted account once, with everyone there who may assume the role",
                )
                .labels
                .push((first, "first trusted here".to_owned()));
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
    pub(super) fn existing_users(&mut self, raw: &RawTrusted, whole: bool) -> bool {
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
    pub(super) fn assumer_names(
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
    pub(super) fn assumers(
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
            self.error(
                codes::NOTHING_TO_NARROW_TO.name,
                format!(
                    "`narrow_to_principals` needs named principals in account `{}`, not the whole account",
                    raw.account.get_ref()
                ),
                span(whole),
                "name `users` or a `group` with `members`, or set `narrow_to_principals = false`",
            )
            .labels
            .push((span(narrow), "narrowing asked for here".to_owned()));
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
}
