//! The generator: one [`Stack`] rendered as Terraform, CloudFormation, policy JSON files and a trust diagram.
//!
//! File layout lives in handlebars templates (`templates/`, embedded, overridable from a directory); policy
//! JSON always comes from the model's printer, and every string reaches HCL, YAML or JSON through the target's
//! escaping in [`escape`] and [`value`]. Output is deterministic: the same stack gives byte-identical files.

pub mod cloudformation;
pub mod diagram;
pub mod escape;
pub mod terraform;
pub mod value;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

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
    /// `diagram.mmd` and `diagram.dot`: accounts, principals, roles, trust and assume edges.
    Diagram,
}

impl Target {
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
    #[error("template `{name}`: {message}")]
    Template {
        /// The template.
        name: String,
        /// What went wrong.
        message: String,
    },
    /// A CloudFormation template would pass one of CloudFormation's limits.
    #[error(
        "the CloudFormation template for {account} would have {found} {what}, over CloudFormation's limit of {limit}; split the stack into several"
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
    },
    /// Two items would get the same generated name.
    #[error("{0}")]
    NameClash(String),
    /// The override directory could not be read.
    #[error("cannot read template `{path}`: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
}

/// The embedded templates: name and text.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "terraform/versions.tf",
        include_str!("../../../templates/terraform/versions.tf.hbs"),
    ),
    (
        "terraform/providers.tf",
        include_str!("../../../templates/terraform/providers.tf.hbs"),
    ),
    (
        "terraform/variables.tf",
        include_str!("../../../templates/terraform/variables.tf.hbs"),
    ),
    (
        "terraform/account.tf",
        include_str!("../../../templates/terraform/account.tf.hbs"),
    ),
    (
        "terraform/outputs.tf",
        include_str!("../../../templates/terraform/outputs.tf.hbs"),
    ),
    (
        "terraform/README.md",
        include_str!("../../../templates/terraform/README.md.hbs"),
    ),
    (
        "cloudformation/README.md",
        include_str!("../../../templates/cloudformation/README.md.hbs"),
    ),
    (
        "diagram/diagram.mmd",
        include_str!("../../../templates/diagram/diagram.mmd.hbs"),
    ),
    (
        "diagram/diagram.dot",
        include_str!("../../../templates/diagram/diagram.dot.hbs"),
    ),
];

/// The renderer: a handlebars registry in strict mode with HTML escaping off (HCL and YAML are not HTML; every
/// value is escaped for its target before it reaches a template).
#[derive(Debug)]
pub struct Renderer {
    registry: Handlebars<'static>,
}

static EMBEDDED: LazyLock<Result<Renderer, String>> = LazyLock::new(|| {
    Renderer::from_sources(
        TEMPLATES
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned())),
    )
    .map_err(|e| e.to_string())
});

impl Renderer {
    /// The renderer over the embedded templates.
    pub fn embedded() -> Result<&'static Renderer, RenderError> {
        EMBEDDED.as_ref().map_err(|message| RenderError::Template {
            name: "(embedded)".to_owned(),
            message: message.clone(),
        })
    }

    /// The embedded templates, with any of them overridden by a file of the same name (`terraform/account.tf.hbs`
    /// ...) in `dir`.
    pub fn with_overrides(dir: &Path) -> Result<Renderer, RenderError> {
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
                    message: error.to_string(),
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
                    message: error.to_string(),
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
                message: error.to_string(),
            })
    }

    /// Renders `targets` for `stack`.
    pub fn render(&self, stack: &Stack, targets: &[Target]) -> Result<Rendered, RenderError> {
        let mut files = BTreeMap::new();
        for target in targets {
            match target {
                Target::Terraform => files.extend(terraform::render(self, stack)?),
                Target::CloudFormation => files.extend(cloudformation::render(self, stack)?),
                Target::Policies => files.extend(policy_files(stack)),
                Target::Diagram => files.extend(diagram::render(self, stack)?),
            }
        }
        Ok(Rendered { files })
    }
}

/// Renders `targets` for `stack` with the embedded templates.
pub fn render(stack: &Stack, targets: &[Target]) -> Result<Rendered, RenderError> {
    Renderer::embedded()?.render(stack, targets)
}

/// Every policy as canonical JSON: `policies/<account>/<Policy>.json`, `<Role>.trust.json` for trusts, and
/// `inline/<roles|groups|users>/<Owner>/<Policy>.json` for inline policies.
fn policy_files(stack: &Stack) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    // The account's alias, unique where names (`Acme`, `ACME`) are not.
    let aliases = account_aliases(stack);
    let folder = |account: crate::stack::AccountRef| aliases[account.index()].as_str();
    for (_, policy) in stack.policies() {
        files.insert(
            format!(
                "policies/{}/{}.json",
                folder(policy.account),
                file_name(&policy.name)
            ),
            policy.document.to_json(),
        );
    }
    for (_, role) in stack.roles() {
        files.insert(
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
            files.insert(
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
}

/// What [`Rendered::write_to`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written because they were new or their content changed.
    pub written: Vec<PathBuf>,
    /// Files left alone because their content was already the same.
    pub unchanged: Vec<PathBuf>,
}

impl Rendered {
    /// The files, relative path to content.
    #[must_use]
    pub fn files(&self) -> &BTreeMap<String, String> {
        &self.files
    }

    /// One file's content.
    #[must_use]
    pub fn file(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Writes the files below `dir`, each through a temporary file and a rename so that no reader sees half a
    /// file, and only those whose content changed, so that build scripts do not trigger rebuild loops.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<WriteReport> {
        let mut report = WriteReport::default();
        for (relative, content) in &self.files {
            let path = dir.join(relative);
            if std::fs::read(&path).is_ok_and(|old| old == content.as_bytes()) {
                report.unchanged.push(path);
                continue;
            }
            let parent = path.parent().unwrap_or(dir);
            std::fs::create_dir_all(parent)?;
            let mut temp = tempfile_in(parent)?;
            temp.1.write_all(content.as_bytes())?;
            temp.1.sync_all()?;
            drop(temp.1);
            std::fs::rename(&temp.0, &path)?;
            report.written.push(path);
        }
        Ok(report)
    }
}

/// A new file next to where the output goes (a rename within one directory is atomic).
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    for attempt in 0..100u32 {
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
    Err(std::io::Error::other("could not create a temporary file"))
}

/// A name for each account, unique in the stack: its name in snake case, with the id when two names clash.
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
            let name = escape::snake_name(&account.name);
            if RESERVED.contains(&name.as_str()) {
                format!("{name}_account")
            } else {
                name
            }
        })
        .collect();
    stack
        .accounts()
        .zip(&names)
        .map(|((_, account), name)| {
            if names.iter().filter(|other| *other == name).count() > 1 {
                format!("{name}_{}", account.id)
            } else {
                name.clone()
            }
        })
        .collect()
}
