// Errors that keep the text from being a policy (an unknown element, effect or operator) are all reported
// together too; the other checks run once they are fixed.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-18",
        "Statement": [
            { "Effect": "allow", "Action": "s3:GetObject", "Resource": "*" },
            { "Effect": "Allow", "Actions": "s3:GetObject", "Action": "s3:GetObject", "Resource": "*" },
            { "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*", "Condition": { "StringEqual": {} } }
        ]
    });
}
