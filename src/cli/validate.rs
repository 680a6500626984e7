//! `iamgen validate`: lint policies, and print the findings for people (`human`), scripts (`json`) or code
//! scanning (`sarif`).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use clap::ValueEnum;
use iamgen_runtime::codes::INVALID_CHARACTER;
use iamgen_runtime::diagnostic::{Diagnostic, Prepared, Severity};
use iamgen_runtime::json::{self, QuoteRole};
use iamgen_runtime::lint::{self, IdentityPolicyUse, Options, PolicyKind, Report};
use iamgen_runtime::stack::Stack;
use serde_json::{Value, json};

use super::input::{self, Input};
use super::{FailOn, exit};

mod spec_check;
mod templates;

pub(crate) use spec_check::{CheckArgs, render_stack_findings, run as check};

/// Check policies: what IAM would reject, what grants nothing, and what grants too much.
///
/// Each finding has an IAM Access Analyzer code where one exists, a severity (`error`, `security_warning`,
/// `warning`, `suggestion`), the line and column, a JSON Pointer, and what to do about it.
///
/// Exit status: 0 when no finding is of `--fail-on`'s severity or worse (by default: no error); 1 when at
/// least one is; 2 on a usage error or an input that cannot be read.
#[derive(Debug, clap::Args)]
pub(crate) struct ValidateArgs {
    /// What the policies are for; `auto` infers it from each policy's content and says which it chose.
    #[arg(long, value_enum, default_value_t = KindArg::Auto)]
    kind: KindArg,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Where identity policies are used, which sets their size quota.
    #[arg(long, value_enum, default_value_t = IdentityUse::Managed)]
    identity_use: IdentityUse,
    /// Leave out findings with this code (repeatable), such as `MISSING_VERSION`; docs/lint-codes.md lists
    /// the codes, and which cannot be left out because AWS refuses a policy with them.
    #[arg(long = "allow", value_name = "CODE", value_parser = known_code)]
    allow: Vec<String>,
    /// The least severe finding that makes the exit status 1: `error` (the default: warnings and suggestions
    /// are shown but pass), `security-warning`, `warning`, or `suggestion` (any finding fails). Each level
    /// fails on its own severity and every more severe one.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Also check each policy's references against a stack: `scenario` (the built-in reference scenario) or a
    /// spec file (`iamgen.toml`). Catches buckets and roles named differently from the ones the stack declares.
    #[arg(long, value_name = "scenario|SPEC")]
    stack: Option<PathBuf>,
    /// How directories are walked.
    #[command(flatten)]
    walk: input::Walk,
    /// Policy files, directories (the policy files below them: `*.json` with a `Statement`, outside hidden
    /// folders and `node_modules`), or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// Rejects a code that is not in the registry (a misspelt code would otherwise allow nothing, silently), and
/// one whose findings mean AWS refuses the policy (allowing it would pass a policy that cannot be used).
fn known_code(name: &str) -> Result<String, lint::codes::AllowError> {
    lint::codes::check_allow(name).map(|code| code.name.to_owned())
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Auto,
    Identity,
    Trust,
    Resource,
    Scp,
    Rcp,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum IdentityUse {
    Managed,
    User,
    Group,
    Role,
}

struct Checked {
    input: Input,
    report: Report,
    /// Where in a template the policy is, when it is in one.
    place: Option<Place>,
}

/// Each text of the inputs read once for rendering: the policies of one template, or the findings of one spec
/// of 10,000 roles, share a text that rendering each against it anew made quadratic.
#[derive(Default)]
struct Sources<'c> {
    prepared: HashMap<*const u8, Prepared<'c>>,
}

impl<'c> Sources<'c> {
    fn get(&mut self, text: &'c Arc<str>) -> &Prepared<'c> {
        self.prepared
            .entry(Arc::as_ptr(text).cast::<u8>())
            .or_insert_with(|| Prepared::new(text))
    }
}

/// A policy's place in a template.
struct Place {
    /// The resource: `aws_iam_role.this`, `Resources.Role`.
    address: String,
    /// The argument or property: `assume_role_policy`, `Properties.Policies[0].PolicyDocument`.
    attribute: String,
    /// Why the policy was checked as its kind, when its place says (else the report says).
    kind_reason: Option<&'static str>,
    /// The policy as read, for `--format json`.
    document: Option<Value>,
}

pub(crate) fn run(args: &ValidateArgs) -> u8 {
    let kind = match args.kind {
        KindArg::Auto => None,
        KindArg::Identity => Some(PolicyKind::Identity),
        KindArg::Trust => Some(PolicyKind::Trust),
        KindArg::Resource => Some(PolicyKind::Resource),
        KindArg::Scp => Some(PolicyKind::Scp),
        KindArg::Rcp => Some(PolicyKind::Rcp),
    };
    let options = Options {
        identity_use: match args.identity_use {
            IdentityUse::Managed => IdentityPolicyUse::Managed,
            IdentityUse::User => IdentityPolicyUse::InlineUser,
            IdentityUse::Group => IdentityPolicyUse::InlineGroup,
            IdentityUse::Role => IdentityPolicyUse::InlineRole,
        },
        allow: args.allow.clone(),
    };
    let stack = match args.stack.as_deref() {
        None => None,
        // `scenario` names the built-in stack unless a file of that name is there to read.
        Some(path) if path == Path::new("scenario") && !path.is_file() => {
            Some(Stack::reference_scenario())
        }
        Some(path) => match super::spec::load(path) {
            Ok(stack) => Some(stack),
            Err(error) => {
                eprintln!(
                    "{error}\n  help: --stack takes `scenario` (the built-in reference scenario) or a spec file (iamgen.toml)"
                );
                return exit::BAD_INPUT;
            }
        },
    };
    let (inputs, mut all_read) = input::collect(&args.paths, &args.walk, true);
    let (policies, templates): (Vec<Input>, Vec<Input>) = inputs
        .into_iter()
        .partition(|input| input.format == input::Format::Policy);
    let mut checked: Vec<Checked> = policies
        .into_iter()
        .map(|input| {
            let report = match &stack {
                Some(stack) => lint::lint_source_with_stack(&input.text, kind, &options, stack),
                None => lint::lint_source(&input.text, kind, &options),
            };
            Checked {
                input,
                report,
                place: None,
            }
        })
        .collect();
    let from_templates =
        templates::check(templates, kind, &options, stack.as_ref(), args.walk.verbose);
    all_read &= from_templates.all_read;
    // A policy file a template reads (`file("policy.json")`) is checked once, as the kind its place gives it.
    let read_by_templates: Vec<PathBuf> = from_templates
        .checked
        .iter()
        .filter(|c| c.input.format == input::Format::Policy)
        .filter_map(|c| {
            c.input
                .path
                .as_deref()
                .and_then(|path| std::fs::canonicalize(path).ok())
        })
        .collect();
    checked.retain(|c| {
        c.input
            .path
            .as_deref()
            .and_then(|path| std::fs::canonicalize(path).ok())
            .is_none_or(|path| !read_by_templates.contains(&path))
    });
    checked.extend(from_templates.checked);
    checked.sort_by(|a, b| a.input.origin.cmp(&b.input.origin));
    let output = match args.format {
        Format::Human => human(&checked, input::color_stdout()),
        Format::Json => to_pretty(&json_report(&checked)),
        Format::Sarif => to_pretty(&sarif_report(&checked)),
    };
    print!("{output}");
    if !all_read {
        exit::BAD_INPUT
    } else if checked
        .iter()
        .flat_map(|c| &c.report.findings)
        .any(|finding| args.fail_on.fails(finding.severity))
    {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

fn to_pretty(value: &Value) -> String {
    // Serializing a `Value` of strings and numbers cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

fn counts(checked: &[Checked]) -> BTreeMap<Severity, usize> {
    let mut counts = BTreeMap::new();
    for severity in [
        Severity::Error,
        Severity::SecurityWarning,
        Severity::Warning,
        Severity::Suggestion,
    ] {
        counts.insert(severity, 0);
    }
    for finding in checked.iter().flat_map(|c| &c.report.findings) {
        *counts.entry(finding.severity).or_default() += 1;
    }
    counts
}

fn human(checked: &[Checked], color: bool) -> String {
    let mut sources = Sources::default();
    let mut out = String::new();
    for Checked {
        input,
        report,
        place,
    } in checked
    {
        if report.findings.is_empty() {
            continue;
        }
        if let Some(place) = place {
            let _ = writeln!(
                out,
                "{}: {}{}{}: checked as {} ({})",
                input.origin,
                place.address,
                if place.attribute.is_empty() { "" } else { "." },
                place.attribute,
                report.kind.describe(),
                place
                    .kind_reason
                    .or(report.kind_reason)
                    .unwrap_or("from its content")
            );
        } else if let (true, Some(reason)) = (report.kind_inferred, report.kind_reason) {
            let _ = writeln!(
                out,
                "{}: checked as {} ({reason})",
                input.origin,
                report.kind.describe()
            );
        }
        out.push_str(
            &sources
                .get(&input.text)
                .render(&report.findings, &input.origin, color),
        );
        if input.format == input::Format::Policy
            && let Some(note) = fmt_repairs(input, report)
        {
            let _ = writeln!(out, "{note}\n");
        }
    }
    let counts = counts(checked);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let read = if checked.iter().any(|c| c.place.is_some()) {
        let mut files: Vec<&str> = checked.iter().map(|c| c.input.origin.as_str()).collect();
        files.dedup();
        format!(
            "{} ({})",
            plural(files.len(), "file"),
            plural(checked.len(), "policy").replace("policys", "policies")
        )
    } else {
        plural(checked.len(), "file")
    };
    let _ = writeln!(
        out,
        "{}: {}, {}, {}, {}",
        read,
        plural(counts[&Severity::Error], "error"),
        plural(counts[&Severity::SecurityWarning], "security warning"),
        plural(counts[&Severity::Warning], "warning"),
        plural(counts[&Severity::Suggestion], "suggestion"),
    );
    out
}

/// A note that `iamgen fmt --write` repairs the typographic quotes and the byte-order mark of a file, when it
/// can: the findings' help names no tool, since the reader also serves specs and `policy!`, where fmt does not
/// apply.
fn fmt_repairs(input: &Input, report: &Report) -> Option<String> {
    let path = input.path.as_ref()?;
    if !report
        .findings
        .iter()
        .any(|finding| finding.code == INVALID_CHARACTER.name)
    {
        return None;
    }
    let quotes = json::typographic_quotes(&input.text);
    if quotes.iter().any(|quote| quote.role == QuoteRole::Unclear) {
        return None;
    }
    let delimiters = quotes
        .iter()
        .filter(|quote| quote.role == QuoteRole::Delimiter)
        .count();
    let mut repairs = Vec::new();
    if delimiters > 0 {
        repairs.push(format!(
            "replaces the {delimiters} typographic quote{} that delimit strings with `\"`",
            if delimiters == 1 { "" } else { "s" }
        ));
    }
    if input.text.starts_with('\u{FEFF}') {
        repairs.push("removes the byte-order mark".to_owned());
    }
    (!repairs.is_empty()).then(|| {
        format!(
            "note: `iamgen fmt --write {}` {}",
            path.display(),
            repairs.join(" and ")
        )
    })
}

/// The `--format json` object of DESIGN.md's contract (plus each finding's `help`).
fn json_report(checked: &[Checked]) -> Value {
    let mut sources = Sources::default();
    let files: Vec<Value> = checked
        .iter()
        .map(
            |Checked {
                 input,
                 report,
                 place,
             }| {
                let index = sources.get(&input.text);
                let findings: Vec<Value> = report
                    .findings
                    .iter()
                    .map(|finding| {
                        let at = index.line_col(finding.span.start as usize);
                        json!({
                            "code": finding.code,
                            "severity": finding.severity.as_str(),
                            "message": finding.message,
                            "pointer": finding.pointer,
                            "line": at.line,
                            "column": at.column,
                            "suggestion": finding.suggestion,
                            "help": finding.help,
                        })
                    })
                    .collect();
                let mut file = json!({
                    "path": input.origin,
                    "kind": report.kind.as_str(),
                    "findings": findings,
                });
                if let Some(place) = place {
                    file["resource"] = json!(place.address);
                    file["attribute"] = json!(place.attribute);
                    if let Some(document) = &place.document {
                        file["document"] = document.clone();
                    }
                }
                file
            },
        )
        .collect();
    let counts = counts(checked);
    json!({
        "files": files,
        "summary": {
            "files": checked.len(),
            "error": counts[&Severity::Error],
            "security_warning": counts[&Severity::SecurityWarning],
            "warning": counts[&Severity::Warning],
            "suggestion": counts[&Severity::Suggestion],
        },
    })
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::SecurityWarning | Severity::Warning => "warning",
        Severity::Suggestion => "note",
    }
}

/// The `uriBaseId` of the artifacts below the working directory: GitHub code scanning and other SARIF
/// consumers resolve it against their own checkout, so a log made on one runner maps onto any other.
const SRCROOT: &str = "%SRCROOT%";

/// `path`'s text with `/` separators, everything outside RFC 3986's unreserved set, `/` and the bytes of
/// `keep` percent-encoded, so that any file name makes a valid `uri`.
fn percent_encoded(path: &Path, keep: &[u8]) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut uri = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) || keep.contains(&byte) {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri
}

/// The `file:` URI of an absolute path (`file:///C:/...` for a Windows one). `:` stays as it is: it may stand
/// in a path after the authority, and a drive letter needs it.
fn file_uri(path: &Path) -> String {
    let encoded = percent_encoded(path, b":");
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        format!("file:///{encoded}")
    }
}

/// `path` made absolute against `cwd` with `.` and `..` resolved by their text, without asking the file
/// system (which would resolve symbolic links the user chose to go through).
fn lexically_absolute(cwd: &Path, path: &Path) -> PathBuf {
    let mut absolute = PathBuf::new();
    for component in cwd.join(path).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                absolute.pop();
            }
            other => absolute.push(other),
        }
    }
    absolute
}

/// Where SARIF results point: paths below the working directory relative to it (under [`SRCROOT`]), since an
/// absolute path leaks the runner's layout and matches no file of the repository once uploaded; others, which
/// have no place in the repository, as absolute `file:` URIs.
struct Locator {
    /// The working directory, if it can be known.
    cwd: Option<PathBuf>,
}

impl Locator {
    fn new() -> Self {
        Locator {
            cwd: std::env::current_dir().ok(),
        }
    }

    /// The run's `originalUriBaseIds`: [`SRCROOT`] as the working directory's URI, which must end with `/`.
    fn base_ids(&self) -> Value {
        match &self.cwd {
            Some(cwd) => {
                let mut uri = file_uri(cwd);
                if !uri.ends_with('/') {
                    uri.push('/');
                }
                json!({ SRCROOT: { "uri": uri } })
            }
            None => json!({}),
        }
    }

    /// The `artifactLocation` of an input read from `path` (standard input when `None`).
    fn artifact_location(&self, path: Option<&Path>) -> Value {
        let (Some(path), Some(cwd)) = (path, &self.cwd) else {
            return json!({ "uri": path.map_or_else(|| "stdin".to_owned(), file_uri) });
        };
        let absolute = lexically_absolute(cwd, path);
        let relative = absolute
            .strip_prefix(cwd)
            .map(Path::to_path_buf)
            .or_else(|_| {
                // Through a symbolic link (`/tmp` as `/private/tmp`): compare where both really are.
                let real = std::fs::canonicalize(&absolute).map_err(|_| ())?;
                let real_cwd = std::fs::canonicalize(cwd).map_err(|_| ())?;
                real.strip_prefix(real_cwd)
                    .map(Path::to_path_buf)
                    .map_err(|_| ())
            });
        match relative {
            Ok(relative) => json!({ "uri": percent_encoded(&relative, b""), "uriBaseId": SRCROOT }),
            Err(()) => json!({ "uri": file_uri(&absolute) }),
        }
    }
}

/// In a template, the resource holding the policy, as code scanning shows it beside the line.
fn logical_location(place: &Place) -> Value {
    let name = if place.attribute.is_empty() {
        place.address.clone()
    } else {
        format!("{}.{}", place.address, place.attribute)
    };
    json!([{ "fullyQualifiedName": name, "kind": "resource" }])
}

/// SARIF 2.1.0, one run, one rule per code found, one result per finding.
fn sarif_report(checked: &[Checked]) -> Value {
    let mut sources = Sources::default();
    let locator = Locator::new();
    let mut rules: BTreeMap<&str, &Diagnostic> = BTreeMap::new();
    for finding in checked.iter().flat_map(|c| &c.report.findings) {
        rules.entry(finding.code).or_insert(finding);
    }
    let rule_index: BTreeMap<&str, usize> = rules
        .keys()
        .enumerate()
        .map(|(i, code)| (*code, i))
        .collect();
    let rules: Vec<Value> = rules
        .values()
        .map(|finding| {
            let mut properties = json!({ "tags": ["iam"] });
            if finding.severity == Severity::SecurityWarning {
                properties = json!({ "tags": ["iam", "security"], "security-severity": "7.0" });
            }
            json!({
                "id": finding.code,
                "name": finding.code,
                "shortDescription": { "text": finding.code.to_ascii_lowercase().replace('_', " ") },
                "defaultConfiguration": { "level": sarif_level(finding.severity) },
                "properties": properties,
            })
        })
        .collect();
    let mut artifacts = Vec::new();
    let mut results = Vec::new();
    for Checked {
        input,
        report,
        place,
    } in checked
    {
        let location = locator.artifact_location(input.path.as_deref());
        // SARIF wants each artifact once; a file named twice (a directory and a file in it) is one.
        let artifact = json!({ "location": location });
        if !artifacts.contains(&artifact) {
            artifacts.push(artifact);
        }
        let index = sources.get(&input.text);
        for finding in &report.findings {
            let start = index.line_col(finding.span.start as usize);
            let end = index.line_col(finding.span.end.max(finding.span.start + 1) as usize);
            let mut message = finding.message.clone();
            if let Some(help) = &finding.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let mut result = json!({
                "ruleId": finding.code,
                "ruleIndex": rule_index[finding.code],
                "level": sarif_level(finding.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": location,
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column,
                        },
                    },
                }],
                "properties": {
                    "severity": finding.severity.as_str(),
                    "pointer": finding.pointer,
                    "suggestion": finding.suggestion,
                    "policyKind": report.kind.as_str(),
                },
            });
            if let Some(place) = place {
                result["locations"][0]["logicalLocations"] = logical_location(place);
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "iamgen",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
                    "rules": rules,
                },
            },
            "originalUriBaseIds": locator.base_ids(),
            "artifacts": artifacts,
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    })
}
