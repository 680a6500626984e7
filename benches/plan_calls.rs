//! What a clean `plan` costs against an account that holds roles no stack owns: requests (counted by a
//! fault-free proxy in front of moto) and wall time, for 0, 300 and 3,000 unrelated roles.
//!
//! `cargo bench --features aws --bench plan_calls` (moto from `scripts/ci-tools.sh`); `IAMGEN_PLAN_CALLS_ROLES`
//! overrides the counts (comma-separated). Results and the baseline are in BENCHMARKS.md.

#[path = "../tests/support/mod.rs"]
#[allow(
    dead_code,
    reason = "the bench uses only moto, the proxy and the scenario's bucket"
)]
pub mod support;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use iamgen::AccountId;
use iamgen::deploy::sdk::iam::types::Tag;
use iamgen::deploy::{self, Session, SessionOptions, apply, plan};
use iamgen::stack::Stack;
use support::moto::{FaultProxy, Moto};

const STUZIO: &str = "081278057606";

async fn session(endpoint: &str) -> Session {
    Session::new(SessionOptions {
        endpoint_url: Some(endpoint.to_owned()),
        static_credentials: Some((
            "AKIAIOSFODNN7EXAMPLE".to_owned(),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned(),
        )),
        ..SessionOptions::default()
    })
    .await
    .expect("a session on moto")
}

/// `(requests, median wall time)` of a clean plan of the reference scenario beside `unrelated` roles.
async fn measure(unrelated: usize) -> (usize, Duration) {
    let moto = Moto::start().expect("moto");
    let proxy = FaultProxy::start(moto.port(), 0, 0);
    let admin = session(&moto.endpoint()).await;
    // The scenario's bucket exists before the stack, which refers to it.
    support::deploy::make_the_scenarios_bucket(&admin).await;
    let stack = Stack::reference_scenario();
    let planned = plan(&admin, &stack, deploy::DEFAULT_STACK_NAME)
        .await
        .expect("a plan");
    assert!(apply(&admin, &planned).await.is_complete());
    let stuzio = admin
        .clients(&AccountId::parse(STUZIO).expect("an id"))
        .await
        .expect("Stuzio");
    for index in 0..unrelated {
        stuzio
            .iam
            .create_role()
            .role_name(format!("Unrelated{index:05}"))
            .assume_role_policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            )
            .tags(Tag::builder().key("team").value("other").build().expect("a tag"))
            .send()
            .await
            .expect("an unrelated role");
    }
    let counted = session(&proxy.endpoint()).await;
    let mut requests = 0;
    let mut times = Vec::new();
    for _ in 0..5 {
        let before = proxy.counts.requests.load(Ordering::SeqCst);
        let start = Instant::now();
        let planned = plan(&counted, &stack, deploy::DEFAULT_STACK_NAME)
            .await
            .expect("a plan");
        times.push(start.elapsed());
        assert!(planned.is_empty(), "{}", planned.to_text());
        requests = proxy.counts.requests.load(Ordering::SeqCst) - before;
    }
    times.sort();
    (requests, times[times.len() / 2])
}

fn main() {
    if support::moto::moto_server().is_none() {
        eprintln!("plan_calls: moto is not installed (run scripts/ci-tools.sh); nothing measured");
        return;
    }
    let counts: Vec<usize> = std::env::var("IAMGEN_PLAN_CALLS_ROLES").ok().map_or_else(
        || vec![0, 300, 3_000],
        |text| {
            text.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        },
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    println!("| unrelated roles | requests of a clean plan | median time (5 plans) |");
    println!("|---:|---:|---:|");
    for unrelated in counts {
        let (requests, time) = runtime.block_on(measure(unrelated));
        println!(
            "| {unrelated} | {requests} | {:.0} ms |",
            time.as_secs_f64() * 1e3
        );
    }
}
