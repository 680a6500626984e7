// IAM rejects a policy with a key twice, where most JSON readers keep the last value.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*" }
    });
}
