//! Credentials and clients for every account a stack touches.
//!
//! One identity comes from the standard AWS credential chain (environment, profile, SSO, instance role) or a
//! named profile; every other account is reached by assuming a role there, by default
//! `OrganizationAccountAccessRole` as AWS Organizations creates it: the cross-account pattern itself. An
//! account can also have a profile of its own. `AWS_ENDPOINT_URL` or an explicit endpoint points every client
//! at an emulator.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use tokio::sync::Mutex;

use super::DeployError;
use crate::AccountId;

/// The role assumed in an account the base identity is not in, unless told otherwise.
pub const DEFAULT_DEPLOY_ROLE: &str = "OrganizationAccountAccessRole";

/// How to reach AWS.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// The region of the clients (IAM is global; STS and S3 are regional).
    pub region: String,
    /// An endpoint for every service (an emulator such as moto); `AWS_ENDPOINT_URL` when `None` and set.
    pub endpoint_url: Option<String>,
    /// The profile of the base identity; the default chain when `None`.
    pub profile: Option<String>,
    /// Profiles for particular accounts, used instead of assuming [`SessionOptions::deploy_role`] there.
    pub account_profiles: BTreeMap<AccountId, String>,
    /// Static credentials for the base identity (tests, scripts), instead of the chain or `profile`.
    pub static_credentials: Option<(String, String)>,
    /// The role assumed in accounts the base identity is not in.
    pub deploy_role: String,
    /// Attempts per request, the first included: throttling, 5xx and dropped connections are retried with
    /// exponential backoff and jitter.
    pub max_attempts: u32,
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
    /// The clients for `config`.
    #[must_use]
    pub fn new(config: &SdkConfig) -> Self {
        let s3 = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(true)
            .build();
        AccountClients {
            iam: aws_sdk_iam::Client::new(config),
            s3: aws_sdk_s3::Client::from_conf(s3),
            sts: aws_sdk_sts::Client::new(config),
        }
    }
}

/// Credentials and clients for every account, made on first use.
#[derive(Debug, Clone)]
pub struct Session {
    options: SessionOptions,
    base: SdkConfig,
    base_account: AccountId,
    accounts: Arc<Mutex<BTreeMap<AccountId, AccountClients>>>,
}

impl Session {
    /// Loads the base identity and finds which account it is in.
    pub async fn new(options: SessionOptions) -> Result<Session, DeployError> {
        let base = load_config(&options, options.profile.as_deref()).await;
        let identity = aws_sdk_sts::Client::new(&base)
            .get_caller_identity()
            .send()
            .await
            .map_err(|error| DeployError::credentials("the base identity", &error))?;
        let account = identity.account().unwrap_or_default();
        let base_account = AccountId::parse(account).map_err(|_| DeployError::Credentials {
            account: "the base identity".to_owned(),
            message: format!("STS named the account {account:?}, which is not an account id"),
            help: "check the credentials and the endpoint".to_owned(),
        })?;
        Ok(Session {
            options,
            base,
            base_account,
            accounts: Arc::new(Mutex::new(BTreeMap::new())),
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

    /// The clients of `account`: the base identity's own, the account's profile, or the deploy role assumed
    /// there.
    pub async fn clients(&self, account: &AccountId) -> Result<AccountClients, DeployError> {
        let mut accounts = self.accounts.lock().await;
        if let Some(clients) = accounts.get(account) {
            return Ok(clients.clone());
        }
        let config = if let Some(profile) = self.options.account_profiles.get(account) {
            load_config(&self.options, Some(profile)).await
        } else if *account == self.base_account {
            self.base.clone()
        } else {
            let role = format!("arn:aws:iam::{account}:role/{}", self.options.deploy_role);
            let credentials = assume(&self.base, &role, "iamgen-deploy").await?;
            with_credentials(&self.base, credentials)
        };
        let clients = AccountClients::new(&config);
        accounts.insert(account.clone(), clients.clone());
        Ok(clients)
    }

    /// The SDK configuration of a named profile, with this session's region, endpoint and retries.
    pub async fn config_for_profile(&self, profile: &str) -> SdkConfig {
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

/// Assumes `role` with `config`'s identity and returns the session's credentials.
pub async fn assume(
    config: &SdkConfig,
    role: &str,
    session_name: &str,
) -> Result<Credentials, DeployError> {
    let output = aws_sdk_sts::Client::new(config)
        .assume_role()
        .role_arn(role)
        .role_session_name(session_name)
        .send()
        .await
        .map_err(|error| DeployError::credentials(role, &error))?;
    let Some(credentials) = output.credentials() else {
        return Err(DeployError::Credentials {
            account: role.to_owned(),
            message: "AssumeRole returned no credentials".to_owned(),
            help: "check the endpoint".to_owned(),
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

async fn load_config(options: &SessionOptions, profile: Option<&str>) -> SdkConfig {
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
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(30))
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
        loader = loader.profile_name(profile);
    }
    loader.load().await
}
