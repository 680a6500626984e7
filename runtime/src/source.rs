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
    /// The span as a renderer can show it in `source`: on character boundaries, and at least one character
    /// wide unless at the end (an empty span at a missing value still points at something).
    #[must_use]
    pub fn displayable_in(self, source: &str) -> std::ops::Range<usize> {
        let mut start = (self.start as usize).min(source.len());
        while !source.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (self.end as usize).clamp(start, source.len());
        while !source.is_char_boundary(end) {
            end += 1;
        }
        if end == start {
            end = source[start..]
                .chars()
                .next()
                .map_or(start, |ch| start + ch.len_utf8());
        }
        start..end
    }

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

/// The most bytes iamgen reads as one policy document (1 MiB). IAM's largest policy quotas are tens of
/// kilobytes (a KMS key policy: 32 KiB; a bucket policy: 20 KiB), whitespace included far below this: a larger
/// file is not a policy, and reading it whole (`/dev/zero`, a log file) would only exhaust memory.
pub const MAX_POLICY_BYTES: u64 = 1 << 20;

/// The most bytes iamgen reads as one stack spec or template (256 MiB). A spec of 100,000 roles, each with its
/// trust and a managed policy written inline, is about 85 MB, and the generator is measured to that size
/// (BENCHMARKS.md); the limit is there so that a file that is no spec (`/dev/zero`) cannot exhaust memory.
pub const MAX_SPEC_BYTES: u64 = 256 << 20;

/// Why an input file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The path names a device, a socket or a directory, which iamgen does not read as a document.
    #[error("`{path}` is not a regular file but {kind}; name a file (or `-` for standard input)")]
    NotAFile {
        /// The path as given.
        path: String,
        /// What it is (`a character device` ...).
        kind: &'static str,
    },
    /// The input is longer than the limit for what it should hold.
    #[error(
        "`{path}` is larger than {} ({limit} bytes), the most iamgen reads as {what}; is it the right file?",
        human_bytes(*limit)
    )]
    TooLarge {
        /// The path as given (`<stdin>` for standard input).
        path: String,
        /// The limit, in bytes.
        limit: u64,
        /// What the input should be (`a policy`, `a spec`).
        what: &'static str,
    },
    /// The operating system refused the read.
    #[error("cannot read `{path}`: {error}")]
    Io {
        /// The path as given.
        path: String,
        /// The error.
        error: std::io::Error,
    },
}

fn human_bytes(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes % (1 << 20) == 0 {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes % (1 << 10) == 0 {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// The bytes of the file at `path`, at most `limit` of them: a path that is not a regular file (a device such
/// as `/dev/zero`, a socket, a directory) is refused before anything is read, except a pipe (`<(...)`, a FIFO),
/// which is read up to the limit. `what` names the expected content in the error (`a policy`).
pub fn read_file_limited(
    path: &std::path::Path,
    limit: u64,
    what: &'static str,
) -> Result<Vec<u8>, ReadError> {
    let shown = || path.display().to_string();
    let io = |error| ReadError::Io {
        path: shown(),
        error,
    };
    let metadata = std::fs::metadata(path).map_err(io)?;
    let file_type = metadata.file_type();
    if !file_type.is_file() && !is_fifo(file_type) {
        return Err(ReadError::NotAFile {
            path: shown(),
            kind: describe_file_type(file_type),
        });
    }
    if file_type.is_file() && metadata.len() > limit {
        return Err(ReadError::TooLarge {
            path: shown(),
            limit,
            what,
        });
    }
    let file = std::fs::File::open(path).map_err(io)?;
    read_limited(file, &shown(), limit, what)
}

/// At most `limit` bytes of `reader` (standard input, a pipe), or [`ReadError::TooLarge`] if it holds more.
pub fn read_limited(
    reader: impl std::io::Read,
    origin: &str,
    limit: u64,
    what: &'static str,
) -> Result<Vec<u8>, ReadError> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    // One byte past the limit tells a stream that is exactly at the limit from one that goes on.
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| ReadError::Io {
            path: origin.to_owned(),
            error,
        })?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: origin.to_owned(),
            limit,
            what,
        });
    }
    Ok(bytes)
}

#[cfg(unix)]
fn is_fifo(file_type: std::fs::FileType) -> bool {
    std::os::unix::fs::FileTypeExt::is_fifo(&file_type)
}

#[cfg(not(unix))]
fn is_fifo(_: std::fs::FileType) -> bool {
    false
}

fn describe_file_type(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a file"
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
    fn endless_inputs_are_refused_at_the_limit() {
        // Before: `validate /dev/zero` and `file = "/dev/zero"` read until memory ran out.
        let error = read_limited(std::io::repeat(0), "<stdin>", 1024, "a policy").unwrap_err();
        assert!(
            matches!(error, ReadError::TooLarge { limit: 1024, .. }),
            "{error}"
        );
        assert_eq!(
            read_limited(&[b'x'; 1024][..], "<stdin>", 1024, "a policy")
                .unwrap()
                .len(),
            1024
        );
        if std::path::Path::new("/dev/zero").exists() {
            let error = read_file_limited(
                std::path::Path::new("/dev/zero"),
                MAX_POLICY_BYTES,
                "a policy",
            )
            .unwrap_err();
            assert!(
                matches!(
                    error,
                    ReadError::NotAFile {
                        kind: "a character device",
                        ..
                    }
                ),
                "{error}"
            );
            assert!(
                error.to_string().contains("is not a regular file"),
                "{error}"
            );
        }
        let dir = std::env::temp_dir().join(format!("iamgen-source-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let error = read_file_limited(&dir, MAX_POLICY_BYTES, "a policy").unwrap_err();
        assert!(
            matches!(
                error,
                ReadError::NotAFile {
                    kind: "a directory",
                    ..
                }
            ),
            "{error}"
        );
        let big = dir.join("big.json");
        std::fs::write(&big, vec![b' '; (MAX_POLICY_BYTES + 1) as usize]).unwrap();
        let error = read_file_limited(&big, MAX_POLICY_BYTES, "a policy").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("larger than 1 MiB (1048576 bytes)"),
            "{error}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

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
