// A role name has at most 64 characters.
#[derive(iamgen::Role)]
#[role(
    account = "081278057606",
    name = "RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR"
)]
#[trust(account = "183438944504")]
struct Consultant;

fn main() {}
