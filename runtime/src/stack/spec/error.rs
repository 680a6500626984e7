//! Why a spec cannot be read: every problem, located in the spec or in the policy file it names.

use std::fmt;
use std::path::PathBuf;

use crate::codes;
use crate::diagnostic::{self, Diagnostic};
use crate::source::{LineCol, LineIndex, Span};

/// Why a spec cannot be read: every problem found, each located in the spec, in source order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    diagnostics: Vec<Diagnostic>,
    positions: Vec<LineCol>,
    files: Vec<PolicyFileError>,
}

/// A policy file named by a spec (`file = "policies/x.json"`) that is not a policy, with its problems located
/// in that file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFileError {
    /// The file, as the spec's directory and the spec's `file` joined.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// What is wrong with it, with spans into `text`.
    pub diagnostics: Vec<Diagnostic>,
}

impl SpecError {
    pub(super) fn new(
        source: &str,
        mut diagnostics: Vec<Diagnostic>,
        files: Vec<PolicyFileError>,
    ) -> Self {
        if diagnostics.is_empty() {
            // Keeps the accessors total: an error always has a first problem.
            diagnostics.push(Diagnostic::error(
                codes::SPEC_ERROR.name,
                "the spec cannot be read",
                Span::default(),
                None,
            ));
        }
        diagnostics.sort_by_key(|diagnostic| (diagnostic.span.start, diagnostic.span.end));
        let index = LineIndex::new(source);
        let positions = diagnostics
            .iter()
            .map(|diagnostic| index.line_col(diagnostic.span.start as usize))
            .collect();
        SpecError {
            diagnostics,
            positions,
            files,
        }
    }

    /// The problems, in source order; never empty. Spans are byte offsets into the spec's text.
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Where each problem starts, parallel to [`SpecError::diagnostics`].
    #[must_use]
    pub fn positions(&self) -> &[LineCol] {
        &self.positions
    }

    /// The policy files named by the spec that are not policies, with their own located problems.
    #[must_use]
    pub fn files(&self) -> &[PolicyFileError] {
        &self.files
    }

    /// The first problem's code: `UNKNOWN_ACCOUNT`, `INVALID_ACCOUNT_ID`, `UNKNOWN_KEY`...
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.diagnostics
            .first()
            .map_or(codes::SPEC_ERROR.name, |d| d.code)
    }

    /// The first problem's message.
    #[must_use]
    pub fn message(&self) -> &str {
        self.diagnostics.first().map_or("", |d| d.message.as_str())
    }

    /// What to do about the first problem.
    #[must_use]
    pub fn help(&self) -> Option<&str> {
        self.diagnostics.first().and_then(|d| d.help.as_deref())
    }

    /// The first problem's bytes in the spec.
    #[must_use]
    pub fn span(&self) -> Span {
        self.diagnostics.first().map_or(Span::default(), |d| d.span)
    }

    /// Where the first problem starts in the spec.
    #[must_use]
    pub fn position(&self) -> LineCol {
        self.positions
            .first()
            .copied()
            .unwrap_or(LineCol { line: 1, column: 1 })
    }

    /// Renders every problem like rustc: `origin:line:column`, the line of the spec and a caret under the
    /// offending text, then the help. `source` is the spec's text and `origin` its path. Problems inside policy
    /// files follow, located in those files.
    #[must_use]
    pub fn render(&self, source: &str, origin: &str) -> String {
        let mut out = diagnostic::render(&self.diagnostics, source, origin, false);
        for file in &self.files {
            out.push_str(&diagnostic::render(
                &file.diagnostics,
                &file.text,
                &file.path.display().to_string(),
                false,
            ));
        }
        out
    }
}

impl fmt::Display for SpecError {
    /// `line:column: message [CODE]` of the first problem, and how many more there are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} [{}]",
            self.position(),
            self.message(),
            self.code()
        )?;
        if let Some(help) = self.help() {
            write!(f, " ({help})")?;
        }
        if self.diagnostics.len() > 1 {
            write!(f, " (and {} more)", self.diagnostics.len() - 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}
