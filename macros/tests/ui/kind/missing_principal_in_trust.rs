// A trust policy must say who may assume the role.
fn main() {
    let _ = iamgen::policy!(trust {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": "sts:AssumeRole" }
    });
}
