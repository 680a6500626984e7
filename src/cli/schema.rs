//! `iamgen schema`: the JSON Schema of `iamgen.toml`, for editors.

use std::io::Write as _;
use std::path::PathBuf;

use iamgen_runtime::stack::spec;

use super::exit;

/// Print the JSON Schema of `iamgen.toml`, for editors: completion, docs on hover, errors as you type.
///
/// With Taplo or VS Code's Even Better TOML, write it beside the spec (`iamgen schema --out
/// iamgen.schema.json`) and start the spec with `#:schema ./iamgen.schema.json`. The schema checks each table
/// and value on its own; `iamgen check` checks the rest (names referred to, duplicates, policy documents).
#[derive(Debug, clap::Args)]
pub(crate) struct SchemaArgs {
    /// Write it to FILE (replaced if it is there) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub(crate) fn run(args: &SchemaArgs) -> u8 {
    let schema = spec::json_schema();
    let Some(path) = &args.out else {
        let mut stdout = std::io::stdout().lock();
        return match stdout
            .write_all(schema.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Ok(()) => exit::OK,
            Err(error) => {
                eprintln!("error: cannot write to standard output: {error}");
                exit::BAD_INPUT
            }
        };
    };
    match super::templates::write_atomically(path, &schema) {
        Ok(()) => {
            println!("wrote {}", path.display());
            exit::OK
        }
        Err(error) => {
            eprintln!("error: cannot write `{}`: {error}", path.display());
            exit::BAD_INPUT
        }
    }
}
