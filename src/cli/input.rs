//! Reading the inputs named on the command line: files, directories (the policy files below, in sorted order),
//! and `-` for standard input.
//!
//! Walking a directory reads the `*.json` files that hold a policy, recognised by their content: a
//! CloudFormation template, a Terraform plan (`terraform show -json`) or any other JSON (`package.json`,
//! `tsconfig.json`) is not a policy, and neither are Terraform and YAML files. Folders that hold no sources of
//! the user's are not entered: hidden ones (`.git`, `.terraform`), `node_modules`, and the `asset.*` folders of
//! a CDK app's `cdk.out`; nor are symbolic links to folders followed (a link to `.` would make the walk
//! endless). `--exclude GLOB` leaves out more. A path named on the command line is always read.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use iamgen_runtime::glob;
use iamgen_runtime::source::{MAX_POLICY_BYTES, ReadError, read_file_limited, read_limited};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// A policy document (JSON).
    Policy,
    /// A Terraform configuration file (`.tf`).
    Terraform,
    /// A CloudFormation or SAM template in YAML.
    CloudFormationYaml,
    /// A CloudFormation template in JSON (a CDK app's `cdk.out/*.template.json` too).
    CloudFormationJson,
    /// A Terraform plan or state as JSON (`terraform show -json`).
    TerraformPlan,
}

/// One input: where it came from and its text.
pub(crate) struct Input {
    /// What the file holds.
    pub(crate) format: Format,
    /// The path as given (or found below a given directory); `<stdin>` for `-`.
    pub(crate) origin: String,
    /// The file to rewrite, if the input is a file.
    pub(crate) path: Option<PathBuf>,
    /// The text.
    /// Shared: the policies of one template are as many inputs with the template's text.
    pub(crate) text: Arc<str>,
}

/// How a directory is walked: what to leave out besides the built-in rules, and whether to say what was left
/// out.
#[derive(Debug, Default, clap::Args)]
pub(crate) struct Walk {
    /// Leave out, in a directory, the files and folders this matches (repeatable): `*` is any characters,
    /// `/` included, `?` one; matched against the path below the directory named and against the name.
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude: Vec<String>,
    /// Say on stderr each file and folder a directory's walk left out, and why.
    #[arg(long)]
    pub(crate) verbose: bool,
}

/// Expands the arguments into the files to read, reporting unreadable paths to stderr. Returns the inputs
/// and whether every argument could be read.
///
/// With `templates`, Terraform files, CloudFormation templates and Terraform plans are inputs too (each tagged
/// with its [`Format`]); without, only policy files are, and the walk says what it left out.
pub(crate) fn collect(paths: &[PathBuf], walk: &Walk, templates: bool) -> (Vec<Input>, bool) {
    let mut inputs = Vec::new();
    let mut all_ok = true;
    let mut skipped = Skipped::default();
    for path in paths {
        if path.as_os_str() == "-" {
            let read = read_limited(
                std::io::stdin().lock(),
                "<stdin>",
                MAX_POLICY_BYTES,
                "a policy",
            );
            all_ok &= take(&mut inputs, "<stdin>".to_owned(), None, read, templates);
            continue;
        }
        if !path.is_dir() {
            let read = read_file_limited(path, MAX_TEMPLATE_BYTES, "a policy or template");
            all_ok &= take(
                &mut inputs,
                path.display().to_string(),
                Some(path.clone()),
                read,
                templates,
            );
            continue;
        }
        let files = match files_below(path, walk, &mut skipped, templates) {
            Ok(files) => files,
            Err(error) => {
                eprintln!("error: cannot read directory `{}`: {error}", path.display());
                all_ok = false;
                continue;
            }
        };
        for file in files {
            let read = read_file_limited(&file, MAX_TEMPLATE_BYTES, "a policy or template");
            // Found by the walk, a file that holds no policy is left out, where one named is read.
            let read = match read {
                Ok(bytes) => match walked_file(&file, &bytes, templates) {
                    Err((what, true)) => {
                        skipped.add_template(&file, what);
                        continue;
                    }
                    Err((what, false)) => {
                        skipped.add(&file, what);
                        continue;
                    }
                    Ok(()) => Ok(bytes),
                },
                Err(error) => Err(error),
            };
            all_ok &= take(
                &mut inputs,
                file.display().to_string(),
                Some(file),
                read,
                templates,
            );
        }
    }
    skipped.report(walk.verbose);
    (inputs, all_ok)
}

/// What the walks left out, and why.
#[derive(Default)]
struct Skipped {
    entries: Vec<(PathBuf, &'static str)>,
    /// How many of them are templates, which hold policies this command does not read yet.
    templates: usize,
}

impl Skipped {
    fn add(&mut self, path: &Path, why: &'static str) {
        self.entries.push((path.to_path_buf(), why));
    }

    fn add_template(&mut self, path: &Path, why: &'static str) {
        self.templates += 1;
        self.add(path, why);
    }

    /// Each entry on stderr when `verbose`; else, when templates were left out, one line that says so (they
    /// hold policies this command does not read).
    fn report(&mut self, verbose: bool) {
        self.entries.sort();
        if verbose {
            for (path, why) in &self.entries {
                eprintln!("skipped: {}: {why}", path.display());
            }
            return;
        }
        let templates = self.templates;
        if templates > 0 {
            eprintln!(
                "note: {templates} CloudFormation or Terraform file{} left out: `iamgen validate` reads the \
                 policies inside templates (--verbose lists every file left out)",
                if templates == 1 { " was" } else { "s were" }
            );
        }
    }
}

/// The largest file read: CloudFormation's own limit on a template is 1 MB, a plan of a large configuration is
/// larger.
const MAX_TEMPLATE_BYTES: u64 = 64 << 20;

/// What a file holds, from its name and content; `Err` with why it holds no policy to read (and whether it is
/// a template this run does not read) when it holds none.
fn format_of(
    path: Option<&Path>,
    bytes: &[u8],
    templates: bool,
) -> Result<Format, (&'static str, bool)> {
    let extension = path
        .and_then(Path::extension)
        .map(|extension| extension.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("tf") if templates => return Ok(Format::Terraform),
        Some("tf") => return Err(("Terraform, read by `iamgen validate`", true)),
        Some("yaml" | "yml" | "template") => {
            if !templates {
                return Err((
                    "YAML, maybe a CloudFormation template, read by `iamgen validate`",
                    true,
                ));
            }
            let text = std::str::from_utf8(bytes).unwrap_or_default();
            return if looks_like_cloudformation(text) {
                Ok(Format::CloudFormationYaml)
            } else {
                Err((
                    "YAML that is not a CloudFormation template: it has no `Resources`",
                    false,
                ))
            };
        }
        _ => {}
    }
    let Some(text) = std::str::from_utf8(bytes).ok() else {
        return Ok(Format::Policy);
    };
    let Ok(tree) = iamgen_runtime::json::parse(text) else {
        return Ok(Format::Policy);
    };
    let Some(members) = tree.value.as_object() else {
        return Ok(Format::Policy);
    };
    let has = |key: &str| members.iter().any(|member| member.key == key);
    if has("Statement") || has("Version") {
        Ok(Format::Policy)
    } else if has("AWSTemplateFormatVersion") || has("Resources") || has("Transform") {
        if templates {
            Ok(Format::CloudFormationJson)
        } else {
            Err(("a CloudFormation template, read by `iamgen validate`", true))
        }
    } else if has("terraform_version") || has("planned_values") || has("format_version") {
        if templates {
            Ok(Format::TerraformPlan)
        } else {
            Err(("a Terraform plan or state, read by `iamgen validate`", true))
        }
    } else {
        Err(("JSON that is not a policy: it has no `Statement`", false))
    }
}

/// Whether YAML text has a top-level `Resources` or `AWSTemplateFormatVersion` key: CloudFormation's, not a
/// workflow's or a chart's.
fn looks_like_cloudformation(text: &str) -> bool {
    text.lines().any(|line| {
        line.starts_with("Resources:")
            || line.starts_with("AWSTemplateFormatVersion")
            || line.starts_with("\"Resources\"")
            || line.starts_with("'Resources'")
    })
}

/// Whether a file found by a walk is read: `Err` says why not.
fn walked_file(path: &Path, bytes: &[u8], templates: bool) -> Result<(), (&'static str, bool)> {
    format_of(Some(path), bytes, templates).map(|_| ())
}

/// Adds what was read from `origin` as an input, or reports to stderr why it cannot be one (unreadable, too
/// large, not UTF-8). Returns whether it was added.
fn take(
    inputs: &mut Vec<Input>,
    origin: String,
    path: Option<PathBuf>,
    read: Result<Vec<u8>, ReadError>,
    templates: bool,
) -> bool {
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("error: {error}");
            return false;
        }
    };
    // A file named on the command line is read whatever it holds: as a policy unless it is a template.
    let format = format_of(path.as_deref(), &bytes, templates).unwrap_or(Format::Policy);
    if format == Format::Policy
        && bytes.len() as u64 > MAX_POLICY_BYTES
        && let Some(path) = &path
        && let Err(error) = read_file_limited(path, MAX_POLICY_BYTES, "a policy")
    {
        // Read again under the policy's own limit, for its error.
        eprintln!("error: {error}");
        return false;
    }
    match decode(&origin, bytes) {
        Ok(text) => {
            inputs.push(Input {
                format,
                origin,
                path,
                text: text.into(),
            });
            true
        }
        Err(message) => {
            eprintln!("{message}");
            false
        }
    }
}

/// Every file below `dir` that may hold policies (`*.json`, and with `templates` `*.tf`, `*.yaml`, `*.yml`,
/// `*.template`), recursively, sorted so that output order does not depend on the file system; the folders
/// and other files left out go to `skipped`.
fn files_below(
    dir: &Path,
    walk: &Walk,
    skipped: &mut Skipped,
    templates: bool,
) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let mut entries = std::fs::read_dir(&folder)?.collect::<Result<Vec<_>, _>>()?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let below = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            if walk
                .exclude
                .iter()
                .any(|pattern| glob::matches(pattern, &below) || glob::matches(pattern, &name))
            {
                skipped.add(&path, "--exclude");
                continue;
            }
            // The entry's own type, not its target's: a symbolic link to a directory (`ln -s .. up`) is not
            // followed, so that a link cycle cannot make the walk endless.
            let kind = entry.file_type()?;
            if kind.is_symlink() && path.is_dir() {
                skipped.add(&path, "a symbolic link to a folder");
            } else if kind.is_dir() {
                match left_out_folder(&folder, &name) {
                    Some(why) => skipped.add(&path, why),
                    None => pending.push(path),
                }
            } else if path.extension().is_some_and(|ext| ext == "json") {
                files.push(path);
            } else if let Some(what) = infrastructure_file(&name) {
                if templates {
                    files.push(path);
                } else {
                    skipped.add_template(&path, what);
                }
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Why a folder found by a walk is not entered, if it is not.
fn left_out_folder(parent: &Path, name: &str) -> Option<&'static str> {
    if name.starts_with('.') {
        Some("a hidden folder; name it to read it")
    } else if name == "node_modules" {
        Some("installed packages")
    } else if name.starts_with("asset.")
        && parent.file_name().is_some_and(|parent| parent == "cdk.out")
    {
        Some("a CDK asset; the app's templates are beside it")
    } else {
        None
    }
}

/// What a file that is not JSON holds, when it may hold policies this command does not read yet.
fn infrastructure_file(name: &str) -> Option<&'static str> {
    let extension = name.rsplit_once('.').map(|(_, extension)| extension)?;
    match extension {
        "tf" => Some("Terraform, read by `iamgen validate`"),
        "yaml" | "yml" | "template" => {
            Some("YAML, maybe a CloudFormation template, read by `iamgen validate`")
        }
        _ => None,
    }
}

/// The text of a file, or an error naming the line and column of the first byte that is not UTF-8.
fn decode(origin: &str, bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        // Everything before `valid` is UTF-8, so the position can be computed on that prefix.
        let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        let at = iamgen_runtime::source::line_col(prefix, valid);
        let mut message = format!(
            "error: `{origin}` is not UTF-8: byte 0x{:02X} at {origin}:{at}",
            bytes[valid]
        );
        let _ = write!(
            message,
            "\n  help: save the file as UTF-8 (IAM policies are UTF-8 JSON)"
        );
        message
    })
}

/// Whether to colour diagnostics on stderr: only on a terminal, and never when `NO_COLOR` is set.
pub(crate) fn color_stderr() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Whether to colour diagnostics on stdout, by the same rule.
pub(crate) fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}
