//! The `iamgen` command line. See `iamgen --help`, and DESIGN.md for the contract other tools rely on.

mod cli;

use std::process::ExitCode;

/// mimalloc: `simulate --batch` allocates on every core, and runs 1.18x faster with it than with glibc's
/// allocator (BENCHMARKS.md, "Simulator: batch mode").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::run()
}
