//! What every SDK test against moto starts with: the base identity's static key, a session on an endpoint, a
//! runtime to block on, and a moto of the test's own (skipped without it, as [`Moto::start`] says).

use std::path::Path;

use iamgen::AccountId;
use iamgen::deploy::{
    AccountClients, DEFAULT_STACK_NAME, Plan, Session, SessionOptions, apply, plan,
};
use iamgen::stack::Stack;

use super::moto::Moto;

/// The base identity's static key: moto puts it in account `123456789012`, which assumes
/// `OrganizationAccountAccessRole` in the scenario's accounts.
pub const BASE_KEY: (&str, &str) = (
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
);

/// Runs `future` to its end on a runtime of its own.
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

/// A session of the base identity on `endpoint`, in `region`.
pub async fn session_with(endpoint: &str, region: &str) -> Session {
    Session::new(SessionOptions {
        endpoint_url: Some(endpoint.to_owned()),
        region: region.to_owned(),
        static_credentials: Some((BASE_KEY.0.to_owned(), BASE_KEY.1.to_owned())),
        ..SessionOptions::default()
    })
    .await
    .expect("a session on moto")
}

/// Runs `test` against a moto of its own, with a session of the base identity on it (in `us-east-1`), on a
/// runtime of its own; returns at once without moto.
pub fn on_moto(test: impl AsyncFnOnce(&Moto, Session)) {
    let Some(moto) = Moto::start() else {
        return;
    };
    block_on(async {
        let admin = session(&moto.endpoint()).await;
        test(&moto, admin).await;
    });
}

/// Runs `test` against a moto of its own, with an empty home folder for the shared AWS config files (the
/// command line's tests write them there); returns at once without moto.
pub fn on_moto_with_home(test: impl FnOnce(&Moto, &Path)) {
    let Some(moto) = Moto::start() else {
        return;
    };
    let home = tempfile::tempdir().expect("a temporary directory");
    test(&moto, home.path());
}

/// A session of the base identity on `endpoint`, in `us-east-1`.
pub async fn session(endpoint: &str) -> Session {
    session_with(endpoint, "us-east-1").await
}

/// The account `id`, which must be one.
#[must_use]
pub fn account(id: &str) -> AccountId {
    AccountId::parse(id).expect("an account id")
}

/// The clients of `session` in the account `id`.
pub async fn clients(session: &Session, id: &str) -> AccountClients {
    session
        .clients(&account(id))
        .await
        .expect("the account's clients")
}

/// Makes the reference scenario's bucket in Stuzio, as Stuzio has it before the stack: the scenario refers to
/// it (`existing`) and never creates it, so a plan without it stops.
pub async fn make_the_scenarios_bucket(session: &Session) {
    clients(session, "081278057606")
        .await
        .s3
        .create_bucket()
        .bucket("com.stuzio.projectx")
        .send()
        .await
        .expect("the scenario's bucket");
}

/// [`make_the_scenarios_bucket`] on `moto`, for the command line's tests, which run outside a runtime.
pub fn make_the_scenarios_bucket_on(moto: &Moto) {
    block_on(async { make_the_scenarios_bucket(&session(&moto.endpoint()).await).await });
}

/// Makes Stuzio's log bucket `com.stuzio.logs`, which lets S3's log delivery write into it (a bucket policy for
/// `logging.s3.amazonaws.com`): the hardened scenario's bucket logs into it, and it exists before the stack.
pub async fn make_the_log_bucket(session: &Session) {
    const LOGS: &str = "com.stuzio.logs";
    let s3 = clients(session, "081278057606").await.s3;
    s3.create_bucket()
        .bucket(LOGS)
        .send()
        .await
        .expect("the log bucket");
    s3.put_bucket_policy()
        .bucket(LOGS)
        .policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"logging.s3.amazonaws.com"}},"Action":"s3:PutObject","Resource":"arn:aws:s3:::{LOGS}/*"}}]}}"#
        ))
        .send()
        .await
        .expect("the log bucket's policy");
}

/// The plan of `stack` under the default stack name.
pub async fn plan_of(session: &Session, stack: &Stack) -> Plan {
    plan(session, stack, DEFAULT_STACK_NAME)
        .await
        .expect("a plan")
}

/// Applies `stack`, checks that the next plan is empty, and returns the report's text.
pub async fn apply_all(session: &Session, stack: &Stack) -> String {
    let planned = plan_of(session, stack).await;
    let report = apply(session, &planned).await;
    assert!(report.is_complete(), "{}", report.to_text());
    let again = plan_of(session, stack).await;
    assert!(
        again.is_empty(),
        "a second plan should be empty:\n{}",
        again.to_text()
    );
    report.to_text()
}
