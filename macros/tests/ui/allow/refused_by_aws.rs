// An error that means AWS refuses the policy cannot be allowed: `allow(INVALID_ACTION)` used to let a misspelt
// action compile.
fn main() {
    let _ = iamgen::policy!(identity, allow(INVALID_ACTION) {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*" }
    });
}
