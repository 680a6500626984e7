// STS accepts an external id of 2 to 1224 letters, digits and `_+=,.@:/-`: this one could never be sent.
#[derive(iamgen::Role)]
#[role(account = "081278057606")]
#[trust(account = "183438944504", external_id = "${aws:username}")]
struct Consultant;

fn main() {}
