//! The generator: one [`Stack`] rendered as Terraform, CloudFormation, policy JSON files and a trust diagram.
//!
//! File layout lives in handlebars templates (`templates/`, embedded, overridable from a directory); policy
//! JSON always comes from the model's printer, and every string reaches HCL, YAML or JSON through the target's
//! escaping in [`escape`] and [`value`]. Output is deterministic: the same stack gives byte-identical files.

pub mod cloudformation;
pub mod diagram;
pub mod escape;
mod manifest;
pub mod terraform;
mod unique;
pub mod value;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use handlebars::Handlebars;

use crate::stack::Stack;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// `terraform/`: a root module with one aliased provider per account.
    Terraform,
    /// `cloudformation/`: one template per account (YAML and JSON) and a StackSet template.
    CloudFormation,
    /// `policies/`: every policy and trust policy as canonical JSON.
    Policies,
    /// `diagram.mmd`, `diagram.dot` and `diagram.svg`: accounts, principals, roles and buckets; trust, assume,
    /// access and membership edges.
    Diagram,
}

/// The formats each account's CloudFormation template is written in (the StackSet template is YAML in every
/// case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CloudFormationFormat {
    /// `ACCOUNT.yaml` only.
    Yaml,
    /// `ACCOUNT.json` only.
    Json,
    /// Both, the same template.
    #[default]
    Both,
}

impl CloudFormationFormat {
    fn yaml(self) -> bool {
        self != CloudFormationFormat::Json
    }

    fn json(self) -> bool {
        self != CloudFormationFormat::Yaml
    }
}

impl Target {
    /// Whether `path` (relative, with `/`) is one of this target's files.
    #[must_use]
    pub fn owns(self, path: &str) -> bool {
        match self {
            Target::Terraform => path.starts_with("terraform/"),
            Target::CloudFormation => path.starts_with("cloudformation/"),
            Target::Policies => path.starts_with("policies/"),
            Target::Diagram => path.starts_with("diagram."),
        }
    }

    /// Every target.
    pub const ALL: [Target; 4] = [
        Target::Terraform,
        Target::CloudFormation,
        Target::Policies,
        Target::Diagram,
    ];

    /// The name used on the command line.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Terraform => "terraform",
            Target::CloudFormation => "cloudformation",
            Target::Policies => "policies",
            Target::Diagram => "diagram",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// A template failed (a template from an override directory, most likely).
    #[error("template `{name}`: {source}")]
    Template {
        /// The template.
        name: String,
        /// What went wrong.
        #[source]
        source: TemplateError,
    },
    /// A CloudFormation template would pass one of CloudFormation's limits.
    #[error(
        "the CloudFormation template for {account} would have {found} {what}, over CloudFormation's limit of {limit}, even split into nested stacks\n  help: {help}"
    )]
    TooLarge {
        /// The account whose template it is.
        account: String,
        /// What is counted.
        what: &'static str,
        /// How many there would be.
        found: usize,
        /// The limit.
        limit: usize,
        /// What to change in the spec.
        help: String,
    },
    /// Two items would get the same generated name.
    #[error("{first} and {second} would both be named `{name}`")]
    NameClash {
        /// The generated name.
        name: String,
        /// The item that has it.
        first: String,
        /// The item that would get it too.
        second: String,
    },
    /// The override directory is not there.
    #[error(
        "the templates directory `{}` does not exist\n  help: `iamgen templates --dump {}` writes the embedded templates there, to edit",
        path.display(),
        path.display()
    )]
    NoTemplatesDir {
        /// The directory given.
        path: PathBuf,
    },
    /// A file of the override directory replaces no template: a misspelt name would otherwise be ignored.
    #[error(
        "`{}` replaces no template{}\n  help: the templates are named {}",
        path.display(),
        suggestion.as_ref().map(|name| format!(": did you mean `{name}`?")).unwrap_or_default(),
        known
    )]
    UnknownTemplate {
        /// The file, in the override directory.
        path: PathBuf,
        /// The template name it most likely meant (`terraform/account.tf.hbs`).
        suggestion: Option<String>,
        /// The names there are, for the help.
        known: String,
    },
    /// The override directory could not be read.
    #[error("cannot read template `{path}`: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
}

/// What went wrong with one template.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// The text is no handlebars template.
    #[error(transparent)]
    Parse(Box<handlebars::TemplateError>),
    /// The template could not be rendered with the stack's data.
    #[error(transparent)]
    Render(Box<handlebars::RenderError>),
    /// The override file could not be read.
    #[error(transparent)]
    Read(crate::source::ReadError),
    /// The embedded templates did not load (a defect of iamgen, which its tests rule out).
    #[error(transparent)]
    Embedded(Arc<RenderError>),
}

/// Fails on the first file of `dir`'s template folders that replaces no template, with the name it most likely
/// meant.
fn check_override_names(dir: &Path) -> Result<(), RenderError> {
    let known: Vec<String> = TEMPLATES
        .iter()
        .map(|(name, _)| format!("{name}.hbs"))
        .collect();
    let mut folders: Vec<&str> = TEMPLATES
        .iter()
        .filter_map(|(name, _)| name.split_once('/').map(|(folder, _)| folder))
        .collect();
    folders.dedup();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(dir.join(folder)) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|entry| entry.path().is_file())
            .map(|entry| format!("{folder}/{}", entry.file_name().to_string_lossy()))
            .collect();
        names.sort();
        if let Some(unknown) = names.into_iter().find(|name| !known.contains(name)) {
            let suggestion = crate::suggest::closest(&unknown, known.iter().map(String::as_str))
                .map(str::to_owned);
            return Err(RenderError::UnknownTemplate {
                path: dir.join(&unknown),
                suggestion,
                known: known
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    Ok(())
}

/// The embedded templates: name and text.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "terraform/versions.tf",
        include_str!("../../templates/terraform/versions.tf.hbs"),
    ),
    (
        "terraform/providers.tf",
        include_str!("../../templates/terraform/providers.tf.hbs"),
    ),
    (
        "terraform/variables.tf",
        include_str!("../../templates/terraform/variables.tf.hbs"),
    ),
    (
        "terraform/account.tf",
        include_str!("../../templates/terraform/account.tf.hbs"),
    ),
    (
        "terraform/outputs.tf",
        include_str!("../../templates/terraform/outputs.tf.hbs"),
    ),
    (
        "terraform/README.md",
        include_str!("../../templates/terraform/README.md.hbs"),
    ),
    (
        "cloudformation/README.md",
        include_str!("../../templates/cloudformation/README.md.hbs"),
    ),
    (
        "diagram/diagram.mmd",
        include_str!("../../templates/diagram/diagram.mmd.hbs"),
    ),
    (
        "diagram/diagram.dot",
        include_str!("../../templates/diagram/diagram.dot.hbs"),
    ),
];

/// The renderer: a handlebars registry in strict mode with HTML escaping off (HCL and YAML are not HTML; every
/// value is escaped for its target before it reaches a template).
#[derive(Debug)]
pub struct Renderer {
    registry: Handlebars<'static>,
}

// The error is shared, not copied: every later call reports the one failure.
static EMBEDDED: LazyLock<Result<Renderer, Arc<RenderError>>> = LazyLock::new(|| {
    Renderer::from_sources(
        TEMPLATES
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned())),
    )
    .map_err(Arc::new)
});

impl Renderer {
    /// The renderer over the embedded templates.
    pub fn embedded() -> Result<&'static Renderer, RenderError> {
        EMBEDDED.as_ref().map_err(|error| RenderError::Template {
            name: "(embedded)".to_owned(),
            source: TemplateError::Embedded(Arc::clone(error)),
        })
    }

    /// The embedded templates: each file name (`terraform/account.tf.hbs`) and text, as `iamgen templates
    /// --dump` writes them for users to start from.
    pub fn embedded_sources() -> impl Iterator<Item = (String, &'static str)> {
        TEMPLATES
            .iter()
            .map(|(name, text)| (format!("{name}.hbs"), *text))
    }

    /// The embedded templates, with any of them overridden by a file of the same name (`terraform/account.tf.hbs`
    /// ...) in `dir`. A `dir` that does not exist, or a file in its `terraform/`, `cloudformation/` or `diagram/`
    /// folder that replaces no template (a misspelt name), is an error: either would silently change nothing.
    pub fn with_overrides(dir: &Path) -> Result<Renderer, RenderError> {
        if !dir.is_dir() {
            return Err(RenderError::NoTemplatesDir {
                path: dir.to_path_buf(),
            });
        }
        check_override_names(dir)?;
        let mut sources = Vec::new();
        for (name, text) in TEMPLATES {
            let path = dir.join(format!("{name}.hbs"));
            let text = if path.exists() {
                let bytes = crate::source::read_file_limited(
                    &path,
                    crate::source::MAX_SPEC_BYTES,
                    "a template",
                )
                .map_err(|error| RenderError::Template {
                    name: (*name).to_owned(),
                    source: TemplateError::Read(error),
                })?;
                String::from_utf8(bytes).map_err(|error| RenderError::Io {
                    path,
                    error: std::io::Error::new(std::io::ErrorKind::InvalidData, error),
                })?
            } else {
                (*text).to_owned()
            };
            sources.push(((*name).to_owned(), text));
        }
        Renderer::from_sources(sources.into_iter())
    }

    fn from_sources(
        sources: impl Iterator<Item = (String, String)>,
    ) -> Result<Renderer, RenderError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        for (name, text) in sources {
            registry
                .register_template_string(&name, text)
                .map_err(|error| RenderError::Template {
                    name: name.clone(),
                    source: TemplateError::Parse(Box::new(error)),
                })?;
        }
        Ok(Renderer { registry })
    }

    pub(crate) fn render_template(
        &self,
        name: &str,
        data: serde_json::Value,
    ) -> Result<String, RenderError> {
        // A context made from the value itself: `render` would serialize the data into a second copy first.
        self.registry
            .render_with_context(name, &handlebars::Context::from(data))
            .map_err(|error| RenderError::Template {
                name: name.to_owned(),
                source: TemplateError::Render(Box::new(error)),
            })
    }

    /// Renders `targets` for `stack`, CloudFormation templates in both formats.
    pub fn render(&self, stack: &Stack, targets: &[Target]) -> Result<Rendered, RenderError> {
        self.render_with(stack, targets, CloudFormationFormat::Both)
    }

    /// Renders `targets` for `stack`, CloudFormation templates in `format`.
    pub fn render_with(
        &self,
        stack: &Stack,
        targets: &[Target],
        format: CloudFormationFormat,
    ) -> Result<Rendered, RenderError> {
        let mut files = BTreeMap::new();
        let mut notes = Vec::new();
        for target in targets {
            match target {
                Target::Terraform => files.extend(terraform::render(self, stack)?),
                Target::CloudFormation => {
                    files.extend(cloudformation::render(self, stack, format, &mut notes)?);
                }
                Target::Policies => files.extend(policy_files(stack)),
                Target::Diagram => files.extend(diagram::render(self, stack, &mut notes)?),
            }
        }
        Ok(Rendered {
            files,
            notes,
            targets: targets.to_vec(),
        })
    }
}

/// Renders `targets` for `stack` with the embedded templates.
pub fn render(stack: &Stack, targets: &[Target]) -> Result<Rendered, RenderError> {
    Renderer::embedded()?.render(stack, targets)
}

/// Every policy as canonical JSON: `policies/<account>/<Policy>.json`, `<Role>.trust.json` for trusts, and
/// `inline/<roles|groups|users>/<Owner>/<Policy>.json` for inline policies.
///
/// Paths are unique without regard to case (macOS and Windows compare file names so): a managed policy named
/// `A.trust` and a role `A`, or names that differ only in case, get a `_2` before `.json` rather than one file.
fn policy_files(stack: &Stack) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut paths = unique::Unique::new(unique::Fold::IgnoreCase);
    let mut add = |path: String, content: String| {
        let stem = path.strip_suffix(".json").unwrap_or(&path).to_owned();
        let path = paths.claim_with(&path, |counter| format!("{stem}_{counter}.json"));
        files.insert(path, content);
    };
    // The account's alias, unique where names (`Acme`, `ACME`) are not.
    let aliases = account_aliases(stack);
    let folder = |account: crate::stack::AccountRef| aliases[account.index()].as_str();
    for (_, policy) in stack.policies() {
        add(
            format!(
                "policies/{}/{}.json",
                folder(policy.account),
                file_name(&policy.name)
            ),
            policy.document.to_json(),
        );
    }
    for (_, role) in stack.roles() {
        add(
            format!(
                "policies/{}/{}.trust.json",
                folder(role.account),
                file_name(&role.name)
            ),
            role.trust.to_json(),
        );
    }
    // Inline policies under `inline/`, where no managed policy name (which cannot contain `/`) can reach.
    let owners = stack
        .roles()
        .map(|(_, role)| ("roles", role.account, &role.name, &role.inline))
        .chain(
            stack
                .groups()
                .map(|(_, group)| ("groups", group.account, &group.name, &group.inline)),
        )
        .chain(
            stack
                .users()
                .map(|(_, user)| ("users", user.account, &user.name, &user.inline)),
        );
    for (kind, account, owner, policies) in owners {
        for inline in policies {
            add(
                format!(
                    "policies/{}/inline/{kind}/{}/{}.json",
                    folder(account),
                    file_name(owner),
                    file_name(&inline.name)
                ),
                inline.document.to_json(),
            );
        }
    }
    files
}

/// A name safe as a file name on every system (IAM names allow `+=,.@_-`, which all are).
fn file_name(name: &str) -> String {
    name.chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || "+=,.@_-".contains(ch) {
                ch
            } else {
                '_'
            }
        })
        .collect()
}

/// The generated files: relative path to content, in path order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    files: BTreeMap<String, String>,
    notes: Vec<String>,
    /// What was rendered: a run of some targets leaves the other targets' files alone.
    targets: Vec<Target>,
}

/// What [`Rendered::write_to`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written because they were new or their content changed.
    pub written: Vec<PathBuf>,
    /// Files left alone because their content was already the same.
    pub unchanged: Vec<PathBuf>,
    /// Files an earlier run generated that this one does not, removed (unchanged since they were written).
    pub removed: Vec<PathBuf>,
    /// Files an earlier run generated that this one does not, kept because someone changed them since.
    pub kept: Vec<PathBuf>,
}

/// How a directory differs from what [`Rendered::write_to`] would make of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// A file that would be written: it is missing, or its content differs (`old` is `None` when missing).
    Write {
        /// The file.
        path: PathBuf,
        /// What is there now.
        old: Option<String>,
        /// What would be written.
        new: String,
    },
    /// A file an earlier run generated that this one does not: it would be removed.
    Remove {
        /// The file.
        path: PathBuf,
    },
}

impl Rendered {
    /// The files, relative path to content.
    #[must_use]
    pub fn files(&self) -> &BTreeMap<String, String> {
        &self.files
    }

    /// What was not generated, and why (an account with nothing to deploy gets no CloudFormation template), a
    /// sentence each, for the user to read.
    #[must_use]
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// One file's content.
    #[must_use]
    pub fn file(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Writes the files below `dir`, each through a temporary file and a rename so that no reader sees half a
    /// file, and only those whose content changed, so that build scripts do not trigger rebuild loops.
    ///
    /// All or nothing: every path is checked before the first byte is written (a name longer than file
    /// systems allow is an error naming it), every changed file is written to its temporary file before the
    /// first rename, and on a failure the temporary files and the directories this call made are removed, so
    /// the directory is left as it was.
    ///
    /// Then it removes what an earlier run generated there and this one does not (see the `manifest` module:
    /// only files iamgen wrote and nobody changed since), and records what it wrote in `.iamgen-manifest`.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<WriteReport> {
        for relative in self.files.keys() {
            check_path(dir, relative)?;
        }
        let stale = manifest::stale(dir, &self.files, &self.targets);
        let mut report = self.write_files(dir)?;
        for path in stale.remove {
            std::fs::remove_file(&path)?;
            manifest::remove_empty_parents(dir, &path);
            report.removed.push(path);
        }
        report.kept = stale.keep;
        let manifest = dir.join(manifest::MANIFEST);
        let text = manifest::text(dir, &self.files, &self.targets);
        if std::fs::read_to_string(&manifest).ok().as_deref() != Some(text.as_str()) {
            let (temp, mut file) = tempfile_in(dir)?;
            file.write_all(text.as_bytes())?;
            std::fs::rename(temp, manifest)?;
        }
        Ok(report)
    }

    /// How `dir` differs from what [`Rendered::write_to`] would make of it, in path order: each file to write
    /// with its old and new content, then each file to remove. Empty when `dir` is up to date.
    #[must_use]
    pub fn differences(&self, dir: &Path) -> Vec<Difference> {
        let mut differences = Vec::new();
        for (relative, content) in &self.files {
            let path = dir.join(relative);
            let old = std::fs::read(&path)
                .ok()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
            if old.as_deref() != Some(content.as_str()) {
                differences.push(Difference::Write {
                    path,
                    old,
                    new: content.clone(),
                });
            }
        }
        for path in manifest::stale(dir, &self.files, &self.targets).remove {
            differences.push(Difference::Remove { path });
        }
        differences
    }

    fn write_files(&self, dir: &Path) -> std::io::Result<WriteReport> {
        let mut report = WriteReport::default();
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut created: Vec<PathBuf> = Vec::new();
        let staging = self
            .stage(dir, &mut report, &mut staged, &mut created)
            // Every new content on disk before the first rename: a crash then leaves each file old or new, whole.
            .and_then(|()| sync_staged(dir, &staged));
        let committed = staging.and_then(|()| {
            for (index, (temp, path)) in staged.iter().enumerate() {
                if let Err(error) = std::fs::rename(temp, path) {
                    // What is renamed stays (each file is whole); what is not is undone below.
                    staged.drain(..index);
                    return Err(error);
                }
                report.written.push(path.clone());
            }
            staged.clear();
            Ok(())
        });
        if let Err(error) = committed {
            for (temp, _) in &staged {
                let _ = std::fs::remove_file(temp);
            }
            for made in created.iter().rev() {
                // Only if empty: a directory that already holds a renamed file is kept.
                let _ = std::fs::remove_dir(made);
            }
            return Err(error);
        }
        Ok(report)
    }

    /// Writes every changed file to a temporary file beside its destination.
    fn stage(
        &self,
        dir: &Path,
        report: &mut WriteReport,
        staged: &mut Vec<(PathBuf, PathBuf)>,
        created: &mut Vec<PathBuf>,
    ) -> std::io::Result<()> {
        for (relative, content) in &self.files {
            let path = dir.join(relative);
            if std::fs::read(&path).is_ok_and(|old| old == content.as_bytes()) {
                report.unchanged.push(path);
                continue;
            }
            let parent = path.parent().unwrap_or(dir);
            create_dirs(parent, created)?;
            let (temp, mut file) = tempfile_in(parent)?;
            staged.push((temp, path));
            file.write_all(content.as_bytes())?;
        }
        Ok(())
    }
}

/// Puts the staged files' contents on disk. On Linux, one `syncfs` of the output's file system (a run writes
/// thousands of files; one `fsync` each took most of its time); elsewhere, one `fsync` per file.
#[cfg(target_os = "linux")]
fn sync_staged(dir: &Path, staged: &[(PathBuf, PathBuf)]) -> std::io::Result<()> {
    if staged.is_empty() {
        return Ok(());
    }
    let handle = std::fs::File::open(dir)?;
    rustix::fs::syncfs(&handle).map_err(std::io::Error::from)
}

/// Puts the staged files' contents on disk, one `fsync` per file.
#[cfg(not(target_os = "linux"))]
fn sync_staged(_dir: &Path, staged: &[(PathBuf, PathBuf)]) -> std::io::Result<()> {
    for (temp, _) in staged {
        // Writable: Windows flushes only handles that may write.
        std::fs::OpenOptions::new()
            .write(true)
            .open(temp)?
            .sync_all()?;
    }
    Ok(())
}

/// The longest file or directory name the common file systems take, in bytes (ext4, APFS, NTFS's 255 UTF-16
/// units hold at least as many ASCII bytes).
const MAX_FILE_NAME_BYTES: usize = 255;

/// An error if a part of `relative` is longer than file systems allow, naming it.
fn check_path(dir: &Path, relative: &str) -> std::io::Result<()> {
    for part in relative.split('/') {
        if part.len() > MAX_FILE_NAME_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "cannot write `{}`: its name `{part}` is {} bytes long, over the {MAX_FILE_NAME_BYTES} \
                     bytes file systems allow in one name; nothing was written",
                    dir.join(relative).display(),
                    part.len()
                ),
            ));
        }
    }
    Ok(())
}

/// Creates `dir` and any missing parents, recording each directory it made, outermost first.
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|ancestor| !ancestor.as_os_str().is_empty() && !ancestor.exists())
        .collect();
    for made in missing.into_iter().rev() {
        std::fs::create_dir(made)?;
        created.push(made.to_path_buf());
    }
    Ok(())
}

/// A new file next to where the output goes (a rename within one directory is atomic).
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    // One counter for the process: a run stages thousands of files in one folder before the first rename, so
    // a name per call that restarts at 0 would soon find every name of its range taken (at 1,000 accounts,
    // `cloudformation/` holds 2,000 files).
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    for _ in 0..100u32 {
        let attempt = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = dir.join(format!(".iamgen-{}-{attempt}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error),
        }
    }
    Err(std::io::Error::other(format!(
        "could not create a temporary file in {}: 100 names were taken",
        dir.display()
    )))
}

/// The longest alias made from an account's name: the alias is part of file names (`stackset-<alias>.yaml`)
/// and identifiers, which must stay well within file systems' 255-byte names however long the name is.
const MAX_ALIAS_LEN: usize = 48;

/// A name for each account, unique in the stack: its name in snake case (at most [`MAX_ALIAS_LEN`]
/// characters), with the id when two names clash, and a counter if that still clashes.
///
/// Aliases are unique even with `_` removed and case ignored, because CloudFormation makes logical ids of
/// them (`acme_1` and `acme1` would both be `Acme1AccountId`), and clear of the module's own file names and the
/// diagram languages' keywords.
pub(crate) fn account_aliases(stack: &Stack) -> Vec<String> {
    // Names an alias must not take: the module's own Terraform files (`<alias>.tf`), and the keywords of
    // Mermaid and DOT, where an alias is a node or subgraph id.
    const RESERVED: &[&str] = &[
        "variables",
        "outputs",
        "providers",
        "versions",
        "end",
        "graph",
        "subgraph",
        "digraph",
        "node",
        "edge",
        "strict",
        "flowchart",
        "style",
        "class",
        "click",
        "default",
    ];
    let names: Vec<String> = stack
        .accounts()
        .map(|(_, account)| {
            let mut name = escape::snake_name(&account.name);
            if name.len() > MAX_ALIAS_LEN {
                name.truncate(MAX_ALIAS_LEN);
                name.truncate(name.trim_end_matches('_').len());
            }
            if RESERVED.contains(&name.as_str()) {
                format!("{name}_account")
            } else {
                name
            }
        })
        .collect();
    let folded: Vec<String> = names.iter().map(|name| name.replace('_', "")).collect();
    let clashes = |index: usize| {
        folded
            .iter()
            .filter(|other| **other == folded[index])
            .count()
            > 1
    };
    let mut unique = unique::Unique::new(unique::Fold::Alphanumeric);
    for reserved in RESERVED {
        unique.reserve(reserved);
    }
    let mut aliases = vec![String::new(); names.len()];
    // Names that clash with no other are taken first, so that a name made for a clash cannot take theirs.
    for (index, name) in names.iter().enumerate() {
        if !clashes(index) && unique.is_free(name) {
            aliases[index] = unique.claim(name);
        }
    }
    for ((index, name), (_, account)) in names.iter().enumerate().zip(stack.accounts()) {
        if aliases[index].is_empty() {
            let preferred = if clashes(index) {
                format!("{name}_{}", account.id)
            } else {
                name.clone()
            };
            aliases[index] = unique.claim(&preferred);
        }
    }
    aliases
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file and directory below `dir`, relative, with the content of the files.
    fn tree(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
        let mut found = BTreeMap::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(next) = pending.pop() {
            for entry in std::fs::read_dir(&next).unwrap() {
                let path = entry.unwrap().path();
                let relative = path.strip_prefix(dir).unwrap().to_path_buf();
                if path.is_dir() {
                    found.insert(relative, None);
                    pending.push(path);
                } else {
                    found.insert(relative, Some(std::fs::read(&path).unwrap()));
                }
            }
        }
        found
    }

    fn rendered(files: &[(&str, &str)]) -> Rendered {
        Rendered {
            files: files
                .iter()
                .map(|(path, content)| ((*path).to_owned(), (*content).to_owned()))
                .collect(),
            notes: Vec::new(),
            targets: Target::ALL.to_vec(),
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("iamgen-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("out/terraform")).unwrap();
        std::fs::write(dir.join("out/terraform/acme.tf"), "old").unwrap();
        dir
    }

    #[test]
    fn a_template_error_keeps_the_handlebars_error_as_its_source() {
        use std::error::Error as _;
        let broken = Renderer::from_sources(std::iter::once((
            "terraform/versions.tf".to_owned(),
            "{{#if x}}".to_owned(),
        )))
        .unwrap_err();
        assert!(
            broken
                .to_string()
                .starts_with("template `terraform/versions.tf`: "),
            "{broken}"
        );
        let source = broken.source().expect("the template error");
        assert!(matches!(
            source.downcast_ref::<TemplateError>(),
            Some(TemplateError::Parse(_))
        ));
        let renderer =
            Renderer::from_sources(std::iter::once(("t".to_owned(), "{{missing}}".to_owned())))
                .unwrap();
        let failed = renderer
            .render_template("t", serde_json::json!({}))
            .unwrap_err();
        let Some(TemplateError::Render(error)) = failed
            .source()
            .and_then(|source| source.downcast_ref::<TemplateError>())
        else {
            panic!("{failed:?}")
        };
        assert_eq!(failed.to_string(), format!("template `t`: {error}"));
    }

    #[test]
    fn a_name_too_long_for_file_systems_writes_nothing() {
        // Before: the files sorted before it were written, and its temporary file was left behind.
        let dir = scratch("long");
        let before = tree(&dir);
        let long = format!("cloudformation/stackset-{}.yaml", "a".repeat(250));
        let output = rendered(&[
            ("a/first.tf", "new"),
            ("terraform/acme.tf", "new"),
            (long.as_str(), "x"),
        ]);
        let error = output.write_to(&dir.join("out")).unwrap_err();
        assert!(error.to_string().contains("over the 255 bytes"), "{error}");
        assert!(error.to_string().contains("nothing was written"), "{error}");
        assert_eq!(tree(&dir), before);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn thousands_of_files_in_one_folder_are_written() {
        // At 1,000 accounts `cloudformation/` holds 2,000 files, all staged before the first rename: the
        // temporary names once ran out after 100 ("could not create a temporary file").
        let dir = scratch("many");
        let names: Vec<String> = (0..1_500)
            .map(|n| format!("cloudformation/a{n}.json"))
            .collect();
        let files: Vec<(&str, &str)> = names.iter().map(|name| (name.as_str(), "{}")).collect();
        let report = rendered(&files).write_to(&dir.join("out")).unwrap();
        assert_eq!(report.written.len(), 1_500);
        let leftovers = std::fs::read_dir(dir.join("out/cloudformation"))
            .unwrap()
            .filter(|entry| {
                entry
                    .as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_run_removes_what_an_earlier_run_wrote_and_this_one_does_not() {
        let dir = scratch("stale");
        let out = dir.join("out");
        rendered(&[
            ("terraform/a.tf", "a"),
            ("terraform/b.tf", "b"),
            ("policies/x/P.json", "{}"),
        ])
        .write_to(&out)
        .unwrap();
        std::fs::write(out.join("terraform/b.tf"), "changed by hand").unwrap();
        let report = rendered(&[("terraform/c.tf", "c")]).write_to(&out).unwrap();
        // `a.tf` and `P.json` (and its emptied folder) removed; `b.tf` kept, changed since; `acme.tf`, never
        // written by iamgen, untouched.
        assert_eq!(
            report.removed,
            [out.join("policies/x/P.json"), out.join("terraform/a.tf")]
        );
        assert_eq!(report.kept, [out.join("terraform/b.tf")]);
        assert!(!out.join("policies/x").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("terraform/acme.tf")).unwrap(),
            "old"
        );
        // A manifest entry that points outside the directory is never followed, even with the right hash.
        std::fs::write(dir.join("victim.tf"), "mine").unwrap();
        let manifest = out.join(".iamgen-manifest");
        let text = std::fs::read_to_string(&manifest).unwrap()
            + &format!("{:016x} ../victim.tf\n", manifest::hash(b"mine"));
        std::fs::write(&manifest, text).unwrap();
        rendered(&[("terraform/c.tf", "c")]).write_to(&out).unwrap();
        assert!(dir.join("victim.tf").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failure_while_writing_leaves_the_directory_as_it_was() {
        let dir = scratch("fail");
        // A file where a directory must go: `policies/acme/` cannot be made.
        std::fs::write(dir.join("out/policies"), "a file, not a directory").unwrap();
        let before = tree(&dir);
        let output = rendered(&[
            ("diagram/new/deep.mmd", "new"),
            ("policies/acme/P.json", "{}"),
            ("terraform/acme.tf", "new"),
        ]);
        assert!(output.write_to(&dir.join("out")).is_err());
        // No temporary file, no directory made for `diagram/new`, and `acme.tf` still old.
        assert_eq!(tree(&dir), before);
        // The same files into a fresh directory are all written.
        let fresh = dir.join("fresh");
        let report = output.write_to(&fresh).unwrap();
        assert_eq!(report.written.len(), 3);
        // The three, and the manifest of what was written.
        assert_eq!(tree(&fresh).values().filter(|v| v.is_some()).count(), 4);
        assert!(fresh.join(".iamgen-manifest").is_file());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
