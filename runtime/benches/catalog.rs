//! The embedded catalogue: building the index, and the lookups the macros and the linter make.
//!
//! `cargo bench -p iamgen-runtime --bench catalog`; the figures are in BENCHMARKS.md.
#![allow(
    missing_docs,
    reason = "criterion_group! defines an undocumented public function"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use iamgen_runtime::catalog::{__bench_build_index, catalog};

fn index(c: &mut Criterion) {
    // A fresh index each iteration: what the first lookup in a process pays, once.
    c.bench_function("catalog/build_index", |b| {
        b.iter_with_large_drop(__bench_build_index);
    });
}

fn lookups(c: &mut Criterion) {
    let catalog = catalog();
    c.bench_function("catalog/action_exact_case", |b| {
        b.iter(|| catalog.action(black_box("s3:GetObject")));
    });
    c.bench_function("catalog/action_other_case", |b| {
        b.iter(|| catalog.action(black_box("EC2:describeinstances")));
    });
    c.bench_function("catalog/action_unknown", |b| {
        b.iter(|| catalog.action(black_box("s3:GetObjekt")));
    });
    c.bench_function("catalog/expand_s3_get_star", |b| {
        b.iter(|| catalog.expand(black_box("s3:Get*")));
    });
    c.bench_function("catalog/expand_all", |b| {
        b.iter_with_large_drop(|| catalog.expand(black_box("*")));
    });
    c.bench_function("catalog/suggest_action", |b| {
        b.iter(|| catalog.suggest_action(black_box("s3:GetObjekt")));
    });
    c.bench_function("catalog/suggest_action_ec2", |b| {
        b.iter(|| catalog.suggest_action(black_box("ec2:DescribeInstanse")));
    });
    c.bench_function("catalog/suggest_service", |b| {
        b.iter(|| catalog.suggest_service(black_box("s4")));
    });
    c.bench_function("catalog/condition_key_template", |b| {
        let s3 = catalog.service("s3");
        b.iter(|| s3.and_then(|s3| s3.condition_key(black_box("aws:ResourceTag/team"))));
    });
}

criterion_group!(benches, index, lookups);
criterion_main!(benches);
