// Real actions in any case are accepted: `ses:SendRawEmail` exists, and IAM compares actions
// case-insensitively, so `s3:getobject` is `s3:GetObject`.
fn main() {
    let policy = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": ["ses:SendRawEmail", "s3:getobject"], "Resource": "*" }
    });
    assert!(policy.json().contains("\"s3:getobject\""));
}
