//! What every SDK test against moto starts with: the base identity's static key, a session on an endpoint, and
//! a runtime to block on.

use iamgen::deploy::{Session, SessionOptions};

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

/// A session of the base identity on `endpoint`, in `us-east-1`.
pub async fn session(endpoint: &str) -> Session {
    session_with(endpoint, "us-east-1").await
}
