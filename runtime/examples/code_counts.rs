//! Counts the linter's findings by code over a corpus of identity policies: how the catalogue's corrections
//! show on real policies.
//!
//! ```text
//! cargo run -p iamgen-runtime --example code_counts -- POLICIES.json [--show] [CODE...]
//! ```
//!
//! `POLICIES.json` is one JSON object, policy name -> policy document (an object, or its text). The AWS managed
//! policies moto ships make one:
//!
//! ```text
//! target/ci-tools/moto/bin/python -c "import json; from moto.iam.aws_managed_policies import \
//!   aws_managed_policies_data as d; print(json.dumps({n: p['Document'] for n, p in json.loads(d).items()}))" \
//!   > /tmp/aws-managed.json
//! ```
//!
//! Prints one line per code (only the codes named, if any): the code, its findings, how many of them carry
//! a did-you-mean, and the number of policies with the code. `--show` first prints each finding counted:
//! policy name, code, message.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use iamgen_runtime::lint::{self, Options, PolicyKind};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: code_counts POLICIES.json [--show] [CODE...]");
        return ExitCode::FAILURE;
    };
    let mut show = false;
    let only: BTreeSet<String> = args
        .filter(|arg| {
            let flag = arg == "--show";
            show |= flag;
            !flag
        })
        .collect();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("{path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let policies: BTreeMap<String, serde_json::Value> = match serde_json::from_str(&text) {
        Ok(policies) => policies,
        Err(error) => {
            eprintln!("{path}: not a JSON object of policies: {error}");
            return ExitCode::FAILURE;
        }
    };
    // code -> (findings, with a did-you-mean, policies)
    let mut counts: BTreeMap<&'static str, (usize, usize, usize)> = BTreeMap::new();
    for (name, document) in &policies {
        let source = match document {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let report = lint::lint_source(&source, Some(PolicyKind::Identity), &Options::default());
        let mut seen = BTreeSet::new();
        for finding in &report.findings {
            if !only.is_empty() && !only.contains(finding.code) {
                continue;
            }
            if show {
                println!("{name}\t{}\t{}", finding.code, finding.message);
            }
            let entry = counts.entry(finding.code).or_default();
            entry.0 += 1;
            if finding
                .help
                .as_deref()
                .is_some_and(|help| help.contains("did you mean"))
            {
                entry.1 += 1;
            }
            if seen.insert(finding.code) {
                entry.2 += 1;
            }
        }
    }
    println!("{} policies", policies.len());
    println!("code\tfindings\twith did-you-mean\tpolicies");
    for (code, (findings, suggested, in_policies)) in counts {
        println!("{code}\t{findings}\t{suggested}\t{in_policies}");
    }
    ExitCode::SUCCESS
}
