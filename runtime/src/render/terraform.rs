//! Terraform: a root module with one aliased provider per account, a file per account, variables with
//! validation, outputs and a README. Values that name another resource of the stack (a role's ARN in a
//! policy, a bucket's ARN, an account's root) are written as Terraform references, so the two halves of the
//! pattern cannot drift apart.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Value as Json, json};

use super::escape::snake_name;
use super::value::{References, Value, align_hcl};
use super::{RenderError, Renderer, account_aliases};
use crate::escape::{comment_text, hcl_string, markdown_cell};
use crate::stack::{
    Account, AccountRef, BucketEncryption, BucketRef, ByAccount, PrincipalRef, Stack, UserRef,
};

/// The command that regenerates the output, written into every file's header.
pub(crate) const COMMAND: &str = "iamgen generate";

/// Terraform names, unique per resource type across the module.
struct Names {
    taken: HashSet<(String, String)>,
}

impl Names {
    fn new() -> Self {
        Names {
            taken: HashSet::new(),
        }
    }

    fn name(&mut self, kind: &str, preferred: &str, alias: &str) -> String {
        // A role's and a policy's name are also the names of their `<name>_arn` outputs, which share one
        // namespace: a role and a policy named alike must not get the same name.
        let namespace = match kind {
            "aws_iam_role" | "aws_iam_policy" => "arn outputs",
            kind => kind,
        };
        let base = snake_name(preferred);
        let mut candidate = base.clone();
        let mut counter = 2;
        while !self.taken.insert((namespace.to_owned(), candidate.clone())) {
            candidate = if counter == 2 {
                format!("{alias}_{base}")
            } else {
                format!("{alias}_{base}_{counter}")
            };
            counter += 1;
        }
        candidate
    }
}

/// Strings of the stack that are better written as references.
struct TfReferences {
    exact: HashMap<String, String>,
    /// `(prefix, reference)`: `arn:aws:s3:::bucket/` followed by anything.
    prefixes: Vec<(String, String)>,
    /// The resource being written: a reference to itself would be a cycle.
    exclude: Option<String>,
}

impl References for TfReferences {
    fn reference(&self, text: &str) -> Option<String> {
        if let Some(reference) = self.exact.get(text)
            && self.exclude.as_deref() != Some(reference.as_str())
        {
            return Some(reference.clone());
        }
        let (prefix, reference) = self
            .prefixes
            .iter()
            .find(|(prefix, _)| text.starts_with(prefix.as_str()))?;
        let rest = hcl_string(&text[prefix.len()..]);
        Some(format!("\"${{{reference}}}/{}", &rest[1..]))
    }
}

/// A template's data object from owned values: `json!` would copy each of them (the policies' HCL among them).
fn moved<const N: usize>(entries: [(&str, Json); N]) -> Json {
    Json::Object(
        entries
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    )
}

pub(super) fn render(
    renderer: &Renderer,
    stack: &Stack,
) -> Result<BTreeMap<String, String>, RenderError> {
    let mut module = Module::new(stack);
    let mut files = BTreeMap::new();
    module.shared_files(renderer, &mut files)?;
    for (index, (account_ref, account)) in stack.accounts().enumerate() {
        let alias = module.aliases[index].clone();
        let text = module.account_file(renderer, account_ref, account, &alias)?;
        put(&mut files, &format!("{alias}.tf"), text);
    }
    Ok(files)
}

/// Adds `terraform/<name>`, aligned as `terraform fmt` aligns it if it is a `.tf` file.
fn put(files: &mut BTreeMap<String, String>, name: &str, text: String) {
    files.insert(
        format!("terraform/{name}"),
        if std::path::Path::new(name)
            .extension()
            .is_some_and(|ext| ext == "tf")
        {
            align_hcl(&text)
        } else {
            text
        },
    );
}

/// `value` (an object) with the header's members (version, command) added.
fn with_header(header: &Json, mut value: Json) -> Json {
    if let (Json::Object(map), Json::Object(head)) = (&mut value, header) {
        map.extend(head.clone());
    }
    value
}

/// The module while it is written: the Terraform name of every item, and the references to them.
struct Module<'a> {
    stack: &'a Stack,
    aliases: Vec<String>,
    by_account: ByAccount,
    names: Names,
    /// The stack's buckets by name, for the logging targets that are among them.
    bucket_by_name: HashMap<&'a str, BucketRef>,
    /// Terraform names, by index of the item in the stack.
    buckets: Vec<String>,
    policies: Vec<String>,
    roles: Vec<String>,
    users: Vec<String>,
    groups: Vec<String>,
    references: TfReferences,
    header: Json,
}

impl<'a> Module<'a> {
    fn new(stack: &'a Stack) -> Self {
        let aliases = account_aliases(stack);
        let mut names = Names::new();
        let alias_of = |account: AccountRef| -> &str { &aliases[account.index()] };
        // Names first, so that references can point anywhere.
        let buckets: Vec<String> = stack
            .buckets()
            .map(|(_, bucket)| names.name("aws_s3_bucket", &bucket.name, alias_of(bucket.account)))
            .collect();
        let policies: Vec<String> = stack
            .policies()
            .map(|(_, policy)| names.name("aws_iam_policy", &policy.name, alias_of(policy.account)))
            .collect();
        let roles: Vec<String> = stack
            .roles()
            .map(|(_, role)| names.name("aws_iam_role", &role.name, alias_of(role.account)))
            .collect();
        let users: Vec<String> = stack
            .users()
            .map(|(_, user)| names.name("aws_iam_user", &user.name, alias_of(user.account)))
            .collect();
        let groups: Vec<String> = stack
            .groups()
            .map(|(_, group)| names.name("aws_iam_group", &group.name, alias_of(group.account)))
            .collect();
        let mut module = Module {
            stack,
            bucket_by_name: stack
                .buckets()
                .map(|(bucket_ref, bucket)| (bucket.name.as_str(), bucket_ref))
                .collect(),
            by_account: ByAccount::new(stack),
            names,
            buckets,
            policies,
            roles,
            users,
            groups,
            references: TfReferences {
                exact: HashMap::new(),
                prefixes: Vec::new(),
                exclude: None,
            },
            header: json!({ "version": env!("CARGO_PKG_VERSION"), "command": COMMAND }),
            aliases,
        };
        module.add_references();
        module
    }

    /// Every account id and root, and every ARN of an item of the stack, as a reference.
    fn add_references(&mut self) {
        let stack = self.stack;
        let references = &mut self.references;
        for (index, (_, account)) in stack.accounts().enumerate() {
            let variable = format!("var.{}_account_id", self.aliases[index]);
            references.exact.insert(
                account.id.root_arn("aws"),
                format!("\"arn:aws:iam::${{{variable}}}:root\""),
            );
            references.exact.insert(account.id.to_string(), variable);
        }
        for ((_, bucket), tf) in stack.buckets().zip(&self.buckets) {
            let arn = format!("arn:aws:s3:::{}", bucket.name);
            // A bucket that exists already is read by the data source of the same name.
            let source = if bucket.is_existing() { "data." } else { "" };
            let reference = format!("{source}aws_s3_bucket.{tf}.arn");
            references.exact.insert(arn.clone(), reference.clone());
            references.prefixes.push((format!("{arn}/"), reference));
        }
        for ((policy, _), tf) in stack.policies().zip(&self.policies) {
            references
                .exact
                .insert(stack.policy_arn(policy), format!("aws_iam_policy.{tf}.arn"));
        }
        for ((role, _), tf) in stack.roles().zip(&self.roles) {
            references
                .exact
                .insert(stack.role_arn(role), format!("aws_iam_role.{tf}.arn"));
        }
        for ((user_ref, user), tf) in stack.users().zip(&self.users) {
            let source = if user.existing { "data." } else { "" };
            references.exact.insert(
                stack.user_arn(user_ref),
                format!("{source}aws_iam_user.{tf}.arn"),
            );
        }
    }

    fn user_name(&self, user: UserRef) -> String {
        user_name(self.stack, &self.users, user)
    }

    /// The files of the whole module: versions, providers, variables, outputs and the README.
    fn shared_files(
        &self,
        renderer: &Renderer,
        files: &mut BTreeMap<String, String>,
    ) -> Result<(), RenderError> {
        let stack = self.stack;
        let accounts_view: Vec<Json> = stack
            .accounts()
            .enumerate()
            .map(|(index, (_, account))| {
                json!({
                    "alias": self.aliases[index],
                    "name": markdown_cell(&account.name),
                    "id": account.id.as_str(),
                    "description": hcl_string(&format!("The id of the {} account.", account.name)),
                })
            })
            .collect();
        let roles_view: Vec<Json> = stack
            .roles()
            .zip(&self.roles)
            .map(|((_, role), tf)| {
                json!({
                    "tf": tf,
                    "plain_name": role.name,
                    "duration": role.max_session_duration.unwrap_or(3_600),
                    "description": hcl_string(&format!("The maximum session duration of the role {}, in seconds.", role.name)),
                })
            })
            .collect();
        let output_roles: Vec<Json> = stack
            .roles()
            .zip(&self.roles)
            .map(|((_, role), tf)| json!({ "tf": tf, "plain_name": role.name, "description": hcl_string(&format!("The ARN of the role {}.", role.name)) }))
            .collect();
        let output_policies: Vec<Json> = stack
            .policies()
            .zip(&self.policies)
            .map(|((_, policy), tf)| json!({ "tf": tf, "plain_name": policy.name, "description": hcl_string(&format!("The ARN of the policy {}.", policy.name)) }))
            .collect();
        let existing_buckets: Vec<Json> = stack
            .buckets()
            .filter(|(_, bucket)| bucket.is_existing())
            .map(|(_, bucket)| {
                json!({
                    "name": markdown_cell(&bucket.name),
                    "account": markdown_cell(&stack.account(bucket.account).name),
                })
            })
            .collect();
        let existing_users: Vec<Json> = stack
            .users()
            .filter(|(_, user)| user.existing)
            .map(|(_, user)| {
                json!({
                    "name": markdown_cell(&user.name),
                    "account": markdown_cell(&stack.account(user.account).name),
                })
            })
            .collect();

        let header = &self.header;
        put(
            files,
            "versions.tf",
            renderer.render_template("terraform/versions.tf", header.clone())?,
        );
        put(
            files,
            "providers.tf",
            renderer.render_template(
                "terraform/providers.tf",
                with_header(header, json!({ "accounts": accounts_view })),
            )?,
        );
        put(
            files,
            "variables.tf",
            renderer.render_template(
                "terraform/variables.tf",
                with_header(
                    header,
                    json!({ "accounts": accounts_view, "roles": roles_view }),
                ),
            )?,
        );
        put(
            files,
            "outputs.tf",
            renderer.render_template(
                "terraform/outputs.tf",
                with_header(
                    header,
                    json!({ "roles": output_roles, "policies": output_policies }),
                ),
            )?,
        );
        put(
            files,
            "README.md",
            renderer.render_template(
                "terraform/README.md",
                with_header(header, json!({ "accounts": accounts_view, "roles": output_roles, "policies": output_policies, "existing_users": existing_users, "existing_buckets": existing_buckets })),
            )?,
        );
        Ok(())
    }

    /// One account's file. Resource names are handed out in the order of the file.
    fn account_file(
        &mut self,
        renderer: &Renderer,
        account_ref: AccountRef,
        account: &Account,
        alias: &str,
    ) -> Result<String, RenderError> {
        let (buckets_view, existing_buckets) = self.bucket_views(account_ref);
        let policies_view = self.policy_views(account_ref);
        let (roles_view, role_attachments) = self.role_views(account_ref, alias);
        let (groups_view, group_attachments) = self.group_views(account_ref, alias);
        let users = self.user_views(account_ref, alias);
        let inline_policies = self.inline_policy_views(account_ref, alias);
        let view = with_header(
            &self.header,
            moved([
                (
                    "account",
                    json!({ "alias": alias, "title": comment_text(&format!("{} ({})", account.name, account.id)) }),
                ),
                ("buckets", Json::Array(buckets_view)),
                ("existing_buckets", Json::Array(existing_buckets)),
                ("policies", Json::Array(policies_view)),
                ("roles", Json::Array(roles_view)),
                ("role_attachments", Json::Array(role_attachments)),
                ("groups", Json::Array(groups_view)),
                ("group_attachments", Json::Array(group_attachments)),
                ("users", Json::Array(users.new)),
                ("existing_users", Json::Array(users.existing)),
                ("user_attachments", Json::Array(users.attachments)),
                ("memberships", Json::Array(users.memberships)),
                ("inline_policies", Json::Array(inline_policies)),
            ]),
        );
        renderer.render_template("terraform/account.tf", view)
    }

    /// The buckets the account's file creates, with their settings, and those it reads.
    fn bucket_views(&self, account_ref: AccountRef) -> (Vec<Json>, Vec<Json>) {
        let mut created = Vec::new();
        let mut existing = Vec::new();
        for (bucket_ref, bucket) in self.by_account.buckets(self.stack, account_ref) {
            let tf = &self.buckets[bucket_ref.index()];
            let Some(settings) = bucket.settings() else {
                existing.push(json!({ "tf": tf, "name": hcl_string(&bucket.name) }));
                continue;
            };
            let (algorithm, key) = match &settings.encryption {
                BucketEncryption::SseS3 => ("AES256", None),
                BucketEncryption::Kms { key } => ("aws:kms", key.as_ref()),
            };
            let logging = settings.logging.as_ref().map(|logging| {
                json!({
                    "target": self.bucket_id(account_ref, logging.target.as_str()),
                    "prefix": hcl_string(logging.prefix.as_str()),
                })
            });
            created.push(json!({
                "tf": tf,
                "name": hcl_string(&bucket.name),
                "versioning": settings.versioning,
                "algorithm": algorithm,
                "kms": algorithm == "aws:kms",
                "kms_key": key.map(|key| hcl_string(key.as_str())),
                "logging": logging,
            }));
        }
        (created, existing)
    }

    /// How the account's file names the bucket `name`: a reference to the bucket's id when the stack has it
    /// in this account (created or read), its name otherwise.
    fn bucket_id(&self, account_ref: AccountRef, name: &str) -> String {
        let Some(&bucket_ref) = self.bucket_by_name.get(name) else {
            return hcl_string(name);
        };
        let bucket = self.stack.bucket(bucket_ref);
        if bucket.account != account_ref {
            return hcl_string(name);
        }
        let source = if bucket.is_existing() { "data." } else { "" };
        format!(
            "{source}aws_s3_bucket.{}.id",
            self.buckets[bucket_ref.index()]
        )
    }

    fn policy_views(&self, account_ref: AccountRef) -> Vec<Json> {
        self.by_account
            .policies(self.stack, account_ref)
            .map(|(policy_ref, policy)| {
                let tf = &self.policies[policy_ref.index()];
                moved([
                    ("tf", Json::from(tf.as_str())),
                    ("name", Json::String(hcl_string(&policy.name))),
                    ("path", Json::String(hcl_string(&policy.path))),
                    (
                        "description",
                        policy.description.as_deref().map(hcl_string).into(),
                    ),
                    (
                        "policy",
                        Json::String(
                            Value::of_policy(&policy.document).to_hcl(1, &self.references),
                        ),
                    ),
                ])
            })
            .collect()
    }

    /// The roles, and the attachments of managed policies to them.
    fn role_views(&mut self, account_ref: AccountRef, alias: &str) -> (Vec<Json>, Vec<Json>) {
        let stack = self.stack;
        let mut roles_view = Vec::new();
        let mut role_attachments = Vec::new();
        for (role_ref, role) in self.by_account.roles(stack, account_ref) {
            let tf = &self.roles[role_ref.index()];
            self.references.exclude = Some(format!("aws_iam_role.{tf}.arn"));
            let trust = Value::of_policy(&role.trust).to_hcl(1, &self.references);
            self.references.exclude = None;
            let boundary = role
                .permissions_boundary
                .map(|policy| format!("aws_iam_policy.{}.arn", self.policies[policy.index()]));
            let tags: Vec<Json> = role
                .tags
                .iter()
                .map(|(key, value)| json!({ "key": hcl_string(key), "value": hcl_string(value) }))
                .collect();
            roles_view.push(moved([
                ("tf", Json::from(tf.as_str())),
                ("name", Json::String(hcl_string(&role.name))),
                ("path", Json::String(hcl_string(&role.path))),
                (
                    "description",
                    role.description.as_deref().map(hcl_string).into(),
                ),
                ("boundary", boundary.into()),
                ("trust", Json::String(trust)),
                (
                    "tags",
                    if tags.is_empty() {
                        Json::Null
                    } else {
                        Json::Array(tags)
                    },
                ),
            ]));
            for policy in stack.attached(PrincipalRef::Role(role_ref)) {
                let policy_tf = &self.policies[policy.index()];
                role_attachments.push(json!({
                    "tf": self.names.name("aws_iam_role_policy_attachment", &format!("{tf}_{policy_tf}"), alias),
                    "role": format!("aws_iam_role.{tf}.name"),
                    "policy": format!("aws_iam_policy.{policy_tf}.arn"),
                }));
            }
        }
        (roles_view, role_attachments)
    }

    /// The groups, and the attachments of managed policies to them.
    fn group_views(&mut self, account_ref: AccountRef, alias: &str) -> (Vec<Json>, Vec<Json>) {
        let stack = self.stack;
        let mut groups_view = Vec::new();
        let mut group_attachments = Vec::new();
        for (group_ref, group) in self.by_account.groups(stack, account_ref) {
            let tf = &self.groups[group_ref.index()];
            groups_view.push(json!({ "tf": tf, "name": hcl_string(&group.name), "path": hcl_string(&group.path) }));
            for policy in stack.attached(PrincipalRef::Group(group_ref)) {
                let policy_tf = &self.policies[policy.index()];
                group_attachments.push(json!({
                    "tf": self.names.name("aws_iam_group_policy_attachment", &format!("{tf}_{policy_tf}"), alias),
                    "group": format!("aws_iam_group.{tf}.name"),
                    "policy": format!("aws_iam_policy.{policy_tf}.arn"),
                }));
            }
        }
        (groups_view, group_attachments)
    }

    fn user_views(&mut self, account_ref: AccountRef, alias: &str) -> UserViews {
        let stack = self.stack;
        let mut views = UserViews::default();
        for (user_ref, user) in self.by_account.users(stack, account_ref) {
            let tf = &self.users[user_ref.index()];
            if user.existing {
                views
                    .existing
                    .push(json!({ "tf": tf, "name": hcl_string(&user.name) }));
            } else {
                views.new.push(
                    json!({ "tf": tf, "name": hcl_string(&user.name), "path": hcl_string(&user.path) }),
                );
            }
            for policy in stack.attached(PrincipalRef::User(user_ref)) {
                let policy_tf = &self.policies[policy.index()];
                views.attachments.push(json!({
                    "tf": self.names.name("aws_iam_user_policy_attachment", &format!("{tf}_{policy_tf}"), alias),
                    "user": self.user_name(user_ref),
                    "policy": format!("aws_iam_policy.{policy_tf}.arn"),
                }));
            }
            if !user.groups.is_empty() {
                let group_refs: Vec<String> = user
                    .groups
                    .iter()
                    .map(|group| format!("aws_iam_group.{}.name", self.groups[group.index()]))
                    .collect();
                views.memberships.push(json!({
                    "tf": self.names.name("aws_iam_user_group_membership", tf, alias),
                    "user": self.user_name(user_ref),
                    "groups": group_refs.join(", "),
                }));
            }
        }
        views
    }

    /// Inline policies as resources of their own: the `inline_policy` block of `aws_iam_role` is deprecated.
    fn inline_policy_views(&mut self, account_ref: AccountRef, alias: &str) -> Vec<Json> {
        let Module {
            stack,
            by_account,
            names,
            roles,
            users,
            groups,
            references,
            ..
        } = self;
        let stack = *stack;
        let owners = by_account
            .roles(stack, account_ref)
            .map(|(role_ref, role)| {
                let tf = &roles[role_ref.index()];
                ("role", tf, format!("aws_iam_role.{tf}.name"), &role.inline)
            })
            .chain(
                by_account
                    .groups(stack, account_ref)
                    .map(|(group_ref, group)| {
                        let tf = &groups[group_ref.index()];
                        (
                            "group",
                            tf,
                            format!("aws_iam_group.{tf}.name"),
                            &group.inline,
                        )
                    }),
            )
            .chain(
                by_account
                    .users(stack, account_ref)
                    .map(|(user_ref, user)| {
                        (
                            "user",
                            &users[user_ref.index()],
                            user_name(stack, users, user_ref),
                            &user.inline,
                        )
                    }),
            );
        let mut inline_policies = Vec::new();
        for (kind, owner_tf, owner, policies) in owners {
            let resource = format!("aws_iam_{kind}_policy");
            for policy in policies {
                inline_policies.push(moved([
                    ("resource", Json::from(resource.as_str())),
                    (
                        "tf",
                        Json::String(names.name(
                            &resource,
                            &format!("{owner_tf}_{}", policy.name),
                            alias,
                        )),
                    ),
                    ("owner_key", Json::from(kind)),
                    ("owner", Json::String(owner.clone())),
                    ("name", Json::String(hcl_string(&policy.name))),
                    (
                        "policy",
                        Json::String(Value::of_policy(&policy.document).to_hcl(1, &*references)),
                    ),
                ]));
            }
        }
        inline_policies
    }
}

/// How other resources name a user: the resource's `name`, or the data source's `user_name` for a user that
/// exists already (`users` holds the Terraform names).
fn user_name(stack: &Stack, users: &[String], user: UserRef) -> String {
    let tf = &users[user.index()];
    if stack.user(user).existing {
        format!("data.aws_iam_user.{tf}.user_name")
    } else {
        format!("aws_iam_user.{tf}.name")
    }
}

/// One account's users: new ones, ones that exist already, their policy attachments and group memberships.
#[derive(Default)]
struct UserViews {
    new: Vec<Json>,
    existing: Vec<Json>,
    attachments: Vec<Json>,
    memberships: Vec<Json>,
}
