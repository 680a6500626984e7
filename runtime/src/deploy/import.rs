//! Bringing existing IAM under iamgen: a role and the whole stack it belongs to, read through the SDK and
//! written as JSON, as an `iamgen.toml` spec, and as Rust source using the `policy!` macro.
//!
//! An import never plans a destroy. `plan` deletes what carries the stack's owner tag and the spec does not
//! declare, so a spec holding one role of a stack would delete the rest of it. The import is therefore a whole
//! stack of one account:
//!
//! - a role tagged `iamgen:stack = S` brings every role, user and customer managed policy tagged `S` in its
//!   account, and the spec says `stack = "S"`;
//! - a role without the tag is imported under a stack of its own, named by the caller or after the role, which
//!   the next plan adopts it into (it adds the tag); should that stack own items in the account already, they
//!   come too.
//!
//! With each role and user come the customer managed policies of the account attached to it or used as its
//! boundary, so that the next plan detaches nothing. IAM groups carry no tag, so no import knows which groups are
//! a stack's: groups are left out, and so the spec manages no group membership (users' groups are named in a
//! comment).

use crate::escape::toml_string;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::live::{Declared, LiveAccount, policy_and_default_document, read_account};
use super::session::Session;
use super::{DeployError, Missing, OWNER_TAG, failed};
use crate::lint::{self, IdentityPolicyUse, Options, PolicyKind};
use crate::render::escape::snake_name;
use crate::stack::{StackError, check_stack_name};
use crate::{AccountId, PolicyDocument, Severity};

/// A customer managed policy of the imported stack: one the stack owns, or one a role or user of it uses.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedPolicy {
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// Its path.
    pub path: String,
    /// Its description.
    pub description: Option<String>,
    /// The document of its default version.
    pub document: PolicyDocument,
    /// The value of its owner tag: the stack that owns it, if any. One other than the imported stack's is
    /// adopted by the next plan.
    pub owner: Option<String>,
}

/// A role as it is in its account.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRole {
    /// The role's name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// Its path.
    pub path: String,
    /// Its description.
    pub description: Option<String>,
    /// Its longest session, in seconds.
    pub max_session_duration: u32,
    /// Its trust policy.
    pub trust: PolicyDocument,
    /// Its tags, in key order, without iamgen's owner tag.
    pub tags: Vec<(String, String)>,
    /// The names of the customer managed policies of the account attached to it, in name order (each one is
    /// in [`ImportedStack::policies`]).
    pub attached: Vec<String>,
    /// The name of its permissions boundary, when it is a customer managed policy of the account.
    pub boundary: Option<String>,
    /// AWS managed policies and policies of other accounts attached to it: a stack has no such policies yet,
    /// so the spec and the Rust source name them in a comment only (the plan leaves them attached).
    pub foreign: Vec<String>,
    /// Its permissions boundary when it is not a customer managed policy of the account: a stack cannot
    /// declare it (see [`ImportedStack::notes`]).
    pub foreign_boundary: Option<String>,
    /// Its inline policies, in name order.
    pub inline: Vec<(String, PolicyDocument)>,
}

/// A user the imported stack owns, as it is in its account.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedUser {
    /// The user's name.
    pub name: String,
    /// Its path.
    pub path: String,
    /// The names of the customer managed policies of the account attached to it, in name order.
    pub attached: Vec<String>,
    /// AWS managed policies and policies of other accounts attached to it (named in a comment only).
    pub foreign: Vec<String>,
    /// Its inline policies, in name order.
    pub inline: Vec<(String, PolicyDocument)>,
    /// The groups it is in, by name: named in a comment only, since groups are not imported.
    pub groups: Vec<String>,
}

/// A stack of one account as it is there: what [`import_role`] reads.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedStack {
    /// The account.
    pub account: AccountId,
    /// The account's name in the spec: its IAM alias, or `account-<id>`.
    pub account_name: String,
    /// The stack's name: the value of the owner tag on what it owns.
    pub stack_name: String,
    /// The role the import was asked for.
    pub role: String,
    /// Whether that role carried no owner tag: the next plan adopts it into the stack (it adds the tag).
    pub adopted: bool,
    /// The roles, in name order: the one asked for and every other role the stack owns in the account.
    pub roles: Vec<ImportedRole>,
    /// The users the stack owns in the account, in name order.
    pub users: Vec<ImportedUser>,
    /// The customer managed policies, in name order: those the stack owns and those its roles and users use.
    pub policies: Vec<ImportedPolicy>,
}

/// Why an import cannot be made.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// Reading the account failed.
    #[error(transparent)]
    Deploy(#[from] DeployError),
    /// The stack name asked for is not the one the role belongs to: importing the role under it would take the
    /// role from its stack.
    #[error(
        "role {role} belongs to stack `{tagged}` (its tag {OWNER_TAG} = {tagged}), not to stack `{given}`: \
         imported under `{given}`, it would be taken from its stack"
    )]
    OtherStack {
        /// The role.
        role: String,
        /// The stack its owner tag names.
        tagged: String,
        /// The stack name asked for.
        given: String,
    },
    /// The stack name asked for cannot be the value of the owner tag.
    #[error(transparent)]
    StackName(#[from] StackError),
}

/// The stack name a role without an owner tag is imported under when none is given: the role's name, with the
/// one character of a role name a tag value cannot hold, `,`, as `-`.
#[must_use]
pub fn default_stack_name(role: &str) -> String {
    role.replace(',', "-")
}

/// A customer managed policy: the document of its default version, and its owner tag.
async fn read_policy(
    iam: &aws_sdk_iam::Client,
    id: &str,
    arn: &str,
) -> Result<ImportedPolicy, DeployError> {
    let (policy, document) = policy_and_default_document(iam, id, arn).await?;
    let tags = iam
        .list_policy_tags()
        .policy_arn(arn)
        .send()
        .await
        .map_err(failed(id, "ListPolicyTags"))?;
    let name = policy.policy_name().unwrap_or_default().to_owned();
    Ok(ImportedPolicy {
        document,
        name,
        path: policy.path().unwrap_or("/").to_owned(),
        description: policy
            .description()
            .filter(|text| !text.is_empty())
            .map(str::to_owned),
        arn: arn.to_owned(),
        owner: tags
            .tags()
            .iter()
            .find(|tag| tag.key() == OWNER_TAG)
            .map(|tag| tag.value().to_owned()),
    })
}

/// The name in a policy ARN.
fn policy_name(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_owned()
}

/// Splits attached policy ARNs into the names of the account's customer managed policies (noted in `local`)
/// and the ARNs of the others.
fn split_attached<'a>(
    arns: impl IntoIterator<Item = &'a String>,
    prefix: &str,
    local: &mut BTreeSet<String>,
) -> (Vec<String>, Vec<String>) {
    let mut names = Vec::new();
    let mut foreign = Vec::new();
    for arn in arns {
        if arn.starts_with(prefix) {
            local.insert(arn.clone());
            names.push(policy_name(arn));
        } else {
            foreign.push(arn.clone());
        }
    }
    names.sort();
    foreign.sort();
    (names, foreign)
}

/// The roles of `live` as the import gives them, their customer managed policies noted in `arns`.
fn imported_roles(
    live: &LiveAccount,
    prefix: &str,
    arns: &mut BTreeSet<String>,
) -> Vec<ImportedRole> {
    let mut roles = Vec::new();
    for (role_name, live_role) in &live.roles {
        let (attached, foreign) = split_attached(&live_role.attached, prefix, arns);
        let (boundary, foreign_boundary) = match &live_role.boundary {
            Some(arn) if arn.starts_with(prefix) => {
                arns.insert(arn.clone());
                (Some(policy_name(arn)), None)
            }
            Some(arn) => (None, Some(arn.clone())),
            None => (None, None),
        };
        roles.push(ImportedRole {
            name: role_name.clone(),
            arn: live_role.arn.clone(),
            path: live_role.path.clone(),
            description: live_role.description.clone(),
            max_session_duration: live_role.max_session_duration,
            trust: live_role.trust.clone(),
            tags: live_role
                .tags
                .iter()
                .filter(|(key, _)| *key != OWNER_TAG)
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
            attached,
            boundary,
            foreign,
            foreign_boundary,
            inline: live_role.inline.clone().into_iter().collect(),
        });
    }
    roles
}

/// The users of `live` as the import gives them, their customer managed policies noted in `arns`.
fn imported_users(
    live: &LiveAccount,
    prefix: &str,
    arns: &mut BTreeSet<String>,
) -> Vec<ImportedUser> {
    let mut users = Vec::new();
    for (user_name, live_user) in &live.users {
        let (attached, foreign) = split_attached(&live_user.attached, prefix, arns);
        users.push(ImportedUser {
            name: user_name.clone(),
            path: live_user.path.clone(),
            attached,
            foreign,
            inline: live_user.inline.clone().into_iter().collect(),
            groups: live_user.groups.iter().cloned().collect(),
        });
    }
    users
}

/// The role's name as IAM has it, its owner tag, and the stack to import it under.
async fn stack_of(
    iam: &aws_sdk_iam::Client,
    id: &str,
    name: &str,
    stack_name: Option<&str>,
) -> Result<(String, Option<String>, String), ImportError> {
    let got = iam
        .get_role()
        .role_name(name)
        .send()
        .await
        .map_err(failed(id, "GetRole"))?;
    let Some(role) = got.role() else {
        let missing = Missing::Role {
            account: id.to_owned(),
            role: name.to_owned(),
        };
        return Err(DeployError::Missing(missing).into());
    };
    // IAM finds a role whatever the case of the name asked for; the spec names it as IAM does.
    let name = role.role_name().to_owned();
    let tags = iam
        .list_role_tags()
        .role_name(&name)
        .send()
        .await
        .map_err(failed(id, "ListRoleTags"))?;
    let tagged = tags
        .tags()
        .iter()
        .find(|tag| tag.key() == OWNER_TAG)
        .map(|tag| tag.value().to_owned());
    let stack_name = match (&tagged, stack_name) {
        (Some(tagged), Some(given)) if tagged != given => {
            return Err(ImportError::OtherStack {
                role: name,
                tagged: tagged.clone(),
                given: given.to_owned(),
            });
        }
        (Some(tagged), _) => tagged.clone(),
        (None, Some(given)) => given.to_owned(),
        (None, None) => default_stack_name(&name),
    };
    check_stack_name(&stack_name)?;
    Ok((name, tagged, stack_name))
}

/// Reads the role `name` of `account` and the whole stack it belongs to there (see the module's docs).
///
/// `stack_name` is the stack to import a role without an owner tag under ([`default_stack_name`] when `None`);
/// for a role with the tag, it must be the tag's value or `None`.
pub async fn import_role(
    session: &Session,
    account: &AccountId,
    name: &str,
    stack_name: Option<&str>,
) -> Result<ImportedStack, ImportError> {
    let clients = session.clients(account).await?;
    let iam = &clients.iam;
    let id = account.as_str();
    let (name, tagged, stack_name) = stack_of(iam, id, name, stack_name).await?;

    // What `plan` reads for a spec that declares this role under this stack name: the role, and everything
    // the stack owns in the account.
    let declared = Declared {
        roles: BTreeSet::from([name.clone()]),
        ..Declared::default()
    };
    let live = read_account(&clients, id, &declared, &stack_name).await?;
    let account_name = iam
        .list_account_aliases()
        .send()
        .await
        .ok()
        .and_then(|aliases| aliases.account_aliases().first().cloned())
        .unwrap_or_else(|| format!("account-{account}"));

    // Customer managed policies of this account can be declared in the stack; others only named.
    let prefix = format!("arn:aws:iam::{account}:policy/");
    let mut arns: BTreeSet<String> = live.policies.values().map(|p| p.arn.clone()).collect();
    let roles = imported_roles(&live, &prefix, &mut arns);
    let users = imported_users(&live, &prefix, &mut arns);
    let mut policies = Vec::new();
    for arn in &arns {
        policies.push(read_policy(iam, id, arn).await?);
    }
    policies.sort_by(|a, b| a.name.cmp(&b.name));

    Ok(ImportedStack {
        account: account.clone(),
        account_name,
        stack_name,
        role: name,
        adopted: tagged.is_none(),
        roles,
        users,
        policies,
    })
}

/// A document as a TOML value: a multi-line literal string when the text allows it (it reads as the JSON
/// itself), a basic string otherwise.
fn toml_document(document: &PolicyDocument) -> String {
    let json = document.to_json();
    if json.contains("'''") || json.chars().any(|ch| ch.is_control() && ch != '\n') {
        toml_string(&json)
    } else {
        format!("'''\n{json}'''")
    }
}

/// A TOML array of strings.
fn toml_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| toml_string(item)).collect();
    format!("[{}]", items.join(", "))
}

/// A Rust raw string literal for `text`, with enough `#` that nothing in it can end the literal.
fn raw_string(text: &str) -> String {
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{text}\"{fence}")
}

/// A Rust string literal.
fn rust_string(text: &str) -> String {
    format!("{text:?}")
}

/// `1 role`, `3 roles`.
fn count(number: usize, noun: &str) -> String {
    if number == 1 {
        format!("1 {noun}")
    } else {
        format!("{number} {noun}s")
    }
}

/// A document as JSON, for [`ImportedStack::to_json`].
fn json_value(document: &PolicyDocument) -> serde_json::Value {
    serde_json::from_str(&document.to_json()).unwrap_or(serde_json::Value::Null)
}

fn json_inline(inline: &[(String, PolicyDocument)]) -> Vec<serde_json::Value> {
    inline
        .iter()
        .map(|(name, document)| serde_json::json!({ "name": name, "document": json_value(document) }))
        .collect()
}

/// The names of the Rust functions and variables of [`ImportedStack::to_rust`]: each unique, none a keyword,
/// none a name the `stack()` function uses for itself.
struct RustNames(BTreeSet<String>);

impl RustNames {
    fn new() -> Self {
        const TAKEN: &[&str] = &[
            "abstract", "account", "as", "async", "await", "become", "box", "break", "const",
            "continue", "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn",
            "for", "gen", "if", "impl", "in", "let", "loop", "macro", "main", "match", "mod",
            "move", "mut", "override", "policy", "priv", "pub", "ref", "return", "role", "self",
            "stack", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
            "unsafe", "unsized", "use", "user", "virtual", "where", "while", "yield",
        ];
        RustNames(TAKEN.iter().map(|name| (*name).to_owned()).collect())
    }

    /// A new name for `what`: its snake case, numbered when taken.
    fn unique(&mut self, what: &str) -> String {
        let base = snake_name(what);
        let mut name = base.clone();
        let mut number = 2;
        while self.0.contains(&name) {
            name = format!("{base}_{number}");
            number += 1;
        }
        self.0.insert(name.clone());
        name
    }
}

/// One document of the Rust source: its function, what it is, its kind and how the linter holds it.
struct RustDocument<'a> {
    function: String,
    what: String,
    kind: PolicyKind,
    usage: IdentityPolicyUse,
    document: &'a PolicyDocument,
}

impl ImportedStack {
    /// `imported stack iamgen from account 081278057606: 3 roles, 1 user, 2 policies`.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "imported stack {} from account {}: {}, {}, {}",
            self.stack_name,
            self.account,
            count(self.roles.len(), "role"),
            count(self.users.len(), "user"),
            count(self.policies.len(), "policy").replace("policys", "policies"),
        )
    }

    /// What the next plan of the imported spec will do, and what the spec leaves out, one sentence each;
    /// empty when the plan will be empty and nothing is left out.
    #[must_use]
    pub fn notes(&self) -> Vec<String> {
        let stack = &self.stack_name;
        let mut notes = Vec::new();
        if self.adopted {
            notes.push(format!(
                "role {} carries no {OWNER_TAG} tag: the next plan adopts it into stack {stack} (it adds the tag \
                 {OWNER_TAG} = {stack})",
                self.role
            ));
            let others = self.roles.len() - 1
                + self.users.len()
                + self
                    .policies
                    .iter()
                    .filter(|policy| policy.owner.as_deref() == Some(stack))
                    .count();
            if others > 0 {
                notes.push(format!(
                    "stack {stack} owns {} more in account {}: imported with the role",
                    count(others, "item"),
                    self.account
                ));
            }
        }
        for policy in &self.policies {
            match &policy.owner {
                Some(owner) if owner == stack => {}
                Some(owner) => notes.push(format!(
                    "policy {} is used by stack {stack} but belongs to stack {owner}: the next plan tags it as \
                     stack {stack}'s, taking it from stack {owner}",
                    policy.name
                )),
                None => notes.push(format!(
                    "policy {} is used by stack {stack} but carries no {OWNER_TAG} tag: the next plan adopts it \
                     into stack {stack} (it adds the tag)",
                    policy.name
                )),
            }
        }
        for role in &self.roles {
            if let Some(arn) = &role.foreign_boundary {
                notes.push(format!(
                    "role {} has the permissions boundary {arn}, which a stack cannot declare (AWS managed, or of \
                     another account): the next plan removes it",
                    role.name
                ));
            }
        }
        for user in &self.users {
            if !user.groups.is_empty() {
                notes.push(format!(
                    "user {} is in the groups {}: groups carry no owner tag and are not imported, so the spec \
                     leaves these memberships alone",
                    user.name,
                    user.groups.join(", ")
                ));
            }
        }
        notes
    }

    /// The stack as JSON: its settings and every document, the canonical form of each.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "account": self.account.as_str(),
            "account_name": self.account_name,
            "stack": self.stack_name,
            "role": self.role,
            "adopted": self.adopted,
            "roles": self.roles.iter().map(|role| serde_json::json!({
                "name": role.name,
                "arn": role.arn,
                "path": role.path,
                "description": role.description,
                "max_session_duration": role.max_session_duration,
                "tags": role.tags.iter().map(|(k, v)| serde_json::json!({ "key": k, "value": v })).collect::<Vec<_>>(),
                "trust": json_value(&role.trust),
                "permissions_boundary": role.boundary,
                "other_permissions_boundary": role.foreign_boundary,
                "managed_policies": role.attached,
                "other_managed_policies": role.foreign,
                "inline_policies": json_inline(&role.inline),
            })).collect::<Vec<_>>(),
            "users": self.users.iter().map(|user| serde_json::json!({
                "name": user.name,
                "path": user.path,
                "managed_policies": user.attached,
                "other_managed_policies": user.foreign,
                "inline_policies": json_inline(&user.inline),
                "groups": user.groups,
            })).collect::<Vec<_>>(),
            "policies": self.policies.iter().map(|policy| serde_json::json!({
                "name": policy.name,
                "arn": policy.arn,
                "path": policy.path,
                "description": policy.description,
                "owner": policy.owner,
                "document": json_value(&policy.document),
            })).collect::<Vec<_>>(),
        })
    }

    /// The stack as an `iamgen.toml` spec: its name, its account, its policies, users and roles. Read back
    /// with [`crate::stack::spec::from_toml`], it plans no destroy against the account it came from, and no
    /// change at all but the adoptions [`ImportedStack::notes`] lists.
    #[must_use]
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Imported by `iamgen import` from account {}, role {}:\n\
             # the stack {}, everything that carries the tag {OWNER_TAG} = {} there.\n\
             # The format is documented in docs/spec.md.",
            self.account, self.role, self.stack_name, self.stack_name
        );
        for note in self.notes() {
            let _ = writeln!(out, "# Note: {note}.");
        }
        let _ = writeln!(out, "\nstack = {}\n", toml_string(&self.stack_name));
        let account = toml_string(&self.account_name);
        let _ = writeln!(
            out,
            "[[account]]\nname = {account}\nid = \"{}\"\n",
            self.account
        );
        for policy in &self.policies {
            let description = policy.description.as_deref();
            toml_item(
                &mut out,
                "policy",
                &policy.name,
                &account,
                &policy.path,
                description,
            );
            let _ = writeln!(out, "document = {}\n", toml_document(&policy.document));
        }
        for user in &self.users {
            toml_foreign(&mut out, &user.foreign);
            if !user.groups.is_empty() {
                let _ = writeln!(
                    out,
                    "# In the groups {} (groups are not imported).",
                    user.groups.join(", ")
                );
            }
            toml_item(&mut out, "user", &user.name, &account, &user.path, None);
            if !user.attached.is_empty() {
                let _ = writeln!(out, "attach = {}", toml_list(&user.attached));
            }
            toml_inline(&mut out, "user", &user.inline);
            out.push('\n');
        }
        for role in &self.roles {
            toml_foreign(&mut out, &role.foreign);
            let description = role.description.as_deref();
            toml_item(
                &mut out,
                "role",
                &role.name,
                &account,
                &role.path,
                description,
            );
            if role.max_session_duration != 3_600 {
                let _ = writeln!(out, "max_session_duration = {}", role.max_session_duration);
            }
            if let Some(boundary) = &role.boundary {
                let _ = writeln!(out, "permissions_boundary = {}", toml_string(boundary));
            }
            if !role.tags.is_empty() {
                let tags: Vec<String> = role
                    .tags
                    .iter()
                    .map(|(key, value)| format!("{} = {}", toml_string(key), toml_string(value)))
                    .collect();
                let _ = writeln!(out, "tags = {{ {} }}", tags.join(", "));
            }
            if !role.attached.is_empty() {
                let _ = writeln!(out, "attach = {}", toml_list(&role.attached));
            }
            let _ = writeln!(out, "trust = {}", toml_document(&role.trust));
            toml_inline(&mut out, "role", &role.inline);
            out.push('\n');
        }
        // One line break at the end, as a formatter leaves it.
        while out.ends_with("\n\n") {
            out.pop();
        }
        out
    }

    /// Every document, with its function's name (unique, snake case), what it is and how it is linted.
    fn rust_documents(&self, names: &mut RustNames) -> Vec<RustDocument<'_>> {
        let mut documents = Vec::new();
        for policy in &self.policies {
            documents.push(RustDocument {
                function: names.unique(&policy.name),
                what: format!("policy {}", policy.name),
                kind: PolicyKind::Identity,
                usage: IdentityPolicyUse::Managed,
                document: &policy.document,
            });
        }
        for user in &self.users {
            for (name, document) in &user.inline {
                let what = format!("{} inline {name}", user.name);
                documents.push(RustDocument {
                    function: names.unique(&what),
                    what: format!("inline policy {name} of user {}", user.name),
                    kind: PolicyKind::Identity,
                    usage: IdentityPolicyUse::InlineUser,
                    document,
                });
            }
        }
        for role in &self.roles {
            let what = format!("{} trust", role.name);
            documents.push(RustDocument {
                function: names.unique(&what),
                what: format!("trust policy of role {}", role.name),
                kind: PolicyKind::Trust,
                usage: IdentityPolicyUse::Managed,
                document: &role.trust,
            });
            for (name, document) in &role.inline {
                let what = format!("{} inline {name}", role.name);
                documents.push(RustDocument {
                    function: names.unique(&what),
                    what: format!("inline policy {name} of role {}", role.name),
                    kind: PolicyKind::Identity,
                    usage: IdentityPolicyUse::InlineRole,
                    document,
                });
            }
        }
        documents
    }

    /// The stack as Rust source: each document through `policy!`, checked when the source compiles, and a
    /// function `stack()` that builds the [`Stack`](crate::stack::Stack). A document with a linter error (IAM
    /// accepted it, the linter does not) is read at run time instead, with the findings in a comment, so that
    /// the source compiles and the problem is in view.
    #[must_use]
    pub fn to_rust(&self) -> String {
        let mut out = String::new();
        let mut uses_macro = false;
        let mut names = RustNames::new();
        let documents = self.rust_documents(&mut names);
        for note in self.notes() {
            let _ = writeln!(out, "// Note: {note}.");
        }
        if !self.notes().is_empty() {
            out.push('\n');
        }
        for document in &documents {
            let _ = writeln!(
                out,
                "/// The {}, as it is in account {}.",
                document.what, self.account
            );
            let _ = writeln!(
                out,
                "#[must_use]\npub fn {}() -> PolicyDocument {{",
                document.function
            );
            let options = Options {
                identity_use: document.usage,
                ..Options::default()
            };
            let findings = lint::lint_document(document.document, document.kind, &options);
            let errors: Vec<String> = findings
                .iter()
                .filter(|finding| finding.severity == Severity::Error)
                .map(|finding| format!("{}: {}", finding.code, finding.message))
                .collect();
            let json = document.document.to_json();
            if errors.is_empty() {
                let kind = match document.kind {
                    PolicyKind::Trust => "trust",
                    _ => "identity",
                };
                let body = json.trim_end().replace('\n', "\n    ");
                // `policy!` knows no inline use and checks the managed quota: allowed where the inline one holds.
                let allow = if lint::size_without_whitespace(document.document)
                    > IdentityPolicyUse::Managed.quota()
                {
                    format!(
                        ", allow({})",
                        lint::codes::POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA
                    )
                } else {
                    String::new()
                };
                let _ = writeln!(out, "    policy!({kind}{allow} {body}).document()\n}}\n");
                uses_macro = true;
            } else {
                for error in errors {
                    let _ = writeln!(out, "    // {}", error.replace('\n', " "));
                }
                let _ = writeln!(
                    out,
                    "    PolicyDocument::from_json({}).unwrap_or_else(|error| unreachable!(\"read from IAM: {{error}}\"))\n}}\n",
                    raw_string(&json)
                );
            }
        }
        self.rust_stack(&mut out, &documents);

        let has_inline = self.roles.iter().any(|role| !role.inline.is_empty())
            || self.users.iter().any(|user| !user.inline.is_empty());
        let stack_items = if has_inline {
            "{InlinePolicy, Stack, StackError}"
        } else {
            "{Stack, StackError}"
        };
        let crate_items = if uses_macro {
            "{AccountId, PolicyDocument, policy}"
        } else {
            "{AccountId, PolicyDocument}"
        };
        format!(
            "// Imported by `iamgen import` from account {}: the stack {}.\n\nuse iamgen::stack::{stack_items};\nuse iamgen::{crate_items};\n\n{out}",
            self.account, self.stack_name
        )
    }

    /// The `stack()` function of [`ImportedStack::to_rust`]. Each policy's variable is named as its function:
    /// the variable shadows the function only once the function has been called.
    fn rust_stack(&self, out: &mut String, documents: &[RustDocument<'_>]) {
        let mut functions = documents.iter().map(|document| document.function.as_str());
        let _ = writeln!(
            *out,
            "/// The stack {} of account {}: {}, {} and {}.\npub fn stack() -> Result<Stack, StackError> {{\n    let mut stack = Stack::new();\n    stack.set_name({})?;\n    let account = stack.add_account(\n        AccountId::parse(\"{}\").unwrap_or_else(|_| unreachable!(\"read from IAM\")),\n        {},\n    );",
            self.stack_name,
            self.account,
            count(self.roles.len(), "role"),
            count(self.users.len(), "user"),
            count(self.policies.len(), "policy").replace("policys", "policies"),
            rust_string(&self.stack_name),
            self.account,
            rust_string(&self.account_name),
        );
        let variables = self.rust_policies(out, &mut functions);
        let variable = |name: &str| variables.get(name).copied().unwrap_or_default();
        for user in &self.users {
            let mut body = String::new();
            if user.path != "/" {
                stack_call(&mut body, "set_path", &["user", &rust_string(&user.path)]);
            }
            for policy in &user.attached {
                let _ = writeln!(body, "    stack.attach(user, {});", variable(policy));
            }
            rust_inline(&mut body, "user", &user.inline, &mut functions);
            let add = format!("stack.add_user(account, {})?;", rust_string(&user.name));
            rust_item(out, "user", &add, &body);
        }
        for role in &self.roles {
            let trust = functions.next().unwrap_or_default();
            let mut body = String::new();
            if role.path != "/" {
                stack_call(&mut body, "set_path", &["role", &rust_string(&role.path)]);
            }
            if let Some(description) = &role.description {
                let description = rust_string(description);
                stack_call(&mut body, "set_role_description", &["role", &description]);
            }
            if role.max_session_duration != 3_600 {
                let seconds = role.max_session_duration.to_string();
                stack_call(&mut body, "set_max_session_duration", &["role", &seconds]);
            }
            for (key, value) in &role.tags {
                let (key, value) = (rust_string(key), rust_string(value));
                stack_call(&mut body, "add_tag", &["role", &key, &value]);
            }
            if let Some(boundary) = &role.boundary {
                let _ = writeln!(
                    body,
                    "    stack.role_mut(role).permissions_boundary = Some({});",
                    variable(boundary)
                );
            }
            for policy in &role.attached {
                let _ = writeln!(body, "    stack.attach(role, {});", variable(policy));
            }
            rust_inline(&mut body, "role", &role.inline, &mut functions);
            let add = format!(
                "stack.add_role(account, {}, {trust}())?;",
                rust_string(&role.name)
            );
            rust_item(out, "role", &add, &body);
        }
        out.push_str("    Ok(stack)\n}\n");
    }

    /// The policies of `stack()`, each bound to a variable when a role or user uses it or a setting follows:
    /// the variables, by policy name.
    fn rust_policies<'s>(
        &'s self,
        out: &mut String,
        functions: &mut dyn Iterator<Item = &'s str>,
    ) -> BTreeMap<&'s str, &'s str> {
        let used: BTreeSet<&str> = self
            .roles
            .iter()
            .flat_map(|role| role.attached.iter().chain(&role.boundary))
            .chain(self.users.iter().flat_map(|user| &user.attached))
            .map(String::as_str)
            .collect();
        let mut variables = BTreeMap::new();
        for policy in &self.policies {
            let function = functions.next().unwrap_or_default();
            let mut settings = String::new();
            if policy.path != "/" {
                let path = rust_string(&policy.path);
                stack_call(&mut settings, "set_policy_path", &[function, &path]);
            }
            if let Some(description) = &policy.description {
                let description = rust_string(description);
                stack_call(
                    &mut settings,
                    "set_policy_description",
                    &[function, &description],
                );
            }
            let add = format!(
                "stack.add_policy(account, {}, {function}())?;",
                rust_string(&policy.name)
            );
            if settings.is_empty() && !used.contains(policy.name.as_str()) {
                let _ = writeln!(out, "    {add}");
            } else {
                let _ = writeln!(out, "    let {function} = {add}");
                out.push_str(&settings);
            }
            variables.insert(policy.name.as_str(), function);
        }
        variables
    }
}

/// One line of `stack()`: `stack.METHOD(ARGS)?;`.
fn stack_call(out: &mut String, method: &str, args: &[&str]) {
    let _ = writeln!(out, "    stack.{method}({})?;", args.join(", "));
}

/// One `add_user` or `add_role` of `stack()`, bound to `variable` only when `body` uses it.
fn rust_item(out: &mut String, variable: &str, add: &str, body: &str) {
    if body.is_empty() {
        let _ = writeln!(out, "    {add}");
    } else {
        let _ = writeln!(out, "    let {variable} = {add}");
        out.push_str(body);
    }
}

/// The `add_inline` calls of a user or role (`holder`, its variable), each document from the next function.
fn rust_inline(
    out: &mut String,
    holder: &str,
    policies: &[(String, PolicyDocument)],
    functions: &mut dyn Iterator<Item = &str>,
) {
    for (name, _) in policies {
        let function = functions.next().unwrap_or_default();
        let _ = writeln!(
            out,
            "    stack.add_inline(\n        {holder},\n        InlinePolicy {{\n            name: {}.to_owned(),\n            document: {function}(),\n        }},\n    )?;",
            rust_string(name)
        );
    }
}

/// Comments naming attached policies a stack cannot declare.
/// `[[KIND]]` and the keys every item has: its name and account, its path unless `/`, its description if any.
fn toml_item(
    out: &mut String,
    kind: &str,
    name: &str,
    account: &str,
    path: &str,
    description: Option<&str>,
) {
    let _ = writeln!(
        out,
        "[[{kind}]]\nname = {}\naccount = {account}",
        toml_string(name)
    );
    if path != "/" {
        let _ = writeln!(out, "path = {}", toml_string(path));
    }
    if let Some(description) = description {
        let _ = writeln!(out, "description = {}", toml_string(description));
    }
}

fn toml_foreign(out: &mut String, foreign: &[String]) {
    if !foreign.is_empty() {
        out.push_str(
            "# Also attached, but not declarable in a stack (AWS managed, or of another account):\n",
        );
        for arn in foreign {
            let _ = writeln!(out, "#   {arn}");
        }
    }
}

/// The `[[<holder>.inline]]` tables of a user or role.
fn toml_inline(out: &mut String, holder: &str, inline: &[(String, PolicyDocument)]) {
    for (name, document) in inline {
        let _ = writeln!(
            out,
            "\n[[{holder}.inline]]\nname = {}\ndocument = {}",
            toml_string(name),
            toml_document(document)
        );
    }
}
