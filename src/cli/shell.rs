//! `iamgen completions SHELL` and `iamgen man`: shell completions and the manual page, generated from the
//! command line's own definition, so that they never disagree with it.

use std::io::Write as _;

use clap::CommandFactory as _;
use clap_complete::Shell;

use super::{Cli, exit};

/// Print the completion script for a shell, to install where the shell reads them (for bash:
/// `iamgen completions bash > ~/.local/share/bash-completion/completions/iamgen`).
#[derive(Debug, clap::Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: Shell,
}

/// Print the manual page (roff), to install as `iamgen.1` (`iamgen man > ~/.local/share/man/man1/iamgen.1`).
#[derive(Debug, clap::Args)]
pub(crate) struct ManArgs {}

pub(crate) fn completions(args: &CompletionsArgs) -> u8 {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "iamgen", &mut out);
    write_out(&out)
}

pub(crate) fn man(_args: &ManArgs) -> u8 {
    let mut out = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut out) {
        Ok(()) => write_out(&out),
        Err(error) => {
            eprintln!("error: cannot render the manual page: {error}");
            exit::BAD_INPUT
        }
    }
}

fn write_out(bytes: &[u8]) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => exit::OK,
        Err(error) => {
            eprintln!("error: cannot write to standard output: {error}");
            exit::BAD_INPUT
        }
    }
}
