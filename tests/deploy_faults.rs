//! Writes that lose their answer, against moto behind a fault proxy: IAM carried the write out, the connection
//! dropped before the reply, and the SDK's retry must not do it twice. Also the region a bucket is made in.
//!
//! Each test starts its own `moto_server` (`scripts/ci-tools.sh` installs it); without it they are skipped
//! outside CI.
#![allow(
    clippy::missing_panics_doc,
    clippy::too_many_lines,
    reason = "an end-to-end test reads as one story, and fails by panicking"
)]

pub mod support;

use iamgen::deploy::{self, Session, SessionOptions, apply, plan};
use iamgen::stack::Stack;
use iamgen::{AccountId, PolicyDocument};
use support::moto::{FaultProxy, Moto};

const BASE_KEY: (&str, &str) = (
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
);
const STUZIO: &str = "081278057606";
const BUCKET: &str = "com.stuzio.projectx";
const STACK: &str = deploy::DEFAULT_STACK_NAME;
const POLICY: &str = "StuzioProjectXPolicy";

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

async fn session_with(endpoint: &str, region: &str) -> Session {
    Session::new(SessionOptions {
        endpoint_url: Some(endpoint.to_owned()),
        region: region.to_owned(),
        static_credentials: Some((BASE_KEY.0.to_owned(), BASE_KEY.1.to_owned())),
        ..SessionOptions::default()
    })
    .await
    .expect("a session on moto")
}

async fn session(endpoint: &str) -> Session {
    session_with(endpoint, "us-east-1").await
}

/// Plans and applies `stack`, requiring every change to be made.
async fn apply_all(session: &Session, stack: &Stack) -> usize {
    let planned = plan(session, stack, STACK).await.expect("a plan");
    let report = apply(session, &planned).await;
    assert!(report.is_complete(), "{}", report.to_text());
    report.done.len()
}

/// The reference scenario with its managed policy's second statement named `sid`.
fn scenario_with(sid: &str) -> Stack {
    let mut stack = Stack::reference_scenario();
    let policy = stack.policy_by_name(POLICY).expect("the policy");
    stack.policy_mut(policy).document = PolicyDocument::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"FullAccessToProjectX","Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::{BUCKET}","arn:aws:s3:::{BUCKET}/*"]}},{{"Sid":"{sid}","Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}]}}"#
    ))
    .expect("a policy");
    stack
}

/// The policy's versions: `(id, is the default, the document's second Sid)`, oldest first by number.
async fn versions(session: &Session) -> Vec<(String, bool, String)> {
    let stuzio = session
        .clients(&AccountId::parse(STUZIO).expect("an id"))
        .await
        .expect("Stuzio");
    let arn = format!("arn:aws:iam::{STUZIO}:policy/{POLICY}");
    let listed = stuzio
        .iam
        .list_policy_versions()
        .policy_arn(&arn)
        .send()
        .await
        .expect("versions");
    let mut out = Vec::new();
    for version in listed.versions() {
        let id = version.version_id().unwrap_or_default().to_owned();
        let got = stuzio
            .iam
            .get_policy_version()
            .policy_arn(&arn)
            .version_id(&id)
            .send()
            .await
            .expect("a version");
        let text = got
            .policy_version()
            .and_then(|version| version.document())
            .unwrap_or_default();
        let decoded = deploy::canonical::decode_document(text);
        let document = PolicyDocument::from_json(&decoded).expect("a document");
        let sid = document
            .statements()
            .nth(1)
            .and_then(|statement| statement.sid.clone())
            .unwrap_or_default();
        out.push((id, version.is_default_version(), sid));
    }
    out.sort_by_key(|(id, _, _)| id.trim_start_matches('v').parse::<u32>().unwrap_or(0));
    out
}

#[test]
fn a_lost_answer_to_create_policy_version_makes_no_second_version() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let proxy = FaultProxy::start(moto.port(), 0, 0);
    block_on(async {
        let direct = session(&moto.endpoint()).await;
        let through_proxy = session(&proxy.endpoint()).await;
        apply_all(&direct, &scenario_with("First")).await;

        // IAM makes v2, the answer is lost, the SDK retries: one new version, the default, and nothing to plan.
        proxy.lose_answers_to("CreatePolicyVersion", 1);
        let done = apply_all(&through_proxy, &scenario_with("Second")).await;
        assert_eq!(done, 1);
        assert_eq!(
            proxy
                .counts
                .dropped_after
                .load(std::sync::atomic::Ordering::SeqCst),
            1
        );
        assert_eq!(
            versions(&direct).await,
            [
                ("v1".to_owned(), false, "First".to_owned()),
                ("v2".to_owned(), true, "Second".to_owned()),
            ]
        );
        let again = plan(&direct, &scenario_with("Second"), STACK)
            .await
            .expect("a plan");
        assert!(again.is_empty(), "{}", again.to_text());

        // Up to IAM's five versions, then the same fault at the limit: the oldest goes, one version is made.
        for sid in ["Third", "Fourth", "Fifth"] {
            apply_all(&direct, &scenario_with(sid)).await;
        }
        assert_eq!(versions(&direct).await.len(), 5);
        proxy.lose_answers_to("CreatePolicyVersion", 1);
        let planned = plan(&through_proxy, &scenario_with("Sixth"), STACK)
            .await
            .expect("a plan");
        let report = apply(&through_proxy, &planned).await;
        assert!(report.is_complete(), "{}", report.to_text());
        assert_eq!(report.done.len(), 1, "{}", report.to_text());
        let after = versions(&direct).await;
        let sids: Vec<&str> = after.iter().map(|(_, _, sid)| sid.as_str()).collect();
        assert_eq!(
            sids,
            ["Second", "Third", "Fourth", "Fifth", "Sixth"],
            "{after:?}"
        );
        assert!(
            after.last().is_some_and(|(_, default, _)| *default),
            "{after:?}"
        );
    });
}

#[test]
fn a_bucket_is_made_in_the_session_region() {
    let Some(moto) = Moto::start() else {
        return;
    };
    block_on(async {
        let admin = session_with(&moto.endpoint(), "eu-west-1").await;
        let stack = Stack::reference_scenario();
        apply_all(&admin, &stack).await;
        let stuzio = admin
            .clients(&AccountId::parse(STUZIO).expect("an id"))
            .await
            .expect("Stuzio");
        let location = stuzio
            .s3
            .get_bucket_location()
            .bucket(BUCKET)
            .send()
            .await
            .expect("the bucket's location");
        assert_eq!(
            location.location_constraint().map(|c| c.as_str()),
            Some("eu-west-1")
        );
        let again = plan(&admin, &stack, STACK).await.expect("a plan");
        assert!(again.is_empty(), "{}", again.to_text());
    });
}

#[test]
fn a_bucket_name_taken_by_another_account_is_an_error_not_done() {
    let Some(moto) = Moto::start() else {
        return;
    };
    block_on(async {
        let admin = session(&moto.endpoint()).await;
        // Acme takes the name first: Stuzio's stack must neither report the bucket made nor go on as if it were.
        let acme = admin
            .clients(&AccountId::parse("183438944504").expect("an id"))
            .await
            .expect("Acme");
        acme.s3
            .create_bucket()
            .bucket(BUCKET)
            .send()
            .await
            .expect("Acme's bucket");
        let planned = plan(&admin, &Stack::reference_scenario(), STACK)
            .await
            .expect("a plan");
        let report = apply(&admin, &planned).await;
        let text = report.to_text();
        assert!(!report.is_complete(), "{text}");
        assert!(report.done.is_empty(), "{text}");
        assert!(text.contains("BucketAlreadyExists"), "{text}");
    });
}
