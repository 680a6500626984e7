//! Running the built `iamgen` binary as a user does: colours off, in the project root unless a test says
//! otherwise, and, for the deploy commands, against a local endpoint with the base identity's key.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::tools::root;

/// The built binary with `args`, colours off, in `dir`; `stdin` is written to its standard input (which is
/// closed at once when `None`).
#[must_use]
pub fn run(args: &[&str], dir: &Path, stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamgen"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("iamgen runs");
    if let Some(bytes) = stdin {
        // A command that rejects its arguments, or stops reading at its limit, leaves the rest of the input
        // unread: the broken pipe is not the test.
        let _ = child.stdin.take().expect("a pipe").write_all(bytes);
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("iamgen ends")
}

/// The built binary with `args`, in the project root, with nothing on standard input.
#[must_use]
pub fn iamgen(args: &[&str]) -> Output {
    run(args, root(), None)
}

/// The built binary with `args`, in the project root, with `stdin` on standard input.
#[must_use]
pub fn iamgen_with_stdin(args: &[&str], stdin: &str) -> Output {
    run(args, root(), Some(stdin.as_bytes()))
}

/// The binary against `endpoint` as the deploy commands' tests run it: the base identity's static key in the
/// environment, `us-east-1`, no instance metadata, the shared AWS config files in `home` (written by the
/// test, or absent), then `extra_env`.
#[cfg(feature = "aws")]
#[must_use]
pub fn iamgen_aws(
    endpoint: &str,
    home: &Path,
    args: &[&str],
    extra_env: &[(&str, &str)],
) -> Output {
    let (key_id, secret) = super::deploy::BASE_KEY;
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamgen"));
    command
        .args(args)
        .arg("--endpoint-url")
        .arg(endpoint)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("AWS_ACCESS_KEY_ID", key_id)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(Stdio::null());
    for (key, value) in extra_env {
        command.env(key, value);
    }
    command.output().expect("iamgen runs")
}

/// The standard output, as text.
#[must_use]
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The standard error, as text.
#[must_use]
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that the run's stderr holds each of `expected`, showing the whole run when it does not.
pub fn assert_stderr_holds(output: &Output, expected: &[&str]) {
    assert_holds(output, &stderr(output), expected);
}

/// Asserts that the run's stdout holds each of `expected`, showing the whole run when it does not.
pub fn assert_stdout_holds(output: &Output, expected: &[&str]) {
    assert_holds(output, &stdout(output), expected);
}

fn assert_holds(output: &Output, text: &str, expected: &[&str]) {
    for expected in expected {
        assert!(
            text.contains(expected),
            "{expected:?} in:\n{}",
            described(output)
        );
    }
}

/// The exit status and both streams, for a failed assertion's message.
#[must_use]
pub fn described(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        stdout(output),
        stderr(output)
    )
}

/// [`iamgen_aws`], requiring the exit status `code`.
#[cfg(feature = "aws")]
#[allow(
    clippy::must_use_candidate,
    reason = "the call checks the exit status: a test may need no more of its output"
)]
pub fn iamgen_aws_exits(
    endpoint: &str,
    home: &Path,
    args: &[&str],
    extra_env: &[(&str, &str)],
    code: i32,
) -> Output {
    let output = iamgen_aws(endpoint, home, args, extra_env);
    assert_eq!(output.status.code(), Some(code), "{}", described(&output));
    output
}
