// Effects are case-sensitive.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "allow", "Action": "s3:GetObject", "Resource": "*" }
    });
}
