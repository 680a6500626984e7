//! The generator at scale: a stack of N roles, each with a trust policy and one attached managed policy,
//! rendered to Terraform and CloudFormation, for N = 10, 100, 1,000 and 10,000; the baseline is AWS CDK
//! synthesizing the same roles (`benches/cdk/synth.js`, run by `benches/cdk/measure.sh`).
//!
//! Run: `cargo bench --features generate --bench generate` (add `-- --rounds N` for more rounds at the small
//! sizes, `-- --max N` to stop at a smaller N). The report gives, per N, the median time to build the [`Stack`] and the median
//! time of `render(&stack, &[Target::Terraform, Target::CloudFormation])`, the time per role and the growth
//! from the previous N (linear growth is ~10x per 10x N).
//!
//! The workload, the same in `synth.js`: role `i` is `BenchRole{i}` in the account `i / 100`; its trust admits
//! the root of a third-party account outside the stack with `StringEquals sts:ExternalId`; its managed policy
//! `BenchRole{i}Policy` has three statements: object read/write on `arn:aws:s3:::iamgen-bench-{i}/*`,
//! `s3:ListBucket` on the bucket, and item read/write on the DynamoDB table `bench-{i}` of its account.
//!
//! Why 100 roles per account: CloudFormation limits one template to 500 resources, 200 outputs and 200
//! parameters, and the renderer splits a template over any of them into nested stacks. Each role
//! brings 2 resources (role, policy), 2 outputs (their ARNs) and 1 parameter (its session duration), so the
//! outputs bind first: 100 roles per account is the most one template holds, which keeps this comparison at
//! one template per account (`benches/generate_cli.rs` measures the split). Both sides get the same
//! accounts: one CloudFormation stack per account in CDK, one template per account (and one Terraform file
//! per account) here.

#![allow(
    clippy::cast_precision_loss,
    reason = "role counts and nanoseconds are far below 2^52"
)]

pub mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use iamgen::AccountId;
use iamgen::policy::{
    Action, ActionElement, Condition, ConditionBlock, ConditionValue, ConditionValues, Effect,
    OneOrMany, Operator, OperatorBase, PolicyDocument, Principal, PrincipalElement, PrincipalKind,
    Resource, ResourceElement, Statement, Version,
};
use iamgen::render::{Target, render};
use iamgen::stack::Stack;
use support::{growth, median, rounds_and_max};

/// Roles per account: the most one CloudFormation template holds (200 outputs, 2 per role).
const ROLES_PER_ACCOUNT: usize = 100;

/// The third party that assumes every role, outside the stack.
const TRUSTED_ACCOUNT: &str = "210987654321";

/// What is rendered: the two deployable targets.
const BOTH: [Target; 2] = [Target::Terraform, Target::CloudFormation];

/// The sizes measured.
const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

/// The account ids of the stack: 12 digits, one per 100 roles.
fn account_id(index: usize) -> AccountId {
    AccountId::parse(&format!("{}", 100_000_000_000 + index)).expect("twelve digits")
}

fn allow(sid: &str, actions: &[&str], resources: Vec<String>) -> Statement {
    Statement {
        sid: Some(sid.to_owned()),
        effect: Effect::Allow,
        principal: None,
        action: ActionElement::Action(OneOrMany::Many(
            actions.iter().map(|action| Action::new(*action)).collect(),
        )),
        resource: Some(ResourceElement::Resource(if resources.len() == 1 {
            OneOrMany::One(Resource::new(
                resources.into_iter().next().unwrap_or_default(),
            ))
        } else {
            OneOrMany::Many(resources.into_iter().map(Resource::new).collect())
        })),
        condition: None,
    }
}

fn trust(role: usize) -> PolicyDocument {
    PolicyDocument {
        version: Some(Version::V2012_10_17),
        id: None,
        statement: OneOrMany::Many(vec![Statement {
            sid: None,
            effect: Effect::Allow,
            principal: Some(PrincipalElement::Principal(Principal::Map(vec![(
                PrincipalKind::Aws,
                OneOrMany::One(format!("arn:aws:iam::{TRUSTED_ACCOUNT}:root")),
            )]))),
            action: ActionElement::Action(OneOrMany::One(Action::new("sts:AssumeRole"))),
            resource: None,
            condition: Some(Condition(vec![ConditionBlock {
                operator: Operator::plain(OperatorBase::StringEquals),
                entries: vec![ConditionValues {
                    key: "sts:ExternalId".to_owned(),
                    values: OneOrMany::One(ConditionValue::String(format!("iamgen-bench-{role}"))),
                }],
            }])),
        }]),
    }
}

fn permissions(role: usize, account: &AccountId) -> PolicyDocument {
    let bucket = format!("arn:aws:s3:::iamgen-bench-{role}");
    PolicyDocument {
        version: Some(Version::V2012_10_17),
        id: None,
        statement: OneOrMany::Many(vec![
            allow(
                "ReadWriteObjects",
                &["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                vec![format!("{bucket}/*")],
            ),
            allow("ListBucket", &["s3:ListBucket"], vec![bucket]),
            allow(
                "ReadWriteItems",
                &[
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:Query",
                ],
                vec![
                    format!("arn:aws:dynamodb:eu-west-1:{account}:table/bench-{role}"),
                    format!("arn:aws:dynamodb:eu-west-1:{account}:table/bench-{role}/index/*"),
                ],
            ),
        ]),
    }
}

/// N roles over `ceil(N / 100)` accounts, each role with its trust and one attached managed policy.
fn build(roles: usize) -> Stack {
    let mut stack = Stack::new();
    let mut account = None;
    for role in 0..roles {
        if role % ROLES_PER_ACCOUNT == 0 {
            let index = role / ROLES_PER_ACCOUNT;
            account = Some((
                stack.add_account(account_id(index), format!("Bench{index:03}")),
                account_id(index),
            ));
        }
        let Some((account_ref, id)) = &account else {
            unreachable!("role 0 opens the first account")
        };
        let name = format!("BenchRole{role:05}");
        let role_ref = stack
            .add_role(*account_ref, &name, trust(role))
            .expect("a valid role name");
        let policy = stack
            .add_policy(*account_ref, format!("{name}Policy"), permissions(role, id))
            .expect("a valid policy name");
        stack.attach(role_ref, policy);
    }
    stack
}

fn generate(stack: &Stack, targets: &[Target]) -> usize {
    let rendered =
        render(black_box(stack), targets).expect("every template within CloudFormation's limits");
    rendered.files().values().map(String::len).sum()
}

fn timed(f: impl FnOnce() -> usize) -> (Duration, usize) {
    let start = Instant::now();
    let result = black_box(f());
    (start.elapsed(), result)
}

/// Rounds for one size: many at the small sizes, few at the large ones, at least 3.
fn rounds_for(roles: usize, rounds: usize) -> usize {
    match roles {
        0..=100 => rounds,
        101..=1_000 => (rounds / 3).max(3),
        _ => 3,
    }
}

fn main() {
    let (rounds, max) = rounds_and_max(21);
    // The embedded templates are parsed once per process, on first use: not part of any size's cost.
    black_box(generate(&build(1), &BOTH));

    println!(
        "generate: N roles (trust + 1 managed policy of 3 statements each), {ROLES_PER_ACCOUNT} roles per \
         account; render = Terraform + CloudFormation in one call, then each target alone"
    );
    println!(
        "{:>6} {:>8} {:>6} {:>10} {:>10} {:>9} {:>7} {:>10} {:>10} {:>8}",
        "N",
        "accounts",
        "rounds",
        "build",
        "render",
        "per role",
        "growth",
        "terraform",
        "cfn",
        "output"
    );
    let mut previous: Option<Duration> = None;
    for roles in SIZES.into_iter().filter(|roles| *roles <= max) {
        let rounds = rounds_for(roles, rounds);
        let mut samples: [Vec<Duration>; 4] = Default::default();
        let mut bytes = 0;
        for _ in 0..rounds {
            let (elapsed, stack) = {
                let start = Instant::now();
                let stack = black_box(build(black_box(roles)));
                (start.elapsed(), stack)
            };
            samples[0].push(elapsed);
            let (elapsed, both) = timed(|| generate(&stack, &BOTH));
            samples[1].push(elapsed);
            bytes = both;
            samples[2].push(timed(|| generate(&stack, &[Target::Terraform])).0);
            samples[3].push(timed(|| generate(&stack, &[Target::CloudFormation])).0);
        }
        let [
            build_median,
            render_median,
            terraform_median,
            cloudformation_median,
        ] = samples.map(median);
        let per_role = render_median / u32::try_from(roles).unwrap_or(u32::MAX);
        let growth = growth(render_median, previous);
        println!(
            "{roles:>6} {:>8} {rounds:>6} {:>10.2?} {:>10.2?} {:>6.1} us {growth:>7} {:>10.2?} {:>10.2?} {:>5.1} MB",
            roles.div_ceil(ROLES_PER_ACCOUNT),
            build_median,
            render_median,
            per_role.as_secs_f64() * 1e6,
            terraform_median,
            cloudformation_median,
            bytes as f64 / 1e6,
        );
        // One line per size for `benches/cdk/measure.sh`: N and the medians in nanoseconds.
        println!(
            "result n={roles} build_ns={} render_ns={} terraform_ns={} cloudformation_ns={}",
            build_median.as_nanos(),
            render_median.as_nanos(),
            terraform_median.as_nanos(),
            cloudformation_median.as_nanos()
        );
        previous = Some(render_median);
    }
}
