//! Checking the cross-account chain as its user would walk it: as a principal of the trusted account, assume
//! the role, then run the read-only calls the role's permissions promise (list the declared bucket, read an
//! object's metadata, list the buckets), and report each step.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use aws_config::SdkConfig;

use super::session::{AccountClients, Session};
use crate::glob::{matches, matches_ignore_ascii_case};
use crate::policy::{
    ActionElement, ConditionValue, Effect, OperatorBase, PolicyDocument, ResourceElement,
};
use crate::stack::{PrincipalRef, RoleRef, Stack};

/// What to verify.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The role to assume, by name; every role of the stack whose trust names the principal's account when
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

/// The probes the allowed statements of `documents` imply: buckets named exactly (no wildcard in the name).
fn probes<'d>(documents: impl IntoIterator<Item = &'d PolicyDocument>) -> BTreeSet<Probe> {
    let mut found = BTreeSet::new();
    for document in documents {
        for statement in document.statements() {
            let (
                Effect::Allow,
                ActionElement::Action(actions),
                Some(ResourceElement::Resource(resources)),
            ) = (statement.effect, &statement.action, &statement.resource)
            else {
                continue;
            };
            let allows = |action: &str| {
                actions
                    .as_slice()
                    .iter()
                    .any(|pattern| matches_ignore_ascii_case(pattern.as_str(), action))
            };
            for resource in resources.as_slice() {
                let resource = resource.as_str();
                if resource == "*" && allows("s3:ListAllMyBuckets") {
                    found.insert(Probe::ListBuckets);
                }
                let Some(rest) = resource.strip_prefix("arn:aws:s3:::") else {
                    continue;
                };
                let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
                if bucket.is_empty() || bucket.contains(['*', '?']) {
                    continue;
                }
                if key.is_empty() && allows("s3:ListBucket") {
                    found.insert(Probe::ListBucket(bucket.to_owned()));
                }
                if !key.is_empty() && matches(key, "probe") && allows("s3:GetObject") {
                    found.insert(Probe::ReadObject(bucket.to_owned()));
                }
            }
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

/// The roles to try: the one asked for, or those whose trust names `account`.
fn target_roles(stack: &Stack, account: &str, options: &VerifyOptions) -> Vec<RoleRef> {
    stack
        .roles()
        .filter(|(_, role)| match &options.role {
            Some(name) => &role.name == name,
            None => role.trust.to_json().contains(account),
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
    report.push(
        "who the principal is (sts:GetCallerIdentity)",
        Outcome::Passed(identity.arn().unwrap_or_default().to_owned()),
    );
    let roles = target_roles(stack, &account, options);
    if roles.is_empty() {
        report.push(
            "find a role to assume",
            Outcome::Failed(match &options.role {
                Some(name) => format!("the stack has no role {name}"),
                None => format!("no role of the stack trusts account {account}"),
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
    let documents = stack
        .attached(PrincipalRef::Role(role_ref))
        .iter()
        .map(|policy| &stack.policy(*policy).document)
        .chain(role.inline.iter().map(|inline| &inline.document));
    let mut first_keys = std::collections::BTreeMap::new();
    for probe in probes(documents) {
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
        .role_session_name("iamgen-verify")
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
