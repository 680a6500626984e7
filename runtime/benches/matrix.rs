//! The access matrix (`iamgen matrix`) on growing stacks: N users and N roles, for N = 10, 100 and 1,000.
//!
//! Run: `cargo bench -p iamgen-runtime --bench matrix` (add `-- --rounds N` for more rounds at the small sizes,
//! `-- --max N` to stop at a smaller N, `-- --sizes 10,200` for other sizes). The report gives, per N, the median time of
//! `access_matrix_in(&stack, &organization, &context)`, the cells it returns, the growth from the previous N
//! and the time per (principal, role) pair, the matrix's inherent size: every principal is tried through every
//! role. The figures are in BENCHMARKS.md ("Simulator: the access matrix").
//!
//! The workload, the cross-account pattern of the reference scenario at scale: user `i` (`MatrixUser{i}`) is in
//! the identity account `i / 100`, in its account's group `Readers{k}` (which may list every matrix bucket);
//! an inline policy lets the user assume role `i`. Role `i` (`MatrixRole{i}`) is in the workload account
//! `i / 100`; its trust admits user `i` alone, with `aws:MultiFactorAuthPresent`; its managed policy reads and
//! writes the objects of its account's bucket (`iamgen-matrix-{k}`) under `role-{i}/` and lists the bucket. Each
//! account is under one service control policy that denies `s3:DeleteObject`.

#![allow(
    clippy::cast_precision_loss,
    reason = "pair counts and nanoseconds are far below 2^52"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use iamgen_runtime::eval::Context;
use iamgen_runtime::eval::chain::{Organization, access_matrix_in};
use iamgen_runtime::stack::{InlinePolicy, Stack};
use iamgen_runtime::{AccountId, PolicyDocument};

/// Principals of each kind per account.
const PER_ACCOUNT: usize = 100;

/// The sizes measured: N users and N roles.
const SIZES: [usize; 3] = [10, 100, 1_000];

fn document(text: &str) -> PolicyDocument {
    PolicyDocument::from_json(text).expect("a valid policy")
}

fn identity_account(index: usize) -> String {
    format!("{}", 100_000_000_000 + index)
}

fn workload_account(index: usize) -> String {
    format!("{}", 200_000_000_000 + index)
}

/// The stack of N users and N roles, and the organization of its accounts.
fn build(n: usize) -> (Stack, Organization) {
    let mut stack = Stack::new();
    let mut organization = Organization::new();
    let deny_delete = document(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}"#,
    );
    let accounts = n.div_ceil(PER_ACCOUNT);
    let mut users_in = Vec::new();
    let mut roles_in = Vec::new();
    for index in 0..accounts {
        for (id, name, into) in [
            (identity_account(index), "Identity", &mut users_in),
            (workload_account(index), "Workload", &mut roles_in),
        ] {
            let account = stack.add_account(
                AccountId::parse(&id).expect("twelve digits"),
                format!("{name}{index:03}"),
            );
            organization.add_scp_level(&id, vec![("DenyDelete".to_owned(), deny_delete.clone())]);
            into.push(account);
        }
        stack
            .add_bucket(roles_in[index], format!("iamgen-matrix-{index}"))
            .expect("a valid name");
    }
    let groups: Vec<_> = (0..accounts)
        .map(|index| {
            let group = stack.add_group(users_in[index], format!("Readers{index}")).expect("a valid name");
            let policy = stack.add_policy(
                users_in[index],
                format!("Readers{index}List"),
                document(
                    r#"{"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::iamgen-matrix-*"}]}"#,
                ),
            ).expect("a valid name");
            stack.attach(group, policy);
            group
        })
        .collect();
    for i in 0..n {
        let k = i / PER_ACCOUNT;
        let (identity, workload) = (identity_account(k), workload_account(k));
        let user = stack
            .add_user(users_in[k], format!("MatrixUser{i}"))
            .expect("a valid name");
        stack.add_to_group(user, groups[k]);
        stack.add_inline(
            user,
            InlinePolicy {
                name: "AssumeOwnRole".to_owned(),
                document: document(&format!(
                    r#"{{"Version": "2012-10-17", "Statement": [
                        {{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::{workload}:role/MatrixRole{i}"}}]}}"#
                )),
            },
        ).expect("a valid name");
        let role = stack.add_role(
            roles_in[k],
            format!("MatrixRole{i}"),
            document(&format!(
                r#"{{"Version": "2012-10-17", "Statement": [
                    {{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{identity}:user/MatrixUser{i}"}},
                      "Action": "sts:AssumeRole", "Condition": {{"Bool": {{"aws:MultiFactorAuthPresent": "true"}}}}}}]}}"#
            )),
        ).expect("a valid name");
        let policy = stack.add_policy(
            roles_in[k],
            format!("MatrixRole{i}Access"),
            document(&format!(
                r#"{{"Version": "2012-10-17", "Statement": [
                    {{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::iamgen-matrix-{k}"}},
                    {{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                      "Resource": "arn:aws:s3:::iamgen-matrix-{k}/role-{i}/*"}}]}}"#
            )),
        ).expect("a valid name");
        stack.attach(role, policy);
    }
    (stack, organization)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn rounds_for(n: usize, rounds: usize) -> usize {
    match n {
        0..=10 => rounds,
        11..=100 => rounds.min(5),
        _ => rounds.min(3),
    }
}

fn main() {
    let mut rounds = 11usize;
    let mut max = usize::MAX;
    let mut sizes = SIZES.to_vec();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(rounds),
            "--max" => max = args.next().and_then(|n| n.parse().ok()).unwrap_or(max),
            "--sizes" => {
                if let Some(list) = args.next() {
                    sizes = list.split(',').filter_map(|n| n.parse().ok()).collect();
                }
            }
            _ => {}
        }
    }
    let context = Context::new().with("aws:MultiFactorAuthPresent", "true");
    println!(
        "matrix: N users and N roles, {PER_ACCOUNT} of each per account; access_matrix_in with one SCP per account"
    );
    println!(
        "{:>6} {:>6} {:>8} {:>11} {:>8} {:>14}",
        "N", "rounds", "cells", "matrix", "growth", "per pair"
    );
    let mut previous: Option<Duration> = None;
    for n in sizes.into_iter().filter(|n| *n <= max) {
        let (stack, organization) = build(n);
        let rounds = rounds_for(n, rounds);
        let mut samples = Vec::new();
        let mut cells = 0;
        for _ in 0..rounds {
            let start = Instant::now();
            let matrix = black_box(access_matrix_in(black_box(&stack), &organization, &context));
            samples.push(start.elapsed());
            cells = matrix.len();
        }
        let time = median(samples);
        // Every principal (2N) through every role but itself, and directly.
        let pairs = 2 * n * n;
        println!(
            "{n:>6} {rounds:>6} {cells:>8} {time:>11.2?} {:>8} {:>11.2} us",
            previous.map_or_else(
                || "-".to_owned(),
                |before| format!("{:.1}x", time.as_secs_f64() / before.as_secs_f64())
            ),
            time.as_secs_f64() * 1e6 / pairs as f64,
        );
        previous = Some(time);
    }
}
