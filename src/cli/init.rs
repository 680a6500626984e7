//! `iamgen init`: a commented spec for the cross-account pattern, its policy file and the spec's JSON Schema, ready
//! to edit.

use std::path::{Path, PathBuf};

use iamgen_runtime::stack::spec;

use super::exit;

/// The files `init` writes: path below the directory, and text. The spec's first line names the schema,
/// written beside it, for editors.
fn files() -> [(&'static str, String); 3] {
    [
        ("iamgen.toml", include_str!("init/iamgen.toml").to_owned()),
        ("iamgen.schema.json", spec::json_schema()),
        (
            "policies/project-access.json",
            include_str!("init/project-access.json").to_owned(),
        ),
    ]
}

/// Start a spec: write a commented `iamgen.toml` for the cross-account pattern, `policies/` and the spec's JSON
/// Schema (`iamgen.schema.json`, for editors) beside it, to edit; then `iamgen check iamgen.toml` and
/// `iamgen generate iamgen.toml`. Files already there are kept.
#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// Where to write them.
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
}

pub(crate) fn run(args: &InitArgs) -> u8 {
    let files = files();
    let existing: Vec<String> = files
        .iter()
        .map(|(name, _)| args.dir.join(name))
        .filter(|path| path.exists())
        .map(|path| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        eprintln!(
            "error: {} already there, and kept: {}\n  help: run `iamgen init` in another directory, or move them",
            if existing.len() == 1 {
                "a file is"
            } else {
                "files are"
            },
            existing.join(", ")
        );
        return exit::BAD_INPUT;
    }
    for (name, text) in &files {
        let path = args.dir.join(name);
        if let Err(error) = write_new(&path, text) {
            eprintln!("error: cannot write `{}`: {error}", path.display());
            return exit::BAD_INPUT;
        }
        println!("wrote {}", path.display());
    }
    let spec = args.dir.join("iamgen.toml");
    println!(
        "next: edit {} (accounts, names, the policy), then `iamgen check {}` and `iamgen generate {} --out out`",
        spec.display(),
        spec.display(),
        spec.display()
    );
    exit::OK
}

/// Writes a file that must not exist yet: never over one of the user's, even one made since the check above.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}
