// IAM's JSON has no trailing commas.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": ["s3:GetObject",], "Resource": "*" }
    });
}
