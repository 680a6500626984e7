//! The simulator on real workloads: `iamgen simulate --batch` against the library's `evaluate_many` on the
//! same 100,000 requests, the one-request command as the baseline, and how decisions per second grow with
//! statements per policy and policies per principal (10 → 1,000).
//!
//! Run: `cargo bench --features cli --bench simulate_batch` (add `-- --rounds N` for more runs, `-- --max N`
//! for fewer requests in the batch section). The figures are in BENCHMARKS.md ("Simulator: batch mode").
//!
//! The batch: loose requests over three identity policy files (one with a condition), a bucket policy on half
//! of them, five callers (two accounts, a role session, a federated user, a service), five actions, and zero to
//! two context keys; the same requests, built once, for the library (parsed policies shared through a
//! `PolicySet`) and written as JSON Lines for the command (which reads each policy file once). Times are the
//! median wall time of the rounds, the command's with its standard output to `/dev/null`.

#![allow(
    clippy::cast_precision_loss,
    reason = "request counts and nanoseconds are far below 2^52"
)]

pub mod support;
// The test suites' seeded generator: the same batch on every run.
#[path = "../runtime/tests/support/rng.rs"]
pub mod rng;

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use iamgen::PolicyDocument;
use iamgen::eval::batch::{BatchRequest, PolicyId, PolicySet, evaluate_many};
use support::{children_cpu, growth, median, rounds_and_max};

/// The requests of the batch section.
const BATCH: usize = 100_000;

/// How many requests the one-request baseline runs (each a process).
const ONE_BY_ONE: usize = 300;

const IDENTITY: [&str; 3] = [
    r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]}]}"#,
    r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Tls", "Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}, {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]}"#,
    r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Keys", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:*:111122223333:key/*", "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}]}"#,
];

const BUCKET_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:user/bob"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}, {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::reports/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#;

const CALLERS: [&str; 5] = [
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::111122223333:assumed-role/app/session",
    "arn:aws:iam::444455556666:user/bob",
    "arn:aws:sts::111122223333:federated-user/carol",
    "cloudtrail.amazonaws.com",
];

const ACTIONS: [(&str, &str); 5] = [
    ("s3:GetObject", "arn:aws:s3:::reports/q1.csv"),
    ("s3:ListBucket", "arn:aws:s3:::reports"),
    ("s3:DeleteObject", "arn:aws:s3:::reports/q1.csv"),
    ("s3:PutObject", "arn:aws:s3:::reports/q2.csv"),
    ("kms:Decrypt", "arn:aws:kms:eu-west-1:111122223333:key/k1"),
];

const CONTEXT: [(&str, &str); 3] = [
    ("aws:SecureTransport", "true"),
    ("aws:SecureTransport", "false"),
    ("aws:RequestedRegion", "eu-west-1"),
];

/// The batch's policy files written into `dir`, parsed into a set; the ids of the identity policies and of the
/// bucket policy, and the files' paths.
struct Fixture {
    set: PolicySet,
    identity: Vec<(PolicyId, String)>,
    bucket: (PolicyId, String),
}

fn fixture(dir: &Path) -> Fixture {
    let mut set = PolicySet::new();
    let mut write = |name: &str, text: &str| {
        let path = dir.join(name).display().to_string();
        std::fs::write(&path, text).expect("a policy file");
        let document = PolicyDocument::from_json(text).expect("a policy");
        (set.insert(path.clone(), document), path)
    };
    let identity = IDENTITY
        .iter()
        .enumerate()
        .map(|(index, text)| write(&format!("identity-{index}.json"), text))
        .collect();
    let bucket = write("bucket.json", BUCKET_POLICY);
    Fixture {
        set,
        identity,
        bucket,
    }
}

/// `count` requests, as the library takes them and as JSON Lines.
fn requests(fixture: &Fixture, count: usize) -> (Vec<BatchRequest>, String) {
    let mut rng = rng::Rng::new(0x5eed_0015);
    let mut built = Vec::with_capacity(count);
    let mut lines = String::with_capacity(count * 300);
    for _ in 0..count {
        let caller = CALLERS[rng.below(CALLERS.len())];
        let (action, resource) = ACTIONS[rng.below(ACTIONS.len())];
        let mut request = BatchRequest::new(caller, action, resource);
        let mut files = Vec::new();
        for (id, path) in &fixture.identity {
            if rng.below(2) == 0 {
                request.identity.push(*id);
                files.push(format!("\"{path}\""));
            }
        }
        let _ = write!(
            lines,
            r#"{{"principal": "{caller}", "action": "{action}", "resource": "{resource}", "identity": [{}]"#,
            files.join(", ")
        );
        if rng.below(2) == 0 {
            request.resource_policy = Some(fixture.bucket.0);
            let _ = write!(lines, r#", "resource_policy": "{}""#, fixture.bucket.1);
        }
        let mut context = Vec::new();
        for _ in 0..rng.below(3) {
            let (key, value) = CONTEXT[rng.below(CONTEXT.len())];
            if request.context.values(key).is_none() {
                request.context.add(key, value);
                context.push(format!("\"{key}\": \"{value}\""));
            }
        }
        let _ = writeln!(lines, r#", "context": {{{}}}}}"#, context.join(", "));
        built.push(request);
    }
    (built, lines)
}

/// The library's time for the batch: every decision computed in full (statements, reasons, fix).
fn library(set: &PolicySet, requests: &[BatchRequest]) -> Duration {
    let start = Instant::now();
    let allowed = evaluate_many(set, requests)
        .filter(|evaluation| evaluation.decision == iamgen::eval::Decision::Allowed)
        .count();
    black_box(allowed);
    start.elapsed()
}

/// The command's wall and CPU time for the batch in `file`, its output to `/dev/null`.
fn command(file: &Path) -> (Duration, Duration) {
    let cpu = children_cpu();
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_iamgen"))
        .args(["simulate", "--batch"])
        .arg(file)
        .stdout(Stdio::null())
        .status()
        .expect("iamgen runs");
    let elapsed = start.elapsed();
    assert!(status.success(), "the batch is all decidable");
    (elapsed, children_cpu().saturating_sub(cpu))
}

/// The one-request command, one process per request: the first `count` lines of the batch.
fn one_by_one(lines: &str, count: usize) -> Duration {
    let start = Instant::now();
    for line in lines.lines().take(count) {
        let request: serde_json::Value = serde_json::from_str(line).expect("a line");
        let text = |key: &str| request[key].as_str().expect("a string").to_owned();
        let mut args = vec![
            "simulate".to_owned(),
            "--format".to_owned(),
            "json".to_owned(),
            "--principal".to_owned(),
            text("principal"),
            "--action".to_owned(),
            text("action"),
            "--resource".to_owned(),
            text("resource"),
            "--resource-account".to_owned(),
            "111122223333".to_owned(),
        ];
        for file in request["identity"].as_array().expect("a list") {
            args.extend([
                "--identity".to_owned(),
                file.as_str().expect("a path").to_owned(),
            ]);
        }
        if let Some(file) = request["resource_policy"].as_str() {
            args.extend(["--resource-policy".to_owned(), file.to_owned()]);
        }
        for (key, value) in request["context"].as_object().expect("a map") {
            args.extend([
                "--context".to_owned(),
                format!("{key}={}", value.as_str().expect("a value")),
            ]);
        }
        Command::new(env!("CARGO_BIN_EXE_iamgen"))
            .args(&args)
            .stdout(Stdio::null())
            .status()
            .expect("iamgen runs");
    }
    start.elapsed()
}

fn per_second(count: usize, time: Duration) -> f64 {
    count as f64 / time.as_secs_f64()
}

fn batch_section(rounds: usize, count: usize) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let fixture = fixture(dir.path());
    let (built, lines) = requests(&fixture, count);
    let file = dir.path().join("batch.jsonl");
    std::fs::write(&file, &lines).expect("the batch");
    let library_time = median((0..rounds).map(|_| library(&fixture.set, &built)).collect());
    let runs: Vec<(Duration, Duration)> = (0..rounds).map(|_| command(&file)).collect();
    let command_time = median(runs.iter().map(|run| run.0).collect());
    let command_cpu = median(runs.iter().map(|run| run.1).collect());
    let baseline = one_by_one(&lines, ONE_BY_ONE.min(count));
    let library_rate = per_second(count, library_time);
    let command_rate = per_second(count, command_time);
    let baseline_rate = per_second(ONE_BY_ONE.min(count), baseline);
    println!("## batch of {count} requests (median of {rounds} rounds)\n");
    println!("| how | wall time | CPU time | decisions per second | against the library |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| library `evaluate_many` (one thread) | {library_time:.2?} | = wall | {library_rate:.0} | 1.00 |"
    );
    println!(
        "| `iamgen simulate --batch FILE` | {command_time:.2?} | {command_cpu:.2?} | {command_rate:.0} | {:.2} (CPU: {:.2}) |",
        command_rate / library_rate,
        library_time.as_secs_f64() / command_cpu.as_secs_f64().max(1e-9)
    );
    println!(
        "| one `iamgen simulate` per request ({} requests) | {baseline:.2?} | - | {baseline_rate:.0} | {:.4} |",
        ONE_BY_ONE.min(count),
        baseline_rate / library_rate
    );
    println!(
        "\nbatch / one-by-one: {:.0}x\n",
        command_rate / baseline_rate
    );
}

/// A policy of `statements` statements, none of which matches the request but the last (each has an action
/// pattern, a resource pattern and a condition, as managed policies do).
fn policy_of(statements: usize, tag: usize) -> PolicyDocument {
    let mut text = String::from(r#"{"Version": "2012-10-17", "Statement": ["#);
    for index in 0..statements.saturating_sub(1) {
        let _ = write!(
            text,
            r#"{{"Sid": "S{tag}x{index}", "Effect": "Allow", "Action": ["ec2:Describe*", "sqs:Get{index}*"], "Resource": "arn:aws:sqs:eu-west-1:111122223333:queue-{index}-*", "Condition": {{"StringEquals": {{"aws:PrincipalTag/team": "t{index}"}}}}}},"#
        );
    }
    let _ = write!(
        text,
        r#"{{"Sid": "Last{tag}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}}]}}"#
    );
    PolicyDocument::from_json(&text).expect("a policy")
}

/// The library's time per decision of one request against `policies`.
fn per_decision(set: &PolicySet, ids: &[PolicyId]) -> Duration {
    let mut request = BatchRequest::new(
        "arn:aws:iam::111122223333:user/alice",
        "s3:GetObject",
        "arn:aws:s3:::reports/q1.csv",
    );
    request.identity = ids.to_vec();
    request.context.add("aws:PrincipalTag/team", "data");
    let requests = vec![request; 200];
    let start = Instant::now();
    let mut rounds = 0_u32;
    while start.elapsed() < Duration::from_millis(400) {
        black_box(evaluate_many(set, &requests).count());
        rounds += 1;
    }
    start.elapsed() / (rounds * 200)
}

fn growth_section(rounds: usize) {
    println!("## growth (library, one request, the matching statement last)\n");
    println!("| shape | size | time per decision | decisions per second | growth |");
    println!("| --- | --- | --- | --- | --- |");
    for shape in ["statements per policy", "policies per principal"] {
        let mut before = None;
        for size in [10, 100, 1_000] {
            let mut set = PolicySet::new();
            let ids: Vec<PolicyId> = if shape == "statements per policy" {
                vec![set.insert("one", policy_of(size, 0))]
            } else {
                (0..size)
                    .map(|tag| set.insert(format!("p{tag}"), policy_of(5, tag)))
                    .collect()
            };
            let time = median((0..rounds).map(|_| per_decision(&set, &ids)).collect());
            println!(
                "| {shape} | {size} | {time:.2?} | {:.0} | {} |",
                1.0 / time.as_secs_f64(),
                growth(time, before)
            );
            before = Some(time);
        }
    }
}

fn main() {
    let (rounds, max) = rounds_and_max(3);
    let sections: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| arg == "batch" || arg == "growth")
        .collect();
    let all = sections.is_empty();
    if all || sections.iter().any(|s| s == "batch") {
        batch_section(rounds, BATCH.min(max));
    }
    if all || sections.iter().any(|s| s == "growth") {
        growth_section(rounds);
    }
}
