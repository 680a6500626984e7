// The Rust source `iamgen import` wrote for the hardened scenario's role (tests/deploy/deploy.rs keeps it current):
// every document through `policy!`, so it compiles only if the linter accepts them.
include!("imported/stuzio_acme_consultant_role.rs");

fn main() {
    let stack = stack().expect("IAM's names are valid IAM names");
    assert_eq!(stack.roles().count(), 1);
}
