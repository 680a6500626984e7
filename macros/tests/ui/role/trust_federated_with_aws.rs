// A federated principal assumes the role with `sts:AssumeRoleWithWebIdentity` (or `WithSAML`), an account
// with `sts:AssumeRole`: one statement cannot grant both, so each is trusted in its own `#[trust(...)]`.
#[derive(iamgen::Role)]
#[role(account = "081278057606")]
#[trust(account = "183438944504", federated = "arn:aws:iam::081278057606:oidc-provider/token.actions.githubusercontent.com")]
struct Deployer;

fn main() {}
