// A role nobody may assume.
#[derive(iamgen::Role)]
#[role(account = "081278057606")]
struct Consultant;

fn main() {}
