//! `iamgen generate`: render a stack as Terraform, CloudFormation, policy files and a diagram.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use iamgen_runtime::lint::{self, Options};
use iamgen_runtime::render::{self, Difference, Renderer, Target};
use iamgen_runtime::stack::Stack;
use iamgen_runtime::{Diagnostic, Severity};

use super::{FailOn, exit};

/// Generate Terraform, CloudFormation, policy JSON and a trust diagram for a stack.
///
/// Without SPEC, generates the reference scenario (Troy in Acme assumes `StuzioAcmeConsultantRole` in Stuzio).
/// The stack is linted first: every finding is shown, and errors (or what `--fail-on` names) stop generation. Files are written atomically and only when
/// their content changes.
///
/// Exit status: 0 on success; 1 when the stack has findings of `--fail-on`'s severity or worse (errors by
/// default); 2 on a usage error, an unreadable spec, or a file
/// that cannot be written.
#[derive(Debug, clap::Args)]
pub(crate) struct GenerateArgs {
    /// The stack's spec (`iamgen.toml`); the reference scenario when absent.
    #[arg(value_name = "SPEC")]
    spec: Option<PathBuf>,
    /// What to generate (repeatable).
    #[arg(long, value_enum, default_value = "all")]
    target: Vec<TargetArg>,
    /// Where to write: `DIR/terraform/`, `DIR/cloudformation/`, `DIR/policies/`, `DIR/diagram.{mmd,dot,svg}`.
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// A directory whose `terraform/*.hbs`, `cloudformation/*.hbs` or `diagram/*.hbs` replace the embedded
    /// templates of the same name.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Which CloudFormation templates to write per account: `yaml`, `json`, or `both` (the StackSet template is
    /// YAML in every case).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = CloudFormationFormat::Both)]
    cloudformation_format: CloudFormationFormat,
    /// Write nothing: exit 1, with a diff, when `--out` is not what this run would make of it (a file missing,
    /// changed, or left from an earlier run), and 0 when it is. CI's "did you regenerate?".
    #[arg(long)]
    check: bool,
    /// The least severe finding of the stack's lint that stops generation with exit status 1: `error` (the
    /// default), `security-warning`, `warning`, or `suggestion` (any finding stops it).
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOn::Error)]
    fail_on: FailOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CloudFormationFormat {
    Yaml,
    Json,
    Both,
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
/// error (rendered as `validate` renders, on the line of the spec or policy file that wrote it when the stack
/// comes from `spec`), and says whether the stack has findings of `fail_on`'s severity or worse, in which case
/// the caller stops (`outcome` says what it did not do).
pub(crate) fn lint_refuses(
    stack: &Stack,
    spec: Option<&Path>,
    outcome: &str,
    fail_on: FailOn,
) -> bool {
    let findings = lint::lint_stack(stack, &Options::default());
    let failing = findings
        .iter()
        .filter(|f| fail_on.fails(f.finding.severity))
        .count();
    match spec.and_then(|path| std::fs::read_to_string(path).ok().map(|text| (path, text))) {
        Some((path, text)) if !findings.is_empty() => {
            eprint!(
                "{}",
                super::validate::render_stack_findings(path, &text, findings)
            );
        }
        _ => {
            for finding in &findings {
                let Diagnostic {
                    code,
                    severity,
                    message,
                    pointer,
                    help,
                    ..
                } = &finding.finding;
                // The labels of `validate`'s renderer.
                let label = match severity {
                    Severity::SecurityWarning => "security warning",
                    other => other.as_str(),
                };
                eprintln!(
                    "{label}: {}: {message} [{code}]{}",
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
        }
    }
    if failing > 0 {
        if fail_on == FailOn::Error {
            eprintln!("error: the stack has {failing} error(s); {outcome}");
        } else {
            eprintln!(
                "error: the stack has {failing} finding(s) of severity {} or worse (--fail-on); {outcome}",
                fail_on.name()
            );
        }
    }
    failing > 0
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
    if lint_refuses(
        &stack,
        args.spec.as_deref(),
        "nothing was generated",
        args.fail_on,
    ) {
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
    let format = match args.cloudformation_format {
        CloudFormationFormat::Both => render::CloudFormationFormat::Both,
        CloudFormationFormat::Yaml => render::CloudFormationFormat::Yaml,
        CloudFormationFormat::Json => render::CloudFormationFormat::Json,
    };
    let output = match renderer.render_with(&stack, &targets, format) {
        Ok(output) => output,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::FINDINGS;
        }
    };
    for note in output.notes() {
        eprintln!("note: {note}");
    }
    if args.check {
        return check(&output.differences(&args.out), &args.out);
    }
    match output.write_to(&args.out) {
        Ok(report) => {
            for path in &report.removed {
                eprintln!(
                    "removed {}: an earlier run generated it, this one does not",
                    path.display()
                );
            }
            for path in &report.kept {
                eprintln!(
                    "warning: kept {}: an earlier run generated it and this one does not, but it was changed since; \
                     remove it if it is not yours",
                    path.display()
                );
            }
            eprintln!(
                "wrote {} file(s), {} unchanged, {} removed, in {}",
                report.written.len(),
                report.unchanged.len(),
                report.removed.len(),
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

/// `--check`: prints how `out` differs from what would be generated, as unified diffs; exit 1 when it does.
fn check(differences: &[Difference], out: &Path) -> u8 {
    if differences.is_empty() {
        eprintln!("{} is up to date", out.display());
        return exit::OK;
    }
    for difference in differences {
        match difference {
            Difference::Write { path, old, new } => {
                let name = path.display().to_string();
                let old_text = old.as_deref().unwrap_or_default();
                let diff = similar::TextDiff::from_lines(old_text, new.as_str());
                let old_name = if old.is_some() {
                    name.clone()
                } else {
                    "/dev/null".to_owned()
                };
                print!(
                    "{}",
                    diff.unified_diff()
                        .context_radius(3)
                        .header(&old_name, &name)
                );
            }
            Difference::Remove { path } => {
                println!(
                    "{}: generated by an earlier run and no longer: would be removed",
                    path.display()
                );
            }
        }
    }
    eprintln!(
        "{} is not what `iamgen generate` makes of the stack: {} file(s) differ; run it without --check to update",
        out.display(),
        differences.len()
    );
    exit::FINDINGS
}
