// `Null` already tests whether the key exists.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
            "Condition": { "NullIfExists": { "aws:MultiFactorAuthAge": true } } }
    });
}
