// Two external ids in one trust used to keep only the last: each partner gets its own `#[trust(...)]`.
#[derive(iamgen::Role)]
#[role(account = "081278057606")]
#[trust(account = "183438944504", external_id = "acme", external_id = "globex")]
struct Consultant;

fn main() {}
