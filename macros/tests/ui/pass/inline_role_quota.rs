// An inline role policy has its own quota, 10,240 characters: this one (8,428) is over the managed 6,144.
#[path = "../shared/big_policy.rs"]
#[macro_use]
mod big_policy;

fn main() {
    let _ = big_policy!(, use = inline_role);
}
