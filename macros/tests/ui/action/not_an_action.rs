// `sts:role` is accepted by a crate that checks only the shape of action names; it is no STS action.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": "sts:role", "Resource": "*" }
    });
}
