//! Reading an `iamgen.toml` spec into a stack.

use std::path::Path;

use iamgen_runtime::source::{MAX_SPEC_BYTES, read_file_limited};
use iamgen_runtime::stack::Stack;

/// The stack a spec file declares, or a message that says where it is wrong.
pub(crate) fn load(path: &Path) -> Result<Stack, String> {
    let bytes = read_file_limited(path, MAX_SPEC_BYTES, "a spec")
        .map_err(|error| format!("error: {error}"))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        format!(
            "error: `{}` is not UTF-8\n  help: save the spec as UTF-8",
            path.display()
        )
    })?;
    // `file = ...` policy paths are relative to the spec, not to where iamgen runs.
    let base = path.parent().unwrap_or_else(|| Path::new(""));
    iamgen_runtime::stack::spec::from_toml_at(&text, base)
        .map_err(|error| error.render(&text, &path.display().to_string()))
}
