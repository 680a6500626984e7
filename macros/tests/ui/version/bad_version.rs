// A version IAM does not know; the suggestion is the current one.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-18",
        "Statement": { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }
    });
}
