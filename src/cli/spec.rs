//! Reading an `iamgen.toml` spec into a stack.

use std::path::Path;

use iamgen_runtime::stack::Stack;

/// The stack a spec file declares, or a message that says where it is wrong.
pub(crate) fn load(path: &Path) -> Result<Stack, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("error: cannot read `{}`: {error}", path.display()))?;
    // `file = ...` policy paths are relative to the spec, not to where iamgen runs.
    let base = path.parent().unwrap_or_else(|| Path::new(""));
    iamgen_runtime::stack::spec::from_toml_at(&text, base)
        .map_err(|error| error.render(&text, &path.display().to_string()))
}
