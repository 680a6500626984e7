// A role's account id is 12 digits.
#[derive(iamgen::Role)]
#[role(account = "81278057606")]
#[trust(account = "183438944504", external_id = "acme")]
struct Consultant;

fn main() {}
