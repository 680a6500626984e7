//! Findings about a policy text, located in the source, and their rustc-style rendering.

use std::fmt;
use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::source::{LineCol, LineIndex, Span};

/// How serious a [`Diagnostic`] is, with IAM Access Analyzer's four finding types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// IAM would reject the policy, or it cannot mean what it says.
    Error,
    /// The policy grants more than it probably should.
    SecurityWarning,
    /// The policy works, but not as well as it could or not as its author probably meant.
    Warning,
    /// A tidier way to say the same thing.
    Suggestion,
}

impl Severity {
    /// The name used in machine-readable output: `error`, `security_warning`, `warning`, `suggestion`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning => "security_warning",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding: what is wrong, where, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// An IAM Access Analyzer issue code where one exists (`INVALID_EFFECT`), otherwise one of ours in the same
    /// style (`DUPLICATE_KEY`).
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in rustc style: lowercase, no final period, code in backticks.
    pub message: String,
    /// The offending bytes of the source.
    pub span: Span,
    /// The JSON Pointer of the offending node (`/Statement/0/Effect`), empty for the whole document, `None`
    /// where the text is not JSON at all.
    pub pointer: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// A replacement for the offending value, when there is a single likely one (the did-you-mean).
    pub suggestion: Option<String>,
    /// Other places worth showing, each with a short label (where a duplicate key first appeared, where an
    /// unclosed object opened).
    pub labels: Vec<(Span, String)>,
}

impl Diagnostic {
    /// An error-severity diagnostic without help or suggestion.
    #[must_use]
    pub fn error(
        code: &'static str,
        message: impl Into<String>,
        span: Span,
        pointer: Option<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            pointer,
            help: None,
            suggestion: None,
            labels: Vec::new(),
        }
    }

    /// Adds a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a suggested replacement, and a help line naming it unless one is set already.
    #[must_use]
    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        let suggestion = suggestion.into();
        if self.help.is_none() {
            self.help = Some(format!("did you mean `{suggestion}`?"));
        }
        self.suggestion = Some(suggestion);
        self
    }

    /// Where the diagnostic starts in `source`.
    #[must_use]
    pub fn line_col(&self, source: &str) -> LineCol {
        crate::source::line_col(source, self.span.start as usize)
    }
}

/// Renders diagnostics like rustc: the message, `origin:line:column`, the source line with a caret under the
/// offending text, and the help line. `origin` is usually a file path, or `<stdin>`.
#[must_use]
pub fn render(diagnostics: &[Diagnostic], source: &str, origin: &str, color: bool) -> String {
    Prepared::new(source).render(diagnostics, origin, color)
}

/// A source read once for rendering diagnostics against it many times: the policies of one template (or one
/// spec of 10,000 roles) are rendered one by one against the same long text, which [`render`] would read again
/// for each.
#[derive(Debug)]
pub struct Prepared<'s> {
    source: &'s str,
    index: LineIndex<'s>,
    lines: Lines,
}

impl<'s> Prepared<'s> {
    /// Reads `source`'s lines.
    #[must_use]
    pub fn new(source: &'s str) -> Self {
        Prepared {
            source,
            index: LineIndex::new(source),
            lines: Lines::new(source),
        }
    }

    /// The 1-based line and column of byte `offset`.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> LineCol {
        self.index.line_col(offset)
    }

    /// [`render`], against the prepared source.
    #[must_use]
    pub fn render(&self, diagnostics: &[Diagnostic], origin: &str, color: bool) -> String {
        let source = self.source;
        let index = &self.index;
        let lines = &self.lines;
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = String::new();
        let mut location = String::new();
        for diagnostic in diagnostics {
            let level = match diagnostic.severity {
                Severity::Error => Level::ERROR,
                Severity::SecurityWarning => Level::WARNING.with_name("security warning"),
                Severity::Warning => Level::WARNING,
                Severity::Suggestion => Level::NOTE.with_name("suggestion"),
            };
            let at = index.line_col(diagnostic.span.start as usize);
            let title = format!("{} [{}]", diagnostic.message, diagnostic.code);
            let primary = diagnostic.span.displayable_in(source);
            let labels: Vec<_> = diagnostic
                .labels
                .iter()
                .map(|(span, label)| (span.displayable_in(source), label))
                .collect();
            // The renderer reads the whole text it is given, line by line, for every report: given the whole
            // source, rendering grew with findings × lines. It gets only the lines the spans touch, numbered as
            // in the source.
            let (excerpt, first_line) =
                lines.excerpt(labels.iter().fold(primary.clone(), |all, (span, _)| {
                    all.start.min(span.start)..all.end.max(span.end)
                }));
            let shift = |span: &std::ops::Range<usize>| {
                span.start - excerpt.start..span.end - excerpt.start
            };
            let mut snippet = Snippet::source(&source[excerpt.clone()])
                .line_start(first_line)
                .path(origin)
                .fold(true)
                .annotation(AnnotationKind::Primary.span(shift(&primary)));
            for (span, label) in &labels {
                snippet =
                    snippet.annotation(AnnotationKind::Context.span(shift(span)).label(*label));
            }
            let mut report = vec![level.primary_title(&title).element(snippet)];
            if let Some(help) = &diagnostic.help {
                report.push(Group::with_title(Level::HELP.secondary_title(help)));
            }
            let shown = renderer.render(&report);
            out.push_str(&shown);
            // The renderer names the line only in its header, and for a position after the last line it names
            // the last line; scripts grep each finding's output for `path:line:column`.
            location.clear();
            let _ = write!(location, "{origin}:{at}");
            if !shown.contains(&location) {
                let _ = write!(out, "\n  at {location}");
            }
            out.push_str("\n\n");
        }
        out
    }
}

/// The lines of a source as annotate-snippets splits them: after each `\n`, with no empty line after a final
/// `\n`, and one empty line for an empty source.
#[derive(Debug)]
struct Lines {
    /// The byte offset of each line's start, then the source's length.
    bounds: Vec<usize>,
}

impl Lines {
    fn new(source: &str) -> Lines {
        let mut bounds: Vec<usize> = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        if bounds.len() > 1 && bounds.last() == Some(&source.len()) {
            bounds.pop();
        }
        bounds.push(source.len());
        Lines { bounds }
    }

    /// The 0-based line that holds `offset` as the renderer finds it: the line whose bytes, line ending
    /// included, contain it, or the last line.
    fn line_of(&self, offset: usize) -> usize {
        let lines = self.bounds.len() - 1;
        self.bounds[..lines]
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// The whole lines that hold `span`'s start and end as the renderer finds them (the end's line included
    /// when the end is where a line starts, as the renderer shows it), and the 1-based number of the first.
    /// Cut there, the text has the same lines for the renderer: a line is split at `\n` alone, and the `\r`
    /// of a `\r\n` is on the same side.
    fn excerpt(&self, span: std::ops::Range<usize>) -> (std::ops::Range<usize>, usize) {
        let first = self.line_of(span.start);
        let last = self.line_of(span.end);
        (self.bounds[first]..self.bounds[last + 1], first + 1)
    }
}
