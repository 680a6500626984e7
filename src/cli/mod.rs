//! Argument parsing and dispatch. Each subcommand lives in its own module and returns its exit code.

mod deploy;
mod fmt;
mod generate;
mod input;
mod simulate;
mod spec;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Typed AWS IAM: check, format and generate IAM policies.
#[derive(Debug, Parser)]
#[command(name = "iamgen", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Fmt(fmt::FmtArgs),
    Generate(generate::GenerateArgs),
    Validate(validate::ValidateArgs),
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
    /// The check failed: findings of severity error, or files not in canonical form.
    pub(crate) const FINDINGS: u8 = 1;
    /// Usage error, unreadable input, or input that is not a policy at all.
    pub(crate) const BAD_INPUT: u8 = 2;
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
        Command::Fmt(args) => fmt::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Validate(args) => validate::run(&args),
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
