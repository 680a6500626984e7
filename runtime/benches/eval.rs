//! The offline evaluator: decisions per second for a typical single policy, for a large managed policy
//! (hundreds of statements), and for the reference scenario's whole chain (`sts:AssumeRole`, then the action).
//!
//! `cargo bench -p iamgen-runtime --bench eval`; the figures are in BENCHMARKS.md ("Simulator"). Criterion
//! reports the time per decision; decisions per second are its inverse.
#![allow(
    missing_docs,
    reason = "criterion_group! defines an undocumented public function"
)]

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iamgen_runtime::PolicyDocument;
use iamgen_runtime::eval::chain::{Request, simulate};
use iamgen_runtime::eval::{Caller, Context, Named, Policies, evaluate};
use iamgen_runtime::stack::Stack;

/// A typical identity policy: the hardened scenario's permissions, three statements, one condition.
const TYPICAL: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ListProjectX", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::com.stuzio.projectx"},
    {"Sid": "ReadWriteProjectXObjects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
     "Resource": "arn:aws:s3:::com.stuzio.projectx/*"},
    {"Sid": "NoUnencryptedTransport", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
  ]
}"#;

/// A large managed policy: 300 statements over many services, the matching one last.
fn large() -> PolicyDocument {
    let mut text = String::from(r#"{"Version": "2012-10-17", "Statement": ["#);
    let services = [
        "ec2", "dynamodb", "sqs", "sns", "lambda", "kms", "logs", "s3",
    ];
    for index in 0..299 {
        let service = services[index % services.len()];
        let _ = write!(
            text,
            r#"{{"Sid": "S{index}", "Effect": "Allow", "Action": ["{service}:Describe*", "{service}:Get{index}*"], "Resource": "arn:aws:{service}:eu-west-1:111111111111:thing/{index}/*", "Condition": {{"StringEquals": {{"aws:PrincipalTag/team": "t{index}"}}}}}},"#
        );
    }
    text.push_str(r#"{"Sid": "Last", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::com.stuzio.projectx/*"}]}"#);
    PolicyDocument::from_json(&text).expect("a valid policy")
}

fn single_policy(c: &mut Criterion) {
    let typical = PolicyDocument::from_json(TYPICAL).expect("a valid policy");
    let large = large();
    let caller = Caller::new("arn:aws:sts::081278057606:assumed-role/StuzioAcmeConsultantRole/s");
    let context = Context::new().with("aws:SecureTransport", "true");
    let mut group = c.benchmark_group("eval");
    group.throughput(Throughput::Elements(1));
    for (name, document) in [
        ("typical_policy", &typical),
        ("large_policy_300_statements", &large),
    ] {
        let policies = Policies {
            identity: vec![Named {
                name: "p",
                document,
            }],
            ..Policies::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                evaluate(
                    black_box(&caller),
                    black_box("s3:GetObject"),
                    black_box("arn:aws:s3:::com.stuzio.projectx/report.csv"),
                    "081278057606",
                    &policies,
                    &context,
                )
            });
        });
    }
    let stack = Stack::reference_scenario();
    group.bench_function("scenario_chain", |b| {
        b.iter(|| {
            simulate(
                &stack,
                &Request {
                    principal: black_box("Troy"),
                    action: "s3:GetObject",
                    resource: "arn:aws:s3:::com.stuzio.projectx/report.csv",
                    via_role: Some("StuzioAcmeConsultantRole"),
                    context: Context::new(),
                },
            )
        });
    });
    group.finish();
}

criterion_group!(benches, single_policy);
criterion_main!(benches);
