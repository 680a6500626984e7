//! Bringing an existing role under iamgen: its trust, attached managed policies, inline policies, boundary,
//! tags and settings, read through the SDK and written as JSON, as an `iamgen.toml` spec, and as Rust source
//! using the `policy!` macro.

use std::fmt::Write as _;

use super::live::{document, role_description, role_inline_policies, role_max_session_duration};
use super::session::Session;
use super::{DeployError, OWNER_TAG, failed};
use crate::lint::{self, IdentityPolicyUse, Options, PolicyKind};
use crate::render::escape::snake_name;
use crate::{AccountId, PolicyDocument, Severity};

/// A customer managed policy the role uses (attached, or as its boundary).
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
}

/// A role as it is in its account.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRole {
    /// The account.
    pub account: AccountId,
    /// The account's name in the spec: its IAM alias, or `account-<id>`.
    pub account_name: String,
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
    /// The customer managed policies attached to it, in name order.
    pub attached: Vec<ImportedPolicy>,
    /// Its permissions boundary, when it is a customer managed policy.
    pub boundary: Option<ImportedPolicy>,
    /// AWS managed policies and policies of other accounts attached to it: a stack has no such policies yet,
    /// so the spec and the Rust source name them in a comment only.
    pub foreign: Vec<String>,
    /// Its inline policies, in name order.
    pub inline: Vec<(String, PolicyDocument)>,
}

/// A customer managed policy and the document of its default version.
async fn read_policy(
    iam: &aws_sdk_iam::Client,
    id: &str,
    arn: &str,
) -> Result<ImportedPolicy, DeployError> {
    let policy = iam
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(failed(id, "GetPolicy"))?;
    let policy = policy
        .policy()
        .ok_or_else(|| DeployError::Missing(format!("no policy {arn}")))?;
    let version = policy.default_version_id().unwrap_or("v1");
    let text = iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
        .map_err(failed(id, "GetPolicyVersion"))?;
    let text = text
        .policy_version()
        .and_then(|version| version.document())
        .unwrap_or("{}");
    let name = policy.policy_name().unwrap_or_default().to_owned();
    Ok(ImportedPolicy {
        document: document(text, &format!("the policy {name}"))?,
        name,
        path: policy.path().unwrap_or("/").to_owned(),
        description: policy
            .description()
            .filter(|text| !text.is_empty())
            .map(str::to_owned),
        arn: arn.to_owned(),
    })
}

/// Reads the role `name` of `account`.
pub async fn import_role(
    session: &Session,
    account: &AccountId,
    name: &str,
) -> Result<ImportedRole, DeployError> {
    let clients = session.clients(account).await?;
    let iam = &clients.iam;
    let id = account.as_str();
    let got = iam
        .get_role()
        .role_name(name)
        .send()
        .await
        .map_err(failed(id, "GetRole"))?;
    let Some(role) = got.role() else {
        return Err(DeployError::Missing(format!(
            "account {account} has no role {name}"
        )));
    };
    let account_name = iam
        .list_account_aliases()
        .send()
        .await
        .ok()
        .and_then(|aliases| aliases.account_aliases().first().cloned())
        .unwrap_or_else(|| format!("account-{account}"));
    let tags = iam
        .list_role_tags()
        .role_name(name)
        .send()
        .await
        .map_err(failed(id, "ListRoleTags"))?;
    let mut tags: Vec<(String, String)> = tags
        .tags()
        .iter()
        .filter(|tag| tag.key() != OWNER_TAG)
        .map(|tag| (tag.key().to_owned(), tag.value().to_owned()))
        .collect();
    tags.sort();

    // Customer managed policies of this account can be declared in the stack; others only named.
    let local = format!("arn:aws:iam::{account}:policy/");

    let attached_arns = iam
        .list_attached_role_policies()
        .role_name(name)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(failed(id, "ListAttachedRolePolicies"))?;
    let mut attached = Vec::new();
    let mut foreign = Vec::new();
    for arn in attached_arns.iter().filter_map(|p| p.policy_arn()) {
        if arn.starts_with(&local) {
            attached.push(read_policy(iam, id, arn).await?);
        } else {
            foreign.push(arn.to_owned());
        }
    }
    attached.sort_by(|a, b| a.name.cmp(&b.name));
    foreign.sort();
    let boundary = match role
        .permissions_boundary()
        .and_then(|boundary| boundary.permissions_boundary_arn())
    {
        Some(arn) if arn.starts_with(&local) => Some(read_policy(iam, id, arn).await?),
        Some(arn) => {
            foreign.push(format!("{arn} (permissions boundary)"));
            None
        }
        None => None,
    };

    // In name order, as the map keeps them.
    let inline = role_inline_policies(iam, id, name)
        .await?
        .into_iter()
        .collect();

    Ok(ImportedRole {
        account: account.clone(),
        account_name,
        name: name.to_owned(),
        arn: role.arn().to_owned(),
        path: role.path().to_owned(),
        description: role_description(role),
        max_session_duration: role_max_session_duration(role),
        trust: document(
            role.assume_role_policy_document().unwrap_or("{}"),
            &format!("the trust policy of role {name}"),
        )?,
        tags,
        attached,
        boundary,
        foreign,
        inline,
    })
}

/// A TOML basic string: quoted, with escapes for `"`, `\` and control characters.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ch if ch.is_control() => {
                let _ = write!(out, "\\u{:04X}", ch as u32);
            }
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
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

/// A Rust raw string literal for `text`, with enough `#` that nothing in it can end the literal.
fn raw_string(text: &str) -> String {
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{text}\"{fence}")
}

impl ImportedRole {
    /// Every document of the role, with the name the outputs give it and its kind.
    fn documents(&self) -> Vec<(String, PolicyKind, &PolicyDocument)> {
        let mut documents = vec![(
            format!("{} trust", self.name),
            PolicyKind::Trust,
            &self.trust,
        )];
        for policy in self.boundary.iter().chain(&self.attached) {
            documents.push((policy.name.clone(), PolicyKind::Identity, &policy.document));
        }
        for (name, document) in &self.inline {
            documents.push((
                format!("{} inline {name}", self.name),
                PolicyKind::Identity,
                document,
            ));
        }
        documents
    }

    /// The role as JSON: its settings and every document, the canonical form of each.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        let value = |document: &PolicyDocument| {
            serde_json::from_str::<serde_json::Value>(&document.to_json())
                .unwrap_or(serde_json::Value::Null)
        };
        let policy = |policy: &ImportedPolicy| {
            serde_json::json!({
                "name": policy.name,
                "arn": policy.arn,
                "path": policy.path,
                "description": policy.description,
                "document": value(&policy.document),
            })
        };
        serde_json::json!({
            "account": self.account.as_str(),
            "role": {
                "name": self.name,
                "arn": self.arn,
                "path": self.path,
                "description": self.description,
                "max_session_duration": self.max_session_duration,
                "tags": self.tags.iter().map(|(k, v)| serde_json::json!({ "key": k, "value": v })).collect::<Vec<_>>(),
                "trust": value(&self.trust),
            },
            "permissions_boundary": self.boundary.as_ref().map(policy),
            "managed_policies": self.attached.iter().map(policy).collect::<Vec<_>>(),
            "other_managed_policies": self.foreign,
            "inline_policies": self.inline.iter().map(|(name, document)| serde_json::json!({ "name": name, "document": value(document) })).collect::<Vec<_>>(),
        })
    }

    /// The role as an `iamgen.toml` spec: its account, the customer managed policies it uses, and the role.
    /// Read back with [`crate::stack::spec::from_toml`], it plans no change against the account it came from.
    #[must_use]
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Imported by `iamgen import` from {}.\n# The format is documented in docs/spec.md.\n",
            self.arn
        );
        if !self.foreign.is_empty() {
            out.push_str("# Also attached, but not declarable in a stack (AWS managed, or of another account):\n");
            for arn in &self.foreign {
                let _ = writeln!(out, "#   {arn}");
            }
            out.push('\n');
        }
        let account = toml_string(&self.account_name);
        let _ = writeln!(
            out,
            "[[account]]\nname = {account}\nid = \"{}\"\n",
            self.account
        );
        for policy in self.boundary.iter().chain(&self.attached) {
            let _ = writeln!(
                out,
                "[[policy]]\nname = {}\naccount = {account}",
                toml_string(&policy.name)
            );
            if policy.path != "/" {
                let _ = writeln!(out, "path = {}", toml_string(&policy.path));
            }
            if let Some(description) = &policy.description {
                let _ = writeln!(out, "description = {}", toml_string(description));
            }
            let _ = writeln!(out, "document = {}\n", toml_document(&policy.document));
        }
        let _ = writeln!(
            out,
            "[[role]]\nname = {}\naccount = {account}",
            toml_string(&self.name)
        );
        if self.path != "/" {
            let _ = writeln!(out, "path = {}", toml_string(&self.path));
        }
        if let Some(description) = &self.description {
            let _ = writeln!(out, "description = {}", toml_string(description));
        }
        if self.max_session_duration != 3_600 {
            let _ = writeln!(out, "max_session_duration = {}", self.max_session_duration);
        }
        if let Some(boundary) = &self.boundary {
            let _ = writeln!(
                out,
                "permissions_boundary = {}",
                toml_string(&boundary.name)
            );
        }
        if !self.tags.is_empty() {
            let tags: Vec<String> = self
                .tags
                .iter()
                .map(|(key, value)| format!("{} = {}", toml_string(key), toml_string(value)))
                .collect();
            let _ = writeln!(out, "tags = {{ {} }}", tags.join(", "));
        }
        if !self.attached.is_empty() {
            let names: Vec<String> = self.attached.iter().map(|p| toml_string(&p.name)).collect();
            let _ = writeln!(out, "attach = [{}]", names.join(", "));
        }
        let _ = writeln!(out, "trust = {}", toml_document(&self.trust));
        for (name, document) in &self.inline {
            let _ = writeln!(
                out,
                "\n[[role.inline]]\nname = {}\ndocument = {}",
                toml_string(name),
                toml_document(document)
            );
        }
        out
    }

    /// The role as Rust source: each document through `policy!`, checked when the source compiles, and a
    /// function that builds the [`Stack`](crate::stack::Stack). A document with a linter error (IAM accepted
    /// it, the linter does not) is read at run time instead, with the findings in a comment, so that the
    /// source compiles and the problem is in view.
    #[must_use]
    pub fn to_rust(&self) -> String {
        let mut out = String::new();
        let mut uses_macro = false;
        if !self.foreign.is_empty() {
            out.push_str("// Also attached, but not declarable in a stack (AWS managed, or of another account):\n");
            for arn in &self.foreign {
                let _ = writeln!(out, "//   {arn}");
            }
            out.push('\n');
        }
        let mut functions = Vec::new();
        let first_inline = 1 + usize::from(self.boundary.is_some()) + self.attached.len();
        for (index, (what, kind, document)) in self.documents().into_iter().enumerate() {
            // Terraform names and Rust function names follow the same rules: lowercase words joined by `_`.
            let function = snake_name(&what);
            let _ = writeln!(out, "/// {what}, as it is in account {}.", self.account);
            let _ = writeln!(out, "#[must_use]\npub fn {function}() -> PolicyDocument {{");
            // An inline role policy is held to the role's inline quota, not to a managed policy's.
            let inline = index >= first_inline;
            let options = Options {
                identity_use: if inline {
                    IdentityPolicyUse::InlineRole
                } else {
                    IdentityPolicyUse::Managed
                },
                ..Options::default()
            };
            let findings = lint::lint_document(document, kind, &options);
            let errors: Vec<String> = findings
                .iter()
                .filter(|finding| finding.severity == Severity::Error)
                .map(|finding| format!("{}: {}", finding.code, finding.message))
                .collect();
            let json = document.to_json();
            if errors.is_empty() {
                let kind = match kind {
                    PolicyKind::Trust => "trust",
                    _ => "identity",
                };
                let body = json.trim_end().replace('\n', "\n    ");
                // `policy!` knows no inline use and checks the managed quota: allowed where the inline one holds.
                let allow = if inline
                    && lint::size_without_whitespace(document) > IdentityPolicyUse::Managed.quota()
                {
                    ", allow(POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA)"
                } else {
                    ""
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
            functions.push(function);
        }
        self.rust_stack(&mut out, &functions);

        let stack_items = if self.inline.is_empty() {
            "{Stack, StackError}"
        } else {
            "{InlinePolicy, Stack, StackError}"
        };
        let crate_items = if uses_macro {
            "{AccountId, PolicyDocument, policy}"
        } else {
            "{AccountId, PolicyDocument}"
        };
        format!(
            "// Imported by `iamgen import` from {}.\n\nuse iamgen::stack::{stack_items};\nuse iamgen::{crate_items};\n\n{out}",
            self.arn
        )
    }

    /// The `stack()` function of [`ImportedRole::to_rust`]: `functions` are the documents' functions, in the
    /// order of [`ImportedRole::documents`].
    fn rust_stack(&self, out: &mut String, functions: &[String]) {
        let mut function = functions.iter();
        let trust = function.next().cloned().unwrap_or_default();
        let _ = writeln!(
            *out,
            "/// The stack of account {} with the role {} and the policies it uses.\npub fn stack() -> Result<Stack, StackError> {{\n    let mut stack = Stack::new();\n    let account = stack.add_account(\n        AccountId::parse(\"{}\").unwrap_or_else(|_| unreachable!(\"read from IAM\")),\n        {},\n    );\n    let role = stack.add_role(account, {}, {trust}())?;",
            self.account,
            self.name,
            self.account,
            rust_string(&self.account_name),
            rust_string(&self.name),
        );
        if self.path != "/" {
            let _ = writeln!(
                out,
                "    stack.set_path(role, {})?;",
                rust_string(&self.path)
            );
        }
        if let Some(description) = &self.description {
            let _ = writeln!(
                out,
                "    stack.set_role_description(role, {})?;",
                rust_string(description)
            );
        }
        if self.max_session_duration != 3_600 {
            let _ = writeln!(
                out,
                "    stack.set_max_session_duration(role, {})?;",
                self.max_session_duration
            );
        }
        for (key, value) in &self.tags {
            let _ = writeln!(
                out,
                "    stack.add_tag(role, {}, {})?;",
                rust_string(key),
                rust_string(value)
            );
        }
        if let Some(boundary) = &self.boundary {
            let name = function.next().cloned().unwrap_or_default();
            let _ = writeln!(
                out,
                "    let boundary = stack.add_policy(account, {}, {name}())?;",
                rust_string(&boundary.name)
            );
            out.push_str("    stack.role_mut(role).permissions_boundary = Some(boundary);\n");
            policy_settings(out, boundary, "boundary");
        }
        for policy in &self.attached {
            let name = function.next().cloned().unwrap_or_default();
            let _ = writeln!(
                out,
                "    let policy = stack.add_policy(account, {}, {name}())?;",
                rust_string(&policy.name)
            );
            policy_settings(out, policy, "policy");
            out.push_str("    stack.attach(role, policy);\n");
        }
        for (inline, _) in &self.inline {
            let name = function.next().cloned().unwrap_or_default();
            let _ = writeln!(
                out,
                "    stack.add_inline(\n        role,\n        InlinePolicy {{\n            name: {}.to_owned(),\n            document: {name}(),\n        }},\n    )?;",
                rust_string(inline)
            );
        }
        out.push_str("    Ok(stack)\n}\n");
    }
}

fn policy_settings(out: &mut String, policy: &ImportedPolicy, variable: &str) {
    if policy.path != "/" {
        let _ = writeln!(
            out,
            "    stack.set_policy_path({variable}, {})?;",
            rust_string(&policy.path)
        );
    }
    if let Some(description) = &policy.description {
        let _ = writeln!(
            out,
            "    stack.set_policy_description({variable}, {})?;",
            rust_string(description)
        );
    }
}

/// A Rust string literal.
fn rust_string(text: &str) -> String {
    format!("{text:?}")
}
