//! Policies written as text inside a template (a heredoc, a quoted JSON string, a `!Sub` body, a file read
//! with `file()`): the text as the template decodes it, each byte's place in the file, and the values only
//! deploy time knows, marked so that the JSON reader carries them through.

use std::ops::Range;

use iamgen_runtime::json::{self, Node as JsonNode, Value as JsonValue};

use super::tree::{At, Entry, Node, Piece, Unknown, Value};

/// A decoded text being built: literal parts and unknowns, with the file offsets of the literal bytes.
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    pub(crate) text: String,
    /// `(offset in text, offset in the file)`: each run one to one up to the next.
    runs: Vec<(usize, usize)>,
    /// Text offsets where runs stop mapping (a marker, or text whose place is not known).
    gaps: Vec<usize>,
    /// The markers standing for unknowns, and whether each was written outside a JSON string (a whole value).
    unknowns: Vec<(Unknown, bool)>,
    /// Whether the text so far ends inside a JSON string.
    in_string: bool,
    /// Whether the text is a plain string rather than JSON (every unknown is part of it).
    plain_string: bool,
    escaped: bool,
    /// Where the whole text is, for errors that cannot be placed closer.
    pub(crate) at: At,
}

/// The marker of unknown `index`: plain ASCII, so that the JSON reader keeps it inside a string.
fn marker(index: usize) -> String {
    format!("IAMGENUNKNOWN{index}X")
}

impl Decoded {
    pub(crate) fn new(at: At) -> Self {
        Decoded {
            at,
            ..Decoded::default()
        }
    }

    /// A plain string (not JSON) read from `at`.
    pub(crate) fn string(at: At) -> Self {
        Decoded {
            at,
            in_string: true,
            plain_string: true,
            ..Decoded::default()
        }
    }

    /// The pieces of a plain string.
    pub(crate) fn string_pieces(&self) -> Vec<Piece> {
        self.pieces(&self.text, 0..self.text.len())
    }

    /// Appends `text`, whose bytes are the file's from `raw_at` on as `raw` spells them (escapes, indents),
    /// or have no place of their own when `raw` is `None`.
    pub(crate) fn literal(&mut self, text: &str, raw: Option<(&str, usize)>) {
        let base = self.text.len();
        match raw {
            Some((raw, raw_at)) => {
                for (from, at) in align(raw, raw_at, text) {
                    self.runs.push((base + from, at));
                }
            }
            None => self.gaps.push(base),
        }
        self.track_quotes(text);
        self.text.push_str(text);
    }

    /// Appends `text` whose file offsets are the given runs (relative to its start).
    pub(crate) fn literal_runs(&mut self, text: &str, runs: &[(usize, usize)]) {
        let base = self.text.len();
        if runs.first().is_none_or(|(from, _)| *from != 0) {
            self.gaps.push(base);
        }
        for (from, at) in runs {
            self.runs.push((base + from, *at));
        }
        self.track_quotes(text);
        self.text.push_str(text);
    }

    fn track_quotes(&mut self, text: &str) {
        for ch in text.chars() {
            if self.plain_string {
                break;
            }
            if self.escaped {
                self.escaped = false;
            } else if ch == '\\' && self.in_string {
                self.escaped = true;
            } else if ch == '"' {
                self.in_string = !self.in_string;
            }
        }
    }

    /// Appends an unknown.
    pub(crate) fn unknown(&mut self, unknown: Unknown) {
        let whole = !self.in_string;
        let marker = marker(self.unknowns.len());
        self.gaps.push(self.text.len());
        if whole {
            self.text.push('"');
            self.text.push_str(&marker);
            self.text.push('"');
        } else {
            self.text.push_str(&marker);
        }
        self.unknowns.push((unknown, whole));
    }

    /// The file offset of text byte `offset`, when it has one.
    pub(crate) fn file_offset(&self, offset: usize) -> Option<usize> {
        let run = self.runs.iter().rev().find(|(from, _)| *from <= offset)?;
        if self
            .gaps
            .iter()
            .any(|gap| run.0 <= *gap && *gap <= offset && *gap != run.0)
        {
            return None;
        }
        Some(run.1 + (offset - run.0))
    }

    /// The runs of text bytes `range`, relative to its start.
    fn runs_of(&self, range: Range<usize>) -> Vec<(usize, usize)> {
        let mut runs = Vec::new();
        if let Some(at) = self.file_offset(range.start) {
            runs.push((0, at));
        }
        for (from, at) in &self.runs {
            if range.start < *from && *from < range.end {
                runs.push((from - range.start, *at));
            }
        }
        runs
    }

    /// The text with each marker replaced by a plain stand-in, for the reader's errors when it is not JSON.
    pub(crate) fn plain(&self) -> String {
        self.text.clone()
    }

    /// Reads the text as JSON into a tree, the markers back to unknowns; `None` when it is not JSON.
    pub(crate) fn tree(&self) -> Option<Node> {
        let parsed = json::parse(&self.text).ok()?;
        Some(self.node(&parsed))
    }

    fn at(&self, span: iamgen_runtime::source::Span) -> At {
        let start = self
            .file_offset(span.start as usize)
            .unwrap_or(self.at.start);
        let end = (span.end as usize)
            .checked_sub(1)
            .and_then(|last| self.file_offset(last))
            .map_or(start, |last| last + 1)
            .max(start);
        start..end
    }

    fn node(&self, node: &JsonNode<'_>) -> Node {
        let at = self.at(node.span);
        let value = match &node.value {
            JsonValue::Null => Value::Null,
            JsonValue::Bool(value) => Value::Bool(*value),
            JsonValue::Number(number) => Value::Number((*number).to_owned()),
            JsonValue::String(text) => {
                let inner = node.span.start as usize + 1..node.span.end as usize - 1;
                match self.whole_unknown(text) {
                    Some(unknown) => Value::Unknown(unknown),
                    None => Value::Text(self.pieces(text, inner)),
                }
            }
            JsonValue::Array(items) => {
                Value::List(items.iter().map(|item| self.node(item)).collect())
            }
            JsonValue::Object(members) => Value::Map(
                members
                    .iter()
                    .map(|member| {
                        let inner =
                            member.key_span.start as usize + 1..member.key_span.end as usize - 1;
                        Entry {
                            key: self.pieces(&member.key, inner),
                            key_at: self.at(member.key_span),
                            value: self.node(&member.value),
                        }
                    })
                    .collect(),
            ),
        };
        Node { at, value }
    }

    fn whole_unknown(&self, text: &str) -> Option<Unknown> {
        let index: usize = text
            .strip_prefix("IAMGENUNKNOWN")?
            .strip_suffix('X')?
            .parse()
            .ok()?;
        let (unknown, whole) = self.unknowns.get(index)?;
        whole.then(|| unknown.clone())
    }

    /// A decoded JSON string cut at its markers; `inner` is where its raw text is in `self.text`, used for
    /// exact places only when the string held no escape.
    fn pieces(&self, text: &str, inner: Range<usize>) -> Vec<Piece> {
        let exact = self.text.get(inner.clone()) == Some(text);
        let mut pieces = Vec::new();
        let mut rest = text;
        let mut offset = 0;
        while let Some(start) = rest.find("IAMGENUNKNOWN") {
            let after = &rest[start + "IAMGENUNKNOWN".len()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let index = after[..digits].parse::<usize>().ok();
            match (index, after[digits..].starts_with('X')) {
                (Some(index), true) if index < self.unknowns.len() => {
                    if start > 0 {
                        pieces.push(self.piece(&rest[..start], exact, inner.start + offset));
                    }
                    pieces.push(Piece::Unknown(self.unknowns[index].0.clone()));
                    let used = start + "IAMGENUNKNOWN".len() + digits + 1;
                    rest = &rest[used..];
                    offset += used;
                }
                _ => break,
            }
        }
        if !rest.is_empty() || pieces.is_empty() {
            pieces.push(self.piece(rest, exact, inner.start + offset));
        }
        pieces
    }

    fn piece(&self, text: &str, exact: bool, start: usize) -> Piece {
        Piece::Literal {
            text: text.to_owned(),
            runs: if exact {
                self.runs_of(start..start + text.len())
            } else {
                Vec::new()
            },
        }
    }
}

/// Runs `(offset in decoded, offset in the file)` that map `decoded` onto `raw` (which starts at `raw_at`):
/// the bytes equal in both one to one; what `raw` has more (escape characters, stripped indents) skipped.
pub(crate) fn align(raw: &str, raw_at: usize, decoded: &str) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let raw_bytes = raw.as_bytes();
    let mut i = 0;
    let mut last_end: Option<(usize, usize)> = None;
    for (j, ch) in decoded.char_indices() {
        let mut buffer = [0; 4];
        let wanted = ch.encode_utf8(&mut buffer).as_bytes();
        // Escapes spell one character with several: skip the backslash and what it names.
        if raw_bytes.get(i) == Some(&b'\\') && !raw_bytes[i..].starts_with(wanted) {
            i += match raw_bytes.get(i + 1) {
                Some(b'u') => 6,
                Some(b'U') => 10,
                _ => 2,
            };
            last_end = None;
            continue;
        }
        let mut skipped = 0;
        while i < raw.len() && !raw_bytes[i..].starts_with(wanted) && skipped < 256 {
            i += 1;
            skipped += 1;
        }
        if i >= raw.len() || !raw_bytes[i..].starts_with(wanted) {
            break;
        }
        if last_end != Some((i, j)) {
            runs.push((j, raw_at + i));
        }
        i += wanted.len();
        last_end = Some((i, j + wanted.len()));
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn align_skips_escapes_and_indents() {
        assert_eq!(align("abc", 10, "abc"), vec![(0, 10)]);
        // The escaped quote has no byte of its own: the run after it starts at `b`.
        assert_eq!(align(r#"a\"b"#, 0, "a\"b"), vec![(0, 0), (2, 3)]);
        assert_eq!(align("  a\n  b", 0, "a\nb"), vec![(0, 2), (2, 6)]);
    }
}
