//! Argument parsing and dispatch. Each subcommand lives in its own module and returns its exit code.

mod deploy;
mod fmt;
mod generate;
mod iac;
mod init;
mod input;
mod schema;
mod shell;
mod simulate;
mod spec;
mod templates;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use iamgen_runtime::Severity;

/// Typed AWS IAM: check, format and generate IAM policies.
#[derive(Debug, Parser)]
#[command(name = "iamgen", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Init(init::InitArgs),
    Fmt(fmt::FmtArgs),
    Generate(generate::GenerateArgs),
    Templates(templates::TemplatesArgs),
    Schema(schema::SchemaArgs),
    Completions(shell::CompletionsArgs),
    Man(shell::ManArgs),
    Validate(validate::ValidateArgs),
    Check(validate::CheckArgs),
    Plan(deploy::PlanArgs),
    Apply(deploy::ApplyArgs),
    Import(deploy::ImportArgs),
    Verify(deploy::VerifyArgs),
    Simulate(simulate::SimulateArgs),
    Matrix(simulate::MatrixArgs),
}

/// Exit codes shared by every subcommand.
pub(crate) mod exit {
    /// Success; for checks, nothing to report.
    pub(crate) const OK: u8 = 0;
    /// The check failed: findings of `--fail-on`'s severity or worse (errors by default), or files not in
    /// canonical form.
    pub(crate) const FINDINGS: u8 = 1;
    /// Usage error, unreadable input, or input that is not a policy at all.
    pub(crate) const BAD_INPUT: u8 = 2;
}

/// The least severe finding that fails a check (`--fail-on`), for CI: each level fails on its own severity and
/// on every more severe one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FailOn {
    /// Only errors: what IAM would refuse, or what cannot mean what it says. The default.
    Error,
    /// Errors and security warnings (what grants more than it probably should).
    #[value(alias = "security_warning")]
    SecurityWarning,
    /// Errors, security warnings and warnings.
    Warning,
    /// Any finding at all.
    Suggestion,
}

impl FailOn {
    /// Whether a finding of `severity` fails the check.
    pub(crate) fn fails(self, severity: Severity) -> bool {
        // Spelt out, so that the meaning does not hang on the order `Severity`'s variants are declared in.
        let rank = |severity: Severity| match severity {
            Severity::Error => 0,
            Severity::SecurityWarning => 1,
            Severity::Warning => 2,
            Severity::Suggestion => 3,
        };
        let threshold = match self {
            FailOn::Error => Severity::Error,
            FailOn::SecurityWarning => Severity::SecurityWarning,
            FailOn::Warning => Severity::Warning,
            FailOn::Suggestion => Severity::Suggestion,
        };
        rank(severity) <= rank(threshold)
    }

    /// The flag's value, as the user writes it (`security-warning`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::SecurityWarning => "security-warning",
            FailOn::Warning => "warning",
            FailOn::Suggestion => "suggestion",
        }
    }
}

pub(crate) fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout with success, usage errors to stderr.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                exit::BAD_INPUT
            } else {
                exit::OK
            });
        }
    };
    let code = match cli.command {
        Command::Init(args) => init::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Templates(args) => templates::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Completions(args) => shell::completions(&args),
        Command::Man(args) => shell::man(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Check(args) => validate::check(&args),
        Command::Plan(args) => deploy::plan(&args),
        Command::Apply(args) => deploy::apply(&args),
        Command::Import(args) => deploy::import(&args),
        Command::Verify(args) => deploy::verify(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Matrix(args) => simulate::matrix(&args),
    };
    ExitCode::from(code)
}

/// The value, or `None` once the error is printed to stderr: the caller stops with its exit code. For errors
/// whose text already says where and what to do.
fn reported<T, E: std::fmt::Display>(result: Result<T, E>) -> Option<T> {
    result.map_err(|error| eprintln!("{error}")).ok()
}
