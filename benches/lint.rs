//! The linter over the whole fixture corpus in one process: lint (parse included) against parse alone, and
//! the time per policy against parliament's ~4 ms of CPU per policy on AWS managed policies.
//!
//! Run: `cargo bench --bench lint` (add `-- --rounds N` for more rounds). Both workloads alternate round by
//! round; the report gives medians. The catalogue index and the linter's lazily built tables are warmed
//! before timing, as they are after the first policy of any real run.

#![allow(
    clippy::cast_precision_loss,
    reason = "policy counts and microseconds are far below 2^52"
)]

pub mod support;

use std::hint::black_box;
use std::time::Duration;

use iamgen::PolicyDocument;
use iamgen::lint::{self, Options, PolicyKind};
use support::{corpus_files, median, rounds_and_max, time};

/// parliament's CPU time per policy on AWS managed policies, the baseline named by the issue.
const PARLIAMENT_PER_POLICY: Duration = Duration::from_millis(4);

fn corpus() -> Vec<(String, Option<PolicyKind>)> {
    corpus_files()
        .into_iter()
        .filter_map(|path| {
            let name = path.to_string_lossy().into_owned();
            let kind = if name.contains("scp-examples") || name.contains("service_control") {
                Some(PolicyKind::Scp)
            } else if name.contains("resource_control") {
                Some(PolicyKind::Rcp)
            } else {
                None
            };
            std::fs::read_to_string(path).ok().map(|text| (text, kind))
        })
        .filter(|(text, _)| PolicyDocument::from_json(text).is_ok())
        .collect()
}

fn parse(texts: &[(String, Option<PolicyKind>)]) -> usize {
    texts
        .iter()
        .map(|(text, _)| {
            black_box(
                PolicyDocument::parse_with_tree(black_box(text))
                    .map(|p| p.document.statement.len()),
            )
            .unwrap_or(0)
        })
        .sum()
}

fn lint_all(texts: &[(String, Option<PolicyKind>)], options: &Options) -> usize {
    texts
        .iter()
        .map(|(text, kind)| {
            black_box(lint::lint_source(black_box(text), *kind, options))
                .findings
                .len()
        })
        .sum()
}

fn main() {
    let (rounds, _) = rounds_and_max(31);
    let mut texts = corpus();
    if let Some(only) = std::env::args().skip_while(|arg| arg != "--only").nth(1) {
        // Profile one kind of policy: those whose text contains the argument.
        texts.retain(|(text, _)| text.contains(&only));
    }
    let options = Options::default();
    if std::env::args().any(|arg| arg == "--without-errors") {
        // The policies IAM would accept, as AWS managed policies are: no did-you-mean work on error paths.
        texts.retain(|(text, kind)| !lint::lint_source(text, *kind, &options).has_errors());
    }
    if std::env::args().any(|arg| arg == "--slowest") {
        // Which policies cost the most, to see where time goes.
        let mut costs: Vec<(Duration, usize)> = texts
            .iter()
            .enumerate()
            .map(|(index, (text, kind))| {
                let one = &[(text.clone(), *kind)];
                (time(|| lint_all(one, &options), 200), index)
            })
            .collect();
        costs.sort_unstable_by(|a, b| b.cmp(a));
        for (cost, index) in costs.iter().take(12) {
            let first_line: String = texts[*index]
                .0
                .chars()
                .filter(|c| !c.is_whitespace())
                .take(90)
                .collect();
            println!("{cost:>10.1?}  {first_line}");
        }
        let total: Duration = costs.iter().map(|(cost, _)| *cost).sum();
        let top: Duration = costs.iter().take(12).map(|(cost, _)| *cost).sum();
        println!(
            "the 12 slowest take {:.0}% of the total",
            top.as_secs_f64() * 100.0 / total.as_secs_f64()
        );
        return;
    }
    let findings = lint_all(&texts, &options);
    let one = time(|| lint_all(&texts, &options), 3).max(Duration::from_micros(1));
    let iterations = u32::try_from((50_000_000 / one.as_nanos().max(1)).max(1)).unwrap_or(1);

    let mut parse_samples = Vec::with_capacity(rounds);
    let mut lint_samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        parse_samples.push(time(|| parse(&texts), iterations));
        lint_samples.push(time(|| lint_all(&texts, &options), iterations));
    }
    let parse_median = median(parse_samples);
    let lint_median = median(lint_samples);
    let per_policy = lint_median / u32::try_from(texts.len()).unwrap_or(1);
    println!(
        "corpus: {} policies, {findings} findings; {rounds} rounds x {iterations} iterations",
        texts.len()
    );
    println!("parse alone (strict reader + model + tree): {parse_median:>10.1?}");
    println!("lint (parse + every check):                 {lint_median:>10.1?}");
    println!(
        "ratio lint/parse: {:.2}x",
        lint_median.as_secs_f64() / parse_median.as_secs_f64()
    );
    println!(
        "per policy: {:.2} us; parliament ~{} ms per policy => {:.0}x faster (target >= 200x)",
        per_policy.as_secs_f64() * 1e6,
        PARLIAMENT_PER_POLICY.as_millis(),
        PARLIAMENT_PER_POLICY.as_secs_f64() / per_policy.as_secs_f64()
    );
}
