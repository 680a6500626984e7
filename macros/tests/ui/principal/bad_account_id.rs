// Stuzio's account id with its leading zero lost, as an integer would lose it.
fn main() {
    let _ = iamgen::policy!(trust {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Principal": { "AWS": "81278057606" }, "Action": "sts:AssumeRole",
            "Condition": { "StringEquals": { "sts:ExternalId": "acme" } } }
    });
}
