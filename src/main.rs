//! The `iamgen` command line. See `iamgen --help`, and DESIGN.md for the contract other tools rely on.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
