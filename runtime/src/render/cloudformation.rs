//! CloudFormation: one template per account in YAML and in JSON, and for each account whose role other
//! accounts trust, a StackSet template that rolls that role out to every account of an organizational unit.
//!
//! Values that name a resource of the same template become `Ref`/`Fn::GetAtt`; values that name another
//! account become `Fn::Sub` over a parameter for its id (with an `AllowedPattern`), since stacks in different
//! accounts cannot reference each other.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::json;

use super::escape::logical_id;
use super::value::{Key, Value};
use super::{RenderError, Renderer, account_aliases};
use crate::PolicyDocument;
use crate::escape::{comment_text, markdown_cell, policy_literal, sub_literal};
use crate::policy::{ConditionValue, Principal};
use crate::stack::{
    Account, AccountRef, BucketEncryption, ByAccount, GroupRef, InlinePolicy, PolicyRef,
    PrincipalRef, Role, Stack, User,
};

mod split;

/// CloudFormation's limits on one template.
const MAX_RESOURCES: usize = 500;
const MAX_OUTPUTS: usize = 200;
const MAX_PARAMETERS: usize = 200;
const MAX_BYTES: usize = 1_000_000;

fn object(entries: Vec<(&'static str, Value)>) -> Value {
    Value::object(entries)
}

fn reference(name: &str) -> Value {
    object(vec![("Ref", Value::from(name))])
}

fn get_att(name: &str, attribute: &str) -> Value {
    object(vec![(
        "Fn::GetAtt",
        Value::Array(vec![Value::from(name), Value::from(attribute)]),
    )])
}

/// Strings that name something of the stack, and what to write instead within one account's template.
struct Intrinsics {
    exact: HashMap<String, Value>,
    /// `(prefix, head)`: a text starting with `prefix` (`arn:aws:s3:::bucket/`) becomes `Fn::Sub` of `head`
    /// (`${Bucket.Arn}`), `/` and the rest.
    prefixes: Vec<(String, String)>,
}

impl Intrinsics {
    /// Rewrites `text` to `replacement`; the first replacement added for a text wins.
    fn add_exact(&mut self, (text, replacement): (String, Value)) {
        self.exact.entry(text).or_insert(replacement);
    }

    fn rewrite(&self, value: Value) -> Value {
        match value {
            Value::String(text) => {
                if let Some(replacement) = self.exact.get(&text) {
                    return replacement.clone();
                }
                if let Some((prefix, head)) = self
                    .prefixes
                    .iter()
                    .find(|(prefix, _)| text.starts_with(prefix.as_str()))
                {
                    let rest = sub_literal(&text[prefix.len()..]);
                    return object(vec![("Fn::Sub", Value::String(format!("{head}/{rest}")))]);
                }
                Value::String(text)
            }
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|item| self.rewrite(item)).collect())
            }
            Value::Object(members) => Value::Object(
                members
                    .into_iter()
                    .map(|(key, value)| (key, self.rewrite(value)))
                    .collect(),
            ),
            other => other,
        }
    }
}

/// The name under which [`LogicalNames`] knows the inline policy `policy` of the existing user `user`.
fn existing_user_policy(user: &User, policy: &InlinePolicy) -> String {
    // `/` is in neither IAM user names nor policy names: no two pairs meet on one name.
    format!("{}/{}", user.name, policy.name)
}

/// The logical ids of one template's items, by kind (`Role`, `Policy` ...) and name.
///
/// An id is the item's name with the kind appended unless the name already ends with it. Items whose ids would
/// clash get the kind appended once more, then a counter, in the order of the stack, so the ids are unique and
/// stable. Computed once per template: looking up an item is then constant time, which keeps rendering linear
/// in the size of the stack.
struct LogicalNames(HashMap<(&'static str, String), String>);

impl LogicalNames {
    fn new(stack: &Stack, by_account: &ByAccount, account: AccountRef) -> Self {
        let with_existing_members: HashSet<GroupRef> = by_account
            .users(stack, account)
            .filter(|(_, u)| u.existing)
            .flat_map(|(_, u)| u.groups.iter().copied())
            .collect();
        let items: Vec<(&'static str, Cow<'_, str>)> = by_account
            .buckets(stack, account)
            .map(|(_, b)| ("Bucket", Cow::Borrowed(b.name.as_str())))
            .chain(
                by_account
                    .policies(stack, account)
                    .map(|(_, p)| ("Policy", Cow::Borrowed(p.name.as_str()))),
            )
            .chain(
                by_account
                    .roles(stack, account)
                    .map(|(_, r)| ("Role", Cow::Borrowed(r.name.as_str()))),
            )
            .chain(
                by_account
                    .users(stack, account)
                    .filter(|(_, u)| !u.existing)
                    .map(|(_, u)| ("User", Cow::Borrowed(u.name.as_str()))),
            )
            .chain(
                by_account
                    .groups(stack, account)
                    .map(|(_, g)| ("Group", Cow::Borrowed(g.name.as_str()))),
            )
            // What a user that exists already needs instead of properties of its own: the additions to groups
            // (one per group), and its inline policies as `AWS::IAM::UserPolicy` resources.
            .chain(
                by_account
                    .groups(stack, account)
                    .filter(|(group_ref, _)| with_existing_members.contains(group_ref))
                    .map(|(_, g)| ("Members", Cow::Borrowed(g.name.as_str()))),
            )
            .chain(
                by_account
                    .users(stack, account)
                    .filter(|(_, u)| u.existing)
                    .flat_map(|(_, u)| {
                        u.inline
                            .iter()
                            .map(|p| ("UserPolicy", Cow::Owned(existing_user_policy(u, p))))
                    }),
            )
            .collect();

        let short = |kind: &str, name: &str| {
            let base = logical_id(name);
            if base.ends_with(kind) {
                base
            } else {
                format!("{base}{kind}")
            }
        };
        let shorts: Vec<String> = items.iter().map(|(kind, name)| short(kind, name)).collect();
        let mut count: HashMap<&str, usize> = HashMap::new();
        for id in &shorts {
            *count.entry(id.as_str()).or_default() += 1;
        }
        // Unique short ids are taken first, so that a longer id made for a clash can never steal one.
        let mut used: HashSet<String> = shorts
            .iter()
            .filter(|id| count[id.as_str()] == 1)
            .cloned()
            .collect();
        let mut ids = HashMap::with_capacity(items.len());
        for ((kind, name), id) in items.iter().zip(&shorts) {
            let key = (*kind, name.to_string());
            if ids.contains_key(&key) {
                continue;
            }
            let id = if count[id.as_str()] == 1 {
                id.clone()
            } else {
                let longer = format!("{}{kind}{kind}", logical_id(name));
                let mut candidate = longer.clone();
                let mut counter = 2;
                while !used.insert(candidate.clone()) {
                    candidate = format!("{longer}{counter}");
                    counter += 1;
                }
                candidate
            };
            ids.insert(key, id);
        }
        Self(ids)
    }

    fn get(&self, kind: &'static str, name: &str) -> String {
        self.0
            .get(&(kind, name.to_owned()))
            .cloned()
            // Every item of the template was named in `new`; this is for a name from elsewhere.
            .unwrap_or_else(|| format!("{}{kind}", logical_id(name)))
    }
}

/// Which other accounts each account's documents name, found once per render: every policy and trust is read
/// once, not once per pair of accounts, which keeps rendering linear in the number of accounts too.
struct Mentions {
    /// By account: the other accounts its managed policies or trusts name (by id or ARN).
    named: HashMap<AccountRef, HashSet<AccountRef>>,
    /// The accounts with a role whose trust names another account.
    trusted_from_elsewhere: HashSet<AccountRef>,
    /// The policies that are some role's permissions boundary.
    boundaries: HashSet<PolicyRef>,
}

impl Mentions {
    fn new(stack: &Stack) -> Self {
        let ids: HashMap<&str, AccountRef> = stack
            .accounts()
            .map(|(account_ref, account)| (account.id.as_str(), account_ref))
            .collect();
        // Account ids are runs of exactly 12 digits; any such run that is an account of the stack counts.
        let others = |document: &PolicyDocument, owner: AccountRef| -> HashSet<AccountRef> {
            let mut found = HashSet::new();
            for_each_text(document, &mut |text| {
                let bytes = text.as_bytes();
                let mut start = 0;
                while start < bytes.len() {
                    if !bytes[start].is_ascii_digit() {
                        start += 1;
                        continue;
                    }
                    let end = start
                        + bytes[start..]
                            .iter()
                            .take_while(|b| b.is_ascii_digit())
                            .count();
                    if end - start == 12 {
                        if let Some(&account) = ids.get(&text[start..end]) {
                            if account != owner {
                                found.insert(account);
                            }
                        }
                    }
                    start = end;
                }
            });
            found
        };
        let mut named: HashMap<AccountRef, HashSet<AccountRef>> = HashMap::new();
        let mut trusted_from_elsewhere = HashSet::new();
        for (_, policy) in stack.policies() {
            let found = others(&policy.document, policy.account);
            named.entry(policy.account).or_default().extend(found);
        }
        for (_, role) in stack.roles() {
            let found = others(&role.trust, role.account);
            if !found.is_empty() {
                trusted_from_elsewhere.insert(role.account);
            }
            named.entry(role.account).or_default().extend(found);
        }
        Mentions {
            named,
            trusted_from_elsewhere,
            boundaries: stack
                .roles()
                .filter_map(|(_, role)| role.permissions_boundary)
                .collect(),
        }
    }

    fn names(&self, account: AccountRef, other: AccountRef) -> bool {
        self.named
            .get(&account)
            .is_some_and(|named| named.contains(&other))
    }
}

/// Calls `visit` with every text of a policy document (values, condition keys and numbers alike), as they
/// appear in its JSON.
fn for_each_text(document: &PolicyDocument, visit: &mut impl FnMut(&str)) {
    if let Some(id) = &document.id {
        visit(id);
    }
    for statement in document.statements() {
        if let Some(sid) = &statement.sid {
            visit(sid);
        }
        if let Some(element) = &statement.principal
            && let Principal::Map(entries) = element.principal()
        {
            for value in entries.iter().flat_map(|(_, values)| values.as_slice()) {
                visit(value);
            }
        }
        for action in statement.action.actions().as_slice() {
            visit(action.as_str());
        }
        if let Some(element) = &statement.resource {
            for resource in element.resources().as_slice() {
                visit(resource.as_str());
            }
        }
        for block in statement
            .condition
            .iter()
            .flat_map(|condition| &condition.0)
        {
            for entry in &block.entries {
                visit(&entry.key);
                for value in entry.values.as_slice() {
                    match value {
                        ConditionValue::String(text) | ConditionValue::Number(text) => visit(text),
                        ConditionValue::Bool(_) => {}
                    }
                }
            }
        }
    }
}

/// One account's template, by section.
struct Template {
    description: String,
    parameters: Vec<(Key, Value)>,
    /// The parameters that name other accounts (the others are per resource, such as a role's session
    /// duration): a split template's parent declares them and hands them to its parts.
    shared_parameters: HashSet<String>,
    resources: Vec<(Key, Value)>,
    outputs: Vec<(Key, Value)>,
}

impl Template {
    /// The limit the template is over, if any, by count: `(what, found, limit)`.
    fn over_a_count_limit(&self) -> Option<(&'static str, usize, usize)> {
        [
            ("resources", self.resources.len(), MAX_RESOURCES),
            ("outputs", self.outputs.len(), MAX_OUTPUTS),
            ("parameters", self.parameters.len(), MAX_PARAMETERS),
        ]
        .into_iter()
        .find(|(_, found, limit)| found > limit)
    }

    fn into_value(self) -> Value {
        let mut template = vec![
            ("AWSTemplateFormatVersion", Value::from("2010-09-09")),
            ("Description", Value::from(self.description)),
        ];
        if !self.parameters.is_empty() {
            template.push(("Parameters", Value::Object(self.parameters)));
        }
        template.push(("Resources", Value::Object(self.resources)));
        if !self.outputs.is_empty() {
            template.push(("Outputs", Value::Object(self.outputs)));
        }
        object(template)
    }

    /// The sections of a value [`Template::into_value`] made.
    fn from_value(value: Value, shared_parameters: HashSet<String>) -> Template {
        let mut template = Template {
            description: String::new(),
            parameters: Vec::new(),
            shared_parameters,
            resources: Vec::new(),
            outputs: Vec::new(),
        };
        let Value::Object(sections) = value else {
            return template;
        };
        for (key, section) in sections {
            match (key.as_ref(), section) {
                ("Description", Value::String(text)) => template.description = text,
                ("Parameters", Value::Object(members)) => template.parameters = members,
                ("Resources", Value::Object(members)) => template.resources = members,
                ("Outputs", Value::Object(members)) => template.outputs = members,
                _ => {}
            }
        }
        template
    }
}

fn account_template(
    stack: &Stack,
    by_account: &ByAccount,
    account_ref: AccountRef,
    aliases: &[String],
    mentions: &Mentions,
    roles_only: bool,
) -> Template {
    let mut template = TemplateBuilder {
        stack,
        by_account,
        account_ref,
        mentions,
        roles_only,
        logical_names: LogicalNames::new(stack, by_account, account_ref),
        intrinsics: Intrinsics {
            exact: HashMap::new(),
            prefixes: Vec::new(),
        },
        parameters: Vec::new(),
        shared_parameters: HashSet::new(),
        bucket_parameters: Vec::new(),
        resources: Vec::new(),
        outputs: Vec::new(),
    };
    // The sections in the order of the template; ARNs are registered before the first document is rewritten.
    for (index, (other_ref, other)) in stack.accounts().enumerate() {
        if other_ref != account_ref && mentions.names(account_ref, other_ref) {
            template.other_account(other_ref, other, &aliases[index]);
        }
    }
    if !roles_only {
        template.buckets();
    }
    template.own_arns();
    template.managed_policies();
    template.roles();
    if !roles_only {
        template.groups();
        let existing_members = template.users();
        template.group_additions(existing_members);
    }
    template.finish()
}

/// One account's template while it is built: each method adds one section or one kind of resource.
struct TemplateBuilder<'a> {
    stack: &'a Stack,
    by_account: &'a ByAccount,
    account_ref: AccountRef,
    mentions: &'a Mentions,
    /// The StackSet's template: the roles, and the managed policies they need, alone.
    roles_only: bool,
    logical_names: LogicalNames,
    intrinsics: Intrinsics,
    parameters: Vec<(Key, Value)>,
    shared_parameters: HashSet<String>,
    /// The names of the buckets that exist already, kept if the template refers to them.
    bucket_parameters: Vec<(Key, Value)>,
    resources: Vec<(Key, Value)>,
    outputs: Vec<(Key, Value)>,
}

impl TemplateBuilder<'_> {
    fn logical(&self, kind: &'static str, name: &str) -> String {
        self.logical_names.get(kind, name)
    }

    /// A document of a managed or inline policy, its ARNs made intrinsics (except in the StackSet's template,
    /// whose roles are deployed in accounts other than this one).
    fn permissions(&self, document: &PolicyDocument) -> Value {
        let value = Value::of_policy(document);
        if self.roles_only {
            value
        } else {
            self.intrinsics.rewrite(value)
        }
    }

    /// Another account's id as a parameter, and its ARNs through `Fn::Sub` over it.
    fn other_account(&mut self, other_ref: AccountRef, other: &Account, alias: &str) {
        let parameter = format!("{}AccountId", logical_id(alias));
        let id = other.id.as_str();
        self.shared_parameters.insert(parameter.clone());
        self.parameters.push((
            parameter.clone().into(),
            object(vec![
                ("Type", Value::from("String")),
                ("Default", Value::from(id)),
                ("AllowedPattern", Value::from("^[0-9]{12}$")),
                (
                    "ConstraintDescription",
                    Value::from("an AWS account id: exactly 12 digits"),
                ),
                (
                    "Description",
                    Value::from(format!("The id of the {} account.", other.name)),
                ),
            ]),
        ));
        self.intrinsics.add_exact((
            other.id.root_arn("aws"),
            object(vec![(
                "Fn::Sub",
                Value::String(format!("arn:aws:iam::${{{parameter}}}:root")),
            )]),
        ));
        self.intrinsics
            .add_exact((id.to_owned(), reference(&parameter)));
        // The other account's roles and users, as ARNs built on its id parameter.
        let (stack, by_account) = (self.stack, self.by_account);
        let arns = by_account
            .roles(stack, other_ref)
            .map(|(role, _)| stack.role_arn(role))
            .chain(
                by_account
                    .users(stack, other_ref)
                    .map(|(user, _)| stack.user_arn(user)),
            );
        let prefix = format!("arn:aws:iam::{id}:").len();
        for arn in arns {
            // Policies name an ARN with a wildcard or `$` in its path in its escaped form (`${*}`).
            let literal = policy_literal(&arn).into_owned();
            if literal != arn {
                let rest = sub_literal(&literal[prefix..]);
                self.intrinsics.add_exact((
                    literal,
                    object(vec![(
                        "Fn::Sub",
                        Value::String(format!("arn:aws:iam::${{{parameter}}}:{rest}")),
                    )]),
                ));
            }
            let rest = sub_literal(&arn[prefix..]);
            self.intrinsics.add_exact((
                arn,
                object(vec![(
                    "Fn::Sub",
                    Value::String(format!("arn:aws:iam::${{{parameter}}}:{rest}")),
                )]),
            ));
        }
    }

    fn buckets(&mut self) {
        let (stack, by_account, account) = (self.stack, self.by_account, self.account_ref);
        // Every bucket's name first: a bucket may log into another of the template.
        let mut names: HashMap<&str, Value> = HashMap::new();
        for (_, bucket) in by_account.buckets(stack, account) {
            let id = self.logical("Bucket", &bucket.name);
            let arn = format!("arn:aws:s3:::{}", bucket.name);
            if bucket.is_existing() {
                // Referred to by a parameter of its name, whose default is the name: never a copied ARN.
                let parameter = format!("{id}Name");
                let head = format!("arn:aws:s3:::${{{parameter}}}");
                self.intrinsics.add_exact((
                    arn.clone(),
                    object(vec![("Fn::Sub", Value::String(head.clone()))]),
                ));
                self.intrinsics.prefixes.push((format!("{arn}/"), head));
                names.insert(&bucket.name, reference(&parameter));
                self.bucket_parameters
                    .push((parameter.into(), bucket_parameter(&bucket.name)));
            } else {
                self.intrinsics
                    .add_exact((arn.clone(), get_att(&id, "Arn")));
                self.intrinsics
                    .prefixes
                    .push((format!("{arn}/"), format!("${{{id}.Arn}}")));
                // `Ref` of a bucket is its name.
                names.insert(&bucket.name, reference(&id));
            }
        }
        for (_, bucket) in by_account.buckets(stack, account) {
            let Some(settings) = bucket.settings() else {
                continue;
            };
            let id = self.logical("Bucket", &bucket.name);
            let mut properties = vec![
                ("BucketName", Value::from(bucket.name.as_str())),
                // Reached through the stack's roles, never publicly.
                (
                    "PublicAccessBlockConfiguration",
                    object(vec![
                        ("BlockPublicAcls", Value::Bool(true)),
                        ("BlockPublicPolicy", Value::Bool(true)),
                        ("IgnorePublicAcls", Value::Bool(true)),
                        ("RestrictPublicBuckets", Value::Bool(true)),
                    ]),
                ),
            ];
            if settings.versioning {
                properties.push((
                    "VersioningConfiguration",
                    object(vec![("Status", Value::from("Enabled"))]),
                ));
            }
            properties.push(("BucketEncryption", bucket_encryption(&settings.encryption)));
            if let Some(logging) = &settings.logging {
                let target = names
                    .get(logging.target.as_str())
                    .cloned()
                    .unwrap_or_else(|| Value::from(logging.target.as_str()));
                let mut configuration = vec![("DestinationBucketName", target)];
                if !logging.prefix.as_str().is_empty() {
                    configuration.push(("LogFilePrefix", Value::from(logging.prefix.as_str())));
                }
                properties.push(("LoggingConfiguration", object(configuration)));
            }
            self.resources.push((
                id.into(),
                object(vec![
                    ("Type", Value::from("AWS::S3::Bucket")),
                    // The data outlives the stack: deleting or replacing the stack keeps the bucket.
                    ("DeletionPolicy", Value::from("Retain")),
                    ("UpdateReplacePolicy", Value::from("Retain")),
                    ("Properties", object(properties)),
                ]),
            ));
        }
    }

    /// The ARNs of this template's roles, managed policies and (new) users, as `Fn::GetAtt` or `Ref`.
    fn own_arns(&mut self) {
        let (stack, by_account, account) = (self.stack, self.by_account, self.account_ref);
        for (role_ref, role) in by_account.roles(stack, account) {
            let arn = get_att(&self.logical("Role", &role.name), "Arn");
            self.intrinsics.add_exact((stack.role_arn(role_ref), arn));
        }
        for (policy_ref, policy) in by_account.policies(stack, account) {
            let arn = reference(&self.logical("Policy", &policy.name));
            self.intrinsics
                .add_exact((stack.policy_arn(policy_ref), arn));
        }
        if !self.roles_only {
            // A user that exists already is no resource of the template: its ARN stays as written.
            for (user_ref, user) in by_account
                .users(stack, account)
                .filter(|(_, user)| !user.existing)
            {
                let arn = get_att(&self.logical("User", &user.name), "Arn");
                self.intrinsics.add_exact((stack.user_arn(user_ref), arn));
            }
        }
    }

    /// Who holds each managed policy (`Roles`, `Users`, `Groups`), gathered in one pass over the principals,
    /// in the order of the stack.
    fn policy_holders(&self) -> HashMap<PolicyRef, [Vec<Value>; 3]> {
        let (stack, by_account, account) = (self.stack, self.by_account, self.account_ref);
        let mut holders: HashMap<PolicyRef, [Vec<Value>; 3]> = HashMap::new();
        let mut hold = |principal: PrincipalRef, slot: usize, name: &Value| {
            for policy in stack.attached(principal) {
                holders.entry(*policy).or_default()[slot].push(name.clone());
            }
        };
        for (role_ref, role) in by_account.roles(stack, account) {
            hold(
                PrincipalRef::Role(role_ref),
                0,
                &reference(&self.logical("Role", &role.name)),
            );
        }
        if !self.roles_only {
            for (user_ref, user) in by_account.users(stack, account) {
                // `Ref` of a user is its name; a user that exists already is named as it is.
                let name = if user.existing {
                    Value::from(user.name.as_str())
                } else {
                    reference(&self.logical("User", &user.name))
                };
                hold(PrincipalRef::User(user_ref), 1, &name);
            }
            for (group_ref, group) in by_account.groups(stack, account) {
                hold(
                    PrincipalRef::Group(group_ref),
                    2,
                    &reference(&self.logical("Group", &group.name)),
                );
            }
        }
        holders
    }

    /// Managed policies, attached from their side (`Roles`, `Users`, `Groups`).
    fn managed_policies(&mut self) {
        let mut holders = self.policy_holders();
        for (policy_ref, policy) in self.by_account.policies(self.stack, self.account_ref) {
            let id = self.logical("Policy", &policy.name);
            let [roles, users, groups] = holders.remove(&policy_ref).unwrap_or_default();
            if self.roles_only
                && roles.is_empty()
                && !self.mentions.boundaries.contains(&policy_ref)
            {
                continue;
            }
            let mut properties = vec![
                ("ManagedPolicyName", Value::from(policy.name.as_str())),
                ("Path", Value::from(policy.path.as_str())),
            ];
            if let Some(description) = &policy.description {
                properties.push(("Description", Value::from(description.as_str())));
            }
            properties.push(("PolicyDocument", self.permissions(&policy.document)));
            for (key, list) in [("Roles", roles), ("Users", users), ("Groups", groups)] {
                if !list.is_empty() {
                    properties.push((key, Value::Array(list)));
                }
            }
            self.resources.push((
                id.clone().into(),
                object(vec![
                    ("Type", Value::from("AWS::IAM::ManagedPolicy")),
                    ("Properties", object(properties)),
                ]),
            ));
            self.outputs.push((
                format!("{id}Arn").into(),
                object(vec![
                    (
                        "Description",
                        Value::from(format!("The ARN of the policy {}.", policy.name)),
                    ),
                    ("Value", reference(&id)),
                ]),
            ));
        }
    }

    /// Inline policies go in the principal's `Policies` property, in their declared order.
    fn inline_policies(&self, policies: &[InlinePolicy]) -> Option<(&'static str, Value)> {
        let list: Vec<Value> = policies
            .iter()
            .map(|policy| {
                object(vec![
                    ("PolicyName", Value::from(policy.name.as_str())),
                    ("PolicyDocument", self.permissions(&policy.document)),
                ])
            })
            .collect();
        (!list.is_empty()).then_some(("Policies", Value::Array(list)))
    }

    fn roles(&mut self) {
        for (_, role) in self.by_account.roles(self.stack, self.account_ref) {
            let id = self.logical("Role", &role.name);
            let duration_parameter = format!("{id}MaxSessionDuration");
            self.parameters.push((
                duration_parameter.clone().into(),
                session_duration_parameter(role),
            ));
            let mut properties = vec![
                ("RoleName", Value::from(role.name.as_str())),
                ("Path", Value::from(role.path.as_str())),
            ];
            if let Some(description) = &role.description {
                properties.push(("Description", Value::from(description.as_str())));
            }
            properties.push(("MaxSessionDuration", reference(&duration_parameter)));
            properties.push((
                "AssumeRolePolicyDocument",
                self.intrinsics.rewrite(Value::of_policy(&role.trust)),
            ));
            if let Some(boundary) = role.permissions_boundary {
                properties.push((
                    "PermissionsBoundary",
                    reference(&self.logical("Policy", &self.stack.policy(boundary).name)),
                ));
            }
            properties.extend(self.inline_policies(&role.inline));
            if !role.tags.is_empty() {
                let tags = role
                    .tags
                    .iter()
                    .map(|(key, value)| {
                        object(vec![
                            ("Key", Value::from(key.as_str())),
                            ("Value", Value::from(value.as_str())),
                        ])
                    })
                    .collect();
                properties.push(("Tags", Value::Array(tags)));
            }
            self.resources.push((
                id.clone().into(),
                object(vec![
                    ("Type", Value::from("AWS::IAM::Role")),
                    ("Properties", object(properties)),
                ]),
            ));
            self.outputs
                .push((format!("{id}Arn").into(), role_output(&id, &role.name)));
        }
    }

    fn groups(&mut self) {
        for (_, group) in self.by_account.groups(self.stack, self.account_ref) {
            let properties = [
                ("GroupName", Value::from(group.name.as_str())),
                ("Path", Value::from(group.path.as_str())),
            ]
            .into_iter()
            .chain(self.inline_policies(&group.inline))
            .collect();
            self.resources.push((
                self.logical("Group", &group.name).into(),
                object(vec![
                    ("Type", Value::from("AWS::IAM::Group")),
                    ("Properties", object(properties)),
                ]),
            ));
        }
    }

    /// New users as `AWS::IAM::User`. Users that exist already join groups through
    /// `AWS::IAM::UserToGroupAddition`, one per group (the members are returned, by group), and get their inline
    /// policies as `AWS::IAM::UserPolicy` resources: they have no `AWS::IAM::User` here.
    fn users(&mut self) -> HashMap<GroupRef, Vec<Value>> {
        let mut existing_members: HashMap<GroupRef, Vec<Value>> = HashMap::new();
        for (_, user) in self.by_account.users(self.stack, self.account_ref) {
            if user.existing {
                for group in &user.groups {
                    existing_members
                        .entry(*group)
                        .or_default()
                        .push(Value::from(user.name.as_str()));
                }
                self.existing_user_policies(user);
                continue;
            }
            let mut properties = vec![
                ("UserName", Value::from(user.name.as_str())),
                ("Path", Value::from(user.path.as_str())),
            ];
            if !user.groups.is_empty() {
                let groups = user
                    .groups
                    .iter()
                    .map(|group| reference(&self.logical("Group", &self.stack.group(*group).name)))
                    .collect();
                properties.push(("Groups", Value::Array(groups)));
            }
            properties.extend(self.inline_policies(&user.inline));
            self.resources.push((
                self.logical("User", &user.name).into(),
                object(vec![
                    ("Type", Value::from("AWS::IAM::User")),
                    ("Properties", object(properties)),
                ]),
            ));
        }
        existing_members
    }

    fn existing_user_policies(&mut self, user: &User) {
        for policy in &user.inline {
            self.resources.push((
                self.logical("UserPolicy", &existing_user_policy(user, policy))
                    .into(),
                object(vec![
                    ("Type", Value::from("AWS::IAM::UserPolicy")),
                    (
                        "Properties",
                        object(vec![
                            ("PolicyName", Value::from(policy.name.as_str())),
                            (
                                "PolicyDocument",
                                self.intrinsics.rewrite(Value::of_policy(&policy.document)),
                            ),
                            ("UserName", Value::from(user.name.as_str())),
                        ]),
                    ),
                ]),
            ));
        }
    }

    /// One `AWS::IAM::UserToGroupAddition` per group that users who exist already join.
    fn group_additions(&mut self, mut existing_members: HashMap<GroupRef, Vec<Value>>) {
        for (group_ref, group) in self.by_account.groups(self.stack, self.account_ref) {
            let Some(members) = existing_members.remove(&group_ref) else {
                continue;
            };
            self.resources.push((
                self.logical("Members", &group.name).into(),
                object(vec![
                    ("Type", Value::from("AWS::IAM::UserToGroupAddition")),
                    (
                        "Properties",
                        object(vec![
                            ("GroupName", reference(&self.logical("Group", &group.name))),
                            ("Users", Value::Array(members)),
                        ]),
                    ),
                ]),
            ));
        }
    }

    fn finish(mut self) -> Template {
        // A parameter nothing refers to is noise (and a cfn-lint warning): a bucket's name is kept if used.
        if !self.bucket_parameters.is_empty() {
            let mut used = HashSet::new();
            for (_, resource) in &self.resources {
                referred_names(resource, &mut used);
            }
            for (name, parameter) in std::mem::take(&mut self.bucket_parameters) {
                if used.contains(name.as_ref()) {
                    // Like another account's id, a bucket's name is one value for the whole account: a split
                    // template's parent declares it once and hands it to its parts.
                    self.shared_parameters.insert(name.to_string());
                    self.parameters.push((name, parameter));
                }
            }
        }
        let account = self.stack.account(self.account_ref);
        Template {
            description: format!(
                "IAM for {} ({}), generated by iamgen. Deploy with the CAPABILITY_NAMED_IAM capability: it names IAM resources.",
                account.name, account.id
            ),
            parameters: self.parameters,
            shared_parameters: self.shared_parameters,
            resources: self.resources,
            outputs: self.outputs,
        }
    }
}

/// The parameter naming a bucket that exists already, defaulting to its name.
fn bucket_parameter(name: &str) -> Value {
    object(vec![
        ("Type", Value::from("String")),
        ("Default", Value::from(name)),
        // S3's rule for general purpose buckets, as far as a pattern says it.
        (
            "AllowedPattern",
            Value::from("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"),
        ),
        (
            "ConstraintDescription",
            Value::from(
                "an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a \
                 letter or digit",
            ),
        ),
        (
            "Description",
            Value::from(format!(
                "The name of the bucket {name}, which exists already: the template refers to it, and never \
                 creates, changes or deletes it."
            )),
        ),
    ])
}

/// A bucket's `BucketEncryption`: SSE-S3, or SSE-KMS with a Bucket Key (one data key per bucket, not per
/// object) and the key, if one is named.
fn bucket_encryption(encryption: &BucketEncryption) -> Value {
    let (default, bucket_key) = match encryption {
        BucketEncryption::SseS3 => (vec![("SSEAlgorithm", Value::from("AES256"))], false),
        BucketEncryption::Kms { key } => {
            let mut default = vec![("SSEAlgorithm", Value::from("aws:kms"))];
            if let Some(key) = key {
                default.push(("KMSMasterKeyID", Value::from(key.as_str())));
            }
            (default, true)
        }
    };
    let mut rule = vec![("ServerSideEncryptionByDefault", object(default))];
    if bucket_key {
        rule.push(("BucketKeyEnabled", Value::Bool(true)));
    }
    object(vec![(
        "ServerSideEncryptionConfiguration",
        Value::Array(vec![object(rule)]),
    )])
}

/// Adds the names `value` refers to: by `Ref`, and as `${Name}` or `${Name.Attribute}` in `Fn::Sub`.
fn referred_names(value: &Value, names: &mut HashSet<String>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                match (key.as_ref(), member) {
                    ("Ref", Value::String(name)) => {
                        names.insert(name.clone());
                    }
                    ("Fn::Sub", Value::String(text)) => {
                        // `${!x}` is a literal `${x}`, not a reference.
                        for (at, _) in text.match_indices("${") {
                            let rest = &text[at + 2..];
                            if let Some(end) = rest.find('}')
                                && !rest.starts_with('!')
                            {
                                let name = &rest[..end];
                                names.insert(name.split('.').next().unwrap_or(name).to_owned());
                            }
                        }
                    }
                    _ => referred_names(member, names),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                referred_names(item, names);
            }
        }
        _ => {}
    }
}

/// The parameter for a role's longest session, defaulting to the role's own.
fn session_duration_parameter(role: &Role) -> Value {
    object(vec![
        ("Type", Value::from("Number")),
        (
            "Default",
            Value::from(role.max_session_duration.unwrap_or(3_600)),
        ),
        ("MinValue", Value::from(3_600u32)),
        ("MaxValue", Value::from(43_200u32)),
        (
            "Description",
            Value::from(format!(
                "The maximum session duration of the role {}, in seconds.",
                role.name
            )),
        ),
    ])
}

/// A role's ARN as an output, exported as `<stack name>-<id>Arn`.
fn role_output(id: &str, name: &str) -> Value {
    object(vec![
        (
            "Description",
            Value::from(format!("The ARN of the role {name}.")),
        ),
        ("Value", get_att(id, "Arn")),
        (
            "Export",
            object(vec![(
                "Name",
                object(vec![(
                    "Fn::Sub",
                    Value::String(format!("${{AWS::StackName}}-{id}Arn")),
                )]),
            )]),
        ),
    ])
}

/// The longest `TemplateBody` an `AWS::CloudFormation::StackSet` takes (cfn-lint E3033); a longer template must
/// be uploaded to S3 and named by `TemplateURL`.
const MAX_STACKSET_BODY_BYTES: usize = 51_200;

/// The StackSet that rolls the roles of `account_name` (their template `body`) out to every account of the
/// organizational units given as its parameter.
fn stackset_template(account_name: &str, alias: &str, body: String) -> Value {
    object(vec![
        ("AWSTemplateFormatVersion", Value::from("2010-09-09")),
        (
            "Description",
            Value::from(format!(
                "Rolls the roles of {account_name} out to every account of the given organizational units, generated by iamgen. \
                 StackSets with service-managed permissions never deploy to the organization's management \
                 account: deploy cloudformation/{alias}.yaml there yourself if it needs the roles.",
            )),
        ),
        (
            "Parameters",
            object(vec![(
                "OrganizationalUnitIds",
                object(vec![
                    ("Type", Value::from("CommaDelimitedList")),
                    (
                        "Description",
                        Value::from(
                            "The organizational units (ou-...) whose accounts get the roles.",
                        ),
                    ),
                ]),
            )]),
        ),
        (
            "Resources",
            object(vec![(
                "RolesStackSet",
                object(vec![
                    ("Type", Value::from("AWS::CloudFormation::StackSet")),
                    (
                        "Properties",
                        object(vec![
                            (
                                "StackSetName",
                                Value::from(format!("iamgen-{}", alias.replace('_', "-"))),
                            ),
                            (
                                "Description",
                                Value::from(format!(
                                    "The roles of {account_name}, generated by iamgen."
                                )),
                            ),
                            ("PermissionModel", Value::from("SERVICE_MANAGED")),
                            (
                                "AutoDeployment",
                                object(vec![
                                    ("Enabled", Value::from(true)),
                                    ("RetainStacksOnAccountRemoval", Value::from(false)),
                                ]),
                            ),
                            (
                                "ManagedExecution",
                                object(vec![("Active", Value::from(true))]),
                            ),
                            (
                                "Capabilities",
                                Value::Array(vec![Value::from("CAPABILITY_NAMED_IAM")]),
                            ),
                            (
                                "StackInstancesGroup",
                                Value::Array(vec![object(vec![
                                    (
                                        "DeploymentTargets",
                                        object(vec![(
                                            "OrganizationalUnitIds",
                                            reference("OrganizationalUnitIds"),
                                        )]),
                                    ),
                                    // IAM is global: one region per account, or the role names clash.
                                    ("Regions", Value::Array(vec![reference("AWS::Region")])),
                                ])]),
                            ),
                            ("TemplateBody", Value::String(body)),
                        ]),
                    ),
                ]),
            )]),
        ),
    ])
}

/// An account's template, as one or as the sections to split.
enum Fit {
    /// Within every limit: the template and its JSON.
    Whole(Value, String),
    /// Over the limit `what` (`found` of `limit`).
    Over {
        template: Box<Template>,
        what: &'static str,
        found: usize,
        limit: usize,
    },
}

fn whole_or_over(mut template: Template) -> Fit {
    if let Some((what, found, limit)) = template.over_a_count_limit() {
        return Fit::Over {
            template: Box::new(template),
            what,
            found,
            limit,
        };
    }
    let shared = std::mem::take(&mut template.shared_parameters);
    let value = template.into_value();
    let json_text = value.to_json();
    if json_text.len() > MAX_BYTES {
        return Fit::Over {
            found: json_text.len(),
            template: Box::new(Template::from_value(value, shared)),
            what: "bytes",
            limit: MAX_BYTES,
        };
    }
    Fit::Whole(value, json_text)
}

/// The files of a split account: the parent template and its parts, in each format asked for.
fn split_files(
    split: &split::Split,
    alias: &str,
    deploy_here: &str,
    format: super::CloudFormationFormat,
    header: &dyn Fn(&str) -> String,
    files: &mut BTreeMap<String, String>,
) -> Result<(), RenderError> {
    let parts = split.len();
    for (index, part) in split.parts().enumerate() {
        let json_text = part.to_json();
        split.check_part_bytes(index, &json_text)?;
        let mut yaml = header(&format!(
            "Part {} of {parts} of {alias}: a nested stack that cloudformation/{alias}.yaml deploys, not deployed on its own.",
            index + 1
        ));
        part.push_yaml(&mut yaml);
        split.check_part_bytes(index, &yaml)?;
        if format.yaml() {
            files.insert(
                format!("cloudformation/{}", split.part_path(alias, index, "yaml")),
                yaml,
            );
        }
        if format.json() {
            files.insert(
                format!("cloudformation/{}", split.part_path(alias, index, "json")),
                json_text,
            );
        }
    }
    if format.yaml() {
        let mut yaml = header(&format!(
            "{deploy_here} Package first: `aws cloudformation package` uploads the {parts} nested stacks."
        ));
        split.parent(alias, "yaml").push_yaml(&mut yaml);
        files.insert(format!("cloudformation/{alias}.yaml"), yaml);
    }
    if format.json() {
        files.insert(
            format!("cloudformation/{alias}.json"),
            split.parent(alias, "json").to_json(),
        );
    }
    Ok(())
}

pub(super) fn render(
    renderer: &Renderer,
    stack: &Stack,
    format: super::CloudFormationFormat,
    notes: &mut Vec<String>,
) -> Result<BTreeMap<String, String>, RenderError> {
    let aliases = account_aliases(stack);
    let mentions = Mentions::new(stack);
    let by_account = ByAccount::new(stack);
    let header = |comment: &str| {
        format!(
            "# @generated by iamgen {}. DO NOT EDIT: regenerate with `iamgen generate`.\n# {}\n",
            env!("CARGO_PKG_VERSION"),
            comment_text(comment)
        )
    };
    let mut files = BTreeMap::new();
    let mut stacksets = Vec::new();
    let mut templates = vec![true; aliases.len()];
    // By account: how many nested stacks its template is split into (0: one template).
    let mut nested = vec![0; aliases.len()];
    for (index, (account_ref, account)) in stack.accounts().enumerate() {
        let alias = &aliases[index];
        let template =
            account_template(stack, &by_account, account_ref, &aliases, &mentions, false);
        if template.resources.is_empty() {
            // CloudFormation refuses a template without resources: there is nothing to deploy there.
            templates[index] = false;
            notes.push(format!(
                "cloudformation: no template for {} ({}): nothing of the stack lives in that account, and \
                 CloudFormation refuses a template without resources",
                account.name, account.id
            ));
            continue;
        }
        let deploy_here = format!("{} ({}): deploy in that account.", account.name, account.id);
        match whole_or_over(template) {
            Fit::Whole(value, json_text) => {
                let mut yaml = header(&deploy_here);
                // The YAML is about as long as the JSON: one allocation instead of a doubling series.
                yaml.reserve(json_text.len());
                value.push_yaml(&mut yaml);
                if format.yaml() {
                    files.insert(format!("cloudformation/{alias}.yaml"), yaml);
                }
                if format.json() {
                    files.insert(format!("cloudformation/{alias}.json"), json_text);
                }
            }
            Fit::Over {
                template,
                what,
                found,
                limit,
            } => {
                let split = split::split(&account.name, *template)?;
                notes.push(format!(
                    "cloudformation: {alias} is a parent stack of {} nested stacks (in cloudformation/{alias}/): one \
                     template for {} would have {found} {what}, over CloudFormation's limit of {limit}; package it \
                     with `aws cloudformation package`, which uploads the parts, before deploying",
                    split.len(),
                    account.name,
                ));
                split_files(&split, alias, &deploy_here, format, &header, &mut files)?;
                nested[index] = split.len();
            }
        }

        // Roles that another account trusts can be rolled out to a whole organizational unit.
        let trusted_from_elsewhere = mentions.trusted_from_elsewhere.contains(&account_ref);
        if trusted_from_elsewhere {
            let roles_only =
                account_template(stack, &by_account, account_ref, &aliases, &mentions, true);
            let body = roles_only.into_value().to_json();
            if body.len() > MAX_STACKSET_BODY_BYTES {
                notes.push(format!(
                    "cloudformation: no stackset-{alias}.yaml: the roles of {} make a template body of {} bytes, \
                     over the {MAX_STACKSET_BODY_BYTES} bytes a StackSet takes inline; deploy {alias}.yaml in each \
                     account, or upload it to S3 and give the StackSet its TemplateURL",
                    account.name,
                    body.len()
                ));
                continue;
            }
            let stackset = stackset_template(&account.name, alias, body);
            files.insert(
                format!("cloudformation/stackset-{alias}.yaml"),
                header(&format!(
                    "The roles of {}, for every account of an organizational unit.",
                    account.name
                )) + &stackset.to_yaml(),
            );
            stacksets.push(json!({ "alias": alias, "name": markdown_cell(&account.name) }));
        }
    }
    files.insert(
        "cloudformation/README.md".to_owned(),
        readme(
            renderer,
            stack,
            &aliases,
            (&templates, &nested),
            &stacksets,
            format,
        )?,
    );
    Ok(files)
}

/// The folder's README: by account, its template (and nested stacks), and the StackSets.
fn readme(
    renderer: &Renderer,
    stack: &Stack,
    aliases: &[String],
    (templates, nested): (&[bool], &[usize]),
    stacksets: &[serde_json::Value],
    format: super::CloudFormationFormat,
) -> Result<String, RenderError> {
    let accounts: Vec<serde_json::Value> = stack
        .accounts()
        .enumerate()
        .map(|(index, (_, account))| json!({ "alias": aliases[index], "name": markdown_cell(&account.name), "id": account.id.as_str(), "template": templates[index], "nested": nested[index] }))
        .collect();
    renderer.render_template(
        "cloudformation/README.md",
        json!({
            "version": env!("CARGO_PKG_VERSION"),
            "command": "iamgen generate",
            "accounts": accounts,
            "stacksets": stacksets,
            "existing_buckets": stack.buckets().any(|(_, bucket)| bucket.is_existing()),
            "split": nested.iter().any(|&parts| parts > 0),
            "yaml": format.yaml(),
            "json": format.json(),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::LogicalNames;
    use crate::policy::{AccountId, PolicyDocument};
    use crate::stack::{ByAccount, Stack};

    #[test]
    fn names_that_differ_only_in_punctuation_get_distinct_logical_ids() {
        let mut stack = Stack::new();
        let account = stack.add_account(AccountId::parse("111122223333").unwrap(), "Main");
        let trust = PolicyDocument::from_json(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .unwrap();
        for name in ["a-b", "ab", "a.b", "AbRoleRole"] {
            stack.add_role(account, name, trust.clone()).unwrap();
        }
        let names = LogicalNames::new(&stack, &ByAccount::new(&stack), account);
        let ids: Vec<String> = ["a-b", "ab", "a.b", "AbRoleRole"]
            .iter()
            .map(|name| names.get("Role", name))
            .collect();
        assert_eq!(ids, ["ABRoleRole", "AbRole", "ABRoleRole2", "AbRoleRole"]);
    }
}
