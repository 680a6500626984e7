// A misspelt global condition key.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
            "Condition": { "NotIpAddress": { "aws:SourceIpp": "203.0.113.0/24" } } }
    });
}
