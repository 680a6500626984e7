// Statement ids must be unique in a service control policy.
fn main() {
    let _ = iamgen::policy!(scp {
        "Version": "2012-10-17",
        "Statement": [
            { "Sid": "Protect", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*" },
            { "Sid": "Protect", "Effect": "Deny", "Action": "s3:DeleteBucketPolicy", "Resource": "*" }
        ]
    });
}
