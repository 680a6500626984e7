//! Deploying a [`Stack`](crate::stack::Stack) through the AWS SDK: [`plan()`] what would change in every
//! account the stack touches, [`apply()`] a plan, [`import_role()`] to bring existing roles in as a spec or
//! Rust source, and [`verify()`] the cross-account chain as a principal of the trusted account.
//!
//! iamgen marks what it creates with the tag [`OWNER_TAG`] (the stack's name as its value) and deletes nothing
//! without it: a role made by hand in the same account never appears in a plan. IAM groups take no tags, so
//! groups are created and updated but never deleted. Policies are compared by meaning, not text (see
//! [`canonical`]), so an unchanged stack plans nothing.

pub mod apply;
pub mod canonical;
pub mod import;
pub mod live;
pub mod plan;
pub mod session;
pub mod verify;

use aws_sdk_iam::config::http::HttpResponse;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};

use crate::policy::{AccountIdError, ParseError};

pub use apply::{ApplyReport, apply};
pub use import::{
    ImportError, ImportedPolicy, ImportedRole, ImportedStack, ImportedUser, default_stack_name,
    import_role,
};
pub use plan::{Change, ChangeKind, Plan, plan};
pub use session::{
    AccountClients, CallCounts, DEFAULT_DEPLOY_ROLE, DEFAULT_TIMEOUT, OperationCalls, Session,
    SessionOptions,
};
pub use verify::{Outcome, Step, VerifyOptions, VerifyReport, verify};

/// The AWS SDK crates iamgen deploys with, for callers that make requests of their own with the same versions:
///
/// | path | crate |
/// |---|---|
/// | `sdk::config` | [`aws-config`](https://docs.rs/aws-config/1) |
/// | `sdk::credentials` | [`aws-credential-types`](https://docs.rs/aws-credential-types/1) |
/// | `sdk::iam` | [`aws-sdk-iam`](https://docs.rs/aws-sdk-iam/1) |
/// | `sdk::s3` | [`aws-sdk-s3`](https://docs.rs/aws-sdk-s3/1) |
/// | `sdk::sts` | [`aws-sdk-sts`](https://docs.rs/aws-sdk-sts/1) |
///
/// Linked, not inlined: the SDK's thousands of items would bury iamgen's own, in the pages and in their search.
pub mod sdk {
    #[doc(no_inline)]
    pub use aws_config as config;
    #[doc(no_inline)]
    pub use aws_credential_types as credentials;
    #[doc(no_inline)]
    pub use aws_sdk_iam as iam;
    #[doc(no_inline)]
    pub use aws_sdk_s3 as s3;
    #[doc(no_inline)]
    pub use aws_sdk_sts as sts;
}

/// The tag that marks what a stack owns; its value is the stack's name.
pub const OWNER_TAG: &str = "iamgen:stack";

/// The stack name used when none is given.
pub const DEFAULT_STACK_NAME: &str = "iamgen";

/// The error underneath a [`DeployError`], such as the SDK's. Shared, so that the error stays `Clone`: the
/// source chain holds this `Arc`, which downcasts to [`Source`] and then to the error it holds.
pub type Source = std::sync::Arc<dyn std::error::Error + Send + Sync>;

/// Why talking to AWS failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum DeployError {
    /// A call failed (after the SDK's retries).
    #[error("{operation} in account {account} failed: {}{message}", code.as_ref().map(|code| format!("{code}: ")).unwrap_or_default())]
    Sdk {
        /// The account.
        account: String,
        /// The API operation.
        operation: &'static str,
        /// The service's or the transport's message.
        message: String,
        /// The service's error code, when it answered.
        code: Option<String>,
        /// The SDK's error.
        #[source]
        source: Option<Source>,
    },
    /// No credentials for an account.
    #[error("cannot act in {account}: {}{message} ({help})", code.as_ref().map(|code| format!("{code}: ")).unwrap_or_default())]
    Credentials {
        /// The account or role.
        account: String,
        /// What went wrong: the service's message, or what iamgen found.
        message: String,
        /// The service's error code, when it answered.
        code: Option<String>,
        /// What to do.
        help: String,
        /// The SDK's error, or what else failed.
        #[source]
        source: Option<Source>,
    },
    /// A document IAM returned is not a policy iamgen reads.
    #[error("{what} as IAM returned it is not a valid policy: {source}")]
    Document {
        /// Which document.
        what: String,
        /// Why.
        #[source]
        source: ParseError,
    },
    /// The stack needs something in an account that is not there.
    #[error(transparent)]
    Missing(#[from] Missing),
    /// A plan names an account by something that is not an account id.
    #[error("{} is not an account id", source.0)]
    NotAnAccount {
        /// Why.
        #[source]
        source: AccountIdError,
    },
    /// A tag could not be built for a request.
    #[error("a tag {key}: {source}")]
    Tag {
        /// The tag's key.
        key: String,
        /// The SDK's error.
        #[source]
        source: Source,
    },
    /// A named profile gives no credentials (it is not defined, or defines none).
    #[error(
        "the profile `{profile}` gives no credentials: {message} (looked in {looked_in})\n  help: define it there (`aws configure --profile {profile}`), or point AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at the files that do"
    )]
    Profile {
        /// The profile's name.
        profile: String,
        /// What the SDK said.
        message: String,
        /// The config and credentials files read.
        looked_in: String,
        /// The SDK's error.
        #[source]
        source: Source,
    },
    /// Credentials given for one account act in another: nothing was read or written with them.
    #[error(
        "the credentials of {origin} act in account {actual}, not in account {expected} as the stack says; nothing was done in either\n  help: give account {expected} a profile of that account (--account-profile), or leave it to the deploy role"
    )]
    WrongAccount {
        /// The account the stack names.
        expected: String,
        /// The account `sts:GetCallerIdentity` named.
        actual: String,
        /// Where the credentials came from: the profile, by name, or the role, by ARN.
        origin: String,
    },
    /// A call got no answer in time, over every attempt.
    #[error(
        "{operation} for {subject} got no answer within {} s ({attempts} attempt(s) made)\n  help: check that the endpoint answers (--endpoint-url, AWS_ENDPOINT_URL), or allow more time with --timeout SECONDS",
        bound.as_secs()
    )]
    Timeout {
        /// The account (`account ID`) or identity the call was for.
        subject: String,
        /// The API operation.
        operation: String,
        /// Attempts made, the first included.
        attempts: u32,
        /// The bound on the whole call ([`SessionOptions::timeout`]).
        bound: std::time::Duration,
    },
}

/// What a stack needs in an account and did not find there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Missing {
    /// A user declared as existing is not in its account.
    #[error(
        "user {user} is declared as existing, but account {account_name} ({account}) has no such user: create it, or \
         declare it without `existing` so that the stack creates it"
    )]
    ExistingUser {
        /// The user's name.
        user: String,
        /// The account's name in the stack.
        account_name: String,
        /// The account's id.
        account: String,
    },
    /// A bucket declared as existing is not among the account's buckets.
    #[error(
        "bucket {bucket} is declared as existing, but account {account_name} ({account}) has no such bucket: \
         create it, or declare it without `existing` so that the stack creates it"
    )]
    ExistingBucket {
        /// The bucket's name.
        bucket: String,
        /// The account's name in the stack.
        account_name: String,
        /// The account's id.
        account: String,
    },
    /// IAM answered for a policy without the policy.
    #[error("no policy {arn}")]
    Policy {
        /// The policy's ARN.
        arn: String,
    },
    /// IAM answered for a role without the role.
    #[error("account {account} has no role {role}")]
    Role {
        /// The account's id.
        account: String,
        /// The role's name.
        role: String,
    },
}

impl DeployError {
    pub(crate) fn credentials<E>(what: &str, error: SdkError<E, HttpResponse>) -> DeployError
    where
        E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
    {
        if let Some(timeout) = timed_out(&error, what, "") {
            return timeout;
        }
        let (code, message) = describe(&error);
        DeployError::Credentials {
            account: what.to_owned(),
            message,
            code,
            help: "check the credentials (environment, profile), the deploy role and the endpoint"
                .to_owned(),
            source: Some(std::sync::Arc::new(error)),
        }
    }

    /// Whether the service answered with the error code `code` (`NoSuchEntity`, `EntityAlreadyExists` ...).
    #[must_use]
    pub fn is_code(&self, code: &str) -> bool {
        matches!(self, DeployError::Sdk { code: Some(found), .. } if found == code)
    }
}

/// An error with its sources: the SDK keeps the service's code and message in the source chain.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        source = inner.source();
    }
    text
}

/// `map_err` for one SDK call: the account and the operation name the error.
pub(crate) fn failed<E>(
    account: &str,
    operation: &'static str,
) -> impl FnOnce(SdkError<E, HttpResponse>) -> DeployError
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
{
    move |error| {
        if let Some(timeout) = timed_out(&error, &format!("account {account}"), operation) {
            return timeout;
        }
        let (code, message) = describe(&error);
        DeployError::Sdk {
            account: account.to_owned(),
            operation,
            message,
            code,
            source: Some(std::sync::Arc::new(error)),
        }
    }
}

/// [`DeployError::Timeout`] when `error` is a call that ran out of time (see [`SessionOptions::timeout`]).
fn timed_out<E, R>(error: &SdkError<E, R>, subject: &str, operation: &str) -> Option<DeployError>
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let SdkError::TimeoutError(_) = error else {
        return None;
    };
    let found = std::error::Error::source(error)
        .and_then(|source| source.downcast_ref::<session::TimedOut>());
    // A client made outside a session has no count: the SDK's own words then.
    let found = found?;
    Some(DeployError::Timeout {
        subject: subject.to_owned(),
        operation: if found.operation.is_empty() {
            operation.to_owned()
        } else {
            found.operation.clone()
        },
        attempts: found.attempts,
        bound: found.bound,
    })
}

/// The service's error code and message. The SDK parses them from the error document; where an emulator's
/// document has another shape (moto's `<ErrorResponse><Errors><Error>`), they are read from the raw body.
pub(crate) fn describe<E>(error: &SdkError<E, HttpResponse>) -> (Option<String>, String)
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    let field = |tag: &str| -> Option<String> {
        let raw = error.raw_response()?;
        let body = std::str::from_utf8(raw.body().bytes()?).ok()?;
        let open = format!("<{tag}>");
        let start = body.find(&open)? + open.len();
        let end = start + body[start..].find(&format!("</{tag}>"))?;
        Some(body[start..end].to_owned())
    };
    let code = error.code().map(str::to_owned).or_else(|| field("Code"));
    let message = error
        .message()
        .map(str::to_owned)
        .or_else(|| field("Message"))
        .unwrap_or_else(|| chain(error));
    (code, message)
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use aws_sdk_iam::operation::get_role::GetRoleError;

    use super::*;
    use crate::PolicyDocument;

    fn construction_failure() -> SdkError<GetRoleError, HttpResponse> {
        SdkError::construction_failure("no region configured")
    }

    #[test]
    fn a_failed_call_keeps_the_sdk_error_as_its_source() {
        let error = failed("111111111111", "GetRole")(construction_failure());
        assert!(
            error
                .to_string()
                .starts_with("GetRole in account 111111111111 failed: "),
            "{error}"
        );
        let source = error.source().expect("the SDK's error");
        let shared = source.downcast_ref::<Source>().expect("a shared error");
        assert!(
            shared
                .downcast_ref::<SdkError<GetRoleError, HttpResponse>>()
                .is_some(),
            "{source:?}"
        );
    }

    #[test]
    fn credentials_that_fail_keep_the_sdk_error_and_its_code_apart() {
        let error = DeployError::credentials("the base identity", construction_failure());
        let DeployError::Credentials { code, source, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(code, &None);
        assert!(source.is_some());
        assert!(
            error
                .to_string()
                .starts_with("cannot act in the base identity: "),
            "{error}"
        );
    }

    #[test]
    fn a_document_iam_returns_unread_keeps_the_parse_error() {
        let parse_error = PolicyDocument::from_json("{").expect_err("not a policy");
        let error = live::document("{", "the trust policy of app").expect_err("not a policy");
        assert_eq!(
            error.to_string(),
            format!(
                "the trust policy of app as IAM returned it is not a valid policy: {parse_error}"
            )
        );
        assert_eq!(
            error
                .source()
                .and_then(|source| source.downcast_ref::<ParseError>()),
            Some(&parse_error)
        );
    }

    #[test]
    fn what_is_missing_is_structured_and_reads_as_before() {
        let error = DeployError::from(Missing::Role {
            account: "111111111111".to_owned(),
            role: "app".to_owned(),
        });
        assert!(matches!(
            &error,
            DeployError::Missing(Missing::Role { role, .. }) if role == "app"
        ));
        assert_eq!(error.to_string(), "account 111111111111 has no role app");
        let error = DeployError::NotAnAccount {
            source: AccountIdError("prod".to_owned()),
        };
        assert_eq!(error.to_string(), "prod is not an account id");
        assert!(error.source().is_some());
    }
}
