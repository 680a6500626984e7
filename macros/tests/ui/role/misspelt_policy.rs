// Policies are attached by type, so a misspelt one does not compile (the scenario's text calls one policy
// both `StuzioProjectx` and `StuzioProjectXPolicy`).
#[derive(iamgen::Policy)]
#[statement(action = "s3:ListAllMyBuckets", resource = "*")]
struct StuzioProjectXPolicy;

#[derive(iamgen::Role)]
#[role(account = "081278057606")]
#[trust(account = "183438944504", external_id = "acme")]
#[attach(StuzioProjectx)]
struct StuzioAcmeConsultantRole;

fn main() {}
