// A service that does not exist: the suggestion is the nearest service prefix.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": "s4:GetObject", "Resource": "*" }
    });
}
