// An identity policy applies to whoever holds it: it names no principal.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Principal": { "AWS": "183438944504" }, "Action": "s3:GetObject", "Resource": "*" }
    });
}
