// An action named by a placeholder stands for one action: the wildcard the compile-time check puts in its
// place raises no warning about what a wildcard of the service would grant.
#![deny(warnings)]

use iamgen::Policy;

#[derive(Policy)]
#[statement(action = "iam:{verb}", resource = "*")]
struct IamVerb {
    verb: String,
}

#[derive(Policy)]
#[statement(action = "iam:PassRole", resource = "{role_arn}")]
struct PassOne {
    role_arn: String,
}

fn main() {
    assert!(IamVerb { verb: "ListRoles".to_owned() }.to_json().unwrap().contains("iam:ListRoles"));
    let one = PassOne { role_arn: "arn:aws:iam::081278057606:role/Worker".to_owned() };
    assert!(one.to_json().unwrap().contains("role/Worker"));
}
