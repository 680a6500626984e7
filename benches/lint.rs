//! The linter in one process over four workloads, in CPU time (the unit of parliament's figures):
//!
//! - `managed`: a folder of real policies, one document a file, by default the AWS managed policies that
//!   `scripts/ci-tools.sh` extracts to `target/ci-tools/aws-managed-policies/` (`--policies DIR` for another);
//!   skipped when the folder is absent. `--per-policy FILE` writes each policy's CPU time
//!   (`name<TAB>seconds<TAB>findings`) for `benches/parliament/compare.sh`.
//! - `synthetic`: managed-size policies built from the catalogue, so that the bench needs nothing outside the
//!   repository: the `ReadOnlyAccess` shape (one statement of `svc:Get*`, `svc:List*`, `svc:Describe*` for every
//!   service), a statement of 1,500 actions, and a policy of 300 statements on the ARNs their actions take.
//! - `growth`: one statement of 100, 1,000 and 10,000 actions (one in ten a pattern): time per ×10 actions.
//! - `fixtures`: every valid text of `tests/fixtures/corpus`, small documents (lint against parse alone).
//!
//! Run: `cargo bench --bench lint` (every workload), `-- --section NAME` for one, `-- --rounds N` for more
//! rounds (medians are reported). The catalogue index and the linter's lazily built tables are warmed before
//! timing, as they are after the first policy of any real run. `-- --slowest` lists the policies of the
//! `managed` folder (or of the fixtures) that cost the most.

#![allow(
    clippy::cast_precision_loss,
    reason = "policy counts and microseconds are far below 2^52"
)]

pub mod support;

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use iamgen::PolicyDocument;
use iamgen::catalog::catalog;
use iamgen::lint::{self, Options, PolicyKind};
use support::{corpus_files, cpu, growth, median, rounds_and_max};

/// A policy to lint: its name, its text, the kind to check it as (inferred when `None`).
struct Policy {
    name: String,
    text: String,
    kind: Option<PolicyKind>,
}

fn argument(name: &str) -> Option<String> {
    std::env::args().skip_while(|arg| arg != name).nth(1)
}

fn flag(name: &str) -> bool {
    std::env::args().any(|arg| arg == name)
}

fn fixtures() -> Vec<Policy> {
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
            let text = std::fs::read_to_string(path).ok()?;
            Some(Policy { name, text, kind })
        })
        .filter(|policy| PolicyDocument::from_json(&policy.text).is_ok())
        .collect()
}

/// The `*.json` files of `dir`, sorted by name, as policies of an inferred kind.
fn folder(dir: &Path) -> Vec<Policy> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = read
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).ok()?;
            Some(Policy {
                name,
                text,
                kind: None,
            })
        })
        .collect()
}

/// A policy of one statement per `(actions, resources)` pair, allowed, with a `Sid` each.
fn document(statements: &[(Vec<String>, Vec<String>)]) -> String {
    let mut text = String::from("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [");
    for (index, (actions, resources)) in statements.iter().enumerate() {
        let list = |items: &[String]| {
            items
                .iter()
                .map(|item| format!("\n        \"{item}\""))
                .collect::<Vec<_>>()
                .join(",")
        };
        let _ = write!(
            text,
            "{}\n    {{\n      \"Sid\": \"S{index}\",\n      \"Effect\": \"Allow\",\n      \"Action\": [{}\n      ],\n      \"Resource\": [{}\n      ]\n    }}",
            if index == 0 { "" } else { "," },
            list(actions),
            list(resources),
        );
    }
    text.push_str("\n  ]\n}\n");
    text
}

/// `svc:Get*`, `svc:List*`, `svc:Describe*` for every service, those that match an action, as `ReadOnlyAccess`.
fn read_only_patterns() -> Vec<String> {
    let mut patterns = Vec::new();
    for service in catalog().services() {
        for verb in ["Get", "List", "Describe"] {
            if service
                .actions()
                .any(|action| action.name().starts_with(verb))
            {
                patterns.push(format!("{}:{verb}*", service.prefix()));
            }
        }
    }
    patterns
}

/// `count` catalogue actions spread evenly over the catalogue, sorted as AWS writes them.
fn spread_actions(count: usize) -> Vec<String> {
    let all: Vec<&'static str> = catalog()
        .services()
        .flat_map(|service| service.actions())
        .map(|action| action.full_name())
        .collect();
    let step = (all.len() / count.max(1)).max(1);
    let mut actions: Vec<String> = all
        .iter()
        .step_by(step)
        .take(count)
        .map(|name| (*name).to_owned())
        .collect();
    actions.sort_unstable();
    actions
}

/// An ARN for a catalogue template: partition, region and account filled in, every other variable a name.
fn arn(template: &str) -> String {
    let mut arn = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        arn.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        arn.push_str(match &rest[start + 2..start + end] {
            "Partition" => "aws",
            "Region" => "us-east-1",
            "Account" => "123456789012",
            _ => "example-name",
        });
        rest = &rest[start + end + 1..];
    }
    arn.push_str(rest);
    arn
}

/// Managed-size policies built from the catalogue, deterministically.
fn synthetic() -> Vec<Policy> {
    let star = || vec!["*".to_owned()];
    let mut policies = vec![
        Policy {
            name: "ReadOnlyAccess shape".to_owned(),
            text: document(&[(read_only_patterns(), star())]),
            kind: None,
        },
        Policy {
            name: "one statement of 1,500 actions".to_owned(),
            text: document(&[(spread_actions(1_500), star())]),
            kind: None,
        },
    ];
    // 300 statements, each of up to 5 actions of one resource type of one service, on that type's ARNs.
    let mut statements = Vec::new();
    // One resource type per service (its first), to spread the statements over the services.
    for service in catalog().services() {
        let Some(resource_type) = service.resource_types().next() else {
            continue;
        };
        let actions: Vec<String> = service
            .actions()
            .filter(|action| {
                action
                    .resource_types()
                    .any(|rt| rt.name() == resource_type.name())
            })
            .take(5)
            .map(|action| action.full_name().to_owned())
            .collect();
        let resources: Vec<String> = resource_type.arn_templates().map(arn).collect();
        if !actions.is_empty() && !resources.is_empty() {
            statements.push((actions, resources));
            if statements.len() == 300 {
                break;
            }
        }
    }
    policies.push(Policy {
        name: "300 statements on their ARNs".to_owned(),
        text: document(&statements),
        kind: None,
    });
    policies
}

/// One statement of `count` entries on `*`, one in ten a `ReadOnlyAccess` pattern, the rest actions.
fn growth_policy(count: usize) -> String {
    let patterns = read_only_patterns();
    let literals = spread_actions(count - count / 10);
    let mut actions = Vec::with_capacity(count);
    let mut literals = literals.into_iter();
    for index in 0..count {
        if index % 10 == 9 {
            actions.push(patterns[(index / 10) % patterns.len()].clone());
        } else if let Some(literal) = literals.next() {
            actions.push(literal);
        }
    }
    document(&[(actions, vec!["*".to_owned()])])
}

fn lint_one(policy: &Policy, options: &Options) -> usize {
    black_box(lint::lint_source(
        black_box(&policy.text),
        policy.kind,
        options,
    ))
    .findings
    .len()
}

fn lint_all(policies: &[Policy], options: &Options) -> usize {
    policies
        .iter()
        .map(|policy| lint_one(policy, options))
        .sum()
}

fn parse_all(policies: &[Policy]) -> usize {
    policies
        .iter()
        .map(|policy| {
            black_box(
                PolicyDocument::parse_with_tree(black_box(&policy.text))
                    .map(|p| p.document.statement.len()),
            )
            .unwrap_or(0)
        })
        .sum()
}

/// How many calls of `f` make about `target` of CPU time, at least one.
fn iterations_for(f: impl Fn() -> usize, target: Duration) -> u32 {
    let one = cpu(&f, 1).max(Duration::from_nanos(100));
    u32::try_from(target.as_nanos() / one.as_nanos())
        .unwrap_or(u32::MAX)
        .max(1)
}

/// The CPU time of one policy: the least mean of three batches of about 2 ms each.
fn per_policy(policy: &Policy, options: &Options) -> Duration {
    let f = || lint_one(policy, options);
    let iterations = iterations_for(f, Duration::from_millis(2));
    (0..3).map(|_| cpu(f, iterations)).min().unwrap_or_default()
}

fn print_slowest(policies: &[Policy], options: &Options) {
    let mut costs: Vec<(Duration, usize)> = policies
        .iter()
        .enumerate()
        .map(|(index, policy)| (per_policy(policy, options), index))
        .collect();
    costs.sort_unstable_by(|a, b| b.cmp(a));
    for (cost, index) in costs.iter().take(12) {
        println!("{cost:>10.1?}  {}", policies[*index].name);
    }
    let total: Duration = costs.iter().map(|(cost, _)| *cost).sum();
    let top: Duration = costs.iter().take(12).map(|(cost, _)| *cost).sum();
    println!(
        "the 12 slowest take {:.0}% of the total",
        top.as_secs_f64() * 100.0 / total.as_secs_f64()
    );
}

/// The whole folder, pass by pass, and each policy on its own when `--per-policy FILE` asks.
fn managed(rounds: usize, options: &Options) {
    let dir = argument("--policies").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools/aws-managed-policies"),
        PathBuf::from,
    );
    let policies = folder(&dir);
    if policies.is_empty() {
        println!(
            "managed: no policy in {} (run scripts/ci-tools.sh, or pass --policies DIR): skipped",
            dir.display()
        );
        return;
    }
    // The first pass: the did-you-mean answers the linter remembers per process are not known yet.
    let start = support::cpu_time();
    let findings = lint_all(&policies, options);
    let first = support::cpu_time().saturating_sub(start);
    println!(
        "managed, first pass: {:.1} ms CPU, {:.2} us per policy",
        first.as_secs_f64() * 1e3,
        first.as_secs_f64() * 1e6 / policies.len() as f64
    );
    if flag("--slowest") {
        print_slowest(&policies, options);
        return;
    }
    if let Some(out) = argument("--per-policy") {
        let mut table = String::new();
        let mut total = Duration::ZERO;
        for policy in &policies {
            let cost = per_policy(policy, options);
            total += cost;
            let _ = writeln!(
                table,
                "{}\t{:.9}\t{}",
                policy.name,
                cost.as_secs_f64(),
                lint_one(policy, options)
            );
        }
        std::fs::write(&out, table).expect("the per-policy table");
        println!(
            "managed, each policy on its own (least of 3 batches of ~2 ms): {} policies, {:.3} ms CPU, {:.2} us per policy; written to {out}",
            policies.len(),
            total.as_secs_f64() * 1e3,
            total.as_secs_f64() * 1e6 / policies.len() as f64
        );
    }
    let samples: Vec<Duration> = (0..rounds.min(7))
        .map(|_| cpu(|| lint_all(&policies, options), 1))
        .collect();
    let pass = median(samples);
    println!(
        "managed ({}): {} policies, {findings} findings; one pass {:.1} ms CPU, {:.2} us per policy (median of {} passes)",
        dir.display(),
        policies.len(),
        pass.as_secs_f64() * 1e3,
        pass.as_secs_f64() * 1e6 / policies.len() as f64,
        rounds.min(7)
    );
}

fn synthetic_section(rounds: usize, options: &Options) {
    println!("synthetic, built from the catalogue:");
    for policy in synthetic() {
        let f = || lint_one(&policy, options);
        let iterations = iterations_for(f, Duration::from_millis(20));
        let samples: Vec<Duration> = (0..rounds).map(|_| cpu(f, iterations)).collect();
        println!(
            "  {:<34} {:>7} bytes {:>5} findings {:>10.1?} CPU",
            policy.name,
            policy.text.len(),
            f(),
            median(samples)
        );
    }
}

fn growth_section(rounds: usize, options: &Options) {
    println!("growth, one statement of N actions (one in ten a pattern) on `*`:");
    growth_rows(rounds, options, growth_policy);
    // Without patterns, no entry covers another: the findings stay few, and the time is the checks' own.
    println!("growth, one statement of N distinct actions (no pattern) on `*`:");
    growth_rows(rounds, options, |count| {
        document(&[(spread_actions(count), vec!["*".to_owned()])])
    });
}

/// One row per N of 100, 1,000 and 10,000: the CPU time to lint `policy(N)`, and its growth per ×10.
fn growth_rows(rounds: usize, options: &Options, policy: impl Fn(usize) -> String) {
    let mut before = None;
    for count in [100, 1_000, 10_000] {
        let policy = Policy {
            name: String::new(),
            text: policy(count),
            kind: None,
        };
        let f = || lint_one(&policy, options);
        let iterations = iterations_for(f, Duration::from_millis(20));
        let now = median((0..rounds).map(|_| cpu(f, iterations)).collect());
        // The findings are part of the work (each is a message, a pointer and a help), and with patterns
        // they grow faster than N: more patterns cover more of the other actions.
        println!(
            "  N = {count:>6}: {:>10.1?} CPU, {:>6.2} us per action, x10 N -> {}, {} findings",
            now,
            now.as_secs_f64() * 1e6 / count as f64,
            growth(now, before),
            f()
        );
        before = Some(now);
    }
}

fn fixtures_section(rounds: usize, options: &Options) {
    let mut policies = fixtures();
    if flag("--without-errors") {
        // The policies IAM would accept: no did-you-mean work on error paths.
        policies
            .retain(|policy| !lint::lint_source(&policy.text, policy.kind, options).has_errors());
    }
    if flag("--slowest") {
        print_slowest(&policies, options);
        return;
    }
    let findings = lint_all(&policies, options);
    let iterations = iterations_for(|| lint_all(&policies, options), Duration::from_millis(50));
    let mut parse_samples = Vec::with_capacity(rounds);
    let mut lint_samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        parse_samples.push(cpu(|| parse_all(&policies), iterations));
        lint_samples.push(cpu(|| lint_all(&policies, options), iterations));
    }
    let parse = median(parse_samples);
    let lint = median(lint_samples);
    println!(
        "fixtures: {} policies, {findings} findings; lint {lint:.1?}, parse alone {parse:.1?} ({:.1}x); {:.2} us per policy",
        policies.len(),
        lint.as_secs_f64() / parse.as_secs_f64(),
        lint.as_secs_f64() * 1e6 / policies.len() as f64
    );
}

fn main() {
    let (rounds, _) = rounds_and_max(11);
    let options = Options::default();
    let section = argument("--section");
    let wants = |name: &str| section.as_deref().is_none_or(|section| section == name);
    // Warm the catalogue index and the linter's per-process tables.
    lint_all(&synthetic(), &options);
    if wants("managed") {
        managed(rounds, &options);
    }
    if wants("synthetic") {
        synthetic_section(rounds, &options);
    }
    if wants("growth") {
        growth_section(rounds, &options);
    }
    if wants("fixtures") {
        fixtures_section(rounds, &options);
    }
}
