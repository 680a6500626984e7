// A misspelt condition operator: the error is on the key.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
            "Condition": { "StringEqual": { "aws:PrincipalAccount": "081278057606" } } }
    });
}
