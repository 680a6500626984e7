//! `validate` on templates: the policies of Terraform modules, plans and CloudFormation templates, each
//! checked as the kind its place gives it, its findings on the template's lines.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iamgen_runtime::lint::{Options, PolicyKind};
use iamgen_runtime::source::line_col;
use iamgen_runtime::stack::Stack;

use super::{Checked, Place};
use crate::cli::iac::{self, Found, cloudformation, plan, terraform, yaml};
use crate::cli::input::{Format, Input};

/// What checking the templates gave.
pub(super) struct Outcome {
    pub(super) checked: Vec<Checked>,
    /// Whether every template could be read.
    pub(super) all_read: bool,
}

/// Checks the policies of `inputs`, templates all. `kind` is used only where a policy's place does not say.
pub(super) fn check(
    inputs: Vec<Input>,
    kind: Option<PolicyKind>,
    options: &Options,
    stack: Option<&Stack>,
    verbose: bool,
) -> Outcome {
    let mut outcome = Outcome {
        checked: Vec::new(),
        all_read: true,
    };
    let mut modules: BTreeMap<PathBuf, Vec<Input>> = BTreeMap::new();
    for input in inputs {
        match input.format {
            Format::Terraform => {
                let dir = input
                    .path
                    .as_deref()
                    .and_then(Path::parent)
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                modules.entry(dir).or_default().push(input);
            }
            Format::CloudFormationYaml | Format::CloudFormationJson | Format::TerraformPlan => {
                let read = if input.format == Format::CloudFormationYaml {
                    yaml::from_yaml(&input.text)
                } else {
                    yaml::from_json(&input.text)
                };
                match read {
                    Ok(root) => {
                        let found = if input.format == Format::TerraformPlan || plan::is_plan(&root)
                        {
                            plan::found(&root)
                        } else if cloudformation::is_template(&root) {
                            cloudformation::found(&root)
                        } else {
                            if verbose {
                                eprintln!(
                                    "skipped: {}: not a CloudFormation template",
                                    input.origin
                                );
                            }
                            continue;
                        };
                        outcome.add(&input, found, kind, options, stack, verbose);
                    }
                    Err(error) => {
                        let at = line_col(&input.text, error.offset.min(input.text.len()));
                        eprintln!(
                            "error: cannot read `{}` as {}: {} at {}:{at}",
                            input.origin,
                            if input.format == Format::CloudFormationYaml {
                                "YAML"
                            } else {
                                "JSON"
                            },
                            error.message,
                            input.origin
                        );
                        outcome.all_read = false;
                    }
                }
            }
            Format::Policy => {}
        }
    }
    for (dir, inputs) in modules {
        outcome.module(&dir, &inputs, kind, options, stack, verbose);
    }
    outcome
}

impl Outcome {
    /// The `.tf` files `inputs` of folder `dir`, read with the folder's other `.tf` files, which may declare
    /// what they use.
    fn module(
        &mut self,
        dir: &Path,
        inputs: &[Input],
        kind: Option<PolicyKind>,
        options: &Options,
        stack: Option<&Stack>,
        verbose: bool,
    ) {
        let mut files = Vec::new();
        let mut wanted = Vec::new();
        for input in inputs {
            let path = input.path.clone().unwrap_or_default();
            match terraform::File::parse(path, input.text.to_string()) {
                Ok(file) => {
                    wanted.push((files.len(), input));
                    files.push(file);
                }
                Err(error) => {
                    let at = line_col(&input.text, error.offset.min(input.text.len()));
                    eprintln!(
                        "error: cannot read `{}` as Terraform: {} at {}:{at}\n  help: Terraform would refuse it \
                         too (`terraform fmt` names the same place): fix the syntax there",
                        input.origin, error.message, input.origin
                    );
                    self.all_read = false;
                }
            }
        }
        let named: Vec<PathBuf> = inputs
            .iter()
            .filter_map(|input| input.path.clone())
            .collect();
        for sibling in siblings(dir) {
            if named.contains(&sibling) {
                continue;
            }
            // A sibling that cannot be read only leaves its declarations unknown.
            if let Ok(text) = std::fs::read_to_string(&sibling)
                && let Ok(file) = terraform::File::parse(sibling, text)
            {
                files.push(file);
            }
        }
        let module = terraform::Module { files };
        for (index, input) in wanted {
            let found = module.found(index);
            self.add(input, found, kind, options, stack, verbose);
        }
    }

    fn add(
        &mut self,
        input: &Input,
        found: Found,
        kind: Option<PolicyKind>,
        options: &Options,
        stack: Option<&Stack>,
        verbose: bool,
    ) {
        if verbose {
            for (place, written) in &found.unknown {
                eprintln!(
                    "note: {}: {place} is `{written}`, known only at deploy time: not checked",
                    input.origin
                );
            }
            for (place, what) in &found.named {
                eprintln!(
                    "note: {}: {place} names {what}: not checked here",
                    input.origin
                );
            }
        }
        let declared_names = Found {
            policies: Vec::new(),
            unknown: Vec::new(),
            named: Vec::new(),
            buckets: found.buckets.clone(),
            users: found.users.clone(),
            roles: found.roles.clone(),
        };
        // Without a stack given, the policies are checked against what the template itself declares.
        let declared = if stack.is_none() { found.stack() } else { None };
        let stack = stack.or(declared.as_ref());
        // Checked across the template's own policies (not those of files it reads).
        let own: Vec<&iac::Embedded> = found
            .policies
            .iter()
            .filter(|p| p.source.is_none())
            .collect();
        let mut typos = iac::account_typos(&own);
        typos.retain(|(_, finding)| !options.allow.iter().any(|code| code == finding.code));
        let mut own_index = 0;
        for mut embedded in found.policies {
            let kind_reason = embedded.kind.map(|_| "from its place in the template");
            if embedded.kind.is_none() {
                embedded.kind = kind;
            }
            let mut report = iac::check(&embedded, options, stack, &declared_names);
            if embedded.source.is_none() {
                report.findings.extend(
                    typos
                        .iter()
                        .filter(|(policy, _)| *policy == own_index)
                        .map(|(_, finding)| finding.clone()),
                );
                report
                    .findings
                    .sort_by_key(|finding| (finding.span.start, finding.code));
                own_index += 1;
            }
            let document = iac::document(&embedded);
            let file = match embedded.source {
                Some((path, text)) => Input {
                    format: Format::Policy,
                    origin: path.display().to_string(),
                    path: Some(path),
                    text: text.into(),
                },
                None => Input {
                    format: input.format,
                    origin: input.origin.clone(),
                    path: input.path.clone(),
                    text: input.text.clone(),
                },
            };
            self.checked.push(Checked {
                input: file,
                report,
                place: Some(Place {
                    address: embedded.address,
                    attribute: embedded.attribute,
                    kind_reason,
                    document,
                }),
            });
        }
    }
}

/// The `.tf` files of a folder, sorted.
fn siblings(dir: &Path) -> Vec<PathBuf> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "tf"))
        .map(|path| {
            if dir == Path::new(".") {
                path.strip_prefix(".")
                    .map(Path::to_path_buf)
                    .unwrap_or(path)
            } else {
                path
            }
        })
        .collect();
    found.sort();
    found
}
