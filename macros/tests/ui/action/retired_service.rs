// A service AWS has retired: said as such, with no did-you-mean to an unrelated service.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": "deeplens:*", "Resource": "*" }
    });
}
