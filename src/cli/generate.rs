//! `iamgen generate`: render a stack as Terraform, CloudFormation, policy files and a diagram.

use std::path::PathBuf;

use clap::ValueEnum;
use iamgen_runtime::lint::{self, Options};
use iamgen_runtime::render::{Renderer, Target};
use iamgen_runtime::stack::Stack;
use iamgen_runtime::{Diagnostic, Severity};

use super::exit;

/// Generate Terraform, CloudFormation, policy JSON and a trust diagram for a stack.
///
/// Without SPEC, generates the reference scenario (Troy in Acme assumes `StuzioAcmeConsultantRole` in Stuzio).
/// The stack is linted first: errors stop generation and are shown. Files are written atomically and only when
/// their content changes.
///
/// Exit status: 0 on success; 1 when the stack has errors; 2 on a usage error, an unreadable spec, or a file
/// that cannot be written.
#[derive(Debug, clap::Args)]
pub(crate) struct GenerateArgs {
    /// The stack's spec (`iamgen.toml`); the reference scenario when absent.
    #[arg(value_name = "SPEC")]
    spec: Option<PathBuf>,
    /// What to generate (repeatable).
    #[arg(long, value_enum, default_value = "all")]
    target: Vec<TargetArg>,
    /// Where to write: `DIR/terraform/`, `DIR/cloudformation/`, `DIR/policies/`, `DIR/diagram.mmd`.
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// A directory whose `terraform/*.hbs`, `cloudformation/*.hbs` or `diagram/*.hbs` replace the embedded
    /// templates of the same name.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TargetArg {
    Terraform,
    Cloudformation,
    Policies,
    Diagram,
    All,
}

/// Lints `stack` as `generate`, `plan` and `apply` do before anything else: prints every finding to standard
/// error, and says whether the stack has errors, in which case the caller stops (`outcome` says what it did
/// not do).
pub(crate) fn lint_refuses(stack: &Stack, outcome: &str) -> bool {
    let findings = lint::lint_stack(stack, &Options::default());
    let errors = findings
        .iter()
        .filter(|f| f.finding.severity == Severity::Error)
        .count();
    for finding in &findings {
        let Diagnostic {
            code,
            severity,
            message,
            pointer,
            help,
            ..
        } = &finding.finding;
        eprintln!(
            "{severity}: {}: {message} [{code}]{}",
            finding.subject,
            pointer
                .as_deref()
                .map(|p| format!(" at {p}"))
                .unwrap_or_default()
        );
        if let Some(help) = help {
            eprintln!("  help: {help}");
        }
    }
    if errors > 0 {
        eprintln!("error: the stack has {errors} error(s); {outcome}");
    }
    errors > 0
}

pub(crate) fn run(args: &GenerateArgs) -> u8 {
    let stack = match &args.spec {
        None => Stack::reference_scenario(),
        Some(path) => {
            let Some(stack) = super::reported(super::spec::load(path)) else {
                return exit::BAD_INPUT;
            };
            stack
        }
    };
    if lint_refuses(&stack, "nothing was generated") {
        return exit::FINDINGS;
    }
    let mut targets: Vec<Target> = Vec::new();
    for target in &args.target {
        match target {
            TargetArg::All => targets.extend(Target::ALL),
            TargetArg::Terraform => targets.push(Target::Terraform),
            TargetArg::Cloudformation => targets.push(Target::CloudFormation),
            TargetArg::Policies => targets.push(Target::Policies),
            TargetArg::Diagram => targets.push(Target::Diagram),
        }
    }
    targets.sort_unstable();
    targets.dedup();
    let overridden;
    let renderer = match &args.templates {
        Some(dir) => match Renderer::with_overrides(dir) {
            Ok(renderer) => {
                overridden = renderer;
                &overridden
            }
            Err(error) => {
                eprintln!("error: {error}");
                return exit::BAD_INPUT;
            }
        },
        None => match Renderer::embedded() {
            Ok(renderer) => renderer,
            Err(error) => {
                eprintln!("error: {error}");
                return exit::BAD_INPUT;
            }
        },
    };
    let output = match renderer.render(&stack, &targets) {
        Ok(output) => output,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::FINDINGS;
        }
    };
    for note in output.notes() {
        eprintln!("note: {note}");
    }
    match output.write_to(&args.out) {
        Ok(report) => {
            eprintln!(
                "wrote {} file(s), {} unchanged, in {}",
                report.written.len(),
                report.unchanged.len(),
                args.out.display()
            );
            exit::OK
        }
        Err(error) => {
            eprintln!("error: cannot write to {}: {error}", args.out.display());
            exit::BAD_INPUT
        }
    }
}
