//! `diagnostic::render` gives each finding only the lines of the source it shows (the renderer used to be given
//! the whole text for every finding, which made `iamgen validate`'s human output quadratic in findings). The
//! output must be what rendering against the whole text gives: compared here, byte for byte, with the renderer
//! as it was, on every span of tricky texts and on the linter's findings over a long policy.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use iamgen_runtime::diagnostic::{Diagnostic, Severity, render};
use iamgen_runtime::lint::{self, Options};
use iamgen_runtime::source::{LineIndex, Span};

/// The renderer before the change (commit 8edfd1d), verbatim (its span clamping now `Span::displayable_in`) but
/// for the last step: the whole source for every
/// finding, and the `at` line added when the finding's own rendering does not name its position.
fn reference(diagnostics: &[Diagnostic], source: &str, origin: &str, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let index = LineIndex::new(source);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            Severity::SecurityWarning => Level::WARNING.with_name("security warning"),
            Severity::Warning => Level::WARNING,
            Severity::Suggestion => Level::NOTE.with_name("suggestion"),
        };
        let at = index.line_col(diagnostic.span.start as usize);
        let title = format!("{} [{}]", diagnostic.message, diagnostic.code);
        let mut snippet = Snippet::source(source)
            .path(origin)
            .fold(true)
            .annotation(AnnotationKind::Primary.span(diagnostic.span.displayable_in(source)));
        for (span, label) in &diagnostic.labels {
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(span.displayable_in(source))
                    .label(label),
            );
        }
        let mut report = vec![level.primary_title(&title).element(snippet)];
        if let Some(help) = &diagnostic.help {
            report.push(Group::with_title(Level::HELP.secondary_title(help)));
        }
        let shown = renderer.render(&report);
        out.push_str(&shown);
        if !shown.contains(&format!("{origin}:{at}")) {
            let _ = write!(out, "\n  at {origin}:{at}");
        }
        out.push_str("\n\n");
    }
    out
}

fn finding(start: usize, end: usize, severity: Severity) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(
        "TEST_CODE",
        format!("span {start}..{end}"),
        Span::new(start, end),
        None,
    );
    diagnostic.severity = severity;
    diagnostic
}

/// Texts whose lines are hard to cut: CRLF, a lone CR, tabs, Latin-1 and wider characters, empty lines, no
/// final newline, a final newline, a final CRLF, nothing at all.
const TEXTS: &[&str] = &[
    "{\r\n\t\"Sid\": \"caf\u{e9}\",\r\n\r\n\t\"Effect\":\t\"Allow\"\r\n}",
    "{\n  \"A\": \"\u{ff}\u{e0}\u{df}\",\n\n\t\"B\": \"x\r\ny\",\n  \"C\": \"\u{201c}\u{1f600}\"\n}\n",
    "\n\n\tx\n\r\n",
    "one line, no newline: \u{e9}t\u{e9}",
    "\r\n",
    "",
];

const SEVERITIES: [Severity; 4] = [
    Severity::Error,
    Severity::SecurityWarning,
    Severity::Warning,
    Severity::Suggestion,
];

/// Asserts that `diagnostics` on `source` render as the reference renders them against the whole text;
/// `case` says which case failed.
fn assert_renders_as_reference(
    diagnostics: &[Diagnostic],
    source: &str,
    color: bool,
    case: impl Fn() -> String,
) {
    assert_eq!(
        render(diagnostics, source, "text.json", color),
        reference(diagnostics, source, "text.json", color),
        "{}",
        case()
    );
}

#[test]
fn every_span_renders_as_against_the_whole_text() {
    for (t, source) in TEXTS.iter().enumerate() {
        let len = source.len();
        // Every start and end, past the end and inside characters included.
        for start in 0..=len + 1 {
            for end in start..=len + 2 {
                let diagnostic = finding(start, end, SEVERITIES[(start + end) % 4]);
                let diagnostics = std::slice::from_ref(&diagnostic);
                assert_renders_as_reference(diagnostics, source, false, || {
                    format!("text {t}, span {start}..{end}")
                });
            }
        }
    }
}

#[test]
fn labels_before_and_after_the_primary_span_render_as_against_the_whole_text() {
    for (t, source) in TEXTS.iter().enumerate() {
        let len = source.len();
        for primary in 0..=len {
            for label in (0..=len).step_by(3) {
                let mut diagnostic =
                    finding(primary, primary + 2, Severity::Error).with_help("what to do about it");
                diagnostic
                    .labels
                    .push((Span::new(label, label + 4), "the other place".to_owned()));
                diagnostic.labels.push((
                    Span::new(len.saturating_sub(label), len),
                    "the end".to_owned(),
                ));
                let diagnostics = std::slice::from_ref(&diagnostic);
                for color in [false, true] {
                    assert_renders_as_reference(diagnostics, source, color, || {
                        format!("text {t}, primary at {primary}, label at {label}, color {color}")
                    });
                }
            }
        }
    }
}

#[test]
fn many_findings_in_one_text_render_as_against_the_whole_text() {
    for (t, source) in TEXTS.iter().enumerate() {
        // Several per line, one per character, at the start and at the very end, in one call.
        let diagnostics: Vec<Diagnostic> = (0..=source.len())
            .map(|at| finding(at, at + at % 5, SEVERITIES[at % 4]))
            .collect();
        assert_renders_as_reference(&diagnostics, source, false, || format!("text {t}"));
    }
}

/// A long policy as people write it (CRLF line endings, tabs, a Latin-1 `Sid`, statements over several
/// lines, several findings on one line), whose findings come from the linter.
fn long_policy(statements: usize) -> String {
    let mut text = String::from("{\r\n\t\"Version\": \"2012-10-17\",\r\n\t\"Statement\": [\r\n");
    for index in 0..statements {
        let separator = if index + 1 == statements { "" } else { "," };
        let _ = match index % 4 {
            0 => write!(
                text,
                "\t\t{{\"Sid\": \"R\u{e9}{index}\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b-{index}\"}}{separator}\r\n"
            ),
            1 => write!(
                text,
                "\t\t{{\r\n\t\t\t\"Effect\": \"Allow\",\r\n\t\t\t\"Action\": [\"iam:PassRole\", \"s3:GetObjekt\"],\r\n\t\t\t\"Resource\": \"*\"\r\n\t\t}}{separator}\r\n"
            ),
            2 => write!(
                text,
                "\t\t{{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\", \"Condition\": {{\"StringEquals\": {{\"aws:SourceIp\": \"192.0.2.1\", \"aws:SourceVpc\": \"*\"}}, \"DateLessThan\": {{\"aws:SecureTransport\": \"x\"}}}}}}{separator}\r\n"
            ),
            _ => write!(
                text,
                "\t\t{{\"Effect\": \"Allow\", \"NotAction\": \"s3:*\", \"NotResource\": \"*\"}}{separator}\r\n"
            ),
        };
    }
    text.push_str("\t]\r\n}");
    text
}

#[test]
fn the_linters_findings_on_a_long_policy_render_as_against_the_whole_text() {
    let source = long_policy(60);
    let report = lint::lint_source(&source, None, &Options::default());
    assert!(
        report.findings.len() >= 60,
        "the policy should give many findings, not {}",
        report.findings.len()
    );
    let lines_with_two = {
        let index = LineIndex::new(&source);
        let mut lines: Vec<u32> = report
            .findings
            .iter()
            .map(|f| index.line_col(f.span.start as usize).line)
            .collect();
        let all = lines.len();
        lines.dedup();
        all - lines.len()
    };
    assert!(lines_with_two > 0, "some line should have several findings");
    for color in [false, true] {
        assert_eq!(
            render(&report.findings, &source, "policy.json", color),
            reference(&report.findings, &source, "policy.json", color)
        );
    }
}

#[test]
fn a_finding_at_the_very_end_renders_as_against_the_whole_text() {
    // Unterminated: the reader's finding is at the end of the text, after its last line.
    for source in [
        long_policy(5).trim_end_matches('}').to_owned(),
        format!("{}\n", long_policy(3).trim_end_matches('}')),
    ] {
        let report = lint::lint_source(&source, None, &Options::default());
        assert!(!report.findings.is_empty());
        assert_eq!(
            render(&report.findings, &source, "policy.json", false),
            reference(&report.findings, &source, "policy.json", false)
        );
    }
}

#[test]
fn every_finding_past_the_last_line_names_its_position() {
    // The renderer's header names the last line for a position after the final newline, so each such finding
    // gets an `at` line; the second used to lose it, its position being found in the first one's output.
    let source = "{}\n";
    let diagnostics = [
        finding(3, 3, Severity::Error),
        finding(3, 3, Severity::Warning),
    ];
    let out = render(&diagnostics, source, "end.json", false);
    assert_eq!(out.matches("at end.json:2:1").count(), 2, "{out}");
}
