//! `iamgen fmt`: print, check or rewrite policies in canonical form.

use std::path::{Path, PathBuf};

use iamgen_runtime::PolicyDocument;

use super::exit;
use super::input::{self, Input};

/// Print policies in canonical form, check that they are, or rewrite them.
///
/// The canonical form is two-space indented JSON with the elements in IAM's documented order. Every value and
/// the shape of every element are kept: a lone string stays a string, a one-element array stays an array,
/// condition keys keep their order.
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
    /// Policy files, directories (every `*.json` below them), or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

pub(crate) fn run(args: &FmtArgs) -> u8 {
    let (inputs, mut all_read) = input::collect(&args.paths);
    let color = input::color_stderr();
    let many = inputs.len() > 1;
    let mut unformatted = 0usize;
    for Input { origin, path, text } in &inputs {
        let document = match PolicyDocument::from_json(text) {
            Ok(document) => document,
            Err(error) => {
                eprint!("{}", error.render(text, origin, color));
                all_read = false;
                continue;
            }
        };
        let canonical = document.to_json();
        if args.check {
            if canonical != *text {
                unformatted += 1;
                println!("{}", unified_diff(origin, text, &canonical));
            }
        } else if args.write {
            match path {
                Some(path) => {
                    if let Err(error) = write_if_changed(path, &canonical) {
                        eprintln!("error: cannot write `{origin}`: {error}");
                        all_read = false;
                    }
                }
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
