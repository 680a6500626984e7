//! `iamgen generate` from the command line on a spec of N roles, N = 1,000, 10,000 and 100,000: the whole
//! command as a user runs it (read and check the spec, build the stack, lint it, render every target, write the
//! files), its CPU time and peak memory per N and their growth from the previous N (linear is ~10x per 10x N).
//!
//! Run: `cargo bench --features cli --bench generate_cli` (add `-- --rounds N` for more runs of the sizes up to
//! 10,000, `-- --max N` to stop at a smaller N). The figures are in BENCHMARKS.md.
//!
//! The workload, the one of `benches/generate.rs` written as a spec: role `BenchRole{i}` in account `i / 1000`
//! (1,000 roles an account, so every account's CloudFormation is split into nested stacks); its trust admits the
//! root of a third-party account outside the stack with `StringEquals sts:ExternalId`; its managed policy
//! `BenchRole{i}Policy`, written inline in the spec, has three statements: object read/write on
//! `arn:aws:s3:::iamgen-bench-{i}/*`, `s3:ListBucket` on the bucket, and item read/write on the DynamoDB table
//! `bench-{i}` of its account and its indexes.
//!
//! Each size writes into a directory of its own under `target/generate-cli-bench/`, removed at the end: on ext4,
//! creating files right after deleting as many is slower (the allocator skips recently freed inodes), which would
//! charge one size's clean-up to the next.

#![allow(
    clippy::cast_precision_loss,
    reason = "byte counts and seconds are far below 2^52"
)]

pub mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use support::{Measured, growth, rounds_and_max, run_measured};

/// The sizes measured, in roles.
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// Roles per account.
const ROLES_PER_ACCOUNT: usize = 1_000;

/// The third party that assumes every role, outside the stack.
const TRUSTED_ACCOUNT: &str = "210987654321";

/// The spec of `roles` roles.
fn spec(roles: usize) -> String {
    let accounts = roles.div_ceil(ROLES_PER_ACCOUNT);
    let mut text = String::with_capacity(roles * 900);
    for account in 0..accounts {
        let _ = writeln!(
            text,
            "[[account]]\nname = \"Bench{account:03}\"\nid = \"{}\"\n",
            100_000_000_000 + account
        );
    }
    for role in 0..roles {
        let account = role / ROLES_PER_ACCOUNT;
        let id = 100_000_000_000 + account;
        let _ = writeln!(
            text,
            r#"[[policy]]
name = "BenchRole{role}Policy"
account = "Bench{account:03}"
document = '''{{"Version":"2012-10-17","Statement":[{{"Sid":"ReadWriteObjects","Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::iamgen-bench-{role}/*"}},{{"Sid":"ListBucket","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::iamgen-bench-{role}"}},{{"Sid":"ReadWriteItems","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:UpdateItem","dynamodb:Query"],"Resource":["arn:aws:dynamodb:eu-west-1:{id}:table/bench-{role}","arn:aws:dynamodb:eu-west-1:{id}:table/bench-{role}/index/*"]}}]}}'''

[[role]]
name = "BenchRole{role}"
account = "Bench{account:03}"
attach = ["BenchRole{role}Policy"]
trust = '''{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{TRUSTED_ACCOUNT}:root"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"iamgen-bench-{role}"}}}}}}]}}'''
"#
        );
    }
    text
}

/// The files below `dir` and their bytes.
fn output_size(dir: &Path) -> (usize, u64) {
    let (mut files, mut bytes) = (0, 0);
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("the output directory") {
            let entry = entry.expect("a directory entry");
            let metadata = entry.metadata().expect("a file's metadata");
            if metadata.is_dir() {
                pending.push(entry.path());
            } else {
                files += 1;
                bytes += metadata.len();
            }
        }
    }
    (files, bytes)
}

/// One run of `iamgen generate SPEC --out OUT` into a new directory.
fn generate(spec: &Path, out: &Path) -> Measured {
    let measured = run_measured(
        Command::new(env!("CARGO_BIN_EXE_iamgen"))
            .arg("generate")
            .arg(spec)
            .arg("--out")
            .arg(out)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    assert!(
        measured.success,
        "iamgen generate {} failed: run it by hand to see why",
        spec.display()
    );
    measured
}

fn main() {
    let (rounds, max) = rounds_and_max(3);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/generate-cli-bench");
    if root.exists() {
        std::fs::remove_dir_all(&root).expect("the previous bench's files are removed");
    }
    println!(
        "generate (CLI): N roles (trust + 1 managed policy of 3 statements each, inline in the spec), \
         {ROLES_PER_ACCOUNT} roles per account; every target; median of {rounds} runs up to 10,000, 1 above"
    );
    println!(
        "{:>7} {:>8} {:>9} {:>7} {:>9} {:>8} {:>8} {:>7} {:>9} {:>7}",
        "N", "accounts", "spec", "files", "output", "wall", "CPU", "growth", "peak RSS", "growth"
    );
    let mut previous: Option<(Duration, u64)> = None;
    for roles in SIZES.into_iter().filter(|&roles| roles <= max) {
        let dir = root.join(roles.to_string());
        std::fs::create_dir_all(&dir).expect("the bench's directory");
        let spec_path = dir.join("iamgen.toml");
        let text = spec(roles);
        std::fs::write(&spec_path, &text).expect("the spec is written");
        let runs = if roles <= 10_000 { rounds.max(1) } else { 1 };
        let mut measured: Vec<Measured> = (0..runs)
            .map(|run| generate(&spec_path, &dir.join(format!("out-{run}"))))
            .collect();
        measured.sort_by_key(|run| run.cpu);
        let median = measured[measured.len() / 2];
        let (files, bytes) = output_size(&dir.join("out-0"));
        let rss = median.max_rss_kib;
        println!(
            "{:>7} {:>8} {:>6.1} MB {:>7} {:>6.0} MB {:>6.2} s {:>6.2} s {:>7} {:>6} MiB {:>7}",
            roles,
            roles.div_ceil(ROLES_PER_ACCOUNT),
            text.len() as f64 / 1e6,
            files,
            bytes as f64 / 1e6,
            median.wall.as_secs_f64(),
            median.cpu.as_secs_f64(),
            growth(median.cpu, previous.map(|(cpu, _)| cpu)),
            rss / 1024,
            previous.map_or_else(
                || "-".to_owned(),
                |(_, before)| format!("{:.1}x", rss as f64 / before as f64)
            ),
        );
        previous = Some((median.cpu, rss));
    }
    std::fs::remove_dir_all(&root).expect("the bench's files are removed");
}
