//! Checking the cross-account chain as its user would walk it: as a principal of the trusted account, assume
//! the role, then run the read-only calls the role's permissions promise (list the declared bucket, read an
//! object's metadata, list the buckets), and report each step.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use aws_config::SdkConfig;

use super::session::{AccountClients, Session};
use crate::eval::{self, Caller, Conditions, Decision};
use crate::policy::{ConditionValue, Effect, OperatorBase, PolicyDocument, ResourceElement};
use crate::stack::{PrincipalRef, RoleRef, Stack};

/// The name of the role sessions `verify` opens.
const SESSION_NAME: &str = "iamgen-verify";

/// What to verify.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The role to assume, by name; every role of the stack whose trust policy may admit the principal when
    /// `None`.
    pub role: Option<String>,
    /// The `sts:ExternalId` to pass; the one the trust requires when `None`.
    pub external_id: Option<String>,
    /// The MFA device's serial number and a current code, for a trust that requires MFA.
    pub mfa: Option<(String, String)>,
}

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It worked; what it found.
    Passed(String),
    /// It did not; the service's answer.
    Failed(String),
    /// It was not run; why.
    Skipped(String),
}

/// One step of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What was tried: `assume role ...`, `s3:ListBucket on ...`.
    pub what: String,
    /// How it ended.
    pub outcome: Outcome,
}

/// Every step, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// The steps.
    pub steps: Vec<Step>,
}

impl VerifyReport {
    /// Whether no step failed.
    #[must_use]
    pub fn is_success(&self) -> bool {
        !self
            .steps
            .iter()
            .any(|step| matches!(step.outcome, Outcome::Failed(_)))
    }

    /// The report for people, a line per step.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for step in &self.steps {
            let (mark, detail) = match &step.outcome {
                Outcome::Passed(detail) => ("ok     ", detail),
                Outcome::Failed(detail) => ("FAILED ", detail),
                Outcome::Skipped(detail) => ("skipped", detail),
            };
            let _ = writeln!(out, "{mark} {}: {detail}", step.what);
        }
        let failed = self
            .steps
            .iter()
            .filter(|step| matches!(step.outcome, Outcome::Failed(_)))
            .count();
        let _ = writeln!(out, "\n{} steps, {failed} failed.", self.steps.len());
        out
    }

    /// The report as JSON: `{"success": bool, "steps": [{"what", "outcome": "passed|failed|skipped",
    /// "detail"}]}`.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "success": self.is_success(),
            "steps": self.steps.iter().map(|step| {
                let (outcome, detail) = match &step.outcome {
                    Outcome::Passed(detail) => ("passed", detail),
                    Outcome::Failed(detail) => ("failed", detail),
                    Outcome::Skipped(detail) => ("skipped", detail),
                };
                serde_json::json!({ "what": step.what, "outcome": outcome, "detail": detail })
            }).collect::<Vec<_>>(),
        })
    }

    fn push(&mut self, what: impl Into<String>, outcome: Outcome) {
        self.steps.push(Step {
            what: what.into(),
            outcome,
        });
    }
}

/// A read-only call the role's permissions promise.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Probe {
    ListBuckets,
    ListBucket(String),
    ReadObject(String),
}

/// The key a probe of an object's read stands for: the object actually read is the first one listed.
const PROBE_KEY: &str = "probe";

/// The probes the permissions of the role `role_ref` promise, as its session `caller`: listing every bucket,
/// and for each bucket an allowing statement names exactly (no wildcard in the name), listing it and reading
/// an object of it. Each is kept where the evaluator says the role's policies, and its permissions boundary,
/// may allow it (a `Condition` may hold; an unconditional `Deny` rules it out).
fn probes(stack: &Stack, role_ref: RoleRef, caller: &Caller) -> BTreeSet<Probe> {
    let role = stack.role(role_ref);
    let account = stack.account(role.account).id.as_str();
    let documents: Vec<&PolicyDocument> = stack
        .attached(PrincipalRef::Role(role_ref))
        .iter()
        .map(|policy| &stack.policy(*policy).document)
        .chain(role.inline.iter().map(|inline| &inline.document))
        .collect();
    let boundary = role
        .permissions_boundary
        .map(|policy| &stack.policy(policy).document);
    let may = |action: &str, resource: &str| {
        let decide = |documents: &[&PolicyDocument]| {
            eval::policies_decide(
                documents.iter().copied(),
                caller,
                action,
                resource,
                account,
                false,
                Conditions::Unknown,
            ) == Decision::Allowed
        };
        decide(&documents) && boundary.is_none_or(|boundary| decide(&[boundary]))
    };
    let mut found = BTreeSet::new();
    if may("s3:ListAllMyBuckets", "*") {
        found.insert(Probe::ListBuckets);
    }
    let named: BTreeSet<&str> = documents
        .iter()
        .flat_map(|document| document.statements())
        .filter(|statement| statement.effect == Effect::Allow)
        .filter_map(|statement| match &statement.resource {
            Some(ResourceElement::Resource(resources)) => Some(resources.as_slice()),
            _ => None,
        })
        .flatten()
        .filter_map(|resource| resource.as_str().strip_prefix("arn:aws:s3:::"))
        .map(|rest| rest.split_once('/').map_or(rest, |(bucket, _)| bucket))
        .filter(|bucket| !bucket.is_empty() && !bucket.contains(['*', '?', '$']))
        .collect();
    for bucket in named {
        if may("s3:ListBucket", &format!("arn:aws:s3:::{bucket}")) {
            found.insert(Probe::ListBucket(bucket.to_owned()));
        }
        if may(
            "s3:GetObject",
            &format!("arn:aws:s3:::{bucket}/{PROBE_KEY}"),
        ) {
            found.insert(Probe::ReadObject(bucket.to_owned()));
        }
    }
    found
}

/// The `sts:ExternalId` a trust requires, if it names exactly one.
fn required_external_id(trust: &PolicyDocument) -> Option<String> {
    trust
        .statements()
        .flat_map(|statement| statement.condition.iter().flat_map(|c| &c.0))
        .filter(|block| block.operator.base == OperatorBase::StringEquals)
        .flat_map(|block| &block.entries)
        .find(|entry| entry.key.eq_ignore_ascii_case("sts:ExternalId"))
        .and_then(|entry| match entry.values.as_slice() {
            [ConditionValue::String(value)] => Some(value.clone()),
            _ => None,
        })
}

/// Whether a trust requires MFA.
fn requires_mfa(trust: &PolicyDocument) -> bool {
    trust
        .statements()
        .flat_map(|statement| statement.condition.iter().flat_map(|c| &c.0))
        .flat_map(|block| &block.entries)
        .any(|entry| entry.key.eq_ignore_ascii_case("aws:MultiFactorAuthPresent"))
}

/// The roles to try: the one asked for, or those whose trust policy may admit `caller` (the evaluator's
/// answer, a `Condition` taken to hold: the step `sts:AssumeRole` gives the conditions what they ask for).
fn target_roles(stack: &Stack, caller: &Caller, options: &VerifyOptions) -> Vec<RoleRef> {
    stack
        .roles()
        .filter(|(role_ref, role)| match &options.role {
            Some(name) => &role.name == name,
            None => {
                eval::policies_decide(
                    [&role.trust],
                    caller,
                    "sts:AssumeRole",
                    &stack.role_arn(*role_ref),
                    stack.account(role.account).id.as_str(),
                    true,
                    Conditions::Unknown,
                ) == Decision::Allowed
            }
        })
        .map(|(role, _)| role)
        .collect()
}

/// Walks the chain as the principal whose credentials `principal` holds, for the roles of `stack`.
pub async fn verify(
    session: &Session,
    stack: &Stack,
    principal: &SdkConfig,
    options: &VerifyOptions,
) -> VerifyReport {
    let mut report = VerifyReport::default();
    let me = session.clients_for(principal);
    let identity = match me.sts.get_caller_identity().send().await {
        Ok(identity) => identity,
        Err(error) => {
            report.push(
                "who the principal is (sts:GetCallerIdentity)",
                Outcome::Failed(super::describe(&error).1),
            );
            return report;
        }
    };
    let account = identity.account().unwrap_or_default().to_owned();
    let caller = Caller::new(identity.arn().unwrap_or_default());
    report.push(
        "who the principal is (sts:GetCallerIdentity)",
        Outcome::Passed(caller.arn.clone()),
    );
    let roles = target_roles(stack, &caller, options);
    if roles.is_empty() {
        report.push(
            "find a role to assume",
            Outcome::Failed(match &options.role {
                Some(name) => format!("the stack has no role {name}"),
                None => format!(
                    "no role of the stack trusts {} (account {account})",
                    caller.arn
                ),
            }),
        );
        return report;
    }
    for role_ref in roles {
        verify_role(session, stack, role_ref, principal, options, &mut report).await;
    }
    report
}

async fn verify_role(
    session: &Session,
    stack: &Stack,
    role_ref: RoleRef,
    principal: &SdkConfig,
    options: &VerifyOptions,
    report: &mut VerifyReport,
) {
    let as_principal = session.clients_for(principal);
    let Some(credentials) = assume_role(stack, role_ref, &as_principal, options, report).await
    else {
        return;
    };
    let role = stack.role(role_ref);
    let as_role = session.clients_for(&session.config_for(credentials));
    let session = Caller::new(&format!(
        "arn:aws:sts::{}:assumed-role/{}/{SESSION_NAME}",
        stack.account(role.account).id,
        role.name
    ));
    let mut first_keys = std::collections::BTreeMap::new();
    for probe in probes(stack, role_ref, &session) {
        match probe {
            Probe::ListBuckets => {
                let result = as_role.s3.list_buckets().send().await;
                report.push(
                    "s3:ListAllMyBuckets",
                    match result {
                        Ok(output) => {
                            Outcome::Passed(format!("{} bucket(s)", output.buckets().len()))
                        }
                        Err(error) => Outcome::Failed(failure(&error)),
                    },
                );
            }
            Probe::ListBucket(bucket) => {
                let result = as_role
                    .s3
                    .list_objects_v2()
                    .bucket(&bucket)
                    .max_keys(5)
                    .send()
                    .await;
                report.push(
                    format!("s3:ListBucket on {bucket}"),
                    match result {
                        Ok(output) => {
                            if let Some(key) = output.contents().iter().find_map(|o| o.key()) {
                                first_keys.insert(bucket.clone(), key.to_owned());
                            }
                            Outcome::Passed(format!("{} object(s) listed", output.contents().len()))
                        }
                        Err(error) => Outcome::Failed(failure(&error)),
                    },
                );
            }
            Probe::ReadObject(bucket) => {
                let what = format!("s3:GetObject in {bucket} (HeadObject)");
                let Some(key) = first_keys.get(&bucket) else {
                    report.push(
                        what,
                        Outcome::Skipped("no object listed to read".to_owned()),
                    );
                    continue;
                };
                let result = as_role
                    .s3
                    .head_object()
                    .bucket(&bucket)
                    .key(key)
                    .send()
                    .await;
                report.push(
                    what,
                    match result {
                        Ok(output) => Outcome::Passed(format!(
                            "{key}: {} byte(s)",
                            output.content_length().unwrap_or(0)
                        )),
                        Err(error) => Outcome::Failed(failure(&error)),
                    },
                );
            }
        }
    }
}

/// The step `sts:AssumeRole` of `role_ref` as the principal; the session's credentials when it passed.
async fn assume_role(
    stack: &Stack,
    role_ref: RoleRef,
    principal: &AccountClients,
    options: &VerifyOptions,
    report: &mut VerifyReport,
) -> Option<aws_credential_types::Credentials> {
    let role = stack.role(role_ref);
    let arn = stack.role_arn(role_ref);
    let what = format!("assume {arn} (sts:AssumeRole)");
    if requires_mfa(&role.trust) && options.mfa.is_none() {
        report.push(
            what,
            Outcome::Skipped(
                "the trust requires MFA: give the MFA device's serial and a current code"
                    .to_owned(),
            ),
        );
        return None;
    }
    let external_id = options
        .external_id
        .clone()
        .or_else(|| required_external_id(&role.trust));
    let mut request = principal
        .sts
        .assume_role()
        .role_arn(&arn)
        .role_session_name(SESSION_NAME)
        .set_external_id(external_id);
    if let Some((serial, code)) = &options.mfa {
        request = request.serial_number(serial).token_code(code);
    }
    let output = match request.send().await {
        Ok(output) => output,
        Err(error) => {
            let (code, message) = super::describe(&error);
            report.push(
                what,
                Outcome::Failed(format!(
                    "{}{message}",
                    code.map(|c| format!("{c}: ")).unwrap_or_default()
                )),
            );
            return None;
        }
    };
    let Some(credentials) = output.credentials() else {
        report.push(what, Outcome::Failed("no credentials returned".to_owned()));
        return None;
    };
    report.push(
        what,
        Outcome::Passed(
            output
                .assumed_role_user()
                .map(|user| user.arn().to_owned())
                .unwrap_or_default(),
        ),
    );
    Some(aws_credential_types::Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        Some(credentials.session_token().to_owned()),
        None,
        "iamgen-verify",
    ))
}

fn failure<E>(
    error: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> String
where
    E: std::error::Error + aws_sdk_s3::error::ProvideErrorMetadata + 'static,
{
    let (code, message) = super::describe(error);
    match code {
        Some(code) => format!("{code}: {message}"),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stack::spec::{from_toml, scenario_accounts};

    const TROY: &str = "arn:aws:iam::183438944504:user/Troy";
    const ALLOW_ACME: &str = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "Action": "sts:AssumeRole"}"#;

    /// A stack of Stuzio's role `Reader` with the trust statements `trust`, the statements `permissions` as an
    /// inline policy, and the statements `boundary` (if any) as its permissions boundary.
    fn stack(trust: &str, permissions: &str, boundary: Option<&str>) -> Stack {
        let document = |statements: &str| {
            format!(r#"'''{{"Version": "2012-10-17", "Statement": [{statements}]}}'''"#)
        };
        let (boundary_policy, boundary_key) = match boundary {
            Some(statements) => (
                format!(
                    "[[policy]]\nname = \"Boundary\"\naccount = \"Stuzio\"\ndocument = {}\n",
                    document(statements)
                ),
                "permissions_boundary = \"Boundary\"\n",
            ),
            None => (String::new(), ""),
        };
        let accounts = scenario_accounts!();
        let spec = format!(
            r#"
{accounts}
{boundary_policy}
[[role]]
name = "Reader"
account = "Stuzio"
{boundary_key}trust = {}

[[role.inline]]
name = "Permissions"
document = {}
"#,
            document(trust),
            document(permissions),
        );
        from_toml(&spec).unwrap_or_else(|error| panic!("{error}\n{spec}"))
    }

    fn targets(stack: &Stack) -> Vec<&str> {
        target_roles(stack, &Caller::new(TROY), &VerifyOptions::default())
            .into_iter()
            .map(|role| stack.role(role).name.as_str())
            .collect()
    }

    fn probes_of(stack: &Stack) -> Vec<Probe> {
        let (role, _) = stack.roles().next().expect("a role");
        let session = Caller::new("arn:aws:sts::081278057606:assumed-role/Reader/iamgen-verify");
        probes(stack, role, &session).into_iter().collect()
    }

    const READ_ALL: &str = r#"{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]}"#;

    #[test]
    fn a_role_whose_trust_admits_the_account_is_a_target() {
        assert_eq!(targets(&stack(ALLOW_ACME, READ_ALL, None)), ["Reader"]);
    }

    #[test]
    fn a_role_whose_trust_requires_an_external_id_is_still_a_target() {
        let trust = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}"#;
        assert_eq!(targets(&stack(trust, READ_ALL, None)), ["Reader"]);
    }

    #[test]
    fn a_role_whose_trust_denies_the_caller_is_no_target() {
        let trust = format!(
            r#"{ALLOW_ACME}, {{"Effect": "Deny", "Principal": {{"AWS": "{TROY}"}}, "Action": "sts:AssumeRole"}}"#
        );
        assert!(targets(&stack(&trust, READ_ALL, None)).is_empty());
    }

    #[test]
    fn a_role_whose_trust_names_the_account_in_a_condition_only_is_no_target() {
        let trust = r#"{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "183438944504"}}}"#;
        assert!(targets(&stack(trust, READ_ALL, None)).is_empty());
    }

    #[test]
    fn probes_are_the_calls_the_permissions_allow() {
        let permissions = format!(
            r#"{READ_ALL}, {{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}}"#
        );
        assert_eq!(
            probes_of(&stack(ALLOW_ACME, &permissions, None)),
            [
                Probe::ListBuckets,
                Probe::ListBucket("data".to_owned()),
                Probe::ReadObject("data".to_owned()),
            ]
        );
    }

    #[test]
    fn a_denied_call_is_no_probe() {
        let permissions = format!(
            r#"{READ_ALL}, {{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}}"#
        );
        assert_eq!(
            probes_of(&stack(ALLOW_ACME, &permissions, None)),
            [Probe::ListBucket("data".to_owned())]
        );
    }

    #[test]
    fn not_action_promises_what_it_does_not_list() {
        let permissions = r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]}"#;
        assert_eq!(
            probes_of(&stack(ALLOW_ACME, permissions, None)),
            [
                Probe::ListBucket("data".to_owned()),
                Probe::ReadObject("data".to_owned()),
            ]
        );
    }

    #[test]
    fn the_permissions_boundary_limits_the_probes() {
        let boundary = r#"{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}"#;
        assert_eq!(
            probes_of(&stack(ALLOW_ACME, READ_ALL, Some(boundary))),
            [Probe::ListBucket("data".to_owned())]
        );
    }
}
