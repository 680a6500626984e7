// A condition binds the principals of its own `#[trust(...)]`; alone, it would bind no one (it used to bind
// every trust of the role, partners and services alike).
#[derive(iamgen::Role)]
#[role(account = "081278057606")]
#[trust(account = "183438944504", external_id = "acme")]
#[trust(mfa)]
struct Consultant;

fn main() {}
