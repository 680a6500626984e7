// The Rust source `iamgen import` wrote for a stack of three roles, a user and a policy (tests/deploy/deploy_import.rs
// keeps it current): policies shared by roles and users, each declared once.
include!("imported/report_stack.rs");

fn main() {
    let stack = stack().expect("IAM's names are valid IAM names");
    assert_eq!(stack.name(), Some("iamgen"));
    assert_eq!(stack.roles().count(), 3);
    assert_eq!(stack.users().count(), 1);
    assert_eq!(stack.policies().count(), 1);
}
