//! `iamgen check`: a spec and its policy files linted as `generate` lints them, without writing anything, the
//! findings rendered as `validate` renders them: on the line of the policy file or of the spec that wrote them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use iamgen_runtime::diagnostic::Diagnostic;
use iamgen_runtime::lint::{self, Options, PolicyKind, Report, StackFinding};
use iamgen_runtime::source::Span;
use iamgen_runtime::stack::spec::{PolicySource, SourceAt, sources};

use super::{Checked, Format, Place, human, json_report, sarif_report, to_pretty};
use crate::cli::input::{self, Input};
use crate::cli::spec::LoadError;
use crate::cli::{FailOn, exit};

/// Check a spec without writing anything: its policies (inline and in the files it names) and the stack
/// they make, as `generate` checks them, with each finding on its line.
///
/// Exit status as `validate`'s: 0 when no finding is of `--fail-on`'s severity or worse, 1 when one is (an
/// error in the spec itself is one), 2 when the spec cannot be read.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Leave out findings with this code (repeatable); see `validate --allow`.
    #[arg(long = "allow", value_name = "CODE", value_parser = super::known_code)]
    allow: Vec<String>,
    /// The least severe finding that makes the exit status 1 (as `validate --fail-on`).
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// The spec (`iamgen.toml`).
    #[arg(value_name = "SPEC")]
    spec: PathBuf,
}

pub(crate) fn run(args: &CheckArgs) -> u8 {
    let stack = match crate::cli::spec::load(&args.spec) {
        Ok(stack) => stack,
        Err(error @ LoadError::Spec { .. }) => {
            // The spec's own errors already name their file, line and column.
            println!("{error}");
            return exit::FINDINGS;
        }
        Err(error) => {
            eprintln!("{error}");
            return exit::BAD_INPUT;
        }
    };
    let Ok(text) = std::fs::read_to_string(&args.spec) else {
        eprintln!("error: cannot read `{}`", args.spec.display());
        return exit::BAD_INPUT;
    };
    let options = Options {
        allow: args.allow.clone(),
        ..Options::default()
    };
    let findings = lint::lint_stack(&stack, &options);
    let checked = place(&args.spec, &text, &sources(&text), findings);
    let output = match args.format {
        Format::Human if checked.is_empty() => format!("{}: no finding\n", args.spec.display()),
        Format::Human => human(&checked, input::color_stdout()),
        Format::Json => to_pretty(&json_report(&checked)),
        Format::Sarif => to_pretty(&sarif_report(&checked)),
    };
    print!("{output}");
    if checked
        .iter()
        .flat_map(|c| &c.report.findings)
        .any(|finding| args.fail_on.fails(finding.severity))
    {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// A stack's findings rendered for people, each on the line of the spec (`spec`, whose text is `text`) or
/// policy file that wrote it: what `generate`, `plan` and `apply` print before they start.
pub(crate) fn render_stack_findings(
    spec: &Path,
    text: &str,
    findings: Vec<StackFinding>,
) -> String {
    human(
        &place(spec, text, &sources(text), findings),
        input::color_stderr(),
    )
}

/// The stack's findings grouped by policy, each placed in the file or the spec text that wrote its policy: at
/// its JSON pointer when the document can be read there, else at the policy's table in the spec.
fn place(
    spec: &Path,
    text: &str,
    sources: &[PolicySource],
    findings: Vec<StackFinding>,
) -> Vec<Checked> {
    let base = spec.parent().unwrap_or_else(|| Path::new(""));
    // One copy of each text, shared by every policy placed in it: a spec of 10,000 roles is one text.
    let spec_text: Arc<str> = text.into();
    let mut files: BTreeMap<PathBuf, Arc<str>> = BTreeMap::new();
    let spec_input = |spec: &Path, _: &str| Input {
        format: input::Format::Policy,
        origin: spec.display().to_string(),
        path: Some(spec.to_path_buf()),
        text: Arc::clone(&spec_text),
    };
    // Looked up once a finding: indexes, where a search of every source or entry made 10,000 roles quadratic.
    let by_subject: HashMap<&str, &PolicySource> = sources
        .iter()
        .rev()
        .map(|source| (source.subject.as_str(), source))
        .collect();
    let pattern = sources
        .iter()
        .find(|source| source.at == SourceAt::Pattern)
        .map(|source| source.declared);
    let mut entries: HashMap<(String, String), usize> = HashMap::new();
    let mut checked: Vec<Checked> = Vec::new();
    for StackFinding { subject, finding } in findings {
        let source = by_subject.get(subject.as_str()).copied();
        let (input, document, fallback) = match source.map(|source| &source.at) {
            Some(SourceAt::File(file)) => {
                let path = base.join(file);
                let file_text =
                    Arc::clone(files.entry(path.clone()).or_insert_with(|| {
                        std::fs::read_to_string(&path).unwrap_or_default().into()
                    }));
                (
                    Input {
                        format: input::Format::Policy,
                        origin: path.display().to_string(),
                        path: Some(path),
                        text: file_text,
                    },
                    None,
                    None,
                )
            }
            Some(SourceAt::Inline(at)) => (
                spec_input(spec, text),
                Some(*at),
                source.map(|s| s.declared),
            ),
            Some(SourceAt::InlineEscaped(at)) => (spec_input(spec, text), None, Some(*at)),
            Some(SourceAt::Pattern) => (spec_input(spec, text), None, source.map(|s| s.declared)),
            // What the stack makes from the pattern (its users' policies, quotas) is placed at the pattern.
            None => (spec_input(spec, text), None, pattern),
        };
        // The document is the whole text for a policy file; in the spec, only the bytes of an inline one.
        let whole_is_document = matches!(source.map(|s| &s.at), Some(SourceAt::File(_)));
        let located = locate(finding, &input.text, document, fallback, whole_is_document);
        let kind = if subject.starts_with("trust policy") {
            PolicyKind::Trust
        } else {
            PolicyKind::Identity
        };
        let key = (input.origin.clone(), subject.clone());
        if let Some(&index) = entries.get(&key) {
            checked[index].report.findings.push(located);
            continue;
        }
        entries.insert(key, checked.len());
        checked.push(Checked {
            input,
            report: Report {
                kind,
                kind_inferred: false,
                kind_reason: None,
                findings: vec![located],
            },
            place: Some(Place {
                address: subject,
                attribute: String::new(),
                kind_reason: Some("from its place in the spec"),
                document: None,
            }),
        });
    }
    for entry in &mut checked {
        entry
            .report
            .findings
            .sort_by_key(|f| (f.span.start, f.code));
    }
    checked.sort_by(|a, b| a.input.origin.cmp(&b.input.origin));
    checked
}

/// The finding's span in `text`: its pointer's value in the document (the whole text when `whole_is_document`,
/// or the bytes `inline` of the spec), else `fallback` (where the spec declares the policy), else the start.
fn locate(
    mut finding: Diagnostic,
    text: &str,
    inline: Option<Span>,
    fallback: Option<Span>,
    whole_is_document: bool,
) -> Diagnostic {
    let (document, offset) = match inline {
        Some(at) => (
            text.get(at.start as usize..at.end as usize)
                .unwrap_or_default(),
            at.start as usize,
        ),
        None => (text, 0),
    };
    let from_pointer = finding
        .pointer
        .as_deref()
        .filter(|_| inline.is_some() || whole_is_document)
        .and_then(|pointer| {
            let tree = iamgen_runtime::json::parse(document).ok()?;
            let node = tree.pointer(pointer)?;
            Some(Span::new(
                node.span.start as usize + offset,
                node.span.end as usize + offset,
            ))
        });
    finding.span = from_pointer.or(fallback).unwrap_or_default();
    finding
}
