//! `iamgen completions SHELL` and `iamgen man` (#17): generated from the command line's definition, and read by
//! the real tools: bash parses the completion script, groff formats the manual page without a warning.

use std::process::Command;

use crate::support::cli::{described, iamgen};
use crate::support::tools;

const SUBCOMMANDS: &[&str] = &[
    "validate",
    "check",
    "fmt",
    "generate",
    "simulate",
    "plan",
    "templates",
    "schema",
];

#[test]
fn bash_reads_the_completion_script_and_it_knows_every_subcommand() {
    let output = iamgen(&["completions", "bash"]);
    assert_eq!(output.status.code(), Some(0), "{}", described(&output));
    let script = String::from_utf8(output.stdout).expect("UTF-8");
    for subcommand in SUBCOMMANDS {
        assert!(script.contains(subcommand), "{subcommand} missing");
    }
    let Some(bash) = tools::which("bash") else {
        tools::skipped("bash is not on PATH");
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("iamgen.bash");
    std::fs::write(&path, &script).expect("the script");
    let checked = tools::run(Command::new(bash).arg("-n").arg(&path));
    assert!(checked.status.success(), "{}", tools::describe(&checked));
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let output = iamgen(&["completions", shell]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            described(&output)
        );
        assert!(!output.stdout.is_empty(), "{shell}");
    }
}

#[test]
fn groff_formats_the_manual_page_without_a_warning() {
    let output = iamgen(&["man"]);
    assert_eq!(output.status.code(), Some(0), "{}", described(&output));
    let page = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        page.starts_with(".ie") || page.contains(".TH iamgen"),
        "{page}"
    );
    for subcommand in SUBCOMMANDS {
        assert!(page.contains(subcommand), "{subcommand} missing");
    }
    let Some(groff) = tools::which("groff") else {
        tools::skipped("groff is not on PATH");
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("iamgen.1");
    std::fs::write(&path, &page).expect("the page");
    let formatted = tools::run(
        Command::new(groff)
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(&path),
    );
    assert!(
        formatted.status.success(),
        "{}",
        tools::describe(&formatted)
    );
    assert!(
        formatted.stderr.is_empty(),
        "{}",
        tools::describe(&formatted)
    );
}
