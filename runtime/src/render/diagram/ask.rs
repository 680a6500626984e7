//! The diagram's edges, each an answer of the evaluator ([`eval::policies_require`]): whom a role's trust
//! admits, who may call `sts:AssumeRole` on it, and what each principal may do to the buckets of its account;
//! each with the conditions a request must meet, named for people ("external id", "MFA").

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::eval::{self, Caller, Decision, Requirements};
use crate::policy::{
    ActionElement, ConditionValue, Effect, PolicyDocument, Principal, PrincipalElement,
    PrincipalKind, ResourceElement,
};
use crate::stack::{AccountRef, BucketRef, PrincipalRef, RoleRef, Stack};

/// What a request must bring for an edge to hold: any one of these sets of conditions, each named as
/// [`condition_name`] names it. A set that is empty: nothing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Need(Vec<BTreeSet<String>>);

impl Need {
    /// The evaluator's answer as a need, `None` when no request is allowed.
    fn of(requirements: &Requirements<'_>) -> Option<Need> {
        if requirements.decision != Decision::Allowed {
            return None;
        }
        let unless: BTreeSet<String> = requirements
            .unless
            .iter()
            .map(|key| condition_name(key).into_owned())
            .collect();
        let ways = requirements
            .any_of
            .iter()
            .map(|keys| {
                keys.iter()
                    .map(|key| condition_name(key).into_owned())
                    .chain(unless.iter().cloned())
                    .collect()
            })
            .collect();
        Some(Need(ways).simplified())
    }

    /// What both `self` and `other` need.
    fn and(&self, other: &Need) -> Need {
        let ways = self
            .0
            .iter()
            .flat_map(|mine| {
                other
                    .0
                    .iter()
                    .map(move |theirs| mine.union(theirs).cloned().collect())
            })
            .collect();
        Need(ways).simplified()
    }

    /// What either `self` or `other` needs.
    fn or(&self, other: &Need) -> Need {
        Need(self.0.iter().chain(&other.0).cloned().collect()).simplified()
    }

    /// Sorted, without a way that asks more than another one does.
    fn simplified(mut self) -> Need {
        self.0.sort();
        self.0.dedup();
        let ways = self.0.clone();
        self.0.retain(|way| {
            !ways
                .iter()
                .any(|other| other != way && other.is_subset(way))
        });
        self
    }

    /// `if external id and MFA`, `if (MFA and org id) or source IP`; `None` when nothing is needed.
    pub(super) fn condition(&self) -> Option<String> {
        if self.0.iter().any(BTreeSet::is_empty) {
            return None;
        }
        let several = self.0.len() > 1;
        let ways: Vec<String> = self
            .0
            .iter()
            .map(|way| {
                // `external id and MFA`: as people read them, not capitals first.
                let mut names: Vec<&str> = way.iter().map(String::as_str).collect();
                names.sort_by_key(|name| name.to_lowercase());
                let all = names.join(" and ");
                if several && way.len() > 1 {
                    format!("({all})")
                } else {
                    all
                }
            })
            .collect();
        Some(format!("if {}", ways.join(" or ")))
    }

    /// `what`, followed by the condition when there is one.
    pub(super) fn label(&self, what: &str) -> String {
        match self.condition() {
            Some(condition) => format!("{what} {condition}"),
            None => what.to_owned(),
        }
    }
}

/// A condition key as the diagram names it: what it asks of the request (`external id` for `sts:ExternalId`),
/// or the key itself when it has no shorter name.
fn condition_name(key: &str) -> Cow<'_, str> {
    let lower = key.to_ascii_lowercase();
    let tagged = |prefix: &str, what: &str| {
        lower
            .starts_with(prefix)
            .then(|| Cow::Owned(format!("{what} {}", &key[prefix.len()..])))
    };
    if let Some(name) = tagged("aws:principaltag/", "principal tag")
        .or_else(|| tagged("aws:requesttag/", "request tag"))
        .or_else(|| tagged("aws:resourcetag/", "resource tag"))
    {
        return name;
    }
    Cow::Borrowed(match lower.as_str() {
        "sts:externalid" => "external id",
        "aws:multifactorauthpresent" | "aws:multifactorauthage" => "MFA",
        "aws:principalorgid" => "org id",
        "aws:principalorgpaths" => "org path",
        "aws:sourceip" => "source IP",
        "aws:vpcsourceip" => "VPC source IP",
        "aws:sourcevpc" => "source VPC",
        "aws:sourcevpce" => "VPC endpoint",
        "aws:securetransport" => "TLS",
        "aws:currenttime" | "aws:epochtime" => "time",
        "aws:sourceaccount" => "source account",
        "aws:sourcearn" => "source ARN",
        "aws:sourceorgid" => "source org id",
        "aws:principalarn" => "principal ARN",
        "aws:principalaccount" => "principal account",
        "aws:requestedregion" => "region",
        "aws:tagkeys" => "tag keys",
        "sts:rolesessionname" => "session name",
        "sts:sourceidentity" => "source identity",
        _ => return Cow::Borrowed(key),
    })
}

/// A principal a trust names that the stack does not hold.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Outside {
    /// An account (`123456789012`, its `:root` ARN).
    Account(String),
    /// A user, role or session, by ARN.
    Principal(String),
    /// An AWS service (`ec2.amazonaws.com`).
    Service(String),
    /// An identity provider (a SAML provider's ARN, `cognito-identity.amazonaws.com`).
    Federated(String),
    /// `"*"`, or every principal but those a `NotPrincipal` names.
    Anyone,
}

impl Outside {
    /// The node's label.
    pub(super) fn label(&self) -> String {
        match self {
            Outside::Account(id) => format!("account {id} (not in the stack)"),
            Outside::Principal(arn) => format!("{arn} (not in the stack)"),
            Outside::Service(service) => format!("service {service}"),
            Outside::Federated(provider) => format!("federated {provider}"),
            Outside::Anyone => "anyone (*)".to_owned(),
        }
    }

    /// Who asks, and what: `sts:AssumeRole`, or the federated variant of the provider's kind.
    fn caller(&self) -> (Caller, &'static str) {
        match self {
            Outside::Account(id) => (
                Caller::new(&crate::names::account_root_arn(id)),
                "sts:AssumeRole",
            ),
            Outside::Principal(arn) => (Caller::new(arn), "sts:AssumeRole"),
            Outside::Service(service) => (Caller::new(service), "sts:AssumeRole"),
            Outside::Federated(provider) => (
                Caller::new(provider),
                if provider.contains(":saml-provider/") {
                    "sts:AssumeRoleWithSAML"
                } else {
                    "sts:AssumeRoleWithWebIdentity"
                },
            ),
            // An account that no policy can name: only what a trust grants everyone admits it.
            Outside::Anyone => (
                Caller::new("arn:aws:iam::000000000000:user/anyone"),
                "sts:AssumeRole",
            ),
        }
    }
}

/// Whom a trust edge goes to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Trusted {
    /// An account of the stack as a whole (its `:root`): every principal of it whose own policies allow.
    Account(AccountRef),
    /// A user or role of the stack.
    Principal(PrincipalRef),
    /// A principal the stack does not hold.
    Outside(Outside),
}

/// The stack's lookups, built once for all the questions.
pub(super) struct Index<'s> {
    stack: &'s Stack,
    accounts: HashMap<&'s str, AccountRef>,
    principals: HashMap<String, PrincipalRef>,
    buckets: HashMap<&'s str, BucketRef>,
    /// Users and roles of each account.
    by_account: Vec<Vec<PrincipalRef>>,
    /// The users of each group.
    members: Vec<Vec<crate::stack::UserRef>>,
    /// S3's actions on buckets or objects, with the resource each is asked of.
    s3: Vec<(&'static str, S3Resource)>,
}

/// What an S3 action acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum S3Resource {
    Bucket,
    Object,
    Both,
}

impl<'s> Index<'s> {
    pub(super) fn new(stack: &'s Stack) -> Self {
        let mut by_account = vec![Vec::new(); stack.accounts().len()];
        let mut principals = HashMap::new();
        let mut members = vec![Vec::new(); stack.groups().len()];
        for (user_ref, user) in stack.users() {
            for group in &user.groups {
                members[group.index()].push(user_ref);
            }
            principals.insert(stack.user_arn(user_ref), PrincipalRef::User(user_ref));
            by_account[user.account.index()].push(PrincipalRef::User(user_ref));
        }
        for (role_ref, role) in stack.roles() {
            principals.insert(stack.role_arn(role_ref), PrincipalRef::Role(role_ref));
            by_account[role.account.index()].push(PrincipalRef::Role(role_ref));
        }
        Index {
            stack,
            accounts: stack
                .accounts()
                .map(|(account_ref, account)| (account.id.as_str(), account_ref))
                .collect(),
            principals,
            buckets: stack
                .buckets()
                .map(|(bucket_ref, bucket)| (bucket.name.as_str(), bucket_ref))
                .collect(),
            by_account,
            members,
            s3: s3_actions(),
        }
    }

    fn arn(&self, principal: PrincipalRef) -> String {
        match principal {
            PrincipalRef::User(user) => self.stack.user_arn(user),
            PrincipalRef::Role(role) => self.stack.role_arn(role),
            PrincipalRef::Group(group) => {
                let group = self.stack.group(group);
                // A group is no caller: its policies are asked as a member's would be.
                format!(
                    "arn:aws:iam::{}:group{}{}",
                    self.stack.account(group.account).id,
                    group.path,
                    group.name
                )
            }
        }
    }
}

/// S3's actions that act on a bucket or its objects, from the catalogue.
fn s3_actions() -> Vec<(&'static str, S3Resource)> {
    let Some(service) = crate::catalog::catalog().service("s3") else {
        return Vec::new();
    };
    service
        .actions()
        .filter_map(|action| {
            let (mut bucket, mut object) = (false, false);
            for kind in action.resource_types() {
                bucket |= kind.name() == "bucket";
                object |= kind.name() == "object";
            }
            let on = match (bucket, object) {
                (true, true) => S3Resource::Both,
                (true, false) => S3Resource::Bucket,
                (false, true) => S3Resource::Object,
                (false, false) => return None,
            };
            Some((action.full_name(), on))
        })
        .collect()
}

/// Every text of a trust that may name a principal or an account: principal values and condition values.
fn trust_texts(trust: &PolicyDocument) -> Vec<&str> {
    let mut texts = Vec::new();
    for statement in trust.statements() {
        if let Some(
            PrincipalElement::Principal(Principal::Map(entries))
            | PrincipalElement::NotPrincipal(Principal::Map(entries)),
        ) = &statement.principal
        {
            for (_, values) in entries {
                texts.extend(values.as_slice().iter().map(String::as_str));
            }
        }
        for block in statement
            .condition
            .iter()
            .flat_map(|condition| &condition.0)
        {
            for entry in &block.entries {
                texts.extend(entry.values.as_slice().iter().map(ConditionValue::as_text));
            }
        }
    }
    texts
}

/// The account a text names: a 12-digit id, or the account field of an ARN.
fn account_in(text: &str) -> Option<&str> {
    let id = match text.strip_prefix("arn:") {
        Some(rest) => rest.split(':').nth(3)?,
        None => text,
    };
    (id.len() == 12 && id.bytes().all(|byte| byte.is_ascii_digit())).then_some(id)
}

/// The principals the `Allow` statements of a trust name, as nodes outside the stack where the stack does not
/// hold them.
fn outside_named(index: &Index<'_>, trust: &PolicyDocument) -> BTreeSet<Outside> {
    let mut found = BTreeSet::new();
    for statement in trust.statements() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let entries = match &statement.principal {
            Some(PrincipalElement::Principal(Principal::Map(entries))) => entries,
            Some(
                PrincipalElement::Principal(Principal::Any) | PrincipalElement::NotPrincipal(_),
            ) => {
                found.insert(Outside::Anyone);
                continue;
            }
            None => continue,
        };
        for (kind, values) in entries {
            for value in values.as_slice() {
                let outside = match kind {
                    PrincipalKind::Aws => match aws_outside(index, value) {
                        Some(outside) => outside,
                        None => continue,
                    },
                    PrincipalKind::Service => Outside::Service(value.clone()),
                    PrincipalKind::Federated => Outside::Federated(value.clone()),
                    PrincipalKind::CanonicalUser => continue,
                };
                found.insert(outside);
            }
        }
    }
    found
}

/// The node outside the stack that an `AWS` principal value stands for, `None` for an account or principal of
/// the stack.
fn aws_outside(index: &Index<'_>, value: &str) -> Option<Outside> {
    if value == "*" {
        return Some(Outside::Anyone);
    }
    if index.principals.contains_key(value) {
        return None;
    }
    match account_in(value) {
        Some(id) if value.len() == 12 || value.ends_with(":root") => {
            (!index.accounts.contains_key(id)).then(|| Outside::Account(id.to_owned()))
        }
        _ => Some(Outside::Principal(value.to_owned())),
    }
}

/// Whom the trust of `role` admits, each with what the request must bring: the stack's accounts as a whole
/// when the trust admits their root, else the users and roles of the stack it admits; and what it names
/// outside the stack. Only candidates are asked: the accounts and principals the trust names (all of the
/// stack's, when it has a wildcard or a policy variable).
pub(super) fn trusted(index: &Index<'_>, role_ref: RoleRef) -> Vec<(Trusted, Need)> {
    let stack = index.stack;
    let role = stack.role(role_ref);
    let role_arn = stack.role_arn(role_ref);
    let role_account = stack.account(role.account).id.as_str();
    let ask = |caller: &Caller, action: &str| {
        Need::of(&eval::policies_require(
            [&role.trust],
            caller,
            action,
            &role_arn,
            role_account,
            true,
        ))
    };
    let texts = trust_texts(&role.trust);
    let open = texts
        .iter()
        .any(|text| text.contains(['*', '?']) || text.contains("${"));
    let mut outside = outside_named(index, &role.trust);
    let mut accounts: BTreeSet<AccountRef> = BTreeSet::new();
    let mut principals: BTreeSet<PrincipalRef> = BTreeSet::new();
    for text in &texts {
        if let Some(principal) = index.principals.get(*text) {
            principals.insert(*principal);
        }
        match account_in(text).map(|id| (id, index.accounts.get(id))) {
            Some((_, Some(account))) => {
                accounts.insert(*account);
            }
            Some((id, None)) => {
                outside.insert(Outside::Account(id.to_owned()));
            }
            None => {}
        }
    }
    // A wildcard or a variable may stand for any account the trust does not name by id, and for any principal.
    if open && accounts.is_empty() {
        accounts = stack
            .accounts()
            .map(|(account_ref, _)| account_ref)
            .collect();
    }
    let mut found = Vec::new();
    // Each account the trust admits as a whole, with what it needs.
    let mut whole: BTreeMap<AccountRef, Need> = BTreeMap::new();
    for account in &accounts {
        let root = Caller::new(&crate::names::account_root_arn(
            stack.account(*account).id.as_str(),
        ));
        if let Some(need) = ask(&root, "sts:AssumeRole") {
            found.push((Trusted::Account(*account), need.clone()));
            whole.insert(*account, need);
        }
    }
    // A principal the trust names is drawn unless its account's edge says the same; one a wildcard may stand
    // for, only when its account is not admitted as a whole.
    let mut named: Vec<(PrincipalRef, bool)> = principals.into_iter().map(|p| (p, true)).collect();
    if open {
        for account in accounts
            .iter()
            .filter(|account| !whole.contains_key(account))
        {
            named.extend(
                index.by_account[account.index()]
                    .iter()
                    .map(|p| (*p, false)),
            );
        }
        // Named first, so that the one kept of a principal both named and stood for is the named one.
        named.sort_unstable_by_key(|(principal, by_name)| (*principal, !*by_name));
        named.dedup_by_key(|(principal, _)| *principal);
    }
    for (principal, by_name) in named {
        let account = whole.get(&stack.principal_account(principal));
        if account.is_some() && !by_name {
            continue;
        }
        match ask(&Caller::new(&index.arn(principal)), "sts:AssumeRole") {
            Some(need) if account != Some(&need) => {
                found.push((Trusted::Principal(principal), need));
            }
            _ => {}
        }
    }
    for node in outside {
        let (caller, action) = node.caller();
        if let Some(need) = ask(&caller, action) {
            found.push((Trusted::Outside(node), need));
        }
    }
    found
}

/// The identity-based documents that decide for `principal`: its own (attached and inline), and all of them
/// (for a user, its groups' too), and its permissions boundary. A user's edge stands for what its own
/// policies allow, what its groups' allow being drawn from the groups; a `Deny` in a group's policy still
/// holds the user back.
pub(super) struct Holder<'s> {
    principal: PrincipalRef,
    caller: Caller,
    own: Vec<&'s PolicyDocument>,
    all: Vec<&'s PolicyDocument>,
    boundary: Option<&'s PolicyDocument>,
}

impl<'s> Holder<'s> {
    pub(super) fn new(index: &Index<'s>, principal: PrincipalRef) -> Self {
        let stack = index.stack;
        let own = stack
            .attached(principal)
            .iter()
            .map(|policy| &stack.policy(*policy).document)
            .chain(
                stack
                    .inline(principal)
                    .iter()
                    .map(|inline| &inline.document),
            )
            .collect();
        let all = stack
            .identity_policies(principal)
            .into_iter()
            .map(|(_, document)| document)
            .collect();
        let boundary = match principal {
            PrincipalRef::Role(role) => stack
                .role(role)
                .permissions_boundary
                .map(|policy| &stack.policy(policy).document),
            PrincipalRef::User(_) | PrincipalRef::Group(_) => None,
        };
        Holder {
            principal,
            caller: Caller::new(&index.arn(principal)),
            own,
            all,
            boundary,
        }
    }

    /// The principal whose policies these are.
    pub(super) fn principal(&self) -> PrincipalRef {
        self.principal
    }

    /// What the principal's policies need to allow `action` on `resource` of `account`.
    fn may(&self, action: &str, resource: &str, account: &str) -> Option<Need> {
        let ask = |documents: &[&PolicyDocument]| {
            Need::of(&eval::policies_require(
                documents.iter().copied(),
                &self.caller,
                action,
                resource,
                account,
                false,
            ))
        };
        let mut need = ask(&self.own)?;
        // A user without groups, a group or a role: its own policies are all of them.
        if self.all.len() != self.own.len() {
            need = need.and(&ask(&self.all)?);
        }
        if let Some(boundary) = self.boundary {
            need = need.and(&ask(&[boundary])?);
        }
        Some(need)
    }

    /// Every document, the boundary included.
    fn documents(&self) -> impl Iterator<Item = &'s PolicyDocument> + '_ {
        self.all.iter().copied().chain(self.boundary)
    }
}

/// Whether `document` has an `Allow` whose actions may include `sts:AssumeRole` (a `NotAction` may).
pub(super) fn may_allow_assume(document: &PolicyDocument) -> bool {
    document.statements().any(|statement| {
        statement.effect == Effect::Allow
            && match &statement.action {
                ActionElement::Action(actions) => actions
                    .iter()
                    .any(|action| action.matches("sts:AssumeRole")),
                ActionElement::NotAction(_) => true,
            }
    })
}

/// What `holder`'s own policies need to call `sts:AssumeRole` on `role`, and whether the role's trust admits
/// the principal (for a group, one of its members or its account as a whole).
pub(super) fn may_assume(
    index: &Index<'_>,
    holder: &Holder<'_>,
    role: RoleRef,
) -> Option<(Need, bool)> {
    let stack = index.stack;
    let role_arn = stack.role_arn(role);
    let role_account = stack.account(stack.role(role).account).id.as_str();
    let need = holder.may("sts:AssumeRole", &role_arn, role_account)?;
    let trust = &stack.role(role).trust;
    let admits = |arn: &str| {
        eval::policies_require(
            [trust],
            &Caller::new(arn),
            "sts:AssumeRole",
            &role_arn,
            role_account,
            true,
        )
        .decision
            == Decision::Allowed
    };
    let trusted = match holder.principal {
        PrincipalRef::Group(group) => {
            admits(&crate::names::account_root_arn(
                stack.account(stack.group(group).account).id.as_str(),
            )) || index.members[group.index()]
                .iter()
                .any(|user| admits(&stack.user_arn(*user)))
        }
        PrincipalRef::User(_) | PrincipalRef::Role(_) => admits(&holder.caller.arn),
    };
    Some((need, trusted))
}

/// What `principal` may do to each bucket of its account, grouped by what the request must bring: for each
/// bucket, the actions and their need. Only buckets the principal's policies may name are asked (by ARN; all
/// of its account's when a resource has a wildcard or a variable), and only the S3 actions its statements
/// may allow. A bucket of another account is left out: the stack gives buckets no policy, and without one no
/// other account's principal gets in.
pub(super) fn access(index: &Index<'_>, principal: PrincipalRef) -> Vec<(BucketRef, Vec<Grant>)> {
    let stack = index.stack;
    let holder = Holder::new(index, principal);
    let account_ref = stack.principal_account(principal);
    let account = stack.account(account_ref).id.as_str();
    let (buckets, patterns) = candidates(index, &holder, account_ref);
    if buckets.is_empty() {
        return Vec::new();
    }
    let actions: Vec<(&'static str, S3Resource)> = index
        .s3
        .iter()
        .filter(|(action, _)| {
            patterns.iter().any(|pattern| match pattern {
                None => true,
                Some(pattern) => {
                    crate::wildcard::matches(pattern, action, crate::wildcard::Case::IgnoreAscii)
                }
            })
        })
        .copied()
        .collect();
    let mut found = Vec::new();
    for bucket in buckets {
        let name = &stack.bucket(bucket).name;
        let bucket_arn = format!("arn:aws:s3:::{name}");
        let object_arn = format!("arn:aws:s3:::{name}/example-object");
        let mut by_need: BTreeMap<Need, Vec<&'static str>> = BTreeMap::new();
        for (action, on) in &actions {
            let asks: &[&str] = match on {
                S3Resource::Bucket => &[&bucket_arn],
                S3Resource::Object => &[&object_arn],
                S3Resource::Both => &[&bucket_arn, &object_arn],
            };
            if let Some(need) = asks
                .iter()
                .filter_map(|resource| holder.may(action, resource, account))
                .reduce(|one, other| one.or(&other))
            {
                by_need.entry(need).or_default().push(action);
            }
        }
        if !by_need.is_empty() {
            let grants = by_need
                .into_iter()
                .map(|(need, actions)| Grant {
                    label: scope(&actions, index.s3.len()),
                    need,
                })
                .collect();
            found.push((bucket, grants));
        }
    }
    found
}

/// The buckets of `account` that `holder`'s `Allow` statements may name, and the action patterns of those
/// statements (`None` for a `NotAction`, which may allow any).
fn candidates<'d>(
    index: &Index<'_>,
    holder: &Holder<'d>,
    account: AccountRef,
) -> (BTreeSet<BucketRef>, Vec<Option<&'d str>>) {
    let stack = index.stack;
    let mut buckets = BTreeSet::new();
    let mut patterns = Vec::new();
    let mut any_bucket = false;
    for statement in holder.documents().flat_map(PolicyDocument::statements) {
        if statement.effect != Effect::Allow {
            continue;
        }
        match &statement.action {
            ActionElement::Action(actions) => {
                patterns.extend(actions.iter().map(|action| Some(action.as_str())));
            }
            ActionElement::NotAction(_) => patterns.push(None),
        }
        match &statement.resource {
            Some(ResourceElement::Resource(resources)) => {
                for resource in resources {
                    let resource = resource.as_str();
                    let open = |text: &str| text.contains(['*', '?']) || text.contains("${");
                    match resource.strip_prefix("arn:aws:s3:::") {
                        // A wildcard in the object key (`bucket/*`) names that bucket only.
                        Some(rest) => {
                            let name = rest.split('/').next().unwrap_or(rest);
                            if open(name) {
                                any_bucket = true;
                            } else if let Some(bucket) = index.buckets.get(name) {
                                buckets.insert(*bucket);
                            }
                        }
                        None => any_bucket |= open(resource),
                    }
                }
            }
            Some(ResourceElement::NotResource(_)) | None => any_bucket = true,
        }
    }
    if any_bucket {
        buckets.extend(
            stack
                .buckets()
                .filter(|(_, bucket)| bucket.account == account)
                .map(|(bucket_ref, _)| bucket_ref),
        );
    }
    buckets.retain(|bucket| stack.bucket(*bucket).account == account);
    (buckets, patterns)
}

/// Actions a principal may do to a bucket under one need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Grant {
    /// The actions' scope: `s3:* (all)`, `s3:GetObject, s3:ListBucket`, `s3: 12 actions (list, read, write)`.
    pub(super) label: String,
    /// What the request must bring.
    pub(super) need: Need,
}

/// The most actions a label names one by one.
const LISTED_ACTIONS: usize = 4;

/// The scope of `actions` (sorted, as the catalogue lists them) among the `all` S3 actions on buckets and
/// objects: all of them, each of a few, or how many and of which access levels.
fn scope(actions: &[&str], all: usize) -> String {
    if actions.len() == all {
        return "s3:* (all)".to_owned();
    }
    if actions.len() <= LISTED_ACTIONS {
        return actions.join(", ");
    }
    let catalog = crate::catalog::catalog();
    let levels: BTreeSet<crate::catalog::AccessLevel> = actions
        .iter()
        .filter_map(|action| catalog.action(action))
        .map(|action| action.access_level())
        .collect();
    let levels: Vec<String> = levels
        .iter()
        .map(|level| level.as_str().to_lowercase())
        .collect();
    format!(
        "s3: {} of {all} actions ({})",
        actions.len(),
        levels.join(", ")
    )
}
