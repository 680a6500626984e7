//! Credentials and clients for every account a stack touches.
//!
//! One identity comes from the standard AWS credential chain (environment, profile, SSO, instance role) or a
//! named profile; every other account is reached by assuming a role there, by default
//! `OrganizationAccountAccessRole` as AWS Organizations creates it: the cross-account pattern itself. An
//! account can also have a profile of its own. `AWS_ENDPOINT_URL` or an explicit endpoint points every client
//! at an emulator.
//!
//! A named profile is read from the shared config and credentials files only, never from the environment's
//! keys, and every account's credentials are checked with `sts:GetCallerIdentity` before the account is read
//! or written (as the generated Terraform's `allowed_account_ids` does). Every client counts its calls
//! ([`Session::calls`]), and every call is bounded in time ([`SessionOptions::timeout`]).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials as _, SharedCredentialsProvider};
use aws_sdk_iam::config::interceptors::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextMut,
};
use aws_sdk_iam::config::{ConfigBag, Intercept, RuntimeComponents, SharedInterceptor};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::{Metadata, OrchestratorError};
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use tokio::sync::Mutex;

use super::DeployError;
use crate::AccountId;

/// The role assumed in an account the base identity is not in, unless told otherwise.
pub const DEFAULT_DEPLOY_ROLE: &str = "OrganizationAccountAccessRole";

/// The time one call may take, retries and backoff included, unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest single attempt: a slow answer is retried before the whole bound is spent on it.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// How to reach AWS.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// The region of the clients (IAM is global; STS and S3 are regional).
    pub region: String,
    /// An endpoint for every service (an emulator such as moto); `AWS_ENDPOINT_URL` when `None` and set.
    pub endpoint_url: Option<String>,
    /// The profile of the base identity, read from the shared config and credentials files only; the default
    /// chain when `None`.
    pub profile: Option<String>,
    /// Profiles for particular accounts, used instead of assuming [`SessionOptions::deploy_role`] there.
    pub account_profiles: BTreeMap<AccountId, String>,
    /// Static credentials for the base identity (tests, scripts), instead of the chain or `profile`.
    pub static_credentials: Option<(String, String)>,
    /// The role assumed in accounts the base identity is not in.
    pub deploy_role: String,
    /// Attempts per request, the first included: throttling, 5xx and dropped connections are retried with
    /// exponential backoff and jitter, within [`SessionOptions::timeout`].
    pub max_attempts: u32,
    /// The time one call may take, every attempt and backoff included ([`DEFAULT_TIMEOUT`]); an attempt
    /// alone gets at most 30 s of it. A call that runs out fails with [`DeployError::Timeout`].
    pub timeout: Duration,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            region: "us-east-1".to_owned(),
            endpoint_url: None,
            profile: None,
            account_profiles: BTreeMap::new(),
            static_credentials: None,
            deploy_role: DEFAULT_DEPLOY_ROLE.to_owned(),
            max_attempts: 8,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// The clients of one account.
#[derive(Debug, Clone)]
pub struct AccountClients {
    /// IAM.
    pub iam: aws_sdk_iam::Client,
    /// S3, path-style (emulators serve buckets under the endpoint's path).
    pub s3: aws_sdk_s3::Client,
    /// STS.
    pub sts: aws_sdk_sts::Client,
}

impl AccountClients {
    /// The clients for `config`, uncounted (see [`Session::clients_for`] for counted ones).
    #[must_use]
    pub fn new(config: &SdkConfig) -> Self {
        Self::with_interceptors(config, &[])
    }

    fn with_interceptors(config: &SdkConfig, interceptors: &[SharedInterceptor]) -> Self {
        let mut iam = aws_sdk_iam::config::Builder::from(config);
        let mut s3 = aws_sdk_s3::config::Builder::from(config).force_path_style(true);
        let mut sts = aws_sdk_sts::config::Builder::from(config);
        for interceptor in interceptors {
            iam.push_interceptor(interceptor.clone());
            s3.push_interceptor(interceptor.clone());
            sts.push_interceptor(interceptor.clone());
        }
        AccountClients {
            iam: aws_sdk_iam::Client::from_conf(iam.build()),
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
            sts: aws_sdk_sts::Client::from_conf(sts.build()),
        }
    }
}

/// The calls of one operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OperationCalls {
    /// Calls made (one per request the code sent, however often it was retried).
    pub calls: u64,
    /// Attempts made: calls plus retries.
    pub attempts: u64,
}

/// The calls a session's clients made, by operation (`iam:ListRoles`, `sts:AssumeRole` ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallCounts {
    /// By `service:Operation`, sorted.
    pub operations: BTreeMap<String, OperationCalls>,
}

impl CallCounts {
    /// Calls of every operation.
    #[must_use]
    pub fn calls(&self) -> u64 {
        self.operations.values().map(|counts| counts.calls).sum()
    }

    /// Attempts of every operation, retries included.
    #[must_use]
    pub fn attempts(&self) -> u64 {
        self.operations.values().map(|counts| counts.attempts).sum()
    }
}

impl fmt::Display for CallCounts {
    /// `calls: N (M attempts)`, then `  service:Operation  N (M attempts)` per operation, sorted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let attempts = |n: u64| if n == 1 { "attempt" } else { "attempts" };
        writeln!(
            f,
            "calls: {} ({} {})",
            self.calls(),
            self.attempts(),
            attempts(self.attempts())
        )?;
        let width = self.operations.keys().map(String::len).max().unwrap_or(0);
        for (operation, counts) in &self.operations {
            writeln!(
                f,
                "  {operation:width$}  {} ({} {})",
                counts.calls,
                counts.attempts,
                attempts(counts.attempts)
            )?;
        }
        Ok(())
    }
}

/// Counts the calls of every client it is given to, and says how many attempts a timed-out call made.
#[derive(Debug, Default)]
struct Counter {
    counts: std::sync::Mutex<BTreeMap<String, OperationCalls>>,
    bound: Duration,
}

impl Counter {
    fn bump(&self, cfg: &ConfigBag, update: impl FnOnce(&mut OperationCalls)) {
        let key = cfg.load::<Metadata>().map_or_else(
            || "unknown".to_owned(),
            // Lowercase, as IAM names actions: `iam:ListRoles`.
            |metadata| {
                format!(
                    "{}:{}",
                    metadata.service().to_ascii_lowercase(),
                    metadata.name()
                )
            },
        );
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        update(counts.entry(key).or_default());
    }
}

/// The error a call that ran out of time ends with: how many attempts it made, within which bound, and the
/// SDK's timeout error it replaces.
#[derive(Debug)]
pub(crate) struct TimedOut {
    pub(crate) operation: String,
    pub(crate) attempts: u32,
    pub(crate) bound: Duration,
    source: BoxError,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} got no answer within {} s after {} attempt(s): {}",
            self.operation,
            self.bound.as_secs(),
            self.attempts,
            super::chain(&*self.source)
        )
    }
}

impl std::error::Error for TimedOut {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// Counts the calls of a session, and replaces the SDK's timeout (which names one attempt's limit) with
/// [`TimedOut`].
#[derive(Debug, Clone)]
struct CountingInterceptor(Arc<Counter>);

impl Intercept for CountingInterceptor {
    fn name(&self) -> &'static str {
        "iamgen::CountingInterceptor"
    }

    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.bump(cfg, |counts| counts.calls += 1);
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.bump(cfg, |counts| counts.attempts += 1);
        Ok(())
    }

    fn modify_before_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(Err(error)) = context.output_or_error_mut() else {
            return Ok(());
        };
        if !error.is_timeout_error() {
            return Ok(());
        }
        // The SDK's own error stays underneath, as the source of ours.
        let original = std::mem::replace(error, OrchestratorError::timeout("timed out".into()));
        let timed_out = TimedOut {
            operation: cfg
                .load::<Metadata>()
                .map_or_else(String::new, |metadata| metadata.name().to_owned()),
            attempts: cfg
                .load::<RequestAttempts>()
                .map_or(1, RequestAttempts::attempts),
            bound: self.0.bound,
            source: Box::new(original),
        };
        *error = OrchestratorError::timeout(Box::new(timed_out));
        Ok(())
    }
}

/// Credentials and clients for every account, made on first use.
#[derive(Debug, Clone)]
pub struct Session {
    options: SessionOptions,
    base: SdkConfig,
    base_account: AccountId,
    accounts: Arc<Mutex<BTreeMap<AccountId, AccountClients>>>,
    profile_configs: BTreeMap<AccountId, SdkConfig>,
    counter: Arc<Counter>,
}

impl Session {
    /// Loads the base identity and finds which account it is in.
    ///
    /// A named profile (of the base identity or of an account) that gives no credentials is an error here,
    /// before any call.
    pub async fn new(options: SessionOptions) -> Result<Session, DeployError> {
        let counter = Arc::new(Counter {
            counts: std::sync::Mutex::default(),
            bound: options.timeout,
        });
        let base = load_config(&options, options.profile.as_deref()).await?;
        let mut profile_configs = BTreeMap::new();
        for (account, profile) in &options.account_profiles {
            profile_configs.insert(account.clone(), load_config(&options, Some(profile)).await?);
        }
        let identity = counted_sts(&base, &counter)
            .get_caller_identity()
            .send()
            .await
            .map_err(|error| DeployError::credentials("the base identity", error))?;
        let account = identity.account().unwrap_or_default();
        let base_account = AccountId::parse(account).map_err(|error| DeployError::Credentials {
            account: "the base identity".to_owned(),
            message: format!("STS named the account {account:?}, which is not an account id"),
            code: None,
            help: "check the credentials and the endpoint".to_owned(),
            source: Some(Arc::new(error)),
        })?;
        Ok(Session {
            options,
            base,
            base_account,
            accounts: Arc::new(Mutex::new(BTreeMap::new())),
            profile_configs,
            counter,
        })
    }

    /// The account of the base identity.
    #[must_use]
    pub fn base_account(&self) -> &AccountId {
        &self.base_account
    }

    /// The options the session was made with.
    #[must_use]
    pub fn options(&self) -> &SessionOptions {
        &self.options
    }

    /// The SDK configuration of the base identity.
    #[must_use]
    pub fn base_config(&self) -> &SdkConfig {
        &self.base
    }

    /// The calls every client of this session has made so far, by operation: what a plan or an apply costs.
    /// Clients made with [`AccountClients::new`] are not counted; [`Session::clients_for`] makes counted ones.
    #[must_use]
    pub fn calls(&self) -> CallCounts {
        CallCounts {
            operations: self
                .counter
                .counts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }

    /// Clients for `config` (another identity's, say) that count their calls in [`Session::calls`].
    #[must_use]
    pub fn clients_for(&self, config: &SdkConfig) -> AccountClients {
        AccountClients::with_interceptors(config, &[self.interceptor()])
    }

    fn interceptor(&self) -> SharedInterceptor {
        SharedInterceptor::new(CountingInterceptor(Arc::clone(&self.counter)))
    }

    /// The clients of `account`: the base identity's own, the account's profile, or the deploy role assumed
    /// there.
    ///
    /// Credentials from a profile or a role are checked with `sts:GetCallerIdentity` first: credentials of
    /// another account are [`DeployError::WrongAccount`], before anything in the account is read or written.
    pub async fn clients(&self, account: &AccountId) -> Result<AccountClients, DeployError> {
        let mut accounts = self.accounts.lock().await;
        if let Some(clients) = accounts.get(account) {
            return Ok(clients.clone());
        }
        let profile = self.options.account_profiles.get(account);
        let clients =
            if let (Some(profile), Some(config)) = (profile, self.profile_configs.get(account)) {
                let clients = self.clients_for(config);
                check_account(&clients, account, &format!("profile `{profile}`")).await?;
                clients
            } else if *account == self.base_account {
                self.clients_for(&self.base)
            } else {
                let role = crate::names::role_arn(account.as_str(), "/", &self.options.deploy_role);
                let credentials = assume_with(
                    &counted_sts(&self.base, &self.counter),
                    &role,
                    "iamgen-deploy",
                )
                .await?;
                let clients = self.clients_for(&with_credentials(&self.base, credentials));
                check_account(&clients, account, &format!("role {role}")).await?;
                clients
            };
        accounts.insert(account.clone(), clients.clone());
        Ok(clients)
    }

    /// The SDK configuration of a named profile, with this session's region, endpoint and retries. The
    /// credentials come from the profile only; a profile that gives none is [`DeployError::Profile`].
    pub async fn config_for_profile(&self, profile: &str) -> Result<SdkConfig, DeployError> {
        let options = SessionOptions {
            static_credentials: None,
            ..self.options.clone()
        };
        load_config(&options, Some(profile)).await
    }

    /// The SDK configuration for static `credentials` (an IAM user's access key, say), with this session's
    /// region, endpoint and retries.
    #[must_use]
    pub fn config_for(&self, credentials: Credentials) -> SdkConfig {
        with_credentials(&self.base, credentials)
    }
}

/// Whether `clients` act in `account`; `source` says where their credentials came from.
async fn check_account(
    clients: &AccountClients,
    account: &AccountId,
    source: &str,
) -> Result<(), DeployError> {
    let identity = clients
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|error| DeployError::credentials(source, error))?;
    let actual = identity.account().unwrap_or_default();
    if actual == account.to_string() {
        Ok(())
    } else {
        Err(DeployError::WrongAccount {
            expected: account.to_string(),
            actual: actual.to_owned(),
            origin: source.to_owned(),
        })
    }
}

fn counted_sts(config: &SdkConfig, counter: &Arc<Counter>) -> aws_sdk_sts::Client {
    let config = aws_sdk_sts::config::Builder::from(config)
        .interceptor(CountingInterceptor(Arc::clone(counter)))
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

/// Assumes `role` with `config`'s identity and returns the session's credentials.
pub async fn assume(
    config: &SdkConfig,
    role: &str,
    session_name: &str,
) -> Result<Credentials, DeployError> {
    assume_with(&aws_sdk_sts::Client::new(config), role, session_name).await
}

async fn assume_with(
    sts: &aws_sdk_sts::Client,
    role: &str,
    session_name: &str,
) -> Result<Credentials, DeployError> {
    let output = sts
        .assume_role()
        .role_arn(role)
        .role_session_name(session_name)
        .send()
        .await
        .map_err(|error| DeployError::credentials(role, error))?;
    let Some(credentials) = output.credentials() else {
        return Err(DeployError::Credentials {
            account: role.to_owned(),
            message: "AssumeRole returned no credentials".to_owned(),
            code: None,
            help: "check the endpoint".to_owned(),
            source: None,
        });
    };
    Ok(Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        Some(credentials.session_token().to_owned()),
        None,
        "iamgen-assume-role",
    ))
}

fn with_credentials(base: &SdkConfig, credentials: Credentials) -> SdkConfig {
    base.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build()
}

/// Where the SDK reads profiles: `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, else the defaults.
fn profile_files() -> String {
    let file = |variable: &str, default: &str| {
        std::env::var(variable)
            .ok()
            .filter(|path| !path.is_empty())
            .unwrap_or_else(|| default.to_owned())
    };
    format!(
        "{} and {}",
        file("AWS_CONFIG_FILE", "~/.aws/config"),
        file("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")
    )
}

/// The credentials of `profile`, from the shared files only (not the environment's keys, which the default
/// chain would prefer), resolved now so that a missing profile is an error before any call.
async fn profile_credentials(profile: &str) -> Result<SharedCredentialsProvider, DeployError> {
    let provider = ProfileFileCredentialsProvider::builder()
        .profile_name(profile)
        .build();
    match provider.provide_credentials().await {
        Ok(_) => Ok(SharedCredentialsProvider::new(provider)),
        Err(error) => {
            let mut message = super::chain(&error);
            // For a profile that is not there at all, or has no keys, the SDK says only "the credential
            // provider was not enabled".
            if matches!(error, CredentialsError::CredentialsNotLoaded(_))
                && message.contains("not enabled")
            {
                "it is not defined there, or defines no credentials".clone_into(&mut message);
            }
            Err(DeployError::Profile {
                profile: profile.to_owned(),
                message,
                looked_in: profile_files(),
                source: Arc::new(error),
            })
        }
    }
}

async fn load_config(
    options: &SessionOptions,
    profile: Option<&str>,
) -> Result<SdkConfig, DeployError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(options.region.clone()))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(options.max_attempts)
                .with_initial_backoff(Duration::from_millis(50))
                .with_max_backoff(Duration::from_secs(5)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(options.timeout.min(Duration::from_secs(10)))
                .operation_attempt_timeout(options.timeout.min(ATTEMPT_TIMEOUT))
                .operation_timeout(options.timeout)
                .build(),
        );
    if let Some(endpoint) = &options.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    if let Some((key, secret)) = &options.static_credentials {
        loader = loader.credentials_provider(Credentials::new(
            key.clone(),
            secret.clone(),
            None,
            None,
            "iamgen-static",
        ));
    } else if let Some(profile) = profile {
        loader = loader.credentials_provider(profile_credentials(profile).await?);
    }
    Ok(loader.load().await)
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;
    use std::time::Duration;

    use super::{CallCounts, OperationCalls, TimedOut};

    #[test]
    fn a_timeout_keeps_the_sdk_error_it_replaces() {
        let timed_out = TimedOut {
            operation: "GetRole".to_owned(),
            attempts: 3,
            bound: Duration::from_secs(2),
            source: "connection refused".into(),
        };
        assert_eq!(
            timed_out.to_string(),
            "GetRole got no answer within 2 s after 3 attempt(s): connection refused"
        );
        assert_eq!(
            timed_out.source().map(ToString::to_string).as_deref(),
            Some("connection refused")
        );
    }

    #[test]
    fn call_counts_read_as_a_total_then_one_sorted_line_per_operation() {
        let mut counts = CallCounts::default();
        counts.operations.insert(
            "sts:GetCallerIdentity".to_owned(),
            OperationCalls {
                calls: 1,
                attempts: 1,
            },
        );
        counts.operations.insert(
            "iam:ListRoles".to_owned(),
            OperationCalls {
                calls: 2,
                attempts: 5,
            },
        );
        assert_eq!(counts.calls(), 3);
        assert_eq!(counts.attempts(), 6);
        assert_eq!(
            counts.to_string(),
            "calls: 3 (6 attempts)\n  iam:ListRoles          2 (5 attempts)\n  sts:GetCallerIdentity  1 (1 attempt)\n"
        );
    }
}
