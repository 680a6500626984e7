//! Typed parse + print of the whole fixture corpus against `serde_json::Value` parse + print of the same
//! bytes, in one run.
//!
//! Run: `cargo bench --bench corpus` (add `-- --rounds N` for more rounds). The two workloads alternate
//! round by round so that machine noise hits both alike; the report gives the median of each and their
//! ratio. Both print compact JSON (`to_json_compact` against `serde_json::to_string`), and both parse the
//! same valid files.

#![allow(
    clippy::cast_precision_loss,
    reason = "byte and policy counts are far below 2^52"
)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use iamgen::PolicyDocument;

fn corpus() -> Vec<String> {
    let mut files = Vec::new();
    let mut pending = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).expect("the fixture corpus") {
            let path: PathBuf = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        // Only the texts both readers accept, so both do the same work.
        .filter(|text| PolicyDocument::from_json(text).is_ok())
        .collect()
}

fn typed(texts: &[String]) -> usize {
    let mut bytes = 0;
    for text in texts {
        let document = PolicyDocument::from_json(black_box(text)).expect("valid");
        bytes += black_box(document.to_json_compact()).len();
    }
    bytes
}

fn untyped(texts: &[String]) -> usize {
    let mut bytes = 0;
    for text in texts {
        let value: serde_json::Value = serde_json::from_str(black_box(text)).expect("valid");
        bytes += black_box(serde_json::to_string(&value).expect("printable")).len();
    }
    bytes
}

fn time(f: impl Fn() -> usize, iterations: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..iterations {
        black_box(f());
    }
    start.elapsed() / iterations
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let mut rounds = 41usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--rounds" {
            rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(rounds);
        }
    }
    let texts = corpus();
    let total_bytes: usize = texts.iter().map(String::len).sum();
    // Warm caches and the allocator, and size each sample to roughly 20 ms.
    let one = time(|| typed(&texts), 3).max(Duration::from_micros(1));
    let iterations = u32::try_from((20_000_000 / one.as_nanos().max(1)).max(1)).unwrap_or(1);
    let _ = time(|| untyped(&texts), iterations);

    let mut typed_samples = Vec::with_capacity(rounds);
    let mut untyped_samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        typed_samples.push(time(|| typed(&texts), iterations));
        untyped_samples.push(time(|| untyped(&texts), iterations));
    }
    let typed_median = median(typed_samples);
    let untyped_median = median(untyped_samples);
    let per_policy = |d: Duration| d.as_secs_f64() * 1e6 / texts.len() as f64;
    let throughput = |d: Duration| total_bytes as f64 / d.as_secs_f64() / 1e6;
    println!(
        "corpus: {} policies, {} bytes; {rounds} rounds x {iterations} iterations",
        texts.len(),
        total_bytes
    );
    println!(
        "typed   (iamgen parse + to_json_compact):      {:>10.1?}  {:>6.2} us/policy  {:>7.1} MB/s",
        typed_median,
        per_policy(typed_median),
        throughput(typed_median)
    );
    println!(
        "untyped (serde_json::Value parse + to_string): {:>10.1?}  {:>6.2} us/policy  {:>7.1} MB/s",
        untyped_median,
        per_policy(untyped_median),
        throughput(untyped_median)
    );
    println!(
        "ratio typed/untyped: {:.2}x (target <= 1.30x)",
        typed_median.as_secs_f64() / untyped_median.as_secs_f64()
    );
}
