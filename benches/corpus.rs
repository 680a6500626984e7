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

pub mod support;

use std::hint::black_box;
use std::time::Duration;

use iamgen::PolicyDocument;
use support::{corpus_files, median, rounds_and_max, time};

fn corpus() -> Vec<String> {
    corpus_files()
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

fn main() {
    let (rounds, _) = rounds_and_max(41);
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
