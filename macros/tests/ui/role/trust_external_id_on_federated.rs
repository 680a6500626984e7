// STS takes an external id only in `AssumeRole`: a federated principal never has one.
#[derive(iamgen::Role)]
#[role(account = "081278057606")]
#[trust(federated = "arn:aws:iam::081278057606:oidc-provider/token.actions.githubusercontent.com", external_id = "ci")]
struct Deployer;

fn main() {}
