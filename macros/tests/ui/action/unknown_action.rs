// An action that does not exist: the error is on the literal, with the nearest action of the same service.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObjekt"], "Resource": "*" }
    });
}
