//! Building the stack from a checked spec.

use toml::Spanned;

use super::check::{DeclaredPolicy, Plan, Reader};
use super::raw::{RawGroup, RawInline, RawRole, RawSpec, RawUser, Text, span};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::policy::PolicyDocument;
use crate::source::Span;
use crate::stack::{
    AccountRef, GroupRef, InlinePolicy, PolicyRef, PrincipalRef, Stack, StackError, Unmanaged,
};

impl Reader<'_> {
    /// The stack, once every check has passed: the pattern's stack, then the declared items it did not create.
    pub(super) fn build(&self, raw: &RawSpec, plan: Plan) -> Result<Stack, Box<Diagnostic>> {
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
