// Only an identity policy is used inline or managed; a trust policy has its own quota.
fn main() {
    let _ = iamgen::policy!(trust, use = inline_role {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Principal": { "Service": "lambda.amazonaws.com" }, "Action": "sts:AssumeRole" }
    });
}
