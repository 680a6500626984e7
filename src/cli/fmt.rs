//! `iamgen fmt`: print, check or rewrite policies in canonical form.

use std::path::{Path, PathBuf};

use iamgen_runtime::json::{self, QuoteRole};
use iamgen_runtime::source::{LineIndex, Span};
use iamgen_runtime::{Diagnostic, PolicyDocument};

use super::exit;
use super::input::{self, Input};

/// Print policies in canonical form, check that they are, or rewrite them.
///
/// The canonical form is two-space indented JSON with the elements in IAM's documented order. Every value and
/// the shape of every element are kept: a lone string stays a string, a one-element array stays an array,
/// condition keys keep their order.
///
/// Typographic quotes where a string or a key must be delimited (`“s3:GetObject”`, as word processors and web
/// pages write them) are replaced with `"`, and a byte-order mark is removed, saying on standard error what
/// changed and on which lines. A typographic quote inside a string is the string's text and is left to you;
/// a file whose repair would take a guess (a string that nothing closes on its line), or that is still not a
/// policy once repaired, is left unchanged, with the errors located.
///
/// Exit status: 0 on success; 1 when `--check` finds a file not in canonical form; 2 when an input cannot be
/// read or is not a valid policy (the error says where and why).
#[derive(Debug, clap::Args)]
pub(crate) struct FmtArgs {
    /// Report files that are not in canonical form, with a diff, instead of printing them.
    #[arg(long, conflicts_with = "write")]
    check: bool,
    /// Rewrite files in place (atomically, and only those whose text changes).
    #[arg(long)]
    write: bool,
    /// How directories are walked.
    #[command(flatten)]
    walk: input::Walk,
    /// Policy files, directories (the policy files below them: `*.json` with a `Statement`, outside hidden
    /// folders and `node_modules`), or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

pub(crate) fn run(args: &FmtArgs) -> u8 {
    let (inputs, mut all_read) = input::collect(&args.paths, &args.walk, false);
    let color = input::color_stderr();
    let many = inputs.len() > 1;
    let mut unformatted = 0usize;
    for Input {
        origin, path, text, ..
    } in &inputs
    {
        let Some((document, repair)) = read(text, origin, color) else {
            all_read = false;
            continue;
        };
        let canonical = document.to_json();
        // What was repaired goes to stderr, which stays readable when stdout is the policy or the diff.
        let repaired = repair.as_ref().map(Repair::describe);
        if let (Some(repaired), false) = (&repaired, args.write && path.is_some()) {
            let mode = if args.check {
                "with --write"
            } else {
                "in the output"
            };
            eprintln!("{origin} ({mode}): {repaired}");
        }
        if args.check {
            if *canonical != **text {
                unformatted += 1;
                println!("{}", unified_diff(origin, text, &canonical));
            }
        } else if args.write {
            match path {
                Some(path) => match write_if_changed(path, &canonical) {
                    Ok(()) => {
                        if let Some(repaired) = &repaired {
                            eprintln!("{origin}: {repaired}");
                        }
                    }
                    Err(error) => {
                        eprintln!("error: cannot write `{origin}`: {error}");
                        all_read = false;
                    }
                },
                None => print!("{canonical}"),
            }
        } else {
            if many {
                println!("==> {origin} <==");
            }
            print!("{canonical}");
        }
    }
    if args.check && unformatted > 0 {
        eprintln!(
            "{unformatted} of {} file(s) not in canonical form; run `iamgen fmt --write` on them",
            inputs.len()
        );
    }
    if !all_read {
        exit::BAD_INPUT
    } else if unformatted > 0 {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// The policy of `text`, and the repair it took if it was not one as it stands; `None` once the errors are
/// printed to stderr (the caller changes nothing).
fn read(text: &str, origin: &str, color: bool) -> Option<(PolicyDocument, Option<Repair>)> {
    let error = match PolicyDocument::from_json(text) {
        Ok(document) => return Some((document, None)),
        Err(error) => error,
    };
    let Some(repair) = Repair::of(text) else {
        eprint!("{}", error.render(text, origin, color));
        let unclear = json::typographic_quotes(text)
            .into_iter()
            .find(|quote| quote.role == QuoteRole::Unclear);
        if let Some(quote) = unclear {
            eprintln!(
                "note: {origin}: left unchanged: the string opened at {origin}:{} has no end on its line, so \
                 replacing the typographic quotes would be a guess; close it by hand, then run `iamgen fmt \
                 --write` again",
                LineIndex::new(text).line_col(quote.span.start as usize)
            );
        }
        return None;
    };
    match PolicyDocument::from_json(&repair.text) {
        Ok(document) => Some((document, Some(repair))),
        Err(after) => {
            // The repair alone does not make a policy: show what else is wrong, where it is in the file as it
            // stands, so that the user fixes it there and the next run repairs the rest.
            let remaining: Vec<Diagnostic> = after
                .diagnostics()
                .iter()
                .map(|diagnostic| repair.locate_in_original(diagnostic))
                .collect();
            eprint!(
                "{}",
                iamgen_runtime::diagnostic::render(&remaining, text, origin, color)
            );
            eprintln!(
                "note: {origin}: left unchanged: the errors above remain after the repair `iamgen fmt --write` \
                 would make ({})",
                repair.describe()
            );
            None
        }
    }
}

/// A text with the typographic quotes that delimit its strings replaced by `"`, and its byte-order mark
/// removed: the two things editors and word processors do to JSON that have one fix only.
struct Repair {
    text: String,
    /// The offset of each replaced quote in the repaired text, in order.
    replaced: Vec<usize>,
    /// The distinct lines (1-based) of the replaced quotes, in order.
    lines: Vec<u32>,
    byte_order_mark: bool,
}

impl Repair {
    /// The repair of `text`, or `None` when there is nothing to repair or it would take a guess: a quote that
    /// opens a string nothing closes on its line (see `QuoteRole::Unclear`). A quote that is a string's text
    /// is left alone: it is the author's to change.
    fn of(text: &str) -> Option<Repair> {
        let byte_order_mark = text.starts_with('\u{FEFF}');
        let quotes = json::typographic_quotes(text);
        if quotes.iter().any(|quote| quote.role == QuoteRole::Unclear) {
            return None;
        }
        let delimiters: Vec<Span> = quotes
            .iter()
            .filter(|quote| quote.role == QuoteRole::Delimiter)
            .map(|quote| quote.span)
            .collect();
        if delimiters.is_empty() && !byte_order_mark {
            return None;
        }
        let skip = if byte_order_mark {
            '\u{FEFF}'.len_utf8()
        } else {
            0
        };
        let mut repaired = String::with_capacity(text.len());
        let mut replaced = Vec::with_capacity(delimiters.len());
        let mut from = skip;
        for span in &delimiters {
            repaired.push_str(&text[from..span.start as usize]);
            replaced.push(repaired.len());
            repaired.push('"');
            from = span.end as usize;
        }
        repaired.push_str(&text[from..]);
        let index = LineIndex::new(text);
        let mut lines: Vec<u32> = delimiters
            .iter()
            .map(|span| index.line_col(span.start as usize).line)
            .collect();
        lines.dedup();
        Some(Repair {
            text: repaired,
            replaced,
            lines,
            byte_order_mark,
        })
    }

    /// The offset in the original text of `offset` in the repaired one. Each replaced quote is one byte in
    /// the repaired text and three in the original; the byte-order mark, three at the start.
    fn original_offset(&self, offset: usize) -> usize {
        let before = self.replaced.partition_point(|&repaired| repaired < offset);
        let mark = if self.byte_order_mark {
            '\u{FEFF}'.len_utf8()
        } else {
            0
        };
        offset + mark + before * 2
    }

    fn locate_in_original(&self, diagnostic: &Diagnostic) -> Diagnostic {
        let span = |span: Span| {
            Span::new(
                self.original_offset(span.start as usize),
                self.original_offset(span.end as usize),
            )
        };
        let mut located = diagnostic.clone();
        located.span = span(diagnostic.span);
        for (label, _) in &mut located.labels {
            *label = span(*label);
        }
        located
    }

    /// What the repair does, for stderr: `3 typographic quotes replaced with `"` (lines 2, 4-6) and the
    /// byte-order mark removed`.
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.replaced.is_empty() {
            let count = self.replaced.len();
            parts.push(format!(
                "{count} typographic quote{} replaced with `\"` (line{} {})",
                if count == 1 { "" } else { "s" },
                if self.lines.len() == 1 { "" } else { "s" },
                line_ranges(&self.lines)
            ));
        }
        if self.byte_order_mark {
            parts.push("the byte-order mark removed".to_owned());
        }
        parts.join(" and ")
    }
}

/// `2, 4-6, 9` for lines 2, 4, 5, 6, 9 (sorted, distinct).
fn line_ranges(lines: &[u32]) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for &line in lines {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == line => *end = line,
            _ => ranges.push((line, line)),
        }
    }
    ranges
        .iter()
        .map(|&(start, end)| {
            if start == end {
                start.to_string()
            } else {
                format!("{start}-{end}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn unified_diff(origin: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(origin, &format!("{origin} (canonical)"))
        .to_string()
}

/// Replaces `path` with `content` through a temporary file in the same directory, so that a reader never sees
/// a half-written policy; leaves the file (and its modification time) alone when nothing changes.
fn write_if_changed(path: &Path, content: &str) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
        return Ok(());
    }
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut temp, content.as_bytes())?;
    if let Ok(metadata) = std::fs::metadata(path) {
        temp.as_file().set_permissions(metadata.permissions())?;
    }
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}
