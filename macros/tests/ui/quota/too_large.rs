// A managed policy is at most 6,144 characters without whitespace.
#[path = "../shared/big_policy.rs"]
#[macro_use]
mod big_policy;

fn main() {
    let _ = big_policy!();
}
