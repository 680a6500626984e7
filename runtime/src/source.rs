//! Positions in source text: byte spans, and their translation to 1-based line and column.

use std::fmt;

/// A byte range `start..end` into a source text.
///
/// Offsets are `u32` to keep parsed trees small; the reader refuses sources over 4 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// The span `start..end`.
    #[must_use]
    pub const fn new(start: usize, end: usize) -> Self {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// The span as a `Range<usize>`, for slicing and for diagnostics renderers.
    #[must_use]
    pub const fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A 1-based line and column; the column counts characters, not bytes, as editors and rustc do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineCol {
    /// Line number, starting at 1.
    pub line: u32,
    /// Column number in characters, starting at 1.
    pub column: u32,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The line and column of byte `offset` in `source`.
///
/// An offset past the end, or inside a multi-byte character, is clamped to the nearest character boundary
/// before it, so the answer is always a real position.
#[must_use]
pub fn line_col(source: &str, offset: usize) -> LineCol {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    LineCol {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    }
}

/// Maps many offsets of one source to lines and columns without rescanning it each time.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `source`.
    #[must_use]
    pub fn new(source: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        LineIndex {
            source,
            line_starts,
        }
    }

    /// The line and column of byte `offset`, clamped as [`line_col`] does.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line - 1];
        let column = self.source[line_start..offset].chars().count() + 1;
        LineCol {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let source = "ab\n“c”\n";
        assert_eq!(line_col(source, 0), LineCol { line: 1, column: 1 });
        assert_eq!(line_col(source, 3), LineCol { line: 2, column: 1 });
        // `c` follows a three-byte curly quote: byte 6, character column 2.
        assert_eq!(line_col(source, 6), LineCol { line: 2, column: 2 });
        // Inside the quote's bytes clamps back to its start.
        assert_eq!(line_col(source, 4), LineCol { line: 2, column: 1 });
        assert_eq!(line_col(source, 999), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let source = "{\n  \"a\": “x”,\n\n  \"b\": 1\n}";
        let index = LineIndex::new(source);
        for offset in 0..=source.len() + 2 {
            assert_eq!(
                index.line_col(offset),
                line_col(source, offset),
                "offset {offset}"
            );
        }
    }
}
