//! `iamgen validate` on one policy with many findings: the human output against the JSON output, for N = 100,
//! 1,000 and 10,000 statements, through the release binary (what a user runs: read, lint, render, print).
//!
//! Run: `cargo bench --features cli --bench validate` (add `-- --rounds N` for more runs per size, `-- --max N`
//! to stop at a smaller N). The report gives, per N and format, the median wall time of the process (its
//! standard output goes to `/dev/null`), the findings, the time per finding, the growth from the previous N
//! (linear growth is ~10x per 10x N) and the ratio human / JSON. The figures are in BENCHMARKS.md.
//!
//! The workload: statement `i` is one of three kinds, each giving exactly one finding: an object action on a
//! bucket ARN (`RESOURCE_MATCHES_NO_ACTION`, an error), `iam:PassRole` on `*` (a security warning), a
//! `StringEquals` on `aws:SourceIp` (`TYPE_MISMATCH`, a warning). One statement a line, pretty-printed as people
//! write policies. The policy is over IAM's size quota, which adds one finding.

#![allow(
    clippy::cast_precision_loss,
    reason = "finding counts and nanoseconds are far below 2^52"
)]

pub mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{growth, median, rounds_and_max};

/// The sizes measured, in statements.
const SIZES: [usize; 3] = [100, 1_000, 10_000];

/// The policy of `statements` statements, each with one finding.
fn policy(statements: usize) -> String {
    let mut text = String::from("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n");
    for index in 0..statements {
        let separator = if index + 1 == statements { "" } else { "," };
        let _ = match index % 3 {
            0 => writeln!(
                text,
                r#"    {{"Sid": "Read{index}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-{index}"}}{separator}"#
            ),
            1 => writeln!(
                text,
                r#"    {{"Sid": "Pass{index}", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}{separator}"#
            ),
            _ => writeln!(
                text,
                r#"    {{"Sid": "Ip{index}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-{index}/*", "Condition": {{"StringEquals": {{"aws:SourceIp": "192.0.2.{}"}}}}}}{separator}"#,
                index % 256
            ),
        };
    }
    text.push_str("  ]\n}\n");
    text
}

/// Runs `iamgen validate --format FORMAT PATH` once; its wall time and the bytes it printed.
fn run(path: &Path, format: &str, keep_output: bool) -> (Duration, Vec<u8>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamgen"));
    command
        .args(["validate", "--format", format])
        .arg(path)
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    let start = Instant::now();
    if keep_output {
        let output = command.output().expect("iamgen runs");
        (start.elapsed(), output.stdout)
    } else {
        command.stdout(Stdio::null()).status().expect("iamgen runs");
        (start.elapsed(), Vec::new())
    }
}

fn rounds_for(statements: usize, rounds: usize) -> usize {
    if statements >= 10_000 {
        rounds.min(3)
    } else {
        rounds
    }
}

fn main() {
    let (rounds, max) = rounds_and_max(5);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-validate");
    std::fs::create_dir_all(&dir).expect("a scratch directory");

    println!(
        "validate: one policy of N statements, one finding each; wall time of the release binary"
    );
    println!(
        "{:>6} {:>8} {:>6} {:>11} {:>11} {:>12} {:>9} {:>9} {:>12}",
        "N",
        "findings",
        "rounds",
        "human",
        "json",
        "human/find.",
        "growth h",
        "growth j",
        "human / json"
    );
    let mut previous: Option<(Duration, Duration)> = None;
    for statements in SIZES.into_iter().filter(|n| *n <= max) {
        let path = dir.join(format!("statements-{statements}.json"));
        std::fs::write(&path, policy(statements)).expect("the policy is written");
        let json = run(&path, "json", true).1;
        let findings = serde_json::from_slice::<serde_json::Value>(&json)
            .ok()
            .and_then(|report| report["files"][0]["findings"].as_array().map(Vec::len))
            .unwrap_or(0);
        let rounds = rounds_for(statements, rounds);
        let mut human = Vec::new();
        let mut json = Vec::new();
        for _ in 0..rounds {
            human.push(run(&path, "human", false).0);
            json.push(run(&path, "json", false).0);
        }
        let (human, json) = (median(human), median(json));
        println!(
            "{statements:>6} {findings:>8} {rounds:>6} {:>11.2?} {:>11.2?} {:>9.1} us {:>9} {:>9} {:>11.2}x",
            human,
            json,
            human.as_secs_f64() * 1e6 / findings.max(1) as f64,
            growth(human, previous.map(|p| p.0)),
            growth(json, previous.map(|p| p.1)),
            human.as_secs_f64() / json.as_secs_f64(),
        );
        previous = Some((human, json));
    }
}
