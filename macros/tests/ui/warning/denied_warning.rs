// Warnings surface as deprecation warnings on the token; a crate that denies them sees them as errors.
#![deny(deprecated)]

fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::com.stuzio.projectx/*" }
    });
}
