// `s3:Get*Zzz` is well-formed but matches no S3 action, so it grants nothing.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": "s3:Get*Zzz", "Resource": "*" }
    });
}
