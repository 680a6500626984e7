// S3 bucket and object ARNs have no region.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:us-east-1::com.stuzio.projectx/*" }
    });
}
