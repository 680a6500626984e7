// A service never sends MFA: bound by it, the service could never assume the role. Each `#[trust(...)]` is a
// statement of its own, so the service is trusted in its own attribute.
#[derive(iamgen::Role)]
#[role(account = "081278057606")]
#[trust(service = "lambda.amazonaws.com", mfa)]
struct Worker;

fn main() {}
