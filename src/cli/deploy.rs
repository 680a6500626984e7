//! `iamgen plan`, `apply`, `import` and `verify`: the stack and the accounts, through the AWS SDK.
//!
//! Built with the `aws` feature; without it these commands say how to get it.

use std::path::PathBuf;

use clap::ValueEnum;

use super::exit;

/// How to reach AWS: shared by every deploy command.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Connection {
    /// Send every request here (an emulator such as moto); also read from `AWS_ENDPOINT_URL`.
    #[arg(long, value_name = "URL")]
    endpoint_url: Option<String>,
    /// The region for STS and S3 (IAM is global); `AWS_REGION`, else `us-east-1`.
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// The profile of the base identity, from the shared config and credentials files only (keys in the
    /// environment do not override it); the standard credential chain when absent.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// A profile for one account instead of assuming the deploy role there: `ACCOUNT=PROFILE`, the account by
    /// id or by its name in the stack (repeatable). Its credentials must act in that account.
    #[arg(long, value_name = "ACCOUNT=PROFILE")]
    account_profile: Vec<String>,
    /// The role assumed in accounts the base identity is not in.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "OrganizationAccountAccessRole"
    )]
    deploy_role: String,
    /// The most one AWS call may take, in seconds, retries and backoff included (an attempt alone gets at most
    /// 30 of them).
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Print the AWS calls made, in total and by operation, to standard error.
    #[arg(long)]
    verbose: bool,
}

/// The stack to deploy, and what owns it.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct StackArgs {
    /// The stack's spec (`iamgen.toml`); the reference scenario when absent.
    #[arg(value_name = "SPEC")]
    spec: Option<PathBuf>,
    /// The stack's name: the value of the `iamgen:stack` tag that marks what it owns. Deletes touch only what
    /// carries it. The spec's `stack` when absent, else `iamgen`; one that contradicts the spec's is an error.
    #[arg(long, value_name = "NAME")]
    stack_name: Option<String>,
}

/// The stack a plan or an apply changes, and what of its lint stops them before any call to AWS.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct LintedStackArgs {
    #[command(flatten)]
    stack: StackArgs,
    /// The least severe finding of the stack's lint that stops it before any call to AWS, with exit status 2:
    /// `error` (the default), `security-warning`, `warning`, or `suggestion` (any finding stops it).
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = super::FailOn::Error)]
    fail_on: super::FailOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// Show what `apply` would change in every account of the stack, like `terraform plan`.
///
/// Reads each account (the base identity's own; the others through the deploy role), compares policies by
/// meaning, and lists creates (+), updates (~) and deletes (-). Deletes only touch what this stack tagged.
/// The stack is linted first, as `generate` lints it: errors (or what `--fail-on` names) stop it before any
/// call to AWS.
///
/// Exit status: 0 on success, with or without changes; 1 when AWS could not be read; 2 on a usage error or a
/// bad spec.
#[derive(Debug, clap::Args)]
pub(crate) struct PlanArgs {
    #[command(flatten)]
    stack: LintedStackArgs,
    #[command(flatten)]
    connection: Connection,
    /// `human` (default) or `json`.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// Make the accounts match the stack: plan, show, ask, apply in order.
///
/// Without `--auto-approve`, prints the plan and applies it only after `yes` on standard input. Stops at the
/// first failed change and says what was done and what was not; running it again picks up from there.
/// The stack is linted first, as `generate` lints it: errors (or what `--fail-on` names) stop it before any
/// call to AWS.
///
/// Exit status: 0 when every change was made (or none was needed); 1 when a change failed, AWS could not be
/// read, or the plan was not approved; 2 on a usage error or a bad spec.
#[derive(Debug, clap::Args)]
pub(crate) struct ApplyArgs {
    #[command(flatten)]
    stack: LintedStackArgs,
    #[command(flatten)]
    connection: Connection,
    /// Apply without asking.
    #[arg(long)]
    auto_approve: bool,
}

/// Read an existing role, with the whole stack it belongs to, and write it as an `iamgen.toml` spec, as JSON,
/// or as Rust source.
///
/// A role tagged `iamgen:stack = S` comes with every role, user and customer managed policy tagged `S` in its
/// account, and the spec says `stack = "S"`: its plan destroys nothing, since nothing of the stack is left
/// out. A role without the tag is imported under a stack of its own (`--stack-name`, the role's name by
/// default), which the next plan adopts it into. Standard error says what was imported and what the next plan
/// will do.
///
/// Exit status: 0 on success; 1 when AWS could not be read; 2 on a usage error (a `--stack-name` other than
/// the stack the role belongs to, among others).
#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// The account, by id.
    #[arg(long, value_name = "ID")]
    account: String,
    /// The role, by name.
    #[arg(long, value_name = "NAME")]
    role: String,
    /// The stack to import a role without an `iamgen:stack` tag under; the role's name by default (`,` as
    /// `-`). For a tagged role it may only repeat the tag's value.
    #[arg(long, value_name = "NAME")]
    stack_name: Option<String>,
    /// `toml` (default), `json` or `rust`.
    #[arg(long, value_enum, default_value = "toml")]
    format: ImportFormat,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ImportFormat {
    Toml,
    Json,
    Rust,
}

/// Walk the cross-account chain as a principal of the trusted account: assume the role, then run the
/// read-only calls its permissions promise (list the declared bucket, read an object's metadata).
///
/// The principal's credentials come from `--principal-profile`, or from `IAMGEN_PRINCIPAL_ACCESS_KEY_ID` and
/// `IAMGEN_PRINCIPAL_SECRET_ACCESS_KEY` (never from the command line, where other users could read them).
///
/// Exit status: 0 when every step passed; 1 when one failed; 2 on a usage error or a bad spec.
#[derive(Debug, clap::Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    stack: StackArgs,
    #[command(flatten)]
    connection: Connection,
    /// The principal's profile.
    #[arg(long, value_name = "NAME")]
    principal_profile: Option<String>,
    /// The role to assume, by name; every role whose trust policy may admit the principal when absent.
    #[arg(long, value_name = "NAME")]
    role: Option<String>,
    /// The `sts:ExternalId` to pass; the one the trust requires when absent.
    #[arg(long, value_name = "ID")]
    external_id: Option<String>,
    /// The principal's MFA device, for a trust that requires MFA (with `--mfa-code`).
    #[arg(long, value_name = "ARN", requires = "mfa_code")]
    mfa_serial: Option<String>,
    /// A current code of that device.
    #[arg(long, value_name = "CODE", requires = "mfa_serial")]
    mfa_code: Option<String>,
    /// `human` (default) or `json`.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

#[cfg(not(feature = "aws"))]
fn without_aws(command: &str) -> u8 {
    eprintln!(
        "error: `iamgen {command}` needs the AWS SDK, and this iamgen was built without it\n  \
         help: install it with `cargo install iamgen --features cli,aws` (or run `cargo run --features cli,aws -- {command} ...`)"
    );
    exit::BAD_INPUT
}

#[cfg(not(feature = "aws"))]
pub(crate) fn plan(_: &PlanArgs) -> u8 {
    without_aws("plan")
}

#[cfg(not(feature = "aws"))]
pub(crate) fn apply(_: &ApplyArgs) -> u8 {
    without_aws("apply")
}

#[cfg(not(feature = "aws"))]
pub(crate) fn import(_: &ImportArgs) -> u8 {
    without_aws("import")
}

#[cfg(not(feature = "aws"))]
pub(crate) fn verify(_: &VerifyArgs) -> u8 {
    without_aws("verify")
}

#[cfg(feature = "aws")]
pub(crate) use with_aws::{apply, import, plan, verify};

#[cfg(feature = "aws")]
mod with_aws {
    use std::collections::BTreeMap;
    use std::io::{BufRead as _, Write as _};
    use std::time::Duration;

    use iamgen_runtime::AccountId;
    use iamgen_runtime::deploy::sdk::credentials::Credentials;
    use iamgen_runtime::deploy::{self, ImportError, Session, SessionOptions, VerifyOptions};
    use iamgen_runtime::stack::Stack;

    use super::{
        ApplyArgs, Connection, Format, ImportArgs, ImportFormat, LintedStackArgs, PlanArgs,
        StackArgs, VerifyArgs, exit,
    };

    fn block_on<F: Future>(future: F) -> Result<F::Output, String> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|runtime| runtime.block_on(future))
            .map_err(|error| format!("error: cannot start the async runtime: {error}"))
    }

    fn load_stack(args: &StackArgs) -> Result<Stack, String> {
        match &args.spec {
            None => Ok(Stack::reference_scenario()),
            Some(path) => super::super::spec::load(path).map_err(|error| error.to_string()),
        }
    }

    /// The stack's name: `--stack-name`, else the spec's `stack`, else `iamgen`. A flag that names another
    /// stack than the spec would plan the spec's items as another stack's: refused.
    fn stack_name(args: &StackArgs, stack: &Stack) -> Result<String, String> {
        let name = match (&args.stack_name, stack.name()) {
            (Some(flag), Some(spec)) if flag != spec => {
                return Err(format!(
                    "error: --stack-name {flag} contradicts the spec's `stack = \"{spec}\"`\n  help: leave out \
                     --stack-name, or change the spec's `stack`"
                ));
            }
            (Some(flag), _) => flag.clone(),
            (None, Some(spec)) => spec.to_owned(),
            (None, None) => deploy::DEFAULT_STACK_NAME.to_owned(),
        };
        iamgen_runtime::stack::check_stack_name(&name)
            .map_err(|error| format!("error: --stack-name: {error}"))?;
        Ok(name)
    }

    /// The stack and its name, or the exit status of a usage error (said on standard error).
    fn load(args: &StackArgs) -> Result<(Stack, String), u8> {
        let loaded =
            load_stack(args).and_then(|stack| stack_name(args, &stack).map(|name| (stack, name)));
        loaded.map_err(|message| {
            eprintln!("{message}");
            exit::BAD_INPUT
        })
    }

    /// The stack and its name, linted as `generate` lints it: the exit status when it cannot be read or has
    /// errors, before any call to AWS.
    fn linted(args: &LintedStackArgs, outcome: &str) -> Result<(Stack, String), u8> {
        let (stack, name) = load(&args.stack)?;
        if super::super::generate::lint_refuses(
            &stack,
            args.stack.spec.as_deref(),
            outcome,
            args.fail_on,
        ) {
            return Err(exit::BAD_INPUT);
        }
        Ok((stack, name))
    }

    /// The session options; `ACCOUNT=PROFILE` pairs resolved against the stack's accounts (by id or name).
    fn options(connection: &Connection, stack: Option<&Stack>) -> Result<SessionOptions, String> {
        let mut account_profiles = BTreeMap::new();
        for pair in &connection.account_profile {
            let Some((account, profile)) = pair.split_once('=') else {
                return Err(format!(
                    "error: --account-profile {pair:?} is not ACCOUNT=PROFILE\n  help: for instance --account-profile Acme=acme-admin"
                ));
            };
            let id = match AccountId::parse(account) {
                Ok(id) => id,
                Err(_) => stack
                    .and_then(|stack| {
                        stack
                            .accounts()
                            .find(|(_, a)| a.name == account)
                            .map(|(_, a)| a.id.clone())
                    })
                    .ok_or_else(|| {
                        format!(
                            "error: --account-profile names {account:?}, which is neither an account id nor an account of the stack"
                        )
                    })?,
            };
            account_profiles.insert(id, profile.to_owned());
        }
        let region = connection
            .region
            .clone()
            .or_else(|| std::env::var("AWS_REGION").ok())
            .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
            .unwrap_or_else(|| "us-east-1".to_owned());
        Ok(SessionOptions {
            region,
            endpoint_url: connection
                .endpoint_url
                .clone()
                .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok()),
            profile: connection.profile.clone(),
            account_profiles,
            deploy_role: connection.deploy_role.clone(),
            timeout: Duration::from_secs(connection.timeout),
            ..SessionOptions::default()
        })
    }

    /// Runs `work` with a session, mapping each kind of failure to its exit status.
    fn with_session<T>(
        connection: &Connection,
        stack: Option<&Stack>,
        work: impl AsyncFnOnce(Session) -> Result<T, deploy::DeployError>,
    ) -> Result<T, u8> {
        let options = options(connection, stack).map_err(|message| {
            eprintln!("{message}");
            exit::BAD_INPUT
        })?;
        let verbose = connection.verbose;
        let result = block_on(async move {
            let session = Session::new(options).await?;
            let result = work(session.clone()).await;
            if verbose {
                eprint!("{}", session.calls());
            }
            result
        })
        .map_err(|message| {
            eprintln!("{message}");
            exit::FINDINGS
        })?;
        result.map_err(|error| {
            eprintln!("error: {error}");
            exit::FINDINGS
        })
    }

    pub(crate) fn plan(args: &PlanArgs) -> u8 {
        let (stack, name) = match linted(&args.stack, "nothing was planned") {
            Ok(loaded) => loaded,
            Err(code) => return code,
        };
        match with_session(&args.connection, Some(&stack), async |session| {
            deploy::plan(&session, &stack, &name).await
        }) {
            Ok(plan) => {
                match args.format {
                    Format::Human => print!("{}", plan.to_text()),
                    Format::Json => println!(
                        "{}",
                        serde_json::to_string_pretty(&plan.to_json()).unwrap_or_default()
                    ),
                }
                exit::OK
            }
            Err(code) => code,
        }
    }

    pub(crate) fn apply(args: &ApplyArgs) -> u8 {
        let (stack, name) = match linted(&args.stack, "nothing was applied") {
            Ok(loaded) => loaded,
            Err(code) => return code,
        };
        let auto_approve = args.auto_approve;
        match with_session(&args.connection, Some(&stack), async |session| {
            let plan = deploy::plan(&session, &stack, &name).await?;
            print!("{}", plan.to_text());
            if plan.is_empty() {
                return Ok(true);
            }
            if !auto_approve {
                print!("\nApply these changes? Only `yes` applies them: ");
                let _ = std::io::stdout().flush();
                let mut answer = String::new();
                let _ = std::io::stdin().lock().read_line(&mut answer);
                if answer.trim() != "yes" {
                    println!("Not applied.");
                    return Ok(false);
                }
            }
            let report = deploy::apply(&session, &plan).await;
            println!();
            print!("{}", report.to_text());
            Ok(report.is_complete())
        }) {
            Ok(true) => exit::OK,
            Ok(false) => exit::FINDINGS,
            Err(code) => code,
        }
    }

    pub(crate) fn import(args: &ImportArgs) -> u8 {
        let Ok(account) = AccountId::parse(&args.account) else {
            eprintln!(
                "error: --account {:?} is not an account id\n  help: an account id is exactly 12 digits",
                args.account
            );
            return exit::BAD_INPUT;
        };
        if let Some(name) = &args.stack_name
            && let Err(error) = iamgen_runtime::stack::check_stack_name(name)
        {
            eprintln!("error: --stack-name: {error}");
            return exit::BAD_INPUT;
        }
        let role = args.role.clone();
        let stack_name = args.stack_name.clone();
        let imported = match with_session(&args.connection, None, async |session| {
            Ok(deploy::import_role(&session, &account, &role, stack_name.as_deref()).await)
        }) {
            Ok(Ok(imported)) => imported,
            Ok(Err(error)) => {
                let help = match &error {
                    ImportError::OtherStack { tagged, .. } => {
                        format!("\n  help: leave out --stack-name, or pass --stack-name {tagged}")
                    }
                    _ => String::new(),
                };
                eprintln!("error: {error}{help}");
                // Reading AWS failed, or the import was asked for something it must not do.
                return if matches!(error, ImportError::Deploy(_)) {
                    exit::FINDINGS
                } else {
                    exit::BAD_INPUT
                };
            }
            Err(code) => return code,
        };
        eprintln!("{}", imported.summary());
        for note in imported.notes() {
            eprintln!("note: {note}");
        }
        let text = match args.format {
            ImportFormat::Toml => imported.to_toml(),
            ImportFormat::Json => format!(
                "{}\n",
                serde_json::to_string_pretty(&imported.to_json()).unwrap_or_default()
            ),
            ImportFormat::Rust => imported.to_rust(),
        };
        match &args.out {
            None => {
                print!("{text}");
                exit::OK
            }
            Some(path) => match std::fs::write(path, text) {
                Ok(()) => {
                    eprintln!("wrote {}", path.display());
                    exit::OK
                }
                Err(error) => {
                    eprintln!("error: cannot write `{}`: {error}", path.display());
                    exit::BAD_INPUT
                }
            },
        }
    }

    /// Where the verifying principal's credentials come from.
    enum Principal {
        Profile(String),
        Keys(String, String),
    }

    pub(crate) fn verify(args: &VerifyArgs) -> u8 {
        let stack = match load_stack(&args.stack) {
            Ok(stack) => stack,
            Err(message) => {
                eprintln!("{message}");
                return exit::BAD_INPUT;
            }
        };
        let keys = std::env::var("IAMGEN_PRINCIPAL_ACCESS_KEY_ID")
            .ok()
            .zip(std::env::var("IAMGEN_PRINCIPAL_SECRET_ACCESS_KEY").ok());
        let source = match (args.principal_profile.clone(), keys) {
            (Some(profile), _) => Principal::Profile(profile),
            (None, Some((key, secret))) => Principal::Keys(key, secret),
            (None, None) => {
                eprintln!(
                    "error: no credentials for the principal\n  help: pass --principal-profile NAME, or set IAMGEN_PRINCIPAL_ACCESS_KEY_ID and IAMGEN_PRINCIPAL_SECRET_ACCESS_KEY"
                );
                return exit::BAD_INPUT;
            }
        };
        let options = VerifyOptions {
            role: args.role.clone(),
            external_id: args.external_id.clone(),
            mfa: args.mfa_serial.clone().zip(args.mfa_code.clone()),
        };
        let report = match with_session(&args.connection, Some(&stack), async |session| {
            let principal = match source {
                Principal::Profile(profile) => session.config_for_profile(&profile).await?,
                Principal::Keys(key, secret) => session.config_for(Credentials::new(
                    key,
                    secret,
                    std::env::var("IAMGEN_PRINCIPAL_SESSION_TOKEN").ok(),
                    None,
                    "iamgen-principal",
                )),
            };
            Ok(deploy::verify(&session, &stack, &principal, &options).await)
        }) {
            Ok(report) => report,
            Err(code) => return code,
        };
        match args.format {
            Format::Human => print!("{}", report.to_text()),
            Format::Json => println!(
                "{}",
                serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
            ),
        }
        if report.is_success() {
            exit::OK
        } else {
            exit::FINDINGS
        }
    }
}
