//! Generating files from a build script (`build.rs`): the stack is declared in Rust, and the Terraform,
//! CloudFormation, policy files and diagram are written where the build wants them, deterministically, and only
//! when their content changes, so a build script never triggers a rebuild loop.

use std::path::{Path, PathBuf};

use iamgen_runtime::lint::{self, Options};
use iamgen_runtime::render::{RenderError, Renderer, Target, WriteReport};
use iamgen_runtime::stack::Stack;
use iamgen_runtime::{Diagnostic, Severity};

/// Why generation stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// The stack has error-severity findings; nothing was written.
    #[error("the stack has {} error(s): {}", .0.len(), .0.iter().map(|(subject, finding)| format!("{subject}: {} [{}]", finding.message, finding.code)).collect::<Vec<_>>().join("; "))]
    Lint(Vec<(String, Diagnostic)>),
    /// Rendering failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// A file could not be written.
    #[error("cannot write below {path}: {error}")]
    Write {
        /// The output directory.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
    /// No output directory was given and `OUT_DIR` is not set (not running in a build script).
    #[error(
        "no output directory: call `out_dir`, or run from a build script where `OUT_DIR` is set"
    )]
    NoOutDir,
}

/// Generates files for a stack; see the [module documentation](self).
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let stack = iamgen::stack::Stack::reference_scenario();
///     iamgen::build_script::Generate::new(&stack).run()?; // into $OUT_DIR/iamgen
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct Generate<'s> {
    stack: &'s Stack,
    targets: Vec<Target>,
    out_dir: Option<PathBuf>,
    templates: Option<PathBuf>,
}

impl<'s> Generate<'s> {
    /// Every target, into `$OUT_DIR/iamgen`, with the embedded templates.
    #[must_use]
    pub fn new(stack: &'s Stack) -> Self {
        Generate {
            stack,
            targets: Target::ALL.to_vec(),
            out_dir: None,
            templates: None,
        }
    }

    /// Only these targets.
    #[must_use]
    pub fn targets(mut self, targets: &[Target]) -> Self {
        self.targets = targets.to_vec();
        self
    }

    /// Write below `dir` instead of `$OUT_DIR/iamgen` (a folder of the crate, to review the files with the
    /// code, for instance).
    #[must_use]
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Templates from `dir` replace the embedded ones of the same name; cargo reruns the build script when
    /// they change.
    #[must_use]
    pub fn templates(mut self, dir: impl Into<PathBuf>) -> Self {
        self.templates = Some(dir.into());
        self
    }

    /// Lints the stack (errors stop generation), renders it and writes the files that changed.
    pub fn run(self) -> Result<WriteReport, GenerateError> {
        let errors: Vec<(String, Diagnostic)> = lint::lint_stack(self.stack, &Options::default())
            .into_iter()
            .filter(|finding| finding.finding.severity == Severity::Error)
            .map(|finding| (finding.subject, finding.finding))
            .collect();
        if !errors.is_empty() {
            return Err(GenerateError::Lint(errors));
        }
        let out = match self.out_dir {
            Some(dir) => dir,
            None => std::env::var_os("OUT_DIR")
                .map(|dir| Path::new(&dir).join("iamgen"))
                .ok_or(GenerateError::NoOutDir)?,
        };
        let rendered = match &self.templates {
            Some(dir) => {
                println!("cargo:rerun-if-changed={}", dir.display());
                Renderer::with_overrides(dir)?.render(self.stack, &self.targets)?
            }
            None => Renderer::embedded()?.render(self.stack, &self.targets)?,
        };
        for note in rendered.notes() {
            // Cargo shows a build script's warnings: what was not generated must not pass unseen.
            println!("cargo:warning=iamgen: {note}");
        }
        rendered
            .write_to(&out)
            .map_err(|error| GenerateError::Write { path: out, error })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_once_then_leaves_files_alone() {
        let stack = Stack::reference_scenario();
        let dir = tempfile::tempdir().unwrap();
        let first = Generate::new(&stack)
            .targets(&[Target::Terraform])
            .out_dir(dir.path())
            .run()
            .unwrap();
        assert!(!first.written.is_empty());
        let second = Generate::new(&stack)
            .targets(&[Target::Terraform])
            .out_dir(dir.path())
            .run()
            .unwrap();
        assert!(second.written.is_empty());
        assert_eq!(second.unchanged.len(), first.written.len());
    }

    #[test]
    fn a_stack_with_errors_writes_nothing() {
        let mut stack = Stack::reference_scenario();
        let policy = stack.policy_by_name("StuzioProjectXPolicy").unwrap();
        stack.policy_mut(policy).document = iamgen_runtime::PolicyDocument::from_json(
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}}"#,
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let error = Generate::new(&stack).out_dir(dir.path()).run().unwrap_err();
        assert!(
            matches!(&error, GenerateError::Lint(errors) if errors[0].1.code == "INVALID_ACTION"),
            "{error}"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        assert!(matches!(
            Generate::new(&stack).run(),
            Err(GenerateError::Lint(_))
        ));
    }
}
