// The first word of policy! is the policy's kind.
fn main() {
    let _ = iamgen::policy!(identiy {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }
    });
}
