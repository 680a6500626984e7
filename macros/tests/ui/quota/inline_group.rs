// A group's inline policies share 5,120 characters.
#[path = "../shared/big_policy.rs"]
#[macro_use]
mod big_policy;

fn main() {
    let _ = big_policy!(, use = inline_group);
}
