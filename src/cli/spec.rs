//! Reading an `iamgen.toml` spec into a stack.

use std::fmt;
use std::path::{Path, PathBuf};

use iamgen_runtime::source::{MAX_SPEC_BYTES, ReadError, read_file_limited};
use iamgen_runtime::stack::Stack;
use iamgen_runtime::stack::spec::SpecError;

/// Why a spec file gives no stack. Its text says where the spec is wrong, as the CLI prints it.
#[derive(Debug)]
pub(crate) enum LoadError {
    /// The file cannot be read.
    Read(ReadError),
    /// The file is not UTF-8.
    NotUtf8 { path: PathBuf },
    /// The spec is wrong; `text` is the spec, which the rendering quotes.
    Spec {
        path: PathBuf,
        text: String,
        error: SpecError,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Read(error) => write!(f, "error: {error}"),
            LoadError::NotUtf8 { path } => write!(
                f,
                "error: `{}` is not UTF-8\n  help: save the spec as UTF-8",
                path.display()
            ),
            LoadError::Spec { path, text, error } => {
                f.write_str(&error.render(text, &path.display().to_string()))
            }
        }
    }
}

/// The stack a spec file declares.
pub(crate) fn load(path: &Path) -> Result<Stack, LoadError> {
    let bytes = read_file_limited(path, MAX_SPEC_BYTES, "a spec").map_err(LoadError::Read)?;
    let text = String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8 {
        path: path.to_owned(),
    })?;
    // `file = ...` policy paths are relative to the spec, not to where iamgen runs.
    let base = path.parent().unwrap_or_else(|| Path::new(""));
    iamgen_runtime::stack::spec::from_toml_at(&text, base).map_err(|error| LoadError::Spec {
        path: path.to_owned(),
        text,
        error,
    })
}
