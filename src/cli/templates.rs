//! `iamgen templates --dump DIR`: the embedded templates written out, as a starting point for
//! `iamgen generate --templates DIR`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use iamgen_runtime::render::Renderer;

use super::exit;

/// Write the embedded templates (`terraform/*.hbs`, `cloudformation/*.hbs`, `diagram/*.hbs`) into a directory,
/// to edit and pass to `iamgen generate --templates DIR`. A template already there is kept unless `--force`.
#[derive(Debug, clap::Args)]
pub(crate) struct TemplatesArgs {
    /// Where to write them.
    #[arg(long, value_name = "DIR", required = true)]
    dump: PathBuf,
    /// Overwrite templates already in DIR (by default they are kept, and the command fails naming them).
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(args: &TemplatesArgs) -> u8 {
    let templates: Vec<(String, &str)> = Renderer::embedded_sources().collect();
    let existing: Vec<&str> = templates
        .iter()
        .filter(|(name, _)| args.dump.join(name).exists())
        .map(|(name, _)| name.as_str())
        .collect();
    if !args.force && !existing.is_empty() {
        eprintln!(
            "error: {} template{} already in `{}`: {}\n  help: edit them there, or pass --force to overwrite them \
             with the embedded ones",
            existing.len(),
            if existing.len() == 1 { " is" } else { "s are" },
            args.dump.display(),
            existing.join(", ")
        );
        return exit::BAD_INPUT;
    }
    for (name, text) in &templates {
        let path = args.dump.join(name);
        if let Err(error) = write_atomically(&path, text) {
            eprintln!("error: cannot write `{}`: {error}", path.display());
            return exit::BAD_INPUT;
        }
    }
    println!(
        "wrote {} templates in {}: edit them, then `iamgen generate --templates {}`",
        templates.len(),
        args.dump.display(),
        args.dump.display()
    );
    exit::OK
}

/// Writes `text` to `path` through a temporary file beside it, so that an interrupted run leaves no half
/// file (a template, or `iamgen schema --out`'s schema).
pub(super) fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(text.as_bytes())?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}
