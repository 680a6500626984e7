// An ARN with four of its six fields.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:com.stuzio.projectx" }
    });
}
