//! Reading the inputs named on the command line: files, directories (every `*.json` below, in sorted order),
//! and `-` for standard input.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use iamgen_runtime::source::{MAX_POLICY_BYTES, ReadError, read_file_limited, read_limited};

/// One input: where it came from and its text.
pub(crate) struct Input {
    /// The path as given (or found below a given directory); `<stdin>` for `-`.
    pub(crate) origin: String,
    /// The file to rewrite, if the input is a file.
    pub(crate) path: Option<PathBuf>,
    /// The text.
    pub(crate) text: String,
}

/// Expands the arguments into the files to read, reporting unreadable paths to stderr. Returns the inputs
/// and whether every argument could be read.
pub(crate) fn collect(paths: &[PathBuf]) -> (Vec<Input>, bool) {
    let mut inputs = Vec::new();
    let mut all_ok = true;
    for path in paths {
        if path.as_os_str() == "-" {
            let read = read_limited(
                std::io::stdin().lock(),
                "<stdin>",
                MAX_POLICY_BYTES,
                "a policy",
            );
            all_ok &= take(&mut inputs, "<stdin>".to_owned(), None, read);
            continue;
        }
        let files = if path.is_dir() {
            match json_files_below(path) {
                Ok(files) => files,
                Err(error) => {
                    eprintln!("error: cannot read directory `{}`: {error}", path.display());
                    all_ok = false;
                    continue;
                }
            }
        } else {
            vec![path.clone()]
        };
        for file in files {
            let read = read_file_limited(&file, MAX_POLICY_BYTES, "a policy");
            all_ok &= take(&mut inputs, file.display().to_string(), Some(file), read);
        }
    }
    (inputs, all_ok)
}

/// Adds what was read from `origin` as an input, or reports to stderr why it cannot be one (unreadable, too
/// large, not UTF-8). Returns whether it was added.
fn take(
    inputs: &mut Vec<Input>,
    origin: String,
    path: Option<PathBuf>,
    read: Result<Vec<u8>, ReadError>,
) -> bool {
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("error: {error}");
            return false;
        }
    };
    match decode(&origin, bytes) {
        Ok(text) => {
            inputs.push(Input { origin, path, text });
            true
        }
        Err(message) => {
            eprintln!("{message}");
            false
        }
    }
}

/// Every `*.json` file below `dir`, recursively, sorted so that output order does not depend on the file system.
fn json_files_below(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            // The entry's own type, not its target's: a symbolic link to a directory (`ln -s .. up`) is not
            // followed, so that a link cycle cannot make the walk endless.
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The text of a file, or an error naming the line and column of the first byte that is not UTF-8.
fn decode(origin: &str, bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        // Everything before `valid` is UTF-8, so the position can be computed on that prefix.
        let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        let at = iamgen_runtime::source::line_col(prefix, valid);
        let mut message = format!(
            "error: `{origin}` is not UTF-8: byte 0x{:02X} at {origin}:{at}",
            bytes[valid]
        );
        let _ = write!(
            message,
            "\n  help: save the file as UTF-8 (IAM policies are UTF-8 JSON)"
        );
        message
    })
}

/// Whether to colour diagnostics on stderr: only on a terminal, and never when `NO_COLOR` is set.
pub(crate) fn color_stderr() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Whether to colour diagnostics on stdout, by the same rule.
pub(crate) fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}
