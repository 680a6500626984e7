//! `iamgen validate` on the real templates of `tests/fixtures/iac/corpus/` (Terraform modules and AWS's
//! CloudFormation samples) against checkov with its IAM checks only, on the same files, side by side in one run:
//! the CPU time of each (every process of the tool, through `RUSAGE_CHILDREN`) and the ratio.
//!
//! Run: `cargo bench --features cli --bench templates_vs_checkov` (add `-- --rounds N` for more runs of each;
//! checkov comes from `scripts/ci-tools.sh`, or `CHECKOV=path`). The figures are in BENCHMARKS.md.
//!
//! The files: the corpus without the Rain module templates (`Type: !Rain::Module`), on which checkov's
//! CloudFormation runner raises `unhashable type: 'DictNode'` and then waits forever; iamgen reads them.

#![allow(
    clippy::cast_precision_loss,
    reason = "seconds and counts are far below 2^52"
)]

pub mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{children_cpu, median, rounds_and_max};

/// checkov's checks of IAM policies (`checkov --list`: the policy documents of Terraform's and CloudFormation's
/// IAM, S3, KMS, SQS, ECR resources).
const CHECKOV_IAM_CHECKS: &str = "CKV_AWS_1,CKV_AWS_32,CKV_AWS_33,CKV_AWS_40,CKV_AWS_49,CKV_AWS_60,CKV_AWS_61,\
CKV_AWS_62,CKV_AWS_63,CKV_AWS_70,CKV_AWS_72,CKV_AWS_93,CKV_AWS_107,CKV_AWS_108,CKV_AWS_109,CKV_AWS_110,\
CKV_AWS_111,CKV_AWS_283,CKV_AWS_286,CKV_AWS_287,CKV_AWS_288,CKV_AWS_289,CKV_AWS_290,CKV_AWS_355,CKV_AWS_356,\
CKV2_AWS_40,CKV2_AWS_56";

/// A copy of the corpus without the files checkov cannot read; how many files it holds.
fn corpus_copy(to: &Path) -> usize {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/iac/corpus");
    let mut copied = 0;
    let mut pending = vec![from.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("the corpus") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let text = std::fs::read(&path).expect("a corpus file");
            if String::from_utf8_lossy(&text).contains("Rain::Module") {
                continue;
            }
            let target = to.join(path.strip_prefix(&from).expect("below the corpus"));
            std::fs::create_dir_all(target.parent().expect("a folder")).expect("a folder");
            std::fs::write(target, text).expect("the copy");
            copied += 1;
        }
    }
    copied
}

/// Runs `command` to its end, its output to `path` (or nowhere); its wall and CPU time.
fn timed(command: &mut Command, output: Option<&Path>) -> (Duration, Duration) {
    let stdout = match output {
        Some(path) => Stdio::from(std::fs::File::create(path).expect("the output file")),
        None => Stdio::null(),
    };
    let cpu = children_cpu();
    let start = Instant::now();
    let status = command
        .stdout(stdout)
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"));
    let wall = start.elapsed();
    // Both tools exit 1 when they find something; anything else means the run did not happen.
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "{command:?} failed: {status}"
    );
    (wall, children_cpu().saturating_sub(cpu))
}

fn checkov() -> Option<PathBuf> {
    let path = std::env::var_os("CHECKOV").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools/venv/bin/checkov"),
        PathBuf::from,
    );
    path.is_file().then_some(path)
}

fn main() {
    let (rounds, _) = rounds_and_max(5);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let files = corpus_copy(dir.path());
    let corpus = dir.path().display().to_string();
    let report = dir.path().join("iamgen.json");

    let mut iamgen = Vec::new();
    for _ in 0..rounds {
        iamgen.push(timed(
            Command::new(env!("CARGO_BIN_EXE_iamgen"))
                .args(["validate", "--format", "json", &corpus]),
            Some(&report),
        ));
    }
    let read: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).expect("the report")).expect("JSON");
    let policies = read["files"].as_array().map_or(0, Vec::len);
    let findings: usize = read["files"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|file| file["findings"].as_array().map_or(0, Vec::len))
        .sum();
    let iamgen_cpu = median(iamgen.iter().map(|(_, cpu)| *cpu).collect());
    let iamgen_wall = median(iamgen.iter().map(|(wall, _)| *wall).collect());

    println!(
        "templates: {files} files (tests/fixtures/iac/corpus without its Rain modules), {rounds} rounds"
    );
    println!("| | CPU (median) | wall (median) | what it did |");
    println!("|---|---|---|---|");
    println!(
        "| iamgen validate | {:.3} s | {:.3} s | {policies} policies, {findings} findings |",
        iamgen_cpu.as_secs_f64(),
        iamgen_wall.as_secs_f64()
    );
    let Some(checkov) = checkov() else {
        println!("checkov is not installed (scripts/ci-tools.sh): no comparison");
        return;
    };
    let output = dir.path().join("checkov.json");
    let mut runs = Vec::new();
    // checkov takes tens of seconds a run: at most three.
    for _ in 0..rounds.min(3) {
        runs.push(timed(
            Command::new(&checkov).args([
                "-d",
                &corpus,
                "--framework",
                "terraform,cloudformation",
                "--check",
                CHECKOV_IAM_CHECKS,
                "--skip-download",
                "--compact",
                "--quiet",
                "-o",
                "json",
            ]),
            Some(&output),
        ));
    }
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&output).expect("checkov's report"))
            .unwrap_or_default();
    let reports = match report {
        serde_json::Value::Array(reports) => reports,
        other => vec![other],
    };
    let count = |key: &str| -> u64 {
        reports
            .iter()
            .map(|r| r["summary"][key].as_u64().unwrap_or(0))
            .sum()
    };
    let checkov_cpu = median(runs.iter().map(|(_, cpu)| *cpu).collect());
    let checkov_wall = median(runs.iter().map(|(wall, _)| *wall).collect());
    println!(
        "| checkov (IAM checks) | {:.3} s | {:.3} s | {} checks passed, {} failed |",
        checkov_cpu.as_secs_f64(),
        checkov_wall.as_secs_f64(),
        count("passed"),
        count("failed")
    );
    println!(
        "CPU ratio checkov / iamgen: {:.0}x (wall: {:.0}x)",
        checkov_cpu.as_secs_f64() / iamgen_cpu.as_secs_f64().max(1e-9),
        checkov_wall.as_secs_f64() / iamgen_wall.as_secs_f64().max(1e-9)
    );
}
