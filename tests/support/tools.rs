//! The external validators, as `scripts/ci-tools.sh` installs them into `target/ci-tools/`.
//!
//! Policy for a missing tool: in CI (`CI` set and not empty or `false`) the test fails and names the script
//! that installs it; elsewhere the check is skipped with a note on standard error, so that `cargo test` passes
//! on a fresh developer machine.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project root.
#[must_use]
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `target/ci-tools`.
#[must_use]
pub fn tools_dir() -> PathBuf {
    root().join("target").join("ci-tools")
}

/// Whether this is a CI run.
#[must_use]
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false" && value != "0")
}

/// `path` if it exists; otherwise `None` outside CI, and a panic naming `scripts/ci-tools.sh` in CI.
#[must_use]
pub fn require(what: &str, path: PathBuf) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    assert!(
        !in_ci(),
        "{what} is not installed at {}: CI must run `scripts/ci-tools.sh` before the tests",
        path.display()
    );
    skipped(&format!(
        "{what} is not installed at {} (run `scripts/ci-tools.sh` to install it)",
        path.display()
    ));
    None
}

/// Says on standard error that a check was skipped, past the test harness's capture, so that a developer sees
/// it in a passing run too.
pub fn skipped(why: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}

/// `target/ci-tools/venv/bin/cfn-lint`.
#[must_use]
pub fn cfn_lint() -> Option<PathBuf> {
    require(
        "cfn-lint",
        tools_dir().join("venv").join("bin").join("cfn-lint"),
    )
}

/// `target/ci-tools/venv/bin/checkov`.
#[must_use]
pub fn checkov() -> Option<PathBuf> {
    require(
        "checkov",
        tools_dir().join("venv").join("bin").join("checkov"),
    )
}

/// The installed `@cdktf/hcl2json` package directory, and `node` to run it with.
#[must_use]
pub fn hcl2json() -> Option<(PathBuf, PathBuf)> {
    let package = require(
        "@cdktf/hcl2json",
        tools_dir()
            .join("node")
            .join("node_modules")
            .join("@cdktf")
            .join("hcl2json"),
    )?;
    Some((node("@cdktf/hcl2json")?, package))
}

/// `node` on `PATH`, to run `what` with; otherwise `None` outside CI, and a panic in CI.
fn node(what: &str) -> Option<PathBuf> {
    let node = which("node");
    if node.is_none() {
        assert!(
            !in_ci(),
            "node is not on PATH: CI needs Node.js for `scripts/ci-tools.sh` and {what}"
        );
        skipped("node is not on PATH");
    }
    node
}

/// The first `name` on `PATH`.
#[must_use]
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// `terraform` on `PATH`, for `terraform fmt` (which needs no provider, so works offline); `None` outside CI
/// (saying that the check was skipped), and a panic in CI, where it must be installed.
#[must_use]
pub fn terraform() -> Option<PathBuf> {
    let found = which("terraform");
    if found.is_none() {
        assert!(
            !in_ci(),
            "terraform is not on PATH: CI checks every generated .tf with `terraform fmt -check`"
        );
        skipped("terraform is not on PATH: `terraform fmt -check` not run");
    }
    found
}

/// Runs `command`, panicking with its output if it cannot start.
#[must_use]
pub fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"))
}

/// A command's standard output and error, for a failure message.
#[must_use]
pub fn describe(output: &Output) -> String {
    format!(
        "status {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `target/ci-tools/node/node_modules` holding `packages`, and `node` to run scripts with them.
fn node_packages(what: &str, packages: &[&str]) -> Option<(PathBuf, PathBuf)> {
    let modules = tools_dir().join("node").join("node_modules");
    for package in packages {
        require(what, modules.join(package))?;
    }
    Some((node(what)?, modules))
}

/// Graphviz (`@hpcc-js/wasm-graphviz`): `node` and the `node_modules` directory for
/// `tests/support/dot_labels.mjs`.
#[must_use]
pub fn graphviz() -> Option<(PathBuf, PathBuf)> {
    node_packages(
        "Graphviz (@hpcc-js/wasm-graphviz)",
        &["@hpcc-js/wasm-graphviz"],
    )
}

/// Mermaid's parser (`mermaid`, with `jsdom`): `node` and the `node_modules` directory for
/// `tests/support/mermaid_labels.mjs`.
#[must_use]
pub fn mermaid() -> Option<(PathBuf, PathBuf)> {
    node_packages("Mermaid (mermaid, jsdom)", &["mermaid", "jsdom"])
}

/// A GitHub-flavoured Markdown parser (`marked`, with `jsdom`): `node` and the `node_modules` directory for
/// `tests/support/markdown_cells.mjs`.
#[must_use]
pub fn markdown() -> Option<(PathBuf, PathBuf)> {
    node_packages("marked (with jsdom)", &["marked", "jsdom"])
}

/// Taplo's command line (`@taplo/cli`, the TOML toolkit behind VS Code's Even Better TOML): `node` and its
/// script, to lint specs against their JSON Schema as an editor does.
#[must_use]
pub fn taplo() -> Option<(PathBuf, PathBuf)> {
    let (node, modules) = node_packages("Taplo (@taplo/cli)", &["@taplo/cli"])?;
    Some((
        node,
        modules
            .join("@taplo")
            .join("cli")
            .join("dist")
            .join("cli.js"),
    ))
}

/// `target/ci-tools/venv/bin/python`, which has `PyYAML` (a dependency of cfn-lint).
#[must_use]
pub fn python_with_yaml() -> Option<PathBuf> {
    require(
        "PyYAML (in the cfn-lint venv)",
        tools_dir().join("venv").join("bin").join("python"),
    )
}

/// Runs `command` with `input` on its standard input and returns its standard output, read as JSON; panics
/// with the command's output if it fails or prints something else.
#[must_use]
pub fn run_json(command: &mut Command, input: &str) -> serde_json::Value {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_owned();
    // Written from a thread: a child that prints before reading all its input would otherwise deadlock.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"));
    writer
        .join()
        .expect("writer thread")
        .unwrap_or_else(|error| panic!("cannot write to {command:?}: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}",
        describe(&output)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{command:?} did not print JSON ({error}):\n{}",
            describe(&output)
        )
    })
}

/// `target/ci-tools/aws-managed-policies`: AWS's managed policies as moto ships them, one `NAME.json` each.
#[must_use]
pub fn aws_managed_policies() -> Option<PathBuf> {
    require(
        "the AWS managed policies",
        tools_dir().join("aws-managed-policies"),
    )
}
